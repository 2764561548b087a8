# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Upgrades: convert legacy (< 0.20) chart values to the unified format and refuse impossible upgrades.

Pure logic, no I/O. The mapping follows what ``vcluster convert config`` did (reference/vcluster.md section 4;
the command was removed from the CLI in 0.32): every legacy key family is either converted to its unified
path for the *target* chart version (key paths that moved between 0.20 and 0.36 are handled), dropped with
a note when it has no effect any more, or refused with a ``migration-refused`` finding whose message says
what to do instead. Only values that differ from the unified chart's defaults are emitted, so the output
reads like the diff ``convert config`` printed.

``check_upgrade`` refuses what vcluster cannot change in place (``upgrade-refused``): the distro, the
backing store, running the control plane as root vs non-root, and downgrades across 0.20.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import dialects
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.findings import error, warning
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.render import (
    get_path,
    merge_values,
    set_path,
    split_image,
)

MIGRATION_REFUSED = "migration-refused"
UPGRADE_REFUSED = "upgrade-refused"

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

# legacy sync.<name>.enabled -> (unified path, unified default)
_SYNC_TOGGLES = {
    "services": ("sync.toHost.services.enabled", True),
    "configmaps": ("sync.toHost.configMaps.enabled", True),
    "secrets": ("sync.toHost.secrets.enabled", True),
    "endpoints": ("sync.toHost.endpoints.enabled", True),
    "pods": ("sync.toHost.pods.enabled", True),
    "events": ("sync.fromHost.events.enabled", True),
    "persistentvolumeclaims": ("sync.toHost.persistentVolumeClaims.enabled", True),
    "ingresses": ("sync.toHost.ingresses.enabled", False),
    "ingressclasses": ("sync.fromHost.ingressClasses.enabled", False),
    "nodes": ("sync.fromHost.nodes.enabled", False),
    "persistentvolumes": ("sync.toHost.persistentVolumes.enabled", False),
    "storageclasses": ("sync.toHost.storageClasses.enabled", False),
    "priorityclasses": ("sync.toHost.priorityClasses.enabled", False),
    "networkpolicies": ("sync.toHost.networkPolicies.enabled", False),
    "volumesnapshots": ("sync.toHost.volumeSnapshots.enabled", False),
    "poddisruptionbudgets": ("sync.toHost.podDisruptionBudgets.enabled", False),
    "serviceaccounts": ("sync.toHost.serviceAccounts.enabled", False),
}
# legacy sync toggles whose unified counterpart is a string ("true"/"false"/"auto")
_SYNC_STR_TOGGLES = {
    "hoststorageclasses": "sync.fromHost.storageClasses.enabled",
    "csinodes": "sync.fromHost.csiNodes.enabled",
    "csistoragecapacities": "sync.fromHost.csiStorageCapacities.enabled",
    "csidrivers": "sync.fromHost.csiDrivers.enabled",
}
# Legacy keys without a unified equivalent that are harmless to drop (a note is given when they are set).
_DROPPED_KEYS = {
    "admission": "the admission webhooks of 0.18 are gone; use policies.centralAdmission (pro)",
    "enableHA": "set controlPlane.statefulSet.highAvailability.replicas instead",
    "podDisruptionBudget": "use controlPlane.advanced.podDisruptionBudget (0.31+) if needed",
    "serverToken": "the k3s server token is controlPlane.distro.k3s.token",
    "job": "the certificate Job of 0.15/0.16 no longer exists; the syncer creates the certificates",
    "proxy": "use integrations.metricsServer",
}

# syncer flags mapped to a unified path: flag -> (path, kind); kind: str, list (comma split), bool, int, labels
_FLAG_PATHS = {
    "tls-san": ("controlPlane.proxy.extraSANs", "list"),
    "out-kube-config-server": ("exportKubeConfig.server", "str"),
    "kube-config-context-name": ("exportKubeConfig.context", "str"),
    "enforce-toleration": ("sync.toHost.pods.enforceTolerations", "list"),
    "node-selector": ("sync.fromHost.nodes.selector.labels", "labels"),
    "sync-all-nodes": ("sync.fromHost.nodes.selector.all", "bool"),
    "enable-scheduler": ("controlPlane.advanced.virtualScheduler.enabled", "bool"),
    "fake-kubelet-ips": ("networking.advanced.proxyKubelets.byIP", "bool"),
    "override-hosts": ("sync.toHost.pods.rewriteHosts.enabled", "bool"),
    "override-hosts-container-image": ("sync.toHost.pods.rewriteHosts.initContainer.image", "str"),
    "cluster-domain": ("networking.advanced.clusterDomain", "str"),
    "bind-address": ("controlPlane.proxy.bindAddress", "str"),
    "sync-all-configmaps": ("sync.toHost.configMaps.all", "bool"),
    "sync-all-secrets": ("sync.toHost.secrets.all", "bool"),
    "service-account-token-secrets": ("sync.toHost.pods.useSecretsForSATokens", "bool"),
    "sync-node-changes": ("sync.fromHost.nodes.syncBackChanges", "bool"),
    "translate-image": ("sync.toHost.pods.translateImage", "labels"),
    "lease-duration": ("controlPlane.statefulSet.highAvailability.leaseDuration", "int"),
    "renew-deadline": ("controlPlane.statefulSet.highAvailability.renewDeadline", "int"),
    "retry-period": ("controlPlane.statefulSet.highAvailability.retryPeriod", "int"),
}
# Flags that the chart sets from other values, or that vcluster dropped: flag -> what to do instead.
_FLAG_REFUSALS = {
    "enforce-pod-security-standard": "set isolation.podSecurityStandard (policies.podSecurityStandard) instead",
    "map-virtual-service": "use mapServices.fromVirtual (networking.replicateServices.toHost)",
    "map-host-service": "use mapServices.fromHost (networking.replicateServices.fromHost)",
    "sync": "use the sync.<resource>.enabled values (sync.toHost/fromHost)",
    "default-image-registry": "use defaultImageRegistry (controlPlane.advanced.defaultImageRegistry)",
    "name": "the vcluster name is always the Helm release name",
    "service-name": "the Service is always named after the vcluster",
    "port": "the control plane always listens on 8443",
    "leader-elect": "set controlPlane.statefulSet.highAvailability.replicas",
    "pro-license-secret": "configure the platform connection (platform.apiKey) manually",
    "enforce-node-selector": "the node selector is always enforced now; remove the flag",
    "disable-plugins": "not supported any more; remove the flag",
    "plugin-listen-address": "not supported any more; remove the flag",
}

# Chart versions where unified key paths moved.
_NAMESPACES_SYNC = (0, 26)
_NETWORK_POLICY_WORKLOAD = (0, 31)
_ADDITIONAL_SECRETS = (0, 24)
_GENERIC_SYNC_REMOVED = (0, 28)
_VOLUME_SNAPSHOTS_REMOVED = (0, 36)


class _Conversion:
    """Accumulates converted values, refusals and notes of one conversion."""

    def __init__(self, target_version, prefix=""):
        self.version = tuple(target_version[:3])
        self.minor = tuple(target_version[:2])
        self.prefix = prefix
        self.values = {}
        self.refused = []
        self.notes = []

    def set(self, path, value):
        set_path(self.values, path, copy.deepcopy(value))

    def merge(self, path, value):
        current = get_path(self.values, path)
        if isinstance(current, dict) and isinstance(value, dict):
            value = merge_values(current, value)
        self.set(path, value)

    def append(self, path, items):
        current = get_path(self.values, path)
        self.set(path, list(current or []) + list(items))

    def refuse(self, legacy_path, message):
        self.refused.append(error(MIGRATION_REFUSED, self.prefix + legacy_path, message))

    def note(self, text):
        self.notes.append(text)


# ---------------------------------------------------------------------------------------------- helpers
def _truthy(value):
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _is_empty(value):
    return value is None or value == "" or value == [] or value == {}


def _set_if(conv, path, value):
    if not _is_empty(value):
        conv.set(path, value)


def _copy_keys(conv, source, base, keys):
    """Copy each non-empty ``source[legacy_key]`` to ``base + suffix``; ``keys`` pairs (suffix, legacy_key)."""
    for suffix, legacy_key in keys:
        _set_if(conv, base + suffix, source.get(legacy_key))


def _image_object(image):
    parts = split_image(str(image))
    return {key: value for key, value in parts.items() if value}


def _labels_from(text):
    labels = {}
    for item in str(text or "").split(","):
        key, sep, value = item.strip().partition("=")
        if sep and key:
            labels[key] = value
    return labels


def _manifests_set(text):
    return isinstance(text, str) and text.strip() not in ("", "---")


def _unified_distro(distro):
    return "k8s" if distro in ("k8s", "eks") else distro


# ---------------------------------------------------------------------------------------------- key families
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
    _set_if(conv, claim + ".storageClass", storage.get("className"))
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
    _copy_keys(conv, source, base, SCHEDULING_KEYS)


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
    if _truthy((isolation.get("nodeProxyPermission") or {}).get("enabled")):
        conv.refuse(
            "isolation.nodeProxyPermission.enabled",
            "isolation.nodeProxyPermission is no longer supported; remove it and grant nodes/proxy through "
            "rbac.clusterRole.extraRules (or overwriteRules) in the unified values",
        )
    if not _truthy(isolation.get("enabled")):
        return
    policies = {
        "podSecurityStandard": isolation.get("podSecurityStandard") or "baseline",
    }
    for key in ("resourceQuota", "limitRange", "networkPolicy"):
        enabled = (isolation.get(key) or {}).get("enabled")
        policies[key] = {"enabled": True if enabled is None else _truthy(enabled)}
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
        if conv.minor >= _NETWORK_POLICY_WORKLOAD:
            egress = {}
            _copy_block(egress, block)
            policies["networkPolicy"]["workload"] = {"publicEgress": egress}
        else:
            ip_block = {}
            _copy_block(ip_block, block)
            policies["networkPolicy"]["outgoingConnections"] = {"ipBlock": ip_block}
    conv.merge("policies", policies)


def _copy_block(target, block):
    if block.get("cidr"):
        target["cidr"] = block["cidr"]
    if block.get("except"):
        target["except"] = list(block["except"])


def _convert_coredns(conv, coredns):
    coredns = coredns or {}
    base = "controlPlane.coredns"
    if coredns.get("enabled") is False:
        conv.set(base + ".enabled", False)
    if coredns.get("fallback") and coredns["fallback"] != "8.8.8.8":
        conv.set("policies.networkPolicy.fallbackDns", coredns["fallback"])
    if _truthy(coredns.get("integrated")):
        conv.set(base + ".embedded", True)
    if coredns.get("replicas") not in (None, 1):
        conv.set(base + ".deployment.replicas", coredns["replicas"])
    _copy_keys(conv, coredns, base, COREDNS_KEYS)
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
    _set_if(conv, base + ".service.spec.externalIPs", service.get("externalIPs"))
    _set_if(conv, base + ".service.spec.externalTrafficPolicy", service.get("externalTrafficPolicy"))
    _set_if(conv, base + ".service.annotations", service.get("annotations"))


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
        _set_if(conv, spec + "." + key, service.get(key))
    _set_if(conv, "controlPlane.service.annotations", service.get("loadBalancerAnnotations"))
    for key in ("httpsNodePort", "kubeletNodePort"):
        if service.get(key):
            conv.set("controlPlane.service." + key, service[key])


def _convert_ingress(conv, ingress):
    ingress = ingress or {}
    if not _truthy(ingress.get("enabled")):
        return
    base = "controlPlane.ingress"
    conv.set(base + ".enabled", True)
    _copy_keys(conv, ingress, base, INGRESS_KEYS)


def _convert_sync(conv, sync):
    sync = sync or {}
    for name, settings in sync.items():
        settings = settings if isinstance(settings, dict) else {}
        where = "sync." + name
        enabled = settings.get("enabled")
        if name in _SYNC_TOGGLES:
            path, default = _SYNC_TOGGLES[name]
            if name == "volumesnapshots" and conv.minor >= _VOLUME_SNAPSHOTS_REMOVED:
                if _truthy(enabled):
                    conv.refuse(
                        where + ".enabled",
                        "volume snapshot sync was removed from the vcluster chart in 0.36.0; disable it or upgrade "
                        "to a 0.35.x chart first",
                    )
                continue
            if enabled is not None and _truthy(enabled) != default:
                conv.set(path, _truthy(enabled))
            if name == "ingresses" and _truthy(enabled):
                conv.set("sync.fromHost.ingressClasses.enabled", True)
        elif name in _SYNC_STR_TOGGLES:
            if enabled is not None:
                conv.set(_SYNC_STR_TOGGLES[name], "true" if _truthy(enabled) else "false")
        elif name in ("fake-nodes", "fake-persistentvolumes"):
            if enabled is False:
                conv.note(f"{where}.enabled false has no unified equivalent and was dropped")
        elif name == "generic":
            if _manifests_set(settings.get("config")):
                conv.refuse(
                    where + ".config",
                    "generic sync cannot be converted automatically; move the rules to sync.toHost.customResources / "
                    "sync.fromHost.customResources of the unified values",
                )
        else:
            if enabled:
                conv.note(f"{where} has no unified equivalent and was dropped")
        if name in ("configmaps", "secrets") and _truthy(settings.get("all")):
            conv.set(f"sync.toHost.{'configMaps' if name == 'configmaps' else 'secrets'}.all", True)
        if name == "pods":
            for key in ("ephemeralContainers", "status"):
                if _truthy(settings.get(key)):
                    conv.note(f"sync.pods.{key} has no unified equivalent and was dropped")
        if name == "nodes":
            _convert_node_sync(conv, settings)


def _convert_node_sync(conv, nodes):
    if nodes.get("fakeKubeletIPs") is False:
        conv.set("networking.advanced.proxyKubelets.byIP", False)
    if _truthy(nodes.get("syncAllNodes")):
        conv.set("sync.fromHost.nodes.selector.all", True)
    if nodes.get("nodeSelector"):
        conv.set("sync.fromHost.nodes.selector.labels", _labels_from(nodes["nodeSelector"]))
    if _truthy(nodes.get("enableScheduler")):
        conv.set("controlPlane.advanced.virtualScheduler.enabled", True)
    if _truthy(nodes.get("syncNodeChanges")):
        conv.set("sync.fromHost.nodes.syncBackChanges", True)


def _convert_flag(conv, flag, value, where):
    if flag in ("out-kube-config-secret", "out-kube-config-secret-namespace"):
        key = "name" if flag == "out-kube-config-secret" else "namespace"
        if conv.minor >= _ADDITIONAL_SECRETS:
            secrets = get_path(conv.values, "exportKubeConfig.additionalSecrets") or [{}]
            secrets[0][key] = value
            conv.set("exportKubeConfig.additionalSecrets", secrets)
        else:
            conv.set("exportKubeConfig.secret." + key, value)
        return
    if flag == "set-owner":
        if str(value).lower() == "false":
            conv.set("experimental.syncSettings.setOwner", False)
        return
    if flag in _FLAG_REFUSALS:
        conv.refuse(where, f"syncer flag --{flag} cannot be converted: {_FLAG_REFUSALS[flag]}")
        return
    if flag not in _FLAG_PATHS:
        conv.refuse(
            where,
            f"syncer flag --{flag} is not supported by the unified chart; remove it from syncer.extraArgs or set "
            "the equivalent unified value by hand (see the chart's values.yaml)",
        )
        return
    path, kind = _FLAG_PATHS[flag]
    if kind != "bool" and value == "":
        conv.refuse(where, f"syncer flag --{flag} has no value; give it one or remove it")
        return
    if kind == "list":
        conv.append(path, [item.strip() for item in value.split(",") if item.strip()])
    elif kind == "labels":
        conv.merge(path, _labels_from(value))
        if flag == "node-selector":
            conv.set("sync.fromHost.nodes.enabled", True)
    elif kind == "bool":
        conv.set(path, value.lower() != "false")
    elif kind == "int":
        try:
            conv.set(path, int(value))
        except ValueError:
            conv.refuse(where, f"syncer flag --{flag}={value} is not an integer")
    else:
        conv.set(path, value)


def _split_flags(args):
    """``["--a=b", "--c", "d", "--e"]`` -> [("a", "b", 0), ("c", "d", 1), ("e", "", 3)]; non-flags -> (None, arg)."""
    result = []
    index = 0
    args = [str(arg) for arg in args or []]
    while index < len(args):
        arg = args[index]
        if not arg.startswith("--"):
            result.append((None, arg, index))
            index += 1
            continue
        name = arg[2:]
        if "=" in name:
            name, value = name.split("=", 1)
            result.append((name, value, index))
            index += 1
        elif index + 1 < len(args) and not args[index + 1].startswith("--"):
            result.append((name, args[index + 1], index))
            index += 2
        else:
            result.append((name, "", index))
            index += 1
    return result


def _convert_syncer_args(conv, args):
    for flag, value, index in _split_flags(args):
        where = f"syncer.extraArgs[{index}]"
        if flag is None:
            conv.refuse(where, f"unexpected syncer argument {value!r}; syncer.extraArgs must hold --flags only")
            continue
        _convert_flag(conv, flag, value, where)


def _convert_syncer(conv, syncer, layout):
    syncer = syncer or {}
    sts = "controlPlane.statefulSet"
    if syncer.get("image"):
        conv.set(sts + ".image", _image_object(syncer["image"]))
    _set_if(conv, sts + ".imagePullPolicy", syncer.get("imagePullPolicy"))
    _set_if(conv, sts + ".env", syncer.get("env"))
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
    _set_if(conv, sts + ".resources", syncer.get("resources"))
    _set_if(conv, "controlPlane.service.annotations", syncer.get("serviceAnnotations"))
    if isinstance(syncer.get("replicas"), int) and syncer["replicas"] > 1:
        conv.set(sts + ".highAvailability.replicas", syncer["replicas"])
    if syncer.get("kubeConfigContextName") and syncer["kubeConfigContextName"] != "my-vcluster":
        conv.set("exportKubeConfig.context", syncer["kubeConfigContextName"])
    _convert_storage(conv, syncer.get("storage"))
    if layout == "k8s":
        _convert_scheduling(conv, syncer)
        _set_if(conv, sts + ".persistence.addVolumes", syncer.get("volumes"))
    _convert_syncer_args(conv, syncer.get("extraArgs"))


def _convert_k3s_container(conv, vcluster, distro):
    vcluster = vcluster or {}
    base = f"controlPlane.distro.{distro}"
    if vcluster.get("image"):
        conv.set(base + ".image", _image_object(vcluster["image"]))
    _copy_keys(conv, vcluster, base, K3S_CONTAINER_KEYS)
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
                conv.set(base + ".image", _image_object(component["image"]))
        _set_if(conv, base + ".imagePullPolicy", component.get("imagePullPolicy"))
        _set_if(conv, base + ".extraArgs", component.get("extraArgs"))


def _convert_etcd(conv, etcd):
    etcd = etcd or {}
    base = "controlPlane.backingStore.etcd.deploy"
    sts = base + ".statefulSet"
    conv.set(base + ".enabled", True)
    if etcd.get("image"):
        conv.set(sts + ".image", _image_object(etcd["image"]))
    _set_if(conv, sts + ".imagePullPolicy", etcd.get("imagePullPolicy"))
    _set_if(conv, sts + ".extraArgs", etcd.get("extraArgs"))
    _set_if(conv, sts + ".resources", etcd.get("resources"))
    _set_if(conv, sts + ".persistence.addVolumes", etcd.get("volumes"))
    _convert_scheduling(conv, etcd, sts)
    if isinstance(etcd.get("securityContext"), dict) and etcd["securityContext"]:
        conv.set(sts + ".security.containerSecurityContext", etcd["securityContext"])
    if etcd.get("fsGroup") is not None:
        conv.merge(sts + ".security.podSecurityContext", {"fsGroup": etcd["fsGroup"]})
    _set_if(conv, base + ".service.annotations", etcd.get("serviceAnnotations"))
    if _truthy(etcd.get("autoDeletePersistentVolumeClaims")):
        conv.set(sts + ".persistence.volumeClaim.retentionPolicy", "Delete")
    if isinstance(etcd.get("replicas"), int) and etcd["replicas"] > 1:
        conv.set(sts + ".highAvailability.replicas", etcd["replicas"])
    storage = etcd.get("storage") or {}
    if storage.get("persistence") is False:
        conv.set(sts + ".persistence.volumeClaim.enabled", False)
    if storage.get("size") and storage["size"] != "5Gi":
        conv.set(sts + ".persistence.volumeClaim.size", storage["size"])
    _set_if(conv, sts + ".persistence.volumeClaim.storageClass", storage.get("className"))


def _convert_rbac(conv, rbac, openshift):
    rbac = rbac or {}
    role = rbac.get("role") or {}
    cluster_role = rbac.get("clusterRole") or {}
    if role.get("create") is False:
        conv.set("rbac.role.enabled", False)
    extra = []
    if _truthy((openshift or {}).get("enable")):
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
    if _truthy(cluster_role.get("create")):
        conv.set("rbac.clusterRole.enabled", True)
    if cluster_role.get("extraRules"):
        conv.set("rbac.clusterRole.extraRules", list(cluster_role["extraRules"]))


def _convert_init(conv, init):
    init = init or {}
    base = "experimental.deploy.vcluster"
    if _manifests_set(init.get("manifests")):
        conv.set(base + ".manifests", init["manifests"])
    if _manifests_set(init.get("manifestsTemplate")):
        conv.set(base + ".manifestsTemplate", init["manifestsTemplate"])
    if init.get("helm"):
        conv.set(base + ".helm", init["helm"])


def _convert_misc(conv, values):
    advanced = "controlPlane.advanced"
    registry = values.get("defaultImageRegistry")
    if registry:
        conv.set(advanced + ".defaultImageRegistry", str(registry).rstrip("/"))
    _set_if(conv, advanced + ".globalMetadata.annotations", values.get("globalAnnotations"))
    if _truthy(values.get("fallbackHostDns")):
        conv.set("networking.advanced.fallbackHostCluster", True)
    if _truthy((values.get("telemetry") or {}).get("disabled")):
        conv.set("telemetry.enabled", False)
    if _truthy(values.get("autoDeletePersistentVolumeClaims")):
        conv.set("controlPlane.statefulSet.persistence.volumeClaim.retentionPolicy", "Delete")
    if _truthy((values.get("multiNamespaceMode") or {}).get("enabled")):
        if conv.minor >= _NAMESPACES_SYNC:
            conv.set("sync.toHost.namespaces.enabled", True)
            conv.note("multiNamespaceMode became sync.toHost.namespaces (0.26+); review its mappings")
        else:
            conv.set("experimental.multiNamespaceMode.enabled", True)
    if _truthy(((values.get("monitoring") or {}).get("serviceMonitor") or {}).get("enabled")):
        conv.set("controlPlane.serviceMonitor.enabled", True)
    metrics = (values.get("proxy") or {}).get("metricsServer") or {}
    for key in ("nodes", "pods"):
        if _truthy((metrics.get(key) or {}).get("enabled")):
            conv.set("integrations.metricsServer.enabled", True)
            conv.set("integrations.metricsServer." + key, True)
    account = values.get("serviceAccount") or {}
    if account.get("create") is False:
        conv.set(advanced + ".serviceAccount.enabled", False)
    _set_if(conv, advanced + ".serviceAccount.name", account.get("name"))
    _set_if(conv, advanced + ".serviceAccount.imagePullSecrets", account.get("imagePullSecrets"))
    _set_if(
        conv,
        advanced + ".workloadServiceAccount.annotations",
        (values.get("workloadServiceAccount") or {}).get("annotations"),
    )
    admission = values.get("centralAdmission") or {}
    for key in ("validatingWebhooks", "mutatingWebhooks"):
        _set_if(conv, "policies.centralAdmission." + key, admission.get(key))
    if _truthy(values.get("pro")):
        conv.set("pro", True)
    if values.get("plugin"):
        conv.set("plugin", values["plugin"])
        conv.note("plugin: legacy plugin definitions were copied to plugin; check them against the new plugin format")
    if _truthy(values.get("headless")):
        if conv.minor >= _GENERIC_SYNC_REMOVED:
            conv.refuse("headless", "headless mode was removed in 0.28 (experimental.isolatedControlPlane); remove it")
        else:
            conv.set("experimental.isolatedControlPlane.headless", True)
    if _truthy((values.get("noopSyncer") or {}).get("enabled")):
        conv.refuse(
            "noopSyncer.enabled", "the noop syncer cannot be converted; configure experimental.syncSettings by hand"
        )
    if values.get("proLicenseSecret"):
        conv.refuse(
            "proLicenseSecret", "configure the platform connection (platform.apiKey / external.platform) by hand"
        )
    embedded = values.get("embeddedEtcd") or {}
    if _truthy(embedded.get("enabled")):
        conv.set("controlPlane.backingStore.etcd.embedded.enabled", True)
        conv.set("controlPlane.backingStore.etcd.deploy.enabled", False)
        if _truthy(embedded.get("migrateFromEtcd")):
            conv.set("controlPlane.backingStore.etcd.embedded.migrateFromDeployedEtcd", True)
    for key, hint in _DROPPED_KEYS.items():
        if key in values and _set_meaningfully(values[key]):
            conv.note(f"{key} dropped: {hint}")


def _set_meaningfully(value):
    if isinstance(value, dict):
        return any(_set_meaningfully(v) for k, v in value.items() if k != "enabled") or _truthy(value.get("enabled"))
    return bool(value) and value not in ("false",)


# ---------------------------------------------------------------------------------------------- entry points
def convert_legacy_values(values, distro, target_version, path_prefix=""):
    """Convert legacy chart values to the unified format of ``target_version``.

    ``distro``: the legacy distro (k3s, k8s, k0s, eks; eks becomes k8s). Returns ``(values, refused, notes)``:
    ``refused`` are ``migration-refused`` findings (path = the legacy key), ``notes`` plain strings.
    """
    version = dialects.parse_version(target_version) if isinstance(target_version, str) else tuple(target_version)
    conv = _Conversion(version, path_prefix)
    values = values or {}
    layout = dialects.legacy_layout(distro)
    unified = _unified_distro(distro)
    conv.set(f"controlPlane.distro.{unified}.enabled", True)
    # The legacy StatefulSets started pods one by one; keep that (the unified default is Parallel).
    conv.set("controlPlane.statefulSet.scheduling.podManagementPolicy", "OrderedReady")
    if layout == "k3s":
        if values.get("k3sToken") and unified == "k3s":
            conv.set("controlPlane.distro.k3s.token", values["k3sToken"])
        _convert_k3s_container(conv, values.get("vcluster"), unified)
        _convert_scheduling(conv, values)
        _set_if(conv, "controlPlane.statefulSet.persistence.addVolumes", values.get("volumes"))
        _convert_storage(conv, values.get("storage"))
        if isinstance(values.get("replicas"), int) and values["replicas"] > 1:
            conv.set("controlPlane.statefulSet.highAvailability.replicas", values["replicas"])
    else:
        _convert_k8s_components(conv, values)
        if not _truthy((values.get("embeddedEtcd") or {}).get("enabled")):
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
    _convert_sync(conv, values.get("sync"))
    _convert_rbac(conv, values.get("rbac"), values.get("openshift"))
    _convert_init(conv, values.get("init"))
    _convert_misc(conv, values)
    return conv.values, conv.refused, conv.notes


def migrate_unified_values(values, old_version, new_version, path_prefix=""):
    """Move unified keys that changed place between two 0.20+ versions. Returns ``(values, refused, notes)``."""
    conv = _Conversion(new_version, path_prefix)
    result = copy.deepcopy(values or {})
    old_minor, new_minor = tuple(old_version[:2]), tuple(new_version[:2])
    if old_minor < _NETWORK_POLICY_WORKLOAD <= new_minor:
        outgoing = get_path(result, "policies.networkPolicy.outgoingConnections")
        if isinstance(outgoing, dict):
            result["policies"]["networkPolicy"].pop("outgoingConnections")
            block = outgoing.get("ipBlock") or {}
            if block:
                egress = {}
                _copy_block(egress, block)
                merged = merge_values(get_path(result, "policies.networkPolicy.workload.publicEgress") or {}, egress)
                set_path(result, "policies.networkPolicy.workload.publicEgress", merged)
            if outgoing.get("platform") is False:
                conv.note("policies.networkPolicy.outgoingConnections.platform has no 0.31+ equivalent and was dropped")
        for key in ("extraControlPlaneRules", "extraWorkloadRules"):
            if get_path(result, "policies.networkPolicy." + key) is not None:
                conv.refuse(
                    "policies.networkPolicy." + key,
                    f"policies.networkPolicy.{key} was replaced in 0.31 by policies.networkPolicy.controlPlane/"
                    "workload ingress and egress rules; move the rules there",
                )
    if old_minor < _NAMESPACES_SYNC <= new_minor:
        multi = get_path(result, "experimental.multiNamespaceMode")
        if isinstance(multi, dict):
            result["experimental"].pop("multiNamespaceMode")
            if multi.get("enabled"):
                set_path(result, "sync.toHost.namespaces.enabled", True)
                conv.note("experimental.multiNamespaceMode became sync.toHost.namespaces (0.26+); review its mappings")
    if new_minor >= _GENERIC_SYNC_REMOVED:
        for key in ("genericSync", "isolatedControlPlane"):
            if get_path(result, "experimental." + key):
                conv.refuse(
                    "experimental." + key,
                    f"experimental.{key} was removed in 0.28; remove it (custom resources: sync.*.customResources)",
                )
    return result, conv.refused, conv.notes


# ---------------------------------------------------------------------------------------------- upgrade checks
def backing_store(version, distro, values):
    """The backing store a release uses: database-embedded, database-external, etcd-embedded, etcd-deploy,
    etcd-external (legacy k3s/k0s: database-embedded unless embeddedEtcd; legacy k8s/eks: etcd-deploy)."""
    values = values or {}
    if dialects.dialect_for(version) == dialects.LEGACY:
        if _truthy(get_path(values, "embeddedEtcd.enabled")):
            return "etcd-embedded"
        return "etcd-deploy" if dialects.legacy_layout(distro) == "k8s" else "database-embedded"
    store = "controlPlane.backingStore."
    for path, name in (
        ("database.external.enabled", "database-external"),
        ("etcd.external.enabled", "etcd-external"),
        ("etcd.deploy.enabled", "etcd-deploy"),
        ("etcd.embedded.enabled", "etcd-embedded"),
    ):
        if get_path(values, store + path) is True:
            return name
    return "database-embedded"


def runs_as_root(version, distro, values):
    """True when the syncer container runs as uid 0 (explicitly or by the chart default/image default)."""
    values = values or {}
    if dialects.dialect_for(version) == dialects.LEGACY:
        if dialects.legacy_layout(distro) == "k8s":
            container, pod = "syncer.securityContext", "syncer.podSecurityContext"
        else:
            container, pod = "securityContext", "podSecurityContext"
    else:
        container = "controlPlane.statefulSet.security.containerSecurityContext"
        pod = "controlPlane.statefulSet.security.podSecurityContext"
    user = get_path(values, container + ".runAsUser")
    if user is None:
        user = get_path(values, pod + ".runAsUser")
    return user is None or user == 0


def _effective(version, distro, values):
    from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.render import coalesce_values

    return coalesce_values(dialects.chart_defaults(version, distro), values or {})


def check_upgrade(old_version, old_distro, old_values, new_version, new_distro, new_values):
    """``upgrade-refused`` findings for changes vcluster cannot make to a running release.

    Versions are tuples or strings; distros may be None (the version's default). ``old_values`` are the values the
    release was deployed with, ``new_values`` the values it would be upgraded with (both as given to Helm).
    """
    old_version = dialects.parse_version(old_version) if isinstance(old_version, str) else tuple(old_version)
    new_version = dialects.parse_version(new_version) if isinstance(new_version, str) else tuple(new_version)
    old_distro = old_distro or dialects.default_distro(old_version)
    new_distro = new_distro or dialects.default_distro(new_version)
    found = []
    old_text, new_text = dialects.version_text(old_version), dialects.version_text(new_version)
    old_dialect, new_dialect = dialects.dialect_for(old_version), dialects.dialect_for(new_version)
    if old_dialect == dialects.MODERN and new_dialect == dialects.LEGACY:
        found.append(
            error(
                UPGRADE_REFUSED,
                "chart_version",
                f"chart {new_text} is a legacy (< 0.20) chart but the release runs the unified chart {old_text}; "
                "a downgrade across 0.20 is impossible (the value format and the stored data differ). Keep a 0.20+ "
                "chart_version, or restore a backup into a new vcluster",
            )
        )
        return found
    if _unified_distro(old_distro) != _unified_distro(new_distro):
        found.append(
            error(
                UPGRADE_REFUSED,
                "distro",
                f"the release runs distro {old_distro} (chart {old_text}) and chart {new_text} would run {new_distro}; "
                "vcluster cannot change the distro of an existing vcluster. Keep distro "
                f"{old_distro} with a chart that still ships it, or create a new vcluster with {new_distro} and move "
                "the workloads (backup/restore)",
            )
        )
    elif dialects.check_distro(new_version, new_distro):
        found.append(
            error(
                UPGRADE_REFUSED,
                "distro",
                f"the release runs distro {old_distro} and chart {new_text} no longer ships {new_distro}; an upgrade "
                f"would switch it to another distro, which vcluster cannot do in place. Upgrade to the last chart with "
                f"{new_distro} ({'0.32.x' if new_distro == 'k3s' else '0.25.x' if new_distro == 'k0s' else '0.19.x'}) "
                "or create a new vcluster with distro k8s and move the workloads",
            )
        )
    old_store = backing_store(old_version, old_distro, old_values)
    new_store = backing_store(new_version, new_distro, new_values)
    migrating = (
        old_store == "etcd-deploy"
        and new_store == "etcd-embedded"
        and get_path(new_values or {}, "controlPlane.backingStore.etcd.embedded.migrateFromDeployedEtcd") is True
    )
    if old_store != new_store and not migrating:
        found.append(
            error(
                UPGRADE_REFUSED,
                "controlPlane.backingStore",
                f"the release stores its data in {old_store} and the new values select {new_store}; the backing store "
                "cannot be changed in place (the data would be lost). Keep the backing store of the deployed release "
                "(only deployed etcd -> embedded etcd with migrateFromDeployedEtcd: true is supported)",
            )
        )
    old_root = runs_as_root(old_version, old_distro, _effective(old_version, old_distro, old_values))
    new_root = runs_as_root(new_version, new_distro, _effective(new_version, new_distro, new_values))
    if old_root != new_root:
        before, after = ("root", "non-root") if old_root else ("non-root", "root")
        found.append(
            error(
                UPGRADE_REFUSED,
                "controlPlane.statefulSet.security.containerSecurityContext.runAsUser",
                f"the deployed control plane runs as {before} and the new values run it as {after}; vcluster cannot "
                "switch between root and rootless mode in place (file ownership of the stored data). Keep the user of "
                "the deployed release (run_as_user), or create a new vcluster and move the workloads",
            )
        )
    return found


def plan_upgrade(previous_values, previous_version, previous_distro, new_version, user_values):
    """The base values for an upgrade and the user's values, converted where needed.

    Returns ``(base, user_values, refused, migration)``; ``migration`` is ``{converted, refused, notes}``.
    ``previous_version``/``new_version`` are parsed tuples.
    """
    previous_distro = previous_distro or dialects.default_distro(previous_version)
    old_dialect, new_dialect = dialects.dialect_for(previous_version), dialects.dialect_for(new_version)
    refused, notes = [], []
    converted = False
    base = copy.deepcopy(previous_values or {})
    user_values = copy.deepcopy(user_values or {})
    if old_dialect == dialects.LEGACY and new_dialect == dialects.MODERN:
        converted = True
        base, refused, notes = convert_legacy_values(base, previous_distro, new_version, "previous_values.")
        legacy_keys = set(user_values) & dialects.all_legacy_top_level_keys()
        modern_keys = set(user_values) & dialects.all_modern_top_level_keys()
        if legacy_keys and not modern_keys:
            # The deployed values hold the user's values merged last, so converting both together keeps
            # what the user set; the converted result becomes part of the base.
            base, refused, notes = convert_legacy_values(
                merge_values(previous_values or {}, user_values), previous_distro, new_version, "previous_values."
            )
            user_values = {}
            notes.append(
                f"values: given in the legacy format and converted for chart {dialects.version_text(new_version)} "
                "together with the deployed values; update vcluster_values to the unified format"
            )
    elif old_dialect == dialects.MODERN and new_dialect == dialects.MODERN:
        base, refused, notes = migrate_unified_values(base, previous_version, new_version, "previous_values.")
        legacy_keys = set(user_values) & dialects.all_legacy_top_level_keys()
        if legacy_keys and not set(user_values) & dialects.all_modern_top_level_keys():
            # Still the inventory's values from before the upgrade across 0.20, which converted them into the
            # deployed values: do not apply them again, but say so.
            user_values = {}
            refused.append(
                warning(
                    "values-dialect",
                    "values",
                    "values are in the legacy (< 0.20) format ({}) and were ignored: the release already runs the "
                    "unified chart, so they were converted when it crossed 0.20. Rewrite vcluster_values in the "
                    "unified format".format(", ".join(sorted(legacy_keys))),
                )
            )
    migration = {
        "converted": converted,
        "refused": [f for f in refused if f["id"] == MIGRATION_REFUSED],
        "notes": notes,
    }
    return base, user_values, refused, migration


def deployed_distro(version, values):
    """The distro of a deployed release from its values: the enabled ``controlPlane.distro.*`` (0.20+), else the
    version's default (legacy: k3s; pass the distro of legacy k8s/k0s/eks charts explicitly)."""
    if dialects.dialect_for(version) == dialects.MODERN:
        for distro in dialects.DISTROS:
            if get_path(values or {}, f"controlPlane.distro.{distro}.enabled") is True:
                return distro
    return dialects.default_distro(version)


def render_upgrade(previous_values, previous_chart_version, previous_distro=None, **render_kwargs):
    """``render_values`` for an upgrade of a deployed release -> ``(values, findings, meta, migration)``.

    The deployed values (converted when crossing 0.20) are the base, the hardened values of the target version
    go over them, and the user's ``values`` are merged last; then the whole is checked like any other values,
    and ``check_upgrade`` adds what vcluster cannot change in place. ``render_kwargs`` are ``render_values``'s.
    """
    from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.render import render_values

    migration = {"converted": False, "refused": [], "notes": []}
    old_version, findings = dialects.check_version(previous_chart_version, "previous_chart_version")
    new_version = dialects.parse_version(render_kwargs.get("chart_version"))
    if old_version is None or new_version is None or not dialects.is_supported_version(new_version):
        values, more, meta = render_values(**render_kwargs)
        return values, findings + more, meta, migration
    previous_distro = previous_distro or deployed_distro(old_version, previous_values)
    findings += dialects.check_distro(old_version, previous_distro, "previous_distro")
    base, user_values, refused, migration = plan_upgrade(
        previous_values, old_version, previous_distro, new_version, render_kwargs.get("values")
    )
    first = dict(render_kwargs, values=user_values)
    hardened, first_findings, meta = render_values(**first)
    if not meta.get("dialect"):
        # The target cannot be rendered (e.g. its distro is gone): still say why the upgrade cannot happen.
        target_distro = render_kwargs.get("distro") or dialects.default_distro(new_version)
        refusals = check_upgrade(old_version, previous_distro, previous_values, new_version, target_distro, {})
        findings += [f for f in refusals if f["path"] in ("distro", "chart_version")]
        return hardened, findings + first_findings, meta, migration
    second = dict(render_kwargs, values=merge_values(base, hardened))
    values, second_findings, meta = render_values(**second)
    findings += refused + second_findings
    findings += check_upgrade(old_version, previous_distro, previous_values, new_version, meta["distro"], values)
    return values, findings, meta, migration
