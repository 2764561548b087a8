# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helm value semantics on plain dicts: merging values files, coalescing over chart defaults, dotted paths.

Pure logic, no I/O."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import hashlib
import json


def merge_values(base, override):
    """Merge ``override`` over ``base`` like Helm merges several -f files: maps merge, everything else
    (lists, scalars, null) replaces. Nulls are kept so Helm can delete the chart default they target."""
    if not isinstance(base, dict) or not isinstance(override, dict):
        return copy.deepcopy(override)
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_values(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def coalesce_values(defaults, values):
    """Helm's coalesce of user ``values`` over chart ``defaults``: maps merge, lists replace, a null user
    value deletes the key (including the chart default)."""
    result = copy.deepcopy(defaults) if isinstance(defaults, dict) else {}
    for key, value in (values or {}).items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = coalesce_values(result[key], value)
        elif isinstance(value, dict):
            result[key] = coalesce_values({}, value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def get_path(values, path, default=None):
    node = values
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node


def set_path(values, path, value):
    parts = path.split(".")
    node = values
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def has_path(values, path):
    marker = object()
    return get_path(values, path, marker) is not marker


def key_path(prefix, key):
    """Join a values path and a map key; keys holding dots or slashes are bracketed."""
    if "." in key or "/" in key:
        return f"{prefix}[{key}]"
    return f"{prefix}.{key}"


def join_path(prefix, key):
    """A readable path: ``a.b``, ``a[0]`` for list positions, ``a[x.y]`` for keys holding dots or slashes."""
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    key = str(key)
    if not prefix:
        return f"[{key}]" if "." in key or "/" in key else key
    return key_path(prefix, key)


def find(values, pattern):
    """Every ``(path, value)`` of ``values`` that ``pattern`` matches.

    ``pattern`` is a dotted path in which ``*`` stands for any map key and a trailing ``[]`` on a part for every
    element of the list there: ``plugins.*.image``, ``networking.replicateServices.toHost[].to``.
    """
    matches = [("", values)]
    for part in pattern.split("."):
        each_item = part.endswith("[]")
        key = part[:-2] if each_item else part
        found = []
        for path, node in matches:
            if not isinstance(node, dict):
                continue
            keys = list(node) if key == "*" else [key] if key in node else []
            for name in keys:
                found.append((join_path(path, name), node[name]))
        if each_item:
            found = [
                (join_path(path, index), item)
                for path, node in found
                if isinstance(node, list)
                for index, item in enumerate(node)
            ]
        matches = found
    return matches


def walk(values, path=""):
    """Every ``(path, key, value)`` below ``values``: map entries and list items (key: the index), depth first."""
    if isinstance(values, dict):
        items = values.items()
    elif isinstance(values, list):
        items = enumerate(values)
    else:
        return
    for key, value in items:
        child = join_path(path, key)
        yield child, key, value
        yield from walk(value, child)


def values_digest(values):
    """sha256 of the values as Helm stores them (JSON); equal digests mean Helm would see the same values."""
    return hashlib.sha256(json.dumps(values or {}, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
