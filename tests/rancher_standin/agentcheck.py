# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Does the registration manifest really exist in the target cluster?

The stand-in counts a cluster's agent as connected only when a check says so. A check is any callable
``check(cluster_id, token, server_url) -> dict | None``: a dict (optionally with ``version``, the
Kubernetes ``gitVersion`` of the target, used for the k3s reclassification) when the agent's objects are
there, None otherwise. Unit tests inject a plain function; :class:`KubeconfigAgentCheck` looks in a real
(virtual) cluster with the kubernetes Python client:

* Namespace ``cattle-system``;
* Deployment ``cattle-system/cattle-cluster-agent`` whose ``CATTLE_SERVER`` is the server URL;
* a Secret ``cattle-system/cattle-credentials-*`` whose ``token`` is the registration token and whose
  ``url`` is the server URL (what the real agent authenticates its tunnel with).
"""

import base64
import threading

from .manifest import AGENT_NAME, AGENT_NAMESPACE, CREDENTIALS_PREFIX


def _decode(value):
    try:
        return base64.b64decode(value or "").decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None


class KubeconfigAgentCheck:
    """Look for the agent's objects through a kubeconfig: one default and/or one per cluster id."""

    def __init__(self, kubeconfig=None, context=None):
        self.default = kubeconfig
        self.context = context
        self.per_cluster = {}
        self.last_error = {}
        self._lock = threading.Lock()

    def set_kubeconfig(self, cluster_id, path, context=None):
        with self._lock:
            self.per_cluster[cluster_id] = (path, context)

    def _target(self, cluster_id):
        with self._lock:
            if cluster_id in self.per_cluster:
                return self.per_cluster[cluster_id]
        if self.default:
            return self.default, self.context
        return None, None

    def __call__(self, cluster_id, token, server_url):
        path, context = self._target(cluster_id)
        if not path:
            return None
        try:
            from kubernetes import client, config  # the venv has it; imported lazily for unit tests
            from kubernetes.client.rest import ApiException
        except ImportError as err:  # pragma: no cover - depends on the environment
            self.last_error[cluster_id] = "kubernetes client missing: %s" % err
            return None
        try:
            api_client = config.new_client_from_config(config_file=path, context=context)
            core = client.CoreV1Api(api_client)
            apps = client.AppsV1Api(api_client)
            core.read_namespace(AGENT_NAMESPACE)
            deployment = apps.read_namespaced_deployment(AGENT_NAME, AGENT_NAMESPACE)
            env = {}
            for container in deployment.spec.template.spec.containers or []:
                for item in container.env or []:
                    env[item.name] = item.value
            if env.get("CATTLE_SERVER") != server_url:
                self.last_error[cluster_id] = "CATTLE_SERVER is %r, not %r" % (env.get("CATTLE_SERVER"), server_url)
                return None
            found = False
            for secret in core.list_namespaced_secret(AGENT_NAMESPACE).items:
                if not secret.metadata.name.startswith(CREDENTIALS_PREFIX):
                    continue
                data = secret.data or {}
                if _decode(data.get("token")) == token and _decode(data.get("url")) == server_url:
                    found = True
                    break
            if not found:
                self.last_error[cluster_id] = "no cattle-credentials-* Secret with this cluster's token"
                return None
            version = client.VersionApi(api_client).get_code().git_version
            self.last_error.pop(cluster_id, None)
            return {"version": version}
        except ApiException as err:
            self.last_error[cluster_id] = "%s %s" % (err.status, err.reason)
            return None
        except Exception as err:
            self.last_error[cluster_id] = str(err)
            return None
