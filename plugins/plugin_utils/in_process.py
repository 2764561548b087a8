# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a module's logic inside the controller's worker process (performance, see bench/).

A module task starts a new Python process on the target and imports the module and its module_utils there
(0.3-0.8 s on two cores). Some modules of this collection do nothing that depends on where they run: the pure ones
(vcluster_values, pod_security) and the host pre-flight, whose reads go to the API server either way.
When the task runs over the ``local`` connection their action plugins call the same module_utils functions
directly: same argument spec, same result, no process start. Any other connection (or an option that needs the
target, decided by ``runs_in_process``) runs the module as usual.
"""

from __future__ import absolute_import, division, print_function

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action import ActionBase


def plain_data(value):
    """``value`` with plain Python containers and scalars, as a module receives it after JSON.

    Task args carry Ansible's tagged subclasses of str/int/dict/...; PyYAML's SafeDumper and exact type checks
    do not know them.
    """
    if isinstance(value, dict):
        return {plain_data(key): plain_data(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_data(item) for item in value]
    for kind in (bool, str, int, float):
        if isinstance(value, kind):
            return kind(value)
    return value


def validated_args(spec, args, module, **constraints):
    """The task ``args`` checked and completed like AnsibleModule does; errors read like the module's."""
    validation = ArgumentSpecValidator(spec, **constraints).validate(plain_data(args))
    errors = validation.errors.errors  # AnsibleValidationErrorMultiple has no __len__: always truthy
    if errors:
        msg = validation.errors.msg
        if isinstance(errors[0], UnsupportedError):
            msg = f"Unsupported parameters for ({module}) module: {msg}"
        raise AnsibleActionFail(msg)
    return validation.validated_parameters


class InProcessAction(ActionBase):
    """Base of these action plugins; subclasses set MODULE and implement ``evaluate``."""

    TRANSFERS_FILES = False
    MODULE = ""

    def argument_spec(self):
        raise NotImplementedError

    def spec_constraints(self):
        """Keyword arguments for validate_argument_spec (required_by, mutually_exclusive, ...)."""
        return {}

    def runs_in_process(self, args):
        """Whether these task args can be evaluated here rather than by the module on the target."""
        return True

    def evaluate(self, params):
        """The module's result for validated ``params``: a dict, with failed/msg when the task must fail."""
        raise NotImplementedError

    def _is_local(self):
        return getattr(self._connection, "transport", None) == "local"

    def run(self, tmp=None, task_vars=None):
        if not (self._is_local() and self.runs_in_process(self._task.args)):
            return self._execute_module(module_name=self.MODULE, module_args=self._task.args, task_vars=task_vars)
        result = super().run(tmp, task_vars)
        del tmp
        result.update(self.evaluate(self.validated_params()))
        return result

    def validated_params(self):
        """The task args checked and completed like AnsibleModule does; errors read like the module's."""
        return validated_args(self.argument_spec(), self._task.args, self.MODULE, **self.spec_constraints())

    @property
    def diff_mode(self):
        return bool(self._task.diff)
