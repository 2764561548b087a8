# -*- coding: utf-8 -*-
# Copyright: (c) 2025, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pod Security Standards levels: which rules each level runs, and the check of one pod spec.

Mirrors the decisions of the API server's PodSecurity admission at version ``latest`` as of Kubernetes 1.34
(k8s.io/pod-security-admission v0.34.4, ``policy/``), with the feature gates at their 1.34 defaults (so the
``hostUsers: false`` relaxation of UserNamespacesPodSecurityStandards, alpha and off, is not applied).
Comparisons are case-sensitive, exactly like the admission.

The admission returns one reason per failing rule; this reports every problem at once, one violation per
(container, rule) with the field path and the fix (pod-level fields, volumes and host namespace flags get their
own). Containers that inherit a missing pod-level runAsNonRoot/seccompProfile are named together in one
pod-level violation, because the fix is at pod level. Verdicts (allowed or not) are the admission's.
"""

from __future__ import absolute_import, division, print_function

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.findings import PSS_FINDING_IDS
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.pss import baseline, restricted
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.pss.fields import as_dict

LEVELS = ("baseline", "restricted")

# The ids rules report; the registry (severity, fix hint) is findings.py's.
VIOLATION_IDS = PSS_FINDING_IDS

BASELINE_RULES = (
    baseline.check_windows_host_process,
    baseline.check_host_namespaces,
    baseline.check_privileged,
    baseline.check_capabilities_baseline,
    baseline.check_host_path,
    baseline.check_host_ports,
    baseline.check_host_probes,
    baseline.check_apparmor,
    baseline.check_selinux,
    baseline.check_proc_mount,
    baseline.check_seccomp_baseline,
    baseline.check_sysctls,
)

# As in the admission, restricted replaces the baseline capabilities and seccomp rules with
# stricter ones instead of running both (so a Windows pod skips them entirely).
RESTRICTED_RULES = (
    *tuple(
        rule
        for rule in BASELINE_RULES
        if rule not in (baseline.check_capabilities_baseline, baseline.check_seccomp_baseline)
    ),
    restricted.check_capabilities_restricted,
    restricted.check_seccomp_restricted,
    restricted.check_volume_types,
    restricted.check_privilege_escalation,
    restricted.check_run_as_non_root,
    restricted.check_run_as_user,
)

RULES_BY_LEVEL = {"baseline": BASELINE_RULES, "restricted": RESTRICTED_RULES}


def check_pod_spec(pod_spec, level="restricted", metadata=None):
    """Violations of one pod spec against a Pod Security Standard level.

    Paths are relative to the pod spec; AppArmor annotations are reported as
    ``metadata.annotations[...]`` (relative to the pod template).
    """
    if level not in RULES_BY_LEVEL:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    pod_spec = as_dict(pod_spec)
    violations = []
    for rule in RULES_BY_LEVEL[level]:
        violations.extend(rule(pod_spec, metadata))
    return violations
