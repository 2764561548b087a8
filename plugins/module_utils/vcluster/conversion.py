# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every value conversion between chart versions shares: the accumulator of converted values, refusals
and notes, and small value helpers. Pure logic, no I/O."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.findings import error
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.hardening import split_image
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.values_tree import (
    get_path,
    merge_values,
    set_path,
)


class Conversion:
    """Accumulates converted values, refusals and notes of one conversion."""

    def __init__(self, target_version, prefix=""):
        self.version = tuple(target_version[:3])
        self.minor = tuple(target_version[:2])
        self.prefix = prefix
        self.values = {}
        self.refused = []
        self.notes = []

    def set(self, path, value):
        set_path(self.values, path, copy.deepcopy(value))

    def merge(self, path, value):
        current = get_path(self.values, path)
        if isinstance(current, dict) and isinstance(value, dict):
            value = merge_values(current, value)
        self.set(path, value)

    def append(self, path, items):
        current = get_path(self.values, path)
        self.set(path, list(current or []) + list(items))

    def refuse(self, legacy_path, message):
        self.refused.append(error("migration-refused", self.prefix + legacy_path, message))

    def note(self, text):
        self.notes.append(text)


def truthy(value):
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def is_empty(value):
    return value is None or value == "" or value == [] or value == {}


def set_if(conv, path, value):
    if not is_empty(value):
        conv.set(path, value)


def copy_keys(conv, source, base, keys):
    """Copy each non-empty ``source[legacy_key]`` to ``base + suffix``; ``keys`` pairs (suffix, legacy_key)."""
    for suffix, legacy_key in keys:
        set_if(conv, base + suffix, source.get(legacy_key))


def image_object(image):
    parts = split_image(str(image))
    return {key: value for key, value in parts.items() if value}


def labels_from(text):
    labels = {}
    for item in str(text or "").split(","):
        key, sep, value = item.strip().partition("=")
        if sep and key:
            labels[key] = value
    return labels


def manifests_set(text):
    return isinstance(text, str) and text.strip() not in ("", "---")


def copy_block(target, block):
    if block.get("cidr"):
        target["cidr"] = block["cidr"]
    if block.get("except"):
        target["except"] = list(block["except"])
