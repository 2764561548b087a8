# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tenancy.vcluster.vcluster_values: result keys, strict failure, dest idempotency, check and diff mode."""

import json
import os
import stat

import pytest
import yaml

from ansible_collections.tenancy.vcluster.plugins.modules import vcluster_values
from ansible_collections.tenancy.vcluster.tests.unit.plugins.modules.utils import patch_module_args

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
VCLUSTER_DATA = os.path.join(
    os.path.abspath(os.environ.get("TENANCY_VCLUSTER_SHARED", os.path.join(REPO, "..", "shared"))), "vcluster-data"
)


def run(capsys, **args):
    """Run main(); return (result dict, exit code)."""
    args.setdefault("name", "tenant-a")
    args.setdefault("namespace", "tenant-a")
    args.setdefault("chart_version", "0.36.1")
    with patch_module_args(args), pytest.raises(SystemExit) as exc:
        vcluster_values.main()
    return json.loads(capsys.readouterr().out), exc.value.code


def test_renders_without_dest(capsys):
    result, code = run(capsys)
    assert code == 0
    assert result["changed"] is False
    assert result["dialect"] == "modern" and result["chart"] == "vcluster" and result["distro"] == "k8s"
    assert result["findings"] == []
    assert yaml.safe_load(result["values_yaml"]) == result["values"]
    assert "&id" not in result["values_yaml"]  # no YAML anchors


def test_legacy_result(capsys):
    result, code = run(capsys, chart_version="0.18.1", distro="k8s")
    assert code == 0
    assert (result["dialect"], result["chart"], result["distro"]) == ("legacy", "vcluster-k8s", "k8s")


def test_strict_failure_lists_every_error(capsys):
    result, code = run(
        capsys,
        name="tenant.a",
        values={"controlPlane": {"statefulSet": {"security": {"containerSecurityContext": {"runAsUser": 0}}}}},
        isolation={"extra_egress_cidrs": ["10.0.0.1/8"]},
    )
    assert code == 1 and result["failed"]
    for text in (
        "[name-invalid] name:",
        "[pss-run-as-user] controlPlane.statefulSet.security.containerSecurityContext.runAsUser:",
        "[cidr-invalid] isolation.extra_egress_cidrs[0]:",
    ):
        assert text in result["msg"]
    assert result["msg"].startswith("vcluster values for tenant.a are not acceptable: 3 error findings")
    assert {f["id"] for f in result["findings"]} == {"name-invalid", "pss-run-as-user", "cidr-invalid"}


def test_not_strict_returns_findings(capsys):
    result, code = run(capsys, strict=False, chart_version="0.33.4", distro="k3s")
    assert code == 0
    assert [f["id"] for f in result["findings"]] == ["distro-unsupported"]
    assert result["values"] == {}


def test_warnings_do_not_fail(capsys, monkeypatch):
    warned = []
    monkeypatch.setattr(vcluster_values.AnsibleModule, "warn", lambda self, msg, *a, **kw: warned.append(msg))
    result, code = run(capsys, name="a-rather-long-tenant-name")
    assert code == 0
    assert [f["id"] for f in result["findings"]] == ["name-translation-hashed"]
    assert len(warned) == 1 and warned[0].startswith("[name-translation-hashed] name:")


def test_schema_option(capsys):
    schema = os.path.join(VCLUSTER_DATA, "0.36.1", "values.schema.json")
    result, code = run(capsys, schema=schema)
    assert code == 0 and result["findings"] == []
    result, code = run(capsys, schema=schema, values={"syncer": {}})
    assert code == 1
    assert sorted(f["id"] for f in result["findings"]) == ["schema", "values-dialect"]


def test_unreadable_schema_fails(capsys, tmp_path):
    result, code = run(capsys, schema=str(tmp_path / "missing.json"))
    assert code == 1 and "cannot read chart schema" in result["msg"]


def test_dest_is_written_once_with_mode_0600(capsys, tmp_path):
    dest = tmp_path / "values.yaml"
    result, code = run(capsys, dest=str(dest))
    assert code == 0 and result["changed"] is True
    assert dest.read_text() == result["values_yaml"]
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o600
    result, code = run(capsys, dest=str(dest))
    assert code == 0 and result["changed"] is False
    # a different rendering changes the file
    result, code = run(capsys, dest=str(dest), telemetry=True)
    assert result["changed"] is True
    assert yaml.safe_load(dest.read_text())["telemetry"] == {"enabled": True}


def test_dest_mode_is_repaired(capsys, tmp_path):
    dest = tmp_path / "values.yaml"
    run(capsys, dest=str(dest))
    os.chmod(dest, 0o644)
    result, _code = run(capsys, dest=str(dest))
    assert result["changed"] is True
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o600


def test_check_mode_writes_nothing_and_diff_shows_content(capsys, tmp_path):
    dest = tmp_path / "values.yaml"
    result, code = run(capsys, dest=str(dest), _ansible_check_mode=True, _ansible_diff=True)
    assert code == 0 and result["changed"] is True
    assert not dest.exists()
    assert result["diff"]["before"] == "" and result["diff"]["after"] == result["values_yaml"]
    run(capsys, dest=str(dest))
    result, _code = run(capsys, dest=str(dest), _ansible_check_mode=True, _ansible_diff=True, telemetry=True)
    assert result["changed"] is True
    assert "enabled: false" in result["diff"]["before"] and "enabled: true" in result["diff"]["after"]
    assert "enabled: false" in dest.read_text()


def test_dest_directory_fails(capsys, tmp_path):
    result, code = run(capsys, dest=str(tmp_path))
    assert code == 1 and "is a directory" in result["msg"]


def test_argument_spec_catches_typos(capsys):
    result, code = run(capsys, isolation={"enabeld": False})
    assert code == 1 and "enabeld" in result["msg"]


def test_diff_against_deployed_values(capsys):
    deployed, _code = run(capsys)
    same, _code = run(capsys, diff_against=deployed["values"], _ansible_diff=True)
    assert same["changed"] is False and "diff" not in same
    changed, _code = run(capsys, diff_against=deployed["values"], _ansible_diff=True, telemetry=True)
    assert changed["changed"] is True
    assert changed["diff"]["before_header"] == "deployed release values"
    assert "enabled: false" in changed["diff"]["before"] and "enabled: true" in changed["diff"]["after"]
