"""The real vcluster chart for the bench: the published archives of ``<shared>/vcluster-charts``, checked against
their SHA256SUMS, indexed and served on loopback by the shared test fixture ``tests/fixtures/chart_repo.py``."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "fixtures"))
import chart_repo

CHART_VERSION = "0.36.1"


def serve_real_chart(repo_dir: Path, helm: str):
    """Index the real chart archives in ``repo_dir`` and serve them -> ``(url, stop)``."""
    chart_repo.build_repo(str(repo_dir), helm)
    return chart_repo.serve_repo(str(repo_dir))
