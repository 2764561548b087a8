"""The measured scenarios of one bench run: each returns plain data for results/latest.json."""

from __future__ import annotations

import re
from pathlib import Path

from bench_site import REPO, Site, log
from charts import CHART_VERSION
from measure import CpuWindow

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.host_objects import tenant_namespace

RENDER = REPO / "bench" / "playbooks" / "render_values.yml"
RECAP = re.compile(r"^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)
# A tenant with one bad value each, and what the message must name. Caught by the tenant check, by the chart's
# values schema and by the Pod Security check of the hardened values: the latter two after the host read.
BAD_VALUES = {
    "chart_version": ({"vcluster_chart_version": "latest"}, "version-unsupported"),
    "values_schema": (
        {"vcluster_values": {"controlPlane": {"statefulSet": {"highAvailability": {"replicas": "three"}}}}},
        "schema",
    ),
    "pod_security": (
        {
            "vcluster_values": {
                "controlPlane": {"statefulSet": {"security": {"containerSecurityContext": {"privileged": True}}}}
            }
        },
        "pss-privileged",
    ),
}


def changed_hosts(output: str) -> int:
    return sum(1 for m in RECAP.finditer(output) if int(m[3]) > 0)


def psa_labels(namespace: str, profile: str = "restricted") -> dict[str, str]:
    """The Pod Security labels the collection puts on a tenant namespace (and nothing else of it)."""
    labels = tenant_namespace({"namespace": namespace, "profile": profile})["metadata"]["labels"]
    return {k: v for k, v in labels.items() if k.startswith("pod-security.kubernetes.io/")}


def chart_archive(site: Site) -> Path:
    return site.tmp / "charts" / f"vcluster-{CHART_VERSION}.tgz"


def render_values(site: Site, tag: str, tenants: dict[str, str]) -> dict[str, Path]:
    """Each tenant's values as the collection renders them (its pre-flight, reads only), outside every timing."""
    run = site.playbook(
        f"render-{tag}", site.inventory(f"render-{tag}", tenants), len(tenants), playbook=RENDER, memory=False
    )
    assert not run.writes, f"the pre-flight wrote to the cluster: {run.writes}"
    files = {h: site.tmp / "work" / "values" / f"{ns}-{h}.yaml" for h, ns in tenants.items()}
    missing = [str(p) for p in files.values() if not p.is_file()]
    assert not missing, f"the pre-flight wrote no values file: {missing}"
    return files


# ------------------------------------------------------------------------------------------------ scenarios
def warm_up(site: Site) -> None:
    """One tenant first, unmeasured: the chart is pulled into the work dir's cache, disk caches are warm."""
    tenants = site.new_tenants("warm", 1)
    site.playbook("warm-up", site.inventory("warm-up", tenants), 1, memory=False)


def one_tenant(site: Site) -> dict:
    """One fresh tenant with provision.yml against the operator's whole manual path for one (reported only)."""
    tenants = site.new_tenants("one", 1)
    run = site.playbook("one-tenant", site.inventory("one-tenant", tenants), 1)
    manual = site.new_tenants("onem", 1)
    ((host, ns),) = manual.items()
    values = render_values(site, "onem", manual)[host]
    window = CpuWindow().start()
    site.manual_tenant(host, ns, values, chart_archive(site), psa_labels(ns), export_kubeconfig=True)
    seconds, user, system, _faults = window.stop()
    log(f"manual one tenant: {seconds:.1f} s, {user + system:.1f} CPU-s")
    return {
        "playbook": run.summary(),
        "manual": {"seconds": round(seconds, 2), "cpu_s": round(user + system, 2)},
        "ratio": round(run.measured.seconds / seconds, 2),
    }


def first_errors(site: Site) -> dict:
    """Time to the first clear error for a tenant with one bad value; nothing may be written before it."""
    out = {}
    for case, (host_vars, expect) in BAD_VALUES.items():
        tenants = site.new_tenants(f"bad-{case.replace('_', '')}", 1)
        run = site.playbook(
            f"bad-{case}", site.inventory(f"bad-{case}", tenants, **host_vars), 1, expect_ok=False, memory=False
        )
        m = run.measured
        out[case] = {
            "first_error_s": round(m.first_error_s, 2) if m.first_error_s is not None else None,
            "seconds": round(m.seconds, 2),
            "cpu_s": round(m.cpu, 2),
            "rc": m.rc,
            "names_the_problem": expect in m.output,
            "expect": expect,
            "writes": len(run.writes),
        }
        if m.rc == 0 or expect not in m.output or run.writes:
            log(f"WARNING bad value {case}: rc {m.rc}, '{expect}' in output: {expect in m.output}, writes {run.writes}")
    return out


def fleet_first(site: Site, n: int) -> tuple[dict, dict[str, str]]:
    tenants = site.new_tenants(f"f{n}", n)
    run = site.playbook(f"first-{n}", site.inventory(f"first-{n}", tenants), n)
    return {**run.summary(), "changed_hosts": changed_hosts(run.measured.output)}, tenants


def manual_loop(site: Site, n: int) -> dict:
    """The sequential manual CLI loop for ``n`` fresh tenants: kubectl create namespace, the Pod Security labels,
    helm upgrade -i --wait with the collection's values (rendered before the clock starts)."""
    tenants = site.new_tenants(f"m{n}", n)
    values = render_values(site, f"m{n}", tenants)
    chart = chart_archive(site)
    labels = {h: psa_labels(ns) for h, ns in tenants.items()}
    window = CpuWindow().start()
    for host, ns in tenants.items():
        site.manual_tenant(host, ns, values[host], chart, labels[host])
    seconds, user, system, faults = window.stop()
    log(f"manual loop {n}: {seconds:.1f} s, {user + system:.1f} CPU-s, {seconds / n:.2f} s per tenant")
    return {
        "n": n,
        "seconds": round(seconds, 2),
        "cpu_s": round(user + system, 2),
        "cpu_sys_s": round(system, 2),
        "s_per_tenant": round(seconds / n, 3),
        "cpu_s_per_tenant": round((user + system) / n, 3),
        "minor_faults": faults,
    }


def fill(site: Site, n: int) -> dict[str, str]:
    """``n`` more tenants provisioned unmeasured, so the no-op runs find a fleet of the size they need."""
    tenants = site.new_tenants("fill", n)
    if n:
        site.playbook(f"fill-{n}", site.inventory(f"fill-{n}", tenants), n, memory=False)
    return tenants


def noop(site: Site, tenants: dict[str, str]) -> dict:
    n = len(tenants)
    run = site.playbook(f"noop-{n}", site.inventory(f"noop-{n}", tenants), n)
    return {**run.summary(), "changed_hosts": changed_hosts(run.measured.output), "write_events": run.writes[:20]}
