# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Rancher import plan: stop before any write, or what the import relaxes."""

from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.import_plan import plan

TENANT = {
    "name": "t1",
    "namespace": "tenant-a",
    "profile": "restricted",
    "chart_version": "0.36.1",
    "isolation": {"resource_quota": {"quota": {"requests.cpu": 2}}},
    "rancher_agent_psa_strategy": "stop",
    "rancher_egress_strategy": "add",
}


def test_restricted_with_strategy_stop_stops_and_says_what_to_do():
    result = plan(TENANT, {}, {}, ["203.0.113.10"], "rancher.example.com")
    assert "cattle-cluster-agent" in result["stop"] and "vcluster_rancher_agent_psa_strategy" in result["stop"]


def test_baseline_strategy_relaxes_host_and_vcluster():
    result = plan(dict(TENANT, rancher_agent_psa_strategy="baseline"), {}, {}, ["203.0.113.10"], "r.example.com")
    assert result["stop"] == ""
    assert result["host_enforce"] == "baseline" and "audit and warn stay restricted" in result["relaxed_reason"]
    assert result["virtual_pod_security"] == "baseline"


def test_existing_vcluster_enforcing_restricted_inside_stops():
    tenant = dict(TENANT, rancher_agent_psa_strategy="baseline")
    release = {"values": {"policies": {"podSecurityStandard": "restricted"}}}
    result = plan(tenant, {"metadata": {"labels": {}}}, release, [], "r.example.com", provisioning=False)
    assert "redeploys the vcluster" in result["stop"]


def test_private_server_gets_egress_added_keeping_the_option_as_given():
    tenant = dict(TENANT, profile="baseline")
    result = plan(tenant, {}, {}, ["10.20.0.10", "203.0.113.1"], "rancher.internal")
    assert result["blocked_addresses"] == ["10.20.0.10"] and result["extra_egress_cidrs"] == ["10.20.0.10/32"]
    assert result["isolation"] == {
        "resource_quota": {"quota": {"requests.cpu": 2}},
        "extra_egress_cidrs": ["10.20.0.10/32"],
    }
    assert result["effective_isolation"]["extra_egress_cidrs"] == ["10.20.0.10/32"]


def test_private_server_with_strategy_stop():
    tenant = dict(TENANT, profile="baseline", rancher_egress_strategy="stop")
    result = plan(tenant, {}, {}, ["10.20.0.10"], "rancher.internal")
    assert "10.20.0.10/32" in result["stop"]


def test_no_network_policy_blocks_nothing():
    tenant = dict(TENANT, profile="baseline", isolation={"network_policy": False})
    assert plan(tenant, {}, {}, ["10.20.0.10"], "rancher.internal")["blocked_addresses"] == []
    opened = dict(TENANT, profile="baseline", isolation={"extra_egress_cidrs": ["10.20.0.0/24"]})
    assert plan(opened, {}, {}, ["10.20.0.10"], "rancher.internal")["blocked_addresses"] == []


def test_server_url_unset_stops_before_anything_else():
    tenant = dict(TENANT, profile="baseline")
    result = plan(tenant, {}, {}, ["203.0.113.1"], "r.example.com", server_url="", rancher_url="https://r.example.com")
    assert "server-url" in result["stop"] and "https://r.example.com/v3/settings/server-url" in result["stop"]
    assert plan(tenant, {}, {}, ["203.0.113.1"], "r.example.com", server_url="https://r.example.com")["stop"] == ""
    assert plan(tenant, {}, {}, ["203.0.113.1"], "r.example.com")["stop"] == ""


def test_recorded_cluster_ids_lists_workloads_and_namespace():
    from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.import_plan import recorded_cluster_ids

    annotated = {"annotations": {"tenancy.vcluster/rancher-cluster-id": "c-abc12"}}
    reads = [
        {"item": "StatefulSet", "resources": [{"metadata": dict(name="t1", namespace="tenant-a", **annotated)}]},
        {"item": "Deployment", "resources": []},
    ]
    found = recorded_cluster_ids(reads, [{"metadata": {"name": "tenant-a"}}])
    assert found["cluster_ids"] == ["c-abc12"]
    assert [(o["kind"], o["namespace"], o["name"], o["cluster_id"]) for o in found["objects"]] == [
        ("StatefulSet", "tenant-a", "t1", "c-abc12"),
        ("Namespace", "", "tenant-a", ""),
    ]


def test_an_earlier_relaxation_is_kept_not_undone():
    tenant = dict(TENANT, rancher_agent_psa_strategy="baseline")
    relaxed = {"metadata": {"labels": {"pod-security.kubernetes.io/enforce": "baseline"},
                            "annotations": {"tenancy.vcluster/psa-relaxed": "enforce=baseline ..."}}}
    release = {"values": {"policies": {"podSecurityStandard": "baseline"}}}
    result = plan(tenant, relaxed, release, [], "r.example.com", provisioning=False)
    assert result["stop"] == "" and result["host_enforce"] == "baseline"
