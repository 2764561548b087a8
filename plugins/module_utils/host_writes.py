# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writes of host objects through kubernetes.core's own runner (I/O, unlike module_utils/vcluster).

Shared by the host_object module and its action plugin, which runs it in the controller's worker process over the
local connection: kubernetes.core.k8s's K8sService and perform_action do the work either way, so create, update,
delete, check mode and diff behave as kubernetes.core.k8s does for the same options.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.kubernetes.core.plugins.module_utils.args_common import AUTH_ARG_SPEC, NAME_ARG_SPEC
from ansible_collections.kubernetes.core.plugins.module_utils.k8s.runner import get_definitions, perform_action
from ansible_collections.kubernetes.core.plugins.module_utils.k8s.service import K8sService


def argument_spec():
    args = copy.deepcopy(NAME_ARG_SPEC)
    args.update(copy.deepcopy(AUTH_ARG_SPEC))
    # kubernetes.core.k8s's own spec types this with a function (list, dict or YAML text); checked in run()
    args["resource_definition"] = dict(type="raw", aliases=["definition", "inline"])
    args["state"] = dict(type="str", default="present", choices=["present", "absent"])
    return args


def run(module, client):
    """The result of applying ``module.params`` with ``client``, as kubernetes.core.k8s reports it; failures come
    back as failed/msg. ``module`` needs params, check_mode, _diff and warn (an AnsibleModule has them)."""
    definition = module.params.get("resource_definition")
    if definition is not None and not isinstance(definition, (list, dict, str)):
        return dict(
            changed=False,
            failed=True,
            msg=f"resource_definition must be an object, a list of objects or their YAML text, not "
            f"{type(definition).__name__}",
        )
    service = K8sService(client, module)
    results, changed = [], False
    try:
        for definition in get_definitions(service, module.params):
            result = perform_action(service, definition, module.params)
            changed |= result["changed"]
            results.append(result)
    except Exception as exc:  # kubernetes.core's runner reports every failure this way (CoreException, API errors)
        error = dict(getattr(exc, "result", None) or {})
        reason = getattr(exc.__cause__, "reason", None)
        if reason:
            error["reason"] = reason
        return dict(error, changed=changed, failed=True, msg=str(exc))
    if len(results) == 1:
        return results[0]
    return {"changed": changed, "result": {"results": results}}
