"""Documentation: every finding id has a hardening reference entry; ansible-doc renders every module, plugin and
role of the collection."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.findings import FINDING_IDS

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DOCSITE = REPO / "docs" / "docsite"


def test_every_finding_id_is_in_the_hardening_reference():
    text = (DOCSITE / "rst" / "hardening.rst").read_text()
    missing = [fid for fid in FINDING_IDS if f"``{fid}``" not in text]
    assert missing == []


def test_extra_docs_list_every_guide():
    import yaml

    listed = {
        doc
        for section in yaml.safe_load((DOCSITE / "extra-docs.yml").read_text())["sections"]
        for doc in section["toctree"]
    }
    assert listed == {p.stem for p in (DOCSITE / "rst").glob("*.rst")}
    for name in listed:
        label = f".. _ansible_collections.tenancy.vcluster.docsite.{name}:"
        assert (DOCSITE / "rst" / f"{name}.rst").read_text().startswith(label)


def content(kind: str) -> list[str]:
    folder = {"module": "plugins/modules", "filter": "plugins/filter", "inventory": "plugins/inventory"}.get(kind)
    if kind == "role":
        return sorted(p.parent.parent.name for p in REPO.glob("roles/*/meta/argument_specs.yml"))
    return sorted(p.stem for p in (REPO / folder).glob("*.*") if p.suffix in (".py", ".yml") and p.stem != "__init__")


@pytest.mark.parametrize("kind", ["module", "filter", "inventory", "role"])
def test_ansible_doc_renders_everything(kind):
    names = content(kind)
    if not names:
        pytest.skip(f"no {kind} plugins")
    env = {
        **os.environ,
        "ANSIBLE_COLLECTIONS_PATH": str(REPO / ".cache" / "collections"),
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    fqcns = [f"tenancy.vcluster.{n}" for n in names]
    proc = subprocess.run(
        [str(BIN / "ansible-doc"), "-t", kind, "--json", *fqcns],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "[WARNING]" not in proc.stderr and "ERROR" not in proc.stderr, proc.stderr
    docs = json.loads(proc.stdout)
    assert sorted(docs) == sorted(fqcns)
    for fqcn, doc in docs.items():
        if kind == "role":
            assert doc["entry_points"]["main"]["short_description"], fqcn
        else:
            assert doc["doc"]["short_description"] and doc["doc"]["description"], fqcn
            # text rendering too (what users see)
            text = subprocess.run(
                [str(BIN / "ansible-doc"), "-t", kind, fqcn],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            assert text.returncode == 0 and fqcn in text.stdout.splitlines()[0], text.stderr
