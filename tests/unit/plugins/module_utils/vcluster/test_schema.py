# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Schema findings against the real values.schema.json files."""

import json
import os

import pytest

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import schema as schema_utils
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.render import render_values

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", ".."))
VCLUSTER_DATA = os.path.join(
    os.path.abspath(os.environ.get("TENANCY_VCLUSTER_SHARED", os.path.join(REPO, "..", "shared"))), "vcluster-data"
)


def schema_of(version):
    with open(os.path.join(VCLUSTER_DATA, version, "values.schema.json")) as handle:
        return json.load(handle)


@pytest.mark.parametrize("version", ["0.20.6", "0.25.2", "0.36.1"])
def test_hardened_values_have_no_schema_findings(version):
    values, _findings, _meta = render_values("tenant-a", "tenant-a", version)
    assert schema_utils.validate_values(values, schema_of(version), version) == []


@pytest.mark.parametrize("version", ["0.20.6", "0.36.1"])
def test_legacy_key_is_a_schema_finding_at_its_path(version):
    findings = schema_utils.validate_values({"syncer": {"extraArgs": []}}, schema_of(version), version)
    assert [(f["id"], f["path"]) for f in findings] == [("schema", "syncer")]
    assert "syncer" in findings[0]["message"] and version in findings[0]["message"]


def test_nested_errors_carry_the_json_path():
    values = {
        "controlPlane": {"statefulSet": {"security": {"podSecurityContext": "root"}}},
        "telemetry": {"enabled": "no"},
    }
    findings = schema_utils.validate_values(values, schema_of("0.36.1"))
    assert sorted(f["path"] for f in findings) == [
        "controlPlane.statefulSet.security.podSecurityContext",
        "telemetry.enabled",
    ]


def test_coredns_security_is_rejected_before_026():
    values = {"controlPlane": {"coredns": {"security": {}}}}
    assert [f["path"] for f in schema_utils.validate_values(values, schema_of("0.25.2"))] == [
        "controlPlane.coredns.security"
    ]
    assert schema_utils.validate_values(values, schema_of("0.26.5")) == []


def test_nulls_are_dropped_like_helm_does():
    assert (
        schema_utils.validate_values(
            {"telemetry": None, "policies": {"podSecurityStandard": None}}, schema_of("0.36.1")
        )
        == []
    )
    assert schema_utils.strip_nulls({"a": None, "b": [{"c": None}]}) == {"b": [{}]}


@pytest.mark.parametrize(
    ("parts", "text"),
    [
        ([], "(root)"),
        (["a", "b"], "a.b"),
        (["a", 0, "b"], "a[0].b"),
        (["quota", "requests.cpu"], "quota[requests.cpu]"),
    ],
)
def test_json_path(parts, text):
    assert schema_utils.json_path(parts) == text


def test_missing_library_raises(monkeypatch):
    monkeypatch.setattr(schema_utils, "HAS_JSONSCHEMA", False)
    with pytest.raises(RuntimeError, match="jsonschema"):
        schema_utils.validate_values({}, {})
