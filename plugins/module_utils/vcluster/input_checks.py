# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of operator input that do not need the chart: networks, service mappings, quantities, quotas and
limit ranges. Pure logic, no I/O."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import ipaddress
import re
from decimal import Decimal, InvalidOperation

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import dialects, naming
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.findings import error
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.values_tree import get_path, key_path

_QUANTITY_RE = re.compile(
    r"^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))((?:[eE][+-]?[0-9]+)|Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?$"
)


_QUANTITY_SUFFIX = {
    None: Decimal(1),
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "k": Decimal("1e3"),
    "M": Decimal("1e6"),
    "G": Decimal("1e9"),
    "T": Decimal("1e12"),
    "P": Decimal("1e15"),
    "E": Decimal("1e18"),
    "Ki": Decimal(2**10),
    "Mi": Decimal(2**20),
    "Gi": Decimal(2**30),
    "Ti": Decimal(2**40),
    "Pi": Decimal(2**50),
    "Ei": Decimal(2**60),
}


def check_cidrs(cidrs, path):
    found = []
    for index, cidr in enumerate(cidrs or []):
        problem = cidr_problem(cidr)
        if problem:
            found.append(error("cidr-invalid", f"{path}[{index}]", problem))
    return found


def cidr_problem(cidr):
    try:
        ipaddress.ip_network(str(cidr), strict=True)
        return None
    except ValueError as exc:
        hint = ""
        with contextlib.suppress(ValueError):
            hint = f"; did you mean {ipaddress.ip_network(str(cidr), strict=False)}?"
        return f"{cidr!r} is not a valid network in CIDR notation ({exc}); write it as address/prefix{hint}"


def service_ref_problem(ref, allow_bare_name):
    form = "namespace/name" + (" or name" if allow_bare_name else "")
    if not isinstance(ref, str) or not ref:
        return f"must be a string of the form {form}"
    parts = ref.split("/")
    if (len(parts) == 1 and not allow_bare_name) or len(parts) > 2:
        return f"{ref!r} must have the form {form}"
    for part in parts:
        if not naming.DNS1123_LABEL_RE.match(part) or len(part) > naming.DNS1123_LABEL_MAX:
            return f"{ref!r}: {part!r} is not a DNS-1123 label (lower-case letters, digits, '-', at most 63)"
    return None


def well_formed_mapping(entry, bare_target):
    """Whether a map_services entry is ``{from: ns/name, to: ns/name}`` (``to`` may be a bare name to the host)."""
    return (
        isinstance(entry, dict)
        and set(entry) == {"from", "to"}
        and service_ref_problem(entry["from"], False) is None
        and service_ref_problem(entry["to"], bare_target) is None
    )


def check_map_services(map_services, path="map_services"):
    """``map-services-format`` / ``map-services-conflict`` for the map_services option."""
    found = []
    for direction in ("from_host", "to_host"):
        entries = (map_services or {}).get(direction) or []
        base = f"{path}.{direction}"
        if not isinstance(entries, list):
            found.append(error("map-services-format", base, "must be a list of {from: ns/name, to: ns/name} entries"))
            continue
        found += _check_mapping_entries(entries, base, allow_bare_target=direction == "to_host")
    return found


def _check_mapping_entries(entries, base, allow_bare_target):
    found = []
    sources, targets = {}, {}
    target_form = "name or namespace/name" if allow_bare_target else "namespace/name"
    for index, entry in enumerate(entries):
        where = f"{base}[{index}]"
        if not isinstance(entry, dict) or set(entry) != {"from", "to"}:
            found.append(
                error(
                    "map-services-format",
                    where,
                    f"entry {entry!r} must be a mapping with exactly the keys from (namespace/name) "
                    f"and to ({target_form})",
                )
            )
            continue
        for key, allow_bare in (("from", False), ("to", allow_bare_target)):
            problem = service_ref_problem(entry[key], allow_bare)
            if problem:
                found.append(error("map-services-format", f"{where}.{key}", problem))
        found += _mapping_conflict(sources, entry["from"], f"{where}.from", "source", base)
        found += _mapping_conflict(targets, entry["to"], f"{where}.to", "target", base)
    return found


def _mapping_conflict(seen, value, where, role, base):
    key = str(value)
    if key in seen:
        return [
            error(
                "map-services-conflict",
                where,
                f"service {value!r} is already the {role} of {seen[key]}; each service may be mapped once per "
                f"direction. Remove one of the entries in {base}",
            )
        ]
    seen[key] = where.rsplit(".", 1)[0]
    return []


def parse_quantity(value):
    """Kubernetes resource quantity -> Decimal, or None when it is not valid quantity syntax."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    match = _QUANTITY_RE.match(str(value).strip()) if isinstance(value, str) else None
    if not match:
        return None
    number, suffix = match.group(1), match.group(2)
    try:
        if suffix and suffix[0] in "eE":
            return Decimal(number + suffix)
        return Decimal(number) * _QUANTITY_SUFFIX[suffix]
    except (InvalidOperation, KeyError):
        return None


def quota_paths(version):
    if dialects.dialect_for(version) == dialects.MODERN:
        return "policies.resourceQuota.quota", "policies.limitRange"
    return "isolation.resourceQuota.quota", "isolation.limitRange"


def check_quantities(mapping, path):
    found = []
    for key, value in (mapping or {}).items():
        if parse_quantity(value) is None:
            found.append(
                error(
                    "quantity-invalid",
                    key_path(path, key),
                    f"{value!r} is not a Kubernetes quantity; use e.g. 500m, 2, 512Mi, 20Gi (binary suffixes "
                    "Ki/Mi/Gi/Ti, decimal k/M/G/T, milli m)",
                )
            )
    return found


def check_quota_consistency(quota, path):
    """``requests.X`` must not exceed ``limits.X`` (``cpu``/``memory`` are requests.* too)."""
    found = []
    quota = quota or {}
    for key, value in quota.items():
        resource = key[len("requests.") :] if key.startswith("requests.") else key if key in ("cpu", "memory") else None
        if resource is None or f"limits.{resource}" not in quota:
            continue
        request, limit = parse_quantity(value), parse_quantity(quota[f"limits.{resource}"])
        if request is not None and limit is not None and request > limit:
            found.append(
                error(
                    "quota-inconsistent",
                    key_path(path, key),
                    f"quota {key}={value} exceeds limits.{resource}={quota[f'limits.{resource}']}; pods could never "
                    f"use the requested amount. Raise limits.{resource} or lower {key}",
                )
            )
    return found


# (lower key, upper key) pairs a LimitRange must keep in order, as the API server validates them
# (k8s.io/kubernetes pkg/apis/core/validation ValidateLimitRange).
_LIMIT_RANGE_ORDER = (
    ("defaultRequest", "default"),
    ("min", "defaultRequest"),
    ("min", "default"),
    ("defaultRequest", "max"),
    ("default", "max"),
    ("min", "max"),
)


def check_limit_range_consistency(limit_range, path):
    found = []
    limit_range = limit_range or {}
    for lower_key, upper_key in _LIMIT_RANGE_ORDER:
        lower, upper = limit_range.get(lower_key), limit_range.get(upper_key)
        if not isinstance(lower, dict) or not isinstance(upper, dict):
            continue
        for resource, value in lower.items():
            if resource not in upper:
                continue
            low, high = parse_quantity(value), parse_quantity(upper[resource])
            if low is not None and high is not None and low > high:
                found.append(
                    error(
                        "quota-inconsistent",
                        key_path(f"{path}.{lower_key}", resource),
                        f"limit range {lower_key} {resource}={value} exceeds {upper_key} {resource}="
                        f"{upper[resource]}; the API server refuses such a LimitRange. Lower {lower_key} or raise "
                        f"{upper_key}",
                    )
                )
    return found


def _mapping_problem(value, path):
    if value is None or isinstance(value, dict):
        return []
    return [error("value-invalid", path, f"must be a mapping of resource name to quantity; got {value!r}")]


def check_quotas(version, effective):
    quota_path, limit_path = quota_paths(version)
    quota = get_path(effective, quota_path)
    limit_range = get_path(effective, limit_path)
    found = _mapping_problem(quota, quota_path)
    quota = quota if isinstance(quota, dict) else {}
    if limit_range is not None and not isinstance(limit_range, dict):
        found.append(error("value-invalid", limit_path, f"must be a mapping; got {limit_range!r}"))
    limit_range = limit_range if isinstance(limit_range, dict) else {}
    found += check_quantities(quota, quota_path)
    for key in ("default", "defaultRequest", "min", "max"):
        problems = _mapping_problem(limit_range.get(key), f"{limit_path}.{key}")
        found += problems or check_quantities(limit_range.get(key), f"{limit_path}.{key}")
    found += check_quota_consistency(quota, quota_path)
    found += check_limit_range_consistency(limit_range, limit_path)
    return found


def check_option_inputs(opts):
    """Checks of the structured options that do not depend on the chart version."""
    found = check_map_services(opts.map_services)
    found += check_cidrs(opts.isolation["extra_egress_cidrs"], "isolation.extra_egress_cidrs")
    found += check_cidrs(opts.expose.get("load_balancer_source_ranges"), "expose.load_balancer_source_ranges")
    return found
