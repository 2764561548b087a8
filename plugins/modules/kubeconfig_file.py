#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


DOCUMENTATION = r"""
module: kubeconfig_file
short_description: Write a tenant kubeconfig file that only its owner may read
version_added: 0.1.0
author:
  - tenancy.vcluster maintainers (@tenancy)
description:
  - Writes a kubeconfig as YAML to O(dest) at mode C(0600), replacing the file in one step. A missing parent
    directory is created at mode C(0700).
  - With O(vcluster_name), the kubeconfig is the one a vcluster publishes in Secret C(vc-<name>) and is first made
    reachable and uniquely named, exactly as the P(tenancy.vcluster.vcluster_kubeconfig#filter) filter does.
  - It is idempotent, so nothing is written when the file already holds the same kubeconfig at mode C(0600).
  - The kubeconfig holds credentials, so it is never returned or shown, not even as a diff.
  - Over the C(local) connection the action plugin writes the file in the controller's worker process without
    starting the module (the file is on the controller either way).
options:
  dest:
    description: Path of the kubeconfig file.
    type: path
    required: true
  kubeconfig:
    description: The kubeconfig as a dictionary. Give it or O(merge_files).
    type: dict
  merge_files:
    description:
      - Kubeconfig files whose clusters, users and contexts are merged into O(dest), replacing entries of the same
        name and keeping everything else of O(dest) (its C(current-context) too). Merging the same files again
        changes nothing.
    type: list
    elements: path
  vcluster_name:
    description:
      - Name of the vcluster whose published kubeconfig O(kubeconfig) is. Its cluster, context and user are renamed
        C(vcluster_<name>_<namespace>) and its server is chosen by O(server).
      - Without it, O(kubeconfig) is written as given.
    type: str
  vcluster_namespace:
    description: Host namespace of the vcluster; required with O(vcluster_name).
    type: str
  server:
    description:
      - With O(vcluster_name), C(auto) uses the LoadBalancer ingress of O(service) when there is one, else
        C(https://<name>.<namespace>:443); C(from_secret) keeps the server the vcluster wrote; any other value must be
        an C(https://) URL.
    type: str
    default: auto
  service:
    description: The vcluster's Service object, used by O(server=auto).
    type: dict
attributes:
  check_mode:
    support: full
    description: Reports whether the file would change and writes nothing.
  diff_mode:
    support: none
    description: The content holds credentials and is never shown.
requirements:
  - "PyYAML"
seealso:
  - plugin: tenancy.vcluster.vcluster_kubeconfig
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Export the kubeconfig of vcluster tenant-a (Secret vc-tenant-a read into `secret` with k8s_info)
  tenancy.vcluster.kubeconfig_file:
    dest: "~/.kube/vclusters/tenant-a.yaml"
    kubeconfig: "{{ secret.resources[0].data.config | b64decode | from_yaml }}"
    vcluster_name: tenant-a
    vcluster_namespace: tenant-a
  no_log: true

- name: Write a kubeconfig as it is
  tenancy.vcluster.kubeconfig_file:
    dest: /srv/ops/merged.kubeconfig
    kubeconfig: "{{ merged }}"
  no_log: true

- name: Merge the tenant kubeconfigs into one file
  tenancy.vcluster.kubeconfig_file:
    dest: ~/.kube/tenants
    merge_files:
      - ~/.kube/tenancy-vcluster/tenant-a-tenant-a.kubeconfig
      - ~/.kube/tenancy-vcluster/tenant-b-tenant-b.kubeconfig
"""

RETURN = r"""
# Only changed: the kubeconfig is a no_log option, so Ansible would mask its strings wherever they appear in the
# result (a path that contains a user name, say).
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.tenancy.vcluster.plugins.module_utils.kubeconfig_files import write_task
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.kubeconfig import (
    FILE_TASK_CONSTRAINTS,
    file_task_argument_spec,
)
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.yaml_support import HAS_YAML, YAML_IMPORT_ERROR


def main():
    module = AnsibleModule(argument_spec=file_task_argument_spec(), supports_check_mode=True, **FILE_TASK_CONSTRAINTS)
    if not HAS_YAML:
        module.fail_json(msg=missing_required_lib("PyYAML"), exception=YAML_IMPORT_ERROR)
    result = write_task(module.params, module.check_mode)
    if result.pop("failed", False):
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
