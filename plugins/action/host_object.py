# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tenancy.vcluster.host_object in the controller's worker process when the task runs locally.

kubernetes.core.k8s's runner does the write either way; here it gets the task's check and diff mode and collects
its warnings, as an AnsibleModule would.
"""

from __future__ import absolute_import, division, print_function

from ansible_collections.tenancy.vcluster.plugins.module_utils import host_writes
from ansible_collections.tenancy.vcluster.plugins.plugin_utils.host_api import HostApiAction


class _TaskModule:
    """What kubernetes.core's K8sService reads of its module: the params, check and diff mode, and warn()."""

    def __init__(self, params, check_mode, diff):
        self.params, self.check_mode, self._diff = params, check_mode, diff
        self.warnings = []

    def warn(self, warning):
        self.warnings.append(warning)


class ActionModule(HostApiAction):
    MODULE = "tenancy.vcluster.host_object"

    def argument_spec(self):
        return host_writes.argument_spec()

    def evaluate(self, params):
        module = _TaskModule(params, bool(self._task.check_mode), self.diff_mode)
        try:
            client = self.api_client(params)
        except Exception as exc:  # bad kubeconfig, unreachable API server: the module would fail the same way
            return dict(changed=False, failed=True, msg=f"Failed to get client due to {exc}")
        result = host_writes.run(module, client)
        if module.warnings:
            result.setdefault("warnings", []).extend(module.warnings)
        return result
