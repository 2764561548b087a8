# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Release-name and namespace rules, SafeConcatName and the translation warning."""

import hashlib

import pytest

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.naming import (
    check_name_translation,
    check_names,
    check_namespace,
    check_release_name,
    host_object_name,
    safe_concat_name,
)


def ids(findings):
    return [f["id"] for f in findings]


@pytest.mark.parametrize(
    ("name", "etcd", "expected"),
    [
        ("tenant-a", False, []),
        ("a", False, []),
        ("a" * 52, False, []),
        ("a" * 53, False, ["name-too-long"]),
        ("a" * 60, False, ["name-too-long"]),
        ("a" * 47, True, []),
        ("a" * 48, True, ["name-too-long"]),
        ("tenant.a", False, ["name-invalid"]),
        ("Tenant", False, ["name-invalid"]),
        ("1tenant", False, ["name-invalid"]),
        ("tenant-", False, ["name-invalid"]),
        ("ten_ant", False, ["name-invalid"]),
        ("", False, ["name-invalid"]),
        (None, False, ["name-invalid"]),
    ],
)
def test_release_name(name, etcd, expected):
    assert ids(check_release_name(name, etcd_deployed=etcd)) == expected


def test_too_long_message_names_the_limit_and_reason():
    (finding,) = check_release_name("a" * 48, etcd_deployed=True)
    assert "at most 47" in finding["message"] and "etcd" in finding["message"]
    assert finding["path"] == "name"


@pytest.mark.parametrize(
    ("namespace", "expected"),
    [
        ("tenant-a", []),
        ("0tenant", []),
        ("a" * 63, []),
        ("a" * 64, ["namespace-invalid"]),
        ("Tenant", ["namespace-invalid"]),
        ("tenant.a", ["namespace-invalid"]),
        ("-tenant", ["namespace-invalid"]),
        (None, ["namespace-invalid"]),
    ],
)
def test_namespace(namespace, expected):
    assert ids(check_namespace(namespace)) == expected


def test_safe_concat_name_short_is_a_join():
    assert safe_concat_name("web", "x", "default", "x", "tenant-a") == "web-x-default-x-tenant-a"
    assert host_object_name("web", "default", "tenant-a") == "web-x-default-x-tenant-a"


def test_safe_concat_name_hashes_past_63():
    parts = ("prometheus-kube-prometheus-stack-operator-5d8f7c9b6-abcde", "x", "monitoring", "x", "tenant-a")
    full = "-".join(parts)
    expected = full[:52] + "-" + hashlib.sha256(full.encode()).hexdigest()[:10]
    result = safe_concat_name(*parts)
    assert result == expected.replace(".-", "-")
    assert len(result) == 63


def test_safe_concat_name_replaces_dot_dash():
    # 51 characters then a dot at index 51 -> "...x.-<hash>" -> "...x-<hash>" (62 characters)
    name = "a" * 51 + ".b"
    result = safe_concat_name(name, "x", "default", "x", "tenant-a")
    assert ".-" not in result
    assert len(result) == 62


def test_exactly_63_is_not_hashed():
    name = "a" * (63 - len("-x-default-x-vc"))
    assert host_object_name(name, "default", "vc") == name + "-x-default-x-vc"


@pytest.mark.parametrize(
    ("name", "warned"),
    [("tenant-a", False), ("a" * 20, False), ("a" * 21, True), ("a" * 40, True), ("bad.name", False)],
)
def test_translation_warning(name, warned):
    findings = check_name_translation(name)
    assert ids(findings) == (["name-translation-hashed"] if warned else [])
    if warned:
        assert findings[0]["severity"] == "warning"
        assert "at most 20" in findings[0]["message"]
        assert host_object_name("web-7d4b9c8f6d-x2k9q", "default", name) in findings[0]["message"]


def test_check_names_collects_everything():
    assert ids(check_names("a" * 60, "Bad_NS")) == ["name-too-long", "name-translation-hashed", "namespace-invalid"]
