"""rancher_cluster / rancher_project through ansible-playbook against the Rancher stand-in with injected faults.

Faults (tests/rancher_standin): 503 bursts, a slow answer that outlives the client's timeout (the request still
takes effect on the server, the classic duplicate-create trap), 409 conflicts, and a token revoked in the middle
of a run. After each: the run converges (or fails with a message that says what to do), Rancher holds exactly
one object of each name, and the token never appears in the output.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from runner import playbook_env

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests.rancher_standin
from playbooks import ANSIBLE_PLAYBOOK, PlaybookRun
from tests.rancher_standin import RancherStandin


@pytest.fixture
def standin():
    with RancherStandin(profile="2.12") as server:
        yield server


def playbook(tmp_path: Path, tasks: list[dict]) -> Path:
    path = tmp_path / "rancher.yml"
    path.write_text(yaml.safe_dump([{"name": "Rancher", "hosts": "localhost", "gather_facts": False,
                                     "tasks": tasks}], sort_keys=False))
    return path


def run(path: Path, standin, token=None, timeout=3) -> PlaybookRun:
    import subprocess

    env = playbook_env({"RANCHER_URL": standin.url, "RANCHER_TOKEN": token or standin.token})
    cmd = [str(ANSIBLE_PLAYBOOK), "-i", "localhost,", "-c", "local",
           "-e", f"ansible_python_interpreter={sys.executable}", "-e", f"rancher_timeout={timeout}", str(path)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)
    return PlaybookRun(proc.returncode, proc.stdout + proc.stderr)


def cluster_task(name, **extra):
    return {"name": f"cluster {name}", "tenancy.vcluster.rancher_cluster": {
        "name": name, "rancher_timeout": "{{ rancher_timeout | int }}", **extra}}


def project_task(cluster_id, name):
    return {"name": f"project {name}", "tenancy.vcluster.rancher_project": {
        "cluster_id": cluster_id, "name": name, "rancher_timeout": "{{ rancher_timeout | int }}"}}


def named(standin, kind: str, name: str) -> list:
    with standin.lock:
        return [o for o in getattr(standin.state, kind).values() if o["name"] == name]


def test_503_burst_then_converges(standin, tmp_path):
    standin.add_fault(status=503, method="POST", path=r"^/v3/clusters?$", count=3)
    standin.add_fault(status=503, format="html", method="GET", path=r"^/v3/clusters?$", count=2)
    pb = playbook(tmp_path, [cluster_task("vc-503")])
    result = run(pb, standin)
    assert result.rc == 0, result.output
    assert len(named(standin, "clusters", "vc-503")) == 1
    again = run(pb, standin)
    assert again.rc == 0 and again.recap()["localhost"]["changed"] == 0, again.output


def test_create_answered_after_the_client_timed_out_makes_no_duplicate(standin, tmp_path):
    # the server creates the cluster, but only answers after the client gave up: the retry must find it
    standin.add_fault(delay=4, method="POST", path=r"^/v3/clusters?$", count=1)
    result = run(playbook(tmp_path, [cluster_task("vc-slow")]), standin, timeout=2)
    assert result.rc == 0, result.output
    assert len(named(standin, "clusters", "vc-slow")) == 1


def test_slow_reads_are_retried(standin, tmp_path):
    standin.add_fault(delay=3, method="GET", path=r"^/v3/clusters", count=2)
    result = run(playbook(tmp_path, [cluster_task("vc-slowread")]), standin, timeout=1)
    assert result.rc == 0, result.output
    assert len(named(standin, "clusters", "vc-slowread")) == 1


def test_409_conflicts_on_create_and_update(standin, tmp_path):
    assert run(playbook(tmp_path, [cluster_task("vc-409")]), standin).rc == 0
    cid = named(standin, "clusters", "vc-409")[0]["id"]
    standin.make_active(cid)
    standin.add_fault(status=409, method="PUT", path=rf"^/v3/clusters/{cid}$", count=2)
    standin.add_fault(status=409, method="POST", path=r"^/v3/projects?$", count=2)
    pb = playbook(tmp_path, [cluster_task("vc-409", labels={"team": "a"}), project_task(cid, "tenants")])
    result = run(pb, standin)
    assert result.rc == 0, result.output
    assert named(standin, "clusters", "vc-409")[0]["labels"]["team"] == "a"
    assert len(named(standin, "projects", "tenants")) == 1
    again = run(pb, standin)
    assert again.rc == 0 and again.recap()["localhost"]["changed"] == 0, again.output


def test_token_revoked_mid_run_fails_clearly_then_a_new_token_converges(standin, tmp_path):
    # the first task works; the token is revoked by the second task's first request
    standin.add_fault(revoke_token=True, method="GET", path=r"^/v3/clusters$", skip=2, count=1)
    pb = playbook(tmp_path, [cluster_task("vc-rev-a"), cluster_task("vc-rev-b")])
    result = run(pb, standin)
    assert result.rc != 0
    assert "401" in result.output or "token" in result.output.lower()
    assert standin.token.split(":")[1] not in result.output
    assert len(named(standin, "clusters", "vc-rev-a")) == 1
    fresh = standin.new_token()
    rerun = run(pb, standin, token=fresh)
    assert rerun.rc == 0, rerun.output
    assert fresh.split(":")[1] not in rerun.output
    assert [len(named(standin, "clusters", n)) for n in ("vc-rev-a", "vc-rev-b")] == [1, 1]
