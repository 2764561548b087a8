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
    O(cluster_agent_deployment_customization) are compared as a whole when given.
  - On Rancher 2.11 and later the annotation C(rancher.io/imported-cluster-version-management) is set to
    C("false") unless O(annotations) sets it, so Rancher does not install upgrade plans into a k3s or RKE2
    flavoured vcluster. Older Rancher versions do not have it; a warning is given when such a cluster reports
    driver C(k3s) or C(rke2).
  - The registration token is auto-created by Rancher; the module waits for it and only creates one when none
    appears. When Rancher leaves the manifest URL empty (its C(server-url) setting is unset) the URL is built
    from the token, as Rancher would, and a warning says how to fix the setting.
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
      - V(v1) manages a C(provisioning.cattle.io/v1) cluster in C(fleet-default) through C(/v1) (Steve); Rancher
        generates the management cluster C(c-m-xxxxxxxx). On Rancher 2.11 and later the management cluster is the
        source of truth for agent settings of imported clusters, so O(agent_env_vars) and
        O(cluster_agent_deployment_customization) are written there; on older versions to the v1 object.
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
      - Needs Rancher 2.7.5 or later; C(schedulingCustomization) needs 2.11 or later (and Rancher's feature flag
        C(cluster-agent-scheduling-customization)). The module fails on older versions instead of having Rancher
        silently drop the field.
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
server_version:
  description: Rancher's C(server-version) setting.
  returned: always
  type: str
  sample: v2.12.1
"""

import copy
import os
import tempfile

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.args import (
    RANCHER_AUTH_ARG_SPEC,
    client_from_module,
)
from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.client import (
    VERSION_MANAGEMENT_ANNOTATION,
    cluster_summary,
    version_at_least,
)
from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.errors import RancherError

# Poll interval in seconds while waiting; tests lower it.
POLL_INTERVAL = 3.0
# How long the auto-created registration token may take before one is created.
TOKEN_GRACE = 10.0
TOKEN_TIMEOUT = 120.0
V1_LINK_TIMEOUT = 120.0
READ_ONLY_FIELDS = ("links", "actions", "state", "transitioning", "transitioningMessage", "conditions")


def _env(items):
    return [{"name": i["name"], "value": i.get("value") or ""} for i in items or []]


class ClusterTask(object):
    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.client = client_from_module(module, poll_interval=POLL_INTERVAL)
        self.warnings = []
        self.version = None

    # -- desired state ----------------------------------------------------------------------
    def check_version_support(self):
        custom = self.params["cluster_agent_deployment_customization"]
        if custom is not None and not version_at_least(self.version, (2, 7, 5)):
            self.module.fail_json(
                msg="cluster_agent_deployment_customization needs Rancher 2.7.5 or later; this Rancher is %s. "
                "Remove the option or upgrade Rancher." % self.client.server_version_text()
            )
        if custom and custom.get("schedulingCustomization") is not None and not version_at_least(
            self.version, (2, 11, 0)
        ):
            self.module.fail_json(
                msg="cluster_agent_deployment_customization.schedulingCustomization needs Rancher 2.11 or later; "
                "this Rancher is %s." % self.client.server_version_text()
            )

    def desired_annotations(self):
        annotations = dict(self.params["annotations"] or {})
        if version_at_least(self.version, (2, 11, 0)):
            annotations.setdefault(VERSION_MANAGEMENT_ANNOTATION, "false")
        return {k: str(v) for k, v in annotations.items()}

    def changes(self, current):
        """Fields of ``current`` (a v3 cluster, or a flattened v1 view) that differ from the options."""
        out = {}
        labels = {k: str(v) for k, v in (self.params["labels"] or {}).items()}
        if any((current.get("labels") or {}).get(k) != v for k, v in labels.items()):
            out["labels"] = dict(current.get("labels") or {}, **labels)
        annotations = self.desired_annotations()
        if any((current.get("annotations") or {}).get(k) != v for k, v in annotations.items()):
            out["annotations"] = dict(current.get("annotations") or {}, **annotations)
        if self.params["description"] is not None and (current.get("description") or "") != self.params[
            "description"
        ] and self.params["api"] == "v3":
            out["description"] = self.params["description"]
        return out

    def agent_changes(self, current):
        out = {}
        if self.params["agent_env_vars"] is not None:
            wanted = _env(self.params["agent_env_vars"])
            if _env(current.get("agentEnvVars")) != wanted:
                out["agentEnvVars"] = wanted
        custom = self.params["cluster_agent_deployment_customization"]
        if custom is not None and (current.get("clusterAgentDeploymentCustomization") or {}) != custom:
            out["clusterAgentDeploymentCustomization"] = custom
        return out

    @staticmethod
    def diff_view(obj):
        if not obj:
            return {}
        return {
            "name": obj.get("name"),
            "description": obj.get("description") or "",
            "labels": dict(obj.get("labels") or {}),
            "annotations": dict(obj.get("annotations") or {}),
            "agent_env_vars": _env(obj.get("agentEnvVars")),
            "cluster_agent_deployment_customization": obj.get("clusterAgentDeploymentCustomization"),
        }

    # -- v3 ------------------------------------------------------------------------------------
    def apply_v3(self, current, update):
        replace = "clusterAgentDeploymentCustomization" in update and bool(
            current.get("clusterAgentDeploymentCustomization")
        )
        if replace:
            # Norman merges maps on PUT; removing keys needs the whole object with ?_replace=true.
            body = {k: copy.deepcopy(v) for k, v in current.items() if k not in READ_ONLY_FIELDS}
            body.update(update)
            return self.client.update_cluster(current["id"], body, replace=True)
        return self.client.update_cluster(current["id"], update)

    def present_v3(self):
        current = self.client.find_cluster(self.params["name"])
        changed = False
        before = self.diff_view(current)
        if current is None:
            changed = True
            body = {"name": self.params["name"]}
            body.update(self.changes({}))
            body.update(self.agent_changes({}))
            if self.module.check_mode:
                return changed, None, before, self.diff_view(body)
            current = self.client.create_cluster(body)
        else:
            update = self.changes(current)
            update.update(self.agent_changes(current))
            if update:
                changed = True
                after = dict(current, **update)
                if self.module.check_mode:
                    return changed, current, before, self.diff_view(after)
                current = self.apply_v3(current, update)
        return changed, current, before, self.diff_view(current)

    # -- v1 ------------------------------------------------------------------------------------
    def v1_flat(self, v1, mgmt):
        """A v3-like view of a v1 cluster: metadata from v1, agent settings from their source of truth."""
        meta = v1.get("metadata") or {}
        spec = v1.get("spec") or {}
        flat = {
            "name": meta.get("name"),
            "labels": meta.get("labels") or {},
            "annotations": meta.get("annotations") or {},
            "agentEnvVars": spec.get("agentEnvVars") or [],
            "clusterAgentDeploymentCustomization": spec.get("clusterAgentDeploymentCustomization"),
        }
        if mgmt is not None and version_at_least(self.version, (2, 11, 0)):
            flat["agentEnvVars"] = mgmt.get("agentEnvVars") or []
            flat["clusterAgentDeploymentCustomization"] = mgmt.get("clusterAgentDeploymentCustomization")
        return flat

    def wait_v1_link(self, name):
        deadline = self.client.clock() + V1_LINK_TIMEOUT
        while True:
            v1 = self.client.get_cluster_v1(name)
            cid = ((v1 or {}).get("status") or {}).get("clusterName")
            if cid:
                return v1, cid
            if self.client.clock() >= deadline:
                self.module.fail_json(
                    msg="Rancher did not create the management cluster of fleet-default/%s within %ss "
                    "(status.clusterName is empty). Check Rancher's provisioning controllers." % (name, V1_LINK_TIMEOUT)
                )
            self.client.sleep(self.client.poll_interval)

    def present_v1(self):
        name = self.params["name"]
        new_mgmt_truth = version_at_least(self.version, (2, 11, 0))
        v1 = self.client.get_cluster_v1(name)
        if v1 is None:
            meta_changes = self.changes({})
            agent = self.agent_changes({})
            after = self.diff_view(dict(meta_changes, name=name, **agent))
            if self.module.check_mode:
                return True, None, {}, after
            self.client.create_cluster_v1(
                name, spec=agent, labels=meta_changes.get("labels"), annotations=meta_changes.get("annotations")
            )
            v1, cid = self.wait_v1_link(name)
            return True, self.client.get_cluster(cid), {}, after
        cid = (v1.get("status") or {}).get("clusterName")
        if not cid:
            v1, cid = self.wait_v1_link(name)
        mgmt = self.client.get_cluster(cid)
        flat = self.v1_flat(v1, mgmt)
        before = self.diff_view(flat)
        meta_changes = self.changes(flat)
        agent = self.agent_changes(flat)
        if not meta_changes and not agent:
            return False, mgmt, before, before
        after = self.diff_view(dict(flat, **dict(meta_changes, **agent)))
        if self.module.check_mode:
            return True, mgmt, before, after
        v1_agent = {} if new_mgmt_truth else agent
        if meta_changes or v1_agent:

            def mutate(obj):
                meta = obj.setdefault("metadata", {})
                if "labels" in meta_changes:
                    meta["labels"] = meta_changes["labels"]
                if "annotations" in meta_changes:
                    meta["annotations"] = meta_changes["annotations"]
                spec = obj.setdefault("spec", {})
                spec.update(v1_agent)

            self.client.update_cluster_v1(name, mutate)
        if new_mgmt_truth and agent:
            self.apply_v3(mgmt, agent)
        return True, self.client.get_cluster(cid), before, after

    # -- registration ----------------------------------------------------------------------------
    def registration(self, cluster_id):
        wait = self.params["wait"]
        if self.module.check_mode:
            crt = self.client.find_registration_token(cluster_id)
            if crt is None or not crt.get("token"):
                return {}
        elif wait == "none":
            crt = self.client.registration_token(cluster_id, create=False, timeout=0)
            if crt is None:
                return {}
        else:
            crt = self.client.registration_token(
                cluster_id, create=True, timeout=min(TOKEN_TIMEOUT, self.params["wait_timeout"]), grace=TOKEN_GRACE
            )
        token = crt.get("token")
        if token:
            # Ansible masks this value in every result, warning and log line from here on.
            self.module.no_log_values.add(token)
            self.client.add_secret(token)
        server_url = None
        if not crt.get("manifestUrl"):
            server_url = self.client.setting("server-url")
            if not server_url:
                self.warnings.append(
                    "Rancher's server-url setting is unset, so Rancher left the registration URL empty and the agent "
                    "will not know where to connect. The manifest URL was built from rancher_url. Set it once "
                    "(Global Settings > server-url, or PUT /v3/settings/server-url) to the URL the agents can reach."
                )
        reg, built = self.client.registration(crt, cluster_id, server_url=server_url or None)
        reg["built"] = built
        return reg

    def write_manifest(self, reg):
        dest = self.params["manifest_dest"]
        if not dest or not reg:
            return False
        reg["manifest_path"] = dest
        text = self.client.fetch_manifest(reg["manifest_url"])
        data = text.encode("utf-8")
        try:
            with open(dest, "rb") as handle:
                if handle.read() == data:
                    if (os.stat(dest).st_mode & 0o777) != 0o600:
                        if not self.module.check_mode:
                            os.chmod(dest, 0o600)
                        return True
                    return False
        except OSError:
            pass
        if self.module.check_mode:
            return True
        directory = os.path.dirname(os.path.abspath(dest))
        fd, tmp = tempfile.mkstemp(prefix=".rancher-manifest-", dir=directory)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.rename(tmp, dest)
        except Exception:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return True

    # -- main --------------------------------------------------------------------------------------
    def run(self):
        self.client.ping()
        self.version = self.client.server_version()
        result = {"changed": False, "cluster": {}, "registration": {}, "server_version": ""}
        result["server_version"] = self.client.server_version_text()
        if self.params["state"] == "absent":
            return self.absent(result)
        self.check_version_support()
        if self.params["api"] == "v1":
            changed, current, before, after = self.present_v1()
        else:
            changed, current, before, after = self.present_v3()
        result["changed"] = changed
        if self.module._diff:
            result["diff"] = {"before": before, "after": after}
        if current is None:
            return result
        cid = current["id"]
        reg = self.registration(cid)
        if self.write_manifest(reg):
            result["changed"] = True
        wait = self.params["wait"]
        if wait in ("connected", "active") and not (self.module.check_mode and changed and current is None):
            current = self.client.wait_cluster(cid, wait, self.params["wait_timeout"])
        else:
            current = self.client.get_cluster(cid) or current
        summary = cluster_summary(current)
        if self.params["api"] == "v1":
            summary["v1_id"] = "fleet-default/%s" % self.params["name"]
        if summary["driver"] in ("k3s", "rke2") and not version_at_least(self.version, (2, 11, 0)):
            self.warnings.append(
                "Cluster %s reports driver %s: Rancher %s may deploy system-upgrade-controller plans into it, and "
                "has no annotation to turn that off before 2.11. Prefer the k8s distro for imported vclusters."
                % (summary["name"], summary["driver"], result["server_version"])
            )
        result["cluster"] = summary
        result["registration"] = reg
        return result

    def absent(self, result):
        name = self.params["name"]
        wait = self.params["wait"] != "none"
        timeout = self.params["wait_timeout"]
        if self.params["api"] == "v1":
            v1 = self.client.get_cluster_v1(name)
            if v1 is None:
                return result
            cid = (v1.get("status") or {}).get("clusterName")
            mgmt = self.client.get_cluster(cid) if cid else None
            result["changed"] = True
            if self.module._diff:
                result["diff"] = {"before": self.diff_view(self.v1_flat(v1, mgmt)), "after": {}}
            if self.module.check_mode:
                return result
            self.client.delete_cluster_v1(name)
            if wait:
                self.client.wait_gone(self.client._v1_path(name), timeout)
                if cid:
                    self.client.wait_gone("/v3/clusters/%s" % cid, timeout)
            return result
        current = self.client.find_cluster(name)
        if current is None:
            return result
        result["changed"] = True
        if self.module._diff:
            result["diff"] = {"before": self.diff_view(current), "after": {}}
        if self.module.check_mode:
            return result
        self.client.delete_cluster(current["id"])
        if wait:
            self.client.wait_gone("/v3/clusters/%s" % current["id"], timeout)
        return result


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        api=dict(type="str", choices=["v3", "v1"], default="v3"),
        description=dict(type="str"),
        labels=dict(type="dict"),
        annotations=dict(type="dict"),
        agent_env_vars=dict(
            type="list",
            elements="dict",
            options=dict(name=dict(type="str", required=True), value=dict(type="str", default="")),
        ),
        cluster_agent_deployment_customization=dict(type="dict"),
        wait=dict(type="str", choices=["none", "registered", "connected", "active"], default="registered"),
        wait_timeout=dict(type="int", default=1800),
        manifest_dest=dict(type="path"),
    )
    argument_spec.update(RANCHER_AUTH_ARG_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        task = ClusterTask(module)
        result = task.run()
    except RancherError as err:
        module.fail_json(msg=str(err), error=err.to_dict())
    for warning in task.warnings:
        module.warn(warning)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
