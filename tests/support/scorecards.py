"""Builds small scorecard workbooks for the tests, following FORMAT.md only.

The workbooks are written with XlsxWriter exactly as the contract describes
(defined names + Excel tables on freely named sheets), independent of the
template generator, so each fixture can plant one defect. ``post_edit`` can
then patch the saved zip, e.g. to turn off ``fullCalcOnLoad`` so that cached
values count as stored scores (as in a file saved by Excel).
"""

from __future__ import annotations

import copy
import re
import zipfile
from pathlib import Path

import xlsxwriter

from addin.contract import schema

DEFAULT_HEADER = {
    "template": schema.TEMPLATE_TAG, "size": "small", "manager_id": "AM001", "manager_name": "Zhang San",
    "team": "North", "region": "East", "period": "2026Q3", "reviewer": "Boss Li", "quant_weight": 0.8,
}

# The five indicators of the small template (FORMAT.md), English keys.
DEFAULT_ROWS = [
    {"dimension": "results", "tier": "individual", "indicator": "Sales", "unit": "10k CNY", "weight": 0.4,
     "direction": "higher", "method": "linear", "veto": "no", "target": 100, "actual": 90, "source": "CRM"},
    {"dimension": "process", "tier": "individual", "indicator": "Customer visits", "unit": "visits", "weight": 0.2,
     "direction": "higher", "method": "linear", "veto": "no", "target": 40, "actual": 40, "source": "CRM"},
    {"dimension": "customer", "tier": "individual", "indicator": "Satisfaction", "unit": "%", "weight": 0.2,
     "direction": "higher", "method": "band", "veto": "no", "target": 90, "actual": 85, "source": "survey"},
    {"dimension": "process", "tier": "individual", "indicator": "Follow-up timeliness", "unit": "%", "weight": 0.1,
     "direction": "higher", "method": "binary", "veto": "no", "target": 95, "actual": 96, "source": "CRM"},
    {"dimension": "customer", "tier": "individual", "indicator": "Complaint handling time", "unit": "h",
     "weight": 0.1, "direction": "lower", "method": "linear", "veto": "no", "target": 24, "actual": 20,
     "source": "complaint log"},
]

DEFAULT_REVIEWS = [
    {"role": "manager", "reviewer": "Boss Li", "competency": "Teamwork", "rating": 4},
    {"role": "manager", "reviewer": "Boss Li", "competency": "Customer focus", "rating": 3.5},
    {"role": "self", "reviewer": "Zhang San", "competency": "Teamwork", "rating": 4},
]

DEFAULT_SETTINGS = {
    "tblBands": [(100, 100), (90, 80), (80, 60)],
    "tblGrades": [("S", 110), ("A", 95), ("B", 80), ("C", 60), ("D", 0)],
    "tblQuotas": [("S", 0.1), ("A", 0.2), ("B", 0.5), ("C", 0.15), ("D", 0.05)],
    "tblBonus": [("S", 1.5), ("A", 1.2), ("B", 1.0), ("C", 0.5), ("D", 0.0)],
    "tblRoleWeights": [("self", 0.1), ("peer", 0.3), ("manager", 0.6)],
}


def _size_role_weights(size):
    """Role weights the template generator uses for ``size`` (the validator's baseline)."""
    try:
        from addin.contract.standard import default_settings
        return [tuple(r) for r in default_settings(size if size in schema.SIZES else "medium")["role_weights"]]
    except Exception:  # noqa: BLE001 - generator package absent: SCORING.md defaults
        return DEFAULT_SETTINGS["tblRoleWeights"]


def write_scorecard(path, header=None, rows=None, reviews=None, settings=None, lang="en",
                    formulas=True, typed_scores=None, cached=None, drop_names=(), drop_columns=(),
                    kpi_sheet=None, kpi_origin=(11, 0), extra_sheet_rows=0):
    """Write one scorecard workbook and return its path.

    Args:
        header: overrides of DEFAULT_HEADER (defined-name keys without ``kpi_``).
        rows: indicator rows (dicts of schema.KPI keys); default DEFAULT_ROWS.
        reviews: review rows; default DEFAULT_REVIEWS.
        settings: overrides of DEFAULT_SETTINGS by table name (None value drops the table).
        formulas: write formulas in score/weighted cells.
        typed_scores: {(row_index, key): number} typed constants instead of formulas.
        cached: {(row_index, key): number} cached values of formulas (else XlsxWriter's 0).
        drop_names / drop_columns: defined names / tblKPI column keys to leave out.
        kpi_origin: (row, col) 0-based of the tblKPI header (tests that nothing is fixed).
        extra_sheet_rows: pad a junk sheet with this many rows (big-sheet tests).
    """
    path = Path(path)
    head = dict(DEFAULT_HEADER, **(header or {}))
    rows = copy.deepcopy(DEFAULT_ROWS if rows is None else rows)
    reviews = DEFAULT_REVIEWS if reviews is None else reviews
    sets = dict(DEFAULT_SETTINGS)
    sets["tblRoleWeights"] = _size_role_weights(head.get("size"))
    sets.update(settings or {})
    typed_scores = typed_scores or {}
    cached = cached or {}

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet(kpi_sheet or schema.KPI.sheet(lang))
    for i, name in enumerate(schema.HEADER_NAMES):
        key = name.name[4:]
        ws.write(i, 0, name.label(lang))
        value = head.get(key)
        if value is not None:
            ws.write(i, 1, value)
        if name.name not in drop_names:
            wb.define_name(name.name, f"='{ws.name}'!$B${i + 1}")
    r0, c0 = kpi_origin
    columns = [c for c in schema.KPI.columns if c.key not in drop_columns]
    n = len(rows)
    data = []
    for row in rows:
        line = []
        for col in columns:
            value = row.get(col.key)
            if col.key in ("score", "weighted"):
                value = None
            line.append(value)
        data.append(line)
    last = r0 + max(n, 1)
    ws.add_table(r0, c0, last, c0 + len(columns) - 1, {
        "name": "tblKPI", "data": data or None,
        "columns": [{"header": c.label(lang)} for c in columns],
    })
    for index in range(n):
        for key in ("score", "weighted"):
            if key in drop_columns:
                continue
            ci = c0 + [c.key for c in columns].index(key)
            r = r0 + 1 + index
            if (index, key) in typed_scores:
                ws.write_number(r, ci, typed_scores[(index, key)])
            elif formulas:
                ws.write_formula(r, ci, f"=KPI_SCORE({index})" if key == "score" else f"=0+{index}",
                                 None, cached.get((index, key), 0))
    # result cells
    for j, name in enumerate(schema.RESULT_NAMES):
        r = j
        ws.write(r, 3, name.label(lang))
        key = name.name[4:]
        if (None, key) in typed_scores:
            ws.write(r, 4, typed_scores[(None, key)])
        else:
            ws.write_formula(r, 4, f"=RESULT_{j}()", None, cached.get((None, key), 0))
        if name.name not in drop_names:
            wb.define_name(name.name, f"='{ws.name}'!$E${r + 1}")

    if reviews is not False:
        rs = wb.add_worksheet(schema.REVIEW.sheet(lang))
        rdata = [[rv.get(c.key) for c in schema.REVIEW.columns] for rv in reviews]
        rs.add_table(0, 0, max(len(rdata), 1), len(schema.REVIEW.columns) - 1, {
            "name": "tblReview", "data": rdata or None,
            "columns": [{"header": c.label(lang)} for c in schema.REVIEW.columns],
        })
    st = wb.add_worksheet(schema.BANDS.sheet(lang))
    col = 0
    for table in schema.SETTINGS_TABLES:
        values = sets.get(table.name)
        if values is None:
            continue
        st.add_table(0, col, len(values), col + 1, {
            "name": table.name, "data": [list(v) for v in values],
            "columns": [{"header": c.label(lang)} for c in table.columns],
        })
        col += 3
    if extra_sheet_rows:
        junk = wb.add_worksheet("Junk")
        for r in range(extra_sheet_rows):
            junk.write_number(r, 0, r)
    wb.close()
    return path


def post_edit(path, trust_cached=True, replace=None):
    """Patch a saved workbook: drop fullCalcOnLoad (cached values count) and apply
    ``replace`` {member: [(regex, replacement)]}. Returns the path."""
    path = Path(path)
    with zipfile.ZipFile(path) as zin:
        members = [(info, zin.read(info.filename)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in members:
            if trust_cached and info.filename == "xl/workbook.xml":
                data = re.sub(rb'\s*fullCalcOnLoad="1"', b"", data)
            for pattern, repl in (replace or {}).get(info.filename, []):
                data = re.sub(pattern, repl, data)
            zout.writestr(info, data)
    return path



def set_named_value(path, name: str, value):
    """Replace the value of the one-cell defined name ``name`` (number, text or None for blank)
    in a saved workbook, keeping the cell's style. Returns the path."""
    from addin.demo.team import set_cell
    from addin.xlsx.reader import read_scorecard

    cell = read_scorecard(path).names[name]
    set_cell(Path(path), cell.sheet, cell.cell, value)
    return path


def set_saved(path, when: str | None, mtime: float | None = None):
    """Set when the workbook says it was last saved (docProps/core.xml dcterms:modified, an ISO
    time such as "2026-07-03T10:15:00Z"; None removes it) and, optionally, the file's mtime."""
    import os

    def modified(data: bytes) -> bytes:
        data = re.sub(rb"<dcterms:modified[^>]*>[^<]*</dcterms:modified>", b"", data)
        if when is None:
            return data
        tag = b'<dcterms:modified xsi:type="dcterms:W3CDTF">%s</dcterms:modified>' % when.encode()
        return data.replace(b"</cp:coreProperties>", tag + b"</cp:coreProperties>")

    path = Path(path)
    with zipfile.ZipFile(path) as zin:
        members = [(info, zin.read(info.filename)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in members:
            zout.writestr(info, modified(data) if info.filename == "docProps/core.xml" else data)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path

