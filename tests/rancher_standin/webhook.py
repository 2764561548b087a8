# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rancher-webhook checks of clusters, as the webhook that ships with Rancher v2.12.0 makes them (rancher/webhook
v0.8.0, build.yaml ``webhookVersion: 107.0.0+up0.8.0``). Each function names its upstream source.

The real Rancher server built here from source cannot install its webhook chart (no network), so where the stand-in
refuses something the real test server lets through, the webhook's source is the reference.
"""

import re

from .norman import ApiError, webhook_denied

V3_WEBHOOK = "rancher.cattle.io.clusters.management.cattle.io"
V1_WEBHOOK = "rancher.cattle.io.clusters.provisioning.cattle.io"
VERSION_MANAGEMENT = "rancher.io/imported-cluster-version-management"
SCHEDULING_FEATURE = "cluster-agent-scheduling-customization"
PDB_PERCENT = re.compile(r"^([0-9]|[1-9][0-9]|100)%$")
# apimachinery validation.IsQualifiedName: [prefix/]name, name 1-63 chars.
QUALIFIED_NAME = re.compile(r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
                            r"([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$")
# provisioning.cattle.io/v1 cluster validator isValidName: mgmtNameRegex and fleetNameRegex.
MGMT_NAME = re.compile(r"^c-[a-z0-9]{5}$")
FLEET_NAME = re.compile(r"^[^-][-a-z0-9]+$")


def mutate_v3_version_management(cluster):
    """management.cattle.io/v3/cluster/mutator.go ``mutateVersionManagement``: only k3s/rke2-driven clusters get
    ``system-default`` when the annotation is missing or empty."""
    if cluster.get("driver") not in ("k3s", "rke2"):
        return
    annotations = cluster.setdefault("annotations", {})
    if not annotations.get(VERSION_MANAGEMENT):
        annotations[VERSION_MANAGEMENT] = "system-default"


def validate_v3_version_management(cluster):
    """validator.go ``validateVersionManagementFeature``: for k3s/rke2 the value must be true, false or
    system-default (other drivers only get a warning, which the v3 API does not show)."""
    if cluster.get("driver") not in ("k3s", "rke2"):
        return
    value = (cluster.get("annotations") or {}).get(VERSION_MANAGEMENT)
    if value is None:
        raise webhook_denied(V3_WEBHOOK, "the %s annotation is missing" % VERSION_MANAGEMENT)
    if value not in ("true", "false", "system-default"):
        raise webhook_denied(
            V3_WEBHOOK,
            "the value of the %s annotation must be one of the following: true, false, system-default"
            % VERSION_MANAGEMENT,
        )


def _scheduling(cluster):
    return ((cluster or {}).get("clusterAgentDeploymentCustomization") or {}).get("schedulingCustomization") or {}


def validate_scheduling(old, new, feature_enabled, webhook, fmt="norman"):
    """validator.go ``validatePodDisruptionBudget`` and ``validatePriorityClass`` (both cluster kinds)."""
    for key, check in (("podDisruptionBudget", _pdb_problem), ("priorityClass", _priority_class_problem)):
        wanted = _scheduling(new).get(key)
        if wanted is None:
            continue
        before = _scheduling(old).get(key)
        if not feature_enabled:
            if before is not None and before == wanted:
                continue
            if before is not None:
                message = ("'%s' feature is disabled, will only permit removal of Scheduling Customization fields "
                           "until reenabled" % SCHEDULING_FEATURE)
            else:
                message = ("the '%s' feature must be enabled in order to configure a Priority Class or Pod "
                           "Disruption Budget" % SCHEDULING_FEATURE)
            raise webhook_denied(webhook, message, fmt=fmt)
        problem = check(wanted)
        if problem:
            raise webhook_denied(webhook, problem, fmt=fmt)


def _pdb_problem(pdb):
    minimum, maximum = str(pdb.get("minAvailable") or ""), str(pdb.get("maxUnavailable") or "")
    if (minimum == "" and maximum == "") or (minimum == "0" and maximum == "0") or (
        minimum not in ("", "0") and maximum not in ("", "0")
    ):
        return ("both minAvailable and maxUnavailable cannot be set to a non zero value, at least one must be omitted "
                "or set to zero")
    for name, value in (("minAvailable", minimum), ("maxUnavailable", maximum)):
        if re.match(r"^-?\d+$", value):
            if int(value) < 0:
                return "%s cannot be set to a negative integer" % name
        elif value and not PDB_PERCENT.match(value):
            return ("minAvailable must be a non-negative whole integer or a percentage value between 0 and 100, regex "
                    "used is '%s'" % PDB_PERCENT.pattern)
    return None


def _priority_class_problem(spec):
    policy = spec.get("preemptionPolicy")
    if policy not in (None, "", "Never", "PreemptLowerPriority"):
        return "Priority Class Preemption value must be 'Never', 'PreemptLowerPriority', or empty"
    value = spec.get("value") or 0
    if value > 1000000000:
        return "Priority Class value cannot be greater than 1 billion"
    if value < -1000000000:
        return "Priority Class value cannot be less than negative 1 billion"
    return None


def _label_name(key, path, errors):
    if not isinstance(key, str) or not QUALIFIED_NAME.match(key) or len(key.rpartition("/")[2]) > 63:
        errors.append("%s: Invalid value: %r: name part must consist of alphanumeric characters, '-', '_' or '.', "
                      "and must start and end with an alphanumeric character" % (path, key))


def _selector(selector, path, errors):
    """apimachinery ValidateLabelSelector (keys, values, operators)."""
    if selector is None:
        return
    for key, value in (selector.get("matchLabels") or {}).items():
        _label_name(key, path + ".matchLabels", errors)
        if not LABEL_VALUE.match(str(value)):
            errors.append("%s.matchLabels: Invalid value: %r" % (path, value))
    for index, expr in enumerate(selector.get("matchExpressions") or []):
        where = "%s.matchExpressions[%d]" % (path, index)
        _label_name(expr.get("key"), where + ".key", errors)
        operator, values = expr.get("operator"), expr.get("values") or []
        if operator in ("In", "NotIn") and not values:
            errors.append("%s.values: Required value: must be specified when `operator` is 'In' or 'NotIn'" % where)
        elif operator in ("Exists", "DoesNotExist") and values:
            errors.append("%s.values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
                          % where)
        elif operator not in ("In", "NotIn", "Exists", "DoesNotExist"):
            errors.append("%s.operator: Invalid value: %r: not a valid selector operator" % (where, operator))


def _node_term(term, path, errors):
    for part in ("matchExpressions", "matchFields"):
        for index, requirement in enumerate((term or {}).get(part) or []):
            _label_name(requirement.get("key"), "%s.%s[%d].key" % (path, part, index), errors)


def customization_errors(custom, path):
    """provisioning.cattle.io/v1/cluster/validator.go ``validateAgentDeploymentCustomization``."""
    errors = []
    if not custom:
        return errors
    for index, toleration in enumerate(custom.get("appendTolerations") or []):
        _label_name(toleration.get("key"), "%s.appendTolerations[%d]" % (path, index), errors)
    affinity = custom.get("overrideAffinity") or {}
    node = affinity.get("nodeAffinity") or {}
    for index, pref in enumerate(node.get("preferredDuringSchedulingIgnoredDuringExecution") or []):
        _node_term(pref.get("preference"), "%s.overrideAffinity.nodeAffinity.preferred[%d]" % (path, index), errors)
    required = node.get("requiredDuringSchedulingIgnoredDuringExecution") or {}
    for index, term in enumerate(required.get("nodeSelectorTerms") or []):
        _node_term(term, "%s.overrideAffinity.nodeAffinity.nodeSelectorTerms[%d]" % (path, index), errors)
    for kind in ("podAffinity", "podAntiAffinity"):
        pod = affinity.get(kind) or {}
        for index, term in enumerate(pod.get("requiredDuringSchedulingIgnoredDuringExecution") or []):
            where = "%s.overrideAffinity.%s.required[%d]" % (path, kind, index)
            _selector(term.get("labelSelector"), where + ".labelSelector", errors)
            _selector(term.get("namespaceSelector"), where + ".namespaceSelector", errors)
        for index, weighted in enumerate(pod.get("preferredDuringSchedulingIgnoredDuringExecution") or []):
            term = weighted.get("podAffinityTerm") or {}
            where = "%s.overrideAffinity.%s.preferred[%d].podAffinityTerm" % (path, kind, index)
            _selector(term.get("labelSelector"), where + ".labelSelector", errors)
            _selector(term.get("namespaceSelector"), where + ".namespaceSelector", errors)
    return errors


def _no_proxy(cluster):
    for env in (cluster or {}).get("spec", {}).get("agentEnvVars") or []:
        if env.get("name", "").lower() == "no_proxy":
            return env.get("value") or ""
    return ""


def validate_v1(old, new, exists_as_mgmt, feature_enabled):
    """provisioning.cattle.io/v1/cluster/validator.go ``Admit`` for an imported cluster (no ``rkeConfig``):
    the name (create), agent customizations, ``NO_PROXY`` and scheduling customization. Refusals are 422 Invalid
    (``errorListToStatus``, the name check) or 400 BadRequest, through Steve."""
    meta, spec = new.get("metadata") or {}, new.get("spec") or {}
    name = meta.get("name") or ""
    if old is None and not _valid_v1_name(name, meta.get("namespace"), exists_as_mgmt):
        raise webhook_denied(
            V1_WEBHOOK,
            "cluster name must be between 2 and 63 characters, must not begin with a hyphen, cannot be \"local\" nor "
            "of the form \"c-xxxxx\", and can only contain lowercase alphanumeric characters or ' - '",
            status=422, reason="Invalid", fmt="steve")
    for field in ("clusterAgentDeploymentCustomization", "fleetAgentDeploymentCustomization"):
        errors = customization_errors(spec.get(field), "spec.%s" % field)
        if errors:
            raise webhook_denied(V1_WEBHOOK, "* " + "\n* ".join(errors), status=422, reason="Invalid", fmt="steve")
    new_proxy, old_proxy = _no_proxy(new), _no_proxy(old)
    if " " in new_proxy and not (old is not None and " " in old_proxy):
        raise webhook_denied(
            V1_WEBHOOK,
            "Malformed NO_PROXY environment variable value format: detected whitespace in value. Value must be a "
            "comma-delimited string with no spaces containing one or more IP address prefixes (1.2.3.4, 1.2.3.4:80), "
            "IP address prefixes in CIDR notation (1.2.3.4/8), domain names, or special DNS labels (*)", fmt="steve")
    validate_scheduling({"clusterAgentDeploymentCustomization": (old or {}).get("spec", {}).get(
        "clusterAgentDeploymentCustomization")}, {"clusterAgentDeploymentCustomization": spec.get(
            "clusterAgentDeploymentCustomization")}, feature_enabled, V1_WEBHOOK, fmt="steve")


def _valid_v1_name(name, namespace, exists_as_mgmt):
    """``isValidName``: "local" only in fleet-local; c-xxxxx only for an existing management cluster."""
    if name == "local":
        return namespace == "fleet-local"
    if MGMT_NAME.match(name):
        return exists_as_mgmt
    return len(name) <= 63 and bool(FLEET_NAME.match(name))


def require_object(body):
    if not isinstance(body, dict):
        raise ApiError(422, "InvalidBodyContent", "Failed to parse body: not an object")
