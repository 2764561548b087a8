# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tenancy.vcluster.host_preflight in the controller's worker process when the task runs locally.

The reads use kubernetes.core's client and auth options, as its k8s lookup does on the controller. A task with an
``environment`` (K8S_AUTH_* variables, proxies) runs the module, which is where that environment applies.
"""

from __future__ import absolute_import, division, print_function

from ansible_collections.tenancy.vcluster.plugins.module_utils import host_reads
from ansible_collections.tenancy.vcluster.plugins.plugin_utils.in_process import InProcessAction


class ActionModule(InProcessAction):
    MODULE = "tenancy.vcluster.host_preflight"

    def argument_spec(self):
        return host_reads.argument_spec()

    def runs_in_process(self, args):
        # plays give every task environment [{}]; any real entry is left to the module
        return host_reads.HAS_KUBERNETES and not any(self._task.environment or [])

    def evaluate(self, params):
        from ansible_collections.kubernetes.core.plugins.module_utils.k8s.client import get_api_client

        return host_reads.run(params, lambda: get_api_client(**params))
