# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rancher's v3 (Norman) and v1 (Steve) resources the modules use: settings, features, clusters, registration
tokens, projects and provisioning clusters. Requests, retries, secrets and paging are :mod:`.http`'s.

Creates are never blindly repeated: before a create is retried, the object is looked up by name, so a create
that succeeded on the server but failed on the wire is not duplicated (Rancher project names are not unique).
Facts and sources: ``reference/rancher.md`` (sections 2, 3, 4, 9, 11, 13).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.six.moves.urllib.parse import quote

from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.errors import (
    RancherError,
    RancherTransportError,
)
from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.http import RETRY_STATUSES, RancherHTTP
from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.versions import parse_version
from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.views import condition_status

V1_CLUSTERS = "/v1/provisioning.cattle.io.clusters"
FLEET_DEFAULT = "fleet-default"


class RancherClient(RancherHTTP):
    """The Rancher API calls of the tenancy.vcluster modules."""

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
        if getattr(self, "_version", None) is None:
            text = self.setting("server-version")
            self._version = (text, parse_version(text))
        return self._version[1]

    def server_version_text(self):
        self.server_version()
        return self._version[0]

    def feature_enabled(self, name):
        """Effective value of a feature flag (``value``, else ``default``); None when this Rancher has no such feature.

        A v3 ``feature`` shows the spec's ``value`` at the top and the status (with ``default``) under ``status``
        (global_types.go ``Feature``, as Rancher v2.12.0 answers).
        """
        obj = self.get_or_none("/v3/features/%s" % quote(name, safe=""))
        if obj is None:
            return None
        if obj.get("value") is not None:
            return bool(obj["value"])
        return bool((obj.get("status") or {}).get("default", obj.get("default")))

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
        return self.list_all("/v3/clusters", query={"name": name} if name else None)

    def find_cluster(self, name):
        """The v3 cluster whose display name is ``name``, compared case-insensitively as Rancher compares names.

        ``?name=`` filters exactly, so when it finds nothing every cluster is listed (only before a create).
        """
        wanted = name.lower()
        for listing in (lambda: self.list_clusters(name=name), self.list_clusters):
            for obj in listing():
                if (obj.get("name") or "").lower() == wanted:
                    return obj
        return None

    def get_cluster(self, cluster_id):
        return self.get_or_none("/v3/clusters/%s" % quote(cluster_id, safe=""))

    def create_cluster(self, body):
        body = dict(body, type="cluster")
        return self._create("/v3/clusters", body, lambda: self.find_cluster(body["name"]))

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
        data = self.list_all("/v3/clusterregistrationtokens", query={"clusterId": cluster_id})
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
            if not create:
                return None  # none yet, or Rancher has not filled its token in: nothing to wait for
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

    def fetch_manifest(self, manifest_url):
        """The registration manifest (YAML text), over the same TLS settings (CA pinning) as the API."""
        return self.request("GET", manifest_url, raw=True, auth=False)

    # -- projects ----------------------------------------------------------------------------
    def find_project(self, cluster_id, name):
        data = self.list_all("/v3/projects", query={"clusterId": cluster_id, "name": name})
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
    def v1_path(self, name, namespace=FLEET_DEFAULT):
        return "%s/%s/%s" % (V1_CLUSTERS, quote(namespace, safe=""), quote(name, safe=""))

    def get_cluster_v1(self, name, namespace=FLEET_DEFAULT):
        return self.get_or_none(self.v1_path(name, namespace))

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
            obj = self.get(self.v1_path(name, namespace))
            mutate(obj)
            try:
                return self.request("PUT", self.v1_path(name, namespace), body=obj, retry_conflict=False)
            except RancherError as err:
                delay = self._delay(attempt, {})
                if err.status != 409 or not self._budget_left(attempt, started, delay):
                    raise
                self.sleep(delay)
                attempt += 1

    def delete_cluster_v1(self, name, namespace=FLEET_DEFAULT):
        try:
            self.request("DELETE", self.v1_path(name, namespace))
        except RancherError as err:
            if err.status == 404:
                return False
            raise
        return True
