"""Fixtures for the reliability suite: fault injection, bad input, PodSecurity differential, secrets.

Runs against the local control plane like tests/integration (its helpers are reused), with two differences that
keep it fast and exact on a shared machine:

- ``identity`` (session): a kubeconfig for user ``tenancy-reliability`` (see identity.py). Playbooks run with it, so
  ``audit_writes(mark)`` lists exactly this suite's writes, whatever else uses the cluster as ``tenancy-admin``.
- ``syncer`` (session): ``hack/syncer-standin --shared-virtual rel-shared``: every tenant's ``vc-<n>`` Secret points
  at one virtual API server (a kube-apiserver per tenant costs ~250 MiB and seconds to start); stopped at the end.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
for extra in (HERE, REPO / "tests" / "integration", REPO / "tests" / "fixtures"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from cluster import MUTATING_VERBS, LocalCluster, delete_namespaces, ensure_up, run_local_cluster
from identity import identity_kubeconfig
from vcluster_fixtures import chart_repo, helm  # noqa: F401  # pylint: disable=unused-import

kubernetes = pytest.importorskip("kubernetes")
import contextlib

from kubernetes import config as k8s_config

USER = "tenancy-reliability"
SHARED_VIRTUAL = "rel-shared"
REVIEWS = {"selfsubjectaccessreviews", "selfsubjectrulesreviews", "subjectaccessreviews", "tokenreviews"}


@pytest.fixture(scope="session")
def local_cluster() -> LocalCluster:
    cluster = ensure_up()
    os.environ.update(cluster.env)
    return cluster


@pytest.fixture(scope="session")
def identity(local_cluster, tmp_path_factory) -> str:
    dest = tmp_path_factory.mktemp("identity") / "reliability.kubeconfig"
    return str(identity_kubeconfig(local_cluster.state, local_cluster.kubeconfig, USER, dest))


@pytest.fixture(scope="session")
def k8s(identity):
    api = k8s_config.new_client_from_config(config_file=identity)
    yield api
    api.close()


@pytest.fixture(scope="session")
def audit(local_cluster):
    return local_cluster.audit_log()


@pytest.fixture(scope="session")
def audit_writes(audit):
    """``audit_writes(mark)``: this suite's writes after ``mark`` (no dry runs, no access reviews)."""

    def writes(mark):
        return [
            e for e in audit.events_since(mark)
            if e.user == USER and e.verb in MUTATING_VERBS and not e.dry_run and e.resource not in REVIEWS
        ]

    return writes


@pytest.fixture(scope="session")
def syncer(local_cluster, tmp_path_factory):
    log_path = tmp_path_factory.mktemp("syncer") / "syncer-standin.log"
    log = log_path.open("ab")
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "hack" / "syncer-standin"), "--kubeconfig", local_cluster.kubeconfig,
         "--shared-virtual", SHARED_VIRTUAL, "--interval", "0.5"],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **local_cluster.env}, start_new_session=True,
    )
    local_cluster.virtual(SHARED_VIRTUAL)
    try:
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()
        with contextlib.suppress(RuntimeError):
            run_local_cluster("virtual-down", SHARED_VIRTUAL, "--purge", timeout=120)


@pytest.fixture
def cleanup_namespaces(k8s):
    """A list to append namespace names to; they are deleted after the test."""
    names: list[str] = []
    yield names
    delete_namespaces(k8s, names)
