# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""module_utils/vcluster/host_preflight: access review bodies, denied rights, version, other vclusters."""

import base64
import gzip
import json

import pytest

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import host_preflight
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.values_tree import values_digest


def test_namespaced_review_asks_in_the_namespace():
    body = host_preflight.access_review({"verb": "create", "group": "apps", "resource": "statefulsets"}, "t-a")
    assert body["kind"] == "SelfSubjectAccessReview"
    assert body["spec"]["resourceAttributes"] == {
        "verb": "create", "group": "apps", "resource": "statefulsets", "namespace": "t-a"
    }


def test_cluster_scoped_review_has_no_namespace_and_keeps_subresource():
    check = {"verb": "patch", "resource": "namespaces", "subresource": "status", "cluster_scoped": True}
    attributes = host_preflight.access_review(check, "t-a")["spec"]["resourceAttributes"]
    assert attributes == {"verb": "patch", "group": "", "resource": "namespaces", "subresource": "status"}


def test_denied_rights_in_order():
    checks = [
        {"verb": "create", "resource": "namespaces"},
        {"verb": "create", "resource": "secrets"},
        {"verb": "delete", "resource": "persistentvolumeclaims"},
    ]
    assert host_preflight.denied_rights(checks, [True, False, False]) == [
        "create secrets", "delete persistentvolumeclaims"
    ]
    assert host_preflight.denied_rights(checks, [True, True, True]) == []


@pytest.mark.parametrize(
    "info, expected",
    [
        ({"major": "1", "minor": "34", "gitVersion": "v1.34.4"}, "1.34"),
        ({"major": "1", "minor": "29+", "gitVersion": "v1.29.3-eks-1"}, "1.29"),
        ({"major": "", "minor": "", "gitVersion": "v1.31.0+k3s1"}, "1.31"),
    ],
)
def test_minor_version(info, expected):
    assert host_preflight.minor_version(info) == expected


def test_minor_version_unreadable():
    with pytest.raises(ValueError, match="cannot read the Kubernetes version"):
        host_preflight.minor_version({"gitVersion": "unknown"})


def test_other_vclusters_ignores_own_release_and_unlabelled():
    workloads = [
        {"metadata": {"labels": {"app": "vcluster", "release": "mine"}}},
        {"metadata": {"labels": {"app": "vcluster", "release": "other"}}},
        {"metadata": {"labels": {"app": "vcluster", "release": "other"}}},
        {"metadata": {"labels": {"app": "vcluster"}}},
        {"metadata": {}},
    ]
    assert host_preflight.other_vclusters(workloads, "mine") == ["other"]


def record(name, version, status):
    return {"metadata": {"name": name, "labels": {"owner": "helm", "name": "t", "version": version, "status": status}}}


def test_pending_records_and_latest_revision():
    records = [
        record("sh.helm.release.v1.t.v9", "9", "superseded"),
        record("sh.helm.release.v1.t.v11", "11", "pending-upgrade"),
        record("sh.helm.release.v1.t.v10", "10", "deployed"),
    ]
    assert host_preflight.release_records_selector("t") == "owner=helm,name=t"
    assert host_preflight.pending_records(records) == ["sh.helm.release.v1.t.v11"]
    assert host_preflight.latest_record_name(records) == "sh.helm.release.v1.t.v11"  # numeric, not text order
    assert host_preflight.latest_record_name([]) is None


def encode_release(release, compress=True):
    raw = json.dumps(release).encode()
    if compress:
        raw = gzip.compress(raw)
    return base64.b64encode(base64.b64encode(raw)).decode()


@pytest.mark.parametrize("compress", [True, False])
def test_release_summary_from_the_secret(compress):
    release = {
        "name": "t",
        "version": 2,
        "info": {"status": "deployed"},
        "chart": {"metadata": {"name": "vcluster", "version": "0.36.1", "appVersion": "0.36.1"}, "templates": []},
        "config": {"controlPlane": {"distro": {"k8s": {"enabled": True}}}},
        "manifest": "kind: Secret\ndata: {token: c2VjcmV0}\n",
    }
    summary = host_preflight.release_summary(host_preflight.decode_release(encode_release(release, compress)))
    assert summary == {
        "revision": 2,
        "status": "deployed",
        "chart": "vcluster-0.36.1",
        "app_version": "0.36.1",
        "values": release["config"],
        "values_digest": values_digest(release["config"]),
    }


def test_release_summary_without_values():
    summary = host_preflight.release_summary({"version": 1, "info": {"status": "failed"}, "chart": {}, "config": None})
    assert summary["values"] == {} and summary["status"] == "failed" and summary["chart"] == "-"


@pytest.mark.parametrize(
    "namespace, release, readable",
    [
        ("tenant-a", "t", True),
        ("tenant-a", "bad-", False),  # a label value may not end with a dash: the selector would be a 400
        ("Tenant_A", "t", False),
        ("a" * 64, "t", False),
        ("tenant-a", "a" * 64, False),
    ],
)
def test_readable_names(namespace, release, readable):
    assert host_preflight.readable_names(namespace, release) is readable


@pytest.mark.parametrize("project", ["c-abc12:p-xyz34", "c-m-abcd1234:p-xyz34", "local:p-xyz34"])
def test_rancher_project_adds_the_webhook_reviews(project):
    cluster, name = project.split(":")
    manage, psa = host_preflight.project_access_checks(project)
    assert host_preflight.access_review(manage, "tenant-a")["spec"]["resourceAttributes"] == {
        "verb": "manage-namespaces", "group": "management.cattle.io", "version": "v3", "resource": "projects",
        "name": name}  # cluster scope, as projectannotations.go asks
    assert host_preflight.access_review(psa, "tenant-a")["spec"]["resourceAttributes"] == {
        "verb": "updatepsa", "group": "management.cattle.io", "version": "v3", "resource": "projects",
        "name": name, "namespace": cluster}  # in the project's cluster namespace, as psalabels.go asks
    denied = host_preflight.denied_rights([manage, psa], [True, False])
    assert len(denied) == 1 and denied[0].startswith("updatepsa on Rancher project " + project)


@pytest.mark.parametrize("project", ["", "my project", "c-abc12", "p-xyz34"])
def test_no_rancher_project_no_reviews(project):
    assert host_preflight.project_access_checks(project) == []
