# -*- coding: utf-8 -*-
# Copyright: tenancy.vcluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: vcluster_kubeconfig
short_description: Make a vcluster's published kubeconfig reachable and uniquely named
version_added: 0.1.0
author: tenancy.vcluster maintainers
description:
  - Takes the kubeconfig a vcluster writes into Secret C(vc-<name>) (decoded) and returns a copy whose cluster,
    context and user are named C(vcluster_<name>_<namespace>) and whose server is reachable.
options:
  _input:
    description: The kubeconfig as a dictionary.
    type: dict
    required: true
  name:
    description: Name of the vcluster.
    type: str
    required: true
  namespace:
    description: Host namespace of the vcluster.
    type: str
    required: true
  server:
    description:
      - C(auto) uses the LoadBalancer ingress of O(service) when there is one, else C(https://<name>.<namespace>:443).
      - C(from_secret) keeps the server the vcluster wrote; any other value must be an C(https://) URL.
    type: str
    default: auto
  service:
    description: The vcluster's Service object, used by O(server=auto).
    type: dict
"""

EXAMPLES = r"""
- name: Export a kubeconfig
  ansible.builtin.copy:
    dest: /tmp/tenant.kubeconfig
    mode: "0600"
    content: >-
      {{ secret.data.config | b64decode | from_yaml
         | tenancy.vcluster.vcluster_kubeconfig(name='t1', namespace='tenant-1') | to_nice_yaml }}
  no_log: true
"""

RETURN = r"""
_value:
  description: The rewritten kubeconfig.
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.kubeconfig import (
    merge_kubeconfigs,
    rewrite_kubeconfig,
)


def vcluster_kubeconfig(kubeconfig, name, namespace, server="auto", service=None):
    try:
        return rewrite_kubeconfig(kubeconfig, name, namespace, server=server, service=service)
    except ValueError as exc:
        raise AnsibleFilterError(str(exc)) from exc


def vcluster_kubeconfig_merge(base, addition):
    """Merge kubeconfig ``addition`` into ``base`` (entries replaced by name; base current-context kept)."""
    try:
        return merge_kubeconfigs(base, addition)
    except ValueError as exc:
        raise AnsibleFilterError(str(exc)) from exc


class FilterModule(object):
    def filters(self):
        return {"vcluster_kubeconfig": vcluster_kubeconfig, "vcluster_kubeconfig_merge": vcluster_kubeconfig_merge}
