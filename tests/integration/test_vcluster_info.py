"""tenancy.vcluster.vcluster_info against the real local control plane.

The vcluster is built by hand in the shape the 0.36.1 chart renders it (StatefulSet labelled app=vcluster,
release, chart; container ``syncer``; init container ``kubernetes``), next to a deployed-etcd StatefulSet
(app=vcluster-etcd) that must not count; kwok's fake nodes run its pod. The module runs through ``ansible`` /
``ansible-playbook`` like an operator would run it. Needs the local cluster: errors (never skips) without it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from cluster import wait_until
from kubernetes import client as k8s_client

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
COLLECTIONS = REPO / ".cache" / "collections"
RANCHER_ANNOTATION = "tenancy.vcluster/rancher-cluster-id"
SECRET_MARKER = "not-a-real-kubeconfig-" + uuid.uuid4().hex


# ------------------------------------------------------------------------------------------------ helpers
def _ansible_env(kubeconfig: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS),
        K8S_AUTH_KUBECONFIG=kubeconfig,
        ANSIBLE_LOAD_CALLBACK_PLUGINS="1",
        ANSIBLE_STDOUT_CALLBACK="json",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_HOST_KEY_CHECKING="0",
    )
    env.pop("K8S_AUTH_CONTEXT", None)
    return env


def run_module(kubeconfig: str, check: bool = False, **args) -> dict:
    """Run the module ad hoc on localhost; return its result."""
    return run_module_raw(kubeconfig, check, **args)[0]


def run_module_raw(kubeconfig: str, check: bool = False, **args) -> tuple[dict, str]:
    """Run the module ad hoc on localhost; return (result, raw stdout)."""
    cmd = [str(BIN / "ansible"), "localhost", "-m", "tenancy.vcluster.vcluster_info"]
    if args:
        cmd += ["-a", json.dumps(args)]
    if check:
        cmd.append("--check")
    proc = subprocess.run(cmd, env=_ansible_env(kubeconfig), capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, f"ansible failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    result = json.loads(proc.stdout)["plays"][0]["tasks"][0]["hosts"]["localhost"]
    return result, proc.stdout


def run_info_playbook(kubeconfig: str, namespace: str) -> str:
    env = _ansible_env(kubeconfig)
    env["ANSIBLE_STDOUT_CALLBACK"] = "default"
    proc = subprocess.run(
        [
            str(BIN / "ansible-playbook"),
            str(REPO / "playbooks" / "info.yml"),
            "-e",
            f"vcluster_info_namespace={namespace}",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=str(REPO),
    )
    assert proc.returncode == 0, f"info.yml failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return proc.stdout


def chart_statefulset(name: str, app: str = "vcluster", image: str = "ghcr.io/loft-sh/vcluster-pro:0.36.1") -> dict:
    labels = {"app": app, "chart": "vcluster-0.36.1", "release": name.removesuffix("-etcd"), "heritage": "Helm"}
    selector = {"app": app, "release": labels["release"]}
    containers = [{"name": "syncer" if app == "vcluster" else "etcd", "image": image}]
    spec = {"containers": containers}
    if app == "vcluster":
        spec["initContainers"] = [{"name": "kubernetes", "image": "ghcr.io/loft-sh/kubernetes:v1.36.0"}]
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": name, "labels": labels, "annotations": {"meta.helm.sh/release-name": labels["release"]}},
        "spec": {
            "replicas": 1,
            "serviceName": labels["release"] + "-headless",
            "selector": {"matchLabels": selector},
            "template": {"metadata": {"labels": selector}, "spec": spec},
        },
    }


def ready_statefulset(apps: k8s_client.AppsV1Api, namespace: str, name: str, replicas: int):
    sts = apps.read_namespaced_stateful_set(name, namespace)
    return sts if (sts.status.ready_replicas or 0) == replicas and sts.status.replicas == replicas else None


def pods_gone(core: k8s_client.CoreV1Api, namespace: str, selector: str):
    return not core.list_namespaced_pod(namespace, label_selector=selector).items


# ------------------------------------------------------------------------------------------------ fixtures
@pytest.fixture
def vcluster(local_cluster, k8s, namespace):
    """A chart-shaped vcluster ``<name>`` in a fresh namespace, its pod Running, Secret vc-<name> present."""
    name = "vc" + uuid.uuid4().hex[:6]
    core = k8s_client.CoreV1Api(k8s)
    apps = k8s_client.AppsV1Api(k8s)
    core.patch_namespace(namespace, {"metadata": {"annotations": {RANCHER_ANNOTATION: "c-m-itest01"}}})
    core.create_namespaced_secret(
        namespace,
        k8s_client.V1Secret(
            metadata=k8s_client.V1ObjectMeta(name=f"vc-{name}", labels={"app": "vcluster", "vcluster-name": name}),
            string_data={"config": SECRET_MARKER},
        ),
    )
    apps.create_namespaced_stateful_set(namespace, chart_statefulset(name))
    apps.create_namespaced_stateful_set(
        namespace, chart_statefulset(f"{name}-etcd", app="vcluster-etcd", image="registry.k8s.io/etcd:3.5.21-0")
    )
    wait_until(lambda: ready_statefulset(apps, namespace, name, 1), timeout=120, what=f"StatefulSet {name} ready")
    return name


# ------------------------------------------------------------------------------------------------ tests
def test_reports_a_running_vcluster(local_cluster, k8s, audit, namespace, vcluster):
    mark = audit.mark()
    result, raw = run_module_raw(local_cluster.kubeconfig, namespace=namespace)

    assert result["changed"] is False
    assert [r["name"] for r in result["vclusters"]] == [vcluster], "the app=vcluster-etcd StatefulSet must not count"
    record = result["vclusters"][0]
    expected = {
        "name": vcluster,
        "namespace": namespace,
        "kind": "StatefulSet",
        "workload": vcluster,
        "status": "Running",
        "status_reason": None,
        "ready": "1/1",
        "replicas": 1,
        "ready_replicas": 1,
        "version": "0.36.1",
        "chart": "vcluster-0.36.1",
        "chart_name": "vcluster",
        "chart_version": "0.36.1",
        "distro": "k8s",
        "kubeconfig_secret": f"vc-{vcluster}",
        "rancher_cluster_id": "c-m-itest01",
        "pods": [f"{vcluster}-0"],
    }
    assert {key: record[key] for key in expected} == expected
    assert record["created"]
    assert record["labels"]["release"] == vcluster
    assert SECRET_MARKER not in raw, "secret values must never be read into the result"
    # Other tests write in parallel as the same admin user; nothing may touch this namespace or its object.
    writes = [
        e
        for e in audit.mutating_since(mark)
        if e.namespace == namespace or (e.resource == "namespaces" and e.name == namespace)
    ]
    assert writes == [], "vcluster_info must not write"


def test_all_namespaces_by_name_and_check_mode(local_cluster, namespace, vcluster):
    result = run_module(local_cluster.kubeconfig, check=True, name=vcluster)
    assert result["changed"] is False
    assert [(r["namespace"], r["name"], r["status"]) for r in result["vclusters"]] == [(namespace, vcluster, "Running")]

    everything = run_module(local_cluster.kubeconfig)
    assert (namespace, vcluster) in {(r["namespace"], r["name"]) for r in everything["vclusters"]}


def test_scaled_down_and_table(local_cluster, k8s, namespace, vcluster):
    apps = k8s_client.AppsV1Api(k8s)
    core = k8s_client.CoreV1Api(k8s)
    apps.patch_namespaced_stateful_set_scale(vcluster, namespace, {"spec": {"replicas": 0}})
    wait_until(lambda: pods_gone(core, namespace, f"app=vcluster,release={vcluster}"), timeout=120, what="pods deleted")

    result = run_module(local_cluster.kubeconfig, namespace=namespace, name=vcluster)
    (record,) = result["vclusters"]
    assert (record["status"], record["ready"], record["pods"]) == ("ScaledDown", "0/0", [])

    out = run_info_playbook(local_cluster.kubeconfig, namespace)
    assert "NAME" in out and "KUBECONFIG" in out
    row = next(line for line in out.splitlines() if f'"{vcluster} ' in line)
    assert row.strip().strip('",').split() == [
        vcluster,
        namespace,
        "ScaledDown",
        "0.36.1",
        "k8s",
        "0/0",
        "c-m-itest01",
        f"vc-{vcluster}",
    ]


def test_paused_vcluster(local_cluster, k8s, namespace, vcluster):
    apps = k8s_client.AppsV1Api(k8s)
    apps.patch_namespaced_stateful_set(
        vcluster,
        namespace,
        {
            "metadata": {"annotations": {"loft.sh/paused": "true", "loft.sh/paused-replicas": "1"}},
            "spec": {"replicas": 0},
        },
    )
    result = run_module(local_cluster.kubeconfig, namespace=namespace)
    assert [(r["name"], r["status"]) for r in result["vclusters"]] == [(vcluster, "Paused")]


def test_namespace_scoped_identity(local_cluster, k8s, namespace, vcluster, tmp_path):
    """A tenant operator that may only list workloads and pods still gets the records, and a warning."""
    core = k8s_client.CoreV1Api(k8s)
    rbac = k8s_client.RbacAuthorizationV1Api(k8s)
    core.create_namespaced_service_account(namespace, {"metadata": {"name": "lister"}})
    rbac.create_namespaced_role(
        namespace,
        {
            "metadata": {"name": "lister"},
            "rules": [
                {"apiGroups": ["apps"], "resources": ["statefulsets", "deployments"], "verbs": ["list"]},
                {"apiGroups": [""], "resources": ["pods"], "verbs": ["list"]},
            ],
        },
    )
    rbac.create_namespaced_role_binding(
        namespace,
        {
            "metadata": {"name": "lister"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "lister"},
            "subjects": [{"kind": "ServiceAccount", "name": "lister", "namespace": namespace}],
        },
    )
    token = core.create_namespaced_service_account_token(
        "lister", namespace, {"spec": {"expirationSeconds": 600}}
    ).status.token
    kubeconfig = tmp_path / "lister.kubeconfig"
    kubeconfig.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [
                    {
                        "name": "local",
                        "cluster": {
                            "server": local_cluster.server,
                            "certificate-authority": str(local_cluster.state / "pki" / "ca.crt"),
                        },
                    }
                ],
                "users": [{"name": "lister", "user": {"token": token}}],
                "contexts": [
                    {"name": "lister", "context": {"cluster": "local", "user": "lister", "namespace": namespace}}
                ],
                "current-context": "lister",
            }
        )
    )

    def listed():
        try:
            return run_module(str(kubeconfig), namespace=namespace)
        except AssertionError:
            return None  # RBAC caches may need a moment

    result = wait_until(listed, timeout=30, interval=2, what="namespace-scoped listing")
    (record,) = result["vclusters"]
    assert (record["name"], record["status"]) == (vcluster, "Running")
    assert record["kubeconfig_secret"] is None and record["rancher_cluster_id"] is None
    warnings = " ".join(result.get("warnings", []))
    assert "Secrets" in warnings and "Namespaces" in warnings
