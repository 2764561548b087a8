"""Every real chart archive x every distro its version ships, provisioned by the collection on the local control plane.

Under ``enforce=restricted`` each pair is either admitted (every pod of the release Running on the kwok nodes, and
a second run writes nothing, per the audit log) or refused with ``pss-not-hardenable`` before any write: the
legacy 0.15.7 charts of every distro and ``vcluster-k8s``/``vcluster-eks`` 0.19.10, whose pods cannot meet
``restricted`` through values. With ``profile: baseline`` those six provision under ``enforce=baseline``.

One playbook run covers all tenants (forks), then one second run, then one shared teardown (helm uninstall and
namespace deletion; deprovision.yml has its own tests): the matrix costs two playbook runs, not 2 x 62. The
tenants' ``vc-<name>`` Secrets come from one stand-in with one shared virtual API server (``--shared-virtual``),
since a kube-apiserver per tenant would cost ~250 MiB each; the real syncer's own end-to-end tests are in
test_real_syncer.py.
"""

from __future__ import annotations

import os
import re
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from chart_repo import archives
from cluster import delete_namespaces, wait_until
from kubernetes import client as k8s_client
from kubernetes.client.rest import ApiException
from vcluster_fixtures import MATRIX_NAMESPACES, SyncerStandin

from playbooks import local_group_vars, run_playbook, write_inventory, writes

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / ".cache" / "collections"))  # as `make collection` links it
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import dialects

# The pairs the issue lists as not hardenable to `restricted` through values.
NOT_HARDENABLE = {("0.15.7", d) for d in ("k3s", "k8s", "k0s", "eks")} | {("0.19.10", "k8s"), ("0.19.10", "eks")}
FORKS = "8"
SHARED_VIRTUAL = "mx-shared"


def chart_pairs():
    """(version, distro) of every archive version and every distro that version ships (dialects.py's facts)."""
    found = archives()
    pairs = []
    for version in sorted({v for _chart, v in found}, key=dialects.parse_version):
        parsed = dialects.parse_version(version)
        for distro in dialects.supported_distros(parsed):
            chart = dialects.chart_name(parsed, distro)
            assert (chart, version) in found, f"no archive {chart}-{version}.tgz for distro {distro}"
            pairs.append((version, distro))
    return pairs


def host_name(version: str, distro: str, profile: str) -> str:
    return f"mx-{version.replace('.', '-')}-{distro}" + ("-b" if profile == "baseline" else "")


def failures(output: str, host: str) -> str:
    """The text of every ``fatal: [host]`` / ``failed: [host]`` line of the run."""
    return "\n".join(line for line in output.splitlines() if re.match(rf"^(fatal|failed): \[{re.escape(host)}\]", line))


def touches(event, namespace: str) -> bool:
    return event.namespace == namespace or (event.resource == "namespaces" and event.name == namespace)


@pytest.fixture(scope="module")
def matrix(local_cluster, chart_repo, helm, k8s, audit, tmp_path_factory):
    """Provision every pair twice (restricted) plus the not-hardenable pairs with profile baseline; yield the runs."""
    work = tmp_path_factory.mktemp("matrix")
    suffix = uuid.uuid4().hex[:4]
    tenants = {}
    for version, distro in chart_pairs():
        profiles = ["restricted"] + (["baseline"] if (version, distro) in NOT_HARDENABLE else [])
        for profile in profiles:
            host = host_name(version, distro, profile)
            tenants[host] = {
                "vcluster_namespace": f"{host}-{suffix}",
                "vcluster_name": "vc",
                "vcluster_chart_version": version,
                "vcluster_distro": distro,
                "vcluster_profile": profile,
                "_pair": (version, distro),
            }
    assert all(re.match(MATRIX_NAMESPACES, t["vcluster_namespace"]) for t in tenants.values())
    inventory = write_inventory(
        work / "matrix.yml",
        {h: {k: v for k, v in t.items() if not k.startswith("_")} for h, t in tenants.items()},
        local_group_vars(local_cluster, chart_repo, work),
    )
    standin = SyncerStandin(
        local_cluster.kubeconfig,
        work / "standin.log",
        {**os.environ, **local_cluster.env},
        scope=("--namespace-pattern", MATRIX_NAMESPACES, "--shared-virtual", SHARED_VIRTUAL, "--interval", "0.5"),
    )
    local_cluster.virtual(SHARED_VIRTUAL)
    standin.start()
    timings = {}
    try:
        mark = audit.mark()
        t0 = time.monotonic()
        first = run_playbook("provision.yml", inventory, "--forks", FORKS, timeout=3600)
        timings["first"] = time.monotonic() - t0
        first_events = audit.mutating_since(mark)
        mark = audit.mark()
        t0 = time.monotonic()
        second = run_playbook("provision.yml", inventory, "--forks", FORKS, timeout=3600)
        timings["second"] = time.monotonic() - t0
        second_writes = writes(audit.mutating_since(mark))
        yield {
            "tenants": tenants,
            "first": first,
            "first_events": first_events,
            "second": second,
            "second_writes": second_writes,
            "timings": timings,
        }
    finally:
        # One shared teardown (deprovision.yml has its own tests): the releases, then their namespaces.
        t0 = time.monotonic()
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda t: helm("uninstall", "vc", "-n", t["vcluster_namespace"], "--no-hooks", check=False),
                          tenants.values()))  # fmt: skip
        delete_namespaces(k8s, [t["vcluster_namespace"] for t in tenants.values()])
        standin.stop()
        local_cluster.virtual_down(SHARED_VIRTUAL)
        timings["teardown"] = time.monotonic() - t0
        print(f"chart matrix timings (s): {timings}")


def _admitted_and_running(core, namespace):
    pods = core.list_namespaced_pod(namespace).items
    events = core.list_namespaced_event(namespace).items
    refused = [e.message for e in events if e.reason == "FailedCreate" and "PodSecurity" in (e.message or "")]
    return pods, refused


def test_the_matrix_has_every_archive_and_distro():
    pairs = chart_pairs()
    assert len(pairs) == 56, pairs
    assert set(pairs) >= NOT_HARDENABLE


def test_every_pair_is_admitted_under_restricted_or_refused_before_any_write(matrix, k8s):
    core = k8s_client.CoreV1Api(k8s)
    first, second = matrix["first"], matrix["second"]
    recap = first.recap()
    problems = []
    for host, tenant in sorted(matrix["tenants"].items()):
        if tenant["vcluster_profile"] != "restricted":
            continue
        ns, pair = tenant["vcluster_namespace"], tenant["_pair"]
        if pair in NOT_HARDENABLE:
            if recap[host]["failed"] != 1 or "pss-not-hardenable" not in failures(first.output, host):
                problems.append(f"{host}: expected a pss-not-hardenable refusal, got {recap[host]}")
            if any(touches(e, ns) for e in writes(matrix["first_events"])):
                problems.append(f"{host}: refused, but something was written in namespace {ns}")
            try:
                core.read_namespace(ns)
                problems.append(f"{host}: refused, but namespace {ns} exists")
            except ApiException as exc:
                assert exc.status == 404
            continue
        if recap[host]["failed"] or not recap[host]["changed"]:
            problems.append(f"{host}: first run {recap[host]}:\n{failures(first.output, host)}")
            continue
        labels = core.read_namespace(ns).metadata.labels
        if labels.get("pod-security.kubernetes.io/enforce") != "restricted":
            problems.append(f"{host}: namespace enforce label {labels}")
        pods, refused = _admitted_and_running(core, ns)
        if refused or not pods or any(p.status.phase != "Running" for p in pods):
            problems.append(f"{host}: pods {[(p.metadata.name, p.status.phase) for p in pods]}, refused {refused}")
        if second.recap()[host]["changed"] != 0:
            problems.append(f"{host}: the second run changed {second.recap()[host]['changed']} things")
    assert matrix["second_writes"] == [], [(e.verb, e.uri) for e in matrix["second_writes"]]
    assert not problems, "\n".join(problems)
    print(f"chart matrix timings (s): {matrix['timings']}")


def test_not_hardenable_legacy_charts_provision_with_profile_baseline(matrix, k8s):
    core = k8s_client.CoreV1Api(k8s)
    first = matrix["first"]
    baseline = {h: t for h, t in matrix["tenants"].items() if t["vcluster_profile"] == "baseline"}
    assert {t["_pair"] for t in baseline.values()} == NOT_HARDENABLE
    problems = []
    for host, tenant in sorted(baseline.items()):
        ns = tenant["vcluster_namespace"]
        if first.recap()[host]["failed"]:
            problems.append(f"{host}: {failures(first.output, host)}")
            continue
        assert core.read_namespace(ns).metadata.labels["pod-security.kubernetes.io/enforce"] == "baseline"
        running = wait_until(
            lambda ns=ns: all(p.status.phase == "Running" for p in core.list_namespaced_pod(ns).items),
            timeout=60,
            what=f"the pods of {host} to run",
        )
        pods, refused = _admitted_and_running(core, ns)
        if not running or refused or not pods:
            problems.append(f"{host}: pods {[(p.metadata.name, p.status.phase) for p in pods]}, refused {refused}")
        if matrix["second"].recap()[host]["changed"] != 0:
            problems.append(f"{host}: the second run changed things")
    assert not problems, "\n".join(problems)
