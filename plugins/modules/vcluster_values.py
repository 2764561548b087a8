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
      - Exact chart version, for example C(0.36.1) or C(0.19.10). The supported range is kept in
        C(plugins/module_utils/vcluster/dialects.py); an unsupported version is refused with the range.
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
      - Write the values YAML to this file (mode C(0600) from the moment it exists, replaced in one step).
        Unchanged content leaves the file alone.
      - This file is the only place that holds the real values (secrets in them are masked in every result,
        message and diff), so pass this file to Helm (C(values_files) of M(kubernetes.core.helm)).
      - With O(previous_chart_version) the diff shows the deployed values (O(previous_values)) against the new ones.
    type: path
  diff_against:
    description:
      - Values already deployed (for example C(release.values) of M(tenancy.vcluster.host_preflight)). The result
        is C(changed) when the rendered values differ from them, and with C(--diff) shows both (secrets masked), so
        C(--check --diff) reports what an install or upgrade would change without the helm-diff plugin.
    type: dict
    version_added: 0.1.0
  virtual_pod_security:
    description:
      - Pod Security Standard the vcluster enforces on its own namespaces (C(policies.podSecurityStandard), legacy
        C(isolation.podSecurityStandard)). Defaults to O(profile).
      - The Rancher import sets C(baseline) for a tenant whose agent needs it; the vcluster's own pods are still
        checked against O(profile).
    type: str
    choices: [restricted, baseline]
  allow:
    description:
      - Boundary findings (C(boundary-*)) this tenant passes on purpose, each with the reason. An allowed finding
        stays in RV(findings) as a warning carrying the reason and is listed in RV(allowed); an entry that matches
        nothing is a warning.
      - Keep this list in the operator's inventory; the AWX surveys never set it.
    type: list
    elements: dict
    default: []
    suboptions:
      id:
        description: The boundary finding id.
        type: str
        required: true
        choices:
          - boundary-rbac
          - boundary-host-objects
          - boundary-isolation-off
          - boundary-namespace
          - boundary-image
          - boundary-host-path
          - boundary-flags
          - boundary-cidr-open
      reason:
        description: Why this tenant needs it (at least 10 characters); shown with the finding.
        type: str
        required: true
  secret_paths:
    description:
      - Values paths (dotted, C(*) for any key, C([]) for every list item) whose values are secrets, in addition
        to the known ones (datastore C(dataSource), k3s tokens, registry and snapshot passwords, C(env) entries
        named like a credential, passwords in URLs). They are masked in results, messages and diffs.
    type: list
    elements: str
    default: []
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
  previous_values_file:
    description:
      - The same as O(previous_values), read from a YAML file (for example the 0600 file
        M(tenancy.vcluster.host_preflight) writes with its C(deployed_values_dest)), so the deployed values, which
        may hold secrets, never pass through a registered result.
    type: path
  previous_chart:
    description:
      - The deployed release's chart as Helm records it, C(<chart>-<version>) (for example C(vcluster-k8s-0.19.10),
        the C(chart) of M(tenancy.vcluster.host_preflight)'s C(release)); the previous chart version and distro are
        read from it. Use it or O(previous_chart_version) with O(previous_values) or O(previous_values_file).
    type: str
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
    C(namespace-invalid), C(namespace-reserved), C(version-unsupported), C(distro-unsupported), C(values-dialect),
    C(schema), C(option-invalid), C(option-conflict), C(value-invalid), the Pod Security ids C(pss-*),
    C(pss-not-hardenable), C(map-services-format), C(map-services-conflict), C(cidr-invalid), C(quantity-invalid),
    C(quota-inconsistent), the boundary ids C(boundary-rbac), C(boundary-host-objects), C(boundary-isolation-off),
    C(boundary-namespace), C(boundary-image), C(boundary-host-path), C(boundary-flags), C(boundary-cidr-open), and
    for upgrades C(migration-refused) and C(upgrade-refused).
  - Every dict option has a closed shape; an unknown key, a wrong type or a boolean Ansible would not read as one
    is an C(option-invalid) finding naming the field.
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
        - from: tenant-b/postgres
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
  description: Rendered chart values (hardened values with O(values) merged last), secrets masked as C(********).
  returned: always
  type: dict
  sample: {"policies": {"podSecurityStandard": "restricted"}, "telemetry": {"enabled": false}}
values_yaml:
  description: RV(values) as YAML (secrets masked; O(dest) holds the real values).
  returned: always
  type: str
  sample: "policies:\n  podSecurityStandard: restricted\n"
values_digest:
  description:
    - sha256 of the real values as Helm stores them; equal to C(release.values_digest) of
      M(tenancy.vcluster.host_preflight) when the deployed release has exactly these values.
  returned: always
  type: str
allowed:
  description: The boundary findings passed by O(allow), with the reason and the paths they were found at.
  returned: always
  type: list
  elements: dict
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

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.tenancy.vcluster.plugins.module_utils.values_io import run_task
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import schema as schema_utils
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import values_task
from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.yaml_support import HAS_YAML, YAML_IMPORT_ERROR


def main():
    module = AnsibleModule(
        argument_spec=values_task.argument_spec(),
        supports_check_mode=True,
        required_by=values_task.REQUIRED_BY,
        mutually_exclusive=values_task.MUTUALLY_EXCLUSIVE,
    )
    if not HAS_YAML:
        module.fail_json(msg=missing_required_lib("PyYAML"), exception=YAML_IMPORT_ERROR)
    try:
        result = run_task(module.params, check_mode=module.check_mode, with_diff=module._diff)
    except ImportError:
        module.fail_json(msg=missing_required_lib("jsonschema"), exception=schema_utils.JSONSCHEMA_IMPORT_ERROR)
    for warning in result.pop("warnings", []):
        module.warn(warning)
    if result.pop("failed", False):
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
