# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Legacy ``syncer.extraArgs`` flags converted to the values of a 0.20+ chart, or refused with the reason.

The mapping follows what ``vcluster convert config`` did. Pure logic, no I/O."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import dialects
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.conversion import labels_from
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.flags import split_flags
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.values_tree import get_path

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


def _convert_flag(conv, flag, value, where):
    if flag in ("out-kube-config-secret", "out-kube-config-secret-namespace"):
        key = "name" if flag == "out-kube-config-secret" else "namespace"
        if dialects.has_additional_kubeconfig_secrets(conv.version):
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
        conv.merge(path, labels_from(value))
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


def convert_syncer_args(conv, args):
    for flag, value, index in split_flags(args):
        where = f"syncer.extraArgs[{index}]"
        if flag is None:
            conv.refuse(where, f"unexpected syncer argument {value!r}; syncer.extraArgs must hold --flags only")
            continue
        _convert_flag(conv, flag, value, where)
