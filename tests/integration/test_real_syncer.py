"""End to end with the real vcluster syncer (hack/vcluster-syncer): a tenant provisioned by the collection from the
real 0.36.1 chart, whose control plane is the real syncer (built from ../shared/vcluster-src) running as the chart's
pod in its own network namespace, against the local control plane's PodSecurity admission.

The tenant's workloads are created through the kubeconfig the collection exported, synced by the syncer into the
tenant namespace on the host, judged there and run by kwok. Needs root (network and mount namespaces): where the
machine cannot run the syncer, the ``vcluster_syncer`` fixture skips these tests and says why.

The tests share one tenant (module scope) and run in file order; the last one deprovisions it.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import urllib3
import yaml
from cluster import RESTRICTED_NAMESPACE_LABELS, delete_namespaces, read_or_none, wait_until
from kubernetes import client as k8s_client
from kubernetes import config as k8s_config
from kubernetes.client.rest import ApiException

from playbooks import local_group_vars, run_playbook, write_inventory

REPO = Path(__file__).resolve().parents[2]
if str(REPO / "tests") not in sys.path:
    sys.path.insert(0, str(REPO / "tests"))
from rancher_standin import RancherStandin  # tests/ is put on sys.path above

CHART_VERSION = "0.36.1"
NAME = "e2e"
AGENT_NS, AGENT = "cattle-system", "cattle-cluster-agent"
ECHO_BODY = b"hello from the host service echo\n"
RESTRICTED_CONTAINER = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "runAsNonRoot": True,
    "runAsUser": 1000,
    "seccompProfile": {"type": "RuntimeDefault"},
}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:5]}"


def translated(name: str, namespace: str, vcluster: str = NAME) -> str:
    """The host name of a synced object (names short enough not to be hashed)."""
    return f"{name}-x-{namespace}-x-{vcluster}"


def pod_body(name: str, container: dict | None = None, volumes=None, mounts=None, resources=None) -> dict:
    spec = {
        "containers": [
            {
                "name": "app",
                "image": "registry.k8s.io/pause:3.10",
                "securityContext": container if container is not None else RESTRICTED_CONTAINER,
                **({"volumeMounts": mounts} if mounts else {}),
                **({"resources": resources} if resources else {}),
            }
        ],
        **({"volumes": volumes} if volumes else {}),
    }
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


class EchoServer:
    """The process behind the host Service ``echo``: HTTP on the host end of the vcluster's veth pair."""

    def __init__(self, address: str):
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(ECHO_BODY)))
                self.end_headers()
                self.wfile.write(ECHO_BODY)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((address, 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Tenant:
    def __init__(self, namespace, name, kubeconfig, address, inventory, host, echo_ns):
        self.namespace, self.name, self.kubeconfig = namespace, name, kubeconfig
        self.address, self.inventory, self.host, self.echo_ns = address, inventory, host, echo_ns
        self.virtual = k8s_config.new_client_from_config(config_file=str(kubeconfig))

    @property
    def vcore(self):
        return k8s_client.CoreV1Api(self.virtual)


def tenant_vars(syncer, namespace, name, **extra):
    values = syncer.values(namespace, name)
    values = _merge(values, extra.pop("vcluster_values", {}))
    return {
        "vcluster_namespace": namespace,
        "vcluster_name": name,
        "vcluster_chart_version": CHART_VERSION,
        "vcluster_values": values,
        **extra,
    }


def _merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


@pytest.fixture(scope="module")
def tenant(vcluster_syncer, local_cluster, chart_repo, k8s, tmp_path_factory):
    """Tenant ``e2e`` in a namespace the operator made, isolation on, the host Service ``echo`` mapped in."""
    core = k8s_client.CoreV1Api(k8s)
    work = tmp_path_factory.mktemp("real-syncer")
    namespace, echo_ns = unique("e2e"), unique("e2e-echo")
    for ns in (namespace, echo_ns):
        core.create_namespace(k8s_client.V1Namespace(metadata=k8s_client.V1ObjectMeta(name=ns)))
    address = vcluster_syncer.address(namespace, NAME)
    host_end = str(ipaddress.ip_address(address) - 1)
    core.create_namespaced_service(
        echo_ns,
        {"metadata": {"name": "echo"}, "spec": {"clusterIP": "None", "ports": [{"name": "http", "port": 80}]}},
    )
    host_vars = tenant_vars(
        vcluster_syncer,
        namespace,
        NAME,
        vcluster_isolation={"enabled": True},
        vcluster_map_services={"from_host": [{"from": f"{echo_ns}/echo", "to": "default/echo"}]},
        # a host service of another namespace is read on purpose (the boundary refuses it unless allowed)
        vcluster_allow=[{"id": "boundary-namespace", "reason": "the tenant uses the shared echo service"}],
    )
    group_vars = local_group_vars(local_cluster, chart_repo, work)
    inventory = write_inventory(work / "hosts.yml", {"e2e": host_vars}, group_vars)
    t0 = time.monotonic()
    run = run_playbook("provision.yml", inventory)
    provision_seconds = time.monotonic() - t0
    assert run.rc == 0, f"{run.output}\n--- supervisor log:\n{vcluster_syncer.log()[-4000:]}"
    print(f"real syncer tenant provisioned in {provision_seconds:.1f}s")
    echo = EchoServer(host_end)  # on the host end of the vcluster's veth pair, which exists now
    core.create_namespaced_endpoints(
        echo_ns,
        {
            "metadata": {"name": "echo"},
            "subsets": [{"addresses": [{"ip": host_end}], "ports": [{"name": "http", "port": echo.port}]}],
        },
    )
    made = Tenant(namespace, NAME, work / "kubeconfigs" / f"{namespace}-{NAME}.kubeconfig", address, inventory,
                  "e2e", echo_ns)  # fmt: skip
    made.work = work
    made.echo_address, made.echo_port = host_end, echo.port
    yield made
    made.virtual.close()
    echo.stop()
    run_playbook("deprovision.yml", inventory)
    delete_namespaces(k8s, [namespace, echo_ns])


def host_pod(core, namespace, name):
    try:
        return core.read_namespaced_pod(name, namespace)
    except ApiException as exc:
        if exc.status == 404:
            return None
        raise


def events_for(vcore, namespace, name):
    return [
        (e.reason, e.message or "")
        for e in vcore.list_namespaced_event(namespace).items
        if e.involved_object.name == name
    ]


# ------------------------------------------------------------------------------------------------- access
def test_exported_kubeconfig_reaches_the_real_virtual_api_server(tenant, vcluster_syncer, k8s, audit):
    exported = yaml.safe_load(tenant.kubeconfig.read_text())
    assert [c["cluster"]["server"] for c in exported["clusters"]] == [f"https://{tenant.address}:8443"]
    assert oct(os.stat(tenant.kubeconfig).st_mode & 0o777) == "0o600"
    namespaces = {n.metadata.name for n in tenant.vcore.list_namespace().items}
    assert {"default", "kube-system", "kube-public"} <= namespaces
    assert tenant.namespace not in namespaces  # the vcluster's own API server, not the host's
    version = k8s_client.VersionApi(tenant.virtual).get_code().git_version
    assert version == "v1.34.4", version  # the kube-apiserver binary the supervisor put in /binaries
    instance = vcluster_syncer.instance(tenant.namespace, tenant.name)
    assert instance and instance["pid"], vcluster_syncer.status()
    pod = k8s_client.CoreV1Api(k8s).read_namespaced_pod(instance["pod"], tenant.namespace)
    assert pod.metadata.uid == instance["pod_uid"] and pod.status.phase == "Running"
    # vc-<name> was written by the syncer as the chart's service account, not by a stand-in
    secret = k8s_client.CoreV1Api(k8s).read_namespaced_secret(f"vc-{tenant.name}", tenant.namespace)
    assert secret.metadata.labels == {"app": "vcluster", "vcluster-name": tenant.name}
    assert {"config", "certificate-authority", "client-certificate", "client-key", "token"} <= set(secret.data)
    owners = [(o.kind, o.name) for o in secret.metadata.owner_references or []]
    assert owners == [("Service", tenant.name)]
    assert "syncer-standin" not in str(secret.metadata.annotations)


# -------------------------------------------------------------------------------------------- workloads
def test_compliant_deployment_runs_on_the_host_under_its_translated_name(tenant, k8s):
    apps = k8s_client.AppsV1Api(tenant.virtual)
    labels = {"app": "web"}
    apps.create_namespaced_deployment(
        "default",
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web"},
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": labels},
                "template": {"metadata": {"labels": labels}, "spec": pod_body("x")["spec"]},
            },
        },
    )
    vpod = wait_until(
        lambda: list(tenant.vcore.list_namespaced_pod("default", label_selector="app=web").items),
        timeout=120,
        what="the vcluster's controller manager to create the Deployment's pod",
    )[0]
    core = k8s_client.CoreV1Api(k8s)
    host_name = translated(vpod.metadata.name, "default")
    synced = wait_until(
        lambda: (p := host_pod(core, tenant.namespace, host_name)) and p.status.phase == "Running" and p,
        timeout=120,
        what=f"host pod {tenant.namespace}/{host_name} Running",
    )
    assert synced.metadata.labels["vcluster.loft.sh/managed-by"] == tenant.name
    assert synced.metadata.annotations["vcluster.loft.sh/object-name"] == vpod.metadata.name
    assert synced.metadata.annotations["vcluster.loft.sh/object-namespace"] == "default"
    # the status flows back: the tenant sees its pod Running on a (virtual) node
    wait_until(
        lambda: tenant.vcore.read_namespaced_pod(vpod.metadata.name, "default").status.phase == "Running",
        timeout=120,
        what="the virtual pod to report Running",
    )
    tenant.web_pod = vpod.metadata.name


REFUSED_PODS = [
    ("privileged", {"privileged": True}, None, None, "privileged"),
    (
        "host-path",
        RESTRICTED_CONTAINER,
        [{"name": "host", "hostPath": {"path": "/etc"}}],
        [{"name": "host", "mountPath": "/host"}],
        'restricted volume type "hostPath"',
    ),
]


@pytest.mark.parametrize("case", REFUSED_PODS, ids=[c[0] for c in REFUSED_PODS])
def test_the_tenant_profile_refuses_pods_in_the_vcluster_before_the_host_sees_them(tenant, k8s, audit, case):
    """The collection sets the vcluster's own policy (policies.podSecurityStandard) to the tenant's profile: the
    syncer labels every virtual namespace, so the vcluster's API server refuses the pod with the reason."""
    name, container, volumes, mounts, why = case
    mark = audit.mark()
    with pytest.raises(ApiException) as refused:
        tenant.vcore.create_namespaced_pod("default", pod_body(name, container, volumes, mounts))
    assert refused.value.status == 403
    message = json.loads(refused.value.body)["message"]
    assert 'violates PodSecurity "restricted:latest"' in message and why in message, message
    host_attempts = [
        e for e in audit.events_since(mark) if e.resource == "pods" and e.namespace == tenant.namespace
        and e.verb == "create" and e.name == translated(name, "default")
    ]  # fmt: skip
    assert host_attempts == []
    assert host_pod(k8s_client.CoreV1Api(k8s), tenant.namespace, translated(name, "default")) is None


@pytest.fixture(scope="module")
def unpolicied_vcluster(vcluster_syncer, helm, chart_repo, k8s, tmp_path_factory):
    """A vcluster installed by hand (helm) with hardened pods but without the vcluster's own Pod Security policy,
    in a host namespace that enforces restricted: what reaches the host is judged only by the host's admission."""
    core = k8s_client.CoreV1Api(k8s)
    namespace, name = unique("e2e-raw"), "raw"
    meta = k8s_client.V1ObjectMeta(name=namespace, labels=RESTRICTED_NAMESPACE_LABELS)
    core.create_namespace(k8s_client.V1Namespace(metadata=meta))
    hardened = {**RESTRICTED_CONTAINER, "runAsUser": 12345, "runAsGroup": 12345, "readOnlyRootFilesystem": True}
    pod_context = {"runAsNonRoot": True, "runAsUser": 12345, "runAsGroup": 12345, "fsGroup": 12345,
                   "seccompProfile": {"type": "RuntimeDefault"}}  # fmt: skip
    values = _merge(
        vcluster_syncer.values(namespace, name),
        {
            "controlPlane": {
                "distro": {"k8s": {"enabled": True, "securityContext": hardened}},
                "statefulSet": {"security": {"podSecurityContext": pod_context, "containerSecurityContext": hardened}},
            },
            "telemetry": {"enabled": False},
        },
    )
    values_file = tmp_path_factory.mktemp("raw") / "values.yaml"
    values_file.write_text(yaml.safe_dump(values))
    helm("install", name, "vcluster", "--repo", chart_repo, "--version", CHART_VERSION, "-n", namespace,
         "--values", str(values_file))  # fmt: skip
    secret = wait_until(lambda: read_or_none(core.read_namespaced_secret, f"vc-{name}", namespace), timeout=180,
                        what=f"the real syncer to write vc-{name}")  # fmt: skip
    kubeconfig = yaml.safe_load(base64.b64decode(secret.data["config"]))
    api = k8s_config.new_client_from_config_dict(kubeconfig)
    try:
        yield namespace, name, api
    finally:
        api.close()
        helm("uninstall", name, "-n", namespace, "--wait", check=False)
        core.delete_namespace(namespace)


@pytest.mark.parametrize("case", REFUSED_PODS, ids=[c[0] for c in REFUSED_PODS])
def test_the_host_admission_refuses_what_the_syncer_syncs_and_the_vcluster_says_why(
    unpolicied_vcluster, k8s, audit, case
):
    namespace, vcluster, api = unpolicied_vcluster
    name, container, volumes, mounts, why = case
    vcore = k8s_client.CoreV1Api(api)
    mark = audit.mark()
    vcore.create_namespaced_pod("default", pod_body(name, container, volumes, mounts))  # the vcluster accepts it
    reports = wait_until(
        lambda: [m for r, m in events_for(vcore, "default", name) if r == "SyncError"],
        timeout=60,
        what=f"a SyncError event on the vcluster pod {name}",
    )
    assert any(
        "Error syncing to host cluster" in m and 'violates PodSecurity "restricted:latest"' in m and why in m
        for m in reports
    ), reports
    host_name = translated(name, "default", vcluster)
    refused = [
        e for e in audit.events_since(mark) if e.verb == "create" and e.resource == "pods" and e.namespace == namespace
        and e.name == host_name
    ]  # fmt: skip
    assert refused and all(e.code == 403 for e in refused), [(e.user, e.code) for e in refused]
    assert {e.user for e in refused} == {f"system:serviceaccount:{namespace}:vc-{vcluster}"}  # the syncer's identity
    assert host_pod(k8s_client.CoreV1Api(k8s), namespace, host_name) is None


def test_coredns_is_synced_and_admitted_under_restricted(tenant, k8s):
    core = k8s_client.CoreV1Api(k8s)
    assert core.read_namespace(tenant.namespace).metadata.labels["pod-security.kubernetes.io/enforce"] == "restricted"
    vpods = wait_until(  # the label of the CoreDNS the syncer deploys (loft-sh/vcluster v0.36.1 pkg/coredns)
        lambda: tenant.vcore.list_namespaced_pod("kube-system", label_selector="k8s-app=vcluster-kube-dns").items,
        timeout=120,
        what="the vcluster's CoreDNS pod",
    )
    host_name = translated(vpods[0].metadata.name, "kube-system")
    pod = wait_until(
        lambda: (p := host_pod(core, tenant.namespace, host_name)) and p.status.phase == "Running" and p,
        timeout=120,
        what=f"CoreDNS on the host ({host_name})",
    )
    refused = [
        e.message for e in core.list_namespaced_event(tenant.namespace).items
        if e.reason == "FailedCreate" and "PodSecurity" in (e.message or "")
    ]  # fmt: skip
    assert refused == []
    sc = pod.spec.containers[0].security_context
    assert sc.run_as_non_root and sc.allow_privilege_escalation is False and sc.capabilities.drop == ["ALL"]


def test_quota_and_limit_range_apply_to_synced_pods(tenant, k8s):
    core = k8s_client.CoreV1Api(k8s)
    host_name = translated(tenant.web_pod, "default")
    container = core.read_namespaced_pod(host_name, tenant.namespace).spec.containers[0]
    vcontainer = tenant.vcore.read_namespaced_pod(tenant.web_pod, "default").spec.containers[0]
    limit = core.read_namespaced_limit_range(f"vc-{tenant.name}", tenant.namespace).spec.limits[0]
    assert not (vcontainer.resources.requests or vcontainer.resources.limits)  # the tenant asked for nothing
    assert container.resources.requests == limit.default_request  # the host's LimitRange filled them in
    assert container.resources.limits == limit.default
    quota = core.read_namespaced_resource_quota(f"vc-{tenant.name}", tenant.namespace)
    wait_until(
        lambda: int(core.read_namespaced_resource_quota(f"vc-{tenant.name}", tenant.namespace).status.used.get(
            "count/pods", "0")) >= 3,
        timeout=60,
        what="the quota to count the control plane, CoreDNS and web pods",
    )  # fmt: skip
    # a pod over the quota is refused on the host, and the vcluster says so
    too_much = str(int(re.match(r"(\d+)", quota.spec.hard["requests.memory"]).group(1)) + 1) + "Gi"
    resources = {"requests": {"memory": too_much}, "limits": {"memory": too_much}}
    tenant.vcore.create_namespaced_pod("default", pod_body("greedy", resources=resources))
    reports = wait_until(
        lambda: [m for r, m in events_for(tenant.vcore, "default", "greedy") if r == "SyncError"],
        timeout=60,
        what="a SyncError event on the vcluster pod greedy",
    )
    assert any("exceeded quota" in m and f"vc-{tenant.name}" in m for m in reports), reports
    assert host_pod(core, tenant.namespace, translated("greedy", "default")) is None


def test_network_policies_select_the_synced_and_control_plane_pods(tenant, k8s):
    net, core = k8s_client.NetworkingV1Api(k8s), k8s_client.CoreV1Api(k8s)
    policies = {p.metadata.name: p for p in net.list_namespaced_network_policy(tenant.namespace).items}
    assert {f"vc-work-{tenant.name}", f"vc-cp-{tenant.name}"} <= set(policies)
    work = policies[f"vc-work-{tenant.name}"].spec.pod_selector.match_labels
    control = policies[f"vc-cp-{tenant.name}"].spec.pod_selector.match_labels
    web = core.read_namespaced_pod(translated(tenant.web_pod, "default"), tenant.namespace)
    assert work.items() <= web.metadata.labels.items()
    cp = core.list_namespaced_pod(tenant.namespace, label_selector=f"app=vcluster,release={tenant.name}").items
    assert cp and control.items() <= cp[0].metadata.labels.items()


def test_mapped_host_service_answers_its_name_in_the_vcluster(tenant, vcluster_syncer):
    """Service default/echo in the vcluster is the host's echo: its name resolves, through the vcluster's API, to the
    host service's endpoints, and a request from the vcluster's network to that address is answered by the host.

    The name is resolved the way CoreDNS's kubernetes plugin answers for a headless service (its EndpointSlices),
    because the vcluster's CoreDNS is a kwok pod here, and the API server's service proxy only proxies to pod
    endpoints (kube-apiserver pkg/registry/core/service/storage ResourceLocation)."""
    svc = wait_until(
        lambda: read_or_none(tenant.vcore.read_namespaced_service, "echo", "default"),
        timeout=60,
        what="Service default/echo replicated into the vcluster",
    )
    assert svc.spec.cluster_ip == "None" and [p.name for p in svc.spec.ports] == ["http"]
    discovery = k8s_client.DiscoveryV1Api(tenant.virtual)

    def resolve():
        slices = discovery.list_namespaced_endpoint_slice("default", label_selector="kubernetes.io/service-name=echo")
        return [
            (address, port.port)
            for sl in slices.items for ep in sl.endpoints or [] if ep.conditions.ready
            for address in ep.addresses for port in sl.ports or [] if port.name == "http"
        ]  # fmt: skip

    endpoints = wait_until(resolve, timeout=90, what="echo's endpoints in the vcluster")
    assert endpoints == [(tenant.echo_address, tenant.echo_port)]
    netns = vcluster_syncer.instance(tenant.namespace, tenant.name)["netns"]
    address, port = endpoints[0]
    url = f"http://{address}:{port}/"
    fetch = f"import sys, urllib.request; sys.stdout.write(urllib.request.urlopen({url!r}, timeout=5).read().decode())"
    answer = subprocess.run(
        ["nsenter", f"--net=/run/netns/{netns}", "--", sys.executable, "-c", fetch],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout == ECHO_BODY.decode()


def _when_up(fn, *args):
    """FN(*ARGS), or None while the API server does not answer (restarting) or the object is missing."""
    try:
        return read_or_none(fn, *args)
    except (OSError, urllib3.exceptions.HTTPError):
        return None


# --------------------------------------------------------------------------------------------- lifecycle
def test_a_changed_config_restarts_the_syncer_and_the_vcluster_keeps_its_state(tenant, vcluster_syncer, k8s):
    before = vcluster_syncer.instance(tenant.namespace, tenant.name)
    changed = yaml.safe_load(tenant.inventory.read_text())
    host = changed["vclusters"]["hosts"][tenant.host]
    host["vcluster_isolation"] = {"enabled": True, "resource_quota": {"quota": {"requests.cpu": "7"}}}
    inventory = write_inventory(tenant.work / "changed.yml", changed["vclusters"]["hosts"],
                                changed["vclusters"]["vars"])  # fmt: skip
    run = run_playbook("provision.yml", inventory)
    assert run.rc == 0, run.output
    after = wait_until(
        lambda: (i := vcluster_syncer.instance(tenant.namespace, tenant.name)) and i["pid"]
        and i["pid"] != before["pid"] and i,
        timeout=120,
        what="the supervisor to restart the syncer",
    )
    assert after["address"] == before["address"]
    assert after["data"] == before["data"]  # the same PersistentVolume: kine's database survives
    apps = k8s_client.AppsV1Api(tenant.virtual)
    wait_until(lambda: _when_up(apps.read_namespaced_deployment, "web", "default"), timeout=180,
               what="the restarted vcluster to serve the Deployment created before")  # fmt: skip
    tenant.inventory = inventory


# ------------------------------------------------------------------------------------------------- Rancher
def agent_pods_on_host(core, namespace, vcluster):
    suffix = translated("", AGENT_NS, vcluster)
    return [p for p in core.list_namespaced_pod(namespace).items
            if p.metadata.name.startswith(f"{AGENT}-") and p.metadata.name.endswith(suffix)]  # fmt: skip


def test_rancher_import_runs_the_agent_in_the_real_vcluster_and_the_host_judges_it(
    vcluster_syncer, local_cluster, chart_repo, k8s, tenant, unpolicied_vcluster, tmp_path
):
    """The registration manifest is applied inside the real vcluster; the agent's pods are synced to the host and
    judged there: admitted with the `baseline` strategy, refused by a restricted host namespace (and, in a
    restricted tenant, already by the vcluster's own policy)."""
    core = k8s_client.CoreV1Api(k8s)
    namespace, name = unique("e2e-rancher"), "rv"
    kubeconfig = tmp_path / "kubeconfigs" / f"{namespace}-{name}.kubeconfig"
    rancher = RancherStandin(host="127.0.0.1", port=0, kubeconfig=str(kubeconfig)).start()
    host_vars = tenant_vars(
        vcluster_syncer, namespace, name, vcluster_rancher_import=True, vcluster_rancher_agent_psa_strategy="baseline"
    )
    group_vars = {**local_group_vars(local_cluster, chart_repo, tmp_path), "rancher_url": rancher.url,
                  "rancher_token": rancher.token}  # fmt: skip
    inventory = write_inventory(tmp_path / "rancher.yml", {"rv": host_vars}, group_vars)
    try:
        run = run_playbook("provision.yml", inventory)
        assert run.rc == 0, f"{run.output}\n--- supervisor log:\n{vcluster_syncer.log()[-3000:]}"
        labels = core.read_namespace(namespace).metadata.labels
        assert labels["pod-security.kubernetes.io/enforce"] == "baseline"
        virtual = k8s_config.new_client_from_config(config_file=str(kubeconfig))
        try:
            agent = k8s_client.AppsV1Api(virtual).read_namespaced_deployment(AGENT, AGENT_NS)  # applied in the vcluster
            assert agent.metadata.namespace == AGENT_NS
            assert "cattle-system" not in {n.metadata.name for n in core.list_namespace().items}  # not on the host
            synced = wait_until(
                lambda: [p for p in agent_pods_on_host(core, namespace, name) if p.status.phase == "Running"],
                timeout=120,
                what="the agent's pod synced to the host and Running under baseline",
            )
            assert synced[0].metadata.labels["vcluster.loft.sh/managed-by"] == name
            assert rancher.cluster_by_name(f"{namespace}-{name}") is not None
        finally:
            virtual.close()
        template = agent.spec.template

        # a restricted tenant: the vcluster's own policy refuses the agent's pods (they never reach the host)
        deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": AGENT},
                      "spec": {"replicas": 1, "selector": agent.spec.selector, "template": template}}  # fmt: skip
        # the agent's service account too, as the registration manifest has it: the pods then meet Pod Security,
        # not the ServiceAccount admission
        account = template.spec.service_account_name
        tenant.vcore.create_namespace({"metadata": {"name": AGENT_NS}})
        if account:
            tenant.vcore.create_namespaced_service_account(AGENT_NS, {"metadata": {"name": account}})
        k8s_client.AppsV1Api(tenant.virtual).create_namespaced_deployment(AGENT_NS, deployment)
        # Refused by the vcluster's API server once the syncer has labelled the namespace (the ReplicaSet reports
        # FailedCreate), or, for a pod created before that, by the syncer's own check before it syncs (SyncError).
        refusals = wait_until(
            lambda: [e.message for e in tenant.vcore.list_namespaced_event(AGENT_NS).items
                     if e.reason in ("FailedCreate", "SyncError") and "PodSecurity" in (e.message or "")],
            timeout=120,
            what="the restricted vcluster to refuse the agent's pods",
        )  # fmt: skip
        assert 'violates PodSecurity "restricted:latest"' in refusals[0], refusals
        assert agent_pods_on_host(core, tenant.namespace, tenant.name) == []

        # a vcluster without its own policy in a restricted host namespace: the host's admission refuses them
        raw_ns, raw_name, raw_api = unpolicied_vcluster
        raw_core = k8s_client.CoreV1Api(raw_api)
        raw_core.create_namespace({"metadata": {"name": AGENT_NS}})
        if account:
            raw_core.create_namespaced_service_account(AGENT_NS, {"metadata": {"name": account}})
        k8s_client.AppsV1Api(raw_api).create_namespaced_deployment(AGENT_NS, deployment)
        reports = wait_until(
            lambda: [e.message for e in raw_core.list_namespaced_event(AGENT_NS).items
                     if e.reason == "SyncError" and "Error syncing to host cluster" in (e.message or "")],
            timeout=120,
            what="the host to refuse the agent's pod synced from the vcluster",
        )  # fmt: skip
        assert 'violates PodSecurity "restricted:latest"' in reports[0], reports
        assert agent_pods_on_host(core, raw_ns, raw_name) == []
    finally:
        run_playbook("deprovision.yml", inventory)
        rancher.stop()
        delete_namespaces(k8s, [namespace])


def test_deprovision_leaves_no_synced_object_process_mount_or_namespace(tenant, vcluster_syncer, k8s):
    instance = vcluster_syncer.instance(tenant.namespace, tenant.name)
    assert instance and instance["pid"]
    run = run_playbook("deprovision.yml", tenant.inventory)
    assert run.rc == 0, run.output
    core = k8s_client.CoreV1Api(k8s)
    wait_until(lambda: vcluster_syncer.instance(tenant.namespace, tenant.name) is None, timeout=120,
               what="the supervisor to stop the syncer")  # fmt: skip
    assert not Path(f"/proc/{instance['pid']}").exists()
    assert not Path(f"/run/netns/{instance['netns']}").exists()
    runtime = str(Path(instance["log"]).parent)
    mounts = [p for p in Path("/proc").glob("[0-9]*/mountinfo") if _mentions(p, runtime)]
    assert mounts == [], mounts

    def synced_left():
        pods = core.list_namespaced_pod(tenant.namespace).items
        services = core.list_namespaced_service(tenant.namespace).items
        config_maps = core.list_namespaced_config_map(tenant.namespace).items
        return [o.metadata.name for o in pods + services + config_maps if "-x-" in o.metadata.name]

    wait_until(lambda: not synced_left(), timeout=120, what=f"synced objects to go, left: {synced_left()}")
    assert core.list_namespaced_pod(tenant.namespace).items == []
    if instance["data"]:
        wait_until(lambda: not Path(instance["data"]).exists(), timeout=120,
                   what=f"the data volume {instance['data']} to be deleted")  # fmt: skip


def _mentions(path: Path, text: str) -> bool:
    try:
        return text in path.read_text(errors="replace")
    except OSError:
        return False
