# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Findings: the id list of DESIGN section 5, constructors and summaries."""

import pytest

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.findings import (
    FINDING_IDS,
    PSS_FINDING_IDS,
    error,
    finding_ids,
    has_errors,
    make_finding,
    summary,
    warning,
    warnings_of,
)

DESIGN_IDS = [
    "name-invalid",
    "name-too-long",
    "name-translation-hashed",
    "namespace-invalid",
    "version-unsupported",
    "distro-unsupported",
    "values-dialect",
    "schema",
    "pss-privileged",
    "pss-privilege-escalation",
    "pss-capabilities",
    "pss-run-as-non-root",
    "pss-run-as-user",
    "pss-seccomp",
    "pss-host-namespaces",
    "pss-host-path",
    "pss-not-hardenable",
    "map-services-format",
    "map-services-conflict",
    "cidr-invalid",
    "quantity-invalid",
    "quota-inconsistent",
    # upgrades (issue 6): reported by vcluster_values with previous_values; tested in test_migrate.py
    "migration-refused",
    "upgrade-refused",
]


def test_finding_ids_are_exactly_the_design_list():
    assert list(FINDING_IDS) == DESIGN_IDS
    assert len(set(FINDING_IDS)) == len(FINDING_IDS)
    assert set(PSS_FINDING_IDS) <= set(FINDING_IDS)


@pytest.mark.parametrize(
    ("finding_id", "severity"),
    [("name-translation-hashed", "warning"), ("name-invalid", "error"), ("pss-seccomp", "error")],
)
def test_default_severity_follows_the_id(finding_id, severity):
    assert make_finding(finding_id, "p", "m")["severity"] == severity


def test_shape_and_explicit_severity():
    assert error("schema", "a.b", "msg") == {"id": "schema", "severity": "error", "path": "a.b", "message": "msg"}
    assert warning("schema", "a", "m")["severity"] == "warning"
    with pytest.raises(ValueError):
        make_finding("schema", "a", "m", severity="fatal")


def test_has_errors_and_summary():
    only_warning = [warning("name-translation-hashed", "name", "long")]
    assert not has_errors(only_warning)
    assert summary(only_warning) == "no error findings"
    mixed = [*only_warning, error("cidr-invalid", "x[0]", "bad"), error("schema", "syncer", "nope")]
    assert has_errors(mixed)
    text = summary(mixed)
    assert text.startswith("2 error findings: ")
    assert "[cidr-invalid] x[0]: bad" in text and "[schema] syncer: nope" in text
    assert "name-translation-hashed" not in text
    assert warnings_of(mixed) == only_warning
    assert finding_ids([*mixed, error("schema", "z", "m")]) == ["name-translation-hashed", "cidr-invalid", "schema"]
