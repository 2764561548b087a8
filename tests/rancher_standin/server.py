# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A local stand-in for the Rancher API (v3 Norman, v1 Steve), as strict as Rancher v2.12.0 and its webhook.

It is a faithful fake, not a convenience: endpoints, objects, error bodies, merges, pages and the imported-cluster
state machine are Rancher's (see :mod:`.state`, :mod:`.norman`, :mod:`.webhook`, each naming its upstream source);
where the stand-in differs from the real server built from source here, the differences are listed in
``tests/rancher_standin/README.md``. Test hooks live under ``/_standin/`` (never part of Rancher) and as methods of
:class:`RancherStandin`.

State of a v3 cluster, driven by controllers on a background loop (``controller_interval``; ``step()`` runs one
pass) and the 15 s ``Connected`` ticker (``connect_interval``; ``connected_tick()``):

``pending``      created; the registration token appears in three steps; ``Connected=False`` at the first tick.
``provisioning`` the agent connected (the agent check found the manifest's objects in the target, or the hook
                 ``connect``): driver ``imported`` (``k3s``/``rke2`` from the version); ``Connected=True`` at the next
                 tick; then Provisioned, and AgentDeployed Unknown ("waiting for server-url ..." while it is unset).
``waiting``      AgentDeployed True.
``active``       Ready True after ``ready_after_steps`` passes; Default and System projects.
``unavailable``  the session is gone (agent check fails, or hook ``disconnect``): Connected/Ready False at the tick.
``removing``     after DELETE; gone (404, or 403 with ``forbid_after_delete``) after ``delete_after_steps`` passes.

Fault injection (constructor ``faults=[...]`` or ``POST /_standin/faults``), each rule a dict:
``status`` (+ ``code``, ``message``, ``format``: ``norman`` | ``steve`` | ``k8s`` | ``html``), ``delay``
seconds before answering (a client timeout), ``revoke_token`` (the token of the matching request is
revoked: 401 from then on), ``count`` (how many matching requests it hits, default 1), ``skip`` (let that
many matching requests through first), ``method`` and ``path`` (a regular expression searched in the
path) to match.
"""

import copy
import json
import os
import re
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from .manifest import render_manifest_yaml
from .norman import DEFAULT_LIMIT, ApiError, paginate
from .state import TOKEN_ALPHABET, StandinState, now, rand

PSP_TEMPLATES = ("unrestricted", "restricted", "restricted-noroot")
JSON = "application/json"


class Handler(BaseHTTPRequestHandler):
    server_version = "rancher-standin"
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        return

    # -- plumbing ------------------------------------------------------------------------------
    @property
    def standin(self):
        return self.server.standin

    @property
    def state(self):
        return self.server.standin.state

    def root_url(self):
        """The request's root URL (what norman's URL builder answers with when server-url is unset)."""
        host = self.headers.get("Host") or "%s:%d" % (self.standin.host, self.standin.port)
        return "%s://%s" % ("https" if self.standin.tls else "http", host)

    def _send(self, status, body, content_type=JSON):
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
        with self.standin.lock:
            for rule in self.state.faults:
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
        self.request_url = self.root_url() + self.path
        with self.standin.lock:
            self.state.requests.append((method, path, parts.query))
        try:
            if path.startswith("/_standin/"):
                body = self._body()
                with self.standin.lock:
                    self._send(200, self.standin.admin(method, path, body))
                return
            fault = self._fault(method, path)
            if fault:
                if fault.get("delay"):
                    time.sleep(float(fault["delay"]))
                if fault.get("revoke_token"):
                    with self.standin.lock:
                        try:
                            _tid, tok = self.state.authenticate(self.headers.get("Authorization") or "")
                            tok["revoked"] = True
                        except ApiError:
                            pass
                if fault.get("status"):
                    self._fault_answer(fault)
                    return
            body = self._body() if method in ("POST", "PUT") else {}
            with self.standin.lock:
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

    def collection(self, rtype, items, path, query):
        page, pagination = paginate(items, query, self.request_url, self.standin.page_size)
        base = self.root_url()
        return {
            "type": "collection",
            "resourceType": rtype,
            "links": {"self": base + path},
            "createTypes": {rtype: base + path},
            "actions": {},
            "pagination": pagination,
            "sort": {"order": "asc", "reverse": base + path + "?order=desc"},
            "filters": {"name": None, "clusterId": None},
            "data": page,
        }

    # -- routing -------------------------------------------------------------------------------
    def _route(self, method, path, query, body):
        state = self.state
        if path == "/ping" and method == "GET":
            return 200, "pong", "text/plain"
        match = re.match(r"^/v3/import/([^/]+)_([^_/]+)\.yaml$", path)
        if match and method == "GET":
            return self._manifest(match.group(1), match.group(2))
        if path == "/v3/settings/cacerts" and method == "GET":
            return 200, self._setting_view("cacerts"), JSON
        if path == "/v3-public/localProviders/local" and method == "POST" and query.get("action") == "login":
            if body.get("username") != "admin" or body.get("password") != state.password:
                raise ApiError(401, "Unauthorized", "authentication failed", fmt="auth")
            value = state.add_token(role="admin")
            tid = value.split(":")[0]
            return 201, {"type": "token", "id": tid, "name": tid, "token": value, "userId": "user-admin"}, JSON
        tid, tok = state.authenticate(self.headers.get("Authorization") or "")
        if tok["clusterId"]:
            cid = tok["clusterId"]
            if not (path.startswith("/v3/clusters/%s" % cid) or path.startswith("/k8s/clusters/%s" % cid)):
                raise ApiError(401, "Unauthorized", "clusterID does not match", fmt="auth")
        if method != "GET" and tok["role"] != "admin" and not self._user_may_write(method, path, tok):
            raise ApiError(403, "PermissionDenied", "%s %s is forbidden for user %s" % (method, path, tok["user"]))
        return self._route_authenticated(method, path, query, body, tok)

    def _user_may_write(self, method, path, tok):
        """A standard user may create clusters (global role "user") and change the clusters it owns."""
        if method == "POST" and path in ("/v3/clusters", "/v3/cluster"):
            return True
        match = re.match(r"^/v3/clusters?/([^/]+)", path)
        cluster = self.state.clusters.get(match.group(1)) if match else None
        return cluster is not None and cluster.get("creatorId") == tok["user"]

    def _route_authenticated(self, method, path, query, body, tok):
        state = self.state
        if path == "/v3/tokens" and method == "POST":
            value = state.add_token(role=tok["role"], cluster_id=body.get("clusterId") or None)
            tid = value.split(":")[0]
            return 201, {"type": "token", "id": tid, "name": tid, "token": value,
                         "clusterId": body.get("clusterId") or "", "ttl": body.get("ttl", 0)}, JSON
        match = re.match(r"^/v3/settings/([^/]+)$", path)
        if match:
            return self._settings(method, match.group(1), body, tok)
        match = re.match(r"^/v3/features/([^/]+)$", path)
        if match:
            return self._features(method, match.group(1), body, tok)
        match = re.match(r"^/v3/clusters?(?:/([^/]+))?(?:/(clusterregistrationtokens|namespaces)(?:/([^/]+))?)?$",
                         path)
        if match:
            return self._clusters(method, match.group(1), match.group(2), match.group(3), query, body, tok)
        match = re.match(r"^/v3/clusterregistrationtokens?(?:/([^/]+))?$", path)
        if match:
            return self._crts(method, match.group(1), query, body, tok)
        match = re.match(r"^/v3/projects?(?:/([^/]+))?$", path)
        if match:
            return self._projects(method, match.group(1), query, body)
        match = re.match(r"^/v1/provisioning\.cattle\.io\.clusters(?:/([^/]+))?(?:/([^/]+))?$", path)
        if match:
            return self._v1_clusters(method, match.group(1), match.group(2), body, tok)
        match = re.match(r"^/v1/management\.cattle\.io\.clusterregistrationtokens/([^/]+)/([^/]+)$", path)
        if match and method == "GET":
            return self._v1_crt(match.group(1), match.group(2))
        if path.startswith("/v1/"):
            raise ApiError(404, "NotFound", "schema not found", fmt="steve")
        raise ApiError(404, "NotFound", "Not Found")

    def _require_admin(self, tok, what):
        if tok["role"] != "admin":
            raise ApiError(403, "PermissionDenied", '%s is forbidden: User "%s" cannot update it' % (what, tok["user"]))

    def _settings(self, method, name, body, tok):
        state = self.state
        if name not in state.settings:
            raise ApiError(404, "NotFound", 'settings.management.cattle.io "%s" not found' % name)
        if method == "GET":
            return 200, self._setting_view(name), JSON
        if method == "PUT" and name not in ("server-version", "cacerts"):
            self._require_admin(tok, "settings %s" % name)
            state.settings[name] = body.get("value") or ""
            return 200, self._setting_view(name), JSON
        raise ApiError(405, "MethodNotAllow", "Method %s not supported" % method)

    def _setting_view(self, name):
        value = self.state.settings[name]
        return {"type": "setting", "baseType": "setting", "id": name, "name": name, "value": value,
                "default": "", "customized": bool(value), "source": "db",
                "links": {"self": "%s/v3/settings/%s" % (self.root_url(), name)}}

    def _features(self, method, name, body, tok):
        """v3 ``features`` (global_types.go ``Feature``: spec ``value``, status ``default``, both shown top level)."""
        feature = self.state.features.get(name)
        if feature is None:
            raise ApiError(404, "NotFound", 'features.management.cattle.io "%s" not found' % name)
        if method == "PUT":
            self._require_admin(tok, "features %s" % name)
            feature["value"] = body.get("value")
        elif method != "GET":
            raise ApiError(405, "MethodNotAllow", "Method %s not supported" % method)
        view = {"type": "feature", "baseType": "feature", "id": name, "name": name, "value": feature["value"],
                "state": "active", "status": {"default": feature["default"], "dynamic": feature["dynamic"],
                                              "lockedValue": None, "type": "/v3/schemas/featureStatus"}}
        return 200, view, JSON

    def _manifest(self, token, cid):
        state = self.state
        obj = state.clusters.get(cid)
        if obj is None:
            raise ApiError(404, "NotFound", 'clusters.management.cattle.io "%s" not found' % cid)
        # import.go ClusterImportHandler: server-url, else the root URL of this request.
        url = state.server_url() or self.root_url()
        return 200, render_manifest_yaml(state.profile, url, token, obj, state.settings["cacerts"]), "text/plain"

    # -- v3 clusters -----------------------------------------------------------------------------
    def _clusters(self, method, cid, sub, sub_id, query, body, tok):
        state = self.state
        base = self.root_url()
        if cid is None:
            if method == "GET":
                data = [state.cluster_view(o, base) for _k, o in sorted(state.clusters.items())
                        if state.can_see(tok, o) and ("name" not in query or o["name"] == query["name"])]
                return 200, self.collection("cluster", data, "/v3/clusters", query), JSON
            if method == "POST":
                return 201, state.cluster_view(state.new_cluster(body, tok), base), JSON
            raise ApiError(405, "MethodNotAllow", "Method %s not supported" % method)
        obj = state.cluster_or_error(cid)
        if not state.can_see(tok, obj):
            raise ApiError(404, "NotFound", 'clusters.management.cattle.io "%s" not found' % cid)
        if sub == "clusterregistrationtokens":
            if method == "GET":
                return self._crts("GET", None, dict(query, clusterId=cid), {}, tok)
            if method == "POST":
                return self._crts("POST", None, {}, dict(body, clusterId=cid), tok)
        if sub == "namespaces":
            return self._namespaces(method, obj, sub_id, query, body)
        if sub is not None:
            raise ApiError(404, "NotFound", "Not Found")
        if method == "GET":
            return 200, state.cluster_view(obj, base), JSON
        if method == "PUT":
            state.update_cluster(obj, body, query.get("_replace") == "true", tok)
            return 200, state.cluster_view(obj, base), JSON
        if method == "DELETE":
            v1 = state.v1_for(cid)
            if v1 is not None:
                v1["_deleting"] = now()
            state.start_removal(obj)
            if cid in state.clusters:
                return 200, state.cluster_view(obj, base), JSON
            return 204, b"", JSON
        raise ApiError(405, "MethodNotAllow", "Method %s not supported" % method)

    def _namespaces(self, method, cluster, ns, query, body):
        state = self.state
        if cluster.get("_phase") not in ("active",):
            raise ApiError(503, "ClusterUnavailable", "cluster %s not available" % cluster["id"])
        spaces = state.namespaces.setdefault(cluster["id"], {})
        path = "/v3/clusters/%s/namespaces" % cluster["id"]
        if ns is None:
            if method == "GET":
                data = [state.public(n) for _k, n in sorted(spaces.items())]
                return 200, self.collection("namespace", data, path, query), JSON
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
                return 201, state.public(obj), JSON
        obj = spaces.get(ns)
        if obj is None:
            raise ApiError(404, "NotFound", 'namespaces "%s" not found' % ns)
        if method == "GET":
            return 200, state.public(obj), JSON
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
            return 200, state.public(obj), JSON
        raise ApiError(405, "MethodNotAllow", "Method %s not supported" % method)

    # -- registration tokens ---------------------------------------------------------------------
    def _crts(self, method, crt_id, query, body, tok):
        state = self.state
        if crt_id is None:
            if method == "GET":
                cid = query.get("clusterId")
                data = [state.public(c) for _k, c in sorted(state.crts.items())
                        if (not cid or c["clusterId"] == cid)
                        and state.can_see(tok, state.clusters.get(c["clusterId"], {}))]
                return 200, self.collection("clusterRegistrationToken", data, "/v3/clusterregistrationtokens",
                                            query), JSON
            if method == "POST":
                cid = body.get("clusterId") or ""
                if cid not in state.clusters:
                    raise ApiError(422, "InvalidReference", "Cluster %s not found" % cid, field="clusterId")
                # cluster_registration_store.go Create: the v3 store generates the token at once.
                crt = state.new_crt(cid, "crt-" + rand("abcdefghijklmnopqrstuvwxyz0123456789", 5),
                                    token=rand(TOKEN_ALPHABET, 54))
                state.refresh_crt(crt)
                return 201, state.public(crt), JSON
            raise ApiError(405, "MethodNotAllow", "Method %s not supported" % method)
        crt = state.crts.get(crt_id)
        if crt is None:
            raise ApiError(404, "NotFound", 'clusterregistrationtokens.management.cattle.io "%s" not found'
                           % crt_id.split(":")[-1])
        if method == "GET":
            return 200, state.public(crt), JSON
        raise ApiError(405, "MethodNotAllow", "Method %s not supported" % method)

    def _v1_crt(self, cid, name):
        crt = self.state.crts.get("%s:%s" % (cid, name))
        if crt is None:
            raise ApiError(404, "NotFound", 'clusterregistrationtokens.management.cattle.io "%s" not found' % name,
                           fmt="steve")
        keys = ("token", "manifestUrl", "command", "insecureCommand", "nodeCommand", "insecureNodeCommand",
                "windowsNodeCommand", "insecureWindowsNodeCommand")
        return 200, {"id": "%s/%s" % (cid, name), "type": "management.cattle.io.clusterregistrationtoken",
                     "apiVersion": "management.cattle.io/v3", "kind": "ClusterRegistrationToken",
                     "metadata": {"name": name, "namespace": cid}, "spec": {"clusterName": cid},
                     "status": {k: crt[k] for k in keys}}, JSON

    # -- projects ----------------------------------------------------------------------------------
    def _projects(self, method, pid, query, body):
        state = self.state
        base = self.root_url()
        if pid is None:
            if method == "GET":
                data = [state.project_view(p, base) for _k, p in sorted(state.projects.items())
                        if all(p.get(k) == query[k] for k in ("clusterId", "name") if k in query)]
                return 200, self.collection("project", data, "/v3/projects", query), JSON
            if method == "POST":
                return 201, state.project_view(state.new_project(body), base), JSON
            raise ApiError(405, "MethodNotAllow", "Method %s not supported" % method)
        obj = state.projects.get(pid)
        if obj is None:
            raise ApiError(404, "NotFound", 'projects.management.cattle.io "%s" not found' % pid.split(":")[-1])
        if method == "GET":
            return 200, state.project_view(obj, base), JSON
        if method == "PUT":
            for key in ("name", "description", "resourceQuota", "namespaceDefaultResourceQuota",
                        "containerDefaultResourceLimit"):
                if key in body:
                    obj[key] = copy.deepcopy(body[key])
            return 200, state.project_view(obj, base), JSON
        if method == "DELETE":
            if (obj.get("labels") or {}).get("authz.management.cattle.io/system-project") == "true":
                raise ApiError(400, "BadRequest", 'admission webhook "rancher.cattle.io.projects.management.cattle.io"'
                                                  " denied the request: System Project cannot be deleted")
            del state.projects[pid]
            return 200, state.public(obj), JSON
        if method == "POST" and "setpodsecuritypolicytemplate" in self.path:
            return self._set_psp(obj, body)
        raise ApiError(405, "MethodNotAllow", "Method %s not supported" % method)

    def _set_psp(self, obj, body):
        state = self.state
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
        return 200, state.project_view(obj, self.root_url()), JSON

    # -- v1 clusters --------------------------------------------------------------------------------
    def _v1_clusters(self, method, namespace, name, body, tok):
        state = self.state
        base = self.root_url()
        if name is None:
            if method == "GET":
                data = [state.v1_view(v, base) for _k, v in sorted(state.v1.items())
                        if namespace is None or v["metadata"]["namespace"] == namespace]
                return 200, {"type": "collection", "resourceType": "provisioning.cattle.io.cluster",
                             "revision": str(state.resource_version), "data": data}, JSON
            if method == "POST":
                return 201, state.v1_view(state.new_v1(body, tok), base), JSON
            raise ApiError(405, "MethodNotAllow", "Method %s not supported" % method, fmt="steve")
        v1 = state.v1.get(name) if namespace == "fleet-default" else None
        if v1 is None:
            raise ApiError(404, "NotFound", 'clusters.provisioning.cattle.io "%s" not found' % name, fmt="steve")
        if method == "GET":
            return 200, state.v1_view(v1, base), JSON
        if method == "PUT":
            return 200, state.v1_view(state.update_v1(v1, body), base), JSON
        if method == "DELETE":
            v1["_deleting"] = now()
            cid = v1["status"].get("clusterName")
            if cid in state.clusters:
                state.start_removal(state.clusters[cid])
            view = state.v1_view(v1, base)
            if cid not in state.clusters:
                state.v1.pop(name, None)
            return 200, view, JSON
        raise ApiError(405, "MethodNotAllow", "Method %s not supported" % method, fmt="steve")


class RancherStandin:
    """The stand-in server. Use as a context manager, or ``start()``/``stop()``.

    ``agent_check``: callable ``(cluster_id, token, server_url) -> dict | None`` deciding whether a cluster's agent
    has a session (see :mod:`.agentcheck`); ``kubeconfig``: shortcut for a :class:`KubeconfigAgentCheck` on that
    kubeconfig. Without either, only the hook ``connect`` gives a cluster a session.

    Timing: ``controller_interval`` (s) between controller passes, ``connect_interval`` (s) of the ``Connected``
    ticker (15 s upstream), ``agent_poll_interval`` (s) between agent checks of a cluster;
    ``ready_after_steps``/``delete_after_steps`` passes until ``active``/gone; ``v1_cache_lag`` (s) after a v1
    cluster's management cluster is created, during which controller passes rebuild its labels and annotations from
    the v1 object as it was at creation (a real 2.12 server did this for seconds under load). ``page_size``: items
    per v3 page (norman's default 1000; set it small to exercise ``pagination.next``).
    """

    def __init__(self, profile="2.12", token=None, password="admin-password", host="127.0.0.1", port=0,
                 tls=False, server_url=None, controller_interval=0.2, connect_interval=15.0, agent_poll_interval=1.0,
                 ready_after_steps=2, delete_after_steps=2, forbid_after_delete=False, agent_check=None,
                 kubeconfig=None, faults=None, cert_dir=None, page_size=DEFAULT_LIMIT, features=None,
                 v1_cache_lag=2.0):
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the stand-in listens on loopback only")
        if kubeconfig and agent_check is None:
            from .agentcheck import KubeconfigAgentCheck

            agent_check = KubeconfigAgentCheck(kubeconfig)
        self.host = host
        self.tls = tls
        self.cert_dir = cert_dir
        self.ca_path = None
        self.page_size = page_size
        self.controller_interval = controller_interval
        self.lock = threading.RLock()
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
        options = {
            "agent_check": agent_check,
            "connect_interval": connect_interval,
            "agent_poll_interval": agent_poll_interval,
            "ready_after_steps": ready_after_steps,
            "delete_after_steps": delete_after_steps,
            "forbid_after_delete": forbid_after_delete,
            "v1_cache_lag": v1_cache_lag,
        }
        self.state = StandinState(
            self, profile, token or "token-admin:%s" % rand(TOKEN_ALPHABET, 54), password,
            self.url if server_url is None else server_url, cacerts, options)
        for name, value in (features or {}).items():
            self.set_feature(name, value)
        self.agent_check = agent_check
        for rule in faults or []:
            self.add_fault(**rule)
        self._thread = None
        self._controllers = None
        self._stop = threading.Event()

    @property
    def token(self):
        return self.state.admin_token

    def start(self):
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="rancher-standin", daemon=True
        )
        self._thread.start()
        self._controllers = threading.Thread(target=self._run_controllers, name="rancher-standin-controllers",
                                             daemon=True)
        self._controllers.start()
        return self

    def _run_controllers(self):
        while not self._stop.wait(self.controller_interval):
            self.step()

    def stop(self):
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
        for thread in (self._thread, self._controllers):
            if thread:
                thread.join(5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def serve_forever(self):
        self._controllers = threading.Thread(target=self._run_controllers, daemon=True)
        self._controllers.start()
        self._server.serve_forever()

    # -- test hooks (also reachable as /_standin/...) ------------------------------------------
    def step(self, passes=1):
        """Run the controllers now (``passes`` times), as if that much time went by."""
        for _unused in range(passes):
            with self.lock:
                self.state.step(time.monotonic())

    def connected_tick(self):
        """The 15 s ``Connected`` ticker, now."""
        with self.lock:
            self.state.connected_tick(time.monotonic())

    def add_fault(self, **rule):
        with self.lock:
            rule.setdefault("count", 1)
            self.state.faults.append(rule)
        return rule

    def clear_faults(self):
        with self.lock:
            self.state.faults[:] = []

    def cluster(self, cid):
        with self.lock:
            return copy.deepcopy(self.state.clusters.get(cid))

    def cluster_by_name(self, name):
        with self.lock:
            for obj in self.state.clusters.values():
                if obj["name"] == name:
                    return copy.deepcopy(obj)
        return None

    def connect(self, cid, version=None):
        """The cluster's agent opens its tunnel (Connected follows at the next ticker pass)."""
        with self.lock:
            self.state.authorize(self.state.cluster_or_error(cid), version)

    def make_active(self, cid):
        """Everything up to ``active`` at once (for tests that need an active cluster, not the path there)."""
        with self.lock:
            obj = self.state.cluster_or_error(cid)
            if obj["_session"] is None:
                self.state.authorize(obj)
            self.state.make_active(obj)

    def disconnect(self, cid):
        """The agent's tunnel closes (Connected/Ready False at the next ticker pass)."""
        with self.lock:
            self.state.cluster_or_error(cid)["_session"] = None

    def revoke(self, token_value=None):
        with self.lock:
            tid = (token_value or self.token).split(":")[0]
            self.state.tokens[tid]["revoked"] = True

    def new_token(self, role="admin", cluster_id=None):
        with self.lock:
            return self.state.add_token(role=role, cluster_id=cluster_id)

    def set_setting(self, name, value):
        with self.lock:
            self.state.settings[name] = value

    def set_feature(self, name, value):
        with self.lock:
            self.state.features[name]["value"] = value

    def set_kubeconfig(self, cid, path, context=None):
        if not hasattr(self.agent_check, "set_kubeconfig"):
            from .agentcheck import KubeconfigAgentCheck

            self.agent_check = self.state.agent_check = KubeconfigAgentCheck()
        self.agent_check.set_kubeconfig(cid, path, context)

    def requests(self, method=None):
        with self.lock:
            return [r for r in self.state.requests if method is None or r[0] == method]

    def writes(self):
        """Requests that would change something in a real Rancher (everything but GET and hooks)."""
        with self.lock:
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
        if parts == ["step"] and method == "POST":
            for _unused in range(int(body.get("passes", 1))):
                state.step(time.monotonic())
            if body.get("connected"):
                state.connected_tick(time.monotonic())
            return {"phases": {cid: obj["_phase"] for cid, obj in state.clusters.items()}}
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
                state.authorize(obj, body.get("version"))
            elif action == "activate":
                if obj["_session"] is None:
                    state.authorize(obj, body.get("version"))
                state.make_active(obj)
            elif action == "disconnect":
                obj["_session"] = None
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
