"""The Rancher part against the local control plane, parametrised over two Rancher servers (rancher_servers.py):

* ``standin``: tests/rancher_standin on loopback, as strict as Rancher v2.12.0 (profiles 2.6 and 2.12 where the
  Rancher version matters); its agent check looks into the tenant's own kubeconfig (the vcluster's virtual API
  server), so a cluster only becomes ``active`` when the registration manifest's objects really are in the vcluster;
* ``real``: the real Rancher v2.12.0 server (``make test-rancher-real``), written to only through its API; Rancher's
  API audit log tells what it wrote.

Tests that need what only the stand-in has (fault injection, Rancher 2.6, a pretend agent) say so in their ids.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest
import yaml
from kubernetes import client as k8s_client
from kubernetes import config as k8s_config
from kubernetes.client.rest import ApiException

from playbooks import (
    ANSIBLE_PLAYBOOK,
    COLLECTIONS,
    PlaybookRun,
    local_group_vars,
    run_playbook,
    write_inventory,
    writes,
)

REPO = Path(__file__).resolve().parents[2]
if str(REPO / "tests") not in sys.path:
    sys.path.insert(0, str(REPO / "tests"))

from rancher_servers import REAL_ENABLED, RealServer, StandinServer

if str(COLLECTIONS) not in sys.path:
    sys.path.append(str(COLLECTIONS))  # the collection itself, for its Rancher client

from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.client import RancherClient

CHART_VERSION = "0.36.1"
# (server, stand-in profile): the real server is v2.12.0; the stand-in also plays 2.6 where versions differ.
SERVERS = [("standin", "2.6"), ("standin", "2.12"), ("real", "2.12")]
BOTH = [("standin", "2.12"), ("real", "2.12")]
SERVER_IDS = ["-".join(s) for s in SERVERS]
BOTH_IDS = ["-".join(s) for s in BOTH]
NOT_REAL = "the real Rancher server runs in `make test-rancher-real` (TENANCY_VCLUSTER_RANCHER_REAL=1)"
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
    """Inventory writer plus cleanup of the namespaces, stand-ins and Rancher clusters a test used."""

    def __init__(self, cluster, chart_repo, tmp_path, k8s, real):
        self.cluster, self.chart_repo, self.tmp_path, self.k8s, self.real = cluster, chart_repo, tmp_path, k8s, real
        self.namespaces: list[str] = []
        self.standins: list[StandinServer] = []
        self.rancher_clusters: list[tuple] = []

    def server(self, kind: str, namespace: str, name: str, **kwargs):
        """The Rancher server of a test: a fresh stand-in watching the tenant's vcluster, or the real one."""
        if kind == "real":
            if self.real is None:
                pytest.skip(NOT_REAL)
            self.rancher_clusters.append((self.real, f"{namespace}-{name}"))
            return self.real
        kubeconfig = kubeconfig_path(self.tmp_path, namespace, name)
        server = StandinServer(kubeconfig=str(kubeconfig), **kwargs)
        self.standins.append(server)
        return server

    def inventory(self, tenants: dict[str, dict], rancher, name: str = "hosts.yml", token=None):
        for vars_ in tenants.values():
            self.namespaces.append(vars_["vcluster_namespace"])
        group_vars = local_group_vars(self.cluster, self.chart_repo, self.tmp_path)
        group_vars.update({"rancher_url": rancher.url, "rancher_token": token or rancher.token})
        if rancher.ca_path:
            group_vars["rancher_ca_path"] = rancher.ca_path
        return write_inventory(self.tmp_path / name, tenants, group_vars)

    def close(self):
        for server in self.standins:
            server.close()
        for server, name in self.rancher_clusters:
            server.delete_cluster(name)
        core = k8s_client.CoreV1Api(self.k8s)
        for ns in set(self.namespaces):
            try:
                core.delete_namespace(ns)
            except ApiException as e:
                if e.status != 404:
                    raise


@pytest.fixture(scope="session")
def real_rancher():
    """The real Rancher v2.12.0 server (started by hack/rancher-real when it is not up), or None."""
    if not REAL_ENABLED:
        return None
    return RealServer()


@pytest.fixture
def tenants(local_cluster, chart_repo, syncer_standin, tmp_path, k8s, real_rancher):
    made = Tenants(local_cluster, chart_repo, tmp_path, k8s, real_rancher)
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


def rancher_host_cidr(rancher) -> str:
    return urllib.parse.urlsplit(rancher.url).hostname + "/32"


def crt_token(rancher, cid: str) -> str:
    return rancher.call("GET", f"/v3/clusterregistrationtokens/{cid}:default-token")[1]["token"]


@pytest.mark.parametrize("kind, profile", SERVERS, ids=SERVER_IDS)
def test_provision_imports_idempotently_and_deprovision_cleans(tenants, k8s, local_cluster, tmp_path, kind, profile):
    ns, name = unique("rimp"), "r1"
    rancher = tenants.server(kind, ns, name, profile=profile)
    if not rancher.can("pretend_agent") and not rancher.can("agent"):
        pytest.skip("becoming active needs a connected cluster agent: the agent process (hack/rancher-real agent) "
                    "registers with the real server but never passes its tunnel check; "
                    "TENANCY_VCLUSTER_RANCHER_AGENT=1 tries it")
    inventory = tenants.inventory(
        {name: tenant(ns, vcluster_rancher_import=True, vcluster_rancher_agent_psa_strategy="baseline")}, rancher
    )
    with rancher.agent_for(kubeconfig_path(tmp_path, ns, name)) if rancher.can("agent") else contextlib.nullcontext():
        started = time.monotonic()
        first = run_playbook("provision.yml", inventory)
        first_took = time.monotonic() - started
        assert first.rc == 0, first.output

        cluster = rancher.cluster_by_name(f"{ns}-{name}")
        assert cluster is not None and cluster["state"] == "active", cluster
        assert cluster["driver"] == "imported"
        cid = cluster["id"]
        assert rancher.token not in first.output
        assert crt_token(rancher, cid) not in first.output

        # The agent's objects are in the vcluster's own API server, not in the host cluster.
        kubeconfig = kubeconfig_path(tmp_path, ns, name)
        virtual = virtual_client(kubeconfig)
        try:
            before = agent_objects(virtual)
            deployment = k8s_client.AppsV1Api(virtual).read_namespaced_deployment(AGENT, AGENT_NS)
            env = {e.name: e.value for e in deployment.spec.template.spec.containers[0].env}
            assert env["CATTLE_SERVER"] == rancher.url
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
        # egress to Rancher's private address (blocked by isolation's policy) was added for this tenant
        policy = k8s_client.NetworkingV1Api(k8s).read_namespaced_network_policy(f"{name}-extra-egress", ns)
        assert policy.spec.egress[0].to[0].ip_block.cidr == rancher_host_cidr(rancher)
        records = vcluster_info(local_cluster, ns)
        assert [r["rancher_cluster_id"] for r in records] == [cid]

        # Second run: no change anywhere, nothing re-applied, no write to Rancher.
        mark = rancher.mark()
        second = run_playbook("provision.yml", inventory)
        assert second.rc == 0, second.output
        assert second.changed(name) == 0, second.output
        assert rancher.writes_since(mark) == []
        assert [r for r in rancher.requests_since(mark, "GET") if "/v3/import/" in r[1]] == []
        virtual = virtual_client(kubeconfig)
        try:
            assert agent_objects(virtual) == before
        finally:
            virtual.close()

    # Deprovision: Rancher forgets the cluster and nothing of Rancher's stays in the vcluster.
    with NamespaceController(kubeconfig) as controller:
        gone = run_playbook("deprovision.yml", inventory)
    assert gone.rc == 0, gone.output
    assert rancher.call("GET", f"/v3/clusters/{cid}")[0] in (403, 404)
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
    print(f"{kind} {profile}: first provision with import {first_took:.1f}s")


@pytest.mark.parametrize("kind, profile", BOTH, ids=BOTH_IDS)
def test_unset_server_url_stops_the_import_before_any_write(tenants, k8s, audit, kind, profile):
    ns, name = unique("rsurl"), "r2"
    rancher = tenants.server(kind, ns, name, profile=profile)
    inventory = tenants.inventory(
        {name: tenant(ns, vcluster_rancher_import=True, vcluster_rancher_agent_psa_strategy="baseline")}, rancher
    )
    server_url = rancher.setting("server-url")
    rancher.set_setting("server-url", "")
    try:
        mark, k8s_mark = rancher.mark(), audit.mark()
        run = run_playbook("provision.yml", inventory)
        assert run.rc != 0
        assert "server-url setting is unset" in run.output and "Nothing was changed" in run.output, run.output
        assert rancher.writes_since(mark) == []
        assert tenant_writes(audit, k8s_mark, ns) == []
        assert rancher.cluster_by_name(f"{ns}-{name}") is None
    finally:
        rancher.set_setting("server-url", server_url)


def test_import_of_a_provisioned_tenant_retries_a_503_burst_standin_only(tenants, k8s):
    ns, name = unique("rlate"), "r2"
    rancher = tenants.server("standin", ns, name, profile="2.12",
                             faults=[{"status": 503, "count": 3, "path": r"^/v3/clusters"}])
    # A vcluster that enforces baseline inside, as an import with strategy baseline leaves it: weaker than the
    # profile, so it is allowed explicitly.
    values = {"policies": {"podSecurityStandard": "baseline"}}
    allow = [{"id": "boundary-isolation-off", "reason": "the Rancher agent runs inside"}]
    plain = tenants.inventory({name: tenant(ns, vcluster_values=values, vcluster_allow=allow)}, rancher)
    run = run_playbook("provision.yml", plain)
    assert run.rc == 0, run.output
    assert rancher.standin.requests() == []  # not imported: Rancher is never asked

    inventory = tenants.inventory(
        {
            name: tenant(
                ns,
                vcluster_values=values,
                vcluster_allow=allow,
                vcluster_rancher_import=True,
                vcluster_rancher_agent_psa_strategy="baseline",
            )
        },
        rancher,
        name="import.yml",
    )
    run = run_playbook("rancher_import.yml", inventory)
    assert run.rc == 0, run.output
    assert rancher.standin.state.faults[0]["hits"] == 3  # the 503s were retried
    cluster = rancher.cluster_by_name(f"{ns}-{name}")
    assert cluster["state"] == "active"
    sts = k8s_client.AppsV1Api(k8s).read_namespaced_stateful_set(name, ns)
    assert sts.metadata.annotations[CLUSTER_ID_ANNOTATION] == cluster["id"]
    assert k8s_client.CoreV1Api(k8s).read_namespace(ns).metadata.labels["pod-security.kubernetes.io/enforce"] == (
        "baseline"
    )
    again = run_playbook("rancher_import.yml", inventory)
    assert again.rc == 0, again.output
    assert again.changed(name) == 0, again.output


@pytest.mark.parametrize("kind, profile", SERVERS, ids=SERVER_IDS)
def test_revoked_token_fails_before_any_write_with_an_actionable_message(tenants, k8s, audit, kind, profile):
    ns, name = unique("r401"), "r3"
    rancher = tenants.server(kind, ns, name, profile=profile)
    token = rancher.new_token()
    rancher.revoke(token)
    inventory = tenants.inventory(
        {name: tenant(ns, vcluster_rancher_import=True, vcluster_rancher_agent_psa_strategy="baseline")}, rancher,
        token=token,
    )
    mark, k8s_mark = rancher.mark(), audit.mark()
    run = run_playbook("provision.yml", inventory)
    assert run.rc != 0
    assert "401" in run.output, run.output
    assert "Create a new API key" in run.output and "rancher_token" in run.output
    assert token.split(":")[1] not in run.output
    assert rancher.writes_since(mark) == []
    assert tenant_writes(audit, k8s_mark, ns) == []
    with pytest.raises(ApiException) as missing:
        k8s_client.CoreV1Api(k8s).read_namespace(ns)
    assert missing.value.status == 404


@pytest.mark.parametrize("kind, profile", SERVERS, ids=SERVER_IDS)
def test_restricted_tenant_with_strategy_stop_fails_before_any_write(
    tenants, k8s, audit, namespace_factory, kind, profile
):
    ns = namespace_factory(labels={"pod-security.kubernetes.io/enforce": "restricted"})
    name = "r4"
    rancher = tenants.server(kind, ns, name, profile=profile)
    inventory = tenants.inventory({name: tenant(ns, vcluster_rancher_import=True)}, rancher)
    mark, k8s_mark = rancher.mark(), audit.mark()
    run = run_playbook("provision.yml", inventory)
    assert run.rc != 0
    assert "violates Pod Security 'restricted'" in run.output, run.output
    assert "vcluster_rancher_agent_psa_strategy" in run.output and "'baseline'" in run.output
    assert "Nothing was changed" in run.output
    assert rancher.writes_since(mark) == []
    assert tenant_writes(audit, k8s_mark, ns) == []
    labels = k8s_client.CoreV1Api(k8s).read_namespace(ns).metadata.labels
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"


# -- the modules as a real Rancher wants them --------------------------------------------------------------
def rancher_playbook(tmp_path: Path, rancher, tasks: list[dict], name="rancher.yml"):
    play = [{"name": "Rancher", "hosts": "localhost", "gather_facts": False, "tasks": tasks}]
    path = tmp_path / name
    path.write_text(yaml.safe_dump(play, sort_keys=False))
    env = {**os.environ, "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS), "ANSIBLE_NOCOLOR": "1",
           "RANCHER_URL": rancher.url, "RANCHER_TOKEN": rancher.token}
    if rancher.ca_path:
        env["RANCHER_CA_CERT"] = rancher.ca_path
    cmd = [str(ANSIBLE_PLAYBOOK), "-i", "localhost,", "-c", "local", "-e",
           f"ansible_python_interpreter={sys.executable}", str(path)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600, check=False)
    return PlaybookRun(proc.returncode, proc.stdout + proc.stderr)


def cluster_task(name, register=None, ignore_errors=False, **options):
    task = {"name": f"cluster {name}", "tenancy.vcluster.rancher_cluster": {"name": name, "wait": "none", **options}}
    if register:
        task["register"] = register
    if ignore_errors:
        task["ignore_errors"] = True
    return task


@pytest.fixture
def rancher(request, real_rancher):
    kind = request.param
    if kind == "real":
        if real_rancher is None:
            pytest.skip(NOT_REAL)
        yield real_rancher
        return
    server = StandinServer(profile="2.12")
    yield server
    server.close()


@pytest.mark.parametrize("rancher", ["standin", "real"], indirect=True)
def test_cluster_updates_as_rancher_requires(rancher, tmp_path):
    name = unique("vc-upd")
    custom = {"overrideResourceRequirements": {"requests": {"cpu": "0.1", "memory": "0.5Gi"}}}
    try:
        run = rancher_playbook(tmp_path, rancher, [
            cluster_task(name, labels={"a": "1"}, agent_env_vars=[{"name": "HTTPS_PROXY", "value": "http://p:3128"}]),
            cluster_task(name, labels={"b": "2"}, annotations={"note": "x"}),  # a PUT: it must carry the name
            cluster_task(name, cluster_agent_deployment_customization=custom),
        ])
        assert run.rc == 0, run.output
        assert run.changed("localhost") == 3
        cluster = rancher.cluster_by_name(name)
        assert {"a": "1", "b": "2"}.items() <= cluster["labels"].items()
        assert cluster["labels"].get("cattle.io/creator") == "norman"  # Rancher's own label is kept
        assert cluster["annotations"]["note"] == "x"
        assert [(e["name"], e["value"]) for e in cluster["agentEnvVars"]] == [("HTTPS_PROXY", "http://p:3128")]
        requests = cluster["clusterAgentDeploymentCustomization"]["overrideResourceRequirements"]["requests"]
        assert requests == {"cpu": "100m", "memory": "512Mi"}  # Rancher's canonical quantities

        mark = rancher.mark()
        again = rancher_playbook(tmp_path, rancher, [
            cluster_task(name, labels={"b": "2"}, annotations={"note": "x"}),
            cluster_task(name, cluster_agent_deployment_customization=custom),
        ])
        assert again.rc == 0 and again.changed("localhost") == 0, again.output
        assert rancher.writes_since(mark) == []

        mark = rancher.mark()
        refused = rancher_playbook(tmp_path, rancher, [
            cluster_task(name, labels={"cattle.io/creator": "me"}, ignore_errors=True),
            cluster_task(name, ignore_errors=True, cluster_agent_deployment_customization={
                "schedulingCustomization": {"podDisruptionBudget": {"minAvailable": "1"}}}),
        ])
        assert "keep their value on update" in refused.output
        assert "cluster-agent-scheduling-customization" in refused.output and "Nothing was changed" in refused.output
        assert rancher.writes_since(mark) == []
    finally:
        rancher.delete_cluster(name)


@pytest.mark.parametrize("rancher", ["standin", "real"], indirect=True)
def test_v1_cluster_labels_are_written_to_the_management_cluster(rancher, tmp_path):
    name = unique("vc-v1")
    try:
        run = rancher_playbook(tmp_path, rancher, [
            cluster_task(name, api="v1", labels={"team": "a"}, register="created"),
            cluster_task(name, api="v1", labels={"team": "b"}, annotations={"note": "x"}),
        ])
        assert run.rc == 0 and run.changed("localhost") == 2, run.output
        mgmt = rancher.cluster_by_name(name)
        assert mgmt["id"].startswith("c-m-")
        assert mgmt["labels"]["team"] == "b" and mgmt["annotations"]["note"] == "x"
        again = rancher_playbook(tmp_path, rancher, [cluster_task(name, api="v1", labels={"team": "b"},
                                                                  annotations={"note": "x"})])
        assert again.rc == 0 and again.changed("localhost") == 0, again.output
    finally:
        rancher.call("DELETE", f"/v1/provisioning.cattle.io.clusters/fleet-default/{name}")


@pytest.mark.parametrize("rancher", ["standin", "real"], indirect=True)
def test_pages_are_followed(rancher, tmp_path):
    names = [unique("vc-page") for _i in range(3)]
    client = RancherClient(rancher.url, rancher.token, ca_path=rancher.ca_path)
    try:
        for name in names:
            assert rancher.call("POST", "/v3/clusters", {"type": "cluster", "name": name})[0] == 201
        everything = {c["id"] for c in rancher.call("GET", "/v3/clusters?limit=-1")[1]["data"]}
        paged = {c["id"] for c in client.list_all("/v3/clusters", {"limit": "2"})}
        assert paged == everything and len(everything) >= 4
        assert any("marker=" in url for _m, url, _s in client.calls)
    finally:
        for name in names:
            rancher.delete_cluster(name)


@pytest.mark.parametrize("rancher", ["standin", "real"], indirect=True)
def test_local_project_id_is_accepted_by_the_namespace_role(rancher, tenants, k8s, tmp_path):
    project_name = unique("tenants")
    run = rancher_playbook(tmp_path, rancher, [{
        "name": "project", "register": "project",
        "tenancy.vcluster.rancher_project": {"cluster_id": "local", "name": project_name}}, {
        "name": "show", "ansible.builtin.debug": {"msg": "PROJECT={{ project.project.id }}"}}])
    assert run.rc == 0, run.output
    project_id = re.search(r"PROJECT=(local:p-[a-z0-9]+)", run.output).group(1)
    try:
        ns, name = unique("rproj"), "r5"
        inventory = tenants.inventory({name: tenant(ns, vcluster_rancher_project=project_id)}, rancher)
        result = run_playbook("provision.yml", inventory)
        assert result.rc == 0, result.output
        annotations = k8s_client.CoreV1Api(k8s).read_namespace(ns).metadata.annotations
        assert annotations["field.cattle.io/projectId"] == project_id
    finally:
        rancher.call("DELETE", "/v3/projects/" + project_id)


def user_kubeconfig(k8s, admin_kubeconfig: str, user: str, dest: Path) -> Path:
    """A kubeconfig for ``user`` (no groups) with a client certificate from the cluster's own CSR signer."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    csr = x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, user)])).sign(key, hashes.SHA256())
    certificates = k8s_client.CertificatesV1Api(k8s)
    name = unique("tenancy-csr")
    certificates.create_certificate_signing_request({
        "metadata": {"name": name},
        "spec": {"request": base64.b64encode(csr.public_bytes(serialization.Encoding.PEM)).decode(),
                 "signerName": "kubernetes.io/kube-apiserver-client", "usages": ["client auth"],
                 "expirationSeconds": 3600}})
    certificates.patch_certificate_signing_request_approval(name, {"status": {"conditions": [
        {"type": "Approved", "status": "True", "reason": "Test", "message": "tenancy.vcluster test identity"}]}})
    deadline = time.monotonic() + 60
    while not (certificates.read_certificate_signing_request(name).status.certificate):
        assert time.monotonic() < deadline, "kube-controller-manager did not sign the test CSR"
        time.sleep(0.5)
    cert = certificates.read_certificate_signing_request(name).status.certificate
    certificates.delete_certificate_signing_request(name)
    config = yaml.safe_load(Path(admin_kubeconfig).read_text())
    for entry in config["users"]:
        entry["user"] = {"client-certificate-data": cert, "client-key-data": base64.b64encode(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())).decode()}
    dest.write_text(yaml.safe_dump(config))
    dest.chmod(0o600)
    return dest


def test_namespace_preflight_asks_for_the_rancher_project_verbs(tenants, k8s, audit, local_cluster, tmp_path):
    """Rancher's namespace webhook wants manage-namespaces and updatepsa on the project; without them the pre-flight
    stops before any write, with them provisioning goes on (no Rancher server is involved: the host answers)."""
    user, ns, name = unique("tenancy-limited"), unique("rpsa"), "r6"
    project = "c-abc12:p-xyz34"
    rbac = k8s_client.RbacAuthorizationV1Api(k8s)
    shipped = REPO / "extensions" / "rbac" / "tenancy-vcluster-operator.yml"
    operator_rules = yaml.safe_load(shipped.read_text())["rules"]
    everything_but_rancher = {"metadata": {"name": user}, "rules": operator_rules}
    project_verbs = {"metadata": {"name": user + "-project"}, "rules": [{
        "apiGroups": ["management.cattle.io"], "resources": ["projects"], "resourceNames": ["p-xyz34"],
        "verbs": ["manage-namespaces", "updatepsa"]}]}
    bindings = []
    try:
        rbac.create_cluster_role(everything_but_rancher)
        bindings.append(user)
        rbac.create_cluster_role_binding({"metadata": {"name": user}, "roleRef": {
            "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": user},
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": user}]})
        kubeconfig = user_kubeconfig(k8s, local_cluster.kubeconfig, user, tmp_path / "limited.kubeconfig")
        standin = tenants.server("standin", ns, name)
        inventory = tenants.inventory(
            {name: tenant(ns, vcluster_rancher_project=project, vcluster_host_kubeconfig=str(kubeconfig))}, standin)
        mark = audit.mark()
        refused = run_playbook("provision.yml", inventory)
        assert refused.rc != 0
        assert f"manage-namespaces on Rancher project {project}" in refused.output, refused.output
        assert f"updatepsa on Rancher project {project}" in refused.output
        assert [e for e in writes(audit.mutating_since(mark, user=None)) if ns in (e.namespace, e.name)] == []

        rbac.create_cluster_role(project_verbs)
        bindings.append(user + "-project")
        rbac.create_cluster_role_binding({"metadata": {"name": user + "-project"}, "roleRef": {
            "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": user + "-project"},
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": user}]})
        granted = run_playbook("provision.yml", inventory)
        assert granted.rc == 0, granted.output
        annotations = k8s_client.CoreV1Api(k8s).read_namespace(ns).metadata.annotations
        assert annotations["field.cattle.io/projectId"] == project
    finally:
        for binding in bindings:
            rbac.delete_cluster_role_binding(binding)
            rbac.delete_cluster_role(binding)
