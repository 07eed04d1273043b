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

import numpy as np
import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from addin.contract.errors import OutputError
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
from addin.contract.standard import default_reviews, default_rows, default_settings
from addin.xlsx.atomic import atomic_path
from addin.xlsx.xml_text import cell_text, needs_preserve
from udfs.enums import DIMENSION, DIRECTION, GRADE, METHOD, ROLE, TIER, VETO
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

_FORMATS = {
    "title": {"bold": True, "font_size": 16, "font_color": "#1F4E78"},
    "legend": {"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"},
    "label": {"bold": True, "bg_color": "#DDEBF7", "border": 1, "border_color": "#A6A6A6", "valign": "vcenter"},
    "in_text": {"locked": False, "bg_color": "#FFF9DB", "border": 1, "border_color": "#BFBFBF"},
    "in_num": {"locked": False, "bg_color": "#FFF9DB", "border": 1, "border_color": "#BFBFBF",
               "num_format": "#,##0.####"},
    "in_pct": {"locked": False, "bg_color": "#FFF9DB", "border": 1, "border_color": "#BFBFBF",
               "num_format": "0.0%"},
    "fixed": {"bg_color": "#F2F2F2", "border": 1, "border_color": "#BFBFBF"},
    "calc_num": {"bg_color": "#F2F2F2", "border": 1, "border_color": "#BFBFBF", "num_format": "0.00",
                 "shrink": True},
    "calc_plain": {"bg_color": "#F2F2F2", "border": 1, "border_color": "#BFBFBF", "num_format": "#,##0.####"},
    "calc_pct": {"bg_color": "#F2F2F2", "border": 1, "border_color": "#BFBFBF", "num_format": "0.0%"},
    "calc_int": {"bg_color": "#F2F2F2", "border": 1, "border_color": "#BFBFBF", "num_format": "0"},
    "result": {"bold": True, "font_size": 12, "shrink": True, "bg_color": "#E2EFDA", "border": 1, "border_color": "#A6A6A6",
               "num_format": "0.00", "align": "center"},
    "grade": {"bold": True, "font_size": 14, "shrink": True, "bg_color": "#E2EFDA", "border": 1, "border_color": "#A6A6A6",
              "align": "center"},
    "header": {"bold": True, "text_wrap": True, "valign": "vcenter", "align": "center", "font_color": "#FFFFFF",
               "bg_color": "#1F4E78", "border": 1, "border_color": "#FFFFFF"},
    "header_calc": {"bold": True, "text_wrap": True, "valign": "vcenter", "align": "center",
                    "font_color": "#FFFFFF", "bg_color": "#548235", "border": 1, "border_color": "#FFFFFF"},
    "h1": {"bold": True, "font_size": 12, "font_color": "#1F4E78"},
    "para": {"text_wrap": True, "valign": "top"},
    "bad": {"bg_color": "#FFC7CE", "font_color": "#9C0006"},
    "good": {"bg_color": "#C6EFCE", "font_color": "#006100"},
    "err_font": {"font_color": "#C00000", "bold": True},
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


def write_template(path, size: str = "medium", lang: str = "zh", mode: str = "addin", header=None,
                   rows=None, reviews=None) -> Path:
    """Write one assessment workbook (FORMAT.md) atomically and return its path.

    Args:
        path: the .xlsx file to write (replaced atomically when it exists).
        size: "small", "medium" or "large": the indicator set and review roles.
        lang: "zh" or "en": headers, labels, validation messages and instructions.
        mode: "addin" (cells call KPI_SCORE() etc.) or "portable" (native formulas only).
        header: {defined-name key without ``kpi_``: value}, e.g. {"manager_id": "AM001",
            "period": "2026Q3", "quant_weight": 0.7}.
        rows: None for the size's default indicators, or dicts keyed by ``schema.KPI`` keys
            overriding the default row at the same index (extra dicts append rows).
        reviews: dicts keyed by ``schema.REVIEW`` keys; None for the size's default
            (role × competency rows with blank ratings).

    Returns:
        The path written, as a :class:`~pathlib.Path`.
    """
    path, head, kpi_rows, review_rows, settings, vals = _prepare(path, size, lang, mode, header, rows, reviews)
    with atomic_path(path) as temp:
        if len(vals) < _SENTINELS:
            _skeleton(size, lang, mode, len(kpi_rows), len(review_rows)).write(os.fspath(temp), vals)
        else:  # thousands of rows: more cells than stand-ins, build it in full
            _build(os.fspath(temp), size, lang, mode, head, len(kpi_rows), len(review_rows), settings, vals)
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


def _values(head, kpi_rows, review_rows, cached, lang) -> dict:
    """Every cell value that differs between workbooks of one shape, keyed by its place.

    The XlsxWriter build (:func:`_build`) takes its variable values from this mapping
    only, which is what lets :class:`_Skeleton` patch them into a prebuilt workbook.
    """
    def result(value):  # a cached formula result: NaN would be invalid XML, show blank
        return "" if isinstance(value, float) and not math.isfinite(value) else value

    vals = {("head", name): head.get(name[4:]) for name in INPUT_NAMES}
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
    return vals


def check_output_file(path) -> None:
    """Raise OutputError, before any work, when ``path`` cannot become a workbook file."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name such as scorecard.xlsx")
    blocking = next((p for p in path.parents if p.exists()), None)
    if blocking is not None and not blocking.is_dir():
        raise OutputError(f"cannot write {path}: {blocking} is a file, not a folder")


def _prepare(path, size, lang, mode, header, rows, reviews):
    """Checked arguments, the merged inputs and every variable cell value of one workbook."""
    _check(size, lang, mode)
    check_output_file(path)
    head, kpi_rows, review_rows, settings = _inputs(size, lang, header, rows, reviews)
    cached = _cache.results(kpi_rows, review_rows, settings, head, lang)
    return Path(path), head, kpi_rows, review_rows, settings, _values(head, kpi_rows, review_rows, cached, lang)


def _write_direct(path, size="medium", lang="zh", mode="addin", header=None, rows=None, reviews=None) -> Path:
    """The reference implementation of :func:`write_template`: one full XlsxWriter build.

    ``write_template`` patches a cached build of the same shape instead, which is several
    times faster; the tests check that both give the same workbook.
    """
    path, head, kpi_rows, review_rows, settings, vals = _prepare(path, size, lang, mode, header, rows, reviews)
    with atomic_path(path) as temp:
        _build(os.fspath(temp), size, lang, mode, head, len(kpi_rows), len(review_rows), settings, vals)
    return path


def _build(filename, size, lang, mode, head, n_rows, n_reviews, settings, vals) -> None:
    t = T[lang]
    wb = xlsxwriter.Workbook(filename, {
        "in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
        "default_format_properties": _FONT[lang],
    })
    fonts = _FONT[lang]
    f = {name: wb.add_format({**fonts, **props}) for name, props in _FORMATS.items()}
    refs = _refs(lang)
    formulas = all_formulas(refs, mode)

    ws = wb.add_worksheet(t["sheet_kpi"], worksheet_class=_Sheet)
    wr = wb.add_worksheet(t["sheet_review"], worksheet_class=_Sheet)
    wset = wb.add_worksheet(t["sheet_settings"], worksheet_class=_Sheet)
    wh = wb.add_worksheet(t["sheet_help"], worksheet_class=_Sheet)
    ws.activate()

    _scorecard(wb, ws, f, t, lang, size, mode, head, n_rows, formulas, vals)
    _reviews(wb, wr, f, t, lang, n_reviews, formulas, vals)
    _settings(wb, wset, f, t, lang, settings)
    _instructions(wh, f, t)
    wb.set_properties({"title": t["title"], "subject": TEMPLATE_TAG, "author": "kpi-scorecard",
                       "keywords": f"{TEMPLATE_TAG}, {size}, {lang}, {mode}"})
    wb.close()


# --------------------------------------------------------------------------- prebuilt workbooks

_SENTINEL_BASE = 987654300000  # stand-in numbers, one per variable cell, in a prebuilt workbook
_SENTINELS = 100_000  # the pattern below matches 987654300000 … 987654399999
# one <c> element holding a stand-in (formula text is XML-escaped, so it has no "<")
_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"((?: [a-z]+="[^"]*")*)>(<f>[^<]*</f>)?<v>(9876543[0-9]{5})(?:\.0)?</v></c>')
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
    the cached result). Everything else (styles, tables, validations, names, the settings
    and instructions sheets) is reused byte for byte.
    """

    def __init__(self, size, lang, mode, n_rows, n_reviews):
        head, _, _, settings = _inputs(size, lang, None, None, None)
        keys = list(_values(head, [{}] * n_rows, [{}] * n_reviews, _blank_results(n_rows), lang))
        self.keys = {str(_SENTINEL_BASE + i): key for i, key in enumerate(keys)}
        stand_ins = {key: float(_SENTINEL_BASE + i) for i, key in enumerate(keys)}
        buffer = io.BytesIO()
        _build(buffer, size, lang, mode, head, n_rows, n_reviews, settings, stand_ins)
        with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
            self.parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
        self.patched = set()
        for name, data in self.parts:
            text = data.decode("utf-8")
            found = {m.group(4) for m in _CELL.finditer(text)}
            if found:
                self.patched.add(name)
        missing = set(self.keys) - {m.group(4) for name, data in self.parts if name in self.patched
                                    for m in _CELL.finditer(data.decode("utf-8"))}
        if missing:  # a layout change that the patcher does not understand: fail loudly, never silently
            raise RuntimeError(f"prebuilt template lost {len(missing)} variable cells")

    def write(self, filename: str, vals: dict) -> None:
        def replace(match):
            ref, attrs, formula, sentinel = match.groups()
            return _cell_xml(ref, attrs, formula, vals[self.keys[sentinel]])

        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        with zipfile.ZipFile(filename, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.parts:
                if name in self.patched:
                    data = _CELL.sub(replace, data.decode("utf-8")).encode("utf-8")
                elif name == "docProps/core.xml":
                    data = _CORE_TIMES.sub(lambda m: m.group(1) + now + m.group(2), data.decode("utf-8")).encode()
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)


def _blank_results(n_rows: int) -> dict:
    return {"rows": [{} for _ in range(n_rows)], "roles": {role: ("", "", "") for role in ROLE.keys}}


@lru_cache(maxsize=64)
def _skeleton(size, lang, mode, n_rows, n_reviews) -> _Skeleton:
    return _Skeleton(size, lang, mode, n_rows, n_reviews)


def _dv(ws, first_row, col, last_row, spec, t, prompt, error) -> None:
    options = dict(spec)
    options.update({"input_title": t[prompt][0], "input_message": t[prompt][1],
                    "error_title": t[error][0], "error_message": t[error][1], "error_type": "stop"})
    ws.data_validation(first_row, col, last_row, col, options)


def _scorecard(wb, ws, f, t, lang, size, mode, head, n_rows, formulas, vals) -> None:  # noqa: C901 - to be split (issue 8)
    sheet = t["sheet_kpi"]
    last_col = len(KPI_COLUMNS) - 1
    for key, width in WIDTHS.items():
        ws.set_column(COL[key], COL[key], EN_WIDTHS.get(key, width) if lang == "en" else width)
    ws.set_row(0, 24)
    ws.merge_range(0, 0, 0, 12, f"{t['title']}（{t['size_label'][size]}）" if lang == "zh"
                   else f"{t['title']} ({t['size_label'][size]})", f["title"])
    ws.set_row(1, 30)
    ws.merge_range(1, 0, 1, last_col, t["legend"], f["legend"])

    for (l0, l1, v0, v1), fields in zip(BLOCKS, BLOCK_FIELDS):
        for i, name in enumerate(fields):
            row = HEADER_TOP + i
            label = _label(name, lang)
            if l1 > l0:
                ws.merge_range(row, l0, row, l1, label, f["label"])
            else:
                ws.write_string(row, l0, label, f["label"])
            if name in INPUT_NAMES:
                fmt = f["in_pct"] if name == "kpi_quant_weight" else f["in_text"]
                value = vals[("head", name)]
            elif name in ("kpi_template", "kpi_size"):
                fmt, value = f["fixed"], head[name[4:]]
            else:
                fmt = {"kpi_grade": f["grade"], "weight_total": f["calc_pct"], "veto_count": f["calc_int"]}.get(
                    name, f["result"])
                value = None
            if v1 > v0:
                ws.merge_range(row, v0, row, v1, None, fmt)
            if name in formulas:
                ws.write_formula(row, v0, formulas[name], fmt, vals[("cache", name)])
            else:
                _put(ws, row, v0, value, fmt)
            if name.startswith("kpi_"):
                wb.define_name(name, "=" + _sheet_ref(sheet, row, v0))
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
    ws.conditional_format(first_result[0], first_result[1], first_result[0] + 4, first_result[1] + 1, {
        "type": "text", "criteria": "begins with", "value": t["err"]["number"].split("：")[0].split(":")[0],
        "format": f["err_font"]})

    # tblKPI
    first, last = TABLE_HEADER + 1, TABLE_HEADER + n_rows
    columns = []
    for key in KPI_COLUMNS:
        header = T[lang][key] if key in ("effective_target", "achievement") else KPI.column(key).label(lang)
        col = {"header": header,
               "header_format": f["header_calc"] if key in FORMULA_COLUMNS else f["header"]}
        if key in FORMULA_COLUMNS:
            col["formula"] = formulas[key]
        columns.append(col)
    ws.set_row(TABLE_HEADER, 30)
    ws.add_table(TABLE_HEADER, 0, last, last_col, {
        "name": KPI.name, "columns": columns, "style": "Table Style Light 15", "autofilter": False})
    number_format = {"weight": f["in_pct"]}
    for i in range(n_rows):
        r = first + i
        for key in KPI_COLUMNS:
            c = COL[key]
            if key in FORMULA_COLUMNS:
                fmt = {"achievement": f["calc_pct"], "effective_target": f["calc_plain"]}.get(key, f["calc_num"])
                ws.write_formula(r, c, formulas[key], fmt, vals[("kpif", i, key)])
            else:
                kind = KPI.column(key).kind
                fmt = number_format.get(key, f["in_num"] if kind == "number" else f["in_text"])
                _put(ws, r, c, vals[("kpi", i, key)], fmt)

    if n_rows:
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
        sc = COL["score"]
        ws.conditional_format(first, sc, last, sc, {
            "type": "3_color_scale", "min_type": "num", "min_value": 0, "min_color": "#F8696B",
            "mid_type": "num", "mid_value": 80, "mid_color": "#FFEB84",
            "max_type": "num", "max_value": 120, "max_color": "#63BE7B"})
        ws.conditional_format(first, sc, last, sc, {
            "type": "text", "criteria": "begins with",
            "value": t["err"]["number"].split("：")[0].split(":")[0], "format": f["err_font"]})

    ws.freeze_panes(first, COL["indicator"] + 1)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.repeat_rows(TABLE_HEADER)
    ws.center_horizontally()
    ws.protect("", {"format_columns": True, "format_rows": True, "autofilter": True})


def _reviews(wb, ws, f, t, lang, n_reviews, formulas, vals) -> None:
    for i, width in enumerate(REVIEW_WIDTHS):
        ws.set_column(i, i, width)
    ws.set_column(ROLE_BLOCK_COL - 1, ROLE_BLOCK_COL - 1, 3)
    ws.set_column(ROLE_BLOCK_COL, ROLE_BLOCK_COL + 3, 11)
    ws.write_string(0, 0, t["review_title"], f["title"])
    ws.set_row(1, 45)
    ws.merge_range(1, 0, 1, ROLE_BLOCK_COL + 3, t["review_legend"], f["legend"])
    n = n_reviews + REVIEW_SPARE_ROWS
    first, last = REVIEW_HEADER + 1, REVIEW_HEADER + n
    ws.add_table(REVIEW_HEADER, 0, last, len(REVIEW.columns) - 1, {
        "name": REVIEW.name, "style": "Table Style Light 15", "autofilter": False,
        "columns": [{"header": c.label(lang), "header_format": f["header"]} for c in REVIEW.columns]})
    for i in range(n):
        for c, column in enumerate(REVIEW.columns):
            value = vals[("rev", i, column.key)] if i < n_reviews else None
            _put(ws, first + i, c, value, f["in_num"] if column.kind == "number" else f["in_text"])
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
        ws.write_formula(r, ROLE_BLOCK_COL + 1, formulas[f"role_weight_{role}"], f["calc_pct"],
                         vals[("role", role, 0)])
        ws.write_formula(r, ROLE_BLOCK_COL + 2, formulas[f"role_count_{role}"], f["calc_int"],
                         vals[("role", role, 1)])
        ws.write_formula(r, ROLE_BLOCK_COL + 3, formulas[f"role_mean_{role}"], f["calc_num"],
                         vals[("role", role, 2)])
    r = REVIEW_HEADER + 1 + len(ROLE.keys)
    ws.merge_range(r, ROLE_BLOCK_COL, r, ROLE_BLOCK_COL + 2, t["qual"], f["label"])
    ws.write_formula(r, ROLE_BLOCK_COL + 3, "=kpi_qual_score", f["result"], vals[("qual_echo",)])
    ws.freeze_panes(first, 0)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(REVIEW_HEADER)
    ws.protect("", {"format_columns": True, "format_rows": True})


def _settings(wb, ws, f, t, lang, settings) -> None:
    ws.write_string(0, 0, t["settings_title"], f["title"])
    ws.set_row(1, 30)
    ws.merge_range(1, 0, 1, CAP_COL + 1, t["bands_note"] + " " + t["quotas_note"], f["legend"])
    tables = (
        (BANDS, settings["bands"], (f["in_num"], f["in_num"])),
        (GRADES, settings["grades"], (f["in_text"], f["in_num"])),
        (QUOTAS, settings["quotas"], (f["in_text"], f["in_pct"])),
        (BONUS, settings["bonus"], (f["in_text"], f["in_num"])),
        (ROLE_WEIGHTS, [(ROLE.label(k, lang), w) for k, w in settings["role_weights"]], (f["in_text"], f["in_pct"])),
    )
    ws.set_row(SETTINGS_HEADER, 30)
    for table, data, fmts in tables:
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
    ws.set_column(CAP_COL, CAP_COL, 20)
    ws.set_column(CAP_COL + 1, CAP_COL + 1, 8)
    ws.write_string(SETTINGS_HEADER, CAP_COL, t["cap"], f["label"])
    ws.write_number(SETTINGS_HEADER, CAP_COL + 1, settings["cap"], f["in_num"])
    wb.define_name(CAP_NAME, "=" + _sheet_ref(t["sheet_settings"], SETTINGS_HEADER, CAP_COL + 1))
    _dv(ws, SETTINGS_HEADER, CAP_COL + 1, SETTINGS_HEADER,
        {"validate": "decimal", "criteria": ">=", "value": 100}, t, "dv_cap", "dv_cap_error")
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.protect("", {"format_columns": True, "format_rows": True})


def _instructions(ws, f, t) -> None:
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
    ws.set_paper(9)
    ws.set_margins(left=0.5, right=0.5)
    ws.fit_to_pages(1, 0)
    ws.protect("", {"format_columns": True, "format_rows": True})


__all__ = ["write_template", "KPI_COLUMNS"]
