# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: vclusters
short_description: The vclusters of one or more host clusters as tenants
version_added: 0.1.0
author:
  - tenancy.vcluster maintainers (@tenancy)
description:
  - Lists the vclusters deployed on one or more host clusters, the way the C(tenancy.vcluster.vcluster_info) module
    (and C(vcluster list)) finds them, and adds each as a host of group C(vclusters) with the tenant-contract host
    variables filled from what is deployed, so the collection's day-2 playbooks run on it unchanged.
  - Host variables are C(vcluster_name), C(vcluster_namespace), C(vcluster_chart_version), C(vcluster_distro),
    C(vcluster_host_kubeconfig) and C(vcluster_host_context) (the host cluster access of the entry in O(clusters)),
    C(vcluster_rancher_project) (annotation C(field.cattle.io/projectId) of the namespace, when present),
    C(vcluster_status), C(vcluster_host_cluster) and C(ansible_connection=local).
  - Hosts are also grouped by namespace (C(namespace_<ns>)), chart version (C(chart_<version>)) and Rancher project
    (C(rancher_project_<id>)); O(compose), O(groups) and O(keyed_groups) add more.
  - The host name is the vcluster name; when two host clusters or namespaces hold vclusters of the same name, the
    later ones are named C(<namespace>.<name>) (or C(<cluster>.<namespace>.<name>)).
  - The configuration file name must end with C(vclusters.yml) or C(vclusters.yaml).
  - Only metadata of Secrets is read; no secret value is fetched.
extends_documentation_fragment:
  - constructed
  - inventory_cache
options:
  plugin:
    description: Marks the file as a configuration of this plugin.
    type: str
    required: true
    choices: [tenancy.vcluster.vclusters]
  clusters:
    description:
      - Host clusters to list. Each entry may give C(kubeconfig) (path), C(context), C(namespace) (only this
        namespace) and C(name) (a label for the host cluster; defaults to the context, else C(default)).
      - When omitted, one host cluster reached with the C(K8S_AUTH_*) environment variables (for example
        C(K8S_AUTH_KUBECONFIG)), else C(~/.kube/config).
    type: list
    elements: dict
    default: []
requirements:
  - "kubernetes >= 24.2.0"
  - "kubernetes.core >= 5.0.0 (its API client is used)"
notes:
  - Needs list rights on StatefulSets, Deployments and Pods (cluster-wide unless C(namespace) is given), and on
    Namespaces and Secrets (metadata) for C(vcluster_rancher_project) and the kubeconfig Secret.
seealso:
  - module: tenancy.vcluster.vcluster_info
"""

EXAMPLES = r"""
# fleet.vclusters.yml
plugin: tenancy.vcluster.vclusters
clusters:
  - kubeconfig: ~/.kube/host-a.yaml
    name: host-a
  - kubeconfig: ~/.kube/host-b.yaml
    context: admin@host-b
    namespace: team-b
keyed_groups:
  - key: vcluster_distro
    prefix: distro
compose:
  vcluster_profile: "'restricted'"
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/tenancy-vcluster/inventory

# ansible-inventory -i fleet.vclusters.yml --graph
# ansible-playbook -i fleet.vclusters.yml tenancy.vcluster.pause --limit namespace_team_b
"""

import copy
import os

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import discovery

try:
    from ansible_collections.kubernetes.core.plugins.module_utils.k8s.client import get_api_client

    from ansible_collections.tenancy.vcluster.plugins.module_utils.host_reads import discover_vclusters

    HAS_K8S_CORE = True
except ImportError:
    get_api_client = None
    discover_vclusters = None
    HAS_K8S_CORE = False


GROUP = "vclusters"
RANCHER_PROJECT_ANNOTATION = "field.cattle.io/projectId"
CLUSTER_KEYS = ("kubeconfig", "context", "namespace", "name")


# ---------------------------------------------------------------------------------------------- pure parts
def cluster_label(cluster):
    return cluster.get("name") or cluster.get("context") or "default"


def normalize_clusters(clusters):
    """The configured host clusters, checked; one default (K8S_AUTH_* environment) entry when none is given."""
    if not clusters:
        return [{"name": "default"}]
    result = []
    for index, cluster in enumerate(clusters):
        if not isinstance(cluster, dict):
            raise AnsibleParserError(f"clusters[{index}] must be a mapping with kubeconfig/context/namespace/name")
        unknown = sorted(set(cluster) - set(CLUSTER_KEYS))
        if unknown:
            raise AnsibleParserError(
                f"clusters[{index}] has unknown keys {', '.join(unknown)}; allowed are {', '.join(CLUSTER_KEYS)}"
            )
        entry = {key: cluster[key] for key in CLUSTER_KEYS if cluster.get(key)}
        if entry.get("kubeconfig"):
            entry["kubeconfig"] = os.path.abspath(os.path.expanduser(str(entry["kubeconfig"])))
        entry["name"] = cluster_label(entry)
        result.append(entry)
    return result


def rancher_project(namespace_obj):
    """Rancher project id of a namespace (annotation, else label), or None."""
    meta = (namespace_obj or {}).get("metadata") or {}
    return (meta.get("annotations") or {}).get(RANCHER_PROJECT_ANNOTATION) or (meta.get("labels") or {}).get(
        RANCHER_PROJECT_ANNOTATION
    )


def host_vars(record, cluster, namespace_obj=None):
    """Tenant-contract host variables of one vcluster record."""
    hostvars = {
        "ansible_connection": "local",
        "vcluster_name": record["name"],
        "vcluster_namespace": record["namespace"],
        "vcluster_chart_version": record.get("chart_version") or record.get("version"),
        "vcluster_distro": record.get("distro"),
        "vcluster_status": record.get("status"),
        "vcluster_host_cluster": cluster_label(cluster),
    }
    if cluster.get("kubeconfig"):
        hostvars["vcluster_host_kubeconfig"] = cluster["kubeconfig"]
    if cluster.get("context"):
        hostvars["vcluster_host_context"] = cluster["context"]
    project = rancher_project(namespace_obj)
    if project:
        hostvars["vcluster_rancher_project"] = project
    return {key: value for key, value in hostvars.items() if value is not None}


def builtin_groups(hostvars):
    """Group names (unsanitised) a tenant belongs to besides ``vclusters``."""
    groups = ["namespace_" + hostvars["vcluster_namespace"]]
    if hostvars.get("vcluster_chart_version"):
        groups.append("chart_" + hostvars["vcluster_chart_version"])
    if hostvars.get("vcluster_rancher_project"):
        groups.append("rancher_project_" + hostvars["vcluster_rancher_project"])
    return groups


def host_names(entries):
    """Inventory host names for ``[(cluster, record), ...]``: the vcluster name, made unique when it repeats."""
    names = []
    seen = set()
    for cluster, record in entries:
        for candidate in (
            record["name"],
            f"{record['namespace']}.{record['name']}",
            f"{cluster_label(cluster)}.{record['namespace']}.{record['name']}",
        ):
            if candidate not in seen:
                break
        seen.add(candidate)
        names.append(candidate)
    return names


# ---------------------------------------------------------------------------------------------- API access
def discover_cluster(cluster, display):
    """``{cluster, records, namespaces}`` (JSON-serialisable, cached as is) for one host cluster."""
    auth = {key: cluster[key] for key in ("kubeconfig", "context") if cluster.get(key)}
    found = discover_vclusters(
        get_api_client(**auth),
        namespace=cluster.get("namespace"),
        warn=lambda text: display.warning(f"vclusters inventory ({cluster_label(cluster)}): {text}"),
    )
    return {"cluster": cluster, **found}


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "tenancy.vcluster.vclusters"

    def verify_file(self, path):
        if super().verify_file(path):
            return path.endswith(("vclusters.yml", "vclusters.yaml"))
        return False

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        clusters = normalize_clusters(self.get_option("clusters"))
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option("cache") and cache
        update_cache = self.get_option("cache") and not cache
        results = None
        if use_cache:
            try:
                results = self._cache[cache_key]
            except KeyError:
                update_cache = True
        if results is None:
            results = self._discover(clusters)
        if update_cache:
            self._cache[cache_key] = results
        self._populate(results)

    def _discover(self, clusters):
        if not HAS_K8S_CORE:
            raise AnsibleError("the tenancy.vcluster.vclusters inventory needs the kubernetes.core collection")
        results = []
        for cluster in clusters:
            try:
                results.append(discover_cluster(cluster, self.display))
            except Exception as exc:
                raise AnsibleError(
                    f"vclusters inventory: cannot list the vclusters of host cluster {cluster_label(cluster)}: {exc}. "
                    "Check its kubeconfig/context (or the K8S_AUTH_* variables) and list rights on StatefulSets, "
                    "Deployments and Pods"
                ) from exc
        return results

    def _populate(self, results):
        self.inventory.add_group(GROUP)
        entries = []
        for result in results:
            namespaces = {discovery.name_of(ns): ns for ns in result.get("namespaces") or []}
            for record in result.get("records") or []:
                entries.append((result["cluster"], record, namespaces.get(record["namespace"])))
        names = host_names([(cluster, record) for cluster, record, _ns in entries])
        strict = self.get_option("strict")
        for host, (cluster, record, namespace_obj) in zip(names, entries):
            hostvars = host_vars(record, cluster, namespace_obj)
            self.inventory.add_host(host, group=GROUP)
            for key, value in hostvars.items():
                self.inventory.set_variable(host, key, copy.deepcopy(value))
            for name in builtin_groups(hostvars):
                group = self.inventory.add_group(self._sanitize_group_name(name))
                self.inventory.add_child(group, host)
            self._set_composite_vars(self.get_option("compose"), hostvars, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), hostvars, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), hostvars, host, strict=strict)
