# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: rancher_import_plan
short_description: What importing a tenant into Rancher needs, decided before anything is written
version_added: 0.2.0
author: tenancy.vcluster maintainers
description:
  - Rancher's cattle-cluster-agent violates Pod Security C(restricted) and must reach the Rancher server, which the
    tenant's network policy blocks on a private address. From the tenant fact, the host namespace and the deployed
    release (as C(tenancy.vcluster.host_preflight) read them) and the Rancher URL, returns the plan.
  - Resolves the Rancher server's host name on the controller (as the agent's DNS would, for the private-address
    check); an address that cannot be resolved is left to the import's own connection check.
options:
  _input:
    description: The tenant fact (C(tenancy_vcluster_tenant)).
    type: dict
    required: true
  namespace:
    description: The host namespace, or an empty dict.
    type: dict
    required: true
  release:
    description: The deployed release summary, or an empty dict.
    type: dict
    required: true
  rancher_url:
    description: The Rancher server URL.
    type: str
    required: true
  provisioning:
    description: Whether the vcluster is (re)deployed in the same run (then its own Pod Security level can change).
    type: bool
    default: true
  server_url:
    description:
      - Rancher's C(server-url) setting as M(tenancy.vcluster.rancher_cluster) returned it
        (RV(tenancy.vcluster.rancher_cluster#module:server_url)); empty stops the import (Rancher deploys the
        agent only once it is set). Not given, it is not checked.
    type: str
"""

EXAMPLES = r"""
- name: Plan the import
  ansible.builtin.set_fact:
    plan: >-
      {{ tenancy_vcluster_tenant | tenancy.vcluster.rancher_import_plan(host.namespace, host.release, rancher_url) }}
"""

RETURN = r"""
_value:
  description:
    - C(stop) (empty, or why the import cannot go on and what to change), C(host_enforce) and C(relaxed_reason)
      (the host namespace's enforce level for the agent), C(virtual_pod_security) (the vcluster's own level),
      C(blocked_addresses), C(extra_egress_cidrs), C(isolation) (the tenant's isolation option with that egress)
      and C(effective_isolation) (the same, normalised),
      C(notes) (what the import changes, for the log).
  type: dict
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from ansible.errors import AnsibleFilterError

from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.import_plan import plan, recorded_cluster_ids


def resolve(host):
    """The addresses ``host`` resolves to on the controller (an address stays itself); [] when it does not."""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return []
    return sorted({info[4][0] for info in infos})


def rancher_import_plan(tenant, namespace, release, rancher_url, provisioning=True, server_url=None):
    host = urlsplit(rancher_url or "").hostname
    if not host:
        raise AnsibleFilterError(f"rancher_import_plan: {rancher_url!r} is not a URL with a host name")
    return plan(
        tenant,
        namespace or {},
        release or {},
        resolve(host),
        host,
        bool(provisioning),
        server_url=server_url,
        rancher_url=rancher_url.rstrip("/"),
    )


class FilterModule:
    def filters(self):
        return {"rancher_import_plan": rancher_import_plan, "rancher_recorded_ids": recorded_cluster_ids}
