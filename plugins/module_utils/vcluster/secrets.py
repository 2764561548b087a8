# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets inside chart values: where they are, and the values and texts with them masked.

The known secret paths of each values format (datastore passwords, k3s tokens, registry and snapshot credentials),
environment variables whose name or value looks like a credential, URLs with a password, and whatever paths the
operator marks. Results, failure messages and diffs show values through ``mask_values``/``mask_text``; the real
values only reach Helm through a 0600 file. Pure logic, no I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.values_tree import find, walk

MASK = "********"

SECRET_PATHS = (
    # 0.20+
    "controlPlane.backingStore.database.external.dataSource",
    "controlPlane.backingStore.database.embedded.dataSource",
    "controlPlane.backingStore.database.external.keyFile",
    "controlPlane.distro.k3s.token",
    "experimental.deploy.vcluster.helm[].chart.password",
    "privateNodes.joinNode.containerd.registry.auth.*.password",
    "privateNodes.joinNode.containerd.registry.auth.*.identityToken",
    "controlPlane.standalone.joinNode.containerd.registry.auth.*.password",
    "controlPlane.standalone.joinNode.containerd.registry.auth.*.identityToken",
    "snapshots.auto.storage.oci.password",
    "platform.apiKey.value",
    # < 0.20
    "k3sToken",
    "serverToken.value",
    "syncer.env[].value",
)
# Environment variable names whose values are credentials.
SECRET_NAME_RE = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH)", re.IGNORECASE)
# scheme://user:password@host: the password part
URL_PASSWORD_RE = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]*:)(?P<password>[^/\s@]+)(?P<tail>@)")
ENV_LIST_KEYS = frozenset(("env", "extraEnv"))


def _env_secrets(values):
    for _path, key, value in walk(values):
        if key not in ENV_LIST_KEYS or not isinstance(value, list):
            continue
        for item in value:
            if not isinstance(item, dict) or not isinstance(item.get("value"), str) or not item["value"]:
                continue
            if SECRET_NAME_RE.search(str(item.get("name", ""))) or URL_PASSWORD_RE.search(item["value"]):
                yield item["value"]


def _url_passwords(values):
    for _path, _key, value in walk(values):
        if isinstance(value, str):
            for match in URL_PASSWORD_RE.finditer(value):
                yield match.group("password")


def secret_strings(*trees, extra_paths=()):
    """Every secret string in the values ``trees``: at known or marked paths, in credential env vars, URL
    passwords; longest first, so masking never leaves the tail of a longer secret."""
    found = set()
    for values in trees:
        for pattern in SECRET_PATHS + tuple(extra_paths or ()):
            for _path, value in find(values or {}, pattern):
                found |= _strings_in(value)
        found |= set(_env_secrets(values or {}))
        found |= set(_url_passwords(values or {}))
    return sorted((text for text in found if len(text) >= 3), key=len, reverse=True)


def _strings_in(value):
    if isinstance(value, str):
        return {value} if value else set()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {str(value)}
    if isinstance(value, dict):
        return set().union(*(_strings_in(item) for item in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_strings_in(item) for item in value)) if value else set()
    return set()


def mask_text(text, secrets):
    """``text`` with every secret (longest first) replaced by ``MASK``."""
    if not isinstance(text, str):
        return text
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


def mask_data(data, secrets):
    """A copy of any JSON-like ``data`` with every secret inside its strings replaced by ``MASK``."""
    if not secrets:
        return copy.deepcopy(data)
    if isinstance(data, dict):
        return {key: mask_data(value, secrets) for key, value in data.items()}
    if isinstance(data, list):
        return [mask_data(item, secrets) for item in data]
    if isinstance(data, str):
        return mask_text(data, secrets)
    if isinstance(data, (int, float)) and not isinstance(data, bool) and str(data) in secrets:
        return MASK
    return data


def mask_values(values, extra_paths=()):
    """(``values`` with its secrets masked, the secret strings found)."""
    secrets = secret_strings(values, extra_paths=extra_paths)
    return mask_data(values, secrets), secrets
