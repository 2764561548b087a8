# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render hardened vcluster chart values and check what the chart would really run.

``render_values`` builds the hardened values for the chart version's dialect, merges the operator's
``values`` last (Helm semantics), then computes the *effective* security contexts the chart would
render (chart defaults + hardened values + user values, with Helm's "null deletes" rule), builds one
synthetic pod spec per component and runs the Pod Security checker on it. Violations are reported
at the chart values path that controls them. User values are never changed: a weakening override is
reported, not repaired. Pure logic, no I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import copy
import ipaddress
import re
from decimal import Decimal, InvalidOperation

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import dialects, naming
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.findings import error
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.pod_security import check_pod_spec

PROFILES = ("restricted", "baseline")
EXPOSE_TYPES = ("ClusterIP", "LoadBalancer", "NodePort")
DEFAULT_ID = 12345
# CoreDNS runs as this uid when the syncer runs as root (vcluster pkg/coredns defaultUID).
COREDNS_FALLBACK_UID = 1001

_CONTAINER_RE = re.compile(r"^(initContainers|containers|ephemeralContainers)\[([^\]]*)\]\.securityContext\.(.+)$")
_QUANTITY_RE = re.compile(
    r"^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))((?:[eE][+-]?[0-9]+)|Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?$"
)
_QUANTITY_SUFFIX = {
    None: Decimal(1),
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "k": Decimal("1e3"),
    "M": Decimal("1e6"),
    "G": Decimal("1e9"),
    "T": Decimal("1e12"),
    "P": Decimal("1e15"),
    "E": Decimal("1e18"),
    "Ki": Decimal(2**10),
    "Mi": Decimal(2**20),
    "Gi": Decimal(2**30),
    "Ti": Decimal(2**40),
    "Pi": Decimal(2**50),
    "Ei": Decimal(2**60),
}

# Fix hints per PSS id, appended to the checker's message.
_PSS_FIX = {
    "pss-run-as-user": "set runAsUser to a non-zero UID (e.g. 12345), or drop the override so the hardened UID applies",
    "pss-run-as-non-root": "set runAsNonRoot: true together with a non-zero runAsUser",
    "pss-capabilities": "set capabilities.drop: [ALL] (upper case) and add at most NET_BIND_SERVICE (no CAP_ prefix)",
    "pss-seccomp": "set seccompProfile: {type: RuntimeDefault}",
    "pss-privilege-escalation": "set allowPrivilegeEscalation: false",
    "pss-privileged": "remove privileged: true",
    "pss-host-namespaces": "remove hostNetwork/hostPID/hostIPC",
    "pss-host-path": "use emptyDir, configMap, secret or a PVC instead of hostPath",
}


# ---------------------------------------------------------------------------------------------
# Helm value semantics


def merge_values(base, override):
    """Merge ``override`` over ``base`` like Helm merges several -f files: maps merge, everything else
    (lists, scalars, null) replaces. Nulls are kept so Helm can delete the chart default they target."""
    if not isinstance(base, dict) or not isinstance(override, dict):
        return copy.deepcopy(override)
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_values(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def coalesce_values(defaults, values):
    """Helm's coalesce of user ``values`` over chart ``defaults``: maps merge, lists replace, a null user
    value deletes the key (including the chart default)."""
    result = copy.deepcopy(defaults) if isinstance(defaults, dict) else {}
    for key, value in (values or {}).items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = coalesce_values(result[key], value)
        elif isinstance(value, dict):
            result[key] = coalesce_values({}, value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def get_path(values, path, default=None):
    node = values
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node


def set_path(values, path, value):
    parts = path.split(".")
    node = values
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def has_path(values, path):
    marker = object()
    return get_path(values, path, marker) is not marker


def _key_path(prefix, key):
    """Join a values path and a map key; keys holding dots or slashes are bracketed."""
    if "." in key or "/" in key:
        return f"{prefix}[{key}]"
    return f"{prefix}.{key}"


# ---------------------------------------------------------------------------------------------
# options


class RenderOptions:
    """The module options, normalised (defaults applied, isolation/expose/map_services shaped)."""

    def __init__(self, **kwargs):
        self.name = kwargs.get("name")
        self.namespace = kwargs.get("namespace")
        self.profile = kwargs.get("profile") or "restricted"
        self.run_as_user = _int_or_default(kwargs.get("run_as_user"))
        self.run_as_group = _int_or_default(kwargs.get("run_as_group"))
        self.fs_group = _int_or_default(kwargs.get("fs_group"))
        ro = kwargs.get("read_only_root_filesystem")
        self.read_only_root_filesystem = True if ro is None else bool(ro)
        self.image_registry = kwargs.get("image_registry") or None
        self.distro_image = kwargs.get("distro_image") or None
        self.isolation = normalize_isolation(kwargs.get("isolation"))
        self.map_services = kwargs.get("map_services") or {}
        self.expose = kwargs.get("expose") or {}
        self.values = kwargs.get("values") or {}
        self.telemetry = bool(kwargs.get("telemetry"))


def _int_or_default(value):
    return DEFAULT_ID if value is None else value


def _normalize_toggle(value, default=True):
    """``True``/``False``/``None``/``{enabled: .., ...}`` -> dict with ``enabled``."""
    if value is None:
        return {"enabled": default}
    if isinstance(value, bool):
        return {"enabled": value}
    result = dict(value)
    if result.get("enabled") is None:
        result["enabled"] = True
    return result


def normalize_isolation(isolation):
    """Isolation option -> ``{enabled, resource_quota, limit_range, network_policy, extra_egress_cidrs}``;
    every part on by default (DESIGN section 4)."""
    raw = isolation if isinstance(isolation, dict) else {"enabled": True if isolation is None else bool(isolation)}
    enabled = raw.get("enabled")
    enabled = True if enabled is None else bool(enabled)
    parts = {}
    for key in ("resource_quota", "limit_range", "network_policy"):
        part = _normalize_toggle(raw.get(key))
        part["enabled"] = bool(part["enabled"]) and enabled
        parts[key] = part
    return {
        "enabled": enabled,
        "resource_quota": parts["resource_quota"],
        "limit_range": parts["limit_range"],
        "network_policy": parts["network_policy"],
        "extra_egress_cidrs": list(raw.get("extra_egress_cidrs") or []),
    }


# ---------------------------------------------------------------------------------------------
# hardened security contexts


def hardened_container_context(opts, add_capabilities=None):
    capabilities = {"drop": ["ALL"]}
    if add_capabilities:
        capabilities["add"] = list(add_capabilities)
    return {
        "allowPrivilegeEscalation": False,
        "capabilities": capabilities,
        "readOnlyRootFilesystem": opts.read_only_root_filesystem,
        "runAsNonRoot": True,
        "runAsUser": opts.run_as_user,
        "runAsGroup": opts.run_as_group,
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def hardened_pod_context(opts, with_fs_group=True):
    context = {
        "runAsNonRoot": True,
        "runAsUser": opts.run_as_user,
        "runAsGroup": opts.run_as_group,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    if with_fs_group:
        context["fsGroup"] = opts.fs_group
    return context


def hardened_security(opts):
    """``{podSecurityContext, containerSecurityContext}`` of the unified chart's StatefulSets."""
    return {
        "podSecurityContext": hardened_pod_context(opts),
        "containerSecurityContext": hardened_container_context(opts),
    }


# ---------------------------------------------------------------------------------------------
# modern values (>= 0.20)


def modern_hardened_values(version, distro, opts):
    values = {}
    distro_values = {"enabled": True, "securityContext": hardened_container_context(opts)}
    set_path(values, f"controlPlane.distro.{distro}", distro_values)
    set_path(
        values,
        "controlPlane.statefulSet.security",
        hardened_security(opts),
    )
    if dialects.has_coredns_security(version):
        set_path(
            values,
            "controlPlane.coredns.security",
            {
                "podSecurityContext": hardened_pod_context(opts, with_fs_group=False),
                "containerSecurityContext": hardened_container_context(opts, add_capabilities=["NET_BIND_SERVICE"]),
            },
        )
    if get_path(opts.values, "controlPlane.backingStore.etcd.deploy.enabled") is True:
        set_path(
            values,
            "controlPlane.backingStore.etcd.deploy.statefulSet.security",
            hardened_security(opts),
        )
    values["policies"] = modern_policies(version, opts)
    if dialects.has_secrets_for_sa_tokens(version):
        set_path(values, "sync.toHost.pods.useSecretsForSATokens", True)
    values["telemetry"] = {"enabled": opts.telemetry}
    _modern_expose(values, opts.expose)
    _modern_map_services(values, opts.map_services)
    _apply_images(values, version, distro, opts)
    return values


def modern_policies(version, opts):
    """``policies.*``: explicit true/false everywhere (``auto``/``auto`` renders no quota or limit range)."""
    iso = opts.isolation
    policies = {
        "podSecurityStandard": opts.profile,
        "resourceQuota": {"enabled": iso["resource_quota"]["enabled"]},
        "limitRange": {"enabled": iso["limit_range"]["enabled"]},
        "networkPolicy": {"enabled": iso["network_policy"]["enabled"]},
    }
    _apply_quota_and_limits(policies["resourceQuota"], policies["limitRange"], iso)
    if iso["network_policy"]["enabled"] and iso["extra_egress_cidrs"] and dialects.has_workload_egress_rules(version):
        # 0.31+ only; older charts have no generic egress-rule list (0.25-0.30 extraWorkloadRules is
        # unspecified free-form), so the isolation role adds an extra NetworkPolicy there instead.
        policies["networkPolicy"]["workload"] = {
            "egress": [{"to": [{"ipBlock": {"cidr": cidr}}]} for cidr in iso["extra_egress_cidrs"]]
        }
    return policies


def _apply_quota_and_limits(quota_node, limit_node, iso):
    quota = iso["resource_quota"].get("quota")
    if quota:
        quota_node["quota"] = dict(quota)
    for option_key, values_key in (("default", "default"), ("default_request", "defaultRequest")):
        limits = iso["limit_range"].get(option_key)
        if limits:
            limit_node[values_key] = dict(limits)


def _modern_expose(values, expose):
    if expose.get("type"):
        set_path(values, "controlPlane.service.spec.type", expose["type"])
    if expose.get("load_balancer_source_ranges"):
        set_path(
            values, "controlPlane.service.spec.loadBalancerSourceRanges", list(expose["load_balancer_source_ranges"])
        )
    if expose.get("extra_sans"):
        set_path(values, "controlPlane.proxy.extraSANs", list(expose["extra_sans"]))


def _service_mappings(entries):
    return [{"from": e.get("from"), "to": e.get("to")} for e in entries or [] if isinstance(e, dict)]


def _modern_map_services(values, map_services):
    if map_services.get("from_host"):
        set_path(values, "networking.replicateServices.fromHost", _service_mappings(map_services["from_host"]))
    if map_services.get("to_host"):
        set_path(values, "networking.replicateServices.toHost", _service_mappings(map_services["to_host"]))


def _apply_images(values, version, distro, opts):
    if opts.image_registry:
        registry = opts.image_registry.rstrip("/")
        if dialects.dialect_for(version) == dialects.LEGACY:
            # legacy templates concatenate "{{ defaultImageRegistry }}{{ image }}"
            registry += "/"
        set_path(values, dialects.image_registry_key(version), registry)
    if opts.distro_image:
        path, kind = dialects.distro_image_key(version, distro)
        set_path(values, path, split_image(opts.distro_image) if kind == "object" else opts.distro_image)


def split_image(reference):
    """``registry/repo:tag`` -> ``{registry, repository, tag}`` (the unified chart's image objects)."""
    registry, rest = "", reference
    first, sep, remainder = reference.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        registry, rest = first, remainder
    repository, tag = rest, ""
    if "@" in rest:
        repository, digest = rest.split("@", 1)
        tag = "@" + digest
    elif ":" in rest:
        repository, tag = rest.rsplit(":", 1)
    return {"registry": registry, "repository": repository, "tag": tag}


# ---------------------------------------------------------------------------------------------
# legacy values (< 0.20)


def legacy_hardened_values(version, distro, opts):
    if dialects.legacy_layout(distro) == "k8s":
        values = legacy_k8s_security_values(version, opts)
    else:
        values = legacy_k3s_security_values(opts)
    values["isolation"] = legacy_isolation(opts)
    values["telemetry"] = {"disabled": not opts.telemetry}
    _legacy_expose(values, opts.expose)
    _legacy_map_services(values, opts.map_services)
    _apply_images(values, version, distro, opts)
    return values


def legacy_k3s_security_values(opts):
    """k3s/k0s charts: one ``securityContext`` for every vcluster container, pod context + ``fsGroup``."""
    return {
        "securityContext": hardened_container_context(opts),
        "podSecurityContext": hardened_pod_context(opts, with_fs_group=False),
        "fsGroup": opts.fs_group,
    }


def legacy_k8s_security_values(version, opts):
    """k8s/eks charts: per-component contexts; etcd has only ``fsGroup`` at pod level."""
    values = {
        "syncer": {
            "securityContext": hardened_container_context(opts),
            "podSecurityContext": hardened_pod_context(opts),
        },
        "etcd": {"securityContext": hardened_container_context(opts), "fsGroup": opts.fs_group},
    }
    if dialects.legacy_k8s_has_component_security_contexts(version):
        for component in ("api", "controller", "scheduler"):
            values[component] = {"securityContext": hardened_container_context(opts)}
    if dialects.legacy_has_cert_job(version, "k8s"):
        values["job"] = {"securityContext": hardened_container_context(opts)}
    return values


def legacy_isolation(opts):
    iso = opts.isolation
    isolation = {
        "enabled": iso["enabled"],
        "podSecurityStandard": opts.profile,
        "resourceQuota": {"enabled": iso["resource_quota"]["enabled"]},
        "limitRange": {"enabled": iso["limit_range"]["enabled"]},
        "networkPolicy": {"enabled": iso["network_policy"]["enabled"]},
    }
    # extra_egress_cidrs: the legacy network policy has a single ipBlock; the isolation role adds a
    # separate NetworkPolicy for them.
    _apply_quota_and_limits(isolation["resourceQuota"], isolation["limitRange"], iso)
    return isolation


def _legacy_expose(values, expose):
    service = {}
    if expose.get("type"):
        service["type"] = expose["type"]
    if expose.get("load_balancer_source_ranges"):
        service["loadBalancerSourceRanges"] = list(expose["load_balancer_source_ranges"])
    if service:
        values["service"] = service
    if expose.get("extra_sans"):
        syncer = values.setdefault("syncer", {})
        syncer["extraArgs"] = [f"--tls-san={san}" for san in expose["extra_sans"]]


def _legacy_map_services(values, map_services):
    mapping = {}
    if map_services.get("from_host"):
        mapping["fromHost"] = _service_mappings(map_services["from_host"])
    if map_services.get("to_host"):
        mapping["fromVirtual"] = _service_mappings(map_services["to_host"])
    if mapping:
        values["mapServices"] = mapping


# ---------------------------------------------------------------------------------------------
# synthetic pods: what the chart renders from the effective values


class FixedByChart:
    """Stands for the values path of a container whose securityContext the chart fixes: no value can change it.

    ``path`` is the setting to change instead (``chart_version``, ``coredns.enabled``) and ``remedy`` says how.
    """

    def __init__(self, path, remedy):
        self.path = path
        self.remedy = remedy


class ComponentPod:
    """One pod the chart (or the syncer) creates, with the values paths that control its contexts.

    ``containers`` is a list of ``(field, name, securityContext, values path or None or FixedByChart)``; a None
    path means the context is fixed by vcluster and ``fallback_path`` is the value that influences it.
    """

    def __init__(self, label, pod_context, pod_path, containers, fallback_path=None):
        self.label = label
        self.pod_context = pod_context or {}
        self.pod_path = pod_path
        self.containers = containers
        self.fallback_path = fallback_path

    def pod_spec(self):
        spec = {"securityContext": copy.deepcopy(self.pod_context)}
        for field, name, context, _path in self.containers:
            spec.setdefault(field, []).append({"name": name, "securityContext": copy.deepcopy(context or {})})
        return spec

    def container_path(self, name):
        for _field, container_name, _context, path in self.containers:
            if container_name == name:
                return path
        return None

    def fixed_by_chart(self, violation_path):
        """The FixedByChart of the container a violation is in, or None."""
        match = _CONTAINER_RE.match(violation_path or "")
        path = self.container_path(match.group(2)) if match else None
        return path if isinstance(path, FixedByChart) else None

    def values_path_for(self, violation_path):
        """Map a pod-spec path of a violation to the values path that controls it."""
        match = _CONTAINER_RE.match(violation_path or "")
        if match:
            base = self.container_path(match.group(2))
            return f"{base}.{match.group(3)}" if base else self.fallback_path
        if (violation_path or "").startswith("securityContext."):
            rest = violation_path[len("securityContext.") :]
            if self.pod_path:
                return f"{self.pod_path}.{rest}"
            paths = [container[3] for container in self.containers if container[3]]
            if paths:
                return f"{paths[0]}.{rest}"
        return self.fallback_path or self.pod_path


def _context(effective, path):
    value = get_path(effective, path)
    return value if isinstance(value, dict) else {}


def builtin_coredns_container_context(syncer_user):
    """CoreDNS container context vcluster writes itself (non-root, drop ALL, NET_BIND_SERVICE)."""
    uid = syncer_user if isinstance(syncer_user, int) and syncer_user > 0 else COREDNS_FALLBACK_UID
    return {
        "runAsNonRoot": True,
        "runAsUser": uid,
        "runAsGroup": uid,
        "allowPrivilegeEscalation": False,
        "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]},
        "readOnlyRootFilesystem": True,
    }


def modern_component_pods(version, distro, effective):
    sts = "controlPlane.statefulSet.security"
    distro_path = f"controlPlane.distro.{distro}.securityContext"
    containers = [
        ("initContainers", name, _context(effective, distro_path), distro_path)
        for name in dialects.modern_distro_init_containers(version, distro)
    ]
    containers.append(
        (
            "containers",
            "syncer",
            _context(effective, sts + ".containerSecurityContext"),
            sts + ".containerSecurityContext",
        )
    )
    pods = [
        ComponentPod(
            "control-plane StatefulSet",
            _context(effective, sts + ".podSecurityContext"),
            sts + ".podSecurityContext",
            containers,
        )
    ]
    if get_path(effective, "controlPlane.coredns.enabled", True) is not False:
        pods.append(modern_coredns_pod(version, effective))
    etcd = "controlPlane.backingStore.etcd.deploy"
    if get_path(effective, etcd + ".enabled") is True:
        sec = etcd + ".statefulSet.security"
        pods.append(
            ComponentPod(
                "etcd StatefulSet",
                _context(effective, sec + ".podSecurityContext"),
                sec + ".podSecurityContext",
                [
                    (
                        "containers",
                        "etcd",
                        _context(effective, sec + ".containerSecurityContext"),
                        sec + ".containerSecurityContext",
                    )
                ],
            )
        )
    return pods


def modern_coredns_pod(version, effective):
    """CoreDNS (synced into the host namespace). Before 0.26 only ``policies.podSecurityStandard``
    influences it (pod seccomp); from 0.26 ``controlPlane.coredns.security.*`` replaces the builtin."""
    syncer_user = get_path(effective, "controlPlane.statefulSet.security.containerSecurityContext.runAsUser")
    pod = {"seccompProfile": {"type": "RuntimeDefault"}} if get_path(effective, "policies.podSecurityStandard") else {}
    container = builtin_coredns_container_context(syncer_user)
    fallback = "policies.podSecurityStandard"
    pod_path = container_path = None
    if dialects.has_coredns_security(version):
        sec = "controlPlane.coredns.security"
        pod = _context(effective, sec + ".podSecurityContext") or pod
        container = _context(effective, sec + ".containerSecurityContext") or container
        pod_path, container_path = sec + ".podSecurityContext", sec + ".containerSecurityContext"
    return ComponentPod(
        "CoreDNS Deployment", pod, pod_path, [("containers", "coredns", container, container_path)], fallback
    )


def legacy_component_pods(version, distro, effective):
    if dialects.legacy_layout(distro) == "k8s":
        pods = legacy_k8s_pods(version, effective)
    else:
        pods = [legacy_k3s_pod(version, effective)]
    if get_path(effective, "coredns.enabled", True) is not False:
        pods.append(legacy_coredns_pod(version, effective))
    return pods


def legacy_k3s_pod(version, effective):
    """k3s StatefulSet: pod context = podSecurityContext merged with fsGroup; vcluster + syncer containers
    (0.19: vcluster is the init container copying the k3s binary) all use ``securityContext``."""
    pod = dict(_context(effective, "podSecurityContext"))
    if get_path(effective, "fsGroup") is not None and "fsGroup" not in pod:
        pod["fsGroup"] = get_path(effective, "fsGroup")
    container = _context(effective, "securityContext")
    field = "initContainers" if dialects.minor_of(version) >= (0, 19) else "containers"
    containers = [
        (field, "vcluster", container, "securityContext"),
        ("containers", "syncer", container, "securityContext"),
    ]
    return ComponentPod("vcluster StatefulSet", pod, "podSecurityContext", containers)


def legacy_k8s_pods(version, effective):
    syncer = [("containers", "syncer", _context(effective, "syncer.securityContext"), "syncer.securityContext")]
    if not dialects.legacy_k8s_has_component_security_contexts(version):
        fixed = FixedByChart(
            "chart_version",
            "Use chart 0.20+ (distro k8s) or the legacy k3s chart (distro k3s) instead",
        )
        syncer = [("initContainers", name, {}, fixed) for name in dialects.LEGACY_K8S_019_INIT_CONTAINERS] + syncer
    pods = [
        ComponentPod(
            "syncer Deployment",
            _context(effective, "syncer.podSecurityContext"),
            "syncer.podSecurityContext",
            syncer,
        )
    ]
    if dialects.legacy_k8s_has_component_security_contexts(version):
        components = [("api", "kube-apiserver"), ("controller", "kube-controller-manager")]
        if get_path(effective, "sync.nodes.enableScheduler") is True:
            components.append(("scheduler", "kube-scheduler"))
        for key, container in components:
            path = key + ".securityContext"
            pods.append(
                ComponentPod(
                    f"{key} Deployment", {}, None, [("containers", container, _context(effective, path), path)]
                )
            )
        if dialects.legacy_has_cert_job(version, "k8s") and get_path(effective, "job.enabled", True) is not False:
            pods.append(
                ComponentPod(
                    "certificate Job",
                    {},
                    None,
                    [("containers", "certs", _context(effective, "job.securityContext"), "job.securityContext")],
                )
            )
    etcd_pod = (
        {"fsGroup": get_path(effective, "etcd.fsGroup")} if get_path(effective, "etcd.fsGroup") is not None else {}
    )
    pods.append(
        ComponentPod(
            "etcd StatefulSet",
            etcd_pod,
            None,
            [("containers", "etcd", _context(effective, "etcd.securityContext"), "etcd.securityContext")],
        )
    )
    return pods


def legacy_coredns_pod(version, effective):
    """Legacy CoreDNS: pod seccomp only with ``isolation.enabled``; container fixed by vcluster."""
    syncer_user = get_path(
        effective, "securityContext.runAsUser", get_path(effective, "syncer.securityContext.runAsUser")
    )
    pod = {"seccompProfile": {"type": "RuntimeDefault"}} if get_path(effective, "isolation.enabled") is True else {}
    container = builtin_coredns_container_context(syncer_user)
    path = None
    if dialects.legacy_coredns_lost_drop_all(version):
        del container["capabilities"]["drop"]
        path = FixedByChart("coredns.enabled", "Use chart 0.16+ or set coredns.enabled: false")
    return ComponentPod(
        "CoreDNS Deployment", pod, None, [("containers", "coredns", container, path)], "isolation.enabled"
    )


# ---------------------------------------------------------------------------------------------
# checks


def check_component_pods(pods, profile, user_values, chart_text):
    """Run the Pod Security checker on every synthetic pod; report at the controlling values path.

    Violations in containers the chart fixes become one ``pss-not-hardenable`` finding per pod.
    """
    found = []
    seen = set()
    for pod in pods:
        violations = check_pod_spec(pod.pod_spec(), level=profile)
        fixed = [v for v in violations if pod.fixed_by_chart(v.get("path"))]
        if fixed:
            found.append(not_hardenable(pod, fixed, profile, chart_text))
        for violation in violations:
            if pod.fixed_by_chart(violation.get("path")):
                continue
            path = pod.values_path_for(violation.get("path"))
            key = (violation["id"], path)
            if key in seen:
                continue
            seen.add(key)
            found.append(error(violation["id"], path, pss_message(pod, violation, path, profile, user_values)))
    return found


def not_hardenable(pod, violations, profile, chart_text):
    fixed = pod.fixed_by_chart(violations[0].get("path"))
    containers = ", ".join(sorted({v["container"] for v in violations}))
    reasons = "; ".join(sorted({v["message"] for v in violations}))
    return error(
        "pss-not-hardenable",
        fixed.path,
        f"{pod.label} of chart {chart_text} runs {containers} with a securityContext that no value can set, so it "
        f"cannot meet Pod Security {profile!r} ({reasons}). {fixed.remedy}",
    )


def pss_message(pod, violation, path, profile, user_values):
    where = pod.label + (f" container {violation['container']!r}" if violation.get("container") else "")
    fix = _PSS_FIX.get(violation["id"], "change the setting so the pod meets the profile")
    override = ""
    if _user_set_prefix(user_values, path):
        override = " (this comes from your values, which override the hardened default)"
    if path == "policies.podSecurityStandard":
        fix = "set policies.podSecurityStandard (vcluster then gives CoreDNS seccompProfile RuntimeDefault)"
    elif path == "isolation.enabled":
        fix = "set isolation.enabled: true (the chart then gives CoreDNS seccompProfile RuntimeDefault)"
    return (
        f"{where} violates Pod Security {profile!r}: {violation['message']}{override}. "
        f"Fix in the chart values at {path}: {fix}"
    )


def _user_set_prefix(user_values, path):
    """True if the user's values set ``path`` or one of its parents/children explicitly."""
    if not path or not user_values:
        return False
    parts = path.split(".")
    return any(has_path(user_values, ".".join(parts[:end])) for end in range(len(parts), 0, -1))


def check_cidrs(cidrs, path):
    found = []
    for index, cidr in enumerate(cidrs or []):
        problem = cidr_problem(cidr)
        if problem:
            found.append(error("cidr-invalid", f"{path}[{index}]", problem))
    return found


def cidr_problem(cidr):
    try:
        ipaddress.ip_network(str(cidr), strict=True)
        return None
    except ValueError as exc:
        hint = ""
        with contextlib.suppress(ValueError):
            hint = f"; did you mean {ipaddress.ip_network(str(cidr), strict=False)}?"
        return f"{cidr!r} is not a valid network in CIDR notation ({exc}); write it as address/prefix{hint}"


def _service_ref_problem(ref, allow_bare_name):
    form = "namespace/name" + (" or name" if allow_bare_name else "")
    if not isinstance(ref, str) or not ref:
        return f"must be a string of the form {form}"
    parts = ref.split("/")
    if (len(parts) == 1 and not allow_bare_name) or len(parts) > 2:
        return f"{ref!r} must have the form {form}"
    for part in parts:
        if not naming.DNS1123_LABEL_RE.match(part) or len(part) > naming.DNS1123_LABEL_MAX:
            return f"{ref!r}: {part!r} is not a DNS-1123 label (lower-case letters, digits, '-', at most 63)"
    return None


def check_map_services(map_services, path="map_services"):
    """``map-services-format`` / ``map-services-conflict`` for the map_services option."""
    found = []
    for direction in ("from_host", "to_host"):
        entries = (map_services or {}).get(direction) or []
        base = f"{path}.{direction}"
        if not isinstance(entries, list):
            found.append(error("map-services-format", base, "must be a list of {from: ns/name, to: ns/name} entries"))
            continue
        found += _check_mapping_entries(entries, base, allow_bare_target=direction == "to_host")
    return found


def _check_mapping_entries(entries, base, allow_bare_target):
    found = []
    sources, targets = {}, {}
    target_form = "name or namespace/name" if allow_bare_target else "namespace/name"
    for index, entry in enumerate(entries):
        where = f"{base}[{index}]"
        if not isinstance(entry, dict) or set(entry) != {"from", "to"}:
            found.append(
                error(
                    "map-services-format",
                    where,
                    f"entry {entry!r} must be a mapping with exactly the keys from (namespace/name) "
                    f"and to ({target_form})",
                )
            )
            continue
        for key, allow_bare in (("from", False), ("to", allow_bare_target)):
            problem = _service_ref_problem(entry[key], allow_bare)
            if problem:
                found.append(error("map-services-format", f"{where}.{key}", problem))
        found += _mapping_conflict(sources, entry["from"], f"{where}.from", "source", base)
        found += _mapping_conflict(targets, entry["to"], f"{where}.to", "target", base)
    return found


def _mapping_conflict(seen, value, where, role, base):
    key = str(value)
    if key in seen:
        return [
            error(
                "map-services-conflict",
                where,
                f"service {value!r} is already the {role} of {seen[key]}; each service may be mapped once per "
                f"direction. Remove one of the entries in {base}",
            )
        ]
    seen[key] = where.rsplit(".", 1)[0]
    return []


def parse_quantity(value):
    """Kubernetes resource quantity -> Decimal, or None when it is not valid quantity syntax."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    match = _QUANTITY_RE.match(str(value).strip()) if isinstance(value, str) else None
    if not match:
        return None
    number, suffix = match.group(1), match.group(2)
    try:
        if suffix and suffix[0] in "eE":
            return Decimal(number + suffix)
        return Decimal(number) * _QUANTITY_SUFFIX[suffix]
    except (InvalidOperation, KeyError):
        return None


def quota_paths(version):
    if dialects.dialect_for(version) == dialects.MODERN:
        return "policies.resourceQuota.quota", "policies.limitRange"
    return "isolation.resourceQuota.quota", "isolation.limitRange"


def check_quantities(mapping, path):
    found = []
    for key, value in (mapping or {}).items():
        if parse_quantity(value) is None:
            found.append(
                error(
                    "quantity-invalid",
                    _key_path(path, key),
                    f"{value!r} is not a Kubernetes quantity; use e.g. 500m, 2, 512Mi, 20Gi (binary suffixes "
                    "Ki/Mi/Gi/Ti, decimal k/M/G/T, milli m)",
                )
            )
    return found


def check_quota_consistency(quota, path):
    """``requests.X`` must not exceed ``limits.X`` (``cpu``/``memory`` are requests.* too)."""
    found = []
    quota = quota or {}
    for key, value in quota.items():
        resource = key[len("requests.") :] if key.startswith("requests.") else key if key in ("cpu", "memory") else None
        if resource is None or f"limits.{resource}" not in quota:
            continue
        request, limit = parse_quantity(value), parse_quantity(quota[f"limits.{resource}"])
        if request is not None and limit is not None and request > limit:
            found.append(
                error(
                    "quota-inconsistent",
                    _key_path(path, key),
                    f"quota {key}={value} exceeds limits.{resource}={quota[f'limits.{resource}']}; pods could never "
                    f"use the requested amount. Raise limits.{resource} or lower {key}",
                )
            )
    return found


def check_limit_range_consistency(limit_range, path):
    found = []
    default = (limit_range or {}).get("default") or {}
    default_request = (limit_range or {}).get("defaultRequest") or {}
    for resource, value in default_request.items():
        if resource not in default:
            continue
        request, limit = parse_quantity(value), parse_quantity(default[resource])
        if request is not None and limit is not None and request > limit:
            found.append(
                error(
                    "quota-inconsistent",
                    _key_path(path + ".defaultRequest", resource),
                    f"limit range defaultRequest {resource}={value} exceeds default (limit) {resource}="
                    f"{default[resource]}; containers without resources would be rejected. Lower defaultRequest "
                    f"or raise default",
                )
            )
    return found


def check_quotas(version, effective):
    quota_path, limit_path = quota_paths(version)
    quota = get_path(effective, quota_path) or {}
    limit_range = get_path(effective, limit_path) or {}
    found = check_quantities(quota, quota_path)
    for key in ("default", "defaultRequest", "min", "max"):
        found += check_quantities(
            limit_range.get(key) if isinstance(limit_range, dict) else None, f"{limit_path}.{key}"
        )
    found += check_quota_consistency(quota, quota_path)
    found += check_limit_range_consistency(limit_range if isinstance(limit_range, dict) else {}, limit_path)
    return found


def check_option_inputs(opts):
    """Checks of the structured options that do not depend on the chart version."""
    found = check_map_services(opts.map_services)
    found += check_cidrs(opts.isolation["extra_egress_cidrs"], "isolation.extra_egress_cidrs")
    found += check_cidrs(opts.expose.get("load_balancer_source_ranges"), "expose.load_balancer_source_ranges")
    return found


def etcd_deployed(version, distro, user_values):
    """True when the release runs an etcd StatefulSet <name>-etcd (shortens the name limit to 47)."""
    if dialects.dialect_for(version) == dialects.LEGACY:
        return dialects.legacy_layout(distro) == "k8s"
    return get_path(user_values, "controlPlane.backingStore.etcd.deploy.enabled") is True


# ---------------------------------------------------------------------------------------------
# entry point


def render_values(
    name,
    namespace,
    chart_version,
    distro=None,
    profile="restricted",
    run_as_user=DEFAULT_ID,
    run_as_group=DEFAULT_ID,
    fs_group=DEFAULT_ID,
    read_only_root_filesystem=True,
    image_registry=None,
    distro_image=None,
    isolation=None,
    map_services=None,
    expose=None,
    values=None,
    telemetry=False,
):
    """Hardened values for one vcluster -> ``(values, findings, meta)``.

    ``meta`` is ``{dialect, chart, distro}`` (None where the version/distro is unusable). All findings
    of the call are returned together; ``values`` is ``{}`` when the version or distro is unusable.
    """
    opts = RenderOptions(
        name=name,
        namespace=namespace,
        profile=profile,
        run_as_user=run_as_user,
        run_as_group=run_as_group,
        fs_group=fs_group,
        read_only_root_filesystem=read_only_root_filesystem,
        image_registry=image_registry,
        distro_image=distro_image,
        isolation=isolation,
        map_services=map_services,
        expose=expose,
        values=values,
        telemetry=telemetry,
    )
    meta = {"dialect": None, "chart": None, "distro": distro}
    version, findings = dialects.check_version(chart_version)
    findings += check_option_inputs(opts)
    if version is None:
        return {}, naming.check_names(name, namespace) + findings, meta
    distro = distro or dialects.default_distro(version)
    meta["distro"] = distro
    distro_findings = dialects.check_distro(version, distro)
    findings = naming.check_names(name, namespace, etcd_deployed(version, distro, opts.values)) + findings
    if distro_findings:
        return {}, findings + distro_findings, meta
    meta.update({"dialect": dialects.dialect_for(version), "chart": dialects.chart_name(version, distro)})

    if meta["dialect"] == dialects.MODERN:
        hardened = modern_hardened_values(version, distro, opts)
    else:
        hardened = legacy_hardened_values(version, distro, opts)
    rendered = merge_values(hardened, opts.values)
    effective = coalesce_values(dialects.chart_defaults(version, distro), rendered)

    findings += dialects.check_values_dialect(opts.values, version, distro)
    findings += check_quotas(version, effective)
    chart_text = f"{meta['chart']} {dialects.version_text(version)}"
    pods = component_pods(version, distro, effective)
    findings += check_component_pods(pods, opts.profile, opts.values, chart_text)
    return rendered, findings, meta


def component_pods(version, distro, effective):
    """Synthetic pods of every component the chart version runs, from the effective values."""
    if dialects.dialect_for(version) == dialects.MODERN:
        return modern_component_pods(version, distro, effective)
    return legacy_component_pods(version, distro, effective)
