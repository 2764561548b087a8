#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


DOCUMENTATION = r"""
module: host_object
short_description: Create, update or delete Kubernetes objects of a tenant on the host cluster
version_added: 0.3.0
author:
  - tenancy.vcluster maintainers (@tenancy)
description:
  - Applies or deletes the objects the roles write themselves (the tenant namespace, the extra egress policy, the
    PodSecurityPolicy objects of old hosts, Helm release records left pending) with the runner of
    M(kubernetes.core.k8s) - the same create, update (a merge patch), delete, check mode and diff for the same
    options.
  - Over the C(local) connection (as tenants run) its action plugin runs in the controller's worker process, with
    the Kubernetes client the process has already imported, instead of starting a module process. Any other
    connection, or a task with an C(environment), runs the module.
  - The options are the subset of M(kubernetes.core.k8s) the roles use; use M(kubernetes.core.k8s) for anything
    else (server-side apply, waiting, templates).
options:
  resource_definition:
    description:
      - The object (a dict), a list of objects, or their YAML text. Its C(kind), C(apiVersion), C(metadata.name) and
        C(metadata.namespace) take precedence over O(kind), O(api_version), O(name) and O(namespace).
    type: raw
    aliases: [definition, inline]
  state:
    description:
      - V(present) creates the object or updates it to the definition; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - kubernetes.core.k8s_auth_options
  - kubernetes.core.k8s_name_options
attributes:
  check_mode:
    support: full
    description: Reports what would be created, updated or deleted (the API server's dry run is not used).
  diff_mode:
    support: full
    description: Shows the object before and after an update, as M(kubernetes.core.k8s) does.
  platform:
    support: full
    platforms: posix
    description: Runs in the controller's worker process over the C(local) connection, else on the target.
seealso:
  - module: kubernetes.core.k8s
"""

EXAMPLES = r"""
- name: Create the tenant namespace with its Pod Security labels
  tenancy.vcluster.host_object:
    definition:
      apiVersion: v1
      kind: Namespace
      metadata:
        name: team-a
        labels:
          pod-security.kubernetes.io/enforce: restricted

- name: Delete a Helm release record
  tenancy.vcluster.host_object:
    state: absent
    kind: Secret
    namespace: team-a
    name: sh.helm.release.v1.team-a.v2
"""

RETURN = r"""
result:
  description: The object as the API server returned it (for a list of definitions, C(results) with one entry each).
  returned: success
  type: dict
method:
  description: What was done - V(create), V(update) or V(delete).
  returned: success, for one definition
  type: str
diff:
  description: Before and after of an update (with C(--diff)).
  returned: when diff mode is on and an object was updated
  type: dict
"""

from ansible_collections.kubernetes.core.plugins.module_utils.ansiblemodule import AnsibleModule
from ansible_collections.kubernetes.core.plugins.module_utils.k8s.client import get_api_client
from ansible_collections.kubernetes.core.plugins.module_utils.k8s.core import AnsibleK8SModule

from ansible_collections.tenancy.vcluster.plugins.module_utils import host_writes


def main():
    module = AnsibleK8SModule(
        module_class=AnsibleModule,
        argument_spec=host_writes.argument_spec(),
        supports_check_mode=True,
    )
    result = host_writes.run(module, get_api_client(module))
    if result.get("failed"):
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
