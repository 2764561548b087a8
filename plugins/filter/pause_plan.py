# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: pause_plan
short_description: What pausing or resuming a vcluster changes on its control-plane workloads
version_added: 0.2.0
author: tenancy.vcluster maintainers
description:
  - Like C(vcluster pause) and C(vcluster resume). For C(paused), each running workload gets annotations
    C(loft.sh/paused=true) and C(loft.sh/paused-replicas=<replicas>) and is scaled to 0; for C(running), each paused
    workload is scaled back to its recorded replicas (1 when missing) and loses both annotations.
  - Workloads already in the wanted state are not listed, so applying the plan twice changes nothing.
options:
  _input:
    description: The vcluster's control-plane StatefulSets and Deployments.
    type: list
    elements: dict
    required: true
  state:
    description: The wanted state.
    type: str
    choices: [paused, running]
    required: true
"""

EXAMPLES = r"""
- name: Plan a pause
  ansible.builtin.debug:
    msg: "{{ workloads | tenancy.vcluster.pause_plan('paused') }}"
"""

RETURN = r"""
_value:
  description: "Steps C({kind, name, replicas, annotations}); an annotation of null is removed."
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import pause


def pause_plan(workloads, state):
    try:
        return pause.plan(workloads or [], state)
    except ValueError as exc:
        raise AnsibleFilterError(f"pause_plan: {exc}") from exc


class FilterModule:
    def filters(self):
        return {
            "pause_plan": pause_plan,
            "control_plane_selector": pause.control_plane_selector,
            "synced_pods_selector": pause.synced_pods_selector,
        }
