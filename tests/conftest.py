"""Shared fixtures of the test suite."""

from pathlib import Path

import pytest
from support.paths import ROOT


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(autouse=True)
def _no_language_from_the_environment(monkeypatch):
    """Tests state their language: a KPI_LANG of the developer's shell must not change outputs."""
    monkeypatch.delenv("KPI_LANG", raising=False)
