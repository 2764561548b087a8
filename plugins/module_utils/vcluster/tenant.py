# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tenant contract: the host variables an operator writes for a tenant, checked, with every default applied.

``CONTRACT`` is the one table of the tenant's variables (kind, default, allowed values). ``tenant_from`` turns a
host's variables into the tenant every role works from (``tenancy_vcluster_tenant``), and says, for each problem,
the host, the variable and what to set. A ``vcluster_*`` variable the contract does not know is a problem too: a
typo never drops a setting silently. Pure logic, no I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import hashlib
import posixpath

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import dialects, naming
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.allowed import apply_allow, normalize_allow
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.boundary import check_options_boundary
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.dialects import DISTROS
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.findings import format_finding
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.host_preflight import RANCHER_PROJECT_ID
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.input_checks import check_cidrs
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.kubeconfig import server_problem
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.options import (
    PROFILES,
    normalize_isolation,
    read_bool,
)

REQUIRED = object()
PURPOSES = ("provision", "remove", "read")

# variable -> (kind, default, choices); kinds: str, bool, int, dict, list, path. REQUIRED: must be set.
CONTRACT = {
    "vcluster_name": ("str", None, None),
    "vcluster_namespace": ("str", REQUIRED, None),
    "vcluster_chart_version": ("str", REQUIRED, None),
    "vcluster_distro": ("str", "", ("", *DISTROS)),
    "vcluster_profile": ("str", "restricted", PROFILES),
    "vcluster_state": ("str", "present", ("present", "absent")),
    "vcluster_rancher_project": ("str", "", None),
    "vcluster_isolation": ("dict", {}, None),
    "vcluster_map_services": ("dict", {}, None),
    "vcluster_expose": ("dict", {}, None),
    "vcluster_values": ("dict", {}, None),
    "vcluster_allow": ("list", [], None),
    "vcluster_secret_paths": ("list", [], None),
    "vcluster_parent": ("str", "", None),
    "vcluster_parent_wait_timeout": ("int", 300, None),
    "vcluster_kubeconfig_server": ("str", "auto", None),
    "vcluster_kubeconfig_dest": ("path", None, None),
    "vcluster_work_dir": ("path", None, None),
    "vcluster_wait_timeout": ("str", "10m", None),
    "vcluster_rancher_import": ("bool", False, None),
    "vcluster_rancher_cluster_name": ("str", None, None),
    "vcluster_rancher_cluster_labels": ("dict", {}, None),
    "vcluster_rancher_agent_psa_strategy": ("str", "stop", ("stop", "baseline")),
    "vcluster_rancher_egress_strategy": ("str", "add", ("add", "stop")),
    # site settings, usually group vars
    "vcluster_host_kubeconfig": ("path", None, None),
    "vcluster_host_context": ("str", None, None),
    "vcluster_chart_repo_url": ("str", "https://charts.loft.sh", None),
    "vcluster_chart_ref": ("str", "", None),
    "vcluster_image_registry": ("str", "", None),
}
# Inputs of the day-2 playbooks (info.yml, kubeconfig.yml), and what the vclusters inventory plugin reports about a
# discovered vcluster: not settings of a tenant.
PLAYBOOK_VARIABLES = frozenset(
    (
        "vcluster_info_namespace",
        "vcluster_info_name",
        "vcluster_info_kubeconfig",
        "vcluster_info_context",
        "vcluster_kubeconfig_merge_into",
        "vcluster_status",
        "vcluster_host_cluster",
    )
)
REQUIRED_HINTS = {
    "vcluster_namespace": "the tenant's host namespace, e.g. tenant-a",
    "vcluster_chart_version": "the exact vcluster chart version, e.g. 0.36.1",
}
# What each purpose needs beyond the namespace.
_REQUIRED_FOR = {"provision": ("vcluster_chart_version",), "remove": (), "read": ()}


class ContractError(Exception):
    """Problems of a tenant's variables; the message lists each with the fix."""


def _kind_problem(kind, value):
    if kind in ("str", "path") and not isinstance(value, str):
        return "must be a string"
    whole_number = isinstance(value, int) and not isinstance(value, bool)
    if kind == "int" and not whole_number and not (isinstance(value, str) and value.strip().isdigit()):
        return "must be a whole number"
    if kind == "bool" and read_bool(value) is None:
        return "must be true or false"
    if kind == "dict" and not isinstance(value, dict):
        return "must be a mapping"
    if kind == "list" and not isinstance(value, list):
        return "must be a list"
    return None


def _convert(kind, value):
    if kind == "bool":
        return read_bool(value)
    if kind == "int":
        return int(value)
    return value


def unknown_variables(names):
    """``(name, closest contract variable or None)`` for each ``vcluster_*`` name the contract does not know."""
    known = set(CONTRACT) | PLAYBOOK_VARIABLES
    found = []
    for name in sorted(names):
        if name.startswith("vcluster_") and name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
            found.append((name, close[0] if close else None))
    return found


def _problems(host, variables, purpose):
    problems = []
    for name, (kind, default, choices) in CONTRACT.items():
        value = variables.get(name)
        if value is None:
            if default is REQUIRED and (name == "vcluster_namespace" or name in _REQUIRED_FOR[purpose]):
                problems.append(f"{name} is not set; set it for host {host} in the inventory ({REQUIRED_HINTS[name]})")
            continue
        problem = _kind_problem(kind, value)
        if problem is None and choices is not None and value not in choices:
            problem = f"is {value!r}; use one of: {', '.join(str(choice) for choice in choices if choice)}"
        if problem is None and name == "vcluster_kubeconfig_server" and server_problem(value):
            problem = f"is {value!r}; use an https:// URL, 'auto' or 'from_secret'"
        if problem:
            problems.append(f"{name} {problem} (host {host})")
    for name, close in unknown_variables(variables):
        hint = f"; did you mean {close}?" if close else "; remove it or fix its name"
        problems.append(f"{name} is not a tenant variable of tenancy.vcluster (host {host}){hint}")
    if not problems:
        problems += _setting_problems(host, variables, purpose)
    return problems


def _setting_problems(host, variables, purpose):
    """Findings (as text) of settings every playbook uses before vcluster_values sees them: the isolation option
    (the isolation role writes its egress policy from it), the boundary of the options (known from the inventory
    alone, so they come before any host read) and, for removal, the names (teardown deletes by them)."""
    isolation, found = normalize_isolation(variables.get("vcluster_isolation"), path="vcluster_isolation")
    found += check_cidrs(isolation["extra_egress_cidrs"], "vcluster_isolation.extra_egress_cidrs")
    if purpose == "provision" and not found:
        found += _options_boundary(variables, isolation)
    if purpose != "provision":
        found += naming.check_release_name(variables.get("vcluster_name") or host, path="vcluster_name")
        found += naming.check_names_of_namespace(variables.get("vcluster_namespace"), "vcluster_namespace")
    return [format_finding(finding) for finding in found if finding["severity"] == "error"]


def _options_boundary(variables, isolation):
    """``boundary-*`` findings of the structured options not allowed by ``vcluster_allow`` (vcluster_values checks
    the same again with the values)."""
    entries, found = normalize_allow(variables.get("vcluster_allow"), path="vcluster_allow")
    expose = variables.get("vcluster_expose") or {}
    boundary = check_options_boundary(
        isolation,
        expose if isinstance(expose, dict) else {},
        variables.get("vcluster_map_services") or {},
        variables.get("vcluster_namespace") or "",
    )
    return found + [dict(f, path=f"vcluster_{f['path']}") for f in apply_allow(boundary, entries)[0]]


def tenant_from(host, variables, home, purpose="provision"):
    """The tenant of inventory host ``host`` from its ``variables``; raises ContractError listing every problem.

    ``home`` is the controller user's home directory (for the default kubeconfig and work directories).
    """
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    problems = _problems(host, variables, purpose)
    if problems:
        raise ContractError(f"Tenant {host} cannot be {purpose_text(purpose)}: " + "; ".join(problems))
    given = {}
    for name, (kind, default, _choices) in CONTRACT.items():
        value = variables.get(name)
        given[name] = _convert(kind, value) if value is not None else (None if default is REQUIRED else default)
    return build_tenant(host, given, home)


def purpose_text(purpose):
    return {"provision": "provisioned", "remove": "removed", "read": "read"}[purpose]


def build_tenant(host, given, home):
    """The tenant dict from checked contract values (defaults of derived settings computed here, once)."""
    name = given["vcluster_name"] or host
    namespace = given["vcluster_namespace"]
    work_dir = given["vcluster_work_dir"] or posixpath.join(home, ".cache", "tenancy-vcluster")
    return {
        "host": host,
        "name": name,
        "namespace": namespace,
        "chart_version": given["vcluster_chart_version"] or "",
        "distro": given["vcluster_distro"],
        "profile": given["vcluster_profile"],
        "state": given["vcluster_state"],
        "rancher_project": given["vcluster_rancher_project"],
        # an id <cluster id>:<project id>; else a display name the pre-flight resolves with Rancher
        "rancher_project_is_id": bool(RANCHER_PROJECT_ID.match(given["vcluster_rancher_project"] or "")),
        "isolation": given["vcluster_isolation"],
        "isolation_effective": normalize_isolation(given["vcluster_isolation"])[0],
        "map_services": given["vcluster_map_services"],
        "expose": given["vcluster_expose"],
        "values": given["vcluster_values"],
        "allow": given["vcluster_allow"],
        "secret_paths": given["vcluster_secret_paths"],
        "parent": given["vcluster_parent"],
        "parent_wait_timeout": given["vcluster_parent_wait_timeout"],
        "kubeconfig_server": given["vcluster_kubeconfig_server"],
        "kubeconfig_dest": given["vcluster_kubeconfig_dest"]
        or posixpath.join(home, ".kube", "tenancy-vcluster", f"{namespace}-{name}.kubeconfig"),
        "work_dir": work_dir,
        "values_file": posixpath.join(work_dir, "values", f"{namespace}-{name}.yaml"),
        "deployed_values_file": posixpath.join(work_dir, "values", f"{namespace}-{name}.deployed.yaml"),
        "wait_timeout": given["vcluster_wait_timeout"],
        "rancher_import": given["vcluster_rancher_import"],
        "rancher_cluster_name": given["vcluster_rancher_cluster_name"] or f"{namespace}-{name}",
        "rancher_cluster_labels": given["vcluster_rancher_cluster_labels"],
        "rancher_agent_psa_strategy": given["vcluster_rancher_agent_psa_strategy"],
        "rancher_egress_strategy": given["vcluster_rancher_egress_strategy"],
        "host_kubeconfig": given["vcluster_host_kubeconfig"],
        "host_context": given["vcluster_host_context"],
        "chart": chart_source(given, work_dir, namespace, name),
        "image_registry": given["vcluster_image_registry"],
    }


def chart_source(given, work_dir, namespace, name):
    """Where the tenant's chart comes from and where it is kept.

    A repository or OCI chart is pulled once per source and version into ``<work>/charts/<source hash>/<chart>-
    <version>/<chart>`` (``dir``), shared by every tenant of the work dir; a fork pulls into ``pull_dir`` and
    publishes it with one rename. A local chart path is used where it is. ``name`` is empty when the version or
    distro is unusable (vcluster_values then says why).
    """
    ref, repo_url = given["vcluster_chart_ref"], given["vcluster_chart_repo_url"]
    version = dialects.parse_version(given["vcluster_chart_version"] or "")
    distro = given["vcluster_distro"] or (dialects.default_distro(version) if version else "")
    usable = version and dialects.is_supported_version(version) and not dialects.check_distro(version, distro)
    chart = dialects.chart_name(version, distro) if usable else ""
    local = bool(ref) and not ref.startswith("oci://")
    source_hash = hashlib.sha1((ref or repo_url).encode()).hexdigest()[:12]
    cache = posixpath.join(work_dir, "charts", source_hash, f"{chart}-{given['vcluster_chart_version']}")
    return {
        "name": chart,
        "local": local,
        "dir": ref if local else posixpath.join(cache, chart),
        "cache_dir": cache,
        "pull_dir": posixpath.join(work_dir, "charts", source_hash, f".pull-{namespace}-{name}"),
        "pull_ref": ref or chart,
        "repo_url": None if ref else repo_url,
    }
