# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The registration manifest served at ``/v3/import/<token>_<clusterId>.yaml`` (rancher.md section 5).

Objects, in Rancher's apply order: ClusterRole/ClusterRoleBinding for the kube-apiserver proxy,
Namespace ``cattle-system``, ServiceAccount ``cattle``, ClusterRole ``cattle-admin`` and its binding,
Secret ``cattle-credentials-<key>`` (``url``, ``token``, ``namespace``), optional PDB and PriorityClass
(2.11+ scheduling customization), Deployment ``cattle-cluster-agent`` (no securityContext at all, so it
passes ``baseline`` but violates ``restricted``, like the real one) and its Service.
"""

import base64
import hashlib

import yaml

AGENT_NAMESPACE = "cattle-system"
AGENT_NAME = "cattle-cluster-agent"
CREDENTIALS_PREFIX = "cattle-credentials-"


def b64(text):
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def token_key(url, token, namespace=AGENT_NAMESPACE):
    return hashlib.sha256(("%s.%s.%s" % (url, token, namespace)).encode("utf-8")).hexdigest()[:10]


def ca_checksum(cacerts):
    if not cacerts:
        return ""
    if not cacerts.endswith("\n"):
        cacerts += "\n"
    return hashlib.sha256(cacerts.encode("utf-8")).hexdigest()


def _default_affinity(profile):
    os_key = "kubernetes.io/os" if profile["new_affinity"] else "beta.kubernetes.io/os"
    roles = ["node-role.kubernetes.io/controlplane", "node-role.kubernetes.io/control-plane"]
    if not profile["new_affinity"]:
        roles.append("node-role.kubernetes.io/master")
    return {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {"matchExpressions": [{"key": os_key, "operator": "NotIn", "values": ["windows"]}]}
                ]
            },
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {
                    "weight": 100,
                    "preference": {"matchExpressions": [{"key": r, "operator": "In", "values": ["true"]}]},
                }
                for r in roles
            ]
            + [
                {
                    "weight": 1,
                    "preference": {
                        "matchExpressions": [{"key": "cattle.io/cluster-agent", "operator": "In", "values": ["true"]}]
                    },
                }
            ],
        },
        "podAntiAffinity": {
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {
                    "weight": 100,
                    "podAffinityTerm": {
                        "labelSelector": {
                            "matchExpressions": [{"key": "app", "operator": "In", "values": [AGENT_NAME]}]
                        },
                        "topologyKey": "kubernetes.io/hostname",
                    },
                }
            ]
        },
    }


def _default_tolerations(profile):
    tolerations = [
        {"effect": "NoSchedule", "key": "node-role.kubernetes.io/controlplane", "value": "true"},
        {"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane", "operator": "Exists"},
    ]
    if profile["master_toleration"]:
        tolerations.append({"effect": "NoSchedule", "key": "node-role.kubernetes.io/master", "operator": "Exists"})
    return tolerations


def render_manifest(profile, server_url, token, cluster, cacerts=""):
    """The list of objects of the import manifest for ``cluster`` (a stand-in cluster dict)."""
    key = token_key(server_url, token)
    secret_name = CREDENTIALS_PREFIX + key
    custom = (cluster.get("clusterAgentDeploymentCustomization") or {}) if profile["agent_customization"] else {}
    objects = [
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": {"name": "proxy-clusterrole-kubeapiserver"},
            "rules": [
                {
                    "apiGroups": [""],
                    "resources": ["nodes/metrics", "nodes/proxy", "nodes/stats", "nodes/log", "nodes/spec"],
                    "verbs": ["get", "list", "watch", "create"],
                }
            ],
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": {"name": "proxy-role-binding-kubernetes-master"},
            "roleRef": {
                "apiGroup": "rbac.authorization.k8s.io",
                "kind": "ClusterRole",
                "name": "proxy-clusterrole-kubeapiserver",
            },
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "kube-apiserver"}],
        },
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": AGENT_NAMESPACE}},
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "cattle", "namespace": AGENT_NAMESPACE}},
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": {"name": "cattle-admin-binding", "labels": {"cattle.io/creator": "norman"}},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cattle-admin"},
            "subjects": [{"kind": "ServiceAccount", "name": "cattle", "namespace": AGENT_NAMESPACE}],
        },
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": secret_name, "namespace": AGENT_NAMESPACE},
            "type": "Opaque",
            "data": {"url": b64(server_url), "token": b64(token), "namespace": b64("")},
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": {"name": "cattle-admin", "labels": {"cattle.io/creator": "norman"}},
            "rules": [
                {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
                {"nonResourceURLs": ["*"], "verbs": ["*"]},
            ],
        },
    ]
    scheduling = custom.get("schedulingCustomization") if profile["scheduling_customization"] else None
    if scheduling and scheduling.get("podDisruptionBudget"):
        pdb = scheduling["podDisruptionBudget"]
        spec = {"selector": {"matchLabels": {"app": AGENT_NAME}}}
        spec.update({k: v for k, v in pdb.items() if k in ("minAvailable", "maxUnavailable")})
        objects.append(
            {
                "apiVersion": "policy/v1",
                "kind": "PodDisruptionBudget",
                "metadata": {"name": AGENT_NAME + "-pod-disruption-budget", "namespace": AGENT_NAMESPACE},
                "spec": spec,
            }
        )
    if scheduling and scheduling.get("priorityClass"):
        pc = scheduling["priorityClass"]
        obj = {
            "apiVersion": "scheduling.k8s.io/v1",
            "kind": "PriorityClass",
            "metadata": {"name": AGENT_NAME + "-priority-class"},
            "value": pc.get("value", 0),
        }
        if pc.get("preemptionPolicy"):
            obj["preemptionPolicy"] = pc["preemptionPolicy"]
        objects.append(obj)

    env = [{"name": "CATTLE_FEATURES", "value": "embedded-cluster-api=false,fleet=false,monitoringv1=false"}]
    if profile["is_rke_env"]:
        env.append({"name": "CATTLE_IS_RKE", "value": "false"})
    env += [
        {"name": "CATTLE_SERVER", "value": server_url},
        {"name": "CATTLE_CA_CHECKSUM", "value": ca_checksum(cacerts)},
        {"name": "CATTLE_CLUSTER", "value": "true"},
        {"name": "CATTLE_K8S_MANAGED", "value": "true"},
    ]
    if profile["cluster_registry_env"]:
        env.append({"name": "CATTLE_CLUSTER_REGISTRY", "value": ""})
    if profile["strict_verify_env"]:
        env.append({"name": "STRICT_VERIFY", "value": "true"})
    if profile["credential_name_env"]:
        env += [
            {"name": "CATTLE_CREDENTIAL_NAME", "value": secret_name},
            {"name": "CATTLE_SUC_APP_NAME_OVERRIDE", "value": "system-upgrade-controller"},
        ]
    env += [{"name": e.get("name"), "value": e.get("value", "")} for e in cluster.get("agentEnvVars") or []]

    container = {
        "name": "cluster-register",
        "imagePullPolicy": "IfNotPresent",
        "env": env,
        "image": "rancher/rancher-agent:%s" % profile["version"],
        "volumeMounts": [{"name": "cattle-credentials", "mountPath": "/cattle-credentials", "readOnly": True}],
    }
    if custom.get("overrideResourceRequirements"):
        container["resources"] = custom["overrideResourceRequirements"]
    pod_spec = {
        "affinity": custom.get("overrideAffinity") or _default_affinity(profile),
        "serviceAccountName": "cattle",
        "tolerations": _default_tolerations(profile) + list(custom.get("appendTolerations") or []),
        "containers": [container],
        "volumes": [{"name": "cattle-credentials", "secret": {"secretName": secret_name, "defaultMode": 320}}],
    }
    if scheduling and scheduling.get("priorityClass"):
        pod_spec["priorityClassName"] = AGENT_NAME + "-priority-class"
    objects.append(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {
                "name": AGENT_NAME,
                "namespace": AGENT_NAMESPACE,
                "annotations": {"management.cattle.io/scale-available": "2"},
            },
            "spec": {
                "selector": {"matchLabels": {"app": AGENT_NAME}},
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
                "template": {"metadata": {"labels": {"app": AGENT_NAME}}, "spec": pod_spec},
            },
        }
    )
    objects.append(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": AGENT_NAME, "namespace": AGENT_NAMESPACE},
            "spec": {
                "ports": [
                    {"port": 80, "targetPort": 80, "protocol": "TCP", "name": "http"},
                    {"port": 443, "targetPort": 444, "protocol": "TCP", "name": "https-internal"},
                ],
                "selector": {"app": AGENT_NAME},
            },
        }
    )
    return objects


def render_manifest_yaml(*args, **kwargs):
    return "---\n" + "---\n".join(yaml.safe_dump(o, sort_keys=False) for o in render_manifest(*args, **kwargs))
