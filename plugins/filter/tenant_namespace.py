# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The host objects the roles write beside the chart, as filters over the tenant fact (the other filters of this file
are documented in the ``<filter>.yml`` files beside it); the logic is in module_utils/vcluster/host_objects.py."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: tenant_namespace
short_description: The tenant's host Namespace with its Pod Security labels and Rancher project
version_added: 0.2.0
author: tenancy.vcluster maintainers
description:
  - Builds the Namespace object the C(namespace) role applies, from the tenant fact (C(tenancy_vcluster_tenant)).
  - Labels C(pod-security.kubernetes.io/enforce|audit|warn) (and C(-version)) at the tenant's profile, from
    Kubernetes 1.25 (before, the PodSecurityPolicy of C(psp_objects) applies); C(enforce) may differ (the Rancher
    import's C(baseline) strategy) and then C(relaxed_reason) is recorded in annotation
    C(tenancy.vcluster/psa-relaxed).
  - The Rancher project as label and annotation C(field.cattle.io/projectId).
  - Label C(tenancy.vcluster/created) when the namespace does not exist yet or was created by this collection, so
    C(teardown) deletes only namespaces it created.
  - The filters C(extra_egress_policy), C(psp_objects) and C(release_claims) live in the same file.
options:
  _input:
    description: The tenant fact.
    type: dict
    required: true
  current:
    description: The namespace as it exists, or an empty dict.
    type: dict
  kubernetes_version:
    description: Host Kubernetes version (C(major.minor)).
    type: str
    default: "1.34"
  enforce:
    description: The enforce level when it differs from the profile; empty for the profile.
    type: str
    default: ""
  relaxed_reason:
    description: Why enforce differs from the profile.
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: Apply the tenant namespace
  kubernetes.core.k8s:
    definition: "{{ tenancy_vcluster_tenant | tenancy.vcluster.tenant_namespace(current=host.namespace) }}"
"""

RETURN = r"""
_value:
  description: A Namespace object.
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import host_objects


def _tenant(tenant, name):
    if not isinstance(tenant, dict) or not tenant.get("namespace") or not tenant.get("name"):
        raise AnsibleFilterError(f"{name}: the input must be the tenant fact (tenancy_vcluster_tenant)")
    return tenant


def tenant_namespace(tenant, current=None, kubernetes_version="1.34", enforce="", relaxed_reason=""):
    return host_objects.tenant_namespace(
        _tenant(tenant, "tenant_namespace"),
        current or None,
        host_objects.uses_pod_security_admission(kubernetes_version),
        enforce or "",
        relaxed_reason or "",
    )


def extra_egress_policy(tenant, cidrs):
    return host_objects.extra_egress_policy(_tenant(tenant, "extra_egress_policy"), list(cidrs or []))


def psp_objects(tenant):
    return host_objects.pod_security_policy_objects(_tenant(tenant, "psp_objects"))


def release_claims(claims, name):
    return host_objects.release_claims(claims, name)


class FilterModule:
    def filters(self):
        return {
            "tenant_namespace": tenant_namespace,
            "extra_egress_policy": extra_egress_policy,
            "psp_objects": psp_objects,
            "release_claims": release_claims,
        }
