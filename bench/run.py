"""Fleet speed of provision.yml on the bench's own local control plane, with the real vcluster chart, in one run.

    .venv/bin/python bench/run.py                       # = make bench: the measures (stage "measure")
    .venv/bin/python bench/run.py profile               # = make bench-profile: where the no-op time goes
    .venv/bin/python bench/run.py measure profile       # both, the profile on the measure's tenants
    .venv/bin/python bench/run.py --sizes 2,4 --slice-n 4 --profile-n 2 measure profile   # a quick check

Stage "measure" (bench/README.md says what each figure is): one tenant against the manual path; the first error of a
tenant with a bad value; the fleet's first provision of N = 10, 50 against the sequential manual CLI loop; a fleet
no-op of N = 10, 50, 100; an AWX fleet job of 100 as one job and as 4 slices (ansible-runner). Writes
results/latest.json. Stage "profile" writes results/profile.json. Both regenerate RESULTS.md.

Nothing here is a timed assertion: the figures are ratios and costs measured on whatever machine runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import report
import scenarios
from bench_site import RESULTS, Site, log
from charts import CHART_VERSION
from slicing import measure_slicing
from time_profile import run_profile

BUSY_LOAD_PER_CPU = 0.5  # load average per CPU above which the figures were taken on a busy machine


def machine(site: Site) -> dict:
    return {"cpus": os.cpu_count(), "load_at_start": [round(x, 2) for x in os.getloadavg()],
            "kubernetes": site.cluster.env.get("KUBE_VERSION"), "chart": CHART_VERSION,
            "settings": site.effective_settings()}


def quiet_or_busy(start: list[float], end: list[float]) -> str:
    worst = max(start[0], end[0]) / (os.cpu_count() or 1)
    return "busy machine: other work shared the CPUs" if worst > BUSY_LOAD_PER_CPU else "quiet machine"


def by_n(runs: dict, key: str) -> dict:
    return {n: x[key] for n, x in runs.items()}


def measure(site: Site, args) -> tuple[dict, dict[str, str]]:
    r: dict = {"machine": machine(site), "runs": {"first": {}, "manual_loop": {}, "noop": {}}, "notes": []}
    scenarios.warm_up(site)
    r["one_tenant"] = scenarios.one_tenant(site)
    r["first_errors"] = scenarios.first_errors(site)
    pool: dict[str, str] = {}
    for n in args.first_sizes:
        r["runs"]["first"][str(n)], tenants = scenarios.fleet_first(site, n)
        pool.update(tenants)
        r["runs"]["manual_loop"][str(n)] = scenarios.manual_loop(site, n)
    pool.update(scenarios.fill(site, max(0, max([*args.sizes, args.slice_n]) - len(pool))))
    hosts = list(pool)
    for n in args.sizes:
        r["runs"]["noop"][str(n)] = scenarios.noop(site, {h: pool[h] for h in hosts[:n]})
    if args.slices > 1:
        r["slicing"] = measure_slicing(site, {h: pool[h] for h in hosts[:args.slice_n]}, args.slices)
    first, noop, loop = r["runs"]["first"], r["runs"]["noop"], r["runs"]["manual_loop"]
    r.update(
        noop_s_per_tenant=by_n(noop, "s_per_tenant"),
        noop_cpu_s_per_tenant=by_n(noop, "cpu_s_per_tenant"),
        noop_writes=by_n(noop, "writes"),
        first_s_per_tenant=by_n(first, "s_per_tenant"),
        first_cpu_s_per_tenant=by_n(first, "cpu_s_per_tenant"),
        manual_loop_s_per_tenant=by_n(loop, "s_per_tenant"),
        manual_loop_cpu_s_per_tenant=by_n(loop, "cpu_s_per_tenant"),
        first_vs_manual_loop={n: round(first[n]["seconds"] / loop[n]["seconds"], 2) for n in first},
        pss_mib={n: max(x["pss_mib"] for x in (first.get(n), noop.get(n)) if x) for n in {*first, *noop}},
        first_error_s={k: e["first_error_s"] for k, e in r["first_errors"].items()},
    )
    r["notes"] += [
        "first_vs_manual_loop is the fleet's wall time divided by the loop's for the same N (0.5 = 2x faster); "
        "pss_mib is the peak PSS of the first provision or the no-op at that N, whichever is higher.",
        "The syncer stand-in runs with --shared-virtual: every tenant's Secret vc-<name> points at one virtual "
        "kube-apiserver (one per tenant would measure the stand-in's ~250 MiB and seconds of start-up each).",
    ]
    return r, pool


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    p.add_argument("stages", nargs="*", default=["measure"], choices=["measure", "profile"])
    p.add_argument("--sizes", default="10,50,100", help="fleet no-op sizes (default 10,50,100)")
    p.add_argument("--first-sizes", help="first-provision sizes (default: --sizes without the largest)")
    p.add_argument("--slices", type=int, default=4, help="AWX slices (default 4; 1 skips slicing)")
    p.add_argument("--slice-n", type=int, help="tenants of the sliced fleet job (default: the largest size)")
    p.add_argument("--profile-n", type=int, default=50, help="tenants of the profiled no-op (default 50)")
    p.add_argument("--profile-first-n", type=int, default=10,
                   help="fresh tenants of the profiled first provision (default 10; 0 skips it)")
    p.add_argument("--forks-sweep", default="2,10,25", help="fork counts the profile tries besides the default")
    p.add_argument("--keep", action="store_true", help="keep the bench namespaces and work dir")
    p.add_argument("--shared-cluster", action="store_true",
                   help="use the default local control plane (.cache/local-cluster) instead of the bench's own "
                        "(.cache/bench-cluster, ports 24xxx)")
    args = p.parse_args(argv)
    args.sizes = sorted(int(x) for x in args.sizes.split(",") if x.strip())
    args.first_sizes = sorted(int(x) for x in args.first_sizes.split(",")) if args.first_sizes else (
        args.sizes[:-1] or args.sizes)
    args.slice_n = args.slice_n or args.sizes[-1]
    RESULTS.mkdir(parents=True, exist_ok=True)
    site = Site(shared_cluster=args.shared_cluster, keep=args.keep)
    latest = prof = None
    try:
        site.setup()
        pool: dict[str, str] = {}
        if "measure" in args.stages:
            latest, pool = measure(site, args)
            latest["date"] = time.strftime("%Y-%m-%d %H:%M")
            latest["machine"]["load_at_end"] = [round(x, 2) for x in os.getloadavg()]
            latest["machine"]["quiet_or_busy"] = quiet_or_busy(latest["machine"]["load_at_start"],
                                                               latest["machine"]["load_at_end"])
            (RESULTS / "latest.json").write_text(json.dumps(latest, indent=2) + "\n")
        if "profile" in args.stages:
            load = [round(x, 2) for x in os.getloadavg()]
            hosts = list(pool)[:args.profile_n]
            tenants = {h: pool[h] for h in hosts} if len(hosts) == args.profile_n else scenarios.fill(
                site, args.profile_n)
            prof = run_profile(site, tenants, [int(x) for x in args.forks_sweep.split(",") if x],
                               first_n=args.profile_first_n)
            prof.update(date=time.strftime("%Y-%m-%d %H:%M"), load=[load, [round(x, 2) for x in os.getloadavg()]])
            (RESULTS / "profile.json").write_text(json.dumps(prof, indent=2) + "\n")
    finally:
        site.teardown()
    if (RESULTS / "latest.json").exists():
        log(f"wrote {report.write(latest, prof)}")
    keys = ("noop_s_per_tenant", "noop_cpu_s_per_tenant", "first_s_per_tenant", "first_vs_manual_loop", "pss_mib",
            "first_error_s")
    if latest:
        print(json.dumps({k: latest[k] for k in keys}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
