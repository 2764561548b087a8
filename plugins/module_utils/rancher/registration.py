# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How a cluster is registered: the registration token's commands, and what an unset ``server-url`` means.

Rancher fills a ClusterRegistrationToken in three controller steps: the ``cluster-watch`` handler creates
``default-token``, the token controller sets ``status.token``, then ``assignStatus`` adds the commands
(pkg/controllers/dashboard/clusterregistrationtoken, v2.12.0). ``assignStatus`` leaves the commands empty while the
``server-url`` setting is unset (``getURL``). The manifest endpoint then renders ``CATTLE_SERVER`` from the root URL
of the request that fetched it (pkg/api/norman/customization/clusterregistrationtokens/import.go), and Rancher's own
agent deployment waits for the setting ("waiting for server-url setting to be set",
pkg/controllers/management/clusterdeploy/clusterdeploy.go ``getYAML``): the agent may connect, but the import is
never finished (``AgentDeployed``) until ``server-url`` is set.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.tenancy.vcluster.plugins.module_utils.rancher.errors import RancherError

SERVER_URL_UNSET = (
    "Rancher's server-url setting is unset, so Rancher left the registration commands empty; the manifest URL was "
    "built from rancher_url, and the manifest Rancher serves there points the agent at the URL it was fetched from "
    "({url}). Rancher does not finish an import until server-url is set (it deploys and updates the agent itself "
    "only then), so the cluster will not become active. Set it once to the URL the agents reach (Global Settings > "
    "server-url, or PUT /v3/settings/server-url)."
)


def manifest_url_for(server_url, token, cluster_id):
    """``<server-url>/v3/import/<token>_<clusterId>.yaml`` as Rancher builds it (status.go ``getURL``)."""
    return "%s/v3/import/%s_%s.yaml" % (server_url.rstrip("/"), token, cluster_id)


def registration_commands(manifest_url):
    return {
        "manifest_url": manifest_url,
        "command": "kubectl apply -f %s" % manifest_url,
        "insecure_command": "curl --insecure -sfL %s | kubectl apply -f -" % manifest_url,
    }


def from_token(crt, cluster_id, server_url):
    """``(registration, built)`` of a token object: Rancher's commands, else built from ``server_url``."""
    if crt.get("manifestUrl"):
        built = registration_commands(crt["manifestUrl"])
        return {
            "manifest_url": crt["manifestUrl"],
            "command": crt.get("command") or built["command"],
            "insecure_command": crt.get("insecureCommand") or built["insecure_command"],
        }, False
    return registration_commands(manifest_url_for(server_url, crt.get("token") or "", cluster_id)), True


class Registration(object):
    """Reads (or, when allowed, creates) the registration token of a cluster and returns its commands.

    ``secret(value)`` is called with the token as soon as it is seen, so that it is masked from then on.
    """

    def __init__(self, client, secret, token_timeout, token_grace):
        self.client = client
        self.secret = secret
        self.token_timeout = token_timeout
        self.token_grace = token_grace
        self.warnings = []
        self._server_url = None

    def server_url(self):
        if self._server_url is None:
            self._server_url = self.client.setting("server-url")
        return self._server_url

    def _token(self, cluster_id, wait, check_mode, wait_timeout):
        if check_mode:
            crt = self.client.find_registration_token(cluster_id)
            return crt if crt and crt.get("token") else None
        if wait == "none":
            return self.client.registration_token(cluster_id, create=False, timeout=0)
        return self.client.registration_token(
            cluster_id, create=True, timeout=min(self.token_timeout, wait_timeout), grace=self.token_grace
        )

    def _wait_commands(self, crt, cluster_id, timeout):
        """With server-url set, the commands follow the token in a later controller step: wait for them."""
        deadline = self.client.clock() + timeout
        while not crt.get("manifestUrl") and self.client.clock() < deadline:
            self.client.sleep(self.client.poll_interval)
            crt = self.client.get("/v3/clusterregistrationtokens/%s" % crt["id"]) if crt.get("id") else crt
        return crt

    def commands(self, cluster_id, wait, check_mode, wait_timeout):
        """The registration dict (empty when there is no token yet and none may be made)."""
        crt = self._token(cluster_id, wait, check_mode, wait_timeout)
        if crt is None:
            return {}
        token = crt.get("token")
        if token:
            self.secret(token)
        server_url = None
        if not crt.get("manifestUrl"):
            server_url = self.server_url()
            if server_url and not check_mode and wait != "none":
                crt = self._wait_commands(crt, cluster_id, min(self.token_timeout, wait_timeout))
        if not crt.get("manifestUrl") and not server_url:
            self.warnings.append(SERVER_URL_UNSET.format(url=self.client.base_url))
        reg, built = from_token(crt, cluster_id, server_url or self.client.base_url)
        reg["built"] = built
        return reg

    def require_server_url(self, name):
        """Fail before waiting for ``active`` when Rancher could never get there."""
        if not self.server_url():
            raise RancherError(
                "cluster %s cannot become active: Rancher's server-url setting is unset" % name,
                code="ServerURLUnset",
                hint="Rancher deploys the agent itself only once server-url is set. Set it to the URL the agents "
                "reach (Global Settings > server-url, or PUT /v3/settings/server-url), then rerun",
            )
