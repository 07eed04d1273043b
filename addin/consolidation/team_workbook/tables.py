"""One Excel table on its own sheet: header, widths from the content, printing, rows, links.

Each table sheet has a frozen, filterable header that repeats on every printed page, prints
one page wide with gridlines (so neighbouring values never run together on paper), and has
its columns as wide as their content (capped; long text wraps). Text from the inputs is
always written with ``write_string``: "=cmd|..." stays text, never a formula.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from addin.consolidation.team_workbook.fast_rows import Injection
from addin.consolidation.team_workbook.formats import NUMBER_FORMATS, WRAPPED, Formats
from addin.consolidation.team_workbook.layout import column_width, print_setup, wrapped_lines
from addin.contract import schema

LinkOf = Callable[[int, dict], "tuple[str, str] | None"]  # (row index, record) -> (url, text) of the link column


@dataclass
class TableSpec:
    """What to write: the table, its sheet, the records (values as shown) and the options."""

    table: schema.OutputTable
    records: list[dict]
    lang: str
    title: str  # printed in the page header
    footer: str
    sheet_index: int  # 1-based part number XlsxWriter gives the sheet
    fast: bool = False  # rows after the first as serialised XML (big tables; no links, no wrapping)
    link_key: str = ""  # the column holding a link to a file
    link_of: LinkOf | None = None
    link_texts: list[str] = field(default_factory=list)  # the shown text of the link column (for widths)
    caps: dict[str, int] = field(default_factory=dict)  # width caps per column
    landscape: bool | None = None
    unprinted: str = ""  # the last column, left off the printed page (tblManagers.file: for Excel, not paper)


def write_value(ws, row: int, col: int, value, fmt=None) -> None:
    """One cell: nothing for None/NaN, booleans, numbers, and text always as text."""
    if value is None:
        return
    if isinstance(value, (bool, np.bool_)):
        ws.write_boolean(row, col, bool(value), fmt)
    elif isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        if math.isfinite(number):
            ws.write_number(row, col, number, fmt)
    else:
        text = str(value)
        if text:
            ws.write_string(row, col, text[:32767], fmt)  # user text stays text, never a formula


def write_table(ws, spec: TableSpec, formats: Formats) -> Injection | None:
    """Write the table; returns the rows left for :func:`fast_rows.finish` (fast tables), else None."""
    table, records = spec.table, spec.records
    headers = table.headers(spec.lang)
    fast = spec.fast and len(records) > 1
    last = 1 if fast else max(len(records), 1)
    ws.add_table(0, 0, last, len(headers) - 1, {
        "name": table.name, "style": "Table Style Light 9",
        "columns": [{"header": h, "header_format": formats.header} for h in headers]})
    ws.freeze_panes(1, 0)
    ws.repeat_rows(0)
    ws.hide_gridlines(0)  # printed with gridlines: neighbouring values never run together on paper
    widths = _widths(spec, headers)
    for col, key in enumerate(table.keys):
        ws.set_column(col, col, widths[key], formats.column(key))
    ws.set_row(0, 15 * max(wrapped_lines(h, widths[k]) for h, k in zip(headers, table.keys)))
    printed = list(table.keys)
    if spec.unprinted and printed[-1] == spec.unprinted:
        printed.pop()
        ws.print_area(0, 0, max(len(records), 1), len(printed) - 1)
    print_setup(ws, sum(widths[k] for k in printed), spec.footer, spec.title, spec.landscape)
    if fast:
        _write_row(ws, 1, records[0], spec, formats, widths)
        styles = [formats.column(k).xf_index for k in table.keys]
        return Injection(sheet_index=spec.sheet_index, table=table.name, records=records[1:], keys=table.keys,
                         styles=styles, last_row=len(records) + 1, last_col=len(table.keys) - 1)
    for index, record in enumerate(records):
        _write_row(ws, index + 1, record, spec, formats, widths)
    return None


EXCEL_MAX_ROWS = 1_048_576  # rows of a worksheet, the header row included


def write_pages(ws, spec: TableSpec, formats: Formats, add_sheet: Callable[[str], tuple[object, int]],
                rows_per_sheet: int = EXCEL_MAX_ROWS - 1) -> list[Injection]:
    """Write the table, paged over several sheets when it has more rows than a sheet holds:
    page k (k >= 2) is the table ``<name>_k`` on the sheet ``<sheet> (k)`` made by ``add_sheet(name)
    -> (worksheet, 1-based sheet index)``. No row is ever dropped and every sheet stays valid."""
    records = spec.records
    if len(records) <= rows_per_sheet:
        return [item for item in (write_table(ws, spec, formats),) if item is not None]
    out = []
    for page, start in enumerate(range(0, len(records), rows_per_sheet), start=1):
        page_ws, index = (ws, spec.sheet_index) if page == 1 else add_sheet(_page_name(ws.get_name(), page))
        table = spec.table if page == 1 else dataclasses.replace(spec.table, name=f"{spec.table.name}_{page}")
        part = dataclasses.replace(spec, table=table, records=records[start:start + rows_per_sheet], sheet_index=index,
                                   link_of=_shifted(spec.link_of, start),
                                   link_texts=spec.link_texts[start:start + rows_per_sheet])
        injected = write_table(page_ws, part, formats)
        if injected is not None:
            out.append(injected)
    return out


def _shifted(link_of: LinkOf | None, first: int) -> LinkOf | None:
    """The link function of a page whose first record is record ``first`` of the table."""
    if link_of is None:
        return None
    return lambda i, record: link_of(first + i, record)


def _page_name(sheet: str, page: int) -> str:
    suffix = f" ({page})"
    return sheet[: 31 - len(suffix)] + suffix  # Excel sheet names hold at most 31 characters


def _widths(spec: TableSpec, headers: list[str]) -> dict[str, float]:
    widths = {}
    for key, header in zip(spec.table.keys, headers):
        values = spec.link_texts if key == spec.link_key and spec.link_texts else (r.get(key) for r in spec.records)
        cap = spec.caps.get(key, 48 if key in WRAPPED else 60)
        widths[key] = column_width(header, values, NUMBER_FORMATS.get(key, "General"), cap=cap)
    return widths


def _write_row(ws, row: int, record: dict, spec: TableSpec, formats: Formats, widths: dict[str, float]) -> None:
    lines = 1
    for col, key in enumerate(spec.table.keys):
        value = record.get(key)
        if key == spec.link_key and spec.link_of is not None:
            link = spec.link_of(row - 1, record)
            if link is not None:
                url, text = link
                ws.write_url(row, col, url, formats.link, string=text)
                continue
        write_value(ws, row, col, value, formats.column(key))
        if key in WRAPPED and isinstance(value, str) and not spec.fast:
            lines = max(lines, wrapped_lines(value, widths[key]))
    if lines > 1:
        ws.set_row(row, 15 * min(lines, 20))  # wrapped text: Excel does not grow rows on its own
