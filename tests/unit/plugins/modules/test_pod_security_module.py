# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tenancy.vcluster.pod_security: options, verdict and failure behaviour of main()."""

import json

import pytest

from ansible_collections.tenancy.vcluster.plugins.modules import pod_security
from ansible_collections.tenancy.vcluster.tests.unit.plugins.modules.utils import patch_module_args

HARDENED_POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web", "namespace": "tenant-a"},
    "spec": {
        "securityContext": {"runAsNonRoot": True, "runAsUser": 12345, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [
            {
                "name": "web",
                "image": "nginx",
                "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
            }
        ],
    },
}

RECIPE_STATEFULSET_YAML = """
apiVersion: v1
kind: Service
metadata: {name: tenant-a}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: tenant-a
  namespace: tenant-a
spec:
  template:
    spec:
      securityContext:
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: syncer
          securityContext:
            allowPrivilegeEscalation: false
            runAsNonRoot: true
            runAsUser: 12345
            capabilities:
              drop: [all]
---
"""


def run(capsys, **args):
    """Run main() with module args; return (exit code, parsed result)."""
    with patch_module_args(args), pytest.raises(SystemExit) as exit_info:
        pod_security.main()
    return exit_info.value.code, json.loads(capsys.readouterr().out)


def test_hardened_objects_are_allowed(capsys):
    code, result = run(capsys, manifests=[HARDENED_POD])
    assert code == 0
    assert result["allowed"] is True
    assert result["violations"] == []
    assert result["checked"] == 1
    assert result["changed"] is False


def test_strict_failure_lists_every_violation(capsys):
    code, result = run(capsys, manifests=RECIPE_STATEFULSET_YAML)
    assert code == 1
    assert result["failed"] is True
    assert result["allowed"] is False
    assert [(v["kind"], v["name"], v["namespace"], v["container"], v["id"]) for v in result["violations"]] == [
        ("StatefulSet", "tenant-a", "tenant-a", "syncer", "pss-capabilities")
    ]
    assert result["violations"][0]["path"] == "spec.template.spec.containers[syncer].securityContext.capabilities.drop"
    assert "StatefulSet/tenant-a syncer: capabilities.drop must include 'ALL'" in result["msg"]
    assert "restricted" in result["msg"]


def test_not_strict_reports_without_failing(capsys):
    code, result = run(capsys, manifests=RECIPE_STATEFULSET_YAML, strict=False)
    assert code == 0
    assert "failed" not in result
    assert result["allowed"] is False
    assert [v["id"] for v in result["violations"]] == ["pss-capabilities"]
    assert result["checked"] == 1


def test_baseline_level_ignores_restricted_rules(capsys):
    code, result = run(capsys, manifests=RECIPE_STATEFULSET_YAML, level="baseline")
    assert code == 0
    assert result["allowed"] is True


def test_baseline_violation_fails_at_baseline(capsys):
    pod = json.loads(json.dumps(HARDENED_POD))
    pod["spec"]["hostNetwork"] = True
    code, result = run(capsys, manifests=[pod], level="baseline")
    assert code == 1
    assert result["violations"][0]["path"] == "spec.hostNetwork"
    assert "Pod/web: hostNetwork" in result["msg"]


def test_check_mode_is_supported(capsys):
    code, result = run(capsys, manifests=[HARDENED_POD], _ansible_check_mode=True)
    assert code == 0
    assert result["allowed"] is True
    assert result["changed"] is False


def test_single_object_null_entries_and_yaml_items(capsys):
    code, result = run(capsys, manifests=HARDENED_POD)
    assert (code, result["checked"]) == (0, 1)
    code, result = run(capsys, manifests=[None, {}, HARDENED_POD, "---\n" + json.dumps(HARDENED_POD)])
    assert (code, result["checked"], result["allowed"]) == (0, 2, True)


def test_invalid_yaml_fails_with_clear_message(capsys):
    code, result = run(capsys, manifests="kind: [unclosed")
    assert code == 1
    assert result["msg"].startswith("manifests: manifests are not valid YAML")


def test_unsupported_manifest_item_fails(capsys):
    code, result = run(capsys, manifests=[42])
    assert code == 1
    assert "manifests must be objects or YAML text" in result["msg"]


def test_unknown_level_is_rejected(capsys):
    code, result = run(capsys, manifests=[HARDENED_POD], level="privileged")
    assert code == 1
    assert "level" in result["msg"]
