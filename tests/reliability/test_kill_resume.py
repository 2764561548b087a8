"""Kill provision.yml at random points, re-run it, and check the tenant converges with no duplicates or orphans.

Kill times come from a seeded RNG within the measured duration of an uninterrupted run, so a failure is
reproducible (the seed and the kill time are in the assertion message). Two targeted kills make sure the helm
phase is hit: while the first install is ``pending-install`` and while an upgrade is ``pending-upgrade``; the
release role must recover from both on the re-run (it deletes the interrupted record, see roles/release).
"""

from __future__ import annotations

import json
import os
import random
import stat
import time
import uuid

import pytest
import yaml
from kubernetes import client as k8s_client
from runner import CHART_VERSION, group_vars, run, run_and_kill, write_inventory

SEEDS = (11, 23, 37)
NAME = "t"


@pytest.fixture
def tenant_env(local_cluster, identity, chart_repo, syncer, tmp_path, cleanup_namespaces):
    def make(tag: str, **extra):
        ns = f"kill-{tag}-{uuid.uuid4().hex[:5]}"
        cleanup_namespaces.append(ns)
        host = {"vcluster_namespace": ns, "vcluster_chart_version": CHART_VERSION, "vcluster_name": NAME, **extra}
        inv = write_inventory(tmp_path / f"{ns}.yml", {f"h-{ns}": host}, group_vars(identity, chart_repo, tmp_path))
        return ns, inv

    return make


def releases(helm, identity, ns):
    out = helm("--kubeconfig", identity, "list", "-A", "-a", "-o", "json").stdout
    return [r for r in json.loads(out or "[]") if r["namespace"] == ns]


def helm_records(k8s, ns, status=None):
    sel = f"owner=helm,name={NAME}" + (f",status={status}" if status else "")
    return k8s_client.CoreV1Api(k8s).list_namespaced_secret(ns, label_selector=sel).items


def assert_converged(k8s, helm, identity, tmp_path, ns, context):
    core, apps = k8s_client.CoreV1Api(k8s), k8s_client.AppsV1Api(k8s)
    rel = releases(helm, identity, ns)
    assert [(r["name"], r["status"]) for r in rel] == [(NAME, "deployed")], context
    pending = [s.metadata.name for s in helm_records(k8s, ns) if s.metadata.labels["status"].startswith("pending")]
    assert pending == [], context
    assert len(core.list_namespace(field_selector=f"metadata.name={ns}").items) == 1, context
    # the kubeconfig Secret(s) the syncer wrote for this vcluster: exactly vc-<name>
    vc = [s.metadata.name for s in core.list_namespaced_secret(ns, label_selector=f"vcluster-name={NAME}").items]
    assert vc == [f"vc-{NAME}"], context
    sts = apps.list_namespaced_stateful_set(ns, label_selector="app=vcluster").items
    assert [s.metadata.name for s in sts] == [NAME], context
    kubeconfig = tmp_path / "kubeconfigs" / f"{ns}-{NAME}.kubeconfig"
    assert stat.S_IMODE(os.stat(kubeconfig).st_mode) == 0o600, context


@pytest.fixture(scope="module")
def reference_duration():
    """Seconds of one uninterrupted provision run (measured by the first test of the module)."""
    return {}


def test_reference_run(tenant_env, reference_duration, k8s, helm, identity, tmp_path):
    ns, inv = tenant_env("ref")
    t0 = time.monotonic()
    first = run(inv)
    reference_duration["seconds"] = time.monotonic() - t0
    assert first.rc == 0, first.output
    assert_converged(k8s, helm, identity, tmp_path, ns, "reference run")


@pytest.mark.parametrize("seed", SEEDS)
def test_kill_at_a_random_point_then_rerun(seed, tenant_env, reference_duration, k8s, helm, identity, tmp_path):
    duration = reference_duration.get("seconds", 20.0)
    kill_after = round(random.Random(seed).uniform(0.05, 0.95) * duration, 2)
    ns, inv = tenant_env(f"s{seed}")
    killed = run_and_kill(inv, after=kill_after)
    context = f"seed {seed}: killed after {kill_after}s of a {duration:.1f}s run ({killed})"
    rerun = run(inv)
    assert rerun.rc == 0, f"{context}\n{rerun.output}"
    assert_converged(k8s, helm, identity, tmp_path, ns, context)
    again = run(inv)
    assert again.rc == 0 and sum(h["changed"] for h in again.recap().values()) == 0, f"{context}\n{again.output}"


def test_kill_while_install_is_pending(tenant_env, k8s, helm, identity, tmp_path):
    ns, inv = tenant_env("pi")
    killed = run_and_kill(inv, until=lambda: bool(helm_records(k8s, ns, "pending-install")))
    assert killed["killed_at"] is not None, "the run finished before helm's install was seen pending"
    assert [r["status"] for r in releases(helm, identity, ns)] == ["pending-install"]
    rerun = run(inv)
    assert rerun.rc == 0, rerun.output
    assert_converged(k8s, helm, identity, tmp_path, ns, f"pending-install ({killed})")


def test_kill_while_upgrade_is_pending(tenant_env, k8s, helm, identity, tmp_path, chart_repo):
    ns, inv = tenant_env("pu")
    assert run(inv).rc == 0
    inventory = yaml.safe_load(inv.read_text())
    for host in inventory["vclusters"]["hosts"].values():
        host["vcluster_isolation"] = {"enabled": True, "resource_quota": {"quota": {"requests.cpu": "3"}}}
    inv.write_text(yaml.safe_dump(inventory, sort_keys=False))
    killed = run_and_kill(inv, until=lambda: bool(helm_records(k8s, ns, "pending-upgrade")))
    assert killed["killed_at"] is not None, "the run finished before helm's upgrade was seen pending"
    rerun = run(inv)
    assert rerun.rc == 0, rerun.output
    assert_converged(k8s, helm, identity, tmp_path, ns, f"pending-upgrade ({killed})")
    rq = k8s_client.CoreV1Api(k8s).read_namespaced_resource_quota(f"vc-{NAME}", ns)
    assert rq.spec.hard["requests.cpu"] == "3"
