# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Table-driven tests of vcluster discovery on objects shaped like the real charts render them."""

import copy

import pytest

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import discovery as d

NS = "team-a"
CREATED = "2026-08-01T10:00:00Z"


# ------------------------------------------------------------------------------------------------ object builders
def chart_labels(release, chart, app="vcluster"):
    return {"app": app, "chart": chart, "release": release, "heritage": "Helm"}


def workload(kind, name, labels, containers, init_containers=(), replicas=1, ready=1, annotations=None, ns=NS):
    spec = {"containers": list(containers)}
    if init_containers:
        spec["initContainers"] = list(init_containers)
    return {
        "kind": kind,
        "apiVersion": "apps/v1",
        "metadata": {
            "name": name,
            "namespace": ns,
            "labels": labels,
            "annotations": annotations or {"meta.helm.sh/release-name": labels.get("release")},
            "creationTimestamp": CREATED,
        },
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": labels["app"], "release": labels["release"]}},
            "template": {"metadata": {"labels": {"app": labels["app"], "release": labels["release"]}}, "spec": spec},
        },
        "status": {"replicas": replicas, "readyReplicas": ready} if ready else {"replicas": replicas},
    }


def container(name, image):
    return {"name": name, "image": image}


def modern_sts(name="tenant-a", version="0.36.1", **kw):
    """Unified chart 0.25+ (k8s distro): init container ``kubernetes``, container ``syncer`` (vcluster-pro)."""
    return workload(
        "StatefulSet",
        name,
        chart_labels(name, "vcluster-" + version),
        [container("syncer", "ghcr.io/loft-sh/vcluster-pro:" + version)],
        [container("kubernetes", "ghcr.io/loft-sh/kubernetes:v1.36.0")],
        **kw,
    )


def modern_k8s_024_sts(name="mid", **kw):
    """Unified chart 0.20-0.24 (k8s distro): per-component init containers from registry.k8s.io."""
    return workload(
        "StatefulSet",
        name,
        chart_labels(name, "vcluster-0.24.2"),
        [container("syncer", "ghcr.io/loft-sh/vcluster-pro:0.24.2")],
        [
            container("vcluster-copy", "ghcr.io/loft-sh/vcluster-pro:0.24.2"),
            container("kube-controller-manager", "registry.k8s.io/kube-controller-manager:v1.32.1"),
            container("kube-apiserver", "registry.k8s.io/kube-apiserver:v1.32.1"),
        ],
        **kw,
    )


def modern_k3s_sts(name="k3s-new", **kw):
    """Unified chart 0.20-0.32 with the k3s distro: init container ``vcluster`` copies the k3s binary."""
    return workload(
        "StatefulSet",
        name,
        chart_labels(name, "vcluster-0.30.5"),
        [container("syncer", "ghcr.io/loft-sh/vcluster-pro:0.30.5")],
        [container("vcluster", "rancher/k3s:v1.32.1-k3s1")],
        **kw,
    )


def legacy_k3s_sts(name="old-k3s", **kw):
    """Legacy k3s chart 0.19: containers ``vcluster`` (k3s) and ``syncer``."""
    return workload(
        "StatefulSet",
        name,
        chart_labels(name, "vcluster-0.19.10"),
        [container("vcluster", "rancher/k3s:v1.29.0-k3s1"), container("syncer", "ghcr.io/loft-sh/vcluster:0.19.10")],
        **kw,
    )


def legacy_k8s_deployment(name="old-k8s", **kw):
    """Legacy k8s chart 0.19: Deployment with init containers copying apiserver/controller-manager binaries."""
    return workload(
        "Deployment",
        name,
        chart_labels(name, "vcluster-k8s-0.19.10"),
        [container("syncer", "ghcr.io/loft-sh/vcluster:0.19.10")],
        [
            container("vcluster-copy", "ghcr.io/loft-sh/vcluster:0.19.10"),
            container("kube-controller-manager", "registry.k8s.io/kube-controller-manager:v1.29.0"),
            container("kube-apiserver", "registry.k8s.io/kube-apiserver:v1.29.0"),
        ],
        **kw,
    )


def legacy_etcd_sts(name="old-k8s"):
    """The ``<n>-etcd`` StatefulSet next to the legacy k8s Deployment: app=vcluster-etcd, not a vcluster."""
    return workload(
        "StatefulSet",
        name + "-etcd",
        chart_labels(name, "vcluster-k8s-0.19.10", app="vcluster-etcd"),
        [container("etcd", "registry.k8s.io/etcd:3.5.10-0")],
    )


def legacy_eks_deployment(name="old-eks"):
    return workload(
        "Deployment",
        name,
        chart_labels(name, "vcluster-eks-0.18.1"),
        [container("syncer", "ghcr.io/loft-sh/vcluster:0.18.1")],
        [container("kube-apiserver", "public.ecr.aws/eks-distro/kubernetes/kube-apiserver:v1.28.2-eks-1-28-6")],
    )


def pod(release, name=None, phase="Running", ready=True, waiting=None, init=None, deleting=False, ns=NS, **status):
    state = {"running": {"startedAt": CREATED}} if not waiting else {"waiting": {"reason": waiting}}
    pod_status = {
        "phase": phase,
        "containerStatuses": [{"name": "syncer", "ready": ready, "state": state}],
    }
    if init is not None:
        pod_status["initContainerStatuses"] = init
    pod_status.update(status)
    meta = {"name": name or release + "-0", "namespace": ns, "labels": {"app": "vcluster", "release": release}}
    if deleting:
        meta["deletionTimestamp"] = CREATED
    return {"kind": "Pod", "metadata": meta, "spec": {"initContainers": [{"name": "kubernetes"}]}, "status": pod_status}


def secret(name, ns=NS, annotations=None):
    return {"kind": "PartialObjectMetadata", "metadata": {"name": name, "namespace": ns, "annotations": annotations}}


def namespace(name, annotations=None):
    return {"kind": "Namespace", "metadata": {"name": name, "annotations": annotations or {}}}


def only(records):
    assert len(records) == 1, records
    return records[0]


# ------------------------------------------------------------------------------------------------ whole records
RECORD_CASES = [
    pytest.param(
        dict(workloads=[modern_sts()], pods=[pod("tenant-a")], secrets=[secret("vc-tenant-a")]),
        {
            "name": "tenant-a",
            "namespace": NS,
            "kind": "StatefulSet",
            "workload": "tenant-a",
            "status": "Running",
            "status_reason": None,
            "ready": "1/1",
            "version": "0.36.1",
            "chart": "vcluster-0.36.1",
            "chart_name": "vcluster",
            "chart_version": "0.36.1",
            "distro": "k8s",
            "kubeconfig_secret": "vc-tenant-a",
            "rancher_cluster_id": None,
            "created": CREATED,
            "pods": ["tenant-a-0"],
        },
        id="modern-0.36.1-running",
    ),
    pytest.param(
        dict(workloads=[legacy_k3s_sts()], pods=[pod("old-k3s")], secrets=[]),
        {"kind": "StatefulSet", "version": "0.19.10", "distro": "k3s", "kubeconfig_secret": None, "status": "Running"},
        id="legacy-k3s-no-secret",
    ),
    pytest.param(
        dict(
            workloads=[legacy_k8s_deployment(), legacy_etcd_sts()],
            pods=[pod("old-k8s", name="old-k8s-7d9c-abcde")],
            secrets=[secret("vc-old-k8s")],
        ),
        {
            "name": "old-k8s",
            "kind": "Deployment",
            "workload": "old-k8s",
            "chart_name": "vcluster-k8s",
            "chart_version": "0.19.10",
            "distro": "k8s",
            "version": "0.19.10",
            "kubeconfig_secret": "vc-old-k8s",
        },
        id="legacy-k8s-deployment-etcd-ignored",
    ),
    pytest.param(
        dict(workloads=[modern_k8s_024_sts()], pods=[pod("mid")]),
        {"distro": "k8s", "version": "0.24.2"},
        id="modern-0.24-k8s",
    ),
    pytest.param(
        dict(workloads=[modern_k3s_sts()], pods=[pod("k3s-new")]),
        {"distro": "k3s", "version": "0.30.5"},
        id="modern-k3s",
    ),
    pytest.param(
        dict(workloads=[legacy_eks_deployment()], pods=[pod("old-eks")]),
        {"distro": "eks", "chart_name": "vcluster-eks"},
        id="legacy-eks",
    ),
    pytest.param(
        dict(
            workloads=[modern_sts(replicas=0, ready=0, annotations={"loft.sh/paused": "true"})],
            pods=[],
        ),
        {"status": "Paused", "status_reason": "Paused", "ready": "0/0", "annotations": {"loft.sh/paused": "true"}},
        id="paused-annotation",
    ),
    pytest.param(
        dict(workloads=[modern_sts(replicas=0, ready=0)], pods=[]),
        {"status": "ScaledDown", "status_reason": None, "ready": "0/0", "replicas": 0},
        id="scaled-down",
    ),
    pytest.param(
        dict(
            workloads=[modern_sts(ready=0)],
            pods=[pod("tenant-a", phase="Pending", ready=False, waiting="ContainerCreating")],
        ),
        {"status": "Pending", "status_reason": "ContainerCreating", "ready": "0/1"},
        id="pending-pod",
    ),
    pytest.param(
        dict(
            workloads=[modern_sts(annotations={d.RANCHER_CLUSTER_ID_ANNOTATION: "c-m-abc123"})],
            pods=[pod("tenant-a")],
        ),
        {"rancher_cluster_id": "c-m-abc123"},
        id="rancher-id-on-workload",
    ),
    pytest.param(
        dict(
            workloads=[modern_sts()],
            pods=[pod("tenant-a")],
            namespaces=[namespace(NS, {d.RANCHER_CLUSTER_ID_ANNOTATION: "c-m-ns9999"}), namespace("other")],
        ),
        {"rancher_cluster_id": "c-m-ns9999"},
        id="rancher-id-on-namespace",
    ),
    pytest.param(
        dict(
            workloads=[modern_sts(annotations={d.RANCHER_CLUSTER_ID_ANNOTATION: "c-m-workload"})],
            pods=[pod("tenant-a")],
            namespaces=[namespace(NS, {d.RANCHER_CLUSTER_ID_ANNOTATION: "c-m-ns9999"})],
        ),
        {"rancher_cluster_id": "c-m-workload"},
        id="rancher-id-workload-wins",
    ),
]


@pytest.mark.parametrize("inputs, expected", RECORD_CASES)
def test_build_records(inputs, expected):
    record = only(d.build_records(**inputs))
    assert {key: record[key] for key in expected} == expected


def test_etcd_statefulset_alone_is_not_a_vcluster():
    assert d.build_records([legacy_etcd_sts()], [pod("old-k8s")]) == []


def test_records_sorted_and_filtered_by_name():
    workloads = [
        modern_sts("zeta", ns="b"),
        modern_sts("alpha", ns="b"),
        modern_sts("tenant-a", ns="a"),
        legacy_etcd_sts("alpha"),
    ]
    records = d.build_records(workloads, [])
    assert [(r["namespace"], r["name"]) for r in records] == [("a", "tenant-a"), ("b", "alpha"), ("b", "zeta")]
    assert [r["name"] for r in d.build_records(workloads, [], name="zeta")] == ["zeta"]


def test_pods_and_secrets_of_other_namespaces_do_not_count():
    records = d.build_records(
        [modern_sts()],
        pods=[pod("tenant-a", ns="elsewhere")],
        secrets=[secret("vc-tenant-a", ns="elsewhere")],
    )
    record = only(records)
    assert record["status"] == "Pending"
    assert record["status_reason"] == "NoPods"
    assert record["kubeconfig_secret"] is None


def test_inputs_are_not_modified():
    workloads = [modern_sts(), legacy_etcd_sts()]
    pods = [pod("tenant-a")]
    before = copy.deepcopy((workloads, pods))
    d.build_records(workloads, pods, [secret("vc-tenant-a")], [namespace(NS)])
    assert (workloads, pods) == before


# ------------------------------------------------------------------------------------------------ status
STATUS_CASES = [
    pytest.param(modern_sts(), [pod("tenant-a")], None, ("Running", None), id="running"),
    pytest.param(
        modern_sts(), [pod("tenant-a", ready=False)], None, ("Running", "ContainersNotReady"), id="running-not-ready"
    ),
    pytest.param(
        modern_sts(),
        [pod("tenant-a", phase="Pending", ready=False, waiting=None, conditions=[
            {"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}])],
        None,
        ("Pending", "Unschedulable"),
        id="pending-unschedulable",
    ),
    pytest.param(
        modern_sts(),
        [pod("tenant-a", phase="Pending", ready=False, init=[
            {"name": "kubernetes", "ready": False, "state": {"waiting": {"reason": "PodInitializing"}}}])],
        None,
        ("Pending", "Init:0/1"),
        id="pending-init",
    ),
    pytest.param(
        modern_sts(),
        [pod("tenant-a", phase="Pending", ready=False, init=[
            {"name": "kubernetes", "state": {"terminated": {"exitCode": 1, "reason": "Error"}}}])],
        None,
        ("Failed", "Init:Error"),
        id="failed-init",
    ),
    pytest.param(
        modern_sts(), [pod("tenant-a", ready=False, waiting="CrashLoopBackOff")], None,
        ("Failed", "CrashLoopBackOff"), id="crashloop",
    ),
    pytest.param(
        modern_sts(), [pod("tenant-a", phase="Pending", ready=False, waiting="ImagePullBackOff")], None,
        ("Failed", "ImagePullBackOff"), id="image-pull",
    ),
    pytest.param(
        modern_sts(), [pod("tenant-a", phase="Failed", ready=False, reason="Evicted")], None,
        ("Failed", "Evicted"), id="evicted",
    ),
    pytest.param(modern_sts(), [pod("tenant-a", phase="Unknown")], None, ("Unknown", "Unknown"), id="unknown-phase"),
    pytest.param(
        modern_sts(replicas=3),
        [pod("tenant-a", "tenant-a-0"), pod("tenant-a", "tenant-a-1", waiting="CrashLoopBackOff", ready=False),
         pod("tenant-a", "tenant-a-2", phase="Pending", ready=False, waiting="ContainerCreating")],
        None,
        ("Failed", "CrashLoopBackOff"),
        id="ha-worst-pod-wins",
    ),
    pytest.param(
        modern_sts(),
        [pod("tenant-a", "tenant-a-0", deleting=True), pod("tenant-a", "tenant-a-1")],
        None,
        ("Running", None),
        id="terminating-pod-ignored",
    ),
    pytest.param(
        modern_sts(), [pod("tenant-a", deleting=True)], None, ("Pending", "Terminating"), id="only-terminating"
    ),
    pytest.param(modern_sts(), [], None, ("Pending", "NoPods"), id="no-pods"),
    pytest.param(modern_sts(replicas=0, ready=0), [pod("tenant-a", deleting=True)], None, ("ScaledDown", None),
                 id="scaled-down-while-terminating"),
    pytest.param(
        modern_sts(replicas=0, ready=0, annotations={"loft.sh/paused": "true", "loft.sh/paused-replicas": "1"}),
        [], None, ("Paused", "Paused"), id="paused-wins-over-scaled-down",
    ),
    pytest.param(
        modern_sts(annotations={"loft.sh/paused": "false"}), [pod("tenant-a")], None, ("Running", None),
        id="paused-false",
    ),
    pytest.param(
        dict(modern_sts(), metadata=dict(modern_sts()["metadata"], labels=dict(
            chart_labels("tenant-a", "vcluster-0.36.1"), **{"loft.sh/sleep-mode": "true"}))),
        [], None, ("Paused", "Sleeping"), id="sleep-label",
    ),
    pytest.param(
        modern_sts(), [pod("tenant-a")],
        secret("vc-config-tenant-a", annotations={"sleepmode.loft.sh/sleep-type": "forced"}),
        ("Paused", "WorkloadsSleeping"), id="workloads-sleeping",
    ),
    pytest.param(modern_sts(), [pod("tenant-a")], secret("vc-config-tenant-a"), ("Running", None), id="config-secret"),
]


@pytest.mark.parametrize("workload_obj, pods, config_secret, expected", STATUS_CASES)
def test_vcluster_status(workload_obj, pods, config_secret, expected):
    assert d.vcluster_status(workload_obj, pods, config_secret) == expected
    assert expected[0] in d.STATUSES


def test_status_uses_config_secret_from_secrets():
    secrets = [secret("vc-config-tenant-a", annotations={d.SLEEP_TYPE_ANNOTATION: "forced"})]
    record = only(d.build_records([modern_sts()], [pod("tenant-a")], secrets))
    assert (record["status"], record["status_reason"]) == ("Paused", "WorkloadsSleeping")


# ------------------------------------------------------------------------------------------------ small helpers
@pytest.mark.parametrize(
    "image, repository, tag",
    [
        ("ghcr.io/loft-sh/vcluster-pro:0.36.1", "ghcr.io/loft-sh/vcluster-pro", "0.36.1"),
        ("registry.local:5000/loft-sh/vcluster:0.19.10", "registry.local:5000/loft-sh/vcluster", "0.19.10"),
        ("registry.local:5000/loft-sh/vcluster", "registry.local:5000/loft-sh/vcluster", None),
        ("ghcr.io/loft-sh/vcluster:0.20.0@sha256:" + "a" * 64, "ghcr.io/loft-sh/vcluster", "0.20.0"),
        ("ghcr.io/loft-sh/vcluster@sha256:" + "a" * 64, "ghcr.io/loft-sh/vcluster", None),
        ("rancher/k3s:v1.29.0-k3s1", "rancher/k3s", "v1.29.0-k3s1"),
        ("", "", None),
        (None, "", None),
    ],
)
def test_image_parts(image, repository, tag):
    assert d.image_repository(image) == repository
    assert d.image_tag(image) == tag


def test_version_falls_back_to_chart_label():
    sts = modern_sts()
    sts["spec"]["template"]["spec"]["containers"][0]["image"] = "mirror.local/vcluster-pro"
    assert only(d.build_records([sts], [pod("tenant-a")]))["version"] == "0.36.1"


@pytest.mark.parametrize(
    "chart_name, chart_version, expected",
    [
        ("vcluster", "0.19.10", "k3s"),
        ("vcluster", "0.20.6", "k8s"),
        ("vcluster-k0s", "0.19.10", "k0s"),
        ("vcluster-k8s", "0.18.1", "k8s"),
        ("something-else", "1.0.0", None),
        (None, None, None),
    ],
)
def test_distro_falls_back_to_chart(chart_name, chart_version, expected):
    syncer_only = workload(
        "Deployment", "x", chart_labels("x", "whatever"), [container("syncer", "ghcr.io/loft-sh/vcluster:0.18.1")]
    )
    assert d.detect_distro(syncer_only, chart_name, chart_version) == expected


def test_k0s_image():
    sts = modern_k3s_sts()
    sts["spec"]["template"]["spec"]["initContainers"][0]["image"] = "k0sproject/k0s:v1.30.2-k0s.0"
    assert d.detect_distro(sts) == "k0s"


def test_selectors_and_secret_names():
    assert d.workload_selector() == "app=vcluster"
    assert d.pod_selector("tenant-a") == "app=vcluster,release=tenant-a"
    assert d.kubeconfig_secret_name("tenant-a") == "vc-tenant-a"
    assert d.config_secret_name("tenant-a") == "vc-config-tenant-a"
    assert d.RANCHER_CLUSTER_ID_ANNOTATION == "tenancy.vcluster/rancher-cluster-id"


def test_missing_replicas_defaults_to_one():
    sts = modern_sts()
    del sts["spec"]["replicas"]
    del sts["status"]["readyReplicas"]
    assert d.ready_string(sts) == "0/1"


def test_annotations_of_interest_drop_noise():
    sts = modern_sts(
        annotations={
            "kubectl.kubernetes.io/last-applied-configuration": "{...}",
            "meta.helm.sh/release-name": "tenant-a",
            d.RANCHER_CLUSTER_ID_ANNOTATION: "c-m-1",
        }
    )
    assert d.annotations_of_interest(sts) == {
        "meta.helm.sh/release-name": "tenant-a",
        d.RANCHER_CLUSTER_ID_ANNOTATION: "c-m-1",
    }
