# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""tenancy.vcluster.rancher_project against the Rancher stand-in: find-or-create, idempotency, check mode."""

import json

import pytest

from ansible_collections.tenancy.vcluster.plugins.modules import rancher_project
from ansible_collections.tenancy.vcluster.tests.rancher_standin import RancherStandin
from ansible_collections.tenancy.vcluster.tests.unit.plugins.modules.utils import patch_module_args


@pytest.fixture
def standin():
    with RancherStandin() as server:
        server.cid = server.state.new_cluster({"name": "host"})["id"]
        server.make_active(server.cid)
        yield server


def run(capsys, standin, **args):
    args.setdefault("rancher_url", standin.url)
    args.setdefault("rancher_token", standin.token)
    args.setdefault("cluster_id", standin.cid)
    with patch_module_args(args), pytest.raises(SystemExit) as exit_info:
        rancher_project.main()
    out = capsys.readouterr().out
    return exit_info.value.code, json.loads(out)


def test_create_then_find(capsys, standin):
    code, result = run(capsys, standin, name="tenants", description="tenant vclusters")
    assert (code, result["changed"]) == (0, True), result
    project = result["project"]
    assert project["id"].startswith(standin.cid + ":p-")
    assert project["cluster_id"] == standin.cid and project["name"] == "tenants"
    assert project["backing_namespace"] == project["id"].replace(":", "-")  # 2.12 profile
    writes = len(standin.writes())
    code, result = run(capsys, standin, name="tenants", description="tenant vclusters")
    assert (code, result["changed"], result["project"]["id"]) == (0, False, project["id"])
    assert result["project"]["state"] == "active"
    assert len(standin.writes()) == writes


def test_finds_default_project(capsys, standin):
    code, result = run(capsys, standin, name="Default")
    assert (code, result["changed"]) == (0, False)
    assert standin.writes() == []


def test_check_mode_and_diff_without_writes(capsys, standin):
    code, result = run(capsys, standin, name="tenants", _ansible_check_mode=True, _ansible_diff=True)
    assert (code, result["changed"], result["project"]) == (0, True, {})
    assert result["diff"] == {"before": {}, "after": {"name": "tenants", "description": ""}}
    run(capsys, standin, name="tenants")
    before = len(standin.writes())
    code, result = run(capsys, standin, name="tenants", description="new", _ansible_check_mode=True, _ansible_diff=True)
    assert result["changed"] is True and result["diff"]["after"]["description"] == "new"
    code, result = run(capsys, standin, name="tenants", state="absent", _ansible_check_mode=True)
    assert result["changed"] is True
    assert len(standin.writes()) == before


def test_update_description_and_delete(capsys, standin):
    run(capsys, standin, name="tenants", description="old")
    code, result = run(capsys, standin, name="tenants", description="new")
    assert (code, result["changed"], result["project"]["description"]) == (0, True, "new")
    code, result = run(capsys, standin, name="tenants", state="absent")
    assert (code, result["changed"]) == (0, True)
    code, result = run(capsys, standin, name="tenants", state="absent")
    assert (code, result["changed"]) == (0, False)


def test_ambiguous_name_fails_with_ids(capsys, standin):
    standin.state.new_project({"name": "dup", "clusterId": standin.cid})
    standin.state.new_project({"name": "dup", "clusterId": standin.cid})
    code, result = run(capsys, standin, name="dup")
    assert code == 1 and "use the project id" in result["msg"]


def test_unknown_cluster_fails_with_reference_error(capsys, standin):
    code, result = run(capsys, standin, name="tenants", cluster_id="c-nope0")
    assert code == 1
    assert result["error"]["status"] == 422 and result["error"]["code"] == "InvalidReference"


def test_readonly_user_gets_permission_hint(capsys, standin):
    token = standin.new_token(role="user")
    code, result = run(capsys, standin, name="tenants", rancher_token=token)
    assert code == 1 and result["error"]["status"] == 403
    assert "Manage Projects" in result["msg"]
