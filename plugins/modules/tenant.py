#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


DOCUMENTATION = r"""
module: tenant
short_description: Check a tenant's host variables and set the tenant fact the roles work from
version_added: 0.2.0
author:
  - tenancy.vcluster maintainers (@tenancy)
description:
  - Reads the tenant contract, the C(vcluster_*) host variables of the current inventory host, checks every one
    (type, allowed values, required ones) and sets the fact C(tenancy_vcluster_tenant) with every default applied
    (the tenant name, the kubeconfig path, the work directory and the values files in it, the Rancher cluster name).
  - A C(vcluster_*) variable the contract does not know is an error (with the closest known name), so a typo never
    drops a setting silently. Every problem names the host, the variable and what to set.
  - The roles of this collection run it first when the fact is not set yet; playbooks need not call it.
  - Runs on the controller only, like C(ansible.builtin.set_fact).
options:
  purpose:
    description:
      - What the tenant is checked for. C(provision) needs C(vcluster_namespace) and C(vcluster_chart_version);
        C(remove) and C(read) need only C(vcluster_namespace).
    type: str
    choices: [provision, remove, read]
    default: provision
attributes:
  check_mode:
    support: full
    description: Reads and checks only.
  diff_mode:
    support: none
    description: Nothing is changed.
  platform:
    support: full
    platforms: posix
    description: Runs in the controller's worker process.
notes:
  - The variables are listed in the README (the tenant contract) and in C(plugins/module_utils/vcluster/tenant.py).
seealso:
  - module: tenancy.vcluster.vcluster_values
"""

EXAMPLES = r"""
- name: Check the tenant and set tenancy_vcluster_tenant
  tenancy.vcluster.tenant:

- name: Show where its kubeconfig goes
  ansible.builtin.debug:
    var: tenancy_vcluster_tenant.kubeconfig_dest
"""

RETURN = r"""
ansible_facts:
  description: The fact C(tenancy_vcluster_tenant).
  returned: always
  type: dict
  contains:
    tenancy_vcluster_tenant:
      description:
        - The checked tenant; keys C(name), C(namespace), C(chart_version), C(distro), C(profile), C(state),
          C(isolation), C(map_services), C(expose), C(values), C(allow), C(secret_paths), C(kubeconfig_dest),
          C(work_dir), C(values_file), C(deployed_values_file), C(rancher_import), C(rancher_cluster_name) and the
          site settings (C(host_kubeconfig), C(host_context), C(chart_repo_url), C(chart_ref), C(image_registry)).
      type: dict
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(
        argument_spec=dict(purpose=dict(type="str", choices=["provision", "remove", "read"], default="provision")),
        supports_check_mode=True,
    )
    module.fail_json(msg="tenancy.vcluster.tenant runs as an action plugin on the controller; it has no remote part")


if __name__ == "__main__":
    main()
