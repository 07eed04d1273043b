"""Write the standard assessment workbook of FORMAT.md with XlsxWriter.

``write_template`` is the one entry point; it is also what the demo and the
consolidation benchmark call thousands of times, so it does no per-file work
that can be done once: formula texts are cached per (language, mode), formats
are created from a fixed table of properties, and workbooks are built in memory.

Layout (free per FORMAT.md; readers go by table names, headers and defined names):

* sheet 考核表/Scorecard: title, header fields (kpi_manager_id …), summary block
  (kpi_quant_score, kpi_qual_score, kpi_final_score, kpi_grade, veto count,
  weight total), then ``tblKPI`` with two helper columns (effective target,
  achievement);
* sheet 评价/Reviews: ``tblReview`` and the per-role block (weight, count, mean);
* sheet 设置/Settings: tblBands, tblGrades, tblQuotas, tblBonus, tblRoleWeights and
  the indicator score cap (defined name ``cfg_cap``);
* sheet 填写说明/Instructions.

Every sheet is protected without a password; input cells are unlocked.
"""

from __future__ import annotations

import io
import math
import numbers
import os
import re
import zipfile
from datetime import datetime, timezone
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from addin.contract.schema import (
    BANDS,
    BONUS,
    GRADES,
    HEADER_NAMES,
    KPI,
    LANGS,
    MODES,
    QUOTAS,
    RESULT_NAMES,
    REVIEW,
    ROLE_WEIGHTS,
    SIZES,
    TEMPLATE_TAG,
)
from addin.contract.standard import (
    PERCENT_SCALE_ACTUAL,
    PERCENT_SCALE_TARGET,
    PERCENT_UNITS,
    default_reviews,
    default_rows,
    default_settings,
)
from addin.xlsx.atomic import atomic_path
from addin.xlsx.output import check_output_file
from addin.xlsx.xml_text import cell_text, needs_preserve
from udfs.enums import DIMENSION, DIRECTION, GRADE, METHOD, ROLE, SIZE, TIER, VETO
from workbook_templates import cache as _cache
from workbook_templates.formulas import CAP_NAME, Refs, all_formulas
from workbook_templates.texts import T

# tblKPI columns in sheet order: the contract's columns plus two helper columns.
KPI_COLUMNS = (
    "dimension", "tier", "indicator", "unit", "weight", "direction", "method", "veto", "threshold",
    "target", "stretch", "adjusted_target", "adjust_reason", "effective_target", "actual", "param",
    "source", "achievement", "score", "weighted", "comment",
)
FORMULA_COLUMNS = ("effective_target", "achievement", "score", "weighted")
ENUMS = {"dimension": DIMENSION, "tier": TIER, "direction": DIRECTION, "method": METHOD, "veto": VETO}
WIDTHS = {
    "dimension": 9, "tier": 6.5, "indicator": 18, "unit": 7.5, "weight": 7, "direction": 9.5, "method": 8.5,
    "veto": 6.5, "threshold": 8.5, "target": 8.5, "stretch": 8.5, "adjusted_target": 9.5,
    "adjust_reason": 12, "effective_target": 9, "actual": 9, "param": 8, "source": 10,
    "achievement": 9, "score": 12, "weighted": 8.5, "comment": 14,
}
EN_WIDTHS = {"tier": 9, "indicator": 23, "unit": 9, "param": 9.5, "source": 14, "achievement": 12.5,
             "score": 13}
COL = {key: i for i, key in enumerate(KPI_COLUMNS)}

# Scorecard rows (0-based)
HEADER_TOP = 3              # first row of the header / summary blocks
TABLE_HEADER = 9            # header row of tblKPI
# (label first col, label last col, value first col, value last col) of the three blocks
BLOCKS = ((0, 1, 2, 2), (3, 5, 6, 7), (8, 10, 11, 12))
BLOCK_FIELDS = (
    ("kpi_manager_id", "kpi_manager_name", "kpi_team", "kpi_region", "kpi_period"),
    ("kpi_reviewer", "kpi_size", "kpi_template", "kpi_quant_weight", "weight_total"),
    ("kpi_quant_score", "kpi_qual_score", "kpi_final_score", "kpi_grade", "veto_count"),
)
# tblKPI cells the manager fills (one highlight colour); HR sets the others
MANAGER_KEYS = frozenset({"actual", "adjust_reason", "comment"})
# shown as % on an indicator measured in % (typing 95 in Excel then gives 95 %)
PERCENT_KEYS = frozenset({"threshold", "target", "stretch", "adjusted_target", "actual"})
WHO = ("who",)  # the review sheet's line naming the manager and period
PAGE_HEADER = ("page_header",)  # the key of the printed page header among a workbook's variable values
_HEADER_STAND_IN = "KPIPAGEHEADERSTANDIN"
INPUT_NAMES = {"kpi_manager_id", "kpi_manager_name", "kpi_team", "kpi_region", "kpi_period",
               "kpi_reviewer", "kpi_quant_weight"}

# Reviews sheet
REVIEW_HEADER = 3
REVIEW_SPARE_ROWS = 4       # empty rows for extra reviewers (blank rows count for nothing)
ROLE_BLOCK_COL = 6
REVIEW_WIDTHS = (10, 16, 26, 8, 32)

# Settings sheet: first column of each table
SETTINGS_COLS = {"tblBands": 0, "tblGrades": 3, "tblQuotas": 6, "tblBonus": 9, "tblRoleWeights": 12}
SETTINGS_HEADER = 3
CAP_COL = 15

_BORDER = {"border": 1, "border_color": "#BFBFBF"}
_NUMBER, _PERCENT = "#,##0.####", "0.0%"
# Cells of the form, by who fills them: the manager (one highlight colour, unlocked), HR (white;
# unlocked in a blank template, locked in a roster-made one) and formulas (grey, locked).
_CELL_KINDS = {
    "mgr": {"locked": False, "bg_color": "#FFF2CC", **_BORDER},
    "hr": {"locked": False, "bg_color": "#FFFFFF", **_BORDER},
    "set": {"bg_color": "#FFFFFF", **_BORDER},  # set by HR from the roster: locked
}
_FORMATS = {
    "title": {"bold": True, "font_size": 16, "font_color": "#1F4E78"},
    "legend": {"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"},
    "label": {"bold": True, "bg_color": "#DDEBF7", "border": 1, "border_color": "#A6A6A6", "valign": "vcenter"},
    **{f"{kind}_{shape}": {**props, **extra} for kind, props in _CELL_KINDS.items()
       for shape, extra in (("text", {}), ("num", {"num_format": _NUMBER}), ("pct", {"num_format": _PERCENT}))},
    "fixed": {"bg_color": "#F2F2F2", **_BORDER},
    "calc_num": {"bg_color": "#F2F2F2", **_BORDER, "num_format": "0.00", "shrink": True},
    "calc_plain": {"bg_color": "#F2F2F2", **_BORDER, "num_format": _NUMBER},
    "calc_pct": {"bg_color": "#F2F2F2", **_BORDER, "num_format": _PERCENT},
    "calc_int": {"bg_color": "#F2F2F2", **_BORDER, "num_format": "0"},
    "result": {"bold": True, "font_size": 12, "shrink": True, "bg_color": "#E2EFDA", "border": 1, "border_color": "#A6A6A6",
               "num_format": "0.00", "align": "center"},
    "grade": {"bold": True, "font_size": 14, "shrink": True, "bg_color": "#E2EFDA", "border": 1, "border_color": "#A6A6A6",
              "align": "center"},
    "header": {"bold": True, "text_wrap": True, "valign": "vcenter", "align": "center", "font_color": "#FFFFFF",
               "bg_color": "#1F4E78", "border": 1, "border_color": "#FFFFFF"},
    "header_calc": {"bold": True, "text_wrap": True, "valign": "vcenter", "align": "center",
                    "font_color": "#FFFFFF", "bg_color": "#548235", "border": 1, "border_color": "#FFFFFF"},
    "h1": {"bold": True, "font_size": 12, "font_color": "#1F4E78"},
    "who": {"bold": True, "font_size": 11, "valign": "vcenter"},
    "para": {"text_wrap": True, "valign": "top"},
    "bad": {"bg_color": "#FFC7CE", "font_color": "#9C0006"},
    "good": {"bg_color": "#C6EFCE", "font_color": "#006100"},
    "err_font": {"font_color": "#C00000", "bold": True},
    "todo_font": {"font_color": "#A6A6A6", "bold": False, "italic": True},
}
_FONT = {"zh": {"font_name": "DengXian", "font_size": 10}, "en": {"font_name": "Calibri", "font_size": 10}}


class _Sheet(Worksheet):
    """Worksheet whose formula preparation (some 30 regex passes in XlsxWriter) is memoised:
    a template writes the same few formula texts in every row of every file."""

    def _prepare_formula(self, formula, expand_future_functions=False):
        return _prepared(formula, bool(expand_future_functions or self.use_future_functions))


class _Plain:
    use_future_functions = False


@lru_cache(maxsize=4096)
def _prepared(formula: str, future: bool) -> str:
    return Worksheet._prepare_formula(_Plain(), formula, future)


def _check(size: str, lang: str, mode: str) -> None:
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)} (got {size!r})")
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)} (got {lang!r})")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)} (got {mode!r})")


def _sheet_ref(sheet: str, row: int, col: int) -> str:
    return f"'{sheet}'!{xl_rowcol_to_cell(row, col, row_abs=True, col_abs=True)}"


@cache
def _refs(lang: str) -> Refs:
    t = T[lang]
    kpi_sheet, review_sheet = t["sheet_kpi"], t["sheet_review"]
    row, col = _field_cell("veto_count")
    role_cells = {}
    for i, role in enumerate(ROLE.keys):
        r = REVIEW_HEADER + 1 + i
        role_cells[role] = tuple(_sheet_ref(review_sheet, r, ROLE_BLOCK_COL + j) for j in (1, 2, 3))
    return Refs(lang, t["effective_target"], t["achievement"], _sheet_ref(kpi_sheet, row, col),
                _RoleCells(role_cells))


class _RoleCells(dict):
    """Hashable mapping role -> (weight, count, mean) cells, so Refs can key a cache."""

    def __hash__(self):
        return hash(tuple(sorted(self.items())))


def _field_cell(name: str) -> tuple[int, int]:
    for block, fields in zip(BLOCKS, BLOCK_FIELDS):
        if name in fields:
            return HEADER_TOP + fields.index(name), block[2]
    raise KeyError(name)


def _label(name: str, lang: str) -> str:
    for n in HEADER_NAMES + RESULT_NAMES:
        if n.name == name:
            return n.label(lang)
    return T[lang][name]


def _enum_text(key: str, value, lang: str):
    """An enumeration value as the label of ``lang`` when it is a known key or label."""
    enum = ENUMS.get(key)
    if enum is None or value is None:
        return value
    parsed = enum.try_parse(value)
    return enum.label(parsed, lang) if parsed else value


def _put(ws, row: int, col: int, value, fmt) -> None:
    """Write a value by its type (numpy numbers too); text is never turned into a formula."""
    if isinstance(value, (bool, np.bool_)):
        ws.write_boolean(row, col, bool(value), fmt)
    elif isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number):
            ws.write_blank(row, col, None, fmt)
        elif math.isinf(number):  # not storable as a number: keep it visible, formulas flag it
            ws.write_string(row, col, str(number), fmt)
        else:
            ws.write_number(row, col, number, fmt)
    elif value is None:
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def _merge_rows(rows, defaults):
    out = [dict(d) for d in defaults]
    for i, override in enumerate(rows or ()):
        if i < len(out):
            out[i].update(override)
        else:
            base = {key: None for key in KPI.keys}
            base.update(override)
            out.append(base)
    return out


class _Shape(NamedTuple):
    """What a prebuilt workbook depends on: everything but the values of the variable cells."""

    size: str
    lang: str
    mode: str
    n_rows: int
    n_reviews: int
    percent_rows: tuple[bool, ...]  # per tblKPI row: measured in % (targets, actuals shown as %)
    locked: bool  # roster-made: the cells HR sets are locked


def _is_percent(row: dict) -> bool:
    return str(row.get("unit") or "").strip() in PERCENT_UNITS


def write_template(path, size: str = "medium", lang: str = "zh", mode: str = "portable", header=None,
                   rows=None, reviews=None, *, locked: bool = False, force: bool = False) -> Path:
    """Write one assessment workbook (FORMAT.md) atomically and return its path.

    Args:
        path: the .xlsx file to write.
        size: "small", "medium" or "large": the indicator set and review roles.
        lang: "zh" or "en": headers, labels, validation messages and instructions.
        mode: "portable" (native formulas only: computes in Excel, WPS and LibreOffice without
            the add-in) or "addin" (cells call KPI_SCORE() etc.; needs the add-in).
        header: {defined-name key without ``kpi_``: value}, e.g. {"manager_id": "AM001",
            "period": "2026Q3", "quant_weight": 0.7}.
        rows: None for the size's default indicators, or dicts keyed by ``schema.KPI`` keys
            overriding the default row at the same index (extra dicts append rows).
        reviews: dicts keyed by ``schema.REVIEW`` keys; None for the size's default
            (role × competency rows with blank ratings).
        locked: True for a workbook made for one manager (``kpi new --roster``): the cells HR
            sets (header, indicators, weights, targets, methods, settings) are locked and only
            actuals, adjustment reasons, comments and reviews are input cells.
        force: replace a file at ``path`` (default: refuse, nothing is written). ``path`` is
            checked first by the one output check (:func:`addin.xlsx.output.check_output_file`):
            a folder, a device, not ``.xlsx`` or below a file is refused even with ``force``.

    Returns:
        The path written, as a :class:`~pathlib.Path`.

    Raises:
        UsageError (before any work): ``path`` cannot or must not be written (see above).
        OutputError: the file cannot be written.
    """
    path, shape, head, settings, vals = _prepare(path, size, lang, mode, header, rows, reviews, locked, force)
    with atomic_path(path) as temp:
        if len(vals) < _SENTINELS:
            _skeleton(shape).write(os.fspath(temp), vals)
        else:  # thousands of rows: more cells than stand-ins, build it in full
            _build(os.fspath(temp), shape, head, settings, vals)
    return path


def _inputs(size, lang, header, rows, reviews):
    """(head, kpi_rows, review_rows, settings) of a template: defaults merged with the caller's values."""
    kpi_rows = _merge_rows(rows, default_rows(size, lang)) if rows is not None else default_rows(size, lang)
    review_rows = [dict(r) for r in reviews] if reviews is not None else default_reviews(size, lang)
    settings = default_settings(size)
    head = {"template": TEMPLATE_TAG, "size": size, "quant_weight": settings["quant_weight"]}
    for key, value in (header or {}).items():
        key = key[4:] if key.startswith("kpi_") else key
        if key in ("template", "size"):
            continue
        head[key] = value
    return head, kpi_rows, review_rows, settings


def _page_header(head: dict, lang: str) -> str:
    """The printed page header: id and name left, the title centred, the period right."""
    def part(value, limit: int) -> str:  # "&" starts a header code: doubled; control characters dropped
        text = _HEADER_DROPPED.sub("", "" if value is None else str(value)).strip()[:limit]
        return text.replace("&", "&&")
    who = " ".join(p for p in (part(head.get("manager_id"), 40), part(head.get("manager_name"), 40)) if p)
    return f"&L{who}&C{T[lang]['title']}&R{part(head.get('period'), 30)}"


def _values(head, kpi_rows, review_rows, cached, lang) -> dict:
    """Every cell value that differs between workbooks of one shape, keyed by its place.

    The XlsxWriter build (:func:`_build`) takes its variable values from this mapping
    only, which is what lets :class:`_Skeleton` patch them into a prebuilt workbook.
    """
    def result(value):  # a cached formula result: NaN would be invalid XML, show blank
        return "" if isinstance(value, float) and not math.isfinite(value) else value

    vals: dict = {("head", name): head.get(name[4:]) for name in INPUT_NAMES}
    for name in ("kpi_quant_score", "kpi_qual_score", "kpi_final_score", "kpi_grade", "weight_total",
                 "veto_count"):
        vals[("cache", name)] = result(cached.get(name, ""))
    for i, row in enumerate(kpi_rows):
        for key in KPI_COLUMNS:
            if key in FORMULA_COLUMNS:
                vals[("kpif", i, key)] = result(cached["rows"][i].get(key, ""))
            else:
                vals[("kpi", i, key)] = _enum_text(key, row.get(key), lang)
    for i, row in enumerate(review_rows):
        for column in REVIEW.columns:
            value = row.get(column.key)
            if column.key == "role" and value is not None:
                parsed = ROLE.try_parse(value)
                value = ROLE.label(parsed, lang) if parsed else value
            vals[("rev", i, column.key)] = value
    for role in ROLE.keys:
        for j in range(3):
            vals[("role", role, j)] = result(cached["roles"][role][j])
    vals[("qual_echo",)] = result(cached.get("kpi_qual_score", ""))
    vals[PAGE_HEADER] = _page_header(head, lang)
    vals[WHO] = _who(head, lang)
    return vals


def _who_formula(lang: str) -> str:
    """The review sheet's line naming whom it is about (id, name, period), for a sheet printed alone:
    a formula, so it follows what is typed in the header; blank while the header is."""
    before, between = (f'"{text}"' for text in T[lang]["review_who"])
    return (f'=IF(TRIM(kpi_manager_id&kpi_manager_name&kpi_period)="","",'
            f'{before}&TRIM(kpi_manager_id&" "&kpi_manager_name)&{between}&kpi_period)')


def _excel_text(value) -> str:
    """A header value as Excel's & operator shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, numbers.Real):
        number = float(value)
        return str(int(number)) if number.is_integer() else f"{number:.15G}"
    return str(value)


def _who(head: dict, lang: str) -> str:
    """The cached result of :func:`_who_formula` (Excel's TRIM: outer spaces off, inner runs as one)."""
    def trim(text: str) -> str:
        return re.sub(" +", " ", text).strip(" ")

    manager_id, name, period = (_excel_text(head.get(key)) for key in ("manager_id", "manager_name", "period"))
    if trim(manager_id + name + period) == "":
        return ""
    before, between = T[lang]["review_who"]
    # control characters cannot be a cached string result (XlsxWriter writes them raw): dropped
    return _HEADER_DROPPED.sub("", before + trim(manager_id + " " + name) + between + period)


def _prepare(path, size, lang, mode, header, rows, reviews, locked, force):
    """Checked arguments, the workbook's shape, the merged inputs and every variable cell value."""
    _check(size, lang, mode)
    check_output_file(path, suffixes=(".xlsx",), force=force, name="scorecard")
    head, kpi_rows, review_rows, settings = _inputs(size, lang, header, rows, reviews)
    cached = _cache.results(kpi_rows, review_rows, settings, head, lang, mode)
    shape = _Shape(size, lang, mode, len(kpi_rows), len(review_rows),
                   tuple(_is_percent(row) for row in kpi_rows), bool(locked))
    return Path(path), shape, head, settings, _values(head, kpi_rows, review_rows, cached, lang)


def _write_direct(path, size="medium", lang="zh", mode="portable", header=None, rows=None, reviews=None,
                  *, locked: bool = False, force: bool = False) -> Path:
    """The reference implementation of :func:`write_template`: one full XlsxWriter build.

    ``write_template`` patches a cached build of the same shape instead, which is several
    times faster; the tests check that both give the same workbook.
    """
    path, shape, head, settings, vals = _prepare(path, size, lang, mode, header, rows, reviews, locked, force)
    with atomic_path(path) as temp:
        _build(os.fspath(temp), shape, head, settings, vals)
    return path


def _build(filename, shape: _Shape, head, settings, vals) -> None:
    t = T[shape.lang]
    wb = xlsxwriter.Workbook(filename, {
        "in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
        "default_format_properties": _FONT[shape.lang],
    })
    # The cached results are the engine's (see cache.py), so nothing asks for a full
    # recalculation on load: viewers that never recalculate show the right numbers.
    wb.calc_on_load = False
    fonts = _FONT[shape.lang]
    f = {name: wb.add_format({**fonts, **props}) for name, props in _FORMATS.items()}
    formulas = all_formulas(_refs(shape.lang), shape.mode)

    ws = wb.add_worksheet(t["sheet_kpi"], worksheet_class=_Sheet)
    wr = wb.add_worksheet(t["sheet_review"], worksheet_class=_Sheet)
    wset = wb.add_worksheet(t["sheet_settings"], worksheet_class=_Sheet)
    wh = wb.add_worksheet(t["sheet_help"], worksheet_class=_Sheet)
    ws.activate()

    page = _Page(t, vals[PAGE_HEADER])
    _scorecard(wb, ws, f, shape, head, formulas, vals, page)
    _reviews(ws=wr, f=f, shape=shape, formulas=formulas, vals=vals, page=page)
    _settings(wb, wset, f, shape, settings, page)
    _instructions(wh, f, t, page)
    wb.set_properties({"title": t["title"], "subject": TEMPLATE_TAG, "author": "kpi-scorecard",
                       "keywords": f"{TEMPLATE_TAG}, {shape.size}, {shape.lang}, {shape.mode}"})
    wb.close()


# --------------------------------------------------------------------------- prebuilt workbooks

_SENTINEL_BASE = 987654300000  # stand-in numbers, one per variable cell, in a prebuilt workbook
_SENTINELS = 100_000  # the pattern below matches 987654300000 … 987654399999
# one <c> element holding a stand-in (formula text is XML-escaped, so it has no "<")
_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"((?: [a-z]+="[^"]*")*)>(<f>[^<]*</f>)?<v>(9876543[0-9]{5})(?:\.0)?</v></c>')
_HEADER_DROPPED = re.compile("[\x00-\x1f\ufffe\uffff]")  # cannot be printed in a page header
_CORE_TIMES = re.compile(r"(<dcterms:(?:created|modified) xsi:type=\"dcterms:W3CDTF\">)[^<]*(</dcterms:)")


def _cell_xml(ref: str, attrs: str, formula: str | None, value) -> str:
    """The <c> element of one cell holding ``value`` (the cached result when ``formula``)."""
    style = "".join(a for a in re.findall(r' [a-z]+="[^"]*"', attrs) if a.startswith(" s="))
    if isinstance(value, (bool, np.bool_)):
        return f'<c r="{ref}"{style} t="b">{formula or ""}<v>{int(bool(value))}</v></c>'
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number):
            value = None if formula is None else ""
        elif math.isinf(number):
            value = str(number)
        elif formula is None:  # as XlsxWriter writes numbers and cached results
            return f'<c r="{ref}"{style}><v>{number:.16G}</v></c>'
        else:
            shown = str(int(value)) if isinstance(value, (int, np.integer)) else str(number)
            return f'<c r="{ref}"{style}>{formula}<v>{shown}</v></c>'
    if formula is not None:
        if value is None or value == "":
            return f'<c r="{ref}"{style}>{formula}<v></v></c>'
        return f'<c r="{ref}"{style} t="str">{formula}<v>{cell_text(str(value))}</v></c>'
    if value is None or value == "":
        return f'<c r="{ref}"{style}/>'
    text = str(value)
    space = ' xml:space="preserve"' if needs_preserve(text) else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{cell_text(text)}</t></is></c>'


class _Skeleton:
    """One XlsxWriter build of a template shape with stand-in numbers in every variable cell.

    ``write`` copies its parts into a new zip, replacing each stand-in by the cell of the
    real value (numbers, booleans, blanks, inline strings; formulas keep their text and get
    the cached result) and the page-header stand-in by the real header. Everything else
    (styles, tables, validations, names, the settings and instructions sheets) is reused
    byte for byte.
    """

    def __init__(self, shape: _Shape):
        head, _, _, settings = _inputs(shape.size, shape.lang, None, None, None)
        keys = [key for key in _values(head, [{}] * shape.n_rows, [{}] * shape.n_reviews,
                                       _blank_results(shape.n_rows), shape.lang) if key != PAGE_HEADER]
        self.keys = {str(_SENTINEL_BASE + i): key for i, key in enumerate(keys)}
        stand_ins: dict = {key: float(_SENTINEL_BASE + i) for i, key in enumerate(keys)}
        stand_ins[PAGE_HEADER] = _HEADER_STAND_IN
        buffer = io.BytesIO()
        _build(buffer, shape, head, settings, stand_ins)
        with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
            self.parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
        found: dict[str, set[str]] = {name: {m.group(4) for m in _CELL.finditer(data.decode("utf-8"))}
                                      for name, data in self.parts}
        self.patched = {name for name, sentinels in found.items() if sentinels}
        self.headers = {name for name, data in self.parts if _HEADER_STAND_IN.encode() in data}
        missing = set(self.keys) - set().union(*found.values())
        if missing or len(self.headers) != 4:  # a layout change the patcher does not understand: fail loudly
            raise RuntimeError(f"prebuilt template lost {len(missing)} variable cells or its page headers")

    def write(self, filename: str, vals: dict) -> None:
        def replace(match):
            ref, attrs, formula, sentinel = match.groups()
            return _cell_xml(ref, attrs, formula, vals[self.keys[sentinel]])

        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        header = cell_text(vals[PAGE_HEADER])  # escaped as XlsxWriter escapes the headers it writes itself
        with zipfile.ZipFile(filename, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.parts:
                if name in self.patched or name in self.headers:
                    text = data.decode("utf-8")
                    if name in self.patched:
                        text = _CELL.sub(replace, text)
                    data = text.replace(_HEADER_STAND_IN, header).encode("utf-8")
                elif name == "docProps/core.xml":
                    data = _CORE_TIMES.sub(lambda m: m.group(1) + now + m.group(2), data.decode("utf-8")).encode()
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)


def _blank_results(n_rows: int) -> dict:
    return {"rows": [{} for _ in range(n_rows)], "roles": {role: ("", "", "") for role in ROLE.keys}}


@lru_cache(maxsize=64)
def _skeleton(shape: _Shape) -> _Skeleton:
    return _Skeleton(shape)


def _dv(ws, first_row, col, last_row, spec, t, prompt, error) -> None:
    options = dict(spec)
    options.update({"input_title": t[prompt][0], "input_message": t[prompt][1],
                    "error_title": t[error][0], "error_message": t[error][1], "error_type": "stop"})
    ws.data_validation(first_row, col, last_row, col, options)


class _Page:
    """What every sheet prints the same way: the page header (who, title, period) and footer."""

    def __init__(self, t: dict, header: str):
        self.header, self.footer = header, t["page_footer"]

    def setup(self, ws, landscape: bool = True) -> None:
        if landscape:
            ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.set_header(self.header)
        ws.set_footer(self.footer)


def _protect(ws, **allowed: bool) -> None:
    """Protect without a password; formatting cells stays allowed (the add-in's highlighting, users' colours)."""
    ws.protect("", {"format_cells": True, "format_columns": True, "format_rows": True, **allowed})


def _cell_format(f: dict, key: str, percent: bool, locked: bool):
    """Format of an input cell of tblKPI: who fills it (colour, lock) and how it is shown."""
    if key == "weight" or (percent and key in PERCENT_KEYS):
        shape = "pct"
    else:
        shape = "num" if KPI.column(key).kind == "number" else "text"
    kind = "mgr" if key in MANAGER_KEYS else ("set" if locked else "hr")
    return f[f"{kind}_{shape}"]


def _error_texts(t: dict, mode: str) -> tuple[str, ...]:
    """The starts of the texts a computed cell shows for invalid input: the portable formulas' and,
    in add-in mode, the live functions' ``#KPI!`` as well."""
    start = t["err"]["number"].split("：")[0].split(":")[0]
    return (start, "#KPI!") if mode == "addin" else (start,)


def _result_formats(ws, f, first_row: int, first_col: int, last_row: int, last_col: int, t, mode) -> None:
    """Red error texts and the grey placeholder on computed cells."""
    for start in _error_texts(t, mode):
        ws.conditional_format(first_row, first_col, last_row, last_col, {
            "type": "text", "criteria": "begins with", "value": start, "format": f["err_font"]})
    ws.conditional_format(first_row, first_col, last_row, last_col, {
        "type": "cell", "criteria": "==", "value": f'"{t["todo"]}"', "format": f["todo_font"]})


def _scorecard(wb, ws, f, shape: _Shape, head, formulas, vals, page: _Page) -> None:
    t = T[shape.lang]
    for key, width in WIDTHS.items():
        ws.set_column(COL[key], COL[key], EN_WIDTHS.get(key, width) if shape.lang == "en" else width)
    ws.set_row(0, 24)
    size_label = t["size_label"][shape.size]
    ws.merge_range(0, 0, 0, 12, f"{t['title']}（{size_label}）" if shape.lang == "zh"
                   else f"{t['title']} ({size_label})", f["title"])
    ws.set_row(1, 30)
    ws.merge_range(1, 0, 1, len(KPI_COLUMNS) - 1, t["legend_locked" if shape.locked else "legend"], f["legend"])
    _header_blocks(wb, ws, f, shape, head, formulas, vals)
    _kpi_table(ws, f, shape, formulas, vals)
    if shape.n_rows:
        _kpi_validations(ws, shape.lang, shape.n_rows)
        _kpi_highlights(ws, f, shape)
    ws.freeze_panes(TABLE_HEADER + 1, COL["indicator"] + 1)
    page.setup(ws)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.5)
    ws.repeat_rows(TABLE_HEADER)
    ws.center_horizontally()
    _protect(ws, autofilter=True)


def _header_value(name: str, shape: _Shape, head, f, vals):
    """(format, value) of a header field that is not a formula."""
    if name in INPUT_NAMES:
        kind = "set" if shape.locked else "hr"
        return f[f"{kind}_pct" if name == "kpi_quant_weight" else f"{kind}_text"], vals[("head", name)]
    if name == "kpi_size":  # the size in the workbook's language (readers accept key and label)
        return f["fixed"], SIZE.label(shape.size, shape.lang) if shape.lang == "zh" else shape.size
    if name == "kpi_template":
        return f["fixed"], head["template"]
    return {"kpi_grade": f["grade"], "weight_total": f["calc_pct"], "veto_count": f["calc_int"]}.get(
        name, f["result"]), None


def _header_blocks(wb, ws, f, shape: _Shape, head, formulas, vals) -> None:
    """The three blocks above tblKPI: header fields, template facts, results."""
    sheet = T[shape.lang]["sheet_kpi"]
    for (l0, l1, v0, v1), fields in zip(BLOCKS, BLOCK_FIELDS):
        for i, name in enumerate(fields):
            row = HEADER_TOP + i
            label = _label(name, shape.lang)
            if l1 > l0:
                ws.merge_range(row, l0, row, l1, label, f["label"])
            else:
                ws.write_string(row, l0, label, f["label"])
            fmt, value = _header_value(name, shape, head, f, vals)
            if v1 > v0:
                ws.merge_range(row, v0, row, v1, None, fmt)
            if name in formulas:
                ws.write_formula(row, v0, formulas[name], fmt, vals[("cache", name)])
            else:
                _put(ws, row, v0, value, fmt)
            if name.startswith("kpi_"):
                wb.define_name(name, "=" + _sheet_ref(sheet, row, v0))
    t = T[shape.lang]
    qw_row, qw_col = _field_cell("kpi_quant_weight")
    _dv(ws, qw_row, qw_col, qw_row, {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1},
        t, "dv_share", "dv_share_error")
    wt_row, wt_col = _field_cell("weight_total")
    wt = xl_rowcol_to_cell(wt_row, wt_col)
    ws.conditional_format(wt_row, wt_col, wt_row, wt_col, {
        "type": "formula", "criteria": f"=ABS({wt}-1)>0.001", "format": f["bad"]})
    ws.conditional_format(wt_row, wt_col, wt_row, wt_col, {
        "type": "formula", "criteria": f"=ABS({wt}-1)<=0.001", "format": f["good"]})
    first_result = _field_cell("kpi_quant_score")
    _result_formats(ws, f, first_result[0], first_result[1], first_result[0] + 4, first_result[1] + 1, t,
                    shape.mode)


def _kpi_table(ws, f, shape: _Shape, formulas, vals) -> None:
    """tblKPI: the table, its formulas with their cached results, the input cells."""
    first, last = TABLE_HEADER + 1, TABLE_HEADER + shape.n_rows
    columns = []
    for key in KPI_COLUMNS:
        header = T[shape.lang][key] if key in ("effective_target", "achievement") \
            else KPI.column(key).label(shape.lang)
        col = {"header": header, "header_format": f["header_calc"] if key in FORMULA_COLUMNS else f["header"]}
        if key in FORMULA_COLUMNS:
            col["formula"] = formulas[key]
        columns.append(col)
    ws.set_row(TABLE_HEADER, 30)
    ws.add_table(TABLE_HEADER, 0, last, len(KPI_COLUMNS) - 1, {
        "name": KPI.name, "columns": columns, "style": "Table Style Light 15", "autofilter": False})
    calc = {"achievement": f["calc_pct"], "effective_target": f["calc_plain"]}
    for i, percent in enumerate(shape.percent_rows):
        r = first + i
        row_calc = dict(calc, effective_target=f["calc_pct"]) if percent else calc
        for key in KPI_COLUMNS:
            c = COL[key]
            if key in FORMULA_COLUMNS:
                ws.write_formula(r, c, formulas[key], row_calc.get(key, f["calc_num"]), vals[("kpif", i, key)])
            else:
                _put(ws, r, c, vals[("kpi", i, key)], _cell_format(f, key, percent, shape.locked))


def _kpi_validations(ws, lang: str, n_rows: int) -> None:
    t = T[lang]
    first, last = TABLE_HEADER + 1, TABLE_HEADER + n_rows
    for key in ("dimension", "tier", "direction", "method", "veto"):
        _dv(ws, first, COL[key], last, {"validate": "list", "source": ENUMS[key].choices(lang)},
            t, "dv_list", "dv_list_error")
    _dv(ws, first, COL["weight"], last, {"validate": "decimal", "criteria": "between",
                                          "minimum": 0, "maximum": 1}, t, "dv_weight", "dv_weight_error")
    any_number = {"validate": "decimal", "criteria": "between", "minimum": -1e15, "maximum": 1e15}
    for key, prompt in (("threshold", "dv_number"), ("target", "dv_target"), ("stretch", "dv_number"),
                        ("adjusted_target", "dv_number"), ("actual", "dv_actual")):
        _dv(ws, first, COL[key], last, any_number, t, prompt, "dv_number_error")
    _dv(ws, first, COL["param"], last, {"validate": "decimal", "criteria": ">=", "value": 0},
        t, "dv_param", "dv_param_error")


def _kpi_highlights(ws, f, shape: _Shape) -> None:
    """Colour scale and error / placeholder texts on the scores; an actual typed in percent
    points on a % indicator (95 for 95 %) in red, as PERCENT_SCALE reports it."""
    t = T[shape.lang]
    first, last = TABLE_HEADER + 1, TABLE_HEADER + shape.n_rows
    sc = COL["score"]
    ws.conditional_format(first, sc, last, sc, {
        "type": "3_color_scale", "min_type": "num", "min_value": 0, "min_color": "#F8696B",
        "mid_type": "num", "mid_value": 80, "mid_color": "#FFEB84",
        "max_type": "num", "max_value": 120, "max_color": "#63BE7B"})
    _result_formats(ws, f, first, sc, last, sc, t, shape.mode)
    unit, actual, target = (xl_rowcol_to_cell(first, COL[k], col_abs=True)
                            for k in ("unit", "actual", "effective_target"))
    units = ",".join(f'{unit}="{u}"' for u in PERCENT_UNITS)
    ws.conditional_format(first, COL["actual"], last, COL["actual"], {
        "type": "formula", "format": f["bad"],
        "criteria": f"=AND(OR({units}),ISNUMBER({actual}),ISNUMBER({target}),"
                    f"{actual}>={PERCENT_SCALE_ACTUAL:g},{target}<={PERCENT_SCALE_TARGET:g})"})


def _reviews(ws, f, shape: _Shape, formulas, vals, page: _Page) -> None:
    t, lang = T[shape.lang], shape.lang
    for i, width in enumerate(REVIEW_WIDTHS):
        ws.set_column(i, i, width)
    ws.set_column(ROLE_BLOCK_COL - 1, ROLE_BLOCK_COL - 1, 3)
    ws.set_column(ROLE_BLOCK_COL, ROLE_BLOCK_COL + 3, 11)
    ws.write_string(0, 0, t["review_title"], f["title"])
    ws.set_row(1, 45)
    ws.merge_range(1, 0, 1, ROLE_BLOCK_COL + 3, t["review_legend"], f["legend"])
    ws.set_row(2, 20)
    ws.merge_range(2, 0, 2, len(REVIEW.columns) - 1, "", f["who"])
    ws.write_formula(2, 0, _who_formula(lang), f["who"], vals[WHO])
    n = shape.n_reviews + REVIEW_SPARE_ROWS
    first, last = REVIEW_HEADER + 1, REVIEW_HEADER + n
    ws.add_table(REVIEW_HEADER, 0, last, len(REVIEW.columns) - 1, {
        "name": REVIEW.name, "style": "Table Style Light 15", "autofilter": False,
        "columns": [{"header": c.label(lang), "header_format": f["header"]} for c in REVIEW.columns]})
    for i in range(n):
        for c, column in enumerate(REVIEW.columns):
            value = vals[("rev", i, column.key)] if i < shape.n_reviews else None
            _put(ws, first + i, c, value, f["mgr_num"] if column.kind == "number" else f["mgr_text"])
    _dv(ws, first, 0, last, {"validate": "list", "source": ROLE.choices(lang)}, t, "dv_list", "dv_list_error")
    _dv(ws, first, REVIEW.keys.index("rating"), last,
        {"validate": "decimal", "criteria": "between", "minimum": 1, "maximum": 5}, t, "dv_rating",
        "dv_rating_error")

    # per-role block: role | weight | count | mean
    for j, title in enumerate(t["role_block"]):
        ws.write_string(REVIEW_HEADER, ROLE_BLOCK_COL + j, title, f["header_calc"])
    for i, role in enumerate(ROLE.keys):
        r = REVIEW_HEADER + 1 + i
        ws.write_string(r, ROLE_BLOCK_COL, ROLE.label(role, lang), f["fixed"])
        for j, (kind, fmt) in enumerate((("weight", "calc_pct"), ("count", "calc_int"), ("mean", "calc_num"))):
            ws.write_formula(r, ROLE_BLOCK_COL + 1 + j, formulas[f"role_{kind}_{role}"], f[fmt],
                             vals[("role", role, j)])
    r = REVIEW_HEADER + 1 + len(ROLE.keys)
    ws.merge_range(r, ROLE_BLOCK_COL, r, ROLE_BLOCK_COL + 2, t["qual"], f["label"])
    ws.write_formula(r, ROLE_BLOCK_COL + 3, "=kpi_qual_score", f["result"], vals[("qual_echo",)])
    _result_formats(ws, f, r, ROLE_BLOCK_COL + 3, r, ROLE_BLOCK_COL + 3, t, shape.mode)
    ws.freeze_panes(first, 0)
    page.setup(ws)
    ws.repeat_rows(REVIEW_HEADER)
    _protect(ws)


def _settings(wb, ws, f, shape: _Shape, settings, page: _Page) -> None:
    t, lang = T[shape.lang], shape.lang
    kind = "set" if shape.locked else "hr"
    text, num, pct = f[f"{kind}_text"], f[f"{kind}_num"], f[f"{kind}_pct"]
    ws.write_string(0, 0, t["settings_title"], f["title"])
    ws.set_row(1, 30)
    ws.merge_range(1, 0, 1, CAP_COL + 1, t["bands_note"] + " " + t["quotas_note"], f["legend"])
    tables = (
        (BANDS, settings["bands"], (num, num)),
        (GRADES, settings["grades"], (text, num)),
        (QUOTAS, settings["quotas"], (text, pct)),
        (BONUS, settings["bonus"], (text, num)),
        (ROLE_WEIGHTS, [(ROLE.label(k, lang), w) for k, w in settings["role_weights"]], (text, pct)),
    )
    ws.set_row(SETTINGS_HEADER, 30)
    for table, data, fmts in tables:
        _settings_table(ws, f, t, lang, table, data, fmts)
    ws.set_column(CAP_COL, CAP_COL, 20)
    ws.set_column(CAP_COL + 1, CAP_COL + 1, 8)
    ws.write_string(SETTINGS_HEADER, CAP_COL, t["cap"], f["label"])
    ws.write_number(SETTINGS_HEADER, CAP_COL + 1, settings["cap"], num)
    wb.define_name(CAP_NAME, "=" + _sheet_ref(t["sheet_settings"], SETTINGS_HEADER, CAP_COL + 1))
    _dv(ws, SETTINGS_HEADER, CAP_COL + 1, SETTINGS_HEADER,
        {"validate": "decimal", "criteria": ">=", "value": 100}, t, "dv_cap", "dv_cap_error")
    page.setup(ws)
    _protect(ws)


def _settings_table(ws, f, t, lang, table, data, fmts) -> None:
    c0 = SETTINGS_COLS[table.name]
    ws.set_column(c0, c0 + 1, 14 if table is BANDS else 11)
    ws.set_column(c0 + 2, c0 + 2, 3)
    ws.add_table(SETTINGS_HEADER, c0, SETTINGS_HEADER + len(data), c0 + 1, {
        "name": table.name, "style": "Table Style Light 15", "autofilter": False,
        "columns": [{"header": c.label(lang), "header_format": f["header"]} for c in table.columns]})
    for i, values in enumerate(data):
        for j, value in enumerate(values):
            _put(ws, SETTINGS_HEADER + 1 + i, c0 + j, value, fmts[j])
    first, last = SETTINGS_HEADER + 1, SETTINGS_HEADER + len(data)
    if table in (GRADES, QUOTAS, BONUS):
        _dv(ws, first, c0, last, {"validate": "list", "source": GRADE.choices(lang)}, t, "dv_list",
            "dv_list_error")
    elif table is ROLE_WEIGHTS:
        _dv(ws, first, c0, last, {"validate": "list", "source": ROLE.choices(lang)}, t, "dv_list",
            "dv_list_error")
    number = {"validate": "decimal", "criteria": ">=", "value": 0}
    if table in (QUOTAS, ROLE_WEIGHTS):
        number = {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1}
    _dv(ws, first, c0 + 1, last, number, t, "dv_number", "dv_number_error")
    if table is BANDS:
        _dv(ws, first, c0, last, {"validate": "decimal", "criteria": ">=", "value": 0}, t, "dv_number",
            "dv_number_error")


def _instructions(ws, f, t, page: _Page) -> None:
    ws.set_column(0, 0, 80)
    ws.write_string(0, 0, t["help_title"], f["title"])
    ws.set_row(0, 24)
    for i, (kind, text) in enumerate(t["help"], start=2):
        if kind == "h":
            ws.set_row(i, 22)
            ws.write_string(i, 0, text, f["h1"])
        else:
            # CJK characters are about twice as wide as Latin ones
            width = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
            ws.set_row(i, 15 * max(1, math.ceil(width / 64)) + 4)
            ws.write_string(i, 0, text, f["para"])
    page.setup(ws, landscape=False)
    ws.set_margins(left=0.5, right=0.5)
    _protect(ws)


__all__ = ["write_template", "KPI_COLUMNS"]
