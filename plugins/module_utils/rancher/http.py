# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP to Rancher's v3 (Norman) and v1 (Steve) APIs: transport, retries, errors, secrets, pagination.

The HTTP layer is a seam: a *transport* is any callable
``transport(method, url, headers, body, timeout) -> (status, headers, body_bytes)`` that raises
:class:`RancherTransportError` when no HTTP answer came back. :func:`url_transport` is the real one
(``ansible.module_utils.urls.open_url``, CA pinning through ``ca_path``, verification on by
default); unit tests pass a fake, integration tests talk to the Rancher stand-in or the real server.

Retries: 500/502/503/504 and 409 ``Conflict`` are retried with exponential backoff, bounded by a
number of attempts *and* a total time; the sleep and clock functions are injectable.

Collections are paged: Norman answers at most ``limit`` items (1000 unless asked, at most 10000;
norman v0.6.1 parse/collection.go) and links the next page in ``pagination.next``
(api/handler/query.go ``ApplyPagination``, a marker URL); :meth:`RancherHTTP.list_all` follows it.

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
from ansible.module_utils.six.moves.urllib.parse import urlencode
from ansible.module_utils.urls import open_url

from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.errors import (
    RancherError,
    RancherTransportError,
    parse_error_body,
    redact,
)

RETRY_STATUSES = (409, 500, 502, 503, 504)
IDEMPOTENT_METHODS = ("GET", "HEAD", "PUT", "DELETE", "OPTIONS")
# Pages of a collection followed before giving up (a server that links pages in a loop).
MAX_PAGES = 1000


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


class RancherHTTP(object):
    """Requests to the Rancher API with retries, error parsing, secret redaction and pagination."""

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

    def list_all(self, path, query=None):
        """Every item of a v3 collection, following ``pagination.next`` page by page."""
        items = []
        page = self.get(path, query=query) or {}
        for _unused in range(MAX_PAGES):
            items.extend(page.get("data") or [])
            next_url = (page.get("pagination") or {}).get("next")
            if not next_url:
                return items
            page = self.get(next_url) or {}
        raise RancherError(
            "%s has more than %d pages" % (self.redact(path), MAX_PAGES),
            code="TooManyPages",
            hint="Narrow the query, or check that the server's pagination.next links end",
        )
