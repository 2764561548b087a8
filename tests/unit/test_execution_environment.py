"""The execution environment definition (extensions/ee) and the collection's EE metadata (meta/)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
KUBERNETES_CORE = Path(sys.executable).parents[1] / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
KUBERNETES_CORE = KUBERNETES_CORE / "site-packages" / "ansible_collections" / "kubernetes" / "core"


def builder(*args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [str(BIN / "ansible-builder"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def test_ansible_builder_creates_the_build_context(tmp_path):
    definition = REPO / "extensions" / "ee" / "execution-environment.yml"
    assert yaml.safe_load(definition.read_text())["version"] == 3
    builder("create", "-f", str(definition), "-c", str(tmp_path / "context"), "--output-filename", "Containerfile")
    containerfile = (tmp_path / "context" / "Containerfile").read_text()
    galaxy = yaml.safe_load((tmp_path / "context" / "_build" / "requirements.yml").read_text())
    assert {c["name"] for c in galaxy["collections"]} == {"tenancy.vcluster", "kubernetes.core"}
    # helm and helm-diff are only installed after their checksum is verified
    assert containerfile.count("sha256sum --check --strict") == 2
    assert "ARG HELM_SHA256=" in containerfile and "helm diff version" in containerfile


def test_introspection_lists_the_collection_dependencies(tmp_path):
    collections = tmp_path / "ansible_collections"
    (collections / "tenancy").mkdir(parents=True)
    (collections / "kubernetes").mkdir()
    (collections / "tenancy" / "vcluster").symlink_to(REPO)
    (collections / "kubernetes" / "core").symlink_to(KUBERNETES_CORE)
    found = yaml.safe_load(builder("introspect", str(tmp_path)).stdout)
    python = [line.split("#")[0].strip() for line in found["python"]]
    ours = [line for line in found["python"] if "from collection tenancy.vcluster" in line]
    assert {"jsonschema>=4.18", "kubernetes>=24.2.0"} <= set(python)
    assert ours and any("from collection kubernetes.core" in line for line in found["python"])
    assert any("from collection tenancy.vcluster" in line for line in found["system"])


def test_ee_requirements_match_the_collection_requirements():
    def names(path: Path) -> set[str]:
        lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
        return {line for line in lines if line}

    assert names(REPO / "meta" / "ee-requirements.txt") == names(REPO / "requirements.txt")
    meta = yaml.safe_load((REPO / "meta" / "execution-environment.yml").read_text())
    for path in meta["dependencies"].values():
        assert (REPO / path).is_file()
