"""Every case of bad_inputs.yml fails provision.yml with its finding id or message, before any write.

One inventory holds every case as a tenant and runs with many forks (each host fails on its own); the JSON
callback gives each host's failure message, and one audit window proves that the whole run wrote nothing
(dry runs and access reviews excluded, which persist nothing).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
import yaml
from kubernetes import client as k8s_client
from runner import CHART_VERSION, group_vars, run, write_inventory

CORPUS = yaml.safe_load((Path(__file__).parent / "bad_inputs.yml").read_text())


def test_corpus_is_large_and_unique():
    ids = [c["id"] for c in CORPUS]
    assert len(ids) >= 40 and len(ids) == len(set(ids))


def failures_by_host(output: str) -> dict[str, str]:
    """host -> text of every failed result (msg and finding ids) from the JSON callback's output."""
    data = json.JSONDecoder().raw_decode(output[output.index("{"):])[0]
    texts: dict[str, list[str]] = {}
    for play in data["plays"]:
        for task in play["tasks"]:
            for host, result in task["hosts"].items():
                if result.get("failed"):
                    parts = [str(result.get("msg", ""))]
                    parts += [f["id"] for f in result.get("findings", []) if isinstance(f, dict) and "id" in f]
                    parts += [v["id"] for v in result.get("violations", []) if isinstance(v, dict) and "id" in v]
                    texts.setdefault(host, []).append(" ".join(parts))
    return {h: "\n".join(t) for h, t in texts.items()}


def test_every_bad_input_fails_clearly_and_nothing_is_written(
    local_cluster, identity, chart_repo, tmp_path, k8s, audit, audit_writes, cleanup_namespaces
):
    prefix = f"bad-{uuid.uuid4().hex[:5]}"
    core, apps = k8s_client.CoreV1Api(k8s), k8s_client.AppsV1Api(k8s)
    tenants = {}
    for i, case in enumerate(CORPUS):
        host = {"vcluster_namespace": f"{prefix}-{i}", "vcluster_chart_version": CHART_VERSION, "vcluster_name": "t"}
        host.update(case["vars"])
        host = {k: v for k, v in host.items() if v is not None}
        if host.get("vcluster_namespace", "").startswith(prefix):  # never clean up kube-system & co.
            cleanup_namespaces.append(host["vcluster_namespace"])
        if case.get("occupied"):  # another vcluster already lives in the namespace (set up before the audit window)
            ns = host["vcluster_namespace"]
            core.create_namespace(k8s_client.V1Namespace(metadata=k8s_client.V1ObjectMeta(name=ns)))
            labels = {"app": "vcluster", "release": "other"}
            apps.create_namespaced_deployment(ns, k8s_client.V1Deployment(
                metadata=k8s_client.V1ObjectMeta(name="other", labels=labels),
                spec=k8s_client.V1DeploymentSpec(
                    replicas=0, selector=k8s_client.V1LabelSelector(match_labels=labels),
                    template=k8s_client.V1PodTemplateSpec(
                        metadata=k8s_client.V1ObjectMeta(labels=labels),
                        spec=k8s_client.V1PodSpec(containers=[k8s_client.V1Container(name="c", image="x")])))))
        tenants[case["id"]] = host
    inventory = write_inventory(tmp_path / "bad.yml", tenants, group_vars(identity, chart_repo, tmp_path))

    mark = audit.mark()
    result = run(inventory, "--forks", "25", env={"ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json"}, timeout=600)
    writes = audit_writes(mark)

    assert result.rc != 0
    failures = failures_by_host(result.output)
    wrong = {c["id"]: failures.get(c["id"], "<did not fail>")[:400] for c in CORPUS
             if c["expect"] not in failures.get(c["id"], "")}
    assert wrong == {}, json.dumps(wrong, indent=1)
    assert [f"{e.verb} {e.resource} {e.namespace}/{e.name}" for e in writes] == []
    created = {n.metadata.name for n in core.list_namespace().items if n.metadata.name.startswith(prefix)}
    occupied = {t["vcluster_namespace"] for c, t in zip(CORPUS, tenants.values()) if c.get("occupied")}
    assert created == occupied


@pytest.mark.parametrize(
    "case", [c for c in CORPUS if not c.get("cluster") and not c.get("contract")], ids=lambda c: c["id"]
)
def test_message_names_the_field_and_the_fix(case):
    """The values engine's message for each pure case says where (a path) and what to do (non-trivial text)."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / ".cache" / "collections"))
    from ansible_collections.tenancy.vcluster.plugins.module_utils.vcluster.render import render_values

    v = case["vars"]
    findings = render_values(
        name=v.get("vcluster_name", "t"), namespace=v.get("vcluster_namespace", "ns"),
        chart_version=str(v.get("vcluster_chart_version", CHART_VERSION)), distro=v.get("vcluster_distro"),
        profile=v.get("vcluster_profile", "restricted"), isolation=v.get("vcluster_isolation"),
        map_services=v.get("vcluster_map_services"), expose=v.get("vcluster_expose"), values=v.get("vcluster_values"),
        image_registry=v.get("vcluster_image_registry"),
    )[1]
    if " " in case["expect"]:  # decided by the module's argument spec, not by a finding
        return
    mine = [f for f in findings if f["id"] == case["expect"]]
    if case["expect"] == "schema":  # schema findings come from the chart's schema (checked in the playbook run)
        return
    assert mine, findings
    assert all(f["path"] and len(f["message"]) > 20 for f in mine), mine
