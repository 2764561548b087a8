# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pause and resume a vcluster the way ``vcluster pause``/``resume`` do, as a plan over its control-plane workloads.

Pause records each workload's replicas in annotation ``loft.sh/paused-replicas``, marks it ``loft.sh/paused=true``
and scales it to zero (the pods the vcluster synced to the host are deleted too); resume scales back to the recorded
replicas (1 when missing) and removes both annotations. A workload already in the wanted state is left alone, so a
second run changes nothing. Pure logic, no I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.discovery import (
    PAUSED_ANNOTATION,
    annotations_of,
    desired_replicas,
    labels_of,
    name_of,
)

PAUSED_REPLICAS_ANNOTATION = "loft.sh/paused-replicas"
# The apps of a vcluster's control plane (legacy k8s charts run api/controller/etcd apart from the syncer).
CONTROL_PLANE_APPS = ("vcluster", "vcluster-api", "vcluster-controller", "vcluster-etcd")
STATES = ("paused", "running")


def control_plane_selector(name):
    return f"app in ({','.join(CONTROL_PLANE_APPS)}),release={name}"


def synced_pods_selector(name):
    """Label selector of the workload pods vcluster ``name`` synced into the host namespace."""
    return f"vcluster.loft.sh/managed-by={name}"


def has_vcluster(workloads):
    return any(labels_of(workload).get("app") == "vcluster" for workload in workloads)


def _paused(workload):
    return annotations_of(workload).get(PAUSED_ANNOTATION) == "true"


def _recorded_replicas(workload):
    try:
        return max(1, int(annotations_of(workload).get(PAUSED_REPLICAS_ANNOTATION) or 1))
    except ValueError:
        return 1


def plan(workloads, state):
    """``[{kind, name, replicas, annotations}]``: per workload that must change, the replicas to scale to and the
    annotations to set (None removes one) first; empty when every workload is already in ``state``."""
    if state not in STATES:
        raise ValueError(f"state must be one of {', '.join(STATES)}, not {state!r}")
    steps = []
    for workload in workloads:
        step = {"kind": workload.get("kind"), "name": name_of(workload)}
        if state == "paused" and not _paused(workload) and desired_replicas(workload) > 0:
            step["annotations"] = {
                PAUSED_ANNOTATION: "true",
                PAUSED_REPLICAS_ANNOTATION: str(desired_replicas(workload)),
            }
            step["replicas"] = 0
        elif state == "running" and _paused(workload):
            step["annotations"] = {PAUSED_ANNOTATION: None, PAUSED_REPLICAS_ANNOTATION: None}
            step["replicas"] = _recorded_replicas(workload)
        else:
            continue
        steps.append(step)
    return steps
