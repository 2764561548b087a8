# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Findings: the registry of ids, constructors and summaries."""

import os
import re

import pytest
from conftest import SHARED

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.findings import (
    BOUNDARY_FINDING_IDS,
    FINDING_IDS,
    PSS_FINDING_IDS,
    REGISTRY,
    error,
    finding_ids,
    fix_hint,
    has_errors,
    make_finding,
    summary,
    warning,
    warnings_of,
)

DESIGN = os.path.join(SHARED, "DESIGN.md")
# Finding ids of the design page: pss-*, boundary-*, and the ids of the vcluster_values/pod_security sections.
DESIGN_ID_RE = re.compile(
    r"`((?:pss|boundary)-[a-z-]+|(?:name|namespace|version|distro|values|map-services|cidr|quantity|quota|migration|"
    r"upgrade)-[a-z-]+|schema)`"
)


def design_ids():
    with open(DESIGN) as handle:
        return set(DESIGN_ID_RE.findall(handle.read()))


@pytest.mark.skipif(not os.path.exists(DESIGN), reason="the shared design page is not beside the repository")
def test_every_id_of_the_design_page_is_registered():
    assert design_ids() - set(FINDING_IDS) == set()


def test_every_registered_id_has_a_severity_and_a_fix():
    assert len(set(FINDING_IDS)) == len(FINDING_IDS)
    for finding_id, kind in REGISTRY.items():
        assert kind.severity in ("error", "warning"), finding_id
        assert kind.fix and fix_hint(finding_id) == kind.fix
    assert set(PSS_FINDING_IDS) <= set(FINDING_IDS)
    assert set(BOUNDARY_FINDING_IDS) <= set(FINDING_IDS)


def test_an_unregistered_id_is_a_bug():
    with pytest.raises(ValueError):
        make_finding("no-such-id", "p", "m")


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
