"""Atomic output: write to a temporary file beside the target, then rename.

The temporary file is created by ``mkstemp`` with mode 0600; before the rename it gets the mode
a plain ``open()`` would have given the output (0666 less the umask: 0644 under umask 022), or
the mode of the file it replaces, so colleagues on a shared folder can open what we write.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

from addin.contract.errors import OutputError
from addin.xlsx.safety import Reason, special_kind


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike):
    """Yield a temporary path in the target's folder; on success it replaces ``target``.

    A crash, an exception or a full disk leaves ``target`` untouched (no half-written
    workbook) and removes the temporary file. An operating-system error while writing
    (disk full, file size limit, quota, read-only file system), however the writer wraps
    it, becomes an :class:`OutputError` naming the path and the cause. A target that is a
    folder, a FIFO or a device is refused before anything is written.
    """
    target = Path(target)
    if target.is_dir():
        raise OutputError("output.is_folder", path=str(target), example=str(target / f"out{target.suffix or '.xlsx'}"))
    kind = _special(target)
    if kind:
        raise OutputError("output.not_a_file", path=str(target), kind=Reason(f"kind_{kind}", area="output"))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent)
        os.close(handle)
    except OSError as exc:
        raise OutputError("output.write_failed", path=str(target), error=describe(exc)) from None
    temp_path = Path(temp)
    try:
        try:
            yield temp_path
        except Exception as exc:
            cause = os_error_in(exc)
            if cause is None:
                raise
            raise OutputError("output.write_failed", path=str(target), error=describe(cause)) from None
        try:
            os.chmod(temp_path, output_mode(target))
            os.replace(temp_path, target)
        except PermissionError as exc:
            raise OutputError("output.replace_failed", path=str(target), error=describe(exc)) from None
        except OSError as exc:
            raise OutputError("output.write_failed", path=str(target), error=describe(exc)) from None
    finally:
        with contextlib.suppress(OSError):
            temp_path.unlink(missing_ok=True)


def _special(target: Path) -> str | None:
    try:
        kind = special_kind(os.stat(target).st_mode)
    except OSError:
        return None
    return kind if kind != "folder" else None


def os_error_in(exc: BaseException, depth: int = 6) -> OSError | None:
    """The operating-system error behind ``exc`` (XlsxWriter's FileCreateError wraps one), or None."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < depth:
        if isinstance(current, OSError):
            return current
        wrapped = next((a for a in getattr(current, "args", ()) if isinstance(a, OSError)), None)
        if wrapped is not None:
            return wrapped
        current = current.__cause__ or current.__context__
        seen += 1
    return None


_CAUSES = {errno.ENOSPC: "disk_full", errno.EFBIG: "too_big", errno.EROFS: "read_only"}
if hasattr(errno, "EDQUOT"):
    _CAUSES[errno.EDQUOT] = "quota"


def describe(exc: OSError) -> object:
    """What went wrong, in the user's language where it is a known cause (disk full …)."""
    key = _CAUSES.get(exc.errno or 0)
    if key:
        return Reason(key, area="output")
    return exc.strerror or type(exc).__name__


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
