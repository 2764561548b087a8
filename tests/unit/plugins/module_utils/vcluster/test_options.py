# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Closed option shapes: what the collection does not understand is an error naming the field, never dropped,
inverted or a crash; booleans given as text read the way Ansible reads them."""

import pytest

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.options import normalize_isolation, read_bool
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.render import render_values
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.values_tree import get_path


def render(version="0.36.1", **kwargs):
    kwargs.setdefault("name", "t1")
    kwargs.setdefault("namespace", "tenant-a")
    return render_values(chart_version=version, **kwargs)


def problems(findings, finding_id="option-invalid"):
    return {f["path"]: f["message"] for f in findings if f["id"] == finding_id}


@pytest.mark.parametrize(
    ("isolation", "path", "text"),
    [
        ({"resource_quota": {"requests.cpu": "ten"}}, "isolation.resource_quota.requests.cpu", "go under quota"),
        ({"limit_range": {"defaultRequest": {"cpu": "1"}}}, "isolation.limit_range.defaultRequest", "default_request"),
        ({"network_policy": {"enabledd": True}}, "isolation.network_policy.enabledd", "takes only enabled"),
        ({"resource_quota": ["cpu"]}, "isolation.resource_quota", "must be true, false or a dict"),
        ({"resource_quota": {"enabled": "ture"}}, "isolation.resource_quota.enabled", "not a boolean"),
        ({"resource_quota": {"quota": ["cpu"]}}, "isolation.resource_quota.quota", "mapping of resource name"),
        ({"bogus": 1}, "isolation.bogus", "isolation takes only"),
        ({"extra_egress_cidrs": "10.0.0.0/8"}, "isolation.extra_egress_cidrs", "list of CIDRs"),
    ],
)
def test_isolation_shape_errors_name_the_field(isolation, path, text):
    _values, findings, _meta = render(isolation=isolation)
    found = problems(findings)
    assert path in found and text in found[path], findings


@pytest.mark.parametrize("text", ["false", "no", "off", "0", "False", "NO"])
@pytest.mark.parametrize("part, key", [("resource_quota", "resourceQuota"), ("network_policy", "networkPolicy")])
def test_text_booleans_read_as_ansible_reads_them(text, part, key):
    for isolation in ({part: text}, {part: {"enabled": text}}):
        values, findings, _meta = render(isolation=isolation)
        assert problems(findings) == {}
        assert get_path(values, f"policies.{key}.enabled") is False


def test_a_part_is_off_when_the_master_switch_is():
    isolation, found = normalize_isolation({"enabled": "no", "resource_quota": True})
    assert found == [] and isolation["resource_quota"]["enabled"] is False


@pytest.mark.parametrize(("value", "expected"), [("yes", True), ("On", True), (1, True), ("0", False), ("ture", None)])
def test_read_bool(value, expected):
    assert read_bool(value) is expected


@pytest.mark.parametrize(
    ("kwargs", "path", "text"),
    [
        ({"run_as_user": -1}, "run_as_user", "outside 0.."),
        ({"run_as_user": 2**40}, "run_as_user", "outside 0.."),
        ({"fs_group": True}, "fs_group", "integer"),
        ({"image_registry": "registry.example.com\nevil: x"}, "image_registry", "registry host"),
        ({"distro_image": "not an image!"}, "distro_image", "image reference"),
        ({"expose": {"extra_sans": ["not a name!"]}}, "expose.extra_sans[0]", "neither a DNS name nor an IP"),
        ({"expose": {"type": "Ingress"}}, "expose.type", "one of"),
        ({"expose": {"loadBalancerSourceRanges": []}}, "expose.loadBalancerSourceRanges", "did you mean"),
        ({"map_services": {"fromHost": []}}, "map_services.fromHost", "did you mean"),
    ],
)
def test_option_errors_name_the_field(kwargs, path, text):
    _values, findings, _meta = render(**kwargs)
    found = problems(findings)
    assert path in found and text in found[path], findings


@pytest.mark.parametrize(
    ("context", "field"),
    [
        ({"runAsUser": "0"}, "runAsUser"),
        ({"runAsUser": 0.0}, "runAsUser"),
        ({"runAsUser": -1}, "runAsUser"),
        ({"privileged": "true"}, "privileged"),
        ({"privileged": 1}, "privileged"),
        ({"seccompProfile": {"type": "Localhost"}}, "seccompProfile"),
        ({"seccompProfile": {"type": "RuntimeDefault", "localhostProfile": "x.json"}}, "seccompProfile"),
        ({"capabilities": {"drop": "ALL"}}, "capabilities"),
    ],
)
def test_security_context_values_the_api_server_refuses(context, field):
    values = {"controlPlane": {"statefulSet": {"security": {"containerSecurityContext": context}}}}
    _values, findings, _meta = render(values=values)
    found = problems(findings, "value-invalid")
    assert f"controlPlane.statefulSet.security.containerSecurityContext.{field}" in found, findings


def test_zero_as_float_says_helm_renders_root():
    values = {"controlPlane": {"statefulSet": {"security": {"podSecurityContext": {"runAsUser": 0.0}}}}}
    _values, findings, _meta = render(values=values)
    assert (
        "root" in problems(findings, "value-invalid")["controlPlane.statefulSet.security.podSecurityContext.runAsUser"]
    )


@pytest.mark.parametrize(
    ("limit_range", "path"),
    [
        ({"default": {"cpu": "2"}, "max": {"cpu": "1"}}, "policies.limitRange.default.cpu"),
        ({"min": {"memory": "2Gi"}, "max": {"memory": "1Gi"}}, "policies.limitRange.min.memory"),
    ],
)
def test_limit_ranges_out_of_order(limit_range, path):
    _values, findings, _meta = render(values={"policies": {"limitRange": limit_range}})
    assert path in problems(findings, "quota-inconsistent")


def test_a_quota_that_is_a_list_is_no_crash():
    _values, findings, _meta = render(values={"policies": {"resourceQuota": {"quota": ["cpu"]}}})
    assert "policies.resourceQuota.quota" in problems(findings, "value-invalid")


def test_values_that_replace_an_option_are_a_conflict():
    _values, findings, _meta = render(
        expose={"extra_sans": ["a.example.com"]}, values={"controlPlane": {"proxy": {"extraSANs": ["b.example.com"]}}}
    )
    assert "controlPlane.proxy.extraSANs" in problems(findings, "option-conflict")
    _values, findings, _meta = render(values={"controlPlane": {"proxy": {"extraSANs": ["b.example.com"]}}})
    assert problems(findings, "option-conflict") == {}


@pytest.mark.parametrize("namespace", ["kube-system", "default", "cattle-system", "kube-public", "fleet-default"])
def test_reserved_namespaces(namespace):
    _values, findings, _meta = render(namespace=namespace)
    assert "namespace" in problems(findings, "namespace-reserved")
