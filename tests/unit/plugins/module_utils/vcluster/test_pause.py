# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pause and resume plans, like vcluster pause/resume, and idempotent."""

import pytest

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import pause


def workload(name, replicas, annotations=None, kind="StatefulSet"):
    return {
        "kind": kind,
        "metadata": {"name": name, "labels": {"app": "vcluster"}, "annotations": annotations or {}},
        "spec": {"replicas": replicas},
    }


def test_pause_records_replicas_and_scales_to_zero():
    steps = pause.plan([workload("t1", 3), workload("t1-etcd", 0)], "paused")
    assert steps == [
        {
            "kind": "StatefulSet",
            "name": "t1",
            "replicas": 0,
            "annotations": {"loft.sh/paused": "true", "loft.sh/paused-replicas": "3"},
        }
    ]


def test_resume_restores_and_clears():
    paused = workload("t1", 0, {"loft.sh/paused": "true", "loft.sh/paused-replicas": "3"})
    assert pause.plan([paused], "running") == [
        {
            "kind": "StatefulSet",
            "name": "t1",
            "replicas": 3,
            "annotations": {"loft.sh/paused": None, "loft.sh/paused-replicas": None},
        }
    ]
    broken = workload("t1", 0, {"loft.sh/paused": "true", "loft.sh/paused-replicas": "x"})
    assert pause.plan([broken], "running")[0]["replicas"] == 1


def test_already_in_state_changes_nothing():
    assert pause.plan([workload("t1", 0, {"loft.sh/paused": "true"})], "paused") == []
    assert pause.plan([workload("t1", 1)], "running") == []
    with pytest.raises(ValueError):
        pause.plan([], "stopped")


def test_selectors():
    assert (
        pause.control_plane_selector("t1")
        == "app in (vcluster,vcluster-api,vcluster-controller,vcluster-etcd),release=t1"
    )
    assert pause.synced_pods_selector("t1") == "vcluster.loft.sh/managed-by=t1"
