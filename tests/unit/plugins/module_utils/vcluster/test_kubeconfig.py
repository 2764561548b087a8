import pytest

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.kubeconfig import (
    choose_server,
    rewrite_kubeconfig,
)

SECRET_KUBECONFIG = {
    "apiVersion": "v1",
    "kind": "Config",
    "clusters": [
        {"name": "my-vcluster", "cluster": {"server": "https://localhost:8443", "certificate-authority-data": "Q0E="}}
    ],
    "users": [{"name": "my-vcluster", "user": {"client-certificate-data": "Q0VSVA==", "client-key-data": "S0VZ"}}],
    "contexts": [{"name": "my-vcluster", "context": {"cluster": "my-vcluster", "user": "my-vcluster"}}],
    "current-context": "my-vcluster",
}

LB_SERVICE = {"spec": {"type": "LoadBalancer"}, "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.7"}]}}}
LB_PENDING = {"spec": {"type": "LoadBalancer"}, "status": {"loadBalancer": {}}}


@pytest.mark.parametrize(
    ("server", "service", "expected"),
    [
        ("auto", None, "https://t1.tenant-1:443"),
        ("auto", {"spec": {"type": "ClusterIP"}}, "https://t1.tenant-1:443"),
        ("auto", LB_SERVICE, "https://203.0.113.7:443"),
        ("auto", LB_PENDING, "https://t1.tenant-1:443"),
        ("https://vc.example.com", LB_SERVICE, "https://vc.example.com"),
        ("from_secret", LB_SERVICE, None),
    ],
)
def test_choose_server(server, service, expected):
    assert choose_server("t1", "tenant-1", server, service) == expected


def test_rejects_plain_http_server():
    with pytest.raises(ValueError, match="https://"):
        choose_server("t1", "tenant-1", "http://insecure:80")


def test_rewrite_renames_and_points_at_reachable_server():
    result = rewrite_kubeconfig(SECRET_KUBECONFIG, "t1", "tenant-1")
    assert result["current-context"] == "vcluster_t1_tenant-1"
    assert result["clusters"][0]["cluster"]["server"] == "https://t1.tenant-1:443"
    assert result["clusters"][0]["cluster"]["certificate-authority-data"] == "Q0E="
    assert result["users"][0]["user"]["client-key-data"] == "S0VZ"
    assert result["contexts"] == [
        {"name": "vcluster_t1_tenant-1", "context": {"cluster": "vcluster_t1_tenant-1", "user": "vcluster_t1_tenant-1"}}
    ]
    # the input is not modified
    assert SECRET_KUBECONFIG["clusters"][0]["cluster"]["server"] == "https://localhost:8443"


def test_rewrite_keeps_secret_server_when_asked():
    result = rewrite_kubeconfig(SECRET_KUBECONFIG, "t1", "tenant-1", server="from_secret")
    assert result["clusters"][0]["cluster"]["server"] == "https://localhost:8443"


def test_rewrite_rejects_incomplete_kubeconfig():
    with pytest.raises(ValueError, match="vc-t1"):
        rewrite_kubeconfig({"clusters": []}, "t1", "tenant-1")
