# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one-step in-sync check: it passes a tenant only when the full path would change and report nothing."""

import os

import pytest
import yaml

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import host_objects, in_sync
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.tenant import tenant_from

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", ".."))
OK = {"vcluster_namespace": "tenant-a", "vcluster_chart_version": "0.36.1"}
# Options the pre-flight passes only for what the one-step check leaves to the full path (upgrade, Rancher import).
FULL_PATH_ONLY = {"deployed_values_dest", "virtual_pod_security", "previous_values_file", "previous_chart"}


def tenant(**variables):
    return tenant_from("team-a", dict(OK, **variables), "/home/op")


def task_args(path, module):
    with open(os.path.join(REPO, path), encoding="utf-8") as fh:
        tasks = yaml.safe_load(fh)
    return next(task[module] for task in tasks if module in task)


def in_sync_host(t, **changes):
    """A host read of a tenant provisioned exactly as wanted."""
    host = {
        "kubernetes_version": "1.34",
        "problems": [],
        "pending_release_records": [],
        "namespace": host_objects.tenant_namespace(t),
        "objects": {"extra_egress": {}},
        "release": {"status": "deployed", "chart": "vcluster-0.36.1", "values_digest": "d1"},
    }
    host.update(changes)
    return host


VALUES = {"chart": "vcluster", "values_digest": "d1"}


def test_the_host_read_passes_what_the_preflight_passes():
    params = in_sync.host_preflight_params(tenant(vcluster_host_kubeconfig="/k", vcluster_host_context="c"))
    assert set(params) == set(task_args("roles/preflight/tasks/main.yml", "tenancy.vcluster.host_preflight")) - {
        "deployed_values_dest"
    }
    assert params["rights"] == "tenant" and params["read"]["extra_egress"]["name"] == "team-a-extra-egress"


def test_the_values_check_passes_what_the_preflight_passes():
    wanted = set(task_args("roles/preflight/tasks/release.yml", "tenancy.vcluster.vcluster_values"))
    params = in_sync.values_params(tenant(vcluster_distro="k8s", vcluster_image_registry="r.example"), "/s.json")
    assert set(params) == wanted - FULL_PATH_ONLY
    plain = in_sync.values_params(tenant(), None)
    assert "distro" not in plain and "schema" not in plain


@pytest.mark.parametrize(
    ("variables", "chart_present", "reason"),
    [
        ({"vcluster_state": "absent"}, True, "removed"),
        ({"vcluster_parent": "outer"}, True, "nested"),
        ({"vcluster_rancher_import": True}, True, "Rancher import"),
        ({"vcluster_rancher_project": "Team A"}, True, "by name"),
        ({}, False, "not in the cache"),
    ],
)
def test_tenants_it_does_not_cover_take_the_full_path(variables, chart_present, reason):
    assert reason in " ".join(in_sync.not_covered(tenant(**variables), chart_present))


def test_a_project_id_and_a_cached_chart_are_covered():
    assert in_sync.not_covered(tenant(vcluster_rancher_project="local:p-abc12"), True) == []


def test_a_tenant_as_wanted_is_in_sync():
    t = tenant()
    assert in_sync.host_drift(t, in_sync_host(t)) == []
    assert in_sync.release_drift(t, in_sync_host(t), VALUES) == []
    assert in_sync.kubeconfig_drift(True, {"changed": False}) == []


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"failed": True}, "pre-flight failed"),
        ({"problems": ["no rights"]}, "no rights"),
        ({"pending_release_records": ["sh.helm.release.v1.team-a.v2"]}, "pending"),
        ({"kubernetes_version": "1.24"}, "PodSecurityPolicy"),
        ({"namespace": {}}, "namespace"),
        ({"namespace": {"metadata": {"name": "tenant-a", "labels": {"tenancy.vcluster/created": "true"}}}}, "label"),
        ({"objects": {"extra_egress": {"metadata": {"name": "team-a-extra-egress"}}}}, "no longer wanted"),
    ],
)
def test_host_drift_names_what_differs(changes, reason):
    t = tenant()
    assert reason in " ".join(in_sync.host_drift(t, in_sync_host(t, **changes)))


def test_a_missing_or_different_extra_egress_policy_is_drift():
    t = tenant(vcluster_isolation={"enabled": True, "extra_egress_cidrs": ["10.9.0.0/16"]})
    assert in_sync.host_drift(t, in_sync_host(t)) == ["the extra egress policy differs"]
    wanted = host_objects.extra_egress_policy(t, ["10.9.0.0/16"])
    assert in_sync.host_drift(t, in_sync_host(t, objects={"extra_egress": wanted})) == []


@pytest.mark.parametrize(
    ("release", "values"),
    [
        ({"status": "failed", "chart": "vcluster-0.36.1", "values_digest": "d1"}, VALUES),
        ({"status": "deployed", "chart": "vcluster-0.35.0", "values_digest": "d1"}, VALUES),
        ({"status": "deployed", "chart": "vcluster-0.36.1", "values_digest": "d0"}, VALUES),
        ({}, VALUES),
        ({"status": "deployed", "chart": "vcluster-0.36.1", "values_digest": "d1"}, {"failed": True}),
    ],
)
def test_a_release_that_is_not_this_one_is_drift(release, values):
    t = tenant()
    assert in_sync.release_drift(t, in_sync_host(t, release=release), values)


def test_kubeconfig_drift():
    assert "Secret" in in_sync.kubeconfig_drift(False, {})[0]
    assert "differs" in in_sync.kubeconfig_drift(True, {"changed": True})[0]
    assert "cannot be written" in in_sync.kubeconfig_drift(True, {"failed": True, "msg": "x"})[0]


@pytest.mark.parametrize(
    ("variables", "in_sync_now", "group"),
    [
        ({}, True, "tenancy_vcluster_in_sync"),
        ({}, False, "tenancy_vcluster_present_top"),
        ({"vcluster_parent": "outer"}, False, "tenancy_vcluster_present_nested"),
        ({"vcluster_state": "absent"}, False, "tenancy_vcluster_absent_top"),
        ({"vcluster_state": "absent", "vcluster_parent": "outer"}, False, "tenancy_vcluster_absent_nested"),
    ],
)
def test_route_group(variables, in_sync_now, group):
    assert in_sync.route_group(tenant(**variables), in_sync_now) == group


def test_provision_runs_every_route_group_but_the_in_sync_one():
    with open(os.path.join(REPO, "playbooks", "provision.yml"), encoding="utf-8") as fh:
        plays = yaml.safe_load(fh)
    targeted = {play["vars"]["tenancy_vcluster_targets"] for play in plays if "ansible.builtin.import_playbook" in play}
    routes = {
        in_sync.route_group(tenant(vcluster_state=state, vcluster_parent=parent), False)
        for state in ("present", "absent")
        for parent in ("", "outer")
    }
    assert targeted == routes
    assert in_sync.IN_SYNC_GROUP not in targeted
