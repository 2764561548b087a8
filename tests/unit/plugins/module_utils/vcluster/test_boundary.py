# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tenant boundary: every way out of the namespace the policy knows is reported, for its dialect, and what the
collection renders itself never is."""

import pytest

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import boundary
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.findings import BOUNDARY_FINDING_IDS
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.render import render_values
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.values_task import evaluate


def render(version="0.36.1", **kwargs):
    kwargs.setdefault("name", "t1")
    kwargs.setdefault("namespace", "tenant-a")
    return render_values(chart_version=version, **kwargs)


def boundary_ids(findings):
    return sorted({(f["id"], f["path"]) for f in findings if f["id"].startswith("boundary-")})


PRIVILEGED_POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: [{name: c, image: x}]}\n"
MODERN_CASES = [
    (
        {"rbac": {"clusterRole": {"extraRules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]}}},
        "boundary-rbac",
        "rbac.clusterRole.extraRules",
    ),
    (
        {"rbac": {"clusterRole": {"overwriteRules": [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["get"]}]}}},
        "boundary-rbac",
        "rbac.clusterRole.overwriteRules",
    ),
    (
        {"sync": {"toHost": {"priorityClasses": {"enabled": True}}}},
        "boundary-rbac",
        "sync.toHost.priorityClasses.enabled",
    ),
    (
        {"sync": {"toHost": {"persistentVolumes": {"enabled": True}}}},
        "boundary-rbac",
        "sync.toHost.persistentVolumes.enabled",
    ),
    (
        {"experimental": {"deploy": {"host": {"manifests": PRIVILEGED_POD}}}},
        "boundary-host-objects",
        "experimental.deploy.host.manifests",
    ),
    (
        {"controlPlane": {"coredns": {"overwriteManifests": PRIVILEGED_POD}}},
        "boundary-host-objects",
        "controlPlane.coredns.overwriteManifests",
    ),
    ({"policies": {"networkPolicy": {"enabled": False}}}, "boundary-isolation-off", "policies.networkPolicy.enabled"),
    ({"policies": {"resourceQuota": {"enabled": False}}}, "boundary-isolation-off", "policies.resourceQuota.enabled"),
    ({"policies": {"limitRange": {"enabled": "auto"}}}, "boundary-isolation-off", "policies.limitRange.enabled"),
    ({"policies": {"podSecurityStandard": "privileged"}}, "boundary-isolation-off", "policies.podSecurityStandard"),
    (
        {"exportKubeConfig": {"secret": {"name": "x", "namespace": "kube-system"}}},
        "boundary-namespace",
        "exportKubeConfig.secret.namespace",
    ),
    (
        {"exportKubeConfig": {"additionalSecrets": [{"name": "x", "namespace": "kube-system"}]}},
        "boundary-namespace",
        "exportKubeConfig.additionalSecrets[0]",
    ),
    ({"sync": {"toHost": {"namespaces": {"enabled": True}}}}, "boundary-namespace", "sync.toHost.namespaces.enabled"),
    (
        {"sync": {"fromHost": {"secrets": {"enabled": True, "mappings": {"byName": {"kube-system/x": "default/x"}}}}}},
        "boundary-namespace",
        "sync.fromHost.secrets",
    ),
    (
        {"networking": {"replicateServices": {"toHost": [{"from": "default/a", "to": "kube-system/kube-dns"}]}}},
        "boundary-namespace",
        "networking.replicateServices.toHost[0].to",
    ),
    (
        {"controlPlane": {"statefulSet": {"image": {"registry": "evil.example", "repository": "x", "tag": "1"}}}},
        "boundary-image",
        "controlPlane.statefulSet.image",
    ),
    (
        {"controlPlane": {"statefulSet": {"command": ["/bin/sh", "-c", "id"]}}},
        "boundary-image",
        "controlPlane.statefulSet.command",
    ),
    (
        {"sync": {"toHost": {"pods": {"rewriteHosts": {"initContainer": {"image": {"repository": "evil/alpine"}}}}}}},
        "boundary-image",
        "sync.toHost.pods.rewriteHosts.initContainer.image",
    ),
    (
        {"plugins": {"p": {"image": "evil/plugin", "securityContext": {"privileged": True}}}},
        "boundary-image",
        "plugins.p",
    ),
    (
        {"controlPlane": {"statefulSet": {"sidecarContainers": [{"name": "s", "image": "x"}]}}},
        "boundary-image",
        "controlPlane.statefulSet.sidecarContainers",
    ),
    (
        {"controlPlane": {"advanced": {"defaultImageRegistry": "evil.example"}}},
        "boundary-image",
        "controlPlane.advanced.defaultImageRegistry",
    ),
    (
        {"controlPlane": {"hostPathMapper": {"enabled": True}}},
        "boundary-host-path",
        "controlPlane.hostPathMapper.enabled",
    ),
    (
        {"controlPlane": {"statefulSet": {"persistence": {"addVolumes": [{"name": "h", "hostPath": {"path": "/"}}]}}}},
        "boundary-host-path",
        "controlPlane.statefulSet.persistence.addVolumes[0].hostPath",
    ),
    (
        {"controlPlane": {"distro": {"k8s": {"apiServer": {"extraArgs": ["--anonymous-auth=true"]}}}}},
        "boundary-flags",
        "controlPlane.distro.k8s.apiServer.extraArgs[0]",
    ),
    (
        {"controlPlane": {"distro": {"k8s": {"apiServer": {"extraArgs": ["--authorization-mode=AlwaysAllow"]}}}}},
        "boundary-flags",
        "controlPlane.distro.k8s.apiServer.extraArgs[0]",
    ),
    (
        {"policies": {"networkPolicy": {"workload": {"publicEgress": {"except": ["10.0.0.0/8"]}}}}},
        "boundary-cidr-open",
        "policies.networkPolicy.workload.publicEgress.except",
    ),
    (
        {"policies": {"networkPolicy": {"workload": {"egress": [{"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}]}}}},
        "boundary-cidr-open",
        "policies.networkPolicy.workload.egress[0].to[0].ipBlock.cidr",
    ),
    (
        {"controlPlane": {"service": {"spec": {"type": "LoadBalancer", "loadBalancerSourceRanges": ["0.0.0.0/0"]}}}},
        "boundary-cidr-open",
        "controlPlane.service.spec.loadBalancerSourceRanges",
    ),
]


@pytest.mark.parametrize(("values", "finding_id", "path"), MODERN_CASES, ids=lambda c: str(c)[:60])
def test_modern_ways_out_are_reported(values, finding_id, path):
    _values, findings, _meta = render(values=values)
    assert (finding_id, path) in boundary_ids(findings)
    finding = next(f for f in findings if (f["id"], f["path"]) == (finding_id, path))
    assert finding["severity"] == "error" and f"allow: [{{id: {finding_id}" in finding["message"]


LEGACY_CASES = [
    ("k3s", {"rbac": {"clusterRole": {"create": True, "extraRules": [{"apiGroups": ["*"]}]}}}, "boundary-rbac"),
    ("k3s", {"isolation": {"nodeProxyPermission": {"enabled": True}}}, "boundary-rbac"),
    ("k3s", {"sync": {"persistentvolumes": {"enabled": True}}}, "boundary-rbac"),
    ("k3s", {"isolation": {"enabled": False}}, "boundary-isolation-off"),
    ("k3s", {"isolation": {"podSecurityStandard": "privileged"}}, "boundary-isolation-off"),
    ("k3s", {"multiNamespaceMode": {"enabled": True}}, "boundary-namespace"),
    (
        "k3s",
        {"mapServices": {"fromHost": [{"from": "kube-system/kube-dns", "to": "default/dns"}]}},
        "boundary-namespace",
    ),
    ("k3s", {"hostpathMapper": {"enabled": True}}, "boundary-host-path"),
    ("k3s", {"volumes": [{"name": "h", "hostPath": {"path": "/var"}}]}, "boundary-host-path"),
    ("k3s", {"vcluster": {"image": "evil/k3s:1"}}, "boundary-image"),
    ("k3s", {"syncer": {"extraArgs": ["--kube-apiserver-arg=anonymous-auth=true"]}}, "boundary-flags"),
    ("k3s", {"vcluster": {"extraArgs": ["--kube-apiserver-arg", "authorization-mode=AlwaysAllow"]}}, "boundary-flags"),
    ("k3s", {"syncer": {"extraArgs": ["--multi-namespace-mode"]}}, "boundary-flags"),
    ("k8s", {"api": {"extraArgs": ["--anonymous-auth=true"]}}, "boundary-flags"),
]


@pytest.mark.parametrize(("distro", "values", "finding_id"), LEGACY_CASES, ids=lambda c: str(c)[:60])
def test_legacy_ways_out_are_reported(distro, values, finding_id):
    _values, findings, _meta = render("0.18.1", distro=distro, values=values)
    assert finding_id in {f for f, _path in boundary_ids(findings)}


@pytest.mark.parametrize("version", ["0.15.7", "0.19.10", "0.20.6", "0.25.2", "0.30.5", "0.32.3", "0.36.1"])
def test_what_the_collection_renders_is_never_a_boundary_finding(version):
    options = dict(
        image_registry="registry.example.com/mirror",
        isolation={"extra_egress_cidrs": ["10.20.0.10/32"]},
        expose={
            "type": "LoadBalancer",
            "extra_sans": ["t.example.com"],
            "load_balancer_source_ranges": ["203.0.113.0/24"],
        },
        map_services={"from_host": [{"from": "tenant-a/db", "to": "default/db"}]},
    )
    _values, findings, _meta = render(version, **options)
    assert boundary_ids(findings) == []


def test_turning_isolation_on_harder_is_no_finding():
    _values, findings, _meta = render(
        isolation={"network_policy": False}, values={"policies": {"networkPolicy": {"enabled": True}}}
    )
    assert boundary_ids(findings) == []


@pytest.mark.parametrize(
    ("option", "value", "finding_id"),
    [
        ("isolation", {"extra_egress_cidrs": ["0.0.0.0/0"]}, "boundary-cidr-open"),
        ("isolation", {"extra_egress_cidrs": ["10.0.0.0/8"]}, "boundary-cidr-open"),
        ("isolation", {"extra_egress_cidrs": ["::/0"]}, "boundary-cidr-open"),
        ("expose", {"type": "LoadBalancer", "load_balancer_source_ranges": ["0.0.0.0/0"]}, "boundary-cidr-open"),
        ("map_services", {"to_host": [{"from": "default/a", "to": "kube-system/kube-dns"}]}, "boundary-namespace"),
        ("map_services", {"from_host": [{"from": "kube-system/kube-dns", "to": "default/dns"}]}, "boundary-namespace"),
    ],
)
def test_options_that_leave_the_boundary(option, value, finding_id):
    _values, findings, _meta = render(**{option: value})
    assert finding_id in {f for f, _p in boundary_ids(findings)}


@pytest.mark.parametrize("cidr", ["10.43.0.0/16", "10.20.0.10/32", "192.168.1.0/24", "2001:db8::/32"])
def test_narrow_networks_are_not_open(cidr):
    assert boundary.open_network_problem(cidr, egress=True) is None


def test_every_boundary_id_has_a_rule():
    ruled = {rule[0] for rule in boundary.RULES} | {"boundary-flags", "boundary-host-path", "boundary-image"}
    assert ruled == set(BOUNDARY_FINDING_IDS)


BASE = {"name": "t1", "namespace": "tenant-a", "chart_version": "0.36.1"}


def test_allow_passes_one_finding_with_its_reason_and_records_it():
    values = {"controlPlane": {"statefulSet": {"image": {"repository": "mirror/vcluster-pro"}}}}
    refused = evaluate(dict(BASE, values=values))
    assert refused.failure and "boundary-image" in refused.failure
    allowed = evaluate(
        dict(BASE, values=values, allow=[{"id": "boundary-image", "reason": "site mirror of the syncer"}])
    )
    assert allowed.failure is None
    finding = next(f for f in allowed.result["findings"] if f["id"] == "boundary-image")
    assert finding["severity"] == "warning" and "site mirror of the syncer" in finding["message"]
    assert allowed.result["allowed"] == [
        {"id": "boundary-image", "reason": "site mirror of the syncer", "paths": ["controlPlane.statefulSet.image"]}
    ]


@pytest.mark.parametrize(
    ("allow", "problem"),
    [
        ([{"id": "pss-privileged", "reason": "because we want it"}], "cannot be allowed"),
        ([{"id": "boundary-image"}], "exactly the keys id and reason"),
        ([{"id": "boundary-image", "reason": "x"}], "say why"),
    ],
)
def test_allow_entries_are_checked(allow, problem):
    outcome = evaluate(dict(BASE, allow=allow))
    assert outcome.failure and problem in outcome.failure


def test_an_allow_entry_that_matches_nothing_is_a_warning():
    outcome = evaluate(dict(BASE, allow=[{"id": "boundary-rbac", "reason": "kept from an older setup"}]))
    assert outcome.failure is None
    assert any(w.startswith("[option-invalid] allow") and "matches nothing" in w for w in outcome.warnings)
