# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rancher version profiles of the stand-in (reference/rancher.md section 13.16).

* ``2.6``  - v2.6.14: PSP templates and the project action ``setpodsecuritypolicytemplate``; no agent
  customization (the field is unknown and dropped, like Norman drops unknown fields); CATTLE_IS_RKE.
* ``2.7``  - v2.7.5 (stands for 2.7.5-2.10): ``clusterAgentDeploymentCustomization``; the v1 object is the
  source of truth for imported clusters created through v1 (every reconcile rebuilds the mgmt spec).
* ``2.11`` - v2.11.3: ``schedulingCustomization``, the version-management annotation (webhook default
  ``system-default``), the management cluster is the source of truth (v1 edits are not propagated).
* ``2.12`` - v2.12.1: as 2.11, plus ``backingNamespace`` on projects, new default affinity
  (``kubernetes.io/os``, no ``master`` preference), no CATTLE_IS_RKE, CATTLE_CREDENTIAL_NAME.
"""

PROFILES = {
    "2.6": {
        "version": "v2.6.14",
        "psp": True,
        "agent_customization": False,
        "scheduling_customization": False,
        "version_management": False,
        "mgmt_source_of_truth": False,
        "backing_namespace": False,
        "is_rke_env": True,
        "cluster_registry_env": False,
        "strict_verify_env": False,
        "credential_name_env": False,
        "new_affinity": False,
        "master_toleration": True,
        "mgmt_name_annotation": False,
    },
    "2.7": {
        "version": "v2.7.5",
        "psp": False,
        "agent_customization": True,
        "scheduling_customization": False,
        "version_management": False,
        "mgmt_source_of_truth": False,
        "backing_namespace": False,
        "is_rke_env": True,
        "cluster_registry_env": True,
        "strict_verify_env": False,
        "credential_name_env": False,
        "new_affinity": False,
        "master_toleration": True,
        "mgmt_name_annotation": False,
    },
    "2.11": {
        "version": "v2.11.3",
        "psp": False,
        "agent_customization": True,
        "scheduling_customization": True,
        "version_management": True,
        "mgmt_source_of_truth": True,
        "backing_namespace": False,
        "is_rke_env": True,
        "cluster_registry_env": True,
        "strict_verify_env": True,
        "credential_name_env": False,
        "new_affinity": False,
        "master_toleration": True,
        "mgmt_name_annotation": True,
    },
    "2.12": {
        "version": "v2.12.1",
        "psp": False,
        "agent_customization": True,
        "scheduling_customization": True,
        "version_management": True,
        "mgmt_source_of_truth": True,
        "backing_namespace": True,
        "is_rke_env": False,
        "cluster_registry_env": True,
        "strict_verify_env": True,
        "credential_name_env": True,
        "new_affinity": True,
        "master_toleration": False,
        "mgmt_name_annotation": True,
    },
}


def get_profile(name):
    if name not in PROFILES:
        raise ValueError("unknown profile %r; choose one of %s" % (name, ", ".join(sorted(PROFILES))))
    return dict(PROFILES[name], name=name)
