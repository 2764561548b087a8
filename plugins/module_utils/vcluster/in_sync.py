# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether provisioning a present tenant would change nothing: the fleet's common case, decided in one step.

``provision.yml`` sends a tenant through the pre-flight and the roles only when this says why it must: the same
host read, the same values checks (hardening, boundary, chart schema) and the same comparisons the roles make
before they write (namespace labels, extra egress policy, Helm release, kubeconfig Secret and file). Any doubt
counts as "not in sync": the tenant then takes the full path, which reports problems in its own words. A tenant
the check does not cover (nested, Rancher, a project given by name, a chart not yet pulled) always takes it.
Pure logic: the action plugin tenant_in_sync does the reads.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import host_objects

IN_SYNC_GROUP = "tenancy_vcluster_in_sync"
ARGUMENT_SPEC = {"group": {"type": "bool", "default": False}}
TO_BE_REMOVED = "the tenant is to be removed"


def route_group(tenant, in_sync):
    """The inventory group whose play runs ``tenant`` in provision.yml: the in-sync group, which no play targets,
    or ``tenancy_vcluster_<state>_<top|nested>`` (nested tenants run after their parents)."""
    if in_sync:
        return IN_SYNC_GROUP
    level = "nested" if tenant["parent"] else "top"
    return f"tenancy_vcluster_{tenant['state']}_{level}"


def not_covered(tenant, chart_present):
    """Why the one-step check does not apply to ``tenant`` (empty: it does); ``chart_present`` says whether its
    chart is already in the cache (a pull is the pre-flight's job)."""
    reasons = []
    if tenant["state"] != "present":
        reasons.append(TO_BE_REMOVED)
    if tenant["parent"]:
        reasons.append("a nested tenant waits for its parent")
    if tenant["rancher_import"]:
        reasons.append("the Rancher import is checked by its own role")
    if tenant["rancher_project"] and not tenant["rancher_project_is_id"]:
        reasons.append("the Rancher project is given by name")
    if not tenant["chart"]["name"]:
        reasons.append("the chart version or distro is not usable")
    elif not chart_present:
        reasons.append("the chart is not in the cache yet")
    return reasons


def _given(options):
    """The options a task passes with ``default(omit, true)``: empty ones left out."""
    return {key: value for key, value in options.items() if value not in (None, "", [], {})}


def host_preflight_params(tenant):
    """The host read of roles/preflight/tasks/main.yml for provisioning (every part, no upgrade)."""
    params = {
        "namespace": tenant["namespace"],
        "release_name": tenant["name"],
        "rancher_project": tenant["rancher_project"],
        "read": {
            "extra_egress": {
                "api_version": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "name": f"{tenant['name']}-extra-egress",
            }
        },
        "rights": "tenant",
        "map_services": tenant["map_services"],
        "secret_paths": tenant["secret_paths"],
    }
    params.update(_given({"kubeconfig": tenant["host_kubeconfig"], "context": tenant["host_context"]}))
    return params


def values_params(tenant, schema_path):
    """The values task of roles/preflight/tasks/release.yml for a tenant without Rancher import and upgrade;
    ``schema_path`` is the chart's values.schema.json when it has one, else None."""
    params = {
        "name": tenant["name"],
        "namespace": tenant["namespace"],
        "chart_version": tenant["chart_version"],
        "profile": tenant["profile"],
        "isolation": tenant["isolation"],
        "map_services": tenant["map_services"],
        "expose": tenant["expose"],
        "values": tenant["values"],
        "allow": tenant["allow"],
        "secret_paths": tenant["secret_paths"],
        "dest": tenant["values_file"],
    }
    optional = {"distro": tenant["distro"], "image_registry": tenant["image_registry"], "schema": schema_path}
    params.update(_given(optional))
    return params


def release_up_to_date(host, values, chart_version):
    """What kubernetes.core.helm compares: the newest revision is deployed from this chart version with these
    values."""
    release = host.get("release") or {}
    return (
        release.get("status") == "deployed"
        and release.get("chart") == f"{values['chart']}-{chart_version}"
        and release.get("values_digest") == values["values_digest"]
    )


def host_drift(tenant, host):
    """What the host read says must be done or reported (empty: nothing)."""
    if host.get("failed"):
        return ["the host pre-flight failed"]
    reasons = [f"the host pre-flight found a problem: {problem}" for problem in host["problems"]]
    if host["pending_release_records"]:
        reasons.append("an interrupted Helm run left release records pending")
    if not host_objects.uses_pod_security_admission(host["kubernetes_version"]):
        reasons.append("the host predates Pod Security admission (a PodSecurityPolicy is applied)")
        return reasons
    wanted = host_objects.tenant_namespace(tenant, host["namespace"] or None)
    if not host_objects.covers(host["namespace"], wanted):
        reasons.append("the namespace lacks a label or annotation")
    return reasons + _egress_drift(tenant, host["objects"]["extra_egress"])


def _egress_drift(tenant, current):
    isolation = tenant["isolation_effective"]
    cidrs = list(isolation.get("extra_egress_cidrs") or [])
    active = bool(isolation["network_policy"]["enabled"]) and bool(cidrs)
    if active and not host_objects.covers(current, host_objects.extra_egress_policy(tenant, cidrs)):
        return ["the extra egress policy differs"]
    if not active and current:
        return ["an extra egress policy is no longer wanted"]
    return []


def release_drift(tenant, host, values):
    """What the values check and the release comparison say must be done or reported (empty: nothing)."""
    if values.get("failed"):
        return ["the values check failed"]
    if not release_up_to_date(host, values, tenant["chart_version"]):
        return ["the Helm release is not this chart version with these values"]
    return []


def kubeconfig_drift(secret_found, kubeconfig_file):
    """What the kubeconfig export must do (empty: nothing); ``kubeconfig_file`` is the kubeconfig_file task's
    result in check mode."""
    if not secret_found:
        return ["the vcluster has not published its kubeconfig Secret"]
    if kubeconfig_file.get("failed"):
        return ["the kubeconfig cannot be written"]
    if kubeconfig_file.get("changed"):
        return ["the tenant kubeconfig file differs"]
    return []
