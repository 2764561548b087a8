#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: vcluster_values
short_description: Render and validate hardened values for the vcluster Helm chart
version_added: 0.1.0
author:
  - tenancy.vcluster maintainers (@tenancy)
description:
  - Renders Helm values for one vcluster (loft-sh C(vcluster) chart) that meet a Pod Security Standard
    for the exact chart version, in the value dialect of that version (legacy charts before 0.20,
    the unified chart from 0.20).
  - Every component the chart lets values reach gets an explicit non-root user and group, C(fsGroup),
    C(seccompProfile) C(RuntimeDefault), C(capabilities.drop=[ALL]), C(allowPrivilegeEscalation=false)
    and C(readOnlyRootFilesystem).
  - Isolation (resource quota, limit range, network policy), service mapping, exposure, an image
    registry mirror and telemetry are rendered from structured options.
  - The operator's O(values) are merged last with Helm's semantics (maps merge, lists replace, null
    deletes) and are never changed. The module then computes the effective security contexts (chart
    defaults, hardened values and user values), checks the pods the chart would run against
    O(profile) and reports every violation at the values path that controls it.
  - All problems of one call are reported together as findings C({id, severity, path, message}).
  - Runs on the controller and needs no cluster access.
options:
  name:
    description:
      - vcluster (Helm release) name.
      - Must match C(^[a-z]([-a-z0-9]*[a-z0-9])?$) and be at most 52 characters (47 when an etcd
        StatefulSet is deployed). Names over 20 characters produce a C(name-translation-hashed) warning.
    type: str
    required: true
  namespace:
    description:
      - Host namespace of the vcluster (a DNS-1123 label).
    type: str
    required: true
  chart_version:
    description:
      - Exact chart version, for example C(0.36.1) or C(0.19.10). Supported are 0.15.0 up to (excluding) 0.37.0.
      - Versions before 0.20 use the legacy value dialect, later versions the unified chart.
    type: str
    required: true
  distro:
    description:
      - Kubernetes distribution run by the vcluster control plane.
      - Defaults to C(k8s) for 0.20 and later, C(k3s) before 0.20.
      - C(eks) exists only before 0.20, C(k0s) before 0.26, C(k3s) before 0.33.
    type: str
    choices: [k8s, k3s, k0s, eks]
  profile:
    description:
      - Pod Security Standard every vcluster pod must meet; also set as the standard enforced inside the vcluster.
    type: str
    choices: [restricted, baseline]
    default: restricted
  run_as_user:
    description:
      - UID of every vcluster container.
    type: int
    default: 12345
  run_as_group:
    description:
      - GID of every vcluster container.
    type: int
    default: 12345
  fs_group:
    description:
      - C(fsGroup) of the pods with volumes (so a non-root process can write its PVC).
    type: int
    default: 12345
  read_only_root_filesystem:
    description:
      - Set C(readOnlyRootFilesystem) on every container.
    type: bool
    default: true
  image_registry:
    description:
      - Registry (mirror) prepended to every image of the chart, for example C(registry.example.com/mirror).
    type: str
  distro_image:
    description:
      - Image of the distro (for example C(ghcr.io/loft-sh/kubernetes:v1.33.4)); written to the key of the
        chart version (C(controlPlane.distro.<distro>.image), C(controlPlane.distro.k8s.apiServer.image)
        before 0.25, legacy C(vcluster.image) or C(api.image)).
    type: str
  isolation:
    description:
      - Isolation of the tenant in its host namespace. Every part is enabled by default.
      - Rendered as explicit C(policies.*) (0.20+) or C(isolation.*) (legacy) values; never C(auto).
    type: dict
    suboptions:
      enabled:
        description:
          - Master switch; C(false) disables every part.
        type: bool
        default: true
      resource_quota:
        description:
          - "C(true)/C(false), or a dict with C(enabled) and C(quota) (ResourceQuota hard limits,
            for example C({requests.cpu: 10, limits.memory: 40Gi}))."
        type: raw
      limit_range:
        description:
          - C(true)/C(false), or a dict with C(enabled), C(default) and C(default_request) (container defaults).
        type: raw
      network_policy:
        description:
          - C(true)/C(false), or a dict with C(enabled).
        type: raw
      extra_egress_cidrs:
        description:
          - CIDRs the tenant workloads may reach although the network policy blocks private ranges
            (for example a Rancher server on 10.x). Rendered into C(policies.networkPolicy.workload.egress)
            for 0.31 and later; for older charts the isolation role adds a separate NetworkPolicy.
        type: list
        elements: str
  map_services:
    description:
      - Services replicated between host and vcluster.
    type: dict
    suboptions:
      from_host:
        description:
          - "Host services shown inside the vcluster, C({from: host-namespace/name, to: virtual-namespace/name})."
        type: list
        elements: dict
      to_host:
        description:
          - "Virtual services replicated to the host, C({from: virtual-namespace/name, to: name or namespace/name})."
        type: list
        elements: dict
  expose:
    description:
      - How the vcluster API server is exposed.
    type: dict
    suboptions:
      type:
        description:
          - Service type of the vcluster Service.
        type: str
        choices: [ClusterIP, LoadBalancer, NodePort]
        default: ClusterIP
      extra_sans:
        description:
          - Extra host names or IPs for the serving certificate (C(controlPlane.proxy.extraSANs), legacy C(--tls-san)).
        type: list
        elements: str
      load_balancer_source_ranges:
        description:
          - CIDRs allowed to reach a LoadBalancer Service.
        type: list
        elements: str
  values:
    description:
      - Extra chart values, merged last with Helm semantics and then checked like everything else.
    type: dict
    default: {}
  schema:
    description:
      - Path (on the controller) of the chart's C(values.schema.json); when given, the rendered values are
        validated against it (JSON Schema draft 2020-12) and every error is a C(schema) finding.
      - Requires the C(jsonschema) Python library.
    type: path
  telemetry:
    description:
      - Leave vcluster telemetry enabled.
    type: bool
    default: false
  strict:
    description:
      - Fail when any finding has severity C(error). With C(false) the findings are only returned.
    type: bool
    default: true
  dest:
    description:
      - Write the values YAML to this file (mode C(0600)). Unchanged content leaves the file alone.
      - With O(previous_chart_version) the diff shows the deployed values (O(previous_values)) against the new ones.
    type: path
  diff_against:
    description:
      - Values already deployed (for example C(status.values) of M(kubernetes.core.helm_info)). The result is
        C(changed) when the rendered values differ from them, and with C(--diff) shows both, so C(--check --diff)
        reports what an install or upgrade would change without the helm-diff plugin. Ignored with O(dest).
    type: dict
    version_added: 0.1.0
  previous_values:
    description:
      - Upgrade of a deployed release. The values it was deployed with (C(helm get values), for example
        C(status.values) of M(kubernetes.core.helm_info)); requires O(previous_chart_version).
      - They are the base of the new values; the hardened values of O(chart_version) go over them and O(values)
        is merged last. Legacy (< 0.20) values are converted to the unified format when O(chart_version) is
        0.20 or later (O(values) given in the legacy format is converted too); keys that cannot be converted are
        C(migration-refused) findings.
      - Changes vcluster cannot make in place (distro, backing store, root vs non-root control plane, downgrade
        across 0.20) are C(upgrade-refused) findings.
    type: dict
  previous_chart_version:
    description: Chart version of the deployed release (with O(previous_values)).
    type: str
  previous_distro:
    description:
      - Distro of the deployed release; defaults to the default of O(previous_chart_version) (C(k3s) before 0.20).
    type: str
    choices: [k8s, k3s, k0s, eks]
attributes:
  check_mode:
    support: full
    description: Renders and validates; reports whether O(dest) would change without writing it.
  diff_mode:
    support: full
    description: Shows the old and new content of O(dest).
  platform:
    support: full
    platforms: posix
    description: Runs on the controller (or any host with Python); no cluster access.
requirements:
  - PyYAML
  - jsonschema (only for O(schema))
notes:
  - Finding ids are C(name-invalid), C(name-too-long), C(name-translation-hashed) (warning),
    C(namespace-invalid), C(version-unsupported), C(distro-unsupported), C(values-dialect), C(schema),
    C(pss-privileged), C(pss-privilege-escalation), C(pss-capabilities), C(pss-run-as-non-root),
    C(pss-run-as-user), C(pss-seccomp), C(pss-host-namespaces), C(pss-host-path), C(pss-not-hardenable),
    C(map-services-format), C(map-services-conflict), C(cidr-invalid), C(quantity-invalid), C(quota-inconsistent).
  - Legacy k8s/eks charts 0.19 cannot meet Pod Security through values (init containers without
    securityContext) and are reported as C(pss-not-hardenable).
seealso:
  - module: tenancy.vcluster.pod_security
  - module: kubernetes.core.helm
"""

EXAMPLES = r"""
- name: Render hardened values for a tenant and write them for Helm
  tenancy.vcluster.vcluster_values:
    name: tenant-a
    namespace: tenant-a
    chart_version: 0.36.1
    dest: /tmp/tenant-a-values.yaml
  register: rendered

- name: Legacy k3s chart with a registry mirror and a mapped host service
  tenancy.vcluster.vcluster_values:
    name: tenant-b
    namespace: tenant-b
    chart_version: 0.19.10
    distro: k3s
    image_registry: registry.example.com/mirror
    map_services:
      from_host:
        - from: shared/postgres
          to: default/postgres

- name: Expose through a LoadBalancer, allow egress to Rancher, validate against the chart schema
  tenancy.vcluster.vcluster_values:
    name: tenant-c
    namespace: tenant-c
    chart_version: 0.36.1
    expose:
      type: LoadBalancer
      extra_sans: [tenant-c.example.com]
      load_balancer_source_ranges: [203.0.113.0/24]
    isolation:
      extra_egress_cidrs: [10.20.0.10/32]
      resource_quota:
        quota:
          requests.cpu: 4
          limits.cpu: 8
    schema: "{{ chart_dir }}/values.schema.json"

- name: Only report findings (never fail)
  tenancy.vcluster.vcluster_values:
    name: tenant-d
    namespace: tenant-d
    chart_version: 0.30.5
    values:
      controlPlane:
        statefulSet:
          security:
            containerSecurityContext:
              runAsUser: 0
    strict: false
  register: check

- name: Show what to fix
  ansible.builtin.debug:
    var: check.findings
"""

RETURN = r"""
values:
  description: Rendered chart values (hardened values with O(values) merged last).
  returned: always
  type: dict
  sample: {"policies": {"podSecurityStandard": "restricted"}, "telemetry": {"enabled": false}}
values_yaml:
  description: O(values) as YAML, exactly what is written to O(dest).
  returned: always
  type: str
  sample: "policies:\n  podSecurityStandard: restricted\n"
dialect:
  description: Value dialect of the chart version; null when the version is unusable.
  returned: always
  type: str
  sample: modern
chart:
  description:
    - Helm chart name for the version and distro (C(vcluster), C(vcluster-k8s), C(vcluster-k0s), C(vcluster-eks)).
  returned: always
  type: str
  sample: vcluster
distro:
  description: Distro used (the default of the version when O(distro) is not given).
  returned: always
  type: str
  sample: k8s
findings:
  description: Every problem found, errors and warnings.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Finding id (see notes).
      type: str
      sample: pss-run-as-user
    severity:
      description: C(error) or C(warning).
      type: str
      sample: error
    path:
      description: Option or chart values path to change.
      type: str
      sample: controlPlane.statefulSet.security.containerSecurityContext.runAsUser
    message:
      description: What is wrong and what to do.
      type: str
      sample: "... Fix in the chart values at controlPlane.statefulSet.security.containerSecurityContext.runAsUser: ..."
migration:
  description: What the upgrade from O(previous_values) converted, refused and noted.
  returned: when O(previous_chart_version) is given
  type: dict
  contains:
    converted:
      description: Whether legacy values were converted to the unified format.
      type: bool
    refused:
      description: The C(migration-refused) findings (also in RV(findings)).
      type: list
      elements: dict
    notes:
      description: Settings that were dropped or moved and need a look.
      type: list
      elements: str
dest:
  description: Path written (or that would be written in check mode).
  returned: when O(dest) is given
  type: str
  sample: /tmp/tenant-a-values.yaml
"""

import json
import os

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common.text.converters import to_native, to_text

from ansible_collections.tenancy.vcluster.plugins.module_utils.private_file import PrivateFileError, sync_private_file
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import schema as schema_utils
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import values_task
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.values_task import to_yaml
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.yaml_support import HAS_YAML, YAML_IMPORT_ERROR


def read_schema(module, path):
    try:
        with open(path, "rb") as handle:
            return json.loads(to_text(handle.read()))
    except (OSError, ValueError) as exc:
        module.fail_json(msg=f"cannot read chart schema {path}: {to_native(exc)}")


def sync_dest(module, path, content):
    """(changed, diff) for writing ``content`` to ``path`` at mode 0600; check mode writes nothing."""
    if os.path.isdir(path):
        module.fail_json(msg=f"dest {path} is a directory; give a file path such as {path}/values.yaml")
    try:
        changed, before = sync_private_file(path, content, module.check_mode, move=module.atomic_move)
    except (PrivateFileError, OSError) as exc:
        module.fail_json(msg=f"cannot write dest {path}: {to_native(exc)}")
    return changed, {"before": before or "", "after": content, "before_header": path, "after_header": path}


def main():
    module = AnsibleModule(
        argument_spec=values_task.argument_spec(),
        supports_check_mode=True,
        required_by=values_task.REQUIRED_BY,
    )
    if not HAS_YAML:
        module.fail_json(msg=missing_required_lib("PyYAML"), exception=YAML_IMPORT_ERROR)
    p = module.params
    schema = read_schema(module, p["schema"]) if p["schema"] else None
    try:
        outcome = values_task.evaluate(p, schema=schema, with_diff=module._diff)
    except ImportError:
        module.fail_json(msg=missing_required_lib("jsonschema"), exception=schema_utils.JSONSCHEMA_IMPORT_ERROR)
    result = outcome.result
    for warning in outcome.warnings:
        module.warn(warning)
    if outcome.failure:
        module.fail_json(msg=outcome.failure, **result)

    if p["dest"]:
        changed, diff = sync_dest(module, p["dest"], result["values_yaml"])
        result.update(changed=changed, dest=p["dest"])
        if "migration" in result:
            # An upgrade shows what changes against the deployed release, not against the last file.
            diff.update(before=to_yaml(p["previous_values"] or {}), before_header="deployed release values")
        if module._diff:
            result["diff"] = diff
    module.exit_json(**result)


if __name__ == "__main__":
    main()
