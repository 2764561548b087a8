#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


DOCUMENTATION = r"""
module: vcluster_info
short_description: List the vclusters of a host cluster, like C(vcluster list)
version_added: 0.1.0
author:
  - tenancy.vcluster maintainers (@tenancy)
description:
  - Finds the vclusters in one namespace or in all namespaces of a host cluster and reports, per vcluster,
    what C(vcluster list) shows and a little more.
  - A vcluster is a StatefulSet or Deployment labelled C(app=vcluster); its name is the value of its
    C(release) label. The StatefulSet of a deployed etcd (C(app=vcluster-etcd)) is not a vcluster.
  - The status comes from the control-plane pods labelled C(app=vcluster,release=<name>), unless the vcluster
    is paused (annotation C(loft.sh/paused), sleep label C(loft.sh/sleep-mode), or sleep annotation on Secret
    C(vc-config-<name>)) or scaled down to zero replicas.
  - The version is the image tag of container C(syncer), or the version in the C(chart) label.
  - The Rancher cluster id is read from annotation C(tenancy.vcluster/rancher-cluster-id) on the workload or
    its namespace, where this collection records it at import.
  - Only metadata of Secrets is requested from the API server; no secret value is read or returned.
  - Never changes anything.
options:
  namespace:
    description:
      - Namespace to look in.
      - All namespaces when omitted (needs cluster-wide list rights on StatefulSets, Deployments and Pods).
    type: str
  name:
    description:
      - Only the vcluster with this name (the Helm release name).
      - Without I(namespace), a vcluster of this name in any namespace.
    type: str
extends_documentation_fragment:
  - kubernetes.core.k8s_auth_options
attributes:
  check_mode:
    support: full
    description: The module only reads, so it runs unchanged in check mode.
  diff_mode:
    support: none
    description: Nothing is changed, so there is nothing to diff.
requirements:
  - "python >= 3.9"
  - "kubernetes >= 24.2.0"
  - "PyYAML >= 3.11"
notes:
  - Reading Secrets or Namespaces may be forbidden to a namespace-scoped identity; then I(kubeconfig_secret)
    or I(rancher_cluster_id) may be missing from the records and a warning says why.
seealso:
  - module: kubernetes.core.k8s_info
"""

EXAMPLES = r"""
- name: List every vcluster of the host cluster
  tenancy.vcluster.vcluster_info:
  register: fleet

- name: List the vclusters in one namespace with an explicit kubeconfig
  tenancy.vcluster.vcluster_info:
    namespace: team-a
    kubeconfig: ~/.kube/host-cluster.yaml
  register: team_a

- name: Fail unless vcluster tenant-a is running
  tenancy.vcluster.vcluster_info:
    namespace: team-a
    name: tenant-a
  register: tenant
  failed_when: tenant.vclusters | length != 1 or tenant.vclusters[0].status != 'Running'

- name: Print the fleet as a table
  ansible.builtin.debug:
    msg: "{{ (fleet.vclusters | tenancy.vcluster.vcluster_table).splitlines() }}"
"""

RETURN = r"""
vclusters:
  description: One record per vcluster, sorted by namespace and name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: vcluster name (label C(release) of the workload, the Helm release name).
      type: str
      returned: always
      sample: tenant-a
    namespace:
      description: Host namespace of the vcluster.
      type: str
      returned: always
      sample: team-a
    kind:
      description: Kind of the control-plane workload.
      type: str
      returned: always
      sample: StatefulSet
    workload:
      description: Name of the control-plane StatefulSet or Deployment.
      type: str
      returned: always
      sample: tenant-a
    status:
      description:
        - C(Running), C(Pending), C(Failed) or C(Unknown) from the control-plane pods (the worst pod wins);
          C(Paused) when paused or asleep; C(ScaledDown) when the workload has zero replicas.
        - C(Pending) also when the workload wants replicas but has no pods (for example pods rejected by
          Pod Security admission or a quota; see the events of the workload).
      type: str
      returned: always
      sample: Running
    status_reason:
      description: Why, when there is more to say than the status (e.g. C(CrashLoopBackOff), C(Init:0/1),
        C(Unschedulable), C(NoPods), C(ContainersNotReady), C(WorkloadsSleeping)); null otherwise.
      type: str
      returned: always
      sample: CrashLoopBackOff
    ready:
      description: Ready and desired replicas of the control-plane workload.
      type: str
      returned: always
      sample: 1/1
    replicas:
      description: Desired replicas of the control-plane workload.
      type: int
      returned: always
      sample: 1
    ready_replicas:
      description: Ready replicas of the control-plane workload.
      type: int
      returned: always
      sample: 1
    version:
      description: Image tag of container C(syncer), else the version from the C(chart) label.
      type: str
      returned: always
      sample: 0.36.1
    chart:
      description: Value of the C(chart) label.
      type: str
      returned: always
      sample: vcluster-0.36.1
    chart_name:
      description: Chart name part of the C(chart) label (C(vcluster), or a legacy C(vcluster-k8s) ...).
      type: str
      returned: always
      sample: vcluster
    chart_version:
      description: Chart version part of the C(chart) label.
      type: str
      returned: always
      sample: 0.36.1
    distro:
      description: C(k8s), C(k3s), C(k0s) or C(eks), derived from the control-plane containers and the chart;
        null if it cannot be told.
      type: str
      returned: always
      sample: k8s
    kubeconfig_secret:
      description: Name of the kubeconfig Secret C(vc-<name>) when it exists (the syncer writes it at runtime);
        null otherwise.
      type: str
      returned: always
      sample: vc-tenant-a
    rancher_cluster_id:
      description: Rancher cluster id recorded at import (annotation C(tenancy.vcluster/rancher-cluster-id) on
        the workload or the namespace); null if never imported.
      type: str
      returned: always
      sample: c-m-abcde123
    created:
      description: Creation timestamp of the control-plane workload.
      type: str
      returned: always
      sample: "2026-08-01T10:00:00Z"
    pods:
      description: Names of the control-plane pods.
      type: list
      elements: str
      returned: always
      sample: [tenant-a-0]
    labels:
      description: Labels of the control-plane workload.
      type: dict
      returned: always
      sample: {app: vcluster, chart: vcluster-0.36.1, release: tenant-a, heritage: Helm}
    annotations:
      description: Annotations of the control-plane workload set by vcluster, Helm or this collection
        (keys under C(loft.sh/), C(vcluster.loft.sh/), C(sleepmode.loft.sh/), C(meta.helm.sh/),
        C(tenancy.vcluster/)).
      type: dict
      returned: always
      sample: {meta.helm.sh/release-name: tenant-a}
"""

import copy

from ansible_collections.kubernetes.core.plugins.module_utils.ansiblemodule import (
    AnsibleModule,
)
from ansible_collections.kubernetes.core.plugins.module_utils.args_common import (
    AUTH_ARG_SPEC,
)
from ansible_collections.kubernetes.core.plugins.module_utils.k8s.client import (
    get_api_client,
)
from ansible_collections.kubernetes.core.plugins.module_utils.k8s.core import (
    AnsibleK8SModule,
)
from ansible_collections.kubernetes.core.plugins.module_utils.k8s.exceptions import (
    CoreException,
)

from ansible_collections.tenancy.vcluster.plugins.module_utils.host_reads import DynamicApiError, discover_vclusters


def argspec():
    args = copy.deepcopy(AUTH_ARG_SPEC)
    args.update(
        namespace=dict(type="str"),
        name=dict(type="str"),
    )
    return args


def main():
    module = AnsibleK8SModule(
        module_class=AnsibleModule,
        argument_spec=argspec(),
        supports_check_mode=True,
    )
    try:
        client = get_api_client(module)
        found = discover_vclusters(client, module.params["namespace"], module.params["name"], module.warn)
        vclusters = found["records"]
    except CoreException as exc:
        module.fail_from_exception(exc)
    except DynamicApiError as exc:
        module.fail_json(
            msg=f"Failed to list vclusters: {exc.status} {exc.reason}. Check the host cluster credentials and that "
            "they may list StatefulSets, Deployments and Pods in the namespace (or cluster-wide without namespace).",
            error=dict(status=exc.status, reason=exc.reason, body=getattr(exc, "body", None)),
        )
    except Exception as exc:  # connection refused, TLS errors, bad kubeconfig ...
        module.fail_json(
            msg=f"Failed to list vclusters: {exc}. Check that the host cluster API server is reachable with the "
            "given kubeconfig/host options."
        )
    else:
        module.exit_json(changed=False, vclusters=vclusters)


if __name__ == "__main__":
    main()
