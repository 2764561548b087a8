"""Fixtures for integration tests against the real local control plane (hack/local-cluster).

- ``local_cluster`` (session): runs ``hack/local-cluster up`` once (idempotent: reuses a running cluster) and
  exports KUBECONFIG, AUDIT_LOG, HELM_* and PATH (pinned kubectl and helm first) for the whole run.
- ``k8s`` (session): a kubernetes ``ApiClient`` for the admin kubeconfig (user ``tenancy-admin``).
- ``namespace`` / ``namespace_factory``: fresh namespaces per test, deleted afterwards.
- ``audit`` (session): ``audit.mark()`` and ``audit.mutating_since(mark, user="tenancy-admin")``.
"""

from __future__ import annotations

import os
import re
import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster import AuditLog, LocalCluster, ensure_up, wait_until
from kubernetes import client as k8s_client
from kubernetes import config as k8s_config
from kubernetes.client.rest import ApiException


@pytest.fixture(scope="session")
def local_cluster() -> LocalCluster:
    cluster = ensure_up()
    os.environ.update(cluster.env)
    return cluster


@pytest.fixture(scope="session")
def k8s(local_cluster: LocalCluster) -> k8s_client.ApiClient:
    api = k8s_config.new_client_from_config(config_file=local_cluster.kubeconfig)
    yield api
    api.close()


@pytest.fixture(scope="session")
def audit(local_cluster: LocalCluster) -> AuditLog:
    return local_cluster.audit_log()


def _ns_name(request: pytest.FixtureRequest) -> str:
    base = re.sub(r"[^a-z0-9-]+", "-", request.node.name.lower()).strip("-")[:40].strip("-") or "t"
    return f"{base}-{uuid.uuid4().hex[:6]}"


@pytest.fixture
def namespace_factory(k8s: k8s_client.ApiClient, request: pytest.FixtureRequest):
    """`make(labels=None, name=None)` creates a namespace (waits for its default ServiceAccount)."""
    core = k8s_client.CoreV1Api(k8s)
    created: list[str] = []

    def make(labels: dict[str, str] | None = None, name: str | None = None) -> str:
        ns = name or _ns_name(request)
        core.create_namespace(k8s_client.V1Namespace(metadata=k8s_client.V1ObjectMeta(name=ns, labels=labels)))
        created.append(ns)

        def has_default_sa():
            try:
                return core.read_namespaced_service_account("default", ns)
            except ApiException as e:
                if e.status == 404:
                    return None
                raise

        wait_until(has_default_sa, timeout=30, what=f"ServiceAccount default in {ns}")
        return ns

    yield make
    for ns in created:
        try:
            core.delete_namespace(ns)
        except ApiException as e:
            if e.status != 404:
                raise


@pytest.fixture
def namespace(namespace_factory) -> str:
    return namespace_factory()


# Fixtures for vcluster charts, the local Helm repository and the syncer stand-in.
from vcluster_fixtures import chart_repo, helm, syncer_once, syncer_standin, vcluster_syncer  # noqa: F401  # pylint: disable=unused-import
