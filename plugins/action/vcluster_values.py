# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tenancy.vcluster.vcluster_values in the controller's worker process when the task runs locally.

With ``dest`` (a file on the target) or without jsonschema on the controller, the module runs as usual.
"""

from __future__ import absolute_import, division, print_function

import json

from ansible.module_utils.common.text.converters import to_native, to_text

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import schema as schema_utils
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import values_task
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.yaml_support import HAS_YAML
from ansible_collections.tenancy.vcluster.plugins.plugin_utils.in_process import InProcessAction


class ActionModule(InProcessAction):
    MODULE = "tenancy.vcluster.vcluster_values"

    def argument_spec(self):
        return values_task.argument_spec()

    def spec_constraints(self):
        return {"required_by": values_task.REQUIRED_BY}

    def runs_in_process(self, args):
        return HAS_YAML and not args.get("dest") and (not args.get("schema") or schema_utils.HAS_JSONSCHEMA)

    def evaluate(self, params):
        schema = None
        if params["schema"]:
            try:
                with open(params["schema"], "rb") as handle:
                    schema = json.loads(to_text(handle.read()))
            except (OSError, ValueError) as exc:
                return {"failed": True, "msg": f"cannot read chart schema {params['schema']}: {to_native(exc)}"}
        outcome = values_task.evaluate(params, schema=schema, with_diff=self.diff_mode)
        result = dict(outcome.result)
        if outcome.warnings:
            result["warnings"] = outcome.warnings
        if outcome.failure:
            result.update(failed=True, msg=outcome.failure)
        return result
