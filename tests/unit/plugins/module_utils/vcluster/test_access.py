# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rights table, the ClusterRole rendered from it and the rules-review comparison."""

import os

import yaml

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import access

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", ".."))
SHIPPED = os.path.join(REPO, "extensions", "rbac", "tenancy-vcluster-operator.yml")


def test_the_cluster_role_grants_exactly_the_required_rights():
    role = access.operator_cluster_role()
    assert access.missing_rights(role["rules"]) == []
    granted = {
        (group, resource, verb)
        for rule in role["rules"]
        for group in rule["apiGroups"]
        for resource in rule["resources"]
        for verb in rule["verbs"]
    }
    assert granted == {(g, r, v) for g, r, v, _scope in access.required_rights()}


def test_the_shipped_cluster_role_is_the_rendered_one():
    with open(SHIPPED) as handle:
        docs = [doc for doc in yaml.safe_load_all(handle) if doc]
    assert docs[0] == access.operator_cluster_role()


def test_a_missing_verb_is_named():
    rules = [r for r in access.operator_cluster_role()["rules"] if "persistentvolumeclaims" not in r["resources"]]
    missing = access.missing_rights(rules)
    assert ("", "persistentvolumeclaims", "delete", False) in missing
    assert "delete persistentvolumeclaims (in the tenant namespace)" in [access.describe_right(r) for r in missing]


def test_wildcards_and_resource_names():
    assert access.missing_rights([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]) == []
    named = [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"], "resourceNames": ["x"]}]
    assert access.missing_rights(named) == access.required_rights()
