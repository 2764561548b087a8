# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What importing a tenant into Rancher needs from the tenant, decided before anything is written.

Rancher's cattle-cluster-agent violates Pod Security ``restricted`` (it passes ``baseline``), and it must reach the
Rancher server, which the tenant's network policy blocks when the server is on a private address. ``plan`` says,
from the tenant and what the host shows, whether the import must stop (and why, with what to change), or what it
relaxes: the host namespace's enforce level, the vcluster's own Pod Security level, the egress to the server.
Pure logic, no I/O: the server's addresses are resolved by the caller.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import dialects
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.boundary import BLOCKED_PRIVATE_RANGES
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.options import normalize_isolation

ENFORCE_LABEL = "pod-security.kubernetes.io/enforce"
RANCHER_CLUSTER_ID_ANNOTATION = "tenancy.vcluster/rancher-cluster-id"
PSA_RELAXED_ANNOTATION = "tenancy.vcluster/psa-relaxed"
BLOCKED_NETWORKS = tuple(
    ipaddress.ip_network(cidr) for cidr in (*BLOCKED_PRIVATE_RANGES, "fc00::/7", "fe80::/10", "::1/128")
)
AGENT_REFUSED = (
    "it violates Pod Security 'restricted' (no securityContext: runs as root, no seccompProfile, capabilities not "
    "dropped, privilege escalation allowed) and Rancher offers no setting to change that; it passes 'baseline'"
)


def _host_level(tenant, namespace, provisioning):
    """The level the host namespace enforces for the tenant; a relaxation an earlier import recorded counts as the
    profile (the plan then relaxes it again rather than undoing it)."""
    metadata = (namespace or {}).get("metadata") or {}
    labels = metadata.get("labels") or {}
    if provisioning or not labels or PSA_RELAXED_ANNOTATION in (metadata.get("annotations") or {}):
        return tenant["profile"]
    return labels.get(ENFORCE_LABEL, "privileged")


def _deployed_vcluster_level(release):
    values = (release or {}).get("values") or {}
    for key in ("policies", "isolation"):
        level = (values.get(key) or {}).get("podSecurityStandard") if isinstance(values.get(key), dict) else None
        if level:
            return level
    return "privileged"


def _standard_key(chart_version):
    version = dialects.parse_version(chart_version or "")
    if version and dialects.dialect_for(version) == dialects.LEGACY:
        return "isolation"
    return "policies"


def blocked_addresses(addresses, isolation):
    """The server addresses the tenant's network policy blocks (private ranges not opened by extra egress)."""
    if not (isolation["enabled"] and isolation["network_policy"]["enabled"]):
        return []
    opened = []
    for cidr in isolation["extra_egress_cidrs"]:
        try:
            opened.append(ipaddress.ip_network(cidr, strict=False))
        except ValueError:
            continue
    blocked = []
    for text in addresses:
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            continue
        private = any(address in network for network in BLOCKED_NETWORKS if network.version == address.version)
        allowed = any(address in network for network in opened if network.version == address.version)
        if private and not allowed and text not in blocked:
            blocked.append(text)
    return blocked


def host_network(address):
    return f"{address}/{32 if ipaddress.ip_address(address).version == 4 else 128}"


def with_egress(isolation, cidrs):
    """The isolation option (as given: closed-shape checks still see every key) with ``cidrs`` added to its
    ``extra_egress_cidrs``; an option of the wrong shape is returned as it is (vcluster_values reports it)."""
    if isolation is None:
        isolation = {}
    if not isinstance(isolation, dict):
        return isolation
    current = isolation.get("extra_egress_cidrs") or []
    return dict(isolation, extra_egress_cidrs=list(current) + [cidr for cidr in cidrs if cidr not in current])


def server_url_unset(where, rancher_url):
    """Rancher deploys and updates the cluster agent only once its server-url setting is set (clusterdeploy waits
    for it), so an import would never become active."""
    return (
        f"Rancher's server-url setting is unset, so Rancher cannot finish importing {where}: it only deploys and "
        "updates the cluster agent once server-url is set. Nothing was changed. Set it once to the URL the agents "
        f"reach (Rancher UI: Global Settings > server-url, or PUT {rancher_url}/v3/settings/server-url with "
        '{"value": "<url>"} as an admin), then run again.'
    )


def plan(tenant, namespace, release, addresses, server_host, provisioning=True, server_url=None, rancher_url=""):
    """The import plan of ``tenant`` (the tenant fact).

    ``namespace`` and ``release`` are what the host pre-flight read; ``addresses`` the Rancher server's resolved
    addresses; ``provisioning`` True when the vcluster is (re)deployed in the same run; ``server_url`` Rancher's
    server-url setting as the probe read it (None when not read).
    """
    isolation, _problems = normalize_isolation(tenant.get("isolation"))
    host_level = _host_level(tenant, namespace, provisioning)
    vcluster_level = tenant["profile"] if provisioning else _deployed_vcluster_level(release)
    key = _standard_key(tenant.get("chart_version"))
    strategy = tenant["rancher_agent_psa_strategy"]
    result = {
        "host_level": host_level,
        "vcluster_level": vcluster_level,
        "host_enforce": "",
        "relaxed_reason": "",
        "virtual_pod_security": "",
        "blocked_addresses": [],
        "extra_egress_cidrs": [],
        "isolation": tenant.get("isolation"),
        "effective_isolation": isolation,
        "stop": "",
        "notes": [],
    }
    where = f"vcluster {tenant['namespace']}/{tenant['name']}"
    if server_url is not None and not server_url:
        result["stop"] = server_url_unset(where, rancher_url)
        return result
    if not provisioning and not release:
        result["stop"] = (
            f"{where} is not installed; provision it first (playbooks/provision.yml with vcluster_rancher_import: "
            "true imports it in the same run). Nothing was changed."
        )
        return result
    restricted = "restricted" in (host_level, vcluster_level)
    if strategy == "stop" and restricted:
        reasons = []
        if host_level == "restricted":
            reasons.append(
                f"The host namespace {tenant['namespace']} enforces 'restricted' (the agent pod is synced there)."
            )
        if vcluster_level == "restricted":
            reasons.append(f"The vcluster itself enforces 'restricted' on its namespaces ({key}.podSecurityStandard).")
        result["stop"] = (
            f"Rancher's cattle-cluster-agent cannot run in {where}: {AGENT_REFUSED}. {' '.join(reasons)} Nothing was "
            "changed. Choose one: set vcluster_rancher_agent_psa_strategy to 'baseline' so this tenant enforces "
            f"'baseline' on its host namespace and in the vcluster while audit and warn stay '{tenant['profile']}' "
            "(recorded in annotation tenancy.vcluster/psa-relaxed on the namespace); or run the tenant with "
            "vcluster_profile 'baseline'; or leave vcluster_rancher_import false."
        )
        return result
    if strategy == "baseline" and not provisioning and vcluster_level == "restricted":
        result["stop"] = (
            f"{where} is deployed with {key}.podSecurityStandard 'restricted', which the Rancher agent violates inside "
            "the vcluster (vcluster relabels every virtual namespace, so cattle-system cannot be exempted). Nothing "
            "was "
            "changed. Run playbooks/provision.yml for this tenant with vcluster_rancher_import: true and strategy "
            "'baseline': it redeploys the vcluster with podSecurityStandard 'baseline' (its own pods stay checked "
            f"against '{tenant['profile']}') and imports it."
        )
        return result
    if strategy == "baseline":
        if host_level == "restricted":
            result["host_enforce"] = "baseline"
            result["relaxed_reason"] = (
                "enforce=baseline for Rancher's cattle-cluster-agent (vcluster_rancher_agent_psa_strategy=baseline); "
                f"audit and warn stay {tenant['profile']}"
            )
            result["notes"].append(
                f"the host namespace will enforce Pod Security 'baseline' (audit/warn stay '{tenant['profile']}'), "
                "recorded in annotation tenancy.vcluster/psa-relaxed"
            )
        if provisioning and vcluster_level == "restricted":
            result["virtual_pod_security"] = "baseline"
            result["notes"].append(
                f"the vcluster gets {key}.podSecurityStandard 'baseline' (its own pods stay checked against "
                f"'{tenant['profile']}')"
            )
    blocked = blocked_addresses(addresses, isolation)
    result["blocked_addresses"] = blocked
    if blocked and tenant["rancher_egress_strategy"] == "stop":
        networks = ", ".join(host_network(address) for address in blocked)
        result["stop"] = (
            f"The Rancher server {server_host} resolves to private address(es) {', '.join(blocked)}, which the "
            f"isolation network policy of {where} blocks, so the cattle-cluster-agent could never connect. Nothing was "
            f"changed. Add {networks} to vcluster_isolation.extra_egress_cidrs, or set "
            "vcluster_rancher_egress_strategy "
            "to 'add' to have it added for this tenant."
        )
        return result
    if blocked:
        result["extra_egress_cidrs"] = [host_network(address) for address in blocked]
        result["effective_isolation"] = with_egress(isolation, result["extra_egress_cidrs"])
        result["isolation"] = with_egress(tenant.get("isolation"), result["extra_egress_cidrs"])
        result["notes"].append(
            f"egress to the Rancher server {', '.join(result['extra_egress_cidrs'])} (a private address that "
            "isolation's "
            "network policy blocks) is allowed for this tenant (vcluster_rancher_egress_strategy=add)"
        )
    return result


def _recorded(api_version, kind, obj, profile):
    meta = obj.get("metadata") or {}
    annotations = meta.get("annotations") or {}
    relaxed = kind == "Namespace" and PSA_RELAXED_ANNOTATION in annotations
    forget = {"annotations": {RANCHER_CLUSTER_ID_ANNOTATION: None}}
    if relaxed:
        forget["annotations"][PSA_RELAXED_ANNOTATION] = None
        forget["labels"] = {ENFORCE_LABEL: profile}
    return {
        "apiVersion": api_version,
        "kind": kind,
        "namespace": "" if kind == "Namespace" else meta.get("namespace", ""),
        "name": meta.get("name", ""),
        "cluster_id": annotations.get(RANCHER_CLUSTER_ID_ANNOTATION, ""),
        "psa_relaxed": relaxed,
        "forget_patch": {"metadata": forget},
    }


def recorded_cluster_ids(workload_reads, namespaces, profile="restricted"):
    """Where a tenant's Rancher cluster id is recorded: its vcluster workloads and host namespace.

    ``workload_reads`` are k8s_info answers looped over the workload kinds (``item`` the kind; list answers do not
    carry it), ``namespaces`` the host namespace as k8s_info returned it. Returns ``objects`` (each with the id it
    carries or "", whether the import relaxed its Pod Security, and ``forget_patch``: the patch that removes the
    record and restores ``profile``) and ``cluster_ids`` (the distinct ids found).
    """
    objects = [
        _recorded("apps/v1", read["item"], obj, profile)
        for read in workload_reads or []
        for obj in read.get("resources") or []
    ]
    objects += [_recorded("v1", "Namespace", obj, profile) for obj in namespaces or []]
    return {"objects": objects, "cluster_ids": sorted({o["cluster_id"] for o in objects if o["cluster_id"]})}
