"""Reading CRM export files: workbooks through python-calamine, CSV through polars.

An export is located by content, not by its name: its header row is the first of the
first 30 rows that holds every column the rules use; trailing rows that fill at most one
cell (``Grand Totals (N records)``, ``Confidential Information``, copyright lines, blank
rows) are footer rows. A header that appears twice is addressed as ``名称#2``. A file
that cannot be read safely raises :class:`ExportUnreadable` with the user-facing reason;
the caller turns it into FILE_UNREADABLE for that file and goes on.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
from xlsxwriter.utility import xl_col_to_name

from addin.collect.columns import Columns
from addin.collect.folding import fold_values
from addin.collect.values import object_array
from addin.contract.messages import Listed
from addin.xlsx.guard import safe_workbook
from addin.xlsx.safety import (
    MAX_FILE_BYTES,
    OLE_MAGIC,
    ZIP_MAGICS,
    Reason,
    UnsafeFile,
    container_kind,
    open_zip,
    os_reason,
    read_member,
)
from addin.xlsx.values import value_text

HEADER_SEARCH_ROWS = 30
MAX_CSV_BYTES = 512 * 1024 * 1024  # a CSV is plain text: larger than a workbook may be, still bounded
MAX_EXPORT_ROWS = 2_000_000  # more than one Excel sheet can hold; far beyond a quarter of deals
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
_ENCRYPTED = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))


class ExportUnreadable(Exception):
    """An export that cannot be read: ``ExportUnreadable("export_no_sheets")`` (area ``collect``), or
    ``ExportUnreadable.because(reason)`` with a file :class:`Reason` (area ``files``). ``reason(lang)``
    is the text for the user; ``str()`` the English (logs, tests)."""

    def __init__(self, key: str, /, **values: object) -> None:
        super().__init__(key)
        self.why = Reason(key, dict(values), "collect")

    @classmethod
    def because(cls, why: Reason) -> ExportUnreadable:
        error = cls(why.key)
        error.why = why
        return error

    def reason(self, lang: str) -> str:
        return self.why.render(lang)

    def __str__(self) -> str:
        return self.why.render("en")


@dataclass
class Export:
    """One export file as read: the rule columns of its data rows and where each row is in the file."""

    file: str                       # as shown: relative to the data folder
    path: Path
    sha256: str
    sheet: str = ""
    header_row: int = 0             # 1-based row of the header (0: none found)
    columns: list[str] = field(default_factory=list)  # every header, repeated ones as 名称#2
    letters: dict[str, str] = field(default_factory=dict)  # header -> its column letter (workbooks)
    data: Columns = field(default_factory=lambda: Columns({}, 0))  # one column per rule column, rows = data rows
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # 1-based file row per data row
    footer_rows: int = 0
    missing: list[str] = field(default_factory=list)  # rule columns the header row lacks


def header_key(text) -> str:
    """A header as matched against rule columns: folded, a leading ``*`` (required mark) dropped."""
    return fold_values([text])[0].lstrip("*").strip()


def _header_names(cells: list) -> tuple[list[str], list[str]]:
    """(shown names, match keys) of a header row; the second ``名称`` becomes ``名称#2``."""
    seen: dict[str, int] = {}
    shown, keys = [], []
    for cell in cells:
        text = value_text(cell)
        key = header_key(text)
        if not key:
            shown.append("")
            keys.append("")
            continue
        seen[key] = seen.get(key, 0) + 1
        count = seen[key]
        shown.append(text if count == 1 else f"{text}#{count}")
        keys.append(key if count == 1 else f"{key}#{count}")
    return shown, keys


def _find_header(head: list[list], wanted: list[str]) -> tuple[int, list[str], list[str], list[str]]:
    """(0-based header row, shown names, keys, missing rule columns) among the first rows.

    The header is the first row holding every wanted column; without one, the row holding
    the most of them (the first non-empty row when none) is reported with what it lacks.
    """
    want = {header_key(c): c for c in wanted}
    best = (-1, -1, [], [])
    for index, cells in enumerate(head[:HEADER_SEARCH_ROWS]):
        shown, keys = _header_names(cells)
        if not any(keys):
            continue
        hits = sum(1 for k in want if k in keys)
        if hits == len(want):
            return index, shown, keys, []
        if hits > best[1]:
            best = (index, hits, shown, keys)
    index, _, shown, keys = best
    missing = [c for k, c in want.items() if k not in keys]
    return index, shown, keys, missing


def read_export(path: Path, shown_name: str, wanted: list[str], sheet: str | None = None) -> Export:
    """Read one export: its header, the ``wanted`` columns of its data rows, its footer.

    Raises:
        ExportUnreadable: missing, empty, encrypted, corrupt, oversized or of an unknown kind.
    """
    data = _read_bytes(path)
    with ThreadPoolExecutor(max_workers=1) as pool:  # hashlib lets go of the GIL: hash while parsing
        digest = pool.submit(lambda: hashlib.sha256(data).hexdigest())
        export = Export(shown_name, path, "")
        if data[:8] == OLE_MAGIC or data[:4] in ZIP_MAGICS or path.suffix.lower() in WORKBOOK_SUFFIXES:
            grid, merges, export.sheet = _workbook_grid(data, path, sheet)
            _locate_grid(export, grid, wanted, merges)
        else:
            _locate_csv(export, data, wanted)
        export.sha256 = digest.result()
    return export


def _header_blocks(grid: list[list], merges: list) -> tuple[list[list], list[int]]:
    """The first rows read as header rows, and the 0-based last row of each one's header block.

    A two-level header (CordysCRM's sub-tables) merges the cells of the record's fields down over
    the row of the sub-table's column names: such a row and the rows its merged cells cover read
    as one header row, each column named by its lowest non-blank cell (``产品明细`` over
    ``产品名称|数量`` gives ``产品名称``, ``数量``), and the data start below the block.
    """
    head = [list(row) for row in grid[:HEADER_SEARCH_ROWS]]
    ends = list(range(len(head)))
    for (top, _), (bottom, _) in merges:
        if top < len(head) and bottom > top:
            ends[top] = max(ends[top], min(bottom, len(grid) - 1, top + 4))
    for top, end in enumerate(ends):
        for below in grid[top + 1:end + 1]:
            row = head[top]
            row.extend([""] * (len(below) - len(row)))
            for c, cell in enumerate(below):
                if cell is not None and str(cell).strip():
                    row[c] = cell
    return head, ends


def _take_header(export: Export, head: list[list], wanted: list[str]) -> tuple[int, list[str]]:
    """(0-based header row, match key per column) of the first rows; sets the export's header row,
    columns and the wanted columns it lacks (all of them when no header row is found)."""
    index, shown, keys, missing = _find_header(head, wanted)
    export.header_row = index + 1 if index >= 0 else 0
    export.columns = [s for s in shown if s]
    export.letters = {s: xl_col_to_name(i) for i, s in enumerate(shown) if s}
    export.missing = missing if index >= 0 else list(wanted)
    return index, keys


def _locate_grid(export: Export, grid: list[list], wanted: list[str], merges: list = ()) -> None:
    """Header, data rows and footer of a workbook sheet (cells as calamine gives them)."""
    head, ends = _header_blocks(grid, list(merges)) if merges else (grid[:HEADER_SEARCH_ROWS], None)
    index, keys = _take_header(export, head, wanted)
    if export.missing:
        return
    start = ends[index] + 1 if ends else index + 1  # 0-based first row under the header (block)
    body = grid[start:]
    width = max((len(row) for row in body), default=0)
    table = np.empty((len(body), width), dtype=object)  # a missing cell of a short row stays None
    if all(len(row) == width for row in body):
        table[:] = body  # calamine's grid is rectangular: one C loop
    else:
        for r, row in enumerate(body):
            table[r, :len(row)] = row
    filled = ((table != "") & np.not_equal(table, None) & (table == table)).sum(axis=1)  # x == x: not NaN
    data_rows = np.flatnonzero(filled >= 2)
    last = int(data_rows[-1]) + 1 if len(data_rows) else 0
    export.footer_rows = len(body) - last
    positions = {k: i for i, k in enumerate(keys) if k}
    columns = {}
    for name in wanted:
        position = positions[header_key(name)]
        columns[name] = table[:last, position].copy() if position < width else object_array([""] * last)
    export.data = Columns(columns, last)
    export.rows = np.arange(start + 1, start + 1 + last, dtype=np.int64)


def _malformed(text: str, sep: str) -> ExportUnreadable:
    """Why a CSV cannot be parsed, in the user's words: the line whose quote is never closed
    (what Excel users meet most), else rows that disagree on separators or quotes."""
    line = unclosed_quote_line(text, sep)
    if line is not None:
        return ExportUnreadable("export_unclosed_quote", line=line)
    return ExportUnreadable("export_malformed_csv")


def unclosed_quote_line(text: str, sep: str = ",") -> int | None:
    """The 1-based line where a quoted field opens that is never closed properly, else None.

    A quote opens a field at the start of a field; inside, a doubled quote is a quote and a
    quote followed by the separator or a line end closes it. Any other quote inside, or the
    end of the text, means the field that opened was never closed: its line is the one a
    person has to correct (the parser only notices lines later). Quotes are visited, not
    characters, so a large export is scanned quickly.
    """
    inside, opened, line, last, skip = False, 0, 1, 0, -1
    for match in re.finditer('"', text):
        pos = match.start()
        if pos == skip:
            continue
        line += text.count("\n", last, pos)
        last = pos
        if not inside:
            inside = pos == 0 or text[pos - 1] in (sep, "\n", "\r")  # elsewhere a quote is just a character
            opened = line
            continue
        after = text[pos + 1:pos + 2]
        if after == '"':
            skip = pos + 1
        elif after in (sep, "\n", "\r", ""):
            inside = False
        else:
            return opened
    return opened if inside else None


def _locate_csv(export: Export, data: bytes, wanted: list[str]) -> None:
    """Header, data rows and footer of a CSV; the body is parsed by polars, every cell as text."""
    head_text, encoding = decode_text(data[:500_000], partial=len(data) > 500_000)
    if "\x00" in head_text[:10000]:
        raise ExportUnreadable("export_binary_csv")
    sep = _delimiter(head_text.splitlines())
    try:
        head = list(_head_records(head_text, sep))
    except csv.Error:
        raise _malformed(head_text, sep) from None
    index, keys = _take_header(export, head, wanted)
    if export.missing:
        return
    width = len(keys)
    names = [f"c{i}" for i in range(width)]
    frame = None
    if encoding in ("utf-8", "utf-8-sig"):  # polars checks the UTF-8 of the rest itself
        try:
            frame = _polars_csv(data, index, sep, names)  # a BOM sits on the header line, which is skipped
        except Exception:  # noqa: BLE001 - not UTF-8 after all (a GBK file with an ASCII head), or malformed
            frame = None
    if frame is None:
        text, encoding = decode_text(data)
        try:
            frame = _polars_csv(text.encode("utf-8"), index, sep, names)
        except Exception:  # noqa: BLE001 - polars raises its own kinds on malformed text (English, internal)
            raise _malformed(text, sep) from None
    if len(frame) > MAX_EXPORT_ROWS:
        raise ExportUnreadable("export_too_many_rows", rows=len(frame), limit=MAX_EXPORT_ROWS)
    last = _last_data_row(frame, names)
    export.footer_rows = len(frame) - last
    positions = {k: i for i, k in enumerate(keys) if k}
    columns = {name: frame[names[positions[header_key(name)]]].head(last).alias(name) for name in wanted}
    export.data = Columns(columns, last)
    export.rows = np.arange(index + 2, index + 2 + last, dtype=np.int64)


def _polars_csv(utf8: bytes, header_index: int, sep: str, names: list[str]) -> pl.DataFrame:
    return pl.read_csv(utf8, has_header=False, skip_rows=header_index + 1, separator=sep,
                       schema={n: pl.String for n in names}, truncate_ragged_lines=True, raise_if_empty=False,
                       quote_char='"')


def _last_data_row(frame: pl.DataFrame, names: list[str], window: int = 256) -> int:
    """Number of rows up to the last one filling at least two cells (the rest are footer rows).

    Footers are a few lines, so the last ``window`` rows are looked at first, the whole frame only
    when they are all footer-like.
    """
    def filled(part: pl.DataFrame) -> np.ndarray:
        if not names or part.is_empty():
            return np.zeros(len(part), dtype=np.int64)
        return part.select(pl.sum_horizontal(
            [(pl.col(n).str.strip_chars().str.len_chars() > 0).fill_null(False).cast(pl.Int32) for n in names]
        ).alias("filled"))["filled"].to_numpy()
    start = max(len(frame) - window, 0)
    rows = np.flatnonzero(filled(frame.slice(start)) >= 2)
    if len(rows):
        return start + int(rows[-1]) + 1
    rows = np.flatnonzero(filled(frame.slice(0, start)) >= 2)
    return int(rows[-1]) + 1 if len(rows) else 0


def _head_records(text: str, sep: str):
    """The first rows of a CSV as lists of cells (the header is among them)."""
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    for number, record in enumerate(reader):
        if number >= HEADER_SEARCH_ROWS:
            return
        yield record


# ------------------------------------------------------------------------------------ raw reading

def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        limit = MAX_FILE_BYTES if path.suffix.lower() in WORKBOOK_SUFFIXES else MAX_CSV_BYTES
        if size > limit:
            raise ExportUnreadable.because(Reason("too_large", {"size_mb": size // (1024 * 1024),
                                                                "limit_mb": limit // (1024 * 1024)}))
        data = path.read_bytes()
    except OSError as exc:  # permission, a folder, gone, a loop of links: the one wording of addin.xlsx.safety
        raise ExportUnreadable.because(os_reason(exc)) from None
    if not data:
        raise ExportUnreadable.because(Reason("empty"))
    return data


def _check_container(data: bytes, path: Path) -> None:
    """ExportUnreadable for an encrypted, oversized, hostile or non-workbook container."""
    if data[:8] == OLE_MAGIC:
        if any(marker in data for marker in _ENCRYPTED):
            raise ExportUnreadable("export_encrypted")
        return
    if data[:4] not in ZIP_MAGICS:
        raise ExportUnreadable("export_not_excel", suffix=path.suffix)
    try:
        opened = open_zip(data)
        reason = container_kind(opened)
        if reason:
            raise UnsafeFile(reason.key, **reason.values)
        for name in sorted(opened.names):
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                read_member(opened, name)  # capped: a hostile sheet never reaches calamine uncapped
    except UnsafeFile as exc:
        raise ExportUnreadable.because(exc.reason) from None
    except zipfile.BadZipFile as exc:
        raise ExportUnreadable.because(Reason("corrupt_zip", {"error": str(exc)[:200]})) from None


def _choose_sheet(names: list[str], sheet: str | None) -> str:
    if sheet is None:
        if not names:
            raise ExportUnreadable("export_no_sheets")
        return names[0]
    chosen = next((n for n in names if n == sheet), None) or next(
        (n for n in names if header_key(n) == header_key(sheet)), None)
    if chosen is None:
        raise ExportUnreadable("export_no_sheet", sheet=sheet, sheets=Listed(names))
    return chosen


def _workbook_grid(data: bytes, path: Path, sheet: str | None) -> tuple[list[list], list, str]:
    """Every row of one sheet (values as calamine gives them), its merged ranges (0-based
    ``((top, left), (bottom, right))``) and its name, after the safety checks."""
    _check_container(data, path)
    try:
        book = safe_workbook(data)
    except UnsafeFile as exc:  # a far-away cell, a DTD: the reason itself
        raise ExportUnreadable.because(exc.reason) from None
    except Exception as exc:  # noqa: BLE001 - calamine raises several kinds on damaged files
        raise ExportUnreadable("export_unsupported", error=f"{type(exc).__name__}: {exc}") from None
    try:
        chosen = _choose_sheet(book.sheet_names, sheet)
        found = book.get_sheet_by_name(chosen)
        if found.total_height > MAX_EXPORT_ROWS:
            raise ExportUnreadable("export_sheet_too_long", sheet=chosen, rows=found.total_height,
                                   limit=MAX_EXPORT_ROWS)
        grid = found.to_python(skip_empty_area=False)
        merges = found.merged_cell_ranges or []  # None where the format keeps none (csv-like sheets)
    except ExportUnreadable:
        raise
    except Exception as exc:  # noqa: BLE001
        raise ExportUnreadable("export_corrupt", error=f"{type(exc).__name__}: {exc}") from None
    finally:
        book.close()
    return grid, merges, chosen


def _decode(data: bytes, encoding: str, partial: bool) -> str:
    """``data`` decoded; with ``partial`` a character cut at the end of a head sample is left out."""
    if not partial:
        return data.decode(encoding)
    return codecs.getincrementaldecoder(encoding)().decode(data, final=False)


def decode_text(data: bytes, partial: bool = False) -> tuple[str, str]:
    """(text, encoding) of a CSV: UTF-8 with or without BOM, UTF-16 (with BOM, or detected by its zero
    bytes), else GB18030 (the superset of GBK, Excel's plain "CSV" on Chinese Windows).

    With ``partial``, ``data`` is the head of a larger file (only its complete characters count).
    """
    if data[:3] == codecs.BOM_UTF8:
        return _decode(data[3:], "utf-8", partial), "utf-8-sig"
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return _decode(data, "utf-16", partial), "utf-16"
    sample = data[:4000]
    if len(sample) >= 4 and sample.count(b"\x00") > len(sample) // 4:
        odd_zeros = sample[1::2].count(b"\x00")
        return _decode(data, "utf-16-le" if odd_zeros > sample[0::2].count(b"\x00") else "utf-16-be",
                       partial), "utf-16"
    try:
        return _decode(data, "utf-8", partial), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return _decode(data, "gb18030", partial), "gb18030"
    except UnicodeDecodeError:
        raise ExportUnreadable("export_encoding") from None


def _delimiter(lines: list[str]) -> str:
    """Tab when the first lines hold more tabs than commas (Excel's "Unicode text"), else comma."""
    sample = "\n".join(lines[:HEADER_SEARCH_ROWS])
    return "\t" if sample.count("\t") > sample.count(",") else ","
