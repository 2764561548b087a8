# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""RancherClient over a fake transport: error formats, retries, 403-after-delete, timeouts, secrets."""

import json

import pytest

from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher import client as client_mod
from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.client import RancherClient
from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.errors import (
    RancherError,
    RancherTransportError,
    parse_error_body,
)
from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.http import url_transport
from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.registration import from_token, manifest_url_for
from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.versions import parse_version, version_at_least

TOKEN = "token-abcde:s3cr3tvalue0123456789"
SECRET = "s3cr3tvalue0123456789"


class FakeTransport:
    """Answers from a list of (status, body) or exceptions; records every call."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def __call__(self, method, url, headers, body, timeout):
        self.calls.append({"method": method, "url": url, "headers": dict(headers), "body": body, "timeout": timeout})
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        status, body_out = answer[0], answer[1]
        headers_out = answer[2] if len(answer) > 2 else {}
        if isinstance(body_out, (dict, list)):
            body_out = json.dumps(body_out)
        return status, headers_out, (body_out or "").encode("utf-8")


class Clock:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self):
        return self.now


def make(*answers, **kwargs):
    transport = FakeTransport(*answers)
    clock = Clock()
    kwargs.setdefault("poll_interval", 3.0)
    cl = RancherClient(
        "https://rancher.example.com/", TOKEN, transport=transport, sleep=clock.sleep, clock=clock, **kwargs
    )
    return cl, transport, clock


def norman(status, code, message, **extra):
    body = {"type": "error", "baseType": "error", "status": status, "code": code, "message": message}
    body.update(extra)
    return body


# -- error bodies -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "http, body, expected",
    [
        (
            404,
            norman(404, "NotFound", 'clusters.management.cattle.io "c-x" not found'),
            (404, "NotFound", 'clusters.management.cattle.io "c-x" not found', None),
        ),
        (
            401,
            {"type": "error", "status": "401", "message": "clusterID does not match"},
            (401, "Unauthorized", "clusterID does not match", None),
        ),
        (
            422,
            norman(422, "NotUnique", "Cluster name must be unique", fieldName="Cluster name"),
            (422, "NotUnique", "Cluster name must be unique", "Cluster name"),
        ),
        (
            409,
            {"type": "error", "status": 409, "code": "AlreadyExists", "message": "exists"},
            (409, "AlreadyExists", "exists", None),
        ),
        (
            409,
            {
                "kind": "Status",
                "apiVersion": "v1",
                "status": "Failure",
                "reason": "Conflict",
                "code": 409,
                "message": "the object has been modified",
            },
            (409, "Conflict", "the object has been modified", None),
        ),
        (
            503,
            "<html><body><h1>503 Service Unavailable</h1></body></html>",
            (503, "ServiceUnavailable", "503 Service Unavailable", None),
        ),
        (500, "", (500, "ServerError", "ServerError", None)),
    ],
)
def test_parse_error_body_formats(http, body, expected):
    raw = json.dumps(body) if isinstance(body, dict) else body
    assert parse_error_body(http, raw.encode()) == expected


def test_norman_error_becomes_rancher_error_with_hint():
    cl, transport, _unused = make((403, norman(403, "PermissionDenied", "clusters is forbidden")))
    with pytest.raises(RancherError) as info:
        cl.create_cluster({"name": "vc-a"})
    err = info.value
    assert (err.status, err.code) == (403, "PermissionDenied")
    assert "Create new Clusters" in err.hint
    assert "POST https://rancher.example.com/v3/clusters" in str(err)
    assert len(transport.calls) == 1  # 403 is never retried


def test_string_status_401_and_scoped_token_hint():
    cl, _unused, _unused = make((401, {"type": "error", "status": "401", "message": "clusterID does not match"}))
    with pytest.raises(RancherError) as info:
        cl.list_clusters()
    assert info.value.status == 401
    assert "scoped to one cluster" in info.value.hint
    cl, _unused, _unused = make((401, {"type": "error", "status": "401", "message": "must authenticate"}))
    with pytest.raises(RancherError) as info:
        cl.list_clusters()
    assert "expired, revoked" in info.value.hint


def test_steve_and_k8s_status_errors():
    cl, _unused, _unused = make((404, {"type": "error", "status": 404, "code": "NotFound", "message": "not found"}))
    assert cl.get_cluster_v1("vc-a") is None
    cl, _unused, _unused = make(
        (
            422,
            {
                "kind": "Status",
                "code": 422,
                "reason": "Invalid",
                "message": "bad name",
                "details": {"causes": [{"field": "metadata.name"}]},
            },
        )
    )
    with pytest.raises(RancherError) as info:
        cl.request("POST", "/v1/provisioning.cattle.io.clusters", body={})
    assert (info.value.code, info.value.field_name) == ("Invalid", "metadata.name")


# -- retries ------------------------------------------------------------------------------------
@pytest.mark.parametrize("status", [500, 502, 503, 504, 409])
def test_retryable_statuses_are_retried_with_exponential_backoff(status):
    cl, transport, clock = make(
        (status, norman(status, "X", "try again")), (status, "busy"), (200, {"data": [], "type": "collection"})
    )
    assert cl.list_clusters() == []
    assert len(transport.calls) == 3
    assert clock.sleeps == [0.5, 1.0]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 422])
def test_other_statuses_are_not_retried(status):
    cl, transport, _unused = make((status, norman(status, "X", "no")))
    with pytest.raises(RancherError):
        cl.get("/v3/clusters")
    assert len(transport.calls) == 1


def test_retries_bounded_by_count():
    cl, transport, clock = make((503, norman(503, "ClusterUnavailable", "down")), retries=3)
    with pytest.raises(RancherError) as info:
        cl.get("/v3/clusters")
    assert len(transport.calls) == 4
    assert clock.sleeps == [0.5, 1.0, 2.0]
    assert info.value.status == 503
    assert "not connected" in info.value.hint


def test_retries_bounded_by_total_time():
    cl, _transport, clock = make((500, "oops"), retries=50, backoff=1.0, max_backoff=8.0, max_retry_time=20.0)
    with pytest.raises(RancherError):
        cl.get("/v3/clusters")
    assert sum(clock.sleeps) <= 20.0
    assert clock.sleeps[-1] == 8.0 or sum(clock.sleeps) + 8.0 > 20.0


def test_retry_after_header_is_honoured_up_to_max_backoff():
    cl, _unused, clock = make((503, "busy", {"Retry-After": "4"}), (200, {"data": []}))
    cl.list_clusters()
    assert clock.sleeps == [4.0]


def test_409_already_exists_is_not_retried_but_looked_up():
    existing = {"id": "fleet-default/vc-a", "metadata": {"name": "vc-a"}}
    cl, transport, _unused = make(
        (409, {"type": "error", "status": 409, "code": "AlreadyExists", "message": "exists"}), (200, existing)
    )
    assert cl.create_cluster_v1("vc-a") == existing
    assert [c["method"] for c in transport.calls] == ["POST", "GET"]


def test_create_retry_looks_up_before_posting_again():
    created = {"id": "c-abcde", "name": "vc-a"}
    cl, transport, _unused = make(
        (502, "bad gateway"),  # the POST may have landed
        (200, {"data": [created]}),  # lookup by name finds it
    )
    assert cl.create_cluster({"name": "vc-a"}) == created
    assert [c["method"] for c in transport.calls] == ["POST", "GET"]


def test_not_unique_returns_the_existing_cluster_case_insensitively():
    existing = {"id": "c-abcde", "name": "VC-A"}
    cl, _transport, _unused = make(
        (422, norman(422, "NotUnique", "Cluster name must be unique", fieldName="Cluster name")),
        (200, {"data": []}),  # ?name=vc-a (exact) finds nothing
        (200, {"data": [existing]}),  # the full list does
    )
    assert cl.create_cluster({"name": "vc-a"}) == existing


def test_v1_update_refetches_on_conflict():
    obj1 = {"metadata": {"name": "vc-a", "resourceVersion": "1"}, "spec": {}}
    obj2 = {"metadata": {"name": "vc-a", "resourceVersion": "2"}, "spec": {}}
    conflict = {"type": "error", "status": 409, "code": "Conflict", "message": "the object has been modified"}
    cl, transport, _unused = make((200, obj1), (409, conflict), (200, obj2), (200, obj2))
    cl.update_cluster_v1("vc-a", lambda o: o["spec"].update({"agentEnvVars": []}))
    puts = [json.loads(c["body"]) for c in transport.calls if c["method"] == "PUT"]
    assert [p["metadata"]["resourceVersion"] for p in puts] == ["1", "2"]


# -- transport errors and timeouts ----------------------------------------------------------------
def test_timeout_is_retried_for_get_and_reported_with_hint():
    cl, transport, _unused = make(RancherTransportError("timed out", timeout=True), retries=2, timeout=7)
    with pytest.raises(RancherTransportError) as info:
        cl.get("/v3/clusters")
    assert len(transport.calls) == 3
    assert all(c["timeout"] == 7 for c in transport.calls)
    assert info.value.timeout and "rancher_timeout" in info.value.hint


def test_timeout_of_post_is_not_blindly_retried():
    cl, transport, _unused = make(RancherTransportError("timed out", timeout=True))
    with pytest.raises(RancherTransportError):
        cl.request("POST", "/v3/tokens", body={})
    assert len(transport.calls) == 1


def test_tls_error_is_not_retried_and_suggests_ca_pinning():
    cl, transport, _unused = make(RancherTransportError("CERTIFICATE_VERIFY_FAILED", tls=True))
    with pytest.raises(RancherTransportError) as info:
        cl.ping()
    assert len(transport.calls) == 1
    assert "rancher_ca_path" in info.value.hint


# -- 403 after delete ---------------------------------------------------------------------------
def test_wait_gone_accepts_404_and_403():
    for status in (404, 403):
        cl, _transport, clock = make((200, {"id": "c-x", "state": "removing"}), (status, norman(status, "X", "gone")))
        assert cl.wait_gone("/v3/clusters/c-x", timeout=60) is True
        assert clock.sleeps == [3.0]


def test_wait_gone_times_out_with_state():
    cl, _unused, _unused = make((200, {"id": "c-x", "state": "removing", "transitioningMessage": "cleaning"}))
    with pytest.raises(RancherError) as info:
        cl.wait_gone("/v3/clusters/c-x", timeout=10)
    assert "removing" in str(info.value) and "cleaning" in str(info.value)


def test_delete_of_missing_cluster_is_not_an_error():
    cl, _unused, _unused = make((404, norman(404, "NotFound", "gone")))
    assert cl.delete_cluster("c-x") is False


# -- secrets ------------------------------------------------------------------------------------
def test_token_never_in_error_text():
    echo = norman(500, "ServerError", "bad header Bearer %s" % TOKEN)
    cl, _unused, _unused = make((500, echo), retries=0)
    with pytest.raises(RancherError) as info:
        cl.get("/v3/clusters")
    text = str(info.value) + json.dumps(info.value.to_dict())
    assert TOKEN not in text and SECRET not in text
    assert "********" in text


def test_token_not_in_transport_failure_text():
    cl, _unused, _unused = make(ValueError("cannot use %s" % TOKEN), retries=0)
    with pytest.raises(RancherError) as info:
        cl.get("/v3/clusters")
    assert SECRET not in str(info.value)


def test_registration_token_is_redacted_from_urls_in_errors():
    crt = {"token": "regtoken1234567890", "manifestUrl": ""}
    cl, _unused, _unused = make((404, norman(404, "NotFound", "no cluster")))
    cl.add_secret(crt["token"])  # what the module does as soon as it sees a registration token
    with pytest.raises(RancherError) as info:
        cl.fetch_manifest("https://rancher.example.com/v3/import/regtoken1234567890_c-x.yaml")
    assert "regtoken1234567890" not in str(info.value)


def test_bearer_header_and_no_auth_for_ping():
    cl, transport, _unused = make((200, "pong"), (200, {"data": []}))
    cl.ping()
    cl.list_clusters(name="vc a")
    assert "Authorization" not in transport.calls[0]["headers"]
    assert transport.calls[1]["headers"]["Authorization"] == "Bearer " + TOKEN
    assert transport.calls[1]["url"] == "https://rancher.example.com/v3/clusters?name=vc+a"


def test_ping_must_say_pong():
    cl, _unused, _unused = make((200, "<html>login</html>"))
    with pytest.raises(RancherError) as info:
        cl.ping()
    assert info.value.code == "NotRancher"


def test_url_validation_and_suffix_stripping():
    with pytest.raises(RancherError):
        RancherClient("rancher.example.com", TOKEN)
    with pytest.raises(RancherError):
        RancherClient("", TOKEN)
    assert RancherClient("https://r.example.com/v3/", TOKEN).base_url == "https://r.example.com"


# -- registration -------------------------------------------------------------------------------
def test_registration_token_waits_then_creates_after_grace():
    empty = {"data": []}
    crt = {"id": "c-x:crt-abcde", "clusterId": "c-x", "token": "tok1234567", "manifestUrl": ""}
    not_found = (404, norman(404, "NotFound", "no"))
    answers = [not_found, not_found, (200, empty), not_found, not_found, (200, empty), (201, crt)]
    cl, transport, _clock = make(*answers, poll_interval=6.0)
    got = cl.registration_token("c-x", grace=5.0, timeout=60)
    assert got == crt
    assert [c["method"] for c in transport.calls][-1] == "POST"
    reg, built = from_token(got, "c-x", "https://rancher.example.com")
    assert built is True
    assert reg["manifest_url"] == manifest_url_for("https://rancher.example.com", "tok1234567", "c-x")
    assert reg["insecure_command"].startswith("curl --insecure -sfL https://rancher.example.com/v3/import/tok1234567_")


def test_registration_token_without_create_returns_none():
    cl, transport, _unused = make(
        (404, norman(404, "NotFound", "no")), (404, norman(404, "NotFound", "no")), (200, {"data": []})
    )
    assert cl.registration_token("c-x", create=False, timeout=0) is None
    assert all(c["method"] == "GET" for c in transport.calls)


# -- versions and the real transport --------------------------------------------------------------
def test_versions():
    assert parse_version("v2.12.1") == (2, 12, 1)
    assert parse_version("2.7") == (2, 7, 0)
    assert parse_version("master-head") is None
    assert version_at_least(None, (2, 11, 0))
    assert not version_at_least((2, 10, 9), (2, 11, 0))


def test_url_transport_passes_ca_path_and_validate_certs():
    seen = {}

    class Response:
        status = 200
        headers = {"Content-Type": "application/json"}

        def getcode(self):
            return 200

        def read(self):
            return b"{}"

    def fake_open_url(url, **kwargs):
        seen.update(kwargs, url=url)
        return Response()

    transport = url_transport(ca_path="/etc/ca.pem", validate_certs=True, client=fake_open_url)
    assert transport("GET", "https://r/v3", {"A": "b"}, None, 9)[0] == 200
    assert seen["ca_path"] == "/etc/ca.pem" and seen["validate_certs"] is True and seen["timeout"] == 9
    assert client_mod.RancherClient("https://r", TOKEN, ca_path="/x.pem").ca_path == "/x.pem"


# -- pagination ----------------------------------------------------------------------------------
def test_list_all_follows_pagination_next_until_the_last_page():
    page1 = {"data": [{"id": "c-1", "name": "a"}, {"id": "c-2", "name": "b"}],
             "pagination": {"limit": 2, "total": 5, "next": "https://rancher.example.com/v3/clusters?limit=2&marker=c-3"}}
    page2 = {"data": [{"id": "c-3", "name": "c"}, {"id": "c-4", "name": "d"}],
             "pagination": {"limit": 2, "total": 5, "next": "https://rancher.example.com/v3/clusters?limit=2&marker=c-5"}}
    page3 = {"data": [{"id": "c-5", "name": "Wanted"}], "pagination": {"limit": 2, "total": 5}}
    cl, transport, _unused = make((200, page1), (200, page2), (200, page3))
    assert [c["id"] for c in cl.list_clusters()] == ["c-1", "c-2", "c-3", "c-4", "c-5"]
    assert [c["url"] for c in transport.calls][1:] == [page1["pagination"]["next"], page2["pagination"]["next"]]


def test_find_cluster_sees_a_cluster_on_a_later_page():
    page1 = {"data": [{"id": "c-1", "name": "other"}],
             "pagination": {"next": "https://rancher.example.com/v3/clusters?marker=c-2"}}
    page2 = {"data": [{"id": "c-2", "name": "VC-A"}], "pagination": {}}
    cl, _unused, _unused2 = make((200, page1), (200, page2))
    assert cl.find_cluster("vc-a")["id"] == "c-2"


def test_feature_flag_value_wins_over_default_and_missing_is_none():
    cl, _unused, _unused2 = make((200, {"id": "f", "value": None, "status": {"default": False}}))
    assert cl.feature_enabled("f") is False
    cl, _unused, _unused2 = make((200, {"id": "f", "value": None, "status": {"default": True}}))
    assert cl.feature_enabled("f") is True
    cl, _unused, _unused2 = make((200, {"id": "f", "value": True, "default": False}))
    assert cl.feature_enabled("f") is True
    cl, _unused, _unused2 = make((404, norman(404, "NotFound", "features.management.cattle.io \"f\" not found")))
    assert cl.feature_enabled("f") is None


def test_registration_token_without_create_does_not_wait_for_a_token_rancher_has_not_filled_in():
    cl, _unused, clock = make((200, {"id": "c-x:default-token", "clusterId": "c-x", "token": ""}))
    assert cl.registration_token("c-x", create=False, timeout=0) is None
    assert clock.sleeps == []
