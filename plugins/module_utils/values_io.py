# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The file side of tenancy.vcluster.vcluster_values: the chart's values.schema.json, deployed values kept in a
private file, and ``dest``, the 0600 file that carries the real values (secrets included) to Helm.

Used by the module on the target and by its action plugin in the controller's worker process, so it does file
I/O (unlike module_utils/vcluster, which is pure).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

from ansible_collections.tenancy.vcluster.plugins.module_utils.private_file import PrivateFileError, sync_private_file
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import values_task
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.yaml_support import yaml


class ValuesFileError(Exception):
    """A file could not be read; the message names the file and why."""


def _read(path):
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValuesFileError(str(exc)) from exc


def read_schema(path):
    """The chart's parsed values.schema.json."""
    try:
        return json.loads(_read(path))
    except (ValueError, ValuesFileError) as exc:
        raise ValuesFileError(f"cannot read chart schema {path}: {exc}") from exc


def read_values(path):
    """Chart values kept in a YAML file (an empty file is ``{}``)."""
    try:
        values = yaml.safe_load(_read(path))
    except (yaml.YAMLError, ValuesFileError) as exc:
        raise ValuesFileError(f"cannot read values file {path}: {exc}") from exc
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise ValuesFileError(f"values file {path} does not hold a mapping of chart values")
    return values


def _write_dest(path, content, check_mode):
    if os.path.isdir(path):
        raise ValuesFileError(f"dest {path} is a directory; give a file path such as {path}/values.yaml")
    try:
        return sync_private_file(path, content, check_mode, make_parent=True)
    except (PrivateFileError, OSError) as exc:
        raise ValuesFileError(f"cannot write dest {path}: {exc}") from exc


def run_task(params, check_mode=False, with_diff=False):
    """The task's result for validated ``params``, with ``failed``/``msg`` when it must fail (never raises but
    ImportError for a missing jsonschema). ``warnings`` go in the result."""
    try:
        schema = read_schema(params["schema"]) if params.get("schema") else None
        if params.get("previous_values_file"):
            params = dict(params, previous_values=read_values(params["previous_values_file"]))
    except ValuesFileError as exc:
        return {"failed": True, "msg": str(exc)}
    outcome = values_task.evaluate(params, schema=schema, with_diff=with_diff)
    result = dict(outcome.result)
    if outcome.warnings:
        result["warnings"] = outcome.warnings
    if outcome.failure:
        return dict(result, failed=True, msg=outcome.failure)
    if params.get("dest"):
        try:
            changed, before = _write_dest(params["dest"], outcome.values_yaml, check_mode)
        except ValuesFileError as exc:
            return dict(result, failed=True, msg=str(exc))
        result.update(changed=changed, dest=params["dest"])
        if with_diff and changed:
            result["diff"] = {
                "before": "" if before is None and not params.get("previous_chart_version")
                else values_task.to_yaml(result_values_before(params, before)),
                "after": result["values_yaml"],
                "before_header": params["dest"],
                "after_header": params["dest"],
            }
    return result


def result_values_before(params, before_text):
    """What the diff shows as before: the deployed values of an upgrade, else the file's last values; masked."""
    if params.get("previous_chart_version"):
        before = params.get("previous_values") or {}
    else:
        try:
            before = yaml.safe_load(before_text or "") or {}
        except yaml.YAMLError:
            before = {}
    return values_task.masked(before, params)
