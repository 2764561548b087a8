# -*- coding: utf-8 -*-
# Copyright: (c) 2025, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tenancy.vcluster.pod_security task, shared by the module and its controller-side action plugin."""

from __future__ import absolute_import, division, print_function

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.pss.levels import LEVELS
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.pss.workloads import (
    check_manifests,
    count_pod_templates,
    load_manifests,
)


def manifests_option(manifests):
    """The module's ``manifests`` option as a list of objects; YAML strings (alone or in the list) are parsed.

    Raises ValueError for values that are not objects or YAML text, ImportError when YAML needs PyYAML.
    """
    if isinstance(manifests, dict):
        return [manifests]
    items = manifests if isinstance(manifests, list) else [manifests]
    objects = []
    for item in items:
        if isinstance(item, (str, bytes)):
            try:
                objects.extend(load_manifests(item))
            except ValueError as exc:
                raise ValueError(f"manifests: {exc}") from exc
        elif item is None or isinstance(item, dict):
            objects.append(item)
        else:
            raise ValueError(f"manifests must be objects or YAML text, got a {type(item).__name__}: {item!r}")
    return objects


def describe_violation(violation):
    subject = f"{violation['kind']}/{violation['name']}"
    if violation["container"]:
        subject += f" {violation['container']}"
    return f"{subject}: {violation['message']} (at {violation['path']})"


def check_task(manifests, level, strict):
    """(result, failure message or None) of checking parsed ``manifests`` against ``level``."""
    violations = check_manifests(manifests, level)
    result = dict(changed=False, allowed=not violations, violations=violations, checked=count_pod_templates(manifests))
    if violations and strict:
        summary = "\n".join(describe_violation(violation) for violation in violations)
        return result, f"{len(violations)} Pod Security ({level}) violation(s):\n{summary}"
    return result, None


def task_argument_spec():
    return dict(
        manifests=dict(type="raw", required=True),
        level=dict(type="str", choices=list(reversed(LEVELS)), default="restricted"),
        strict=dict(type="bool", default=True),
    )
