# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Findings: the one shape every check of this collection reports.

A finding is ``{"id", "severity", "path", "message"}``. ``path`` names the field the
operator has to touch (a module option such as ``map_services.from_host[0].to`` or a
chart values path such as ``controlPlane.statefulSet.security.containerSecurityContext.runAsUser``);
``message`` says what is wrong *and* what to do about it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)

# Pod Security Standard violations, as reported by pod_security.check_pod_spec.
PSS_FINDING_IDS = (
    "pss-privileged",
    "pss-privilege-escalation",
    "pss-capabilities",
    "pss-run-as-non-root",
    "pss-run-as-user",
    "pss-seccomp",
    "pss-host-namespaces",
    "pss-host-path",
)

# Every finding id of DESIGN.md section 5 (vcluster_values).
FINDING_IDS = (
    "name-invalid",
    "name-too-long",
    "name-translation-hashed",
    "namespace-invalid",
    "version-unsupported",
    "distro-unsupported",
    "values-dialect",
    "schema",
    *PSS_FINDING_IDS,
    "pss-not-hardenable",
    "map-services-format",
    "map-services-conflict",
    "cidr-invalid",
    "quantity-invalid",
    "quota-inconsistent",
    # upgrades (migrate.py): a legacy key that cannot be converted, a change vcluster cannot make in place
    "migration-refused",
    "upgrade-refused",
)

# Ids that are warnings by nature; everything else defaults to an error.
WARNING_IDS = frozenset(["name-translation-hashed"])


def make_finding(finding_id, path, message, severity=None):
    """Build a finding. ``severity`` defaults to the id's natural severity."""
    if severity is None:
        severity = WARNING if finding_id in WARNING_IDS else ERROR
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}")
    return {"id": finding_id, "severity": severity, "path": path, "message": message}


def error(finding_id, path, message):
    return make_finding(finding_id, path, message, ERROR)


def warning(finding_id, path, message):
    return make_finding(finding_id, path, message, WARNING)


def errors_of(findings):
    return [f for f in findings if f.get("severity") == ERROR]


def warnings_of(findings):
    return [f for f in findings if f.get("severity") == WARNING]


def has_errors(findings):
    return any(f.get("severity") == ERROR for f in findings)


def finding_ids(findings):
    """The ids of ``findings`` in order of first appearance, without duplicates."""
    seen = []
    for f in findings:
        if f["id"] not in seen:
            seen.append(f["id"])
    return seen


def format_finding(f):
    return "[{}] {}: {}".format(f["id"], f.get("path") or "-", f["message"])


def summary(findings, severity=ERROR):
    """One text listing every finding of ``severity`` (for fail_json messages)."""
    selected = [f for f in findings if f.get("severity") == severity]
    if not selected:
        return f"no {severity} findings"
    noun = "finding" if len(selected) == 1 else "findings"
    listed = "; ".join(format_finding(f) for f in selected)
    return f"{len(selected)} {severity} {noun}: {listed}"
