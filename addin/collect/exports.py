"""Reading CRM export files: workbooks through python-calamine, CSV through pandas.

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
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from python_calamine import CalamineWorkbook

from addin.collect.values import fold_values
from addin.xlsx.safety import (
    MAX_FILE_BYTES,
    OLE_MAGIC,
    ZIP_MAGICS,
    UnsafeFile,
    container_kind,
    open_zip,
    read_member,
)

HEADER_SEARCH_ROWS = 30
MAX_CSV_BYTES = 512 * 1024 * 1024  # a CSV is plain text: larger than a workbook may be, still bounded
MAX_EXPORT_ROWS = 2_000_000  # more than one Excel sheet can hold; far beyond a quarter of deals
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
_ENCRYPTED = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))


class ExportUnreadable(Exception):
    """An export that cannot be read; ``reason`` is for the user (English and Chinese)."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en, self.zh = en, zh

    def reason(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass
class Export:
    """One export file as read: the rule columns of its data rows and where each row is in the file."""

    file: str                       # as shown: relative to the data folder
    path: Path
    sha256: str
    sheet: str = ""
    header_row: int = 0             # 1-based row of the header (0: none found)
    columns: list[str] = field(default_factory=list)  # every header, repeated ones as 名称#2
    data: pd.DataFrame = field(default_factory=pd.DataFrame)  # one column per rule column, rows = data rows
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
        text = "" if cell is None else str(cell).strip()
        if isinstance(cell, float) and cell.is_integer():
            text = str(int(cell))
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
    export = Export(shown_name, path, hashlib.sha256(data).hexdigest())
    if data[:8] == OLE_MAGIC or data[:4] in ZIP_MAGICS or path.suffix.lower() in WORKBOOK_SUFFIXES:
        grid, export.sheet = _workbook_grid(data, path, sheet)
        frame = pd.DataFrame(grid, dtype=object) if grid else pd.DataFrame()
        first_row = 1
    else:
        frame, first_row = _csv_frame(data, path)
    _locate(export, frame, first_row, wanted)
    return export


def _locate(export: Export, frame: pd.DataFrame, first_row: int, wanted: list[str]) -> None:
    """Fill ``export`` from a grid whose first row is file row ``first_row``."""
    if frame.empty:
        export.missing = list(wanted)
        return
    head = frame.head(HEADER_SEARCH_ROWS).to_numpy(dtype=object).tolist()
    index, shown, keys, missing = _find_header(head, wanted)
    export.header_row = first_row + index if index >= 0 else 0
    export.columns = [s for s in shown if s]
    export.missing = missing
    if missing or index < 0:
        return
    body = frame.iloc[index + 1:]
    filled = _filled_cells(body)
    data_rows = np.flatnonzero(filled >= 2)
    last = data_rows[-1] + 1 if len(data_rows) else 0
    export.footer_rows = len(body) - last
    body = body.iloc[:last]
    positions = {k: i for i, k in enumerate(keys) if k}
    columns = {}
    for name in wanted:
        position = positions[header_key(name)]
        columns[name] = body.iloc[:, position].reset_index(drop=True) if position < body.shape[1] else \
            pd.Series([""] * last, dtype=object)
    export.data = pd.DataFrame(columns)
    export.rows = np.arange(first_row + index + 1, first_row + index + 1 + last, dtype=np.int64)


def _filled_cells(body: pd.DataFrame) -> np.ndarray:
    """Number of non-blank cells per row, column by column (no Python call per row)."""
    counts = np.zeros(len(body), dtype=np.int64)
    for position in range(body.shape[1]):
        column = body.iloc[:, position]
        if pd.api.types.is_string_dtype(column.dtype) and not pd.api.types.is_object_dtype(column.dtype):
            counts += (column.str.strip().str.len().fillna(0) > 0).to_numpy(dtype=bool)
        else:
            codes, uniques = pd.factorize(column, use_na_sentinel=True)
            filled = np.array([u is not None and str(u).strip() != "" for u in uniques] + [False], dtype=bool)
            counts += filled[codes]
    return counts


# ------------------------------------------------------------------------------------ raw reading

def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        limit = MAX_FILE_BYTES if path.suffix.lower() in WORKBOOK_SUFFIXES else MAX_CSV_BYTES
        if size > limit:
            raise ExportUnreadable(f"the file is {size // (1024 * 1024)} MB (limit {limit // (1024 * 1024)} MB)",
                                   f"文件大小 {size // (1024 * 1024)} MB，超过上限 {limit // (1024 * 1024)} MB")
        data = path.read_bytes()
    except PermissionError:
        raise ExportUnreadable("permission denied (is it open and locked by another program?)",
                               "没有读取权限（是否被其他程序打开并锁定？）") from None
    except IsADirectoryError:
        raise ExportUnreadable("is a folder", "这是一个文件夹") from None
    except OSError as exc:
        raise ExportUnreadable(f"cannot open the file ({exc.strerror or exc})",
                               f"无法打开文件（{exc.strerror or exc}）") from None
    if not data:
        raise ExportUnreadable("the file is empty (0 bytes)", "文件为空（0 字节）")
    return data


def _workbook_grid(data: bytes, path: Path, sheet: str | None) -> tuple[list[list], str]:
    """Every row of one sheet (values as calamine gives them) after the safety checks."""
    if data[:8] == OLE_MAGIC:
        if any(marker in data for marker in _ENCRYPTED):
            raise ExportUnreadable("the workbook is password-protected (encrypted); remove the password in Excel "
                                   "and export again", "工作簿设有密码（已加密）；请在 Excel 中取消密码后重新导出")
    elif data[:4] in ZIP_MAGICS:
        try:
            opened = open_zip(data)
            reason = container_kind(opened)
            if reason:
                raise UnsafeFile(reason)
            for name in sorted(opened.names):
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    read_member(opened, name)  # capped: a hostile sheet never reaches calamine uncapped
        except UnsafeFile as exc:
            raise ExportUnreadable(str(exc), f"文件不安全或已损坏：{exc}") from None
        except zipfile.BadZipFile as exc:
            raise ExportUnreadable(f"corrupt zip container ({exc})", f"zip 容器已损坏（{exc}）") from None
    else:
        raise ExportUnreadable(f"not an Excel workbook although named {path.suffix}",
                               f"扩展名为 {path.suffix}，但内容不是 Excel 工作簿")
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - calamine raises several kinds on damaged files
        raise ExportUnreadable(f"corrupt or unsupported workbook ({type(exc).__name__}: {exc})",
                               f"工作簿已损坏或格式不受支持（{type(exc).__name__}: {exc}）") from None
    try:
        names = book.sheet_names
        if sheet is None:
            if not names:
                raise ExportUnreadable("the workbook has no sheets", "工作簿中没有工作表")
            chosen = names[0]
        else:
            chosen = next((n for n in names if n == sheet), None) or next(
                (n for n in names if header_key(n) == header_key(sheet)), None)
            if chosen is None:
                raise ExportUnreadable(f"no sheet named {sheet}; its sheets are: {', '.join(names)}",
                                       f"没有名为“{sheet}”的工作表；现有工作表：{'、'.join(names)}")
        found = book.get_sheet_by_name(chosen)
        if found.total_height > MAX_EXPORT_ROWS:
            raise ExportUnreadable(f"sheet {chosen} has {found.total_height} rows (limit {MAX_EXPORT_ROWS})",
                                   f"工作表“{chosen}”有 {found.total_height} 行（上限 {MAX_EXPORT_ROWS}）")
        grid = found.to_python(skip_empty_area=False)
    except ExportUnreadable:
        raise
    except Exception as exc:  # noqa: BLE001
        raise ExportUnreadable(f"corrupt workbook ({type(exc).__name__}: {exc})",
                               f"工作簿已损坏（{type(exc).__name__}: {exc}）") from None
    finally:
        book.close()
    return grid, chosen


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a CSV: UTF-8 with or without BOM, UTF-16 (with BOM, or detected by its zero
    bytes), else GB18030 (the superset of GBK, Excel's plain "CSV" on Chinese Windows)."""
    if data[:3] == codecs.BOM_UTF8:
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return data.decode("utf-16"), "utf-16"
    sample = data[:4000]
    if len(sample) >= 4 and sample.count(b"\x00") > len(sample) // 4:
        odd_zeros = sample[1::2].count(b"\x00")
        return data.decode("utf-16-le" if odd_zeros > sample[0::2].count(b"\x00") else "utf-16-be"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise ExportUnreadable("cannot decode the text: not UTF-8, UTF-16 or GBK/GB18030 (save it as "
                               "\"CSV UTF-8\" in Excel)",
                               "无法识别文本编码：不是 UTF-8、UTF-16 或 GBK/GB18030（请在 Excel 中另存为“CSV UTF-8”）") from None


def _delimiter(lines: list[str]) -> str:
    """Tab when the first lines hold more tabs than commas (Excel's "Unicode text"), else comma."""
    sample = "\n".join(lines[:HEADER_SEARCH_ROWS])
    return "\t" if sample.count("\t") > sample.count(",") else ","


def _csv_frame(data: bytes, path: Path) -> tuple[pd.DataFrame, int]:
    """All cells of a CSV as text, first row = file row 1."""
    text, encoding = decode_text(data)
    if "\x00" in text[:10000]:
        raise ExportUnreadable("binary content, not a CSV text file", "内容为二进制数据，不是 CSV 文本文件")
    head_lines = text[:200_000].splitlines()
    sep = _delimiter(head_lines)
    source: io.StringIO | io.BytesIO
    if encoding == "utf-8":
        source, options = io.BytesIO(data), {"encoding": "utf-8"}
    else:
        source, options = io.StringIO(text), {}
    width = max((len(r) for r in csv.reader(head_lines[:HEADER_SEARCH_ROWS], delimiter=sep)), default=1)
    try:
        frame = pd.read_csv(source, sep=sep, header=None, dtype=str, keep_default_na=False, na_filter=False,
                            skip_blank_lines=False, names=range(width), engine="c", low_memory=False, **options)
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError):
        frame = _csv_frame_slow(text, sep)
    if len(frame) > MAX_EXPORT_ROWS:
        raise ExportUnreadable(f"the file has {len(frame)} rows (limit {MAX_EXPORT_ROWS})",
                               f"文件有 {len(frame)} 行（上限 {MAX_EXPORT_ROWS}）")
    return frame, 1


def _csv_frame_slow(text: str, sep: str) -> pd.DataFrame:
    """Rows of uneven length (a title line, a wider row): the csv module, padded to the widest row."""
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    except csv.Error as exc:
        raise ExportUnreadable(f"malformed CSV ({exc})", f"CSV 格式错误（{exc}）") from None
    width = max((len(r) for r in rows), default=0)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=str)
