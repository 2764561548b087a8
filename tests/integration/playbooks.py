"""Run the collection's playbooks the way an operator does (ansible-playbook on an inventory) and read the recap."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
COLLECTIONS = REPO / ".cache" / "collections"
ANSIBLE_PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"
RECAP = re.compile(
    r"^(?P<host>\S+)\s+:\s+ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)\s+"
    r"failed=(?P<failed>\d+)",
    re.M,
)
# Requests that the audit log lists as "create" but that persist nothing.
REVIEW_RESOURCES = {"selfsubjectaccessreviews", "selfsubjectrulesreviews", "tokenreviews", "subjectaccessreviews"}


@dataclass
class PlaybookRun:
    rc: int
    output: str

    def recap(self) -> dict[str, dict[str, int]]:
        fields = ("ok", "changed", "unreachable", "failed")
        return {m["host"]: {k: int(m[k]) for k in fields} for m in RECAP.finditer(self.output)}

    def changed(self, host: str) -> int:
        return self.recap()[host]["changed"]

    def failed(self, host: str) -> int:
        return self.recap()[host]["failed"]


def write_inventory(path: Path, tenants: dict[str, dict], group_vars: dict) -> Path:
    inventory = {"vclusters": {"hosts": tenants, "vars": {"ansible_connection": "local", **group_vars}}}
    path.write_text(yaml.safe_dump(inventory, sort_keys=False))
    return path


def local_group_vars(cluster, chart_repo: str, work: Path) -> dict:
    """Group vars for tenants on the local control plane (same shape as inventories/local/)."""
    return {
        "ansible_python_interpreter": sys.executable,
        "vcluster_host_kubeconfig": cluster.kubeconfig,
        "vcluster_chart_repo_url": chart_repo,
        "vcluster_work_dir": str(work / "work"),
        "vcluster_kubeconfig_server": "from_secret",
        "vcluster_kubeconfig_dest": str(work / "kubeconfigs")
        + "/{{ vcluster_namespace }}-{{ vcluster_name | default(inventory_hostname) }}.kubeconfig",
        "vcluster_wait_timeout": "3m",
    }


def run_playbook(name: str, inventory: Path, *args: str, env: dict | None = None, timeout: float = 900) -> PlaybookRun:
    run_env = {
        **os.environ,
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_HOST_KEY_CHECKING": "False",
        "ANSIBLE_RETRY_FILES_ENABLED": "False",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        **(env or {}),
    }
    playbook = name if os.path.isabs(str(name)) else REPO / "playbooks" / name
    cmd = [str(ANSIBLE_PLAYBOOK), "-i", str(inventory), str(playbook), *args]
    proc = subprocess.run(cmd, env=run_env, capture_output=True, text=True, timeout=timeout, check=False)
    return PlaybookRun(proc.returncode, proc.stdout + proc.stderr)


def writes(events) -> list:
    """Audit events that changed state: not dry runs, not access reviews."""
    return [e for e in events if not e.dry_run and e.resource not in REVIEW_RESOURCES]
