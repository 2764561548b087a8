"""Pytest fixtures for vcluster tests on the local control plane (a plugin module; conftest.py loads it).

- ``chart_repo`` (session): the real published vcluster charts (``../shared/vcluster-charts``: ``vcluster`` 0.15.7 to
  0.36.1 and the legacy ``vcluster-k8s``/``-k0s``/``-eks``) copied into a temporary directory, indexed with the
  cluster's helm and served on ``http://127.0.0.1:<port>``; the value is that URL (``--repo URL`` or
  ``kubernetes.core.helm``'s ``chart_repo_url``).
- ``helm`` (session): ``helm(*args, check=True)`` runs the cluster's pinned helm against the admin kubeconfig
  and returns the ``CompletedProcess``; failures (when ``check``) show the command and its output.
- ``vcluster_syncer`` (session): ``hack/vcluster-syncer`` (the real syncer, one network namespace per vcluster)
  for the vclusters whose values carry ``real_syncer_values(...)``; skipped, saying why, where the machine cannot
  run it (it needs root and the binaries of ``hack/vcluster-syncer build``).
- ``syncer_standin`` (session): ``hack/syncer-standin`` in the background for every other vcluster (writes Secret
  ``vc-<release>`` like the real syncer, pointing at a spare kube-apiserver). The value has ``.proc``, ``.log()``
  and ``.run_once(namespace=None)``.
- ``syncer_once`` (function): the stand-in without a background process, for tests that drive it with ``--once``.

They need ``local_cluster`` from conftest.py: an unreachable cluster is an error, never a skip.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
SYNCER_STANDIN = REPO / "hack" / "syncer-standin"
VCLUSTER_SYNCER = REPO / "hack" / "vcluster-syncer"

if str(FIXTURES) not in sys.path:
    sys.path.insert(0, str(FIXTURES))

import chart_repo as chart_archives  # tests/fixtures is put on sys.path above

# The vclusters the real syncer runs carry this label on their StatefulSet and pod; the stand-in leaves them alone.
REAL_SYNCER_LABEL = "tenancy-vcluster-test/control-plane"
REAL_SYNCER_SELECTOR = f"app=vcluster,{REAL_SYNCER_LABEL}=vcluster-syncer"
STANDIN_SELECTOR = f"app=vcluster,!{REAL_SYNCER_LABEL}"
# Namespaces of the chart matrix (test_chart_matrix.py), served by its own stand-in with one shared virtual server.
MATRIX_NAMESPACES = "^mx-"
SYNCER_VERSION = "0.36.1"  # hack/versions.env VCLUSTER_SYNCER_VERSION: the chart version the real syncer runs


@pytest.fixture(scope="session")
def helm(local_cluster):
    helm_bin = local_cluster.helm
    if not os.access(helm_bin, os.X_OK):
        raise RuntimeError(f"helm {helm_bin} from hack/local-cluster is missing; run: hack/local-cluster build")
    env = {**os.environ, **local_cluster.env}
    env["PATH"] = f"{local_cluster.bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"

    def run(*args, check=True, timeout=300):
        cmd = [helm_bin, "--kubeconfig", local_cluster.kubeconfig, *args]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
        if check and proc.returncode != 0:
            raise AssertionError(
                f"helm {' '.join(args)} failed (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
            )
        return proc

    return run


@pytest.fixture(scope="session")
def chart_repo(local_cluster, tmp_path_factory):
    repo_dir = tmp_path_factory.mktemp("vcluster-chart-repo")
    chart_archives.build_repo(str(repo_dir), local_cluster.helm)
    url, stop = chart_archives.serve_repo(str(repo_dir))
    try:
        yield url
    finally:
        stop()


# ------------------------------------------------------------------------------------------- the real syncer
def real_syncer_values(address: str) -> dict:
    """Chart values (0.20+) that hand a vcluster to the real syncer and export its kubeconfig at ADDRESS."""
    labels = {REAL_SYNCER_LABEL: "vcluster-syncer"}
    return {
        "controlPlane": {"statefulSet": {"labels": labels, "pods": {"labels": labels}}},
        "exportKubeConfig": {"server": f"https://{address}:8443"},
    }


class VclusterSyncer:
    def __init__(self, env: dict[str, str]):
        self.env = env
        self.state = Path(env.get("TENANCY_VCLUSTER_STATE") or REPO / ".cache" / "local-cluster")
        self.home = self.state / "vcluster-syncer"

    def run(self, *args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
        proc = subprocess.run(
            [sys.executable, str(VCLUSTER_SYNCER), *args],
            env=self.env, capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
        if check and proc.returncode != 0:
            raise AssertionError(f"hack/vcluster-syncer {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
        return proc

    def address(self, namespace: str, name: str) -> str:
        return self.run("address", namespace, name).stdout.strip()

    def values(self, namespace: str, name: str) -> dict:
        return real_syncer_values(self.address(namespace, name))

    def status(self) -> dict:
        return json.loads(self.run("status", "--json", check=False).stdout)

    def instance(self, namespace: str, name: str) -> dict | None:
        for vc in self.status().get("vclusters", []):
            if (vc["namespace"], vc["name"]) == (namespace, name):
                return vc
        return None

    def log(self) -> str:
        path = self.home / "supervisor.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def syncer_log(self, namespace: str, name: str) -> str:
        path = self.home / "vclusters" / f"{namespace}_{name}" / "syncer.log"
        return path.read_text(errors="replace") if path.exists() else ""


@pytest.fixture(scope="session")
def vcluster_syncer(local_cluster):
    env = {**os.environ, **local_cluster.env}
    syncer = VclusterSyncer(env)
    check = syncer.run("check", check=False)
    if check.returncode != 0:
        pytest.skip(f"{check.stdout.strip()}; these tests need the real syncer (the stand-in covers the rest)")
    syncer.run("up", "--selector", REAL_SYNCER_SELECTOR, timeout=120)
    try:
        yield syncer
    finally:
        syncer.run("down", check=False, timeout=600)


# ---------------------------------------------------------------------------------------------- the stand-in
class SyncerStandin:
    """hack/syncer-standin; by default for every vcluster but the real syncer's and the chart matrix's."""

    DEFAULT_SCOPE = ("--selector", STANDIN_SELECTOR, "--skip-namespace-pattern", MATRIX_NAMESPACES)

    def __init__(self, kubeconfig: str, log_path: Path, env: dict[str, str], scope: tuple[str, ...] = DEFAULT_SCOPE):
        self.kubeconfig = kubeconfig
        self.log_path = log_path
        self.env = env
        self.scope = scope
        self.proc: subprocess.Popen | None = None

    def _cmd(self, *args: str) -> list[str]:
        # the venv interpreter running pytest has the kubernetes client the stand-in needs
        return [sys.executable, str(SYNCER_STANDIN), "--kubeconfig", self.kubeconfig, *self.scope, *args]

    def start(self) -> None:
        self._log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            self._cmd(), stdout=self._log, stderr=subprocess.STDOUT, env=self.env, start_new_session=True
        )
        time.sleep(1.0)
        if self.proc.poll() is not None:
            raise RuntimeError(f"hack/syncer-standin exited at start (code {self.proc.returncode}):\n{self.log()}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if getattr(self, "_log", None):
            self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def run_once(self, namespace: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
        args = ["--once"] + (["--namespace", namespace] if namespace else [])
        return subprocess.run(
            self._cmd(*args), env=self.env, capture_output=True, text=True, timeout=timeout, check=False
        )


@pytest.fixture
def syncer_once(local_cluster, tmp_path):
    """hack/syncer-standin driven pass by pass: ``syncer_once.run_once(namespace)`` (no background process)."""
    return SyncerStandin(local_cluster.kubeconfig, tmp_path / "syncer-standin.log", {**os.environ, **local_cluster.env})


@pytest.fixture(scope="session")
def syncer_standin(local_cluster, tmp_path_factory):
    env = {**os.environ, **local_cluster.env}
    log_path = tmp_path_factory.mktemp("syncer-standin") / "syncer-standin.log"
    standin = SyncerStandin(local_cluster.kubeconfig, log_path, env)
    standin.start()
    try:
        yield standin
    finally:
        standin.stop()
