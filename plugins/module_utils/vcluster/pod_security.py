# -*- coding: utf-8 -*-
# Copyright: (c) 2025, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kubernetes Pod Security Standards checker (pure logic, no I/O).

Mirrors the decisions of the API server's PodSecurity admission at version
``latest`` as of Kubernetes 1.34 (k8s.io/pod-security-admission/policy), with
the feature gates at their 1.34 defaults (so the ``hostUsers: false``
relaxation of UserNamespacesPodSecurityStandards, alpha and off, is not
applied).  Comparisons are case-sensitive, exactly like the admission.

The admission returns one reason per failing rule; this module reports every
problem at once, one violation per (container, rule) with the field path and
the fix (pod-level fields, volumes and host namespace flags get their own).
Containers that inherit a missing pod-level runAsNonRoot/seccompProfile are
named together in one pod-level violation, because the fix is at pod level.
Verdicts (allowed or not) are the admission's.
"""

from __future__ import absolute_import, division, print_function

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.yaml_support import HAS_YAML, yaml

LEVELS = ("baseline", "restricted")

VIOLATION_IDS = (
    "pss-windows-host-process",
    "pss-host-namespaces",
    "pss-privileged",
    "pss-capabilities",
    "pss-host-path",
    "pss-host-ports",
    "pss-host-probes",
    "pss-apparmor",
    "pss-selinux",
    "pss-proc-mount",
    "pss-seccomp",
    "pss-sysctls",
    "pss-volume-types",
    "pss-privilege-escalation",
    "pss-run-as-non-root",
    "pss-run-as-user",
)

CONTAINER_FIELDS = ("initContainers", "containers", "ephemeralContainers")

BASELINE_CAPABILITIES = frozenset(
    (
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    )
)
RESTRICTED_CAPABILITIES = frozenset(("NET_BIND_SERVICE",))

SAFE_SYSCTLS = frozenset(
    (
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.ping_group_range",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_rmem",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.tcp_wmem",
    )
)

ALLOWED_SELINUX_TYPES = frozenset(("", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"))
ALLOWED_PROFILE_TYPES = ("RuntimeDefault", "Localhost")
APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/"

RESTRICTED_VOLUME_SOURCES = frozenset(
    (
        "configMap",
        "csi",
        "downwardAPI",
        "emptyDir",
        "ephemeral",
        "image",
        "persistentVolumeClaim",
        "projected",
        "secret",
    )
)
# Inline sources the restricted level forbids (hostPath is reported as pss-host-path).  Keys outside
# both sets are unknown to the API server: it drops them, and a volume left without a source
# is defaulted to emptyDir, so they are not reported.
FORBIDDEN_VOLUME_SOURCES = frozenset(
    (
        "awsElasticBlockStore",
        "azureDisk",
        "azureFile",
        "cephfs",
        "cinder",
        "fc",
        "flexVolume",
        "flocker",
        "gcePersistentDisk",
        "gitRepo",
        "glusterfs",
        "iscsi",
        "nfs",
        "photonPersistentDisk",
        "portworxVolume",
        "quobyte",
        "rbd",
        "scaleIO",
        "storageos",
        "vsphereVolume",
    )
)

PROBE_FIELDS = ("livenessProbe", "readinessProbe", "startupProbe")
LIFECYCLE_HANDLERS = ("postStart", "preStop")

# kind -> keys leading from the object to its pod template (metadata + spec)
POD_TEMPLATE_KEYS = {
    "Pod": (),
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
    "PodTemplate": ("template",),
}


# ---------------------------------------------------------------------------------------------
# small accessors


def _dict(value):
    return value if isinstance(value, dict) else {}


def _list(value):
    return value if isinstance(value, list) else []


def _dig(value, *keys):
    for key in keys:
        value = _dict(value).get(key)
    return value


def _is_true(value):
    return value is True


def _is_zero(value):
    return isinstance(value, int) and not isinstance(value, bool) and value == 0


def _quote(items):
    return ", ".join(f"'{item}'" for item in items)


def _violation(rule_id, container, path, message):
    return {"id": rule_id, "container": container, "path": path, "message": message}


def _is_windows(pod_spec):
    return _dig(pod_spec, "os", "name") == "windows"


def _containers(pod_spec):
    """Yield (name, path prefix, container) in the order the admission visits them."""
    for field in CONTAINER_FIELDS:
        for index, container in enumerate(_list(pod_spec.get(field))):
            container = _dict(container)
            name = container.get("name")
            label = name if name else index
            yield name, f"{field}[{label}]", container


def _security_context(container):
    return _dict(container.get("securityContext"))


def _pod_security_context(pod_spec):
    return _dict(pod_spec.get("securityContext"))


# ---------------------------------------------------------------------------------------------
# baseline rules


def _check_windows_host_process(pod_spec, metadata):
    message = (
        "windowsOptions.hostProcess must not be true (HostProcess containers have host access); "
        "remove it or set it to false"
    )
    found = []
    if _is_true(_dig(_pod_security_context(pod_spec), "windowsOptions", "hostProcess")):
        path = "securityContext.windowsOptions.hostProcess"
        found.append(_violation("pss-windows-host-process", None, path, message))
    for name, prefix, container in _containers(pod_spec):
        if _is_true(_dig(_security_context(container), "windowsOptions", "hostProcess")):
            path = prefix + ".securityContext.windowsOptions.hostProcess"
            found.append(_violation("pss-windows-host-process", name, path, message))
    return found


def _check_host_namespaces(pod_spec, metadata):
    return [
        _violation(
            "pss-host-namespaces",
            None,
            field,
            f"{field}: true shares the node's namespace with the pod; remove {field} or set it to false",
        )
        for field in ("hostNetwork", "hostPID", "hostIPC")
        if _is_true(pod_spec.get(field))
    ]


def _check_privileged(pod_spec, metadata):
    return [
        _violation(
            "pss-privileged",
            name,
            prefix + ".securityContext.privileged",
            "privileged containers are forbidden; remove securityContext.privileged or set it to false",
        )
        for name, prefix, container in _containers(pod_spec)
        if _is_true(_security_context(container).get("privileged"))
    ]


def _capability_hint(capability, allowed):
    """Explain near misses that the case-sensitive admission rejects."""
    text = str(capability)
    bare = text[4:] if text.upper().startswith("CAP_") else text
    if bare.upper() in allowed and bare.upper() != text:
        return (
            f" ('{text}' is not accepted: PodSecurity compares names exactly, "
            f"upper case without the CAP_ prefix: use '{bare.upper()}')"
        )
    return ""


def _forbidden_added(container, allowed):
    return [cap for cap in _list(_dig(_security_context(container), "capabilities", "add")) if cap not in allowed]


def _check_capabilities_baseline(pod_spec, metadata):
    found = []
    for name, prefix, container in _containers(pod_spec):
        forbidden = _forbidden_added(container, BASELINE_CAPABILITIES)
        if forbidden:
            hints = "".join(_capability_hint(cap, BASELINE_CAPABILITIES) for cap in forbidden)
            allowed = ", ".join(sorted(BASELINE_CAPABILITIES))
            message = f"capabilities.add must not include {_quote(forbidden)}{hints}; remove them (allowed: {allowed})"
            found.append(_violation("pss-capabilities", name, prefix + ".securityContext.capabilities.add", message))
    return found


def _drop_all_problem(container):
    dropped = _list(_dig(_security_context(container), "capabilities", "drop"))
    if "ALL" in dropped:
        return None
    near_misses = [cap for cap in dropped if str(cap).upper() in ("ALL", "CAP_ALL")]
    if near_misses:
        return (
            f"capabilities.drop must include 'ALL' (upper case; PodSecurity does not accept {_quote(near_misses)}); "
            "set capabilities.drop: [ALL]"
        )
    return "capabilities.drop must include 'ALL'; set capabilities.drop: [ALL]"


def _add_problem_restricted(container):
    forbidden = _forbidden_added(container, RESTRICTED_CAPABILITIES)
    if not forbidden:
        return None
    hints = "".join(_capability_hint(cap, RESTRICTED_CAPABILITIES) for cap in forbidden)
    return f"capabilities.add may only contain 'NET_BIND_SERVICE', not {_quote(forbidden)}{hints}; remove them"


def _check_capabilities_restricted(pod_spec, metadata):
    if _is_windows(pod_spec):
        return []
    found = []
    for name, prefix, container in _containers(pod_spec):
        drop_problem = _drop_all_problem(container)
        add_problem = _add_problem_restricted(container)
        if drop_problem and add_problem:
            field, message = "capabilities", drop_problem + "; " + add_problem
        elif drop_problem:
            field, message = "capabilities.drop", drop_problem
        elif add_problem:
            field, message = "capabilities.add", add_problem
        else:
            continue
        found.append(_violation("pss-capabilities", name, prefix + ".securityContext." + field, message))
    return found


def _check_host_path(pod_spec, metadata):
    message = "hostPath volumes are forbidden; use an emptyDir, configMap, secret or persistentVolumeClaim volume"
    return [
        _violation("pss-host-path", None, f"volumes[{volume.get('name')}].hostPath", message)
        for volume in map(_dict, _list(pod_spec.get("volumes")))
        if volume.get("hostPath") is not None
    ]


def _bad_host_ports(container):
    return [
        port.get("hostPort")
        for port in map(_dict, _list(container.get("ports")))
        if port.get("hostPort") not in (None, 0)
    ]


def _check_host_ports(pod_spec, metadata):
    found = []
    for name, prefix, container in _containers(pod_spec):
        ports = _bad_host_ports(container)
        if ports:
            listed = ", ".join(str(port) for port in ports)
            message = f"hostPort {listed} is forbidden; remove hostPort from ports (expose the pod through a Service)"
            found.append(_violation("pss-host-ports", name, prefix + ".ports[*].hostPort", message))
    return found


def _host_probe_paths(container):
    """Paths (inside the container) of probe and lifecycle handlers that set a host."""
    handlers = [(field, container.get(field)) for field in PROBE_FIELDS]
    handlers += [("lifecycle." + hook, _dig(container, "lifecycle", hook)) for hook in LIFECYCLE_HANDLERS]
    return [
        f"{field}.{action}.host"
        for field, handler in handlers
        for action in ("httpGet", "tcpSocket")
        if _dig(handler, action, "host") not in (None, "")
    ]


def _check_host_probes(pod_spec, metadata):
    found = []
    for name, prefix, container in _containers(pod_spec):
        paths = _host_probe_paths(container)
        if paths:
            message = (
                f"probes and lifecycle handlers must not set host ({', '.join(paths)}); "
                "remove host so the kubelet targets the pod IP"
            )
            found.append(_violation("pss-host-probes", name, prefix + "." + paths[0], message))
    return found


def _apparmor_type_message(profile_type):
    return (
        f"appArmorProfile.type {profile_type!r} is forbidden; set appArmorProfile.type: RuntimeDefault "
        "(or Localhost with localhostProfile), or remove appArmorProfile"
    )


def _bad_apparmor_type(security_context):
    profile = security_context.get("appArmorProfile")
    if profile is None:
        return False, None
    profile_type = _dict(profile).get("type") or ""
    return profile_type not in ALLOWED_PROFILE_TYPES, profile_type


def _check_apparmor(pod_spec, metadata):
    found = []
    bad, profile_type = _bad_apparmor_type(_pod_security_context(pod_spec))
    if bad:
        found.append(
            _violation(
                "pss-apparmor", None, "securityContext.appArmorProfile.type", _apparmor_type_message(profile_type)
            )
        )
    for name, prefix, container in _containers(pod_spec):
        bad, profile_type = _bad_apparmor_type(_security_context(container))
        if bad:
            path = prefix + ".securityContext.appArmorProfile.type"
            found.append(_violation("pss-apparmor", name, path, _apparmor_type_message(profile_type)))
    found.extend(_apparmor_annotation_violations(metadata))
    return found


def _apparmor_annotation_violations(metadata):
    found = []
    annotations = _dict(_dict(metadata).get("annotations"))
    for key in sorted(annotations, key=str):
        value = annotations[key]
        if str(key).startswith(APPARMOR_ANNOTATION_PREFIX) and not _allowed_apparmor_annotation(value):
            message = (
                f"AppArmor annotation value {value!r} is forbidden; set it to 'runtime/default' or "
                "'localhost/<profile>', or use securityContext.appArmorProfile.type: RuntimeDefault"
            )
            container = str(key)[len(APPARMOR_ANNOTATION_PREFIX) :]
            found.append(_violation("pss-apparmor", container, f"metadata.annotations[{key}]", message))
    return found


def _allowed_apparmor_annotation(value):
    value = "" if value is None else str(value)
    return value in ("", "runtime/default") or value.startswith("localhost/")


def _selinux_problems(security_context):
    options = security_context.get("seLinuxOptions")
    if options is None:
        return []
    options = _dict(options)
    problems = []
    if (options.get("type") or "") not in ALLOWED_SELINUX_TYPES:
        allowed = ", ".join(sorted(ALLOWED_SELINUX_TYPES - {""}))
        problems.append(f"type {options.get('type')!r} is not one of {allowed}")
    problems.extend(f"{field} must not be set" for field in ("user", "role") if options.get(field))
    return problems


def _selinux_violation(container, path, problems):
    message = f"seLinuxOptions: {'; '.join(problems)}; remove seLinuxOptions.user/role and use an allowed type or none"
    return _violation("pss-selinux", container, path, message)


def _check_selinux(pod_spec, metadata):
    found = []
    problems = _selinux_problems(_pod_security_context(pod_spec))
    if problems:
        found.append(_selinux_violation(None, "securityContext.seLinuxOptions", problems))
    for name, prefix, container in _containers(pod_spec):
        problems = _selinux_problems(_security_context(container))
        if problems:
            found.append(_selinux_violation(name, prefix + ".securityContext.seLinuxOptions", problems))
    return found


def _check_proc_mount(pod_spec, metadata):
    found = []
    for name, prefix, container in _containers(pod_spec):
        proc_mount = _security_context(container).get("procMount")
        if proc_mount is not None and proc_mount != "Default":
            message = f"procMount {proc_mount!r} unmasks /proc; remove securityContext.procMount or set it to Default"
            found.append(_violation("pss-proc-mount", name, prefix + ".securityContext.procMount", message))
    return found


def _seccomp_type(security_context):
    """(is set, type) of a securityContext's seccompProfile."""
    profile = security_context.get("seccompProfile")
    if profile is None:
        return False, None
    return True, _dict(profile).get("type") or ""


def _seccomp_type_message(profile_type):
    return (
        f"seccompProfile.type {profile_type!r} is forbidden; set seccompProfile.type: RuntimeDefault "
        "(or Localhost with localhostProfile)"
    )


def _explicit_seccomp_violations(pod_spec):
    found = []
    is_set, profile_type = _seccomp_type(_pod_security_context(pod_spec))
    if is_set and profile_type not in ALLOWED_PROFILE_TYPES:
        found.append(
            _violation("pss-seccomp", None, "securityContext.seccompProfile.type", _seccomp_type_message(profile_type))
        )
    for name, prefix, container in _containers(pod_spec):
        is_set, profile_type = _seccomp_type(_security_context(container))
        if is_set and profile_type not in ALLOWED_PROFILE_TYPES:
            path = prefix + ".securityContext.seccompProfile.type"
            found.append(_violation("pss-seccomp", name, path, _seccomp_type_message(profile_type)))
    return found


def _check_seccomp_baseline(pod_spec, metadata):
    return _explicit_seccomp_violations(pod_spec)


def _check_sysctls(pod_spec, metadata):
    names = [_dict(sysctl).get("name") for sysctl in _list(_pod_security_context(pod_spec).get("sysctls"))]
    forbidden = [name for name in names if name not in SAFE_SYSCTLS]
    if not forbidden:
        return []
    message = (
        f"sysctls {_quote(forbidden)} are not in the safe set; remove them from securityContext.sysctls "
        f"(allowed: {', '.join(sorted(SAFE_SYSCTLS))})"
    )
    return [_violation("pss-sysctls", None, "securityContext.sysctls", message)]


# ---------------------------------------------------------------------------------------------
# restricted rules


def _check_volume_types(pod_spec, metadata):
    allowed = ", ".join(sorted(RESTRICTED_VOLUME_SOURCES))
    found = []
    for volume in map(_dict, _list(pod_spec.get("volumes"))):
        if any(volume.get(source) is not None for source in RESTRICTED_VOLUME_SOURCES):
            continue
        forbidden = sorted(source for source in FORBIDDEN_VOLUME_SOURCES if volume.get(source) is not None)
        if forbidden:
            message = f"volume type {_quote(forbidden)} is forbidden; use one of {allowed}"
            path = f"volumes[{volume.get('name')}].{forbidden[0]}"
            found.append(_violation("pss-volume-types", None, path, message))
    return found


def _check_privilege_escalation(pod_spec, metadata):
    if _is_windows(pod_spec):
        return []
    message = (
        "allowPrivilegeEscalation must be false (unset counts as true); "
        "set securityContext.allowPrivilegeEscalation: false"
    )
    return [
        _violation("pss-privilege-escalation", name, prefix + ".securityContext.allowPrivilegeEscalation", message)
        for name, prefix, container in _containers(pod_spec)
        if _security_context(container).get("allowPrivilegeEscalation") is not False
    ]


def _implicit_violation(rule_id, containers, field, fix):
    plural = "s" if len(containers) > 1 else ""
    message = (
        f"pod or container{plural} {_quote(containers)} must set securityContext.{field}; "
        f"set securityContext.{fix} at pod level (spec.securityContext)"
    )
    return _violation(rule_id, None, "securityContext." + field, message)


def _check_run_as_non_root(pod_spec, metadata):
    message = "runAsNonRoot must not be false; set securityContext.runAsNonRoot: true (and a non-zero runAsUser)"
    found = []
    pod_value = _pod_security_context(pod_spec).get("runAsNonRoot")
    if pod_value is not None and pod_value is not True:
        found.append(_violation("pss-run-as-non-root", None, "securityContext.runAsNonRoot", message))
    inheriting = []
    for name, prefix, container in _containers(pod_spec):
        value = _security_context(container).get("runAsNonRoot")
        if value is None:
            inheriting.append(name)
        elif value is not True:
            found.append(_violation("pss-run-as-non-root", name, prefix + ".securityContext.runAsNonRoot", message))
    # A bad pod-level value is already reported above; fixing it fixes the containers inheriting it.
    if inheriting and pod_value is None:
        found.append(_implicit_violation("pss-run-as-non-root", inheriting, "runAsNonRoot", "runAsNonRoot: true"))
    return found


def _check_run_as_user(pod_spec, metadata):
    message = "runAsUser 0 (root) is forbidden; set securityContext.runAsUser to a non-zero UID (e.g. 12345)"
    found = []
    if _is_zero(_pod_security_context(pod_spec).get("runAsUser")):
        found.append(_violation("pss-run-as-user", None, "securityContext.runAsUser", message))
    for name, prefix, container in _containers(pod_spec):
        if _is_zero(_security_context(container).get("runAsUser")):
            found.append(_violation("pss-run-as-user", name, prefix + ".securityContext.runAsUser", message))
    return found


def _check_seccomp_restricted(pod_spec, metadata):
    if _is_windows(pod_spec):
        return []
    found = _explicit_seccomp_violations(pod_spec)
    pod_set, _pod_type = _seccomp_type(_pod_security_context(pod_spec))
    if not pod_set:
        inheriting = [
            name
            for name, _prefix, container in _containers(pod_spec)
            if not _seccomp_type(_security_context(container))[0]
        ]
        if inheriting:
            fix = "seccompProfile.type: RuntimeDefault"
            found.append(_implicit_violation("pss-seccomp", inheriting, "seccompProfile.type", fix))
    return found


BASELINE_RULES = (
    _check_windows_host_process,
    _check_host_namespaces,
    _check_privileged,
    _check_capabilities_baseline,
    _check_host_path,
    _check_host_ports,
    _check_host_probes,
    _check_apparmor,
    _check_selinux,
    _check_proc_mount,
    _check_seccomp_baseline,
    _check_sysctls,
)

# As in the admission, restricted replaces the baseline capabilities and seccomp rules with
# stricter ones instead of running both (so a Windows pod skips them entirely).
RESTRICTED_RULES = (
    *tuple(rule for rule in BASELINE_RULES if rule not in (_check_capabilities_baseline, _check_seccomp_baseline)),
    _check_capabilities_restricted,
    _check_seccomp_restricted,
    _check_volume_types,
    _check_privilege_escalation,
    _check_run_as_non_root,
    _check_run_as_user,
)

RULES_BY_LEVEL = {"baseline": BASELINE_RULES, "restricted": RESTRICTED_RULES}


# ---------------------------------------------------------------------------------------------
# public API


def check_pod_spec(pod_spec, level="restricted", metadata=None):
    """Violations of one pod spec against a Pod Security Standard level.

    Paths are relative to the pod spec; AppArmor annotations are reported as
    ``metadata.annotations[...]`` (relative to the pod template).
    """
    if level not in RULES_BY_LEVEL:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    pod_spec = _dict(pod_spec)
    violations = []
    for rule in RULES_BY_LEVEL[level]:
        violations.extend(rule(pod_spec, metadata))
    return violations


def pod_templates(manifest):
    """(pod metadata, pod spec, path of the spec) for every pod template in one object."""
    manifest = _dict(manifest)
    keys = POD_TEMPLATE_KEYS.get(manifest.get("kind"))
    if keys is None:
        return []
    template = manifest
    for key in keys:
        template = _dict(template).get(key)
    spec = _dict(template).get("spec")
    if not isinstance(spec, dict):
        return []
    spec_path = ".".join((*keys, "spec"))
    return [(_dict(template.get("metadata")), spec, spec_path)]


def manifest_objects(manifests):
    """The objects of a list of manifests: empty entries skipped, ``kind: List`` expanded."""
    objects = []
    for manifest in _list(manifests):
        if not isinstance(manifest, dict) or not manifest:
            continue
        kind = str(manifest.get("kind") or "")
        if kind.endswith("List") and isinstance(manifest.get("items"), list):
            objects.extend(manifest_objects(manifest.get("items")))
        else:
            objects.append(manifest)
    return objects


def _full_path(spec_path, path):
    if path.startswith("metadata."):
        return spec_path[: -len("spec")] + path
    return spec_path + "." + path


def check_manifests(manifests, level="restricted"):
    """Violations of every pod template in a list of Kubernetes objects."""
    results = []
    for manifest in manifest_objects(manifests):
        metadata = _dict(manifest.get("metadata"))
        for pod_metadata, pod_spec, spec_path in pod_templates(manifest):
            for violation in check_pod_spec(pod_spec, level, pod_metadata):
                results.append(
                    {
                        "kind": manifest.get("kind"),
                        "name": metadata.get("name"),
                        "namespace": metadata.get("namespace"),
                        "container": violation["container"],
                        "id": violation["id"],
                        "path": _full_path(spec_path, violation["path"]),
                        "message": violation["message"],
                    }
                )
    return results


def count_pod_templates(manifests):
    return sum(len(pod_templates(manifest)) for manifest in manifest_objects(manifests))


def load_manifests(text):
    """Objects of a multi-document YAML string (``helm template`` output); empty documents skipped.

    Raises ImportError without PyYAML and ValueError on invalid YAML or non-mapping documents.
    """
    if not HAS_YAML:
        raise ImportError("PyYAML is required to parse manifests given as YAML text")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        documents = list(yaml.load_all(text, Loader=loader))
    except yaml.YAMLError as exc:
        raise ValueError(f"manifests are not valid YAML: {exc}") from exc
    objects = []
    for number, document in enumerate(documents, start=1):
        if document is None:
            continue
        if isinstance(document, list):
            objects.extend(item for item in document if isinstance(item, dict))
        elif isinstance(document, dict):
            objects.append(document)
        else:
            kind = type(document).__name__
            raise ValueError(f"YAML document {number} is a {kind}, not a Kubernetes object (mapping)")
    return objects


# --- the tenancy.vcluster.pod_security task (shared by the module and its controller-side action plugin)
def manifests_option(manifests):
    """The module's ``manifests`` option as a list of objects; YAML strings (alone or in the list) are parsed.

    Raises ValueError for values that are not objects or YAML text, ImportError when YAML needs PyYAML.
    """
    if isinstance(manifests, dict):
        return [manifests]
    items = manifests if isinstance(manifests, list) else [manifests]
    objects = []
    for item in items:
        if isinstance(item, (str, bytes)):
            try:
                objects.extend(load_manifests(item))
            except ValueError as exc:
                raise ValueError(f"manifests: {exc}") from exc
        elif item is None or isinstance(item, dict):
            objects.append(item)
        else:
            raise ValueError(f"manifests must be objects or YAML text, got a {type(item).__name__}: {item!r}")
    return objects


def describe_violation(violation):
    subject = f"{violation['kind']}/{violation['name']}"
    if violation["container"]:
        subject += f" {violation['container']}"
    return f"{subject}: {violation['message']} (at {violation['path']})"


def check_task(manifests, level, strict):
    """(result, failure message or None) of checking parsed ``manifests`` against ``level``."""
    violations = check_manifests(manifests, level)
    result = dict(changed=False, allowed=not violations, violations=violations, checked=count_pod_templates(manifests))
    if violations and strict:
        summary = "\n".join(describe_violation(violation) for violation in violations)
        return result, f"{len(violations)} Pod Security ({level}) violation(s):\n{summary}"
    return result, None


def task_argument_spec():
    return dict(
        manifests=dict(type="raw", required=True),
        level=dict(type="str", choices=list(reversed(LEVELS)), default="restricted"),
        strict=dict(type="bool", default=True),
    )
