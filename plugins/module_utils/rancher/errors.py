# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Errors of the Rancher API client, and how to read Rancher's error bodies.

Rancher answers errors in two shapes (reference/rancher.md section 11):

* Norman (``/v3``) and Steve (``/v1``): ``{"type": "error", "status": 404, "code": "NotFound",
  "message": "...", "fieldName": "..."}``. Auth-layer errors carry ``status`` as a *string*
  (``"401"``), so the status is parsed defensively.
* Kubernetes ``Status`` objects (``{"kind": "Status", "code": 409, "reason": "AlreadyExists",
  "message": "..."}``) from the k8s proxy and from Steve pass-through errors.

Anything else (an HTML page of a load balancer, an empty body) keeps the HTTP status and a
shortened, single-line excerpt of the text as the message.

Every :class:`RancherError` carries ``status``, ``code``, ``message`` and a ``hint`` that tells the
operator what to do. Secrets are removed from all of them by the client before raising
(:func:`redact`).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

REDACTED = "********"

# Reason phrases for statuses without a code in the body.
_REASONS = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "PermissionDenied",
    404: "NotFound",
    405: "MethodNotAllow",
    409: "Conflict",
    422: "Unprocessable",
    429: "TooManyRequests",
    500: "ServerError",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
}

_CA_HINT = (
    "Pin the Rancher CA instead of turning verification off: save the PEM served at "
    "<rancher_url>/v3/settings/cacerts (or your corporate CA) to a file and set rancher_ca_path "
    "(env RANCHER_CA_CERT). rancher_validate_certs=false is a last resort for labs."
)


class RancherError(Exception):
    """A failed Rancher API call, or a Rancher server that cannot be used.

    ``status`` is the HTTP status as an int (``None`` when no HTTP answer came back), ``code`` the
    Rancher/Kubernetes reason (``NotFound``, ``NotUnique``, ``AlreadyExists``...), ``message`` the
    server's message, ``field_name`` the offending field for 422s, ``hint`` what to do.
    """

    def __init__(self, message, status=None, code=None, hint=None, method=None, url=None, field_name=None):
        self.status = status
        self.code = code
        self.message = message or ""
        self.hint = hint if hint is not None else hint_for(status, code, message, method, url)
        self.method = method
        self.url = url
        self.field_name = field_name
        super().__init__(self.__str__())

    def __str__(self):
        where = ""
        if self.method and self.url:
            where = "%s %s: " % (self.method, self.url)
        what = []
        if self.status is not None:
            what.append(str(self.status))
        if self.code:
            what.append(str(self.code))
        head = " ".join(what)
        text = "Rancher API %s%s%s" % (where, head + ": " if head else "", self.message)
        if self.field_name:
            text += " (field %s)" % self.field_name
        if self.hint:
            text += ". " + self.hint
        return text

    def to_dict(self):
        """The error as plain data for a module result (``error`` key)."""
        return {
            "status": self.status,
            "code": self.code,
            "message": self.message,
            "field_name": self.field_name,
            "hint": self.hint,
            "method": self.method,
            "url": self.url,
        }

    @property
    def not_found(self):
        return self.status == 404

    @property
    def retryable(self):
        return False


class RancherTransportError(RancherError):
    """No HTTP answer: connection refused, DNS, TLS handshake, or a timeout."""

    def __init__(self, message, timeout=False, tls=False, method=None, url=None):
        self.timeout = timeout
        self.tls = tls
        if timeout:
            hint = (
                "Rancher did not answer in time. Check that rancher_url is reachable from the controller, "
                "and raise rancher_timeout if the server is just slow."
            )
        elif tls:
            hint = "The TLS certificate of Rancher could not be verified. " + _CA_HINT
        else:
            hint = (
                "Rancher could not be reached. Check rancher_url (scheme, host, port; the server root, "
                "not /dashboard), DNS, proxies (https_proxy/no_proxy) and firewalls."
            )
        code = "Timeout" if timeout else ("TLSError" if tls else "ConnectionError")
        super().__init__(message, status=None, code=code, hint=hint, method=method, url=url)


def _short(text, limit=300):
    text = re.sub(r"<[^>]+>", " ", text or "")
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def _as_status(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def parse_error_body(http_status, body):
    """Return ``(status, code, message, field_name)`` from an error answer of any shape.

    ``body`` may be bytes, text or already-decoded JSON. The HTTP status wins when the body
    disagrees or carries none (Norman sometimes sends ``"status": "401"`` as a string).
    """
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    data = body
    if isinstance(body, str):
        stripped = body.strip()
        data = None
        if stripped.startswith("{"):
            try:
                data = json.loads(stripped)
            except ValueError:
                data = None
        if data is None:
            code = _REASONS.get(http_status)
            return http_status, code, _short(stripped) or (code or "no error body"), None
    if not isinstance(data, dict):
        return http_status, _REASONS.get(http_status), _short(str(data)), None
    if data.get("kind") == "Status":
        # Kubernetes Status: code is the HTTP status, reason the machine-readable code.
        status = _as_status(data.get("code")) or http_status
        code = data.get("reason") or _REASONS.get(status)
        message = data.get("message") or code or ""
        field = None
        details = data.get("details") or {}
        causes = details.get("causes") or []
        if causes and isinstance(causes[0], dict):
            field = causes[0].get("field")
        return http_status or status, code, message, field
    # Norman / Steve error object ("type": "error"); be lenient about anything else.
    status = _as_status(data.get("status")) or http_status
    code = data.get("code") or _REASONS.get(status)
    message = data.get("message") or data.get("reason") or code or ""
    return http_status or status, code, message, data.get("fieldName")


def hint_for(status, code=None, message=None, method=None, url=None):
    """What an operator can do about an error; empty when there is nothing useful to say."""
    message = message or ""
    path = url or ""
    if status == 401:
        if "clusterID does not match" in message:
            return (
                "The token is scoped to one cluster and only works for /v3/clusters/<that id> and "
                "/k8s/clusters/<that id>. Creating or listing clusters and projects needs an unscoped API key: "
                "create one in Rancher (avatar > Account & API Keys, scope 'No Scope') and set rancher_token"
            )
        return (
            "The token was refused: it is expired, revoked or mistyped, or it is a cluster-scoped token used "
            "outside its cluster. Create a new API key in Rancher (avatar > Account & API Keys; scope 'No Scope' "
            "to manage clusters) and set rancher_token (env RANCHER_TOKEN) to 'token-xxxxx:secret'"
        )
    if status == 403:
        what = "this request"
        if "/clusters" in path and method == "POST" and "/v3/clusters/" not in path:
            what = "creating clusters (global permission 'Create new Clusters')"
        elif "projects" in path:
            what = "managing projects in this cluster (Cluster Owner, or the 'Manage Projects' cluster role)"
        elif "provisioning.cattle.io" in path:
            what = "provisioning clusters in fleet-default (global permission 'Create new Clusters')"
        elif "/clusters" in path:
            what = "this cluster (Cluster Owner or 'Manage Cluster Members' on it)"
        return "The user of the token lacks permission for %s. Ask a Rancher admin to grant it" % what
    if status == 404:
        if code == "ActionNotAvailable":
            return "This Rancher version or object state does not offer that action"
        return (
            "Not found. Check the id, and that rancher_url is the root of the Rancher server "
            "(for example https://rancher.example.com, without /v3 or /dashboard)"
        )
    if status == 405:
        return "Rancher does not allow this method here; the Rancher version may not support the operation"
    if status == 409:
        return "The object changed or already exists; rerun the task (the module refetches before writing)"
    if status == 422:
        if code == "NotUnique":
            return (
                "The name is already taken, possibly by an object the token's user cannot see. "
                "Pick another name or ask an admin"
            )
        if code == "MissingRequired":
            return "A required field is empty"
        if code == "InvalidReference":
            return "A referenced object (cluster or project id) does not exist or is not visible to this token"
        return "Rancher rejected the request body; check the option values named in the message"
    if status == 503 and code == "ClusterUnavailable":
        return (
            "The downstream cluster's agent is not connected to Rancher. Check the cattle-cluster-agent "
            "Deployment in cattle-system of that cluster and its egress to the Rancher server"
        )
    if status in (500, 502, 503, 504):
        return (
            "Rancher failed or is (re)starting; the client retried with backoff and gave up. "
            "Check the Rancher server logs and rerun"
        )
    return ""


def redact(text, secrets):
    """Replace every secret (and the URL-encoded form) in ``text`` by ``********``."""
    if not text or not secrets:
        return text
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        if len(secret) < 4:
            continue
        text = text.replace(secret, REDACTED)
    return text
