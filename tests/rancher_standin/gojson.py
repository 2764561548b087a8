# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How an agent customization comes back after Rancher stored it in its Go structs.

rancher v2.12.0 pkg/apis/management.cattle.io/v3/cluster_types.go ``AgentDeploymentCustomization`` (and the
k8s.io/api Toleration, Affinity, ResourceRequirements inside): empty strings and lists disappear (``omitempty``; the
real server keeps ``priorityClass.value: 0``) and resource amounts are ``resource.Quantity``, written back in
canonical form (k8s.io/apimachinery pkg/api/resource ``CanonicalizeBytes``: ``0.1`` -> ``100m``, ``1000`` -> ``1k``,
``0.5Gi`` -> ``512Mi``). The quantity code here is the stand-in's own, written from the apimachinery rules, so that
the module's copy is checked against an independent one.
"""

import copy
import re
from decimal import Decimal, localcontext

_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BINARY = {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6}
_SHAPE = re.compile(r"^([+-]?[0-9.]+)(([eE][+-]?[0-9]+)|[a-zA-Z]*)$")


def quantity(text):
    """Canonical text of a Kubernetes quantity; ValueError (like the API server's 400) when it is none."""
    match = _SHAPE.match(str(text).strip())
    if not match or (match.group(2) not in _DECIMAL and match.group(2) not in _BINARY and not match.group(3)):
        raise ValueError("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
    with localcontext() as ctx:
        ctx.prec = 80
        number, suffix = Decimal(match.group(1)), match.group(2)
        if match.group(3):
            value, form = number.scaleb(int(suffix[1:])), "exp"
        elif suffix in _BINARY:
            value, form = number * (Decimal(1024) ** _BINARY[suffix]), "bin"
        else:
            value, form = number.scaleb(_DECIMAL[suffix]), "dec"
        nano = value.scaleb(9)
        if nano != nano.to_integral_value():
            value = (nano.to_integral_value(rounding="ROUND_CEILING" if value > 0 else "ROUND_FLOOR")).scaleb(-9)
        if value == 0:
            return "0"
        if form == "bin" and (abs(value) < 1024 or value != value.to_integral_value()):
            form = "dec"
        if form == "bin":
            steps, whole = 0, int(value)
            while whole % 1024 == 0 and steps < 6:
                whole, steps = whole // 1024, steps + 1
            return str(whole) + {v: k for k, v in _BINARY.items()}.get(steps, "")
        sign, digits, exponent = value.normalize().as_tuple()
        mantissa = int("".join(map(str, digits))) * (-1 if sign else 1)
        while exponent % 3:
            mantissa, exponent = mantissa * 10, exponent - 1
        if form == "exp":
            return "%de%d" % (mantissa, exponent) if exponent else str(mantissa)
        return str(mantissa) + {v: k for k, v in _DECIMAL.items()}[exponent]


def _omit_empty(value):
    """Empty values go (``omitempty``), and so do the ``type`` markers of Norman's own answers sent back in a PUT."""
    if isinstance(value, dict):
        return {k: _omit_empty(v) for k, v in value.items()
                if v not in (None, "", []) and not (k == "type" and str(v).startswith("/v3/schemas/"))}
    if isinstance(value, list):
        return [_omit_empty(v) for v in value]
    return value


def stored_customization(custom):
    """What Rancher answers for ``custom`` after storing it; ValueError for an amount that is no quantity."""
    if not isinstance(custom, dict):
        return custom
    out = _omit_empty(copy.deepcopy(custom))
    resources = out.get("overrideResourceRequirements")
    if isinstance(resources, dict):
        for part in ("limits", "requests"):
            if isinstance(resources.get(part), dict):
                resources[part] = {name: quantity(amount) for name, amount in resources[part].items()}
                if not resources[part]:
                    del resources[part]
    return out


# Norman's schema names of the nested objects of a cluster it answers with (``"type": "/v3/schemas/<name>"``), as the
# real v2.12.0 server tags them: the schema of a field's object (or of each item of a list).
SCHEMA_OF_FIELD = {
    "agentEnvVars": "envVar",
    "clusterAgentDeploymentCustomization": "agentDeploymentCustomization",
    "fleetAgentDeploymentCustomization": "agentDeploymentCustomization",
    "appendTolerations": "toleration",
    "overrideAffinity": "affinity",
    "nodeAffinity": "nodeAffinity",
    "nodeSelectorTerms": "nodeSelectorTerm",
    "matchFields": "nodeSelectorRequirement",
    "preference": "nodeSelectorTerm",
    "podAffinity": "podAffinity",
    "podAntiAffinity": "podAntiAffinity",
    "podAffinityTerm": "podAffinityTerm",
    "labelSelector": "labelSelector",
    "namespaceSelector": "labelSelector",
    "overrideResourceRequirements": "resourceRequirements",
    "schedulingCustomization": "agentSchedulingCustomization",
    "priorityClass": "priorityClassSpec",
    "podDisruptionBudget": "podDisruptionBudgetSpec",
}
# Fields whose schema depends on the object they are in.
SCHEMA_IN = {
    ("nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution"): "nodeSelector",
    ("nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution"): "preferredSchedulingTerm",
    ("podAffinity", "requiredDuringSchedulingIgnoredDuringExecution"): "podAffinityTerm",
    ("podAffinity", "preferredDuringSchedulingIgnoredDuringExecution"): "weightedPodAffinityTerm",
    ("podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution"): "podAffinityTerm",
    ("podAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution"): "weightedPodAffinityTerm",
    ("nodeSelectorTerm", "matchExpressions"): "nodeSelectorRequirement",
    ("labelSelector", "matchExpressions"): "labelSelectorRequirement",
}


def _tag(value, schema):
    if isinstance(value, list):
        return [_tag(item, schema) for item in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        child = SCHEMA_IN.get((schema, key)) or SCHEMA_OF_FIELD.get(key)
        out[key] = _tag(item, child) if child else item
    if schema:
        out["type"] = "/v3/schemas/" + schema
    return out


def with_schema_types(cluster):
    """A cluster view with Norman's ``type`` markers on the nested objects of its agent settings."""
    out = dict(cluster)
    for field in ("agentEnvVars", "clusterAgentDeploymentCustomization", "fleetAgentDeploymentCustomization"):
        if out.get(field) is not None:
            out[field] = _tag(out[field], SCHEMA_OF_FIELD[field])
    return out
