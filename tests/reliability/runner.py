"""Run provision.yml for the reliability suite: inventories with the suite's own identity, runs that can be killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

from playbooks import ANSIBLE_PLAYBOOK, COLLECTIONS, REPO, PlaybookRun

CHART_VERSION = "0.36.1"


def group_vars(identity: str, chart_repo: str, work: Path) -> dict:
    return {
        "ansible_connection": "local",
        "ansible_python_interpreter": sys.executable,
        "vcluster_host_kubeconfig": identity,
        "vcluster_chart_repo_url": chart_repo,
        "vcluster_work_dir": str(work / "work"),
        "vcluster_kubeconfig_server": "from_secret",
        "vcluster_kubeconfig_dest": str(work / "kubeconfigs")
        + "/{{ vcluster_namespace }}-{{ vcluster_name | default(inventory_hostname) }}.kubeconfig",
        "vcluster_wait_timeout": "3m",
    }


def write_inventory(path: Path, tenants: dict[str, dict], gvars: dict) -> Path:
    path.write_text(yaml.safe_dump({"vclusters": {"hosts": tenants, "vars": gvars}}, sort_keys=False))
    return path


def playbook_env(extra: dict | None = None) -> dict:
    return {
        **os.environ,
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_RETRY_FILES_ENABLED": "False",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        **(extra or {}),
    }


def command(inventory: Path, *args: str, playbook: str = "provision.yml") -> list[str]:
    return [str(ANSIBLE_PLAYBOOK), "-i", str(inventory), str(REPO / "playbooks" / playbook), *args]


def run(inventory: Path, *args: str, env: dict | None = None, timeout: float = 900,
        playbook: str = "provision.yml") -> PlaybookRun:
    proc = subprocess.run(command(inventory, *args, playbook=playbook), env=playbook_env(env), capture_output=True,
                          text=True, timeout=timeout, check=False)
    return PlaybookRun(proc.returncode, proc.stdout + proc.stderr)


def kill_run(proc: subprocess.Popen, inventory: Path) -> None:
    """SIGKILL the run's process group, then its workers: Ansible's workers start sessions of their own (setsid), so
    the group kill leaves them behind, asleep on the dead parent's queue."""
    os.killpg(proc.pid, signal.SIGKILL)
    needle = str(inventory).encode()
    for pid in (int(p) for p in os.listdir("/proc") if p.isdigit()):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                if needle in fh.read() and pid != os.getpid():
                    os.kill(pid, signal.SIGKILL)
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue


def run_and_kill(inventory: Path, after: float | None = None, until=None, timeout: float = 600) -> dict:
    """Start provision.yml in a session of its own and SIGKILL the whole process group (ansible-playbook, its
    workers and the helm/python children: what a cancelled AWX job or a lost controller does) ``after`` seconds,
    or as soon as ``until()`` is true. Returns what happened (``killed_at`` is None when it finished first)."""
    proc = subprocess.Popen(command(inventory), env=playbook_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    t0 = time.monotonic()
    killed_at = None
    while proc.poll() is None:
        elapsed = time.monotonic() - t0
        if (after is not None and elapsed >= after) or (until is not None and until()):
            kill_run(proc, inventory)
            killed_at = round(elapsed, 2)
            break
        if elapsed > timeout:
            kill_run(proc, inventory)
            raise TimeoutError("provision.yml did not finish")
        time.sleep(0.05)
    proc.wait(timeout=30)
    return {"killed_at": killed_at, "rc": proc.returncode, "elapsed": round(time.monotonic() - t0, 2)}
