"""The real vcluster chart, served as a Helm repository on loopback, for the bench.

`serve_real_chart()` is the one place the bench gets its chart from: a copy of the published archive of
``<shared>/vcluster-charts`` (checked against its SHA256SUMS) in a temporary directory, indexed with
``helm repo index`` and served by ``tests/fixtures/build_charts.serve_repo``. When the shared test fixture serves
the real charts, this function becomes a call to it.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "fixtures"))
import build_charts

CHART_VERSION = "0.36.1"


def shared_charts_dir() -> Path:
    return Path(build_charts.shared_dir()) / "vcluster-charts"


def _check_sha256(archive: Path) -> None:
    sums = (archive.parent / "SHA256SUMS").read_text().split("\n")
    wanted = {line.split()[1]: line.split()[0] for line in sums if len(line.split()) == 2}
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if wanted.get(archive.name) != digest:
        raise RuntimeError(f"{archive}: sha256 {digest} is not the one SHA256SUMS lists ({wanted.get(archive.name)})")


def serve_real_chart(repo_dir: Path, helm: str, version: str = CHART_VERSION):
    """Copy the real ``vcluster-<version>.tgz`` into ``repo_dir``, index it and serve it -> ``(url, stop)``."""
    archive = shared_charts_dir() / f"vcluster-{version}.tgz"
    if not archive.is_file():
        raise RuntimeError(f"the real chart {archive} is missing (the shared directory holds the published charts)")
    _check_sha256(archive)
    repo_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(archive, repo_dir / archive.name)
    subprocess.run([helm, "repo", "index", str(repo_dir)], check=True, capture_output=True, text=True)
    return build_charts.serve_repo(str(repo_dir))
