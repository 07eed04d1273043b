"""The bulk rows of the big tables, serialised straight to SpreadsheetML, and the finishing pass.

XlsxWriter needs ~8 µs per cell. tblScores has ~10 rows per manager (80,000 rows for
10,000 managers), so the big tables are written this way: XlsxWriter writes the sheet
with the table declared over the header and the first row (that fixes the styles, the
formats and the table part), then :func:`finish` streams the remaining rows as
SpreadsheetML (numbers as ``<v>`` in XlsxWriter's ``%.16G``, text as inline strings,
never formulas) into that sheet and widens the table's ``ref``. The same pass makes the
targets of hyperlinks use forward slashes (:func:`links.fix_link_targets`).
"""

from __future__ import annotations

import math
import re
import zipfile
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

import numpy as np
from xlsxwriter.utility import xl_col_to_name

from addin.xlsx.links import fix_link_targets
from addin.xlsx.xml_text import cell_text


@dataclass
class Injection:
    """Rows to add to one sheet after XlsxWriter wrote its first data row."""

    sheet_index: int  # 1-based worksheet part number
    table: str
    records: list[dict]  # the rows after the first, values as shown
    keys: tuple[str, ...]
    styles: list[int]  # xf index per column (0: none)
    last_row: int  # 1-based last row of the table
    last_col: int  # 0-based


def _xml_text(text: str) -> str:
    """A cell's text, cut to Excel's 32,767 characters, escaped by the one XML text writer."""
    return cell_text(text[:32767])


def _cell_xml(ref: str, style: str, value, escaped: dict) -> str:
    """One <c> element (or "" for nothing): numbers as <v> in XlsxWriter's %.16G, text inline."""
    if value is None:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        return f'<c r="{ref}"{style}><v>{number:.16G}</v></c>' if math.isfinite(number) else ""
    text = str(value)
    if not text:
        return ""
    shown = escaped.get(text)
    if shown is None:
        shown = _xml_text(text)
        if len(escaped) < 100_000:
            escaped[text] = shown
    return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{shown}</t></is></c>'


def _column_xml(letter: str, style: str, rows: range, values: list, escaped: dict) -> list[str]:
    """The <c> elements of one column over ``rows``, a whole column at a time: a column of
    floats or of texts (the usual case) in one comprehension, anything else cell by cell."""
    kinds = {type(v) for v in values}
    if kinds <= {float, type(None)}:
        finite = math.isfinite
        return [f'<c r="{letter}{r}"{style}><v>{v:.16G}</v></c>' if v is not None and finite(v) else ""
                for r, v in zip(rows, values)]
    if kinds <= {str, type(None)}:
        for v in set(values):
            if v and v not in escaped:
                escaped[v] = _xml_text(v)
        return [f'<c r="{letter}{r}"{style} t="inlineStr"><is><t xml:space="preserve">{escaped[v]}</t></is></c>'
                if v else "" for r, v in zip(rows, values)]
    return [_cell_xml(f"{letter}{r}", style, v, escaped) for r, v in zip(rows, values)]


def rows_xml(records, keys, styles, first_row: int, batch: int = 2000):
    """SpreadsheetML <row> elements: numbers as <v>, text as inline strings (never formulas)."""
    columns = [(key, xl_col_to_name(i), f' s="{s}"' if s else "") for i, (key, s) in enumerate(zip(keys, styles))]
    for start in range(0, len(records), batch):
        chunk = records[start:start + batch]
        rows = range(first_row + start, first_row + start + len(chunk))
        escaped: dict[str, str] = {}  # texts repeat (dimensions, indicators, labels): escape each once
        cells = [_column_xml(letter, style, rows, list(map(itemgetter(key), chunk)), escaped)
                 for key, letter, style in columns]
        for r, row in zip(rows, zip(*cells)):
            yield f'<row r="{r}">{"".join(row)}</row>'.encode()


def _write_sheet(zout: zipfile.ZipFile, name: str, data: bytes, item: Injection) -> None:
    head, tail = data.rsplit(b"</sheetData>", 1)
    dimension = f'<dimension ref="A1:{xl_col_to_name(item.last_col)}{item.last_row}"/>'
    head = re.sub(rb'<dimension ref="[^"]*"/>', dimension.encode(), head, count=1)
    with zout.open(name, "w", force_zip64=True) as handle:
        handle.write(head)
        batch = []
        for row in rows_xml(item.records, item.keys, item.styles, first_row=3):
            batch.append(row)
            if len(batch) >= 2000:
                handle.write(b"".join(batch))
                batch.clear()
        handle.write(b"".join(batch))
        handle.write(b"</sheetData>")
        handle.write(tail)


def finish(path: Path, injected: list[Injection]) -> None:
    """Append the serialised rows to each sheet's <sheetData>, fix its <dimension> and its
    table's ref, and make hyperlink targets use forward slashes; rewrites ``path`` in place.

    Rows are generated and compressed in batches, so memory stays flat however big.
    """
    parts = {f"xl/worksheets/sheet{item.sheet_index}.xml": item for item in injected}
    tables = {item.table: f"A1:{xl_col_to_name(item.last_col)}{item.last_row}" for item in injected}
    temp = path.with_name(path.name + ".part")
    try:
        with zipfile.ZipFile(path) as zin, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
            for info in zin.infolist():
                data = zin.read(info.filename)
                item = parts.get(info.filename)
                if item is not None:
                    _write_sheet(zout, info.filename, data, item)
                    continue
                if info.filename.startswith("xl/tables/"):
                    name = re.search(rb'displayName="([^"]+)"', data)
                    ref = tables.get(name.group(1).decode()) if name else None
                    if ref:
                        data = re.sub(rb'\bref="[^"]*"', f'ref="{ref}"'.encode(), data)
                elif info.filename.startswith("xl/worksheets/_rels/"):
                    data = fix_link_targets(data)
                zout.writestr(info.filename, data)
        temp.replace(path)
    finally:
        if temp.exists():
            temp.unlink()
