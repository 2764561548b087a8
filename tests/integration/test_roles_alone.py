"""Each role runs alone: a playbook with nothing but the role works for a tenant, checking what it needs itself."""

from __future__ import annotations

import uuid

import yaml
from cluster import delete_namespaces
from kubernetes import client as k8s_client

from playbooks import local_group_vars, run_playbook, write_inventory, writes


def role_playbook(path, role):
    path.write_text(yaml.safe_dump([{"hosts": "vclusters", "gather_facts": False, "roles": [role]}]))
    return path


def test_namespace_then_release_alone(local_cluster, chart_repo, syncer_standin, k8s, helm, tmp_path):
    ns = f"alone-{uuid.uuid4().hex[:5]}"
    tenants = {"solo": {"vcluster_namespace": ns, "vcluster_chart_version": "0.36.1"}}
    inventory = write_inventory(tmp_path / "hosts.yml", tenants, local_group_vars(local_cluster, chart_repo, tmp_path))
    core = k8s_client.CoreV1Api(k8s)
    try:
        namespace_only = role_playbook(tmp_path / "namespace.yml", "tenancy.vcluster.namespace")
        first = run_playbook(str(namespace_only), inventory)
        assert first.rc == 0, first.output[-4000:]
        labels = core.read_namespace(ns).metadata.labels
        assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
        assert labels["tenancy.vcluster/created"] == "true"
        assert helm("list", "-n", ns, "-q").stdout.strip() == ""  # the namespace role installed nothing

        release_only = role_playbook(tmp_path / "release.yml", "tenancy.vcluster.release")
        second = run_playbook(str(release_only), inventory)
        assert second.rc == 0, second.output[-4000:]
        assert helm("list", "-n", ns, "-q").stdout.split() == ["solo"]
        assert (tmp_path / "kubeconfigs" / f"{ns}-solo.kubeconfig").exists()
        again = run_playbook(str(release_only), inventory)
        assert again.rc == 0 and again.changed("solo") == 0, again.output[-4000:]
    finally:
        delete_namespaces(k8s, [ns])


def test_a_role_alone_still_checks_before_it_writes(local_cluster, chart_repo, k8s, audit, tmp_path):
    ns = f"alone-{uuid.uuid4().hex[:5]}"
    bad = {"controlPlane": {"statefulSet": {"security": {"containerSecurityContext": {"runAsUser": 0}}}}}
    tenants = {"solo": {"vcluster_namespace": ns, "vcluster_chart_version": "0.36.1", "vcluster_values": bad}}
    inventory = write_inventory(tmp_path / "hosts.yml", tenants, local_group_vars(local_cluster, chart_repo, tmp_path))
    release_only = role_playbook(tmp_path / "release.yml", "tenancy.vcluster.release")
    mark = audit.mark()
    result = run_playbook(str(release_only), inventory)
    assert result.rc != 0 and "pss-run-as-user" in result.output
    assert writes(audit.mutating_since(mark)) == []
    delete_namespaces(k8s, [ns])
