# -*- coding: utf-8 -*-
# Copyright: tenancy.vcluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn the kubeconfig a vcluster publishes in Secret ``vc-<name>`` into one an operator can use.

The syncer writes ``https://localhost:8443`` (reachable only through a port-forward), so the server is replaced
by a reachable address, and cluster/context/user are renamed ``vcluster_<name>_<namespace>`` (as
``vcluster connect`` does) so several tenants can be merged into one kubeconfig.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.yaml_support import yaml

SERVER_MODES = ("auto", "from_secret")


def entry_name(name, namespace):
    return "vcluster_%s_%s" % (name, namespace)


def in_cluster_server(name, namespace):
    # `<name>.<namespace>` is a default SAN of the vcluster serving certificate; `.svc` is not.
    return "https://%s.%s:443" % (name, namespace)


def load_balancer_server(service):
    """The https address of a LoadBalancer Service's first ingress, or None."""
    spec = (service or {}).get("spec") or {}
    if spec.get("type") != "LoadBalancer":
        return None
    ingress = (((service.get("status") or {}).get("loadBalancer") or {}).get("ingress")) or []
    for entry in ingress:
        host = entry.get("ip") or entry.get("hostname")
        if host:
            return "https://%s:443" % host
    return None


def choose_server(name, namespace, server="auto", service=None):
    """Pick the server URL: an explicit URL, the secret's own (None), or auto (LoadBalancer, else in-cluster)."""
    if server == "from_secret":
        return None
    if server and server != "auto":
        if not server.startswith("https://"):
            raise ValueError("kubeconfig server '%s' must be an https:// URL, 'auto' or 'from_secret'" % server)
        return server
    return load_balancer_server(service) or in_cluster_server(name, namespace)


def rewrite_kubeconfig(kubeconfig, name, namespace, server="auto", service=None):
    """Return a copy of ``kubeconfig`` with one renamed cluster/context/user and a reachable server."""
    if not isinstance(kubeconfig, dict) or not kubeconfig.get("clusters") or not kubeconfig.get("users"):
        raise ValueError("the vcluster kubeconfig has no clusters or users; is Secret vc-%s complete?" % name)
    result = copy.deepcopy(kubeconfig)
    new_name = entry_name(name, namespace)
    target = choose_server(name, namespace, server, service)
    cluster = result["clusters"][0]
    cluster["name"] = new_name
    if target:
        cluster["cluster"]["server"] = target
    user = result["users"][0]
    user["name"] = new_name
    result["clusters"] = [cluster]
    result["users"] = [user]
    result["contexts"] = [{"name": new_name, "context": {"cluster": new_name, "user": new_name}}]
    result["current-context"] = new_name
    return result


def merge_kubeconfigs(base, addition):
    """Merge kubeconfig ``addition`` into ``base`` (either may be None/empty); returns a new dict.

    Clusters, users and contexts are matched by name: entries of ``addition`` replace those of the same name and
    new ones are appended, so merging a refreshed tenant kubeconfig again changes nothing else. The base's
    ``current-context`` is kept (the addition's is used only when the base has none).
    """
    result = copy.deepcopy(base) if isinstance(base, dict) and base else {"apiVersion": "v1", "kind": "Config"}
    result.setdefault("apiVersion", "v1")
    result.setdefault("kind", "Config")
    addition = addition or {}
    for section in ("clusters", "users", "contexts"):
        entries = list(result.get(section) or [])
        index = {entry.get("name"): position for position, entry in enumerate(entries)}
        for entry in addition.get(section) or []:
            if not isinstance(entry, dict) or not entry.get("name"):
                raise ValueError("kubeconfig %s entry without a name cannot be merged" % section)
            if entry["name"] in index:
                entries[index[entry["name"]]] = copy.deepcopy(entry)
            else:
                index[entry["name"]] = len(entries)
                entries.append(copy.deepcopy(entry))
        result[section] = entries
    if not result.get("current-context") and addition.get("current-context"):
        result["current-context"] = addition["current-context"]
    result.setdefault("preferences", {})
    return result


def kubeconfig_text(kubeconfig):
    """The kubeconfig as the YAML file kubectl reads (block style, sorted keys, no anchors)."""
    return yaml.safe_dump(kubeconfig, default_flow_style=False, sort_keys=True, indent=2, allow_unicode=True)


def file_task_argument_spec():
    """Options of tenancy.vcluster.kubeconfig_file (shared with its action plugin)."""
    return dict(
        dest=dict(type="path", required=True),
        kubeconfig=dict(type="dict", no_log=True),
        merge_files=dict(type="list", elements="path"),
        vcluster_name=dict(type="str"),
        vcluster_namespace=dict(type="str"),
        server=dict(type="str", default="auto"),
        service=dict(type="dict"),
    )


FILE_TASK_CONSTRAINTS = {
    "required_together": [["vcluster_name", "vcluster_namespace"]],
    "required_one_of": [["kubeconfig", "merge_files"]],
    "mutually_exclusive": [["kubeconfig", "merge_files"], ["merge_files", "vcluster_name"]],
}


def file_task_kubeconfig(params, current=None, merged=()):
    """The kubeconfig a kubeconfig_file task writes: rewritten for the vcluster when its name is given; with
    ``merge_files``, the ``current`` kubeconfig of dest with the ``merged`` kubeconfigs of those files merged in.

    Raises ValueError (from rewrite_kubeconfig) when the published kubeconfig is incomplete.
    """
    if params.get("merge_files"):
        result = current or {}
        for addition in merged:
            result = merge_kubeconfigs(result, addition)
        return result
    if not params.get("vcluster_name"):
        return params["kubeconfig"]
    return rewrite_kubeconfig(
        params["kubeconfig"], params["vcluster_name"], params["vcluster_namespace"],
        server=params.get("server") or "auto", service=params.get("service"),
    )
