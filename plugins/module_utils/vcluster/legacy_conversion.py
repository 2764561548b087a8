# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Convert legacy (< 0.20) chart values to the values of a 0.20+ chart.

The mapping follows what ``vcluster convert config`` did (the command was removed from the CLI in 0.32): every
legacy key family is either converted to its path for the *target* chart version, dropped with a note when it has
no effect any more, or refused with a ``migration-refused`` finding whose message says what to do instead. Only
values that differ from the 0.20+ chart's defaults are emitted, so the output reads like the diff ``convert
config`` printed. Pure logic, no I/O."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import dialects
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.conversion import (
    Conversion,
    copy_block,
    copy_keys,
    image_object,
    manifests_set,
    set_if,
    truthy,
)
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.legacy_sync_toggles import convert_sync
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.legacy_syncer_flags import convert_syncer_args

# Volume mounts the legacy charts list in syncer.volumeMounts by default; the unified chart mounts them itself.
_BUILTIN_SYNCER_MOUNTS = (
    {"mountPath": "/data", "name": "data"},
    {"mountPath": "/pki", "name": "certs", "readOnly": True},
)


# k3s server arguments the legacy charts pass by default (vcluster.baseArgs) and binaries (vcluster.command).
_DEFAULT_K3S_BASE_ARGS = frozenset(
    (
        "server",
        "--write-kubeconfig=/data/k3s-config/kube-config.yaml",
        "--data-dir=/data",
        "--disable=traefik,servicelb,metrics-server,local-storage,coredns",
        "--disable-network-policy",
        "--disable-agent",
        "--disable-cloud-controller",
        "--egress-selector-mode=disabled",
        "--flannel-backend=none",
        "--kube-apiserver-arg=bind-address=127.0.0.1",
    )
)


_DEFAULT_K3S_COMMANDS = frozenset(("/bin/k3s", "/k3s-binary/k3s", "/binaries/k3s"))


# Legacy keys without a unified equivalent that are harmless to drop (a note is given when they are set).
_DROPPED_KEYS = {
    "admission": "the admission webhooks of 0.18 are gone; use policies.centralAdmission (pro)",
    "enableHA": "set controlPlane.statefulSet.highAvailability.replicas instead",
    "podDisruptionBudget": "use controlPlane.advanced.podDisruptionBudget (0.31+) if needed",
    "serverToken": "the k3s server token is controlPlane.distro.k3s.token",
    "job": "the certificate Job of 0.15/0.16 no longer exists; the syncer creates the certificates",
    "proxy": "use integrations.metricsServer",
}


def convert_legacy_values(values, distro, target_version, path_prefix=""):
    """Convert legacy chart values to the unified format of ``target_version``.

    ``distro``: the legacy distro (k3s, k8s, k0s, eks; eks becomes k8s). Returns ``(values, refused, notes)``:
    ``refused`` are ``migration-refused`` findings (path = the legacy key), ``notes`` plain strings.
    """
    version = dialects.as_version(target_version)
    conv = Conversion(version, path_prefix)
    values = values or {}
    layout = dialects.legacy_layout(distro)
    unified = dialects.modern_distro(distro)
    conv.set(f"controlPlane.distro.{unified}.enabled", True)
    # The legacy StatefulSets started pods one by one; keep that (the unified default is Parallel).
    conv.set("controlPlane.statefulSet.scheduling.podManagementPolicy", "OrderedReady")
    if layout == "k3s":
        if values.get("k3sToken") and unified == "k3s":
            conv.set("controlPlane.distro.k3s.token", values["k3sToken"])
        _convert_k3s_container(conv, values.get("vcluster"), unified)
        _convert_scheduling(conv, values)
        set_if(conv, "controlPlane.statefulSet.persistence.addVolumes", values.get("volumes"))
        _convert_storage(conv, values.get("storage"))
        if isinstance(values.get("replicas"), int) and values["replicas"] > 1:
            conv.set("controlPlane.statefulSet.highAvailability.replicas", values["replicas"])
    else:
        _convert_k8s_components(conv, values)
        if not truthy((values.get("embeddedEtcd") or {}).get("enabled")):
            _convert_etcd(conv, values.get("etcd"))
        _convert_scheduling(
            conv, {k: v for k, v in values.items() if k in ("labels", "annotations", "podAnnotations", "podLabels")}
        )
    _convert_security(conv, values, layout, unified)
    _convert_syncer(conv, values.get("syncer"), layout)
    _convert_map_services(conv, values.get("mapServices"))
    _convert_isolation(conv, values.get("isolation"))
    _convert_coredns(conv, values.get("coredns"))
    _convert_service(conv, values.get("service"))
    _convert_ingress(conv, values.get("ingress"))
    convert_sync(conv, values.get("sync"))
    _convert_rbac(conv, values.get("rbac"), values.get("openshift"))
    _convert_init(conv, values.get("init"))
    _convert_misc(conv, values)
    return conv.values, conv.refused, conv.notes


def _convert_security(conv, values, layout, distro):
    """securityContext/podSecurityContext/fsGroup (k3s) or syncer.* (k8s) -> controlPlane.statefulSet.security."""
    if layout == "k3s":
        container = values.get("securityContext")
        pod = values.get("podSecurityContext")
        fs_group = values.get("fsGroup")
    else:
        syncer = values.get("syncer") or {}
        container = syncer.get("securityContext")
        pod = syncer.get("podSecurityContext")
        fs_group = None
    if isinstance(container, dict) and container:
        conv.merge("controlPlane.statefulSet.security.containerSecurityContext", container)
        if layout == "k3s":
            # The legacy k3s chart applies the same context to the k3s (init) container.
            conv.merge(f"controlPlane.distro.{distro}.securityContext", container)
    if isinstance(pod, dict) and pod:
        conv.merge("controlPlane.statefulSet.security.podSecurityContext", pod)
    if fs_group is not None:
        conv.merge("controlPlane.statefulSet.security.podSecurityContext", {"fsGroup": fs_group})
    if layout == "k8s":
        for component in ("api", "controller", "scheduler"):
            context = (values.get(component) or {}).get("securityContext")
            if isinstance(context, dict) and context:
                conv.merge("controlPlane.distro.k8s.securityContext", context)


def _convert_storage(conv, storage):
    if not isinstance(storage, dict):
        return
    claim = "controlPlane.statefulSet.persistence.volumeClaim"
    if storage.get("persistence") is False:
        conv.set(claim + ".enabled", False)
    if storage.get("size") and storage.get("size") != "5Gi":
        conv.set(claim + ".size", storage["size"])
    set_if(conv, claim + ".storageClass", storage.get("className"))
    binaries = storage.get("binariesVolume")
    if binaries and binaries != [{"name": "binaries", "emptyDir": {}}]:
        conv.set("controlPlane.statefulSet.persistence.binariesVolume", binaries)


# (unified suffix, legacy key) pairs copied as they are when set.
SCHEDULING_KEYS = (
    (".scheduling.nodeSelector", "nodeSelector"),
    (".scheduling.affinity", "affinity"),
    (".scheduling.tolerations", "tolerations"),
    (".scheduling.priorityClassName", "priorityClassName"),
    (".labels", "labels"),
    (".annotations", "annotations"),
    (".pods.labels", "podLabels"),
    (".pods.annotations", "podAnnotations"),
)


COREDNS_KEYS = (
    (".deployment.image", "image"),
    (".deployment.nodeSelector", "nodeSelector"),
    (".deployment.resources", "resources"),
    (".deployment.pods.labels", "podLabels"),
    (".deployment.pods.annotations", "podAnnotations"),
    (".overwriteConfig", "config"),
    (".overwriteManifests", "manifests"),
)


INGRESS_KEYS = (
    (".host", "host"),
    (".pathType", "pathType"),
    (".annotations", "annotations"),
    (".spec.ingressClassName", "ingressClassName"),
    (".spec.tls", "tls"),
)


K3S_CONTAINER_KEYS = (
    (".imagePullPolicy", "imagePullPolicy"),
    (".extraArgs", "extraArgs"),
    (".env", "env"),
    (".resources", "resources"),
)


def _convert_scheduling(conv, source, base="controlPlane.statefulSet"):
    copy_keys(conv, source, base, SCHEDULING_KEYS)


def _convert_map_services(conv, mapping):
    mapping = mapping or {}
    if mapping.get("fromHost"):
        conv.set("networking.replicateServices.fromHost", mapping["fromHost"])
    if mapping.get("fromVirtual"):
        conv.set("networking.replicateServices.toHost", mapping["fromVirtual"])


def _convert_isolation(conv, isolation):
    isolation = isolation or {}
    if isolation.get("namespace") is not None:
        conv.refuse(
            "isolation.namespace",
            "isolation.namespace (workloads in another namespace) is no longer supported by the unified chart; "
            "remove it and run the vcluster in the namespace its workloads should use "
            "(experimental.syncSettings.targetNamespace is the closest equivalent)",
        )
    if truthy((isolation.get("nodeProxyPermission") or {}).get("enabled")):
        conv.refuse(
            "isolation.nodeProxyPermission.enabled",
            "isolation.nodeProxyPermission is no longer supported; remove it and grant nodes/proxy through "
            "rbac.clusterRole.extraRules (or overwriteRules) in the unified values",
        )
    if not truthy(isolation.get("enabled")):
        return
    policies = {
        "podSecurityStandard": isolation.get("podSecurityStandard") or "baseline",
    }
    for key in ("resourceQuota", "limitRange", "networkPolicy"):
        enabled = (isolation.get(key) or {}).get("enabled")
        policies[key] = {"enabled": True if enabled is None else truthy(enabled)}
    quota = isolation.get("resourceQuota") or {}
    if quota.get("quota"):
        policies["resourceQuota"]["quota"] = dict(quota["quota"])
    if quota.get("scopes"):
        policies["resourceQuota"]["scopes"] = list(quota["scopes"])
    selector = quota.get("scopeSelector") or {}
    if isinstance(selector, dict) and selector.get("matchExpressions"):
        policies["resourceQuota"]["scopeSelector"] = {"matchExpressions": selector["matchExpressions"]}
    limits = isolation.get("limitRange") or {}
    for key in ("default", "defaultRequest"):
        if limits.get(key):
            policies["limitRange"][key] = dict(limits[key])
    block = (((isolation.get("networkPolicy") or {}).get("outgoingConnections") or {}).get("ipBlock")) or {}
    if block.get("cidr") or block.get("except"):
        if dialects.has_workload_egress_rules(conv.version):
            egress = {}
            copy_block(egress, block)
            policies["networkPolicy"]["workload"] = {"publicEgress": egress}
        else:
            ip_block = {}
            copy_block(ip_block, block)
            policies["networkPolicy"]["outgoingConnections"] = {"ipBlock": ip_block}
    conv.merge("policies", policies)


def _convert_coredns(conv, coredns):
    coredns = coredns or {}
    base = "controlPlane.coredns"
    if coredns.get("enabled") is False:
        conv.set(base + ".enabled", False)
    if coredns.get("fallback") and coredns["fallback"] != "8.8.8.8":
        conv.set("policies.networkPolicy.fallbackDns", coredns["fallback"])
    if truthy(coredns.get("integrated")):
        conv.set(base + ".embedded", True)
    if coredns.get("replicas") not in (None, 1):
        conv.set(base + ".deployment.replicas", coredns["replicas"])
    copy_keys(conv, coredns, base, COREDNS_KEYS)
    plugin = coredns.get("plugin") or {}
    if plugin.get("config"):
        conv.refuse(
            "coredns.plugin.config",
            "the CoreDNS plugin configuration cannot be converted automatically; remove coredns.plugin and "
            "rewrite the rules as networking.resolveDNS entries in the unified values",
        )
    service = coredns.get("service") or {}
    if service.get("type") and service["type"] != "ClusterIP":
        conv.set(base + ".service.spec.type", service["type"])
    set_if(conv, base + ".service.spec.externalIPs", service.get("externalIPs"))
    set_if(conv, base + ".service.spec.externalTrafficPolicy", service.get("externalTrafficPolicy"))
    set_if(conv, base + ".service.annotations", service.get("annotations"))


def _convert_service(conv, service):
    service = service or {}
    spec = "controlPlane.service.spec"
    if service.get("type") and service["type"] != "ClusterIP":
        conv.set(spec + ".type", service["type"])
        if service["type"] == "LoadBalancer":
            conv.note(
                "service.type LoadBalancer: the legacy chart created an extra Service <name>-lb; the unified "
                "chart turns Service <name> itself into the LoadBalancer (its address may change)"
            )
    for key in (
        "externalIPs",
        "externalTrafficPolicy",
        "loadBalancerIP",
        "loadBalancerSourceRanges",
        "loadBalancerClass",
    ):
        set_if(conv, spec + "." + key, service.get(key))
    set_if(conv, "controlPlane.service.annotations", service.get("loadBalancerAnnotations"))
    for key in ("httpsNodePort", "kubeletNodePort"):
        if service.get(key):
            conv.set("controlPlane.service." + key, service[key])


def _convert_ingress(conv, ingress):
    ingress = ingress or {}
    if not truthy(ingress.get("enabled")):
        return
    base = "controlPlane.ingress"
    conv.set(base + ".enabled", True)
    copy_keys(conv, ingress, base, INGRESS_KEYS)


def _convert_syncer(conv, syncer, layout):
    syncer = syncer or {}
    sts = "controlPlane.statefulSet"
    if syncer.get("image"):
        conv.set(sts + ".image", image_object(syncer["image"]))
    set_if(conv, sts + ".imagePullPolicy", syncer.get("imagePullPolicy"))
    set_if(conv, sts + ".env", syncer.get("env"))
    for probe in ("livenessProbe", "readinessProbe"):
        if (syncer.get(probe) or {}).get("enabled") is False:
            conv.set(f"{sts}.probes.{probe}.enabled", False)
            if probe == "readinessProbe":
                conv.set(sts + ".probes.startupProbe.enabled", False)
    if syncer.get("extraVolumeMounts"):
        conv.append(sts + ".persistence.addVolumeMounts", syncer["extraVolumeMounts"])
    custom_mounts = [m for m in syncer.get("volumeMounts") or [] if m not in _BUILTIN_SYNCER_MOUNTS]
    if custom_mounts:
        conv.refuse(
            "syncer.volumeMounts",
            "syncer.volumeMounts replaced the chart's own mounts and is not allowed any more; remove it and list "
            "the extra mounts in syncer.extraVolumeMounts (controlPlane.statefulSet.persistence.addVolumeMounts)",
        )
    set_if(conv, sts + ".resources", syncer.get("resources"))
    set_if(conv, "controlPlane.service.annotations", syncer.get("serviceAnnotations"))
    if isinstance(syncer.get("replicas"), int) and syncer["replicas"] > 1:
        conv.set(sts + ".highAvailability.replicas", syncer["replicas"])
    if syncer.get("kubeConfigContextName") and syncer["kubeConfigContextName"] != "my-vcluster":
        conv.set("exportKubeConfig.context", syncer["kubeConfigContextName"])
    _convert_storage(conv, syncer.get("storage"))
    if layout == "k8s":
        _convert_scheduling(conv, syncer)
        set_if(conv, sts + ".persistence.addVolumes", syncer.get("volumes"))
    convert_syncer_args(conv, syncer.get("extraArgs"))


def _convert_k3s_container(conv, vcluster, distro):
    vcluster = vcluster or {}
    base = f"controlPlane.distro.{distro}"
    if vcluster.get("image"):
        conv.set(base + ".image", image_object(vcluster["image"]))
    copy_keys(conv, vcluster, base, K3S_CONTAINER_KEYS)
    if vcluster.get("extraVolumeMounts"):
        conv.append("controlPlane.statefulSet.persistence.addVolumeMounts", vcluster["extraVolumeMounts"])
    if vcluster.get("volumeMounts"):
        conv.append("controlPlane.statefulSet.persistence.addVolumeMounts", vcluster["volumeMounts"])
    if any(arg not in _DEFAULT_K3S_BASE_ARGS for arg in vcluster.get("baseArgs") or []):
        conv.refuse(
            "vcluster.baseArgs",
            f"custom vcluster.baseArgs cannot be converted; the unified chart builds the {distro} server command "
            f"itself. Move extra arguments to vcluster.extraArgs (controlPlane.distro.{distro}.extraArgs)",
        )
    if any(cmd not in _DEFAULT_K3S_COMMANDS for cmd in vcluster.get("command") or []):
        conv.refuse(
            "vcluster.command",
            f"a custom vcluster.command cannot be converted; use controlPlane.distro.{distro}.command instead",
        )
    if vcluster.get("priorityClassName"):
        conv.refuse("vcluster.priorityClassName", "set controlPlane.statefulSet.scheduling.priorityClassName instead")


def _convert_k8s_components(conv, values):
    single_image = dialects.has_single_k8s_image(conv.version)
    for legacy, unified in (("api", "apiServer"), ("controller", "controllerManager"), ("scheduler", "scheduler")):
        component = values.get(legacy) or {}
        base = f"controlPlane.distro.k8s.{unified}"
        if component.get("image"):
            if single_image:
                conv.note(
                    f"{legacy}.image dropped: chart {dialects.version_text(conv.version)} runs one Kubernetes image "
                    "(controlPlane.distro.k8s.image); pin it with distro_image if needed"
                )
            else:
                conv.set(base + ".image", image_object(component["image"]))
        set_if(conv, base + ".imagePullPolicy", component.get("imagePullPolicy"))
        set_if(conv, base + ".extraArgs", component.get("extraArgs"))


def _convert_etcd(conv, etcd):
    etcd = etcd or {}
    base = "controlPlane.backingStore.etcd.deploy"
    sts = base + ".statefulSet"
    conv.set(base + ".enabled", True)
    if etcd.get("image"):
        conv.set(sts + ".image", image_object(etcd["image"]))
    set_if(conv, sts + ".imagePullPolicy", etcd.get("imagePullPolicy"))
    set_if(conv, sts + ".extraArgs", etcd.get("extraArgs"))
    set_if(conv, sts + ".resources", etcd.get("resources"))
    set_if(conv, sts + ".persistence.addVolumes", etcd.get("volumes"))
    _convert_scheduling(conv, etcd, sts)
    if isinstance(etcd.get("securityContext"), dict) and etcd["securityContext"]:
        conv.set(sts + ".security.containerSecurityContext", etcd["securityContext"])
    if etcd.get("fsGroup") is not None:
        conv.merge(sts + ".security.podSecurityContext", {"fsGroup": etcd["fsGroup"]})
    set_if(conv, base + ".service.annotations", etcd.get("serviceAnnotations"))
    if truthy(etcd.get("autoDeletePersistentVolumeClaims")):
        conv.set(sts + ".persistence.volumeClaim.retentionPolicy", "Delete")
    if isinstance(etcd.get("replicas"), int) and etcd["replicas"] > 1:
        conv.set(sts + ".highAvailability.replicas", etcd["replicas"])
    storage = etcd.get("storage") or {}
    if storage.get("persistence") is False:
        conv.set(sts + ".persistence.volumeClaim.enabled", False)
    if storage.get("size") and storage["size"] != "5Gi":
        conv.set(sts + ".persistence.volumeClaim.size", storage["size"])
    set_if(conv, sts + ".persistence.volumeClaim.storageClass", storage.get("className"))


def _convert_rbac(conv, rbac, openshift):
    rbac = rbac or {}
    role = rbac.get("role") or {}
    cluster_role = rbac.get("clusterRole") or {}
    if role.get("create") is False:
        conv.set("rbac.role.enabled", False)
    extra = []
    if truthy((openshift or {}).get("enable")):
        extra.append({"apiGroups": [""], "resources": ["endpoints/restricted"], "verbs": ["create"]})
    extra += list(role.get("extraRules") or [])
    if extra:
        conv.set("rbac.role.extraRules", extra)
    if role.get("excludedApiResources"):
        conv.refuse(
            "rbac.role.excludedApiResources",
            "rbac.role.excludedApiResources is not supported by the unified chart; remove it and give the complete "
            "rule list in rbac.role.overwriteRules instead",
        )
    if truthy(cluster_role.get("create")):
        conv.set("rbac.clusterRole.enabled", True)
    if cluster_role.get("extraRules"):
        conv.set("rbac.clusterRole.extraRules", list(cluster_role["extraRules"]))


def _convert_init(conv, init):
    init = init or {}
    base = "experimental.deploy.vcluster"
    if manifests_set(init.get("manifests")):
        conv.set(base + ".manifests", init["manifests"])
    if manifests_set(init.get("manifestsTemplate")):
        conv.set(base + ".manifestsTemplate", init["manifestsTemplate"])
    if init.get("helm"):
        conv.set(base + ".helm", init["helm"])


def _convert_misc(conv, values):
    advanced = "controlPlane.advanced"
    registry = values.get("defaultImageRegistry")
    if registry:
        conv.set(advanced + ".defaultImageRegistry", str(registry).rstrip("/"))
    set_if(conv, advanced + ".globalMetadata.annotations", values.get("globalAnnotations"))
    if truthy(values.get("fallbackHostDns")):
        conv.set("networking.advanced.fallbackHostCluster", True)
    if truthy((values.get("telemetry") or {}).get("disabled")):
        conv.set("telemetry.enabled", False)
    if truthy(values.get("autoDeletePersistentVolumeClaims")):
        conv.set("controlPlane.statefulSet.persistence.volumeClaim.retentionPolicy", "Delete")
    if truthy((values.get("multiNamespaceMode") or {}).get("enabled")):
        if dialects.has_namespace_sync(conv.version):
            conv.set("sync.toHost.namespaces.enabled", True)
            conv.note("multiNamespaceMode became sync.toHost.namespaces (0.26+); review its mappings")
        else:
            conv.set("experimental.multiNamespaceMode.enabled", True)
    if truthy(((values.get("monitoring") or {}).get("serviceMonitor") or {}).get("enabled")):
        conv.set("controlPlane.serviceMonitor.enabled", True)
    metrics = (values.get("proxy") or {}).get("metricsServer") or {}
    for key in ("nodes", "pods"):
        if truthy((metrics.get(key) or {}).get("enabled")):
            conv.set("integrations.metricsServer.enabled", True)
            conv.set("integrations.metricsServer." + key, True)
    account = values.get("serviceAccount") or {}
    if account.get("create") is False:
        conv.set(advanced + ".serviceAccount.enabled", False)
    set_if(conv, advanced + ".serviceAccount.name", account.get("name"))
    set_if(conv, advanced + ".serviceAccount.imagePullSecrets", account.get("imagePullSecrets"))
    set_if(
        conv,
        advanced + ".workloadServiceAccount.annotations",
        (values.get("workloadServiceAccount") or {}).get("annotations"),
    )
    admission = values.get("centralAdmission") or {}
    for key in ("validatingWebhooks", "mutatingWebhooks"):
        set_if(conv, "policies.centralAdmission." + key, admission.get(key))
    if truthy(values.get("pro")):
        conv.set("pro", True)
    if values.get("plugin"):
        conv.set("plugin", values["plugin"])
        conv.note("plugin: legacy plugin definitions were copied to plugin; check them against the new plugin format")
    if truthy(values.get("headless")):
        if not dialects.has_generic_sync(conv.version):
            conv.refuse("headless", "headless mode was removed in 0.28 (experimental.isolatedControlPlane); remove it")
        else:
            conv.set("experimental.isolatedControlPlane.headless", True)
    if truthy((values.get("noopSyncer") or {}).get("enabled")):
        conv.refuse(
            "noopSyncer.enabled", "the noop syncer cannot be converted; configure experimental.syncSettings by hand"
        )
    if values.get("proLicenseSecret"):
        conv.refuse(
            "proLicenseSecret", "configure the platform connection (platform.apiKey / external.platform) by hand"
        )
    embedded = values.get("embeddedEtcd") or {}
    if truthy(embedded.get("enabled")):
        conv.set("controlPlane.backingStore.etcd.embedded.enabled", True)
        conv.set("controlPlane.backingStore.etcd.deploy.enabled", False)
        if truthy(embedded.get("migrateFromEtcd")):
            conv.set("controlPlane.backingStore.etcd.embedded.migrateFromDeployedEtcd", True)
    for key, hint in _DROPPED_KEYS.items():
        if key in values and _set_meaningfully(values[key]):
            conv.note(f"{key} dropped: {hint}")


def _set_meaningfully(value):
    if isinstance(value, dict):
        return any(_set_meaningfully(v) for k, v in value.items() if k != "enabled") or truthy(value.get("enabled"))
    return bool(value) and value not in ("false",)
