"""Where things are, and how tests run the `kpi` command in a fresh process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository
SHARED = ROOT.parent / "shared"  # the contracts and the corpus, beside the repository
GOLDEN = ROOT / "tests" / "workbook_templates" / "golden"


def kpi_env(**extra: str) -> dict[str, str]:
    """The environment of a `kpi` subprocess: this checkout's code first, whatever is installed.

    ``KPI_LANG`` is set only when a test passes it (``kpi_env(KPI_LANG="en")``).
    """
    env = dict(os.environ)
    env.pop("KPI_LANG", None)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env.update(extra)
    return env


def run_kpi(*args: str, cwd: str | os.PathLike | None = None, timeout: float = 300,
            env: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess:
    """`kpi ARGS…` as a user runs it (``python -m addin.cli``), in a new process, output captured as text."""
    return subprocess.run([sys.executable, "-m", "addin.cli", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=env or kpi_env(), **kwargs)
