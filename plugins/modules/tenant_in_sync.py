#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


DOCUMENTATION = r"""
module: tenant_in_sync
short_description: Whether provisioning the tenant would change nothing, checked in one step
version_added: 0.3.0
author:
  - tenancy.vcluster maintainers (@tenancy)
description:
  - Checks the current inventory host's tenant (its C(vcluster_*) variables, as M(tenancy.vcluster.tenant) with
    purpose C(provision)) and tells whether C(playbooks/provision.yml) would change anything for it.
  - Makes the same host read as M(tenancy.vcluster.host_preflight) (version, rights, other vclusters, mapped
    services, the namespace, the extra egress policy, the Helm release), the same values checks as
    M(tenancy.vcluster.vcluster_values) (hardening, tenant boundary, chart schema; it writes the 0600 values file
    as the pre-flight does) and the comparisons the roles make before they write (namespace labels, extra egress
    policy, release chart and values, kubeconfig Secret and the tenant kubeconfig file).
  - Any problem or difference gives C(in_sync=false) with the reasons; C(provision.yml) then runs the full pre-flight
    and the roles for that tenant, which report problems in their own words. A fleet reconcile thus passes the
    tenants that are in sync in one task each.
  - Tenants it does not cover always give C(in_sync=false) (the reason says why) - nested tenants, tenants with a
    Rancher import or a Rancher project given by name, a chart not yet in the cache, a task with an C(environment),
    a connection other than C(local).
  - Variables that cannot be read at all (the contract of M(tenancy.vcluster.tenant) with purpose C(read)) fail the
    task with every problem named.
  - Runs on the controller only, like M(tenancy.vcluster.tenant).
options:
  group:
    description:
      - Also put the host in the inventory group of the play that runs it in C(playbooks/provision.yml), as
        C(ansible.builtin.group_by) does - C(tenancy_vcluster_in_sync) when in sync (no play targets it), else
        C(tenancy_vcluster_<state>_<level>) with state C(present) or C(absent) and level C(top) or C(nested).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    description: Reads and compares; only the controller's values work copy is written, as the pre-flight does.
  diff_mode:
    support: none
    description: Nothing is changed.
  platform:
    support: full
    platforms: posix
    description: Runs in the controller's worker process.
seealso:
  - module: tenancy.vcluster.tenant
  - module: tenancy.vcluster.host_preflight
  - module: tenancy.vcluster.vcluster_values
"""

EXAMPLES = r"""
- name: Find the tenants whose provisioning would change nothing
  tenancy.vcluster.tenant_in_sync:
  register: in_sync

- name: Check each tenant and group it as provision.yml does
  tenancy.vcluster.tenant_in_sync:
    group: true
  changed_when: false  # the new group membership is reported as a change, as with ansible.builtin.group_by
"""

RETURN = r"""
in_sync:
  description: Whether provisioning the tenant would change nothing.
  returned: always
  type: bool
reasons:
  description: Why the full provisioning runs (empty when in sync); never quotes values or credentials.
  returned: always
  type: list
  elements: str
  sample: ["the Helm release is not this chart version with these values"]
add_group:
  description: The inventory group the host was put in.
  returned: when O(group=true)
  type: str
  sample: tenancy_vcluster_present_top
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import in_sync


def main():
    module = AnsibleModule(argument_spec=in_sync.ARGUMENT_SPEC, supports_check_mode=True)
    module.fail_json(
        msg="tenancy.vcluster.tenant_in_sync runs as an action plugin on the controller; it has no remote part"
    )


if __name__ == "__main__":
    main()
