# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The read-only pre-flight of a host cluster for one tenant (pure logic, no I/O).

The tenancy.vcluster.host_preflight module fetches; this module builds the request bodies and reads the answers:
SelfSubjectAccessReviews for the rights provisioning needs, the Kubernetes version, other vclusters in the
namespace (one per namespace) and Helm release records left pending by an interrupted helm run.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.discovery import RELEASE_LABEL

PENDING_RELEASE_STATUSES = ("pending-install", "pending-upgrade", "pending-rollback")


def access_review(check, namespace):
    """SelfSubjectAccessReview body for one check {verb, resource, group, subresource, cluster_scoped}."""
    attributes = {"verb": check["verb"], "group": check.get("group") or "", "resource": check["resource"]}
    if check.get("subresource"):
        attributes["subresource"] = check["subresource"]
    if not check.get("cluster_scoped"):
        attributes["namespace"] = namespace
    return {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "spec": {"resourceAttributes": attributes},
    }


def describe_check(check):
    resource = check["resource"]
    if check.get("subresource"):
        resource += "/" + check["subresource"]
    return f"{check['verb']} {resource}"


def denied_rights(checks, allowed):
    """Human-readable rights (``create namespaces``) among ``checks`` whose review was not allowed."""
    return [describe_check(check) for check, ok in zip(checks, allowed) if not ok]


def minor_version(version_info):
    """``1.34`` from the API server's /version answer (minor ``34+`` on some distributions)."""
    major = re.sub(r"[^0-9]", "", str(version_info.get("major", "")))
    minor = re.sub(r"[^0-9]", "", str(version_info.get("minor", "")))
    if not major or not minor:
        match = re.match(r"v?(\d+)\.(\d+)", str(version_info.get("gitVersion", "")))
        if not match:
            raise ValueError(f"cannot read the Kubernetes version from {version_info!r}")
        major, minor = match.groups()
    return f"{int(major)}.{int(minor)}"


def other_vclusters(workloads, name):
    """Release names of vcluster workloads (labelled app=vcluster) in the namespace other than ``name``."""
    releases = {(w.get("metadata") or {}).get("labels", {}).get(RELEASE_LABEL) for w in workloads}
    return sorted(release for release in releases if release and release != name)


def pending_records_selector(release):
    return f"owner=helm,name={release},status in ({','.join(PENDING_RELEASE_STATUSES)})"
