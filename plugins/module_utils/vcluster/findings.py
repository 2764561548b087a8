# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Findings: the one shape every check of this collection reports, and the registry of every finding id.

A finding is ``{"id", "severity", "path", "message"}``. ``path`` names the field the
operator has to touch (a module option such as ``map_services.from_host[0].to`` or a
chart values path such as ``controlPlane.statefulSet.security.containerSecurityContext.runAsUser``);
``message`` says what is wrong *and* what to do about it.

``REGISTRY`` is the one list of ids: each with its natural severity and a fix hint that checks use where
the message has nothing more specific to say (the Pod Security ids) and that the docs show.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)


class FindingKind:
    """One finding id: its severity unless a check says otherwise, and how to fix it in general."""

    def __init__(self, severity, fix):
        self.severity = severity
        self.fix = fix


# Pod Security Standard rules, in the order PodSecurity admission evaluates them (pod_security reports these).
PSS_REGISTRY = {
    "pss-windows-host-process": FindingKind(ERROR, "remove windowsOptions.hostProcess: true"),
    "pss-host-namespaces": FindingKind(ERROR, "remove hostNetwork/hostPID/hostIPC"),
    "pss-privileged": FindingKind(ERROR, "remove privileged: true"),
    "pss-capabilities": FindingKind(
        ERROR, "set capabilities.drop: [ALL] (upper case) and add at most NET_BIND_SERVICE (no CAP_ prefix)"
    ),
    "pss-host-path": FindingKind(ERROR, "use emptyDir, configMap, secret or a PVC instead of hostPath"),
    "pss-host-ports": FindingKind(ERROR, "remove hostPort from the container ports"),
    "pss-host-probes": FindingKind(ERROR, "remove the host field of probes and lifecycle handlers"),
    "pss-apparmor": FindingKind(ERROR, "use the AppArmor profile RuntimeDefault or Localhost, never Unconfined"),
    "pss-selinux": FindingKind(
        ERROR, "set seLinuxOptions.type to one of container_t, container_init_t, container_kvm_t, "
        "container_engine_t or leave it empty, and never set user or role"
    ),
    "pss-proc-mount": FindingKind(ERROR, "remove procMount (or set Default)"),
    "pss-seccomp": FindingKind(ERROR, "set seccompProfile: {type: RuntimeDefault}"),
    "pss-sysctls": FindingKind(ERROR, "set only the safe sysctls the Pod Security Standard allows"),
    "pss-volume-types": FindingKind(
        ERROR, "use only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected "
        "or secret volumes"
    ),
    "pss-privilege-escalation": FindingKind(ERROR, "set allowPrivilegeEscalation: false"),
    "pss-run-as-non-root": FindingKind(ERROR, "set runAsNonRoot: true together with a non-zero runAsUser"),
    "pss-run-as-user": FindingKind(
        ERROR, "set runAsUser to a non-zero UID (e.g. 12345), or drop the override so the hardened UID applies"
    ),
}

REGISTRY = {
    "name-invalid": FindingKind(ERROR, "use a DNS label starting with a letter: a-z, 0-9 and '-'"),
    "name-too-long": FindingKind(ERROR, "shorten the vcluster name"),
    "name-translation-hashed": FindingKind(WARNING, "use a name of at most 20 characters"),
    "namespace-invalid": FindingKind(ERROR, "use a DNS-1123 label (a-z, 0-9, '-', at most 63)"),
    "namespace-reserved": FindingKind(ERROR, "give the tenant a namespace of its own"),
    "version-unsupported": FindingKind(ERROR, "pin an exact supported chart version, e.g. 0.36.1"),
    "distro-unsupported": FindingKind(ERROR, "use a distro the chart version ships"),
    "values-dialect": FindingKind(ERROR, "use the keys of the chart version's values format"),
    "schema": FindingKind(ERROR, "fix the value as the chart's values.schema.json says"),
    "option-invalid": FindingKind(ERROR, "give the option in the documented shape"),
    "option-conflict": FindingKind(ERROR, "set it either as the option or in values, not both"),
    "value-invalid": FindingKind(ERROR, "give a value the API server accepts"),
    **PSS_REGISTRY,
    "pss-not-hardenable": FindingKind(ERROR, "use another chart version or distro, or the baseline profile"),
    "map-services-format": FindingKind(ERROR, "write each entry as {from: namespace/name, to: namespace/name}"),
    "map-services-conflict": FindingKind(ERROR, "map each service once per direction"),
    "cidr-invalid": FindingKind(ERROR, "write networks as address/prefix with no host bits set"),
    "quantity-invalid": FindingKind(ERROR, "use Kubernetes quantities such as 500m, 2, 512Mi, 20Gi"),
    "quota-inconsistent": FindingKind(ERROR, "make requests at most the limits, and min <= default <= max"),
    "boundary-rbac": FindingKind(ERROR, "drop the cluster-scoped rules or syncs, or allow it with a reason"),
    "boundary-host-objects": FindingKind(ERROR, "deploy objects inside the vcluster, or allow it with a reason"),
    "boundary-isolation-off": FindingKind(ERROR, "use the isolation and profile options, not values"),
    "boundary-namespace": FindingKind(ERROR, "keep every host object in the tenant's namespace, or allow it"),
    "boundary-image": FindingKind(ERROR, "use the image_registry / distro_image options, or allow it"),
    "boundary-host-path": FindingKind(ERROR, "remove the host path"),
    "boundary-flags": FindingKind(ERROR, "remove the flag, or allow it with a reason"),
    "boundary-cidr-open": FindingKind(ERROR, "name the networks the tenant needs, not everything"),
    "migration-refused": FindingKind(ERROR, "convert the setting by hand, as the message says"),
    "upgrade-refused": FindingKind(ERROR, "create a new vcluster and move the workloads"),
}

FINDING_IDS = tuple(REGISTRY)
PSS_FINDING_IDS = tuple(PSS_REGISTRY)
BOUNDARY_FINDING_IDS = tuple(fid for fid in REGISTRY if fid.startswith("boundary-"))


def fix_hint(finding_id):
    return REGISTRY[finding_id].fix


def make_finding(finding_id, path, message, severity=None):
    """Build a finding. ``severity`` defaults to the id's natural severity; unknown ids are a bug."""
    if finding_id not in REGISTRY:
        raise ValueError(f"unknown finding id {finding_id!r}")
    if severity is None:
        severity = REGISTRY[finding_id].severity
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}")
    return {"id": finding_id, "severity": severity, "path": path, "message": message}


def error(finding_id, path, message):
    return make_finding(finding_id, path, message, ERROR)


def warning(finding_id, path, message):
    return make_finding(finding_id, path, message, WARNING)


def warnings_of(findings):
    return [f for f in findings if f.get("severity") == WARNING]


def has_errors(findings):
    return any(f.get("severity") == ERROR for f in findings)


def finding_ids(findings):
    """The ids of ``findings`` in order of first appearance, without duplicates."""
    seen = []
    for f in findings:
        if f["id"] not in seen:
            seen.append(f["id"])
    return seen


def format_finding(f):
    return "[{}] {}: {}".format(f["id"], f.get("path") or "-", f["message"])


def summary(findings, severity=ERROR):
    """One text listing every finding of ``severity`` (for fail_json messages)."""
    selected = [f for f in findings if f.get("severity") == severity]
    if not selected:
        return f"no {severity} findings"
    noun = "finding" if len(selected) == 1 else "findings"
    listed = "; ".join(format_finding(f) for f in selected)
    return f"{len(selected)} {severity} {noun}: {listed}"
