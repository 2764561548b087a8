"""The local control plane is a real Kubernetes: admission, dry runs, scheduling, storage, Helm, virtual servers."""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import threading
import uuid
from pathlib import Path

import pytest
from cluster import wait_until
from kubernetes import client as k8s_client
from kubernetes import config as k8s_config
from kubernetes.client.rest import ApiException

KUBE_VERSION = os.environ.get("KUBERNETES_VERSION", "v1.34.4")
PAUSE = "registry.k8s.io/pause:3.10"


def _pod(name: str, security_context: dict | None = None, container_security_context: dict | None = None) -> dict:
    container = {"name": "main", "image": PAUSE}
    if container_security_context is not None:
        container["securityContext"] = container_security_context
    spec = {"containers": [container]}
    if security_context is not None:
        spec["securityContext"] = security_context
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


RESTRICTED_CONTAINER = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "runAsNonRoot": True,
    "runAsUser": 12345,
    "seccompProfile": {"type": "RuntimeDefault"},
}


def _labels(level: str) -> dict[str, str]:
    return {"pod-security.kubernetes.io/enforce": level, "pod-security.kubernetes.io/enforce-version": "latest"}


def _running_pods(core: k8s_client.CoreV1Api, ns: str, selector: str, count: int):
    pods = core.list_namespaced_pod(ns, label_selector=selector).items
    ready = [
        p
        for p in pods
        if p.status.phase == "Running"
        and any(c.type == "Ready" and c.status == "True" for c in (p.status.conditions or []))
    ]
    return ready if len(ready) == count else None


def test_server_reports_pinned_version(k8s):
    info = k8s_client.VersionApi(k8s).get_code()
    assert info.git_version == KUBE_VERSION
    assert f"v{info.major}.{info.minor}" == KUBE_VERSION.rsplit(".", 1)[0]


def test_pod_security_restricted_rejects_and_baseline_admits(k8s, namespace_factory):
    core = k8s_client.CoreV1Api(k8s)
    restricted = namespace_factory(labels=_labels("restricted"))
    baseline = namespace_factory(labels=_labels("baseline"))
    plain = _pod("plain")  # no securityContext: fine for baseline, violates restricted

    with pytest.raises(ApiException) as err:
        core.create_namespaced_pod(restricted, plain)
    assert err.value.status == 403
    message = json.loads(err.value.body)["message"]
    assert 'violates PodSecurity "restricted:latest"' in message
    assert "runAsNonRoot" in message and "seccompProfile" in message

    core.create_namespaced_pod(baseline, plain)
    hardened = _pod("hardened", container_security_context=RESTRICTED_CONTAINER)
    core.create_namespaced_pod(restricted, hardened)

    privileged = _pod("privileged", container_security_context={"privileged": True})
    with pytest.raises(ApiException) as err:
        core.create_namespaced_pod(baseline, privileged)
    assert 'violates PodSecurity "baseline:latest"' in json.loads(err.value.body)["message"]


def test_server_side_dry_run_creates_nothing_and_is_audited_as_dry_run(k8s, namespace, audit):
    core = k8s_client.CoreV1Api(k8s)
    mark = audit.mark()
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "dry"}, "data": {"a": "b"}}
    created = core.create_namespaced_config_map(namespace, body, dry_run="All")
    assert created.metadata.name == "dry"
    with pytest.raises(ApiException) as err:
        core.read_namespaced_config_map("dry", namespace)
    assert err.value.status == 404

    writes = audit.mutating_since(mark)
    assert [(e.verb, e.resource, e.namespace, e.dry_run) for e in writes] == [
        ("create", "configmaps", namespace, True)
    ], writes
    assert [e for e in writes if not e.dry_run] == []


def test_deployment_pods_run_on_kwok_nodes(k8s, namespace, audit):
    core, apps = k8s_client.CoreV1Api(k8s), k8s_client.AppsV1Api(k8s)
    mark = audit.mark()
    labels = {"app": "web"}
    apps.create_namespaced_deployment(
        namespace,
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web"},
            "spec": {
                "replicas": 3,
                "selector": {"matchLabels": labels},
                "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "web", "image": PAUSE}]}},
            },
        },
    )
    pods = wait_until(lambda: _running_pods(core, namespace, "app=web", 3), timeout=60, what="3 running web pods")
    assert all(p.spec.node_name.startswith("kwok-node-") for p in pods)
    assert all(p.status.pod_ip for p in pods)
    wait_until(
        lambda: (apps.read_namespaced_deployment("web", namespace).status.ready_replicas or 0) == 3,
        timeout=30,
        what="deployment web ready",
    )

    # Only our create is attributed to tenancy-admin; the controllers act under their own identities.
    writes = audit.mutating_since(mark)
    assert [(e.verb, e.resource, e.name) for e in writes] == [("create", "deployments", "web")], writes
    others = {e.user for e in audit.mutating_since(mark, user=None)}
    assert "system:serviceaccount:kube-system:deployment-controller" in others
    assert "system:kube-scheduler" in others


def test_statefulset_with_volume_claim_template_runs(k8s, namespace):
    core, apps = k8s_client.CoreV1Api(k8s), k8s_client.AppsV1Api(k8s)
    labels = {"app": "db"}
    apps.create_namespaced_stateful_set(
        namespace,
        {
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": {"name": "db"},
            "spec": {
                "serviceName": "db",
                "replicas": 2,
                "selector": {"matchLabels": labels},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {
                        "containers": [
                            {"name": "db", "image": PAUSE, "volumeMounts": [{"name": "data", "mountPath": "/data"}]}
                        ]
                    },
                },
                "volumeClaimTemplates": [
                    {
                        "metadata": {"name": "data"},
                        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "5Gi"}}},
                    }
                ],
            },
        },
    )
    wait_until(lambda: _running_pods(core, namespace, "app=db", 2), timeout=90, what="2 running db pods")
    pvcs = core.list_namespaced_persistent_volume_claim(namespace).items
    assert sorted(p.metadata.name for p in pvcs) == ["data-db-0", "data-db-1"]
    assert all(p.status.phase == "Bound" for p in pvcs)
    assert all(p.spec.storage_class_name == "local" for p in pvcs)


CHART_YAML = """apiVersion: v2
name: demo
description: test chart of the integration suite
type: application
version: 0.1.0
appVersion: "1.0"
"""
CONFIGMAP_YAML = """apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
  greeting: {{ .Values.greeting | quote }}
"""
DEPLOYMENT_YAML = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-app
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: {app: {{ .Release.Name }}}
  template:
    metadata:
      labels: {app: {{ .Release.Name }}}
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 12345
        seccompProfile: {type: RuntimeDefault}
      containers:
      - name: app
        image: registry.k8s.io/pause:3.10
        securityContext:
          allowPrivilegeEscalation: false
          capabilities: {drop: [ALL]}
"""


@pytest.fixture
def helm_repo(tmp_path: Path, local_cluster):
    """A Helm repository with chart demo-0.1.0, served over HTTP on 127.0.0.1 from a thread."""
    chart = tmp_path / "src" / "demo"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(CHART_YAML)
    (chart / "values.yaml").write_text("greeting: hello\nreplicas: 2\n")
    (chart / "templates" / "configmap.yaml").write_text(CONFIGMAP_YAML)
    (chart / "templates" / "deployment.yaml").write_text(DEPLOYMENT_YAML)
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {
        **os.environ,
        **{k: str(tmp_path / "helm" / k.lower()) for k in ("HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME")},
    }
    subprocess.run(
        [local_cluster.helm, "package", str(chart), "-d", str(repo)], check=True, env=env, capture_output=True
    )

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(repo))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    subprocess.run(
        [local_cluster.helm, "repo", "index", str(repo), "--url", url], check=True, env=env, capture_output=True
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url, env
    server.shutdown()
    server.server_close()


def test_helm_install_and_uninstall_from_local_repository(k8s, namespace_factory, helm_repo, local_cluster):
    url, env = helm_repo
    ns = namespace_factory(labels=_labels("restricted"))
    helm = local_cluster.helm

    def run(*args: str) -> str:
        proc = subprocess.run([helm, *args], env=env, capture_output=True, text=True, check=False)
        assert proc.returncode == 0, f"helm {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"
        return proc.stdout

    run("repo", "add", "local-test", url)
    assert "local-test/demo" in run("search", "repo", "local-test/demo")
    run("install", "rel", "local-test/demo", "--version", "0.1.0", "-n", ns, "--wait", "--timeout", "90s")
    core, apps = k8s_client.CoreV1Api(k8s), k8s_client.AppsV1Api(k8s)
    assert core.read_namespaced_config_map("rel-config", ns).data == {"greeting": "hello"}
    assert apps.read_namespaced_deployment("rel-app", ns).status.ready_replicas == 2
    assert "deployed" in run("status", "rel", "-n", ns)

    run("uninstall", "rel", "-n", ns, "--wait", "--timeout", "60s")
    with pytest.raises(ApiException) as err:
        core.read_namespaced_config_map("rel-config", ns)
    assert err.value.status == 404
    assert apps.list_namespaced_deployment(ns).items == []
    assert core.list_namespaced_secret(ns, label_selector="owner=helm").items == []


def test_virtual_api_server_is_separate(k8s, namespace, local_cluster):
    name = f"v-{uuid.uuid4().hex[:6]}"
    kubeconfig = local_cluster.virtual(name)
    try:
        assert Path(kubeconfig).is_file()
        assert local_cluster.virtual(name) == kubeconfig  # idempotent
        vapi = k8s_config.new_client_from_config(config_file=kubeconfig)
        try:
            assert k8s_client.VersionApi(vapi).get_code().git_version == KUBE_VERSION
            vcore = k8s_client.CoreV1Api(vapi)
            wait_until(
                lambda: {"default", "kube-system"} <= {n.metadata.name for n in vcore.list_namespace().items},
                timeout=30,
                what="virtual API server's system namespaces",
            )
            virtual_ns = {n.metadata.name for n in vcore.list_namespace().items}
            assert namespace not in virtual_ns
            vcore.create_namespace(k8s_client.V1Namespace(metadata=k8s_client.V1ObjectMeta(name="only-virtual")))
            host_ns = {n.metadata.name for n in k8s_client.CoreV1Api(k8s).list_namespace().items}
            assert "only-virtual" not in host_ns
            assert namespace in host_ns
        finally:
            vapi.close()
    finally:
        local_cluster.virtual_down(name)
