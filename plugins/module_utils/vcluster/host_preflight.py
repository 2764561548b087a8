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

import base64
import gzip
import json
import re

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.discovery import RELEASE_LABEL
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.naming import check_namespace

PENDING_RELEASE_STATUSES = ("pending-install", "pending-upgrade", "pending-rollback")
GZIP_MAGIC = b"\x1f\x8b"
# What the API server accepts as a label value (in selectors).
LABEL_VALUE_RE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$")


def readable_names(namespace, release):
    """Whether the API server would accept these names in reads (a namespace path, a label selector).

    Invalid names are not read: the values pre-flight reports them (namespace-invalid, name-invalid) with the fix,
    which a 400 from the API server would not.
    """
    return not check_namespace(namespace) and bool(LABEL_VALUE_RE.match(release or ""))


# Rancher's webhook (rancher/webhook v0.3.5+, core/v1/namespace psalabels.go and projectannotations.go) lets a
# namespace into a project only for a user with verb manage-namespaces on the project (by name, cluster scope), and
# lets its Pod Security labels be set or changed only with verb updatepsa on the project (namespace: the project's
# cluster id). The project id is <cluster id>:<project id>; Rancher's own cluster is "local".
RANCHER_PROJECT_ID = re.compile(r"^(local|c-[a-z0-9-]+):(p-[a-z0-9]+)$")


def project_access_checks(project_id):
    """The access checks Rancher's namespace webhook makes for a namespace in project ``project_id`` (or [])."""
    match = RANCHER_PROJECT_ID.match(project_id or "")
    if not match:
        return []
    cluster, project = match.groups()
    checks = []
    for verb, namespace in (("manage-namespaces", None), ("updatepsa", cluster)):
        check = {"verb": verb, "group": "management.cattle.io", "version": "v3", "resource": "projects",
                 "name": project, "cluster_scoped": namespace is None, "rancher_project": project_id}
        if namespace:
            check["namespace"] = namespace
        checks.append(check)
    return checks


def access_review(check, namespace):
    """SelfSubjectAccessReview body for one check {verb, resource, group, subresource, cluster_scoped}, with an
    optional resource ``name`` and a ``namespace`` of its own (instead of the tenant's)."""
    attributes = {"verb": check["verb"], "group": check.get("group") or "", "resource": check["resource"]}
    for key in ("subresource", "name", "version"):
        if check.get(key):
            attributes[key] = check[key]
    if not check.get("cluster_scoped"):
        attributes["namespace"] = check.get("namespace") or namespace
    return {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "spec": {"resourceAttributes": attributes},
    }


def describe_check(check):
    if check.get("rancher_project"):
        return (
            f"{check['verb']} on Rancher project {check['rancher_project']} (Rancher's webhook asks for it to put the "
            "namespace into the project and set its Pod Security labels; Cluster Owner or Project Owner has it)"
        )
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


def release_records_selector(release):
    """Label selector of the Secrets in which Helm 3 stores the revisions of ``release``."""
    return f"owner=helm,name={release}"


def pending_records(records):
    """Names of the release records (Secret metadata) that an interrupted helm run left pending."""
    return sorted(
        record["metadata"]["name"]
        for record in records
        if (record["metadata"].get("labels") or {}).get("status") in PENDING_RELEASE_STATUSES
    )


def _revision(record):
    try:
        return int((record["metadata"].get("labels") or {}).get("version", 0))
    except (TypeError, ValueError):
        return 0


def latest_record_name(records):
    """Name of the newest revision among the release records (Secret metadata), or None."""
    if not records:
        return None
    return max(records, key=_revision)["metadata"]["name"]


def decode_release(secret_data_release):
    """Helm's release object from the ``release`` key of its Secret: base64 (the Secret's) of base64 (Helm's) of
    gzipped JSON."""
    raw = base64.b64decode(base64.b64decode(secret_data_release))
    if raw[:2] == GZIP_MAGIC:
        raw = gzip.decompress(raw)
    return json.loads(raw)


def release_summary(release):
    """What decides whether an install/upgrade would change the release, as kubernetes.core.helm compares it:
    status, ``<chart>-<version>``, app version and the user-supplied values (never the rendered manifest)."""
    metadata = (release.get("chart") or {}).get("metadata") or {}
    return {
        "revision": release.get("version"),
        "status": (release.get("info") or {}).get("status", ""),
        "chart": f"{metadata.get('name', '')}-{metadata.get('version', '')}",
        "app_version": metadata.get("appVersion", ""),
        "values": release.get("config") or {},
    }
