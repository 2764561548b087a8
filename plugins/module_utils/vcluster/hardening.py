# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hardened values for one chart version: security contexts of every component, policies, expose, service
mapping and images, in the dialect of the version. Pure logic, no I/O."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import dialects
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.values_tree import get_path, set_path


def hardened_container_context(opts, add_capabilities=None):
    capabilities = {"drop": ["ALL"]}
    if add_capabilities:
        capabilities["add"] = list(add_capabilities)
    return {
        "allowPrivilegeEscalation": False,
        "capabilities": capabilities,
        "readOnlyRootFilesystem": opts.read_only_root_filesystem,
        "runAsNonRoot": True,
        "runAsUser": opts.run_as_user,
        "runAsGroup": opts.run_as_group,
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def hardened_pod_context(opts, with_fs_group=True):
    context = {
        "runAsNonRoot": True,
        "runAsUser": opts.run_as_user,
        "runAsGroup": opts.run_as_group,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    if with_fs_group:
        context["fsGroup"] = opts.fs_group
    return context


def hardened_security(opts):
    """``{podSecurityContext, containerSecurityContext}`` of the unified chart's StatefulSets."""
    return {
        "podSecurityContext": hardened_pod_context(opts),
        "containerSecurityContext": hardened_container_context(opts),
    }


def modern_hardened_values(version, distro, opts):
    values = {}
    distro_values = {"enabled": True, "securityContext": hardened_container_context(opts)}
    set_path(values, f"controlPlane.distro.{distro}", distro_values)
    set_path(
        values,
        "controlPlane.statefulSet.security",
        hardened_security(opts),
    )
    if dialects.has_coredns_security(version):
        set_path(
            values,
            "controlPlane.coredns.security",
            {
                "podSecurityContext": hardened_pod_context(opts, with_fs_group=False),
                "containerSecurityContext": hardened_container_context(opts, add_capabilities=["NET_BIND_SERVICE"]),
            },
        )
    if get_path(opts.values, "controlPlane.backingStore.etcd.deploy.enabled") is True:
        set_path(
            values,
            "controlPlane.backingStore.etcd.deploy.statefulSet.security",
            hardened_security(opts),
        )
    values["policies"] = modern_policies(version, opts)
    if dialects.has_secrets_for_sa_tokens(version):
        set_path(values, "sync.toHost.pods.useSecretsForSATokens", True)
    values["telemetry"] = {"enabled": opts.telemetry}
    _modern_expose(values, opts.expose)
    _modern_map_services(values, opts.map_services)
    _apply_images(values, version, distro, opts)
    return values


def modern_policies(version, opts):
    """``policies.*``: explicit true/false everywhere (``auto``/``auto`` renders no quota or limit range)."""
    iso = opts.isolation
    policies = {
        "podSecurityStandard": opts.virtual_pod_security,
        "resourceQuota": {"enabled": iso["resource_quota"]["enabled"]},
        "limitRange": {"enabled": iso["limit_range"]["enabled"]},
        "networkPolicy": {"enabled": iso["network_policy"]["enabled"]},
    }
    _apply_quota_and_limits(policies["resourceQuota"], policies["limitRange"], iso)
    if iso["network_policy"]["enabled"] and iso["extra_egress_cidrs"] and dialects.has_workload_egress_rules(version):
        # 0.31+ only; older charts have no generic egress-rule list (0.25-0.30 extraWorkloadRules is
        # unspecified free-form), so the isolation role adds an extra NetworkPolicy there instead.
        policies["networkPolicy"]["workload"] = {
            "egress": [{"to": [{"ipBlock": {"cidr": cidr}}]} for cidr in iso["extra_egress_cidrs"]]
        }
    return policies


def _apply_quota_and_limits(quota_node, limit_node, iso):
    quota = iso["resource_quota"].get("quota")
    if quota:
        quota_node["quota"] = dict(quota)
    for option_key, values_key in (("default", "default"), ("default_request", "defaultRequest")):
        limits = iso["limit_range"].get(option_key)
        if limits:
            limit_node[values_key] = dict(limits)


def _modern_expose(values, expose):
    if expose.get("type"):
        set_path(values, "controlPlane.service.spec.type", expose["type"])
    if expose.get("load_balancer_source_ranges"):
        set_path(
            values, "controlPlane.service.spec.loadBalancerSourceRanges", list(expose["load_balancer_source_ranges"])
        )
    if expose.get("extra_sans"):
        set_path(values, "controlPlane.proxy.extraSANs", list(expose["extra_sans"]))


def _service_mappings(entries):
    return [{"from": e.get("from"), "to": e.get("to")} for e in entries or [] if isinstance(e, dict)]


def _modern_map_services(values, map_services):
    if map_services.get("from_host"):
        set_path(values, "networking.replicateServices.fromHost", _service_mappings(map_services["from_host"]))
    if map_services.get("to_host"):
        set_path(values, "networking.replicateServices.toHost", _service_mappings(map_services["to_host"]))


def _apply_images(values, version, distro, opts):
    if opts.image_registry:
        registry = opts.image_registry.rstrip("/")
        if dialects.dialect_for(version) == dialects.LEGACY:
            # legacy templates concatenate "{{ defaultImageRegistry }}{{ image }}"
            registry += "/"
        set_path(values, dialects.image_registry_key(version), registry)
    if opts.distro_image:
        path, kind = dialects.distro_image_key(version, distro)
        set_path(values, path, split_image(opts.distro_image) if kind == "object" else opts.distro_image)


def split_image(reference):
    """``registry/repo:tag`` -> ``{registry, repository, tag}`` (the unified chart's image objects)."""
    registry, rest = "", reference
    first, sep, remainder = reference.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        registry, rest = first, remainder
    repository, tag = rest, ""
    if "@" in rest:
        repository, digest = rest.split("@", 1)
        tag = "@" + digest
    elif ":" in rest:
        repository, tag = rest.rsplit(":", 1)
    return {"registry": registry, "repository": repository, "tag": tag}


def legacy_hardened_values(version, distro, opts):
    if dialects.legacy_layout(distro) == "k8s":
        values = legacy_k8s_security_values(version, opts)
    else:
        values = legacy_k3s_security_values(opts)
    values["isolation"] = legacy_isolation(opts)
    values["telemetry"] = {"disabled": not opts.telemetry}
    _legacy_expose(values, opts.expose)
    _legacy_map_services(values, opts.map_services)
    _apply_images(values, version, distro, opts)
    return values


def legacy_k3s_security_values(opts):
    """k3s/k0s charts: one ``securityContext`` for every vcluster container, pod context + ``fsGroup``."""
    return {
        "securityContext": hardened_container_context(opts),
        "podSecurityContext": hardened_pod_context(opts, with_fs_group=False),
        "fsGroup": opts.fs_group,
    }


def legacy_k8s_security_values(version, opts):
    """k8s/eks charts: per-component contexts; etcd has only ``fsGroup`` at pod level."""
    values = {
        "syncer": {
            "securityContext": hardened_container_context(opts),
            "podSecurityContext": hardened_pod_context(opts),
        },
        "etcd": {"securityContext": hardened_container_context(opts), "fsGroup": opts.fs_group},
    }
    if dialects.legacy_k8s_has_component_security_contexts(version):
        for component in ("api", "controller", "scheduler"):
            values[component] = {"securityContext": hardened_container_context(opts)}
    if dialects.legacy_has_cert_job(version, "k8s"):
        values["job"] = {"securityContext": hardened_container_context(opts)}
    return values


def legacy_isolation(opts):
    iso = opts.isolation
    isolation = {
        "enabled": iso["enabled"],
        "podSecurityStandard": opts.virtual_pod_security,
        "resourceQuota": {"enabled": iso["resource_quota"]["enabled"]},
        "limitRange": {"enabled": iso["limit_range"]["enabled"]},
        "networkPolicy": {"enabled": iso["network_policy"]["enabled"]},
    }
    # extra_egress_cidrs: the legacy network policy has a single ipBlock; the isolation role adds a
    # separate NetworkPolicy for them.
    _apply_quota_and_limits(isolation["resourceQuota"], isolation["limitRange"], iso)
    return isolation


def _legacy_expose(values, expose):
    service = {}
    if expose.get("type"):
        service["type"] = expose["type"]
    if expose.get("load_balancer_source_ranges"):
        service["loadBalancerSourceRanges"] = list(expose["load_balancer_source_ranges"])
    if service:
        values["service"] = service
    if expose.get("extra_sans"):
        syncer = values.setdefault("syncer", {})
        syncer["extraArgs"] = [f"--tls-san={san}" for san in expose["extra_sans"]]


def _legacy_map_services(values, map_services):
    mapping = {}
    if map_services.get("from_host"):
        mapping["fromHost"] = _service_mappings(map_services["from_host"])
    if map_services.get("to_host"):
        mapping["fromVirtual"] = _service_mappings(map_services["to_host"])
    if mapping:
        values["mapServices"] = mapping


# option -> the values path it is rendered to, per dialect (extra_egress_cidrs only where the chart has the list)
_MODERN_OPTION_PATHS = {
    "expose.type": "controlPlane.service.spec.type",
    "expose.load_balancer_source_ranges": "controlPlane.service.spec.loadBalancerSourceRanges",
    "expose.extra_sans": "controlPlane.proxy.extraSANs",
    "map_services.from_host": "networking.replicateServices.fromHost",
    "map_services.to_host": "networking.replicateServices.toHost",
}
_LEGACY_OPTION_PATHS = {
    "expose.type": "service.type",
    "expose.load_balancer_source_ranges": "service.loadBalancerSourceRanges",
    "expose.extra_sans": "syncer.extraArgs",
    "map_services.from_host": "mapServices.fromHost",
    "map_services.to_host": "mapServices.fromVirtual",
}


def option_value_paths(version):
    """``{option: values path}`` of the structured options this version renders into a values path."""
    if dialects.dialect_for(version) == dialects.LEGACY:
        return dict(_LEGACY_OPTION_PATHS)
    paths = dict(_MODERN_OPTION_PATHS)
    if dialects.has_workload_egress_rules(version):
        paths["isolation.extra_egress_cidrs"] = "policies.networkPolicy.workload.egress"
    return paths
