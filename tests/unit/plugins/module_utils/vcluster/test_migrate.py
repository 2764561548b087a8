"""Legacy -> unified conversion and upgrade refusals, on the real chart data."""

import os

import jsonschema
import pytest
import yaml
from conftest import VCLUSTER_DATA

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import dialects
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.findings import FINDING_IDS
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.legacy_conversion import convert_legacy_values
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.modern_moves import move_modern_values
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.schema import strip_nulls
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.upgrade import plan_upgrade, render_upgrade
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.upgrade_checks import check_upgrade
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.values_tree import (
    coalesce_values,
    get_path,
)

LEGACY_VERSIONS = ("0.15.7", "0.16.4", "0.17.1", "0.18.1", "0.19.10")
MODERN_VERSIONS = sorted(
    (v for v in os.listdir(VCLUSTER_DATA) if dialects.dialect_for(dialects.parse_version(v)) == dialects.MODERN),
    key=dialects.parse_version,
)


def legacy_defaults(version, layout):
    with open(os.path.join(VCLUSTER_DATA, version, f"values-{layout}.yaml")) as handle:
        return yaml.safe_load(handle)


def modern_file(version, name):
    with open(os.path.join(VCLUSTER_DATA, version, name)) as handle:
        return yaml.safe_load(handle)


def convert(values, distro="k3s", target="0.36.1"):
    return convert_legacy_values(values, distro, dialects.parse_version(target))


def ids(findings):
    return [f["id"] for f in findings]


def paths(findings):
    return [f["path"] for f in findings]


# --------------------------------------------------------------------------------------------- real defaults
def _default_cases():
    for legacy in LEGACY_VERSIONS:
        for distro in ("k3s", "k0s", "k8s", "eks"):
            target_distro = "k8s" if distro in ("k8s", "eks") else distro
            for target in MODERN_VERSIONS:
                if not dialects.check_distro(dialects.parse_version(target), target_distro):
                    yield legacy, distro, target


@pytest.mark.parametrize("legacy,distro,target", list(_default_cases()))
def test_legacy_default_values_convert_harden_and_validate(legacy, distro, target):
    """Every legacy default values file converts without refusal and, hardened, passes the target's schema."""
    values = legacy_defaults(legacy, dialects.legacy_layout(distro))
    _converted, refused, _notes = convert(values, distro, target)
    assert refused == []
    target_distro = "k8s" if distro in ("k8s", "eks") else distro
    rendered, findings, meta, migration = render_upgrade(
        values, legacy, distro, name="t1", namespace="tenant-a", chart_version=target, distro=target_distro
    )
    assert meta["dialect"] == dialects.MODERN
    assert migration["converted"] is True and migration["refused"] == []
    # The chart defaults run as root; the hardened target runs as 12345: that switch is the only objection.
    assert [(f["id"], f["path"]) for f in findings if f["severity"] == "error"] == [
        ("upgrade-refused", "controlPlane.statefulSet.security.containerSecurityContext.runAsUser")
    ]
    assert get_path(rendered, "controlPlane.statefulSet.security.containerSecurityContext.runAsUser") == 12345
    merged = coalesce_values(modern_file(target, "values.yaml"), rendered)
    schema = modern_file(target, "values.schema.json")
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(strip_nulls(merged))]
    assert errors == []


@pytest.mark.parametrize("legacy", LEGACY_VERSIONS)
def test_default_k3s_values_are_only_the_distro_and_ordering(legacy):
    converted, refused, _notes = convert(legacy_defaults(legacy, "k3s"), "k3s", "0.32.3")
    assert refused == []
    assert get_path(converted, "controlPlane.distro.k3s.enabled") is True
    assert get_path(converted, "controlPlane.statefulSet.scheduling.podManagementPolicy") == "OrderedReady"
    assert "policies" not in converted  # isolation is off by default
    assert "networking" not in converted  # no mapped services by default
    assert get_path(converted, "controlPlane.coredns.enabled") is None


@pytest.mark.parametrize("legacy", LEGACY_VERSIONS)
def test_default_k8s_values_deploy_etcd(legacy):
    converted, _refused, _notes = convert(legacy_defaults(legacy, "k8s"), "k8s", "0.36.1")
    assert get_path(converted, "controlPlane.distro.k8s.enabled") is True
    assert get_path(converted, "controlPlane.backingStore.etcd.deploy.enabled") is True
    assert get_path(converted, "controlPlane.distro.k8s.apiServer.image") is None  # 0.25+: one k8s image


# --------------------------------------------------------------------------------------------- key families
def test_distro_k3s_token_and_image():
    converted, _refused, _notes = convert(
        {"k3sToken": "s3cr3t", "vcluster": {"image": "rancher/k3s:v1.29.0-k3s1", "extraArgs": ["--x=1"]}},
        "k3s",
        "0.32.3",
    )
    k3s = converted["controlPlane"]["distro"]["k3s"]
    assert k3s["enabled"] is True
    assert k3s["token"] == "s3cr3t"
    assert k3s["image"] == {"repository": "rancher/k3s", "tag": "v1.29.0-k3s1"}
    assert k3s["extraArgs"] == ["--x=1"]


@pytest.mark.parametrize("distro", ["k8s", "eks"])
def test_distro_k8s_and_eks_become_k8s_with_component_images_before_025(distro):
    values = {
        "api": {"image": "registry.k8s.io/kube-apiserver:v1.29.0", "extraArgs": ["--v=2"]},
        "controller": {"image": "registry.k8s.io/kube-controller-manager:v1.29.0"},
    }
    converted, _refused, notes = convert(values, distro, "0.24.2")
    k8s = converted["controlPlane"]["distro"]["k8s"]
    assert "eks" not in converted["controlPlane"]["distro"]
    assert k8s["apiServer"]["image"] == {
        "registry": "registry.k8s.io",
        "repository": "kube-apiserver",
        "tag": "v1.29.0",
    }
    assert k8s["apiServer"]["extraArgs"] == ["--v=2"]
    assert k8s["controllerManager"]["image"]["repository"] == "kube-controller-manager"
    converted, _refused, notes = convert(values, distro, "0.36.1")
    assert get_path(converted, "controlPlane.distro.k8s.apiServer.image") is None
    assert any("api.image dropped" in note for note in notes)


def test_images_registry_and_syncer_image():
    converted, _refused, _notes = convert(
        {"defaultImageRegistry": "mirror.example.com/", "syncer": {"image": "ghcr.io/loft-sh/vcluster:0.19.10"}}
    )
    assert converted["controlPlane"]["advanced"]["defaultImageRegistry"] == "mirror.example.com"
    assert converted["controlPlane"]["statefulSet"]["image"] == {
        "registry": "ghcr.io",
        "repository": "loft-sh/vcluster",
        "tag": "0.19.10",
    }


def test_etcd_becomes_deployed_etcd_backing_store():
    values = {
        "etcd": {
            "image": "registry.k8s.io/etcd:3.5.10-0",
            "securityContext": {"runAsUser": 12345},
            "fsGroup": 12345,
            "storage": {"size": "10Gi", "className": "fast"},
            "replicas": 3,
            "autoDeletePersistentVolumeClaims": True,
        }
    }
    converted, _refused, _notes = convert(values, "k8s")
    deploy = converted["controlPlane"]["backingStore"]["etcd"]["deploy"]
    assert deploy["enabled"] is True
    sts = deploy["statefulSet"]
    assert sts["image"]["repository"] == "etcd"
    assert sts["security"] == {
        "containerSecurityContext": {"runAsUser": 12345},
        "podSecurityContext": {"fsGroup": 12345},
    }
    assert sts["persistence"]["volumeClaim"] == {"size": "10Gi", "storageClass": "fast", "retentionPolicy": "Delete"}
    assert sts["highAvailability"]["replicas"] == 3


def test_embedded_etcd_replaces_deployed_etcd():
    converted, _refused, _notes = convert({"embeddedEtcd": {"enabled": True, "migrateFromEtcd": True}}, "k8s")
    store = converted["controlPlane"]["backingStore"]["etcd"]
    assert store["embedded"] == {"enabled": True, "migrateFromDeployedEtcd": True}
    assert store["deploy"]["enabled"] is False


@pytest.mark.parametrize(
    "values",
    [
        {"storage": {"persistence": False, "size": "10Gi", "className": "fast"}},  # <= 0.18
        {"syncer": {"storage": {"persistence": False, "size": "10Gi", "className": "fast"}}},  # 0.19
    ],
)
def test_storage_becomes_statefulset_persistence(values):
    converted, _refused, _notes = convert(values)
    assert converted["controlPlane"]["statefulSet"]["persistence"]["volumeClaim"] == {
        "enabled": False,
        "size": "10Gi",
        "storageClass": "fast",
    }


def test_auto_delete_pvcs_becomes_retention_delete():
    converted, _refused, _notes = convert({"autoDeletePersistentVolumeClaims": True})
    assert get_path(converted, "controlPlane.statefulSet.persistence.volumeClaim.retentionPolicy") == "Delete"


def test_k3s_security_contexts_and_fs_group():
    container = {"runAsUser": 12345, "runAsNonRoot": True, "capabilities": {"drop": ["ALL"]}}
    converted, _refused, _notes = convert(
        {"securityContext": container, "podSecurityContext": {"runAsGroup": 12345}, "fsGroup": 12345}, "k3s", "0.32.3"
    )
    security = converted["controlPlane"]["statefulSet"]["security"]
    assert security["containerSecurityContext"] == container
    assert security["podSecurityContext"] == {"runAsGroup": 12345, "fsGroup": 12345}
    assert converted["controlPlane"]["distro"]["k3s"]["securityContext"] == container


def test_k8s_syncer_security_contexts():
    converted, _refused, _notes = convert(
        {"syncer": {"securityContext": {"runAsUser": 1}, "podSecurityContext": {"fsGroup": 2}}}, "k8s"
    )
    security = converted["controlPlane"]["statefulSet"]["security"]
    assert security == {"containerSecurityContext": {"runAsUser": 1}, "podSecurityContext": {"fsGroup": 2}}


def test_map_services_become_replicate_services():
    converted, _refused, _notes = convert(
        {
            "mapServices": {
                "fromHost": [{"from": "shared/db", "to": "default/db"}],
                "fromVirtual": [{"from": "default/api", "to": "api-x"}],
            }
        }
    )
    assert converted["networking"]["replicateServices"] == {
        "fromHost": [{"from": "shared/db", "to": "default/db"}],
        "toHost": [{"from": "default/api", "to": "api-x"}],
    }


@pytest.mark.parametrize(
    "target,egress_path",
    [
        ("0.30.5", "policies.networkPolicy.outgoingConnections.ipBlock"),
        ("0.31.3", "policies.networkPolicy.workload.publicEgress"),
    ],
)
def test_isolation_becomes_policies(target, egress_path):
    isolation = legacy_defaults("0.19.10", "k3s")["isolation"]
    isolation.update({"enabled": True, "podSecurityStandard": "restricted"})
    isolation["resourceQuota"]["quota"]["count/pods"] = 7
    isolation["limitRange"]["enabled"] = False
    converted, refused, _notes = convert({"isolation": isolation}, "k3s", target)
    assert refused == []
    policies = converted["policies"]
    assert policies["podSecurityStandard"] == "restricted"
    assert policies["resourceQuota"]["enabled"] is True
    assert policies["resourceQuota"]["quota"]["count/pods"] == 7
    assert policies["limitRange"]["enabled"] is False
    assert policies["networkPolicy"]["enabled"] is True
    assert get_path(converted, egress_path)["cidr"] == "0.0.0.0/0"
    assert "10.0.0.0/8" in get_path(converted, egress_path)["except"]


def test_isolation_without_standard_defaults_to_baseline():
    converted, _refused, _notes = convert({"isolation": {"enabled": True}})
    assert converted["policies"]["podSecurityStandard"] == "baseline"
    assert converted["policies"]["resourceQuota"]["enabled"] is True


def test_init_becomes_experimental_deploy():
    converted, _refused, _notes = convert(
        {"init": {"manifests": "apiVersion: v1\nkind: Namespace\n", "manifestsTemplate": "", "helm": [{"chart": {}}]}}
    )
    assert converted["experimental"]["deploy"]["vcluster"] == {
        "manifests": "apiVersion: v1\nkind: Namespace\n",
        "helm": [{"chart": {}}],
    }


def test_coredns_becomes_control_plane_coredns_and_fallback_dns():
    converted, refused, _notes = convert(
        {
            "coredns": {
                "enabled": True,
                "fallback": "1.1.1.1",
                "replicas": 2,
                "image": "coredns/coredns:1.11.1",
                "service": {"type": "NodePort"},
                "plugin": {"enabled": False, "config": []},
            }
        }
    )
    assert refused == []
    coredns = converted["controlPlane"]["coredns"]
    assert coredns["deployment"]["replicas"] == 2
    assert coredns["deployment"]["image"] == "coredns/coredns:1.11.1"
    assert coredns["service"]["spec"]["type"] == "NodePort"
    assert converted["policies"]["networkPolicy"]["fallbackDns"] == "1.1.1.1"
    converted, _refused, _notes = convert({"coredns": {"enabled": False}})
    assert converted["controlPlane"]["coredns"]["enabled"] is False


def test_service_and_ingress():
    converted, _refused, notes = convert(
        {
            "service": {"type": "LoadBalancer", "loadBalancerSourceRanges": ["10.0.0.0/8"]},
            "ingress": {"enabled": True, "host": "t1.example.com", "ingressClassName": "nginx"},
        }
    )
    assert converted["controlPlane"]["service"]["spec"] == {
        "type": "LoadBalancer",
        "loadBalancerSourceRanges": ["10.0.0.0/8"],
    }
    assert converted["controlPlane"]["ingress"]["enabled"] is True
    assert converted["controlPlane"]["ingress"]["host"] == "t1.example.com"
    assert converted["controlPlane"]["ingress"]["spec"]["ingressClassName"] == "nginx"
    assert any("-lb" in note for note in notes)


def test_sync_toggles_split_into_to_host_and_from_host():
    converted, _refused, _notes = convert(
        {
            "sync": {
                "ingresses": {"enabled": True},
                "events": {"enabled": False},
                "secrets": {"enabled": True, "all": True},
                "nodes": {"enabled": True, "syncAllNodes": True, "nodeSelector": "a=b,c=d"},
                "hoststorageclasses": {"enabled": True},
                "services": {"enabled": True},
            }
        }
    )
    sync = converted["sync"]
    assert sync["toHost"]["ingresses"]["enabled"] is True
    assert sync["fromHost"]["ingressClasses"]["enabled"] is True
    assert sync["fromHost"]["events"]["enabled"] is False
    assert sync["toHost"]["secrets"]["all"] is True
    assert sync["fromHost"]["nodes"]["enabled"] is True
    assert sync["fromHost"]["nodes"]["selector"] == {"all": True, "labels": {"a": "b", "c": "d"}}
    assert sync["fromHost"]["storageClasses"]["enabled"] == "true"
    assert "services" not in sync["toHost"]  # unified default, not repeated


def test_syncer_flags():
    args = [
        "--tls-san=t1.example.com,t1.tenant-a",
        "--tls-san",
        "10.0.0.1",
        "--out-kube-config-server=https://t1.tenant-a:443",
        "--out-kube-config-secret=t1-kubeconfig",
        "--out-kube-config-secret-namespace=tenant-a",
        "--enforce-toleration=dedicated=tenants:NoSchedule",
        "--node-selector=pool=tenants",
        "--set-owner=false",
    ]
    converted, refused, _notes = convert({"syncer": {"extraArgs": args}}, "k3s", "0.32.3")
    assert refused == []
    assert converted["controlPlane"]["proxy"]["extraSANs"] == ["t1.example.com", "t1.tenant-a", "10.0.0.1"]
    assert converted["exportKubeConfig"]["server"] == "https://t1.tenant-a:443"
    assert converted["exportKubeConfig"]["additionalSecrets"] == [{"name": "t1-kubeconfig", "namespace": "tenant-a"}]
    assert converted["sync"]["toHost"]["pods"]["enforceTolerations"] == ["dedicated=tenants:NoSchedule"]
    assert converted["sync"]["fromHost"]["nodes"] == {"enabled": True, "selector": {"labels": {"pool": "tenants"}}}
    assert converted["experimental"]["syncSettings"]["setOwner"] is False
    # before 0.24 the secret goes to exportKubeConfig.secret
    converted, _refused, _notes = convert({"syncer": {"extraArgs": args}}, "k3s", "0.20.6")
    assert converted["exportKubeConfig"]["secret"] == {"name": "t1-kubeconfig", "namespace": "tenant-a"}


def test_telemetry_disabled():
    for disabled in (True, "true"):
        converted, _refused, _notes = convert({"telemetry": {"disabled": disabled}})
        assert converted["telemetry"]["enabled"] is False
    converted, _refused, _notes = convert({"telemetry": {"disabled": "false"}})
    assert "telemetry" not in converted


def test_rbac_openshift_and_service_monitor():
    converted, _refused, _notes = convert(
        {
            "rbac": {"clusterRole": {"create": True}, "role": {"extraRules": [{"apiGroups": ["x"]}]}},
            "openshift": {"enable": True},
            "monitoring": {"serviceMonitor": {"enabled": True}},
        }
    )
    assert converted["rbac"]["clusterRole"]["enabled"] is True
    assert converted["rbac"]["role"]["extraRules"][0]["resources"] == ["endpoints/restricted"]
    assert converted["rbac"]["role"]["extraRules"][1] == {"apiGroups": ["x"]}
    assert converted["controlPlane"]["serviceMonitor"]["enabled"] is True


def test_multi_namespace_mode_moves_with_the_target_version():
    converted, _refused, _notes = convert({"multiNamespaceMode": {"enabled": True}}, "k3s", "0.25.2")
    assert converted["experimental"]["multiNamespaceMode"]["enabled"] is True
    converted, _refused, _notes = convert({"multiNamespaceMode": {"enabled": True}}, "k3s", "0.26.5")
    assert converted["sync"]["toHost"]["namespaces"]["enabled"] is True


# --------------------------------------------------------------------------------------------- refusals
@pytest.mark.parametrize(
    "values,path,hint",
    [
        ({"isolation": {"enabled": True, "namespace": "other"}}, "isolation.namespace", "targetNamespace"),
        (
            {"isolation": {"enabled": True, "nodeProxyPermission": {"enabled": True}}},
            "isolation.nodeProxyPermission.enabled",
            "rbac.clusterRole",
        ),
        (
            {"coredns": {"plugin": {"enabled": True, "config": [{"record": {"fqdn": "x"}}]}}},
            "coredns.plugin.config",
            "networking.resolveDNS",
        ),
        (
            {"rbac": {"role": {"excludedApiResources": ["pods/exec"]}}},
            "rbac.role.excludedApiResources",
            "overwriteRules",
        ),
        (
            {"syncer": {"volumeMounts": [{"mountPath": "/data", "name": "data"}, {"mountPath": "/x", "name": "x"}]}},
            "syncer.volumeMounts",
            "extraVolumeMounts",
        ),
        ({"syncer": {"extraArgs": ["--enforce-pod-security-standard=restricted"]}}, "syncer.extraArgs[0]", "isolation"),
        ({"syncer": {"extraArgs": ["--map-host-service=a/b=c/d"]}}, "syncer.extraArgs[0]", "mapServices"),
        ({"syncer": {"extraArgs": ["--no-such-flag"]}}, "syncer.extraArgs[0]", "not supported"),
        ({"syncer": {"extraArgs": ["--tls-san=x", "stray"]}}, "syncer.extraArgs[1]", "--flags only"),
        ({"vcluster": {"baseArgs": ["server", "--custom"]}}, "vcluster.baseArgs", "extraArgs"),
        ({"sync": {"generic": {"config": "version: v1beta1\nexport: []\n"}}}, "sync.generic.config", "customResources"),
    ],
)
def test_refused_keys_name_the_key_and_the_fix(values, path, hint):
    _converted, refused, _notes = convert(values)
    assert ids(refused) == ["migration-refused"]
    assert refused[0]["path"] == path
    assert refused[0]["severity"] == "error"
    assert hint in refused[0]["message"]


def test_isolation_namespace_refused_even_when_isolation_is_off():
    _converted, refused, _notes = convert({"isolation": {"enabled": False, "namespace": "other"}})
    assert paths(refused) == ["isolation.namespace"]


def test_volume_snapshots_refused_on_036():
    _converted, refused, _notes = convert({"sync": {"volumesnapshots": {"enabled": True}}}, "k3s", "0.32.3")
    assert refused == []
    _converted, refused, _notes = convert({"sync": {"volumesnapshots": {"enabled": True}}}, "k8s", "0.36.1")
    assert paths(refused) == ["sync.volumesnapshots.enabled"]


def test_new_finding_ids_are_registered():
    assert "migration-refused" in FINDING_IDS
    assert "upgrade-refused" in FINDING_IDS


# --------------------------------------------------------------------------------------------- unified -> unified
def test_unified_network_policy_shape_moves_at_031():
    old = {"policies": {"networkPolicy": {"enabled": True, "outgoingConnections": {"ipBlock": {"cidr": "0.0.0.0/0"}}}}}
    moved, refused, _notes = move_modern_values(old, (0, 30, 5), (0, 31, 3))
    assert refused == []
    assert moved["policies"]["networkPolicy"] == {"enabled": True, "workload": {"publicEgress": {"cidr": "0.0.0.0/0"}}}
    same, _refused, _notes = move_modern_values(old, (0, 30, 0), (0, 30, 5))
    assert same == old


# --------------------------------------------------------------------------------------------- check_upgrade
HARDENED_K3S = {"securityContext": {"runAsUser": 12345}, "fsGroup": 12345}
HARDENED_MODERN = {"controlPlane": {"statefulSet": {"security": {"containerSecurityContext": {"runAsUser": 12345}}}}}


def check(old_version, old_distro, old_values, new_version, new_distro, new_values):
    return check_upgrade(old_version, old_distro, old_values, new_version, new_distro, new_values)


def test_same_distro_store_and_user_is_accepted():
    k3s_modern = {"controlPlane": {"distro": {"k3s": {"enabled": True}}, **HARDENED_MODERN["controlPlane"]}}
    assert check("0.19.10", "k3s", HARDENED_K3S, "0.32.3", "k3s", k3s_modern) == []
    assert check("0.30.5", "k8s", HARDENED_MODERN, "0.36.1", "k8s", HARDENED_MODERN) == []


def test_eks_to_k8s_is_not_a_distro_change():
    etcd = {"controlPlane": {"backingStore": {"etcd": {"deploy": {"enabled": True}}}}}
    old = {"syncer": {"securityContext": {"runAsUser": 0}}}
    assert check("0.19.10", "eks", old, "0.20.6", "k8s", etcd) == []


def test_distro_change_is_refused():
    found = check("0.30.5", "k3s", HARDENED_MODERN, "0.30.5", "k8s", HARDENED_MODERN)
    assert ids(found) == ["upgrade-refused"]
    assert found[0]["path"] == "distro"
    assert "cannot change the distro" in found[0]["message"]


def test_k3s_to_a_chart_without_k3s_is_refused():
    found = check("0.19.10", "k3s", HARDENED_K3S, "0.36.1", "k3s", HARDENED_MODERN)
    assert paths(found) == ["distro"]
    assert "0.32.x" in found[0]["message"]


@pytest.mark.parametrize(
    "new_store",
    [
        {"etcd": {"deploy": {"enabled": True}}},
        {"etcd": {"embedded": {"enabled": True}}},
        {"database": {"external": {"enabled": True}}},
    ],
)
def test_backing_store_change_is_refused(new_store):
    new = {"controlPlane": {"backingStore": new_store, **HARDENED_MODERN["controlPlane"]}}
    found = check("0.30.5", "k8s", HARDENED_MODERN, "0.36.1", "k8s", new)
    assert paths(found) == ["controlPlane.backingStore"]


def test_deployed_to_embedded_etcd_with_migration_is_accepted():
    old = {"controlPlane": {"backingStore": {"etcd": {"deploy": {"enabled": True}}}, **HARDENED_MODERN["controlPlane"]}}
    new = {
        "controlPlane": {
            "backingStore": {"etcd": {"embedded": {"enabled": True, "migrateFromDeployedEtcd": True}}},
            **HARDENED_MODERN["controlPlane"],
        }
    }
    assert check("0.30.5", "k8s", old, "0.36.1", "k8s", new) == []


def test_legacy_k8s_to_unified_without_deployed_etcd_is_refused():
    found = check("0.19.10", "k8s", {}, "0.36.1", "k8s", {})
    assert "controlPlane.backingStore" in paths(found)


def test_root_to_rootless_is_refused_both_ways():
    found = check("0.19.10", "k3s", {}, "0.32.3", "k3s", HARDENED_MODERN)  # legacy default runs as root
    assert paths(found) == ["controlPlane.statefulSet.security.containerSecurityContext.runAsUser"]
    assert "root" in found[0]["message"]
    found = check("0.30.5", "k8s", HARDENED_MODERN, "0.36.1", "k8s", {})
    assert paths(found) == ["controlPlane.statefulSet.security.containerSecurityContext.runAsUser"]


def test_downgrade_across_020_is_refused():
    found = check("0.20.6", "k8s", HARDENED_MODERN, "0.19.10", "k8s", {})
    assert paths(found) == ["chart_version"]
    assert "downgrade" in found[0]["message"]


# --------------------------------------------------------------------------------------------- plan_upgrade
def test_plan_converts_legacy_previous_and_user_values():
    previous = {"isolation": {"enabled": True}, "securityContext": {"runAsUser": 12345}}
    user = {"isolation": {"resourceQuota": {"quota": {"count/pods": 5}}}}
    base, user_values, refused, migration = plan_upgrade(previous, (0, 19, 10), "k3s", (0, 32, 3), user)
    assert refused == [] and migration["converted"] is True
    assert base["policies"]["resourceQuota"]["enabled"] is True
    assert "isolation" not in user_values
    assert any("update vcluster_values" in note for note in migration["notes"])


def test_plan_keeps_unified_previous_values_as_base():
    previous = {"controlPlane": {"proxy": {"extraSANs": ["a"]}}}
    base, user_values, _refused, migration = plan_upgrade(previous, (0, 30, 5), "k8s", (0, 36, 1), {"x": 1})
    assert base == previous and user_values == {"x": 1}
    assert migration == {"converted": False, "refused": [], "notes": []}
