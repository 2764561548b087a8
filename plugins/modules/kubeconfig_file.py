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
  - Writes a kubeconfig (for example the output of the P(tenancy.vcluster.vcluster_kubeconfig#filter) filter) as
    YAML to O(dest) at mode C(0600), replacing the file in one step. A missing parent directory is created at mode
    C(0700).
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
    description: The kubeconfig as a dictionary.
    type: dict
    required: true
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
- name: Export the kubeconfig of tenant-a
  tenancy.vcluster.kubeconfig_file:
    dest: "~/.kube/vclusters/tenant-a.yaml"
    kubeconfig: "{{ published | tenancy.vcluster.vcluster_kubeconfig(name='tenant-a', namespace='tenant-a') }}"
  vars:
    published: "{{ secret.resources[0].data.config | b64decode | from_yaml }}"
  no_log: true
"""

RETURN = r"""
dest:
  description: The path written (or that would be written in check mode).
  returned: always
  type: str
  sample: /home/ops/.kube/vclusters/tenant-a.yaml
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.tenancy.vcluster.plugins.module_utils.private_file import PrivateFileError, sync_private_file
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.kubeconfig import (
    HAS_YAML,
    YAML_IMPORT_ERROR,
    file_task_argument_spec,
    kubeconfig_text,
)


def main():
    module = AnsibleModule(argument_spec=file_task_argument_spec(), supports_check_mode=True)
    if not HAS_YAML:
        module.fail_json(msg=missing_required_lib("PyYAML"), exception=YAML_IMPORT_ERROR)
    dest = module.params["dest"]
    try:
        changed, _before = sync_private_file(
            dest,
            kubeconfig_text(module.params["kubeconfig"]),
            module.check_mode,
            move=module.atomic_move,
            make_parent=True,
        )
    except (PrivateFileError, OSError) as exc:
        module.fail_json(msg=f"cannot write kubeconfig {dest}: {to_native(exc)}", dest=dest)
    module.exit_json(changed=changed, dest=dest)


if __name__ == "__main__":
    main()
