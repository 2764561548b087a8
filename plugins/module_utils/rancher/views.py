# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the modules return about Rancher objects: conditions and the cluster summary (never secrets)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.agent_settings import (
    canonical_customization,
    env_vars,
)


def condition_status(obj, cond_type):
    """Status (``"True"``/``"False"``/``"Unknown"``) of a condition of a v3 or v1 object, or None."""
    conditions = obj.get("conditions")
    if conditions is None:
        conditions = (obj.get("status") or {}).get("conditions")
    for cond in conditions or []:
        if cond.get("type") == cond_type:
            return cond.get("status")
    return None


def cluster_summary(obj):
    """The parts of a v3 cluster a playbook needs (never secrets)."""
    conditions = []
    for cond in obj.get("conditions") or []:
        item = {"type": cond.get("type"), "status": cond.get("status")}
        for src, dst in (("reason", "reason"), ("message", "message"), ("lastUpdateTime", "last_update_time")):
            if cond.get(src):
                item[dst] = cond[src]
        conditions.append(item)
    return {
        "id": obj.get("id"),
        "name": obj.get("name"),
        "state": obj.get("state"),
        "driver": obj.get("driver") or "",
        "transitioning": obj.get("transitioning") or "no",
        "transitioning_message": obj.get("transitioningMessage") or "",
        "connected": condition_status(obj, "Connected") == "True",
        "ready": condition_status(obj, "Ready") == "True",
        "conditions": conditions,
        "labels": dict(obj.get("labels") or {}),
        "annotations": dict(obj.get("annotations") or {}),
        "agent_env_vars": env_vars(obj.get("agentEnvVars")),
        "cluster_agent_deployment_customization": canonical_customization(
            obj.get("clusterAgentDeploymentCustomization")
        ),
    }
