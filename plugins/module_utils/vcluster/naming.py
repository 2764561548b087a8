# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Names: release-name and namespace rules, and vcluster's host-name translation.

Synced objects land in the host namespace as ``<name>-x-<virtual-namespace>-x-<vcluster>``
(``SafeConcatName`` in vcluster's ``pkg/util/translate``), hashed once longer than 63 characters.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import re

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.findings import error, warning

# Service <name> must be a DNS-1035 label, which is stricter than Helm's release-name rule.
RELEASE_NAME_RE = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
DNS1123_LABEL_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_LABEL_MAX = 63

# StatefulSet <name> -> pod label controller-revision-hash=<name>-<hash up to 10> (label value <= 63).
RELEASE_NAME_MAX = 52
# StatefulSet <name>-etcd of a deployed etcd -> 5 characters less.
RELEASE_NAME_MAX_WITH_ETCD = 47
# Keeps ordinary synced names (<20-char name>-x-<namespace>-x-<vcluster>) readable.
RECOMMENDED_NAME_MAX = 20

SAFE_CONCAT_MAX = 63
SAFE_CONCAT_KEEP = 52
SAFE_CONCAT_HASH_LEN = 10

# A typical 20-character pod name (Deployment pod: <name>-<rs hash>-<pod hash>).
TYPICAL_OBJECT_NAME = "web-7d4b9c8f6d-x2k9q"
TYPICAL_VIRTUAL_NAMESPACE = "default"


def safe_concat_name(*parts):
    """vcluster's ``translate.SafeConcatName``: join with "-", hash past 63 characters."""
    full = "-".join(parts)
    if len(full) > SAFE_CONCAT_MAX:
        digest = hashlib.sha256(full.encode("utf-8")).hexdigest()
        full = full[0:SAFE_CONCAT_KEEP] + "-" + digest[0:SAFE_CONCAT_HASH_LEN]
        full = full.replace(".-", "-")
    return full


def host_object_name(name, virtual_namespace, vcluster):
    """Name of a namespaced virtual object in the host namespace (single-namespace mode)."""
    return safe_concat_name(name, "x", virtual_namespace, "x", vcluster)


def is_translation_hashed(name, virtual_namespace, vcluster):
    return len("-".join((name, "x", virtual_namespace, "x", vcluster))) > SAFE_CONCAT_MAX


def max_release_name_length(etcd_deployed=False):
    return RELEASE_NAME_MAX_WITH_ETCD if etcd_deployed else RELEASE_NAME_MAX


def check_release_name(name, etcd_deployed=False, path="name"):
    """``name-invalid`` / ``name-too-long`` for a vcluster (Helm release) name."""
    if not isinstance(name, str) or not RELEASE_NAME_RE.match(name):
        message = (
            f"vcluster name {name!r} is invalid: it must match ^[a-z]([-a-z0-9]*[a-z0-9])?$ (lower-case letters, "
            "digits and '-', starting with a letter, no dots: Service <name> is a DNS-1035 label); "
            "e.g. replace dots and underscores with '-'"
        )
        return [error("name-invalid", path, message)]
    limit = max_release_name_length(etcd_deployed)
    if len(name) > limit:
        why = (
            "the deployed etcd StatefulSet <name>-etcd" if etcd_deployed else "the StatefulSet <name>"
        ) + " puts <name>-<revision hash> in a 63-character label"
        message = (
            f"vcluster name {name!r} has {len(name)} characters; at most {limit} are allowed because {why}. "
            f"Choose a shorter name (<= {RECOMMENDED_NAME_MAX} keeps synced object names readable)"
        )
        return [error("name-too-long", path, message)]
    return []


def check_name_translation(name, path="name", virtual_namespace=TYPICAL_VIRTUAL_NAMESPACE):
    """``name-translation-hashed`` warning when ordinary synced names would be hashed."""
    if not isinstance(name, str) or not RELEASE_NAME_RE.match(name):
        return []
    too_long = len(name) > RECOMMENDED_NAME_MAX
    hashed = is_translation_hashed(TYPICAL_OBJECT_NAME, virtual_namespace, name)
    if not (too_long or hashed):
        return []
    example = host_object_name(TYPICAL_OBJECT_NAME, virtual_namespace, name)
    state = "is hashed" if hashed else "is hashed as soon as the object or namespace name is a bit longer"
    message = (
        f"vcluster name {name!r} ({len(name)} characters) is part of every synced host object name: pod "
        f"{TYPICAL_OBJECT_NAME!r} in namespace {virtual_namespace!r} becomes {example!r}, which {state} "
        f"(names over 63 characters are truncated and hashed, so host-side policies and monitoring cannot "
        f"predict them). Use a name of at most {RECOMMENDED_NAME_MAX} characters"
    )
    return [warning("name-translation-hashed", path, message)]


def check_namespace(namespace, path="namespace"):
    """``namespace-invalid`` unless ``namespace`` is a DNS-1123 label (<= 63)."""
    if isinstance(namespace, str) and DNS1123_LABEL_RE.match(namespace) and len(namespace) <= DNS1123_LABEL_MAX:
        return []
    message = (
        f"namespace {namespace!r} is not a valid Kubernetes namespace name: use at most {DNS1123_LABEL_MAX} "
        "lower-case letters, digits and '-', starting and ending with a letter or digit"
    )
    return [error("namespace-invalid", path, message)]


# Namespaces of the cluster itself and of Rancher: a tenant never gets one (the namespace role would relabel it).
RESERVED_NAMESPACES = frozenset(
    (
        "default",
        "ingress-nginx",
        "longhorn-system",
        "istio-system",
        "tigera-operator",
        "calico-system",
        "cert-manager",
        "cis-operator-system",
        "compliance-operator-system",
        "rancher-alerting-drivers",
        "security-scan",
        "local",
    )
)
RESERVED_NAMESPACE_PREFIXES = ("kube-", "cattle-", "fleet-")


def check_namespace_reserved(namespace, path="namespace"):
    """``namespace-reserved`` for a namespace of the cluster itself or of Rancher."""
    if not isinstance(namespace, str):
        return []
    if namespace in RESERVED_NAMESPACES or namespace.startswith(RESERVED_NAMESPACE_PREFIXES):
        message = (
            f"namespace {namespace!r} belongs to the cluster or to Rancher: provisioning would relabel it (Pod "
            "Security, project) and put a tenant among system workloads. Give the tenant a namespace of its own, "
            "e.g. tenant-<name>"
        )
        return [error("namespace-reserved", path, message)]
    return []


def check_names_of_namespace(namespace, path="namespace"):
    """``namespace-invalid``, else ``namespace-reserved`` findings of a tenant namespace."""
    return check_namespace(namespace, path) or check_namespace_reserved(namespace, path)


def check_names(name, namespace, etcd_deployed=False):
    """All name findings of one vcluster: release name, translation warning, namespace."""
    namespace_problems = check_namespace(namespace)
    return (
        check_release_name(name, etcd_deployed=etcd_deployed)
        + check_name_translation(name)
        + (namespace_problems or check_namespace_reserved(namespace))
    )
