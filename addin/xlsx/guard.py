"""python-calamine for any workbook a command reads (a team workbook, an actuals or rules
workbook, a CRM export), behind the scorecard reader's protections.

:func:`safe_workbook` is the one way to hand a workbook to python-calamine outside
:mod:`addin.xlsx.reader`: a regular file only (never a FIFO), at most 64 MB, zip caps, and
no worksheet whose cells would make calamine build a grid of billions of cells (one stray
cell at ``XFD1048576`` aborts the whole process in Rust). Such a workbook is refused with
:class:`~addin.xlsx.safety.UnsafeFile` naming the sheet and the cell::

    from addin.xlsx.guard import safe_workbook
    book = safe_workbook(path, load_tables=True)   # instead of CalamineWorkbook.from_path(...)
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from python_calamine import CalamineWorkbook

from addin.xlsx.safety import ZIP_MAGICS, UnsafeFile, open_zip, read_file, read_member
from addin.xlsx.sheet_xml import DENSE_LIMIT, near, reach, scan
from addin.xlsx.xml_parts import refuse_doctype, refuse_doctype_parts


def safe_workbook(source: str | os.PathLike | bytes, load_tables: bool = False) -> CalamineWorkbook:
    """A CalamineWorkbook of ``source`` (a path or the file's bytes) once it passed the checks above.

    Raises:
        UnsafeFile: not a regular file, too large, a zip bomb, or a worksheet reaching too far.
    """
    data = source if isinstance(source, bytes) else read_file(Path(source))
    if data[:4] in ZIP_MAGICS:
        check_extents(data)
    return open_calamine(data, load_tables)


def open_calamine(data: bytes, load_tables: bool = False) -> CalamineWorkbook:
    """``CalamineWorkbook.from_filelike`` of bytes already checked, in this process: a Rust panic
    (pyo3's PanicException is a BaseException, which ``except Exception`` misses; calamine 0.37
    panics on a workbook part outside any folder) becomes UnsafeFile ``unexpected``, and what
    the panic prints is kept off the user's terminal. Errors calamine reports (CalamineError)
    are raised as they are."""
    with _native_stderr_silenced():
        try:
            return CalamineWorkbook.from_filelike(io.BytesIO(data), load_tables=load_tables)
        except (KeyboardInterrupt, SystemExit, Exception):
            raise
        except BaseException as exc:  # noqa: BLE001 - pyo3_runtime.PanicException
            raise UnsafeFile("unexpected", error=f"{type(exc).__name__}: {exc}"[:300]) from None


@contextlib.contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """File descriptor 2 points to the null device meanwhile (a native library writes there directly)."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.close(null)
    except OSError:
        pass
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def check_extents(data: bytes) -> None:
    """UnsafeFile ``far_cells`` when a worksheet of the xlsx ``data`` spans more than DENSE_LIMIT cells,
    ``xml_forbidden`` when a part calamine parses declares a document type."""
    opened = open_zip(data)
    refuse_doctype_parts(opened)
    for name in sorted(opened.names):
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")) or "/_rels/" in name:
            continue
        xml = read_member(opened, name)
        refuse_doctype(xml, name)
        if near(xml):
            continue
        extent = scan(xml)
        if not extent.regular:  # cells without references (some exporters): their positions, counted
            extent = reach(xml, name)
        if not extent.fits():
            raise UnsafeFile("far_cells", sheet=name.rsplit("/", 1)[-1], cell=extent.last_cell,
                             cells=f"{extent.cells:,}", limit=f"{DENSE_LIMIT:,}")


__all__ = ["safe_workbook", "check_extents", "open_calamine"]
