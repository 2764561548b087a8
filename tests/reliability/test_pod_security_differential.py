"""pod_security's verdicts and violation ids against the real API server's PodSecurity admission (DESIGN §7).

Every case of ``psa_corpus.CASES`` is carried by every workload kind the module reads (Pod, Deployment,
StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, PodTemplate) and created with server-side
dry run (``dryRun=All``: admission runs, nothing is stored) in two namespaces labelled ``enforce`` and ``warn`` =
``restricted`` / ``baseline`` at version ``latest``. A Pod is denied (403 "violates PodSecurity ..."); a workload is
admitted with a warning ("would violate PodSecurity ...") naming what its pods would violate. Both messages list the
failed checks by name; ``psa_corpus.violation_ids`` maps them to the collection's ``pss-*`` ids, and the test compares
the verdict and the set of ids with what ``check_manifests`` reports for the same object.

Ephemeral containers cannot be created with a pod: they are added to a running, compliant pod through the
``ephemeralcontainers`` subresource, also with dry run, which PodSecurity checks too. Multi-document YAML (``helm
template`` output) goes through the module's own option parsing; each document is created on its own, as ``kubectl
apply -f`` would. Kinds without a pod template the admission reads (a custom resource of kind ``Deployment`` in
another group included) get no PodSecurity verdict from the API server, and none from the module.

A case the API server rejects as invalid (422, before admission) says nothing about PodSecurity and is counted
apart; there must be none, or the corpus is wrong.
"""

from __future__ import annotations

import copy
import json
import sys
import time
import uuid
from pathlib import Path

import pytest
from kubernetes import client as k8s_client
from kubernetes.client.rest import ApiException

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / ".cache" / "collections"))
from psa_corpus import CASES, EPHEMERAL, KINDS, container, podsecurity_text, violation_ids, workload

from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.pod_security import (
    check_manifests,
    check_task,
    manifests_option,
)

LEVELS = ("restricted", "baseline")
CRD_GROUP = "psa-diff.tenancy.test"
PLURALS = {kind: plural for kind, (_api_version, plural, _build) in KINDS.items()}
PLURALS.update(ConfigMap="configmaps", Service="services", ServiceAccount="serviceaccounts", Secret="secrets")


def unquote_warning(header):
    """The text of one ``Warning: 299 - "<text>"`` header (quotes and backslashes are backslash-escaped)."""
    text = header.split(" ", 2)[2]
    text = text[1:-1] if text.startswith('"') and text.endswith('"') else text
    out, escaped = [], False
    for char in text:
        if escaped or char != "\\":
            out.append(char)
            escaped = False
        else:
            escaped = True
    return "".join(out)


def dry_run_create(api, obj, namespace, plural=None):
    """The API server's PodSecurity answer for creating ``obj``: {verdict, ids, policy, message}.

    verdict: ``deny`` (403 "violates PodSecurity", or a "would violate PodSecurity" warning: its pods would be
    denied), ``allow`` (created, no PodSecurity warning) or ``invalid: ...`` (422, rejected before admission).
    """
    api_version = obj["apiVersion"]
    base = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
    path = f"{base}/namespaces/{namespace}/{plural or PLURALS[obj['kind']]}"
    method, url, headers, body, _post = api.param_serialize(
        "POST", path, query_params=[("dryRun", "All")], body=obj, auth_settings=["BearerToken"],
        header_params={"Content-Type": "application/json", "Accept": "application/json"})
    response = api.call_api(method, url, header_params=headers, body=body)
    response.read()
    if not 200 <= response.status < 300:
        message = json.loads(response.data or b"{}").get("message", "")
        if response.status == 403 and "violates PodSecurity" in message:
            return answer("deny", message)
        if response.status == 422:
            return {"verdict": "invalid: " + message[:300]}
        raise AssertionError(f"{response.status} for {obj['kind']}: {message}")
    warnings = [unquote_warning(h) for h in response.headers.getlist("Warning")]
    psa = [w for w in warnings if "would violate PodSecurity" in w]
    assert len(psa) <= 1, psa
    return answer("deny", psa[0]) if psa else {"verdict": "allow", "ids": set(), "policy": None, "message": ""}


def answer(verdict, text):
    policy, message = podsecurity_text(text)
    return {"verdict": verdict, "ids": violation_ids(message), "policy": policy, "message": message}


def ours(manifests, level):
    violations = check_manifests(manifests, level)
    return {"verdict": "deny" if violations else "allow", "ids": {v["id"] for v in violations}}


def compare(api, mine, where, disagree):
    if api["verdict"] != mine["verdict"] or api["ids"] != mine["ids"]:
        disagree[where] = {"api": api["verdict"], "api_ids": sorted(api["ids"]), "api_message": api["message"],
                           "pod_security": mine["verdict"], "pod_security_ids": sorted(mine["ids"])}


def dumps(value):
    return json.dumps(value, indent=1, sort_keys=True, default=sorted)


def labelled_namespace(core, prefix, labels):
    name = f"{prefix}-{uuid.uuid4().hex[:5]}"
    core.create_namespace(k8s_client.V1Namespace(metadata=k8s_client.V1ObjectMeta(name=name, labels=labels)))
    return name


@pytest.fixture(scope="module")
def psa_namespaces(k8s):
    """level -> a namespace enforcing and warning that level at version latest."""
    core = k8s_client.CoreV1Api(k8s)
    made = {}
    for level in LEVELS:
        labels = {f"pod-security.kubernetes.io/{mode}{suffix}": value
                  for mode in ("enforce", "warn") for suffix, value in (("", level), ("-version", "latest"))}
        made[level] = labelled_namespace(core, f"psa-diff-{level}", labels)
    yield made
    for ns in made.values():
        core.delete_namespace(ns)


def test_latest_is_the_version_pod_security_follows(k8s):
    """The namespaces pin ``latest``; the module follows the 1.34 rules, so the server must be 1.34."""
    info = k8s_client.VersionApi(k8s).get_code()
    assert (info.major, info.minor.rstrip("+")) == ("1", "34"), info.git_version


@pytest.mark.parametrize("kind", list(KINDS))
def test_verdicts_and_ids_agree_for_every_workload_kind(k8s, psa_namespaces, kind):
    disagree, invalid, compared = {}, {}, 0
    for case_name, case in CASES.items():
        obj = workload(kind, case)
        for level in LEVELS:
            api = dry_run_create(k8s, copy.deepcopy(obj), psa_namespaces[level])
            if api["verdict"].startswith("invalid"):
                invalid[f"{case_name}@{level}"] = api["verdict"]
                continue
            assert api["policy"] in (None, f"{level}:latest"), api
            compared += 1
            compare(api, ours([obj], level), f"{case_name}@{level}", disagree)
    assert (invalid, disagree) == ({}, {}), dumps({"invalid": invalid, "disagree": disagree})
    assert compared == len(LEVELS) * len(CASES)


def test_ephemeral_container_verdicts_and_ids_agree(k8s, psa_namespaces):
    core = k8s_client.CoreV1Api(k8s)
    disagree, compared = {}, 0
    for level in LEVELS:
        ns = psa_namespaces[level]
        base = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "target"},
                "spec": {"containers": [container()]}}
        core.create_namespaced_pod(ns, base)  # compliant with both levels; real (the subresource needs a pod)
        for case_name, eph in EPHEMERAL.items():
            patch = {"spec": {"ephemeralContainers": [copy.deepcopy(eph)]}}
            try:
                core.patch_namespaced_pod_ephemeralcontainers("target", ns, patch, dry_run="All")
                api = {"verdict": "allow", "ids": set(), "message": ""}
            except ApiException as exc:
                message = json.loads(exc.body or "{}").get("message", "")
                assert exc.status == 403 and "violates PodSecurity" in message, (exc.status, message)
                api = answer("deny", message)
            compared += 1
            pod = copy.deepcopy(base)
            pod["spec"]["ephemeralContainers"] = [eph]
            compare(api, ours([pod], level), f"{case_name}@{level}", disagree)
    assert disagree == {}, dumps(disagree)
    assert compared == len(LEVELS) * len(EPHEMERAL)


PRIVILEGED_TEMPLATE = {"metadata": {"labels": {"app": "psa-diff"}}, "spec": {"hostNetwork": True, "containers": [
    {"name": "c", "image": "registry.local/app:1", "securityContext": {"privileged": True}}]}}


@pytest.fixture(scope="module")
def lookalike_crd(k8s):
    """A custom resource of kind Deployment (another group) whose spec.template is a privileged pod template."""
    ext = k8s_client.ApiextensionsV1Api(k8s)
    name = f"deployments.{CRD_GROUP}"
    schema = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    ext.create_custom_resource_definition({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": {"name": name},
        "spec": {"group": CRD_GROUP, "scope": "Namespaced",
                 "names": {"plural": "deployments", "singular": "deployment", "kind": "Deployment"},
                 "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": schema}}]},
    })
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        conditions = ext.read_custom_resource_definition(name).status.conditions or []
        if any(c.type == "Established" and c.status == "True" for c in conditions):
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"CRD {name} not established in 30 s")
    yield "deployments"
    ext.delete_custom_resource_definition(name)


def other_kind_objects():
    """Objects of kinds the admission does not read, each holding something a workload check would refuse."""
    pod_yaml = json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}, **PRIVILEGED_TEMPLATE})
    return [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "pod-inside"}, "data": {"pod.yaml": pod_yaml}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "svc"},
         "spec": {"selector": {"app": "psa-diff"}, "ports": [{"port": 80}]}},
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "sa"}},
        {"apiVersion": f"{CRD_GROUP}/v1", "kind": "Deployment", "metadata": {"name": "lookalike"},
         "spec": {"selector": {"matchLabels": {"app": "psa-diff"}}, "template": copy.deepcopy(PRIVILEGED_TEMPLATE)}},
    ]


def test_other_kinds_are_skipped_like_the_api_server(k8s, psa_namespaces, lookalike_crd):
    disagree = {}
    objects = other_kind_objects()
    for level in LEVELS:
        for obj in objects:
            plural = lookalike_crd if obj["apiVersion"].startswith(CRD_GROUP) else None
            api = dry_run_create(k8s, copy.deepcopy(obj), psa_namespaces[level], plural)
            assert not api["verdict"].startswith("invalid"), api
            compare(api, ours([obj], level), f"{obj['kind']}/{obj['metadata']['name']}@{level}", disagree)
    assert disagree == {}, dumps(disagree)
    result, failure = check_task(objects, "baseline", strict=True)
    assert (result["checked"], result["violations"], failure) == (0, [], None)
    # the same template in an apps/v1 Deployment is refused by both, so the skip above is the kind's doing
    real = {**objects[-1], "apiVersion": "apps/v1"}
    api = dry_run_create(k8s, copy.deepcopy(real), psa_namespaces["baseline"])
    assert api["verdict"] == "deny" and ours([real], "baseline")["ids"] == api["ids"], api


MULTI_DOC_CASES = [
    ("compliant", "Deployment"), ("privileged", "StatefulSet"), ("host-network-with-container-port", "Pod"),
    ("host-network-with-container-port", "DaemonSet"), ("volume-host-path-and-nfs", "Job"),
    ("sysctl-safe-and-unsafe", "CronJob"), ("apparmor-annotation-alone-unconfined", "ReplicaSet"),
    ("probe-startup-http-host", "ReplicationController"), ("selinux-type-container-engine", "PodTemplate"),
    ("windows-restricted-allowed", "Pod"), ("seccomp-missing", "Deployment"),
]
LISTED_CASES = [("add-sys-admin", "Pod"), ("selinux-user", "Job")]


def helm_template_output():
    """(multi-document YAML as ``helm template`` prints it, the objects in it, how many carry a pod template).

    Besides one document per workload it has ServiceAccount/ConfigMap/Service documents, empty and comment-only
    documents and a ``kind: List`` (whose items ``kubectl apply -f`` would create one by one).
    """
    import yaml

    def named(index, case_name, kind):
        return workload(kind, CASES[case_name], f"{case_name[:40].rstrip('-.')}-{index}".replace(".", "-"))

    workloads = [named(i, case_name, kind) for i, (case_name, kind) in enumerate(MULTI_DOC_CASES)]
    listed = [named(100 + i, case_name, kind) for i, (case_name, kind) in enumerate(LISTED_CASES)]
    others = other_kind_objects()[:3]
    text = "# a chart whose first template renders nothing\n---\n"
    for obj in workloads + others:
        source = f"# Source: psa-diff/templates/{obj['metadata']['name']}.yaml"
        text += f"---\n{source}\n" + yaml.safe_dump(obj, sort_keys=False)
    text += "---\n# Source: psa-diff/templates/empty.yaml\n---\n"
    text += yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": [*listed, others[2]]}, sort_keys=False)
    return text, workloads + others + listed, len(workloads) + len(listed)


def test_multi_document_yaml_agrees(k8s, psa_namespaces):
    text, objects, templates = helm_template_output()
    disagree = {}
    for level in LEVELS:
        result, _failure = check_task(manifests_option(text), level, strict=False)
        assert result["checked"] == templates
        mine = {}
        for v in result["violations"]:
            mine.setdefault((v["kind"], v["name"]), set()).add(v["id"])
        for obj in objects:
            key = (obj["kind"], obj["metadata"]["name"])
            api = dry_run_create(k8s, copy.deepcopy(obj), psa_namespaces[level])
            assert not api["verdict"].startswith("invalid"), (key, api)
            ids = mine.pop(key, set())
            compare(api, {"verdict": "deny" if ids else "allow", "ids": ids}, f"{key}@{level}", disagree)
        assert mine == {}, f"violations of objects not in the YAML: {mine}"
    assert disagree == {}, dumps(disagree)


# The module checks ``latest`` as of 1.34 and has no version option. A namespace whose enforce-version pins an older
# version (or a host older than 1.34, where ``latest`` is that version) decides otherwise exactly here, as the module's
# notes say: sysctls added to the safe set in 1.27, 1.29 and 1.32 are refused before (check_sysctls.go), the SELinux
# type container_engine_t before 1.31 (check_seLinuxOptions.go), and probe or lifecycle hosts are checked from 1.34
# only (check_hostProbesAndhostLifecycle.go).
ALLOWED_SINCE_MINOR = {"sysctl-added-1.27": 27, "sysctl-added-1.29": 29, "sysctl-added-1.32": 32,
                       "selinux-type-container-engine": 31}
PINNED_MINORS = (26, 28, 30, 31, 33)


def expected_pinned_differences(minor):
    probe_only = {name for name, case in CASES.items()
                  if ours([workload("Pod", case)], "baseline")["ids"] == {"pss-host-probes"}}
    assert len(probe_only) >= 7, probe_only
    differ = {name for name, since in ALLOWED_SINCE_MINOR.items() if minor < since}
    return differ | (probe_only if minor < 34 else set())


@pytest.fixture(scope="module")
def pinned_namespaces(k8s):
    core = k8s_client.CoreV1Api(k8s)
    made = {minor: labelled_namespace(core, f"psa-diff-v1-{minor}", {
        "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/enforce-version": f"v1.{minor}",
        "pod-security.kubernetes.io/warn": "baseline", "pod-security.kubernetes.io/warn-version": f"v1.{minor}"})
        for minor in PINNED_MINORS}
    yield made
    for ns in made.values():
        core.delete_namespace(ns)


@pytest.mark.parametrize("minor", PINNED_MINORS)
def test_pinned_older_versions_differ_from_latest_only_where_documented(k8s, pinned_namespaces, minor):
    differ = {}
    for case_name, case in CASES.items():
        obj = workload("Pod", case)
        api = dry_run_create(k8s, copy.deepcopy(obj), pinned_namespaces[minor])
        assert not api["verdict"].startswith("invalid"), (case_name, api)
        assert api["policy"] in (None, f"baseline:v1.{minor}"), api
        mine = ours([obj], "baseline")
        if (api["verdict"], api["ids"]) != (mine["verdict"], mine["ids"]):
            differ[case_name] = (api["verdict"], mine["verdict"])
    assert set(differ) == expected_pinned_differences(minor), dumps(differ)
