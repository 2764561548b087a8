# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tenant boundary: chart values that would let a tenant out of its host namespace, as ``boundary-*`` findings.

``RULES`` is the one table of the policy: a values path pattern (per dialect, or both), what about the value
crosses the boundary, the finding id and the fix. ``ANYWHERE`` holds the keys that cross it wherever they appear
(host paths, images, commands, flags). The policy reads the values the operator gives (for an upgrade too: the
deployed values were checked when they were deployed); what the collection renders from its own options is never a
finding. An operator who means one of
them passes it per tenant with ``allow`` and a reason (``allowed.py``). Pure logic, no I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.dialects import LEGACY, MODERN
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.findings import error, fix_hint
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.flags import split_flags
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.input_checks import well_formed_mapping
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.values_tree import find, get_path, walk

PSS_RANK = {"privileged": 0, "baseline": 1, "restricted": 2}
# The private ranges the chart's network policy keeps closed (its default publicEgress/ipBlock except list).
BLOCKED_PRIVATE_RANGES = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8")
# Host objects whose sync to the host writes cluster-scoped objects there.
CLUSTER_SCOPED_SYNCS = ("persistentVolumes", "storageClasses", "priorityClasses", "volumeSnapshotContents")
LEGACY_CLUSTER_SCOPED_SYNCS = ("persistentvolumes", "storageclasses", "priorityclasses")
# Syncer --sync entries that write cluster-scoped host objects.
CLUSTER_SCOPED_SYNC_FLAG_ENTRIES = frozenset((*LEGACY_CLUSTER_SCOPED_SYNCS, "namespaces"))
ARG_LIST_KEYS = frozenset(("extraArgs", "args", "baseArgs"))
EXTRA_CONTAINER_KEYS = frozenset(("sidecarContainers", "initContainers"))


class Context:
    """What a rule compares the values with: the tenant's namespace, its profile and its isolation option."""

    def __init__(self, namespace, profile, isolation):
        self.namespace = namespace
        self.profile = profile
        self.isolation = isolation


def helm_truthy(value):
    """Whether a Helm template's ``if`` takes the value as on (any non-empty string is on, "false" too)."""
    return value not in (None, False, 0, "", [], {}) and value != 0.0


def _is_set(value, _ctx):
    if value in (None, "", [], {}) or (isinstance(value, str) and value.strip() in ("", "---")):
        return None
    return "is set"


def _is_on(value, _ctx):
    return "is on" if helm_truthy(value) else None


def _part_enabled(part):
    def check(value, ctx):
        if ctx.isolation[part]["enabled"] and value is not True:
            option = "isolation.enabled" if not ctx.isolation["enabled"] else f"isolation.{part}"
            return f"is {value!r} while the tenant's {option} option keeps it on"
        return None

    return check


def _legacy_isolation_enabled(value, ctx):
    if ctx.isolation["enabled"] and not helm_truthy(value):
        return f"is {value!r} while the tenant's isolation option keeps it on"
    return None


def _legacy_part_enabled(part):
    def check(value, ctx):
        if ctx.isolation[part]["enabled"] and not helm_truthy(value):
            return f"is {value!r} while the tenant's isolation.{part} option keeps it on"
        return None

    return check


def _weaker_standard(value, ctx):
    if PSS_RANK.get(str(value), -1) < PSS_RANK[ctx.profile]:
        return f"is {value!r}, weaker than the tenant's profile {ctx.profile!r}"
    return None


def _other_namespace(value, ctx):
    if isinstance(value, str) and value and value != ctx.namespace:
        return f"is namespace {value!r}, not the tenant's {ctx.namespace!r}"
    return None


def _service_in_other_namespace(value, ctx):
    namespace = value.split("/", 1)[0] if isinstance(value, str) and "/" in value else None
    if namespace and namespace != ctx.namespace:
        return f"names a service in namespace {namespace!r}, not the tenant's {ctx.namespace!r}"
    return None


def _cluster_scope(value, _ctx):
    if isinstance(value, dict) and helm_truthy(value.get("enabled")) and str(value.get("scope")).lower() == "cluster":
        return "syncs a cluster-scoped resource to the host"
    return None


def _private_ranges_dropped(value, _ctx):
    kept = {str(item) for item in value} if isinstance(value, list) else set()
    dropped = [cidr for cidr in BLOCKED_PRIVATE_RANGES if cidr not in kept]
    return f"no longer excludes {', '.join(dropped)}" if dropped else None


def _open_egress(value, _ctx):
    return open_network_problem(value, egress=True)


def _open_sources(value, _ctx):
    values = value if isinstance(value, list) else [value]
    for item in values:
        problem = open_network_problem(item, egress=False)
        if problem:
            return problem
    return None


def open_network_problem(cidr, egress):
    """Why ``cidr`` opens the boundary: all addresses, or (egress) a whole private range the policy closes."""
    try:
        network = ipaddress.ip_network(str(cidr))
    except ValueError:
        return None  # cidr-invalid says what to fix
    if network.prefixlen < (8 if network.version == 4 else 16):
        return f"{cidr} opens (almost) every address"
    if egress:
        for blocked in BLOCKED_PRIVATE_RANGES:
            blocked_net = ipaddress.ip_network(blocked)
            if network.version == blocked_net.version and network.supernet_of(blocked_net):
                return f"{cidr} reopens the whole private range {blocked} that isolation closes"
    return None


def _exported_elsewhere(value, ctx):
    if isinstance(value, dict):
        return _other_namespace(value.get("namespace"), ctx)
    return None


def _host_mappings(value, _ctx):
    if isinstance(value, dict) and helm_truthy(value.get("enabled")):
        return "reads host objects of other namespaces into the vcluster"
    return None


# (finding id, dialect or None for both, pattern, test, what it means)
RULES = (
    ("boundary-rbac", MODERN, "rbac.clusterRole.extraRules", _is_set, "adds cluster-wide rights to the syncer"),
    ("boundary-rbac", MODERN, "rbac.clusterRole.overwriteRules", _is_set, "replaces the syncer's cluster-wide rights"),
    ("boundary-rbac", None, "plugins.*.rbac.clusterRole.extraRules", _is_set, "gives a plugin cluster-wide rights"),
    ("boundary-rbac", None, "plugin.*.rbac.clusterRole.extraRules", _is_set, "gives a plugin cluster-wide rights"),
    *(
        ("boundary-rbac", MODERN, f"sync.toHost.{kind}.enabled", _is_on, "writes cluster-scoped objects to the host")
        for kind in CLUSTER_SCOPED_SYNCS
    ),
    ("boundary-rbac", MODERN, "sync.toHost.customResources.*", _cluster_scope, "writes cluster-scoped host objects"),
    ("boundary-rbac", MODERN, "sync.fromHost.nodes.syncBackChanges", _is_on, "writes to the host's nodes"),
    ("boundary-rbac", LEGACY, "rbac.clusterRole.extraRules", _is_set, "adds cluster-wide rights to the syncer"),
    ("boundary-rbac", LEGACY, "isolation.nodeProxyPermission.enabled", _is_on, "grants nodes/proxy on every node"),
    *(
        ("boundary-rbac", LEGACY, f"sync.{kind}.enabled", _is_on, "writes cluster-scoped objects to the host")
        for kind in LEGACY_CLUSTER_SCOPED_SYNCS
    ),
    ("boundary-rbac", LEGACY, "sync.nodes.syncNodeChanges", _is_on, "writes to the host's nodes"),
    ("boundary-host-objects", MODERN, "experimental.deploy.host.manifests", _is_set, "deploys objects on the host"),
    ("boundary-host-objects", MODERN, "experimental.deploy.host.manifestsTemplate", _is_set, "deploys host objects"),
    ("boundary-host-objects", MODERN, "controlPlane.coredns.overwriteManifests", _is_set, "replaces hardened CoreDNS"),
    ("boundary-host-objects", LEGACY, "coredns.manifests", _is_set, "replaces the hardened CoreDNS"),
    *(
        ("boundary-isolation-off", MODERN, f"policies.{key}.enabled", _part_enabled(part), "turns isolation off")
        for part, key in (
            ("resource_quota", "resourceQuota"),
            ("limit_range", "limitRange"),
            ("network_policy", "networkPolicy"),
        )
    ),
    ("boundary-isolation-off", MODERN, "policies.podSecurityStandard", _weaker_standard, "weakens Pod Security"),
    ("boundary-isolation-off", LEGACY, "isolation.enabled", _legacy_isolation_enabled, "turns isolation off"),
    *(
        ("boundary-isolation-off", LEGACY, f"isolation.{key}.enabled", _legacy_part_enabled(part), "turns it off")
        for part, key in (
            ("resource_quota", "resourceQuota"),
            ("limit_range", "limitRange"),
            ("network_policy", "networkPolicy"),
        )
    ),
    ("boundary-isolation-off", LEGACY, "isolation.podSecurityStandard", _weaker_standard, "weakens Pod Security"),
    ("boundary-namespace", MODERN, "networking.replicateServices.toHost[].to", _service_in_other_namespace, ""),
    ("boundary-namespace", MODERN, "networking.replicateServices.fromHost[].from", _service_in_other_namespace, ""),
    ("boundary-namespace", MODERN, "exportKubeConfig.secret.namespace", _other_namespace, "exports the kubeconfig"),
    ("boundary-namespace", MODERN, "exportKubeConfig.additionalSecrets[]", _exported_elsewhere, "exports it"),
    ("boundary-namespace", MODERN, "sync.toHost.namespaces.enabled", _is_on, "creates host namespaces"),
    ("boundary-namespace", MODERN, "experimental.multiNamespaceMode.enabled", _is_on, "creates host namespaces"),
    ("boundary-namespace", MODERN, "sync.fromHost.secrets", _host_mappings, "copies host Secrets"),
    ("boundary-namespace", MODERN, "sync.fromHost.configMaps", _host_mappings, "copies host ConfigMaps"),
    ("boundary-namespace", MODERN, "sync.fromHost.customResources.*", _host_mappings, "copies host objects"),
    ("boundary-namespace", MODERN, "networking.resolveDNS[].target.hostNamespace", _other_namespace, ""),
    ("boundary-namespace", LEGACY, "mapServices.fromVirtual[].to", _service_in_other_namespace, ""),
    ("boundary-namespace", LEGACY, "mapServices.fromHost[].from", _service_in_other_namespace, ""),
    ("boundary-namespace", LEGACY, "multiNamespaceMode.enabled", _is_on, "creates host namespaces"),
    ("boundary-namespace", LEGACY, "isolation.namespace", _other_namespace, "puts isolation objects elsewhere"),
    ("boundary-image", None, "plugins.*", _is_set, "runs a plugin container beside the syncer"),
    ("boundary-image", None, "plugin.*", _is_set, "runs a plugin container beside the syncer"),
    ("boundary-image", MODERN, "controlPlane.advanced.defaultImageRegistry", _is_set, "pulls every image elsewhere"),
    ("boundary-image", LEGACY, "defaultImageRegistry", _is_set, "pulls every image elsewhere"),
    ("boundary-host-path", MODERN, "controlPlane.hostPathMapper.enabled", _is_on, "mounts host log paths"),
    ("boundary-host-path", LEGACY, "hostpathMapper.enabled", _is_on, "mounts host log paths"),
    ("boundary-cidr-open", MODERN, "policies.networkPolicy.workload.publicEgress.except", _private_ranges_dropped, ""),
    (
        "boundary-cidr-open",
        MODERN,
        "policies.networkPolicy.outgoingConnections.ipBlock.except",
        _private_ranges_dropped,
        "",
    ),
    ("boundary-cidr-open", MODERN, "policies.networkPolicy.workload.egress[].to[].ipBlock.cidr", _open_egress, ""),
    ("boundary-cidr-open", MODERN, "controlPlane.service.spec.loadBalancerSourceRanges", _open_sources, ""),
    (
        "boundary-cidr-open",
        LEGACY,
        "isolation.networkPolicy.outgoingConnections.ipBlock.except",
        _private_ranges_dropped,
        "",
    ),
    ("boundary-cidr-open", LEGACY, "service.loadBalancerSourceRanges", _open_sources, ""),
)


# ---------------------------------------------------------------------------------------------- flags
def _flag_problem(name, value, ctx):
    """Why one flag (``name`` without dashes) crosses the boundary, or None."""
    lowered = str(value).strip().lower()
    if name in ("kube-apiserver-arg", "kube-controller-manager-arg") and "=" in str(value):
        inner, _sep, inner_value = str(value).partition("=")
        return _flag_problem(inner.lstrip("-"), inner_value, ctx)
    if name == "anonymous-auth" and lowered in ("", "true", "1"):
        return "lets anonymous users call the API server"
    if name == "authorization-mode" and "alwaysallow" in lowered.replace(" ", ""):
        return "lets every caller do everything"
    if name in ("disable-admission-plugins", "admission-control-config-file", "token-auth-file", "basic-auth-file"):
        return "weakens who may do what on the API server"
    if name in ("insecure-port", "insecure-bind-address") and lowered not in ("0", ""):
        return "serves the API without authentication"
    if name == "multi-namespace-mode" and lowered in ("", "true", "1"):
        return "lets the syncer create host namespaces"
    if name in ("target-namespace", "out-kube-config-secret-namespace") and value and value != ctx.namespace:
        return f"points the syncer at namespace {value!r}, not the tenant's {ctx.namespace!r}"
    if name == "sync":
        entries = {entry.strip().lstrip("+-").lower() for entry in str(value).split(",") if entry.strip()}
        if entries & CLUSTER_SCOPED_SYNC_FLAG_ENTRIES and not str(value).strip().startswith("-"):
            return "syncs cluster-scoped objects to the host"
    if name == "enforce-pod-security-standard":
        return _weaker_standard(value, ctx)
    if name in ("map-host-service", "map-virtual-service"):
        return _service_in_other_namespace(str(value), ctx)
    return None


def flag_findings(path, args, ctx):
    found = []
    for flag, value, index in split_flags(args if isinstance(args, list) else []):
        problem = _flag_problem(flag, value, ctx) if flag else None
        if problem:
            where = f"{path}[{index}]"
            text = f"--{flag}" + (f"={value}" if value else "")
            found.append(_finding("boundary-flags", where, f"flag {text} {problem}"))
    return found


# ---------------------------------------------------------------------------------------------- checks
def _finding(finding_id, path, problem):
    return error(
        finding_id,
        path,
        f"{path} {problem}, which takes the tenant out of its namespace boundary. Fix: {fix_hint(finding_id)}. If "
        f"this tenant really needs it, allow it in the tenant's inventory: "
        f"allow: [{{id: {finding_id}, reason: <why>}}]",
    )


def _anywhere_findings(values, ctx):
    """Keys that cross the boundary wherever they are: host paths, images, commands, extra containers, flags."""
    found = []
    for path, key, value in walk(values):
        if key == "hostPath" and value:
            found.append(_finding("boundary-host-path", path, "mounts a path of the host node"))
        elif key == "image" and _is_set(value, ctx):
            found.append(_finding("boundary-image", path, "replaces an image of the chart"))
        elif key == "command" and _is_set(value, ctx):
            found.append(_finding("boundary-image", path, "replaces the command of a chart container"))
        elif key in EXTRA_CONTAINER_KEYS and _is_set(value, ctx):
            found.append(_finding("boundary-image", path, "adds containers to the control-plane pod"))
        elif key in ARG_LIST_KEYS and isinstance(value, list):
            found += flag_findings(path, value, ctx)
    return found


def _same_as_rendered(path_value, hardened):
    path, value = path_value
    return "[" not in path and get_path(hardened, path, object()) == value


def check_boundary(user_values, hardened, dialect, ctx):
    """``boundary-*`` findings of the operator's ``user_values`` (what equals the rendered ``hardened`` is skipped).

    ``ctx`` is a Context; ``dialect`` the chart version's (``legacy`` / ``modern``).
    """
    found = []
    seen = set()
    for finding_id, rule_dialect, pattern, test, what in RULES:
        if rule_dialect not in (None, dialect):
            continue
        for path, value in find(user_values, pattern):
            if _same_as_rendered((path, value), hardened):
                continue
            problem = test(value, ctx)
            if problem and (finding_id, path) not in seen:
                seen.add((finding_id, path))
                found.append(_finding(finding_id, path, f"{problem}" + (f" ({what})" if what else "")))
    for finding in _anywhere_findings(_differences(user_values, hardened), ctx):
        if (finding["id"], finding["path"]) not in seen:
            seen.add((finding["id"], finding["path"]))
            found.append(finding)
    return found


def _differences(values, hardened):
    """``values`` without the entries equal to the rendered ``hardened`` (what the collection set itself)."""
    if not isinstance(values, dict) or not isinstance(hardened, dict):
        return values if values != hardened else {}
    result = {}
    for key, value in values.items():
        if key in hardened:
            if value == hardened[key]:
                continue
            if isinstance(value, dict) and isinstance(hardened[key], dict):
                value = _differences(value, hardened[key])
        result[key] = value
    return result


def check_options_boundary(isolation, expose, map_services, namespace):
    """``boundary-*`` findings of the structured options (networks and service mappings)."""
    ctx = Context(namespace, "restricted", isolation)
    found = []
    for index, cidr in enumerate(isolation.get("extra_egress_cidrs") or []):
        problem = open_network_problem(cidr, egress=True)
        if problem:
            found.append(_finding("boundary-cidr-open", f"isolation.extra_egress_cidrs[{index}]", problem))
    for index, cidr in enumerate(expose.get("load_balancer_source_ranges") or []):
        problem = open_network_problem(cidr, egress=False)
        if problem:
            found.append(_finding("boundary-cidr-open", f"expose.load_balancer_source_ranges[{index}]", problem))
    for direction, key in (("to_host", "to"), ("from_host", "from")):
        entries = (map_services or {}).get(direction)
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            if not well_formed_mapping(entry, bare_target=direction == "to_host"):
                continue  # map-services-format says what to fix first
            problem = _service_in_other_namespace(entry[key], ctx)
            if problem:
                found.append(_finding("boundary-namespace", f"map_services.{direction}[{index}].{key}", problem))
    return found
