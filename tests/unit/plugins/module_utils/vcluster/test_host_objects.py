# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Host objects built as data, and when an existing object already says what they say."""

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import host_objects

TENANT = {"name": "t1", "namespace": "tenant-a", "profile": "restricted", "rancher_project": "local:p-abc12"}


def test_new_namespace_has_labels_project_and_created_marker():
    ns = host_objects.tenant_namespace(TENANT)
    labels = ns["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
    assert labels["pod-security.kubernetes.io/warn-version"] == "latest"
    assert labels["tenancy.vcluster/created"] == "true"
    assert labels["field.cattle.io/projectId"] == "p-abc12"
    assert ns["metadata"]["annotations"] == {"field.cattle.io/projectId": "local:p-abc12"}


def test_existing_namespace_is_not_claimed_and_enforce_can_be_relaxed():
    current = {"metadata": {"name": "tenant-a", "labels": {"team": "a"}}}
    ns = host_objects.tenant_namespace(TENANT, current, enforce="baseline", relaxed_reason="for the agent")
    assert "tenancy.vcluster/created" not in ns["metadata"]["labels"]
    assert ns["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "baseline"
    assert ns["metadata"]["labels"]["pod-security.kubernetes.io/audit"] == "restricted"
    assert ns["metadata"]["annotations"]["tenancy.vcluster/psa-relaxed"] == "for the agent"


def test_before_125_no_pod_security_labels():
    ns = host_objects.tenant_namespace(TENANT, use_psa=False)
    assert not any(key.startswith("pod-security") for key in ns["metadata"]["labels"])
    assert host_objects.uses_pod_security_admission("1.24") is False
    assert host_objects.uses_pod_security_admission("1.34") is True


def test_covers():
    wanted = host_objects.tenant_namespace(TENANT)
    current = {
        "metadata": {
            "labels": dict(wanted["metadata"]["labels"], extra="x"),
            "annotations": dict(wanted["metadata"]["annotations"]),
        }
    }
    assert host_objects.covers(current, wanted)
    current["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] = "baseline"
    assert not host_objects.covers(current, wanted)
    assert not host_objects.covers({}, wanted)
    policy = host_objects.extra_egress_policy(TENANT, ["10.1.0.0/16"])
    assert host_objects.covers(dict(policy), policy)
    assert not host_objects.covers(dict(policy, spec={}), policy)


def test_cidrs_stay_data():
    policy = host_objects.extra_egress_policy(TENANT, ["10.0.0.1/32\nmetadata: {name: x}"])
    assert policy["spec"]["egress"][0]["to"][0]["ipBlock"]["cidr"] == "10.0.0.1/32\nmetadata: {name: x}"
    assert policy["metadata"]["name"] == "t1-extra-egress"


def test_release_claims_match_the_name_literally():
    claims = [{"metadata": {"name": n}} for n in ("data-t1-0", "data-t1-etcd-2", "data-t10-0", "data-tx1-0", "other")]
    assert host_objects.release_claims(claims, "t1") == ["data-t1-0", "data-t1-etcd-2"]
    assert host_objects.release_claims(claims, "t.") == []


def test_psp_objects_bind_the_namespace_service_accounts():
    policy, role, binding = host_objects.pod_security_policy_objects(TENANT)
    assert policy["spec"]["runAsUser"]["rule"] == "MustRunAsNonRoot"
    assert role["rules"][0]["resourceNames"] == ["tenancy-vcluster-tenant-a"]
    assert binding["subjects"][0]["name"] == "system:serviceaccounts:tenant-a"
