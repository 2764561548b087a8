"""pod_security's verdicts against the real API server's PodSecurity admission (DESIGN §7) on a generated corpus.

Each pod spec is created with server-side dry run (``dryRun=All``: admission runs, nothing is stored) in two
namespaces labelled ``enforce=restricted`` and ``enforce=baseline`` (version latest); 403 "violates PodSecurity"
is a deny, 201 an allow. Ephemeral containers cannot be created with a pod: they are added to a running,
compliant pod through the ``ephemeralcontainers`` subresource, also with dry run, which PodSecurity checks too.
A spec the API server rejects as invalid (422, before admission) says nothing about PodSecurity and is counted
apart; there must be none, or the corpus is wrong.
"""

from __future__ import annotations

import copy
import json
import sys
import uuid
from pathlib import Path

import pytest
from kubernetes import client as k8s_client
from kubernetes.client.rest import ApiException

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / ".cache" / "collections"))
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.pod_security import check_pod_spec

LEVELS = ("restricted", "baseline")
SC_OK = {
    "allowPrivilegeEscalation": False,
    "runAsNonRoot": True,
    "capabilities": {"drop": ["ALL"]},
    "seccompProfile": {"type": "RuntimeDefault"},
}


def container(name="c", **sc_changes):
    sc = copy.deepcopy(SC_OK)
    for key, value in sc_changes.items():
        if value is None:
            sc.pop(key, None)
        else:
            sc[key] = value
    return {"name": name, "image": "registry.local/app:1", "securityContext": sc}


def pod(*containers, annotations=None, **spec):
    return {
        "metadata": {"annotations": annotations or {}},
        "spec": {"containers": list(containers) or [container()], **spec},
    }


def with_init(init, main=None):
    return pod(main or container(), initContainers=[init])


BARE = {"name": "c", "image": "registry.local/app:1"}
CASES = {
    "compliant": pod(),
    "bare-container": pod(BARE),
    "pod-level-non-root-and-seccomp": pod(
        container(runAsNonRoot=None, seccompProfile=None),
        securityContext={"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}),
    "pod-non-root-false-container-true": pod(container(), securityContext={"runAsNonRoot": False}),
    "pod-non-root-true-container-false": pod(container(runAsNonRoot=False), securityContext={"runAsNonRoot": True}),
    "no-run-as-non-root": pod(container(runAsNonRoot=None)),
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
    "drop-lowercase-all": pod(container(capabilities={"drop": ["all"]})),
    "drop-missing": pod(container(capabilities=None)),
    "add-net-bind-service": pod(container(capabilities={"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]})),
    "add-net-bind-service-lowercase": pod(container(capabilities={"drop": ["ALL"], "add": ["net_bind_service"]})),
    "add-cap-net-bind-service": pod(container(capabilities={"drop": ["ALL"], "add": ["CAP_NET_BIND_SERVICE"]})),
    "add-chown": pod(container(capabilities={"drop": ["ALL"], "add": ["CHOWN"]})),
    "add-sys-admin": pod(container(capabilities={"drop": ["ALL"], "add": ["SYS_ADMIN"]})),
    "add-chown-bare": pod({**BARE, "securityContext": {"capabilities": {"add": ["CHOWN"]}}}),
    "privileged": pod(container(privileged=True, allowPrivilegeEscalation=None)),
    "privileged-false": pod(container(privileged=False)),
    "escalation-true": pod(container(allowPrivilegeEscalation=True)),
    "escalation-missing": pod(container(allowPrivilegeEscalation=None)),
    "host-network": pod(hostNetwork=True),
    "host-pid": pod(hostPID=True),
    "host-ipc": pod(hostIPC=True),
    "host-path-volume": pod(volumes=[{"name": "h", "hostPath": {"path": "/etc"}}]),
    "empty-dir-volume": pod(volumes=[{"name": "e", "emptyDir": {}}]),
    "nfs-volume": pod(volumes=[{"name": "n", "nfs": {"server": "10.0.0.1", "path": "/x"}}]),
    "projected-volume": pod(volumes=[{"name": "p", "projected": {"sources": [{"configMap": {"name": "x"}}]}}]),
    "host-port": pod({**container(), "ports": [{"containerPort": 80, "hostPort": 8080}]}),
    "host-port-zero": pod({**container(), "ports": [{"containerPort": 80, "hostPort": 0}]}),
    "sysctl-safe": pod(securityContext={"sysctls": [{"name": "kernel.shm_rmid_forced", "value": "0"}]}),
    "sysctl-port-range": pod(
        securityContext={"sysctls": [{"name": "net.ipv4.ip_local_port_range", "value": "1024 65000"}]}),
    "sysctl-unsafe": pod(securityContext={"sysctls": [{"name": "kernel.msgmax", "value": "65536"}]}),
    "apparmor-field-unconfined": pod(container(appArmorProfile={"type": "Unconfined"})),
    "apparmor-field-runtime": pod(container(appArmorProfile={"type": "RuntimeDefault"})),
    "apparmor-pod-localhost": pod(
        securityContext={"appArmorProfile": {"type": "Localhost", "localhostProfile": "k8s-x"}}),
    "apparmor-annotation-unconfined": pod(
        annotations={"container.apparmor.security.beta.kubernetes.io/c": "unconfined"},
        **{"containers": [container(appArmorProfile={"type": "Unconfined"})]}),
    "selinux-type-spc": pod(container(seLinuxOptions={"type": "spc_t"})),
    "selinux-type-container": pod(container(seLinuxOptions={"type": "container_t"})),
    "selinux-user": pod(container(seLinuxOptions={"user": "system_u"})),
    "selinux-role-pod": pod(securityContext={"seLinuxOptions": {"role": "object_r"}}),
    "selinux-level-only": pod(container(seLinuxOptions={"level": "s0:c1,c2"})),
    "proc-mount-default": pod(container(procMount="Default")),
    "proc-mount-unmasked": pod(container(procMount="Unmasked"), hostUsers=False),
    "init-privileged": with_init(container("init", privileged=True, allowPrivilegeEscalation=None)),
    "init-missing-drop": with_init(container("init", capabilities=None)),
    "init-host-port": with_init({**container("init"), "ports": [{"containerPort": 81, "hostPort": 81}]}),
    "init-compliant": with_init(container("init")),
    "windows-bare": pod(BARE, os={"name": "windows"}),
    "windows-host-process": pod(
        {**BARE, "securityContext": {"windowsOptions": {"hostProcess": True}}},
        os={"name": "windows"}, hostNetwork=True, securityContext={"windowsOptions": {"hostProcess": True}}),
    "windows-host-network": pod(BARE, os={"name": "windows"}, hostNetwork=True),
    "linux-os-bare": pod(BARE, os={"name": "linux"}),
    "probe-host-field": pod({**container(), "livenessProbe": {"httpGet": {"port": 80, "host": "10.0.0.1"}}}),
    "lifecycle-host-field": pod({**container(), "lifecycle": {"postStart": {"tcpSocket": {"port": 80, "host": "x"}}}}),
}

EPHEMERAL = {
    "ephemeral-compliant": {**container("debug")},
    "ephemeral-bare": {**BARE, "name": "debug"},
    "ephemeral-privileged": {**container("debug", privileged=True, allowPrivilegeEscalation=None)},
    "ephemeral-sys-ptrace": {**container("debug", capabilities={"drop": ["ALL"], "add": ["SYS_PTRACE"]})},
    "ephemeral-run-as-root": {**container("debug", runAsUser=0)},
}


def api_verdict(call) -> str:
    try:
        call()
        return "allow"
    except ApiException as e:
        body = e.body or ""
        if e.status == 403 and "violates PodSecurity" in body:
            return "deny"
        if e.status == 422:
            return "invalid: " + json.loads(body).get("message", "")[:300]
        raise


@pytest.fixture(scope="module")
def psa_namespaces(k8s):
    core = k8s_client.CoreV1Api(k8s)
    made = {}
    for level in LEVELS:
        ns = f"psa-diff-{level}-{uuid.uuid4().hex[:5]}"
        labels = {"pod-security.kubernetes.io/enforce": level, "pod-security.kubernetes.io/enforce-version": "latest"}
        core.create_namespace(k8s_client.V1Namespace(metadata=k8s_client.V1ObjectMeta(name=ns, labels=labels)))
        made[level] = ns
    yield made
    for ns in made.values():
        core.delete_namespace(ns)


def ours(spec, level, metadata):
    return "allow" if not check_pod_spec(spec, level, metadata) else "deny"


def test_pod_verdicts_agree_with_podsecurity_admission(k8s, psa_namespaces):
    core = k8s_client.CoreV1Api(k8s)
    disagree, invalid, compared = {}, {}, 0
    for case, obj in CASES.items():
        for level in LEVELS:
            body = copy.deepcopy(obj)
            body.update(apiVersion="v1", kind="Pod")
            body["metadata"] = {**body["metadata"], "name": f"p-{uuid.uuid4().hex[:8]}"}
            verdict = api_verdict(lambda b=body, lv=level: core.create_namespaced_pod(
                psa_namespaces[lv], b, dry_run="All"))
            if verdict.startswith("invalid"):
                invalid[f"{case}@{level}"] = verdict
                continue
            compared += 1
            mine = ours(obj["spec"], level, obj["metadata"])
            if mine != verdict:
                disagree[f"{case}@{level}"] = {"api": verdict, "pod_security": mine,
                                               "violations": check_pod_spec(obj["spec"], level, obj["metadata"])}
    assert invalid == {}, json.dumps(invalid, indent=1)
    assert disagree == {}, json.dumps(disagree, indent=1, default=str)
    assert compared == 2 * len(CASES)


def test_ephemeral_container_verdicts_agree(k8s, psa_namespaces):
    core = k8s_client.CoreV1Api(k8s)
    disagree, compared = {}, 0
    for level in LEVELS:
        ns = psa_namespaces[level]
        base = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "target"},
                "spec": {"containers": [container()]}}
        core.create_namespaced_pod(ns, base)  # compliant with both levels; real (the subresource needs a pod)
        for case, eph in EPHEMERAL.items():
            patch = {"spec": {"ephemeralContainers": [copy.deepcopy(eph)]}}
            verdict = api_verdict(lambda p=patch, n=ns: core.patch_namespaced_pod_ephemeralcontainers(
                "target", n, p, dry_run="All"))
            assert not verdict.startswith("invalid"), verdict
            compared += 1
            spec = copy.deepcopy(base["spec"])
            spec["ephemeralContainers"] = [eph]
            mine = ours(spec, level, {})
            if mine != verdict:
                disagree[f"{case}@{level}"] = {"api": verdict, "pod_security": mine}
    assert disagree == {}, json.dumps(disagree, indent=1)
    assert compared == 2 * len(EPHEMERAL)
