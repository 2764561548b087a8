# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The host rights this collection needs, as one table: the pre-flight checks exactly these, and the operator's
ClusterRole shipped in ``extensions/rbac/`` is rendered from them.

Namespaced rights are granted cluster-wide because the collection creates the tenant namespaces itself (a
RoleBinding cannot exist before its namespace). They include every rule of the Roles the vcluster charts render
(0.15-0.36), since Kubernetes refuses to let anyone create a Role with rights they do not hold themselves; the
integration tests render every chart and check that. Cluster-scoped rights are only what provisioning,
import and teardown touch. Pure logic, no I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

READ = ("get", "list", "watch")
WRITE = ("create", "update", "patch", "delete")
ALL = READ + WRITE

# (api group, resource) -> verbs the collection (and the charts' Roles) need in a tenant namespace
NAMESPACED = {
    ("", "configmaps"): ALL,
    ("", "secrets"): ALL,
    ("", "services"): ALL,
    ("", "serviceaccounts"): ALL,
    ("", "pods"): ALL,
    ("", "pods/attach"): ALL,
    ("", "pods/exec"): ALL,
    ("", "pods/portforward"): ALL,
    ("", "pods/log"): READ,
    ("", "pods/status"): ("patch", "update"),
    ("", "pods/ephemeralcontainers"): ("patch", "update"),
    ("", "persistentvolumeclaims"): ALL,
    ("", "endpoints"): ALL,
    ("", "events"): ("create", *READ),
    ("", "resourcequotas"): ALL,
    ("", "limitranges"): ALL,
    ("events.k8s.io", "events"): ("create", *READ),
    ("discovery.k8s.io", "endpointslices"): ALL,
    ("apps", "statefulsets"): ALL,
    ("apps", "deployments"): ALL,
    ("apps", "replicasets"): (*READ, "patch", "update"),
    ("apps", "statefulsets/scale"): ("get", "patch", "update"),
    ("apps", "deployments/scale"): ("get", "patch", "update"),
    ("batch", "jobs"): ALL,
    ("networking.k8s.io", "networkpolicies"): ALL,
    ("rbac.authorization.k8s.io", "roles"): ALL,
    ("rbac.authorization.k8s.io", "rolebindings"): ALL,
    ("snapshot.storage.k8s.io", "volumesnapshots"): ALL,
}
# (api group, resource) -> verbs needed on cluster-scoped objects
CLUSTER_SCOPED = {
    ("", "namespaces"): ALL,
    ("rbac.authorization.k8s.io", "clusterroles"): ALL,
    ("rbac.authorization.k8s.io", "clusterrolebindings"): ALL,
    ("", "persistentvolumes"): ("get", "list"),
    ("snapshot.storage.k8s.io", "volumesnapshotclasses"): ("get", "list"),
    ("snapshot.storage.k8s.io", "volumesnapshotcontents"): ("get", "list", *WRITE),
    ("scheduling.k8s.io", "priorityclasses"): ("get", "list", "delete"),
}
CLUSTER_ROLE_NAME = "tenancy-vcluster-operator"


def required_rights():
    """Every right as ``(group, resource, verb, cluster_scoped)``, sorted."""
    rights = [(group, resource, verb, False) for (group, resource), verbs in NAMESPACED.items() for verb in verbs]
    rights += [(group, resource, verb, True) for (group, resource), verbs in CLUSTER_SCOPED.items() for verb in verbs]
    return sorted(rights)


def _rule_allows(rule, group, resource, verb):
    def matches(values, wanted):
        return "*" in values or wanted in values

    if rule.get("resourceNames"):
        return False  # a rule for some objects only does not grant the right in general
    return (
        matches(rule.get("apiGroups") or [], group)
        and matches(rule.get("resources") or [], resource)
        and matches(rule.get("verbs") or [], verb)
    )


def missing_rights(resource_rules, rights=None):
    """The rights of ``rights`` (default: all required) that no rule of a SelfSubjectRulesReview's
    ``status.resourceRules`` grants, as ``(group, resource, verb, cluster_scoped)``."""
    rights = required_rights() if rights is None else rights
    return [
        right
        for right in rights
        if not any(_rule_allows(rule, right[0], right[1], right[2]) for rule in resource_rules or [])
    ]


def describe_right(right):
    group, resource, verb, cluster_scoped = right
    where = "cluster-wide" if cluster_scoped else "in the tenant namespace"
    return f"{verb} {resource}{'.' + group if group else ''} ({where})"


def _rules(table):
    by_group_verbs = {}
    for (group, resource), verbs in sorted(table.items()):
        by_group_verbs.setdefault((group, tuple(sorted(verbs))), []).append(resource)
    return [
        {"apiGroups": [group], "resources": resources, "verbs": list(verbs)}
        for (group, verbs), resources in sorted(by_group_verbs.items())
    ]


def operator_cluster_role():
    """The ClusterRole that grants exactly the required rights (bind it with a ClusterRoleBinding)."""
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {"name": CLUSTER_ROLE_NAME, "labels": {"app.kubernetes.io/part-of": "tenancy.vcluster"}},
        "rules": _rules({**NAMESPACED, **CLUSTER_SCOPED}),
    }
