# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The per-tenant ``allow`` list: boundary findings an operator passes on purpose, each with a reason.

An allowed finding stays in the result as a warning that carries the reason, and the result lists what was
allowed, so a review sees every exception. Only ``boundary-*`` ids can be allowed. Pure logic, no I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.findings import (
    BOUNDARY_FINDING_IDS,
    WARNING,
    error,
    warning,
)

MIN_REASON_LENGTH = 10


def normalize_allow(allow, path="allow"):
    """The allow option -> (``[{id, reason}]``, findings)."""
    if allow is None:
        return [], []
    if not isinstance(allow, list):
        return [], [error("option-invalid", path, "must be a list of {id: boundary-..., reason: why}")]
    entries, found = [], []
    for index, entry in enumerate(allow):
        where = f"{path}[{index}]"
        if not isinstance(entry, dict) or set(entry) != {"id", "reason"}:
            found.append(
                error("option-invalid", where, f"{entry!r} must be a dict with exactly the keys id and reason")
            )
            continue
        if entry["id"] not in BOUNDARY_FINDING_IDS:
            found.append(
                error(
                    "option-invalid",
                    f"{where}.id",
                    f"{entry['id']!r} cannot be allowed; only these can: {', '.join(BOUNDARY_FINDING_IDS)}",
                )
            )
            continue
        reason = entry["reason"]
        if not isinstance(reason, str) or len(reason.strip()) < MIN_REASON_LENGTH:
            found.append(
                error(
                    "option-invalid",
                    f"{where}.reason",
                    f"say why this tenant needs {entry['id']} (at least {MIN_REASON_LENGTH} characters)",
                )
            )
            continue
        entries.append({"id": entry["id"], "reason": reason.strip()})
    return entries, found


def apply_allow(findings, entries):
    """(findings with the allowed ones turned into warnings, ``[{id, reason, paths}]`` of what was allowed)."""
    reasons = {entry["id"]: entry["reason"] for entry in entries}
    allowed = {entry["id"]: {"id": entry["id"], "reason": entry["reason"], "paths": []} for entry in entries}
    result = []
    for finding in findings:
        if finding["id"] in reasons and finding["severity"] != WARNING:
            allowed[finding["id"]]["paths"].append(finding["path"])
            finding = dict(
                finding,
                severity=WARNING,
                message=f"{finding['message']} -- allowed for this tenant: {reasons[finding['id']]}",
            )
        result.append(finding)
    for entry in allowed.values():
        if not entry["paths"]:
            result.append(
                warning(
                    "option-invalid",
                    "allow",
                    f"allow entry {entry['id']} matches nothing; remove it so it cannot hide a later change",
                )
            )
    return result, [entry for entry in allowed.values() if entry["paths"]]
