# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tenant of a host, from its ``vcluster_*`` variables, for the action plugins that run on the controller."""

from __future__ import absolute_import, division, print_function

import os

from ansible.errors import AnsibleActionFail, AnsibleError

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.tenant import ContractError, tenant_from
from ansible_collections.tenancy.vcluster.plugins.plugin_utils.in_process import plain_data


def checked_tenant(templar, task_vars, purpose):
    """The tenant dict of the host whose ``task_vars`` these are; AnsibleActionFail names every problem."""
    variables, unevaluated = {}, []
    for name, value in task_vars.items():
        if not name.startswith("vcluster_"):
            continue
        try:
            variables[name] = plain_data(templar.template(value))
        except AnsibleError as exc:
            unevaluated.append(f"{name} cannot be evaluated ({exc.message})")
    host = task_vars.get("inventory_hostname", "localhost")
    try:
        tenant = tenant_from(host, variables, os.path.expanduser("~"), purpose=purpose)
    except ContractError as exc:
        raise AnsibleActionFail(" ".join([str(exc), *unevaluated])) from None
    if unevaluated:
        raise AnsibleActionFail(f"Tenant {host}: {'; '.join(unevaluated)}. Fix the variable in the inventory.")
    return tenant
