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
  - The one read of the host cluster for a tenant, in one module call (one process and one Kubernetes client instead
    of one per check); C(tenancy.vcluster.preflight) runs it and hands the result to every role.
  - The Kubernetes version of the host (C(GET /version)).
  - Every right the collection needs (O(rights)), asked with one C(SelfSubjectRulesReview) in O(namespace) and
    compared with the ClusterRole of C(extensions/rbac/) (C(plugins/module_utils/vcluster/access.py)); where the
    authorizer cannot list rules completely, each right it does not list is asked with a C(SelfSubjectAccessReview).
  - One C(SelfSubjectAccessReview) per entry of O(access_checks).
  - The vclusters already in O(namespace) (StatefulSets and Deployments labelled C(app=vcluster)), so a second
    vcluster in the namespace is refused.
  - The namespace itself, the Helm release records of O(release_name) left pending by an interrupted helm run, the
    newest revision of that release (status, chart, values with secrets masked and the digest of the real ones; the
    C(release) role skips the render and helm when nothing would change), the objects of O(read) and which host
    services of O(map_services) do not exist, so the roles that follow need not read them again.
  - Never changes anything. A missing namespace is not an error (it is created later).
  - A namespace or release name that the API server would refuse in a read is not read (the objects are returned
    empty); the C(release) role's values pre-flight reports such names with the fix.
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
  rancher_project:
    description:
      - Rancher project id (C(<cluster id>:<project id>), C(local:p-xxxxx) in Rancher's own cluster) the namespace is
        put into. Adds the two reviews Rancher's webhook makes for such a namespace, in the same call - verb
        C(manage-namespaces) on the project (to put the namespace into it) and verb C(updatepsa) on the project in
        namespace C(<cluster id>) (to set its Pod Security labels), both on C(projects.management.cattle.io).
      - Empty, or not a project id, adds nothing.
    type: str
    default: ""
  rights:
    description:
      - C(tenant) checks every right provisioning, import and removal of a tenant need; C(none) checks none (only
        O(access_checks)).
    type: str
    choices: [tenant, none]
    default: tenant
  read:
    description:
      - Further objects of O(namespace) to read, by a name of your choice, each C({api_version, kind, name});
        returned in RV(objects) under the same names.
    type: dict
    default: {}
  map_services:
    description:
      - The tenant's service mappings; each host service of C(from_host) that does not exist is listed in
        RV(missing_mapped_services).
    type: dict
    default: {}
  deployed_values_dest:
    description:
      - Write the deployed release's values (with their secrets) to this file, mode C(0600), for an upgrade
        (O(tenancy.vcluster.vcluster_values#module:previous_values_file)); they never pass through the result.
    type: path
  secret_paths:
    description:
      - Further values paths whose values are masked in RV(release.values) (see M(tenancy.vcluster.vcluster_values)).
    type: list
    elements: str
    default: []
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
    read:
      extra_egress: {api_version: networking.k8s.io/v1, kind: NetworkPolicy, name: tenant-a-extra-egress}
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
  description: One entry per O(access_checks) entry, in order, then the O(rancher_project) reviews, with the answer.
  returned: success
  type: list
  elements: dict
  sample: [{verb: create, resource: namespaces, group: "", allowed: true}]
denied:
  description: The rights that are missing, as C(<verb> <resource> (where)).
  returned: success
  type: list
  elements: str
  sample: ["delete persistentvolumeclaims (in the tenant namespace)"]
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
release:
  description:
    - The newest revision of Helm release O(release_name), or an empty dict when it is not installed.
    - What kubernetes.core.helm compares to decide whether an install or upgrade changes anything. The rendered
      manifest is not returned.
  returned: success
  type: dict
  contains:
    revision:
      description: Revision number.
      type: int
      sample: 3
    status:
      description: Helm status of the revision.
      type: str
      sample: deployed
    chart:
      description: C(<chart name>-<chart version>).
      type: str
      sample: vcluster-0.36.1
    app_version:
      description: The chart's appVersion.
      type: str
    values:
      description: The user-supplied values of the revision (what C(helm get values) shows), secrets masked.
      type: dict
    values_digest:
      description: sha256 of the real values (equal to C(values_digest) of M(tenancy.vcluster.vcluster_values)).
      type: str
pending_release_records:
  description: Names of the Helm release Secrets of O(release_name) in a pending state.
  returned: success
  type: list
  elements: str
  sample: [sh.helm.release.v1.tenant-a.v2]
objects:
  description: The objects of O(read), by the names given there; an empty dict for an object that does not exist.
  returned: success
  type: dict
problems:
  description:
    - What stops provisioning the tenant, each with what to do - a Kubernetes version before 1.22, missing rights,
      another vcluster in the namespace, mapped host services that do not exist. Empty when nothing does.
  returned: success
  type: list
  elements: str
missing_mapped_services:
  description: The host services (C(namespace/name)) of O(map_services) C(from_host) that do not exist.
  returned: success
  type: list
  elements: str
"""

from ansible_collections.kubernetes.core.plugins.module_utils.ansiblemodule import AnsibleModule
from ansible_collections.kubernetes.core.plugins.module_utils.k8s.client import get_api_client
from ansible_collections.kubernetes.core.plugins.module_utils.k8s.core import AnsibleK8SModule

from ansible_collections.tenancy.vcluster.plugins.module_utils import host_reads


def main():
    module = AnsibleK8SModule(
        module_class=AnsibleModule, argument_spec=host_reads.argument_spec(), supports_check_mode=True
    )
    result = host_reads.run(module.params, lambda: get_api_client(module))
    if result.get("failed"):
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
