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

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import discovery, host_preflight

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
        read=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(
                api_version=dict(type="str", required=True),
                kind=dict(type="str", required=True),
                name=dict(type="str", required=True),
            ),
        ),
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


def review(client, checks, namespace):
    resource = client.resource("SelfSubjectAccessReview", "authorization.k8s.io/v1")
    allowed = []
    for check in checks:
        answer = client.create(resource, host_preflight.access_review(check, namespace)).to_dict()
        allowed.append(bool((answer.get("status") or {}).get("allowed")))
    return allowed


def read_release(client, namespace, record_name):
    """Summary of the release's newest revision (status, chart, values), or {} when there is none."""
    if not record_name:
        return {}
    secret = get_or_empty(client, "Secret", "v1", record_name, namespace)
    encoded = (secret.get("data") or {}).get("release")
    return host_preflight.release_summary(host_preflight.decode_release(encoded)) if encoded else {}


def preflight(client, params):
    namespace, name = params["namespace"], params["release_name"]
    checks = list(params["access_checks"]) + host_preflight.project_access_checks(params.get("rancher_project"))
    allowed = review(client, checks, namespace)
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
    return dict(
        changed=False,
        kubernetes_version=version,
        access=[dict(check, allowed=ok) for check, ok in zip(checks, allowed)],
        denied=host_preflight.denied_rights(checks, allowed),
        other_vclusters=host_preflight.other_vclusters(workloads, name),
        namespace=get_or_empty(client, "Namespace", "v1", namespace) if reads else {},
        pending_release_records=host_preflight.pending_records(records),
        release=read_release(client, namespace, host_preflight.latest_record_name(records)),
        objects=[
            get_or_empty(client, ref["kind"], ref["api_version"], ref["name"], namespace) if reads else {}
            for ref in params["read"]
        ],
    )


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
