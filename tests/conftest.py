"""Shared fixtures of the test suite."""

from pathlib import Path

import pytest
from support.paths import ROOT


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT
