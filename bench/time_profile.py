"""Where the time of a fleet no-op goes: per task, per process kind, per code area, per setting.

Every variant is a no-op ``provision.yml`` over the same provisioned tenants (default 50):
  * ``tasks``: the collection's defaults with ``bench_task_cpu`` (wall, ansible-playbook CPU and workers' CPU per
    task) and ``ansible.posix.profile_tasks``;
  * ``plain`` (twice, first and last, to show the drift of a shared machine) and ``silent`` (a stdout callback that
    prints only failures and the recap): the cost of the default stdout callback;
  * ``forks-<k>``: other fork counts; ``free``: strategy free;
  * ``cprofile``: ansible-playbook and every worker under cProfile (CPU timer), exclusive time by code area;
  * ``perf``: ``perf stat`` software counters over the whole tree (task-clock, page faults, context switches);
  * ``micro``: what one forked worker costs, with a plain parent and with the parent holding what the collection's
    plugins import (playbooks/micro_workers.yml).
"""

from __future__ import annotations

import json
import pstats
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from bench_site import LOGS, REPO, VENV_BIN, Site, log

CALLBACKS = REPO / "bench" / "callback_plugins"
MICRO = REPO / "bench" / "playbooks" / "micro_workers.yml"
PROVISION = REPO / "playbooks" / "provision.yml"
PRELOAD = ("kubernetes.client,kubernetes.config,kubernetes.dynamic,jsonschema,yaml,"
           "ansible_collections.kubernetes.core.plugins.module_utils.k8s.client")
# exclusive (tottime) CPU by where the code lives: the first matching fragment of the file path wins
AREAS = [
    ("templating (ansible _templating, jinja2)", ("/ansible/_internal/_templating/", "/jinja2/", "/markupsafe/")),
    ("variables (VariableManager, hostvars)", ("/ansible/vars/",)),
    ("data tagging / copies", ("/ansible/_internal/_datatag/", "/ansible/module_utils/_internal/_datatag/",
                               "/copy.py")),
    ("strategy, queueing, results", ("/ansible/plugins/strategy/", "/ansible/executor/task_queue_manager",
                                     "/ansible/executor/task_result", "/ansible/executor/play_iterator")),
    ("task executor, action plugins", ("/ansible/executor/task_executor", "/ansible/plugins/action/",
                                       "/ansible/executor/module_common", "/ansible/plugins/connection/")),
    ("callbacks and display", ("/ansible/plugins/callback/", "/ansible/utils/display", "callback_plugins/")),
    ("playbook objects (tasks, blocks, fields)", ("/ansible/playbook/",)),
    ("plugin loader", ("/ansible/plugins/loader", "/importlib/", "<frozen importlib")),
    ("tenancy.vcluster (module_utils, plugins)", ("/ansible_collections/tenancy/",)),
    ("kubernetes client, urllib3, ssl", ("/kubernetes/", "/urllib3/", "/ssl.py", "/kubernetes/core/")),
    ("pickle, queues, multiprocessing, fork", ("/multiprocessing/", "pickle", "/queue", "fork")),
    ("yaml, json", ("/yaml/", "/json/")),
]


def _areas(stats: pstats.Stats) -> dict[str, float]:
    out = defaultdict(float)
    for (path, _line, func), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        where = f"{path}:{func}"
        area = next((name for name, frags in AREAS if any(f in where for f in frags)), None)
        if area is None:
            area = "builtins (C calls: " + func.strip("<>{}")[:40] + ")" if path == "~" else "other Python"
        out[area] += tottime
    # C built-ins are listed one by one only when they matter; the rest are summed
    big = {k: v for k, v in out.items() if not k.startswith("builtins") or v >= 0.02 * sum(out.values())}
    big["builtins (other C calls)"] = sum(v for k, v in out.items() if k not in big)
    return {k: round(v, 2) for k, v in sorted(big.items(), key=lambda kv: -kv[1])}


def _cumulative(stats: pstats.Stats, wanted: dict[str, tuple[str, str]]) -> dict[str, float]:
    out = {}
    for label, (file_frag, func) in wanted.items():
        out[label] = round(max((ct for (path, _l, f), (_cc, _nc, _tt, ct, _c) in stats.stats.items()
                                if f == func and file_frag in path), default=0.0), 2)
    return out


def _top(stats: pstats.Stats, limit: int = 15) -> list[list]:
    rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:limit]
    return [[f"{Path(path).name}:{line}({func})", nc, round(tt, 2), round(ct, 2)]
            for (path, line, func), (_cc, nc, tt, ct, _c) in rows]


def analyse_cprofile(out_dir: Path) -> dict:
    main = pstats.Stats(str(out_dir / "main.prof"))
    workers = sorted(out_dir.glob("worker-*.prof"))
    wstats = pstats.Stats(*map(str, workers)) if workers else None
    result = {
        "main": {"total_s": round(main.total_tt, 2), "by_area": _areas(main), "top": _top(main),
                 "cumulative": _cumulative(main, {
                     "VariableManager.get_vars": ("/ansible/vars/manager", "get_vars"),
                     "StrategyBase._queue_task (fork of a worker)": ("/plugins/strategy/__init__", "_queue_task"),
                     "TaskQueueManager.send_callback": ("task_queue_manager", "send_callback"),
                     "StrategyBase._process_pending_results": ("/plugins/strategy/__init__",
                                                               "_process_pending_results"),
                     "StrategyBase._load_included_file": ("/plugins/strategy/__init__", "_load_included_file"),
                     "TemplateEngine.evaluate_conditional": ("_templating/_engine", "evaluate_conditional"),
                     "TemplateEngine.template": ("_templating/_engine", "template"),
                     "posix.fork": ("~", "<built-in method posix.fork>"),
                     "time.sleep": ("~", "<built-in method time.sleep>"),
                 })},
        "workers": None,
    }
    if wstats:
        n = len(workers)
        result["workers"] = {
            "count": n, "total_s": round(wstats.total_tt, 2), "per_worker_ms": round(wstats.total_tt / n * 1000, 1),
            "by_area": _areas(wstats), "top": _top(wstats),
            "cumulative": _cumulative(wstats, {
                "TaskExecutor.run": ("task_executor", "run"),
                "TaskExecutor._execute (the action)": ("task_executor", "_execute"),
                "TemplateEngine.evaluate_conditional (when)": ("_templating/_engine", "evaluate_conditional"),
                "TemplateEngine.template": ("_templating/_engine", "template"),
                "FinalQueue.send_task_result (pickle the result)": ("task_queue_manager", "send_task_result"),
                "ActionBase._execute_module (module process)": ("/plugins/action/__init__", "_execute_module"),
            })}
    return result


def _parse_perf(path: Path) -> dict:
    out = {}
    for line in path.read_text().splitlines():
        parts = line.split(",")
        if len(parts) >= 3 and parts[2] and not line.startswith("#"):
            try:
                out[parts[2]] = float(parts[0])
            except ValueError:
                out[parts[2]] = parts[0]
    return out


def _tasks_table(data: dict, n: int) -> list[dict]:
    """bench_task_cpu records merged by task name (an included task appears once per batch of hosts)."""
    merged: dict[str, dict] = {}
    for rec in data["tasks"]:
        row = merged.setdefault(rec["task"], {"task": rec["task"], "action": rec["action"], "wall_s": 0.0,
                                              "main_cpu_s": 0.0, "workers_cpu_s": 0.0, "results": 0, "skipped": 0,
                                              "workers_minor_faults": 0})
        for key in ("wall_s", "main_cpu_s", "workers_cpu_s", "workers_minor_faults"):
            row[key] += rec[key]
        row["results"] += rec["ok"] + rec["skipped"] + rec["failed"]
        row["skipped"] += rec["skipped"]
    rows = []
    for row in merged.values():
        cpu = row["main_cpu_s"] + row["workers_cpu_s"]
        rows.append({**{k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()},
                     "cpu_ms_per_tenant": round(cpu / n * 1000, 1),
                     "cpu_ms_per_result": round(cpu / row["results"] * 1000, 1) if row["results"] else None})
    return sorted(rows, key=lambda r: -(r["main_cpu_s"] + r["workers_cpu_s"]))


def _task_cpu_env(out: Path) -> dict[str, str]:
    return {"ANSIBLE_CALLBACKS_ENABLED": "bench_task_cpu,ansible.posix.profile_tasks", "BENCH_TASK_CPU_OUT": str(out),
            "PROFILE_TASKS_TASK_OUTPUT_LIMIT": "all"}


def run_profile(site: Site, tenants: dict[str, str], forks_sweep=(2, 10, 25), micro_tasks: int = 5,
                first_n: int = 10) -> dict:
    n = len(tenants)
    inv = site.inventory(f"profile-{n}", tenants)
    eff = site.effective_settings()
    default_forks = int(eff["forks"])
    out_dir = site.tmp / "profile"
    out_dir.mkdir(exist_ok=True)
    cb = {"ANSIBLE_CALLBACK_PLUGINS": str(CALLBACKS)}
    res: dict = {"n": n, "settings": eff, "runs": {}}

    def variant(label, *, args=(), env=None, cmd=None, playbook=PROVISION, inventory=inv, count=n):
        if cmd is None:
            return site.playbook(f"profile-{label}", inventory, count, playbook=playbook, args=args,
                                 env={**cb, **(env or {})})
        return site.measured(f"profile-{label}", cmd, count, env=site.ansible_env(**cb, **(env or {})))

    def keep(label, run):
        res["runs"][label] = run.summary()
        if label.startswith(("plain", "silent", "tasks", "forks", "free", "cprofile", "perf")) and run.writes:
            log(f"WARNING: no-op variant {label} wrote: {run.writes[:5]}")
        return run

    keep("plain", variant("plain"))
    keep("silent", variant("silent", env={"ANSIBLE_STDOUT_CALLBACK": "bench_silent"}))
    tasks_json = out_dir / "tasks.json"
    keep("tasks", variant("tasks", env=_task_cpu_env(tasks_json)))
    data = json.loads(tasks_json.read_text())
    res["tasks"] = _tasks_table(data, n)
    res["parent_modules"] = {"count": data["modules_in_parent"], "kubernetes": data["kubernetes_in_parent"]}
    if first_n:
        # The same per-task view of a first provision: fresh tenants, every task of the full path.
        first_json = out_dir / "first-tasks.json"
        fresh = site.new_tenants("profile-first", first_n)
        keep("first-tasks", variant("first-tasks", inventory=site.inventory(f"profile-first-{first_n}", fresh),
                                    count=first_n, env=_task_cpu_env(first_json)))
        res["first_n"] = first_n
        res["first_tasks"] = _tasks_table(json.loads(first_json.read_text()), first_n)
    for forks in (f for f in forks_sweep if f != default_forks):
        keep(f"forks-{forks}", variant(f"forks-{forks}", args=("--forks", str(forks))))
    keep("free", variant("free", env={"ANSIBLE_STRATEGY": "free"}))
    keep("plain-again", variant("plain-again"))

    prof_dir = out_dir / "cprofile"
    shutil.rmtree(prof_dir, ignore_errors=True)
    cmd = [sys.executable, str(REPO / "bench" / "cprofile_playbook.py"), str(prof_dir), "-i", str(inv), str(PROVISION),
           *site.forks_args()]
    keep("cprofile", variant("cprofile", cmd=cmd))
    res["cprofile"] = analyse_cprofile(prof_dir)
    shutil.rmtree(prof_dir, ignore_errors=True)

    perf = shutil.which("perf")
    if perf:
        perf_out = out_dir / "perf.csv"
        events = "task-clock,page-faults,minor-faults,major-faults,context-switches,cpu-migrations"
        cmd = [perf, "stat", "-x,", "-e", events, "-o", str(perf_out), "--", str(VENV_BIN / "ansible-playbook"),
               "-i", str(inv), str(PROVISION), *site.forks_args()]
        keep("perf", variant("perf", cmd=cmd))
        res["perf"] = _parse_perf(perf_out)
        hw = subprocess.run(
            [perf, "stat", "-x,", "-e", "instructions", "true"], capture_output=True, text=True, check=False
        )
        res["perf"]["hardware_counters"] = "not supported" if "not supported" in hw.stderr else "supported"
    else:
        res["perf"] = {"skipped": "perf is not installed (Debian package linux-perf)"}

    micro_inv = site.inventory(f"micro-{n}", tenants)
    results = n * micro_tasks
    for label, env in (("micro-plain", {}), ("micro-preloaded", {"BENCH_PRELOAD": PRELOAD})):
        micro_json = out_dir / f"{label}.json"
        run = keep(label, variant(label, playbook=MICRO, inventory=micro_inv, env={
            **env, "ANSIBLE_CALLBACKS_ENABLED": "bench_task_cpu", "BENCH_TASK_CPU_OUT": str(micro_json)}))
        rows = [r for r in json.loads(micro_json.read_text())["tasks"] if r["action"] == "ansible.builtin.debug"]
        workers = sum(r["workers_cpu_s"] for r in rows)
        main = sum(r["main_cpu_s"] for r in rows)
        faults = sum(r["workers_minor_faults"] for r in rows)
        res[label] = {"host_tasks": results, "workers_cpu_ms_per_host_task": round(workers / results * 1000, 1),
                      "main_cpu_ms_per_host_task": round(main / results * 1000, 1),
                      "minor_faults_per_worker": round(faults / results), "pss_mib": run.measured.peak_pss_mib}
    (LOGS / "profile-raw.json").write_text(json.dumps(res, indent=1))
    return res
