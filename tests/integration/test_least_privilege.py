"""Provision and deprovision as an identity that holds exactly the shipped ClusterRole (extensions/rbac), and a
missing right stops a tenant in the pre-flight, naming the right, before any write."""

from __future__ import annotations

import sys
import uuid

import pytest
import yaml
from cluster import delete_namespaces
from kubernetes import client as k8s_client
from kubernetes.client.rest import ApiException

from playbooks import REPO, local_group_vars, run_playbook, write_inventory, writes

sys.path.insert(0, str(REPO / "tests" / "reliability"))
from identity import identity_kubeconfig

SHIPPED = REPO / "extensions" / "rbac" / "tenancy-vcluster-operator.yml"


def shipped_cluster_role(name: str, drop: tuple[str, str] | None = None) -> dict:
    """The shipped ClusterRole under ``name``; ``drop`` = (resource, verb) to leave out."""
    role = next(doc for doc in yaml.safe_load_all(SHIPPED.read_text()) if doc and doc["kind"] == "ClusterRole")
    role["metadata"] = {"name": name}
    if drop:
        resource, verb = drop
        rules = []
        for rule in role["rules"]:
            if resource in rule["resources"] and verb in rule["verbs"]:
                rules.append(dict(rule, resources=[r for r in rule["resources"] if r != resource]))
                rules.append(dict(rule, resources=[resource], verbs=[v for v in rule["verbs"] if v != verb]))
            else:
                rules.append(rule)
        role["rules"] = rules
    return role


@pytest.fixture
def operator(local_cluster, k8s, tmp_path):
    """``make(drop=None)``: a user bound (ClusterRoleBinding) to the shipped ClusterRole, or to it without one right;
    returns (user, kubeconfig path). Everything is removed afterwards."""
    rbac = k8s_client.RbacAuthorizationV1Api(k8s)
    made = []

    def make(drop=None):
        user = f"tenancy-operator-{uuid.uuid4().hex[:6]}"
        rbac.create_cluster_role(shipped_cluster_role(user, drop))
        rbac.create_cluster_role_binding(
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRoleBinding",
                "metadata": {"name": user},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": user},
                "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": user}],
            }
        )
        made.append(user)
        path = identity_kubeconfig(local_cluster.state, local_cluster.kubeconfig, user, tmp_path / f"{user}.kubeconfig",
                                   organization=None)
        return user, str(path)

    yield make
    for user in made:
        for delete in (rbac.delete_cluster_role_binding, rbac.delete_cluster_role):
            try:
                delete(user)
            except ApiException as exc:
                if exc.status != 404:
                    raise


def inventory_for(tmp_path, local_cluster, chart_repo, namespace, kubeconfig):
    group_vars = dict(local_group_vars(local_cluster, chart_repo, tmp_path), vcluster_host_kubeconfig=kubeconfig)
    tenants = {"lp": {"vcluster_namespace": namespace, "vcluster_chart_version": "0.36.1"}}
    return write_inventory(tmp_path / "hosts.yml", tenants, group_vars)


def test_the_shipped_role_is_enough_to_provision_and_remove(
    local_cluster, chart_repo, syncer_standin, k8s, operator, tmp_path
):
    _user, kubeconfig = operator()
    namespace = f"lp-{uuid.uuid4().hex[:5]}"
    inventory = inventory_for(tmp_path, local_cluster, chart_repo, namespace, kubeconfig)
    core = k8s_client.CoreV1Api(k8s)
    try:
        provisioned = run_playbook("provision.yml", inventory)
        assert provisioned.rc == 0, provisioned.output[-6000:]
        assert core.read_namespace(namespace).metadata.labels["pod-security.kubernetes.io/enforce"] == "restricted"
        assert core.read_namespaced_secret("vc-lp", namespace)
        again = run_playbook("provision.yml", inventory)
        assert again.rc == 0 and again.changed("lp") == 0, again.output[-4000:]

        removed = run_playbook("deprovision.yml", inventory)
        assert removed.rc == 0, removed.output[-6000:]
        with pytest.raises(ApiException) as gone:
            core.read_namespace(namespace)
        assert gone.value.status == 404 or core.read_namespace(namespace).status.phase == "Terminating"
    finally:
        delete_namespaces(k8s, [namespace])


@pytest.mark.parametrize(
    ("drop", "named"),
    [
        (("persistentvolumeclaims", "delete"), "delete persistentvolumeclaims (in the tenant namespace)"),
        (("namespaces", "create"), "create namespaces (cluster-wide)"),
        (("roles", "create"), "create roles.rbac.authorization.k8s.io (in the tenant namespace)"),
    ],
)
def test_a_missing_right_stops_the_tenant_before_any_write(
    local_cluster, chart_repo, k8s, audit, operator, tmp_path, drop, named
):
    user, kubeconfig = operator(drop)
    namespace = f"lp-{uuid.uuid4().hex[:5]}"
    inventory = inventory_for(tmp_path, local_cluster, chart_repo, namespace, kubeconfig)
    mark = audit.mark()
    result = run_playbook("provision.yml", inventory)
    assert result.rc != 0
    assert named in result.output and "Nothing was changed" in result.output, result.output[-4000:]
    assert writes(audit.mutating_since(mark, user=user)) == []
    delete_namespaces(k8s, [namespace])
