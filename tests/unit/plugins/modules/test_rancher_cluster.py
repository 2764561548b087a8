# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""tenancy.vcluster.rancher_cluster against the Rancher stand-in: idempotency, check mode, diff, secrets."""

import json
import os
import stat

import pytest
import yaml

from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher import cluster as cluster_utils
from ansible_collections.tenancy.vcluster.plugins.modules import rancher_cluster
from ansible_collections.tenancy.vcluster.tests.rancher_standin import RancherStandin
from ansible_collections.tenancy.vcluster.tests.unit.plugins.modules.utils import patch_module_args


def run_module(module, capsys, standin, **args):
    args.setdefault("rancher_url", standin.url)
    args.setdefault("rancher_token", standin.token)
    if standin.ca_path:
        args.setdefault("rancher_ca_path", standin.ca_path)
    with patch_module_args(args), pytest.raises(SystemExit) as exit_info:
        module.main()
    out = capsys.readouterr().out
    return exit_info.value.code, json.loads(out), out


VM = "rancher.io/imported-cluster-version-management"


WARNED = []


def warnings_of(result):
    """Warnings of the last run (captured at AnsibleModule.warn: with controller code imported, ansible-core
    2.19 sends module warnings to the display instead of the result)."""
    return list(WARNED)


@pytest.fixture(autouse=True)
def fast_polls(monkeypatch):
    WARNED[:] = []
    monkeypatch.setattr(rancher_cluster.AnsibleModule, "warn", lambda self, msg, *a, **kw: WARNED.append(msg))
    monkeypatch.setattr(cluster_utils, "POLL_INTERVAL", 0.01)
    # longer than the stand-in's v1_cache_lag (2 s), as the module's hold is longer than the real server's lag
    monkeypatch.setattr(cluster_utils, "V1_SETTLE_HOLD", 3.0)
    monkeypatch.setattr(cluster_utils, "TOKEN_GRACE", 2.0)


# Rancher's timing, compressed: controllers every 20 ms, the Connected ticker every 50 ms (15 s upstream).
FAST = {"controller_interval": 0.02, "connect_interval": 0.05, "agent_poll_interval": 0.02}


@pytest.fixture
def standin(request):
    kwargs = dict(FAST, **getattr(request, "param", {}))
    with RancherStandin(**kwargs) as server:
        yield server


def run(capsys, standin, **args):
    return run_module(rancher_cluster, capsys, standin, **args)


def test_create_is_idempotent_and_returns_masked_registration(capsys, standin):
    code, result, out = run(capsys, standin, name="vc-a", labels={"team": "a"})
    assert code == 0, result
    assert result["changed"] is True
    cluster = result["cluster"]
    assert cluster["id"].startswith("c-") and cluster["name"] == "vc-a"
    assert cluster["state"] == "pending" and cluster["driver"] == ""
    assert cluster["labels"]["team"] == "a"
    assert VM not in cluster["annotations"]  # no driver yet: the annotation is for k3s/rke2 clusters only
    token = standin.state.crts["%s:default-token" % cluster["id"]]["token"]
    assert token not in out  # masked everywhere
    reg = result["registration"]
    assert reg["manifest_url"].startswith(standin.url + "/v3/import/")
    assert reg["manifest_url"].endswith("_%s.yaml" % cluster["id"])
    assert "********" in reg["command"] and reg["built"] is False
    assert standin.token not in out

    writes = len(standin.writes())
    code, result, _unused = run(capsys, standin, name="vc-a", labels={"team": "a"})
    assert (code, result["changed"]) == (0, False)
    assert len(standin.writes()) == writes  # the second run writes nothing


def test_check_mode_makes_no_write(capsys, standin):
    code, result, _unused = run(capsys, standin, name="vc-a", _ansible_check_mode=True, _ansible_diff=True)
    assert (code, result["changed"]) == (0, True)
    assert result["cluster"] == {} and result["registration"] == {}
    assert result["diff"]["before"] == {} and result["diff"]["after"]["name"] == "vc-a"
    assert standin.writes() == []
    # Existing cluster whose token was never read: no registration token POST in check mode either.
    run(capsys, standin, name="vc-b", wait="none")
    before = len(standin.writes())
    code, result, _unused = run(
        capsys, standin, name="vc-b", labels={"x": "y"}, _ansible_check_mode=True, _ansible_diff=True
    )
    assert result["changed"] is True
    assert result["diff"]["after"]["labels"]["x"] == "y" and "x" not in result["diff"]["before"]["labels"]
    assert len(standin.writes()) == before


def test_update_labels_annotations_env_and_diff(capsys, standin):
    run(capsys, standin, name="vc-a", labels={"a": "1"})
    code, result, _unused = run(
        capsys,
        standin,
        name="vc-a",
        labels={"b": "2"},
        annotations={"note": "x"},
        agent_env_vars=[{"name": "HTTPS_PROXY", "value": "http://proxy:3128"}],
        _ansible_diff=True,
    )
    assert (code, result["changed"]) == (0, True)
    # unmanaged keys are kept, Rancher's own too (the PUT replaces the labels, so the module sends them all)
    assert result["cluster"]["labels"] == {"a": "1", "b": "2", "cattle.io/creator": "norman"}
    assert result["cluster"]["annotations"]["note"] == "x"
    assert result["cluster"]["agent_env_vars"] == [{"name": "HTTPS_PROXY", "value": "http://proxy:3128"}]
    assert result["diff"]["before"]["agent_env_vars"] == []
    code, result, _unused = run(
        capsys,
        standin,
        name="vc-a",
        labels={"b": "2"},
        annotations={"note": "x"},
        agent_env_vars=[{"name": "HTTPS_PROXY", "value": "http://proxy:3128"}],
    )
    assert result["changed"] is False


def test_customization_replace_removes_keys(capsys, standin):
    custom = {
        "appendTolerations": [{"key": "k", "operator": "Exists"}],
        "overrideResourceRequirements": {"requests": {"cpu": "50m"}},
    }
    run(capsys, standin, name="vc-a", cluster_agent_deployment_customization=custom)
    smaller = {"overrideResourceRequirements": {"requests": {"cpu": "50m"}}}
    code, result, _unused = run(capsys, standin, name="vc-a", cluster_agent_deployment_customization=smaller)
    assert (code, result["changed"]) == (0, True)
    assert result["cluster"]["cluster_agent_deployment_customization"] == smaller
    assert any(q == "_replace=true" for m, p, q in standin.requests("PUT"))
    code, result, _unused = run(capsys, standin, name="vc-a", cluster_agent_deployment_customization=smaller)
    assert result["changed"] is False


@pytest.mark.parametrize("standin", [{"profile": "2.6"}], indirect=True)
def test_customization_fails_clearly_on_rancher_2_6(capsys, standin):
    custom = {"appendTolerations": []}
    code, result, _unused = run(capsys, standin, name="vc-a", cluster_agent_deployment_customization=custom)
    assert code == 1
    assert "needs Rancher 2.7.5" in result["msg"]
    assert standin.writes() == []


@pytest.mark.parametrize("standin", [{"profile": "2.7"}], indirect=True)
def test_no_version_management_annotation_before_2_11(capsys, standin):
    _unused, result, _unused = run(capsys, standin, name="vc-a")
    assert VM not in result["cluster"]["annotations"]
    standin.connect(result["cluster"]["id"], version="v1.30.4+k3s1")
    _code, result, _unused = run(capsys, standin, name="vc-a", wait="active", wait_timeout=5)
    assert result["cluster"]["driver"] == "k3s"
    assert any("system-upgrade-controller" in w for w in warnings_of(result))


def test_wait_active_after_agent_connects(capsys, standin):
    code, result, _unused = run(capsys, standin, name="vc-a")
    cid = result["cluster"]["id"]
    standin.connect(cid)
    code, result, _unused = run(capsys, standin, name="vc-a", wait="active", wait_timeout=10)
    assert code == 0, result
    assert result["cluster"]["state"] == "active" and result["cluster"]["driver"] == "imported"
    assert result["cluster"]["connected"] and result["cluster"]["ready"]
    assert result["changed"] is False


def test_wait_connected_times_out_with_message(capsys, standin):
    # long enough for the token controller's three passes on a loaded machine, then no agent ever connects
    code, result, _unused = run(capsys, standin, name="vc-a", wait="connected", wait_timeout=4)
    assert code == 1
    assert "is not connected" in result["msg"] and "cattle-cluster-agent" in result["msg"]
    assert result["error"]["code"] == "Timeout"


def test_agent_check_hook_connects_when_manifest_objects_exist(capsys):
    seen = {}

    def check(cluster_id, token, server_url):
        seen[cluster_id] = token
        return {"version": "v1.33.1"} if seen.get("applied") else None

    with RancherStandin(agent_check=check, **FAST) as standin:
        _unused, result, _unused = run(capsys, standin, name="vc-a", wait="none")
        cid = result["cluster"]["id"]
        assert standin.cluster(cid)["_phase"] == "pending"
        seen["applied"] = True
        _code, result, _unused = run(capsys, standin, name="vc-a", wait="active", wait_timeout=10)
        assert result["cluster"]["state"] == "active"
        assert seen[cid] == standin.state.crts["%s:default-token" % cid]["token"]


@pytest.mark.parametrize("standin", [{"server_url": ""}], indirect=True)
def test_unset_server_url_builds_manifest_url_and_warns(capsys, standin):
    code, result, _unused = run(capsys, standin, name="vc-a")
    assert code == 0
    reg = result["registration"]
    assert reg["built"] is True
    assert reg["manifest_url"].startswith(standin.url + "/v3/import/********_c-")
    assert any("server-url setting is unset" in w for w in warnings_of(result))


def test_manifest_dest_written_0600_and_idempotent(capsys, standin, tmp_path):
    dest = str(tmp_path / "import.yaml")
    code, result, _unused = run(capsys, standin, name="vc-a", manifest_dest=dest)
    assert code == 0 and result["registration"]["manifest_path"] == dest
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o600
    with open(dest) as handle:
        docs = [d for d in yaml.safe_load_all(handle) if d]
    kinds = [d["kind"] for d in docs]
    assert "Deployment" in kinds and "Namespace" in kinds and "Secret" in kinds
    code, result, _unused = run(capsys, standin, name="vc-a", manifest_dest=dest)
    assert result["changed"] is False


def test_absent_deletes_and_waits_then_is_idempotent(capsys, standin):
    run(capsys, standin, name="vc-a")
    code, result, _unused = run(capsys, standin, name="vc-a", state="absent", _ansible_check_mode=True)
    assert result["changed"] is True and standin.cluster_by_name("vc-a") is not None
    code, result, _unused = run(capsys, standin, name="vc-a", state="absent", wait_timeout=10)
    assert (code, result["changed"]) == (0, True)
    assert standin.cluster_by_name("vc-a") is None
    code, result, _unused = run(capsys, standin, name="vc-a", state="absent")
    assert result["changed"] is False


@pytest.mark.parametrize("standin", [{"forbid_after_delete": True, "delete_after_steps": 4}], indirect=True)
def test_absent_treats_403_after_delete_as_gone(capsys, standin):
    run(capsys, standin, name="vc-a")
    code, result, _unused = run(capsys, standin, name="vc-a", state="absent", wait_timeout=10)
    assert (code, result["changed"]) == (0, True)
    assert any(p.startswith("/v3/clusters/c-") for m, p, q in standin.requests("GET"))


def test_retries_through_503_burst(capsys, standin):
    standin.add_fault(status=503, count=2, path="^/v3/clusters$")
    code, result, _unused = run(capsys, standin, name="vc-a")
    assert code == 0, result
    assert result["changed"] is True


def test_revoked_token_fails_with_hint_and_no_token_in_output(capsys, standin):
    standin.revoke()
    code, result, out = run(capsys, standin, name="vc-a")
    assert code == 1
    assert result["error"]["status"] == 401
    assert "expired, revoked" in result["msg"]
    assert standin.token.split(":")[1] not in out


def test_scoped_token_cannot_create(capsys, standin):
    scoped = standin.new_token(cluster_id="c-other")
    code, result, _unused = run(capsys, standin, name="vc-a", rancher_token=scoped)
    assert code == 1 and "scoped to one cluster" in result["msg"]


def test_v1_api_create_update_delete(capsys, standin):
    code, result, _unused = run(capsys, standin, name="vc-v1", api="v1", labels={"team": "a"})
    assert code == 0, result
    assert result["changed"] is True
    assert result["cluster"]["id"].startswith("c-m-") and result["cluster"]["v1_id"] == "fleet-default/vc-v1"
    assert result["cluster"]["labels"]["team"] == "a"  # copied from v1 onto mgmt
    code, result, _unused = run(capsys, standin, name="vc-v1", api="v1", labels={"team": "a"})
    assert result["changed"] is False, result.get("diff")
    env = [{"name": "A", "value": "1"}]
    code, result, _unused = run(capsys, standin, name="vc-v1", api="v1", labels={"team": "a"}, agent_env_vars=env)
    assert result["changed"] is True
    assert result["cluster"]["agent_env_vars"] == env  # 2.12: written to the mgmt cluster
    code, result, _unused = run(capsys, standin, name="vc-v1", api="v1", labels={"team": "a"}, agent_env_vars=env)
    assert result["changed"] is False
    code, result, _unused = run(capsys, standin, name="vc-v1", api="v1", state="absent", wait_timeout=10)
    assert (code, result["changed"]) == (0, True)
    assert standin.state.v1 == {} and standin.cluster_by_name("vc-v1") is None


@pytest.mark.parametrize("standin", [{"profile": "2.7"}], indirect=True)
def test_v1_api_on_2_7_writes_agent_settings_to_v1(capsys, standin):
    env = [{"name": "A", "value": "1"}]
    run(capsys, standin, name="vc-v1", api="v1")
    _unused, result, _unused = run(capsys, standin, name="vc-v1", api="v1", agent_env_vars=env)
    assert result["changed"] is True
    assert standin.state.v1["vc-v1"]["spec"]["agentEnvVars"] == env
    assert result["cluster"]["agent_env_vars"] == env  # reconciled onto the mgmt cluster
    _code, result, _unused = run(capsys, standin, name="vc-v1", api="v1", agent_env_vars=env)
    assert result["changed"] is False


def test_tls_with_pinned_ca(capsys):
    with RancherStandin(tls=True, **FAST) as standin:
        code, result, _unused = run(capsys, standin, name="vc-a")
        assert code == 0, result
        assert result["registration"]["manifest_url"].startswith("https://127.0.0.1:")
    with RancherStandin(tls=True, **FAST) as standin:
        code, result, _unused = run(capsys, standin, name="vc-a", rancher_ca_path=None)
        assert code == 1 and result["error"]["code"] == "TLSError"
        assert "rancher_ca_path" in result["msg"]


# -- what a real Rancher does differently ---------------------------------------------------------------
def test_v3_update_carries_the_name_the_store_requires(capsys, standin):
    run(capsys, standin, name="vc-a")
    code, result, _unused = run(capsys, standin, name="vc-a", annotations={"note": "x"})
    assert code == 0, result  # a PUT without name is 422 MissingRequired "Cluster name"
    assert result["cluster"]["annotations"]["note"] == "x"
    assert [q for _m, p, q in standin.requests("PUT") if p.startswith("/v3/clusters/")] == [""]


def test_protected_label_change_fails_before_any_write(capsys, standin):
    run(capsys, standin, name="vc-a")
    writes = len(standin.writes())
    code, result, _unused = run(capsys, standin, name="vc-a", labels={"cattle.io/creator": "me"})
    assert code == 1
    assert "cattle.io/creator" in result["msg"] and "keep their value on update" in result["msg"]
    assert len(standin.writes()) == writes


def test_version_management_only_for_k3s_driven_clusters(capsys, standin):
    _code, result, _unused = run(capsys, standin, name="vc-k8s")
    standin.connect(result["cluster"]["id"], version="v1.34.4")
    _code, result, _unused = run(capsys, standin, name="vc-k8s", wait="connected", wait_timeout=10)
    assert result["cluster"]["driver"] == "imported" and VM not in result["cluster"]["annotations"]
    assert result["changed"] is False

    _code, result, _unused = run(capsys, standin, name="vc-k3s")
    cid = result["cluster"]["id"]
    standin.connect(cid, version="v1.33.4+k3s1")
    _code, result, _unused = run(capsys, standin, name="vc-k3s", wait="connected", wait_timeout=10)
    assert result["cluster"]["driver"] == "k3s"
    assert result["cluster"]["annotations"][VM] == "false" and result["changed"] is True
    _code, result, _unused = run(capsys, standin, name="vc-k3s")
    assert result["changed"] is False
    _code, result, _unused = run(capsys, standin, name="vc-k3s", annotations={VM: "true"})
    assert result["changed"] is True and standin.cluster(cid)["annotations"][VM] == "true"


def test_v1_api_from_2_11_writes_labels_to_the_management_cluster(capsys, standin):
    code, result, _unused = run(capsys, standin, name="vc-v1", api="v1", labels={"team": "a"})
    assert code == 0, result
    cid = result["cluster"]["id"]
    code, result, _unused = run(capsys, standin, name="vc-v1", api="v1", labels={"team": "b"}, annotations={"n": "1"})
    assert (code, result["changed"]) == (0, True), result
    mgmt = standin.cluster(cid)
    assert mgmt["labels"]["team"] == "b" and mgmt["annotations"]["n"] == "1"  # the source of truth
    assert standin.state.v1["vc-v1"]["metadata"]["labels"] == {"team": "a"}  # not copied back by Rancher
    code, result, _unused = run(capsys, standin, name="vc-v1", api="v1", labels={"team": "b"}, annotations={"n": "1"})
    assert result["changed"] is False


SCHEDULING = {
    "schedulingCustomization": {
        "podDisruptionBudget": {"minAvailable": "1"},
        "priorityClass": {"value": 1000, "preemptionPolicy": "Never"},
    }
}


def test_scheduling_customization_needs_the_feature_flag_read_before_any_write(capsys, standin):
    run(capsys, standin, name="vc-a")
    writes = len(standin.writes())
    code, result, _unused = run(capsys, standin, name="vc-a", cluster_agent_deployment_customization=SCHEDULING)
    assert code == 1
    assert "cluster-agent-scheduling-customization" in result["msg"] and "off" in result["msg"]
    assert len(standin.writes()) == writes
    assert ("GET", "/v3/features/cluster-agent-scheduling-customization", "") in standin.requests("GET")
    standin.set_feature("cluster-agent-scheduling-customization", True)
    code, result, _unused = run(capsys, standin, name="vc-a", cluster_agent_deployment_customization=SCHEDULING)
    assert (code, result["changed"]) == (0, True), result
    assert result["cluster"]["cluster_agent_deployment_customization"] == SCHEDULING


def test_customization_compared_in_rancher_canonical_form(capsys, standin):
    custom = {"overrideResourceRequirements": {"requests": {"cpu": "0.1", "memory": "0.5Gi"}, "limits": {"cpu": 1}},
              "appendTolerations": [{"key": "dedicated", "operator": "Exists", "value": ""}]}
    code, result, _unused = run(capsys, standin, name="vc-a", cluster_agent_deployment_customization=custom)
    assert code == 0, result
    stored = standin.cluster(result["cluster"]["id"])["clusterAgentDeploymentCustomization"]
    assert stored["overrideResourceRequirements"] == {"requests": {"cpu": "100m", "memory": "512Mi"},
                                                      "limits": {"cpu": "1"}}
    writes = len(standin.writes())
    code, result, _unused = run(capsys, standin, name="vc-a", cluster_agent_deployment_customization=custom)
    assert (code, result["changed"]) == (0, False)
    assert len(standin.writes()) == writes


@pytest.mark.parametrize(
    "custom, env, words",
    [
        ({"appendTolerations": [{"operator": "Exists"}]}, None, "appendTolerations[0].key"),
        ({"overrideAffinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
            {"labelSelector": {"matchExpressions": [{"key": "app", "operator": "In"}]}, "topologyKey": "x"}]}}},
         None, "values must be non-empty"),
        ({"schedulingCustomization": {"podDisruptionBudget": {"minAvailable": "1", "maxUnavailable": "1"}}}, None,
         "minAvailable and maxUnavailable"),
        ({"schedulingCustomization": {"priorityClass": {"value": 2000000000}}}, None, "between -1000000000"),
        ({"overrideResourceRequirements": {"requests": {"cpu": "lots"}}}, None, "is not a quantity"),
        (None, [{"name": "NO_PROXY", "value": "a.example, b.example"}], "contains spaces"),
    ],
)
def test_what_rancher_refuses_fails_before_any_write(capsys, standin, custom, env, words):
    standin.set_feature("cluster-agent-scheduling-customization", True)
    args = {"cluster_agent_deployment_customization": custom} if custom else {"agent_env_vars": env}
    code, result, _unused = run(capsys, standin, name="vc-a", **args)
    assert code == 1 and words in result["msg"], result["msg"]
    assert standin.writes() == []


def test_registration_waits_for_the_commands_rancher_fills_after_the_token(capsys):
    with RancherStandin(controller_interval=0.3) as standin:
        code, result, _unused = run(capsys, standin, name="vc-a")
        assert code == 0, result
        assert result["registration"]["built"] is False  # not built here although the token came first
        assert result["registration"]["manifest_url"].startswith(standin.url + "/v3/import/")


@pytest.mark.parametrize("standin", [{"server_url": ""}], indirect=True)
def test_unset_server_url_is_explained_and_active_is_refused_at_once(capsys, standin):
    code, result, _unused = run(capsys, standin, name="vc-a")
    assert code == 0 and result["server_url"] == ""
    assert any("points the agent at the URL it was fetched from" in w and "will not become active" in w
               for w in warnings_of(result))
    code, result, _unused = run(capsys, standin, name="vc-a", wait="active", wait_timeout=600)
    assert code == 1 and result["error"]["code"] == "ServerURLUnset"


@pytest.mark.parametrize("standin", [{"page_size": 2}], indirect=True)
def test_clusters_beyond_the_first_page_are_found(capsys, standin):
    for index in range(5):
        run(capsys, standin, name="vc-%d" % index, wait="none")
    for index in range(5):
        code, result, _unused = run(capsys, standin, name="VC-%d" % index, wait="none")
        assert (code, result["changed"]) == (0, False), result
    assert len(standin.state.clusters) == 6  # and Rancher's own "local"
    assert any("marker=" in q for _m, _p, q in standin.requests("GET"))
