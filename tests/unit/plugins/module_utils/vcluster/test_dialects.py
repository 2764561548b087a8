# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Versions, distros, chart names, and the embedded key/default tables checked against the real chart data."""

import json
import os

import pytest
import yaml

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import chart_defaults, dialect_keys, dialects

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", ".."))
VCLUSTER_DATA = os.path.join(
    os.path.abspath(os.environ.get("TENANCY_VCLUSTER_SHARED", os.path.join(REPO, "..", "shared"))), "vcluster-data"
)


def _versions():
    names = os.listdir(VCLUSTER_DATA) if os.path.isdir(VCLUSTER_DATA) else []
    return sorted(names, key=lambda v: tuple(int(p) for p in v.split(".")))


VERSIONS = _versions()
LEGACY_VERSIONS = [v for v in VERSIONS if dialects.dialect_for(dialects.parse_version(v)) == dialects.LEGACY]
MODERN_VERSIONS = [v for v in VERSIONS if v not in LEGACY_VERSIONS]


def load_yaml(*parts):
    with open(os.path.join(VCLUSTER_DATA, *parts)) as handle:
        return yaml.safe_load(handle)


def load_json(*parts):
    with open(os.path.join(VCLUSTER_DATA, *parts)) as handle:
        return json.load(handle)


def leaves(tree, prefix=()):
    """(path tuple, value) for every leaf; empty dicts and lists count as leaves."""
    if isinstance(tree, dict) and tree:
        for key, value in tree.items():
            yield from leaves(value, (*prefix, key))
    else:
        yield prefix, tree


def lookup(tree, path):
    for part in path:
        assert isinstance(tree, dict) and part in tree, f"{'.'.join(path)} missing in chart data"
        tree = tree[part]
    return tree


def test_data_directory_is_there():
    assert len(LEGACY_VERSIONS) == 5 and len(MODERN_VERSIONS) == 17, VCLUSTER_DATA


# --------------------------------------------------------------------------------------------- versions


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("0.36.1", (0, 36, 1)),
        ("0.19.10", (0, 19, 10)),
        ("v0.20.0", (0, 20, 0)),
        ("0.37.0-rc.1", (0, 37, 0)),
        ("0.20.0-beta.1+build.5", (0, 20, 0)),
        ("0.36", None),
        ("0.36.x", None),
        ("latest", None),
        ("00.36.1", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_version(text, parsed):
    assert dialects.parse_version(text) == parsed


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("0.15.0", True),
        ("0.15.7", True),
        ("0.36.1", True),
        ("0.36.99", True),
        ("0.14.2", False),
        ("0.37.0", False),
        ("0.37.0-rc.1", False),
        ("1.0.0", False),
        ("0.36", False),
    ],
)
def test_check_version(text, ok):
    version, findings = dialects.check_version(text)
    assert (version is not None) == ok
    assert [f["id"] for f in findings] == ([] if ok else ["version-unsupported"])
    if not ok:
        assert ">=0.15.0 and <0.37.0" in findings[0]["message"]


@pytest.mark.parametrize(
    ("version", "dialect", "default"),
    [
        ((0, 15, 7), "legacy", "k3s"),
        ((0, 19, 10), "legacy", "k3s"),
        ((0, 20, 0), "modern", "k8s"),
        ((0, 36, 1), "modern", "k8s"),
    ],
)
def test_dialect_and_default_distro(version, dialect, default):
    assert dialects.dialect_for(version) == dialect
    assert dialects.default_distro(version) == default


@pytest.mark.parametrize(
    ("version", "distro", "chart"),
    [
        ((0, 19, 10), "k3s", "vcluster"),
        ((0, 19, 10), "k8s", "vcluster-k8s"),
        ((0, 18, 1), "k0s", "vcluster-k0s"),
        ((0, 17, 1), "eks", "vcluster-eks"),
        ((0, 20, 6), "k3s", "vcluster"),
        ((0, 36, 1), "k8s", "vcluster"),
    ],
)
def test_chart_name(version, distro, chart):
    assert dialects.chart_name(version, distro) == chart


@pytest.mark.parametrize(
    ("version", "distro", "ok", "hint"),
    [
        ((0, 19, 10), "eks", True, None),
        ((0, 20, 0), "eks", False, "k8s"),
        ((0, 25, 2), "k0s", True, None),
        ((0, 26, 0), "k0s", False, "0.25"),
        ((0, 32, 3), "k3s", True, None),
        ((0, 33, 0), "k3s", False, "0.32"),
        ((0, 36, 1), "k8s", True, None),
        ((0, 15, 7), "k8s", True, None),
        ((0, 36, 1), "kind", False, "k8s"),
    ],
)
def test_check_distro(version, distro, ok, hint):
    findings = dialects.check_distro(version, distro)
    assert [f["id"] for f in findings] == ([] if ok else ["distro-unsupported"])
    if hint:
        assert hint in findings[0]["message"]


# --------------------------------------------------------------------------------------------- key tables


@pytest.mark.parametrize("version", LEGACY_VERSIONS)
@pytest.mark.parametrize("distro", ["k3s", "k8s"])
def test_legacy_top_level_keys_match_values_files(version, distro):
    data = load_yaml(version, f"values-{distro}.yaml")
    expected = set(data) | set(dialect_keys.LEGACY_UNDOCUMENTED_KEYS[distro])
    assert dialect_keys.legacy_top_level_keys(dialects.parse_version(version), distro) == expected


@pytest.mark.parametrize("version", MODERN_VERSIONS)
def test_modern_top_level_keys_match_schema(version):
    schema = load_json(version, "values.schema.json")
    assert dialect_keys.modern_top_level_keys(dialects.parse_version(version)) == set(schema["properties"])
    # every key of values.yaml is a schema property too
    assert set(load_yaml(version, "values.yaml")) <= set(schema["properties"])


@pytest.mark.parametrize("version", LEGACY_VERSIONS)
@pytest.mark.parametrize("distro", ["k3s", "k8s"])
def test_legacy_defaults_match_values_files(version, distro):
    data = load_yaml(version, f"values-{distro}.yaml")
    embedded = chart_defaults.chart_defaults(dialects.parse_version(version), distro)
    for path, value in leaves(embedded):
        assert lookup(data, path) == value, ".".join(path)


@pytest.mark.parametrize("version", MODERN_VERSIONS)
def test_modern_defaults_match_values_yaml(version):
    data = load_yaml(version, "values.yaml")
    embedded = chart_defaults.chart_defaults(dialects.parse_version(version), "k8s")
    for path, value in leaves(embedded):
        assert lookup(data, path) == value, ".".join(path)


@pytest.mark.parametrize("version", MODERN_VERSIONS)
def test_modern_key_paths_exist_in_schema(version):
    """Every path the renderer writes is a schema property of that version."""
    parsed = dialects.parse_version(version)
    schema = load_json(version, "values.schema.json")
    defs = schema["$defs"]

    def resolve(node):
        while "$ref" in node:
            node = defs[node["$ref"].split("/")[-1]]
        return node

    def has(path):
        node = schema
        for part in path.split("."):
            props = resolve(node).get("properties", {})
            if part not in props:
                return False
            node = props[part]
        return True

    paths = [
        "controlPlane.statefulSet.security.podSecurityContext",
        "controlPlane.statefulSet.security.containerSecurityContext",
        "controlPlane.distro.k8s.securityContext",
        "controlPlane.backingStore.etcd.deploy.statefulSet.security.containerSecurityContext",
        "controlPlane.advanced.defaultImageRegistry",
        "controlPlane.proxy.extraSANs",
        "controlPlane.service.spec",
        "networking.replicateServices.fromHost",
        "networking.replicateServices.toHost",
        "policies.podSecurityStandard",
        "policies.resourceQuota.quota",
        "policies.limitRange.defaultRequest",
        "policies.networkPolicy.enabled",
        "telemetry.enabled",
        dialects.distro_image_key(parsed, "k8s")[0],
    ]
    assert has("sync.toHost.pods.useSecretsForSATokens") == dialects.has_secrets_for_sa_tokens(parsed)
    assert has("controlPlane.coredns.security.containerSecurityContext") == dialects.has_coredns_security(parsed)
    assert has("policies.networkPolicy.workload.egress") == dialects.has_workload_egress_rules(parsed)
    assert has("policies.networkPolicy.outgoingConnections") == (
        dialects.network_policy_shape(parsed) == "outgoingConnections"
    )
    assert has("controlPlane.distro.k8s.image") == dialects.has_single_k8s_image(parsed)
    for distro in ("k3s", "k0s"):
        assert has(f"controlPlane.distro.{distro}.securityContext") == (distro in dialects.supported_distros(parsed))
    for key in dialects.export_kubeconfig_keys(parsed):
        assert has(f"exportKubeConfig.{key}"), key
    missing = [p for p in paths if not has(p)]
    assert not missing


@pytest.mark.parametrize("version", LEGACY_VERSIONS)
def test_legacy_key_paths_exist_in_values(version):
    parsed = dialects.parse_version(version)
    k3s = load_yaml(version, "values-k3s.yaml")
    k8s = load_yaml(version, "values-k8s.yaml")
    for path in (
        "securityContext",
        "podSecurityContext",
        "isolation.podSecurityStandard",
        "mapServices.fromVirtual",
        "service.loadBalancerSourceRanges",
        "defaultImageRegistry",
        "vcluster.image",
        "telemetry.disabled",
    ):
        lookup(k3s, path.split("."))
    for path in (
        "syncer.securityContext",
        "syncer.podSecurityContext",
        "etcd.securityContext",
        "api.image",
        "isolation.resourceQuota.quota",
        "isolation.limitRange.defaultRequest",
        "mapServices.fromHost",
    ):
        lookup(k8s, path.split("."))
    has_api_context = "securityContext" in k8s["api"]
    assert has_api_context == dialects.legacy_k8s_has_component_security_contexts(parsed)
    assert ("job" in k8s) == dialects.legacy_has_cert_job(parsed, "k8s")


# --------------------------------------------------------------------------------------------- values-dialect


@pytest.mark.parametrize(
    ("version", "distro", "values", "expected_paths"),
    [
        ((0, 36, 1), "k8s", {"syncer": {"extraArgs": []}}, ["syncer"]),
        ((0, 36, 1), "k8s", {"isolation": {}, "mapServices": {}, "controlPlane": {}}, ["isolation", "mapServices"]),
        ((0, 36, 1), "k8s", {"sync": {}, "telemetry": {}, "plugin": {}}, []),
        ((0, 36, 1), "k8s", {"typoKey": 1}, []),  # unknown to both: the schema reports it
        ((0, 19, 10), "k3s", {"controlPlane": {}, "policies": {}}, ["controlPlane", "policies"]),
        ((0, 19, 10), "k3s", {"syncer": {}, "securityContext": {}, "fsGroup": 1}, []),
        ((0, 18, 1), "k8s", {"networking": {}, "api": {}}, ["networking"]),
    ],
)
def test_values_dialect(version, distro, values, expected_paths):
    findings = dialect_keys.check_values_dialect(values, version, distro)
    assert [f["path"] for f in findings] == expected_paths
    assert all(f["id"] == "values-dialect" for f in findings)


def test_values_dialect_message_says_where_it_moved():
    (finding,) = dialect_keys.check_values_dialect({"syncer": {}}, (0, 36, 1), "k8s")
    assert "controlPlane.statefulSet" in finding["message"]


@pytest.mark.parametrize(
    "chart, expected",
    [
        ("vcluster-0.36.1", ("vcluster", "0.36.1")),
        ("vcluster-k8s-0.19.10", ("vcluster-k8s", "0.19.10")),
        ("vcluster-0.37.0-rc.1", ("vcluster", "0.37.0-rc.1")),
        ("vcluster", ("vcluster", None)),
        (None, (None, None)),
    ],
)
def test_split_chart_label(chart, expected):
    assert dialects.split_chart_label(chart) == expected
