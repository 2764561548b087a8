# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The top-level values keys of each chart version, and the check for keys of the other values format.

Read from the charts' ``values.yaml`` (legacy) and ``values.schema.json`` (0.20+) of each minor 0.15-0.36; the unit
tests compare the tables with those files for every version. Pure data, no I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.dialects import (
    MODERN,
    chart_name,
    dialect_for,
    legacy_layout,
    minor_of,
    version_text,
)
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.findings import error

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

# key -> (first minor, last minor or None while the newest supported chart still has it) of the top-level
# ``properties`` of values.schema.json
_MODERN_KEYS = {
    "controlPlane": ((0, 20), None),
    "deletion": ((0, 32), None),
    "deploy": ((0, 26), None),
    "experimental": ((0, 20), None),
    "exportKubeConfig": ((0, 20), None),
    "external": ((0, 20), (0, 31)),
    "global": ((0, 20), None),
    "integrations": ((0, 20), None),
    "logging": ((0, 26), None),
    "networking": ((0, 20), None),
    "platform": ((0, 32), None),
    "plugin": ((0, 20), None),
    "plugins": ((0, 20), None),
    "policies": ((0, 20), None),
    "privateNodes": ((0, 26), None),
    "pro": ((0, 20), None),
    "rbac": ((0, 20), None),
    "serviceCIDR": ((0, 20), None),
    "sleep": ((0, 32), None),
    "sleepMode": ((0, 24), (0, 31)),
    "snapshots": ((0, 32), None),
    "sync": ((0, 20), None),
    "telemetry": ((0, 20), None),
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
    return set(k for k, (first, last) in table.items() if first <= minor and (last is None or minor <= last))


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
