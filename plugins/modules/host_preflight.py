#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


DOCUMENTATION = r"""
module: host_preflight
short_description: Read-only pre-flight of a host cluster for one vcluster tenant
version_added: 0.1.0
author:
  - tenancy.vcluster maintainers (@tenancy)
description:
  - Everything the C(namespace) role checks on the host cluster before the first write, in one module call
    (one process and one Kubernetes client instead of one per check).
  - The Kubernetes version of the host (C(GET /version)).
  - One C(SelfSubjectAccessReview) per entry of O(access_checks), asking whether the identity in use may do what
    provisioning needs.
  - The vclusters already in O(namespace) (StatefulSets and Deployments labelled C(app=vcluster)), so a second
    vcluster in the namespace is refused.
  - The namespace itself, the Helm release records of O(release_name) left pending by an interrupted helm run, and
    the objects listed in O(read), so the roles that follow need not read them again.
  - Never changes anything. A missing namespace is not an error (it is created later).
options:
  namespace:
    description: The tenant's host namespace.
    type: str
    required: true
  release_name:
    description: The vcluster (Helm release) name of the tenant.
    type: str
    required: true
  access_checks:
    description:
      - Rights to ask about. Reviews of namespaced resources are asked in O(namespace).
    type: list
    elements: dict
    default: []
    suboptions:
      verb:
        description: Verb, such as C(create).
        type: str
        required: true
      resource:
        description: Resource (plural), such as C(statefulsets).
        type: str
        required: true
      group:
        description: API group; empty for the core group.
        type: str
        default: ""
      subresource:
        description: Subresource, such as C(status).
        type: str
      cluster_scoped:
        description: Ask for the right cluster-wide (for cluster-scoped resources such as namespaces).
        type: bool
        default: false
  read:
    description: Further objects of O(namespace) to read and return in RV(objects), in the same order.
    type: list
    elements: dict
    default: []
    suboptions:
      api_version:
        description: API version, such as C(networking.k8s.io/v1).
        type: str
        required: true
      kind:
        description: Kind, such as C(NetworkPolicy).
        type: str
        required: true
      name:
        description: Object name.
        type: str
        required: true
extends_documentation_fragment:
  - kubernetes.core.k8s_auth_options
attributes:
  check_mode:
    support: full
    description: The module only reads (access reviews are not stored by the API server), so it runs in check mode.
  diff_mode:
    support: none
    description: Nothing is changed.
requirements:
  - "python >= 3.9"
  - "kubernetes >= 24.2.0"
seealso:
  - module: tenancy.vcluster.vcluster_info
  - module: kubernetes.core.k8s_info
"""

EXAMPLES = r"""
- name: Check the host before provisioning tenant-a
  tenancy.vcluster.host_preflight:
    namespace: tenant-a
    release_name: tenant-a
    access_checks:
      - {verb: create, resource: namespaces, cluster_scoped: true}
      - {verb: create, group: apps, resource: statefulsets}
  register: host

- name: Stop when a right is missing
  ansible.builtin.assert:
    that: host.denied | length == 0
    fail_msg: "missing rights: {{ host.denied | join(', ') }}"
"""

RETURN = r"""
kubernetes_version:
  description: Major and minor version of the host's API server.
  returned: success
  type: str
  sample: "1.34"
access:
  description: One entry per O(access_checks) entry, in order, with the answer.
  returned: success
  type: list
  elements: dict
  sample: [{verb: create, resource: namespaces, group: "", allowed: true}]
denied:
  description: The rights that were refused, as C(<verb> <resource>).
  returned: success
  type: list
  elements: str
  sample: ["create statefulsets"]
other_vclusters:
  description: Names of the vclusters in O(namespace) other than O(release_name).
  returned: success
  type: list
  elements: str
  sample: []
namespace:
  description: The namespace object, or an empty dict when it does not exist yet.
  returned: success
  type: dict
pending_release_records:
  description: Names of the Helm release Secrets of O(release_name) in a pending state.
  returned: success
  type: list
  elements: str
  sample: [sh.helm.release.v1.tenant-a.v2]
objects:
  description: The objects of O(read), in order; an empty dict for an object that does not exist.
  returned: success
  type: list
  elements: dict
"""

import copy

from ansible_collections.kubernetes.core.plugins.module_utils.ansiblemodule import AnsibleModule
from ansible_collections.kubernetes.core.plugins.module_utils.args_common import AUTH_ARG_SPEC
from ansible_collections.kubernetes.core.plugins.module_utils.k8s.client import get_api_client
from ansible_collections.kubernetes.core.plugins.module_utils.k8s.core import AnsibleK8SModule
from ansible_collections.kubernetes.core.plugins.module_utils.k8s.exceptions import CoreException

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import discovery, host_preflight

try:
    from kubernetes.dynamic.exceptions import DynamicApiError, NotFoundError
except ImportError:
    # AnsibleK8SModule reports the missing kubernetes library before these are needed.
    class DynamicApiError(Exception):
        pass

    class NotFoundError(DynamicApiError):
        pass


def argspec():
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


def list_items(client, kind, api_version, namespace, label_selector, **params):
    resource = client.resource(kind, api_version)
    result = client.get(resource, namespace=namespace, label_selector=label_selector, **params)
    return result.to_dict().get("items") or []


def review(client, checks, namespace):
    resource = client.resource("SelfSubjectAccessReview", "authorization.k8s.io/v1")
    allowed = []
    for check in checks:
        answer = client.create(resource, host_preflight.access_review(check, namespace)).to_dict()
        allowed.append(bool((answer.get("status") or {}).get("allowed")))
    return allowed


def preflight(client, params):
    namespace, name = params["namespace"], params["release_name"]
    checks = params["access_checks"]
    allowed = review(client, checks, namespace)
    workloads = []
    for kind in discovery.WORKLOAD_KINDS:
        workloads.extend(list_items(client, kind, "apps/v1", namespace, discovery.WORKLOAD_SELECTOR))
    records = list_items(
        client,
        "Secret",
        "v1",
        namespace,
        host_preflight.pending_records_selector(name),
        header_params={"Accept": METADATA_ONLY},
    )
    return dict(
        changed=False,
        kubernetes_version=host_preflight.minor_version(client.client.version["kubernetes"]),
        access=[dict(check, allowed=ok) for check, ok in zip(checks, allowed)],
        denied=host_preflight.denied_rights(checks, allowed),
        other_vclusters=host_preflight.other_vclusters(workloads, name),
        namespace=get_or_empty(client, "Namespace", "v1", namespace),
        pending_release_records=sorted(record["metadata"]["name"] for record in records),
        objects=[
            get_or_empty(client, ref["kind"], ref["api_version"], ref["name"], namespace) for ref in params["read"]
        ],
    )


def main():
    module = AnsibleK8SModule(module_class=AnsibleModule, argument_spec=argspec(), supports_check_mode=True)
    try:
        client = get_api_client(module)
        result = preflight(client, module.params)
    except CoreException as exc:
        module.fail_from_exception(exc)
    except DynamicApiError as exc:
        module.fail_json(
            msg=f"Host pre-flight for namespace {module.params['namespace']} failed: {exc.status} {exc.reason}. "
            "The identity needs to read the namespace, list StatefulSets, Deployments and Secrets in it and create "
            "SelfSubjectAccessReviews (every authenticated user may).",
            error=dict(status=exc.status, reason=exc.reason),
        )
    except Exception as exc:  # connection refused, TLS errors, bad kubeconfig ...
        module.fail_json(
            msg=f"Host pre-flight failed: {exc}. Check that the host cluster API server is reachable with the "
            "given kubeconfig/host options."
        )
    else:
        module.exit_json(**result)


if __name__ == "__main__":
    main()
