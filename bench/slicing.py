"""AWX job slicing on one machine: the AWX project's provision.yml through ansible-runner, once over the whole fleet
and as k slices started at the same time (each with the hosts AWX gives its slice: ordered by name, every k-th)."""

from __future__ import annotations

import time
from pathlib import Path

from awx_jobs import AwxJob, awx_slices
from bench_site import LOGS, Site, is_write, log
from measure import CpuWindow


def _job(site: Site, base: Path, tenants: dict[str, str], hosts: list[str]) -> AwxJob:
    inventory = {"vclusters": {"hosts": site.hosts({h: tenants[h] for h in hosts}),
                               "vars": site.group_vars(host_kubeconfig=False)}}
    credential = {"Host cluster kubeconfig": {"kubeconfig": Path(site.kubeconfig).read_text()}}
    extra_env = {"ANSIBLE_CONFIG": site.settings["ansible_cfg"]} if site.settings["ansible_cfg"] else None
    return AwxJob(base, "provision.yml", inventory, {}, credential, extra_env=extra_env)


def _run_jobs(site: Site, label: str, jobs: list[AwxJob]) -> dict:
    mark = site.audit.mark()
    window = CpuWindow().start()
    for job in jobs:
        job.start()
    results = [job.wait(timeout=3600) for job in jobs]
    seconds, user, system, _faults = window.stop()
    writes = [e for e in site.audit.events_since(mark) if is_write(e)]
    for i, result in enumerate(results):
        (LOGS / f"{label}-{i}.txt").write_text(result.stdout)
    failed = [r.ident for r in results if r.rc != 0]
    if failed:
        raise RuntimeError(f"AWX job(s) {failed} failed: {LOGS}/{label}-*.txt")
    processed = sorted(h for r in results for h in r.processed() if h != "localhost")
    return {"seconds": round(seconds, 2), "cpu_s": round(user + system, 2), "cpu_sys_s": round(system, 2),
            "jobs": len(jobs), "tenants": len(processed), "distinct_tenants": len(set(processed)),
            "writes": len(writes)}


def measure_slicing(site: Site, tenants: dict[str, str], count: int = 4) -> dict:
    """A no-op fleet job over ``tenants`` as one job, then as ``count`` slices at once (forks as the job runs)."""
    base = site.tmp / "awx"
    base.mkdir(exist_ok=True)
    n = len(tenants)
    log(f"AWX fleet job over {n} tenants, one job (ansible-runner)")
    whole = _run_jobs(site, f"awx-{n}-whole", [_job(site, base, tenants, list(tenants))])
    time.sleep(1)
    log(f"AWX fleet job over {n} tenants, {count} slices at once")
    sliced = _run_jobs(site, f"awx-{n}-sliced", [_job(site, base, tenants, hosts)
                                                 for hosts in awx_slices(list(tenants), count)])
    for r in (whole, sliced):
        r.update(s_per_tenant=round(r["seconds"] / n, 3), cpu_s_per_tenant=round(r["cpu_s"] / n, 3))
    return {"n": n, "slices": count, "whole": whole, "sliced": sliced,
            "sliced_vs_whole_seconds": round(sliced["seconds"] / whole["seconds"], 2),
            "sliced_vs_whole_cpu": round(sliced["cpu_s"] / whole["cpu_s"], 2)}
