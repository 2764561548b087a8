"""The two Rancher servers the Rancher integration tests run against, behind one interface.

* ``standin``: tests/rancher_standin in this process on loopback (fault injection, Rancher versions 2.6-2.12).
* ``real``: the real Rancher v2.12.0 server that ``hack/rancher-real up`` builds from ``../shared/rancher-src`` and
  runs against a control plane of its own. It runs when ``TENANCY_VCLUSTER_RANCHER_REAL=1`` (``make
  test-rancher-real``); the tests then start it if it is not up. Rancher's own API audit log tells which requests
  wrote something.

Both are driven through their API only (``call``), so a test asserts the same thing on both; what only one of them
can do (inject a fault, connect a pretend agent) is asked through ``can(...)``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO / "tests") not in sys.path:
    sys.path.insert(0, str(REPO / "tests"))

from rancher_standin import RancherStandin

RANCHER_REAL = REPO / "hack" / "rancher-real"
REAL_ENABLED = os.environ.get("TENANCY_VCLUSTER_RANCHER_REAL") == "1"
READ_METHODS = ("GET", "HEAD", "OPTIONS")


class RancherServer:
    kind = ""
    url = ""
    token = ""
    ca_path = None

    def context(self):
        if not self.url.startswith("https"):
            return None
        return ssl.create_default_context(cafile=self.ca_path) if self.ca_path else ssl.create_default_context()

    def call(self, method, path, body=None, token=None, auth=True):
        """``(status, decoded body)`` of one API call with the admin token (or ``token``)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if auth:
            req.add_header("Authorization", "Bearer " + (token or self.token))
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30, context=self.context()) as resp:
                status, text = resp.status, resp.read().decode()
        except urllib.error.HTTPError as err:
            status, text = err.code, err.read().decode()
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def cluster_by_name(self, name):
        status, body = self.call("GET", "/v3/clusters?name=" + name)
        assert status == 200, body
        found = [c for c in body["data"] if c["name"] == name]
        return found[0] if found else None

    def clusters_named(self, name):
        return [c for c in self.call("GET", "/v3/clusters?limit=-1")[1]["data"] if c["name"].lower() == name.lower()]

    def delete_cluster(self, name):
        cluster = self.cluster_by_name(name)
        if cluster is not None:
            self.call("DELETE", "/v3/clusters/" + cluster["id"])

    def new_token(self):
        body = {"type": "token", "description": "tenancy.vcluster test", "ttl": 0}
        status, body = self.call("POST", "/v3/tokens", body)
        assert status == 201, body
        return body["token"]

    def revoke(self, token):
        status, body = self.call("DELETE", "/v3/tokens/" + token.split(":")[0])
        assert status in (200, 204), body

    def setting(self, name):
        return self.call("GET", "/v3/settings/" + name)[1]["value"]

    def set_setting(self, name, value):
        status, body = self.call("PUT", "/v3/settings/" + name, {"value": value})
        assert status == 200, body

    def set_feature(self, name, value):
        status, body = self.call("PUT", "/v3/features/" + name, {"value": value})
        assert status == 200, body

    def can(self, what):
        return what in self.abilities

    abilities = ()


class StandinServer(RancherServer):
    kind = "standin"
    abilities = ("faults", "pretend_agent", "profiles")

    def __init__(self, **kwargs):
        self.standin = RancherStandin(host="127.0.0.1", port=0, **kwargs).start()
        self.url, self.token, self.ca_path = self.standin.url, self.standin.token, self.standin.ca_path

    def mark(self):
        return len(self.standin.requests())

    def writes_since(self, mark):
        return [(m, p) for m, p, _q in self.standin.requests()[mark:]
                if m not in READ_METHODS and not p.startswith(("/_standin/", "/v3-public/"))]

    def requests_since(self, mark, method="GET"):
        return [(m, p) for m, p, _q in self.standin.requests()[mark:] if m == method]

    def revoke(self, token):
        self.standin.revoke(token)

    def close(self):
        self.standin.stop()


class RealServer(RancherServer):
    kind = "real"

    def __init__(self):
        env = self.env()
        if "RANCHER_URL" not in env:
            subprocess.run([str(RANCHER_REAL), "up"], check=True, timeout=3600)
            env = self.env()
        self.url, self.token, self.ca_path = env["RANCHER_URL"], env["RANCHER_TOKEN"], env["RANCHER_CA_CERT"]
        self.audit_log = Path(env["RANCHER_REAL_AUDIT_LOG"])
        # The cluster agent built from the same source runs as a process (hack/rancher-real agent) when asked
        # (TENANCY_VCLUSTER_RANCHER_AGENT=1): it registers, but Rancher's connectivity check through its tunnel
        # (GET http://not-used/ping, pkg/controllers/management/clusterconnected) never passed here, so the cluster
        # stays Connected=False and a test that waits for `active` would only time out.
        agent = os.environ.get("TENANCY_VCLUSTER_RANCHER_AGENT", "0") == "1"
        self.abilities = ("audit", "agent") if agent else ("audit",)

    @contextlib.contextmanager
    def agent_for(self, kubeconfig: Path, timeout: float = 900):
        """Plays the kubelet for the cattle-cluster-agent Deployment of the vcluster ``kubeconfig`` reaches: once the
        registration manifest is applied there, its agent runs as a process until the block ends."""
        name = re.sub(r"[^a-z0-9-]", "-", kubeconfig.stem.lower())[:40].strip("-")
        stop = threading.Event()
        log = []

        def watch():
            deadline = time.monotonic() + timeout
            while not stop.wait(2) and time.monotonic() < deadline:
                if not kubeconfig.exists():
                    continue
                probe = subprocess.run(
                    [str(RANCHER_REAL.parent / "local-cluster"), "env"], capture_output=True, text=True, check=False)
                kubectl = [line.split("=", 1)[1] for line in probe.stdout.splitlines()
                           if line.startswith("export LOCAL_CLUSTER_BIN=")]
                binary = str(Path(kubectl[0].strip("'")) / "kubectl") if kubectl else "kubectl"
                found = subprocess.run([binary, "--kubeconfig", str(kubeconfig), "-n", "cattle-system", "get",
                                        "deployment", "cattle-cluster-agent"], capture_output=True, check=False)
                if found.returncode != 0:
                    continue
                # the service-account key of the local control plane that serves the vcluster's API
                key = Path(os.environ["TENANCY_VCLUSTER_STATE"]) / "pki" / "sa.key"
                run = subprocess.run([str(RANCHER_REAL), "agent", name, str(kubeconfig)], capture_output=True,
                                     text=True, check=False, timeout=300,
                                     env={**os.environ, "RANCHER_REAL_AGENT_SA_KEY": str(key)})
                log.append(run.stdout + run.stderr)
                return

        thread = threading.Thread(target=watch, daemon=True)
        thread.start()
        try:
            yield log
        finally:
            stop.set()
            thread.join(30)
            subprocess.run([str(RANCHER_REAL), "agent-down", name], capture_output=True, check=False, timeout=120)

    @staticmethod
    def env():
        proc = subprocess.run([str(RANCHER_REAL), "env"], capture_output=True, text=True, check=False)
        out = {}
        for line in proc.stdout.splitlines():
            if line.startswith("export "):
                key, _sep, value = line[len("export "):].partition("=")
                out[key] = value.strip("'")
        return out

    def _audit(self):
        entries = []
        if self.audit_log.exists():
            for line in self.audit_log.read_text(errors="replace").splitlines():
                try:
                    entries.append(json.loads(line))
                except ValueError:
                    continue
        return entries

    def mark(self):
        time.sleep(1)  # the audit writer is asynchronous: let the entries of earlier requests land
        return len(self._audit())

    def writes_since(self, mark):
        time.sleep(1)
        return [(e.get("method"), e.get("requestURI")) for e in self._audit()[mark:]
                if e.get("method") not in READ_METHODS and not (e.get("requestURI") or "").startswith("/v3-public/")
                and e.get("userLoginName") != "system"]

    def requests_since(self, mark, method="GET"):
        time.sleep(1)
        return [(e.get("method"), e.get("requestURI")) for e in self._audit()[mark:] if e.get("method") == method]

    def close(self):
        return None


def server(kind, **standin_options):
    if kind == "standin":
        return StandinServer(**standin_options)
    return RealServer()
