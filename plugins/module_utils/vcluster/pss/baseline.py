# -*- coding: utf-8 -*-
# Copyright: (c) 2025, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pod Security Standards: the baseline rules, as of k8s.io/pod-security-admission v0.34.4 (version ``latest``).

One ``check_*`` per admission check (``policy/check_<name>.go``); each returns the violations of one pod spec.
"""

from __future__ import absolute_import, division, print_function

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.pss.fields import (
    as_dict,
    as_list,
    containers,
    dig,
    is_true,
    pod_security_context,
    quote,
    security_context,
    violation,
)

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

PROBE_FIELDS = ("livenessProbe", "readinessProbe", "startupProbe")
LIFECYCLE_HANDLERS = ("postStart", "preStop")


def check_windows_host_process(pod_spec, metadata):
    message = (
        "windowsOptions.hostProcess must not be true (HostProcess containers have host access); "
        "remove it or set it to false"
    )
    found = []
    if is_true(dig(pod_security_context(pod_spec), "windowsOptions", "hostProcess")):
        path = "securityContext.windowsOptions.hostProcess"
        found.append(violation("pss-windows-host-process", None, path, message))
    for name, prefix, container in containers(pod_spec):
        if is_true(dig(security_context(container), "windowsOptions", "hostProcess")):
            path = prefix + ".securityContext.windowsOptions.hostProcess"
            found.append(violation("pss-windows-host-process", name, path, message))
    return found


def check_host_namespaces(pod_spec, metadata):
    return [
        violation(
            "pss-host-namespaces",
            None,
            field,
            f"{field}: true shares the node's namespace with the pod; remove {field} or set it to false",
        )
        for field in ("hostNetwork", "hostPID", "hostIPC")
        if is_true(pod_spec.get(field))
    ]


def check_privileged(pod_spec, metadata):
    return [
        violation(
            "pss-privileged",
            name,
            prefix + ".securityContext.privileged",
            "privileged containers are forbidden; remove securityContext.privileged or set it to false",
        )
        for name, prefix, container in containers(pod_spec)
        if is_true(security_context(container).get("privileged"))
    ]


def capability_hint(capability, allowed):
    """Explain near misses that the case-sensitive admission rejects."""
    text = str(capability)
    bare = text[4:] if text.upper().startswith("CAP_") else text
    if bare.upper() in allowed and bare.upper() != text:
        return (
            f" ('{text}' is not accepted: PodSecurity compares names exactly, "
            f"upper case without the CAP_ prefix: use '{bare.upper()}')"
        )
    return ""


def forbidden_added(container, allowed):
    return [cap for cap in as_list(dig(security_context(container), "capabilities", "add")) if cap not in allowed]


def check_capabilities_baseline(pod_spec, metadata):
    found = []
    for name, prefix, container in containers(pod_spec):
        forbidden = forbidden_added(container, BASELINE_CAPABILITIES)
        if forbidden:
            hints = "".join(capability_hint(cap, BASELINE_CAPABILITIES) for cap in forbidden)
            allowed = ", ".join(sorted(BASELINE_CAPABILITIES))
            message = f"capabilities.add must not include {quote(forbidden)}{hints}; remove them (allowed: {allowed})"
            found.append(violation("pss-capabilities", name, prefix + ".securityContext.capabilities.add", message))
    return found


def check_host_path(pod_spec, metadata):
    message = "hostPath volumes are forbidden; use an emptyDir, configMap, secret or persistentVolumeClaim volume"
    return [
        violation("pss-host-path", None, f"volumes[{volume.get('name')}].hostPath", message)
        for volume in map(as_dict, as_list(pod_spec.get("volumes")))
        if volume.get("hostPath") is not None
    ]


def _bad_host_ports(container):
    return [
        port.get("hostPort")
        for port in map(as_dict, as_list(container.get("ports")))
        if port.get("hostPort") not in (None, 0)
    ]


def check_host_ports(pod_spec, metadata):
    found = []
    for name, prefix, container in containers(pod_spec):
        ports = _bad_host_ports(container)
        if ports:
            listed = ", ".join(str(port) for port in ports)
            message = f"hostPort {listed} is forbidden; remove hostPort from ports (expose the pod through a Service)"
            if is_true(pod_spec.get("hostNetwork")):
                message += (
                    "; with hostNetwork: true the API server sets a Pod's hostPort to its containerPort, "
                    "so remove hostNetwork too"
                )
            found.append(violation("pss-host-ports", name, prefix + ".ports[*].hostPort", message))
    return found


def _host_probe_paths(container):
    """Paths (inside the container) of probe and lifecycle handlers that set a host."""
    handlers = [(field, container.get(field)) for field in PROBE_FIELDS]
    handlers += [("lifecycle." + hook, dig(container, "lifecycle", hook)) for hook in LIFECYCLE_HANDLERS]
    return [
        f"{field}.{action}.host"
        for field, handler in handlers
        for action in ("httpGet", "tcpSocket")
        if dig(handler, action, "host") not in (None, "")
    ]


def check_host_probes(pod_spec, metadata):
    found = []
    for name, prefix, container in containers(pod_spec):
        paths = _host_probe_paths(container)
        if paths:
            message = (
                f"probes and lifecycle handlers must not set host ({', '.join(paths)}); "
                "remove host so the kubelet targets the pod IP"
            )
            found.append(violation("pss-host-probes", name, prefix + "." + paths[0], message))
    return found


def _apparmor_type_message(profile_type):
    return (
        f"appArmorProfile.type {profile_type!r} is forbidden; set appArmorProfile.type: RuntimeDefault "
        "(or Localhost with localhostProfile), or remove appArmorProfile"
    )


def _bad_apparmor_type(context):
    profile = context.get("appArmorProfile")
    if profile is None:
        return False, None
    profile_type = as_dict(profile).get("type") or ""
    return profile_type not in ALLOWED_PROFILE_TYPES, profile_type


def check_apparmor(pod_spec, metadata):
    found = []
    bad, profile_type = _bad_apparmor_type(pod_security_context(pod_spec))
    if bad:
        found.append(
            violation(
                "pss-apparmor", None, "securityContext.appArmorProfile.type", _apparmor_type_message(profile_type)
            )
        )
    for name, prefix, container in containers(pod_spec):
        bad, profile_type = _bad_apparmor_type(security_context(container))
        if bad:
            path = prefix + ".securityContext.appArmorProfile.type"
            found.append(violation("pss-apparmor", name, path, _apparmor_type_message(profile_type)))
    found.extend(_apparmor_annotation_violations(metadata))
    return found


def _apparmor_annotation_violations(metadata):
    found = []
    annotations = as_dict(as_dict(metadata).get("annotations"))
    for key in sorted(annotations, key=str):
        value = annotations[key]
        if str(key).startswith(APPARMOR_ANNOTATION_PREFIX) and not _allowed_apparmor_annotation(value):
            message = (
                f"AppArmor annotation value {value!r} is forbidden; set it to 'runtime/default' or "
                "'localhost/<profile>', or use securityContext.appArmorProfile.type: RuntimeDefault"
            )
            container = str(key)[len(APPARMOR_ANNOTATION_PREFIX) :]
            found.append(violation("pss-apparmor", container, f"metadata.annotations[{key}]", message))
    return found


def _allowed_apparmor_annotation(value):
    value = "" if value is None else str(value)
    return value in ("", "runtime/default") or value.startswith("localhost/")


def _selinux_problems(context):
    options = context.get("seLinuxOptions")
    if options is None:
        return []
    options = as_dict(options)
    problems = []
    if (options.get("type") or "") not in ALLOWED_SELINUX_TYPES:
        allowed = ", ".join(sorted(ALLOWED_SELINUX_TYPES - {""}))
        problems.append(f"type {options.get('type')!r} is not one of {allowed}")
    problems.extend(f"{field} must not be set" for field in ("user", "role") if options.get(field))
    return problems


def _selinux_violation(container, path, problems):
    message = f"seLinuxOptions: {'; '.join(problems)}; remove seLinuxOptions.user/role and use an allowed type or none"
    return violation("pss-selinux", container, path, message)


def check_selinux(pod_spec, metadata):
    found = []
    problems = _selinux_problems(pod_security_context(pod_spec))
    if problems:
        found.append(_selinux_violation(None, "securityContext.seLinuxOptions", problems))
    for name, prefix, container in containers(pod_spec):
        problems = _selinux_problems(security_context(container))
        if problems:
            found.append(_selinux_violation(name, prefix + ".securityContext.seLinuxOptions", problems))
    return found


def check_proc_mount(pod_spec, metadata):
    found = []
    for name, prefix, container in containers(pod_spec):
        proc_mount = security_context(container).get("procMount")
        if proc_mount is not None and proc_mount != "Default":
            message = f"procMount {proc_mount!r} unmasks /proc; remove securityContext.procMount or set it to Default"
            found.append(violation("pss-proc-mount", name, prefix + ".securityContext.procMount", message))
    return found


def seccomp_type(context):
    """(is set, type) of a securityContext's seccompProfile."""
    profile = context.get("seccompProfile")
    if profile is None:
        return False, None
    return True, as_dict(profile).get("type") or ""


def seccomp_type_message(profile_type):
    return (
        f"seccompProfile.type {profile_type!r} is forbidden; set seccompProfile.type: RuntimeDefault "
        "(or Localhost with localhostProfile)"
    )


def explicit_seccomp_violations(pod_spec):
    found = []
    is_set, profile_type = seccomp_type(pod_security_context(pod_spec))
    if is_set and profile_type not in ALLOWED_PROFILE_TYPES:
        found.append(
            violation("pss-seccomp", None, "securityContext.seccompProfile.type", seccomp_type_message(profile_type))
        )
    for name, prefix, container in containers(pod_spec):
        is_set, profile_type = seccomp_type(security_context(container))
        if is_set and profile_type not in ALLOWED_PROFILE_TYPES:
            path = prefix + ".securityContext.seccompProfile.type"
            found.append(violation("pss-seccomp", name, path, seccomp_type_message(profile_type)))
    return found


def check_seccomp_baseline(pod_spec, metadata):
    return explicit_seccomp_violations(pod_spec)


def check_sysctls(pod_spec, metadata):
    names = [as_dict(sysctl).get("name") for sysctl in as_list(pod_security_context(pod_spec).get("sysctls"))]
    forbidden = [name for name in names if name not in SAFE_SYSCTLS]
    if not forbidden:
        return []
    message = (
        f"sysctls {quote(forbidden)} are not in the safe set; remove them from securityContext.sysctls "
        f"(allowed: {', '.join(sorted(SAFE_SYSCTLS))})"
    )
    return [violation("pss-sysctls", None, "securityContext.sysctls", message)]
