# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cluster agent's settings (``agentEnvVars``, ``clusterAgentDeploymentCustomization``): their canonical form,
and the checks Rancher's webhook makes, run here before anything is written.

Canonical form: what Rancher answers once its controllers stored the value through Go structs (``omitempty`` drops
empty strings and lists; ``resource.Quantity`` rewrites quantities, see :mod:`.quantity`; seen within a second on the
real v2.12.0 server), without the ``type`` markers Norman adds to nested objects, so a value given in another
spelling is not reported as changed on every run.

Checks (rancher/webhook v0.8.0, the webhook of Rancher v2.12.0):

* provisioning.cattle.io/v1 cluster validator ``validateAgentDeploymentCustomization``: toleration keys and node
  selector keys are label names (apimachinery ``ValidateLabelName``), pod (anti-)affinity label selectors are valid
  (``ValidateLabelSelector``); ``validateHTTPNoProxyVariable``: a ``NO_PROXY`` value has no spaces;
* both cluster validators ``validatePriorityClass``/``validatePodDisruptionBudget``: a priority class value within
  +-1e9, preemption ``PreemptLowerPriority`` or ``Never``; a PDB with exactly one of ``minAvailable``/``maxUnavailable``
  non-zero, each a non-negative whole number or ``0%``-``100%``; and either needs the feature
  ``cluster-agent-scheduling-customization`` unless it is unchanged (removing it is always allowed).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.quantity import QuantityError, canonical_quantity

LABEL_NAME_PART = r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
DNS_SUBDOMAIN = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
LABEL_VALUE_RE = re.compile(r"^(" + LABEL_NAME_PART + r")?$")
PDB_PERCENT_RE = re.compile(r"^([0-9]|[1-9][0-9]|100)%$")
PREEMPTION_POLICIES = ("PreemptLowerPriority", "Never", "")
SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")
PRIORITY_LIMIT = 1000000000


def env_vars(items):
    """``agentEnvVars`` as Rancher returns them: ``[{name, value}]`` in order, an empty value as ``""``."""
    return [{"name": i["name"], "value": i.get("value") or ""} for i in items or []]


def _is_schema_marker(key, value):
    """Norman tags every nested object it returns with ``"type": "/v3/schemas/<schema>"`` (not part of the spec)."""
    return key == "type" and isinstance(value, str) and value.startswith("/v3/schemas/")


def _drop_empty(value):
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            item = _drop_empty(item)
            if item is None or item == "" or item == [] or _is_schema_marker(key, item):
                continue
            out[key] = item
        return out
    if isinstance(value, list):
        return [_drop_empty(item) for item in value]
    return value


def _canonical_resources(requirements):
    out = dict(requirements)
    for part in ("limits", "requests"):
        amounts = out.get(part)
        if isinstance(amounts, dict):
            canonical = {name: canonical_quantity(amount) for name, amount in amounts.items()}
            if canonical:
                out[part] = canonical
            else:
                out.pop(part)
    return out


def canonical_customization(custom):
    """``clusterAgentDeploymentCustomization`` in the form Rancher gives it back; None stays None."""
    if custom is None:
        return None
    out = _drop_empty(copy.deepcopy(custom))
    requirements = out.get("overrideResourceRequirements")
    if isinstance(requirements, dict):
        out["overrideResourceRequirements"] = _canonical_resources(requirements)
    pdb = scheduling(out).get("podDisruptionBudget")
    if isinstance(pdb, dict):  # strings in Rancher's PodDisruptionBudgetSpec
        for key in ("minAvailable", "maxUnavailable"):
            if isinstance(pdb.get(key), int) and not isinstance(pdb.get(key), bool):
                pdb[key] = str(pdb[key])
    return out


def scheduling(custom):
    return ((custom or {}).get("schedulingCustomization")) or {}


def scheduling_needs_feature(current, desired):
    """Whether writing ``desired`` sets or changes a priority class or PDB (the webhook then wants the feature on)."""
    now, wanted = scheduling(current), scheduling(desired)
    return any(wanted.get(key) is not None and wanted.get(key) != now.get(key)
               for key in ("priorityClass", "podDisruptionBudget"))


# -- checks -------------------------------------------------------------------------------------------------------
def _label_name_error(key):
    """apimachinery IsQualifiedName: ``[prefix/]name``, name 1-63 characters, prefix a DNS subdomain."""
    if not isinstance(key, str) or not key:
        return "must be a non-empty label name"
    prefix, _sep, name = key.rpartition("/")
    if "/" in prefix:
        return "%r has more than one '/'" % key
    if prefix and (len(prefix) > 253 or not re.match("^" + DNS_SUBDOMAIN + "$", prefix)):
        return "%r has a prefix that is not a DNS subdomain" % key
    if not name or len(name) > 63 or not re.match("^" + LABEL_NAME_PART + "$", name):
        return "%r is not a label name (1-63 characters, alphanumeric, '-', '_' or '.' inside)" % key
    return None


def _selector_errors(selector, path):
    errors = []
    if selector is None:
        return errors
    for key, value in (selector.get("matchLabels") or {}).items():
        problem = _label_name_error(key)
        if problem:
            errors.append("%s.matchLabels: key %s" % (path, problem))
        if not LABEL_VALUE_RE.match(str(value)) or len(str(value)) > 63:
            errors.append("%s.matchLabels[%s]: %r is not a label value" % (path, key, value))
    for index, expr in enumerate(selector.get("matchExpressions") or []):
        where = "%s.matchExpressions[%d]" % (path, index)
        problem = _label_name_error(expr.get("key"))
        if problem:
            errors.append("%s.key %s" % (where, problem))
        operator, values = expr.get("operator"), expr.get("values") or []
        if operator not in SELECTOR_OPERATORS:
            errors.append("%s.operator %r is not one of %s" % (where, operator, ", ".join(SELECTOR_OPERATORS)))
        elif operator in ("In", "NotIn") and not values:
            errors.append("%s.values must be non-empty for operator %s" % (where, operator))
        elif operator in ("Exists", "DoesNotExist") and values:
            errors.append("%s.values must be empty for operator %s" % (where, operator))
    return errors


def _node_term_errors(term, path):
    errors = []
    for part in ("matchExpressions", "matchFields"):
        for index, req in enumerate((term or {}).get(part) or []):
            problem = _label_name_error(req.get("key"))
            if problem:
                errors.append("%s.%s[%d].key %s" % (path, part, index, problem))
    return errors


def _affinity_errors(affinity, path):
    errors = []
    node = affinity.get("nodeAffinity") or {}
    for index, pref in enumerate(node.get("preferredDuringSchedulingIgnoredDuringExecution") or []):
        errors += _node_term_errors(pref.get("preference"), "%s.nodeAffinity.preferred[%d].preference" % (path, index))
    required = node.get("requiredDuringSchedulingIgnoredDuringExecution") or {}
    for index, term in enumerate(required.get("nodeSelectorTerms") or []):
        errors += _node_term_errors(term, "%s.nodeAffinity.required.nodeSelectorTerms[%d]" % (path, index))
    for kind in ("podAffinity", "podAntiAffinity"):
        pod = affinity.get(kind) or {}
        for index, term in enumerate(pod.get("requiredDuringSchedulingIgnoredDuringExecution") or []):
            where = "%s.%s.required[%d]" % (path, kind, index)
            errors += _selector_errors(term.get("labelSelector"), where + ".labelSelector")
            errors += _selector_errors(term.get("namespaceSelector"), where + ".namespaceSelector")
        for index, weighted in enumerate(pod.get("preferredDuringSchedulingIgnoredDuringExecution") or []):
            term = weighted.get("podAffinityTerm") or {}
            where = "%s.%s.preferred[%d].podAffinityTerm" % (path, kind, index)
            errors += _selector_errors(term.get("labelSelector"), where + ".labelSelector")
            errors += _selector_errors(term.get("namespaceSelector"), where + ".namespaceSelector")
    return errors


def _priority_class_errors(spec, path):
    errors = []
    policy = spec.get("preemptionPolicy")
    if policy not in (*PREEMPTION_POLICIES, None):
        errors.append("%s.preemptionPolicy must be PreemptLowerPriority or Never, not %r" % (path, policy))
    value = spec.get("value", 0)
    if isinstance(value, bool) or not isinstance(value, int):
        errors.append("%s.value must be a whole number, not %r" % (path, value))
    elif not -PRIORITY_LIMIT <= value <= PRIORITY_LIMIT:
        errors.append("%s.value must be between -1000000000 and 1000000000, not %d" % (path, value))
    return errors


def _pdb_value_error(value):
    if value in ("", None):
        return None
    text = str(value)
    if re.match(r"^-?\d+$", text):
        return None if int(text) >= 0 else "cannot be a negative integer"
    return None if PDB_PERCENT_RE.match(text) else "must be a non-negative whole number or a percentage 0%-100%"


def _pdb_errors(spec, path):
    minimum, maximum = str(spec.get("minAvailable") or ""), str(spec.get("maxUnavailable") or "")
    if (
        (minimum == "" and maximum == "")
        or (minimum == "0" and maximum == "0")
        or (minimum not in ("", "0") and maximum not in ("", "0"))
    ):
        return ["%s: set one of minAvailable and maxUnavailable to a non-zero value and leave the other empty or 0"
                % path]
    errors = []
    for key, value in (("minAvailable", minimum), ("maxUnavailable", maximum)):
        problem = _pdb_value_error(value)
        if problem:
            errors.append("%s.%s %r %s" % (path, key, value, problem))
    return errors


def customization_errors(custom, path="cluster_agent_deployment_customization"):
    """What Rancher's webhook (or Kubernetes, for quantities) would refuse in ``custom``; empty when none."""
    if not custom:
        return []
    errors = []
    for index, toleration in enumerate(custom.get("appendTolerations") or []):
        problem = _label_name_error(toleration.get("key"))
        if problem:
            errors.append("%s.appendTolerations[%d].key %s" % (path, index, problem))
    if custom.get("overrideAffinity"):
        errors += _affinity_errors(custom["overrideAffinity"], path + ".overrideAffinity")
    for part in ("limits", "requests"):
        for name, amount in ((custom.get("overrideResourceRequirements") or {}).get(part) or {}).items():
            try:
                canonical_quantity(amount)
            except QuantityError as err:
                errors.append("%s.overrideResourceRequirements.%s.%s: %s" % (path, part, name, err))
    sched = scheduling(custom)
    if sched.get("priorityClass") is not None:
        errors += _priority_class_errors(sched["priorityClass"], path + ".schedulingCustomization.priorityClass")
    if sched.get("podDisruptionBudget") is not None:
        errors += _pdb_errors(sched["podDisruptionBudget"], path + ".schedulingCustomization.podDisruptionBudget")
    return errors


def env_errors(items, path="agent_env_vars"):
    errors = []
    for index, item in enumerate(items or []):
        if item["name"].lower() == "no_proxy" and " " in (item.get("value") or ""):
            errors.append(
                "%s[%d] (%s) contains spaces; Rancher refuses that: give a comma-separated list without spaces "
                "(1.2.3.4, 1.2.3.4:80, 10.0.0.0/8, example.com, *)" % (path, index, item["name"])
            )
    return errors
