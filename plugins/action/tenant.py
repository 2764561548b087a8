# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tenancy.vcluster.tenant: check a tenant's host variables and set the fact every role works from.

Runs on the controller only (like ansible.builtin.set_fact): it reads the host's variables, which a module on the
target could not see.
"""

from __future__ import absolute_import, division, print_function

import os

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.tenant import (
    PURPOSES,
    ContractError,
    tenant_from,
)
from ansible_collections.tenancy.vcluster.plugins.plugin_utils.in_process import plain_data

FACT = "tenancy_vcluster_tenant"


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("purpose",))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        validation = ArgumentSpecValidator(
            {"purpose": {"type": "str", "choices": list(PURPOSES), "default": "provision"}}
        ).validate(plain_data(self._task.args))
        if validation.errors.errors:
            raise AnsibleActionFail(validation.errors.msg)
        task_vars = task_vars or {}
        variables, unevaluated = {}, []
        for name, value in task_vars.items():
            if not name.startswith("vcluster_"):
                continue
            try:
                variables[name] = plain_data(self._templar.template(value))
            except AnsibleError as exc:
                unevaluated.append(f"{name} cannot be evaluated ({exc.message})")
        host = task_vars.get("inventory_hostname", "localhost")
        try:
            tenant = tenant_from(
                host, variables, os.path.expanduser("~"), purpose=validation.validated_parameters["purpose"]
            )
        except ContractError as exc:
            raise AnsibleActionFail(" ".join([str(exc), *unevaluated])) from None
        if unevaluated:
            raise AnsibleActionFail(f"Tenant {host}: {'; '.join(unevaluated)}. Fix the variable in the inventory.")
        # The tenant holds its chart values, secrets among them: the fact is set, never shown (-v prints results).
        result.update(changed=False, ansible_facts={FACT: tenant}, _ansible_no_log=True)
        return result
