# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small client for Rancher's v3 (Norman) API and the v1 (Steve) provisioning API.

Facts and sources: ``reference/rancher.md`` (sections 2, 3, 4, 9, 11, 13).

The HTTP layer is a seam: a *transport* is any callable
``transport(method, url, headers, body, timeout) -> (status, headers, body_bytes)`` that raises
:class:`RancherTransportError` when no HTTP answer came back. :func:`url_transport` is the real one
(``ansible.module_utils.urls.open_url``, CA pinning through ``ca_path``, verification on by
default); unit tests pass a fake, integration tests talk to the Rancher stand-in.

Retries: 500/502/503/504 and 409 ``Conflict`` are retried with exponential backoff, bounded by a
number of attempts *and* a total time; the sleep and clock functions are injectable. Creates are
never blindly repeated: before a create is retried, the object is looked up by name, so a create
that succeeded on the server but failed on the wire is not duplicated (Rancher project names are
not unique).

The API token is never put in an exception, a log line or a returned value: every message and URL
passes through :func:`errors.redact` with the token, its secret half and any registration token
the client has seen.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import json
import re
import socket
import ssl
import time

from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError
from ansible.module_utils.six.moves.urllib.parse import quote, urlencode
from ansible.module_utils.urls import open_url

from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.errors import (
    RancherError,
    RancherTransportError,
    parse_error_body,
    redact,
)

RETRY_STATUSES = (409, 500, 502, 503, 504)
IDEMPOTENT_METHODS = ("GET", "HEAD", "PUT", "DELETE", "OPTIONS")
V1_CLUSTERS = "/v1/provisioning.cattle.io.clusters"
FLEET_DEFAULT = "fleet-default"
VERSION_MANAGEMENT_ANNOTATION = "rancher.io/imported-cluster-version-management"


def parse_version(text):
    """``"v2.12.1"`` -> ``(2, 12, 1)``; ``None`` when the text is not a version (``dev``, ``master-head``)."""
    match = re.match(r"^\s*v?(\d+)\.(\d+)(?:\.(\d+))?", text or "")
    if not match:
        return None
    return (int(match.group(1)), int(match.group(2)), int(match.group(3) or 0))


def version_at_least(version, minimum):
    """True when ``version`` (a tuple or None) is >= ``minimum``; unknown versions count as new."""
    if version is None:
        return True
    return tuple(version) >= tuple(minimum)


def url_transport(ca_path=None, validate_certs=True, client=None):
    """The real transport over ``ansible.module_utils.urls.open_url``.

    ``ca_path`` pins the CA bundle used to verify Rancher's certificate (verification stays on);
    ``validate_certs=False`` turns verification off altogether.
    """
    opener = client or open_url

    def transport(method, url, headers, body, timeout):
        try:
            response = opener(
                url,
                data=body,
                headers=headers,
                method=method,
                timeout=timeout,
                validate_certs=validate_certs,
                ca_path=ca_path,
                follow_redirects="safe",
                use_netrc=False,
                force_basic_auth=False,
            )
            status = response.getcode() if hasattr(response, "getcode") else response.status
            return status, dict(response.headers.items()), response.read()
        except HTTPError as err:
            try:
                payload = err.read()
            except Exception:
                payload = b""
            headers_out = dict(err.headers.items()) if err.headers is not None else {}
            return err.code, headers_out, payload or b""
        except (socket.timeout, TimeoutError) as err:
            raise RancherTransportError("timed out after %ss (%s)" % (timeout, err), timeout=True) from None
        except URLError as err:
            reason = getattr(err, "reason", err)
            if isinstance(reason, (socket.timeout, TimeoutError)):
                raise RancherTransportError("timed out after %ss (%s)" % (timeout, reason), timeout=True) from None
            tls = isinstance(reason, ssl.SSLError) or "CERTIFICATE_VERIFY_FAILED" in str(reason)
            raise RancherTransportError("cannot connect: %s" % reason, tls=tls) from None
        except ssl.SSLError as err:
            raise RancherTransportError("TLS error: %s" % err, tls=True) from None
        except (OSError, ValueError) as err:
            tls = "CERTIFICATE_VERIFY_FAILED" in str(err) or "certificate" in str(err).lower()
            raise RancherTransportError("cannot connect: %s" % err, tls=tls) from None

    return transport


def condition_status(obj, cond_type):
    """Status (``"True"``/``"False"``/``"Unknown"``) of a condition of a v3 or v1 object, or None."""
    conditions = obj.get("conditions")
    if conditions is None:
        conditions = (obj.get("status") or {}).get("conditions")
    for cond in conditions or []:
        if cond.get("type") == cond_type:
            return cond.get("status")
    return None


def cluster_summary(obj):
    """The parts of a v3 cluster a playbook needs (never secrets)."""
    conditions = []
    for cond in obj.get("conditions") or []:
        item = {"type": cond.get("type"), "status": cond.get("status")}
        for src, dst in (("reason", "reason"), ("message", "message"), ("lastUpdateTime", "last_update_time")):
            if cond.get(src):
                item[dst] = cond[src]
        conditions.append(item)
    return {
        "id": obj.get("id"),
        "name": obj.get("name"),
        "state": obj.get("state"),
        "driver": obj.get("driver") or "",
        "transitioning": obj.get("transitioning") or "no",
        "transitioning_message": obj.get("transitioningMessage") or "",
        "connected": condition_status(obj, "Connected") == "True",
        "ready": condition_status(obj, "Ready") == "True",
        "conditions": conditions,
        "labels": dict(obj.get("labels") or {}),
        "annotations": dict(obj.get("annotations") or {}),
        "agent_env_vars": list(obj.get("agentEnvVars") or []),
        "cluster_agent_deployment_customization": obj.get("clusterAgentDeploymentCustomization"),
    }


def manifest_url_for(server_url, token, cluster_id):
    """``<server-url>/v3/import/<token>_<clusterId>.yaml`` as Rancher itself builds it (status.go)."""
    return "%s/v3/import/%s_%s.yaml" % (server_url.rstrip("/"), token, cluster_id)


def registration_commands(manifest_url):
    return {
        "manifest_url": manifest_url,
        "command": "kubectl apply -f %s" % manifest_url,
        "insecure_command": "curl --insecure -sfL %s | kubectl apply -f -" % manifest_url,
    }


class RancherClient(object):
    """Rancher API calls with retries, error parsing and secret redaction."""

    def __init__(
        self,
        url,
        token,
        ca_path=None,
        validate_certs=True,
        timeout=30,
        transport=None,
        retries=5,
        backoff=0.5,
        max_backoff=8.0,
        max_retry_time=60.0,
        sleep=time.sleep,
        clock=time.monotonic,
        poll_interval=3.0,
        user_agent="tenancy.vcluster",
    ):
        if not url:
            raise RancherError(
                "rancher_url is not set", hint="Set rancher_url (env RANCHER_URL) to the Rancher server root"
            )
        if not re.match(r"^https?://", url):
            raise RancherError(
                "rancher_url %r has no http:// or https:// scheme" % url,
                hint="Use the full URL, for example https://rancher.example.com",
            )
        self.base_url = url.rstrip("/")
        for suffix in ("/v3", "/v1", "/dashboard"):
            if self.base_url.endswith(suffix):
                self.base_url = self.base_url[: -len(suffix)]
        self._token = token or ""
        self._secrets = set()
        if token:
            self._secrets.add(token)
            if ":" in token:
                self._secrets.add(token.split(":", 1)[1])
        self.ca_path = ca_path
        self.validate_certs = validate_certs
        self.timeout = timeout
        self.transport = transport or url_transport(ca_path=ca_path, validate_certs=validate_certs)
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_time = max_retry_time
        self.sleep = sleep
        self.clock = clock
        self.poll_interval = poll_interval
        self.user_agent = user_agent
        self._version = None
        self.calls = []  # (method, redacted path, status) of every attempt, for debugging and tests

    # -- secrets -------------------------------------------------------------------------------
    def add_secret(self, value):
        """Redact ``value`` (for example a registration token) from everything this client reports."""
        if value:
            self._secrets.add(value)

    def redact(self, text):
        return redact(text, self._secrets)

    # -- transport -----------------------------------------------------------------------------
    def _delay(self, attempt, headers):
        delay = min(self.max_backoff, self.backoff * (2 ** attempt))
        retry_after = (headers or {}).get("Retry-After") or (headers or {}).get("retry-after")
        if retry_after:
            with contextlib.suppress(ValueError):
                delay = min(self.max_backoff, max(delay, float(retry_after)))
        return delay

    def _budget_left(self, attempt, started, delay):
        return attempt < self.retries and (self.clock() - started + delay) <= self.max_retry_time

    def request(self, method, path, body=None, query=None, retry=True, retry_conflict=True, raw=False, auth=True):
        """One API call. Returns decoded JSON (or text with ``raw``), ``None`` for an empty answer.

        Raises :class:`RancherError` for an error answer once the retries are used up, and
        :class:`RancherTransportError` when no answer came back.
        """
        method = method.upper()
        url = path if path.startswith("http") else self.base_url + path
        if query:
            url += ("&" if "?" in url else "?") + urlencode(query)
        headers = {"Accept": "application/json", "User-Agent": self.user_agent}
        if auth and self._token:
            headers["Authorization"] = "Bearer " + self._token
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        shown_url = self.redact(url)
        started = self.clock()
        attempt = 0
        while True:
            try:
                status, resp_headers, payload = self.transport(method, url, headers, data, self.timeout)
            except RancherTransportError as err:
                self.calls.append((method, shown_url, None))
                # A refused connection never reached the server; a timeout may have: only
                # idempotent calls are repeated after one. TLS failures are never retried.
                can_retry = retry and not err.tls and (method in IDEMPOTENT_METHODS or not err.timeout)
                delay = self._delay(attempt, {})
                if can_retry and self._budget_left(attempt, started, delay):
                    self.sleep(delay)
                    attempt += 1
                    continue
                raise RancherTransportError(
                    self.redact(err.message), timeout=err.timeout, tls=err.tls, method=method, url=shown_url
                ) from None
            except RancherError:
                raise
            except Exception as err:
                raise RancherTransportError(
                    self.redact("transport failed: %s" % err), method=method, url=shown_url
                ) from None
            self.calls.append((method, shown_url, status))
            if status < 400:
                if isinstance(payload, bytes):
                    payload = payload.decode("utf-8", "replace")
                if raw:
                    return payload
                if status == 204 or not (payload or "").strip():
                    return None
                try:
                    return json.loads(payload)
                except ValueError:
                    raise RancherError(
                        self.redact("answered %s with a body that is not JSON: %.200s" % (status, payload)),
                        status=status,
                        code="InvalidBody",
                        method=method,
                        url=shown_url,
                        hint="Check that rancher_url points at the Rancher server itself, not a login page or proxy",
                    ) from None
            status, code, message, field = parse_error_body(status, payload)
            retryable = status in RETRY_STATUSES
            if status == 409 and (not retry_conflict or code == "AlreadyExists"):
                retryable = False
            delay = self._delay(attempt, resp_headers)
            if retry and retryable and self._budget_left(attempt, started, delay):
                self.sleep(delay)
                attempt += 1
                continue
            raise RancherError(
                self.redact(message), status=status, code=code, method=method, url=shown_url, field_name=field
            )

    def get(self, path, query=None, **kwargs):
        return self.request("GET", path, query=query, **kwargs)

    def get_or_none(self, path, query=None, gone_statuses=(404,)):
        try:
            return self.request("GET", path, query=query)
        except RancherError as err:
            if err.status in gone_statuses:
                return None
            raise

    # -- server ------------------------------------------------------------------------------
    def ping(self):
        """``GET /ping`` must answer ``pong``; raises otherwise."""
        text = self.request("GET", "/ping", raw=True, auth=False)
        if (text or "").strip() != "pong":
            raise RancherError(
                "GET /ping answered %r instead of 'pong'" % self.redact((text or "")[:80]),
                code="NotRancher",
                hint="Check that rancher_url is the root of a Rancher server (for example https://rancher.example.com)",
            )
        return True

    def setting(self, name):
        """Effective value of a global setting (``value``, else ``default``)."""
        obj = self.get("/v3/settings/%s" % quote(name, safe=""))
        return (obj or {}).get("value") or (obj or {}).get("default") or ""

    def server_version(self):
        """The server version as a tuple, or None when it is not a release (``v2.12-head``)."""
        if self._version is None:
            text = self.setting("server-version")
            self._version = (text, parse_version(text))
        return self._version[1]

    def server_version_text(self):
        self.server_version()
        return self._version[0]

    # -- creates that are safe to retry --------------------------------------------------------
    def _create(self, path, body, lookup):
        """POST ``body``; on a retryable failure look the object up before trying again."""
        started = self.clock()
        attempt = 0
        while True:
            try:
                return self.request("POST", path, body=body, retry=False)
            except RancherError as err:
                retryable = isinstance(err, RancherTransportError) and not err.tls
                retryable = retryable or (err.status in RETRY_STATUSES and err.code != "AlreadyExists")
                if err.status in (409, 422) and err.code in ("AlreadyExists", "NotUnique"):
                    found = lookup()
                    if found is not None:
                        return found
                    raise
                delay = self._delay(attempt, {})
                if not retryable or not self._budget_left(attempt, started, delay):
                    raise
                self.sleep(delay)
                attempt += 1
                found = lookup()
                if found is not None:
                    return found

    # -- v3 clusters -------------------------------------------------------------------------
    def list_clusters(self, name=None):
        query = {"name": name} if name else None
        return (self.get("/v3/clusters", query=query) or {}).get("data") or []

    def find_cluster(self, name, exhaustive=False):
        """The v3 cluster whose display name is ``name`` (case-insensitive, as Rancher compares), or None."""
        wanted = name.lower()
        for obj in self.list_clusters(name=name):
            if (obj.get("name") or "").lower() == wanted:
                return obj
        if exhaustive:
            for obj in self.list_clusters():
                if (obj.get("name") or "").lower() == wanted:
                    return obj
        return None

    def get_cluster(self, cluster_id):
        return self.get_or_none("/v3/clusters/%s" % quote(cluster_id, safe=""))

    def create_cluster(self, body):
        body = dict(body, type="cluster")
        return self._create("/v3/clusters", body, lambda: self.find_cluster(body["name"], exhaustive=True))

    def update_cluster(self, cluster_id, body, replace=False):
        path = "/v3/clusters/%s" % quote(cluster_id, safe="")
        return self.request("PUT", path, body=body, query={"_replace": "true"} if replace else None)

    def delete_cluster(self, cluster_id):
        """Delete; returns False when the cluster was already gone (404, or 403 after a delete)."""
        try:
            self.request("DELETE", "/v3/clusters/%s" % quote(cluster_id, safe=""))
        except RancherError as err:
            if err.status == 404:
                return False
            raise
        return True

    def wait_gone(self, path, timeout):
        """Poll ``path`` until it answers 404 or 403 (a user loses access to a deleted cluster)."""
        deadline = self.clock() + timeout
        while True:
            obj = self.get_or_none(path, gone_statuses=(403, 404))
            if obj is None:
                return True
            if self.clock() >= deadline:
                raise RancherError(
                    "%s still exists after %ss (state %s: %s)"
                    % (path, timeout, obj.get("state"), self.redact(obj.get("transitioningMessage") or "")),
                    code="Timeout",
                    hint="Rancher is still removing it; rerun later or raise wait_timeout",
                )
            self.sleep(self.poll_interval)

    def wait_cluster(self, cluster_id, until, timeout):
        """Poll a v3 cluster until ``until`` (``connected`` or ``active``) holds; return it.

        ``Ready=False`` and transitional states are waited through; at the deadline the error names
        the state and Rancher's ``transitioningMessage``.
        """
        deadline = self.clock() + timeout
        path = "/v3/clusters/%s" % quote(cluster_id, safe="")
        while True:
            obj = self.get(path)
            connected = condition_status(obj, "Connected") == "True"
            if until == "connected" and connected:
                return obj
            if until == "active" and obj.get("state") == "active":
                return obj
            if self.clock() >= deadline:
                raise RancherError(
                    "cluster %s (%s) is not %s after %ss: state %s%s"
                    % (
                        obj.get("name"),
                        cluster_id,
                        until,
                        timeout,
                        obj.get("state"),
                        (": " + self.redact(obj.get("transitioningMessage") or "")) if obj.get("transitioningMessage")
                        else "",
                    ),
                    code="Timeout",
                    hint=(
                        "Apply the registration manifest inside the cluster if not done, check the "
                        "cattle-cluster-agent pod in cattle-system (Pod Security: it needs 'baseline'), "
                        "and its egress to rancher_url"
                    ),
                )
            self.sleep(self.poll_interval)

    # -- registration tokens --------------------------------------------------------------------
    def find_registration_token(self, cluster_id):
        """The cluster's registration token object (``default-token``, then ``system``, then any)."""
        for name in ("default-token", "system"):
            obj = self.get_or_none("/v3/clusterregistrationtokens/%s:%s" % (cluster_id, name))
            if obj is not None:
                return obj
        data = (self.get("/v3/clusterregistrationtokens", query={"clusterId": cluster_id}) or {}).get("data") or []
        data = [d for d in data if d.get("clusterId") == cluster_id]
        return data[0] if data else None

    def registration_token(self, cluster_id, create=True, timeout=60.0, grace=10.0):
        """Wait for the auto-created token; create one after ``grace`` seconds (only if ``create``).

        Returns the token object once it has a ``token`` (``manifestUrl`` may still be empty when
        Rancher's ``server-url`` setting is unset), or None without ``create`` when there is none.
        """
        started = self.clock()
        while True:
            obj = self.find_registration_token(cluster_id)
            if obj is not None and obj.get("token"):
                self.add_secret(obj["token"])
                return obj
            elapsed = self.clock() - started
            if obj is None and not create:
                return None
            if obj is None and elapsed >= grace:
                try:
                    obj = self.request(
                        "POST",
                        "/v3/clusterregistrationtokens",
                        body={"type": "clusterRegistrationToken", "clusterId": cluster_id},
                    )
                except RancherError as err:
                    if err.status != 409:
                        raise
                    obj = None
                if obj is not None and obj.get("token"):
                    self.add_secret(obj["token"])
                    return obj
            if elapsed >= timeout:
                raise RancherError(
                    "no registration token for cluster %s after %ss" % (cluster_id, timeout),
                    code="Timeout",
                    hint="Rancher's controllers may be down or slow; check the Rancher server and rerun",
                )
            self.sleep(self.poll_interval)

    def registration(self, crt, cluster_id, server_url=None):
        """``manifest_url``/``command``/``insecure_command`` of a token object, built from the token when empty.

        Returns ``(registration, built)``; ``built`` is True when the URL was built here because
        Rancher left ``manifestUrl`` empty (its ``server-url`` setting unset, rancher/rancher#39779).
        """
        token = crt.get("token") or ""
        self.add_secret(token)
        if crt.get("manifestUrl"):
            reg = {
                "manifest_url": crt["manifestUrl"],
                "command": crt.get("command") or registration_commands(crt["manifestUrl"])["command"],
                "insecure_command": crt.get("insecureCommand")
                or registration_commands(crt["manifestUrl"])["insecure_command"],
            }
            return reg, False
        base = (server_url or self.base_url).rstrip("/")
        return registration_commands(manifest_url_for(base, token, cluster_id)), True

    def fetch_manifest(self, manifest_url):
        """The registration manifest (YAML text), over the same TLS settings (CA pinning) as the API."""
        return self.request("GET", manifest_url, raw=True, auth=False)

    # -- projects ----------------------------------------------------------------------------
    def find_project(self, cluster_id, name):
        data = (self.get("/v3/projects", query={"clusterId": cluster_id, "name": name}) or {}).get("data") or []
        found = [p for p in data if p.get("name") == name and p.get("clusterId") == cluster_id]
        if len(found) > 1:
            raise RancherError(
                "%d projects are named %r in cluster %s: %s"
                % (len(found), name, cluster_id, ", ".join(sorted(p.get("id") for p in found))),
                code="Ambiguous",
                hint="Project names are not unique in Rancher; use the project id (c-xxxxx:p-xxxxx) instead",
            )
        return found[0] if found else None

    def get_project(self, project_id):
        return self.get_or_none("/v3/projects/%s" % quote(project_id, safe=":"))

    def create_project(self, body):
        body = dict(body, type="project")
        return self._create("/v3/projects", body, lambda: self.find_project(body["clusterId"], body["name"]))

    def update_project(self, project_id, body):
        return self.request("PUT", "/v3/projects/%s" % quote(project_id, safe=":"), body=body)

    def delete_project(self, project_id):
        try:
            self.request("DELETE", "/v3/projects/%s" % quote(project_id, safe=":"))
        except RancherError as err:
            if err.status == 404:
                return False
            raise
        return True

    # -- v1 provisioning clusters ------------------------------------------------------------
    def _v1_path(self, name, namespace=FLEET_DEFAULT):
        return "%s/%s/%s" % (V1_CLUSTERS, quote(namespace, safe=""), quote(name, safe=""))

    def get_cluster_v1(self, name, namespace=FLEET_DEFAULT):
        return self.get_or_none(self._v1_path(name, namespace))

    def create_cluster_v1(self, name, spec=None, labels=None, annotations=None, namespace=FLEET_DEFAULT):
        metadata = {"name": name, "namespace": namespace}
        if labels:
            metadata["labels"] = dict(labels)
        if annotations:
            metadata["annotations"] = dict(annotations)
        body = {"type": "provisioning.cattle.io.cluster", "metadata": metadata, "spec": dict(spec or {})}
        return self._create(V1_CLUSTERS, body, lambda: self.get_cluster_v1(name, namespace))

    def update_cluster_v1(self, name, mutate, namespace=FLEET_DEFAULT):
        """Read, ``mutate(obj)`` in place, PUT; a 409 on a stale ``resourceVersion`` refetches and retries."""
        started = self.clock()
        attempt = 0
        while True:
            obj = self.get(self._v1_path(name, namespace))
            mutate(obj)
            try:
                return self.request("PUT", self._v1_path(name, namespace), body=obj, retry_conflict=False)
            except RancherError as err:
                delay = self._delay(attempt, {})
                if err.status != 409 or not self._budget_left(attempt, started, delay):
                    raise
                self.sleep(delay)
                attempt += 1

    def delete_cluster_v1(self, name, namespace=FLEET_DEFAULT):
        try:
            self.request("DELETE", self._v1_path(name, namespace))
        except RancherError as err:
            if err.status == 404:
                return False
            raise
        return True
