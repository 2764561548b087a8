# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An imported cluster in Rancher (the tenancy.vcluster.rancher_cluster module): what to write, where, and when.

Where the truth lives:

* ``api=v3``: the management cluster, through ``/v3/clusters``.
* ``api=v1``: created as a ``provisioning.cattle.io/v1`` cluster; from Rancher 2.11 the management cluster is the
  source of truth of an imported cluster's labels, annotations and spec (``updateImportedCluster`` copies them onto
  the object it generates, pkg/controllers/provisioningv2/cluster/controller.go, v2.11.0+), so they are compared and
  written there; before 2.11 every reconcile rebuilds the management spec from the v1 object, which is written.

How a v3 update looks (norman v0.6.1 store/proxy ``Update`` + types/convert/merge; rancher v2.12.0
pkg/api/norman/store/cluster/cluster_store.go ``Store.Update``):

* the body must carry ``name`` (else 422 ``MissingRequired`` "Cluster name");
* ``labels``/``annotations`` in the body replace the old ones, except keys containing ``cattle.io/`` (other than
  ``field.cattle.io/*``), which keep their value and cannot be changed that way;
* other maps are merged, so removing a key of the agent customization needs ``?_replace=true``, which in turn drops
  every updatable field the body does not carry: such a body is the whole object.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.tenancy.vcluster.plugins.module_utils.private_file import PrivateFileError, sync_private_file
from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher import agent_settings, versions
from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.args import client_from_module
from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.errors import RancherError
from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.registration import Registration
from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.views import cluster_summary

STATES = ("present", "absent")
APIS = ("v3", "v1")
WAITS = ("none", "registered", "connected", "active")
READ_ONLY_FIELDS = ("links", "actions", "state", "transitioning", "transitioningMessage", "conditions")
# Poll interval in seconds while waiting, and how long the auto-created registration token may take before one is
# created; tests lower both.
POLL_INTERVAL = 3.0
TOKEN_GRACE = 10.0
TOKEN_TIMEOUT = 120.0
V1_LINK_TIMEOUT = 120.0
# How long a management-cluster write for a v1 cluster must hold before the task ends, and how long it may take.
V1_SETTLE_HOLD = 10.0
V1_SETTLE_TIMEOUT = 120.0


class ClusterInputError(Exception):
    """An option Rancher would refuse or ignore; raised before anything is written."""


def is_protected_key(key):
    """A label/annotation key a v3 update leaves as it is (norman merge ``isProtected``)."""
    return "cattle.io/" in key and (not key.startswith("field.cattle.io/") or key == "field.cattle.io/creatorId")


def _strings(mapping):
    return {k: str(v) for k, v in (mapping or {}).items()}


def merged_metadata(current, wanted):
    """The whole map to send when ``wanted`` keys differ in ``current`` (Rancher's own keys are kept), else None."""
    current = current or {}
    if all(current.get(k) == v for k, v in wanted.items()):
        return None
    return dict(current, **wanted)


def diff_view(obj):
    if not obj:
        return {}
    return {
        "name": obj.get("name"),
        "description": obj.get("description") or "",
        "labels": dict(obj.get("labels") or {}),
        "annotations": dict(obj.get("annotations") or {}),
        "agent_env_vars": agent_settings.env_vars(obj.get("agentEnvVars")),
        "cluster_agent_deployment_customization": agent_settings.canonical_customization(
            obj.get("clusterAgentDeploymentCustomization")
        ),
    }


class Desired(object):
    """What the options ask for, in the form Rancher gives it back."""

    def __init__(self, params, version):
        self.params = params
        self.version = version
        self.labels = _strings(params["labels"])
        self.annotations = _strings(params["annotations"])
        self.description = params.get("description")
        env = params["agent_env_vars"]
        self.env = None if env is None else agent_settings.env_vars(env)
        self.custom = None

    def check(self, server_version_text):
        """Option errors, before any read of the cluster."""
        custom = self.params["cluster_agent_deployment_customization"]
        if custom is not None and not versions.version_at_least(self.version, versions.AGENT_CUSTOMIZATION):
            raise ClusterInputError(
                "cluster_agent_deployment_customization needs Rancher 2.7.5 or later; this Rancher is %s. "
                "Remove the option or upgrade Rancher." % server_version_text
            )
        if agent_settings.scheduling(custom) and not versions.version_at_least(
            self.version, versions.SCHEDULING_CUSTOMIZATION
        ):
            raise ClusterInputError(
                "cluster_agent_deployment_customization.schedulingCustomization needs Rancher 2.11 or later; "
                "this Rancher is %s." % server_version_text
            )
        errors = agent_settings.customization_errors(custom) + agent_settings.env_errors(self.params["agent_env_vars"])
        if errors:
            raise ClusterInputError("Rancher would refuse these options: " + "; ".join(errors))
        self.custom = agent_settings.canonical_customization(custom)

    def annotations_for(self, driver):
        """The annotations to manage; on 2.11+ version management is turned off for k3s/rke2-driven clusters,
        the only ones the webhook applies it to."""
        wanted = dict(self.annotations)
        if driver in versions.VERSION_MANAGED_DRIVERS and versions.version_at_least(
            self.version, versions.VERSION_MANAGEMENT
        ):
            wanted.setdefault(versions.VERSION_MANAGEMENT_ANNOTATION, "false")
        return wanted

    def metadata_changes(self, current, v3_update):
        """``{labels, annotations}`` to write (whole maps) for ``current`` (a v3 cluster or a flattened v1 view)."""
        out = {}
        for field, wanted in (("labels", self.labels), ("annotations", self.annotations_for(current.get("driver")))):
            merged = merged_metadata(current.get(field), wanted)
            if merged is None:
                continue
            if v3_update:
                now = current.get(field) or {}
                stuck = sorted(k for k, v in wanted.items() if is_protected_key(k) and now.get(k) != v)
                if stuck:
                    raise ClusterInputError(
                        "%s %s of cluster %s cannot be changed through Rancher's v3 API: keys containing 'cattle.io/' "
                        "keep their value on update. Set them when the cluster is created, or drop them from %s."
                        % (field, ", ".join(stuck), current.get("name"), field)
                    )
            out[field] = merged
        if self.description is not None and (current.get("description") or "") != self.description:
            out["description"] = self.description
        return out

    def agent_changes(self, current):
        out = {}
        if self.env is not None and agent_settings.env_vars(current.get("agentEnvVars")) != self.env:
            out["agentEnvVars"] = self.env
        now = agent_settings.canonical_customization(current.get("clusterAgentDeploymentCustomization")) or {}
        if self.custom is not None and now != self.custom:
            out["clusterAgentDeploymentCustomization"] = self.custom
        return out


class ClusterTask(object):
    """One run of the module: ``run()`` returns the result; ``warnings`` and ``secret`` feed the module."""

    def __init__(self, params, client, check_mode=False, diff=False, secret=None, token_grace=10.0):
        self.params = params
        self.client = client
        self.check_mode = check_mode
        self.diff = diff
        self.warnings = []
        self.secret = secret or (lambda value: None)
        self.version = None
        self.desired = None
        self.registration = Registration(client, self._secret, TOKEN_TIMEOUT, token_grace)

    def _secret(self, value):
        self.client.add_secret(value)
        self.secret(value)

    # -- checks before a write -------------------------------------------------------------------------
    def check_scheduling_feature(self, current_custom):
        if not agent_settings.scheduling_needs_feature(current_custom, self.desired.custom):
            return
        enabled = self.client.feature_enabled(versions.SCHEDULING_CUSTOMIZATION_FEATURE)
        if not enabled:
            raise ClusterInputError(
                "cluster_agent_deployment_customization.schedulingCustomization needs Rancher's feature flag %s, "
                "which is %s on this Rancher (it is off by default). Turn it on (Global Settings > Feature Flags, or "
                "PUT /v3/features/%s with value true) or remove schedulingCustomization. Nothing was changed."
                % (
                    versions.SCHEDULING_CUSTOMIZATION_FEATURE,
                    "missing" if enabled is None else "off",
                    versions.SCHEDULING_CUSTOMIZATION_FEATURE,
                )
            )

    # -- v3 ----------------------------------------------------------------------------------------------
    def put_v3(self, current, update):
        """PUT ``update`` onto ``current`` with the name the store requires; whole object when keys go away."""
        replace = "clusterAgentDeploymentCustomization" in update and bool(
            current.get("clusterAgentDeploymentCustomization")
        )
        if replace:
            body = {k: copy.deepcopy(v) for k, v in current.items() if k not in READ_ONLY_FIELDS}
            body.update(update)
        else:
            body = dict(update)
        body["name"] = current["name"]
        return self.client.update_cluster(current["id"], body, replace=replace)

    def update_v3(self, current):
        update = self.desired.metadata_changes(current, v3_update=True)
        update.update(self.desired.agent_changes(current))
        if "clusterAgentDeploymentCustomization" in update:
            self.check_scheduling_feature(current.get("clusterAgentDeploymentCustomization"))
        return update

    def present_v3(self):
        current = self.client.find_cluster(self.params["name"])
        before = diff_view(current)
        if current is None:
            body = {"name": self.params["name"]}
            body.update(self.desired.metadata_changes({}, v3_update=False))
            body.update(self.desired.agent_changes({}))
            self.check_scheduling_feature(None)
            if self.check_mode:
                return True, None, before, diff_view(body)
            return True, self.client.create_cluster(body), before, None
        update = self.update_v3(current)
        if not update:
            return False, current, before, before
        if self.check_mode:
            return True, current, before, diff_view(dict(current, **update))
        return True, self.put_v3(current, update), before, None

    # -- v1 ----------------------------------------------------------------------------------------------
    def mgmt_is_truth(self):
        return versions.version_at_least(self.version, versions.MGMT_SOURCE_OF_TRUTH)

    def v1_flat(self, v1, mgmt):
        """A v3-like view of a v1 cluster before 2.11: metadata and agent settings of the v1 object."""
        meta, spec = v1.get("metadata") or {}, v1.get("spec") or {}
        return {
            "id": (mgmt or {}).get("id"),
            "name": meta.get("name"),
            "driver": (mgmt or {}).get("driver"),
            "labels": meta.get("labels") or {},
            "annotations": meta.get("annotations") or {},
            "agentEnvVars": spec.get("agentEnvVars") or [],
            "clusterAgentDeploymentCustomization": spec.get("clusterAgentDeploymentCustomization"),
        }

    def wait_v1_link(self, name):
        deadline = self.client.clock() + V1_LINK_TIMEOUT
        while True:
            v1 = self.client.get_cluster_v1(name)
            cid = ((v1 or {}).get("status") or {}).get("clusterName")
            if cid:
                return v1, cid
            if self.client.clock() >= deadline:
                raise RancherError(
                    "Rancher did not create the management cluster of fleet-default/%s within %ss "
                    "(status.clusterName is empty)" % (name, V1_LINK_TIMEOUT),
                    code="Timeout",
                    hint="Check Rancher's provisioning controllers",
                )
            self.client.sleep(self.client.poll_interval)

    def create_v1(self, name):
        meta = self.desired.metadata_changes({}, v3_update=False)
        agent = self.desired.agent_changes({})
        self.check_scheduling_feature(None)
        after = diff_view(dict(meta, name=name, **agent))
        if self.check_mode:
            return True, None, {}, after
        self.client.create_cluster_v1(name, spec=agent, labels=meta.get("labels"), annotations=meta.get("annotations"))
        _v1, cid = self.wait_v1_link(name)
        return True, self.client.get_cluster(cid), {}, after

    def present_v1(self):
        name = self.params["name"]
        v1 = self.client.get_cluster_v1(name)
        if v1 is None:
            return self.create_v1(name)
        cid = (v1.get("status") or {}).get("clusterName")
        if not cid:
            v1, cid = self.wait_v1_link(name)
        mgmt = self.client.get_cluster(cid)
        if self.mgmt_is_truth():
            before = diff_view(mgmt)
            update = self.update_v3(mgmt)
            if not update:
                return False, mgmt, before, before
            if self.check_mode:
                return True, mgmt, before, diff_view(dict(mgmt, **update))
            return True, self.hold_v1_update(cid, self.put_v3(mgmt, update)), before, None
        flat = self.v1_flat(v1, mgmt)
        before = diff_view(flat)
        update = self.desired.metadata_changes(flat, v3_update=False)
        update.update(self.desired.agent_changes(flat))
        if not update:
            return False, mgmt, before, before
        after = diff_view(dict(flat, **update))
        if self.check_mode:
            return True, mgmt, before, after

        def mutate(obj):
            meta = obj.setdefault("metadata", {})
            for field in ("labels", "annotations"):
                if field in update:
                    meta[field] = update[field]
            spec = obj.setdefault("spec", {})
            for field in ("agentEnvVars", "clusterAgentDeploymentCustomization"):
                if field in update:
                    spec[field] = update[field]

        self.client.update_cluster_v1(name, mutate)
        return True, self.client.get_cluster(cid), before, after

    def hold_v1_update(self, cid, mgmt):
        """Re-apply the options until the management cluster has kept them for ``V1_SETTLE_HOLD`` seconds.

        For a while after Rancher created the management cluster of a v1 cluster, its provisioning controller may
        still rebuild it from the v1 object as it was then (``createNewCluster`` when its cache lacks the new
        cluster, pkg/controllers/provisioningv2/cluster/controller.go, v2.12.0): a real 2.12 server undid a label
        written right after the cluster was created."""
        clock = self.client.clock
        started = held_since = clock()
        while clock() - held_since < V1_SETTLE_HOLD:
            if clock() - started >= V1_SETTLE_TIMEOUT:
                raise RancherError(
                    "Rancher kept undoing the update of cluster %s for %ss" % (self.params["name"], V1_SETTLE_TIMEOUT),
                    code="Timeout",
                    hint="Check Rancher's provisioning controllers and rerun",
                )
            self.client.sleep(self.client.poll_interval)
            mgmt = self.client.get_cluster(cid)
            update = self.update_v3(mgmt)
            if update:
                mgmt = self.put_v3(mgmt, update)
                held_since = clock()
        return mgmt

    # -- after the write -------------------------------------------------------------------------------
    def settle_version_management(self, current):
        """Once the agent reported a k3s/rke2 driver, turn version management off (2.11+), as the options ask."""
        update = {}
        wanted = self.desired.annotations_for(current.get("driver"))
        if wanted != self.desired.annotations:
            merged = merged_metadata(current.get("annotations"), wanted)
            if merged is not None:
                update["annotations"] = merged
        if not update or self.check_mode:
            return bool(update), current
        return True, self.put_v3(current, update)

    def write_manifest(self, reg, write):
        dest = self.params["manifest_dest"]
        if not dest or not reg:
            return False
        reg["manifest_path"] = dest
        return write(dest, self.client.fetch_manifest(reg["manifest_url"]))

    def run(self, write_manifest=None):
        self.client.ping()
        self.version = self.client.server_version()
        result = {"changed": False, "cluster": {}, "registration": {}, "server_version": ""}
        result["server_version"] = self.client.server_version_text()
        if self.params["state"] == "absent":
            return self.absent(result)
        self.desired = Desired(self.params, self.version)
        self.desired.check(result["server_version"])
        result["server_url"] = self.registration.server_url()
        present = self.present_v1 if self.params["api"] == "v1" else self.present_v3
        changed, current, before, after = present()
        result["changed"] = changed
        if current is None:
            if self.diff:
                result["diff"] = {"before": before, "after": after}
            return result
        cid = current["id"]
        reg = self.registration.commands(cid, self.params["wait"], self.check_mode, self.params["wait_timeout"])
        if write_manifest is not None and self.write_manifest(reg, write_manifest):
            result["changed"] = True
        wait = self.params["wait"]
        if wait == "active":
            self.registration.require_server_url(current.get("name"))
        if wait in ("connected", "active"):
            current = self.client.wait_cluster(cid, wait, self.params["wait_timeout"])
        else:
            current = self.client.get_cluster(cid) or current
        settled, current = self.settle_version_management(current)
        result["changed"] = result["changed"] or settled
        if self.diff:
            result["diff"] = {"before": before, "after": after if after is not None else diff_view(current)}
        summary = cluster_summary(current)
        if self.params["api"] == "v1":
            summary["v1_id"] = "fleet-default/%s" % self.params["name"]
        if summary["driver"] in versions.VERSION_MANAGED_DRIVERS and not versions.version_at_least(
            self.version, versions.VERSION_MANAGEMENT
        ):
            self.warnings.append(
                "Cluster %s reports driver %s: Rancher %s may deploy system-upgrade-controller plans into it, and "
                "has no annotation to turn that off before 2.11. Prefer the k8s distro for imported vclusters."
                % (summary["name"], summary["driver"], result["server_version"])
            )
        result["cluster"] = summary
        result["registration"] = reg
        self.warnings.extend(self.registration.warnings)
        return result

    # -- absent ------------------------------------------------------------------------------------------
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
            if self.diff:
                shown = mgmt if (mgmt and self.mgmt_is_truth()) else self.v1_flat(v1, mgmt)
                result["diff"] = {"before": diff_view(shown), "after": {}}
            if self.check_mode:
                return result
            self.client.delete_cluster_v1(name)
            if wait:
                self.client.wait_gone(self.client.v1_path(name), timeout)
                if cid:
                    self.client.wait_gone("/v3/clusters/%s" % cid, timeout)
            return result
        current = self.client.find_cluster(name)
        if current is None:
            return result
        result["changed"] = True
        if self.diff:
            result["diff"] = {"before": diff_view(current), "after": {}}
        if self.check_mode:
            return result
        self.client.delete_cluster(current["id"])
        if wait:
            self.client.wait_gone("/v3/clusters/%s" % current["id"], timeout)
        return result


def run_module(module):
    """The module's result for its validated parameters (fails the module on a Rancher or option error)."""
    task = None
    try:
        client = client_from_module(module, poll_interval=POLL_INTERVAL)
        task = ClusterTask(
            module.params,
            client,
            check_mode=module.check_mode,
            diff=module._diff,
            secret=module.no_log_values.add,
            token_grace=TOKEN_GRACE,
        )

        def write(dest, text):
            changed, _before = sync_private_file(dest, text, check_mode=module.check_mode)
            return changed

        result = task.run(write_manifest=write)
    except RancherError as err:
        module.fail_json(msg=str(err), error=err.to_dict())
    except (ClusterInputError, PrivateFileError) as err:
        module.fail_json(msg=str(err))
    for warning in task.warnings:
        module.warn(warning)
    return result
