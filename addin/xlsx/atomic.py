"""Atomic output: write to a temporary file beside the target, then rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from addin.contract.errors import OutputError


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike):
    """Yield a temporary path in the target's folder; on success it replaces ``target``.

    A crash or exception leaves ``target`` untouched (no half-written workbook).
    """
    target = Path(target)
    if target.is_dir():
        raise OutputError(f"cannot write {target}: it is a folder; give a file name such as {target / 'out.xlsx'}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent)
        os.close(handle)
    except OSError as exc:
        raise OutputError(f"cannot write to {target.parent}: {exc.strerror or exc}") from None
    temp_path = Path(temp)
    try:
        yield temp_path
        os.replace(temp_path, target)
    except PermissionError:
        raise OutputError(f"cannot replace {target}: is it open in Excel?") from None
    finally:
        if temp_path.exists():
            temp_path.unlink()
