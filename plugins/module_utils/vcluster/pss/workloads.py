# -*- coding: utf-8 -*-
# Copyright: (c) 2025, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pod Security checks of whole manifests: the pod template of each workload kind, lists and YAML text."""

from __future__ import absolute_import, division, print_function

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.pss.fields import as_dict, as_list
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.pss.levels import check_pod_spec
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.yaml_support import HAS_YAML, yaml

# kind -> (API group, keys leading from the object to its pod template): the resources whose pod template the
# admission reads (k8s.io/pod-security-admission v0.34.4, admission/admission.go, DefaultPodSpecExtractor).
POD_TEMPLATE_KINDS = {
    "Pod": ("", ()),
    "PodTemplate": ("", ("template",)),
    "ReplicationController": ("", ("spec", "template")),
    "ReplicaSet": ("apps", ("spec", "template")),
    "Deployment": ("apps", ("spec", "template")),
    "DaemonSet": ("apps", ("spec", "template")),
    "StatefulSet": ("apps", ("spec", "template")),
    "Job": ("batch", ("spec", "template")),
    "CronJob": ("batch", ("spec", "jobTemplate", "spec", "template")),
}


def _api_group(manifest):
    """The API group of ``apiVersion`` (``""`` for core ``v1``), None when the object does not say."""
    api_version = manifest.get("apiVersion")
    if not isinstance(api_version, str) or not api_version:
        return None
    return api_version.rpartition("/")[0]


def _template_keys(manifest):
    """Keys to the pod template, or None for kinds the admission does not read.

    A kind of another API group (a custom resource named ``Deployment``) is not read, like the admission; an object
    without ``apiVersion`` is taken as the built-in kind of that name.
    """
    group, keys = POD_TEMPLATE_KINDS.get(manifest.get("kind"), (None, None))
    if keys is None or _api_group(manifest) not in (None, group):
        return None
    return keys


def as_admitted_pod_spec(pod_spec):
    """A Pod's spec with the defaults the API server sets before admission that PodSecurity checks.

    With ``hostNetwork: true`` a Pod's ports get ``hostPort = containerPort`` where hostPort is unset or 0
    (kubernetes v1.34.4 pkg/apis/core/v1/defaults.go, SetDefaults_Pod); pod templates do not, since 1.28.
    """
    if pod_spec.get("hostNetwork") is not True:
        return pod_spec
    spec = dict(pod_spec)
    for field in ("containers", "initContainers"):
        if isinstance(spec.get(field), list):
            spec[field] = [_default_host_ports(container) for container in spec[field]]
    return spec


def _default_host_ports(container):
    if not isinstance(container, dict) or not isinstance(container.get("ports"), list):
        return container
    ports = [
        {**port, "hostPort": port.get("containerPort")}
        if isinstance(port, dict) and port.get("hostPort") in (None, 0)
        else port
        for port in container["ports"]
    ]
    return {**container, "ports": ports}


def pod_templates(manifest):
    """(pod metadata, pod spec, path of the spec) for every pod template in one object."""
    manifest = as_dict(manifest)
    keys = _template_keys(manifest)
    if keys is None:
        return []
    template = manifest
    for key in keys:
        template = as_dict(template).get(key)
    spec = as_dict(template).get("spec")
    if not isinstance(spec, dict):
        return []
    if manifest.get("kind") == "Pod":
        spec = as_admitted_pod_spec(spec)
    spec_path = ".".join((*keys, "spec"))
    return [(as_dict(template.get("metadata")), spec, spec_path)]


def manifest_objects(manifests):
    """The objects of a list of manifests: empty entries skipped, ``kind: List`` expanded."""
    objects = []
    for manifest in as_list(manifests):
        if not isinstance(manifest, dict) or not manifest:
            continue
        kind = str(manifest.get("kind") or "")
        if kind.endswith("List") and isinstance(manifest.get("items"), list):
            objects.extend(manifest_objects(manifest.get("items")))
        else:
            objects.append(manifest)
    return objects


def _full_path(spec_path, path):
    if path.startswith("metadata."):
        return spec_path[: -len("spec")] + path
    return spec_path + "." + path


def check_manifests(manifests, level="restricted"):
    """Violations of every pod template in a list of Kubernetes objects."""
    results = []
    for manifest in manifest_objects(manifests):
        metadata = as_dict(manifest.get("metadata"))
        for pod_metadata, pod_spec, spec_path in pod_templates(manifest):
            for violation in check_pod_spec(pod_spec, level, pod_metadata):
                results.append(
                    {
                        "kind": manifest.get("kind"),
                        "name": metadata.get("name"),
                        "namespace": metadata.get("namespace"),
                        "container": violation["container"],
                        "id": violation["id"],
                        "path": _full_path(spec_path, violation["path"]),
                        "message": violation["message"],
                    }
                )
    return results


def count_pod_templates(manifests):
    return sum(len(pod_templates(manifest)) for manifest in manifest_objects(manifests))


def load_manifests(text):
    """Objects of a multi-document YAML string (``helm template`` output); empty documents skipped.

    Raises ImportError without PyYAML and ValueError on invalid YAML or non-mapping documents.
    """
    if not HAS_YAML:
        raise ImportError("PyYAML is required to parse manifests given as YAML text")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        documents = list(yaml.load_all(text, Loader=loader))
    except yaml.YAMLError as exc:
        raise ValueError(f"manifests are not valid YAML: {exc}") from exc
    objects = []
    for number, document in enumerate(documents, start=1):
        if document is None:
            continue
        if isinstance(document, list):
            objects.extend(item for item in document if isinstance(item, dict))
        elif isinstance(document, dict):
            objects.append(document)
        else:
            kind = type(document).__name__
            raise ValueError(f"YAML document {number} is a {kind}, not a Kubernetes object (mapping)")
    return objects
