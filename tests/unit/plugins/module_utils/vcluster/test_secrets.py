# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets in values never leave in a result, a message or a diff; the real values only reach dest."""

import json

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.render import render_values
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.secrets import MASK, mask_values, secret_strings
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.values_task import evaluate

BASE = {"name": "t1", "namespace": "tenant-a", "chart_version": "0.36.1"}
DSN = "mysql://vc:Sup3r-S3cret-pw@tcp(db.example.com:3306)/vcluster"


def test_known_paths_env_and_urls_are_masked():
    values = {
        "controlPlane": {
            "backingStore": {"database": {"external": {"enabled": True, "dataSource": DSN}}},
            "distro": {"k3s": {"token": "k3s-token-123"}},
            "statefulSet": {"env": [{"name": "DB_PASSWORD", "value": "env-pw-456"}, {"name": "LOG", "value": "info"}]},
        },
        "note": "https://user:url-pw-789@proxy.example.com",
    }
    masked, secrets = mask_values(values)
    text = json.dumps(masked)
    for secret in ("Sup3r-S3cret-pw", "k3s-token-123", "env-pw-456", "url-pw-789"):
        assert secret not in text
    assert masked["controlPlane"]["statefulSet"]["env"][1]["value"] == "info"
    assert MASK in text and DSN in secrets


def test_operator_marked_paths():
    assert secret_strings({"a": {"b": "marked-value"}}, extra_paths=["a.b"]) == ["marked-value"]
    assert secret_strings({"a": {"b": "marked-value"}}) == []


def test_results_failures_and_diffs_never_hold_the_secret():
    values = {"controlPlane": {"backingStore": {"database": {"external": {"enabled": True, "dataSource": DSN}}}}}
    ok = evaluate(dict(BASE, values=values, diff_against={"controlPlane": {}}), with_diff=True)
    assert "Sup3r-S3cret-pw" not in json.dumps(ok.result)
    assert "Sup3r-S3cret-pw" in ok.values_yaml  # only the file for Helm holds it
    failing = dict(values)
    failing["controlPlane"] = dict(
        values["controlPlane"], statefulSet={"security": {"containerSecurityContext": {"runAsUser": 0}}}
    )
    bad = evaluate(dict(BASE, values=failing))
    assert bad.failure and "Sup3r-S3cret-pw" not in bad.failure + json.dumps(bad.result)


def test_legacy_k3s_token_is_masked_in_an_upgrade():
    previous, _findings, _meta = render_values(
        name="t1", namespace="tenant-a", chart_version="0.19.10", distro="k3s", values={"k3sToken": "legacy-token-abc"}
    )
    outcome = evaluate(
        dict(BASE, chart_version="0.32.3", distro="k3s", previous_values=previous, previous_chart_version="0.19.10"),
        with_diff=True,
    )
    assert outcome.failure is None, outcome.failure
    assert "legacy-token-abc" in outcome.values_yaml
    assert "legacy-token-abc" not in json.dumps(outcome.result) + (outcome.failure or "")


def test_an_upgrade_without_a_distro_keeps_the_deployed_one_while_the_chart_ships_it():
    previous, _findings, _meta = render_values(name="t1", namespace="tenant-a", chart_version="0.19.10", distro="k3s")
    kept = evaluate(dict(BASE, chart_version="0.32.3", previous_values=previous, previous_chart="vcluster-0.19.10"))
    assert kept.failure is None and kept.result["distro"] == "k3s"
    switched = evaluate(
        dict(BASE, chart_version="0.32.3", distro="k8s", previous_values=previous, previous_chart="vcluster-0.19.10")
    )
    assert "upgrade-refused" in switched.failure
