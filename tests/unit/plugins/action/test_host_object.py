# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""host_object's action runs kubernetes.core.k8s's runner in the worker process with a stand-in for its module:
the stand-in must offer everything the runner and K8sService read of it (the writes themselves are tested against
the real API server in tests/integration/test_host_object.py)."""

import inspect
import re

from ansible_collections.kubernetes.core.plugins.module_utils.k8s import runner, service

from ansible_collections.tenancy.vcluster.plugins.action import host_object as host_object_action
from ansible_collections.tenancy.vcluster.plugins.module_utils import host_writes
from ansible_collections.tenancy.vcluster.plugins.modules import host_object as host_object_module


def module_attributes_read(source):
    return set(re.findall(r"(?:self\.module|svc\.module)\.(\w+)", source))


def test_the_task_module_has_what_k8s_service_and_perform_action_read():
    used = module_attributes_read(inspect.getsource(service.K8sService))
    used |= module_attributes_read(inspect.getsource(runner.perform_action))
    assert used, "kubernetes.core changed: K8sService no longer reads its module through self.module"
    stand_in = host_object_action._TaskModule({}, check_mode=False, diff=False)
    assert {name for name in used if not hasattr(stand_in, name)} == set()


def test_warnings_are_collected():
    stand_in = host_object_action._TaskModule({}, check_mode=True, diff=True)
    stand_in.warn("careful")
    assert stand_in.warnings == ["careful"]


def test_the_action_and_the_module_take_the_same_options():
    assert host_object_module.host_writes is host_writes
    spec = host_writes.argument_spec()
    assert "definition" in spec["resource_definition"]["aliases"]
    assert spec["state"]["choices"] == ["present", "absent"]
    assert {"kubeconfig", "context", "kind", "name", "namespace", "api_version"} <= set(spec)


def test_a_definition_that_is_no_object_fails_before_any_request():
    stand_in = host_object_action._TaskModule({"resource_definition": 42}, check_mode=False, diff=False)
    result = host_writes.run(stand_in, client=None)
    assert result["failed"] is True
    assert "resource_definition" in result["msg"] and "int" in result["msg"]
