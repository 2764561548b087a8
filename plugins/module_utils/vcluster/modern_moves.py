# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Values keys that moved between two 0.20+ chart versions, moved for an upgrade. Pure logic, no I/O."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import dialects
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.conversion import Conversion, copy_block
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.values_tree import (
    get_path,
    merge_values,
    set_path,
)


def move_modern_values(values, old_version, new_version, path_prefix=""):
    """Move unified keys that changed place between two 0.20+ versions. Returns ``(values, refused, notes)``."""
    conv = Conversion(new_version, path_prefix)
    result = copy.deepcopy(values or {})
    if not dialects.has_workload_egress_rules(old_version) and dialects.has_workload_egress_rules(new_version):
        outgoing = get_path(result, "policies.networkPolicy.outgoingConnections")
        if isinstance(outgoing, dict):
            result["policies"]["networkPolicy"].pop("outgoingConnections")
            block = outgoing.get("ipBlock") or {}
            if block:
                egress = {}
                copy_block(egress, block)
                merged = merge_values(get_path(result, "policies.networkPolicy.workload.publicEgress") or {}, egress)
                set_path(result, "policies.networkPolicy.workload.publicEgress", merged)
            if outgoing.get("platform") is False:
                conv.note("policies.networkPolicy.outgoingConnections.platform has no 0.31+ equivalent and was dropped")
        for key in ("extraControlPlaneRules", "extraWorkloadRules"):
            if get_path(result, "policies.networkPolicy." + key) is not None:
                conv.refuse(
                    "policies.networkPolicy." + key,
                    f"policies.networkPolicy.{key} was replaced in 0.31 by policies.networkPolicy.controlPlane/"
                    "workload ingress and egress rules; move the rules there",
                )
    if not dialects.has_namespace_sync(old_version) and dialects.has_namespace_sync(new_version):
        multi = get_path(result, "experimental.multiNamespaceMode")
        if isinstance(multi, dict):
            result["experimental"].pop("multiNamespaceMode")
            if multi.get("enabled"):
                set_path(result, "sync.toHost.namespaces.enabled", True)
                conv.note("experimental.multiNamespaceMode became sync.toHost.namespaces (0.26+); review its mappings")
    if not dialects.has_generic_sync(new_version):
        for key in ("genericSync", "isolatedControlPlane"):
            if get_path(result, "experimental." + key):
                conv.refuse(
                    "experimental." + key,
                    f"experimental.{key} was removed in 0.28; remove it (custom resources: sync.*.customResources)",
                )
    return result, conv.refused, conv.notes
