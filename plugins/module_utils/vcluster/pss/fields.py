# -*- coding: utf-8 -*-
# Copyright: (c) 2025, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pod Security checks: reading a pod spec the way the admission does, and the violation record.

The rules follow k8s.io/pod-security-admission ``policy/`` at v0.34.4 (Kubernetes v1.34.4); containers
are visited in its ``visitContainers`` order (init, regular, ephemeral).
"""

from __future__ import absolute_import, division, print_function

CONTAINER_FIELDS = ("initContainers", "containers", "ephemeralContainers")


def as_dict(value):
    return value if isinstance(value, dict) else {}


def as_list(value):
    return value if isinstance(value, list) else []


def dig(value, *keys):
    for key in keys:
        value = as_dict(value).get(key)
    return value


def is_true(value):
    return value is True


def is_zero(value):
    return isinstance(value, int) and not isinstance(value, bool) and value == 0


def quote(items):
    return ", ".join(f"'{item}'" for item in items)


def violation(rule_id, container, path, message):
    return {"id": rule_id, "container": container, "path": path, "message": message}


def is_windows(pod_spec):
    return dig(pod_spec, "os", "name") == "windows"


def containers(pod_spec):
    """Yield (name, path prefix, container) in the order the admission visits them."""
    for field in CONTAINER_FIELDS:
        for index, container in enumerate(as_list(pod_spec.get(field))):
            container = as_dict(container)
            name = container.get("name")
            label = name if name else index
            yield name, f"{field}[{label}]", container


def security_context(container):
    return as_dict(container.get("securityContext"))


def pod_security_context(pod_spec):
    return as_dict(pod_spec.get("securityContext"))
