# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the stand-in knows, and the controllers that change it over time, as Rancher v2.12.0's do.

Controllers run on a background loop (``controller_interval``, and the hooks ``step()``/``connected_tick()``), never
as a side effect of a read. Sources (rancher/rancher v2.12.0 unless noted):

* cluster creation: pkg/api/norman/store/cluster/cluster_store.go ``Create`` (name required and unique,
  case-insensitively, among the clusters the caller can list: ``canUseClusterName``; ``setInitialConditions``);
* registration token, three separate steps: the ``cluster-watch`` handler creates ``default-token``
  (pkg/controllers/provisioningv2/cluster/controller.go ``createToken``), the token controller fills
  ``status.token``, then ``assignStatus`` the commands, which stay empty while ``server-url`` is unset
  (pkg/controllers/dashboard/clusterregistrationtoken/clusterregistrationtoken.go, status.go);
* agent connection: the tunnel authorizer sets the driver (``imported``, or ``k3s``/``rke2`` from the version)
  when the agent connects (pkg/tunnelserver/mcmauthorizer/tunnel.go, clusterprovisioner ``k3sBasedClusterConfig``);
  the ``Connected`` condition is only set by a 15 s loop, ``False`` for a cluster without a session, and a lost
  session turns ``Ready`` False/Disconnected once provisioned (pkg/controllers/management/clusterconnected);
* agent deployment: refused while ``server-url`` is unset ("waiting for server-url setting to be set",
  pkg/controllers/management/clusterdeploy/clusterdeploy.go ``getYAML``); then ``Ready`` (healthsyncer) and the
  Default and System projects;
* projects are ``initializing`` until their controllers ran (pkg/controllers/management/auth/project_cluster);
* v1 provisioning clusters: the generating handler makes the management cluster ``c-m-xxxxxxxx``; before 2.11 every
  reconcile rebuilds its spec from the v1 object, from 2.11 the management cluster is the source of truth
  (pkg/controllers/provisioningv2/cluster/controller.go ``createNewCluster``/``updateImportedCluster``).
"""

import base64
import copy
import datetime
import random
import string
import uuid

from . import webhook
from .gojson import stored_customization, with_schema_types
from .norman import ApiError, apply_update
from .profiles import get_profile

TOKEN_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
NAME_ALPHABET = string.ascii_lowercase + string.digits
UPDATABLE_CLUSTER_FIELDS = (
    "description",
    "agentEnvVars",
    "clusterAgentDeploymentCustomization",
    "fleetAgentDeploymentCustomization",
    "enableNetworkPolicy",
    "fleetWorkspaceName",
    "importedConfig",
    "k3sConfig",
    "rke2Config",
)
STRUCT_CLUSTER_FIELDS = (
    "clusterAgentDeploymentCustomization",
    "fleetAgentDeploymentCustomization",
    "importedConfig",
    "k3sConfig",
    "rke2Config",
)
PROJECT_FIELDS = (
    "name",
    "description",
    "labels",
    "annotations",
    "resourceQuota",
    "namespaceDefaultResourceQuota",
    "containerDefaultResourceLimit",
)
STATE_BY_UNKNOWN = (
    ("Pending", "pending"),
    ("Provisioned", "provisioning"),
    ("AgentDeployed", "provisioning"),
    ("Waiting", "waiting"),
    ("Updated", "updating"),
)
CRT_COMMANDS = ("manifestUrl", "command", "insecureCommand", "nodeCommand", "insecureNodeCommand",
                "windowsNodeCommand", "insecureWindowsNodeCommand")


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def rand(alphabet, n):
    return "".join(random.choice(alphabet) for _i in range(n))


def condition(ctype, status, message="", reason=""):
    cond = {"type": ctype, "status": status, "lastUpdateTime": now()}
    if message:
        cond["message"] = message
    if reason:
        cond["reason"] = reason
    return cond


def set_condition(obj, ctype, status, message="", reason=""):
    for cond in obj["conditions"]:
        if cond["type"] == ctype:
            if cond["status"] != status:
                cond["lastUpdateTime"] = now()
            cond["status"] = status
            cond["message"] = message
            if reason:
                cond["reason"] = reason
            return
    obj["conditions"].append(condition(ctype, status, message, reason))


def condition_of(obj, ctype):
    for cond in obj.get("conditions") or []:
        if cond["type"] == ctype:
            return cond
    return {}


def summarize(obj):
    """state, transitioning, transitioningMessage from the conditions (wrangler pkg/summary)."""
    if obj.get("_removing"):
        return "removing", "yes", "waiting for cluster to be removed"
    conds = {c["type"]: c for c in obj["conditions"]}
    ready = conds.get("Ready")
    if ready and ready["status"] == "False":
        return "unavailable", "error", ready.get("message") or "Cluster agent is not connected"
    for ctype, state in STATE_BY_UNKNOWN:
        cond = conds.get(ctype)
        if cond and cond["status"] == "Unknown":
            return state, "yes", cond.get("message") or ""
    if ready and ready["status"] == "True":
        return "active", "no", ""
    return "pending", "yes", ""


class StandinState:
    """Everything the stand-in knows; every access under the stand-in's lock."""

    def __init__(self, standin, profile, token, password, server_url, cacerts, options):
        self.standin = standin
        self.profile = get_profile(profile)
        self.password = password
        self.options = options
        self.settings = {
            "server-url": server_url,
            "cacerts": cacerts,
            "server-version": self.profile["version"],
            "imported-cluster-version-management": "true",
        }
        self.features = {}
        if self.profile["scheduling_customization"]:
            self.features[webhook.SCHEDULING_FEATURE] = {"value": None, "default": False, "dynamic": True}
        self.tokens, self.clusters, self.removed, self.crts = {}, {}, {}, {}
        self.projects, self.namespaces, self.v1 = {}, {}, {}
        self.faults, self.requests = [], []
        self.agent_check = options["agent_check"]
        self.resource_version = 1000
        self.last_connected_tick = 0.0
        self.last_agent_poll = {}
        self.admin_token = self.add_token(token, role="admin")
        self.add_local_cluster()

    def add_local_cluster(self):
        """Rancher's own cluster: id ``local``, internal, active, with its Default and System projects
        (``local:p-xxxxx``) (pkg/data/management/cluster_data.go ``addLocalCluster``)."""
        obj = self.new_cluster({"name": "local"}, cluster_id="local")
        obj["internal"] = True
        obj["driver"] = "imported"
        obj["_session"] = {"version": "v1.34.4"}
        self.make_active(obj)
        for project in self.projects.values():
            project["_ticks"] = 2

    # -- tokens and visibility -----------------------------------------------------------------------
    def add_token(self, value=None, role="admin", cluster_id=None):
        if value:
            tid, _sep, secret = value.partition(":")
        else:
            tid, secret = "token-" + rand(NAME_ALPHABET, 5), rand(TOKEN_ALPHABET, 54)
        user = "user-admin" if role == "admin" else "u-" + rand(NAME_ALPHABET, 5)
        self.tokens[tid] = {"secret": secret, "role": role, "clusterId": cluster_id, "revoked": False, "user": user}
        return "%s:%s" % (tid, secret)

    def authenticate(self, header):
        value = None
        if header.startswith("Bearer "):
            value = header[7:].strip()
        elif header.startswith("Basic "):
            try:
                value = base64.b64decode(header[6:]).decode("utf-8")
            except ValueError:
                value = None
        if not value or ":" not in value:
            raise ApiError(401, "Unauthorized", "must authenticate", fmt="auth")
        tid, _sep, secret = value.partition(":")
        tok = self.tokens.get(tid)
        if not tok or tok["secret"] != secret or tok["revoked"]:
            raise ApiError(401, "Unauthorized", "must authenticate", fmt="auth")
        return tid, tok

    @staticmethod
    def can_see(tok, obj):
        """Admins see every cluster; other users the clusters they created (their cluster-owner binding)."""
        return tok is None or tok["role"] == "admin" or obj.get("creatorId") == tok["user"]

    # -- helpers ---------------------------------------------------------------------------------------
    def next_rv(self):
        self.resource_version += 1
        return str(self.resource_version)

    def server_url(self):
        return self.settings["server-url"]

    def agent_url(self):
        """Where a manifest fetched from the stand-in's own URL points the agent (server-url, else that root)."""
        return self.settings["server-url"] or self.standin.url

    def feature_enabled(self, name):
        feature = self.features.get(name)
        if feature is None:
            return False
        return feature["default"] if feature["value"] is None else bool(feature["value"])

    @staticmethod
    def public(obj):
        return {k: copy.deepcopy(v) for k, v in obj.items() if not k.startswith("_")}

    # -- clusters ----------------------------------------------------------------------------------------
    def check_name_free(self, name, tok, ignore=None):
        for other in self.clusters.values():
            if other is not ignore and self.can_see(tok, other) and other["name"].lower() == name.lower():
                raise ApiError(422, "NotUnique", "Cluster name must be unique", field="Cluster name")

    def new_cluster(self, body, tok=None, cluster_id=None):
        name = body.get("name")
        if not name:
            raise ApiError(422, "MissingRequired", "", field="Cluster name")
        self.check_name_free(name, tok)
        cid = cluster_id or "c-" + rand(NAME_ALPHABET, 5)
        obj = {
            "type": "cluster",
            "baseType": "cluster",
            "id": cid,
            "name": name,
            "uuid": str(uuid.uuid4()),
            "created": now(),
            "creatorId": tok["user"] if tok else "user-admin",
            "driver": "",
            "internal": False,
            "labels": {"cattle.io/creator": "norman"},
            "annotations": {},
            "agentEnvVars": [],
            "fleetWorkspaceName": "fleet-default",
            "enableNetworkPolicy": False,
            "conditions": [
                condition("Pending", "Unknown", "waiting for full cluster configuration", "Pending"),
                condition("Provisioned", "Unknown"),
                condition("Waiting", "Unknown", "Waiting for API to be available"),
            ],
            "_phase": "pending",
            "_ticks": 0,
            "_session": None,
        }
        for key in UPDATABLE_CLUSTER_FIELDS:
            if key in body:
                obj[key] = copy.deepcopy(body[key])
        for key in ("labels", "annotations"):
            obj[key].update({k: str(v) for k, v in (body.get(key) or {}).items()})
        self.store_fields(obj)
        self.admit_v3(None, obj)
        self.clusters[cid] = obj
        return obj

    def store_fields(self, obj):
        """The spec as Rancher stores it: fields this version does not know are dropped (as Norman drops unknown
        fields), customizations come back in their Go form (:mod:`.gojson`)."""
        if not self.profile["agent_customization"]:
            obj.pop("clusterAgentDeploymentCustomization", None)
            obj.pop("fleetAgentDeploymentCustomization", None)
        custom = obj.get("clusterAgentDeploymentCustomization")
        if isinstance(custom, dict) and not self.profile["scheduling_customization"]:
            custom.pop("schedulingCustomization", None)
        if isinstance(obj.get("agentEnvVars"), list):
            obj["agentEnvVars"] = [{k: v for k, v in e.items() if k != "type"} for e in obj["agentEnvVars"]]
        for field in ("clusterAgentDeploymentCustomization", "fleetAgentDeploymentCustomization"):
            if isinstance(obj.get(field), dict):
                try:
                    obj[field] = stored_customization(obj[field])
                except ValueError as err:
                    raise ApiError(400, "BadRequest", "%s: %s" % (field, err)) from None

    def admit_v3(self, old, new):
        """The management-cluster webhooks, mutating then validating, on a create or update."""
        if self.profile["version_management"]:
            webhook.mutate_v3_version_management(new)
            webhook.validate_v3_version_management(new)
        if self.profile["scheduling_customization"]:
            webhook.validate_scheduling(old, new, self.feature_enabled(webhook.SCHEDULING_FEATURE),
                                        webhook.V3_WEBHOOK)

    def update_cluster(self, obj, body, replace, tok=None):
        """``Store.Update``: the name is required; norman merges the body (see :mod:`.norman`)."""
        name = body.get("name")
        if not isinstance(name, str) or not name:
            raise ApiError(422, "MissingRequired", "", field="Cluster name")
        if name.lower() != obj["name"].lower():
            self.check_name_free(name, tok, ignore=obj)
        new = apply_update(copy.deepcopy(obj), body, UPDATABLE_CLUSTER_FIELDS, STRUCT_CLUSTER_FIELDS, replace)
        new["name"] = name
        self.store_fields(new)
        self.admit_v3(obj, new)
        obj.clear()
        obj.update(new)
        # A cluster change recomputes the token status (rancher/rancher#39779).
        for key, crt in self.crts.items():
            if key.startswith(obj["id"] + ":") and crt["token"]:
                self.refresh_crt(crt)
        return obj

    def cluster_or_error(self, cid):
        obj = self.clusters.get(cid)
        if obj is not None:
            return obj
        if cid in self.removed and self.options["forbid_after_delete"]:
            raise ApiError(403, "PermissionDenied",
                           'clusters.management.cattle.io "%s" is forbidden: User "user-admin" cannot get resource '
                           '"clusters" in API group "management.cattle.io" at the cluster scope' % cid)
        raise ApiError(404, "NotFound", 'clusters.management.cattle.io "%s" not found' % cid)

    def cluster_view(self, obj, base):
        state, transitioning, message = summarize(obj)
        obj["state"], obj["transitioning"], obj["transitioningMessage"] = state, transitioning, message
        view = with_schema_types(self.public(obj))
        link = "%s/v3/clusters/%s" % (base, obj["id"])
        view["links"] = {
            "self": link,
            "update": link,
            "remove": link,
            "clusterRegistrationTokens": link + "/clusterregistrationtokens",
            "namespaces": link + "/namespaces",
            "projects": "%s/v3/projects?clusterId=%s" % (base, obj["id"]),
        }
        view["actions"] = {"generateKubeconfig": link + "?action=generateKubeconfig"}
        return view

    # -- registration tokens -------------------------------------------------------------------------
    def new_crt(self, cid, name, token=""):
        crt = {
            "type": "clusterRegistrationToken",
            "baseType": "clusterRegistrationToken",
            "id": "%s:%s" % (cid, name),
            "name": name,
            "namespaceId": cid,
            "clusterId": cid,
            "created": now(),
            "state": "active",
            "token": token,
            "_ticks": 0,
        }
        for key in CRT_COMMANDS:
            crt[key] = ""
        self.crts[crt["id"]] = crt
        return crt

    def refresh_crt(self, crt):
        """``assignStatus``: the commands, or nothing while server-url is unset."""
        url = self.server_url()
        if not url or not crt["token"]:
            return
        manifest = "%s/v3/import/%s_%s.yaml" % (url, crt["token"], crt["clusterId"])
        crt["manifestUrl"] = manifest
        crt["command"] = "kubectl apply -f %s" % manifest
        crt["insecureCommand"] = "curl --insecure -sfL %s | kubectl apply -f -" % manifest
        crt["nodeCommand"] = "curl -fL %s/system-agent-install.sh | sudo sh -s - --server %s --token %s" % (
            url, url, crt["token"])
        crt["insecureNodeCommand"] = "curl --insecure -fL %s/system-agent-install.sh | sudo sh -s - --server %s" \
            " --token %s" % (url, url, crt["token"])

    def default_token(self, cid):
        return self.crts.get("%s:default-token" % cid)

    # -- controllers -----------------------------------------------------------------------------------
    def step(self, clock):
        """One pass of every controller (the background loop calls this every ``controller_interval``)."""
        for v1 in list(self.v1.values()):
            self.link_v1(v1, clock)
        for obj in list(self.clusters.values()):
            obj["_ticks"] += 1
            self.reconcile_v1_to_mgmt(obj, clock)
            if obj.get("_removing"):
                if obj["_ticks"] >= self.options["delete_after_steps"]:
                    self.finish_removal(obj)
                continue
            self.token_step(obj)
            self.poll_agent(obj, clock)
            self.provision_step(obj)
        if clock - self.last_connected_tick >= self.options["connect_interval"]:
            self.connected_tick(clock)
        for project in self.projects.values():
            project["_ticks"] += 1
            if project["_ticks"] >= 2 and project["state"] == "initializing":
                project["state"], project["transitioning"] = "active", "no"

    def token_step(self, obj):
        """create ``default-token`` -> fill its token -> its commands: one step per pass."""
        crt = self.default_token(obj["id"])
        if crt is None:
            self.new_crt(obj["id"], "default-token")
        elif not crt["token"]:
            crt["token"] = rand(TOKEN_ALPHABET, 54)
        elif not crt["manifestUrl"] and not crt.get("_assigned"):
            crt["_assigned"] = True  # assignStatus ran; it only runs again when the cluster or token changes
            self.refresh_crt(crt)

    def poll_agent(self, obj, clock):
        """The agent's tunnel: whether the agent check finds the manifest applied where the agent would run."""
        if self.agent_check is None or obj.get("internal"):
            return
        crt = self.default_token(obj["id"])
        last = self.last_agent_poll.get(obj["id"], 0.0)
        if not (crt and crt["token"]) or clock - last < self.options["agent_poll_interval"]:
            return
        self.last_agent_poll[obj["id"]] = clock
        found = self.agent_check(obj["id"], crt["token"], self.agent_url())
        if found:
            if obj["_session"] is None:
                self.authorize(obj, found.get("version"))
        elif obj["_session"] is not None:
            obj["_session"] = None

    def authorize(self, obj, version=None):
        """The tunnel authorizer on the agent's first connection: driver and API endpoint, no condition yet."""
        version = version or "v1.33.1"
        obj["_session"] = {"version": version}
        if obj["driver"]:
            return
        obj["driver"] = "imported"
        for driver in ("k3s", "rke2"):
            if driver in version:
                obj["driver"] = driver
                obj["%sConfig" % driver] = {"kubernetesVersion": version}
        obj["apiEndpoint"] = "https://10.96.0.1:443"
        obj["caCert"] = base64.b64encode(b"-----BEGIN CERTIFICATE-----\nstandin\n-----END CERTIFICATE-----\n").decode()
        obj["version"] = {"gitVersion": version}
        if self.profile["version_management"]:
            webhook.mutate_v3_version_management(obj)

    def connected_tick(self, clock):
        """clusterconnected ``checkCluster`` for every cluster (a 15 s ticker upstream)."""
        self.last_connected_tick = clock
        for obj in self.clusters.values():
            if obj.get("_removing"):
                continue
            if obj.get("internal"):  # Rancher's own cluster is always connected
                set_condition(obj, "Connected", "True")
                continue
            has_session = obj["_session"] is not None
            connected = condition_of(obj, "Connected").get("status")
            if has_session and connected == "True":
                continue
            if not has_session and connected == "False" and condition_of(obj, "Ready").get("reason") == "Disconnected":
                continue
            set_condition(obj, "Connected", "True" if has_session else "False")
            if not has_session and condition_of(obj, "Provisioned").get("status") == "True":
                set_condition(obj, "Ready", "False", "Cluster agent is not connected", "Disconnected")
                obj["_phase"] = "disconnected"

    def provision_step(self, obj):
        """provisioner -> clusterdeploy -> healthsyncer, one step per pass once the agent is connected."""
        if not obj["driver"] or condition_of(obj, "Connected").get("status") != "True":
            return
        if condition_of(obj, "Provisioned").get("status") != "True":
            set_condition(obj, "Pending", "True")
            set_condition(obj, "Provisioned", "True")
            set_condition(obj, "AgentDeployed", "Unknown", "deploying agent")
            obj["_phase"], obj["_ticks"] = "connected", 0
        elif condition_of(obj, "AgentDeployed").get("status") != "True":
            if not self.server_url():
                set_condition(obj, "AgentDeployed", "Unknown", "waiting for server-url setting to be set")
                return
            set_condition(obj, "AgentDeployed", "True")
            obj["appliedAgentEnvVars"] = copy.deepcopy(obj.get("agentEnvVars") or [])
            if self.profile["agent_customization"]:
                obj["appliedClusterAgentDeploymentCustomization"] = copy.deepcopy(
                    obj.get("clusterAgentDeploymentCustomization"))
            obj["_phase"], obj["_ticks"] = "deployed", 0
        elif obj["_ticks"] >= self.options["ready_after_steps"] and condition_of(obj, "Ready").get("status") != "True":
            self.make_active(obj)

    def make_active(self, obj):
        for ctype in ("Pending", "Provisioned", "AgentDeployed", "Waiting", "Ready", "Updated", "Connected"):
            set_condition(obj, ctype, "True")
        if not any(p["clusterId"] == obj["id"] for p in self.projects.values()):
            for name, label in (("Default", "default-project"), ("System", "system-project")):
                project = self.new_project({"name": name, "clusterId": obj["id"],
                                            "labels": {"authz.management.cattle.io/%s" % label: "true"}})
                project["state"], project["transitioning"] = "active", "no"
            set_condition(obj, "DefaultProjectCreated", "True")
            set_condition(obj, "SystemProjectCreated", "True")
        obj["_phase"] = "active"

    def start_removal(self, obj):
        obj["_removing"] = True
        set_condition(obj, "Removed", "Unknown", "removing")
        obj["_phase"], obj["_ticks"] = "removing", 0
        if self.options["delete_after_steps"] <= 0:
            self.finish_removal(obj)

    def finish_removal(self, obj):
        cid = obj["id"]
        self.clusters.pop(cid, None)
        self.removed[cid] = obj["name"]
        for table in (self.crts, self.projects):
            for key in [k for k in table if k.startswith(cid + ":")]:
                del table[key]
        self.namespaces.pop(cid, None)
        for name in [n for n, v in self.v1.items() if v["status"].get("clusterName") == cid]:
            del self.v1[name]

    # -- v1 provisioning clusters --------------------------------------------------------------------
    def v1_for(self, cid):
        for v1 in self.v1.values():
            if v1["status"].get("clusterName") == cid:
                return v1
        return None

    def new_v1(self, body, tok):
        meta = body.get("metadata") or {}
        name, namespace = meta.get("name"), meta.get("namespace") or "fleet-default"
        if not name:
            raise ApiError(422, "MissingRequired", "metadata.name is required", fmt="steve")
        if namespace != "fleet-default":
            raise ApiError(403, "Forbidden", 'namespace "%s" is not a fleet workspace' % namespace, fmt="steve")
        if name in self.v1:
            raise ApiError(409, "AlreadyExists", 'clusters.provisioning.cattle.io "%s" already exists' % name,
                           fmt="steve")
        spec = copy.deepcopy(body.get("spec") or {})
        if spec.get("rkeConfig"):
            raise ApiError(422, "InvalidBodyContent", "the stand-in only models imported clusters (no rkeConfig)",
                           fmt="steve")
        obj = {
            "id": "%s/%s" % (namespace, name),
            "type": "provisioning.cattle.io.cluster",
            "apiVersion": "provisioning.cattle.io/v1",
            "kind": "Cluster",
            "metadata": {
                "name": name,
                "namespace": namespace,
                "uid": str(uuid.uuid4()),
                "generation": 1,
                "resourceVersion": self.next_rv(),
                "creationTimestamp": now(),
                "labels": dict(meta.get("labels") or {}),
                "annotations": dict(meta.get("annotations") or {}, **{"field.cattle.io/creatorId": tok["user"]}),
            },
            "spec": spec,
            "status": {},
        }
        webhook.validate_v1(None, obj, name in self.clusters, self.feature_enabled(webhook.SCHEDULING_FEATURE))
        self.v1[name] = obj
        return obj

    def update_v1(self, v1, body):
        meta = body.get("metadata") or {}
        name = v1["metadata"]["name"]
        if meta.get("resourceVersion") != v1["metadata"]["resourceVersion"]:
            raise ApiError(409, "Conflict", 'Operation cannot be fulfilled on clusters.provisioning.cattle.io '
                                            '"%s": the object has been modified; please apply your changes to '
                                            'the latest version and try again' % name, fmt="steve")
        new = copy.deepcopy(v1)
        new["metadata"]["labels"] = dict(meta.get("labels") or {})
        new["metadata"]["annotations"] = dict(meta.get("annotations") or {})
        new["spec"] = copy.deepcopy(body.get("spec") or {})
        webhook.validate_v1(v1, new, True, self.feature_enabled(webhook.SCHEDULING_FEATURE))
        if new["spec"] != v1["spec"]:
            new["metadata"]["generation"] += 1
        new["metadata"]["resourceVersion"] = self.next_rv()
        v1.clear()
        v1.update(new)
        return v1

    def link_v1(self, v1, clock):
        """The generating handler: create the management cluster ``c-m-xxxxxxxx`` of a new v1 cluster, with the v1
        object's labels and annotations (``createNewCluster``, pkg/controllers/provisioningv2/cluster/controller.go,
        v2.12.0)."""
        if v1["status"].get("clusterName") or v1.get("_deleting"):
            return
        annotations = v1["metadata"]["annotations"]
        cid = "c-m-" + rand(NAME_ALPHABET, 8)
        if self.profile["mgmt_name_annotation"] and annotations.get("provisioning.cattle.io/management-cluster-name"):
            cid = annotations["provisioning.cattle.io/management-cluster-name"]
        spec = v1["spec"]
        body = {
            "name": v1["metadata"]["name"],
            "labels": dict(v1["metadata"]["labels"]),
            "annotations": dict(v1["metadata"]["annotations"], **{"provisioning.cattle.io/administrated": "false"}),
            "agentEnvVars": copy.deepcopy(spec.get("agentEnvVars") or []),
            "importedConfig": {},
        }
        if spec.get("clusterAgentDeploymentCustomization") is not None:
            body["clusterAgentDeploymentCustomization"] = copy.deepcopy(spec["clusterAgentDeploymentCustomization"])
        mgmt = self.new_cluster(body, cluster_id=cid)
        mgmt["_v1"], mgmt["_linked_at"] = v1["metadata"]["name"], clock
        mgmt["_v1_at_link"] = copy.deepcopy({key: v1["metadata"][key] for key in ("labels", "annotations")})
        v1["status"]["clusterName"] = cid
        v1["status"]["fleetWorkspaceName"] = "fleet-default"

    def reconcile_v1_to_mgmt(self, mgmt, clock):
        """<= 2.10: every reconcile rebuilds the mgmt labels and spec from the v1 object (v3 edits are lost).
        2.11+: the same for labels and annotations, from the v1 object as it was when the management cluster was
        created, while the controller's cache lacks the new cluster (``createNewCluster`` with stale caches),
        ``v1_cache_lag`` seconds after it was created; then the management cluster is the source of truth
        (``updateImportedCluster``)."""
        name = mgmt.get("_v1")
        v1 = self.v1.get(name) if name else None
        if v1 is None:
            return
        if self.profile["mgmt_source_of_truth"]:
            if clock - mgmt["_linked_at"] < self.options["v1_cache_lag"]:
                created_from = mgmt["_v1_at_link"]
                mgmt["labels"] = dict(mgmt.get("labels") or {}, **created_from["labels"])
                mgmt["annotations"] = dict(mgmt.get("annotations") or {}, **created_from["annotations"])
            return
        spec = v1["spec"]
        mgmt["labels"] = dict(mgmt.get("labels") or {}, **v1["metadata"]["labels"])
        mgmt["agentEnvVars"] = copy.deepcopy(spec.get("agentEnvVars") or [])
        if self.profile["agent_customization"]:
            if spec.get("clusterAgentDeploymentCustomization") is not None:
                mgmt["clusterAgentDeploymentCustomization"] = copy.deepcopy(spec["clusterAgentDeploymentCustomization"])
            else:
                mgmt.pop("clusterAgentDeploymentCustomization", None)

    def v1_view(self, v1, base):
        cid = v1["status"].get("clusterName")
        mgmt = self.clusters.get(cid) if cid else None
        status = v1["status"]
        conds = [condition("Created", "True")]
        if mgmt is not None:
            if condition_of(mgmt, "Ready").get("status") == "True":
                status["ready"] = True  # sticky: "never set ready back to false"
            status.setdefault("ready", False)
            status["agentDeployed"] = condition_of(mgmt, "AgentDeployed").get("status") == "True"
            status["observedGeneration"] = v1["metadata"]["generation"]
            conds += [copy.deepcopy(c) for c in mgmt["conditions"]
                      if c["type"] not in ("Updated", "Provisioned", "Removed")]
        status["conditions"] = conds
        view = self.public(v1)
        view["links"] = {"self": "%s/v1/provisioning.cattle.io.clusters/%s" % (base, v1["id"])}
        if v1.get("_deleting"):
            view["metadata"]["deletionTimestamp"] = v1["_deleting"]
            view["metadata"]["state"] = {"name": "removing", "transitioning": True}
        return view

    # -- projects ----------------------------------------------------------------------------------------
    def new_project(self, body):
        if not body.get("name"):
            raise ApiError(422, "MissingRequired", "name is required", field="name")
        cid = body.get("clusterId") or ""
        if cid not in self.clusters:
            raise ApiError(422, "InvalidReference", "Cluster %s not found" % cid, field="clusterId")
        pid = "p-" + rand(NAME_ALPHABET, 5)
        obj = {
            "type": "project",
            "baseType": "project",
            "id": "%s:%s" % (cid, pid),
            "clusterId": cid,
            "namespaceId": None,
            "created": now(),
            "creatorId": "user-admin",
            "state": "initializing",
            "transitioning": "yes",
            "transitioningMessage": "",
            "labels": {},
            "annotations": {},
            "description": "",
            "_ticks": 0,
        }
        for key in PROJECT_FIELDS:
            if key in body:
                obj[key] = copy.deepcopy(body[key])
        if self.profile["backing_namespace"]:
            obj["backingNamespace"] = "%s-%s" % (cid, pid)
        self.projects[obj["id"]] = obj
        return obj

    def project_view(self, obj, base):
        view = self.public(obj)
        link = "%s/v3/projects/%s" % (base, obj["id"])
        view["links"] = {"self": link, "update": link, "remove": link}
        view["actions"] = {}
        if self.profile["psp"]:
            view["actions"]["setpodsecuritypolicytemplate"] = link + "?action=setpodsecuritypolicytemplate"
        return view
