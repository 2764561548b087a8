"""The pure parts of hack/vcluster-syncer: addresses, and how a pod's container becomes a process spec."""

import ipaddress
import os
import sys

import pytest
from kubernetes import client

HACK_LIB = os.path.join(os.path.dirname(__file__), "..", "..", "..", "hack", "lib")
sys.path.insert(0, os.path.abspath(HACK_LIB))

import netns
import supervisor


def test_subnets_are_consecutive_slash_30s_with_host_end_first():
    assert netns.addresses("10.210.0.0/16", 0) == ("10.210.0.1", "10.210.0.2")
    assert netns.addresses("10.210.0.0/16", 1) == ("10.210.0.5", "10.210.0.6")
    assert netns.addresses("10.210.0.0/16", 16383) == ("10.210.255.253", "10.210.255.254")
    with pytest.raises(netns.NetnsError):
        netns.subnet("10.210.0.0/16", 16384)


def test_names_fit_linux_interface_names():
    names = netns.Namespaces("ab12", "10.210.0.0/16")
    assert names.name(16383) == "vc-ab12-16383"
    assert len(names.host_link(16383)) <= 15


class FakeNamespaces(netns.Namespaces):
    def exists(self, index):
        return False


def test_address_book_keeps_an_address_and_skips_taken_and_host_networks(tmp_path, monkeypatch):
    monkeypatch.setattr(supervisor, "MACHINE_LOCK", str(tmp_path / "machine.lock"))
    names = FakeNamespaces("0000", "10.210.0.0/16")  # tag 0000: the search starts at index 0
    monkeypatch.setattr(netns, "host_ipv4_networks", lambda: [ipaddress.ip_network("10.210.0.0/30")])
    book = supervisor.AddressBook(str(tmp_path / "addresses.json"), names)
    first = book.allocate("ns-a", "vc")
    assert first == 1  # index 0 overlaps a network the host already has
    assert book.allocate("ns-a", "vc") == first
    assert book.allocate("ns-b", "vc") == 2
    assert book.address("ns-a", "vc") == "10.210.0.6"
    assert book.forget(lambda key, _entry: key != "ns-a/vc") == ["ns-a/vc"]
    assert sorted(book.entries()) == ["ns-b/vc"]


def pod(container_sc=None, pod_sc=None, env=None):
    return client.V1Pod(
        metadata=client.V1ObjectMeta(name="vc-0", namespace="t1", uid="u-1", labels={"release": "vc"}),
        spec=client.V1PodSpec(
            node_name="kwok-node-1",
            service_account_name="vc-vc",
            security_context=pod_sc,
            containers=[client.V1Container(name="syncer", image="ghcr.io/loft-sh/vcluster-pro:0.36.1",
                                           security_context=container_sc, env=env)],
        ),
        status=client.V1PodStatus(host_ip="10.0.0.7", phase="Running"),
    )


def test_identity_follows_the_container_then_the_pod_security_context():
    p = pod(
        container_sc=client.V1SecurityContext(run_as_user=12345, allow_privilege_escalation=False),
        pod_sc=client.V1PodSecurityContext(run_as_user=1, run_as_group=12345, fs_group=2000, supplemental_groups=[7]),
    )
    assert supervisor.Supervisor.identity(p, p.spec.containers[0]) == (12345, 12345, [7, 2000], True)
    root = pod()
    assert supervisor.Supervisor.identity(root, root.spec.containers[0]) == (0, 0, [], False)


def test_environment_resolves_field_refs_like_the_kubelet_with_the_namespace_address_as_pod_ip():
    def ref(name, path):
        selector = client.V1ObjectFieldSelector(field_path=path)
        return client.V1EnvVar(name=name, value_from=client.V1EnvVarSource(field_ref=selector))

    env = [
        client.V1EnvVar(name="VCLUSTER_NAME", value="vc"),
        ref("POD_NAME", "metadata.name"),
        ref("POD_IP", "status.podIP"),
        ref("NODE_NAME", "spec.nodeName"),
        ref("NODE_IP", "status.hostIP"),
        ref("REL", "metadata.labels['release']"),
    ]
    p = pod(env=env)
    sup = supervisor.Supervisor.__new__(supervisor.Supervisor)
    sup.api_port = 36443
    got = sup.environment(p, p.spec.containers[0], "10.210.0.6")
    assert {k: got[k] for k in ("VCLUSTER_NAME", "POD_NAME", "POD_IP", "NODE_NAME", "NODE_IP", "REL")} == {
        "VCLUSTER_NAME": "vc", "POD_NAME": "vc-0", "POD_IP": "10.210.0.6", "NODE_NAME": "kwok-node-1",
        "NODE_IP": "10.0.0.7", "REL": "vc",
    }
    assert (got["KUBERNETES_SERVICE_HOST"], got["KUBERNETES_SERVICE_PORT"]) == ("127.0.0.1", "36443")
    bad = pod(env=[ref("X", "spec.x")])
    with pytest.raises(supervisor.SupervisorError, match=r"spec\.x"):
        sup.environment(bad, bad.spec.containers[0], "10.210.0.6")
