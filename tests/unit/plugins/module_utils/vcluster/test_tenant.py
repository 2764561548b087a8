# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tenant contract: each problem names the host, the variable and what to set; every default comes from here."""

import pytest

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.tenant import ContractError, tenant_from

OK = {"vcluster_namespace": "tenant-a", "vcluster_chart_version": "0.36.1"}


def problems(variables, purpose="provision"):
    with pytest.raises(ContractError) as exc:
        tenant_from("team-a", variables, "/home/op", purpose)
    return str(exc.value)


def test_defaults_are_computed_once():
    tenant = tenant_from("team-a", OK, "/home/op")
    assert tenant["name"] == "team-a"
    assert tenant["kubeconfig_dest"] == "/home/op/.kube/tenancy-vcluster/tenant-a-team-a.kubeconfig"
    assert tenant["values_file"] == "/home/op/.cache/tenancy-vcluster/values/tenant-a-team-a.yaml"
    assert tenant["chart"]["name"] == "vcluster" and tenant["chart"]["dir"].endswith("/vcluster-0.36.1/vcluster")
    assert tenant["rancher_cluster_name"] == "tenant-a-team-a"
    legacy = tenant_from("team-a", dict(OK, vcluster_chart_version="0.19.10", vcluster_distro="k8s"), "/h")
    assert legacy["chart"]["name"] == "vcluster-k8s"


def test_a_missing_namespace_names_host_variable_and_fix():
    text = problems({"vcluster_chart_version": "0.36.1"})
    assert "team-a" in text and "vcluster_namespace is not set" in text and "e.g. tenant-a" in text


def test_unknown_variables_are_errors_with_the_closest_name():
    assert "did you mean vcluster_isolation?" in problems(dict(OK, vcluster_isoltion={}))


@pytest.mark.parametrize(
    ("variable", "value", "text"),
    [
        ("vcluster_rancher_import", "ture", "must be true or false"),
        ("vcluster_profile", "privileged", "use one of"),
        ("vcluster_state", "abesnt", "use one of"),
        ("vcluster_values", "a: 1", "must be a mapping"),
        ("vcluster_isolation", {"extra_egress_cidrs": ["10.0.0.1/8"]}, "[cidr-invalid]"),
        ("vcluster_isolation", {"network_policy": {"enabledd": True}}, "[option-invalid]"),
    ],
)
def test_wrong_values_are_named(variable, value, text):
    assert text in problems(dict(OK, **{variable: value}))


def test_text_booleans_are_read_as_ansible_reads_them():
    assert tenant_from("t", dict(OK, vcluster_rancher_import="yes"), "/h")["rancher_import"] is True


@pytest.mark.parametrize(
    ("variables", "text"),
    [
        ({"vcluster_namespace": "kube-system"}, "[namespace-reserved]"),
        ({"vcluster_namespace": "tenant-a", "vcluster_name": "x.*"}, "[name-invalid]"),
    ],
)
def test_removal_checks_the_names_it_deletes_by(variables, text):
    assert text in problems(variables, "remove")


def test_removal_needs_no_chart_version():
    assert tenant_from("t", {"vcluster_namespace": "tenant-a"}, "/h", "remove")["chart"]["name"] == ""


def test_a_mapping_out_of_the_namespace_stops_before_any_host_read_unless_allowed():
    mapped = dict(OK, vcluster_map_services={"from_host": [{"from": "kube-system/kube-dns", "to": "default/dns"}]})
    assert "[boundary-namespace]" in problems(mapped) and "vcluster_map_services.from_host[0].from" in problems(mapped)
    allowed = dict(mapped, vcluster_allow=[{"id": "boundary-namespace", "reason": "shared DNS on purpose"}])
    assert tenant_from("team-a", allowed, "/home/op")["map_services"] == mapped["vcluster_map_services"]
    assert tenant_from("team-a", mapped, "/home/op", "read")["namespace"] == "tenant-a"


def test_a_rancher_project_id_is_told_from_a_display_name():
    assert tenant_from("team-a", dict(OK, vcluster_rancher_project="local:p-abc12"), "/h")["rancher_project_is_id"]
    assert tenant_from("team-a", dict(OK, vcluster_rancher_project="c-m-1a:p-xyz"), "/h")["rancher_project_is_id"]
    assert not tenant_from("team-a", dict(OK, vcluster_rancher_project="Team A"), "/h")["rancher_project_is_id"]
