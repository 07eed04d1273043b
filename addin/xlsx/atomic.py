"""Atomic output: write to a temporary file beside the target, then rename.

The temporary file is created by ``mkstemp`` with mode 0600; before the rename it gets the mode
a plain ``open()`` would have given the output (0666 less the umask: 0644 under umask 022), or
the mode of the file it replaces, so colleagues on a shared folder can open what we write.
"""

from __future__ import annotations

import contextlib
import os
import stat
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
        raise OutputError("output_is_folder", path=str(target))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent)
        os.close(handle)
    except OSError as exc:
        raise OutputError("cannot_write", path=str(target.parent), reason=exc.strerror or str(exc)) from None
    temp_path = Path(temp)
    try:
        yield temp_path
        os.chmod(temp_path, output_mode(target))
        os.replace(temp_path, target)
    except PermissionError:
        raise OutputError("output_in_use", path=str(target)) from None
    finally:
        if temp_path.exists():
            temp_path.unlink()


def current_umask() -> int:
    """The process umask (read by setting and restoring it: there is no read-only call)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def output_mode(target: Path) -> int:
    """The permission bits for ``target``: those of the file it replaces, else 0666 less the umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~current_umask()
