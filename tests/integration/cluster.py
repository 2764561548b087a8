"""Helpers for integration tests against the local control plane (hack/local-cluster).

Stdlib only, so the helpers work in any interpreter that runs the tests; the kubernetes client is used by the
fixtures in conftest.py, not here.
"""

from __future__ import annotations

import json
import os
import shlex
import ssl
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from http.client import HTTPSConnection
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urlparse

from kubernetes import client as k8s_client
from kubernetes.client.rest import ApiException

REPO = Path(__file__).resolve().parents[2]
LOCAL_CLUSTER = REPO / "hack" / "local-cluster"

MUTATING_VERBS = frozenset({"create", "update", "patch", "delete", "deletecollection"})
ADMIN_USER = "tenancy-admin"


def run_local_cluster(*args: str, timeout: float = 1800) -> str:
    """Run hack/local-cluster and return its stdout; progress goes to stderr (shown by pytest on failure)."""
    proc = subprocess.run(
        [str(LOCAL_CLUSTER), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"hack/local-cluster {' '.join(args)} failed with exit code {proc.returncode}:\n{proc.stderr[-4000:]}"
        )
    return proc.stdout


def cluster_env() -> dict[str, str]:
    """The variables `hack/local-cluster env` exports, with PATH already expanded."""
    env: dict[str, str] = {}
    for line in run_local_cluster("env").splitlines():
        if not line.startswith("export "):
            continue
        key, _sep, value = line[len("export ") :].partition("=")
        if key == "PATH":
            env[key] = f"{env['LOCAL_CLUSTER_BIN']}{os.pathsep}{os.environ.get('PATH', '')}"
        else:
            env[key] = shlex.split(value)[0] if value else ""
    return env


def wait_until(predicate, timeout: float = 60.0, interval: float = 0.5, what: str = "condition"):
    """Poll `predicate` until it returns a truthy value; return that value or fail the test."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


@dataclass(frozen=True)
class AuditEvent:
    """One ResponseComplete audit event, reduced to what tests assert on (`raw` keeps the whole event)."""

    verb: str
    user: str
    uri: str
    code: int | None
    resource: str | None
    namespace: str | None
    name: str | None
    dry_run: bool
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, event: dict[str, Any]) -> AuditEvent:
        ref = event.get("objectRef") or {}
        uri = event.get("requestURI", "")
        query = urlparse(uri).query
        return cls(
            verb=event.get("verb", ""),
            user=(event.get("user") or {}).get("username", ""),
            uri=uri,
            code=(event.get("responseStatus") or {}).get("code"),
            resource=ref.get("resource"),
            namespace=ref.get("namespace"),
            name=ref.get("name"),
            dry_run="dryRun=All" in query,
            raw=event,
        )


class AuditLog:
    """Reads the API server's JSON audit log (written in blocking mode, one event per line).

    `mark()` returns a position; `mutating_since(mark)` lists the writes made after it by one user. Both first
    flush: they send a uniquely tagged request and wait until the server has logged it, so every request
    answered before the call is in the file.
    """

    def __init__(self, path: str | os.PathLike[str], server: str, pki_dir: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.server = urlparse(server)
        pki = Path(pki_dir)
        self._ctx = ssl.create_default_context(cafile=str(pki / "ca.crt"))
        # The flush request uses the bootstrap identity, so it never shows up as a tenancy-admin request.
        self._ctx.load_cert_chain(str(pki / "bootstrap.crt"), str(pki / "bootstrap.key"))

    def _flush(self, timeout: float = 15.0) -> int:
        tag = uuid.uuid4().hex
        start = self.path.stat().st_size if self.path.exists() else 0
        conn = HTTPSConnection(self.server.hostname, self.server.port, context=self._ctx, timeout=10)
        try:
            conn.request("GET", f"/version?tenancy-audit-flush={tag}")
            conn.getresponse().read()
        finally:
            conn.close()
        needle = f"tenancy-audit-flush={tag}".encode()
        deadline = time.monotonic() + timeout
        while True:
            with self.path.open("rb") as f:  # only what was written since the request, not the whole log
                f.seek(start)
                data = f.read()
            at = data.rfind(needle)
            if at >= 0:
                end = data.find(b"\n", at)
                if end >= 0:
                    return start + end + 1
            if time.monotonic() > deadline:
                raise TimeoutError(f"audit log {self.path} did not record the flush request within {timeout}s")
            time.sleep(0.05)

    def mark(self) -> int:
        """A position in the log: events after it happened after this call."""
        return self._flush()

    def events_since(self, mark: int) -> list[AuditEvent]:
        end = self._flush()
        if end < mark:
            raise RuntimeError(f"audit log {self.path} was rotated after the mark; the API server must not rotate it")
        with self.path.open("rb") as f:
            f.seek(mark)
            chunk = f.read(end - mark)
        events = []
        for line in chunk.splitlines():
            if not line.strip():
                continue
            event = json.loads(line)
            if event.get("stage") not in ("ResponseComplete", "Panic"):
                continue
            if "tenancy-audit-flush=" in event.get("requestURI", ""):
                continue
            events.append(AuditEvent.from_json(event))
        return events

    def mutating_since(
        self, mark: int, user: str | None = ADMIN_USER, verbs: Iterable[str] = MUTATING_VERBS
    ) -> list[AuditEvent]:
        """Writes (create/update/patch/delete/deletecollection) after `mark`, by `user` (None: anyone).

        Dry-run requests are included; filter on `event.dry_run` where they do not count.
        """
        wanted = set(verbs)
        return [e for e in self.events_since(mark) if e.verb in wanted and (user is None or e.user == user)]


@dataclass
class LocalCluster:
    env: dict[str, str]

    @property
    def state(self) -> Path:
        return Path(self.env["TENANCY_VCLUSTER_STATE"])

    @property
    def kubeconfig(self) -> str:
        return self.env["KUBECONFIG"]

    @property
    def bin_dir(self) -> Path:
        return Path(self.env["LOCAL_CLUSTER_BIN"])

    @property
    def kubectl(self) -> str:
        return str(self.bin_dir / "kubectl")

    @property
    def helm(self) -> str:
        return str(self.bin_dir / "helm")

    @property
    def server(self) -> str:
        return self.env["LOCAL_CLUSTER_APISERVER"]

    def audit_log(self) -> AuditLog:
        return AuditLog(self.env["AUDIT_LOG"], self.server, self.state / "pki")

    def virtual(self, name: str) -> str:
        """Start (or reuse) the virtual API server NAME; returns its admin kubeconfig path."""
        out = run_local_cluster("virtual", name, timeout=300).strip().splitlines()
        return out[-1]

    def virtual_down(self, name: str, purge: bool = True) -> None:
        run_local_cluster("virtual-down", name, *(["--purge"] if purge else []), timeout=120)


def ensure_up() -> LocalCluster:
    """Bring the local cluster up (idempotent; reuses a running one) and return where it is.

    LOCAL_CLUSTER_SKIP_UP=1 skips `up` and only reads the environment (for a cluster started by hand).
    """
    if os.environ.get("LOCAL_CLUSTER_SKIP_UP") != "1":
        run_local_cluster("up")
    return LocalCluster(cluster_env())


# The labels of a host namespace that enforces Pod Security restricted (latest).
RESTRICTED_NAMESPACE_LABELS = {
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/enforce-version": "latest",
}


def read_or_none(read, *args):
    """``read(*args)``, or None when the object does not exist (404)."""
    try:
        return read(*args)
    except ApiException as exc:
        if exc.status == 404:
            return None
        raise


def delete_namespaces(api_client, names) -> None:
    """Delete each namespace once (tests' cleanup); one that is already gone is fine."""
    core = k8s_client.CoreV1Api(api_client)
    for ns in sorted(set(names)):
        try:
            core.delete_namespace(ns)
        except ApiException as e:
            if e.status != 404:
                raise
