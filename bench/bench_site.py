"""The bench's site: its own control plane, identity, chart repository and syncer stand-in; tenants and inventories;
measured ansible-playbook runs and the manual CLI steps an operator would type."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
for _sub in ("tests/integration", "tests/fixtures", "tests/reliability", ".cache/collections"):
    if str(REPO / _sub) not in sys.path:
        sys.path.insert(0, str(REPO / _sub))

import yaml
from charts import CHART_VERSION, serve_real_chart
from cluster import MUTATING_VERBS, ensure_up, run_local_cluster
from identity import identity_kubeconfig
from measure import Measured, run_measured

RESULTS = REPO / "bench" / "results"
LOGS = RESULTS / "logs"
VENV_BIN = Path(sys.executable).parent
PROVISION = REPO / "playbooks" / "provision.yml"
AWX_TEMPLATES = REPO / "extensions" / "awx" / "job_templates.yml"
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


def log(msg: str) -> None:
    print(f"[bench] {time.strftime('%H:%M:%S')} {msg}", file=sys.stderr, flush=True)


def is_write(event) -> bool:
    return event.user == BENCH_USER and event.verb in MUTATING_VERBS and not event.dry_run \
        and event.resource not in REVIEWS


def count_requests(events) -> dict[str, int]:
    counts = Counter()
    for e in (e for e in events if e.user == BENCH_USER):
        if e.verb in MUTATING_VERBS:
            counts["access_reviews" if e.resource in REVIEWS else "dry_run" if e.dry_run else "mutating"] += 1
        else:
            counts["read" if e.verb in READ_VERBS else "other"] += 1
    return dict(counts)


@dataclass
class Run:
    """One measured playbook run: its cost, the writes it sent (audit log) and its requests."""

    label: str
    n: int
    measured: Measured
    writes: list[str]
    requests: dict[str, int]

    def summary(self) -> dict:
        return {**self.measured.summary(self.n), "n": self.n, "writes": len(self.writes),
                "requests_per_tenant": {k: round(v / self.n, 1) for k, v in sorted(self.requests.items())}}


def collection_run_settings() -> dict:
    """Forks and strategy as the collection ships them: the AWX fleet template's ``forks`` (AWX passes --forks)
    and ``extensions/awx/ansible.cfg`` when they exist; otherwise Ansible's own defaults apply."""
    settings = {"forks_arg": None, "ansible_cfg": None}
    templates = yaml.safe_load(AWX_TEMPLATES.read_text())["tenancy_awx_job_templates"]
    fleet = next((t for t in templates if t["name"] == "vcluster: provision fleet"), {})
    if fleet.get("forks"):
        settings["forks_arg"] = int(fleet["forks"])
    cfg = REPO / "extensions" / "awx" / "ansible.cfg"
    if cfg.is_file():
        settings["ansible_cfg"] = str(cfg)
    return settings


class Site:
    def __init__(self, shared_cluster: bool = False, keep: bool = False):
        self.shared_cluster, self.keep = shared_cluster, keep
        self.run_id = uuid.uuid4().hex[:4]
        self.tmp = Path(tempfile.mkdtemp(prefix="tenancy-bench-"))
        self.namespaces: list[str] = []
        self.procs: list[subprocess.Popen] = []
        self.stops = []
        self.settings = collection_run_settings()

    # -- set-up and tear-down
    def setup(self) -> None:
        if not self.shared_cluster:
            # A control plane of its own (state dir and ports): other test sessions' syncer stand-ins watch every
            # namespace of the default one and would start a virtual API server for each bench tenant.
            for key, value in BENCH_CLUSTER.items():
                os.environ.setdefault(key, value)
        log(f"bringing the local control plane up (state {os.environ.get('TENANCY_VCLUSTER_STATE', 'default')})")
        self.cluster = ensure_up()
        os.environ["PATH"] = f"{self.cluster.bin_dir}{os.pathsep}{VENV_BIN}{os.pathsep}{os.environ['PATH']}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "K8S_AUTH_"))}
        self.env.update(self.cluster.env, PATH=os.environ["PATH"])
        self.kubeconfig = str(identity_kubeconfig(self.cluster.state, self.cluster.kubeconfig, BENCH_USER,
                                                  self.tmp / "bench.kubeconfig"))
        self.env["KUBECONFIG"] = self.env["K8S_AUTH_KUBECONFIG"] = self.kubeconfig
        self.audit = self.cluster.audit_log()
        self.chart_repo, stop = serve_real_chart(self.tmp / "charts", self.cluster.helm)
        self.stops.append(stop)
        log(f"real chart vcluster {CHART_VERSION} at {self.chart_repo}; syncer stand-in --shared-virtual")
        syncer_log = (self.tmp / "syncer.log").open("ab")
        self.procs.append(subprocess.Popen(
            [sys.executable, str(REPO / "hack" / "syncer-standin"), "--kubeconfig", self.cluster.kubeconfig,
             "--shared-virtual", SHARED_VIRTUAL, "--interval", "0.5"],
            stdout=syncer_log, stderr=subprocess.STDOUT, env={**os.environ, **self.cluster.env},
            start_new_session=True))
        self.cluster.virtual(SHARED_VIRTUAL)  # started once, outside every timing
        LOGS.mkdir(parents=True, exist_ok=True)

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
        if self.keep:
            log(f"--keep: leaving {len(self.namespaces)} namespaces and {self.tmp}")
            return
        if self.namespaces:
            log(f"deleting {len(self.namespaces)} bench namespaces")
            self.kubectl("delete", "namespace", "--wait=false", "--ignore-not-found", *self.namespaces, check=False)
        try:
            run_local_cluster("virtual-down", SHARED_VIRTUAL, "--purge", timeout=120)
        except RuntimeError as exc:
            log(f"warning: {exc}")
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- the Ansible settings of every run
    def ansible_env(self, **extra: str) -> dict[str, str]:
        env = {**self.env, "ANSIBLE_COLLECTIONS_PATH": str(REPO / ".cache" / "collections"), "ANSIBLE_NOCOLOR": "1",
               "ANSIBLE_FORCE_COLOR": "0", "ANSIBLE_RETRY_FILES_ENABLED": "False", **extra}
        if self.settings["ansible_cfg"]:
            env["ANSIBLE_CONFIG"] = self.settings["ansible_cfg"]
        return env

    def forks_args(self) -> list[str]:
        return ["--forks", str(self.settings["forks_arg"])] if self.settings["forks_arg"] else []

    def effective_settings(self) -> dict:
        """What ansible-playbook will use (``ansible-config dump`` in the runs' environment and directory)."""
        out = subprocess.run([str(VENV_BIN / "ansible-config"), "dump", "--format", "json"], env=self.ansible_env(),
                             cwd=self.tmp, capture_output=True, text=True, check=True).stdout
        import json

        values = {i["name"]: (i["value"], i["origin"]) for i in json.loads(out) if isinstance(i, dict) and "name" in i}
        forks, origin = values["DEFAULT_FORKS"]
        strategy, s_origin = values["DEFAULT_STRATEGY"]
        if self.settings["forks_arg"]:
            forks, origin = self.settings["forks_arg"], "AWX job template 'vcluster: provision fleet' (forks)"
        return {"forks": forks, "forks_origin": origin, "strategy": strategy, "strategy_origin": s_origin,
                "ansible_cfg": self.settings["ansible_cfg"], "cpus": os.cpu_count()}

    # -- tenants
    def new_tenants(self, tag: str, n: int) -> dict[str, str]:
        """``n`` fresh tenants: inventory host name -> namespace (none exists yet)."""
        tenants = {f"{tag}-{i}": f"bench-{self.run_id}-{tag}-{i}" for i in range(n)}
        self.namespaces.extend(tenants.values())
        return tenants

    def group_vars(self, host_kubeconfig: bool = True) -> dict:
        gv = {
            "ansible_connection": "local",
            "ansible_python_interpreter": sys.executable,
            "vcluster_chart_repo_url": self.chart_repo,
            "vcluster_work_dir": str(self.tmp / "work"),
            "vcluster_kubeconfig_server": "from_secret",
            "vcluster_kubeconfig_dest": str(self.tmp / "kubeconfigs")
            + "/{{ vcluster_namespace }}-{{ vcluster_name | default(inventory_hostname) }}.kubeconfig",
            "vcluster_wait_timeout": "5m",
        }
        if host_kubeconfig:
            gv["vcluster_host_kubeconfig"] = self.kubeconfig
        return gv

    @staticmethod
    def hosts(tenants: dict[str, str], **host_vars) -> dict:
        return {h: {"vcluster_namespace": ns, "vcluster_chart_version": CHART_VERSION, **host_vars}
                for h, ns in tenants.items()}

    def inventory(self, name: str, tenants: dict[str, str], **host_vars) -> Path:
        path = self.tmp / f"{name}.yml"
        inventory = {"vclusters": {"hosts": self.hosts(tenants, **host_vars), "vars": self.group_vars()}}
        path.write_text(yaml.safe_dump(inventory, sort_keys=False))
        return path

    # -- measured playbook runs
    def playbook(self, label: str, inventory: Path, n: int, *, playbook: Path = PROVISION, args: tuple = (),
                 env: dict | None = None, expect_ok: bool = True, memory: bool = True) -> Run:
        cmd = [str(VENV_BIN / "ansible-playbook"), "-i", str(inventory), str(playbook), *self.forks_args(), *args]
        return self.measured(label, cmd, n, env=self.ansible_env(**(env or {})), expect_ok=expect_ok, memory=memory)

    def measured(self, label: str, cmd: list[str], n: int, *, env: dict, expect_ok: bool = True,
                 memory: bool = True) -> Run:
        mark = self.audit.mark()
        measured = run_measured(cmd, env, cwd=str(self.tmp), memory=memory)
        events = self.audit.events_since(mark)
        (LOGS / f"{label}.txt").write_text(measured.output)
        if expect_ok and measured.rc != 0:
            raise RuntimeError(f"{label} failed (rc {measured.rc}): {LOGS}/{label}.txt")
        writes = [f"{e.verb} {e.resource} {e.namespace or ''}/{e.name or ''}" for e in events if is_write(e)]
        run = Run(label, n, measured, writes, count_requests(events))
        log(f"{label}: {measured.seconds:.1f} s, {measured.cpu:.1f} CPU-s ({measured.cpu_sys:.1f} sys), "
            f"{run.measured.seconds / n:.2f} s and {measured.cpu / n:.2f} CPU-s per tenant, "
            f"PSS {measured.peak_pss_mib} MiB, {len(writes)} writes")
        return run

    # -- the manual path
    def kubectl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self._run([self.cluster.kubectl, "--kubeconfig", self.kubeconfig, *args], check)

    def helm(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self._run([self.cluster.helm, "--kubeconfig", self.kubeconfig, *args], check)

    def _run(self, cmd, check=True):
        proc = subprocess.run(cmd, env=self.env, capture_output=True, text=True, check=False)
        if check and proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd[:4])} ... failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
        return proc

    def manual_tenant(self, name: str, namespace: str, values_file: Path, chart: Path, psa_labels: dict[str, str],
                      export_kubeconfig: bool = False) -> None:
        """What an operator types for one tenant: the namespace, its Pod Security labels, helm upgrade -i --wait;
        with ``export_kubeconfig`` also waiting for Secret vc-<name> and writing its kubeconfig (0600)."""
        self.kubectl("create", "namespace", namespace)
        self.kubectl("label", "namespace", namespace, "--overwrite", *[f"{k}={v}" for k, v in psa_labels.items()])
        self.helm("upgrade", "-i", name, str(chart), "-n", namespace, "-f", str(values_file), "--wait",
                  "--timeout", "5m")
        if not export_kubeconfig:
            return
        self.kubectl("wait", "--for=create", f"secret/vc-{name}", "-n", namespace, "--timeout=300s")
        config = self.kubectl("get", "secret", f"vc-{name}", "-n", namespace, "-o", "jsonpath={.data.config}").stdout
        dest = self.tmp / "manual-kubeconfigs" / f"{namespace}-{name}.kubeconfig"
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(base64.b64decode(config))
