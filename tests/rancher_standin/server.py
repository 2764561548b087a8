# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A local stand-in for the Rancher API, following reference/rancher.md section 13.15.

It is a faithful fake, not a convenience: endpoints, objects, error bodies and the imported-cluster
state machine are Rancher's. Test hooks live under ``/_standin/`` (never part of Rancher) and as
methods of :class:`RancherStandin`.

State machine of a v3 cluster (rancher.md section 4); each step is taken when the cluster is read
(``GET``), so "polls" act as the timer, or when a test hook forces it:

``pending``      created: Pending/Provisioned/Waiting Unknown, driver "".
``provisioning`` the agent connected (the agent check found the manifest's objects in the target, or
                 ``/_standin/clusters/<id>/connect``): driver ``imported`` (``k3s`` when the target's
                 version says so), Connected/Pending/Provisioned True, AgentDeployed Unknown.
``waiting``      AgentDeployed True, Waiting Unknown (one poll later).
``active``       Waiting/Ready/Updated True, Default and System projects created (``ready_after_polls``).
``unavailable``  ``/_standin/clusters/<id>/disconnect``: Ready False, Connected False.
``removing``     after DELETE; gone (404, or 403 with ``forbid_after_delete``) after ``delete_after_polls``.

Fault injection (constructor ``faults=[...]`` or ``POST /_standin/faults``), each rule a dict:
``status`` (+ ``code``, ``message``, ``format``: ``norman`` | ``steve`` | ``k8s`` | ``html``), ``delay``
seconds before answering (a client timeout), ``revoke_token`` (the token of the matching request is
revoked: 401 from then on), ``count`` (how many matching requests it hits, default 1), ``skip`` (let that
many matching requests through first), ``method`` and ``path`` (a regular expression searched in the
path) to match.
"""

import base64
import copy
import datetime
import json
import os
import random
import re
import ssl
import string
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from .manifest import render_manifest_yaml
from .profiles import get_profile

TOKEN_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
NAME_ALPHABET = string.ascii_lowercase + string.digits
UPDATABLE_CLUSTER_FIELDS = (
    "description",
    "labels",
    "annotations",
    "agentEnvVars",
    "clusterAgentDeploymentCustomization",
    "fleetAgentDeploymentCustomization",
    "enableNetworkPolicy",
)
CREATE_CLUSTER_FIELDS = (*UPDATABLE_CLUSTER_FIELDS, "name", "fleetWorkspaceName", "importedConfig")
PROJECT_FIELDS = (
    "name",
    "description",
    "labels",
    "annotations",
    "resourceQuota",
    "namespaceDefaultResourceQuota",
    "containerDefaultResourceLimit",
)
VERSION_MANAGEMENT = "rancher.io/imported-cluster-version-management"
PSP_TEMPLATES = ("unrestricted", "restricted", "restricted-noroot")
STATE_BY_UNKNOWN = (
    ("Pending", "pending"),
    ("Provisioned", "provisioning"),
    ("AgentDeployed", "provisioning"),
    ("Waiting", "waiting"),
    ("Updated", "updating"),
)


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def rand(alphabet, n):
    return "".join(random.choice(alphabet) for _i in range(n))


class ApiError(Exception):
    """An error answer. ``fmt``: ``norman`` (int status), ``auth`` (status as a string), ``steve``, ``k8s``."""

    def __init__(self, status, code, message, field=None, fmt="norman"):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.fmt = fmt

    def body(self):
        if self.fmt == "k8s":
            return {
                "kind": "Status",
                "apiVersion": "v1",
                "metadata": {},
                "status": "Failure",
                "message": self.message,
                "reason": self.code,
                "code": self.status,
            }
        if self.fmt == "auth":
            return {"type": "error", "status": str(self.status), "message": self.message}
        body = {"type": "error", "status": self.status, "code": self.code, "message": self.message}
        if self.fmt == "norman":
            body["baseType"] = "error"
        if self.field:
            body["fieldName"] = self.field
        return body


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


def summarize(obj):
    """state, transitioning, transitioningMessage from the conditions (wrangler summary, simplified)."""
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


def deep_merge(base, patch):
    out = dict(base)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


class StandinState:
    """Everything the stand-in knows; all access under ``lock``."""

    def __init__(self, standin, profile, token, password, server_url, cacerts, token_delay_polls,
                 ready_after_polls, delete_after_polls, forbid_after_delete, agent_check):
        self.standin = standin
        self.profile = get_profile(profile)
        self.lock = threading.RLock()
        self.password = password
        self.settings = {
            "server-url": server_url,
            "cacerts": cacerts,
            "server-version": self.profile["version"],
            "imported-cluster-version-management": "true",
        }
        self.tokens = {}
        self.clusters = {}
        self.removed = {}
        self.crts = {}
        self.projects = {}
        self.namespaces = {}
        self.v1 = {}
        self.faults = []
        self.requests = []
        self.token_delay_polls = token_delay_polls
        self.ready_after_polls = ready_after_polls
        self.delete_after_polls = delete_after_polls
        self.forbid_after_delete = forbid_after_delete
        self.agent_check = agent_check
        self.resource_version = 1000
        self.admin_token = self.add_token(token, role="admin")

    # -- tokens --------------------------------------------------------------------------------
    def add_token(self, value=None, role="admin", cluster_id=None):
        if value:
            tid, _sep, secret = value.partition(":")
        else:
            tid, secret = "token-" + rand(NAME_ALPHABET, 5), rand(TOKEN_ALPHABET, 54)
        self.tokens[tid] = {"secret": secret, "role": role, "clusterId": cluster_id, "revoked": False}
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

    # -- helpers -------------------------------------------------------------------------------
    def base(self):
        return self.standin.url

    def next_rv(self):
        self.resource_version += 1
        return str(self.resource_version)

    def server_url(self):
        return self.settings["server-url"]

    def collection(self, rtype, data, path):
        return {
            "type": "collection",
            "resourceType": rtype,
            "links": {"self": self.base() + path},
            "createTypes": {rtype: self.base() + path},
            "actions": {},
            "pagination": {"limit": 1000, "total": len(data)},
            "sort": {"order": "asc", "reverse": self.base() + path + "?order=desc"},
            "filters": {"name": None, "clusterId": None},
            "data": data,
        }

    @staticmethod
    def public(obj):
        return {k: copy.deepcopy(v) for k, v in obj.items() if not k.startswith("_")}

    # -- clusters ------------------------------------------------------------------------------
    def new_cluster(self, body, cluster_id=None):
        name = body.get("name")
        if not name:
            raise ApiError(422, "MissingRequired", "Cluster name is required", field="name")
        for other in self.clusters.values():
            if other["name"].lower() == name.lower():
                raise ApiError(422, "NotUnique", "Cluster name must be unique", field="Cluster name")
        cid = cluster_id or "c-" + rand(NAME_ALPHABET, 5)
        obj = {
            "type": "cluster",
            "baseType": "cluster",
            "id": cid,
            "name": name,
            "uuid": str(uuid.uuid4()),
            "created": now(),
            "creatorId": "user-admin",
            "driver": "",
            "internal": False,
            "labels": {},
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
            "_polls": 0,
            "_crt_polls": 0,
        }
        for key in CREATE_CLUSTER_FIELDS:
            if key in body and key != "name":
                obj[key] = copy.deepcopy(body[key])
        if not self.profile["agent_customization"]:
            obj.pop("clusterAgentDeploymentCustomization", None)
            obj.pop("fleetAgentDeploymentCustomization", None)
        self.webhook_defaults(obj)
        self.clusters[cid] = obj
        # The cluster-watch handler creates default-token (visible after token_delay_polls lookups).
        self.crts["%s:default-token" % cid] = self.new_crt(cid, "default-token")
        return obj

    def webhook_defaults(self, obj):
        if self.profile["version_management"]:
            obj["annotations"].setdefault(VERSION_MANAGEMENT, "system-default")
        custom = obj.get("clusterAgentDeploymentCustomization")
        if isinstance(custom, dict) and not self.profile["scheduling_customization"]:
            custom.pop("schedulingCustomization", None)

    def new_crt(self, cid, name):
        crt = {
            "type": "clusterRegistrationToken",
            "baseType": "clusterRegistrationToken",
            "id": "%s:%s" % (cid, name),
            "name": name,
            "namespaceId": cid,
            "clusterId": cid,
            "created": now(),
            "state": "active",
            "token": rand(TOKEN_ALPHABET, 54),
        }
        self.refresh_crt(crt)
        return crt

    def refresh_crt(self, crt):
        """Rancher's assignStatus: empty commands while server-url is unset."""
        url = self.server_url()
        for key in ("manifestUrl", "command", "insecureCommand", "nodeCommand", "insecureNodeCommand",
                    "windowsNodeCommand", "insecureWindowsNodeCommand"):
            crt[key] = ""
        if not url:
            return
        manifest = "%s/v3/import/%s_%s.yaml" % (url, crt["token"], crt["clusterId"])
        crt["manifestUrl"] = manifest
        crt["command"] = "kubectl apply -f %s" % manifest
        crt["insecureCommand"] = "curl --insecure -sfL %s | kubectl apply -f -" % manifest
        crt["nodeCommand"] = "curl -fL %s/system-agent-install.sh | sudo sh -s - --server %s --token %s" % (
            url, url, crt["token"])
        crt["insecureNodeCommand"] = "curl --insecure -fL %s/system-agent-install.sh | sudo sh -s - --server %s" \
            " --token %s" % (url, url, crt["token"])

    def cluster_view(self, obj):
        state, transitioning, message = summarize(obj)
        obj["state"], obj["transitioning"], obj["transitioningMessage"] = state, transitioning, message
        view = self.public(obj)
        base = "%s/v3/clusters/%s" % (self.base(), obj["id"])
        view["links"] = {
            "self": base,
            "update": base,
            "remove": base,
            "clusterRegistrationTokens": base + "/clusterregistrationtokens",
            "namespaces": base + "/namespaces",
            "projects": "%s/v3/projects?clusterId=%s" % (self.base(), obj["id"]),
        }
        view["actions"] = {"generateKubeconfig": base + "?action=generateKubeconfig"}
        return view

    def poll_cluster(self, obj):
        """One "timer tick" of the state machine, taken when the cluster is read."""
        self.reconcile_v1_to_mgmt(obj)
        obj["_polls"] += 1
        phase = obj["_phase"]
        if phase == "pending" and self.agent_check is not None:
            crt = self.crts.get("%s:default-token" % obj["id"])
            found = self.agent_check(obj["id"], crt["token"] if crt else "", self.server_url()) if crt else None
            if found:
                self.connect(obj, found.get("version"))
        elif phase == "connected":
            set_condition(obj, "AgentDeployed", "True")
            obj["_phase"] = "deployed"
            obj["_polls"] = 0
        elif phase == "deployed" and obj["_polls"] >= self.ready_after_polls:
            self.make_active(obj)
        elif phase == "removing" and obj["_polls"] >= self.delete_after_polls:
            self.finish_removal(obj)

    def connect(self, obj, version=None):
        version = version or "v1.33.1"
        obj["driver"] = "imported"
        if "k3s" in version or "rke2" in version:
            driver = "k3s" if "k3s" in version else "rke2"
            obj["driver"] = driver
            obj["%sConfig" % driver] = {"kubernetesVersion": version}
        obj["apiEndpoint"] = "https://10.96.0.1:443"
        obj["caCert"] = base64.b64encode(b"-----BEGIN CERTIFICATE-----\nstandin\n-----END CERTIFICATE-----\n").decode()
        obj["version"] = {"gitVersion": version}
        set_condition(obj, "Connected", "True")
        set_condition(obj, "Pending", "True")
        set_condition(obj, "Provisioned", "True")
        set_condition(obj, "AgentDeployed", "Unknown", "deploying agent")
        obj["_phase"] = "connected"
        obj["_polls"] = 0

    def make_active(self, obj):
        set_condition(obj, "AgentDeployed", "True")
        set_condition(obj, "Waiting", "True")
        set_condition(obj, "Ready", "True")
        set_condition(obj, "Updated", "True")
        set_condition(obj, "Connected", "True")
        obj["appliedAgentEnvVars"] = copy.deepcopy(obj.get("agentEnvVars") or [])
        if self.profile["agent_customization"]:
            obj["appliedClusterAgentDeploymentCustomization"] = copy.deepcopy(
                obj.get("clusterAgentDeploymentCustomization"))
        if not any(p["clusterId"] == obj["id"] for p in self.projects.values()):
            self.new_project({"name": "Default", "clusterId": obj["id"],
                              "labels": {"authz.management.cattle.io/default-project": "true"}})
            self.new_project({"name": "System", "clusterId": obj["id"],
                              "labels": {"authz.management.cattle.io/system-project": "true"}})
            set_condition(obj, "DefaultProjectCreated", "True")
            set_condition(obj, "SystemProjectCreated", "True")
        obj["_phase"] = "active"

    def disconnect(self, obj):
        set_condition(obj, "Ready", "False", "Cluster agent is not connected", "Disconnected")
        set_condition(obj, "Connected", "False")
        obj["_phase"] = "disconnected"

    def start_removal(self, obj):
        obj["_removing"] = True
        set_condition(obj, "Removed", "Unknown", "removing")
        obj["_phase"] = "removing"
        obj["_polls"] = 0
        if self.delete_after_polls <= 0:
            self.finish_removal(obj)

    def finish_removal(self, obj):
        cid = obj["id"]
        self.clusters.pop(cid, None)
        self.removed[cid] = obj["name"]
        for key in [k for k in self.crts if k.startswith(cid + ":")]:
            del self.crts[key]
        for key in [k for k in self.projects if k.startswith(cid + ":")]:
            del self.projects[key]
        self.namespaces.pop(cid, None)
        for name in [n for n, v in self.v1.items() if v["status"].get("clusterName") == cid]:
            del self.v1[name]

    def cluster_or_error(self, cid):
        obj = self.clusters.get(cid)
        if obj is not None:
            return obj
        if cid in self.removed and self.forbid_after_delete:
            raise ApiError(403, "PermissionDenied",
                           'clusters.management.cattle.io "%s" is forbidden: User "user-admin" cannot get resource '
                           '"clusters" in API group "management.cattle.io" at the cluster scope' % cid)
        raise ApiError(404, "NotFound", 'clusters.management.cattle.io "%s" not found' % cid)

    def update_cluster(self, obj, body, replace):
        if body.get("name") and body["name"] != obj["name"]:
            for other in self.clusters.values():
                if other is not obj and other["name"].lower() == body["name"].lower():
                    raise ApiError(422, "NotUnique", "Cluster name must be unique", field="Cluster name")
            obj["name"] = body["name"]
        fields = [f for f in UPDATABLE_CLUSTER_FIELDS
                  if self.profile["agent_customization"] or "Customization" not in f]
        for key in fields:
            if key in body:
                value = body[key]
                if not replace and isinstance(value, dict) and isinstance(obj.get(key), dict):
                    obj[key] = deep_merge(obj[key], value)
                else:
                    obj[key] = copy.deepcopy(value)
            elif replace:
                obj.pop(key, None) if key not in ("labels", "annotations", "agentEnvVars") else obj.__setitem__(
                    key, {} if key != "agentEnvVars" else [])
        self.webhook_defaults(obj)
        # A cluster change recomputes the token status (rancher/rancher#39779).
        for key, crt in self.crts.items():
            if key.startswith(obj["id"] + ":"):
                self.refresh_crt(crt)
        v1 = self.v1_for(obj["id"])
        if v1 is not None and self.profile["mgmt_source_of_truth"]:
            pass  # 2.11+: the mgmt object is the truth, the v1 spec is left as it is
        return obj

    # -- v1 provisioning clusters ------------------------------------------------------------
    def v1_for(self, cid):
        for v1 in self.v1.values():
            if v1["status"].get("clusterName") == cid:
                return v1
        return None

    def new_v1(self, body):
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
        annotations = dict(meta.get("annotations") or {})
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
                "annotations": annotations,
            },
            "spec": spec,
            "status": {},
            "_reads": 0,
        }
        self.v1[name] = obj
        return obj

    def link_v1(self, v1):
        """The generating handler: create the mgmt cluster ``c-m-xxxxxxxx`` on the first read."""
        if v1["status"].get("clusterName"):
            return
        annotations = v1["metadata"]["annotations"]
        cid = "c-m-" + rand(NAME_ALPHABET, 8)
        if self.profile["mgmt_name_annotation"] and annotations.get("provisioning.cattle.io/management-cluster-name"):
            cid = annotations["provisioning.cattle.io/management-cluster-name"]
        spec = v1["spec"]
        mgmt = self.new_cluster(
            {
                "name": v1["metadata"]["name"],
                "labels": dict(v1["metadata"]["labels"]),
                "annotations": {"provisioning.cattle.io/administrated": "false"},
                "agentEnvVars": copy.deepcopy(spec.get("agentEnvVars") or []),
                "clusterAgentDeploymentCustomization": copy.deepcopy(spec.get("clusterAgentDeploymentCustomization")),
                "importedConfig": {},
            },
            cluster_id=cid,
        )
        if mgmt.get("clusterAgentDeploymentCustomization") is None:
            mgmt.pop("clusterAgentDeploymentCustomization", None)
        mgmt["_v1"] = v1["metadata"]["name"]
        v1["status"]["clusterName"] = cid
        v1["status"]["fleetWorkspaceName"] = "fleet-default"

    def reconcile_v1_to_mgmt(self, mgmt):
        """<= 2.10: every reconcile rebuilds the mgmt spec from the v1 spec (v3 edits are overwritten)."""
        name = mgmt.get("_v1")
        v1 = self.v1.get(name) if name else None
        if v1 is None or self.profile["mgmt_source_of_truth"]:
            return
        spec = v1["spec"]
        mgmt["labels"] = dict(mgmt.get("labels") or {}, **v1["metadata"]["labels"])
        mgmt["agentEnvVars"] = copy.deepcopy(spec.get("agentEnvVars") or [])
        if self.profile["agent_customization"]:
            if spec.get("clusterAgentDeploymentCustomization") is not None:
                mgmt["clusterAgentDeploymentCustomization"] = copy.deepcopy(spec["clusterAgentDeploymentCustomization"])
            else:
                mgmt.pop("clusterAgentDeploymentCustomization", None)

    def v1_view(self, v1):
        v1["_reads"] += 1
        if v1["_reads"] > 1 or v1["status"].get("clusterName"):
            self.link_v1(v1)
        cid = v1["status"].get("clusterName")
        mgmt = self.clusters.get(cid) if cid else None
        status = v1["status"]
        conds = [condition("Created", "True")]
        if mgmt is not None:
            if mgmt.get("_phase") in ("active",):
                status["ready"] = True  # sticky
            status.setdefault("ready", False)
            status["agentDeployed"] = any(
                c["type"] == "AgentDeployed" and c["status"] == "True" for c in mgmt["conditions"])
            status["observedGeneration"] = v1["metadata"]["generation"]
            conds += [copy.deepcopy(c) for c in mgmt["conditions"]
                      if c["type"] not in ("Updated", "Provisioned", "Removed")]
        status["conditions"] = conds
        view = self.public(v1)
        view["links"] = {"self": "%s/v1/provisioning.cattle.io.clusters/%s" % (self.base(), v1["id"])}
        if v1.get("_deleting"):
            view["metadata"]["deletionTimestamp"] = v1["_deleting"]
            view["metadata"]["state"] = {"name": "removing", "transitioning": True}
        return view

    # -- projects ------------------------------------------------------------------------------
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
            "_reads": 0,
        }
        for key in PROJECT_FIELDS:
            if key in body:
                obj[key] = copy.deepcopy(body[key])
        if self.profile["backing_namespace"]:
            obj["backingNamespace"] = "%s-%s" % (cid, pid)
        self.projects[obj["id"]] = obj
        return obj

    def project_view(self, obj):
        obj["_reads"] += 1  # initializing until read once after the create
        obj["state"], obj["transitioning"] = "active", "no"
        view = self.public(obj)
        base = "%s/v3/projects/%s" % (self.base(), obj["id"])
        view["links"] = {"self": base, "update": base, "remove": base}
        view["actions"] = {}
        if self.profile["psp"]:
            view["actions"]["setpodsecuritypolicytemplate"] = base + "?action=setpodsecuritypolicytemplate"
        return view


class Handler(BaseHTTPRequestHandler):
    server_version = "rancher-standin"
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        return

    # -- plumbing ------------------------------------------------------------------------------
    @property
    def state(self):
        return self.server.standin.state

    def _send(self, status, body, content_type="application/json"):
        if isinstance(body, (dict, list)):
            payload = json.dumps(body).encode("utf-8")
        elif isinstance(body, str):
            payload = body.encode("utf-8")
        else:
            payload = body or b""
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        if not length:
            return {}
        raw = self.rfile.read(length)
        try:
            data = json.loads(raw.decode("utf-8"))
        except ValueError:
            raise ApiError(422, "InvalidBodyContent", "Failed to parse body: invalid JSON") from None
        if not isinstance(data, dict):
            raise ApiError(422, "InvalidBodyContent", "Failed to parse body: not an object")
        return data

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def _fault(self, method, path):
        state = self.state
        with state.lock:
            for rule in state.faults:
                if rule.get("count", 1) <= 0:
                    continue
                if rule.get("method") and rule["method"].upper() != method:
                    continue
                if rule.get("path") and not re.search(rule["path"], path):
                    continue
                if rule.get("skip", 0) > 0:
                    rule["skip"] -= 1
                    continue
                rule["count"] = rule.get("count", 1) - 1
                rule["hits"] = rule.get("hits", 0) + 1
                return dict(rule)
        return None

    def _dispatch(self, method):
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        state = self.state
        with state.lock:
            state.requests.append((method, path, parts.query))
        try:
            if path.startswith("/_standin/"):
                body = self._body()
                with state.lock:
                    self._send(200, self.server.standin.admin(method, path, body))
                return
            fault = self._fault(method, path)
            if fault:
                if fault.get("delay"):
                    time.sleep(float(fault["delay"]))
                if fault.get("revoke_token"):
                    header = self.headers.get("Authorization") or ""
                    with state.lock:
                        try:
                            _tid, tok = state.authenticate(header)
                            tok["revoked"] = True
                        except ApiError:
                            pass
                if fault.get("status"):
                    self._fault_answer(fault)
                    return
            body = self._body() if method in ("POST", "PUT") else {}
            with state.lock:
                status, out, ctype = self._route(method, path, query, body)
            self._send(status, out, ctype)
        except ApiError as err:
            self._send(err.status, err.body())

    def _fault_answer(self, fault):
        status = int(fault["status"])
        fmt = fault.get("format", "norman")
        if fmt == "html":
            self._send(status, "<html><head><title>%d</title></head><body><h1>%d Service Unavailable</h1>"
                               "</body></html>" % (status, status), "text/html")
            return
        codes = {409: "Conflict", 500: "ServerError", 502: "BadGateway", 503: "ClusterUnavailable",
                 504: "GatewayTimeout", 401: "Unauthorized", 403: "PermissionDenied"}
        err = ApiError(status, fault.get("code") or codes.get(status, "ServerError"),
                       fault.get("message") or "injected fault", fmt=fmt)
        self._send(status, err.body())

    # -- routing -------------------------------------------------------------------------------
    def _route(self, method, path, query, body):
        state = self.state
        if path == "/ping" and method == "GET":
            return 200, "pong", "text/plain"
        match = re.match(r"^/v3/import/([^/]+)_([^_/]+)\.yaml$", path)
        if match and method == "GET":
            return self._manifest(match.group(1), match.group(2))
        if path == "/v3/settings/cacerts" and method == "GET":
            return 200, self._setting_view("cacerts"), "application/json"
        if path == "/v3-public/localProviders/local" and method == "POST" and query.get("action") == "login":
            if body.get("username") != "admin" or body.get("password") != state.password:
                raise ApiError(401, "Unauthorized", "authentication failed", fmt="auth")
            value = state.add_token(role="admin")
            tid = value.split(":")[0]
            return 201, {"type": "token", "id": tid, "name": tid, "token": value, "userId": "user-admin"}, \
                "application/json"
        tid, tok = state.authenticate(self.headers.get("Authorization") or "")
        if tok["clusterId"]:
            cid = tok["clusterId"]
            if not (path.startswith("/v3/clusters/%s" % cid) or path.startswith("/k8s/clusters/%s" % cid)):
                raise ApiError(401, "Unauthorized", "clusterID does not match", fmt="auth")
        if method != "GET" and tok["role"] != "admin":
            raise ApiError(403, "PermissionDenied", "%s %s is forbidden for user u-standin" % (method, path))
        return self._route_authenticated(method, path, query, body)

    def _route_authenticated(self, method, path, query, body):
        state = self.state
        json_ = "application/json"
        if path == "/v3/tokens" and method == "POST":
            value = state.add_token(role="admin", cluster_id=body.get("clusterId") or None)
            tid = value.split(":")[0]
            return 201, {"type": "token", "id": tid, "name": tid, "token": value,
                         "clusterId": body.get("clusterId") or "", "ttl": body.get("ttl", 0)}, json_
        match = re.match(r"^/v3/settings/([^/]+)$", path)
        if match:
            name = match.group(1)
            if name not in state.settings:
                raise ApiError(404, "NotFound", 'settings.management.cattle.io "%s" not found' % name)
            if method == "GET":
                return 200, self._setting_view(name), json_
            if method == "PUT" and name == "server-url":
                state.settings[name] = body.get("value") or ""
                return 200, self._setting_view(name), json_
            raise ApiError(405, "MethodNotAllow", "Method %s not supported" % method)

        # clusters (plural and singular schema names)
        match = re.match(r"^/v3/clusters?(?:/([^/]+))?(?:/(clusterregistrationtokens|namespaces)(?:/([^/]+))?)?$",
                         path)
        if match:
            return self._clusters(method, match.group(1), match.group(2), match.group(3), query, body)
        match = re.match(r"^/v3/clusterregistrationtokens?(?:/([^/]+))?$", path)
        if match:
            return self._crts(method, match.group(1), query, body)
        match = re.match(r"^/v3/projects?(?:/([^/]+))?$", path)
        if match:
            return self._projects(method, match.group(1), query, body)
        match = re.match(r"^/v1/provisioning\.cattle\.io\.clusters(?:/([^/]+))?(?:/([^/]+))?$", path)
        if match:
            return self._v1_clusters(method, match.group(1), match.group(2), body)
        match = re.match(r"^/v1/management\.cattle\.io\.clusterregistrationtokens/([^/]+)/([^/]+)$", path)
        if match and method == "GET":
            return self._v1_crt(match.group(1), match.group(2))
        if path.startswith("/v1/"):
            raise ApiError(404, "NotFound", "schema not found", fmt="steve")
        raise ApiError(404, "NotFound", "Not Found")

    def _setting_view(self, name):
        state = self.state
        return {"type": "setting", "baseType": "setting", "id": name, "name": name,
                "value": state.settings[name], "default": "", "customized": bool(state.settings[name]),
                "source": "db", "links": {"self": "%s/v3/settings/%s" % (state.base(), name)}}

    def _manifest(self, token, cid):
        state = self.state
        obj = state.clusters.get(cid)
        if obj is None:
            raise ApiError(404, "NotFound", 'clusters.management.cattle.io "%s" not found' % cid)
        text = render_manifest_yaml(state.profile, state.server_url(), token, obj, state.settings["cacerts"])
        return 200, text, "text/plain"

    # -- v3 clusters -----------------------------------------------------------------------------
    def _clusters(self, method, cid, sub, sub_id, query, body):
        state = self.state
        json_ = "application/json"
        if cid is None:
            if method == "GET":
                data = []
                for obj in list(state.clusters.values()):
                    state.reconcile_v1_to_mgmt(obj)
                    if "name" in query and obj["name"] != query["name"]:
                        continue
                    data.append(state.cluster_view(obj))
                return 200, state.collection("cluster", data, "/v3/clusters"), json_
            if method == "POST":
                obj = state.new_cluster(body)
                return 201, state.cluster_view(obj), json_
            raise ApiError(405, "MethodNotAllow", "Method %s not supported" % method)
        obj = state.cluster_or_error(cid)
        if sub == "clusterregistrationtokens":
            if method == "GET":
                return self._crts("GET", None, {"clusterId": cid}, {})
            if method == "POST":
                return self._crts("POST", None, {}, dict(body, clusterId=cid))
        if sub == "namespaces":
            return self._namespaces(method, obj, sub_id, query, body)
        if sub is not None:
            raise ApiError(404, "NotFound", "Not Found")
        if method == "GET":
            state.poll_cluster(obj)
            obj = state.cluster_or_error(cid)
            return 200, state.cluster_view(obj), json_
        if method == "PUT":
            state.update_cluster(obj, body, query.get("_replace") == "true")
            return 200, state.cluster_view(obj), json_
        if method == "DELETE":
            v1 = state.v1_for(cid)
            if v1 is not None:
                v1["_deleting"] = now()
            state.start_removal(obj)
            if cid in state.clusters:
                return 200, state.cluster_view(obj), json_
            return 204, b"", json_
        raise ApiError(405, "MethodNotAllow", "Method %s not supported" % method)

    def _namespaces(self, method, cluster, ns, query, body):
        state = self.state
        json_ = "application/json"
        if cluster.get("_phase") not in ("active",):
            raise ApiError(503, "ClusterUnavailable", "cluster %s not available" % cluster["id"])
        spaces = state.namespaces.setdefault(cluster["id"], {})
        if ns is None:
            if method == "GET":
                data = [state.public(n) for n in spaces.values()]
                return 200, state.collection("namespace", data, "/v3/clusters/%s/namespaces" % cluster["id"]), json_
            if method == "POST":
                name = body.get("name")
                if not name:
                    raise ApiError(422, "MissingRequired", "name is required", field="name")
                if name in spaces:
                    raise ApiError(409, "AlreadyExists", 'namespaces "%s" already exists' % name)
                pid = body.get("projectId") or ""
                if pid and pid not in state.projects:
                    raise ApiError(422, "InvalidReference", "project %s not found" % pid, field="projectId")
                obj = {"type": "namespace", "id": name, "name": name, "projectId": pid or None,
                       "state": "active", "annotations": {"field.cattle.io/projectId": pid} if pid else {},
                       "labels": {"field.cattle.io/projectId": pid.split(":")[1]} if pid else {}}
                spaces[name] = obj
                return 201, state.public(obj), json_
        obj = spaces.get(ns)
        if obj is None:
            raise ApiError(404, "NotFound", 'namespaces "%s" not found' % ns)
        if method == "GET":
            return 200, state.public(obj), json_
        if method == "POST" and query.get("action") == "move":
            pid = body.get("projectId") or ""
            if pid:
                project = state.projects.get(pid)
                if project is None:
                    raise ApiError(422, "InvalidReference", "project %s not found" % pid, field="projectId")
                if project.get("resourceQuota"):
                    raise ApiError(422, "InvalidState",
                                   "can't move namespace. Project %s has resource quota set" % project["name"])
            obj["projectId"] = pid or None
            obj["annotations"] = {"field.cattle.io/projectId": pid} if pid else {}
            obj["labels"] = {"field.cattle.io/projectId": pid.split(":")[1]} if pid else {}
            return 200, state.public(obj), json_
        raise ApiError(405, "MethodNotAllow", "Method %s not supported" % method)

    # -- registration tokens ---------------------------------------------------------------------
    def _crts(self, method, crt_id, query, body):
        state = self.state
        json_ = "application/json"

        def visible(crt):
            cluster = state.clusters.get(crt["clusterId"])
            if cluster is None:
                return False
            return crt["name"] != "default-token" or cluster["_crt_polls"] > state.token_delay_polls

        def count_poll(cid):
            if cid in state.clusters:
                state.clusters[cid]["_crt_polls"] += 1

        if crt_id is None:
            if method == "GET":
                cid = query.get("clusterId")
                if cid:
                    count_poll(cid)
                data = [state.public(c) for c in state.crts.values()
                        if visible(c) and (not cid or c["clusterId"] == cid)]
                return 200, state.collection("clusterRegistrationToken", data, "/v3/clusterregistrationtokens"), json_
            if method == "POST":
                cid = body.get("clusterId") or ""
                if cid not in state.clusters:
                    raise ApiError(422, "InvalidReference", "Cluster %s not found" % cid, field="clusterId")
                crt = state.new_crt(cid, "crt-" + rand(NAME_ALPHABET, 5))
                state.crts[crt["id"]] = crt
                return 201, state.public(crt), json_
            raise ApiError(405, "MethodNotAllow", "Method %s not supported" % method)
        cid = crt_id.split(":")[0]
        count_poll(cid)
        crt = state.crts.get(crt_id)
        if crt is None or not visible(crt):
            raise ApiError(404, "NotFound", 'clusterregistrationtokens.management.cattle.io "%s" not found'
                           % crt_id.split(":")[-1])
        if method == "GET":
            return 200, state.public(crt), json_
        raise ApiError(405, "MethodNotAllow", "Method %s not supported" % method)

    def _v1_crt(self, cid, name):
        state = self.state
        crt = state.crts.get("%s:%s" % (cid, name))
        if crt is None:
            raise ApiError(404, "NotFound", 'clusterregistrationtokens.management.cattle.io "%s" not found' % name,
                           fmt="steve")
        keys = ("token", "manifestUrl", "command", "insecureCommand", "nodeCommand", "insecureNodeCommand",
                "windowsNodeCommand", "insecureWindowsNodeCommand")
        status = {k: crt[k] for k in keys}
        return 200, {"id": "%s/%s" % (cid, name), "type": "management.cattle.io.clusterregistrationtoken",
                     "apiVersion": "management.cattle.io/v3", "kind": "ClusterRegistrationToken",
                     "metadata": {"name": name, "namespace": cid}, "spec": {"clusterName": cid},
                     "status": status}, "application/json"

    # -- projects ----------------------------------------------------------------------------------
    def _projects(self, method, pid, query, body):
        state = self.state
        json_ = "application/json"
        if pid is None:
            if method == "GET":
                data = [state.project_view(p) for p in list(state.projects.values())
                        if all(p.get(k) == query[k] for k in ("clusterId", "name") if k in query)]
                return 200, state.collection("project", data, "/v3/projects"), json_
            if method == "POST":
                obj = state.new_project(body)
                view = state.public(obj)
                return 201, view, json_
            raise ApiError(405, "MethodNotAllow", "Method %s not supported" % method)
        obj = state.projects.get(pid)
        if obj is None:
            raise ApiError(404, "NotFound", 'projects.management.cattle.io "%s" not found' % pid.split(":")[-1])
        if method == "GET":
            return 200, state.project_view(obj), json_
        if method == "PUT":
            for key in PROJECT_FIELDS:
                if key in body:
                    obj[key] = copy.deepcopy(body[key])
            return 200, state.project_view(obj), json_
        if method == "DELETE":
            if (obj.get("labels") or {}).get("authz.management.cattle.io/system-project") == "true":
                raise ApiError(400, "BadRequest", 'admission webhook "rancher.cattle.io.projects.management.cattle.io"'
                                                  " denied the request: System Project cannot be deleted")
            del state.projects[pid]
            return 200, state.public(obj), json_
        if method == "POST" and "setpodsecuritypolicytemplate" in self.path:
            if not state.profile["psp"]:
                raise ApiError(404, "ActionNotAvailable", "Action setpodsecuritypolicytemplate not available")
            cluster = state.clusters.get(obj["clusterId"]) or {}
            if (cluster.get("annotations") or {}).get("capabilities.cattle.io/pspEnabled") != "true":
                raise ApiError(422, "InvalidAction", "cluster [%s] does not have Pod Security Policies enabled"
                               % obj["clusterId"])
            template = body.get("podSecurityPolicyTemplateId")
            if template and template not in PSP_TEMPLATES:
                raise ApiError(422, "InvalidReference", "podSecurityPolicyTemplate %s not found" % template,
                               field="podSecurityPolicyTemplateId")
            obj["podSecurityPolicyTemplateId"] = template or ""
            return 200, state.project_view(obj), json_
        raise ApiError(405, "MethodNotAllow", "Method %s not supported" % method)

    # -- v1 clusters --------------------------------------------------------------------------------
    def _v1_clusters(self, method, namespace, name, body):
        state = self.state
        json_ = "application/json"
        if name is None and namespace is not None and method != "POST":
            # /v1/provisioning.cattle.io.clusters/<namespace>: list that namespace
            pass
        if name is None:
            if method == "GET":
                data = [state.v1_view(v) for v in list(state.v1.values())
                        if namespace is None or v["metadata"]["namespace"] == namespace]
                col = state.collection("provisioning.cattle.io.cluster", data, "/v1/provisioning.cattle.io.clusters")
                col["revision"] = str(state.resource_version)
                return 200, col, json_
            if method == "POST":
                obj = state.new_v1(body)
                return 201, state.v1_view(obj), json_
            raise ApiError(405, "MethodNotAllow", "Method %s not supported" % method, fmt="steve")
        v1 = state.v1.get(name) if namespace == "fleet-default" else None
        if v1 is None:
            raise ApiError(404, "NotFound", 'clusters.provisioning.cattle.io "%s" not found' % name, fmt="steve")
        if method == "GET":
            cid = v1["status"].get("clusterName")
            if v1.get("_deleting") and cid and cid not in state.clusters:
                del state.v1[name]
                raise ApiError(404, "NotFound", 'clusters.provisioning.cattle.io "%s" not found' % name, fmt="steve")
            if cid in state.clusters:
                state.poll_cluster(state.clusters[cid])
                if name not in state.v1:
                    raise ApiError(404, "NotFound", 'clusters.provisioning.cattle.io "%s" not found' % name,
                                   fmt="steve")
            return 200, state.v1_view(v1), json_
        if method == "PUT":
            meta = body.get("metadata") or {}
            if meta.get("resourceVersion") != v1["metadata"]["resourceVersion"]:
                raise ApiError(409, "Conflict", 'Operation cannot be fulfilled on clusters.provisioning.cattle.io '
                                                '"%s": the object has been modified; please apply your changes to '
                                                'the latest version and try again' % name, fmt="steve")
            v1["metadata"]["labels"] = dict(meta.get("labels") or {})
            v1["metadata"]["annotations"] = dict(meta.get("annotations") or {})
            if body.get("spec") != v1["spec"]:
                v1["metadata"]["generation"] += 1
            v1["spec"] = copy.deepcopy(body.get("spec") or {})
            v1["metadata"]["resourceVersion"] = state.next_rv()
            cid = v1["status"].get("clusterName")
            if cid in state.clusters:
                state.reconcile_v1_to_mgmt(state.clusters[cid])
            return 200, state.v1_view(v1), json_
        if method == "DELETE":
            v1["_deleting"] = now()
            cid = v1["status"].get("clusterName")
            if cid in state.clusters:
                state.start_removal(state.clusters[cid])
            else:
                del state.v1[name]
            view = state.v1_view(v1)
            return 200, view, json_
        raise ApiError(405, "MethodNotAllow", "Method %s not supported" % method, fmt="steve")


class RancherStandin:
    """The stand-in server. Use as a context manager, or ``start()``/``stop()``.

    ``agent_check``: callable ``(cluster_id, token, server_url) -> dict | None`` deciding when an agent
    counts as connected (see :mod:`.agentcheck`); ``kubeconfig``: shortcut for a
    :class:`KubeconfigAgentCheck` on that kubeconfig. Without either, only the test hook
    ``connect`` connects a cluster.
    """

    def __init__(self, profile="2.12", token=None, password="admin-password", host="127.0.0.1", port=0,
                 tls=False, server_url=None, token_delay_polls=0, ready_after_polls=1, delete_after_polls=1,
                 forbid_after_delete=False, agent_check=None, kubeconfig=None, faults=None, cert_dir=None):
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the stand-in listens on loopback only")
        if kubeconfig and agent_check is None:
            from .agentcheck import KubeconfigAgentCheck

            agent_check = KubeconfigAgentCheck(kubeconfig)
        self.host = host
        self.tls = tls
        self.cert_dir = cert_dir
        self.ca_path = None
        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self._server.standin = self
        self.port = self._server.server_address[1]
        cacerts = ""
        if tls:
            from .tls import make_ca_and_cert

            self.ca_path, cert_path, key_path, cacerts = make_ca_and_cert(cert_dir)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(cert_path, key_path)
            self._server.socket = ctx.wrap_socket(self._server.socket, server_side=True)
        self.url = "%s://%s:%d" % ("https" if tls else "http", host, self.port)
        self.state = StandinState(
            self, profile, token or "token-admin:%s" % rand(TOKEN_ALPHABET, 54), password,
            self.url if server_url is None else server_url, cacerts, token_delay_polls, ready_after_polls,
            delete_after_polls, forbid_after_delete, agent_check)
        self.agent_check = agent_check
        for rule in faults or []:
            self.add_fault(**rule)
        self._thread = None

    @property
    def token(self):
        return self.state.admin_token

    def start(self):
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="rancher-standin", daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def serve_forever(self):
        self._server.serve_forever()

    # -- test hooks (also reachable as /_standin/...) ------------------------------------------
    def add_fault(self, **rule):
        with self.state.lock:
            rule.setdefault("count", 1)
            self.state.faults.append(rule)
        return rule

    def clear_faults(self):
        with self.state.lock:
            self.state.faults[:] = []

    def cluster(self, cid):
        with self.state.lock:
            return copy.deepcopy(self.state.clusters.get(cid))

    def cluster_by_name(self, name):
        with self.state.lock:
            for obj in self.state.clusters.values():
                if obj["name"] == name:
                    return copy.deepcopy(obj)
        return None

    def connect(self, cid, version=None):
        with self.state.lock:
            self.state.connect(self.state.cluster_or_error(cid), version)

    def make_active(self, cid):
        with self.state.lock:
            obj = self.state.cluster_or_error(cid)
            if obj["_phase"] == "pending":
                self.state.connect(obj)
            self.state.make_active(obj)

    def disconnect(self, cid):
        with self.state.lock:
            self.state.disconnect(self.state.cluster_or_error(cid))

    def revoke(self, token_value=None):
        with self.state.lock:
            tid = (token_value or self.token).split(":")[0]
            self.state.tokens[tid]["revoked"] = True

    def new_token(self, role="admin", cluster_id=None):
        with self.state.lock:
            return self.state.add_token(role=role, cluster_id=cluster_id)

    def set_setting(self, name, value):
        with self.state.lock:
            self.state.settings[name] = value

    def set_kubeconfig(self, cid, path, context=None):
        if not hasattr(self.agent_check, "set_kubeconfig"):
            from .agentcheck import KubeconfigAgentCheck

            self.agent_check = self.state.agent_check = KubeconfigAgentCheck()
        self.agent_check.set_kubeconfig(cid, path, context)

    def requests(self, method=None):
        with self.state.lock:
            return [r for r in self.state.requests if method is None or r[0] == method]

    def writes(self):
        """Requests that would change something in a real Rancher (everything but GET and hooks)."""
        with self.state.lock:
            return [r for r in self.state.requests if r[0] != "GET" and not r[1].startswith("/_standin/")
                    and not r[1].startswith("/v3-public/")]

    def admin(self, method, path, body):
        """``/_standin/`` endpoints: the same hooks over HTTP for the command-line stand-in."""
        state = self.state
        parts = [p for p in path.split("/") if p][1:]
        if parts == ["faults"] and method == "POST":
            state.faults.append(dict(body, count=body.get("count", 1)))
            return {"faults": state.faults}
        if parts == ["faults"] and method == "DELETE":
            state.faults[:] = []
            return {"faults": []}
        if parts == ["faults"]:
            return {"faults": state.faults}
        if parts == ["tokens"] and method == "POST":
            return {"token": state.add_token(role=body.get("role", "admin"), cluster_id=body.get("clusterId"))}
        if parts == ["tokens", "revoke"] and method == "POST":
            tid = (body.get("token") or state.admin_token).split(":")[0]
            state.tokens[tid]["revoked"] = True
            return {"revoked": tid}
        if parts == ["state"]:
            return {
                "profile": state.profile["name"],
                "clusters": {cid: state.public(obj) for cid, obj in state.clusters.items()},
                "phases": {cid: obj["_phase"] for cid, obj in state.clusters.items()},
                "agent_check_errors": dict(getattr(state.agent_check, "last_error", {}) or {}),
            }
        if len(parts) == 3 and parts[0] == "clusters":
            obj = state.cluster_or_error(parts[1])
            action = parts[2]
            if action == "connect":
                state.connect(obj, body.get("version"))
            elif action == "activate":
                if obj["_phase"] == "pending":
                    state.connect(obj, body.get("version"))
                state.make_active(obj)
            elif action == "disconnect":
                state.disconnect(obj)
            elif action == "kubeconfig":
                self.set_kubeconfig(parts[1], body["path"], body.get("context"))
            else:
                raise ApiError(404, "NotFound", "unknown hook %s" % action)
            return {"phase": obj["_phase"]}
        raise ApiError(404, "NotFound", "unknown hook %s" % path)


def env_summary(standin):
    lines = ["RANCHER_URL=%s" % standin.url, "RANCHER_TOKEN=%s" % standin.token]
    if standin.ca_path:
        lines.append("RANCHER_CA_CERT=%s" % standin.ca_path)
    return os.linesep.join(lines)
