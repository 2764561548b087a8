# -*- coding: utf-8 -*-
# Copyright: (c) 2025, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pod Security Standards: the rules restricted adds to baseline, as of k8s.io/pod-security-admission v0.34.4.

``check_capabilities_restricted`` and ``check_seccomp_restricted`` replace their baseline counterparts (the
admission's ``OverrideCheckIDs``); the capabilities, seccomp and privilege escalation rules skip Windows pods.
"""

from __future__ import absolute_import, division, print_function

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.pss.baseline import (
    capability_hint,
    explicit_seccomp_violations,
    forbidden_added,
    seccomp_type,
)
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.pss.fields import (
    as_dict,
    as_list,
    containers,
    dig,
    is_windows,
    is_zero,
    pod_security_context,
    quote,
    security_context,
    violation,
)

RESTRICTED_CAPABILITIES = frozenset(("NET_BIND_SERVICE",))

RESTRICTED_VOLUME_SOURCES = frozenset(
    (
        "configMap",
        "csi",
        "downwardAPI",
        "emptyDir",
        "ephemeral",
        "image",
        "persistentVolumeClaim",
        "projected",
        "secret",
    )
)
# Inline sources the restricted level forbids (hostPath is reported as pss-host-path).  Keys outside
# both sets are unknown to the API server: it drops them, and a volume left without a source
# is defaulted to emptyDir, so they are not reported.
FORBIDDEN_VOLUME_SOURCES = frozenset(
    (
        "awsElasticBlockStore",
        "azureDisk",
        "azureFile",
        "cephfs",
        "cinder",
        "fc",
        "flexVolume",
        "flocker",
        "gcePersistentDisk",
        "gitRepo",
        "glusterfs",
        "iscsi",
        "nfs",
        "photonPersistentDisk",
        "portworxVolume",
        "quobyte",
        "rbd",
        "scaleIO",
        "storageos",
        "vsphereVolume",
    )
)


def _drop_all_problem(container):
    dropped = as_list(dig(security_context(container), "capabilities", "drop"))
    if "ALL" in dropped:
        return None
    near_misses = [cap for cap in dropped if str(cap).upper() in ("ALL", "CAP_ALL")]
    if near_misses:
        return (
            f"capabilities.drop must include 'ALL' (upper case; PodSecurity does not accept {quote(near_misses)}); "
            "set capabilities.drop: [ALL]"
        )
    return "capabilities.drop must include 'ALL'; set capabilities.drop: [ALL]"


def _add_problem_restricted(container):
    forbidden = forbidden_added(container, RESTRICTED_CAPABILITIES)
    if not forbidden:
        return None
    hints = "".join(capability_hint(cap, RESTRICTED_CAPABILITIES) for cap in forbidden)
    return f"capabilities.add may only contain 'NET_BIND_SERVICE', not {quote(forbidden)}{hints}; remove them"


def check_capabilities_restricted(pod_spec, metadata):
    if is_windows(pod_spec):
        return []
    found = []
    for name, prefix, container in containers(pod_spec):
        drop_problem = _drop_all_problem(container)
        add_problem = _add_problem_restricted(container)
        if drop_problem and add_problem:
            field, message = "capabilities", drop_problem + "; " + add_problem
        elif drop_problem:
            field, message = "capabilities.drop", drop_problem
        elif add_problem:
            field, message = "capabilities.add", add_problem
        else:
            continue
        found.append(violation("pss-capabilities", name, prefix + ".securityContext." + field, message))
    return found


def check_volume_types(pod_spec, metadata):
    allowed = ", ".join(sorted(RESTRICTED_VOLUME_SOURCES))
    found = []
    for volume in map(as_dict, as_list(pod_spec.get("volumes"))):
        if any(volume.get(source) is not None for source in RESTRICTED_VOLUME_SOURCES):
            continue
        forbidden = sorted(source for source in FORBIDDEN_VOLUME_SOURCES if volume.get(source) is not None)
        if forbidden:
            message = f"volume type {quote(forbidden)} is forbidden; use one of {allowed}"
            path = f"volumes[{volume.get('name')}].{forbidden[0]}"
            found.append(violation("pss-volume-types", None, path, message))
    return found


def check_privilege_escalation(pod_spec, metadata):
    if is_windows(pod_spec):
        return []
    message = (
        "allowPrivilegeEscalation must be false (unset counts as true); "
        "set securityContext.allowPrivilegeEscalation: false"
    )
    return [
        violation("pss-privilege-escalation", name, prefix + ".securityContext.allowPrivilegeEscalation", message)
        for name, prefix, container in containers(pod_spec)
        if security_context(container).get("allowPrivilegeEscalation") is not False
    ]


def _implicit_violation(rule_id, names, field, fix):
    plural = "s" if len(names) > 1 else ""
    message = (
        f"pod or container{plural} {quote(names)} must set securityContext.{field}; "
        f"set securityContext.{fix} at pod level (spec.securityContext)"
    )
    return violation(rule_id, None, "securityContext." + field, message)


def check_run_as_non_root(pod_spec, metadata):
    message = "runAsNonRoot must not be false; set securityContext.runAsNonRoot: true (and a non-zero runAsUser)"
    found = []
    pod_value = pod_security_context(pod_spec).get("runAsNonRoot")
    if pod_value is not None and pod_value is not True:
        found.append(violation("pss-run-as-non-root", None, "securityContext.runAsNonRoot", message))
    inheriting = []
    for name, prefix, container in containers(pod_spec):
        value = security_context(container).get("runAsNonRoot")
        if value is None:
            inheriting.append(name)
        elif value is not True:
            found.append(violation("pss-run-as-non-root", name, prefix + ".securityContext.runAsNonRoot", message))
    # A bad pod-level value is already reported above; fixing it fixes the containers inheriting it.
    if inheriting and pod_value is None:
        found.append(_implicit_violation("pss-run-as-non-root", inheriting, "runAsNonRoot", "runAsNonRoot: true"))
    return found


def check_run_as_user(pod_spec, metadata):
    message = "runAsUser 0 (root) is forbidden; set securityContext.runAsUser to a non-zero UID (e.g. 12345)"
    found = []
    if is_zero(pod_security_context(pod_spec).get("runAsUser")):
        found.append(violation("pss-run-as-user", None, "securityContext.runAsUser", message))
    for name, prefix, container in containers(pod_spec):
        if is_zero(security_context(container).get("runAsUser")):
            found.append(violation("pss-run-as-user", name, prefix + ".securityContext.runAsUser", message))
    return found


def check_seccomp_restricted(pod_spec, metadata):
    if is_windows(pod_spec):
        return []
    found = explicit_seccomp_violations(pod_spec)
    pod_set, _pod_type = seccomp_type(pod_security_context(pod_spec))
    if not pod_set:
        inheriting = [
            name
            for name, _prefix, container in containers(pod_spec)
            if not seccomp_type(security_context(container))[0]
        ]
        if inheriting:
            fix = "seccompProfile.type: RuntimeDefault"
            found.append(_implicit_violation("pss-seccomp", inheriting, "seccompProfile.type", fix))
    return found
