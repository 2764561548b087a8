# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Legacy ``sync.<resource>.enabled`` toggles converted to the ``sync.toHost``/``sync.fromHost`` values of a
0.20+ chart. Pure logic, no I/O."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import dialects
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.conversion import (
    labels_from,
    manifests_set,
    truthy,
)

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


def convert_sync(conv, sync):
    sync = sync or {}
    for name, settings in sync.items():
        settings = settings if isinstance(settings, dict) else {}
        where = "sync." + name
        enabled = settings.get("enabled")
        if name in _SYNC_TOGGLES:
            path, default = _SYNC_TOGGLES[name]
            if name == "volumesnapshots" and not dialects.has_volume_snapshot_sync(conv.version):
                if truthy(enabled):
                    conv.refuse(
                        where + ".enabled",
                        "volume snapshot sync was removed from the vcluster chart in 0.36.0; disable it or upgrade "
                        "to a 0.35.x chart first",
                    )
                continue
            if enabled is not None and truthy(enabled) != default:
                conv.set(path, truthy(enabled))
            if name == "ingresses" and truthy(enabled):
                conv.set("sync.fromHost.ingressClasses.enabled", True)
        elif name in _SYNC_STR_TOGGLES:
            if enabled is not None:
                conv.set(_SYNC_STR_TOGGLES[name], "true" if truthy(enabled) else "false")
        elif name in ("fake-nodes", "fake-persistentvolumes"):
            if enabled is False:
                conv.note(f"{where}.enabled false has no unified equivalent and was dropped")
        elif name == "generic":
            if manifests_set(settings.get("config")):
                conv.refuse(
                    where + ".config",
                    "generic sync cannot be converted automatically; move the rules to sync.toHost.customResources / "
                    "sync.fromHost.customResources of the unified values",
                )
        else:
            if enabled:
                conv.note(f"{where} has no unified equivalent and was dropped")
        if name in ("configmaps", "secrets") and truthy(settings.get("all")):
            conv.set(f"sync.toHost.{'configMaps' if name == 'configmaps' else 'secrets'}.all", True)
        if name == "pods":
            for key in ("ephemeralContainers", "status"):
                if truthy(settings.get(key)):
                    conv.note(f"sync.pods.{key} has no unified equivalent and was dropped")
        if name == "nodes":
            _convert_node_sync(conv, settings)


def _convert_node_sync(conv, nodes):
    if nodes.get("fakeKubeletIPs") is False:
        conv.set("networking.advanced.proxyKubelets.byIP", False)
    if truthy(nodes.get("syncAllNodes")):
        conv.set("sync.fromHost.nodes.selector.all", True)
    if nodes.get("nodeSelector"):
        conv.set("sync.fromHost.nodes.selector.labels", labels_from(nodes["nodeSelector"]))
    if truthy(nodes.get("enableScheduler")):
        conv.set("controlPlane.advanced.virtualScheduler.enabled", True)
    if truthy(nodes.get("syncNodeChanges")):
        conv.set("sync.fromHost.nodes.syncBackChanges", True)
