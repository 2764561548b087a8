# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Chart versions, value dialects, distros and per-version key paths of the vcluster chart.

Pure data and lookups, no I/O. Every table here was read from the chart's default values and
``values.schema.json`` of the newest patch of each minor 0.15-0.36 (``vcluster-data/<version>/``);
the unit tests compare the tables with those files for every version, so they cannot drift silently.

Two dialects exist:

* ``legacy`` (< 0.20): one chart per distro (``vcluster`` = k3s, ``vcluster-k8s``, ``vcluster-k0s``,
  ``vcluster-eks``) with flat values (``syncer.*``, ``securityContext``, ``isolation.*`` ...).
  No data files exist for the k0s and eks charts: k0s is treated like k3s (same layout: one
  StatefulSet, shared ``securityContext``) and eks like k8s (separate api/controller/etcd).
* ``modern`` (>= 0.20): one chart ``vcluster`` with ``controlPlane.*``/``policies.*`` values and a
  strict ``values.schema.json``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.findings import error

LEGACY = "legacy"
MODERN = "modern"

MIN_SUPPORTED = (0, 15, 0)
MAX_SUPPORTED_EXCLUSIVE = (0, 37, 0)
FIRST_MODERN = (0, 20, 0)
SUPPORTED_RANGE_TEXT = ">=0.15.0 and <0.37.0"

DISTROS = ("k8s", "k3s", "k0s", "eks")

_VERSION_RE = re.compile(
    r"^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$"
)


# ---------------------------------------------------------------------------------------------
# versions


def parse_version(text):
    """``"0.36.1"`` -> ``(0, 36, 1)``; pre-releases (``0.37.0-rc.1``) keep their X.Y.Z. None if malformed.

    A leading ``v`` is tolerated (git tags); Helm chart versions have none.
    """
    match = _VERSION_RE.match(str(text).strip()) if text is not None else None
    if not match:
        return None
    return (int(match.group(1)), int(match.group(2)), int(match.group(3)))


def is_supported_version(version):
    return MIN_SUPPORTED <= tuple(version) < MAX_SUPPORTED_EXCLUSIVE


def check_version(text, path="chart_version"):
    """(version tuple or None, findings). Range is compared on X.Y.Z (0.37.0-rc.1 is 0.37.0: unsupported)."""
    version = parse_version(text)
    if version is None:
        message = (
            f"chart_version {text!r} is not an exact chart version X.Y.Z (optionally -prerelease); pin the exact "
            f"version, e.g. 0.36.1 or 0.19.10 (supported: {SUPPORTED_RANGE_TEXT})"
        )
        return None, [error("version-unsupported", path, message)]
    if not is_supported_version(version):
        message = (
            f"chart version {text} is outside the supported range {SUPPORTED_RANGE_TEXT}; "
            "use a 0.20+ chart (k8s distro) for new vclusters, e.g. 0.36.1"
        )
        return None, [error("version-unsupported", path, message)]
    return version, []


def version_text(version):
    return ".".join(str(part) for part in version[:3])


def minor_of(version):
    return tuple(version[:2])


def dialect_for(version):
    return MODERN if tuple(version[:3]) >= FIRST_MODERN else LEGACY


# ---------------------------------------------------------------------------------------------
# distros


def default_distro(version):
    """k8s for the unified chart (>= 0.20), k3s for legacy charts (the legacy CLI default)."""
    return "k8s" if dialect_for(version) == MODERN else "k3s"


# distro -> (first minor, first minor where it is gone, what to use instead)
_DISTRO_AVAILABILITY = {
    "k8s": ((0, 15), None, None),
    "k3s": (
        (0, 15),
        (0, 33),
        "k3s was removed from the vcluster chart in 0.33.0; use distro k8s (or pin a 0.32.x chart)",
    ),
    "k0s": (
        (0, 15),
        (0, 26),
        "k0s was removed from the vcluster chart in 0.26.0; use distro k8s (or pin a 0.25.x chart)",
    ),
    "eks": (
        (0, 15),
        (0, 20),
        "eks exists only in the legacy vcluster-eks chart (< 0.20); use distro k8s with a 0.20+ chart",
    ),
}


def supported_distros(version):
    minor = minor_of(version)
    return [d for d in DISTROS if _distro_available(d, minor)]


def _distro_available(distro, minor):
    since, removed = _DISTRO_AVAILABILITY[distro][:2]
    return since <= minor and (removed is None or minor < removed)


def check_distro(version, distro, path="distro"):
    """Findings for a distro that the chart version does not ship (or an unknown name)."""
    if distro not in _DISTRO_AVAILABILITY:
        message = "distro {!r} is unknown; use one of {} (for chart {}: {})".format(
            distro,
            ", ".join(DISTROS),
            version_text(version),
            ", ".join(supported_distros(version)),
        )
        return [error("distro-unsupported", path, message)]
    if _distro_available(distro, minor_of(version)):
        return []
    hint = _DISTRO_AVAILABILITY[distro][2]
    message = f"distro {distro} is not available in chart {version_text(version)}: {hint}"
    return [error("distro-unsupported", path, message)]


_LEGACY_CHARTS = {"k3s": "vcluster", "k8s": "vcluster-k8s", "k0s": "vcluster-k0s", "eks": "vcluster-eks"}


def chart_name(version, distro):
    """Helm chart name: legacy charts are per distro, the unified chart is ``vcluster``."""
    if dialect_for(version) == MODERN:
        return "vcluster"
    return _LEGACY_CHARTS[distro]


def legacy_layout(distro):
    """``k3s`` layout (one StatefulSet, shared securityContext) or ``k8s`` layout (separate components).

    No data files exist for the k0s and eks charts; k0s follows the k3s chart and eks the k8s chart.
    """
    return "k8s" if distro in ("k8s", "eks") else "k3s"


# ---------------------------------------------------------------------------------------------
# top-level keys of each dialect (checked against the data files by the unit tests)

# key -> (first minor, last minor) in which the chart's values.yaml carries it
_LEGACY_KEYS = {
    "k3s": {
        "admission": ((0, 18), (0, 18)),
        "affinity": ((0, 15), (0, 19)),
        "annotations": ((0, 15), (0, 19)),
        "autoDeletePersistentVolumeClaims": ((0, 17), (0, 19)),
        "centralAdmission": ((0, 19), (0, 19)),
        "coredns": ((0, 15), (0, 19)),
        "defaultImageRegistry": ((0, 15), (0, 19)),
        "embeddedEtcd": ((0, 17), (0, 19)),
        "enableHA": ((0, 15), (0, 16)),
        "fallbackHostDns": ((0, 15), (0, 19)),
        "globalAnnotations": ((0, 15), (0, 19)),
        "headless": ((0, 15), (0, 19)),
        "ingress": ((0, 15), (0, 19)),
        "init": ((0, 15), (0, 19)),
        "isolation": ((0, 15), (0, 19)),
        "k3sToken": ((0, 17), (0, 19)),
        "labels": ((0, 15), (0, 19)),
        "mapServices": ((0, 15), (0, 19)),
        "monitoring": ((0, 17), (0, 19)),
        "multiNamespaceMode": ((0, 15), (0, 19)),
        "nodeSelector": ((0, 15), (0, 19)),
        "noopSyncer": ((0, 16), (0, 19)),
        "openshift": ((0, 15), (0, 19)),
        "plugin": ((0, 15), (0, 19)),
        "podAnnotations": ((0, 15), (0, 19)),
        "podDisruptionBudget": ((0, 15), (0, 16)),
        "podLabels": ((0, 15), (0, 19)),
        "podSecurityContext": ((0, 15), (0, 19)),
        "priorityClassName": ((0, 15), (0, 19)),
        "pro": ((0, 16), (0, 19)),
        "proLicenseSecret": ((0, 19), (0, 19)),
        "proxy": ((0, 15), (0, 19)),
        "rbac": ((0, 15), (0, 19)),
        "replicas": ((0, 15), (0, 18)),
        "securityContext": ((0, 15), (0, 19)),
        "serverToken": ((0, 15), (0, 16)),
        "service": ((0, 15), (0, 19)),
        "serviceAccount": ((0, 15), (0, 19)),
        "storage": ((0, 15), (0, 18)),
        "sync": ((0, 15), (0, 19)),
        "syncer": ((0, 15), (0, 19)),
        "telemetry": ((0, 15), (0, 19)),
        "tolerations": ((0, 15), (0, 19)),
        "vcluster": ((0, 15), (0, 19)),
        "volumes": ((0, 15), (0, 19)),
        "workloadServiceAccount": ((0, 15), (0, 19)),
    },
    "k8s": {
        "admission": ((0, 18), (0, 18)),
        "annotations": ((0, 19), (0, 19)),
        "api": ((0, 15), (0, 19)),
        "centralAdmission": ((0, 19), (0, 19)),
        "controller": ((0, 15), (0, 19)),
        "coredns": ((0, 15), (0, 19)),
        "defaultImageRegistry": ((0, 15), (0, 19)),
        "embeddedEtcd": ((0, 19), (0, 19)),
        "enableHA": ((0, 15), (0, 18)),
        "etcd": ((0, 15), (0, 19)),
        "fallbackHostDns": ((0, 15), (0, 19)),
        "globalAnnotations": ((0, 15), (0, 19)),
        "headless": ((0, 15), (0, 19)),
        "ingress": ((0, 15), (0, 19)),
        "init": ((0, 15), (0, 19)),
        "isolation": ((0, 15), (0, 19)),
        "job": ((0, 15), (0, 16)),
        "mapServices": ((0, 15), (0, 19)),
        "monitoring": ((0, 17), (0, 19)),
        "multiNamespaceMode": ((0, 15), (0, 19)),
        "openshift": ((0, 15), (0, 19)),
        "plugin": ((0, 15), (0, 19)),
        "podAnnotations": ((0, 19), (0, 19)),
        "pro": ((0, 16), (0, 19)),
        "proLicenseSecret": ((0, 19), (0, 19)),
        "proxy": ((0, 15), (0, 19)),
        "rbac": ((0, 15), (0, 19)),
        "scheduler": ((0, 15), (0, 19)),
        "service": ((0, 15), (0, 19)),
        "serviceAccount": ((0, 15), (0, 19)),
        "sync": ((0, 15), (0, 19)),
        "syncer": ((0, 15), (0, 19)),
        "telemetry": ((0, 15), (0, 19)),
        "workloadServiceAccount": ((0, 15), (0, 19)),
    },
}

# Keys the legacy templates read although values.yaml does not list them.
LEGACY_UNDOCUMENTED_KEYS = {"k3s": ("fsGroup",), "k8s": ()}

# key -> (first minor, last minor) of the top-level ``properties`` of values.schema.json
_MODERN_KEYS = {
    "controlPlane": ((0, 20), (0, 36)),
    "deletion": ((0, 32), (0, 36)),
    "deploy": ((0, 26), (0, 36)),
    "experimental": ((0, 20), (0, 36)),
    "exportKubeConfig": ((0, 20), (0, 36)),
    "external": ((0, 20), (0, 31)),
    "global": ((0, 20), (0, 36)),
    "integrations": ((0, 20), (0, 36)),
    "logging": ((0, 26), (0, 36)),
    "networking": ((0, 20), (0, 36)),
    "platform": ((0, 32), (0, 36)),
    "plugin": ((0, 20), (0, 36)),
    "plugins": ((0, 20), (0, 36)),
    "policies": ((0, 20), (0, 36)),
    "privateNodes": ((0, 26), (0, 36)),
    "pro": ((0, 20), (0, 36)),
    "rbac": ((0, 20), (0, 36)),
    "serviceCIDR": ((0, 20), (0, 36)),
    "sleep": ((0, 32), (0, 36)),
    "sleepMode": ((0, 24), (0, 31)),
    "snapshots": ((0, 32), (0, 36)),
    "sync": ((0, 20), (0, 36)),
    "telemetry": ((0, 20), (0, 36)),
}

# Where a key of the other dialect lives now (hint for values-dialect findings).
_LEGACY_TO_MODERN_HINTS = {
    "syncer": "controlPlane.statefulSet.*",
    "securityContext": "controlPlane.statefulSet.security.containerSecurityContext",
    "podSecurityContext": "controlPlane.statefulSet.security.podSecurityContext",
    "fsGroup": "controlPlane.statefulSet.security.podSecurityContext.fsGroup",
    "isolation": "policies.* (podSecurityStandard, resourceQuota, limitRange, networkPolicy)",
    "mapServices": "networking.replicateServices (fromVirtual -> toHost)",
    "vcluster": "controlPlane.distro.<distro>.*",
    "api": "controlPlane.distro.k8s.*",
    "controller": "controlPlane.distro.k8s.controllerManager",
    "scheduler": "controlPlane.distro.k8s.scheduler",
    "etcd": "controlPlane.backingStore.etcd.deploy.statefulSet.*",
    "coredns": "controlPlane.coredns",
    "service": "controlPlane.service (spec.type, spec.loadBalancerSourceRanges)",
    "ingress": "controlPlane.ingress",
    "defaultImageRegistry": "controlPlane.advanced.defaultImageRegistry",
    "storage": "controlPlane.statefulSet.persistence",
    "init": "experimental.deploy.vcluster",
    "multiNamespaceMode": "sync.toHost.namespaces",
    "embeddedEtcd": "controlPlane.backingStore.etcd.embedded",
}
_MODERN_TO_LEGACY_HINTS = {
    "controlPlane": "securityContext/podSecurityContext/syncer.*/vcluster.* (k3s) or api/controller/etcd (k8s)",
    "policies": "isolation.*",
    "networking": "mapServices (replicateServices.toHost -> mapServices.fromVirtual)",
    "exportKubeConfig": "syncer.extraArgs --out-kube-config-*",
}


def _keys_in(table, minor):
    return set(k for k, (first, last) in table.items() if first <= minor <= last)


def legacy_top_level_keys(version, distro):
    """Top-level values keys of the legacy chart for ``distro`` (k0s/eks: as k3s/k8s)."""
    layout = legacy_layout(distro)
    return _keys_in(_LEGACY_KEYS[layout], minor_of(version)) | set(LEGACY_UNDOCUMENTED_KEYS[layout])


def modern_top_level_keys(version):
    """Top-level ``properties`` of the unified chart's values.schema.json."""
    return _keys_in(_MODERN_KEYS, minor_of(version))


def all_legacy_top_level_keys():
    keys = set()
    for layout, table in _LEGACY_KEYS.items():
        keys |= set(table) | set(LEGACY_UNDOCUMENTED_KEYS[layout])
    return keys


def all_modern_top_level_keys():
    return set(_MODERN_KEYS)


def top_level_keys(version, distro):
    if dialect_for(version) == MODERN:
        return modern_top_level_keys(version)
    return legacy_top_level_keys(version, distro)


def check_values_dialect(values, version, distro, path_prefix=""):
    """``values-dialect`` errors for top-level keys that belong to the other dialect."""
    if not isinstance(values, dict):
        return []
    found = []
    modern = dialect_for(version) == MODERN
    own = top_level_keys(version, distro)
    other = all_legacy_top_level_keys() if modern else all_modern_top_level_keys()
    version_str = version_text(version)
    for key in values:
        if key in own or key not in other:
            continue
        if modern:
            hint = _LEGACY_TO_MODERN_HINTS.get(key, "the 0.20+ key (see the chart's values.yaml)")
            message = (
                f"{key!r} is a legacy (< 0.20) chart key; chart {version_str} uses the unified values format "
                f"and its schema rejects it. Move the setting to {hint}"
            )
        else:
            hint = _MODERN_TO_LEGACY_HINTS.get(key, "the legacy key (see the chart's values.yaml)")
            message = (
                f"{key!r} is a key of the unified (>= 0.20) chart; legacy chart {chart_name(version, distro)} "
                f"{version_str} ignores it. Use {hint}, or upgrade to a 0.20+ chart"
            )
        found.append(error("values-dialect", path_prefix + key, message))
    return found


# ---------------------------------------------------------------------------------------------
# key paths per version (where each component's settings live)


def has_coredns_security(version):
    """``controlPlane.coredns.security`` exists from 0.26 (the 0.25 schema rejects it)."""
    return minor_of(version) >= (0, 26)


def has_single_k8s_image(version):
    """0.25+: one ``controlPlane.distro.k8s.image``; 0.20-0.24: per-component images."""
    return minor_of(version) >= (0, 25)


def network_policy_shape(version):
    """``outgoingConnections`` (0.20-0.30) or ``workload`` (0.31+: workload.publicEgress/egress)."""
    return "workload" if minor_of(version) >= (0, 31) else "outgoingConnections"


def has_workload_egress_rules(version):
    """``policies.networkPolicy.workload.egress`` (NetworkPolicyEgressRule list) exists from 0.31."""
    return network_policy_shape(version) == "workload"


def has_secrets_for_sa_tokens(version):
    """``sync.toHost.pods.useSecretsForSATokens`` is in every 0.20+ schema."""
    return dialect_for(version) == MODERN


def export_kubeconfig_keys(version):
    """Keys of ``exportKubeConfig`` per version (0.21 insecure/serviceAccount, 0.24 additionalSecrets)."""
    keys = ["context", "server", "secret"]
    if minor_of(version) >= (0, 21):
        keys += ["insecure", "serviceAccount"]
    if minor_of(version) >= (0, 24):
        keys += ["additionalSecrets"]
    return keys


def legacy_k8s_has_component_security_contexts(version):
    """Legacy k8s/eks 0.15-0.18 run api/controller/scheduler as Deployments with a securityContext each;
    0.19 runs them as init containers of the syncer Deployment without any securityContext."""
    return dialect_for(version) == LEGACY and minor_of(version) <= (0, 18)


def legacy_coredns_lost_drop_all(version):
    """CoreDNS manifests of 0.15.6-0.15.7 lack ``capabilities.drop: [ALL]`` (fixed in 0.16.0)."""
    return (0, 15, 6) <= tuple(version[:3]) < (0, 16, 0)


def legacy_has_cert_job(version, distro):
    """Legacy k8s 0.15/0.16 run a pre-install certificate Job (``job.*``); removed in 0.17."""
    return legacy_layout(distro) == "k8s" and minor_of(version) <= (0, 16)


# Legacy k8s 0.19 init containers (no securityContext in the chart at all).
LEGACY_K8S_019_INIT_CONTAINERS = (
    "vcluster-copy",
    "kube-controller-manager",
    "kube-scheduler-manager",
    "kube-apiserver",
)


def modern_distro_init_containers(version, distro):
    """Names of the init containers the distro adds to the control-plane pod."""
    if distro == "k8s":
        if has_single_k8s_image(version):
            return ["kubernetes"]
        return ["vcluster-copy", "kube-controller-manager", "kube-apiserver"]
    return ["vcluster"]


def distro_image_key(version, distro):
    """(values path, kind) of the distro image; kind ``object`` = {registry, repository, tag}, ``string``."""
    if dialect_for(version) == MODERN:
        if distro == "k8s" and not has_single_k8s_image(version):
            return "controlPlane.distro.k8s.apiServer.image", "object"
        return f"controlPlane.distro.{distro}.image", "object"
    if legacy_layout(distro) == "k8s":
        return "api.image", "string"
    return "vcluster.image", "string"


def image_registry_key(version):
    if dialect_for(version) == MODERN:
        return "controlPlane.advanced.defaultImageRegistry"
    return "defaultImageRegistry"


# ---------------------------------------------------------------------------------------------
# chart defaults of the security-relevant keys (Helm merges user values over these)

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
        if _distro_available(name, minor_of(version)):
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
    # 0.15.7 ships the string "false" for telemetry.disabled; later charts a boolean.
    telemetry_disabled = "false" if minor_of(version) == (0, 15) else False
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
    if minor_of(version) >= (0, 16):
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
