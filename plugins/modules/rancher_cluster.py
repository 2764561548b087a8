#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


DOCUMENTATION = r"""
module: rancher_cluster
short_description: Manage an imported (registered) cluster in Rancher, such as a vcluster
version_added: 0.1.0
author:
  - tenancy.vcluster maintainers (@tenancy)
description:
  - Creates, updates or deletes an imported cluster in Rancher 2.6 to 2.12 and returns its registration
    commands, so that the registration manifest can be applied inside the cluster (for a vcluster, with
    the vcluster's kubeconfig).
  - By default the cluster is a C(management.cattle.io/v3) cluster created through Rancher's v3 API
    (C(POST /v3/clusters) with no driver configuration). With O(api=v1) it is a C(provisioning.cattle.io/v1)
    cluster in C(fleet-default), as the Rancher UI creates it.
  - Idempotent by O(name) (Rancher compares cluster names case-insensitively). Only the labels and annotations
    given are managed; other keys (Rancher adds its own) are left alone. O(agent_env_vars) and
    O(cluster_agent_deployment_customization) are compared as a whole when given, in the form Rancher gives them
    back (quantities in canonical form, so C(0.1) and C(100m) are the same).
  - Updates go through the management cluster (C(PUT /v3/clusters/<id>) with the cluster's name, as Rancher
    requires). Labels and annotations whose key contains C(cattle.io/) cannot be changed that way (Rancher keeps
    them); the module fails instead of reporting a change that never happens.
  - On Rancher 2.11 and later, once the cluster reports driver C(k3s) or C(rke2) (a k3s vcluster, after its agent
    connected), the annotation C(rancher.io/imported-cluster-version-management) is set to C("false") unless
    O(annotations) sets it, so Rancher does not install upgrade plans into it. Rancher's webhook applies the
    annotation to those drivers only, so other clusters do not get it. Older Rancher versions do not have it; a
    warning is given when such a cluster reports driver C(k3s) or C(rke2).
  - The registration token is auto-created by Rancher; the module waits for it and its commands, and only creates
    one when none appears. When Rancher leaves the commands empty because its C(server-url) setting is unset, the
    manifest URL is built from O(rancher_url); the manifest served there points the agent at that URL, but Rancher
    does not finish an import without C(server-url), so a warning says so, and O(wait=active) fails at once.
  - The registration token is a secret. It is added to the values Ansible masks, so it shows as C(********) in
    every result and log, including inside RV(registration.manifest_url) and the commands. Use
    O(manifest_dest) to get the manifest itself into a file (mode 0600) that C(kubernetes.core.k8s) can apply.
  - Rancher re-applies the manifest itself; never apply it again to a cluster that is already connected.
options:
  name:
    description:
      - Display name of the cluster in Rancher (the v1 object name with O(api=v1)).
      - With O(api=v1) it must be a valid Kubernetes object name.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the cluster; V(absent) deletes it from Rancher and waits until it is gone
        (HTTP 404, or 403 when the token's user lost access with the cluster). Deleting an imported cluster does
        not touch the cluster itself; clean up C(cattle-system) inside it yourself.
    type: str
    choices: [present, absent]
    default: present
  api:
    description:
      - V(v3) manages a C(management.cattle.io/v3) cluster through C(/v3/clusters) (works on every Rancher 2.6-2.12,
        stable C(c-xxxxx) ids).
      - V(v1) creates a C(provisioning.cattle.io/v1) cluster in C(fleet-default) through C(/v1) (Steve); Rancher
        generates the management cluster C(c-m-xxxxxxxx). On Rancher 2.11 and later the management cluster is the
        source of truth of an imported cluster's labels, annotations and spec, so later changes are compared and
        written there; on older versions Rancher rebuilds the management cluster from the v1 object, which is
        written.
    type: str
    choices: [v3, v1]
    default: v3
  description:
    description:
      - Description of the cluster (v3 only). Not managed when omitted.
    type: str
  labels:
    description:
      - Labels the cluster must have. Keys not listed are left as they are.
    type: dict
  annotations:
    description:
      - Annotations the cluster must have. Keys not listed are left as they are.
    type: dict
  agent_env_vars:
    description:
      - Extra environment variables of the C(cattle-cluster-agent), for example C(HTTPS_PROXY). The whole list is
        compared with Rancher's. Not managed when omitted.
      - A C(NO_PROXY) value must not contain spaces (Rancher refuses it).
    type: list
    elements: dict
    suboptions:
      name:
        description: Variable name.
        type: str
        required: true
      value:
        description: Variable value.
        type: str
        default: ''
  cluster_agent_deployment_customization:
    description:
      - Rancher's C(clusterAgentDeploymentCustomization), in Rancher's own (camelCase) shape, with the keys
        C(appendTolerations) (a list of tolerations), C(overrideAffinity) (an affinity),
        C(overrideResourceRequirements) (resource requests and limits) and C(schedulingCustomization).
      - Needs Rancher 2.7.5 or later; C(schedulingCustomization) needs 2.11 or later and Rancher's feature flag
        C(cluster-agent-scheduling-customization) (off by default), which the module reads before any write. The
        module fails instead of having Rancher silently drop or refuse the field.
      - Checked before any write as Rancher's webhook checks it - toleration and node affinity keys are label names,
        label selectors are valid, a priority class value lies within +-1e9 with preemption C(PreemptLowerPriority)
        or C(Never), a PDB sets one of C(minAvailable)/C(maxUnavailable) (a whole number or C(0%)-C(100%)).
      - Compared as a whole; keys removed here are removed in Rancher (C(PUT ?_replace=true)).
      - There is no C(securityContext) in it; the agent cannot be made to pass the C(restricted) Pod Security Standard.
    type: dict
  wait:
    description:
      - What to wait for before returning, with O(state=present).
      - V(none) returns after the cluster exists (the registration token is still read if Rancher has made it).
      - V(registered) also waits for the registration token and its commands.
      - V(connected) also waits for the agent to connect (condition C(Connected=True)); apply the manifest before.
      - V(active) also waits for state C(active) (condition C(Ready=True)).
      - With O(state=absent), anything but V(none) waits until the cluster is gone.
    type: str
    choices: [none, registered, connected, active]
    default: registered
  wait_timeout:
    description:
      - Seconds to wait for O(wait) (and for a deletion to finish).
    type: int
    default: 1800
  manifest_dest:
    description:
      - Fetch the registration manifest (with the same TLS settings, so a pinned O(rancher_ca_path) is used) and
        write it to this path with mode 0600. The file holds the registration token; keep it private and remove
        it after applying.
      - The file is only rewritten when its content changes. Not written in check mode.
    type: path
extends_documentation_fragment:
  - tenancy.vcluster.rancher_auth
attributes:
  check_mode:
    support: full
    description: Reads only; no write is sent to Rancher, not even a registration token creation.
  diff_mode:
    support: full
    description: Shows the managed fields (labels, annotations, agent settings) before and after.
notes:
  - Creating clusters needs an unscoped API token with the global permission to create clusters.
  - Rancher 2.6 has no agent customization; 2.7.5-2.10 rebuild the management cluster from a v1 cluster on
    every reconcile; from 2.11 the management cluster is the source of truth for imported clusters.
seealso:
  - module: tenancy.vcluster.rancher_project
  - name: Rancher docs, registering existing clusters
    description: How imported clusters and their agents work.
    link: https://ranchermanager.docs.rancher.com/how-to-guides/new-user-guides/kubernetes-clusters-in-rancher-setup/register-existing-clusters
"""

EXAMPLES = r"""
- name: Register vcluster tenant-a in Rancher and keep the manifest for kubernetes.core.k8s
  tenancy.vcluster.rancher_cluster:
    name: vc-tenant-a
    labels:
      tenancy.vcluster/tenant: tenant-a
    agent_env_vars:
      - name: HTTPS_PROXY
        value: http://proxy.example.com:3128
    manifest_dest: /tmp/vc-tenant-a-import.yaml
    rancher_url: https://rancher.example.com
    rancher_token: "{{ vault_rancher_token }}"
    rancher_ca_path: /etc/pki/rancher-ca.pem
  register: rancher

- name: Apply the manifest inside the vcluster
  kubernetes.core.k8s:
    kubeconfig: /tmp/vc-tenant-a.kubeconfig
    src: /tmp/vc-tenant-a-import.yaml
  no_log: true
  when: not rancher.cluster.connected

- name: Wait until Rancher reports the cluster active
  tenancy.vcluster.rancher_cluster:
    name: vc-tenant-a
    wait: active
    wait_timeout: 900

- name: Agent resources on Rancher 2.7.5+
  tenancy.vcluster.rancher_cluster:
    name: vc-tenant-a
    cluster_agent_deployment_customization:
      overrideResourceRequirements:
        requests: {cpu: 50m, memory: 100Mi}

- name: Remove the cluster from Rancher (the vcluster itself stays)
  tenancy.vcluster.rancher_cluster:
    name: vc-tenant-a
    state: absent
"""

RETURN = r"""
cluster:
  description:
    - The Rancher cluster after the task. Empty after deletion, and for a cluster that would be created in check mode.
  returned: always
  type: dict
  contains:
    id:
      description: Management cluster id (C(c-xxxxx), or C(c-m-xxxxxxxx) for a v1 cluster).
      type: str
      sample: c-7x9kq
    name:
      description: Display name.
      type: str
      sample: vc-tenant-a
    v1_id:
      description: Id of the C(provisioning.cattle.io/v1) object (O(api=v1) only).
      type: str
      sample: fleet-default/vc-tenant-a
    state:
      description: Rancher state (C(pending), C(provisioning), C(waiting), C(active), C(unavailable), C(removing)).
      type: str
      sample: pending
    driver:
      description: C(imported) once the agent connected; C(k3s) or C(rke2) for such distributions; empty before.
      type: str
    transitioning:
      description: C(yes), C(no) or C(error).
      type: str
    transitioning_message:
      description: Rancher's message about the current transition or error.
      type: str
    connected:
      description: Whether condition C(Connected) is C(True).
      type: bool
    ready:
      description: Whether condition C(Ready) is C(True).
      type: bool
    conditions:
      description: Conditions (C(type), C(status), optional C(reason), C(message), C(last_update_time)).
      type: list
      elements: dict
    labels:
      description: All labels of the cluster.
      type: dict
    annotations:
      description: All annotations of the cluster.
      type: dict
    agent_env_vars:
      description: Agent environment variables.
      type: list
      elements: dict
    cluster_agent_deployment_customization:
      description: Agent deployment customization, or null.
      type: dict
registration:
  description:
    - How to register the cluster. The registration token is masked (C(********)) in all of these.
    - Empty with O(state=absent), or when no token exists yet in check mode.
  returned: always
  type: dict
  contains:
    manifest_url:
      description: URL of the registration manifest, C(<server-url>/v3/import/<token>_<cluster id>.yaml).
      type: str
    command:
      description: C(kubectl apply -f <manifest_url>).
      type: str
    insecure_command:
      description: The same with C(curl --insecure); only for Rancher servers with an untrusted certificate.
      type: str
    built:
      description: True when Rancher left the URL empty (its C(server-url) setting unset) and it was built here.
      type: bool
    manifest_path:
      description: O(manifest_dest), when given.
      type: str
server_url:
  description: Rancher's C(server-url) setting (empty when unset, see the description).
  returned: when O(state=present)
  type: str
  sample: https://rancher.example.com
server_version:
  description: Rancher's C(server-version) setting.
  returned: always
  type: str
  sample: v2.12.1
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.args import RANCHER_AUTH_ARG_SPEC
from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.cluster import APIS, STATES, WAITS, run_module


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=list(STATES), default="present"),
        api=dict(type="str", choices=list(APIS), default="v3"),
        description=dict(type="str"),
        labels=dict(type="dict"),
        annotations=dict(type="dict"),
        agent_env_vars=dict(
            type="list",
            elements="dict",
            options=dict(name=dict(type="str", required=True), value=dict(type="str", default="")),
        ),
        cluster_agent_deployment_customization=dict(type="dict"),
        wait=dict(type="str", choices=list(WAITS), default="registered"),
        wait_timeout=dict(type="int", default=1800),
        manifest_dest=dict(type="path"),
    )
    argument_spec.update(RANCHER_AUTH_ARG_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    module.exit_json(**run_module(module))


if __name__ == "__main__":
    main()
