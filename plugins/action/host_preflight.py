# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tenancy.vcluster.host_preflight in the controller's worker process when the task runs locally.

The reads use kubernetes.core's client and auth options, as its k8s lookup does on the controller.
"""

from __future__ import absolute_import, division, print_function

from ansible_collections.tenancy.vcluster.plugins.module_utils import host_reads
from ansible_collections.tenancy.vcluster.plugins.plugin_utils.host_api import HostApiAction


class ActionModule(HostApiAction):
    MODULE = "tenancy.vcluster.host_preflight"

    def argument_spec(self):
        return host_reads.argument_spec()

    def evaluate(self, params):
        return host_reads.run(params, lambda: self.api_client(params))
