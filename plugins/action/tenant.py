# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tenancy.vcluster.tenant: check a tenant's host variables and set the fact every role works from.

Runs on the controller only (like ansible.builtin.set_fact): it reads the host's variables, which a module on the
target could not see.
"""

from __future__ import absolute_import, division, print_function

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.tenant import PURPOSES
from ansible_collections.tenancy.vcluster.plugins.plugin_utils.in_process import plain_data
from ansible_collections.tenancy.vcluster.plugins.plugin_utils.tenant_vars import checked_tenant

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
        tenant = checked_tenant(self._templar, task_vars or {}, validation.validated_parameters["purpose"])
        # The tenant holds its chart values, secrets among them: the fact is set, never shown (-v prints results).
        result.update(changed=False, ansible_facts={FACT: tenant}, _ansible_no_log=True)
        return result
