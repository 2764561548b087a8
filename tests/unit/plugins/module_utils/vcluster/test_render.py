# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hardened values: schema validity on real charts, restricted pod specs, and every finding id."""

import json
import os

import jsonschema
import pytest

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import dialects
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.findings import FINDING_IDS
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.pod_security import check_pod_spec
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.render import (
    coalesce_values,
    component_pods,
    merge_values,
    parse_quantity,
    render_values,
    split_image,
)

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", ".."))
VCLUSTER_DATA = os.path.join(
    os.path.abspath(os.environ.get("TENANCY_VCLUSTER_SHARED", os.path.join(REPO, "..", "shared"))), "vcluster-data"
)
VERSIONS = sorted(
    os.listdir(VCLUSTER_DATA) if os.path.isdir(VCLUSTER_DATA) else [],
    key=lambda v: tuple(int(p) for p in v.split(".")),
)
MODERN_VERSIONS = [v for v in VERSIONS if dialects.parse_version(v) >= (0, 20, 0)]
LEGACY_VERSIONS = [v for v in VERSIONS if v not in MODERN_VERSIONS]


def schema_of(version):
    with open(os.path.join(VCLUSTER_DATA, version, "values.schema.json")) as handle:
        return json.load(handle)


def render(version="0.36.1", **kwargs):
    kwargs.setdefault("name", "tenant-a")
    kwargs.setdefault("namespace", "tenant-a")
    return render_values(chart_version=version, **kwargs)


def ids(findings):
    return sorted({f["id"] for f in findings})


def error_ids(findings):
    return sorted({f["id"] for f in findings if f["severity"] == "error"})


def pod_violations(version, distro, values):
    parsed = dialects.parse_version(version)
    effective = coalesce_values(dialects.chart_defaults(parsed, distro), values)
    found = []
    for pod in component_pods(parsed, distro, effective):
        found += check_pod_spec(pod.pod_spec(), level="restricted")
    return found


# --------------------------------------------------------------------------------------------- real schemas


def _modern_cases():
    for version in MODERN_VERSIONS:
        for distro in dialects.supported_distros(dialects.parse_version(version)):
            if distro != "eks":
                yield version, distro


@pytest.mark.parametrize(("version", "distro"), list(_modern_cases()))
def test_default_hardened_values_validate_against_the_real_schema(version, distro):
    values, findings, meta = render(version, distro=distro)
    assert findings == []
    assert meta == {"dialect": "modern", "chart": "vcluster", "distro": distro}
    errors = list(jsonschema.Draft202012Validator(schema_of(version)).iter_errors(values))
    assert errors == []


@pytest.mark.parametrize("version", MODERN_VERSIONS)
def test_full_options_validate_against_the_real_schema(version):
    values, findings, _meta = render(
        version,
        image_registry="registry.example.com/mirror/",
        distro_image="ghcr.io/loft-sh/kubernetes:v1.33.4",
        isolation={
            "extra_egress_cidrs": ["10.20.0.10/32"],
            "resource_quota": {"quota": {"requests.cpu": 2, "limits.cpu": 4}},
            "limit_range": {"default": {"cpu": "1"}, "default_request": {"cpu": "100m"}},
        },
        map_services={
            "from_host": [{"from": "shared/db", "to": "default/db"}],
            "to_host": [{"from": "app/web", "to": "web"}],
        },
        expose={
            "type": "LoadBalancer",
            "extra_sans": ["t.example.com"],
            "load_balancer_source_ranges": ["203.0.113.0/24"],
        },
        values={"controlPlane": {"backingStore": {"etcd": {"deploy": {"enabled": True}}}}},
    )
    assert findings == []
    assert list(jsonschema.Draft202012Validator(schema_of(version)).iter_errors(values)) == []


@pytest.mark.parametrize("version", MODERN_VERSIONS)
def test_legacy_key_in_modern_values_is_a_dialect_error_and_fails_the_schema(version):
    values, findings, _meta = render(version, values={"syncer": {"extraArgs": ["--tls-san=x"]}})
    assert ids(findings) == ["values-dialect"]
    assert findings[0]["path"] == "syncer"
    messages = [e.message for e in jsonschema.Draft202012Validator(schema_of(version)).iter_errors(values)]
    assert any("syncer" in m for m in messages)


# --------------------------------------------------------------------------------------------- pod security


def _restricted_cases():
    for version in LEGACY_VERSIONS:
        yield version, "k3s"
        if dialects.parse_version(version) < (0, 19, 0):
            yield version, "k8s"
    yield from _modern_cases()


@pytest.mark.parametrize(("version", "distro"), list(_restricted_cases()))
def test_hardened_pod_specs_satisfy_restricted(version, distro):
    # 0.15.7 CoreDNS cannot meet restricted (pss-not-hardenable); check the rest with CoreDNS off
    extra = {"coredns": {"enabled": False}} if version.startswith("0.15.") else {}
    values, findings, _meta = render(version, distro=distro, values=extra)
    assert [f for f in findings if f["severity"] == "error"] == []
    pods = component_pods(
        dialects.parse_version(version),
        distro,
        coalesce_values(dialects.chart_defaults(dialects.parse_version(version), distro), values),
    )
    assert pods, "no component pods built"
    assert pod_violations(version, distro, values) == []


@pytest.mark.parametrize(("version", "distro"), [("0.36.1", "k8s"), ("0.19.10", "k3s"), ("0.18.1", "k8s")])
def test_chart_defaults_alone_violate_restricted(version, distro):
    """Sanity check of the synthetic pods: the unhardened chart defaults must fail."""
    assert {v["id"] for v in pod_violations(version, distro, {})} >= {"pss-run-as-non-root", "pss-seccomp"}


def test_modern_etcd_pod_is_checked_when_deployed():
    values = {"controlPlane": {"backingStore": {"etcd": {"deploy": {"enabled": True}}}}}
    rendered, findings, _meta = render("0.36.1", values=values)
    assert findings == []
    security = rendered["controlPlane"]["backingStore"]["etcd"]["deploy"]["statefulSet"]["security"]
    assert security["containerSecurityContext"]["capabilities"] == {"drop": ["ALL"]}
    weakened = merge_values(
        values,
        {
            "controlPlane": {
                "backingStore": {
                    "etcd": {
                        "deploy": {
                            "statefulSet": {
                                "security": {"containerSecurityContext": {"allowPrivilegeEscalation": None}}
                            }
                        }
                    }
                }
            }
        },
    )
    _values, findings, _meta = render("0.36.1", values=weakened)
    assert [(f["id"], f["path"]) for f in findings] == [
        (
            "pss-privilege-escalation",
            "controlPlane.backingStore.etcd.deploy.statefulSet.security.containerSecurityContext.allowPrivilegeEscalation",
        )
    ]


# --------------------------------------------------------------------------------------------- recipe values


RECIPE_CONTEXT = {
    "capabilities": {"drop": ["all"], "add": ["CAP_NET_BIND_SERVICE"]},
    "runAsUser": 0,
    "seccompProfile": None,
}


def test_recipe_values_on_modern_chart_report_each_problem_with_its_fix():
    values = {
        "controlPlane": {
            "statefulSet": {
                "security": {"containerSecurityContext": RECIPE_CONTEXT, "podSecurityContext": {"seccompProfile": None}}
            }
        }
    }
    rendered, findings, _meta = render("0.36.1", values=values)
    by_path = {f["path"]: f for f in findings}
    base = "controlPlane.statefulSet.security.containerSecurityContext"
    assert by_path[base + ".runAsUser"]["id"] == "pss-run-as-user"
    assert "non-zero UID" in by_path[base + ".runAsUser"]["message"]
    caps = by_path[base + ".capabilities"]
    assert caps["id"] == "pss-capabilities"
    assert "drop: [ALL]" in caps["message"] and "NET_BIND_SERVICE" in caps["message"]
    seccomp = [f for f in findings if f["id"] == "pss-seccomp"]
    assert seccomp and seccomp[0]["path"].startswith("controlPlane.statefulSet.security.podSecurityContext")
    assert "RuntimeDefault" in seccomp[0]["message"]
    # the user's values are kept as given (never silently repaired)
    assert rendered["controlPlane"]["statefulSet"]["security"]["containerSecurityContext"]["runAsUser"] == 0
    assert rendered["controlPlane"]["statefulSet"]["security"]["containerSecurityContext"]["seccompProfile"] is None


def test_recipe_values_on_legacy_k3s_chart():
    _values, findings, _meta = render(
        "0.19.10", values={"securityContext": RECIPE_CONTEXT, "podSecurityContext": {"seccompProfile": None}}
    )
    paths = {(f["id"], f["path"]) for f in findings}
    assert ("pss-run-as-user", "securityContext.runAsUser") in paths
    assert ("pss-capabilities", "securityContext.capabilities") in paths
    assert any(i == "pss-seccomp" for i, _path in paths)


def test_run_as_non_root_alone_keeps_the_chart_root_default():
    """Helm merges maps: runAsNonRoot alone (no hardening) keeps the chart's runAsUser: 0."""
    only_non_root = {
        "controlPlane": {"statefulSet": {"security": {"containerSecurityContext": {"runAsNonRoot": True}}}}
    }
    assert "pss-run-as-user" in {v["id"] for v in pod_violations("0.36.1", "k8s", only_non_root)}


def test_null_deletes_the_chart_default_too():
    """Nulling the hardened runAsUser also deletes the chart's runAsUser: 0; the pod-level uid applies."""
    values = {"controlPlane": {"statefulSet": {"security": {"containerSecurityContext": {"runAsUser": None}}}}}
    rendered, findings, _meta = render("0.36.1", values=values)
    assert error_ids(findings) == []
    assert rendered["controlPlane"]["statefulSet"]["security"]["containerSecurityContext"]["runAsUser"] is None
    _values, findings, _meta = render("0.19.10", values={"securityContext": {"runAsUser": 0}})
    assert error_ids(findings) == ["pss-run-as-user"]


def test_baseline_profile_tolerates_restricted_only_problems():
    values = {"controlPlane": {"statefulSet": {"security": {"containerSecurityContext": {"runAsUser": 0}}}}}
    rendered, findings, _meta = render("0.36.1", profile="baseline", values=values)
    assert findings == []
    assert rendered["policies"]["podSecurityStandard"] == "baseline"
    values = {"controlPlane": {"statefulSet": {"security": {"containerSecurityContext": {"privileged": True}}}}}
    _values, findings, _meta = render("0.36.1", profile="baseline", values=values)
    assert error_ids(findings) == ["pss-privileged"]


def test_modern_coredns_before_026_depends_on_pod_security_standard():
    _values, findings, _meta = render("0.25.2", values={"policies": {"podSecurityStandard": ""}})
    assert [(f["id"], f["path"]) for f in findings] == [("pss-seccomp", "policies.podSecurityStandard")]


def test_legacy_coredns_needs_isolation():
    _values, findings, _meta = render("0.19.10", isolation={"enabled": False})
    assert [(f["id"], f["path"]) for f in findings] == [("pss-seccomp", "isolation.enabled")]


# --------------------------------------------------------------------------------------------- not hardenable


@pytest.mark.parametrize(
    ("version", "distro", "values", "path"),
    [
        ("0.19.10", "k8s", {}, "chart_version"),
        ("0.19.10", "eks", {}, "chart_version"),
        ("0.15.7", "k3s", {}, "coredns.enabled"),
    ],
)
def test_not_hardenable(version, distro, values, path):
    _values, findings, _meta = render(version, distro=distro, values=values)
    assert [(f["id"], f["path"]) for f in findings] == [("pss-not-hardenable", path)]
    assert "0.20" in findings[0]["message"] or "0.16" in findings[0]["message"]


@pytest.mark.parametrize(
    ("version", "distro"),
    [("0.19.10", "k8s"), ("0.19.10", "eks"), ("0.15.7", "k3s"), ("0.15.7", "k8s"), ("0.15.7", "k0s"), ("0.15.7", "eks")],
)
def test_charts_that_cannot_meet_restricted_meet_baseline(version, distro):
    _values, findings, _meta = render(version, distro=distro, profile="baseline")
    assert [f for f in findings if f["severity"] == "error"] == []


def test_not_hardenable_names_the_profile():
    _values, findings, _meta = render("0.19.10", distro="k8s", profile="restricted")
    assert "'restricted'" in findings[0]["message"]
    assert "baseline" not in findings[0]["message"]


def test_not_hardenable_names_the_init_containers():
    _values, findings, _meta = render("0.19.10", distro="k8s")
    for name in ("vcluster-copy", "kube-controller-manager", "kube-apiserver"):
        assert name in findings[0]["message"]


# --------------------------------------------------------------------------------------------- every finding id


TRIGGERS = {
    "name-invalid": dict(name="tenant.a"),
    "name-too-long": dict(name="a" * 60),
    "name-translation-hashed": dict(name="a-rather-long-tenant-name"),
    "namespace-invalid": dict(namespace="Tenant_A"),
    "version-unsupported": dict(version="0.14.2"),
    "distro-unsupported": dict(distro="k3s"),
    "values-dialect": dict(values={"syncer": {}}),
    "pss-privileged": dict(
        values={"controlPlane": {"statefulSet": {"security": {"containerSecurityContext": {"privileged": True}}}}}
    ),
    "pss-privilege-escalation": dict(
        values={"controlPlane": {"distro": {"k8s": {"securityContext": {"allowPrivilegeEscalation": True}}}}}
    ),
    "pss-capabilities": dict(
        values={"controlPlane": {"distro": {"k8s": {"securityContext": {"capabilities": {"drop": ["all"]}}}}}}
    ),
    "pss-run-as-non-root": dict(
        values={"controlPlane": {"statefulSet": {"security": {"containerSecurityContext": {"runAsNonRoot": False}}}}}
    ),
    "pss-run-as-user": dict(run_as_user=0),
    "pss-seccomp": dict(
        values={
            "controlPlane": {
                "coredns": {"security": {"podSecurityContext": {"seccompProfile": {"type": "Unconfined"}}}}
            }
        }
    ),
    "pss-host-namespaces": None,
    "pss-host-path": None,
    "pss-not-hardenable": dict(version="0.19.10", distro="k8s"),
    "map-services-format": dict(map_services={"from_host": [{"from": "db", "to": "default/db"}]}),
    "map-services-conflict": dict(
        map_services={"from_host": [{"from": "a/db", "to": "default/db"}, {"from": "b/db", "to": "default/db"}]}
    ),
    "cidr-invalid": dict(isolation={"extra_egress_cidrs": ["10.0.0.1/8"]}),
    "quantity-invalid": dict(isolation={"resource_quota": {"quota": {"requests.memory": "20 GB"}}}),
    "quota-inconsistent": dict(isolation={"resource_quota": {"quota": {"requests.cpu": 30}}}),
    "schema": None,
    "migration-refused": None,
    "upgrade-refused": None,
}
# pss-host-namespaces / pss-host-path / schema: see the dedicated tests (pod spec fields and schema module);
# migration-refused / upgrade-refused: test_migrate.py (they need previous_values)


def test_every_finding_id_has_a_trigger_case():
    assert set(TRIGGERS) == set(FINDING_IDS)


@pytest.mark.parametrize("finding_id", sorted(k for k, v in TRIGGERS.items() if v is not None))
def test_finding_is_triggered(finding_id):
    kwargs = dict(TRIGGERS[finding_id])
    version = kwargs.pop("version", "0.36.1")
    _values, findings, _meta = render(version, **kwargs)
    assert finding_id in ids(findings)
    for f in findings:
        assert f["message"] and f["path"]


@pytest.mark.parametrize("finding_id", sorted(FINDING_IDS))
def test_finding_is_not_triggered_by_the_defaults(finding_id):
    for version, distro in (("0.36.1", None), ("0.19.10", "k3s"), ("0.18.1", "k8s"), ("0.25.2", "k0s")):
        _values, findings, _meta = render(version, distro=distro)
        assert finding_id not in ids(findings)


@pytest.mark.parametrize(
    ("finding_id", "pod_field"),
    [
        ("pss-host-namespaces", {"hostNetwork": True}),
        ("pss-host-path", {"volumes": [{"name": "h", "hostPath": {"path": "/"}}]}),
    ],
)
def test_pod_level_ids_map_back_to_values(finding_id, pod_field):
    """Values cannot set hostNetwork/hostPath on vcluster pods; the mapping still routes them to the pod path."""
    parsed = dialects.parse_version("0.36.1")
    effective = coalesce_values(dialects.chart_defaults(parsed, "k8s"), render()[0])
    pod = component_pods(parsed, "k8s", effective)[0]
    spec = pod.pod_spec()
    spec.update(pod_field)
    violations = check_pod_spec(spec, level="restricted")
    assert finding_id in {v["id"] for v in violations}
    for violation in violations:
        assert pod.values_path_for(violation["path"])


def test_all_findings_of_one_call_come_back_together():
    _values, findings, meta = render(
        "0.33.4",
        name="a" * 60,
        namespace="Bad.NS",
        distro="k3s",
        isolation={"extra_egress_cidrs": ["300.0.0.0/8"]},
        map_services={"to_host": ["web"]},
        expose={"load_balancer_source_ranges": ["10.0.0.0/33"]},
    )
    assert ids(findings) == sorted(
        [
            "name-too-long",
            "name-translation-hashed",
            "namespace-invalid",
            "distro-unsupported",
            "cidr-invalid",
            "map-services-format",
        ]
    )
    assert len([f for f in findings if f["id"] == "cidr-invalid"]) == 2
    assert meta["dialect"] is None


@pytest.mark.parametrize(
    ("kwargs", "finding_id"),
    [
        (dict(name="a" * 60), "name-too-long"),
        (dict(name="tenant.a"), "name-invalid"),
        (dict(version="0.33.4", distro="k3s"), "distro-unsupported"),
        (dict(version="0.26.0", distro="k0s"), "distro-unsupported"),
        (dict(version="0.20.0", distro="eks"), "distro-unsupported"),
        (dict(expose={"load_balancer_source_ranges": ["1.2.3.4/24"]}), "cidr-invalid"),
        (dict(map_services={"from_host": [{"from": "ns/a/b", "to": "x/y"}]}), "map-services-format"),
    ],
)
def test_each_bad_input_fails_with_its_own_id(kwargs, finding_id):
    kwargs = dict(kwargs)
    _values, findings, _meta = render(kwargs.pop("version", "0.36.1"), **kwargs)
    assert finding_id in error_ids(findings)


# --------------------------------------------------------------------------------------------- option mapping


def test_modern_option_mapping():
    values, _findings, _meta = render(
        "0.36.1",
        image_registry="registry.example.com/mirror/",
        distro_image="ghcr.io/loft-sh/kubernetes:v1.33.4",
        isolation={"network_policy": False, "extra_egress_cidrs": ["10.1.0.0/16"]},
        map_services={
            "from_host": [{"from": "shared/db", "to": "default/db"}],
            "to_host": [{"from": "app/web", "to": "web"}],
        },
        expose={"type": "NodePort", "extra_sans": ["a.example.com"], "load_balancer_source_ranges": ["203.0.113.0/24"]},
        telemetry=True,
    )
    cp = values["controlPlane"]
    assert cp["advanced"]["defaultImageRegistry"] == "registry.example.com/mirror"
    assert cp["distro"]["k8s"]["image"] == {"registry": "ghcr.io", "repository": "loft-sh/kubernetes", "tag": "v1.33.4"}
    assert cp["service"]["spec"] == {"type": "NodePort", "loadBalancerSourceRanges": ["203.0.113.0/24"]}
    assert cp["proxy"]["extraSANs"] == ["a.example.com"]
    assert values["networking"]["replicateServices"] == {
        "fromHost": [{"from": "shared/db", "to": "default/db"}],
        "toHost": [{"from": "app/web", "to": "web"}],
    }
    assert values["policies"]["networkPolicy"] == {"enabled": False}
    assert values["policies"]["resourceQuota"] == {"enabled": True}
    assert values["telemetry"] == {"enabled": True}


def test_modern_extra_egress_on_031_and_not_before():
    new, _findings, _meta = render("0.31.3", isolation={"extra_egress_cidrs": ["10.1.0.0/16"]})
    assert new["policies"]["networkPolicy"]["workload"]["egress"] == [{"to": [{"ipBlock": {"cidr": "10.1.0.0/16"}}]}]
    old, _findings, _meta = render("0.30.5", isolation={"extra_egress_cidrs": ["10.1.0.0/16"]})
    assert old["policies"]["networkPolicy"] == {"enabled": True}


def test_isolation_disabled_sets_everything_false_explicitly():
    values, _findings, _meta = render("0.36.1", isolation={"enabled": False})
    for key in ("resourceQuota", "limitRange", "networkPolicy"):
        assert values["policies"][key]["enabled"] is False


def test_legacy_option_mapping():
    values, findings, meta = render(
        "0.18.1",
        distro="k8s",
        image_registry="registry.example.com/mirror",
        distro_image="registry.k8s.io/kube-apiserver:v1.28.2",
        isolation={"limit_range": {"default": {"cpu": "2"}, "default_request": {"cpu": "200m"}}},
        map_services={
            "from_host": [{"from": "shared/db", "to": "default/db"}],
            "to_host": [{"from": "app/web", "to": "web"}],
        },
        expose={"type": "LoadBalancer", "extra_sans": ["a.example.com"]},
    )
    assert findings == []
    assert meta == {"dialect": "legacy", "chart": "vcluster-k8s", "distro": "k8s"}
    assert values["defaultImageRegistry"] == "registry.example.com/mirror/"
    assert values["api"]["image"] == "registry.k8s.io/kube-apiserver:v1.28.2"
    assert values["service"] == {"type": "LoadBalancer"}
    assert values["syncer"]["extraArgs"] == ["--tls-san=a.example.com"]
    assert values["mapServices"] == {
        "fromHost": [{"from": "shared/db", "to": "default/db"}],
        "fromVirtual": [{"from": "app/web", "to": "web"}],
    }
    assert values["isolation"]["limitRange"] == {
        "enabled": True,
        "default": {"cpu": "2"},
        "defaultRequest": {"cpu": "200m"},
    }
    assert values["isolation"]["enabled"] is True
    assert values["isolation"]["podSecurityStandard"] == "restricted"
    assert values["telemetry"] == {"disabled": True}
    assert values["etcd"]["fsGroup"] == 12345


def test_legacy_k3s_values_shape():
    values, _findings, meta = render("0.19.10")
    assert meta == {"dialect": "legacy", "chart": "vcluster", "distro": "k3s"}
    assert values["fsGroup"] == 12345
    assert values["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    assert values["podSecurityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}


def test_name_limit_is_47_with_deployed_etcd():
    etcd = {"controlPlane": {"backingStore": {"etcd": {"deploy": {"enabled": True}}}}}
    assert "name-too-long" in ids(render("0.36.1", name="a" * 50, values=etcd)[1])
    assert "name-too-long" not in ids(render("0.36.1", name="a" * 50)[1])
    assert "name-too-long" in ids(render("0.18.1", distro="k8s", name="a" * 50)[1])


# --------------------------------------------------------------------------------------------- helpers


def test_merge_and_coalesce_semantics():
    base = {"a": {"b": 1, "c": [1, 2]}, "d": 1}
    merged = merge_values(base, {"a": {"c": [3], "e": None}, "d": None})
    assert merged == {"a": {"b": 1, "c": [3], "e": None}, "d": None}
    assert coalesce_values({"a": {"b": 1, "e": 2}, "d": 1}, merged) == {"a": {"b": 1, "c": [3]}}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("100m", "0.1"),
        ("1", "1"),
        (2, "2"),
        ("20Gi", str(20 * 2**30)),
        ("1.5", "1.5"),
        ("1e3", "1000"),
        ("512Mi", str(512 * 2**20)),
    ],
)
def test_parse_quantity(text, value):
    assert parse_quantity(text) == __import__("decimal").Decimal(value)


@pytest.mark.parametrize("text", ["20 GB", "1.2.3", "Gi", "", True, "10gi", None])
def test_parse_quantity_rejects(text):
    assert parse_quantity(text) is None


def test_limit_range_inconsistency_is_reported():
    _values, findings, _meta = render("0.36.1", isolation={"limit_range": {"default_request": {"memory": "1Gi"}}})
    assert [(f["id"], f["path"]) for f in findings] == [
        ("quota-inconsistent", "policies.limitRange.defaultRequest.memory")
    ]


@pytest.mark.parametrize(
    ("map_services", "expected"),
    [
        ({"to_host": [{"from": "app/web", "to": "web"}]}, []),
        ({"to_host": [{"from": "web", "to": "web"}]}, ["map-services-format"]),
        ({"from_host": [{"from": "a/db", "to": "db"}]}, ["map-services-format"]),
        ({"from_host": [{"from": "a/DB", "to": "b/db"}]}, ["map-services-format"]),
        ({"from_host": [{"from": "a/db", "to": "b/db", "extra": 1}]}, ["map-services-format"]),
        ({"from_host": "a/db"}, ["map-services-format"]),
        ({"to_host": [{"from": "a/db", "to": "x"}, {"from": "a/db", "to": "y"}]}, ["map-services-conflict"]),
    ],
)
def test_map_services_validation(map_services, expected):
    assert ids(render(map_services=map_services)[1]) == expected


def test_split_image():
    assert split_image("rancher/k3s:v1.30.2-k3s1") == {
        "registry": "",
        "repository": "rancher/k3s",
        "tag": "v1.30.2-k3s1",
    }
    assert split_image("localhost:5000/k8s:v1") == {"registry": "localhost:5000", "repository": "k8s", "tag": "v1"}
