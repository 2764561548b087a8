"""Run the AWX project skeleton (extensions/awx) the way AWX runs a job: ansible-runner on a private data dir.

AWX copies the project into ``<private_data_dir>/project``, writes the inventory, the extra vars (survey answers,
always strings) and the credentials (each credential type's injectors: files in the private data dir, then
environment variables) and calls ``ansible-runner run``. ``AwxJob`` does the same, with a clean environment
(nothing of the test's own KUBECONFIG or K8S_AUTH_* leaks in: host access only comes from a credential).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import yaml

REPO = Path(__file__).resolve().parents[2]
AWX = REPO / "extensions" / "awx"
COLLECTIONS = REPO / ".cache" / "collections"
VENV_BIN = Path(sys.executable).parent
RUNNER = VENV_BIN / "ansible-runner"
CREDENTIAL_TYPES = {
    "Host cluster kubeconfig": AWX / "credential_types" / "host_cluster_kubeconfig.yml",
    "Rancher API": AWX / "credential_types" / "rancher_api.yml",
}
# Environment variables that must only ever come from a credential.
CREDENTIAL_ENV_PREFIXES = ("K8S_AUTH_", "KUBECONFIG", "RANCHER_", "CONTROLLER_")


def inject(credential_type: str, inputs: dict[str, str], private_data_dir: Path) -> dict[str, str]:
    """Apply a credential type's injectors as AWX does: render file templates into private files, then env."""
    spec = yaml.safe_load(CREDENTIAL_TYPES[credential_type].read_text())
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    context = {f["id"]: inputs.get(f["id"], "") for f in spec["inputs"]["fields"]}
    files = {}
    for key, template in (spec["injectors"].get("file") or {}).items():
        path = private_data_dir / f"tmp{uuid.uuid4().hex[:8]}"
        path.write_text(env.from_string(template).render(context))
        path.chmod(0o600)
        files[key.split(".", 1)[1] if "." in key else None] = str(path)
    tower = {"filename": files[None] if list(files) == [None] else files}
    return {k: env.from_string(v).render({**context, "tower": tower}) for k, v in spec["injectors"]["env"].items()}


@dataclass
class JobResult:
    ident: str
    rc: int
    status: str
    stdout: str
    artifacts_dir: Path
    events: list[dict] = field(repr=False)

    @property
    def stats(self) -> dict:
        for event in self.events:
            if event.get("event") == "playbook_on_stats":
                return event["event_data"]
        return {}

    @property
    def artifact_data(self) -> dict:
        """What set_stats published: AWX shows it as the job's artifacts."""
        return self.stats.get("artifact_data") or {}

    def processed(self) -> set[str]:
        return set(self.stats.get("processed") or {})

    def failed_hosts(self) -> set[str]:
        return set(self.stats.get("failures") or {}) | set(self.stats.get("dark") or {})

    def leaks(self, *secrets: str) -> list[str]:
        """Files of the job's artifacts (events, stdout, status, set_stats) and its output holding a secret.

        Not ``command``: ansible-runner records the job's process environment there (mode 0600), which holds the
        credentials' environment variables by design, as the process does; AWX never shows that file and removes
        the private data dir with the job.
        """
        command = self.artifacts_dir / "command"
        assert command.stat().st_mode & 0o077 == 0, "ansible-runner's command file must stay private"
        files = [p for p in sorted(self.artifacts_dir.rglob("*")) if p.is_file() and p != command]
        found = [str(p) for p in files if any(s in p.read_text(errors="replace") for s in secrets)]
        return found + (["<stdout>"] if any(s in self.stdout for s in secrets) else [])


class AwxJob:
    """One AWX job: ``AwxJob(tmp, "provision.yml", inventory, extra_vars, credentials).run()``."""

    def __init__(
        self,
        base: Path,
        playbook: str,
        inventory: dict,
        extra_vars: dict[str, str] | None = None,
        credentials: dict[str, dict[str, str]] | None = None,
        limit: str | None = None,
        extra_env: dict[str, str] | None = None,
    ):
        self.ident = f"{Path(playbook).stem}-{uuid.uuid4().hex[:6]}"
        self.dir = base / f"job-{self.ident}"
        self.playbook = playbook
        self.limit = limit
        for value in (extra_vars or {}).values():
            assert isinstance(value, str), "AWX survey answers are strings"
        shutil.copytree(AWX, self.dir / "project")
        (self.dir / "inventory").mkdir()
        (self.dir / "inventory" / "hosts.yml").write_text(yaml.safe_dump(inventory, sort_keys=False))
        (self.dir / "env").mkdir()
        (self.dir / "env" / "extravars").write_text(yaml.safe_dump(extra_vars or {}))
        envvars = {
            "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_NOCOLOR": "1",
            **(extra_env or {}),
        }
        for type_name, inputs in (credentials or {}).items():
            envvars.update(inject(type_name, inputs, self.dir))
        (self.dir / "env" / "envvars").write_text(yaml.safe_dump(envvars))
        self.proc: subprocess.Popen | None = None

    @staticmethod
    def environment() -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(CREDENTIAL_ENV_PREFIXES) and not k.startswith("ANSIBLE_")
        }
        env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
        return env

    def start(self) -> AwxJob:
        cmd = [str(RUNNER), "run", str(self.dir), "-p", self.playbook, "--ident", self.ident]
        if self.limit:
            cmd += ["--limit", self.limit]
        self.proc = subprocess.Popen(
            cmd, env=self.environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        return self

    def wait(self, timeout: float = 900) -> JobResult:
        assert self.proc is not None
        output, _err = self.proc.communicate(timeout=timeout)
        artifacts = self.dir / "artifacts" / self.ident
        events = []
        for path in sorted((artifacts / "job_events").glob("*.json"), key=lambda p: int(p.name.split("-", 1)[0])):
            events.append(json.loads(path.read_text()))
        status_file = artifacts / "status"
        stdout_file = artifacts / "stdout"
        return JobResult(
            ident=self.ident,
            rc=int((artifacts / "rc").read_text()) if (artifacts / "rc").exists() else self.proc.returncode,
            status=status_file.read_text().strip() if status_file.exists() else "error",
            stdout=(stdout_file.read_text(errors="replace") if stdout_file.exists() else "") + output,
            artifacts_dir=artifacts,
            events=events,
        )

    def run(self, timeout: float = 900) -> JobResult:
        return self.start().wait(timeout)


def awx_slices(hosts: list[str], count: int) -> list[list[str]]:
    """The hosts of each slice of a sliced AWX job: hosts ordered by name, slice n takes every count-th from n."""
    ordered = sorted(hosts)
    return [ordered[n::count] for n in range(count)]
