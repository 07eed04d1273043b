"""The actuals workbook of `kpi collect`, and reading it back (`kpi fill`, `kpi new/consolidate --actuals`).

Sheets: a manager × indicator overview for people, then the tables of COLLECT.md
(tblActuals, tblSources, tblUnmatched, tblFindings). With ``lang="en"`` the table headers
are exactly the keys of COLLECT.md; with ``zh`` they are Chinese labels and every value
(measure, scope, status, severity) is Chinese. Written atomically with XlsxWriter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

import xlsxwriter

from addin.contract import schema
from addin.contract.errors import UsageError
from addin.contract.findings import SEVERITY_ZH
from addin.contract.messages import Message, render
from addin.xlsx.atomic import atomic_path
from addin.xlsx.guard import safe_workbook
from addin.xlsx.links import MAX_LINKS, Linker, fix_link_files
from addin.xlsx.safety import UnsafeFile
from addin.xlsx.values import value_text

if TYPE_CHECKING:  # reading actuals (`kpi new/consolidate --actuals`) must not load the collector and pandas
    from addin.collect.collector import CollectResult

_NUMBER_KEYS = {"actual"}
_COUNT_KEYS = {"rows", "rows_excluded", "header_row", "rows_read", "rows_in_period", "rows_matched", "rows_unmatched",
               "rows_skipped", "rows_out_of_period", "rows_duplicate", "footer_rows", "row"}
_WIDTHS = {"rule": 80, "message": 70, "sha256": 20, "file": 28, "files": 28, "reason": 28}


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _localiser(key: str, lang: str):
    """The function giving a column's values in the workbook's language (zh workbooks hold Chinese values only);
    None when the column's values stay as they are. Each distinct value is rendered once."""
    if key == "status":
        def status(value):
            if not isinstance(value, str) or not value:
                return value
            key_of = f"collect.status_{value}" if value in ("ok", "no_rows", "source_error") else f"collect.file_{value}"
            return render(key_of, lang)
        return status
    if key == "severity" and lang == "zh":
        return lambda value: SEVERITY_ZH.get(value, value)
    return None


def _table(ws, table: schema.OutputTable, rows: list[tuple], lang: str, formats: dict,
           links: list[str | None] | None = None) -> None:
    """One Excel table: the header row, then one row per record (values in the order of ``table.keys``).

    Cells are written one typed call each (the column's number format comes from its column); a blank
    or non-finite number leaves the cell empty. ``links`` (one per row) makes the ``file`` cell a
    hyperlink to that export (at its row, for a workbook).
    """
    keys = table.keys
    headers = table.headers(lang)
    for col, key in enumerate(keys):
        width = _WIDTHS.get(key, max(10, _display_width(headers[col]) + 4))
        ws.set_column(col, col, width, formats.get(key))
    localisers = [(col, fn, {}) for col, key in enumerate(keys) if (fn := _localiser(key, lang))]
    write_string, write_number, write = ws.write_string, ws.write_number, ws.write
    file_col = keys.index("file") if links and "file" in keys else -1
    for r, values in enumerate(rows, start=1):
        if localisers:
            values = list(values)
            for col, fn, seen in localisers:
                value = values[col]
                if value not in seen:
                    seen[value] = fn(value)
                values[col] = seen[value]
        if file_col >= 0 and links[r - 1]:
            ws.write_url(r, file_col, links[r - 1], string=values[file_col])
            values = list(values)
            values[file_col] = None
        for col, value in enumerate(values):
            kind = type(value)
            if kind is str:
                if value:
                    write_string(r, col, value)
            elif kind is int or (kind is float and math.isfinite(value)):
                write_number(r, col, value)
            elif value is not None and kind is not float:
                write(r, col, value)
    ws.add_table(0, 0, max(len(rows), 1), len(keys) - 1,
                 {"name": table.name, "style": "Table Style Medium 2", "columns": [{"header": h} for h in headers]})
    ws.freeze_panes(1, 0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)


def _overview(ws, result: CollectResult, lang: str, formats: dict) -> None:
    """Manager × indicator: the sheet people read; blank = no rows or a source error."""
    indicators = list(dict.fromkeys(rule.indicator for rule in result.rules.rules))
    by = {(a.manager_id, a.indicator): a.actual for a in result.actuals}
    ws.write(0, 0, render("collect.matrix_title", lang, period=f"{result.period.text}（{result.period}）" if lang == "zh"
                          else f"{result.period.text} ({result.period})",
                          rules=len(indicators), managers=len(result.managers)), formats["title"])
    ws.write(1, 0, render("collect.matrix_note", lang), formats["note"])
    heads = [schema.ACTUALS_OUT.headers(lang)[i] for i in range(3)] + indicators
    ws.write_row(3, 0, heads, formats["header"])
    for r, manager in enumerate(result.managers, start=4):
        ws.write_row(r, 0, [manager.manager_id, manager.name, manager.team])
        for c, indicator in enumerate(indicators, start=3):
            value = by.get((manager.manager_id, indicator))
            if value is not None and math.isfinite(value):
                ws.write_number(r, c, value, formats["actual"])
    ws.set_column(0, 2, 14)
    ws.set_column(3, 2 + max(len(indicators), 1), 16)
    ws.freeze_panes(4, 3)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.autofilter(3, 0, 3 + max(len(result.managers), 1), 2 + len(indicators))


def is_actuals_workbook(path: Path) -> bool:
    """An actuals workbook written by `kpi collect` (it has the table tblActuals): re-running
    replaces it without ``--force`` (the ``ours`` of :func:`addin.xlsx.output.check_output_file`)."""
    try:
        book = safe_workbook(path, load_tables=True)
        try:
            return any(n.casefold() == "tblactuals" for n in book.table_names)
        finally:
            book.close()
    except Exception:  # noqa: BLE001 - unreadable: certainly not ours
        return False


def write_actuals_workbook(result: CollectResult, output, lang: str | None = None) -> Path:
    """Write the actuals workbook atomically and return its path. ``output`` is a path the
    caller has checked (:func:`addin.xlsx.output.check_output_file` with :func:`is_actuals_workbook`
    as ``ours``) before collecting.

    Raises:
        OutputError: the target cannot be written (a folder, locked, no permission).
    """
    lang = lang or result.lang
    output = Path(output)
    with atomic_path(output) as temp:
        wb = xlsxwriter.Workbook(str(temp), {"strings_to_numbers": False, "strings_to_formulas": False,
                                             "strings_to_urls": False})
        formats = {
            "title": wb.add_format({"bold": True, "font_size": 14}),
            "note": wb.add_format({"italic": True, "font_color": "#595959"}),
            "header": wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#4472C4", "text_wrap": True}),
            "actual": wb.add_format({"num_format": "#,##0.00####"}),
            "count": wb.add_format({"num_format": "#,##0"}),
        }
        column_formats = {"actual": formats["actual"], **{k: formats["count"] for k in _COUNT_KEYS}}
        overview = wb.add_worksheet(render("collect.sheet_matrix", lang))
        _overview(overview, result, lang, formats)
        records = {
            schema.ACTUALS_OUT.name: result.actuals,
            schema.SOURCES_OUT.name: result.sources,
            schema.UNMATCHED_OUT.name: result.unmatched,
            schema.COLLECT_FINDINGS_OUT.name: result.findings,
        }
        links = _links(result, output)
        for table in schema.ACTUALS_TABLES:
            ws = wb.add_worksheet(table.sheet(lang))
            values = attrgetter(*table.keys)  # a record's values in the table's order (keys are its fields)
            _table(ws, table, [values(record) for record in records[table.name]], lang, column_formats,
                   links.get(table.name))
        wb.close()
        if any(any(urls) for urls in links.values()):
            fix_link_files(temp)  # link targets with forward slashes, as Excel writes them (Mac, zip)
    return output


def _links(result: CollectResult, output: Path) -> dict[str, list[str | None]]:
    """Per table, one hyperlink per row for its ``file`` cell: tblSources to the export (at its header
    row), tblFindings to the export cell (row and column) the finding names. Relative to the actuals workbook's folder;
    a CSV export is linked as a file (no cell address), a missing pattern not at all."""
    if result.folder is None:
        return {}
    linker = Linker(output)
    files = {s.file: s for s in result.sources if s.sha256}  # read, so a real file
    cache: dict[tuple[str, str], str | None] = {}

    def url(file: str, row: int | None, column: str = "") -> str | None:
        entry = files.get(file)
        if entry is None:
            return None
        cell = f"{entry.letters.get(column, 'A')}{row or 1}" if entry.sheet else ""  # a CSV has no cells to point at
        if (file, cell) not in cache:
            path = Path(file) if Path(file).is_absolute() else result.folder / file
            cache[(file, cell)] = linker.url(str(path), entry.sheet, cell)
        return cache[(file, cell)]

    sources = [url(s.file, s.header_row) for s in result.sources]
    findings = [url(f.file, f.row, f.column) if i < MAX_LINKS else None for i, f in enumerate(result.findings)]
    return {schema.SOURCES_OUT.name: sources, schema.COLLECT_FINDINGS_OUT.name: findings}


# --------------------------------------------------------------------------------------- reading

@dataclass(frozen=True)
class CollectedActual:
    """One collected actual as a scorecard needs it."""

    manager_id: str
    indicator: str
    actual: float | None
    rows: int
    source: str
    rule: str
    files: str

    def source_text(self, lang: str) -> str:
        """The text of a scorecard's ``source`` cell: source, files, row count and rule."""
        return render("collect.source_cell", lang, source=self.source, files=self.files, rows=self.rows,
                      rule=self.rule)


def read_actuals(path) -> list[CollectedActual]:
    """The rows of tblActuals of an actuals workbook (zh or en headers).

    Raises:
        UsageError: the file is missing, unreadable or has no tblActuals with the needed columns.
    """
    path = Path(path)
    if not path.is_file():
        raise UsageError("collect_actuals_unreadable", file=str(path), reason=Message("collect.not_found"))
    try:
        book = safe_workbook(path, load_tables=True)
        try:
            name = next((n for n in book.table_names if n.casefold() == "tblactuals"), None)
            if name is None:
                raise UsageError("collect_actuals_unreadable", file=str(path),
                                 reason=Message("collect.no_actuals_table"))
            table = book.get_table_by_name(name)
            headers, rows = list(table.columns), table.to_python()
        finally:
            book.close()
    except UsageError:
        raise
    except UnsafeFile as exc:  # a FIFO, a zip bomb, a far-away cell, a reader panic: its own reason
        raise UsageError("collect_actuals_unreadable", file=str(path), reason=exc.reason.message()) from None
    except Exception as exc:  # noqa: BLE001 - calamine raises several kinds on damaged files
        raise UsageError("collect_actuals_unreadable", file=str(path), reason=f"{type(exc).__name__}: {exc}") from None
    lookup = {}
    for key, zh in schema.ACTUALS_OUT.columns:
        lookup[schema.normalise_header(key)] = key
        lookup[schema.normalise_header(zh)] = key
    position = {}
    for i, header in enumerate(headers):
        key = lookup.get(schema.normalise_header(header))
        if key and key not in position:
            position[key] = i
    needed = ("manager_id", "indicator", "actual")
    lacking = [k for k in needed if k not in position]
    if lacking:
        raise UsageError("collect_actuals_unreadable", file=str(path),
                         reason=Message("collect.actuals_lack_columns", columns=", ".join(lacking)))
    out = []
    for row in rows:
        def get(key, row=row):
            i = position.get(key)
            return row[i] if i is not None and i < len(row) else None
        value = get("actual")
        actual = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
        rows_value = get("rows")
        out.append(CollectedActual(value_text(get("manager_id")), value_text(get("indicator")), actual,
                                   int(rows_value) if isinstance(rows_value, (int, float)) else 0,
                                   value_text(get("source")), value_text(get("rule")), value_text(get("files"))))
    return out
