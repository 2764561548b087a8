"""bench/RESULTS.md from results/latest.json (and results/profile.json when a profile was taken).

    .venv/bin/python bench/report.py        # regenerate RESULTS.md from the committed JSON

The text between the ``<!-- findings -->`` markers of the existing RESULTS.md (the reading of the profile, written by
a person) is carried over unchanged.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
DOC = BENCH / "RESULTS.md"
FINDINGS = re.compile(r"<!-- findings -->.*?<!-- /findings -->", re.S)
FLAT_BAND = 1.10  # "flat": the per-tenant time at the larger N within 10 % of the smaller one


def _at(series: dict, n: int):
    """(value, N used): the figure at ``n``, else at the largest N measured (a quick run with other sizes)."""
    if not series:
        return None, None
    key = str(n) if str(n) in series else max(series, key=int)
    return series[key], int(key)


def _n_note(used, wanted):
    return "" if used == wanted else f" (at N={used}: N={wanted} not measured)"


def targets(r: dict) -> list[tuple[str, str, str]]:
    rows = []
    v, n = _at(r["noop_s_per_tenant"], 100)
    rows.append(("fleet no-op at N=100: <= 0.25 s per tenant", f"{v} s{_n_note(n, 100)}", _met(v, 0.25)))
    v, n = _at(r["noop_cpu_s_per_tenant"], 100)
    rows.append(("fleet no-op at N=100: <= 0.5 CPU-s per tenant", f"{v} CPU-s{_n_note(n, 100)}", _met(v, 0.5)))
    v, n = _at(r["first_vs_manual_loop"], 50)
    if v is not None:
        fleet, manual = r["runs"]["first"][str(n)], r["runs"]["manual_loop"][str(n)]
        speed = f"{round(1 / v, 2)}x faster" if v <= 1 else f"{v}x slower"
        figure = f"fleet {fleet['seconds']} s ÷ loop {manual['seconds']} s = {v}: {speed}{_n_note(n, 50)}"
        rows.append(
            ("fleet first provision at N=50: >= 2x faster than the sequential manual loop", figure, _met(v, 0.5))
        )
    v, n = _at(r["pss_mib"], 50)
    rows.append(
        ("PSS of ansible-playbook and its children at N=50: <= 1.5 GiB", f"{v} MiB{_n_note(n, 50)}", _met(v, 1536))
    )
    noop = r["noop_s_per_tenant"]
    if len(noop) >= 2:
        lo, hi = min(noop, key=int), max(noop, key=int)
        trend = " -> ".join(f"{noop[k]} s (N={k})" for k in sorted(noop, key=int))
        rows.append(
            (
                f"no-op time per tenant flat or falling from 10 to 100 (flat: within {round(FLAT_BAND * 100 - 100)} %)",
                trend,
                _met(noop[hi], noop[lo] * FLAT_BAND),
            )
        )
    first = r["first_s_per_tenant"]
    if len(first) >= 2:
        lo, hi = min(first, key=int), max(first, key=int)
        trend = " -> ".join(f"{first[k]} s (N={k})" for k in sorted(first, key=int))
        rows.append(
            (
                "first provision time per tenant flat or falling (10 -> 50)",
                trend,
                _met(first[hi], first[lo] * FLAT_BAND),
            )
        )
    writes = sum(x["writes"] for x in r["runs"]["noop"].values())
    rows.append(("writes in the audit log on every no-op run: 0", str(writes), "met" if writes == 0 else "**missed**"))
    errs = r.get("first_errors", {})
    clean = all(e["writes"] == 0 and e["names_the_problem"] and e["rc"] != 0 for e in errs.values())
    rows.append(
        (
            "bad value: a clear error before any write",
            ", ".join(f"{k} {e['first_error_s']} s" for k, e in errs.items()),
            "met" if clean else "**missed**",
        )
    )
    return rows


def _met(value, limit) -> str:
    if value is None:
        return "not measured"
    return "met" if value <= limit else "**missed**"


def _table(header: list[str], rows: list[list]) -> list[str]:
    return [f"| {' | '.join(header)} |", f"|{'---|' * len(header)}", *[f"| {' | '.join(map(str, r))} |" for r in rows]]


def figures(r: dict) -> list[str]:
    runs = r["runs"]
    out = ["## Fleet no-op reconcile", ""]
    out += _table(
        [
            "N",
            "s",
            "s/tenant",
            "CPU-s/tenant",
            "of which sys",
            "PSS MiB (RSS sum)",
            "changed",
            "writes",
            "requests/tenant",
        ],
        [
            [
                n,
                x["seconds"],
                x["s_per_tenant"],
                x["cpu_s_per_tenant"],
                round(x["cpu_sys_s"] / x["n"], 3),
                f"{x['pss_mib']} ({x['rss_sum_mib']})",
                x["changed_hosts"],
                x["writes"],
                ", ".join(f"{k} {v}" for k, v in x["requests_per_tenant"].items()),
            ]
            for n, x in sorted(runs["noop"].items(), key=lambda kv: int(kv[0]))
        ],
    )
    out += ["", "## Fleet first provision against the sequential manual loop", ""]
    rows = []
    for n, x in sorted(runs["first"].items(), key=lambda kv: int(kv[0])):
        m = runs["manual_loop"].get(n, {})
        rows.append(
            [
                n,
                x["seconds"],
                x["s_per_tenant"],
                x["cpu_s_per_tenant"],
                x["pss_mib"],
                m.get("seconds"),
                m.get("s_per_tenant"),
                m.get("cpu_s_per_tenant"),
                r["first_vs_manual_loop"].get(n),
            ]
        )
    out += _table(
        [
            "N",
            "fleet s",
            "fleet s/tenant",
            "fleet CPU-s/tenant",
            "fleet PSS MiB",
            "loop s",
            "loop s/tenant",
            "loop CPU-s/tenant",
            "fleet ÷ loop",
        ],
        rows,
    )
    one = r.get("one_tenant")
    if one:
        out += [
            "",
            f"One tenant (reported, no target): provision.yml {one['playbook']['seconds']} s "
            f"({one['playbook']['cpu_s']} CPU-s) against the manual path {one['manual']['seconds']} s "
            f"({one['manual']['cpu_s']} CPU-s, with the kubeconfig export): {one['ratio']}x.",
        ]
    if r.get("first_errors"):
        out += ["", "## First error for a tenant with a bad value", ""]
        out += _table(
            ["case", "first error at s", "run s", "names the problem", "writes"],
            [
                [k, e["first_error_s"], e["seconds"], f"{e['names_the_problem']} (`{e['expect']}`)", e["writes"]]
                for k, e in r["first_errors"].items()
            ],
        )
    s = r.get("slicing")
    if s:
        out += ["", f"## AWX job slicing ({s['n']} tenants, no-op, ansible-runner, same machine)", ""]
        out += _table(
            ["job", "s", "CPU-s", "s/tenant", "CPU-s/tenant", "tenants run", "writes"],
            [
                [
                    f"{k} ({s[k]['jobs']} job(s))",
                    s[k]["seconds"],
                    s[k]["cpu_s"],
                    s[k]["s_per_tenant"],
                    s[k]["cpu_s_per_tenant"],
                    s[k]["distinct_tenants"],
                    s[k]["writes"],
                ]
                for k in ("whole", "sliced")
            ],
        )
        out += [
            "",
            f"{s['slices']} slices at once ÷ one job: {s['sliced_vs_whole_seconds']}x the time, "
            f"{s['sliced_vs_whole_cpu']}x the CPU.",
        ]
    return out


def where_the_time_goes(p: dict | None) -> list[str]:
    if not p:
        return ["(no profile in results/profile.json: run `make bench-profile`)"]
    n, runs = p["n"], p["runs"]
    out = [
        f"Profile of a fleet no-op over N={n} tenants, {p['date']}, load {p['load']}; settings: forks "
        f"{p['settings']['forks']} ({p['settings']['forks_origin']}), strategy {p['settings']['strategy']}, "
        f"{p['settings']['cpus']} CPUs.",
        "",
        "### Variants (same tenants, same run)",
        "",
    ]
    out += _table(
        ["variant", "s", "s/tenant", "CPU-s/tenant", "sys share", "PSS MiB"],
        [
            [
                k,
                x["seconds"],
                x["s_per_tenant"],
                x["cpu_s_per_tenant"],
                f"{round(100 * x['cpu_sys_s'] / x['cpu_s']) if x['cpu_s'] else 0} %",
                x.get("pss_mib"),
            ]
            for k, x in runs.items()
            if not k.startswith("micro")
        ],
    )
    out += ["", "### Per task (bench_task_cpu; linear strategy)", ""]
    out += _tasks_table(p["tasks"])
    if p.get("first_tasks"):
        out += ["", f"### Per task of a first provision of {p['first_n']} fresh tenants (bench_task_cpu)", ""]
        out += _tasks_table(p["first_tasks"])
    for side in ("main", "workers"):
        c = p["cprofile"].get(side)
        if not c:
            continue
        title = (
            "ansible-playbook (parent)" if side == "main" else f"workers ({c['count']}, {c['per_worker_ms']} ms each)"
        )
        out += ["", f"### cProfile, {title}: {c['total_s']} CPU-s under the profiler, exclusive time by area", ""]
        out += _table(
            ["area", "s", "share"], [[k, v, f"{round(100 * v / c['total_s'])} %"] for k, v in c["by_area"].items()]
        )
        out += ["", "Cumulative: " + "; ".join(f"{k} {v} s" for k, v in c["cumulative"].items()), ""]
        out += _table(["function", "calls", "own s", "cumulative s"], c["top"])
    if p.get("perf"):
        out += [
            "",
            "### perf stat (software counters, whole tree)",
            "",
            "; ".join(f"{k}: {v}" for k, v in p["perf"].items()),
        ]
    if p.get("micro-plain"):
        out += ["", "### One forked worker (micro_workers.yml: debug tasks)", ""]
        out += _table(
            ["parent", "workers CPU ms per host-task", "parent CPU ms per host-task", "minor faults/worker", "PSS MiB"],
            [
                [
                    k,
                    x["workers_cpu_ms_per_host_task"],
                    x["main_cpu_ms_per_host_task"],
                    x["minor_faults_per_worker"],
                    x["pss_mib"],
                ]
                for k, x in ((k, p[k]) for k in ("micro-plain", "micro-preloaded"))
            ],
        )
    return out


def _tasks_table(tasks: list[dict]) -> list[str]:
    return _table(
        ["task", "action", "wall s", "parent CPU s", "workers CPU s", "CPU ms/tenant", "results (skipped)",
         "CPU ms/result"],
        [
            [t["task"], t["action"], t["wall_s"], t["main_cpu_s"], t["workers_cpu_s"], t["cpu_ms_per_tenant"],
             f"{t['results']} ({t['skipped']})", t["cpu_ms_per_result"]]
            for t in tasks
        ],
    )


def render(r: dict, p: dict | None, findings: str) -> str:
    m = r["machine"]
    lines = [
        "# Bench results (committed copy of a measured run)",
        "",
        f"`make bench` on {r['date']}: {m['cpus']} CPUs, load average {m['load_at_start']} at the start and "
        f"{m['load_at_end']} at the end ({m['quiet_or_busy']}), Kubernetes {m['kubernetes']}, the real chart "
        f"vcluster {m['chart']}. Forks {m['settings']['forks']} ({m['settings']['forks_origin']}), strategy "
        f"{m['settings']['strategy']} ({m['settings']['strategy_origin']}). CPU is user+sys of ansible-playbook and "
        "all its children (or of kubectl and helm for the manual loop); PSS is sampled over the same tree.",
        "",
        "## Targets",
        "",
    ]
    lines += _table(["target", "figure", ""], [list(t) for t in targets(r)])
    lines += ["", *figures(r), "", "## Where the time goes", "", findings, "", *where_the_time_goes(p), ""]
    if r.get("notes"):
        lines += ["## Notes", "", *[f"- {n}" for n in r["notes"]], ""]
    return "\n".join(lines)


def write(r: dict | None = None, p: dict | None = None) -> Path:
    r = r or json.loads((RESULTS / "latest.json").read_text())
    if p is None and (RESULTS / "profile.json").exists():
        p = json.loads((RESULTS / "profile.json").read_text())
    old = DOC.read_text() if DOC.exists() else ""
    found = FINDINGS.search(old)
    findings = found.group(0) if found else "<!-- findings -->\n(no reading yet)\n<!-- /findings -->"
    DOC.write_text(render(r, p, findings))
    return DOC


if __name__ == "__main__":
    print(write())
    sys.exit(0)
