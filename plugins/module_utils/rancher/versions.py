# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which Rancher version has what: the one home of the Rancher version facts the modules act on.

Sources (rancher/rancher tags): ``clusterAgentDeploymentCustomization`` appears in v2.7.5 (absent in 2.7.4);
``schedulingCustomization``, the ``imported-cluster-version-management`` annotation and the management cluster as
the source of truth of imported v1 clusters (``updateImportedCluster``, pkg/controllers/provisioningv2/cluster) in
v2.11.0; ``schedulingCustomization`` is refused by the webhook unless feature ``cluster-agent-scheduling-customization``
is on (pkg/features/feature.go: default off; rancher/webhook v0.8.0 management.cattle.io/v3/cluster validator).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

AGENT_CUSTOMIZATION = (2, 7, 5)
SCHEDULING_CUSTOMIZATION = (2, 11, 0)
VERSION_MANAGEMENT = (2, 11, 0)
MGMT_SOURCE_OF_TRUTH = (2, 11, 0)

SCHEDULING_CUSTOMIZATION_FEATURE = "cluster-agent-scheduling-customization"
VERSION_MANAGEMENT_ANNOTATION = "rancher.io/imported-cluster-version-management"
# The webhook defaults and checks the annotation only for clusters these drivers run (mutateVersionManagement).
VERSION_MANAGED_DRIVERS = ("k3s", "rke2")


def parse_version(text):
    """``"v2.12.1"`` -> ``(2, 12, 1)``; ``None`` when the text is not a version (``dev``, ``master-head``)."""
    match = re.match(r"^\s*v?(\d+)\.(\d+)(?:\.(\d+))?", text or "")
    if not match:
        return None
    return (int(match.group(1)), int(match.group(2)), int(match.group(3) or 0))


def version_at_least(version, minimum):
    """True when ``version`` (a tuple or None) is >= ``minimum``; unknown versions count as new."""
    if version is None:
        return True
    return tuple(version) >= tuple(minimum)


def format_version(version):
    return "v%d.%d.%d" % tuple(version)
