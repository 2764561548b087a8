# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Rancher stand-in itself: endpoints, error bodies, state machine, profiles, fault injection."""

import base64
import json
import time
import urllib.error
import urllib.request

import pytest
import yaml

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.pod_security import check_manifests
from ansible_collections.tenancy.vcluster.tests.rancher_standin import RancherStandin
from ansible_collections.tenancy.vcluster.tests.rancher_standin.manifest import token_key


class Api:
    def __init__(self, standin, token=None):
        self.standin = standin
        self.token = token or standin.token

    def call(self, method, path, body=None, auth=True, timeout=10):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.standin.url + path, data=data, method=method)
        if auth:
            req.add_header("Authorization", "Bearer " + self.token)
        if data:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                text = resp.read().decode()
                ctype = resp.headers.get("Content-Type")
                status = resp.status
        except urllib.error.HTTPError as err:
            text, ctype, status = err.read().decode(), err.headers.get("Content-Type"), err.code
        try:
            return status, json.loads(text), ctype
        except ValueError:
            return status, text, ctype


# Controllers run only when a test says so (step / connected_tick), so every transition is observed.
MANUAL = {"controller_interval": 3600, "connect_interval": 3600}


@pytest.fixture
def standin(request):
    with RancherStandin(**dict(MANUAL, **getattr(request, "param", {}))) as server:
        yield server


@pytest.fixture
def api(standin):
    return Api(standin)


def create(api, name="vc-a", **extra):
    status, body, _unused = api.call("POST", "/v3/clusters", dict({"type": "cluster", "name": name}, **extra))
    assert status == 201, body
    return body


ENV = "/v3/schemas/envVar"  # Norman tags nested objects with their schema


def conds(obj):
    return {c["type"]: c["status"] for c in obj["conditions"]}


def test_ping_settings_and_login(api, standin):
    assert api.call("GET", "/ping", auth=False)[:2] == (200, "pong")
    assert api.call("GET", "/v3/settings/server-version")[1]["value"] == "v2.12.1"
    assert api.call("GET", "/v3/settings/cacerts", auth=False)[0] == 200
    status, body, _unused = api.call(
        "POST",
        "/v3-public/localProviders/local?action=login",
        {"username": "admin", "password": "admin-password"},
        auth=False,
    )
    assert status == 201 and body["token"].startswith("token-")
    status, body, _unused = Api(standin, body["token"]).call("POST", "/v3/tokens", {"type": "token", "ttl": 0})
    assert status == 201 and ":" in body["token"]
    assert api.call("PUT", "/v3/settings/server-url", {"value": "https://r.example"})[1]["value"] == "https://r.example"


def test_error_bodies_follow_rancher(api, standin):
    status, body, _unused = Api(standin, "token-zzzzz:nope").call("GET", "/v3/clusters")
    assert status == 401 and body == {"type": "error", "status": "401", "message": "must authenticate"}
    status, body, _unused = api.call("GET", "/v3/clusters/c-nope1")
    assert status == 404
    assert body["type"] == "error" and body["baseType"] == "error" and body["status"] == 404
    assert body["code"] == "NotFound"
    create(api)
    status, body, _unused = api.call("POST", "/v3/clusters", {"name": "VC-A"})
    assert (status, body["code"], body["fieldName"]) == (422, "NotUnique", "Cluster name")
    status, body, _unused = api.call("POST", "/v3/clusters", {"name": ""})
    assert (status, body["code"]) == (422, "MissingRequired")
    status, body, _unused = api.call("GET", "/v1/provisioning.cattle.io.clusters/fleet-default/nope")
    assert status == 404 and body["status"] == 404 and "baseType" not in body


def test_scoped_token_only_reaches_its_cluster(api, standin):
    cid = create(api)["id"]
    scoped = Api(standin, standin.new_token(cluster_id=cid))
    assert scoped.call("GET", "/v3/clusters/%s" % cid)[0] == 200
    status, body, _unused = scoped.call("GET", "/v3/clusters")
    assert status == 401 and body["status"] == "401" and body["message"] == "clusterID does not match"


def test_cluster_state_machine(api, standin):
    cluster = create(api)
    cid = cluster["id"]
    assert cid.startswith("c-") and len(cid) == 7
    assert cluster["state"] == "pending" and cluster["driver"] == ""
    assert conds(cluster) == {"Pending": "Unknown", "Provisioned": "Unknown", "Waiting": "Unknown"}
    assert cluster["labels"] == {"cattle.io/creator": "norman"}
    assert cluster["links"]["clusterRegistrationTokens"].endswith("/clusterregistrationtokens")
    standin.connected_tick()
    obj = api.call("GET", "/v3/clusters/" + cid)[1]
    assert obj["state"] == "pending" and conds(obj)["Connected"] == "False"  # never connected
    standin.connect(cid)
    obj = api.call("GET", "/v3/clusters/" + cid)[1]
    assert obj["driver"] == "imported" and conds(obj)["Connected"] == "False"  # the 15 s ticker has not run
    standin.step(3)
    assert api.call("GET", "/v3/clusters/" + cid)[1]["state"] == "pending"  # nothing moves without Connected
    standin.connected_tick()
    standin.step()
    obj = api.call("GET", "/v3/clusters/" + cid)[1]
    assert (obj["state"], conds(obj)["Connected"], conds(obj)["Provisioned"]) == ("provisioning", "True", "True")
    standin.step()
    assert api.call("GET", "/v3/clusters/" + cid)[1]["state"] == "waiting"
    assert api.call("GET", "/v3/clusters/" + cid)[1]["state"] == "waiting"  # reads move nothing
    standin.step(2)
    obj = api.call("GET", "/v3/clusters/" + cid)[1]
    assert obj["state"] == "active" and conds(obj)["Ready"] == "True"
    names = sorted(p["name"] for p in api.call("GET", "/v3/projects?clusterId=" + cid)[1]["data"])
    assert names == ["Default", "System"]
    standin.disconnect(cid)
    assert api.call("GET", "/v3/clusters/" + cid)[1]["state"] == "active"  # until the ticker notices
    standin.connected_tick()
    obj = api.call("GET", "/v3/clusters/" + cid)[1]
    assert (obj["state"], obj["transitioning"]) == ("unavailable", "error")
    ready = next(c for c in obj["conditions"] if c["type"] == "Ready")
    assert ready["reason"] == "Disconnected"
    status, obj, _unused = api.call("DELETE", "/v3/clusters/" + cid)
    assert status == 200 and obj["state"] == "removing"
    standin.step(2)
    assert api.call("GET", "/v3/clusters/" + cid)[0] == 404


@pytest.mark.parametrize("standin", [{"server_url": ""}], indirect=True)
def test_agent_is_not_deployed_while_server_url_is_unset(api, standin):
    cid = create(api)["id"]
    standin.connect(cid)
    standin.connected_tick()
    standin.step(4)
    obj = api.call("GET", "/v3/clusters/" + cid)[1]
    assert obj["state"] == "provisioning" and obj["transitioningMessage"] == "waiting for server-url setting to be set"
    api.call("PUT", "/v3/settings/server-url", {"value": standin.url})
    standin.step(3)
    assert api.call("GET", "/v3/clusters/" + cid)[1]["state"] == "active"


def test_provisioning_state_after_connect_before_agent_deployed(api, standin):
    cid = create(api)["id"]
    standin.connect(cid)
    standin.connected_tick()
    standin.step()
    assert standin.cluster(cid)["_phase"] == "connected"
    view = api.call("GET", "/v3/clusters?name=vc-a")[1]
    assert view["data"][0]["state"] == "provisioning"


@pytest.mark.parametrize("standin", [{"forbid_after_delete": True, "delete_after_steps": 0}], indirect=True)
def test_403_after_delete(api, standin):
    cid = create(api)["id"]
    api.call("DELETE", "/v3/clusters/" + cid)
    status, body, _unused = api.call("GET", "/v3/clusters/" + cid)
    assert (status, body["code"]) == (403, "PermissionDenied")


def test_k3s_reclassification(api, standin):
    cid = create(api)["id"]
    standin.connect(cid, version="v1.31.2+k3s1")
    obj = api.call("GET", "/v3/clusters/" + cid)[1]
    assert obj["driver"] == "k3s" and obj["k3sConfig"]["kubernetesVersion"] == "v1.31.2+k3s1"
    # the webhook defaults version management for k3s/rke2 clusters only, and checks its value
    assert obj["annotations"]["rancher.io/imported-cluster-version-management"] == "system-default"
    status, body, _unused = api.call("PUT", "/v3/clusters/" + cid, {
        "name": "vc-a", "annotations": {"rancher.io/imported-cluster-version-management": "off"}})
    assert (status, body["code"]) == (400, "BadRequest") and "must be one of the following" in body["message"]


def test_registration_token_appears_in_three_controller_steps(api, standin):
    cid = create(api)["id"]
    path = "/v3/clusterregistrationtokens/%s:default-token" % cid
    assert api.call("GET", path)[0] == 404
    standin.step()
    status, crt, _unused = api.call("GET", path)
    assert status == 200 and crt["token"] == "" and crt["manifestUrl"] == ""
    standin.step()
    crt = api.call("GET", path)[1]
    assert len(crt["token"]) == 54 and crt["manifestUrl"] == ""
    standin.step()
    crt = api.call("GET", path)[1]
    assert crt["manifestUrl"] == "%s/v3/import/%s_%s.yaml" % (standin.url, crt["token"], cid)
    assert crt["command"] == "kubectl apply -f " + crt["manifestUrl"]
    assert crt["insecureCommand"] == "curl --insecure -sfL %s | kubectl apply -f -" % crt["manifestUrl"]
    col = api.call("GET", "/v3/clusters/%s/clusterregistrationtokens" % cid)[1]
    assert col["pagination"]["total"] == 1
    status, extra, _unused = api.call("POST", "/v3/clusterregistrationtokens", {"clusterId": cid})
    assert status == 201 and extra["name"].startswith("crt-") and len(extra["token"]) == 54


@pytest.mark.parametrize("standin", [{"server_url": ""}], indirect=True)
def test_empty_server_url_leaves_commands_empty_until_cluster_changes(api, standin):
    cid = create(api)["id"]
    standin.step(3)
    crt = api.call("GET", "/v3/clusterregistrationtokens/%s:default-token" % cid)[1]
    assert crt["token"] and crt["manifestUrl"] == "" and crt["command"] == ""
    api.call("PUT", "/v3/settings/server-url", {"value": "https://rancher.example"})
    standin.step()
    assert api.call("GET", "/v3/clusterregistrationtokens/%s:default-token" % cid)[1]["manifestUrl"] == ""
    api.call("PUT", "/v3/clusters/" + cid, {"name": "vc-a", "labels": {"touch": "1"}})
    crt = api.call("GET", "/v3/clusterregistrationtokens/%s:default-token" % cid)[1]
    assert crt["manifestUrl"].startswith("https://rancher.example/v3/import/")


@pytest.mark.parametrize("standin", [{"server_url": ""}], indirect=True)
def test_manifest_points_the_agent_at_the_request_root_when_server_url_is_unset(api, standin):
    cid = create(api)["id"]
    standin.step(2)
    token = api.call("GET", "/v3/clusterregistrationtokens/%s:default-token" % cid)[1]["token"]
    text = api.call("GET", "/v3/import/%s_%s.yaml" % (token, cid), auth=False)[1]
    deployment = next(d for d in yaml.safe_load_all(text) if d and d["kind"] == "Deployment")
    env = {e["name"]: e["value"] for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["CATTLE_SERVER"] == standin.url


def test_manifest_objects_and_pod_security(api, standin):
    cid = create(api, agentEnvVars=[{"name": "HTTPS_PROXY", "value": "http://p:3128"}])["id"]
    standin.step(3)
    crt = api.call("GET", "/v3/clusterregistrationtokens/%s:default-token" % cid)[1]
    status, text, ctype = api.call("GET", "/v3/import/%s_%s.yaml" % (crt["token"], cid), auth=False)
    assert status == 200 and ctype == "text/plain"
    docs = [d for d in yaml.safe_load_all(text) if d]
    kinds = [(d["kind"], d["metadata"]["name"]) for d in docs]
    assert ("Namespace", "cattle-system") in kinds and ("ServiceAccount", "cattle") in kinds
    assert ("ClusterRoleBinding", "cattle-admin-binding") in kinds
    assert ("Deployment", "cattle-cluster-agent") in kinds and ("Service", "cattle-cluster-agent") in kinds
    secret = next(d for d in docs if d["kind"] == "Secret")
    assert secret["metadata"]["name"] == "cattle-credentials-" + token_key(standin.url, crt["token"])
    assert base64.b64decode(secret["data"]["token"]).decode() == crt["token"]
    deployment = next(d for d in docs if d["kind"] == "Deployment")
    env = {e["name"]: e["value"] for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["CATTLE_SERVER"] == standin.url and env["HTTPS_PROXY"] == "http://p:3128"
    assert "CATTLE_IS_RKE" not in env and "CATTLE_CREDENTIAL_NAME" in env  # 2.12
    ids = {v["id"] for v in check_manifests(docs, "restricted")}
    assert {"pss-privilege-escalation", "pss-capabilities", "pss-run-as-non-root", "pss-seccomp"} <= ids
    assert check_manifests(docs, "baseline") == []


@pytest.mark.parametrize(
    "profile, version, vm_default, customization",
    [
        ("2.6", "v2.6.14", False, False),
        ("2.7", "v2.7.5", False, True),
        ("2.11", "v2.11.3", True, True),
        ("2.12", "v2.12.1", True, True),
    ],
)
def test_profiles(profile, version, vm_default, customization):
    with RancherStandin(profile=profile) as standin:
        api = Api(standin)
        assert api.call("GET", "/v3/settings/server-version")[1]["value"] == version
        obj = create(api, clusterAgentDeploymentCustomization={"appendTolerations": [{"key": "a"}]})
        assert "rancher.io/imported-cluster-version-management" not in obj["annotations"]  # no driver yet
        standin.connect(obj["id"], version="v1.33.4+k3s1")
        annotations = api.call("GET", "/v3/clusters/" + obj["id"])[1]["annotations"]
        assert ("rancher.io/imported-cluster-version-management" in annotations) is vm_default
        assert ("clusterAgentDeploymentCustomization" in obj) is customization
        project = api.call("POST", "/v3/projects", {"name": "p", "clusterId": obj["id"]})[1]
        status, body, _unused = api.call(
            "POST",
            "/v3/projects/%s?action=setpodsecuritypolicytemplate" % project["id"],
            {"podSecurityPolicyTemplateId": "restricted"},
        )
        if profile == "2.6":
            assert (status, body["code"]) == (422, "InvalidAction")  # no pspEnabled capability
        else:
            assert (status, body["code"]) == (404, "ActionNotAvailable")
        assert ("backingNamespace" in project) is (profile == "2.12")


def test_v3_put_merges_and_replace_replaces(api, standin):
    custom = {"appendTolerations": [{"key": "a"}], "overrideResourceRequirements": {"requests": {"cpu": "1"}}}
    cid = create(api, clusterAgentDeploymentCustomization=custom)["id"]
    status, body, _unused = api.call("PUT", "/v3/clusters/" + cid, {"labels": {"a": "1"}})
    assert (status, body["code"], body["fieldName"]) == (422, "MissingRequired", "Cluster name")
    obj = api.call("PUT", "/v3/clusters/" + cid, {"name": "vc-a",
                                                  "clusterAgentDeploymentCustomization": {"overrideAffinity": {}}})[1]
    merged = {"appendTolerations", "overrideResourceRequirements", "overrideAffinity", "type"}
    assert set(obj["clusterAgentDeploymentCustomization"]) == merged
    obj = api.call(
        "PUT",
        "/v3/clusters/%s?_replace=true" % cid,
        dict(obj, clusterAgentDeploymentCustomization={"overrideAffinity": {}}),
    )[1]
    assert obj["clusterAgentDeploymentCustomization"] == {"overrideAffinity": {"type": "/v3/schemas/affinity"},
                                                          "type": "/v3/schemas/agentDeploymentCustomization"}


@pytest.mark.parametrize("standin", [{"profile": "2.7"}], indirect=True)
def test_v1_is_source_of_truth_before_2_11(api, standin):
    status, v1, _unused = api.call(
        "POST",
        "/v1/provisioning.cattle.io.clusters",
        {
            "type": "provisioning.cattle.io.cluster",
            "metadata": {"name": "vc-v1", "namespace": "fleet-default", "labels": {"a": "1"}},
            "spec": {"agentEnvVars": [{"name": "X", "value": "1"}]},
        },
    )
    assert status == 201
    assert [(c["type"], c["status"]) for c in v1["status"]["conditions"]] == [("Created", "True")]
    assert "clusterName" not in v1["status"]  # the generating handler has not run yet
    standin.step()
    v1 = api.call("GET", "/v1/provisioning.cattle.io.clusters/fleet-default/vc-v1")[1]
    cid = v1["status"]["clusterName"]
    assert cid.startswith("c-m-") and len(cid) == 12
    mgmt = api.call("GET", "/v3/clusters/" + cid)[1]
    assert mgmt["labels"]["a"] == "1" and mgmt["annotations"]["provisioning.cattle.io/administrated"] == "false"
    api.call("PUT", "/v3/clusters/" + cid, {"name": "vc-v1", "agentEnvVars": [{"name": "X", "value": "2"}]})
    standin.step()
    # overwritten
    assert api.call("GET", "/v3/clusters/" + cid)[1]["agentEnvVars"] == [{"name": "X", "value": "1", "type": ENV}]
    status, body, _unused = api.call(
        "POST", "/v1/provisioning.cattle.io.clusters", {"metadata": {"name": "vc-v1", "namespace": "fleet-default"}}
    )
    assert (status, body["code"]) == (409, "AlreadyExists")
    stale = dict(v1, metadata=dict(v1["metadata"], resourceVersion="1"))
    status, body, _unused = api.call("PUT", "/v1/provisioning.cattle.io.clusters/fleet-default/vc-v1", stale)
    assert (status, body["code"]) == (409, "Conflict")
    steve_crt = api.call("GET", "/v1/management.cattle.io.clusterregistrationtokens/%s/default-token" % cid)[1]
    assert steve_crt["status"]["token"]


def test_v1_edits_not_propagated_from_2_11(api, standin):
    api.call(
        "POST",
        "/v1/provisioning.cattle.io.clusters",
        {"metadata": {"name": "vc-v1", "namespace": "fleet-default"}, "spec": {}},
    )
    standin.step()
    v1 = api.call("GET", "/v1/provisioning.cattle.io.clusters/fleet-default/vc-v1")[1]
    cid = v1["status"]["clusterName"]
    api.call("PUT", "/v3/clusters/" + cid, {"name": "vc-v1", "agentEnvVars": [{"name": "X", "value": "2"}]})
    v1["spec"]["agentEnvVars"] = [{"name": "X", "value": "1"}]
    assert api.call("PUT", "/v1/provisioning.cattle.io.clusters/fleet-default/vc-v1", v1)[0] == 200
    standin.step()
    assert api.call("GET", "/v3/clusters/" + cid)[1]["agentEnvVars"] == [{"name": "X", "value": "2", "type": ENV}]
    standin.make_active(cid)
    v1 = api.call("GET", "/v1/provisioning.cattle.io.clusters/fleet-default/vc-v1")[1]
    assert v1["status"]["ready"] is True
    assert {c["type"] for c in v1["status"]["conditions"]} >= {"Created", "Ready", "Connected"}
    assert api.call("DELETE", "/v1/provisioning.cattle.io.clusters/fleet-default/vc-v1")[0] == 200
    standin.step(2)
    assert api.call("GET", "/v1/provisioning.cattle.io.clusters/fleet-default/vc-v1")[0] == 404


def test_namespaces_and_move(api, standin):
    cid = create(api)["id"]
    assert api.call("GET", "/v3/clusters/%s/namespaces" % cid)[1]["code"] == "ClusterUnavailable"
    standin.make_active(cid)
    p1 = api.call("POST", "/v3/projects", {"name": "p1", "clusterId": cid})[1]
    p2 = api.call("POST", "/v3/projects", {"name": "p2", "clusterId": cid, "resourceQuota": {"limit": {"pods": "10"}}})[
        1
    ]
    base = "/v3/clusters/%s/namespaces" % cid
    status, ns, _unused = api.call("POST", base, {"name": "team-a", "projectId": p1["id"]})
    assert status == 201 and ns["annotations"]["field.cattle.io/projectId"] == p1["id"]
    status, body, _unused = api.call("POST", base + "/team-a?action=move", {"projectId": p2["id"]})
    assert status == 422 and "resource quota" in body["message"]
    system = next(p for p in api.call("GET", "/v3/projects?clusterId=" + cid)[1]["data"] if p["name"] == "System")
    assert api.call("DELETE", "/v3/projects/" + system["id"])[0] == 400


# -- fault injection ------------------------------------------------------------------------------
def test_fault_burst_then_recovery(api, standin):
    standin.add_fault(status=503, count=2, path="^/v3/clusters$")
    assert api.call("GET", "/v3/clusters")[0] == 503
    status, body, _unused = api.call("GET", "/v3/clusters")
    assert (status, body["code"]) == (503, "ClusterUnavailable")
    assert api.call("GET", "/v3/clusters")[0] == 200


def test_fault_formats_skip_and_method(api, standin):
    standin.add_fault(status=502, format="html", method="GET", skip=1)
    assert api.call("GET", "/v3/clusters")[0] == 200
    status, text, ctype = api.call("GET", "/v3/clusters")
    assert status == 502 and ctype == "text/html" and "<html>" in text
    standin.add_fault(status=409, method="PUT", format="k8s")
    cid = create(api)["id"]
    status, body, _unused = api.call("PUT", "/v3/clusters/" + cid, {"labels": {}})
    assert status == 409 and body["kind"] == "Status" and body["reason"] == "Conflict"


def test_fault_delay_causes_client_timeout(api, standin):
    standin.add_fault(delay=1.0, path="^/v3/clusters$")
    started = time.monotonic()
    with pytest.raises(Exception):  # noqa: B017 - urllib raises a timeout (socket/URLError depending on phase)
        api.call("GET", "/v3/clusters", timeout=0.2)
    assert time.monotonic() - started < 1.0
    assert api.call("GET", "/v3/clusters")[0] == 200


def test_token_revocation_mid_run(api, standin):
    assert api.call("GET", "/v3/clusters")[0] == 200
    standin.add_fault(revoke_token=True, skip=1)
    assert api.call("GET", "/v3/clusters")[0] == 200
    assert api.call("GET", "/v3/clusters")[0] == 401
    assert api.call("GET", "/v3/clusters")[0] == 401


def test_admin_endpoints_over_http(api, standin):
    cid = create(api)["id"]
    assert api.call("POST", "/_standin/clusters/%s/activate" % cid, {})[1] == {"phase": "active"}
    assert api.call("POST", "/_standin/faults", {"status": 500, "count": 1})[0] == 200
    assert api.call("GET", "/v3/clusters")[0] == 500
    token = api.call("POST", "/_standin/tokens", {})[1]["token"]
    assert api.call("POST", "/_standin/tokens/revoke", {"token": token})[0] == 200
    assert Api(standin, token).call("GET", "/v3/clusters")[0] == 401
    assert api.call("GET", "/_standin/state")[1]["phases"] == {"local": "active", cid: "active"}


def test_agent_check_hook_is_used(api):
    calls = []
    with RancherStandin(
        agent_check=lambda cid, token, url: calls.append((cid, token, url)) or {"version": "v1.3"}, **MANUAL
    ) as standin:
        api = Api(standin)
        cid = create(api)["id"]
        standin.step()  # creates default-token; the agent is only checked once a token exists
        assert api.call("GET", "/v3/clusters/" + cid)[1]["driver"] == ""
        standin.step()
        assert api.call("GET", "/v3/clusters/" + cid)[1]["driver"] == "imported"
        assert calls and calls[0][0] == cid and calls[0][2] == standin.url


def test_loopback_only():
    with pytest.raises(ValueError):
        RancherStandin(host="0.0.0.0")


# -- strictness (each names the upstream behaviour it follows; see tests/rancher_standin/*.py) ------------------
def test_put_labels_replace_the_old_ones_except_cattle_io_keys(api, standin):
    cid = create(api, labels={"a": "1"}, annotations={"note": "x", "field.cattle.io/description": "d"})["id"]
    obj = api.call("PUT", "/v3/clusters/" + cid, {"name": "vc-a", "labels": {"b": "2", "cattle.io/creator": "me"}})[1]
    assert obj["labels"] == {"b": "2", "cattle.io/creator": "norman"}  # a removed; the protected key kept, not set
    assert obj["annotations"]["note"] == "x"  # not in the body: left alone
    obj = api.call("PUT", "/v3/clusters/" + cid, {"name": "vc-a", "annotations": {}})[1]
    assert obj["annotations"] == {"field.cattle.io/description": "d"}  # field.cattle.io/* survives


@pytest.mark.parametrize("standin", [{"page_size": 2}], indirect=True)
def test_collections_come_in_pages_linked_by_next(api, standin):
    ids = sorted(["local"] + [create(api, name="vc-%d" % i)["id"] for i in range(5)])
    page = api.call("GET", "/v3/clusters")[1]
    seen = [c["id"] for c in page["data"]]
    assert len(seen) == 2 and page["pagination"]["total"] == 6 and page["pagination"]["partial"] is True
    while page["pagination"].get("next"):
        page = api.call("GET", page["pagination"]["next"].replace(standin.url, ""))[1]
        seen += [c["id"] for c in page["data"]]
    assert seen == ids
    assert len(api.call("GET", "/v3/clusters?limit=-1")[1]["data"]) == 6


def test_cluster_names_are_unique_among_the_clusters_the_caller_can_see(api, standin):
    create(api, name="vc-a")
    user = Api(standin, standin.new_token(role="user"))
    status, body, _unused = user.call("POST", "/v3/clusters", {"name": "VC-A"})
    assert status == 201, body  # the admin's cluster is not visible to this user
    assert [c["name"] for c in user.call("GET", "/v3/clusters")[1]["data"]] == ["VC-A"]
    status, body, _unused = api.call("POST", "/v3/clusters", {"name": "Vc-A"})
    assert (status, body["code"]) == (422, "NotUnique")


def test_projects_are_initializing_until_their_controllers_ran(api, standin):
    cid = create(api)["id"]
    project = api.call("POST", "/v3/projects", {"name": "p", "clusterId": cid})[1]
    assert project["state"] == "initializing"
    assert api.call("GET", "/v3/projects/" + project["id"])[1]["state"] == "initializing"
    standin.step(2)
    assert api.call("GET", "/v3/projects/" + project["id"])[1]["state"] == "active"


def test_customization_comes_back_in_go_form_and_bad_quantities_are_refused(api, standin):
    custom = {"overrideResourceRequirements": {"requests": {"cpu": "0.1", "memory": "1000"}},
              "appendTolerations": [{"key": "k", "operator": "Exists", "value": ""}]}
    obj = create(api, clusterAgentDeploymentCustomization=custom)
    assert obj["clusterAgentDeploymentCustomization"] == {
        "overrideResourceRequirements": {"requests": {"cpu": "100m", "memory": "1k"},
                                         "type": "/v3/schemas/resourceRequirements"},
        "appendTolerations": [{"key": "k", "operator": "Exists", "type": "/v3/schemas/toleration"}],
        "type": "/v3/schemas/agentDeploymentCustomization"}
    bad = {"overrideResourceRequirements": {"limits": {"cpu": "x"}}}
    status, body, _unused = api.call("PUT", "/v3/clusters/" + obj["id"], {
        "name": "vc-a", "clusterAgentDeploymentCustomization": bad})
    assert status == 400 and "quantities must match" in body["message"]


SCHEDULING = {"schedulingCustomization": {"podDisruptionBudget": {"minAvailable": "1"}}}


def test_scheduling_customization_needs_the_feature_flag(api, standin):
    feature = api.call("GET", "/v3/features/cluster-agent-scheduling-customization")[1]
    assert (feature["value"], feature["status"]["default"]) == (None, False)
    status, body, _unused = api.call("POST", "/v3/clusters", {"name": "vc-a", "clusterAgentDeploymentCustomization":
                                                              SCHEDULING})
    assert status == 400 and "feature must be enabled" in body["message"]
    assert api.call("PUT", "/v3/features/cluster-agent-scheduling-customization", {"value": True})[0] == 200
    obj = create(api, clusterAgentDeploymentCustomization=SCHEDULING)
    bad = {"schedulingCustomization": {"podDisruptionBudget": {"minAvailable": "1", "maxUnavailable": "1"}}}
    status, body, _unused = api.call("PUT", "/v3/clusters/%s?_replace=true" % obj["id"], dict(
        obj, clusterAgentDeploymentCustomization=bad))
    assert status == 400 and "both minAvailable and maxUnavailable" in body["message"]
    api.call("PUT", "/v3/features/cluster-agent-scheduling-customization", {"value": False})
    unchanged = api.call("PUT", "/v3/clusters/" + obj["id"], {"name": "vc-a", "labels": {"x": "1"}})
    assert unchanged[0] == 200  # an unchanged PDB passes with the feature off


@pytest.mark.parametrize("standin", [{"profile": "2.7"}], indirect=True)
def test_no_feature_flag_before_2_11(api, standin):
    assert api.call("GET", "/v3/features/cluster-agent-scheduling-customization")[0] == 404


@pytest.mark.parametrize(
    "metadata, spec, words",
    [
        ({"name": "c-abcde"}, {}, "nor of the form"),
        ({"name": "-vc"}, {}, "must not begin with a hyphen"),
        ({"name": "vc-x"}, {"agentEnvVars": [{"name": "NO_PROXY", "value": "a, b"}]}, "Malformed NO_PROXY"),
        ({"name": "vc-x"}, {"clusterAgentDeploymentCustomization": {"appendTolerations": [{"operator": "Exists"}]}},
         "appendTolerations[0]"),
        ({"name": "vc-x"}, {"clusterAgentDeploymentCustomization": SCHEDULING}, "feature must be enabled"),
    ],
)
def test_v1_webhook_refusals(api, standin, metadata, spec, words):
    status, body, _unused = api.call("POST", "/v1/provisioning.cattle.io.clusters", {
        "type": "provisioning.cattle.io.cluster", "metadata": dict(metadata, namespace="fleet-default"), "spec": spec})
    assert status in (400, 422) and words in body["message"], body
    assert 'admission webhook "rancher.cattle.io.clusters.provisioning.cattle.io" denied' in body["message"]
