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

import re

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.findings import error

LEGACY = "legacy"
MODERN = "modern"

MIN_SUPPORTED = (0, 15, 0)
MAX_SUPPORTED_EXCLUSIVE = (0, 37, 0)
FIRST_MODERN = (0, 20, 0)
SUPPORTED_RANGE_TEXT = ">={}.{}.0 and <{}.{}.0".format(*MIN_SUPPORTED[:2], *MAX_SUPPORTED_EXCLUSIVE[:2])

# Minors where a values key of the 0.20+ chart appeared, moved or went away.
KUBECONFIG_EXPORT_OPTIONS_SINCE = (0, 21)  # exportKubeConfig.insecure / serviceAccount
ADDITIONAL_KUBECONFIG_SECRETS_SINCE = (0, 24)  # exportKubeConfig.additionalSecrets
SINGLE_K8S_IMAGE_SINCE = (0, 25)  # controlPlane.distro.k8s.image (before: one image per component)
COREDNS_SECURITY_SINCE = (0, 26)  # controlPlane.coredns.security
NAMESPACE_SYNC_SINCE = (0, 26)  # sync.toHost.namespaces (before: experimental.multiNamespaceMode)
GENERIC_SYNC_REMOVED_IN = (0, 28)  # experimental.genericSync / isolatedControlPlane
WORKLOAD_EGRESS_SINCE = (0, 31)  # policies.networkPolicy.workload (before: outgoingConnections)
VOLUME_SNAPSHOT_SYNC_REMOVED_IN = (0, 36)  # sync.toHost.volumeSnapshots

# Legacy (< 0.20) charts.
LEGACY_K8S_COMPONENT_CONTEXTS_UNTIL = (0, 18)  # api/controller/scheduler Deployments with a securityContext each
LEGACY_K8S_CERT_JOB_UNTIL = (0, 16)  # the pre-install certificate Job
LEGACY_K3S_INIT_CONTAINER_SINCE = (0, 19)  # legacy k3s chart: vcluster copies the k3s binary as an init container
LEGACY_FIRST_RUN_AS_ROOT_DEFAULT = (0, 16)  # k3s chart default securityContext.runAsUser: 0

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


def as_version(version):
    """A version given as text or tuple -> tuple (None when the text is malformed)."""
    return parse_version(version) if isinstance(version, str) else tuple(version)


# ---------------------------------------------------------------------------------------------
# distros


def default_distro(version):
    """k8s for the unified chart (>= 0.20), k3s for legacy charts (the legacy CLI default)."""
    return "k8s" if dialect_for(version) == MODERN else "k3s"


# distro -> (first minor, first minor where it is gone)
_DISTRO_AVAILABILITY = {
    "k8s": ((0, 15), None),
    "k3s": ((0, 15), (0, 33)),
    "k0s": ((0, 15), (0, 26)),
    "eks": ((0, 15), FIRST_MODERN[:2]),
}


def supported_distros(version):
    return [d for d in DISTROS if distro_available(d, version)]


def distro_available(distro, version):
    minor = minor_of(version)
    since, removed = _DISTRO_AVAILABILITY[distro]
    return since <= minor and (removed is None or minor < removed)


def last_chart_with(distro):
    """``0.32.x`` for k3s: the newest chart line that still ships ``distro`` (None when it was never removed)."""
    removed = _DISTRO_AVAILABILITY[distro][1]
    return None if removed is None else f"0.{removed[1] - 1}.x"


def _distro_gone_hint(distro):
    removed = _DISTRO_AVAILABILITY[distro][1]
    if removed == FIRST_MODERN[:2]:
        return (
            f"{distro} exists only in the legacy {_LEGACY_CHARTS[distro]} chart (< 0.20); use distro k8s with a "
            "0.20+ chart"
        )
    return (
        f"{distro} was removed from the vcluster chart in {version_text((*removed, 0))}; use distro k8s (or pin a "
        f"{last_chart_with(distro)} chart)"
    )


def modern_distro(distro):
    """The distro a legacy distro runs as in a 0.20+ chart (eks was a k8s build)."""
    return "k8s" if distro == "eks" else distro


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
    if distro_available(distro, version):
        return []
    message = f"distro {distro} is not available in chart {version_text(version)}: {_distro_gone_hint(distro)}"
    return [error("distro-unsupported", path, message)]


CHART = "vcluster"
_LEGACY_CHARTS = {"k3s": CHART, "k8s": "vcluster-k8s", "k0s": "vcluster-k0s", "eks": "vcluster-eks"}
_CHART_LABEL_RE = re.compile(r"^(?P<name>.+?)-(?P<version>v?\d+\.\d+\.\d+\S*)$")


def chart_name(version, distro):
    """Helm chart name: legacy charts are per distro, the 0.20+ chart is ``vcluster``."""
    if dialect_for(version) == MODERN:
        return CHART
    return _LEGACY_CHARTS[distro]


def split_chart_label(chart):
    """A Helm ``chart`` label into name and version text.

    ``vcluster-0.36.1`` -> (``vcluster``, ``0.36.1``); ``vcluster-k8s-0.19.10`` -> (``vcluster-k8s``, ``0.19.10``).
    """
    match = _CHART_LABEL_RE.match(chart or "")
    if not match:
        return (chart or None), None
    return match.group("name"), match.group("version")


def chart_distro(chart, version=None):
    """The distro a chart name implies: legacy charts name theirs; ``vcluster`` is k3s before 0.20.

    For the 0.20+ chart the distro is in the values (``controlPlane.distro.*``): None here.
    """
    for distro, name in _LEGACY_CHARTS.items():
        if name == chart and name != CHART:
            return distro
    if chart == CHART and version is not None and dialect_for(version) == LEGACY:
        return "k3s"
    return None


def parse_chart_label(chart):
    """A deployed release's ``chart`` label -> ``{chart, version (text), distro (or None)}``."""
    name, version_str = split_chart_label(chart)
    version = parse_version(version_str) if version_str else None
    return {"chart": name, "version": version_str, "distro": chart_distro(name, version) if version else None}


def legacy_layout(distro):
    """``k3s`` layout (one StatefulSet, shared securityContext) or ``k8s`` layout (separate components).

    No data files exist for the k0s and eks charts; k0s follows the k3s chart and eks the k8s chart.
    """
    return "k8s" if distro in ("k8s", "eks") else "k3s"


# ---------------------------------------------------------------------------------------------
# key paths per version (where each component's settings live)


def has_coredns_security(version):
    """``controlPlane.coredns.security`` exists from 0.26 (the 0.25 schema rejects it)."""
    return minor_of(version) >= COREDNS_SECURITY_SINCE


def has_single_k8s_image(version):
    """0.25+: one ``controlPlane.distro.k8s.image``; 0.20-0.24: per-component images."""
    return minor_of(version) >= SINGLE_K8S_IMAGE_SINCE


def network_policy_shape(version):
    """``outgoingConnections`` (0.20-0.30) or ``workload`` (0.31+: workload.publicEgress/egress)."""
    return "workload" if minor_of(version) >= WORKLOAD_EGRESS_SINCE else "outgoingConnections"


def has_workload_egress_rules(version):
    """``policies.networkPolicy.workload.egress`` (NetworkPolicyEgressRule list) exists from 0.31."""
    return network_policy_shape(version) == "workload"


def has_secrets_for_sa_tokens(version):
    """``sync.toHost.pods.useSecretsForSATokens`` is in every 0.20+ schema."""
    return dialect_for(version) == MODERN


def export_kubeconfig_keys(version):
    """Keys of ``exportKubeConfig`` per version (0.21 insecure/serviceAccount, 0.24 additionalSecrets)."""
    keys = ["context", "server", "secret"]
    if minor_of(version) >= KUBECONFIG_EXPORT_OPTIONS_SINCE:
        keys += ["insecure", "serviceAccount"]
    if has_additional_kubeconfig_secrets(version):
        keys += ["additionalSecrets"]
    return keys


def has_additional_kubeconfig_secrets(version):
    return minor_of(version) >= ADDITIONAL_KUBECONFIG_SECRETS_SINCE


def has_namespace_sync(version):
    """``sync.toHost.namespaces`` (0.26+) instead of ``experimental.multiNamespaceMode``."""
    return minor_of(version) >= NAMESPACE_SYNC_SINCE


def has_generic_sync(version):
    """``experimental.genericSync`` / ``isolatedControlPlane`` exist before 0.28."""
    return minor_of(version) < GENERIC_SYNC_REMOVED_IN


def has_volume_snapshot_sync(version):
    return minor_of(version) < VOLUME_SNAPSHOT_SYNC_REMOVED_IN


def legacy_telemetry_disabled_default(version):
    """0.15 ships the string "false" for ``telemetry.disabled``; later legacy charts a boolean."""
    return "false" if minor_of(version) == (0, 15) else False


def legacy_k8s_has_component_security_contexts(version):
    """Legacy k8s/eks 0.15-0.18 run api/controller/scheduler as Deployments with a securityContext each;
    0.19 runs them as init containers of the syncer Deployment without any securityContext."""
    return dialect_for(version) == LEGACY and minor_of(version) <= LEGACY_K8S_COMPONENT_CONTEXTS_UNTIL


def legacy_coredns_lost_drop_all(version):
    """CoreDNS manifests of 0.15.6-0.15.7 lack ``capabilities.drop: [ALL]`` (fixed in 0.16.0)."""
    return (0, 15, 6) <= tuple(version[:3]) < (0, 16, 0)


def legacy_has_cert_job(version, distro):
    """Legacy k8s 0.15/0.16 run a pre-install certificate Job (``job.*``); removed in 0.17."""
    return legacy_layout(distro) == "k8s" and minor_of(version) <= LEGACY_K8S_CERT_JOB_UNTIL


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
