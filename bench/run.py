"""Benchmark provision.yml against the manual CLI path on the local control plane, in one run (issue 8).

    .venv/bin/python bench/run.py [--sizes 1,10,50] [--reps 3] [--keep]      # or: make bench

What it does (see bench/README.md):
  * brings the local control plane up (``hack/local-cluster up``; reuses a running one), serves the real chart
    archives (../shared/vcluster-charts) from a Helm repository on loopback and runs ``hack/syncer-standin``
    with ``--shared-virtual`` (every bench tenant's Secret vc-<n> points at ONE virtual API server: one
    kube-apiserver per tenant is ~250 MiB and a serialised start-up of seconds each, which at 50 tenants measures
    the stand-in, not the collection);
  * talks to the API server as its own identity ``tenancy-bench`` (a client certificate from the local CA), so
    the audit log tells its requests apart from other test sessions on the same cluster;
  * measures (a) one tenant with provision.yml vs the manual sequence (kubectl create namespace, kubectl label
    PSA, helm upgrade -i with the same values, kubectl wait for the Secret, extract the kubeconfig), (b) a
    no-op re-run vs the first run, (c) 1/10/50 tenants, (d) API requests per tenant from the audit log,
    (e) peak RSS of ansible-playbook and its children;
  * writes bench/results/latest.json, latest.md (and latest.png when matplotlib is importable) and the
    profile_tasks output of every playbook run (bench/results/profile-*.txt); removes what it created.

Nothing here is a timed assertion: the figures are ratios measured on whatever machine runs it.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))
sys.path.insert(0, str(REPO / "tests" / "fixtures"))
sys.path.insert(0, str(REPO / "tests" / "reliability"))

import chart_repo
import yaml
from cluster import MUTATING_VERBS, ensure_up, run_local_cluster
from identity import identity_kubeconfig

RESULTS = REPO / "bench" / "results"
VENV_BIN = Path(sys.executable).parent
CHART_VERSION = "0.36.1"  # a real chart archive of ../shared/vcluster-charts (served by tests/fixtures/chart_repo.py)
BENCH_USER = "tenancy-bench"
SHARED_VIRTUAL = "bench-shared"
BENCH_CLUSTER = {  # hack/local-cluster's environment for the bench's own control plane (--shared-cluster: the default)
    "TENANCY_VCLUSTER_STATE": str(REPO / ".cache" / "bench-cluster"),
    # below the kernel's ephemeral port range (32768+), away from the default 1xxxx ports
    "LOCAL_CLUSTER_APISERVER_PORT": "24443", "LOCAL_CLUSTER_ETCD_PORT": "24379",
    "LOCAL_CLUSTER_ETCD_PEER_PORT": "24380", "LOCAL_CLUSTER_KCM_PORT": "24257", "LOCAL_CLUSTER_SCHEDULER_PORT": "24259",
    "LOCAL_CLUSTER_KWOK_PORT": "24080", "LOCAL_CLUSTER_VIRTUAL_PORT_BASE": "24500",
}
REVIEWS = {"selfsubjectaccessreviews", "selfsubjectrulesreviews", "subjectaccessreviews", "tokenreviews"}
READ_VERBS = {"get", "list", "watch"}
PSA_MODES = ("enforce", "audit", "warn")


def log(msg: str) -> None:
    print(f"[bench] {time.strftime('%H:%M:%S')} {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------- memory
def _children(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid:
            kids.append(int(entry))
    return kids


def tree_rss_kib(root: int) -> int:
    """RSS of ``root`` and all its descendants (KiB), from /proc."""
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
        todo.extend(_children(pid))
    return total


class RssSampler(threading.Thread):
    def __init__(self, pid: int, interval: float = 0.25):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_kib = pid, interval, 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.peak_kib = max(self.peak_kib, tree_rss_kib(self.pid))
            self._halt.wait(self.interval)

    def stop(self) -> float:
        self._halt.set()
        self.join(timeout=5)
        return round(self.peak_kib / 1024, 1)


# --------------------------------------------------------------------------------------------- the bench
class Bench:
    def __init__(self, args):
        self.args = args
        self.run_id = uuid.uuid4().hex[:5]
        self.tmp = Path(tempfile.mkdtemp(prefix="tenancy-bench-"))
        self.namespaces: list[str] = []
        self.procs: list[subprocess.Popen] = []
        self.stops = []
        self.results: dict = {"notes": []}
        self.profiles: dict[str, str] = {}

    # -- setup / teardown
    def setup(self) -> None:
        if not self.args.shared_cluster:
            # A control plane of its own (state dir and ports): other test sessions' syncer stand-ins watch every
            # namespace of the default one and would start a virtual API server for each bench tenant.
            for key, value in BENCH_CLUSTER.items():
                os.environ.setdefault(key, value)
        state = os.environ.get("TENANCY_VCLUSTER_STATE", "default")
        log(f"bringing the local control plane up (hack/local-cluster up, state {state})")
        self.cluster = ensure_up()
        self.env = {**os.environ, **self.cluster.env}
        self.env["PATH"] = f"{self.cluster.bin_dir}{os.pathsep}{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"
        self.kubeconfig = str(identity_kubeconfig(self.cluster.state, self.cluster.kubeconfig, BENCH_USER,
                                                  self.tmp / "bench.kubeconfig"))
        self.env["KUBECONFIG"] = self.env["K8S_AUTH_KUBECONFIG"] = self.kubeconfig
        self.audit = self.cluster.audit_log()
        repo_dir = self.tmp / "charts"
        chart_repo.build_repo(str(repo_dir), self.cluster.helm)
        self.chart_repo, stop = chart_repo.serve_repo(str(repo_dir))
        self.stops.append(stop)
        log(f"chart repository {self.chart_repo}; syncer stand-in with --shared-virtual {SHARED_VIRTUAL}")
        self.syncer_log = (self.tmp / "syncer.log").open("ab")
        proc = subprocess.Popen(
            [sys.executable, str(REPO / "hack" / "syncer-standin"), "--kubeconfig", self.cluster.kubeconfig,
             "--shared-virtual", SHARED_VIRTUAL, "--interval", "0.5"],
            stdout=self.syncer_log, stderr=subprocess.STDOUT, env={**os.environ, **self.cluster.env},
            start_new_session=True)
        self.procs.append(proc)
        self.cluster.virtual(SHARED_VIRTUAL)  # started once, outside every timing
        self.results["notes"].append(
            f"syncer stand-in ran with --shared-virtual {SHARED_VIRTUAL}: every tenant's vc-<n> Secret points at one "
            "virtual kube-apiserver (one per tenant is ~250 MiB RSS and a serialised start of several seconds; "
            "50 of them would measure the stand-in, not the collection)")

    def teardown(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
        for stop in self.stops:
            stop()
        if self.args.keep:
            log(f"--keep: leaving namespaces {self.namespaces} and {self.tmp}")
            return
        if self.namespaces:
            log(f"deleting {len(self.namespaces)} bench namespaces")
            self.kubectl("delete", "namespace", "--wait=false", "--ignore-not-found", *self.namespaces, check=False)
        try:
            run_local_cluster("virtual-down", SHARED_VIRTUAL, "--purge", timeout=120)
        except RuntimeError as exc:
            log(f"warning: {exc}")
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- helpers
    def kubectl(self, *args: str, check: bool = True, **kw) -> subprocess.CompletedProcess:
        return self._run([self.cluster.kubectl, "--kubeconfig", self.kubeconfig, *args], check, **kw)

    def helm(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self._run([self.cluster.helm, "--kubeconfig", self.kubeconfig, *args], check)

    def _run(self, cmd, check=True, **kw):
        proc = subprocess.run(cmd, env=self.env, capture_output=True, text=True, check=False, **kw)
        if check and proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd[:3])} ... failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
        return proc

    def new_ns(self, tag: str) -> str:
        ns = f"bench-{self.run_id}-{tag}"
        self.namespaces.append(ns)
        return ns

    def inventory(self, name: str, tenants: dict[str, str]) -> Path:
        group_vars = {
            "ansible_connection": "local",
            "ansible_python_interpreter": sys.executable,
            "vcluster_host_kubeconfig": self.kubeconfig,
            "vcluster_chart_repo_url": self.chart_repo,
            "vcluster_work_dir": str(self.tmp / "work"),
            "vcluster_kubeconfig_server": "from_secret",
            "vcluster_kubeconfig_dest": str(self.tmp / "kubeconfigs")
            + "/{{ vcluster_namespace }}-{{ vcluster_name | default(inventory_hostname) }}.kubeconfig",
            "vcluster_wait_timeout": "5m",
        }
        hosts = {h: {"vcluster_namespace": ns, "vcluster_chart_version": CHART_VERSION} for h, ns in tenants.items()}
        path = self.tmp / f"{name}.yml"
        path.write_text(yaml.safe_dump({"vclusters": {"hosts": hosts, "vars": group_vars}}, sort_keys=False))
        return path

    def playbook(self, label: str, inventory: Path, forks: int = 5) -> dict:
        env = {
            **self.env,
            "ANSIBLE_COLLECTIONS_PATH": str(REPO / ".cache" / "collections"),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "False",
            "ANSIBLE_CALLBACKS_ENABLED": "ansible.posix.profile_tasks",
            "PROFILE_TASKS_TASK_OUTPUT_LIMIT": "25",
            "PROFILE_TASKS_SORT_ORDER": "descending",
        }
        cmd = [str(VENV_BIN / "ansible-playbook"), "-i", str(inventory), str(REPO / "playbooks" / "provision.yml"),
               "--forks", str(forks)]
        mark = self.audit.mark()
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        sampler = RssSampler(proc.pid)
        sampler.start()
        out = proc.communicate(timeout=3600)[0]
        seconds = time.monotonic() - t0
        peak = sampler.stop()
        events = self.audit.events_since(mark)
        self.profiles[label] = out
        (RESULTS / f"profile-{label}.txt").write_text(out)
        if proc.returncode != 0:
            raise RuntimeError(f"provision.yml ({label}) failed (rc {proc.returncode}): {RESULTS}/profile-{label}.txt")
        log(f"{label}: {seconds:.1f}s, peak RSS {peak} MiB")
        return {"seconds": seconds, "peak_rss_mb": peak, "requests": count_requests(events)}

    def manual(self, tag: str, values_file: Path) -> dict:
        """The operator's manual CLI sequence for one tenant, with the pinned kubectl and helm."""
        ns, name = self.new_ns(tag), "t"
        kc_out = self.tmp / "manual" / f"{ns}-{name}.kubeconfig"
        kc_out.parent.mkdir(parents=True, exist_ok=True)
        mark = self.audit.mark()
        t0 = time.monotonic()
        self.kubectl("create", "namespace", ns)
        labels = [f"pod-security.kubernetes.io/{m}{s}" for m in PSA_MODES for s in ("", "-version")]
        self.kubectl("label", "namespace", ns, "--overwrite",
                     *[f"{k}={'latest' if k.endswith('-version') else 'restricted'}" for k in labels])
        self.helm("upgrade", "-i", name, "vcluster", "--repo", self.chart_repo, "--version", CHART_VERSION,
                  "-n", ns, "-f", str(values_file), "--wait", "--atomic", "--timeout", "5m")
        self.kubectl("wait", "--for=create", f"secret/vc-{name}", "-n", ns, "--timeout=300s")
        config = self.kubectl("get", "secret", f"vc-{name}", "-n", ns, "-o", "jsonpath={.data.config}").stdout
        fd = os.open(kc_out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(base64.b64decode(config))
        seconds = time.monotonic() - t0
        events = self.audit.events_since(mark)
        log(f"manual-{tag}: {seconds:.1f}s")
        return {"seconds": seconds, "requests": count_requests(events)}

    # -- the measurements
    def run(self) -> dict:
        RESULTS.mkdir(parents=True, exist_ok=True)
        for old in RESULTS.glob("profile-*.txt"):
            old.unlink()
        r = self.results
        r["cluster_state"] = str(self.cluster.state)
        r["machine"] = {"cpus": os.cpu_count(), "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
                        "kubernetes": self.cluster.env.get("KUBE_VERSION"), "chart": f"vcluster {CHART_VERSION}"}

        # Values for the manual path: rendered once with the collection's own engine, outside every timing.
        sys.path.insert(0, str(REPO / ".cache" / "collections"))
        from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.render import render_values

        # (a) one tenant: playbook vs manual, alternating, `reps` times each
        pb_runs, manual_runs, noop_runs = [], [], []
        warm = self.playbook("warmup", self.inventory("warmup", {"w0": self.new_ns("w0")}))  # chart pulled, caches warm
        del warm
        for rep in range(self.args.reps):
            ns = self.new_ns(f"p{rep}")
            inv = self.inventory(f"one-{rep}", {"b0": ns})
            pb_runs.append(self.playbook(f"one-{rep}", inv, forks=1))
            mark = self.audit.mark()
            noop = self.playbook(f"noop-{rep}", inv, forks=1)
            noop_writes = [e for e in self.audit.events_since(mark) if is_write(e)]
            noop["writes"] = len(noop_writes)
            r.setdefault("noop_write_events", []).extend(
                f"{e.verb} {e.resource} {e.namespace or ''}/{e.name or ''}" for e in noop_writes)
            noop_runs.append(noop)
            values, findings, _meta = render_values(
                name="t", namespace=f"bench-{self.run_id}-m{rep}", chart_version=CHART_VERSION
            )
            assert not [f for f in findings if f["severity"] == "error"], findings
            values_file = self.tmp / f"values-m{rep}.yaml"
            values_file.write_text(yaml.safe_dump(values))
            manual_runs.append(self.manual(f"m{rep}", values_file))
        # best of `reps` (the run least disturbed by whatever else the machine does); medians are kept beside
        pb = min(x["seconds"] for x in pb_runs)
        man = min(x["seconds"] for x in manual_runs)
        noop = min(x["seconds"] for x in noop_runs)
        r["one_tenant_median_ratio_vs_manual"] = round(
            statistics.median(x["seconds"] for x in pb_runs) / statistics.median(x["seconds"] for x in manual_runs), 2)
        r["noop_median_ratio"] = round(
            statistics.median(x["seconds"] for x in noop_runs) / statistics.median(x["seconds"] for x in pb_runs), 2)
        r["one_tenant_seconds"] = {"playbook": round(pb, 2), "manual": round(man, 2),
                                   "playbook_runs": [round(x["seconds"], 2) for x in pb_runs],
                                   "noop_runs": [round(x["seconds"], 2) for x in noop_runs],
                                   "manual_runs": [round(x["seconds"], 2) for x in manual_runs]}
        r["one_tenant_ratio_vs_manual"] = round(pb / man, 2)
        r["noop_seconds"] = round(noop, 2)
        r["noop_ratio"] = round(noop / pb, 2)
        r["writes_on_noop"] = max(x["writes"] for x in noop_runs)
        r["requests_one_tenant"] = {"playbook": pb_runs[-1]["requests"], "manual": manual_runs[-1]["requests"],
                                    "noop": noop_runs[-1]["requests"]}

        # (c) N tenants, fresh namespaces each; (d) requests per tenant; (e) peak RSS
        r["per_tenant_seconds"], r["requests_per_tenant"], r["peak_rss_mb"], r["total_seconds"] = {}, {}, {}, {}
        r["forks"] = {}
        for n in self.args.sizes:
            forks = min(n, 25)
            tenants = {f"n{n}-{i}": self.new_ns(f"n{n}-{i}") for i in range(n)}
            res = self.playbook(f"fleet-{n}", self.inventory(f"fleet-{n}", tenants), forks=forks)
            r["forks"][str(n)] = forks
            r["total_seconds"][str(n)] = round(res["seconds"], 2)
            r["per_tenant_seconds"][str(n)] = round(res["seconds"] / n, 2)
            r["requests_per_tenant"][str(n)] = {k: round(v / n, 1) for k, v in res["requests"].items()}
            r["peak_rss_mb"][str(n)] = res["peak_rss_mb"]
        r["peak_rss_mb"]["one_tenant"] = max(x["peak_rss_mb"] for x in pb_runs)
        r["top_tasks_one_tenant"] = top_tasks(self.profiles.get("one-0", ""))
        return r


def is_write(event) -> bool:
    return event.user == BENCH_USER and event.verb in MUTATING_VERBS and not event.dry_run \
        and event.resource not in REVIEWS


def count_requests(events) -> dict[str, int]:
    mine = [e for e in events if e.user == BENCH_USER]
    c = Counter()
    for e in mine:
        if e.verb in MUTATING_VERBS:
            if e.resource in REVIEWS:
                c["access_reviews"] += 1
            elif e.dry_run:
                c["dry_run"] += 1
            else:
                c["mutating"] += 1
        elif e.verb in READ_VERBS:
            c["read"] += 1
        else:
            c["other"] += 1
    c["total"] = len(mine)
    return dict(c)


TASK_LINE = re.compile(r"^(?P<task>.+?) -+ (?P<secs>\d+\.\d+)s$")


def top_tasks(output: str, limit: int = 12) -> list[list]:
    tail = output.split("TASKS RECAP", 1)[-1] if "TASKS RECAP" in output else output
    rows = [(m["task"].strip(), float(m["secs"])) for m in map(TASK_LINE.match, tail.splitlines()) if m]
    return [[t, s] for t, s in rows[:limit]]


def write_reports(r: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(r, indent=2) + "\n")
    sizes = list(r["per_tenant_seconds"])
    lines = [
        f"# Bench {r['date']} ({r['machine']['cpus']} CPUs, load {r['machine']['load_avg_at_start']}, "
        f"Kubernetes {r['machine']['kubernetes']}, {r['machine']['chart']})",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| one tenant: provision.yml / manual CLI | {r['one_tenant_ratio_vs_manual']} "
        f"({r['one_tenant_seconds']['playbook']}s / {r['one_tenant_seconds']['manual']}s) | <= 1.5 |",
        f"| one tenant, medians instead of best-of | {r['one_tenant_median_ratio_vs_manual']} | |",
        f"| no-op re-run / first run | {r['noop_ratio']} ({r['noop_seconds']}s; median ratio "
        f"{r['noop_median_ratio']}) | < 0.3 |",
        f"| writes on the no-op run | {r['writes_on_noop']} | 0 |",
    ]
    for n in sizes:
        req = r["requests_per_tenant"][n]
        lines.append(
            f"| N={n} (forks {r['forks'][n]}): s/tenant, total | {r['per_tenant_seconds'][n]} s, "
            f"{r['total_seconds'][n]} s | flat or falling 10 -> 50 |")
        lines.append(
            f"| N={n}: requests/tenant mutating / read / access reviews / dry-run | {req.get('mutating', 0)} / "
            f"{req.get('read', 0)} / {req.get('access_reviews', 0)} / {req.get('dry_run', 0)} | |")
        lines.append(f"| N={n}: peak RSS of ansible-playbook + children | {r['peak_rss_mb'][n]} MiB | |")
    man = r["requests_one_tenant"]["manual"]
    lines.append(f"| manual CLI requests (one tenant) mutating / read | {man.get('mutating', 0)} / "
                 f"{man.get('read', 0)} | |")
    lines += ["", *[f"- {n}" for n in r["notes"]], ""]
    (RESULTS / "latest.md").write_text("\n".join(lines))
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.plot([int(n) for n in sizes], [r["per_tenant_seconds"][n] for n in sizes], marker="o")
    ax.set_xlabel("tenants (N)")
    ax.set_ylabel("seconds per tenant")
    ax.set_title("provision.yml on the local control plane")
    fig.tight_layout()
    fig.savefig(RESULTS / "latest.png", dpi=100)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    p.add_argument("--sizes", default="1,10,50", help="fleet sizes (default 1,10,50)")
    p.add_argument("--reps", type=int, default=3, help="one-tenant repetitions (best of; default 3)")
    p.add_argument("--keep", action="store_true", help="keep the bench namespaces and work dir")
    p.add_argument("--shared-cluster", action="store_true",
                   help="use the default local control plane (.cache/local-cluster) instead of the bench's own "
                        "(.cache/bench-cluster, ports 24xxx)")
    args = p.parse_args(argv)
    args.sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    bench = Bench(args)
    try:
        bench.setup()
        r = bench.run()
    finally:
        bench.teardown()
    r["date"] = time.strftime("%Y-%m-%d %H:%M")
    write_reports(r)
    print((RESULTS / "latest.md").read_text())
    print(json.dumps({k: r[k] for k in ("one_tenant_ratio_vs_manual", "noop_ratio", "per_tenant_seconds",
                                        "requests_per_tenant", "writes_on_noop", "peak_rss_mb")}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
