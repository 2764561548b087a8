# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tenancy.vcluster.tenant_in_sync: whether provisioning the host's tenant would change nothing, in one step.

Runs in the controller's worker process: the host read of host_preflight, the values task of vcluster_values and the
kubeconfig comparison of kubeconfig_file, through the same module_utils functions those tasks call, with the same
argument specs. The decision is module_utils/vcluster/in_sync.py.
"""

from __future__ import absolute_import, division, print_function

import base64
import os

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

from ansible_collections.tenancy.vcluster.plugins.module_utils import host_reads
from ansible_collections.tenancy.vcluster.plugins.module_utils.kubeconfig_files import write_task
from ansible_collections.tenancy.vcluster.plugins.module_utils.values_io import run_task
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import in_sync, kubeconfig, values_task
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import schema as schema_utils
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.yaml_support import HAS_YAML, yaml
from ansible_collections.tenancy.vcluster.plugins.plugin_utils.in_process import validated_args
from ansible_collections.tenancy.vcluster.plugins.plugin_utils.tenant_vars import TenantVariables


def _validated(spec, params, **constraints):
    """``params`` completed with the spec's defaults, as the task's module would see them; None when invalid."""
    validation = ArgumentSpecValidator(spec, **constraints).validate(params)
    return None if validation.errors.errors else validation.validated_parameters


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("group",))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        args = validated_args(in_sync.ARGUMENT_SPEC, self._task.args, "tenancy.vcluster.tenant_in_sync")
        variables = TenantVariables(self._templar, task_vars or {})
        # Variables that cannot even be read fail here, as tenancy.vcluster.tenant with purpose read fails.
        route = variables.tenant("read")
        warnings = []
        reasons = self._reasons(variables, route, warnings)
        if warnings:
            result["warnings"] = warnings
        result.update(
            changed=False,
            in_sync=not reasons,
            reasons=reasons,
            msg="nothing to change" if not reasons else "provisioning runs: " + "; ".join(reasons),
        )
        if args["group"]:
            result.update(add_group=in_sync.route_group(route, not reasons), parent_groups=["all"])
        return result

    def _reasons(self, variables, route, warnings):
        if route["state"] != "present":
            return [in_sync.TO_BE_REMOVED]
        try:
            tenant = variables.tenant("provision")
        except AnsibleActionFail:  # the pre-flight's tenant check reports it
            return ["the tenant's variables do not pass the tenant contract"]
        reasons = self._setting_reasons() or in_sync.not_covered(tenant, self._chart_present(tenant))
        return reasons or self._drift(tenant, warnings)

    def _setting_reasons(self):
        if getattr(self._connection, "transport", None) != "local":
            return ["the tenant runs over a connection other than local"]
        if any(self._task.environment or []):
            return ["the task has an environment (it applies to the modules)"]
        if not (HAS_YAML and host_reads.HAS_KUBERNETES and schema_utils.HAS_JSONSCHEMA):
            return ["the controller lacks PyYAML, kubernetes or jsonschema"]
        return []

    @staticmethod
    def _chart_present(tenant):
        chart = tenant["chart"]
        return chart["local"] or os.path.isfile(os.path.join(chart["dir"], "Chart.yaml"))

    def _drift(self, tenant, warnings):
        """Why the tenant is not in sync; the warnings the pre-flight's tasks would give go to ``warnings``."""
        from ansible_collections.kubernetes.core.plugins.module_utils.k8s.client import get_api_client

        host_params = _validated(host_reads.argument_spec(), in_sync.host_preflight_params(tenant))
        schema = os.path.join(tenant["chart"]["dir"], "values.schema.json")
        values_params = _validated(
            values_task.argument_spec(),
            in_sync.values_params(tenant, schema if os.path.isfile(schema) else None),
            required_by=values_task.REQUIRED_BY,
            mutually_exclusive=values_task.MUTUALLY_EXCLUSIVE,
        )
        if host_params is None or values_params is None:
            return ["the tenant's options need the full pre-flight"]
        try:
            client = get_api_client(**host_params)
        except Exception as exc:  # the full path reports it in the pre-flight's words
            return [f"the host cluster cannot be reached ({exc.__class__.__name__})"]
        host = host_reads.run(host_params, lambda: client)
        warnings.extend(host.get("warnings") or [])
        reasons = in_sync.host_drift(tenant, host)
        if not reasons:
            values = run_task(values_params)
            warnings.extend(values.get("warnings") or [])
            reasons = in_sync.release_drift(tenant, host, values)
        if not reasons:
            try:
                reasons = self._kubeconfig_drift(tenant, client)
            except Exception as exc:  # the release role reads the Secret again and says what is wrong
                reasons = [f"the kubeconfig Secret could not be read ({exc.__class__.__name__})"]
        return reasons

    @staticmethod
    def _kubeconfig_drift(tenant, client):
        namespace, name = tenant["namespace"], tenant["name"]
        secret = host_reads.get_or_empty(client, "Secret", "v1", f"vc-{name}", namespace)
        config = (secret.get("data") or {}).get("config")
        if not config:
            return in_sync.kubeconfig_drift(False, {})
        service = None
        if tenant["kubeconfig_server"] == "auto":
            service = host_reads.get_or_empty(client, "Service", "v1", name, namespace) or None
        params = _validated(
            kubeconfig.file_task_argument_spec(),
            {
                "dest": tenant["kubeconfig_dest"],
                "kubeconfig": yaml.safe_load(base64.b64decode(config)),
                "vcluster_name": name,
                "vcluster_namespace": namespace,
                "server": tenant["kubeconfig_server"],
                "service": service,
            },
            **kubeconfig.FILE_TASK_CONSTRAINTS,
        )
        if params is None:
            return ["the published kubeconfig needs the full export"]
        return in_sync.kubeconfig_drift(True, write_task(params, check_mode=True))
