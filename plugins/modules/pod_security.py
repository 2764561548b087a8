#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2025, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: pod_security
short_description: Check Kubernetes manifests against a Pod Security Standard
version_added: 0.1.0
author:
  - tenancy.vcluster maintainers (@tenancy)
description:
  - Checks every pod template in Kubernetes manifests against a Pod Security Standards level (C(baseline) or
    C(restricted)), the way the API server's PodSecurity admission does at version C(latest) (Kubernetes 1.34).
  - Pod templates are read from Pod, PodTemplate, ReplicationController (core V(v1)), Deployment, StatefulSet,
    DaemonSet, ReplicaSet (C(apps)), Job and CronJob (C(batch)) objects, like the admission. Other kinds are skipped,
    and so is a kind of another API group (for example a custom resource named C(Deployment)); an object without
    C(apiVersion) is taken as the built-in kind. Objects of a C(List) kind are expanded.
  - A Pod is checked with the defaults the API server sets before admission; with C(hostNetwork=true) a Pod's
    C(hostPort) becomes its C(containerPort), so its ports are reported as host ports. Pod templates are not defaulted
    that way, as on the API server.
  - Every container is checked, including init and ephemeral containers.
  - Like the admission, comparisons are case-sensitive. For example dropping C(all) in C(capabilities.drop) does not
    satisfy C(restricted) (it needs C(ALL)), and C(CAP_NET_BIND_SERVICE) is not C(NET_BIND_SERVICE).
  - Unlike the admission, which stops at a verdict, all violations are reported together. Each one names the field
    and says how to fix it.
  - Runs on the controller or a target; it makes no changes and contacts no cluster.
options:
  manifests:
    description:
      - The Kubernetes objects to check.
      - Either a list of objects (dictionaries), a single object, or a string of multi-document YAML such as the output
        of C(helm template) or M(kubernetes.core.helm_template).
      - Empty documents and C(null) list entries are skipped.
    type: raw
    required: true
  level:
    description:
      - The Pod Security Standards level every pod template must meet.
      - C(restricted) includes every C(baseline) check.
    type: str
    choices: [restricted, baseline]
    default: restricted
  strict:
    description:
      - When V(true), fail if any pod template violates O(level).
      - When V(false), only report the violations; RV(allowed) tells the verdict.
    type: bool
    default: true
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in diff mode) when in diff mode.
    support: none
requirements:
  - PyYAML (only when O(manifests) is a YAML string)
notes:
  - The verdict matches the admission with feature gates at their Kubernetes 1.34 defaults, so the alpha
    C(UserNamespacesPodSecurityStandards) relaxation for pods with C(hostUsers=false) is not applied.
  - The rules are those of version C(latest) as of Kubernetes 1.34; there is no option for another version. A namespace
    whose C(pod-security.kubernetes.io/enforce-version) label pins an older version, or a host older than 1.34 (where
    C(latest) is the host's version), decides otherwise in three places. The sysctls C(net.ipv4.ip_local_reserved_ports)
    (1.27), C(net.ipv4.tcp_keepalive_time), C(net.ipv4.tcp_fin_timeout), C(net.ipv4.tcp_keepalive_intvl),
    C(net.ipv4.tcp_keepalive_probes) (1.29), C(net.ipv4.tcp_rmem) and C(net.ipv4.tcp_wmem) (1.32) and the SELinux type
    C(container_engine_t) (1.31) are refused before the version in brackets, although this module allows them. A
    C(host) in probes and lifecycle handlers is only refused from 1.34 on, although this module always refuses it.
  - The admission only warns about pod templates in workload objects and enforces on the pods created from them; this
    module checks the templates so problems are found before anything is applied.
seealso:
  - name: Pod Security Standards
    description: The policy levels and the fields each one restricts.
    link: https://kubernetes.io/docs/concepts/security/pod-security-standards/
  - module: kubernetes.core.helm_template
"""

EXAMPLES = r"""
- name: Render the vcluster chart
  kubernetes.core.helm_template:
    chart_ref: vcluster
    chart_repo_url: https://charts.loft.sh
    chart_version: 0.36.1
    release_name: tenant-a
    release_namespace: tenant-a
    release_values: "{{ vcluster_values }}"
  register: rendered

- name: Fail unless every pod the chart renders meets the restricted level
  tenancy.vcluster.pod_security:
    manifests: "{{ rendered.stdout }}"
    level: restricted

- name: Report baseline violations of objects already loaded, without failing
  tenancy.vcluster.pod_security:
    manifests:
      - apiVersion: v1
        kind: Pod
        metadata:
          name: debug
        spec:
          hostNetwork: true
          containers:
            - name: shell
              image: busybox
    level: baseline
    strict: false
  register: psa

- name: Show what to fix
  ansible.builtin.debug:
    msg: "{{ item.kind }}/{{ item.name }} {{ item.path }}: {{ item.message }}"
  loop: "{{ psa.violations }}"
"""

RETURN = r"""
allowed:
  description: Whether every pod template meets O(level).
  returned: always
  type: bool
  sample: false
checked:
  description: How many pod templates were checked.
  returned: always
  type: int
  sample: 3
violations:
  description: Every violation found, one per rule and container (or pod, volume or host namespace field).
  returned: always
  type: list
  elements: dict
  contains:
    kind:
      description: Kind of the object that holds the pod template.
      type: str
      sample: StatefulSet
    name:
      description: Name of the object.
      type: str
      sample: tenant-a
    namespace:
      description: Namespace of the object, V(null) when the manifest does not set it.
      type: str
      sample: tenant-a
    container:
      description: Name of the container, V(null) for pod-level fields.
      type: str
      sample: syncer
    id:
      description:
        - The rule violated. One of V(pss-windows-host-process), V(pss-host-namespaces), V(pss-privileged),
          V(pss-capabilities), V(pss-host-path), V(pss-host-ports), V(pss-host-probes), V(pss-apparmor),
          V(pss-selinux), V(pss-proc-mount), V(pss-seccomp), V(pss-sysctls) (baseline), V(pss-volume-types),
          V(pss-privilege-escalation), V(pss-run-as-non-root), V(pss-run-as-user) (restricted).
      type: str
      sample: pss-capabilities
    path:
      description: Path of the offending field within the object, with containers and volumes named.
      type: str
      sample: spec.template.spec.containers[syncer].securityContext.capabilities.drop
    message:
      description: What is wrong and what to set to fix it.
      type: str
      sample: "capabilities.drop must include 'ALL' (upper case; PodSecurity does not accept 'all');
        set capabilities.drop: [ALL]"
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.pss.task import (
    check_task,
    manifests_option,
    task_argument_spec,
)
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.yaml_support import YAML_IMPORT_ERROR


def main():
    module = AnsibleModule(argument_spec=task_argument_spec(), supports_check_mode=True)
    try:
        manifests = manifests_option(module.params["manifests"])
    except ImportError:
        module.fail_json(msg=missing_required_lib("PyYAML"), exception=YAML_IMPORT_ERROR)
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    result, failure = check_task(manifests, module.params["level"], module.params["strict"])
    if failure:
        module.fail_json(msg=failure, **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
