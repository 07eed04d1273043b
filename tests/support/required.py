"""What some tests need from outside the repository: a tool, or the shared contracts beside it.

Locally a missing tool or a missing ``../shared`` skips the test with the reason; under
``CI=true`` (``.ci/run`` sets it) it fails, because CI must run every test. LibreOffice goes
through :func:`support.libreoffice.require`, which follows the same rule.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NoReturn

import pytest

from support.paths import SHARED


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def missing(what: str) -> NoReturn:
    """Skip the calling test because ``what`` is missing; fail instead in CI."""
    if in_ci():
        pytest.fail(f"{what} is required in CI but was not found", pytrace=False)
    pytest.skip(f"{what} is not available")


def tool(name: str, package: str = "") -> str:
    """The path of the executable ``name`` (e.g. pdftotext of poppler-utils)."""
    path = shutil.which(name)
    if path is None:
        missing(f"{name}" + (f" ({package})" if package else ""))
    return path


def shared(name: str) -> Path:
    """A file or folder of the shared contracts (``../shared``: SCORING.md, corpus/, ...)."""
    path = SHARED / name
    if not path.exists():
        missing(f"the shared contract {path}")
    return path
