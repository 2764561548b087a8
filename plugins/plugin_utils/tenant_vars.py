# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tenant of a host, from its ``vcluster_*`` variables, for the action plugins that run on the controller."""

from __future__ import absolute_import, division, print_function

import os

from ansible.errors import AnsibleActionFail, AnsibleError

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.tenant import ContractError, tenant_from
from ansible_collections.tenancy.vcluster.plugins.plugin_utils.in_process import plain_data


class TenantVariables:
    """A host's ``vcluster_*`` variables, templated once, from which the tenant is read for any purpose."""

    def __init__(self, templar, task_vars):
        self.host = task_vars.get("inventory_hostname", "localhost")
        self.variables, self.unevaluated = {}, []
        for name, value in task_vars.items():
            if not name.startswith("vcluster_"):
                continue
            try:
                self.variables[name] = plain_data(templar.template(value))
            except AnsibleError as exc:
                self.unevaluated.append(f"{name} cannot be evaluated ({exc.message})")

    def tenant(self, purpose):
        """The tenant dict for ``purpose``; AnsibleActionFail names every problem."""
        try:
            tenant = tenant_from(self.host, self.variables, os.path.expanduser("~"), purpose=purpose)
        except ContractError as exc:
            raise AnsibleActionFail(" ".join([str(exc), *self.unevaluated])) from None
        if self.unevaluated:
            raise AnsibleActionFail(
                f"Tenant {self.host}: {'; '.join(self.unevaluated)}. Fix the variable in the inventory."
            )
        return tenant


def checked_tenant(templar, task_vars, purpose):
    """The tenant dict of the host whose ``task_vars`` these are; AnsibleActionFail names every problem."""
    return TenantVariables(templar, task_vars).tenant(purpose)
