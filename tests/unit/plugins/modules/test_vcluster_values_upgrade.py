# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tenancy.vcluster.vcluster_values upgrade options: previous_values / previous_chart_version / previous_distro."""

import json

import pytest

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.render import render_values
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.values_tree import get_path
from ansible_collections.tenancy.vcluster.plugins.modules import vcluster_values
from ansible_collections.tenancy.vcluster.tests.unit.plugins.modules.utils import patch_module_args

MAP_SERVICES = {"from_host": [{"from": "tenant-a/db", "to": "default/db"}]}


def run(capsys, **args):
    args.setdefault("name", "t1")
    args.setdefault("namespace", "tenant-a")
    with patch_module_args(args), pytest.raises(SystemExit) as exc:
        vcluster_values.main()
    return json.loads(capsys.readouterr().out), exc.value.code


def legacy_deployed():
    values, findings, _meta = render_values(
        "t1", "tenant-a", "0.19.10", distro="k3s", map_services=MAP_SERVICES, values={"syncer": {"extraArgs": []}}
    )
    assert findings == []
    return values


def test_legacy_k3s_release_upgrades_to_032_with_settings_carried_over(capsys):
    result, code = run(
        capsys,
        chart_version="0.32.3",
        distro="k3s",
        map_services=MAP_SERVICES,
        previous_values=legacy_deployed(),
        previous_chart_version="0.19.10",
        previous_distro="k3s",
    )
    assert code == 0, result.get("msg")
    assert result["migration"]["converted"] is True and result["migration"]["refused"] == []
    values = result["values"]
    assert "isolation" not in values and "securityContext" not in values
    assert get_path(values, "controlPlane.distro.k3s.enabled") is True
    assert get_path(values, "policies.resourceQuota.enabled") is True
    assert get_path(values, "networking.replicateServices.fromHost") == [{"from": "tenant-a/db", "to": "default/db"}]
    assert get_path(values, "controlPlane.statefulSet.security.containerSecurityContext.runAsUser") == 12345


def test_second_upgrade_on_the_same_version_is_stable(capsys):
    first, _code = run(
        capsys,
        chart_version="0.32.3",
        distro="k3s",
        previous_values=legacy_deployed(),
        previous_chart_version="0.19.10",
    )
    second, code = run(
        capsys, chart_version="0.32.3", distro="k3s", previous_values=first["values"], previous_chart_version="0.32.3"
    )
    assert code == 0
    assert second["values"] == first["values"]
    assert second["migration"]["converted"] is False


def test_legacy_k3s_to_036_fails_as_a_distro_change(capsys):
    result, code = run(
        capsys,
        chart_version="0.36.1",
        previous_values=legacy_deployed(),
        previous_chart_version="0.19.10",
        previous_distro="k3s",
    )
    assert code == 1
    assert "upgrade-refused" in result["msg"] and "distro" in result["msg"]


def test_legacy_values_in_the_inventory_are_converted_with_a_note(capsys):
    result, code = run(
        capsys,
        chart_version="0.32.3",
        distro="k3s",
        values={"isolation": {"resourceQuota": {"quota": {"count/pods": 9}}}},
        previous_values=legacy_deployed(),
        previous_chart_version="0.19.10",
    )
    assert code == 0, result.get("msg")
    assert get_path(result["values"], "policies.resourceQuota.quota")["count/pods"] == 9
    assert any("update vcluster_values" in note for note in result["migration"]["notes"])


def test_previous_values_need_the_previous_version(capsys):
    result, code = run(capsys, chart_version="0.36.1", previous_values={})
    assert code == 1
    assert "previous_chart_version" in result["msg"]


def test_legacy_inventory_values_after_the_conversion_are_ignored_with_a_warning(capsys):
    legacy_values = {"isolation": {"resourceQuota": {"quota": {"count/pods": 9}}}}
    first, _code = run(
        capsys,
        chart_version="0.32.3",
        distro="k3s",
        values=legacy_values,
        previous_values=legacy_deployed(),
        previous_chart_version="0.19.10",
    )
    second, code = run(
        capsys,
        chart_version="0.32.3",
        distro="k3s",
        values=legacy_values,
        previous_values=first["values"],
        previous_chart_version="0.32.3",
    )
    assert code == 0, second.get("msg")
    assert second["values"] == first["values"]
    assert [(f["id"], f["severity"]) for f in second["findings"]] == [("values-dialect", "warning")]
    assert second["migration"]["refused"] == []
