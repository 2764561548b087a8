"""tenancy.vcluster.host_object against the real local control plane: in the worker process (local connection) and
as a module process (a task with an environment), the same writes and the same results as kubernetes.core.k8s."""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

import yaml
from kubernetes import client as k8s_client
from kubernetes.client.rest import ApiException
from test_vcluster_info import BIN, REPO, _ansible_env

from playbooks import writes

# A task environment makes the action plugin run the module, which is where such an environment applies.
MODULE_PROCESS = {"TENANCY_VCLUSTER_TEST": "module"}


def run_tasks(kubeconfig: str, tmp_path: Path, tasks: list[dict], *args: str) -> list[dict]:
    """Run ``tasks`` on localhost; return each task's result."""
    playbook = tmp_path / f"play-{uuid.uuid4().hex[:6]}.yml"
    playbook.write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]))
    proc = subprocess.run(
        [str(BIN / "ansible-playbook"), str(playbook), *args],
        env=_ansible_env(kubeconfig), capture_output=True, text=True, timeout=300, check=False, cwd=str(REPO),
    )
    assert proc.returncode == 0, f"failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return [task["hosts"]["localhost"] for task in json.loads(proc.stdout)["plays"][0]["tasks"]]


def namespace_task(name: str, labels: dict, **task) -> dict:
    definition = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}}
    return {"tenancy.vcluster.host_object": {"definition": definition}, **task}


def delete_task(name: str, **task) -> dict:
    return {"tenancy.vcluster.host_object": {"state": "absent", "kind": "Namespace", "name": name}, **task}


def test_in_process_and_module_create_update_and_delete_alike(local_cluster, k8s, audit, tmp_path):
    core = k8s_client.CoreV1Api(k8s)
    names = {"in_process": f"hobj-{uuid.uuid4().hex[:6]}", "module": f"hobj-{uuid.uuid4().hex[:6]}"}
    extra = {"in_process": {}, "module": {"environment": MODULE_PROCESS}}
    for way, name in names.items():
        created, again = run_tasks(
            local_cluster.kubeconfig, tmp_path,
            [namespace_task(name, {"team": "a"}, **extra[way]), namespace_task(name, {"team": "a"}, **extra[way])],
        )
        assert (created["changed"], created["method"]) == (True, "create"), (way, created)
        assert created["result"]["metadata"]["labels"]["team"] == "a"
        assert again["changed"] is False, (way, again)
        assert core.read_namespace(name).metadata.labels["team"] == "a"

        # check mode with diff: reported, not written
        mark = audit.mark()
        (checked,) = run_tasks(
            local_cluster.kubeconfig, tmp_path, [namespace_task(name, {"team": "b"}, **extra[way])], "--check", "--diff"
        )
        assert checked["changed"] is True and checked["method"] == "update", (way, checked)
        assert checked["diff"]["after"]["metadata"]["labels"]["team"] == "b"
        changes = [e for e in writes(audit.events_since(mark)) if e.verb not in ("get", "list", "watch")]
        assert [e for e in changes if e.name == name] == []
        assert core.read_namespace(name).metadata.labels["team"] == "a"

        updated, deleted = run_tasks(
            local_cluster.kubeconfig, tmp_path,
            [namespace_task(name, {"team": "b"}, **extra[way]), delete_task(name, **extra[way])],
        )
        assert (updated["changed"], updated["method"]) == (True, "update"), (way, updated)
        assert (deleted["changed"], deleted["method"]) == (True, "delete"), (way, deleted)
        try:
            phase = core.read_namespace(name).status.phase
        except ApiException as exc:
            assert exc.status == 404
        else:
            assert phase == "Terminating"


def test_a_bad_definition_fails_with_the_api_servers_message(local_cluster, tmp_path):
    bad = namespace_task("Not_A_Name", {}, ignore_errors=True)
    for task in (bad, {**bad, "environment": MODULE_PROCESS}):
        (result,) = run_tasks(local_cluster.kubeconfig, tmp_path, [task])
        assert result["failed"] is True
        assert "Not_A_Name" in result["msg"] and "Invalid" in result["msg"], result
