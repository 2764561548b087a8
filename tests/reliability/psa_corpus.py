"""The corpus of the PodSecurity differential test: pod specs, the workload kinds that carry them, and the
reading of the API server's PodSecurity messages into the collection's ``pss-*`` ids.

Every case must be a valid object for the API server (a 422 says nothing about PodSecurity). The rule families
follow k8s.io/pod-security-admission v0.34.4 ``policy/check_*.go`` (the version the local cluster runs).
"""

from __future__ import annotations

import copy

SC_OK = {
    "allowPrivilegeEscalation": False,
    "runAsNonRoot": True,
    "capabilities": {"drop": ["ALL"]},
    "seccompProfile": {"type": "RuntimeDefault"},
}
IMAGE = "registry.local/app:1"
BARE = {"name": "c", "image": IMAGE}


def container(name="c", **sc_changes):
    """A restricted-compliant container; ``key=None`` removes a securityContext key, other values set it."""
    sc = copy.deepcopy(SC_OK)
    for key, value in sc_changes.items():
        if value is None:
            sc.pop(key, None)
        else:
            sc[key] = value
    return {"name": name, "image": IMAGE, "securityContext": sc}


def with_fields(base, **fields):
    return {**base, **fields}


def pod(*containers, annotations=None, **spec):
    return {
        "metadata": {"annotations": annotations or {}},
        "spec": {"containers": list(containers) or [container()], **spec},
    }


def with_init(init, main=None):
    return pod(main or container(), initContainers=[init])


def sysctls(*names):
    values = {"net.ipv4.ip_local_port_range": "1024 65000", "net.ipv4.ip_local_reserved_ports": "8080-8090",
              "net.ipv4.tcp_rmem": "4096 87380 6291456", "net.ipv4.tcp_wmem": "4096 16384 4194304"}
    return pod(securityContext={"sysctls": [{"name": name, "value": values.get(name, "1")} for name in names]})


def volume(name, **source):
    return pod(volumes=[{"name": name, **source}])


def probe_host(field, action, host="10.0.0.1"):
    return pod(with_fields(container(), **{field: {action: {"port": 8080, "host": host}}}))


def lifecycle_host(hook, action, host="10.0.0.1"):
    return pod(with_fields(container(), lifecycle={hook: {action: {"port": 8080, "host": host}}}))


def windows(*containers, **spec):
    return pod(*(containers or [BARE]), os={"name": "windows"}, **spec)


APPARMOR = "container.apparmor.security.beta.kubernetes.io/"
SECRET_REF = {"name": "s"}

CASES = {
    # --- runAsNonRoot, runAsUser, seccomp, capabilities, privilege escalation, privileged -----------------------
    "compliant": pod(),
    "bare-container": pod(BARE),
    "pod-level-non-root-and-seccomp": pod(
        container(runAsNonRoot=None, seccompProfile=None),
        securityContext={"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}),
    "pod-non-root-false-container-true": pod(container(), securityContext={"runAsNonRoot": False}),
    "pod-non-root-true-container-false": pod(container(runAsNonRoot=False), securityContext={"runAsNonRoot": True}),
    "no-run-as-non-root": pod(container(runAsNonRoot=None)),
    "host-users-false-no-run-as-non-root": pod(container(runAsNonRoot=None), hostUsers=False),
    "pod-run-as-user-0": pod(container(), securityContext={"runAsUser": 0}),
    "container-run-as-user-0": pod(container(runAsUser=0)),
    "pod-user-0-container-1000": pod(container(runAsUser=1000), securityContext={"runAsUser": 0}),
    "run-as-user-1000": pod(container(runAsUser=1000)),
    "seccomp-localhost": pod(container(seccompProfile={"type": "Localhost", "localhostProfile": "profiles/a.json"})),
    "seccomp-unconfined-container": pod(container(seccompProfile={"type": "Unconfined"})),
    "seccomp-unconfined-pod-runtime-container": pod(
        container(), securityContext={"seccompProfile": {"type": "Unconfined"}}),
    "seccomp-missing": pod(container(seccompProfile=None)),
    "seccomp-pod-localhost-only": pod(
        container(seccompProfile=None),
        securityContext={"seccompProfile": {"type": "Localhost", "localhostProfile": "p.json"}}),
    "seccomp-annotation-unconfined-alone": pod(
        annotations={"seccomp.security.alpha.kubernetes.io/pod": "unconfined"}),
    "drop-lowercase-all": pod(container(capabilities={"drop": ["all"]})),
    "drop-missing": pod(container(capabilities=None)),
    "drop-all-and-net-raw": pod(container(capabilities={"drop": ["ALL", "NET_RAW"]})),
    "add-net-bind-service": pod(container(capabilities={"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]})),
    "add-net-bind-service-lowercase": pod(container(capabilities={"drop": ["ALL"], "add": ["net_bind_service"]})),
    "add-cap-net-bind-service": pod(container(capabilities={"drop": ["ALL"], "add": ["CAP_NET_BIND_SERVICE"]})),
    "add-chown": pod(container(capabilities={"drop": ["ALL"], "add": ["CHOWN"]})),
    "add-sys-admin": pod(container(capabilities={"drop": ["ALL"], "add": ["SYS_ADMIN"]})),
    "add-all": pod(container(capabilities={"drop": ["ALL"], "add": ["ALL"]})),
    "add-chown-bare": pod(with_fields(BARE, securityContext={"capabilities": {"add": ["CHOWN"]}})),
    "add-net-raw-bare": pod(with_fields(BARE, securityContext={"capabilities": {"add": ["NET_RAW"]}})),
    "privileged": pod(container(privileged=True, allowPrivilegeEscalation=None)),
    "privileged-false": pod(container(privileged=False)),
    "escalation-true": pod(container(allowPrivilegeEscalation=True)),
    "escalation-missing": pod(container(allowPrivilegeEscalation=None)),
    "two-containers-two-problems": pod(container("a", runAsUser=0), container("b", capabilities=None)),
    # --- host namespaces, hostPath, hostPort ---------------------------------------------------------------------
    "host-network": pod(hostNetwork=True),
    "host-network-with-container-port": pod(with_fields(container(), ports=[{"containerPort": 8080}]),
                                            hostNetwork=True),
    "host-pid": pod(hostPID=True),
    "host-ipc": pod(hostIPC=True),
    "host-port": pod(with_fields(container(), ports=[{"containerPort": 80, "hostPort": 8080}])),
    "host-port-zero": pod(with_fields(container(), ports=[{"containerPort": 80, "hostPort": 0}])),
    "container-port-only": pod(with_fields(container(), ports=[{"containerPort": 80}])),
    # --- sysctls: the safe set grew in 1.27, 1.29 and 1.32 (check_sysctls.go); latest allows all of them ----------
    "sysctl-safe-1.0": sysctls("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
                               "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"),
    "sysctl-added-1.27": sysctls("net.ipv4.ip_local_reserved_ports"),
    "sysctl-added-1.29": sysctls("net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
                                 "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"),
    "sysctl-added-1.32": sysctls("net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"),
    "sysctl-unsafe": sysctls("kernel.msgmax"),
    "sysctl-namespaced-but-not-safe": sysctls("net.core.somaxconn"),
    "sysctl-slash-form": sysctls("net/ipv4/tcp_syncookies"),
    "sysctl-safe-and-unsafe": sysctls("net.ipv4.tcp_fin_timeout", "kernel.sem"),
    # --- volume types (check_restrictedVolumes.go): allowed inline sources, then every forbidden one ---------------
    # (no ``image`` volume: the API server drops the field while the ImageVolume gate is off, its 1.34 default)
    "volume-empty-dir": volume("v", emptyDir={}),
    "volume-config-map": volume("v", configMap={"name": "x"}),
    "volume-secret": volume("v", secret={"secretName": "x"}),
    "volume-downward-api": volume(
        "v", downwardAPI={"items": [{"path": "l", "fieldRef": {"fieldPath": "metadata.labels"}}]}),
    "volume-projected": volume("v", projected={"sources": [{"configMap": {"name": "x"}}]}),
    "volume-csi": volume("v", csi={"driver": "csi.example.com"}),
    "volume-pvc": volume("v", persistentVolumeClaim={"claimName": "x"}),
    "volume-ephemeral": volume("v", ephemeral={"volumeClaimTemplate": {"spec": {
        "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}}),
    "volume-host-path": volume("h", hostPath={"path": "/etc"}),
    "volume-nfs": volume("v", nfs={"server": "10.0.0.1", "path": "/x"}),
    "volume-aws-ebs": volume("v", awsElasticBlockStore={"volumeID": "vol-1"}),
    "volume-azure-disk": volume("v", azureDisk={"diskName": "d", "diskURI": "https://d.example/d.vhd"}),
    "volume-azure-file": volume("v", azureFile={"secretName": "s", "shareName": "share"}),
    "volume-cephfs": volume("v", cephfs={"monitors": ["10.0.0.1:6789"]}),
    "volume-cinder": volume("v", cinder={"volumeID": "v1"}),
    "volume-fc": volume("v", fc={"targetWWNs": ["500a0982991b8dc5"], "lun": 2}),
    "volume-flex": volume("v", flexVolume={"driver": "example.com/flex"}),
    "volume-flocker": volume("v", flocker={"datasetName": "d"}),
    "volume-gce-pd": volume("v", gcePersistentDisk={"pdName": "d"}),
    "volume-git-repo": volume("v", gitRepo={"repository": "https://git.example/r.git"}),
    "volume-glusterfs": volume("v", glusterfs={"endpoints": "e", "path": "p"}),
    "volume-iscsi": volume("v", iscsi={"targetPortal": "10.0.0.1:3260", "iqn": "iqn.2001-04.com.example:storage",
                                       "lun": 0}),
    "volume-photon": volume("v", photonPersistentDisk={"pdID": "p"}),
    "volume-portworx": volume("v", portworxVolume={"volumeID": "v"}),
    "volume-quobyte": volume("v", quobyte={"registry": "10.0.0.1:7861", "volume": "v"}),
    "volume-rbd": volume("v", rbd={"monitors": ["10.0.0.1:6789"], "image": "i"}),
    "volume-scaleio": volume(
        "v", scaleIO={"gateway": "https://g.example", "system": "s", "secretRef": SECRET_REF, "volumeName": "v"}),
    "volume-storageos": volume("v", storageos={"volumeName": "v"}),
    "volume-vsphere": volume("v", vsphereVolume={"volumePath": "[ds] v.vmdk"}),
    "volume-host-path-and-nfs": pod(volumes=[{"name": "h", "hostPath": {"path": "/etc"}},
                                             {"name": "n", "nfs": {"server": "10.0.0.1", "path": "/x"}}]),
    # --- AppArmor: the field, and the deprecated annotation alone (check_appArmorProfile.go) -----------------------
    "apparmor-field-unconfined": pod(container(appArmorProfile={"type": "Unconfined"})),
    "apparmor-field-runtime": pod(container(appArmorProfile={"type": "RuntimeDefault"})),
    "apparmor-field-localhost": pod(container(appArmorProfile={"type": "Localhost", "localhostProfile": "k8s-x"})),
    "apparmor-pod-localhost": pod(
        securityContext={"appArmorProfile": {"type": "Localhost", "localhostProfile": "k8s-x"}}),
    "apparmor-pod-unconfined": pod(securityContext={"appArmorProfile": {"type": "Unconfined"}}),
    "apparmor-annotation-and-field-unconfined": pod(
        container(appArmorProfile={"type": "Unconfined"}), annotations={APPARMOR + "c": "unconfined"}),
    "apparmor-annotation-alone-unconfined": pod(annotations={APPARMOR + "c": "unconfined"}),
    "apparmor-annotation-alone-runtime": pod(annotations={APPARMOR + "c": "runtime/default"}),
    "apparmor-annotation-alone-localhost": pod(annotations={APPARMOR + "c": "localhost/k8s-x"}),
    "apparmor-annotation-init-unconfined": pod(
        initContainers=[container("init")], annotations={APPARMOR + "init": "unconfined"}),
    # --- SELinux (check_seLinuxOptions.go; container_engine_t since 1.31) ----------------------------------------
    "selinux-type-spc": pod(container(seLinuxOptions={"type": "spc_t"})),
    "selinux-type-container": pod(container(seLinuxOptions={"type": "container_t"})),
    "selinux-type-container-init": pod(container(seLinuxOptions={"type": "container_init_t"})),
    "selinux-type-container-kvm": pod(container(seLinuxOptions={"type": "container_kvm_t"})),
    "selinux-type-container-engine": pod(container(seLinuxOptions={"type": "container_engine_t"})),
    "selinux-type-unconfined-pod": pod(securityContext={"seLinuxOptions": {"type": "unconfined_t"}}),
    "selinux-user": pod(container(seLinuxOptions={"user": "system_u"})),
    "selinux-role-pod": pod(securityContext={"seLinuxOptions": {"role": "object_r"}}),
    "selinux-user-and-allowed-type": pod(container(seLinuxOptions={"user": "system_u", "type": "container_t"})),
    "selinux-level-only": pod(container(seLinuxOptions={"level": "s0:c1,c2"})),
    "selinux-init-type-spc": with_init(container("init", seLinuxOptions={"type": "spc_t"})),
    # --- probes and lifecycle handlers with host (check_hostProbesAndhostLifecycle.go, 1.34) --------------------
    "probe-liveness-http-host": probe_host("livenessProbe", "httpGet"),
    "probe-readiness-tcp-host": probe_host("readinessProbe", "tcpSocket"),
    "probe-startup-http-host": probe_host("startupProbe", "httpGet"),
    "probe-liveness-http-empty-host": probe_host("livenessProbe", "httpGet", host=""),
    "probe-grpc": pod(with_fields(container(), livenessProbe={"grpc": {"port": 8080}})),
    "probe-exec": pod(with_fields(container(), readinessProbe={"exec": {"command": ["true"]}})),
    "lifecycle-post-start-http-host": lifecycle_host("postStart", "httpGet"),
    "lifecycle-pre-stop-http-host": lifecycle_host("preStop", "httpGet"),
    "lifecycle-post-start-tcp-host": lifecycle_host("postStart", "tcpSocket", host="x"),
    "lifecycle-pre-stop-http-no-host": pod(with_fields(container(), lifecycle={"preStop": {"httpGet": {"port": 80}}})),
    "sidecar-probe-host": with_init(with_fields(container("sidecar"), restartPolicy="Always",
                                                startupProbe={"tcpSocket": {"port": 81, "host": "10.0.0.2"}})),
    # --- procMount ---------------------------------------------------------------------------------------------
    "proc-mount-default": pod(container(procMount="Default")),
    "proc-mount-unmasked": pod(container(procMount="Unmasked"), hostUsers=False),
    # --- init containers ---------------------------------------------------------------------------------------
    "init-privileged": with_init(container("init", privileged=True, allowPrivilegeEscalation=None)),
    "init-missing-drop": with_init(container("init", capabilities=None)),
    "init-host-port": with_init(with_fields(container("init"), ports=[{"containerPort": 81, "hostPort": 81}])),
    "init-compliant": with_init(container("init")),
    # --- Windows: restricted skips capabilities, seccomp and privilege escalation (1.25+), not runAsNonRoot -----
    "windows-bare": windows(),
    "windows-restricted-allowed": windows(securityContext={"runAsNonRoot": True}),
    "windows-container-run-as-non-root": windows(with_fields(BARE, securityContext={"runAsNonRoot": True})),
    "windows-run-as-non-root-false": windows(securityContext={"runAsNonRoot": False}),
    "windows-run-as-user-name": windows(securityContext={
        "runAsNonRoot": True, "windowsOptions": {"runAsUserName": "ContainerUser"}}),
    "windows-host-process": windows(
        with_fields(BARE, securityContext={"windowsOptions": {"hostProcess": True}}),
        hostNetwork=True, securityContext={"windowsOptions": {"hostProcess": True}}),
    "windows-host-network": windows(hostNetwork=True, securityContext={"runAsNonRoot": True}),
    "linux-os-bare": pod(BARE, os={"name": "linux"}),
    "linux-os-compliant": pod(os={"name": "linux"}),
}

EPHEMERAL = {
    "ephemeral-compliant": container("debug"),
    "ephemeral-bare": with_fields(BARE, name="debug"),
    "ephemeral-privileged": container("debug", privileged=True, allowPrivilegeEscalation=None),
    "ephemeral-sys-ptrace": container("debug", capabilities={"drop": ["ALL"], "add": ["SYS_PTRACE"]}),
    "ephemeral-run-as-root": container("debug", runAsUser=0),
    "ephemeral-selinux-spc": container("debug", seLinuxOptions={"type": "spc_t"}),
}


# --- workload kinds: what carries a pod template, how the API server is asked, where the spec sits ---------------
LABELS = {"app": "psa-diff"}


def _template(case):
    metadata = {**copy.deepcopy(case["metadata"]), "labels": dict(LABELS)}
    return {"metadata": metadata, "spec": copy.deepcopy(case["spec"])}


def _job_template(case):
    template = _template(case)
    template["spec"].setdefault("restartPolicy", "Never")
    return template


def _selector_workload(case):
    return {"selector": {"matchLabels": dict(LABELS)}, "template": _template(case)}


# kind -> (apiVersion, plural, build(case) -> the object's top-level fields besides apiVersion/kind/metadata)
KINDS = {
    "Pod": ("v1", "pods", lambda case: {"spec": copy.deepcopy(case["spec"])}),
    "Deployment": ("apps/v1", "deployments", lambda case: {"spec": _selector_workload(case)}),
    "StatefulSet": ("apps/v1", "statefulsets", lambda case: {"spec": _selector_workload(case)}),
    "DaemonSet": ("apps/v1", "daemonsets", lambda case: {"spec": _selector_workload(case)}),
    "ReplicaSet": ("apps/v1", "replicasets", lambda case: {"spec": _selector_workload(case)}),
    "ReplicationController": ("v1", "replicationcontrollers",
                              lambda case: {"spec": {"selector": dict(LABELS), "template": _template(case)}}),
    "Job": ("batch/v1", "jobs", lambda case: {"spec": {"template": _job_template(case)}}),
    "CronJob": ("batch/v1", "cronjobs", lambda case: {"spec": {
        "schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": _job_template(case)}}}}),
    "PodTemplate": ("v1", "podtemplates", lambda case: {"template": _template(case)}),
}


def workload(kind, case, name="psa-diff"):
    """The object of ``kind`` carrying the pod (metadata, spec) of ``case``."""
    api_version, _plural, build = KINDS[kind]
    metadata = {"name": name}
    if kind == "Pod":
        metadata.update(copy.deepcopy(case["metadata"]))
    return {"apiVersion": api_version, "kind": kind, "metadata": metadata, **build(case)}


# --- the API server's PodSecurity messages --------------------------------------------------------------------
# "violates PodSecurity" (enforced, Pods) or "would violate PodSecurity" (warned, workloads):
#   <prefix> "<level>:<version>": <reason> (<detail>), <reason> (<detail>), ...
# Reasons are the ForbiddenReason strings of policy/check_*.go at v0.34.4.
REASON_IDS = {
    "allowPrivilegeEscalation != false": "pss-privilege-escalation",  # check_allowPrivilegeEscalation.go
    "forbidden AppArmor profile": "pss-apparmor",  # check_appArmorProfile.go
    "forbidden AppArmor profiles": "pss-apparmor",
    "non-default capabilities": "pss-capabilities",  # check_capabilities_baseline.go
    "unrestricted capabilities": "pss-capabilities",  # check_capabilities_restricted.go
    "host namespaces": "pss-host-namespaces",  # check_hostNamespaces.go
    "hostPath volumes": "pss-host-path",  # check_hostPathVolumes.go
    "hostPort": "pss-host-ports",  # check_hostPorts.go
    "probe or lifecycle host": "pss-host-probes",  # check_hostProbesAndhostLifecycle.go
    "privileged": "pss-privileged",  # check_privileged.go
    "procMount": "pss-proc-mount",  # check_procMount.go
    "restricted volume types": None,  # check_restrictedVolumes.go: per type, see volume_type_ids
    "runAsNonRoot != true": "pss-run-as-non-root",  # check_runAsNonRoot.go
    "runAsUser=0": "pss-run-as-user",  # check_runAsUser.go
    "seLinuxOptions": "pss-selinux",  # check_seLinuxOptions.go
    "seccompProfile": "pss-seccomp",  # check_seccompProfile_{baseline,restricted}.go
    "forbidden sysctls": "pss-sysctls",  # check_sysctls.go
    "hostProcess": "pss-windows-host-process",  # check_windowsHostProcess.go
}


def split_reasons(text):
    """[(reason, detail)] of ``reason (detail), reason (detail)``; details may hold balanced parentheses."""
    found, i = [], 0
    while i < len(text):
        open_at, comma_at = text.find(" (", i), text.find(", ", i)
        if open_at == -1 or (comma_at != -1 and comma_at < open_at):
            end = len(text) if comma_at == -1 else comma_at
            found.append((text[i:end], ""))
            i = end + 2
            continue
        depth, pos = 0, open_at + 1
        while pos < len(text):
            depth += {"(": 1, ")": -1}.get(text[pos], 0)
            if depth == 0:
                break
            pos += 1
        found.append((text[i:open_at], text[open_at + 2 : pos]))
        i = pos + 1
        if text.startswith(", ", i):
            i += 2
    return found


def volume_type_ids(detail):
    """pss ids of ``volume(s) "a" use(s) restricted volume type(s) "hostPath", "nfs"``: hostPath is pss-host-path."""
    types = detail.rsplit(" restricted volume type", 1)[-1].split('"')[1::2]
    return {"pss-host-path" if kind == "hostPath" else "pss-volume-types" for kind in types}


def violation_ids(message):
    """The pss ids named by one PodSecurity message (the text after ``PodSecurity "<level>:<version>": ``)."""
    ids = set()
    for reason, detail in split_reasons(message):
        if reason not in REASON_IDS:
            raise AssertionError(f"unknown PodSecurity reason {reason!r} in {message!r}: map it in REASON_IDS")
        ids |= volume_type_ids(detail) if REASON_IDS[reason] is None else {REASON_IDS[reason]}
    return ids


def podsecurity_text(text):
    """(policy "level:version", message) of a text holding ``PodSecurity "<policy>": <message>``."""
    marker = 'PodSecurity "'
    start = text.index(marker) + len(marker)
    policy, _sep, rest = text[start:].partition('": ')
    return policy, rest
