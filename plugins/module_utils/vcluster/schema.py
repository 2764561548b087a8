# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validate rendered values against a chart's ``values.schema.json`` (JSON Schema draft 2020-12).

The caller reads the schema file and passes the parsed dict; nothing here does I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import traceback

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.findings import error

try:
    import jsonschema
except ImportError:
    jsonschema = None
    JSONSCHEMA_IMPORT_ERROR = traceback.format_exc()
else:
    JSONSCHEMA_IMPORT_ERROR = None

HAS_JSONSCHEMA = jsonschema is not None


def strip_nulls(values):
    """Drop null entries the way Helm does before it validates (a null deletes the key)."""
    if isinstance(values, dict):
        return {key: strip_nulls(value) for key, value in values.items() if value is not None}
    if isinstance(values, list):
        return [strip_nulls(item) for item in values]
    return values


def json_path(parts):
    """``["controlPlane", "distro", 0]`` -> ``controlPlane.distro[0]`` (root -> ``(root)``)."""
    text = ""
    for part in parts:
        if isinstance(part, int) or "." in str(part) or "/" in str(part):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text or "(root)"


def _error_path(err):
    """Path of a validation error; for "additional properties" point at the unexpected key itself."""
    parts = list(err.absolute_path)
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        allowed = set((err.schema or {}).get("properties", {}))
        extra = sorted(key for key in err.instance if key not in allowed)
        if len(extra) == 1:
            parts.append(extra[0])
    return json_path(parts)


def validate_values(values, schema, chart_version=None):
    """``schema`` findings, one per JSON Schema error, sorted by path.

    Raises RuntimeError when the jsonschema library is missing (the module turns it into fail_json).
    """
    if not HAS_JSONSCHEMA:
        raise RuntimeError("the jsonschema Python library is required to validate values against a chart schema")
    validator = jsonschema.Draft202012Validator(schema)
    label = f"chart {chart_version} " if chart_version else "the chart "
    findings = []
    for err in sorted(validator.iter_errors(strip_nulls(values)), key=lambda e: [str(p) for p in e.absolute_path]):
        path = _error_path(err)
        message = (
            f"{label}values.schema.json rejects {path}: {err.message}. Remove or rename the key "
            "(Helm refuses to install values that fail the chart schema)"
        )
        findings.append(error("schema", path, message))
    return findings
