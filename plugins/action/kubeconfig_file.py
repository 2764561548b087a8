# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tenancy.vcluster.kubeconfig_file in the controller's worker process when the task runs locally."""

from __future__ import absolute_import, division, print_function

from ansible.module_utils.common.text.converters import to_native

from ansible_collections.tenancy.vcluster.plugins.module_utils.private_file import PrivateFileError, sync_private_file
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import kubeconfig
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.yaml_support import HAS_YAML
from ansible_collections.tenancy.vcluster.plugins.plugin_utils.in_process import InProcessAction


class ActionModule(InProcessAction):
    MODULE = "tenancy.vcluster.kubeconfig_file"

    def argument_spec(self):
        return kubeconfig.file_task_argument_spec()

    def spec_constraints(self):
        return {"required_together": kubeconfig.FILE_TASK_REQUIRED_TOGETHER}

    def runs_in_process(self, args):
        # become would write as another user: leave that to the module
        return HAS_YAML and not self._task.become

    def evaluate(self, params):
        dest = params["dest"]
        try:
            content = kubeconfig.kubeconfig_text(kubeconfig.file_task_kubeconfig(params))
        except ValueError as exc:
            return {"failed": True, "msg": str(exc)}
        try:
            changed, _before = sync_private_file(dest, content, bool(self._task.check_mode), make_parent=True)
        except (PrivateFileError, OSError) as exc:
            return {"failed": True, "msg": f"cannot write kubeconfig {dest}: {to_native(exc)}"}
        return {"changed": changed}
