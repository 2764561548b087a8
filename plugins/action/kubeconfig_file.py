# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tenancy.vcluster.kubeconfig_file in the controller's worker process when the task runs locally."""

from __future__ import absolute_import, division, print_function

from ansible_collections.tenancy.vcluster.plugins.module_utils.kubeconfig_files import write_task
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import kubeconfig
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.yaml_support import HAS_YAML
from ansible_collections.tenancy.vcluster.plugins.plugin_utils.in_process import InProcessAction


class ActionModule(InProcessAction):
    MODULE = "tenancy.vcluster.kubeconfig_file"

    def argument_spec(self):
        return kubeconfig.file_task_argument_spec()

    def spec_constraints(self):
        return kubeconfig.FILE_TASK_CONSTRAINTS

    def runs_in_process(self, args):
        # become would write as another user: leave that to the module
        return HAS_YAML and not self._task.become

    def evaluate(self, params):
        return write_task(params, bool(self._task.check_mode))
