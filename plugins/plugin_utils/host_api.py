# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Base of the in-process actions that talk to the host's API server with kubernetes.core's client and auth options.

A task with an ``environment`` (K8S_AUTH_* variables, proxies) runs the module, which is where that environment
applies.
"""

from __future__ import absolute_import, division, print_function

from ansible_collections.tenancy.vcluster.plugins.module_utils import host_reads
from ansible_collections.tenancy.vcluster.plugins.plugin_utils.in_process import InProcessAction


class HostApiAction(InProcessAction):
    def runs_in_process(self, args):
        # plays give every task environment [{}]; any real entry is left to the module
        return host_reads.HAS_KUBERNETES and not any(self._task.environment or [])

    @staticmethod
    def api_client(params):
        from ansible_collections.kubernetes.core.plugins.module_utils.k8s.client import get_api_client

        return get_api_client(**params)
