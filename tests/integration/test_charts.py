"""The real vcluster charts (../shared/vcluster-charts), served from the local Helm repository, on the local control
plane: the objects they create (names, labels; reference vcluster.md §9), how the unified chart's schema refuses
values (§3.12), what PodSecurity admission makes of their defaults, and — with hack/syncer-standin playing the
syncer — a kubeconfig Secret ``vc-<release>`` that reaches a (virtual) API server (§6). The real syncer's own
tests are in test_real_syncer.py.
"""

from __future__ import annotations

import base64
import contextlib
import json

import pytest
import yaml
from cluster import RESTRICTED_NAMESPACE_LABELS, read_or_none, wait_until
from kubernetes import client as k8s_client
from kubernetes import config as k8s_config

MODERN_VERSION = "0.36.1"  # the unified chart vcluster-0.36.1.tgz
LEGACY_VERSION = "0.19.10"  # the legacy k3s chart vcluster-0.19.10.tgz

RELEASE = "vc1"
RESTRICTED = RESTRICTED_NAMESPACE_LABELS

HARDENED_CONTAINER = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "readOnlyRootFilesystem": True,
    "runAsNonRoot": True,
    "runAsUser": 12345,
    "runAsGroup": 12345,
    "seccompProfile": {"type": "RuntimeDefault"},
}
HARDENED_POD = {
    "runAsNonRoot": True,
    "runAsUser": 12345,
    "runAsGroup": 12345,
    "fsGroup": 12345,
    "seccompProfile": {"type": "RuntimeDefault"},
}
MODERN_HARDENED = {
    "controlPlane": {
        "distro": {"k8s": {"enabled": True, "securityContext": HARDENED_CONTAINER}},
        "statefulSet": {
            "security": {"podSecurityContext": HARDENED_POD, "containerSecurityContext": HARDENED_CONTAINER}
        },
    },
    "policies": {
        "podSecurityStandard": "restricted",
        "resourceQuota": {"enabled": True},
        "limitRange": {"enabled": True},
        "networkPolicy": {"enabled": True},
    },
    "networking": {"replicateServices": {"fromHost": [{"from": "default/kubernetes", "to": "default/host-api"}]}},
    "telemetry": {"enabled": False},
}
LEGACY_HARDENED = {
    "securityContext": {k: v for k, v in HARDENED_CONTAINER.items() if k != "readOnlyRootFilesystem"},
    "fsGroup": 12345,
    "isolation": {"enabled": True, "podSecurityStandard": "restricted"},
    "telemetry": {"disabled": True},
}


# ----------------------------------------------------------------------------------------------- helpers
def _values_file(tmp_path, values, name="values.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(values))
    return str(path)


@contextlib.contextmanager
def installed(helm, chart_repo, namespace, version, values_file=None, release=RELEASE):
    args = ["install", release, "vcluster", "--repo", chart_repo, "--version", version, "--namespace", namespace]
    if values_file:
        args += ["--values", values_file]
    helm(*args)
    try:
        yield release
    finally:
        helm("uninstall", release, "--namespace", namespace, "--wait", "--timeout", "120s", check=False)


def _names(items):
    return sorted(i.metadata.name for i in items)


def _assert_chart_labels(obj, version, release=RELEASE):
    labels = obj.metadata.labels or {}
    want = {"app": "vcluster", "chart": f"vcluster-{version}", "release": release, "heritage": "Helm"}
    assert {k: labels.get(k) for k in want} == want, f"{obj.kind} {obj.metadata.name} labels: {labels}"


def _assert_helm_owned(obj, release=RELEASE):
    """An object of the release that the chart does not label: only Helm's own label and annotations."""
    assert obj.metadata.labels == {"app.kubernetes.io/managed-by": "Helm"}, obj.metadata.labels
    assert (obj.metadata.annotations or {}).get("meta.helm.sh/release-name") == release


def _running_pod(core, namespace, release=RELEASE):
    pods = core.list_namespaced_pod(namespace, label_selector=f"app=vcluster,release={release}").items
    return [p for p in pods if p.status.phase == "Running"] or None


def _pod_security_rejections(core, namespace):
    events = core.list_namespaced_event(namespace).items
    return [e.message for e in events if e.reason == "FailedCreate" and "PodSecurity" in (e.message or "")]


def _decode(secret):
    return {k: base64.b64decode(v) for k, v in (secret.data or {}).items()}


def _check_kubeconfig_secret(core, namespace, release=RELEASE, host_namespace=None):
    """Secret vc-<release> is shaped like the syncer's and its kubeconfig reaches the virtual API server."""
    secret = core.read_namespaced_secret(f"vc-{release}", namespace)
    assert secret.type == "Opaque"
    assert secret.metadata.labels.get("app") == "vcluster"
    assert secret.metadata.labels.get("vcluster-name") == release
    data = _decode(secret)
    assert {"config", "certificate-authority", "client-certificate", "client-key"} <= set(data)
    assert data["certificate-authority"].startswith(b"-----BEGIN CERTIFICATE-----")
    assert data["client-certificate"].startswith(b"-----BEGIN CERTIFICATE-----")
    assert b"PRIVATE KEY-----" in data["client-key"]
    service = core.read_namespaced_service(release, namespace)
    owners = [(o.kind, o.name, o.uid) for o in secret.metadata.owner_references or []]
    assert owners == [("Service", release, service.metadata.uid)]

    kubeconfig = yaml.safe_load(data["config"])
    assert kubeconfig["current-context"] == "my-vcluster"
    server = kubeconfig["clusters"][0]["cluster"]["server"]
    assert server.startswith("https://127.0.0.1:"), server
    vapi = k8s_config.new_client_from_config_dict(kubeconfig)
    try:
        virtual_namespaces = {n.metadata.name for n in k8s_client.CoreV1Api(vapi).list_namespace().items}
    finally:
        vapi.close()
    assert "default" in virtual_namespaces
    if host_namespace:
        assert host_namespace not in virtual_namespaces, "the kubeconfig points at the host, not a virtual server"
    return kubeconfig


def _unreachable(kubeconfig):
    cfg = k8s_client.Configuration()
    k8s_config.load_kube_config_from_dict(kubeconfig, client_configuration=cfg)
    cfg.retries = 0  # no urllib3 retries: a refused connection is the answer
    vapi = k8s_client.ApiClient(cfg)
    try:
        k8s_client.VersionApi(vapi).get_code(_request_timeout=3)
    except Exception:
        return True
    finally:
        vapi.close()
    return False


def _once(standin, namespace):
    proc = standin.run_once(namespace)
    assert proc.returncode == 0, f"syncer-standin --once failed:\n{proc.stderr}"
    assert "PRIVATE KEY" not in proc.stderr and "BEGIN CERTIFICATE" not in proc.stderr
    return proc


# ------------------------------------------------------------------------------------------- modern chart
def test_modern_defaults_create_the_chart_objects_and_standin_writes_kubeconfig(
    k8s, namespace, chart_repo, helm, syncer_once
):
    core, apps, rbac = k8s_client.CoreV1Api(k8s), k8s_client.AppsV1Api(k8s), k8s_client.RbacAuthorizationV1Api(k8s)
    net = k8s_client.NetworkingV1Api(k8s)
    n = RELEASE
    with installed(helm, chart_repo, namespace, MODERN_VERSION):
        # §9.2: what Helm creates with default values
        config = core.read_namespaced_secret(f"vc-config-{n}", namespace)
        values = yaml.safe_load(base64.b64decode(config.data["config.yaml"]))
        assert values["controlPlane"]["statefulSet"]["persistence"]["volumeClaim"]["size"] == "5Gi"
        for obj in (
            config,
            core.read_namespaced_service_account(f"vc-{n}", namespace),
            core.read_namespaced_service_account(f"vc-workload-{n}", namespace),
            rbac.read_namespaced_role(f"vc-{n}", namespace),
            rbac.read_namespaced_role_binding(f"vc-{n}", namespace),
        ):
            _assert_chart_labels(obj, MODERN_VERSION)
        svc = core.read_namespaced_service(n, namespace)
        _assert_chart_labels(svc, MODERN_VERSION)
        assert svc.metadata.labels["vcluster.loft.sh/service"] == "true"
        assert svc.spec.type == "ClusterIP"
        assert sorted((p.name, p.port, p.target_port) for p in svc.spec.ports) == [
            ("https", 443, 8443),
            ("kubelet", 10250, 8443),
        ]
        assert svc.spec.selector == {"app": "vcluster", "release": n}
        headless = core.read_namespaced_service(f"{n}-headless", namespace)
        assert headless.spec.cluster_ip == "None"
        sts = apps.read_namespaced_stateful_set(n, namespace)
        _assert_chart_labels(sts, MODERN_VERSION)
        pod = sts.spec.template.spec
        assert [c.name for c in pod.init_containers] == ["kubernetes"]
        assert [c.name for c in pod.containers] == ["syncer"]
        assert pod.containers[0].image == f"ghcr.io/loft-sh/vcluster-pro:{MODERN_VERSION}"
        assert pod.containers[0].security_context.run_as_user == 0  # the chart default the collection hardens
        assert pod.service_account_name == f"vc-{n}"
        assert [t.metadata.name for t in sts.spec.volume_claim_templates] == ["data"]
        assert sts.spec.volume_claim_templates[0].spec.resources.requests["storage"] == "5Gi"
        # nothing else by default: auto/auto quota and limit range render nothing, no cluster-scoped RBAC
        assert core.list_namespaced_resource_quota(namespace).items == []
        assert core.list_namespaced_limit_range(namespace).items == []
        assert net.list_namespaced_network_policy(namespace).items == []
        assert rbac.list_cluster_role(label_selector=f"release={n}").items == []
        assert core.list_namespaced_config_map(namespace, label_selector="app=vcluster").items == []

        # the syncer's part: PVC bound, pod running (kwok), then Secret vc-<n> with a working kubeconfig
        wait_until(lambda: _running_pod(core, namespace), timeout=120, what=f"a Running pod of {n}")
        assert _names(core.list_namespaced_persistent_volume_claim(namespace).items) == [f"data-{n}-0"]
        # (a background stand-in of another test module may have been faster; the outcome is what counts)
        _once(syncer_once, namespace)
        kubeconfig = _check_kubeconfig_secret(core, namespace, host_namespace=namespace)
        # idempotent: a second pass changes nothing
        assert "wrote Secret" not in _once(syncer_once, namespace).stderr

    # uninstalled: Helm's objects are gone, vc-<n> is garbage-collected via its owner (Service <n>)
    assert read_or_none(apps.read_namespaced_stateful_set, n, namespace) is None
    assert read_or_none(core.read_namespaced_service, n, namespace) is None
    assert read_or_none(core.read_namespaced_secret, f"vc-config-{n}", namespace) is None
    wait_until(
        lambda: read_or_none(core.read_namespaced_secret, f"vc-{n}", namespace) is None,
        timeout=60,
        what=f"garbage collection of Secret vc-{n}",
    )
    # the stand-in stops the virtual API server of a vcluster that is gone
    _once(syncer_once, namespace)
    assert wait_until(lambda: _unreachable(kubeconfig), timeout=30, what="virtual API server to stop")


@pytest.mark.parametrize(
    "values, key",
    [
        ({"syncer": {}}, "syncer"),  # a legacy key at the top level
        ({"controlPlane": {"statefulSet": {"securityContext": {"runAsUser": 1}}}}, "securityContext"),  # typo'd path
        ({"isolation": {"enabled": True}}, "isolation"),  # legacy isolation block
    ],
    ids=["legacy-syncer", "misplaced-securityContext", "legacy-isolation"],
)
def test_modern_chart_rejects_what_the_real_schema_rejects(k8s, namespace, chart_repo, helm, tmp_path, values, key):
    core, apps = k8s_client.CoreV1Api(k8s), k8s_client.AppsV1Api(k8s)
    args = ["install", RELEASE, "vcluster", "--repo", chart_repo, "--version", MODERN_VERSION]
    args += ["--namespace", namespace, "--values", _values_file(tmp_path, values)]
    proc = helm(*args, check=False)
    assert proc.returncode != 0, f"helm accepted {values}:\n{proc.stdout}"
    assert "values don't meet the specifications of the schema" in proc.stderr, proc.stderr
    assert f"'{key}'" in proc.stderr and "not allowed" in proc.stderr, proc.stderr
    # nothing was written
    assert json.loads(helm("list", "--namespace", namespace, "--all", "--output", "json").stdout) == []
    assert apps.list_namespaced_stateful_set(namespace).items == []
    assert core.list_namespaced_secret(namespace, label_selector="app=vcluster").items == []


def test_modern_hardened_values_pass_restricted_admission_and_render_policies(
    k8s, namespace_factory, chart_repo, helm, tmp_path
):
    core, apps, rbac = k8s_client.CoreV1Api(k8s), k8s_client.AppsV1Api(k8s), k8s_client.RbacAuthorizationV1Api(k8s)
    net = k8s_client.NetworkingV1Api(k8s)
    namespace = namespace_factory(labels=RESTRICTED)
    n = RELEASE
    cluster_role = f"vc-{n}-v-{namespace}"[:63].rstrip("-")
    with installed(helm, chart_repo, namespace, MODERN_VERSION, _values_file(tmp_path, MODERN_HARDENED)):
        quota = core.read_namespaced_resource_quota(f"vc-{n}", namespace)
        _assert_chart_labels(quota, MODERN_VERSION)
        assert quota.spec.hard["count/pods"] == "20"
        assert quota.spec.hard["requests.storage"] == "100Gi"
        limits = core.read_namespaced_limit_range(f"vc-{n}", namespace).spec.limits[0]
        assert limits.default == {"cpu": "1", "ephemeral-storage": "8Gi", "memory": "512Mi"}
        assert limits.default_request == {"cpu": "100m", "ephemeral-storage": "3Gi", "memory": "128Mi"}
        assert _names(net.list_namespaced_network_policy(namespace).items) == [
            f"vc-cp-{n}",
            f"vc-kube-dns-{n}",
            f"vc-snapshot-{n}",
            f"vc-work-{n}",
        ]
        work = net.read_namespaced_network_policy(f"vc-work-{n}", namespace)
        blocks = [p.ip_block for rule in work.spec.egress for p in (rule.to or []) if p.ip_block]
        assert [(b.cidr, "10.0.0.0/8" in b._except) for b in blocks] == [("0.0.0.0/0", True)]
        _assert_chart_labels(rbac.read_cluster_role(cluster_role), MODERN_VERSION)
        binding = rbac.read_cluster_role_binding(cluster_role)
        assert [(s.name, s.namespace) for s in binding.subjects] == [(f"vc-{n}", namespace)]

        sts = apps.read_namespaced_stateful_set(n, namespace).spec.template.spec
        assert sts.security_context.fs_group == 12345
        assert sts.init_containers[0].security_context.run_as_user == 12345
        assert sts.containers[0].security_context.capabilities.drop == ["ALL"]
        # the real API server's PodSecurity admission (restricted) admits the pod, kwok runs it
        wait_until(
            lambda: _running_pod(core, namespace) or _pod_security_rejections(core, namespace),
            timeout=120,
            what=f"the pod of {n} to run (or be rejected)",
        )
        assert _pod_security_rejections(core, namespace) == []
    wait_until(
        lambda: read_or_none(rbac.read_cluster_role, cluster_role) is None,
        timeout=30,
        what=f"ClusterRole {cluster_role}",
    )


def test_modern_defaults_are_rejected_by_restricted_admission(k8s, namespace_factory, chart_repo, helm):
    core = k8s_client.CoreV1Api(k8s)
    namespace = namespace_factory(labels=RESTRICTED)
    with installed(helm, chart_repo, namespace, MODERN_VERSION):
        rejections = wait_until(
            lambda: _pod_security_rejections(core, namespace), timeout=60, what="a PodSecurity rejection"
        )
        assert 'violates PodSecurity "restricted:latest"' in rejections[0]
        assert _running_pod(core, namespace) is None


def test_modern_chart_refuses_a_namespace_with_a_loft_service(k8s, namespace, chart_repo, helm):
    core = k8s_client.CoreV1Api(k8s)
    core.create_namespaced_service(
        namespace,
        k8s_client.V1Service(
            metadata=k8s_client.V1ObjectMeta(name="loft"),
            spec=k8s_client.V1ServiceSpec(ports=[k8s_client.V1ServicePort(port=80)]),
        ),
    )
    args = ["install", RELEASE, "vcluster", "--repo", chart_repo, "--version", MODERN_VERSION, "-n", namespace]
    proc = helm(*args, check=False)
    assert proc.returncode != 0, proc.stdout
    assert f"a vCluster platform installation exists in the namespace '{namespace}'. Aborting install" in proc.stderr
    assert json.loads(helm("list", "--namespace", namespace, "--all", "--output", "json").stdout) == []


def test_modern_template_service_spec_and_policy_switches(chart_repo, helm, tmp_path):
    def render(values):
        args = ["template", RELEASE, "vcluster", "--repo", chart_repo, "--version", MODERN_VERSION]
        args += ["--namespace", "tenant-a", "--values", _values_file(tmp_path, values)]
        docs = [d for d in yaml.safe_load_all(helm(*args).stdout) if d]
        return {(d["kind"], d["metadata"]["name"]): d for d in docs}

    objs = render({"controlPlane": {"service": {"spec": {"type": "LoadBalancer", "loadBalancerClass": "x/y"}}}})
    svc = objs[("Service", RELEASE)]["spec"]
    assert svc["type"] == "LoadBalancer" and svc["loadBalancerClass"] == "x/y"
    assert [p["port"] for p in svc["ports"]] == [443]  # no kubelet port on a LoadBalancer
    assert ("Service", f"{RELEASE}-lb") not in objs  # the unified chart has no <n>-lb

    quota_only = render({"policies": {"resourceQuota": {"enabled": True}, "limitRange": {"enabled": False}}})
    assert ("ResourceQuota", f"vc-{RELEASE}") in quota_only and ("LimitRange", f"vc-{RELEASE}") not in quota_only
    limit_follows = render({"policies": {"resourceQuota": {"enabled": "auto"}, "limitRange": {"enabled": True}}})
    assert ("ResourceQuota", f"vc-{RELEASE}") in limit_follows and ("LimitRange", f"vc-{RELEASE}") in limit_follows

    no_pvc = render({"controlPlane": {"statefulSet": {"persistence": {"volumeClaim": {"enabled": False}}}}})
    assert ("Deployment", RELEASE) in no_pvc and ("StatefulSet", RELEASE) not in no_pvc


# ------------------------------------------------------------------------------------------- legacy chart
def test_legacy_defaults_create_the_chart_objects_and_standin_writes_kubeconfig(
    k8s, namespace, chart_repo, helm, syncer_once
):
    core, apps, rbac = k8s_client.CoreV1Api(k8s), k8s_client.AppsV1Api(k8s), k8s_client.RbacAuthorizationV1Api(k8s)
    net = k8s_client.NetworkingV1Api(k8s)
    n = RELEASE
    with installed(helm, chart_repo, namespace, LEGACY_VERSION):
        # §9.1: what Helm creates with default values
        for obj in (
            core.read_namespaced_service_account(f"vc-{n}", namespace),
            core.read_namespaced_service_account(f"vc-workload-{n}", namespace),
            rbac.read_namespaced_role(n, namespace),
            rbac.read_namespaced_role_binding(n, namespace),
            core.read_namespaced_config_map(f"{n}-init-manifests", namespace),
        ):
            _assert_chart_labels(obj, LEGACY_VERSION)
        # the legacy chart labels its headless Service app=<release>-vcluster and its CoreDNS ConfigMap not at all
        headless = core.read_namespaced_service(f"{n}-headless", namespace)
        assert headless.metadata.labels == {
            "app": f"{n}-vcluster", "chart": f"vcluster-{LEGACY_VERSION}", "release": n, "heritage": "Helm",
            "app.kubernetes.io/managed-by": "Helm",
        }  # fmt: skip
        _assert_helm_owned(core.read_namespaced_config_map(f"{n}-coredns", namespace))
        svc = core.read_namespaced_service(n, namespace)
        assert sorted((p.name, p.port, p.target_port) for p in svc.spec.ports) == [
            ("https", 443, 8443),
            ("kubelet", 10250, 8443),
        ]
        sts = apps.read_namespaced_stateful_set(n, namespace)
        _assert_chart_labels(sts, LEGACY_VERSION)
        pod = sts.spec.template.spec
        assert [c.name for c in pod.init_containers] == ["vcluster"]
        assert [c.name for c in pod.containers] == ["syncer"]
        assert pod.init_containers[0].image == "rancher/k3s:v1.29.0-k3s1"
        assert pod.containers[0].image == f"ghcr.io/loft-sh/vcluster:{LEGACY_VERSION}"
        for c in pod.init_containers + pod.containers:  # one top-level securityContext for all of them
            assert (c.security_context.run_as_user, c.security_context.allow_privilege_escalation) == (0, False)
        assert not any((pod.security_context.to_dict() if pod.security_context else {}).values())  # {} by default
        assert [t.metadata.name for t in sts.spec.volume_claim_templates] == ["data"]
        assert core.list_namespaced_resource_quota(namespace).items == []
        assert core.list_namespaced_limit_range(namespace).items == []
        assert net.list_namespaced_network_policy(namespace).items == []
        assert rbac.list_cluster_role(label_selector=f"release={n}").items == []

        wait_until(lambda: _running_pod(core, namespace), timeout=120, what=f"a Running pod of {n}")
        _once(syncer_once, namespace)
        kubeconfig = _check_kubeconfig_secret(core, namespace, host_namespace=namespace)
    wait_until(
        lambda: read_or_none(core.read_namespaced_secret, f"vc-{n}", namespace) is None,
        timeout=60,
        what=f"garbage collection of Secret vc-{n}",
    )
    _once(syncer_once, namespace)
    assert wait_until(lambda: _unreachable(kubeconfig), timeout=30, what="virtual API server to stop")


def test_legacy_isolation_objects_and_hardened_values_pass_restricted(
    k8s, namespace_factory, chart_repo, helm, tmp_path
):
    core, apps = k8s_client.CoreV1Api(k8s), k8s_client.AppsV1Api(k8s)
    net = k8s_client.NetworkingV1Api(k8s)
    namespace = namespace_factory(labels=RESTRICTED)
    n = RELEASE
    with installed(helm, chart_repo, namespace, LEGACY_VERSION, _values_file(tmp_path, LEGACY_HARDENED)):
        # the legacy chart's isolation objects carry no chart labels, only Helm's ownership
        _assert_helm_owned(core.read_namespaced_resource_quota(f"{n}-quota", namespace))
        _assert_helm_owned(core.read_namespaced_limit_range(f"{n}-limit-range", namespace))
        policies = net.list_namespaced_network_policy(namespace).items
        assert _names(policies) == [f"{n}-control-plane", f"{n}-workloads"]
        for policy in policies:
            _assert_helm_owned(policy)
        pod = apps.read_namespaced_stateful_set(n, namespace).spec.template.spec
        assert pod.security_context.fs_group == 12345  # podSecurityContext merged with fsGroup
        args = pod.containers[0].args
        assert "--enforce-pod-security-standard=restricted" in args
        wait_until(
            lambda: _running_pod(core, namespace) or _pod_security_rejections(core, namespace),
            timeout=120,
            what=f"the pod of {n} to run (or be rejected)",
        )
        assert _pod_security_rejections(core, namespace) == []


def test_legacy_chart_has_no_schema(chart_repo, helm, tmp_path):
    values = _values_file(tmp_path, {"controlPlane": {"statefulSet": {}}, "syncer": {"typo": 1}})
    out = helm(
        "template", RELEASE, "vcluster", "--repo", chart_repo, "--version", LEGACY_VERSION, "--values", values
    ).stdout
    assert "kind: StatefulSet" in out  # unknown keys are silently accepted by the legacy chart


# ------------------------------------------------------------------------------------ background stand-in
def test_background_standin_writes_and_cleans_up(k8s, namespace, chart_repo, helm, syncer_standin):
    core = k8s_client.CoreV1Api(k8s)
    n = RELEASE
    with installed(helm, chart_repo, namespace, MODERN_VERSION):
        try:
            wait_until(lambda: read_or_none(core.read_namespaced_secret, f"vc-{n}", namespace), timeout=180)
        except TimeoutError:
            pytest.fail(f"no Secret vc-{n} from the background syncer-standin; its log:\n{syncer_standin.log()}")
        kubeconfig = _check_kubeconfig_secret(core, namespace, host_namespace=namespace)
    wait_until(lambda: _unreachable(kubeconfig), timeout=60, what="the background stand-in to stop the server")
    log = syncer_standin.log()
    assert f"wrote Secret {namespace}/vc-{n}" in log
    assert f"stopping virtual API server {namespace}-{n}" in log
    assert "PRIVATE KEY" not in log and "BEGIN CERTIFICATE" not in log
