"""The team workbook of FORMAT.md, written with XlsxWriter, atomically.

Sheets: a summary with charts (grade distribution against the quota, score
histogram, average score per dimension per team), then one sheet per table of
``schema.TEAM_TABLES`` (tblManagers, tblScores, tblFindings, tblFiles), each an
Excel table with filters, a frozen header and conditional formatting. With
``lang="en"`` the headers are exactly the keys. Text from the input files is
always written with ``write_string`` so that "=cmd|..." stays text, never a
formula. Findings link to the file (and cell) they are about.

The bulk of the workbook, tblScores (one row per manager and indicator: 80,000
rows for 10,000 managers), is serialised directly as SpreadsheetML rows and
added to the sheet XlsxWriter wrote (same styles, same table), which is several
times faster and lighter than a cell-by-cell write.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
import warnings
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from addin.contract import schema
from addin.contract.errors import OutputError
from addin.xlsx.atomic import atomic_path
from addin.xlsx.xml_text import cell_text
from udfs import engine
from udfs.enums import DIMENSION, DIRECTION, METHOD, TIER

if TYPE_CHECKING:
    import pandas as pd

MAX_LINKS = 65_000  # Excel allows 65,530 hyperlinks per worksheet
LINKED_MANAGERS = 5_000  # up to this many managers, tblManagers.file links to the file
MAX_URL = 2_000

_TEXT = {
    "zh": {
        "summary": "汇总", "title": "客户经理绩效考核 · 团队汇总", "files": "文件数", "merged": "已合并",
        "rejected": "已拒绝", "duplicate": "重复文件", "managers": "客户经理人数", "errors": "错误",
        "warnings": "警告", "infos": "提示", "periods": "考核期间", "grade": "等级", "absolute": "绝对等级人数",
        "forced": "强制分布人数", "quota": "配额人数", "quota_share": "配额比例", "range": "得分区间", "count": "人数", "team": "团队",
        "grade_chart": "等级分布与配额", "hist_chart": "综合得分分布", "dim_chart": "各团队分维度平均得分",
        "all": "（未分组）", "score_axis": "平均得分",
    },
    "en": {
        "summary": "Summary", "title": "Account manager appraisal · team summary", "files": "Files",
        "merged": "Merged", "rejected": "Rejected", "duplicate": "Duplicates", "managers": "Managers",
        "errors": "Errors", "warnings": "Warnings", "infos": "Info", "periods": "Periods", "grade": "Grade",
        "absolute": "Absolute grade", "forced": "Forced grade", "quota": "Quota headcount", "quota_share": "Quota share", "range": "Score range",
        "count": "Managers", "team": "Team", "grade_chart": "Grade distribution vs quota",
        "hist_chart": "Final score histogram", "dim_chart": "Average score per dimension per team",
        "all": "(no team)", "score_axis": "Average score",
    },
}
_BINS = [0, 50, 60, 70, 80, 90, 100, 110, 120]

_NUMBER_FORMATS = {
    "quant_score": "0.00", "qual_score": "0.00", "final_score": "0.00", "bonus_coefficient": "0.00",
    "bonus": "#,##0.00", "weight": "0%", "target": "General", "effective_target": "General", "actual": "General",
    "achievement": "0.0%", "score": "0.00", "weighted": "0.00",
}
_ENUMS = {"dimension": DIMENSION, "tier": TIER, "direction": DIRECTION, "method": METHOD}
_GRADE_COLOURS = {"S": "#63BE7B", "A": "#B5D99C", "B": "#FFEB84", "C": "#F8B878", "D": "#F8696B"}
_SEVERITY_COLOURS = {"error": "#F8696B", "warning": "#FFEB84", "info": "#BDD7EE"}
_STATUS_COLOURS = {"rejected": "#F8696B", "duplicate": "#FFEB84", "merged": "#C6EFCE"}


def write_team_workbook(result, output, lang: str = "zh", quotas=None, fast_rows: bool = True) -> Path:
    """Write the team workbook of a ConsolidationResult to ``output`` atomically.

    Args:
        result: the ConsolidationResult (managers, scores, findings, files, summary).
        output: target path (.xlsx).
        lang: "zh" or "en" (en: table headers are exactly the keys).
        quotas: the quotas used for the forced distribution (for the summary).
        fast_rows: write the rows of tblScores (10 per manager) as XML directly
            (see :func:`_inject_rows`); False writes every cell through XlsxWriter.

    Returns:
        the output path. Raises OutputError when it cannot be written.
    """
    output = Path(output)
    try:
        with atomic_path(output) as temp:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # XlsxWriter warns for over-long URLs etc.; we limit them
                injected = _write(result, temp, lang, quotas, fast_rows)
            if injected:
                _inject_rows(temp, injected)
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(f"cannot write {output}: {exc.strerror or exc}") from None
    return output


class _Sheet:
    """Writes one Excel table row by row."""

    def __init__(self, wb, ws, table: schema.OutputTable, lang: str, n_rows: int, formats: dict):
        self.ws, self.table, self.lang, self.formats = ws, table, lang, formats
        headers = table.headers(lang)
        last_row = max(n_rows, 1)
        ws.add_table(0, 0, last_row, len(headers) - 1, {
            "name": table.name, "columns": [{"header": h} for h in headers], "style": "Table Style Medium 2"})
        ws.freeze_panes(1, 0)
        _print_setup(ws, pages_high=0)
        ws.repeat_rows(0)  # the header row on every printed page
        for col, (key, header) in enumerate(zip(table.keys, headers)):
            width = 12
            if key in ("file", "message", "reason", "indicator"):
                width = 40 if key != "indicator" else 22
            elif key == "sha256":
                width = 20
            width = max(width, _display_width(header) + 4)  # the header and its filter button fit
            ws.set_column(col, col, width, formats.get(key))

    def write_row(self, row: int, values: dict, links: dict | None = None) -> None:
        ws = self.ws
        for col, key in enumerate(self.table.keys):
            value = values.get(key)
            if links and key in links:
                url, text = links[key]
                ws.write_url(row, col, url, self.formats["link"], string=text)
                continue
            _write_value(ws, row, col, value, self.formats.get(key))


def _display_width(text: str) -> int:
    """Width of a text in Excel column units (CJK characters count double)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _print_setup(ws, pages_high: int) -> None:
    """A4 landscape, as wide as one page (``pages_high`` 0: as many pages down as needed)."""
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, pages_high)


def _write_value(ws, row, col, value, fmt=None) -> None:
    if value is None:
        return
    if isinstance(value, (bool, np.bool_)):
        ws.write_boolean(row, col, bool(value), fmt)
    elif isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        if not math.isnan(number) and not math.isinf(number):
            ws.write_number(row, col, number, fmt)
    else:
        text = str(value)
        if text:
            ws.write_string(row, col, text[:32767], fmt)  # user text stays text, never a formula


def _display(key: str, value, lang: str):
    enum = _ENUMS.get(key)
    if enum is not None and isinstance(value, str) and value in enum.labels:
        return enum.label(value, lang)
    return value


def _link(path: str, sheet: str = "", cell: str = "") -> str | None:
    try:
        target = os.path.abspath(path)
    except (OSError, ValueError):
        return None
    url = "external:" + target
    if sheet and cell:
        url += "#'" + sheet.replace("'", "''") + "'!" + cell
    if len(url) > MAX_URL or "#" in target:
        return None
    return url


def _write(result, path: Path, lang: str, quotas, fast_rows: bool):
    """Write the workbook with XlsxWriter; returns the rows left for _inject_rows (or None)."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                         "strings_to_urls": False, "strings_to_numbers": False,
                                         "nan_inf_to_errors": False})
    try:
        formats = {
            "header": wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#4472C4"}),
            "link": wb.add_format({"font_color": "#0563C1", "underline": 1}),
            "title": wb.add_format({"bold": True, "font_size": 14}),
            "bold": wb.add_format({"bold": True}),
            "share": wb.add_format({"num_format": "0%"}),
        }
        for key, number_format in _NUMBER_FORMATS.items():
            formats[key] = wb.add_format({"num_format": number_format})
        for fmt in formats.values():
            fmt._get_xf_index()  # fix the style ids now: _inject_rows refers to them
        fills = {name: wb.add_format({"bg_color": colour}) for name, colour in
                 {**_GRADE_COLOURS, **{f"sev_{k}": v for k, v in _SEVERITY_COLOURS.items()},
                  **{f"st_{k}": v for k, v in _STATUS_COLOURS.items()}}.items()}
        texts = _TEXT["zh" if lang == "zh" else "en"]
        summary_ws = wb.add_worksheet(texts["summary"])
        sheets = {t.name: wb.add_worksheet(t.sheet(lang)) for t in schema.TEAM_TABLES}
        injected = [_write_managers(wb, sheets["tblManagers"], result.manager_rows, lang, formats, fills, fast_rows),
                    _write_scores(wb, sheets["tblScores"], result.score_rows, lang, formats, fast_rows)]
        injected = [item for item in injected if item is not None]
        _write_findings(wb, sheets["tblFindings"], result.findings, lang, formats, fills)
        _write_files(wb, sheets["tblFiles"], result.file_rows, lang, formats, fills)
        _write_summary(wb, summary_ws, result, lang, texts, formats, sheets, quotas)
        summary_ws.activate()
    finally:
        wb.close()
    return injected


def _grade_formats(ws, first_row, last_row, col, fills):
    for grade in _GRADE_COLOURS:
        ws.conditional_format(first_row, col, last_row, col, {
            "type": "cell", "criteria": "==", "value": f'"{grade}"', "format": fills[grade]})


def _sheet_index(table: schema.OutputTable) -> int:
    """1-based worksheet number XlsxWriter gives the table's sheet (the summary is sheet 1)."""
    return 2 + [t.name for t in schema.TEAM_TABLES].index(table.name)


def _fast(sheet: _Sheet, records: list[dict], formats: dict) -> dict:
    """First row through XlsxWriter (fixes styles and the table), the rest as serialised XML."""
    keys = sheet.table.keys
    sheet.write_row(1, records[0])
    styles = [formats[k].xf_index if k in formats else 0 for k in keys]
    # The table was declared over the header and this first row only (XlsxWriter keeps a
    # dict entry per table cell); _inject_rows widens its ref to all rows.
    return {"sheet_index": _sheet_index(sheet.table), "rows": (records[1:], keys, styles),
            "last_row": len(records) + 1, "last_col": len(keys) - 1, "table": sheet.table.name}


def _write_managers(wb, ws, records: list[dict], lang, formats, fills, fast_rows: bool):
    """tblManagers from the result's rows (NaN, like None, writes nothing)."""
    table = schema.MANAGERS_OUT
    fast = fast_rows and len(records) > LINKED_MANAGERS
    sheet = _Sheet(wb, ws, table, lang, 1 if fast else len(records), formats)
    injected = None
    if fast:
        injected = _fast(sheet, records, formats)  # a big team: file paths as text, no links
    else:
        for i, record in enumerate(records):
            url = _link(record["file"])
            sheet.write_row(i + 1, record, {"file": (url, record["file"])} if url else None)
    n = max(len(records), 1)
    keys = table.keys
    ws.conditional_format(1, keys.index("final_score"), n, keys.index("final_score"), {"type": "3_color_scale"})
    for key in ("grade", "forced_grade", "team_forced_grade"):
        _grade_formats(ws, 1, n, keys.index(key), fills)
    # A vetoed manager's id and name are highlighted. (Any rule on the TRUE/FALSE veto cells
    # themselves makes LibreOffice crash when it prints the workbook to PDF.)
    ws.conditional_format(1, keys.index("manager_id"), n, keys.index("name"), {
        "type": "formula", "criteria": f"=${xl_col_to_name(keys.index('veto'))}2=TRUE", "format": fills["D"]})
    ws.conditional_format(1, keys.index("findings"), n, keys.index("findings"), {
        "type": "data_bar", "bar_color": "#F8B878", "bar_solid": True})
    return injected


def _write_scores(wb, ws, rows: list[dict], lang, formats, fast_rows: bool):
    table = schema.SCORES_OUT
    keys = table.keys
    records = [dict(row) for row in rows]  # enumerations are shown as labels: the result's rows stay keys
    for key in (k for k in keys if k in _ENUMS):
        shown: dict = {}  # a handful of distinct values per column
        for record in records:
            value = record[key]
            label = shown.get(value, shown)
            if label is shown:
                label = shown[value] = _display(key, value, lang)
            record[key] = label
    fast = fast_rows and len(records) > 1
    sheet = _Sheet(wb, ws, table, lang, 1 if fast else len(records), formats)
    injected = None
    if fast:
        # The bulk of the team workbook (~10 rows per manager): XlsxWriter needs ~8 µs a cell.
        injected = _fast(sheet, records, formats)
    else:
        for i, record in enumerate(records):
            sheet.write_row(i + 1, record)
    n = max(len(records), 1)
    ws.conditional_format(1, keys.index("score"), n, keys.index("score"), {"type": "3_color_scale"})
    ws.conditional_format(1, keys.index("achievement"), n, keys.index("achievement"), {
        "type": "data_bar", "bar_color": "#63BE7B", "bar_solid": True, "min_type": "num", "min_value": 0,
        "max_type": "num", "max_value": 1.5})
    return injected


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


def _rows_xml(records, keys, styles, first_row: int, batch: int = 2000):
    """SpreadsheetML <row> elements: numbers as <v>, text as inline strings (never formulas)."""
    columns = [(key, xl_col_to_name(i), f' s="{s}"' if s else "") for i, (key, s) in enumerate(zip(keys, styles))]
    for start in range(0, len(records), batch):
        chunk = records[start:start + batch]
        rows = range(first_row + start, first_row + start + len(chunk))
        escaped: dict[str, str] = {}  # texts repeat (dimensions, indicators, labels): escape each once
        cells = [_column_xml(letter, style, rows, [record.get(key) for record in chunk], escaped)
                 for key, letter, style in columns]
        for r, row in zip(rows, zip(*cells)):
            yield f'<row r="{r}">{"".join(row)}</row>'.encode()


def _inject_rows(path: Path, injected: list[dict]) -> None:
    """Append the serialised rows to each sheet's <sheetData> and fix its <dimension>.

    Rows are generated and compressed in batches, so memory stays flat however big.
    """
    parts = {f"xl/worksheets/sheet{item['sheet_index']}.xml": item for item in injected}
    tables = {item["table"]: f"A1:{xl_col_to_name(item['last_col'])}{item['last_row']}" for item in injected}
    temp = path.with_name(path.name + ".part")
    try:
        with zipfile.ZipFile(path) as zin, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
            for info in zin.infolist():
                data = zin.read(info.filename)
                item = parts.get(info.filename)
                if item is None:
                    if info.filename.startswith("xl/tables/"):
                        name = re.search(rb'displayName="([^"]+)"', data)
                        ref = tables.get(name.group(1).decode()) if name else None
                        if ref:
                            data = re.sub(rb'\bref="[^"]*"', f'ref="{ref}"'.encode(), data)
                    zout.writestr(info.filename, data)
                    continue
                head, tail = data.rsplit(b"</sheetData>", 1)
                dimension = f'<dimension ref="A1:{xl_col_to_name(item["last_col"])}{item["last_row"]}"/>'
                head = re.sub(rb'<dimension ref="[^"]*"/>', dimension.encode(), head, count=1)
                records, keys, styles = item["rows"]
                with zout.open(info.filename, "w", force_zip64=True) as handle:
                    handle.write(head)
                    batch = []
                    for row in _rows_xml(records, keys, styles, first_row=3):
                        batch.append(row)
                        if len(batch) >= 2000:
                            handle.write(b"".join(batch))
                            batch.clear()
                    handle.write(b"".join(batch))
                    handle.write(b"</sheetData>")
                    handle.write(tail)
        temp.replace(path)
    finally:
        if temp.exists():
            temp.unlink()


def _write_findings(wb, ws, findings, lang, formats, fills):
    table = schema.FINDINGS_OUT
    sheet = _Sheet(wb, ws, table, lang, len(findings), formats)
    for i, finding in enumerate(findings):
        record = {"file": finding.file, "manager_id": finding.manager_id, "sheet": finding.sheet,
                  "cell": finding.cell, "code": finding.code, "severity": finding.severity,
                  "message": finding.message}
        url = _link(finding.file, finding.sheet, finding.cell) if finding.file and i < MAX_LINKS else None
        sheet.write_row(i + 1, record, {"file": (url, finding.file)} if url else None)
    n = max(len(findings), 1)
    col = table.keys.index("severity")
    for severity in _SEVERITY_COLOURS:
        ws.conditional_format(1, col, n, col, {"type": "cell", "criteria": "==", "value": f'"{severity}"',
                                               "format": fills[f"sev_{severity}"]})


def _write_files(wb, ws, records: list[dict], lang, formats, fills):
    table = schema.FILES_OUT
    sheet = _Sheet(wb, ws, table, lang, len(records), formats)
    for i, record in enumerate(records):
        url = _link(record["file"]) if i < MAX_LINKS else None
        sheet.write_row(i + 1, record, {"file": (url, record["file"])} if url else None)
    n = max(len(records), 1)
    col = table.keys.index("status")
    for status in _STATUS_COLOURS:
        ws.conditional_format(1, col, n, col, {"type": "cell", "criteria": "==", "value": f'"{status}"',
                                               "format": fills[f"st_{status}"]})


def dimension_averages(managers: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """Average per team of each manager's dimension score (Σ weight·score / Σ weight in the dimension)."""

    rows = dimension_rows(managers.to_dict(orient="records"), scores.to_dict(orient="records"))
    return pd.DataFrame(rows, columns=["team", *DIMENSION.keys])


def dimension_rows(manager_rows: list[dict], score_rows: list[dict]) -> list[dict]:
    """:func:`dimension_averages` on the result's rows: one dict per team (sorted; "" for no
    team) with the mean over its managers of each dimension score (NaN: nobody has it)."""
    sums: dict[tuple[str, str], list[list[float]]] = defaultdict(lambda: [[], []])
    for row in score_rows:
        weight = row["weight"]
        if weight > 0:
            entry = sums[(row["manager_id"], row["dimension"])]
            entry[0].append(weight * row["score"])
            entry[1].append(weight)
    team_of: dict[str, str] = {}
    for row in manager_rows:
        team = row["team"]
        team_of.setdefault(row["manager_id"], "" if team is None or team != team else team)
    per_team: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for (manager, dimension), (ws, weights) in sums.items():
        if manager in team_of:
            per_team[team_of[manager]][dimension].append(math.fsum(ws) / math.fsum(weights))
    return [{"team": team, **{key: (math.fsum(values[key]) / len(values[key]) if values.get(key) else math.nan)
                              for key in DIMENSION.keys}}
            for team, values in sorted(per_team.items())]


def _quota_shares(quotas) -> dict[str, float]:
    """Quota of each grade as a fraction (quotas may be fractions or percent points)."""
    rows = list((quotas.items() if isinstance(quotas, dict) else quotas) or engine.DEFAULT_QUOTAS.items())
    total = sum(float(v) for _, v in rows)
    scale = 100.0 if total > 1.5 else 1.0
    return {str(g): float(v) / scale for g, v in rows}


def _write_summary(wb, ws, result, lang, texts, formats, sheets, quotas=None):
    summary = result.summary
    managers = result.manager_rows
    ws.set_column(0, 0, 22)
    ws.set_column(1, 4, 17)
    _print_setup(ws, pages_high=1)  # figures and charts on one page
    row = 0
    ws.write_string(row, 0, texts["title"], formats["title"])
    row = 2
    periods = ", ".join(sorted({str(m["period"]) for m in managers if m["period"]}))
    figures = [("files", summary["files"]), ("merged", summary["merged"]), ("rejected", summary["rejected"]),
               ("duplicate", summary["duplicate"]), ("managers", summary["managers"]),
               ("errors", summary["findings"]["error"]), ("warnings", summary["findings"]["warning"]),
               ("infos", summary["findings"]["info"])]
    ws.write_string(row, 0, texts["periods"], formats["bold"])
    _write_value(ws, row, 1, periods)
    row += 1
    for key, value in figures:
        ws.write_string(row, 0, texts[key], formats["bold"])
        ws.write_number(row, 1, value)
        row += 1

    # Grade distribution against the quota.
    row += 1
    grade_top = row
    for col, key in enumerate(("grade", "absolute", "forced", "quota", "quota_share")):
        ws.write_string(row, col, texts[key], formats["header"])
    grades = list(summary["quota_headcounts"])
    shares = _quota_shares(quotas)
    for grade in grades:
        row += 1
        ws.write_string(row, 0, grade)
        ws.write_number(row, 1, summary["grades"].get(grade, 0))
        ws.write_number(row, 2, summary["forced_grades"].get(grade, 0))
        ws.write_number(row, 3, summary["quota_headcounts"].get(grade, 0))
        if grade in shares:
            ws.write_number(row, 4, shares[grade], formats["share"])
    grade_bottom = row

    # Histogram of final scores.
    row += 2
    hist_top = row
    ws.write_string(row, 0, texts["range"], formats["header"])
    ws.write_string(row, 1, texts["count"], formats["header"])
    finals = np.array([m["final_score"] for m in managers], dtype=float)
    edges = _BINS + [math.inf]
    for lo, hi in zip(edges[:-1], edges[1:]):
        row += 1
        label = f"<{_BINS[1]}" if lo == 0 else (f"≥{lo}" if hi == math.inf else f"{lo}–{hi}")
        count = int(((finals >= lo) & (finals < hi)).sum()) if lo else int((finals < hi).sum())
        ws.write_string(row, 0, label)
        ws.write_number(row, 1, count)
    hist_bottom = row

    # Average score per dimension per team.
    row += 2
    dim_top = row
    dims = dimension_rows(managers, result.score_rows)
    ws.write_string(row, 0, texts["team"], formats["header"])
    for col, key in enumerate(DIMENSION.keys, start=1):
        ws.write_string(row, col, DIMENSION.label(key, lang) if lang == "zh" else key.capitalize(), formats["header"])
    for record in dims:
        row += 1
        ws.write_string(row, 0, record["team"] or texts["all"])
        for col, key in enumerate(DIMENSION.keys, start=1):
            _write_value(ws, row, col, record.get(key), formats["score"])
    dim_bottom = row
    name = ws.get_name().replace("'", "''")
    sheet_ref = f"'{name}'"

    chart = wb.add_chart({"type": "column"})
    for col, key in ((1, "absolute"), (2, "forced"), (3, "quota")):
        chart.add_series({"name": texts[key],
                          "categories": f"={sheet_ref}!$A${grade_top + 2}:$A${grade_bottom + 1}",
                          "values": f"={sheet_ref}!${chr(65 + col)}${grade_top + 2}:${chr(65 + col)}${grade_bottom + 1}"})
    chart.set_title({"name": texts["grade_chart"]})
    chart.set_x_axis({"name": texts["grade"]})
    chart.set_y_axis({"name": texts["count"], "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "bottom"})
    ws.insert_chart(1, 6, chart, {"x_scale": 1.3, "y_scale": 1.0})

    chart = wb.add_chart({"type": "column"})
    chart.add_series({"name": texts["count"],
                      "categories": f"={sheet_ref}!$A${hist_top + 2}:$A${hist_bottom + 1}",
                      "values": f"={sheet_ref}!$B${hist_top + 2}:$B${hist_bottom + 1}", "gap": 10,
                      "data_labels": {"value": True}})
    chart.set_title({"name": texts["hist_chart"]})
    chart.set_x_axis({"name": texts["range"]})
    chart.set_y_axis({"name": texts["count"]})
    chart.set_legend({"none": True})
    ws.insert_chart(17, 6, chart, {"x_scale": 1.3, "y_scale": 1.0})

    if dim_bottom > dim_top:
        chart = wb.add_chart({"type": "column"})
        for col, _key in enumerate(DIMENSION.keys, start=1):
            letter = chr(65 + col)
            chart.add_series({"name": f"={sheet_ref}!${letter}${dim_top + 1}",
                              "categories": f"={sheet_ref}!$A${dim_top + 2}:$A${dim_bottom + 1}",
                              "values": f"={sheet_ref}!${letter}${dim_top + 2}:${letter}${dim_bottom + 1}"})
        chart.set_title({"name": texts["dim_chart"]})
        chart.set_y_axis({"name": texts["score_axis"], "num_format": "0"})
        chart.set_legend({"position": "bottom"})
        ws.insert_chart(33, 6, chart, {"x_scale": 1.3, "y_scale": 1.0})


__all__ = ["write_team_workbook", "dimension_averages"]
