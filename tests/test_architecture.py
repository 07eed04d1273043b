"""The layers of docs/architecture.md hold: checked by import-linter, and by reading every import."""

from __future__ import annotations

import ast
import shutil
import subprocess

import pytest
from support.paths import ROOT, kpi_env

from addin.excel import build, lite

PACKAGES = ("udfs", "addin", "workbook_templates")


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module


def _sources():
    return [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")]


def test_the_layer_contract_holds():
    """`lint-imports` (the contract in pyproject.toml) passes on this checkout."""
    command = shutil.which("lint-imports")
    if command is None:
        pytest.fail("lint-imports is missing: pip install -e '.[test]'")
    result = subprocess.run([command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, env=kpi_env(),
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


PROPRIETARY = ("xlwings.pro", "xlwings.server")


def _imported_names(source: str):
    """Every module an import names, ``from xlwings import pro`` read as xlwings.pro."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def test_no_proprietary_xlwings_parts():
    """Only xlwings' BSD-licensed parts: never xlwings.pro or xlwings.server, in the packages, in the
    Lite main.py the build writes, or in the Python the ribbon's VBA runs."""
    bad = [(str(p.relative_to(ROOT)), name) for p in _sources()
           for name in _imported_names(p.read_text(encoding="utf-8")) if name.startswith(PROPRIETARY)]
    assert bad == []
    assert not [name for name in _imported_names(lite.main_py()) if name.startswith(PROPRIETARY)]
    vba = build.ribbon_module().source
    assert "RunPython" in vba and not any(part in vba for part in PROPRIETARY)
    assert list(_imported_names("from xlwings import pro\nimport xlwings.server")) == \
        ["xlwings", "xlwings.pro", "xlwings.server"]  # the check can fail


def test_the_engine_imports_nothing_of_the_project():
    """udfs is the bottom layer: no import of addin or workbook_templates, even inside a function."""
    bad = [(str(p.relative_to(ROOT)), name) for p in (ROOT / "udfs").glob("*.py") for name in _imports(p)
           if name.split(".")[0] in ("addin", "workbook_templates")]
    assert bad == []


def test_every_package_folder_is_a_package():
    """A folder of modules without __init__.py would be left out of the installed wheel."""
    for package in PACKAGES:
        for folder in (ROOT / package).rglob("*"):
            if folder.is_dir() and folder.name != "__pycache__" and any(folder.glob("*.py")) \
                    and folder.name != "data":  # addin/excel/data holds a script fragment, shipped as package data
                assert (folder / "__init__.py").is_file(), folder
