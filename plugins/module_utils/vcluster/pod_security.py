# -*- coding: utf-8 -*-
# Copyright: (c) 2025, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kubernetes Pod Security Standards checker (pure logic, no I/O): the names the rest of the collection uses.

The code lives in ``pss/``, one concern a file:

- ``pss/fields.py``: reading a pod spec the way the admission does (container order, security contexts);
- ``pss/baseline.py``, ``pss/restricted.py``: the rules of each level, one function per admission check;
- ``pss/levels.py``: which rules each level runs, ``check_pod_spec``;
- ``pss/workloads.py``: the pod template of each workload kind, lists, multi-document YAML, ``check_manifests``;
- ``pss/task.py``: the ``tenancy.vcluster.pod_security`` task (module and action plugin).
"""

from __future__ import absolute_import, division, print_function

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.pss.levels import (
    LEVELS,
    VIOLATION_IDS,
    check_pod_spec,
)
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.pss.task import (
    check_task,
    describe_violation,
    manifests_option,
    task_argument_spec,
)
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.pss.workloads import (
    check_manifests,
    count_pod_templates,
    load_manifests,
    manifest_objects,
    pod_templates,
)
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.yaml_support import HAS_YAML

__all__ = (
    "HAS_YAML",
    "LEVELS",
    "VIOLATION_IDS",
    "check_manifests",
    "check_pod_spec",
    "check_task",
    "count_pod_templates",
    "describe_violation",
    "load_manifests",
    "manifest_objects",
    "manifests_option",
    "pod_templates",
    "task_argument_spec",
)
