# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reads of the host cluster with kubernetes.core's client (I/O, unlike module_utils/vcluster).

The list/get helpers serve tenancy.vcluster.vcluster_info and tenancy.vcluster.host_preflight; the pre-flight itself
is shared by the host_preflight module and its action plugin, which runs it in the controller's worker process over
the local connection (as kubernetes.core's k8s lookup does) instead of starting a module process.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.kubernetes.core.plugins.module_utils.args_common import AUTH_ARG_SPEC
from ansible_collections.kubernetes.core.plugins.module_utils.k8s.exceptions import CoreException

from ansible_collections.tenancy.vcluster.plugins.module_utils.private_file import sync_private_file
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import access, discovery, host_preflight
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.yaml_support import to_yaml

try:
    # ForbiddenError is for vcluster_info, which takes all three from here
    from kubernetes.dynamic.exceptions import (  # pylint: disable=unused-import
        DynamicApiError,
        ForbiddenError,
        NotFoundError,
    )
except ImportError:
    HAS_KUBERNETES = False

    # AnsibleK8SModule reports the missing kubernetes library before these are needed.
    class DynamicApiError(Exception):
        pass

    class ForbiddenError(DynamicApiError):
        pass

    class NotFoundError(DynamicApiError):
        pass

else:
    HAS_KUBERNETES = True


def argument_spec():
    args = copy.deepcopy(AUTH_ARG_SPEC)
    args.update(
        namespace=dict(type="str", required=True),
        release_name=dict(type="str", required=True),
        access_checks=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(
                verb=dict(type="str", required=True),
                resource=dict(type="str", required=True),
                group=dict(type="str", default=""),
                subresource=dict(type="str"),
                cluster_scoped=dict(type="bool", default=False),
            ),
        ),
        rancher_project=dict(type="str", default=""),
        rights=dict(type="str", choices=["tenant", "none"], default="tenant"),
        read=dict(type="dict", default={}),
        map_services=dict(type="dict", default={}),
        deployed_values_dest=dict(type="path"),
        secret_paths=dict(type="list", elements="str", default=[], no_log=False),
    )
    return args


def get_or_empty(client, kind, api_version, name, namespace=None):
    try:
        return client.get(client.resource(kind, api_version), name=name, namespace=namespace).to_dict()
    except NotFoundError:
        return {}


# Ask for metadata only, so that no Secret value leaves the API server.
METADATA_ONLY = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, application/json"


def list_items(client, kind, api_version, namespace=None, **params):
    resource = client.resource(kind, api_version)
    result = client.get(resource, namespace=namespace, **params)
    items = result.to_dict().get("items") or []
    for item in items:
        # List items carry no kind; discovery needs it.
        item.setdefault("kind", kind)
    return items


def _read_optional(warn, what, reader, *args):
    """Run ``reader``; when it is Forbidden, ``warn`` and return None (the records then lack what it would add)."""
    try:
        return reader(*args)
    except ForbiddenError as exc:
        warn(f"Not allowed to read {what} ({getattr(exc, 'reason', exc)}); the records lack what they would add.")
        return None


def _secret_metadata(client, namespaces):
    """Metadata of the Secrets in ``namespaces`` (None: all namespaces)."""
    header_params = {"Accept": METADATA_ONLY}
    if namespaces is None:
        return list_items(client, "Secret", "v1", None, header_params=header_params)
    secrets = []
    for namespace in sorted(namespaces):
        secrets.extend(list_items(client, "Secret", "v1", namespace, header_params=header_params))
    return secrets


def _namespace_objects(client, namespaces):
    """Namespace objects of ``namespaces`` (None: all)."""
    if namespaces is None:
        return list_items(client, "Namespace", "v1")
    found = (get_or_empty(client, "Namespace", "v1", namespace) for namespace in sorted(namespaces))
    return [namespace for namespace in found if namespace]


def discover_vclusters(client, namespace=None, name=None, warn=lambda text: None):
    """``{records, namespaces}``: the vclusters of the host (in ``namespace`` / named ``name`` when given), as
    ``vcluster list`` shows them, and the namespace objects that hold them.

    Serves the vcluster_info module and the vclusters inventory plugin. Secrets and namespaces the identity may
    not read are left out with a warning (the records then lack kubeconfig_secret / rancher_cluster_id).
    """
    selector = discovery.workload_selector(name)
    workloads = []
    for kind in discovery.WORKLOAD_KINDS:
        workloads.extend(list_items(client, kind, "apps/v1", namespace, label_selector=selector))
    found = {discovery.namespace_of(w) for w in workloads if discovery.is_vcluster_workload(w)}
    if not found:
        return {"records": [], "namespaces": []}
    pods = list_items(client, "Pod", "v1", namespace, label_selector=discovery.pod_selector(name))
    # One cluster-wide call when listing everything; otherwise only the namespaces that hold vclusters.
    scope = None if namespace is None and name is None else found
    secrets = _read_optional(warn, "Secrets (for kubeconfig_secret)", _secret_metadata, client, scope)
    namespaces = _read_optional(warn, "Namespaces (for rancher_cluster_id)", _namespace_objects, client, scope) or []
    records = discovery.build_records(workloads, pods, secrets, namespaces, name=name)
    return {"records": records, "namespaces": [ns for ns in namespaces if discovery.name_of(ns) in found]}


def review(client, checks, namespace):
    resource = client.resource("SelfSubjectAccessReview", "authorization.k8s.io/v1")
    allowed = []
    for check in checks:
        answer = client.create(resource, host_preflight.access_review(check, namespace)).to_dict()
        allowed.append(bool((answer.get("status") or {}).get("allowed")))
    return allowed


def rules_review(client, namespace):
    """The caller's rules in ``namespace`` (SelfSubjectRulesReview): ``(resource rules, incomplete)``."""
    resource = client.resource("SelfSubjectRulesReview", "authorization.k8s.io/v1")
    body = {"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectRulesReview", "spec": {"namespace": namespace}}
    status = client.create(resource, body).to_dict().get("status") or {}
    return status.get("resourceRules") or [], bool(status.get("incomplete"))


def missing_tenant_rights(client, namespace):
    """The rights of access.required_rights() the caller lacks, as readable texts.

    One SelfSubjectRulesReview answers for all; when the authorizer cannot list rules completely (a webhook), each
    right it does not list is asked with a SelfSubjectAccessReview.
    """
    rules, incomplete = rules_review(client, namespace)
    missing = access.missing_rights(rules)
    if incomplete and missing:
        checks = [host_preflight.right_check(right) for right in missing]
        missing = [right for right, ok in zip(missing, review(client, checks, namespace)) if not ok]
    return [access.describe_right(right) for right in missing]


def read_release(client, namespace, record_name, values_dest=None, secret_paths=()):
    """Summary of the release's newest revision (status, chart, masked values and their digest), or {} when there
    is none. With ``values_dest`` the real values are written there (mode 0600)."""
    if not record_name:
        return {}
    secret = get_or_empty(client, "Secret", "v1", record_name, namespace)
    encoded = (secret.get("data") or {}).get("release")
    if not encoded:
        return {}
    release = host_preflight.decode_release(encoded)
    if values_dest:
        sync_private_file(values_dest, to_yaml(release.get("config") or {}), make_parent=True)
    return host_preflight.release_summary(release, secret_paths)


def preflight(client, params):
    namespace, name = params["namespace"], params["release_name"]
    checks = list(params["access_checks"]) + host_preflight.project_access_checks(params.get("rancher_project"))
    allowed = review(client, checks, namespace)
    denied = host_preflight.denied_rights(checks, allowed)
    if params["rights"] == "tenant":
        denied = missing_tenant_rights(client, namespace) + denied
    version = host_preflight.minor_version(client.client.version["kubernetes"])
    reads = host_preflight.readable_names(namespace, name)
    workloads, records = [], []
    for kind in discovery.WORKLOAD_KINDS if reads else ():
        workloads.extend(list_items(client, kind, "apps/v1", namespace, label_selector=discovery.WORKLOAD_SELECTOR))
    if reads:
        records = list_items(
            client,
            "Secret",
            "v1",
            namespace,
            label_selector=host_preflight.release_records_selector(name),
            header_params={"Accept": METADATA_ONLY},
        )
    release = read_release(
        client,
        namespace,
        host_preflight.latest_record_name(records),
        params.get("deployed_values_dest"),
        params.get("secret_paths") or (),
    )
    return dict(
        changed=False,
        kubernetes_version=version,
        access=[dict(check, allowed=ok) for check, ok in zip(checks, allowed)],
        denied=denied,
        other_vclusters=host_preflight.other_vclusters(workloads, name),
        namespace=get_or_empty(client, "Namespace", "v1", namespace) if reads else {},
        pending_release_records=host_preflight.pending_records(records),
        release=release,
        objects={
            key: get_or_empty(client, ref["kind"], ref["api_version"], ref["name"], namespace) if reads else {}
            for key, ref in host_preflight.object_refs(params["read"]).items()
        },
        missing_mapped_services=missing_services(client, host_preflight.mapped_host_services(params["map_services"])),
    )


def missing_services(client, refs):
    """The ``namespace/name`` of each host service in ``refs`` that does not exist."""
    return [
        f"{ref_namespace}/{ref_name}"
        for ref_namespace, ref_name in refs
        if not get_or_empty(client, "Service", "v1", ref_name, ref_namespace)
    ]


def run(params, make_client):
    """The module's result for validated ``params``; failures come back as failed/msg (never raised)."""
    try:
        return preflight(make_client(), params)
    except CoreException as exc:
        return dict(changed=False, failed=True, msg=str(exc))
    except DynamicApiError as exc:
        return dict(
            changed=False,
            failed=True,
            msg=f"Host pre-flight for namespace {params['namespace']} failed: {exc.status} {exc.reason}. "
            "The identity needs to read the namespace, list StatefulSets, Deployments and Secrets in it and create "
            "SelfSubjectAccessReviews (every authenticated user may).",
            error=dict(status=exc.status, reason=exc.reason),
        )
    except Exception as exc:  # connection refused, TLS errors, bad kubeconfig ...
        return dict(
            changed=False,
            failed=True,
            msg=f"Host pre-flight failed: {exc}. Check that the host cluster API server is reachable with the "
            "given kubeconfig/host options.",
        )
