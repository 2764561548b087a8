"""Rancher import of tenant vclusters (issue 5): provision.yml / rancher_import.yml / deprovision.yml against the
local control plane and an in-process Rancher stand-in (tests/rancher_standin) on loopback.

The stand-in's agent check looks into the tenant's own kubeconfig (the vcluster's virtual API server): a cluster only
becomes `active` when the registration manifest's objects really are in the vcluster.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from kubernetes import client as k8s_client
from kubernetes import config as k8s_config
from kubernetes.client.rest import ApiException

from playbooks import ANSIBLE_PLAYBOOK, COLLECTIONS, local_group_vars, run_playbook, write_inventory, writes

REPO = Path(__file__).resolve().parents[2]
if str(REPO / "tests") not in sys.path:
    sys.path.insert(0, str(REPO / "tests"))

from rancher_standin import RancherStandin  # tests/ is put on sys.path above

CHART_VERSION = "0.36.1"
PROFILES = ["2.6", "2.12"]
AGENT_NS = "cattle-system"
AGENT = "cattle-cluster-agent"
CLUSTER_ID_ANNOTATION = "tenancy.vcluster/rancher-cluster-id"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:5]}"


def kubeconfig_path(tmp_path: Path, namespace: str, name: str) -> Path:
    return tmp_path / "kubeconfigs" / f"{namespace}-{name}.kubeconfig"


def tenant(namespace: str, **extra) -> dict:
    return {"vcluster_namespace": namespace, "vcluster_chart_version": CHART_VERSION, **extra}


class Tenants:
    """Inventory writer plus cleanup of the namespaces and stand-ins a test used."""

    def __init__(self, cluster, chart_repo, tmp_path, k8s):
        self.cluster, self.chart_repo, self.tmp_path, self.k8s = cluster, chart_repo, tmp_path, k8s
        self.namespaces: list[str] = []
        self.standins: list[RancherStandin] = []

    def standin(self, namespace: str, name: str, **kwargs) -> RancherStandin:
        kubeconfig = kubeconfig_path(self.tmp_path, namespace, name)
        standin = RancherStandin(host="127.0.0.1", port=0, kubeconfig=str(kubeconfig), **kwargs).start()
        self.standins.append(standin)
        return standin

    def inventory(self, tenants: dict[str, dict], standin: RancherStandin, name: str = "hosts.yml", token=None):
        for vars_ in tenants.values():
            self.namespaces.append(vars_["vcluster_namespace"])
        group_vars = local_group_vars(self.cluster, self.chart_repo, self.tmp_path)
        group_vars.update({"rancher_url": standin.url, "rancher_token": token or standin.token})
        return write_inventory(self.tmp_path / name, tenants, group_vars)

    def close(self):
        for standin in self.standins:
            standin.stop()
        core = k8s_client.CoreV1Api(self.k8s)
        for ns in set(self.namespaces):
            try:
                core.delete_namespace(ns)
            except ApiException as e:
                if e.status != 404:
                    raise


@pytest.fixture
def tenants(local_cluster, chart_repo, syncer_standin, tmp_path, k8s):
    made = Tenants(local_cluster, chart_repo, tmp_path, k8s)
    yield made
    made.close()


def virtual_client(kubeconfig: Path) -> k8s_client.ApiClient:
    return k8s_config.new_client_from_config(config_file=str(kubeconfig))


def agent_objects(api: k8s_client.ApiClient) -> dict[str, str]:
    """kind/name -> resourceVersion of the registration manifest's objects in a cluster."""
    core, apps, rbac = k8s_client.CoreV1Api(api), k8s_client.AppsV1Api(api), k8s_client.RbacAuthorizationV1Api(api)
    found = {}
    for ns in core.list_namespace().items:
        if ns.metadata.name.startswith("cattle-"):
            found[f"Namespace/{ns.metadata.name}"] = ns.metadata.resource_version
    for listing, kind in (
        (rbac.list_cluster_role, "ClusterRole"),
        (rbac.list_cluster_role_binding, "ClusterRoleBinding"),
    ):
        for obj in listing().items:
            if re.match(
                r"^(cattle-|proxy-clusterrole-kubeapiserver$|proxy-role-binding-kubernetes-master$)", obj.metadata.name
            ):
                found[f"{kind}/{obj.metadata.name}"] = obj.metadata.resource_version
    if f"Namespace/{AGENT_NS}" in found:
        for listing, kind in (
            (core.list_namespaced_secret, "Secret"),
            (core.list_namespaced_service_account, "ServiceAccount"),
            (core.list_namespaced_service, "Service"),
            (apps.list_namespaced_deployment, "Deployment"),
        ):
            for obj in listing(AGENT_NS).items:
                found[f"{kind}/{AGENT_NS}/{obj.metadata.name}"] = obj.metadata.resource_version
    return found


def tenant_writes(audit, mark, namespace: str) -> list:
    """Writes to the tenant's namespace (or of it) since `mark`; other tests may share the cluster and its user."""
    return [e for e in writes(audit.mutating_since(mark)) if namespace in (e.namespace, e.name)]


def rancher_get(standin: RancherStandin, path: str) -> int:
    request = urllib.request.Request(standin.url + path, headers={"Authorization": f"Bearer {standin.token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as err:
        return err.code


def vcluster_info(cluster, namespace: str) -> list[dict]:
    env = {
        **os.environ,
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1",
        "ANSIBLE_STDOUT_CALLBACK": "json",
    }
    args = json.dumps({"namespace": namespace, "kubeconfig": cluster.kubeconfig})
    cmd = [
        str(ANSIBLE_PLAYBOOK.parent / "ansible"),
        "localhost",
        "-m",
        "tenancy.vcluster.vcluster_info",
        "-a",
        args,
        "-e",
        f"ansible_python_interpreter={sys.executable}",
    ]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(proc.stdout)
    return result["plays"][0]["tasks"][0]["hosts"]["localhost"]["vclusters"]


class NamespaceController:
    """What the vcluster's kube-controller-manager does for a deleted namespace: empty it, then finalize it.

    The virtual API servers of the local control plane run without a controller manager, so a deleted namespace
    would stay Terminating forever; a real vcluster finalizes it within seconds.
    """

    def __init__(self, kubeconfig: Path):
        self.kubeconfig = kubeconfig
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.finalized: list[str] = []

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        self.thread.join(10)

    def run(self):
        try:
            api = virtual_client(self.kubeconfig)
        except Exception:
            return
        core, apps, policy = k8s_client.CoreV1Api(api), k8s_client.AppsV1Api(api), k8s_client.PolicyV1Api(api)
        rbac = k8s_client.RbacAuthorizationV1Api(api)
        while not self.stop_event.wait(0.3):
            try:
                terminating = [n for n in core.list_namespace().items if n.metadata.deletion_timestamp]
            except Exception:
                return
            for ns in terminating:
                name = ns.metadata.name
                try:
                    for delete in (
                        apps.delete_collection_namespaced_deployment,
                        core.delete_collection_namespaced_secret,
                        core.delete_collection_namespaced_service_account,
                        core.delete_collection_namespaced_config_map,
                        policy.delete_collection_namespaced_pod_disruption_budget,
                        rbac.delete_collection_namespaced_role,
                        rbac.delete_collection_namespaced_role_binding,
                    ):
                        delete(name)
                    for svc in core.list_namespaced_service(name).items:
                        core.delete_namespaced_service(svc.metadata.name, name)
                    body = {"metadata": {"name": name}, "spec": {"finalizers": []}}
                    core.replace_namespace_finalize(name, body)
                    self.finalized.append(name)
                except ApiException as e:
                    if e.status != 404:
                        raise


def restart_virtual(namespace: str, name: str) -> Path:
    """Start the vcluster's virtual API server again on its etcd prefix (what deprovision left there)."""
    proc = subprocess.run(
        [str(REPO / "hack" / "local-cluster"), "virtual", f"{namespace}-{name}"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    paths = [line.strip() for line in proc.stdout.splitlines() if line.strip().endswith(".kubeconfig")]
    return Path(paths[-1])


def host_has_agent(k8s, namespace: str) -> bool:
    core, apps = k8s_client.CoreV1Api(k8s), k8s_client.AppsV1Api(k8s)
    try:
        core.read_namespace(AGENT_NS)
        return True
    except ApiException as e:
        if e.status != 404:
            raise
    return any(AGENT in d.metadata.name for d in apps.list_namespaced_deployment(namespace).items)


@pytest.mark.parametrize("profile", PROFILES)
def test_provision_imports_idempotently_and_deprovision_cleans(tenants, k8s, local_cluster, tmp_path, profile):
    ns, name = unique("rimp"), "r1"
    standin = tenants.standin(ns, name, profile=profile)
    inventory = tenants.inventory(
        {name: tenant(ns, vcluster_rancher_import=True, vcluster_rancher_agent_psa_strategy="baseline")}, standin
    )
    started = time.monotonic()
    first = run_playbook("provision.yml", inventory)
    first_took = time.monotonic() - started
    assert first.rc == 0, first.output

    cluster = standin.cluster_by_name(f"{ns}-{name}")
    assert cluster is not None and cluster["_phase"] == "active", cluster
    assert cluster["driver"] == "imported"
    cid = cluster["id"]
    assert standin.token not in first.output
    token = standin.state.crts[f"{cid}:default-token"]["token"]
    assert token not in first.output

    # The agent's objects are in the vcluster's own API server, not in the host cluster.
    kubeconfig = kubeconfig_path(tmp_path, ns, name)
    virtual = virtual_client(kubeconfig)
    try:
        before = agent_objects(virtual)
        deployment = k8s_client.AppsV1Api(virtual).read_namespaced_deployment(AGENT, AGENT_NS)
        env = {e.name: e.value for e in deployment.spec.template.spec.containers[0].env}
        assert env["CATTLE_SERVER"] == standin.url
    finally:
        virtual.close()
    assert {
        "Namespace/cattle-system",
        "ClusterRole/cattle-admin",
        "ClusterRoleBinding/cattle-admin-binding",
        f"Deployment/{AGENT_NS}/{AGENT}",
    } <= set(before)
    assert not host_has_agent(k8s, ns)

    # The id is recorded in the host cluster, and the Pod Security choice is explicit.
    core, apps = k8s_client.CoreV1Api(k8s), k8s_client.AppsV1Api(k8s)
    sts = apps.read_namespaced_stateful_set(name, ns)
    assert sts.metadata.annotations[CLUSTER_ID_ANNOTATION] == cid
    host_ns = core.read_namespace(ns)
    assert host_ns.metadata.annotations[CLUSTER_ID_ANNOTATION] == cid
    assert host_ns.metadata.labels["pod-security.kubernetes.io/enforce"] == "baseline"
    assert host_ns.metadata.labels["pod-security.kubernetes.io/audit"] == "restricted"
    assert host_ns.metadata.labels["pod-security.kubernetes.io/warn"] == "restricted"
    assert "baseline" in host_ns.metadata.annotations["tenancy.vcluster/psa-relaxed"]
    # egress to the stand-in (127.0.0.1, blocked by isolation's policy) was added for this tenant
    policy = k8s_client.NetworkingV1Api(k8s).read_namespaced_network_policy(f"{name}-extra-egress", ns)
    assert policy.spec.egress[0].to[0].ip_block.cidr == "127.0.0.1/32"
    records = vcluster_info(local_cluster, ns)
    assert [r["rancher_cluster_id"] for r in records] == [cid]

    # Second run: no change anywhere, nothing re-applied, no write to Rancher.
    rancher_writes = len(standin.writes())
    manifest_gets = [r for r in standin.requests("GET") if r[1].startswith("/v3/import/")]
    second = run_playbook("provision.yml", inventory)
    assert second.rc == 0, second.output
    assert second.changed(name) == 0, second.output
    assert len(standin.writes()) == rancher_writes, standin.writes()[rancher_writes:]
    assert [r for r in standin.requests("GET") if r[1].startswith("/v3/import/")] == manifest_gets
    virtual = virtual_client(kubeconfig)
    try:
        assert agent_objects(virtual) == before
    finally:
        virtual.close()

    # Deprovision: Rancher forgets the cluster and nothing of Rancher's stays in the vcluster.
    with NamespaceController(kubeconfig) as controller:
        gone = run_playbook("deprovision.yml", inventory)
    assert gone.rc == 0, gone.output
    assert rancher_get(standin, f"/v3/clusters/{cid}") == 404
    assert AGENT_NS in controller.finalized
    admin = restart_virtual(ns, name)
    try:
        leftover = virtual_client(admin)
        try:
            assert agent_objects(leftover) == {}
        finally:
            leftover.close()
    finally:
        subprocess.run(
            [str(REPO / "hack" / "local-cluster"), "virtual-down", f"{ns}-{name}", "--purge"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    print(f"profile {profile}: first provision with import {first_took:.1f}s")


def empty_server_url_agent_check(kubeconfig: Path):
    """The agent check for a Rancher whose server-url is unset: the manifest's CATTLE_SERVER and credentials url are
    empty, and the API server drops an empty env value (omitempty), which the stand-in's own check reads as a mismatch.
    Otherwise the same: the agent's Deployment and a credentials Secret with this cluster's token in the vcluster."""

    def check(cluster_id, token, server_url):
        try:
            api = virtual_client(kubeconfig)
        except Exception:
            return None
        try:
            deployment = k8s_client.AppsV1Api(api).read_namespaced_deployment(AGENT, AGENT_NS)
            env = {e.name: e.value for e in deployment.spec.template.spec.containers[0].env or []}
            if (env.get("CATTLE_SERVER") or "") != (server_url or ""):
                return None
            secrets = k8s_client.CoreV1Api(api).list_namespaced_secret(AGENT_NS).items
            tokens = {
                base64.b64decode((s.data or {}).get("token") or "").decode()
                for s in secrets
                if s.metadata.name.startswith("cattle-credentials-")
            }
            return {"version": "v1.34.0"} if token in tokens else None
        except ApiException:
            return None
        finally:
            api.close()

    return check


def test_import_of_a_provisioned_tenant_without_server_url_and_with_a_503_burst(tenants, k8s, tmp_path):
    ns, name = unique("rlate"), "r2"
    standin = tenants.standin(
        ns,
        name,
        profile="2.12",
        server_url="",
        agent_check=empty_server_url_agent_check(kubeconfig_path(tmp_path, ns, name)),
        faults=[{"status": 503, "count": 3, "path": r"^/v3/clusters"}],
    )
    values = {"policies": {"podSecurityStandard": "baseline"}}
    plain = tenants.inventory({name: tenant(ns, vcluster_values=values)}, standin)
    assert run_playbook("provision.yml", plain).rc == 0
    assert standin.requests() == []  # not imported: Rancher is never asked

    inventory = tenants.inventory(
        {
            name: tenant(
                ns, vcluster_values=values, vcluster_rancher_import=True, vcluster_rancher_agent_psa_strategy="baseline"
            )
        },
        standin,
        name="import.yml",
    )
    run = run_playbook("rancher_import.yml", inventory)
    assert run.rc == 0, run.output
    assert "server-url" in run.output  # Rancher left the manifest URL empty: built here, and the operator is told
    assert standin.state.faults[0]["hits"] == 3  # the 503s were retried
    cluster = standin.cluster_by_name(f"{ns}-{name}")
    assert cluster["_phase"] == "active"
    sts = k8s_client.AppsV1Api(k8s).read_namespaced_stateful_set(name, ns)
    assert sts.metadata.annotations[CLUSTER_ID_ANNOTATION] == cluster["id"]
    assert k8s_client.CoreV1Api(k8s).read_namespace(ns).metadata.labels["pod-security.kubernetes.io/enforce"] == (
        "baseline"
    )

    again = run_playbook("rancher_import.yml", inventory)
    assert again.rc == 0, again.output
    assert again.changed(name) == 0, again.output


@pytest.mark.parametrize("profile", PROFILES)
def test_revoked_token_fails_before_any_write_with_an_actionable_message(tenants, k8s, audit, profile):
    ns, name = unique("r401"), "r3"
    standin = tenants.standin(ns, name, profile=profile)
    standin.revoke()
    inventory = tenants.inventory(
        {name: tenant(ns, vcluster_rancher_import=True, vcluster_rancher_agent_psa_strategy="baseline")}, standin
    )
    mark = audit.mark()
    run = run_playbook("provision.yml", inventory)
    assert run.rc != 0
    assert "401" in run.output, run.output
    assert "Create a new API key" in run.output and "rancher_token" in run.output
    assert standin.token.split(":")[1] not in run.output
    assert standin.writes() == []
    assert tenant_writes(audit, mark, ns) == []
    with pytest.raises(ApiException) as missing:
        k8s_client.CoreV1Api(k8s).read_namespace(ns)
    assert missing.value.status == 404


@pytest.mark.parametrize("profile", PROFILES)
def test_restricted_tenant_with_strategy_stop_fails_before_any_write(tenants, k8s, audit, namespace_factory, profile):
    ns = namespace_factory(labels={"pod-security.kubernetes.io/enforce": "restricted"})
    name = "r4"
    standin = tenants.standin(ns, name, profile=profile)
    inventory = tenants.inventory({name: tenant(ns, vcluster_rancher_import=True)}, standin)
    mark = audit.mark()
    run = run_playbook("provision.yml", inventory)
    assert run.rc != 0
    assert "violates Pod Security 'restricted'" in run.output, run.output
    assert "rancher_import_agent_psa_strategy" in run.output and "'baseline'" in run.output
    assert "Nothing was changed" in run.output
    assert standin.writes() == []
    assert tenant_writes(audit, mark, ns) == []
    labels = k8s_client.CoreV1Api(k8s).read_namespace(ns).metadata.labels
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
