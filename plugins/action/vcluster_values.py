# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tenancy.vcluster.vcluster_values in the controller's worker process when the task runs locally.

Without PyYAML, or with a schema but without jsonschema on the controller, the module runs as usual.
"""

from __future__ import absolute_import, division, print_function

from ansible_collections.tenancy.vcluster.plugins.module_utils.values_io import run_task
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import schema as schema_utils
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import values_task
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.yaml_support import HAS_YAML
from ansible_collections.tenancy.vcluster.plugins.plugin_utils.in_process import InProcessAction


class ActionModule(InProcessAction):
    MODULE = "tenancy.vcluster.vcluster_values"

    def argument_spec(self):
        return values_task.argument_spec()

    def spec_constraints(self):
        return {"required_by": values_task.REQUIRED_BY, "mutually_exclusive": values_task.MUTUALLY_EXCLUSIVE}

    def runs_in_process(self, args):
        return HAS_YAML and (not args.get("schema") or schema_utils.HAS_JSONSCHEMA)

    def evaluate(self, params):
        return run_task(params, check_mode=bool(self._task.check_mode), with_diff=self.diff_mode)
