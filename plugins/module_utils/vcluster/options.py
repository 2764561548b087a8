# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options of vcluster_values: their choices, their closed shapes and their normalised form.

Every dict option has a closed shape: an unknown key, a value of the wrong type or a boolean Ansible would not
read as one is an ``option-invalid`` finding that names the field and the fix; nothing is dropped or guessed.
Booleans given as text are read the way Ansible reads them (``yes``/``no``/``true``/``false``/``on``/``off``/
``1``/``0``), the same everywhere. Pure logic, no I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.parsing.convert_bool import BOOLEANS_FALSE, BOOLEANS_TRUE

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import dialects
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.findings import error

PROFILES = ("restricted", "baseline")
# What the vcluster may enforce on its own namespaces (policies/isolation.podSecurityStandard).
VIRTUAL_POD_SECURITY_LEVELS = ("restricted", "baseline")
EXPOSE_TYPES = ("ClusterIP", "LoadBalancer", "NodePort")
DISTROS = dialects.DISTROS
DEFAULT_ID = 12345
# The API server accepts user and group ids 0 to 2^31-1 (apimachinery validation.IsValidUserID/IsValidGroupID).
MAX_ID = 2**31 - 1

# isolation part -> {key: kind}; kinds: bool, map (a mapping of resource name to quantity)
ISOLATION_PARTS = {
    "resource_quota": {"enabled": "bool", "quota": "map"},
    "limit_range": {"enabled": "bool", "default": "map", "default_request": "map"},
    "network_policy": {"enabled": "bool"},
}
ISOLATION_KEYS = ("enabled", *ISOLATION_PARTS, "extra_egress_cidrs")
MAP_SERVICES_KEYS = ("from_host", "to_host")
EXPOSE_KEYS = ("type", "extra_sans", "load_balancer_source_ranges")
_PART_EXAMPLES = {
    "resource_quota": "{enabled: true, quota: {requests.cpu: 10, limits.memory: 40Gi}}",
    "limit_range": "{enabled: true, default: {cpu: '1'}, default_request: {cpu: 100m}}",
    "network_policy": "{enabled: true}",
}
# A registry host (name or IP, optional port) and an optional path of repository components.
_REGISTRY_RE = re.compile(
    r"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])"
    r"(?::[0-9]{1,5})?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*/?$"
)
_IMAGE_RE = re.compile(
    r"^(?:[a-zA-Z0-9.-]+(?::[0-9]{1,5})?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
    r"(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$"
)
# A Subject Alternative Name: a DNS name (wildcard first label allowed) or an IP address.
_DNS_NAME_RE = re.compile(
    r"^(?:\*\.)?[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)*$", re.IGNORECASE
)


def read_bool(value):
    """``value`` as Ansible reads a boolean, or None when Ansible would refuse it."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        text = str(value).strip().lower() if isinstance(value, str) else value
        if text in BOOLEANS_TRUE:
            return True
        if text in BOOLEANS_FALSE:
            return False
    return None


def _bool_problem(path, value):
    return error(
        "option-invalid",
        path,
        f"{value!r} is not a boolean; write true or false (yes/no, on/off and 1/0 are read as Ansible reads them)",
    )


def _unknown_key(path, key, allowed):
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", str(key)).lower()
    hint = f" (did you mean {snake}?)" if snake != key and snake in allowed else ""
    if "quota" in allowed and ("." in str(key) or "/" in str(key)):
        hint = f" (quota limits go under quota, e.g. quota: {{{key}: ...}})"
    return error(
        "option-invalid",
        f"{path}.{key}",
        f"unknown key {key!r}{hint}; {path} takes only {', '.join(allowed)}",
    )


def _map_problem(path, value):
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return None
    return error(
        "option-invalid",
        path,
        f"must be a mapping of resource name to quantity, e.g. {{cpu: 500m, memory: 512Mi}}; got {value!r}",
    )


def normalize_toggle(part, value, path):
    """One isolation part (``true``/``false``/text boolean/dict) -> (``{enabled, ...}``, findings)."""
    shape = ISOLATION_PARTS[part]
    if value is None:
        return {"enabled": True}, []
    as_bool = read_bool(value)
    if as_bool is not None:
        return {"enabled": as_bool}, []
    if not isinstance(value, dict):
        message = f"must be true, false or a dict such as {_PART_EXAMPLES[part]}; got {value!r}"
        return {"enabled": True}, [error("option-invalid", path, message)]
    found = [_unknown_key(path, key, tuple(shape)) for key in value if key not in shape]
    result = {"enabled": True}
    for key, kind in shape.items():
        if value.get(key) is None:
            continue
        if kind == "bool":
            enabled = read_bool(value[key])
            if enabled is None:
                found.append(_bool_problem(f"{path}.{key}", value[key]))
            else:
                result[key] = enabled
        else:
            problem = _map_problem(f"{path}.{key}", value[key])
            if problem:
                found.append(problem)
            else:
                result[key] = dict(value[key])
    return result, found


def normalize_isolation(isolation, path="isolation"):
    """The isolation option -> (``{enabled, resource_quota, limit_range, network_policy, extra_egress_cidrs}``,
    findings); every part on by default, a part is off when it or the master switch is off."""
    raw = isolation
    found = []
    if raw is None:
        raw = {}
    elif read_bool(raw) is not None:
        raw = {"enabled": read_bool(raw)}
    elif not isinstance(raw, dict):
        found.append(error("option-invalid", path, f"must be true, false or a dict with {', '.join(ISOLATION_KEYS)}"))
        raw = {}
    found += [_unknown_key(path, key, ISOLATION_KEYS) for key in raw if key not in ISOLATION_KEYS]
    enabled = True if raw.get("enabled") is None else read_bool(raw["enabled"])
    if enabled is None:
        found.append(_bool_problem(f"{path}.enabled", raw["enabled"]))
        enabled = True
    result = {"enabled": enabled}
    for part in ISOLATION_PARTS:
        normalized, problems = normalize_toggle(part, raw.get(part), f"{path}.{part}")
        normalized["enabled"] = normalized["enabled"] and enabled
        result[part] = normalized
        found += problems
    cidrs = raw.get("extra_egress_cidrs") or []
    if not isinstance(cidrs, list) or not all(isinstance(cidr, str) for cidr in cidrs):
        found.append(error("option-invalid", f"{path}.extra_egress_cidrs", "must be a list of CIDRs (strings)"))
        cidrs = []
    result["extra_egress_cidrs"] = list(cidrs)
    return result, found


def _closed_dict(value, path, keys):
    """(the dict, findings) of a dict option whose keys are ``keys``."""
    if value is None:
        return {}, []
    if not isinstance(value, dict):
        return {}, [error("option-invalid", path, f"must be a dict with {', '.join(keys)}; got {value!r}")]
    return value, [_unknown_key(path, key, keys) for key in value if key not in keys]


def _string_list(value, path):
    if value is None:
        return [], []
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value), []
    return [], [error("option-invalid", path, f"must be a list of strings; got {value!r}")]


def check_expose(expose, path="expose"):
    """(expose option, findings): type, extra_sans (DNS names or IPs) and load_balancer_source_ranges."""
    expose, found = _closed_dict(expose, path, EXPOSE_KEYS)
    result = {}
    if expose.get("type") is not None:
        if expose["type"] in EXPOSE_TYPES:
            result["type"] = expose["type"]
        else:
            found.append(error("option-invalid", f"{path}.type", f"must be one of {', '.join(EXPOSE_TYPES)}"))
    for key in ("extra_sans", "load_balancer_source_ranges"):
        items, problems = _string_list(expose.get(key), f"{path}.{key}")
        found += problems
        if items:
            result[key] = items
    for index, san in enumerate(result.get("extra_sans", [])):
        if not san_is_valid(san):
            found.append(
                error(
                    "option-invalid",
                    f"{path}.extra_sans[{index}]",
                    f"{san!r} is neither a DNS name nor an IP address; a certificate cannot carry it",
                )
            )
    return result, found


def san_is_valid(san):
    from ipaddress import ip_address

    try:
        ip_address(san)
        return True
    except ValueError:
        return len(san) <= 253 and bool(_DNS_NAME_RE.match(san))


def check_map_services_shape(map_services, path="map_services"):
    """(map_services option, findings): the directions are closed; entries are checked by input_checks."""
    return _closed_dict(map_services, path, MAP_SERVICES_KEYS)


def check_id(value, path):
    """Findings for a uid/gid/fsGroup option the API server would refuse."""
    if isinstance(value, bool) or not isinstance(value, int):
        return [error("option-invalid", path, f"must be an integer user/group id; got {value!r}")]
    if not 0 <= value <= MAX_ID:
        return [error("option-invalid", path, f"{value} is outside 0..{MAX_ID}, which the API server refuses")]
    return []


def check_image_registry(registry, path="image_registry"):
    if registry is None or registry == "":
        return []
    if isinstance(registry, str) and _REGISTRY_RE.match(registry):
        return []
    return [
        error(
            "option-invalid",
            path,
            f"{registry!r} is not a registry host with an optional port and path, e.g. registry.example.com/mirror",
        )
    ]


def check_image(image, path="distro_image"):
    if image is None or image == "":
        return []
    if isinstance(image, str) and _IMAGE_RE.match(image):
        return []
    return [error("option-invalid", path, f"{image!r} is not an image reference such as registry/repository:tag")]


class RenderOptions:
    """The module options, checked and normalised; ``findings`` holds every shape problem found."""

    def __init__(self, **kwargs):
        self.findings = []
        self.name = kwargs.get("name")
        self.namespace = kwargs.get("namespace")
        self.profile = kwargs.get("profile") or "restricted"
        if self.profile not in PROFILES:
            self.findings.append(error("option-invalid", "profile", f"must be one of {', '.join(PROFILES)}"))
            self.profile = "restricted"
        self.virtual_pod_security = kwargs.get("virtual_pod_security") or self.profile
        if self.virtual_pod_security not in VIRTUAL_POD_SECURITY_LEVELS:
            self.findings.append(
                error(
                    "option-invalid",
                    "virtual_pod_security",
                    f"must be one of {', '.join(VIRTUAL_POD_SECURITY_LEVELS)}",
                )
            )
            self.virtual_pod_security = self.profile
        for key in ("run_as_user", "run_as_group", "fs_group"):
            value = DEFAULT_ID if kwargs.get(key) is None else kwargs.get(key)
            problems = check_id(value, key)
            self.findings += problems
            setattr(self, key, DEFAULT_ID if problems else value)
        ro = kwargs.get("read_only_root_filesystem")
        self.read_only_root_filesystem = True if ro is None else read_bool(ro) is not False
        self.image_registry = kwargs.get("image_registry") or None
        self.findings += check_image_registry(self.image_registry)
        self.distro_image = kwargs.get("distro_image") or None
        self.findings += check_image(self.distro_image)
        self.isolation, problems = normalize_isolation(kwargs.get("isolation"))
        self.findings += problems
        self.map_services, problems = check_map_services_shape(kwargs.get("map_services"))
        self.findings += problems
        self.expose, problems = check_expose(kwargs.get("expose"))
        self.findings += problems
        self.values = kwargs.get("values") or {}
        if not isinstance(self.values, dict):
            self.findings.append(error("option-invalid", "values", "must be a dict of chart values"))
            self.values = {}
        self.telemetry = read_bool(kwargs.get("telemetry")) is True
