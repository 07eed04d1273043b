"""Checks of an output path before any work: never onto a user's file, never onto an input."""

from __future__ import annotations

import os
from pathlib import Path

from addin.contract.errors import UsageError
from addin.xlsx.guard import safe_workbook


def _is_actuals_workbook(path: Path) -> bool:
    try:
        book = safe_workbook(path, load_tables=True)
        try:
            return any(n.casefold() == "tblactuals" for n in book.table_names)
        finally:
            book.close()
    except Exception:  # noqa: BLE001 - unreadable: certainly not ours
        return False


def check_output(output, inputs=(), force: bool = False, suffixes=(".xlsx",), replaceable=_is_actuals_workbook) -> Path:
    """The output path, or UsageError when it must not be written.

    Refused: a folder, another suffix, a path under a file, one of the inputs, and an
    existing file that ``replaceable`` does not recognise as an earlier output (unless
    ``force``). Re-running onto an earlier output of the same command is safe.
    """
    output = Path(output)
    if output.is_dir():
        raise UsageError("collect_output_kind", path=str(output))
    if output.suffix.lower() not in suffixes:
        raise UsageError("collect_output_kind", path=str(output))
    existing = output.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError("collect_output_kind", path=str(output))
    if output.exists():
        target = output.resolve()
        for raw in inputs:
            if Path(raw).exists() and Path(raw).resolve() == target:
                raise UsageError("collect_output_is_input", path=str(output))
        if not force and not replaceable(output):
            raise UsageError("collect_output_exists", path=str(output))
    return output
