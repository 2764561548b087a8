# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The chart's default values of the keys this collection reads, per chart version and distro.

Helm merges user values over these, so the checks compute what the chart really renders from them. Read from the
``values.yaml`` of each minor 0.15-0.36; the unit tests compare them with those files. Pure data, no I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.dialects import (
    LEGACY_FIRST_RUN_AS_ROOT_DEFAULT,
    MODERN,
    dialect_for,
    distro_available,
    has_coredns_security,
    legacy_has_cert_job,
    legacy_k8s_has_component_security_contexts,
    legacy_layout,
    legacy_telemetry_disabled_default,
    minor_of,
)

_MODERN_CONTAINER_SECURITY_DEFAULT = {"allowPrivilegeEscalation": False, "runAsUser": 0, "runAsGroup": 0}

_QUOTA_DEFAULT = {
    "requests.cpu": 10,
    "requests.memory": "20Gi",
    "requests.storage": "100Gi",
    "requests.ephemeral-storage": "60Gi",
    "limits.cpu": 20,
    "limits.memory": "40Gi",
    "limits.ephemeral-storage": "160Gi",
    "services.nodeports": 0,
    "services.loadbalancers": 1,
    "count/endpoints": 40,
    "count/pods": 20,
    "count/services": 20,
    "count/secrets": 100,
    "count/configmaps": 100,
    "count/persistentvolumeclaims": 20,
}
_LIMIT_DEFAULT = {"ephemeral-storage": "8Gi", "memory": "512Mi", "cpu": "1"}
_LIMIT_DEFAULT_REQUEST = {"ephemeral-storage": "3Gi", "memory": "128Mi", "cpu": "100m"}


def _modern_defaults(version):
    distro = {"k8s": {"enabled": False, "securityContext": {}}}
    for name in ("k3s", "k0s"):
        if distro_available(name, minor_of(version)):
            distro[name] = {"enabled": False, "securityContext": {}}
    coredns = {"enabled": True}
    if has_coredns_security(version):
        coredns["security"] = {"podSecurityContext": {}, "containerSecurityContext": {}}
    return {
        "controlPlane": {
            "distro": distro,
            "statefulSet": {
                "security": {
                    "podSecurityContext": {},
                    "containerSecurityContext": dict(_MODERN_CONTAINER_SECURITY_DEFAULT),
                }
            },
            "coredns": coredns,
            "backingStore": {
                "etcd": {
                    "deploy": {
                        "enabled": False,
                        "statefulSet": {"security": {"podSecurityContext": {}, "containerSecurityContext": {}}},
                    }
                }
            },
            "advanced": {"defaultImageRegistry": ""},
            "proxy": {"extraSANs": []},
            "service": {"spec": {"type": "ClusterIP"}},
        },
        "policies": {
            "resourceQuota": {"enabled": "auto", "quota": dict(_QUOTA_DEFAULT)},
            "limitRange": {
                "enabled": "auto",
                "default": dict(_LIMIT_DEFAULT),
                "defaultRequest": dict(_LIMIT_DEFAULT_REQUEST),
            },
            "networkPolicy": {"enabled": False},
        },
        "networking": {"replicateServices": {"toHost": [], "fromHost": []}},
        "sync": {"toHost": {"pods": {"useSecretsForSATokens": False}}},
        "telemetry": {"enabled": True},
    }


def _legacy_isolation_defaults():
    return {
        "enabled": False,
        "podSecurityStandard": "baseline",
        "resourceQuota": {"enabled": True, "quota": dict(_QUOTA_DEFAULT)},
        "limitRange": {
            "enabled": True,
            "default": dict(_LIMIT_DEFAULT),
            "defaultRequest": dict(_LIMIT_DEFAULT_REQUEST),
        },
        "networkPolicy": {"enabled": True},
    }


def _legacy_common_defaults(version):
    telemetry_disabled = legacy_telemetry_disabled_default(version)
    return {
        "coredns": {"enabled": True},
        "defaultImageRegistry": "",
        "isolation": _legacy_isolation_defaults(),
        "mapServices": {"fromHost": [], "fromVirtual": []},
        "service": {"type": "ClusterIP", "loadBalancerSourceRanges": []},
        "syncer": {"extraArgs": []},
        "telemetry": {"disabled": telemetry_disabled},
    }


def _legacy_k3s_defaults(version):
    container = {"allowPrivilegeEscalation": False}
    if minor_of(version) >= LEGACY_FIRST_RUN_AS_ROOT_DEFAULT:
        container.update({"runAsUser": 0, "runAsGroup": 0})
    values = _legacy_common_defaults(version)
    values.update({"securityContext": container, "podSecurityContext": {}})
    return values


def _legacy_k8s_defaults(version):
    values = _legacy_common_defaults(version)
    if legacy_k8s_has_component_security_contexts(version):
        values["syncer"].update({"securityContext": {}, "podSecurityContext": {}})
        values["api"] = {"securityContext": {}}
        values["controller"] = {"securityContext": {}}
    else:
        values["syncer"].update(
            {
                "securityContext": {"allowPrivilegeEscalation": False},
                "podSecurityContext": {"runAsUser": 0, "runAsGroup": 0},
            }
        )
    values["etcd"] = {"securityContext": {}}
    if legacy_has_cert_job(version, "k8s"):
        values["job"] = {
            "enabled": True,
            "securityContext": {
                "allowPrivilegeEscalation": False,
                "capabilities": {"drop": ["ALL"]},
                "readOnlyRootFilesystem": True,
                "runAsGroup": 10001,
                "runAsNonRoot": True,
                "runAsUser": 10001,
            },
        }
    return values


def chart_defaults(version, distro):
    """The chart's default values for the keys this collection reads (a deep copy; safe to modify)."""
    if dialect_for(version) == MODERN:
        return copy.deepcopy(_modern_defaults(version))
    if legacy_layout(distro) == "k8s":
        return copy.deepcopy(_legacy_k8s_defaults(version))
    return copy.deepcopy(_legacy_k3s_defaults(version))
