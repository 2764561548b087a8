"""provision.yml / deprovision.yml end to end on the local control plane (issue: provision and deprovision)."""

from __future__ import annotations

import base64
import json
import os
import stat
import uuid

import pytest
import yaml
from cluster import delete_namespaces, wait_until
from kubernetes import client as k8s_client
from kubernetes import config as k8s_config
from kubernetes.client.rest import ApiException

from playbooks import local_group_vars, run_playbook, write_inventory, writes

CHART_VERSION = "0.36.1"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:5]}"


@pytest.fixture
def fleet(local_cluster, chart_repo, syncer_standin, tmp_path, k8s):
    """Writes inventories for tenants and removes whatever namespaces they used afterwards."""
    used_namespaces: list[str] = []

    def make(tenants: dict[str, dict], name: str = "hosts.yml"):
        for vars_ in tenants.values():
            used_namespaces.append(vars_["vcluster_namespace"])
        return write_inventory(tmp_path / name, tenants, local_group_vars(local_cluster, chart_repo, tmp_path))

    yield make
    delete_namespaces(k8s, used_namespaces)


def tenant(namespace: str, **extra) -> dict:
    return {"vcluster_namespace": namespace, "vcluster_chart_version": CHART_VERSION, **extra}


def kubeconfig_path(tmp_path, namespace, name):
    return tmp_path / "kubeconfigs" / f"{namespace}-{name}.kubeconfig"


def test_provision_creates_a_locked_down_tenant_and_is_idempotent(fleet, k8s, audit, tmp_path):
    ns = unique("prov")
    inventory = fleet({"t1": tenant(ns, vcluster_isolation={"enabled": True, "extra_egress_cidrs": ["10.9.0.0/16"]})})

    first = run_playbook("provision.yml", inventory)
    assert first.rc == 0, first.output
    assert first.changed("t1") > 0

    core, apps = k8s_client.CoreV1Api(k8s), k8s_client.AppsV1Api(k8s)
    labels = core.read_namespace(ns).metadata.labels
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
    assert labels["pod-security.kubernetes.io/enforce-version"] == "latest"
    assert labels["pod-security.kubernetes.io/warn"] == "restricted"
    assert labels["tenancy.vcluster/created"] == "true"

    sts = apps.read_namespaced_stateful_set("t1", ns)
    assert sts.metadata.labels["release"] == "t1"
    assert core.read_namespaced_resource_quota("vc-t1", ns)
    assert core.read_namespaced_limit_range("vc-t1", ns)
    policies = {p.metadata.name for p in k8s_client.NetworkingV1Api(k8s).list_namespaced_network_policy(ns).items}
    assert {"vc-work-t1", "vc-cp-t1", "t1-extra-egress"} <= policies

    # Every pod of the release was admitted by PodSecurity enforcing `restricted` and is running on kwok nodes.
    pods = core.list_namespaced_pod(ns, label_selector="app=vcluster,release=t1").items
    assert pods and all(p.status.phase == "Running" for p in pods)

    kubeconfig = kubeconfig_path(tmp_path, ns, "t1")
    assert stat.S_IMODE(os.stat(kubeconfig).st_mode) == 0o600
    virtual = k8s_config.new_client_from_config(config_file=str(kubeconfig))
    try:
        names = {n.metadata.name for n in k8s_client.CoreV1Api(virtual).list_namespace().items}
    finally:
        virtual.close()
    assert "default" in names and ns not in names  # the tenant sees its own API server, not the host's

    mark = audit.mark()
    second = run_playbook("provision.yml", inventory)
    assert second.rc == 0, second.output
    assert second.changed("t1") == 0, second.output
    assert writes(audit.mutating_since(mark)) == []


def test_drift_on_the_host_takes_the_full_path_and_is_repaired(fleet, k8s, audit):
    """The one-step in-sync check never hides drift: a removed Pod Security label, a deleted extra egress policy or
    a host service a mapping needs send the tenant through the pre-flight and the roles, which repair or report."""
    ns = unique("drift")
    host_service = unique("svc")
    core, net = k8s_client.CoreV1Api(k8s), k8s_client.NetworkingV1Api(k8s)
    service = {"metadata": {"name": host_service}, "spec": {"ports": [{"port": 80}]}}
    core.create_namespaced_service("default", service)
    try:
        inventory = fleet({"t1": tenant(
            ns,
            vcluster_isolation={"enabled": True, "extra_egress_cidrs": ["10.9.0.0/16"]},
            vcluster_map_services={"from_host": [{"from": f"default/{host_service}", "to": "default/mapped"}]},
            vcluster_allow=[{"id": "boundary-namespace", "reason": "the test maps a service of namespace default"}],
        )})
        assert run_playbook("provision.yml", inventory).rc == 0

        core.patch_namespace(ns, {"metadata": {"labels": {"pod-security.kubernetes.io/enforce": None}}})
        net.delete_namespaced_network_policy("t1-extra-egress", ns)
        repair = run_playbook("provision.yml", inventory, "-v")
        assert repair.rc == 0, repair.output
        assert "the namespace lacks a label or annotation" in repair.output
        assert core.read_namespace(ns).metadata.labels["pod-security.kubernetes.io/enforce"] == "restricted"
        assert net.read_namespaced_network_policy("t1-extra-egress", ns)

        mark = audit.mark()
        quiet = run_playbook("provision.yml", inventory, "-v")
        assert quiet.rc == 0 and quiet.changed("t1") == 0, quiet.output
        assert "nothing to change" in quiet.output
        assert writes(audit.mutating_since(mark)) == []
    finally:
        core.delete_namespaced_service(host_service, "default")
    missing = run_playbook("provision.yml", inventory)
    assert missing.rc != 0
    assert f"vcluster_map_services.from_host maps host service(s) that do not exist: default/{host_service}" in (
        missing.output
    )


def test_check_diff_reports_a_change_without_writing(fleet, audit):
    ns = unique("check")
    inventory = fleet({"t2": tenant(ns)})
    assert run_playbook("provision.yml", inventory).rc == 0

    changed = fleet(
        {"t2": tenant(ns, vcluster_isolation={"enabled": True, "resource_quota": {"quota": {"requests.cpu": "3"}}})},
        name="changed.yml",
    )
    mark = audit.mark()
    check = run_playbook("provision.yml", changed, "--check", "--diff")
    assert check.rc == 0, check.output
    assert check.changed("t2") > 0
    assert "requests.cpu" in check.output
    assert writes(audit.mutating_since(mark)) == []


def helm_revisions(k8s, namespace: str, release: str) -> list[str]:
    secrets = k8s_client.CoreV1Api(k8s).list_namespaced_secret(namespace, label_selector=f"owner=helm,name={release}")
    return sorted(s.metadata.labels["version"] for s in secrets.items)


def task_result(output: str, task: str, host: str) -> str:
    """What the default callback printed for ``host`` under the last ``TASK [task]`` (or ``[role : task]``) header."""
    block = output.rsplit(f"{task}]", 1)[1].split("\nTASK [", 1)[0]
    for line in block.splitlines():
        if f"[{host}]" in line:
            return line.split(":", 1)[0].strip()
    return "<not run>"


def test_release_is_upgraded_on_change_and_left_alone_when_in_sync(fleet, k8s, audit, tmp_path):
    """Helm, the chart render and its Pod Security check run only when the values or the chart version differ from
    the deployed revision; a tenant with nothing to change passes in the one-step in-sync check."""
    ns = unique("sync")
    inventory = fleet({"t3": tenant(ns)})
    assert run_playbook("provision.yml", inventory).rc == 0
    assert helm_revisions(k8s, ns, "t3") == ["1"]

    quota = {"enabled": True, "resource_quota": {"quota": {"requests.cpu": "3"}}}
    changed = fleet({"t3": tenant(ns, vcluster_isolation=quota)}, name="changed.yml")
    upgrade = run_playbook("provision.yml", changed)
    assert upgrade.rc == 0, upgrade.output
    assert task_result(upgrade.output, IN_SYNC_TASK, "t3") == "ok"
    assert task_result(upgrade.output, "Install or upgrade the vcluster release", "t3") == "changed"
    pod_check = "Check every pod the chart renders against the Pod Security Standard"
    assert task_result(upgrade.output, pod_check, "t3") == "ok"
    assert helm_revisions(k8s, ns, "t3") == ["1", "2"]
    hard = k8s_client.CoreV1Api(k8s).read_namespaced_resource_quota("vc-t3", ns).spec.hard
    assert hard["requests.cpu"] == "3"

    # Only the kubeconfig file differs: the full path runs and leaves the release alone.
    kubeconfig = kubeconfig_path(tmp_path, ns, "t3")
    kubeconfig.unlink()
    mark = audit.mark()
    refresh = run_playbook("provision.yml", changed)
    assert refresh.rc == 0, refresh.output
    assert refresh.changed("t3") == 1
    assert kubeconfig.exists()
    assert task_result(refresh.output, "Install or upgrade the vcluster release", "t3") == "skipping"
    assert task_result(refresh.output, "Render the chart as Helm would install it", "t3") == "skipping"

    again = run_playbook("provision.yml", changed, "-v")
    assert again.rc == 0, again.output
    assert again.changed("t3") == 0
    assert "nothing to change" in again.output
    assert ": Install or upgrade the vcluster release]" not in again.output
    assert ": Read the host cluster once" not in again.output
    assert helm_revisions(k8s, ns, "t3") == ["1", "2"]
    assert writes(audit.mutating_since(mark)) == []


IN_SYNC_TASK = "Check each tenant and group it as in sync or by state and nesting level"


ROOT = {"runAsUser": 0}
BAD_INPUTS = [
    ("name-too-long", {"vcluster_name": "t" * 60}, "name-too-long"),
    ("k3s-on-0.33", {"vcluster_distro": "k3s"}, "distro-unsupported"),
    ("bad-cidr", {"vcluster_isolation": {"enabled": True, "extra_egress_cidrs": ["10.0.0.300/8"]}}, "cidr-invalid"),
    (
        "run-as-root",
        {"vcluster_values": {"controlPlane": {"statefulSet": {"security": {"containerSecurityContext": ROOT}}}}},
        "pss-run-as-user",
    ),
    (
        "missing-host-service",
        {"vcluster_map_services": {"from_host": [{"from": "nowhere/db", "to": "default/db"}]}},
        "vcluster_map_services.from_host",
    ),
]


@pytest.mark.parametrize(("case", "extra", "expected"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_fails_before_any_write(fleet, audit, k8s, case, extra, expected):
    ns = unique("bad")
    inventory = fleet({"bad": tenant(ns, **extra)})
    mark = audit.mark()
    run = run_playbook("provision.yml", inventory)
    assert run.rc != 0
    assert expected in run.output
    assert writes(audit.mutating_since(mark)) == []
    with pytest.raises(ApiException) as missing:
        k8s_client.CoreV1Api(k8s).read_namespace(ns)
    assert missing.value.status == 404


def test_ten_tenants_in_parallel_and_one_failure_does_not_stop_the_others(fleet, k8s):
    tenants = {f"f{i}": tenant(unique(f"fleet{i}")) for i in range(10)}
    tenants["broken"] = tenant(unique("fleetbad"), vcluster_distro="k0s")
    inventory = fleet(tenants)
    run = run_playbook("provision.yml", inventory, "--forks", "11")
    assert run.rc != 0
    assert run.failed("broken") == 1
    helm_releases = set()
    for host, vars_ in tenants.items():
        if host == "broken":
            continue
        assert run.failed(host) == 0, run.output
        core = k8s_client.CoreV1Api(k8s)
        secrets = core.list_namespaced_secret(vars_["vcluster_namespace"], label_selector="owner=helm")
        helm_releases |= {(vars_["vcluster_namespace"], s.metadata.labels["name"]) for s in secrets.items}
    assert len(helm_releases) == 10


def get_json(k8s, path: str) -> dict:
    response = k8s.call_api("GET", k8s.configuration.host + path)
    response.read()
    return json.loads(response.data)


def namespaced_objects(k8s, namespace: str) -> list[str]:
    """Every object in the namespace, over every namespaced kind the API server serves."""
    found = []
    groups = [("", "v1")] + [
        (g.name, g.preferred_version.version) for g in k8s_client.ApisApi(k8s).get_api_versions().groups
    ]
    for group, version in groups:
        base = f"/api/{version}" if not group else f"/apis/{group}/{version}"
        for res in get_json(k8s, base)["resources"]:
            if not res["namespaced"] or "/" in res["name"] or "list" not in res["verbs"]:
                continue
            if res["kind"] == "Event":  # written by the scheduler and kwok, expire on their own
                continue
            items = get_json(k8s, f"{base}/namespaces/{namespace}/{res['name']}")["items"]
            found += [f"{res['kind']}/{i['metadata']['name']}" for i in items]
    return found


def test_deprovision_leaves_nothing_behind(fleet, k8s, namespace_factory, tmp_path):
    # A namespace the operator made: the tenant's objects go, the namespace stays.
    ns = namespace_factory()
    inventory = fleet({"t3": tenant(ns)})
    assert run_playbook("provision.yml", inventory).rc == 0
    before = namespaced_objects(k8s, ns)
    assert any(o.startswith("StatefulSet/") for o in before)

    run = run_playbook("deprovision.yml", inventory)
    assert run.rc == 0, run.output

    def leftovers():
        defaults = ("ConfigMap/kube-root-ca.crt", "ServiceAccount/default")
        return [o for o in namespaced_objects(k8s, ns) if o not in defaults]

    # owner-referenced objects (ControllerRevisions, EndpointSlices) go through the garbage collector
    wait_until(lambda: not leftovers(), timeout=60, what=f"an empty namespace {ns}, left: {leftovers()}")
    assert k8s_client.CoreV1Api(k8s).read_namespace(ns)  # not created by us: kept
    assert not kubeconfig_path(tmp_path, ns, "t3").exists()

    # A namespace the collection created: removed with the tenant.
    own = unique("own")
    inventory = fleet({"t4": tenant(own)}, name="own.yml")
    assert run_playbook("provision.yml", inventory).rc == 0
    assert run_playbook("deprovision.yml", inventory).rc == 0
    with pytest.raises(ApiException) as gone:
        k8s_client.CoreV1Api(k8s).read_namespace(own)
    assert gone.value.status == 404


def test_exported_kubeconfig_is_not_in_the_output(fleet, tmp_path):
    ns = unique("secret")
    inventory = fleet({"t5": tenant(ns)})
    run = run_playbook("provision.yml", inventory, "-v")
    assert run.rc == 0, run.output
    config = yaml.safe_load(kubeconfig_path(tmp_path, ns, "t5").read_text())
    key = config["users"][0]["user"]["client-key-data"]
    assert key not in run.output
    assert base64.b64decode(key).decode(errors="ignore")[:40] not in run.output
