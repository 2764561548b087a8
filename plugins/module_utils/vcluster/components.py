# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pods the chart (and the syncer) create, rebuilt from the effective values, and their Pod Security check.

Each synthetic pod knows which values path controls each of its security contexts, so a violation is reported at
the path the operator can change; containers the chart fixes become ``pss-not-hardenable``. Pure logic, no I/O."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import dialects
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.findings import error, fix_hint
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.pod_security import check_pod_spec
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.values_tree import get_path, has_path

# CoreDNS runs as this uid when the syncer runs as root (vcluster pkg/coredns defaultUID).
COREDNS_FALLBACK_UID = 1001


_CONTAINER_RE = re.compile(r"^(initContainers|containers|ephemeralContainers)\[([^\]]*)\]\.securityContext\.(.+)$")


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


def component_pods(version, distro, effective):
    """Synthetic pods of every component the chart version runs, from the effective values."""
    if dialects.dialect_for(version) == dialects.MODERN:
        return modern_component_pods(version, distro, effective)
    return legacy_component_pods(version, distro, effective)


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
    since = dialects.LEGACY_K3S_INIT_CONTAINER_SINCE
    field = "initContainers" if dialects.minor_of(version) >= since else "containers"
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


def etcd_deployed(version, distro, user_values):
    """True when the release runs an etcd StatefulSet <name>-etcd (shortens the name limit to 47)."""
    if dialects.dialect_for(version) == dialects.LEGACY:
        return dialects.legacy_layout(distro) == "k8s"
    return get_path(user_values, "controlPlane.backingStore.etcd.deploy.enabled") is True


# securityContext fields -> the type the API server decodes them into
_ID_FIELDS = ("runAsUser", "runAsGroup", "fsGroup")
_BOOL_FIELDS = ("runAsNonRoot", "privileged", "allowPrivilegeEscalation", "readOnlyRootFilesystem")
_PROFILE_TYPES = ("RuntimeDefault", "Localhost", "Unconfined")
MAX_ID = 2**31 - 1


def _id_problem(value):
    if isinstance(value, bool) or not isinstance(value, int):
        rendered = " (Helm renders it as 0: root)" if isinstance(value, float) and value == 0 else ""
        return f"{value!r} is not an integer id{rendered}; write a plain number such as 12345"
    if not 0 <= value <= MAX_ID:
        return f"{value} is outside 0..{MAX_ID}, which the API server refuses"
    return None


def _profile_problem(value):
    if not isinstance(value, dict) or value.get("type") not in _PROFILE_TYPES:
        return f"{value!r} needs type {', '.join(_PROFILE_TYPES)}"
    has_profile = isinstance(value.get("localhostProfile"), str) and bool(value.get("localhostProfile"))
    if value["type"] == "Localhost" and not has_profile:
        return "type Localhost needs localhostProfile (the profile file on the node)"
    if value["type"] != "Localhost" and "localhostProfile" in value:
        return f"localhostProfile goes only with type Localhost, not {value['type']}"
    return None


def _capabilities_problem(value):
    if not isinstance(value, dict) or not all(
        isinstance(value.get(key, []), list) and all(isinstance(item, str) for item in value.get(key, []))
        for key in ("add", "drop")
    ):
        return f"{value!r} must be {{drop: [ALL], add: [...]}} with lists of capability names"
    return None


def context_value_problems(context):
    """``(field, problem)`` of a securityContext whose values the API server would refuse (or Helm turn to root)."""
    problems = []
    for field, value in (context or {}).items():
        problem = None
        if field in _ID_FIELDS:
            problem = _id_problem(value)
        elif field in _BOOL_FIELDS and not isinstance(value, bool):
            problem = f"{value!r} is not a boolean; write true or false without quotes"
        elif field in ("seccompProfile", "appArmorProfile"):
            problem = _profile_problem(value)
        elif field == "capabilities":
            problem = _capabilities_problem(value)
        elif field == "supplementalGroups" and (
            not isinstance(value, list) or any(_id_problem(item) for item in value)
        ):
            problem = f"{value!r} must be a list of integer group ids"
        if problem:
            problems.append((field, problem))
    return problems


def _value_findings(pod):
    found = []
    contexts = [(pod.pod_path, pod.pod_context)]
    contexts += [(path, context) for _field, _name, context, path in pod.containers if isinstance(path, str)]
    for path, context in contexts:
        if not path:
            continue
        for field, problem in context_value_problems(context):
            found.append(error("value-invalid", f"{path}.{field}", f"{pod.label}: {problem}"))
    return found


def check_component_pods(pods, profile, user_values, chart_text):
    """Run the Pod Security checker on every synthetic pod; report at the controlling values path.

    Violations in containers the chart fixes become one ``pss-not-hardenable`` finding per pod. A pod with values
    the API server would refuse gets those (``value-invalid``) instead of a Pod Security verdict.
    """
    found = []
    seen = set()
    for pod in pods:
        invalid = _value_findings(pod)
        if invalid:
            found += [f for f in invalid if (f["id"], f["path"]) not in seen]
            seen.update((f["id"], f["path"]) for f in invalid)
            continue
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
    fix = fix_hint(violation["id"])
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
