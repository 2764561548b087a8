# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Find vclusters among host-cluster objects, the way ``vcluster list`` does.

Pure logic, no I/O: callers fetch the objects (as plain dicts, the shape the Kubernetes
API returns them in) and this module turns them into one record per vcluster.

What counts as a vcluster (``vcluster list``, ``pkg/cli/find/find.go``): a StatefulSet or
Deployment labelled ``app=vcluster`` with a ``release`` label, which is the vcluster name.
Its control-plane pods carry ``app=vcluster,release=<name>``. A deployed etcd StatefulSet is
labelled ``app=vcluster-etcd`` and is not a vcluster.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster import dialects

APP_LABEL = "app"
VCLUSTER_APP = "vcluster"
RELEASE_LABEL = "release"
CHART_LABEL = "chart"
WORKLOAD_SELECTOR = "app=vcluster"
WORKLOAD_KINDS = ("StatefulSet", "Deployment")

# Set by ``vcluster pause`` on the StatefulSet/Deployment (it also scales it to 0).
PAUSED_ANNOTATION = "loft.sh/paused"
# Set on the workload by the platform's sleep mode.
SLEEP_MODE_LABEL = "loft.sh/sleep-mode"
# Set on Secret ``vc-config-<name>`` while only the workloads of the vcluster sleep.
SLEEP_TYPE_ANNOTATION = "sleepmode.loft.sh/sleep-type"
# Recorded by this collection when a vcluster is imported into Rancher (workload or namespace).
RANCHER_CLUSTER_ID_ANNOTATION = "tenancy.vcluster/rancher-cluster-id"

KUBECONFIG_SECRET_PREFIX = "vc-"
CONFIG_SECRET_PREFIX = "vc-config-"
SYNCER_CONTAINER = "syncer"

STATUS_RUNNING = "Running"
STATUS_PENDING = "Pending"
STATUS_FAILED = "Failed"
STATUS_PAUSED = "Paused"
STATUS_SCALED_DOWN = "ScaledDown"
STATUS_UNKNOWN = "Unknown"
STATUSES = (STATUS_RUNNING, STATUS_PENDING, STATUS_FAILED, STATUS_PAUSED, STATUS_SCALED_DOWN, STATUS_UNKNOWN)

# Worst first: the status of several pods is the worst status among them.
_POD_STATUS_SEVERITY = (STATUS_FAILED, STATUS_UNKNOWN, STATUS_PENDING, STATUS_RUNNING)

# Container waiting reasons that will not resolve without someone acting.
FAILURE_REASONS = frozenset(
    (
        "CrashLoopBackOff",
        "ImagePullBackOff",
        "ErrImagePull",
        "ErrImageNeverPull",
        "InvalidImageName",
        "CreateContainerConfigError",
        "CreateContainerError",
        "RunContainerError",
    )
)

# Annotation key prefixes worth returning; everything else (e.g. last-applied-configuration) is left out.
ANNOTATION_PREFIXES_OF_INTEREST = (
    "loft.sh/",
    "vcluster.loft.sh/",
    "sleepmode.loft.sh/",
    "tenancy.vcluster/",
    "meta.helm.sh/",
)

# Legacy (< 0.20) chart names that name their distro; the unified chart and the legacy k3s chart are both "vcluster".
# Image path segments that identify a distro, checked in this order (EKS images are also called kube-apiserver).
DISTRO_IMAGE_SEGMENTS = (("eks", ("eks-distro",)), ("k3s", ("k3s",)), ("k0s", ("k0s",)))
K8S_CONTAINER_NAMES = frozenset(("kubernetes", "kube-apiserver"))
K8S_IMAGE_NAMES = frozenset(("kubernetes", "kube-apiserver", "kube-controller-manager"))


# ---------------------------------------------------------------------------------------------- object access
def metadata(obj):
    return (obj or {}).get("metadata") or {}


def labels_of(obj):
    return metadata(obj).get("labels") or {}


def annotations_of(obj):
    return metadata(obj).get("annotations") or {}


def namespace_of(obj):
    return metadata(obj).get("namespace")


def name_of(obj):
    return metadata(obj).get("name")


def pod_template_spec(workload):
    return (((workload.get("spec") or {}).get("template") or {}).get("spec")) or {}


def containers_of(workload):
    return pod_template_spec(workload).get("containers") or []


def init_containers_of(workload):
    return pod_template_spec(workload).get("initContainers") or []


# ---------------------------------------------------------------------------------------------- names and selectors
def is_vcluster_workload(obj):
    """True for a StatefulSet/Deployment that ``vcluster list`` shows (``app=vcluster`` and a ``release``)."""
    if obj.get("kind") not in WORKLOAD_KINDS:
        return False
    labels = labels_of(obj)
    return labels.get(APP_LABEL) == VCLUSTER_APP and bool(labels.get(RELEASE_LABEL))


def vcluster_name(workload):
    return labels_of(workload).get(RELEASE_LABEL)


def kubeconfig_secret_name(name):
    return KUBECONFIG_SECRET_PREFIX + name


def config_secret_name(name):
    return CONFIG_SECRET_PREFIX + name


def workload_selector(name=None):
    """Label selector for the vcluster workloads (all, or the one named ``name``)."""
    return WORKLOAD_SELECTOR if not name else f"{WORKLOAD_SELECTOR},{RELEASE_LABEL}={name}"


def pod_selector(name=None):
    """Label selector for vcluster control-plane pods; the same labels as the workloads."""
    return workload_selector(name)


# ---------------------------------------------------------------------------------------------- images and versions
def _strip_digest(image):
    return (image or "").split("@", 1)[0]


def image_repository(image):
    """``registry:5000/org/name:tag@sha256:..`` -> ``registry:5000/org/name``."""
    image = _strip_digest(image)
    slash = image.rfind("/")
    colon = image.rfind(":")
    return image[:colon] if colon > slash else image


def image_tag(image):
    """``ghcr.io/loft-sh/vcluster-pro:0.36.1`` -> ``0.36.1``; None without a tag (a registry port is not a tag)."""
    image = _strip_digest(image)
    last_segment = image.rsplit("/", 1)[-1]
    if ":" not in last_segment:
        return None
    return last_segment.rsplit(":", 1)[1] or None


def image_path_segments(image):
    return image_repository(image).split("/")


def find_container(workload, name):
    for container in containers_of(workload):
        if container.get("name") == name:
            return container
    return None


def syncer_version(workload):
    """Tag of the ``syncer`` container's image, as ``vcluster list`` reports it."""
    syncer = find_container(workload, SYNCER_CONTAINER)
    return image_tag(syncer.get("image")) if syncer else None


# ---------------------------------------------------------------------------------------------- distro
def _distro_from_images(images):
    for distro, markers in DISTRO_IMAGE_SEGMENTS:
        for image in images:
            if set(markers) & set(image_path_segments(image)):
                return distro
    return None


def _looks_like_k8s(container_names, images):
    if set(container_names) & K8S_CONTAINER_NAMES:
        return True
    return any(image_path_segments(image)[-1] in K8S_IMAGE_NAMES for image in images)


def _distro_from_chart(chart_name, chart_version):
    version = dialects.parse_version(chart_version) if chart_version else None
    distro = dialects.chart_distro(chart_name, version)
    if distro is None and chart_name == dialects.CHART and version is not None:
        return dialects.default_distro(version)
    return distro


def detect_distro(workload, chart_name=None, chart_version=None):
    """k8s, k3s, k0s or eks from the control-plane containers' images and names, else from the chart."""
    all_containers = init_containers_of(workload) + containers_of(workload)
    images = [c.get("image") for c in all_containers if c.get("image")]
    names = [c.get("name") for c in all_containers]
    distro = _distro_from_images(images)
    if distro:
        return distro
    if _looks_like_k8s(names, images):
        return "k8s"
    return _distro_from_chart(chart_name, chart_version)


# ---------------------------------------------------------------------------------------------- replicas
def desired_replicas(workload):
    """``spec.replicas``; the API defaults a missing value to 1."""
    replicas = (workload.get("spec") or {}).get("replicas")
    return 1 if replicas is None else int(replicas)


def ready_replicas(workload):
    return int((workload.get("status") or {}).get("readyReplicas") or 0)


def ready_string(workload):
    return f"{ready_replicas(workload)}/{desired_replicas(workload)}"


# ---------------------------------------------------------------------------------------------- pod status
def is_terminating(pod):
    return bool(metadata(pod).get("deletionTimestamp"))


def _termination_reason(terminated):
    return terminated.get("reason") or "ExitCode:{}".format(terminated.get("exitCode"))


def _init_container_status(pod):
    """(status, reason) while init containers block the pod, else None."""
    statuses = (pod.get("status") or {}).get("initContainerStatuses") or []
    total = len((pod.get("spec") or {}).get("initContainers") or []) or len(statuses)
    for index, container in enumerate(statuses):
        state = container.get("state") or {}
        terminated = state.get("terminated")
        waiting = state.get("waiting")
        if terminated and terminated.get("exitCode", 0) == 0:
            continue
        if terminated:
            return STATUS_FAILED, "Init:" + _termination_reason(terminated)
        if waiting and waiting.get("reason") in FAILURE_REASONS:
            return STATUS_FAILED, "Init:" + waiting["reason"]
        return STATUS_PENDING, f"Init:{index}/{total}"
    return None


def _container_failure(pod):
    """Reason of the first container that failed or cannot start, else None."""
    for container in (pod.get("status") or {}).get("containerStatuses") or []:
        state = container.get("state") or {}
        waiting = state.get("waiting") or {}
        terminated = state.get("terminated") or {}
        if waiting.get("reason") in FAILURE_REASONS:
            return waiting["reason"]
        if terminated and terminated.get("exitCode", 0) != 0:
            return _termination_reason(terminated)
    return None


def _pending_reason(pod):
    status = pod.get("status") or {}
    for container in status.get("containerStatuses") or []:
        reason = ((container.get("state") or {}).get("waiting") or {}).get("reason")
        if reason:
            return reason
    for condition in status.get("conditions") or []:
        if condition.get("status") == "False" and condition.get("reason"):
            return condition["reason"]
    return status.get("reason")


def _all_containers_ready(pod):
    statuses = (pod.get("status") or {}).get("containerStatuses") or []
    return bool(statuses) and all(c.get("ready") for c in statuses)


def pod_status(pod):
    """(status, reason) of one control-plane pod; status is Running, Pending, Failed or Unknown."""
    phase = (pod.get("status") or {}).get("phase")
    reason = (pod.get("status") or {}).get("reason")
    if phase == "Failed":
        return STATUS_FAILED, reason or "Failed"
    if phase == "Succeeded":
        return STATUS_FAILED, "Completed"
    if phase not in ("Pending", "Running"):
        return STATUS_UNKNOWN, reason or phase
    blocked = _init_container_status(pod)
    if blocked:
        return blocked
    failure = _container_failure(pod)
    if failure:
        return STATUS_FAILED, failure
    if phase == "Pending":
        return STATUS_PENDING, _pending_reason(pod)
    if not _all_containers_ready(pod):
        return STATUS_RUNNING, "ContainersNotReady"
    return STATUS_RUNNING, None


def worst_pod_status(pods):
    """The most severe (status, reason) among ``pods`` (Failed > Unknown > Pending > Running)."""
    results = [pod_status(pod) for pod in pods]
    return min(results, key=lambda result: _POD_STATUS_SEVERITY.index(result[0]))


# ---------------------------------------------------------------------------------------------- vcluster status
def is_paused(workload):
    return annotations_of(workload).get(PAUSED_ANNOTATION) == "true"


def is_sleeping(workload):
    return labels_of(workload).get(SLEEP_MODE_LABEL) == "true"


def workloads_sleeping(config_secret):
    return SLEEP_TYPE_ANNOTATION in annotations_of(config_secret)


def vcluster_status(workload, pods, config_secret=None):
    """(status, reason): Paused, ScaledDown, else from the control-plane pods.

    ``config_secret`` is Secret ``vc-config-<name>`` (metadata is enough) or None.
    """
    if is_paused(workload):
        return STATUS_PAUSED, "Paused"
    if is_sleeping(workload):
        return STATUS_PAUSED, "Sleeping"
    if workloads_sleeping(config_secret):
        return STATUS_PAUSED, "WorkloadsSleeping"
    if desired_replicas(workload) == 0:
        return STATUS_SCALED_DOWN, None
    live_pods = [pod for pod in pods if not is_terminating(pod)]
    if not live_pods:
        return STATUS_PENDING, "Terminating" if pods else "NoPods"
    return worst_pod_status(live_pods)


# ---------------------------------------------------------------------------------------------- records
def rancher_cluster_id(workload, namespace_obj=None):
    """Rancher cluster id recorded on the workload, else on its namespace, else None."""
    return (
        annotations_of(workload).get(RANCHER_CLUSTER_ID_ANNOTATION)
        or annotations_of(namespace_obj).get(RANCHER_CLUSTER_ID_ANNOTATION)
        or None
    )


def annotations_of_interest(workload):
    return {
        key: value
        for key, value in annotations_of(workload).items()
        if key.startswith(ANNOTATION_PREFIXES_OF_INTEREST)
    }


def index_by_namespace_and_name(objects):
    return {(namespace_of(obj), name_of(obj)): obj for obj in objects or []}


def index_namespaces(namespaces):
    return {name_of(ns): ns for ns in namespaces or []}


def group_pods_by_vcluster(pods):
    """{(namespace, release): [pods]} for pods labelled app=vcluster."""
    groups = {}
    for pod in pods or []:
        labels = labels_of(pod)
        if labels.get(APP_LABEL) != VCLUSTER_APP or not labels.get(RELEASE_LABEL):
            continue
        groups.setdefault((namespace_of(pod), labels[RELEASE_LABEL]), []).append(pod)
    return groups


def build_record(workload, pods=(), secrets_index=None, namespace_obj=None):
    """The record of one vcluster workload.

    ``secrets_index`` is {(namespace, name): secret metadata object}; None when the secrets could not be read
    (then ``kubeconfig_secret`` is None).
    """
    name = vcluster_name(workload)
    namespace = namespace_of(workload)
    secrets_index = secrets_index or {}
    chart = labels_of(workload).get(CHART_LABEL)
    chart_name, chart_version = dialects.split_chart_label(chart)
    config_secret = secrets_index.get((namespace, config_secret_name(name)))
    status, reason = vcluster_status(workload, list(pods), config_secret)
    kubeconfig_secret = kubeconfig_secret_name(name)
    return {
        "name": name,
        "namespace": namespace,
        "kind": workload.get("kind"),
        "workload": name_of(workload),
        "status": status,
        "status_reason": reason,
        "ready": ready_string(workload),
        "replicas": desired_replicas(workload),
        "ready_replicas": ready_replicas(workload),
        "version": syncer_version(workload) or chart_version,
        "chart": chart,
        "chart_name": chart_name,
        "chart_version": chart_version,
        "distro": detect_distro(workload, chart_name, chart_version),
        "kubeconfig_secret": kubeconfig_secret if (namespace, kubeconfig_secret) in secrets_index else None,
        "rancher_cluster_id": rancher_cluster_id(workload, namespace_obj),
        "created": metadata(workload).get("creationTimestamp"),
        "pods": sorted(name_of(pod) for pod in pods),
        "labels": dict(labels_of(workload)),
        "annotations": annotations_of_interest(workload),
    }


def build_records(workloads, pods=(), secrets=None, namespaces=None, name=None):
    """One record per vcluster, sorted by namespace then name.

    ``workloads``: StatefulSets and Deployments (each with ``kind``); anything that is not a vcluster
    control plane (e.g. the ``app=vcluster-etcd`` StatefulSet) is ignored. ``pods``: control-plane pods.
    ``secrets``: Secret objects (metadata suffices) in the namespaces concerned, or None if unknown.
    ``namespaces``: Namespace objects, for the Rancher cluster id. ``name``: keep only this vcluster.
    """
    pods_by_vcluster = group_pods_by_vcluster(pods)
    secrets_index = index_by_namespace_and_name(secrets)
    namespaces_index = index_namespaces(namespaces)
    records = []
    for workload in workloads or []:
        if not is_vcluster_workload(workload):
            continue
        release = vcluster_name(workload)
        if name and release != name:
            continue
        namespace = namespace_of(workload)
        records.append(
            build_record(
                workload,
                pods_by_vcluster.get((namespace, release), []),
                secrets_index,
                namespaces_index.get(namespace),
            )
        )
    return sorted(records, key=lambda record: (record["namespace"] or "", record["name"], record["kind"]))
