"""The release artifact: `ansible-galaxy collection build` ships what users need and nothing else, and the installed
collection runs its playbooks by FQCN (tenancy.vcluster.provision / deprovision) against the local control plane."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
import yaml
from kubernetes import client as k8s_client
from kubernetes.client.rest import ApiException

from playbooks import local_group_vars, write_inventory

pytest_plugins = ["vcluster_fixtures"]  # chart_repo, syncer_standin

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# Development-only content that must never be in the tarball.
NOT_SHIPPED = ("tests/", ".cache/", ".venv/", "hack/", "bench/", "docs/site/", ".git/", "inventories/local/")


def run(*cmd: str, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return proc


@pytest.fixture(scope="module")
def tarball(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build")
    run(str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(out), str(REPO))
    (built,) = out.glob("tenancy-vcluster-*.tar.gz")
    return built


@pytest.fixture(scope="module")
def installed(tarball, tmp_path_factory) -> dict[str, str]:
    """The tarball installed into an empty collections path; kubernetes.core comes from the venv's ansible package."""
    path = tmp_path_factory.mktemp("collections")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")},
        "ANSIBLE_COLLECTIONS_PATH": str(path),
        "ANSIBLE_NOCOLOR": "1",
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    run(
        str(BIN / "ansible-galaxy"),
        "collection",
        "install",
        "--offline",
        "--no-deps",
        "-p",
        str(path),
        str(tarball),
        env=env,
    )
    listing = run(str(BIN / "ansible-galaxy"), "collection", "list", "--format", "yaml", env=env).stdout
    found = {coll: where for where, colls in yaml.safe_load(listing).items() for coll in colls}
    assert found["tenancy.vcluster"] == str(path / "ansible_collections"), listing  # not the work tree
    assert "kubernetes.core" in found, listing
    return env


def test_tarball_holds_what_users_need_and_nothing_else(tarball):
    with tarfile.open(tarball) as tar:
        names = tar.getnames()
    leaked = [n for n in names if n.startswith(NOT_SHIPPED) or "__pycache__" in n or n.endswith((".pyc", ".tar.gz"))]
    assert leaked == []
    for needed in (
        "MANIFEST.json",
        "README.md",
        "meta/runtime.yml",
        "meta/execution-environment.yml",
        "meta/ee-requirements.txt",
        "meta/ee-bindep.txt",
        "requirements.txt",
        "playbooks/provision.yml",
        "playbooks/deprovision.yml",
        "plugins/modules/vcluster_values.py",
        "roles/release/meta/argument_specs.yml",
        "docs/docsite/extra-docs.yml",
        "docs/docsite/rst/hardening.rst",
        "extensions/awx/provision.yml",
        "extensions/ee/execution-environment.yml",
    ):
        assert needed in names, needed


def test_installed_collection_provisions_by_fqcn(installed, local_cluster, chart_repo, syncer_standin, k8s, tmp_path):
    ns = f"pkg-{uuid.uuid4().hex[:5]}"
    tenants = {"pkg": {"vcluster_namespace": ns, "vcluster_chart_version": "0.36.1"}}
    inventory = write_inventory(tmp_path / "hosts.yml", tenants, local_group_vars(local_cluster, chart_repo, tmp_path))
    try:
        for playbook in ("tenancy.vcluster.provision", "tenancy.vcluster.deprovision"):
            run(str(BIN / "ansible-playbook"), "-i", str(inventory), playbook, env=installed, timeout=900)
            if playbook.endswith("provision") and not playbook.endswith("deprovision"):
                assert k8s_client.AppsV1Api(k8s).read_namespaced_stateful_set("pkg", ns)
                assert (tmp_path / "kubeconfigs" / f"{ns}-pkg.kubeconfig").exists()
        with pytest.raises(ApiException) as gone:
            k8s_client.CoreV1Api(k8s).read_namespace(ns)
        assert gone.value.status == 404
    finally:
        try:
            k8s_client.CoreV1Api(k8s).delete_namespace(ns)
        except ApiException as e:
            if e.status != 404:
                raise
