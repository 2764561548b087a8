"""Pytest fixtures for vcluster tests on the local control plane (a plugin module; conftest.py loads it).

- ``chart_repo`` (session): the test vcluster charts (``tests/fixtures/charts``: ``vcluster`` 0.36.1 and
  0.19.10, with the real default values and schema) built with the cluster's helm and served on
  ``http://127.0.0.1:<port>``; the value is that URL (use ``--repo URL`` or ``kubernetes.core.helm``'s
  ``chart_repo_url``).
- ``helm`` (session): ``helm(*args, check=True)`` runs the cluster's pinned helm against the admin kubeconfig
  and returns the ``CompletedProcess``; failures (when ``check``) show the command and its output.
- ``syncer_standin`` (session): ``hack/syncer-standin`` running in the background for the whole session
  (writes Secret ``vc-<release>`` for every vcluster control plane, like the real syncer); killed at the end.
  The value has ``.proc`` (the ``Popen``), ``.log()`` (its output so far) and ``.run_once(namespace=None)`` (one
  extra pass, returns the ``CompletedProcess``).
- ``syncer_once`` (function): the same without a background process, for tests that drive it with ``--once``.

They need ``local_cluster`` from conftest.py: an unreachable cluster is an error, never a skip.
"""

from __future__ import annotations

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

if str(FIXTURES) not in sys.path:
    sys.path.insert(0, str(FIXTURES))

import build_charts  # tests/fixtures is put on sys.path above

MODERN_VERSION = build_charts.CHARTS["vcluster-modern"]["version"]
LEGACY_VERSION = build_charts.CHARTS["vcluster-legacy"]["version"]


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
    build_charts.build_repo(str(repo_dir), local_cluster.helm)
    url, stop = build_charts.serve_repo(str(repo_dir))
    try:
        yield url
    finally:
        stop()


class SyncerStandin:
    def __init__(self, kubeconfig: str, log_path: Path, env: dict[str, str]):
        self.kubeconfig = kubeconfig
        self.log_path = log_path
        self.env = env
        self.proc: subprocess.Popen | None = None

    def _cmd(self, *args: str) -> list[str]:
        # the venv interpreter running pytest has the kubernetes client the stand-in needs
        return [sys.executable, str(SYNCER_STANDIN), "--kubeconfig", self.kubeconfig, *args]

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
