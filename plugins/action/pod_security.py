# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tenancy.vcluster.pod_security in the controller's worker process when the task runs locally."""

from __future__ import absolute_import, division, print_function

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.pss import task as pod_security_task
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.yaml_support import HAS_YAML
from ansible_collections.tenancy.vcluster.plugins.plugin_utils.in_process import InProcessAction


class ActionModule(InProcessAction):
    MODULE = "tenancy.vcluster.pod_security"

    def argument_spec(self):
        return pod_security_task.task_argument_spec()

    def runs_in_process(self, args):
        return HAS_YAML

    def evaluate(self, params):
        try:
            manifests = pod_security_task.manifests_option(params["manifests"])
        except ValueError as exc:
            return {"failed": True, "msg": str(exc)}
        result, failure = pod_security_task.check_task(manifests, params["level"], params["strict"])
        if failure:
            result.update(failed=True, msg=failure)
        return result
