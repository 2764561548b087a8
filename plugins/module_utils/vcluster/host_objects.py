# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The host objects the roles write beside the chart, built as data: the tenant namespace with its Pod Security
labels and Rancher project, the extra egress NetworkPolicy, the PodSecurityPolicy of hosts before 1.25, and which
existing objects already say what they should (so a re-run sends no write). Pure logic, no I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

CREATED_LABEL = "tenancy.vcluster/created"
PSA_RELAXED_ANNOTATION = "tenancy.vcluster/psa-relaxed"
PROJECT_ANNOTATION = "field.cattle.io/projectId"
MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
PSA_MODES = ("enforce", "audit", "warn")
PSA_VERSION = "latest"
# PodSecurityPolicy exists up to Kubernetes 1.24: hosts before 1.25 get one instead of Pod Security labels.
FIRST_MINOR_WITHOUT_PSP = 25


def uses_pod_security_admission(kubernetes_version):
    """True from Kubernetes 1.25 (``"1.34"``), where PodSecurityPolicy is gone."""
    major, _sep, minor = str(kubernetes_version).partition(".")
    return (int(major), int(minor or 0)) >= (1, FIRST_MINOR_WITHOUT_PSP)


def _labels(obj):
    return ((obj or {}).get("metadata") or {}).get("labels") or {}


def _annotations(obj):
    return ((obj or {}).get("metadata") or {}).get("annotations") or {}


def tenant_namespace(tenant, current=None, use_psa=True, enforce="", relaxed_reason=""):
    """The tenant's Namespace: Pod Security labels (``enforce`` may differ from the profile, e.g. ``baseline`` for a
    Rancher agent; ``relaxed_reason`` is recorded), the Rancher project, and the created-here marker for a
    namespace this collection creates (an existing one keeps what it had)."""
    labels, annotations = {}, {}
    if not current or _labels(current).get(CREATED_LABEL) == "true":
        labels[CREATED_LABEL] = "true"
    if use_psa:
        for mode in PSA_MODES:
            labels[f"pod-security.kubernetes.io/{mode}"] = (enforce or tenant["profile"]) if mode == "enforce" else (
                tenant["profile"]
            )
            labels[f"pod-security.kubernetes.io/{mode}-version"] = PSA_VERSION
    project = tenant.get("rancher_project") or ""
    if project:
        labels[PROJECT_ANNOTATION] = project.split(":")[-1]
        annotations[PROJECT_ANNOTATION] = project
    if relaxed_reason:
        annotations[PSA_RELAXED_ANNOTATION] = relaxed_reason
    metadata = {"name": tenant["namespace"], "labels": labels}
    if annotations:
        metadata["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": metadata}


def extra_egress_policy(tenant, cidrs):
    """The NetworkPolicy that lets the tenant's synced pods reach ``cidrs`` (which the chart's policy blocks)."""
    name = tenant["name"]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {
            "name": f"{name}-extra-egress",
            "namespace": tenant["namespace"],
            "labels": {MANAGED_BY_LABEL: "tenancy.vcluster", "release": name},
        },
        "spec": {
            "podSelector": {
                "matchExpressions": [{"key": "vcluster.loft.sh/managed-by", "operator": "In", "values": [name]}]
            },
            "policyTypes": ["Egress"],
            "egress": [{"to": [{"ipBlock": {"cidr": cidr}} for cidr in cidrs]}],
        },
    }


def pod_security_policy_objects(tenant):
    """For hosts before 1.25: a PodSecurityPolicy mirroring the tenant's profile, and a Role/RoleBinding that lets
    every service account of the namespace use it."""
    namespace = tenant["namespace"]
    policy_name = f"tenancy-vcluster-{namespace}"
    policy = {
        "apiVersion": "policy/v1beta1",
        "kind": "PodSecurityPolicy",
        "metadata": {
            "name": policy_name,
            "annotations": {
                "seccomp.security.alpha.kubernetes.io/allowedProfileNames": "runtime/default,docker/default",
                "seccomp.security.alpha.kubernetes.io/defaultProfileName": "runtime/default",
            },
        },
        "spec": {
            "privileged": False,
            "allowPrivilegeEscalation": False,
            "requiredDropCapabilities": ["ALL"],
            "allowedCapabilities": ["NET_BIND_SERVICE"],
            "hostNetwork": False,
            "hostIPC": False,
            "hostPID": False,
            "readOnlyRootFilesystem": False,
            "runAsUser": {"rule": "MustRunAsNonRoot" if tenant["profile"] == "restricted" else "RunAsAny"},
            "runAsGroup": {"rule": "RunAsAny"},
            "seLinux": {"rule": "RunAsAny"},
            "supplementalGroups": {"rule": "MayRunAs", "ranges": [{"min": 1, "max": 65535}]},
            "fsGroup": {"rule": "MayRunAs", "ranges": [{"min": 1, "max": 65535}]},
            "volumes": [
                "configMap",
                "emptyDir",
                "projected",
                "secret",
                "downwardAPI",
                "persistentVolumeClaim",
                "csi",
                "ephemeral",
            ],
        },
    }
    role = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": {"name": "tenancy-vcluster-psp", "namespace": namespace},
        "rules": [
            {
                "apiGroups": ["policy"],
                "resources": ["podsecuritypolicies"],
                "verbs": ["use"],
                "resourceNames": [policy_name],
            }
        ],
    }
    binding = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": {"name": "tenancy-vcluster-psp", "namespace": namespace},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "tenancy-vcluster-psp"},
        "subjects": [
            {
                "apiGroup": "rbac.authorization.k8s.io",
                "kind": "Group",
                "name": f"system:serviceaccounts:{namespace}",
            }
        ],
    }
    return [policy, role, binding]


def covers(current, wanted):
    """Whether the existing object ``current`` already has every label and annotation of ``wanted`` and, when
    ``wanted`` has a spec, the same spec: then applying ``wanted`` would change nothing (and is not sent)."""
    if not current:
        return False
    for getter in (_labels, _annotations):
        have = getter(current)
        if any(have.get(key) != value for key, value in getter(wanted).items()):
            return False
    return "spec" not in wanted or current.get("spec") == wanted["spec"]


def release_claims(claims, name):
    """Names of the PersistentVolumeClaims of release ``name`` among ``claims``: the syncer's and the deployed
    etcd's, of every replica (``data-<name>-0``, ``data-<name>-etcd-2``)."""
    pattern = re.compile(rf"^data-{re.escape(name)}(-etcd)?-[0-9]+$")
    names = ((claim.get("metadata") or {}).get("name", "") for claim in claims or [])
    return sorted(name for name in names if pattern.match(name))
