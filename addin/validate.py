"""Validation of scorecard workbooks: per-file checks, recomputation, one report.

``check_scorecard`` turns a :class:`~addin.reader.Scorecard` into a
:class:`FileEntry`: its findings (each with file, sheet, A1 cell, row) and, when
the scores can be computed, a :class:`ManagerResult` recomputed with the engine
from the inputs only. Stored cells are compared, never trusted.

``validate_paths`` runs that over files and folders, adds the cross-file checks
(identical files, duplicate managers, periods, the statistics of
:mod:`addin.anomalies`) and returns a :class:`ValidationReport`.

A file is *merged* (its manager enters the team tables) unless it has an error
finding other than MISSING_ACTUAL (a blank actual scores 0 by SCORING.md §2);
see docs/consolidation.md.
"""

from __future__ import annotations

import contextlib
import gc
import math
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from udfs import engine
from udfs.enums import SIZE
from udfs.errors import KpiInputError

from . import schema
from .errors import UsageError
from .findings import ERROR, Finding, has_errors, make, sort_key
from .reader import Scorecard, TableData, is_lock_file, read_scorecard

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlsb", ".ods", ".xla", ".xlam", ".xlt")
NON_BLOCKING_ERRORS = {"MISSING_ACTUAL"}
MISMATCH_TOLERANCE = 1e-6


# ----------------------------------------------------------------------------- results

@dataclass(slots=True)
class IndicatorResult:
    """One recomputed indicator row."""

    dimension: str
    tier: str
    indicator: str
    weight: float  # fraction
    direction: str
    method: str
    target: float | None
    effective_target: float | None
    actual: float | None
    achievement: float | None
    score: float
    weighted: float
    veto: bool
    sheet: str
    row: int  # 1-based
    actual_cell: str


@dataclass(slots=True)
class ReviewResult:
    role: str
    reviewer: str
    competency: str
    rating: float
    sheet: str
    cell: str
    row: int


@dataclass
class ManagerResult:
    """A manager's scores recomputed from the inputs of one file."""

    file: str
    manager_id: str
    name: str
    team: str
    region: str
    period: str
    reviewer: str
    quant: float
    qual: float | None
    final: float
    grade: str
    veto: bool
    indicators: list[IndicatorResult]
    reviews: list[ReviewResult]
    settings: dict[str, Any]
    id_position: tuple[str, str, int]  # sheet, cell, row of kpi_manager_id
    final_position: tuple[str, str, int]  # sheet, cell, row of kpi_final_score (or the id)
    period_position: tuple[str, str, int] | None = None  # sheet, cell, row of kpi_period


@dataclass
class FileEntry:
    """One input file: exactly one tblFiles row."""

    path: str
    sha256: str = ""
    status: str = "rejected"  # merged | rejected | duplicate
    reason: str = ""
    findings: list[Finding] = field(default_factory=list)
    lang: str = "en"
    manager: ManagerResult | None = None
    size: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "status": self.status, "reason": self.reason,
                "findings": [f.as_dict() for f in self.findings]}


@dataclass
class ValidationReport:
    """The result of validating many files: one entry per input, all findings, valid flag."""

    files: list[FileEntry]
    findings: list[Finding]
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not has_errors(self.findings)

    def flat(self) -> list[tuple[str, str, str]]:
        """Sorted (file, cell, code) triples, for tests and quick comparisons."""
        return sorted(f.flat() for f in self.findings)

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "stats": self.stats,
            "files": [entry.as_dict() for entry in self.files],
            "findings": [f.as_dict() for f in self.findings],
        }


# ----------------------------------------------------------------------------- settings

_ENGINE_SETTINGS = {
    "bands": [tuple(b) for b in engine.DEFAULT_BANDS],
    "grades": [tuple(g) for g in engine.DEFAULT_GRADE_BANDS],
    "quotas": list(engine.DEFAULT_QUOTAS.items()),
    "bonus": list(engine.DEFAULT_BONUS_COEFFICIENTS.items()),
    "role_weights": list(engine.DEFAULT_ROLE_WEIGHTS.items()),
    "quant_weight": engine.DEFAULT_QUANT_WEIGHT,
    "cap": engine.DEFAULT_CAP,
}
SETTING_TABLES = {"bands": schema.BANDS, "grades": schema.GRADES, "quotas": schema.QUOTAS,
                  "bonus": schema.BONUS, "role_weights": schema.ROLE_WEIGHTS}
SETTING_LABELS = {
    "bands": ("分档计分表", "score bands"), "grades": ("等级标准", "grade bands"),
    "quotas": ("强制分布比例", "forced-distribution quotas"), "bonus": ("奖金系数", "bonus coefficients"),
    "role_weights": ("评价角色权重", "review role weights"), "quant_weight": ("定量占比", "quantitative share"),
    "weights": ("指标权重", "indicator weights"),
    "cap": (schema.SETTING_NAMES[0].zh, schema.SETTING_NAMES[0].en.lower()),
}
SCALAR_SETTINGS = ("quant_weight", "cap")
COMPARED_SETTINGS = ("bands", "grades", "quotas", "bonus", "role_weights", "quant_weight", "cap")


def default_settings(size: str | None) -> dict[str, Any]:
    """The settings a file of ``size`` should carry when there is no master template:
    the template generator's defaults for the size (they differ in role weights),
    else the engine's (SCORING.md) defaults."""
    try:
        from workbook_templates.definitions import default_settings as template_defaults
        settings = template_defaults(size if size in schema.SIZES else "medium")
        return {k: settings.get(k, v) for k, v in _ENGINE_SETTINGS.items()}
    except Exception:  # noqa: BLE001 - templates package absent or older: SCORING.md defaults
        return dict(_ENGINE_SETTINGS)


def _canonical(kind: str, value) -> Any:
    """Comparable form of one setting (sorted, percent points normalised, rounded)."""
    key = (kind, value if kind in SCALAR_SETTINGS else tuple(value.items()) if isinstance(value, dict) else tuple(value))
    if key not in _CANONICAL:
        _CANONICAL[key] = _canonical_uncached(kind, value)
    return _CANONICAL[key]


_CANONICAL: dict = {}


def _canonical_uncached(kind: str, value) -> Any:
    if kind in SCALAR_SETTINGS:
        return round(float(value), 9)
    rows = list(value.items()) if isinstance(value, dict) else list(value)
    if kind in ("quotas", "role_weights"):
        total = sum(float(v) for _, v in rows)
        scale = 100.0 if total > 1.5 else 1.0
        rows = [(k, float(v) / scale) for k, v in rows]
        rows = [(k, v) for k, v in rows if v]  # a zero share equals an absent one
    return tuple(sorted((str(k), round(float(v), 9)) for k, v in rows))


# ----------------------------------------------------------------------------- cell parsing

class _Collector:
    """Collects findings of one file in one language, with positions."""

    def __init__(self, path: str, lang: str):
        self.path, self.lang = path, lang
        self.findings: list[Finding] = []
        self.manager_id = ""

    def add(self, code: str, sheet: str = "", cell: str = "", row: int | None = None, **details) -> None:
        self.findings.append(make(code, self.lang, file=self.path, sheet=sheet, cell=cell, row=row,
                                  manager_id=self.manager_id, **details))

    def label(self, column: schema.Column | schema.DefinedName) -> str:
        return column.label(self.lang)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and math.isnan(value))


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and not (
        isinstance(value, float) and math.isnan(value))


def _text(value) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


# ----------------------------------------------------------------------------- one file

def check_scorecard(card: Scorecard, lang: str | None = None, master: dict | None = None,
                    period: str | None = None) -> FileEntry:
    """Validate one read scorecard and recompute its scores.

    Args:
        card: the result of :func:`addin.reader.read_scorecard`.
        lang: language of the messages; None for the file's own.
        master: settings of the master template (see :func:`master_settings`), or None
            for the defaults of the file's size.
        period: the expected period, or None.

    Returns:
        a FileEntry with findings, status ``merged`` or ``rejected`` and, when merged,
        the ManagerResult.
    """
    lang = lang or card.lang
    entry = FileEntry(path=card.path, sha256=card.sha256, lang=lang)
    if not card.ok:
        entry.findings = [make(f.code, lang, file=card.path, reason=card.reason) for f in card.findings]
        entry.reason = entry.findings[0].message if entry.findings else card.reason
        return entry
    out = _Collector(card.path, lang)
    header = _check_header(card, out, period)
    kpi = card.tables["tblKPI"]
    settings = _read_settings(card, out)
    indicators = _check_indicators(card, kpi, settings, out)
    reviews = _check_reviews(card, out)
    entry.size = header.get("size") or ""
    baseline = master or default_settings(header.get("size"))
    _compare_settings(card, settings, baseline, indicators, master is not None, out)

    manager = None
    blocking = [f for f in out.findings if f.severity == ERROR and f.code not in NON_BLOCKING_ERRORS]
    if not blocking and indicators is not None:
        manager = _compute(card, header, indicators, reviews, settings, out)
    if manager is not None:
        from .anomalies import per_manager
        out.findings.extend(per_manager(manager, lang))
    entry.findings = sorted(out.findings, key=sort_key)
    blocking = [f for f in entry.findings if f.severity == ERROR and f.code not in NON_BLOCKING_ERRORS]
    if blocking or manager is None:
        entry.status = "rejected"
        first = blocking[0] if blocking else None
        entry.reason = f"{first.code}: {first.message}" + (f" ({first.sheet}!{first.cell})" if first and first.cell else "") \
            if first else "scores cannot be computed"
    else:
        entry.status = "merged"
        entry.manager = manager
    return entry


def _check_header(card: Scorecard, out: _Collector, period: str | None) -> dict[str, Any]:
    header: dict[str, Any] = {}
    template = card.names.get("kpi_template")
    found = _text(template.value) if template else ""
    if found != schema.TEMPLATE_TAG:
        out.add("TEMPLATE_VERSION", template.sheet if template else "", template.cell if template else "",
                template.row if template else None, found=found or "(blank)", expected=schema.TEMPLATE_TAG)
    for name in schema.HEADER_NAMES:
        key = name.name[4:]
        cell = card.names.get(name.name)
        value = cell.value if cell else None
        if name.kind == "number":
            header[key] = value
        else:
            header[key] = _text(value)
        if name.required and _blank(value) and name.name != "kpi_template":
            if cell:
                out.add("MISSING_FIELD", cell.sheet, cell.cell, cell.row, field=out.label(name))
            else:
                out.add("MISSING_FIELD", "", "", None, field=f"{out.label(name)} ({name.name})")
    out.manager_id = header.get("manager_id", "")
    # re-stamp the findings so far with the manager id
    out.findings = [make(f.code, out.lang, file=f.file, sheet=f.sheet, cell=f.cell, row=f.row,
                         manager_id=out.manager_id, **f.details) for f in out.findings]
    size = header.get("size", "")
    header["size"] = SIZE_KEYS.get(size.lower(), "") if size else ""
    if period and _norm_period(header.get("period")) != _norm_period(period):
        cell = card.names.get("kpi_period")
        out.add("PERIOD_MISMATCH", cell.sheet if cell else "", cell.cell if cell else "", cell.row if cell else None,
                found=header.get("period") or "(blank)", expected=period)
    return header


SIZE_KEYS = {k: k for k in schema.SIZES} | {SIZE.labels[k].lower(): k for k in schema.SIZES}


def _norm_period(value) -> str:
    return "".join(_text(value).split()).upper()


def _number(table: TableData, index: int, key: str, out: _Collector, column: schema.Column):
    """The number in a cell, None when blank; NON_NUMERIC finding (and the marker _BAD) otherwise."""
    value = table.value(index, key)
    if _blank(value):
        return None
    if _is_number(value):
        return float(value)
    out.add("NON_NUMERIC", table.sheet, table.cell(index, key), table.row_number(index),
            field=out.label(column), value=value if not hasattr(value, "isoformat") else value.isoformat())
    return _BAD


def _enum(table: TableData, index: int, key: str, out: _Collector, column: schema.Column, default):
    value = table.value(index, key)
    if _blank(value):
        return default
    parsed = column.enum.try_parse(value)
    if parsed is None:
        out.add("INVALID_VALUE", table.sheet, table.cell(index, key), table.row_number(index),
                field=out.label(column), problem=_enum_problem(column, value, out.lang))
        return _BAD
    return parsed


def _enum_problem(column: schema.Column, value, lang: str) -> str:
    allowed = "/".join(column.enum.choices(lang))
    return (f"未知取值 {value!r}，应为 {allowed}" if lang == "zh" else f"unknown value {value!r}, expected {allowed}")


_BAD = object()


_KPI_COLUMNS = {c.key: c for c in schema.KPI.columns}
_REVIEW_COLUMNS = {c.key: c for c in schema.REVIEW.columns}
_DEFAULT_BANDS = sorted(tuple(map(float, b)) for b in engine.DEFAULT_BANDS)


def _check_indicators(card: Scorecard, kpi: TableData, settings: dict, out: _Collector):
    """Per-row checks and the recomputed rows; None when the table cannot be used."""
    col = _KPI_COLUMNS.__getitem__
    missing = [c for c in schema.KPI.columns if c.required and c.key not in kpi.columns]
    for column in missing:
        out.add("MISSING_FIELD", kpi.sheet, kpi.header_cell(), kpi.header_row + 1,
                field=f"{out.label(column)} ({schema.KPI.name})")
    if missing:
        return None
    rows = []
    for index in range(len(kpi.rows)):
        if all(_blank(kpi.value(index, key)) for key in ("indicator", "weight", "target", "actual")):
            continue  # a spare template row
        row_no = kpi.row_number(index)
        parsed = {
            "dimension": _enum(kpi, index, "dimension", out, col("dimension"), None),
            "tier": _enum(kpi, index, "tier", out, col("tier"), "individual"),
            "direction": _enum(kpi, index, "direction", out, col("direction"), "higher"),
            "method": _enum(kpi, index, "method", out, col("method"), "linear"),
            "veto": _enum(kpi, index, "veto", out, col("veto"), "no"),
        }
        for key in ("weight", "threshold", "target", "stretch", "adjusted_target", "actual", "param"):
            parsed[key] = _number(kpi, index, key, out, col(key)) if key in kpi.columns else None
        parsed["indicator"] = _text(kpi.value(index, "indicator"))
        parsed["reason"] = _text(kpi.value(index, "adjust_reason"))
        for key in ("dimension", "indicator"):
            if parsed[key] in (None, ""):
                out.add("MISSING_FIELD", kpi.sheet, kpi.cell(index, key), row_no, field=out.label(col(key)))
                parsed[key] = _BAD
        weight = parsed["weight"]
        if weight is None:
            out.add("MISSING_FIELD", kpi.sheet, kpi.cell(index, "weight"), row_no, field=out.label(col("weight")))
            parsed["weight"] = _BAD
        elif weight is not _BAD and weight < 0:
            out.add("INVALID_VALUE", kpi.sheet, kpi.cell(index, "weight"), row_no, field=out.label(col("weight")),
                    problem="不能为负数" if out.lang == "zh" else "must be >= 0")
            parsed["weight"] = _BAD
        active = parsed["weight"] is not _BAD and (parsed["weight"] or 0) > 0
        name = parsed["indicator"] if parsed["indicator"] is not _BAD else f"#{index + 1}"
        if active and parsed["target"] is None and parsed["adjusted_target"] in (None, _BAD):
            out.add("MISSING_FIELD", kpi.sheet, kpi.cell(index, "target"), row_no, field=out.label(col("target")))
            parsed["target"] = _BAD
        if active and parsed["actual"] is None:
            out.add("MISSING_ACTUAL", kpi.sheet, kpi.cell(index, "actual"), row_no, indicator=name)
        adjusted, target = parsed["adjusted_target"], parsed["target"]
        if adjusted not in (None, _BAD) and target is not _BAD and (target is None or abs(adjusted - target) > 1e-12):
            code = "TARGET_ADJUSTED" if parsed["reason"] else "TARGET_ADJUSTED_NO_REASON"
            out.add(code, kpi.sheet, kpi.cell(index, "adjusted_target"), row_no, indicator=name,
                    target=_fmt(target), adjusted=_fmt(adjusted), reason=parsed["reason"])
        parsed["index"] = index
        rows.append(parsed)
    if any(v is _BAD for p in rows for v in p.values()):
        return None
    if not rows:
        out.add("MISSING_FIELD", kpi.sheet, kpi.header_cell(), kpi.header_row + 1,
                field="指标行" if out.lang == "zh" else "indicator rows")
        return None

    weights = np.array([p["weight"] for p in rows], dtype=float)
    try:
        fractions = engine.normalise_weights(weights)
    except KpiInputError:
        total = weights.sum()
        shown = total if total > 1.5 else total * 100
        out.add("WEIGHTS_NOT_100", kpi.sheet, kpi.header_cell("weight"), kpi.header_row + 1, total=f"{shown:.4g}%")
        return None

    effective = [p["adjusted_target"] if p["adjusted_target"] is not None else p["target"] for p in rows]
    arrays = dict(
        actual=np.array([np.nan if p["actual"] is None else p["actual"] for p in rows], dtype=float),
        target=np.array([np.nan if t is None else t for t in effective], dtype=float),
        threshold=np.array([np.nan if p["threshold"] is None else p["threshold"] for p in rows], dtype=float),
        stretch=np.array([np.nan if p["stretch"] is None else p["stretch"] for p in rows], dtype=float),
        direction=np.array([p["direction"] for p in rows], dtype=object),
        method=np.array([p["method"] for p in rows], dtype=object),
    )
    points = np.array([np.nan if p["param"] is None else p["param"] for p in rows], dtype=float)
    active = weights > 0
    cap = settings.get("cap") or engine.DEFAULT_CAP
    scores, achievement, errors = engine.score_rows(param=points, cap=cap, **arrays)
    band_rows = np.array([p["method"] == "band" for p in rows])
    if band_rows.any() and settings.get("bands") is not None \
            and sorted(tuple(b) for b in settings["bands"]) != _DEFAULT_BANDS:
        b_scores, b_ach, b_errors = engine.score_rows(
            param=np.array(settings["bands"], dtype=float), cap=cap,
            **{k: v[band_rows] for k, v in arrays.items()})
        scores[band_rows], achievement[band_rows] = b_scores, b_ach
        positions = np.flatnonzero(band_rows)
        errors = [e for e in errors if not band_rows[e[0]]] + [(int(positions[i]), a, m) for i, a, m in b_errors]
    bad = False
    for position, argument, message in sorted(errors):
        if not active[position] and argument in ("target", "actual"):
            continue  # a weight-0 row does not count
        p = rows[position]
        key = {"target": "adjusted_target" if p["adjusted_target"] is not None else "target"}.get(argument, argument)
        key = key if key in kpi.columns else "target"
        out.add("INVALID_VALUE", kpi.sheet, kpi.cell(p["index"], key), kpi.row_number(p["index"]),
                field=out.label(col(key)), problem=message)
        bad = True
    if bad:
        return None

    results = []
    for i, p in enumerate(rows):
        score = float(scores[i]) if active[i] or not math.isnan(scores[i]) else 0.0
        score = 0.0 if math.isnan(score) else score
        ach = None if math.isnan(achievement[i]) else float(achievement[i])
        results.append(IndicatorResult(
            dimension=p["dimension"], tier=p["tier"], indicator=p["indicator"], weight=float(fractions[i]),
            direction=p["direction"], method=p["method"], target=p["target"],
            effective_target=effective[i], actual=p["actual"], achievement=ach, score=score,
            weighted=float(fractions[i]) * score, veto=p["veto"] == "yes", sheet=kpi.sheet,
            row=kpi.row_number(p["index"]), actual_cell=kpi.cell(p["index"], "actual"),
        ))
        _compare_stored(kpi, p["index"], "score", score, card, out, p["indicator"])
        _compare_stored(kpi, p["index"], "weighted", float(fractions[i]) * score, card, out, p["indicator"])
    return results


def _compare_stored(table: TableData, index: int, key: str, computed, card: Scorecard, out: _Collector,
                    indicator: str) -> None:
    """FORMULA_OVERWRITTEN for a typed constant, SCORE_MISMATCH for a differing stored number."""
    if key not in table.columns:
        return
    cell = table.cell(index, key)
    stored = table.value(index, key)
    column = _KPI_COLUMNS[key]
    field_name = f"{indicator} {out.label(column)}"
    is_formula = cell in table.formulas
    if not is_formula:
        if _blank(stored):
            return
        out.add("FORMULA_OVERWRITTEN", table.sheet, cell, table.row_number(index), field=field_name)
    elif not card.cached_values_trusted:
        return
    if _is_number(stored) and computed is not None and abs(float(stored) - computed) > MISMATCH_TOLERANCE:
        out.add("SCORE_MISMATCH", table.sheet, cell, table.row_number(index), field=field_name,
                stored=_fmt(float(stored)), computed=_fmt(computed))


def _check_reviews(card: Scorecard, out: _Collector):
    table = card.tables.get("tblReview")
    if table is None:
        return []
    col = _REVIEW_COLUMNS.__getitem__
    if "rating" not in table.columns or "role" not in table.columns:
        for key in ("role", "rating"):
            if key not in table.columns:
                out.add("MISSING_FIELD", table.sheet, table.header_cell(), table.header_row + 1,
                        field=f"{out.label(col(key))} ({schema.REVIEW.name})")
        return None
    reviews = []
    bad = False
    for index in range(len(table.rows)):
        rating = table.value(index, "rating")
        if _blank(rating):
            continue  # not rated (yet)
        row_no = table.row_number(index)
        cell = table.cell(index, "rating")
        if not _is_number(rating):
            out.add("NON_NUMERIC", table.sheet, cell, row_no, field=out.label(col("rating")), value=rating)
            bad = True
            continue
        if not 1 <= float(rating) <= 5:
            out.add("INVALID_VALUE", table.sheet, cell, row_no, field=out.label(col("rating")),
                    problem=(f"评分应在 1–5 之间（实际为 {_fmt(float(rating))}）" if out.lang == "zh"
                             else f"rating must be between 1 and 5 (got {_fmt(float(rating))})"))
            bad = True
            continue
        role_value = table.value(index, "role")
        if _blank(role_value):
            out.add("MISSING_FIELD", table.sheet, table.cell(index, "role"), row_no, field=out.label(col("role")))
            bad = True
            continue
        role = col("role").enum.try_parse(role_value)
        if role is None:
            out.add("INVALID_VALUE", table.sheet, table.cell(index, "role"), row_no, field=out.label(col("role")),
                    problem=_enum_problem(col("role"), role_value, out.lang))
            bad = True
            continue
        reviews.append(ReviewResult(role=role, reviewer=_text(table.value(index, "reviewer")),
                                    competency=_text(table.value(index, "competency")), rating=float(rating),
                                    sheet=table.sheet, cell=cell, row=row_no))
    return None if bad else reviews


_SETTINGS_CHECKED: dict = {}  # (kind, rows) -> None or the engine's complaint; settings repeat across files


def _read_settings(card: Scorecard, out: _Collector) -> dict[str, Any]:
    """The file's own settings tables; absent tables are None (the defaults apply)."""
    settings: dict[str, Any] = {"positions": {}}
    for kind, contract in SETTING_TABLES.items():
        table = card.tables.get(contract.name)
        if table is None:
            settings[kind] = None
            continue
        first, second = contract.columns
        if first.key not in table.columns or second.key not in table.columns:
            settings[kind] = None
            continue
        rows = []
        for index in range(len(table.rows)):
            k, v = table.value(index, first.key), table.value(index, second.key)
            if _blank(k) and _blank(v):
                continue
            if first.kind == "enum":
                parsed = first.enum.try_parse(k) if not _blank(k) else None
                if parsed is None:
                    out.add("INVALID_VALUE", table.sheet, table.cell(index, first.key), table.row_number(index),
                            field=f"{contract.name} {out.label(first)}",
                            problem=_enum_problem(first, k, out.lang))
                    settings["invalid"] = True
                    continue
                k = parsed
            elif not _is_number(k):
                out.add("NON_NUMERIC", table.sheet, table.cell(index, first.key), table.row_number(index),
                        field=f"{contract.name} {out.label(first)}", value=k)
                settings["invalid"] = True
                continue
            if not _is_number(v):
                out.add("NON_NUMERIC", table.sheet, table.cell(index, second.key), table.row_number(index),
                        field=f"{contract.name} {out.label(second)}", value=v)
                settings["invalid"] = True
                continue
            rows.append((k if isinstance(k, str) else float(k), float(v)))
        settings[kind] = rows or None
        settings["positions"][kind] = (table.sheet, table.cell(0, first.key) if table.rows else table.header_cell(),
                                       table.header_row + 2)
    qw = card.names.get("kpi_quant_weight")
    settings["quant_weight"] = None
    if qw is not None and not _blank(qw.value):
        if not _is_number(qw.value):
            out.add("NON_NUMERIC", qw.sheet, qw.cell, qw.row, field=schema.HEADER_NAMES[-1].label(out.lang),
                    value=qw.value)
        elif not 0 <= float(qw.value) <= 1:
            out.add("INVALID_VALUE", qw.sheet, qw.cell, qw.row, field=schema.HEADER_NAMES[-1].label(out.lang),
                    problem="应在 0 与 1 之间" if out.lang == "zh" else "must be between 0 and 1")
        else:
            settings["quant_weight"] = float(qw.value)
        settings["positions"]["quant_weight"] = (qw.sheet, qw.cell, qw.row)
    settings["cap"] = _read_cap(card, out, settings)
    # Tables the engine validates as a whole.
    for kind, check in (("quotas", lambda v: engine.forced_headcounts(10, v)),
                        ("grades", engine.grade_bands),
                        ("bonus", lambda v: [engine.kpi_bonus_coefficient(g, v) for g, _ in v]),
                        ("role_weights", lambda v: engine._role_weights(dict(v)))):
        if settings.get(kind):
            memo_key = (kind, tuple(settings[kind]))
            problem = _SETTINGS_CHECKED.get(memo_key, "")
            if problem == "":
                try:
                    check(settings[kind])
                    problem = None
                except KpiInputError as exc:
                    problem = str(exc)
                if len(_SETTINGS_CHECKED) < 10000:
                    _SETTINGS_CHECKED[memo_key] = problem
            if problem is not None:
                sheet, cell, row = settings["positions"][kind]
                out.add("INVALID_VALUE", sheet, cell, row, field=SETTING_LABELS[kind][0 if out.lang == "zh" else 1],
                        problem=problem)
                settings["invalid"] = True
    return settings


def _read_cap(card: Scorecard, out: _Collector, settings: dict) -> float | None:
    """The indicator score cap (defined name ``cfg_cap``): None when absent or blank (120 applies)."""
    name = schema.SETTING_NAMES[0]
    cap = card.names.get(name.name)
    if cap is None or _blank(cap.value):
        return None
    settings["positions"]["cap"] = (cap.sheet, cap.cell, cap.row)
    if not _is_number(cap.value):
        out.add("NON_NUMERIC", cap.sheet, cap.cell, cap.row, field=f"{name.label(out.lang)} ({name.name})",
                value=cap.value)
    elif float(cap.value) < 100:
        out.add("INVALID_VALUE", cap.sheet, cap.cell, cap.row, field=f"{name.label(out.lang)} ({name.name})",
                problem=(f"应不小于 100（实际为 {_fmt(float(cap.value))}）" if out.lang == "zh"
                         else f"must be at least 100 (got {_fmt(float(cap.value))})"))
    else:
        return float(cap.value)
    settings["invalid"] = True
    return None


def _compare_settings(card, settings, baseline, indicators, with_master: bool, out: _Collector) -> None:
    if settings.get("invalid"):
        return
    for kind in COMPARED_SETTINGS:
        mine = settings.get(kind)
        theirs = baseline.get(kind)
        if mine is None or theirs is None:
            continue  # an absent table means the defaults: nothing changed
        if _canonical(kind, mine) != _canonical(kind, theirs):
            sheet, cell, row = settings["positions"].get(kind, ("", "", None))
            out.add("SETTINGS_CHANGED", sheet, cell, row, setting=SETTING_LABELS[kind][0 if out.lang == "zh" else 1])
    if with_master and indicators is not None and baseline.get("weights"):
        master_weights = baseline["weights"]
        for ind in indicators:
            expected = master_weights.get(ind.indicator)
            if expected is not None and abs(expected - ind.weight) > 1e-9:
                kpi = card.tables["tblKPI"]
                out.add("SETTINGS_CHANGED", ind.sheet, f"{_weight_col(kpi)}{ind.row}", ind.row,
                        setting=f"{SETTING_LABELS['weights'][0 if out.lang == 'zh' else 1]} ({ind.indicator})")


def _weight_col(kpi: TableData) -> str:
    from .reader import col_letter
    return col_letter(kpi.columns["weight"])


def _compute(card: Scorecard, header, indicators, reviews, settings, out: _Collector) -> ManagerResult | None:
    """Q, Qual, Final and grade with the engine, and the result-cell comparisons."""
    if reviews is None:
        return None
    quant = float(sum(i.weighted for i in indicators if i.weight > 0))
    role_weights = dict(settings["role_weights"]) if settings.get("role_weights") else None
    qual = None
    if reviews:
        try:
            qual = engine.kpi_review([r.rating for r in reviews], [r.role for r in reviews], role_weights)
        except KpiInputError as exc:
            sheet, cell, row = settings["positions"].get("role_weights", (reviews[0].sheet, reviews[0].cell, reviews[0].row))
            out.add("INVALID_VALUE", sheet, cell, row, field=SETTING_LABELS["role_weights"][0 if out.lang == "zh" else 1],
                    problem=str(exc))
            return None
    k = settings.get("quant_weight")
    k = engine.DEFAULT_QUANT_WEIGHT if k is None else k
    final = float(engine.kpi_final(quant, qual, k))
    veto = any(i.veto and i.weight > 0 and i.score <= 0 for i in indicators)
    grade = engine.kpi_grade(final, settings.get("grades"), veto)
    for name, computed in (("kpi_quant_score", quant), ("kpi_qual_score", qual), ("kpi_final_score", final),
                           ("kpi_grade", grade)):
        cell = card.names.get(name)
        if cell is None or _blank(cell.value) or computed is None:
            continue
        label = next(n for n in schema.RESULT_NAMES if n.name == name).label(out.lang)
        if not cell.formula:
            out.add("FORMULA_OVERWRITTEN", cell.sheet, cell.cell, cell.row, field=label)
        elif not card.cached_values_trusted:
            continue
        if isinstance(computed, str):
            if str(cell.value).strip().upper() != computed.upper():
                out.add("SCORE_MISMATCH", cell.sheet, cell.cell, cell.row, field=label, stored=cell.value,
                        computed=computed)
        elif _is_number(cell.value) and abs(float(cell.value) - computed) > MISMATCH_TOLERANCE:
            out.add("SCORE_MISMATCH", cell.sheet, cell.cell, cell.row, field=label, stored=_fmt(float(cell.value)),
                    computed=_fmt(computed))
    id_cell = card.names["kpi_manager_id"]
    final_cell = card.names.get("kpi_final_score") or id_cell
    period_cell = card.names.get("kpi_period")
    return ManagerResult(
        file=card.path, manager_id=header["manager_id"], name=header.get("manager_name", ""),
        team=header.get("team", ""), region=header.get("region", ""), period=header.get("period", ""),
        reviewer=header.get("reviewer", ""), quant=quant, qual=qual, final=final, grade=grade, veto=veto,
        indicators=indicators, reviews=reviews,
        settings={k: settings.get(k) for k in ("quotas", "bonus")},  # the team-level ones
        id_position=(id_cell.sheet, id_cell.cell, id_cell.row),
        final_position=(final_cell.sheet, final_cell.cell, final_cell.row),
        period_position=(period_cell.sheet, period_cell.cell, period_cell.row) if period_cell else None,
    )


# ----------------------------------------------------------------------------- many files

def discover(paths, exclude=()) -> list[Path]:
    """Files to consider: every spreadsheet-like file below folders, files as given.

    Raises UsageError for a path that does not exist.
    """
    excluded = {Path(p).resolve() for p in exclude}
    excluded_names = {e.name for e in excluded}
    excluded_stems = tuple(f".{e.stem}-" for e in excluded)

    def is_excluded(candidate: Path) -> bool:  # resolve() only for names that could match
        name = candidate.name
        if name not in excluded_names and not (excluded_stems and name.startswith(excluded_stems)):
            return False
        return candidate.resolve() in excluded or _is_temp_output(candidate.resolve(), excluded)

    found: dict[str, Path] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for dirpath, _dirs, files in os.walk(path):
                for name in files:
                    candidate = Path(dirpath) / name
                    if candidate.suffix.lower() in SPREADSHEET_SUFFIXES or is_lock_file(candidate):
                        if not is_excluded(candidate):
                            found.setdefault(str(candidate), candidate)
        elif path.exists():
            if not is_excluded(path):
                found.setdefault(str(path), path)
        else:
            raise UsageError(f"no such file or folder: {raw}")
    return [found[k] for k in sorted(found)]


def _is_temp_output(candidate: Path, excluded) -> bool:
    """Temp files of atomic_path for an excluded output (".team-xxxx.xlsx")."""
    return any(candidate.parent == e.parent and candidate.name.startswith(f".{e.stem}-") for e in excluded)


def master_settings(path) -> dict[str, Any]:
    """Settings and indicator weights of a master template, for SETTINGS_CHANGED.

    Raises UsageError when the master cannot be read as a scorecard.
    """
    card = read_scorecard(path)
    if not card.ok:
        raise UsageError(f"master template {path}: {card.reason}")
    out = _Collector(str(path), "en")
    settings = _read_settings(card, out)
    if settings.get("invalid"):
        raise UsageError(f"master template {path}: {out.findings[0].message}")
    size = _text(card.names["kpi_size"].value).lower() if "kpi_size" in card.names else ""
    base = default_settings(SIZE_KEYS.get(size, "medium"))
    result = {k: (settings.get(k) if settings.get(k) is not None else base.get(k)) for k in _ENGINE_SETTINGS}
    kpi = card.tables["tblKPI"]
    weights = {}
    if "weight" in kpi.columns and "indicator" in kpi.columns:
        raw = []
        for index in range(len(kpi.rows)):
            name, w = _text(kpi.value(index, "indicator")), kpi.value(index, "weight")
            if name and _is_number(w):
                raw.append((name, float(w)))
        if raw:
            try:
                fractions = engine.normalise_weights([w for _, w in raw])
                weights = {n: float(f) for (n, _), f in zip(raw, fractions)}
            except KpiInputError:
                weights = {}
    result["weights"] = weights
    return result


def _read_and_check(args):
    path, lang, master, period = args
    if is_lock_file(Path(path)):
        return _lock_entry(path)
    card = read_scorecard(path)
    try:
        return check_scorecard(card, lang, master, period)
    except Exception as exc:  # noqa: BLE001 - a safety net: one odd file must not stop the batch
        finding = make("FILE_UNREADABLE", lang or card.lang, file=path,
                       reason=f"unexpected content ({type(exc).__name__}: {exc})"[:300])
        return FileEntry(path=path, sha256=card.sha256, status="rejected", reason=finding.message,
                         findings=[finding], lang=lang or card.lang)


def _lock_entry(path: str) -> FileEntry:
    import hashlib
    try:
        with open(path, "rb") as handle:
            sha = hashlib.sha256(handle.read(1024 * 1024)).hexdigest()
    except OSError:
        sha = ""
    return FileEntry(path=path, sha256=sha, status="rejected",
                     reason="Excel lock file (~$): the workbook is open in Excel; skipped")


PARALLEL_MIN_FILES = 400


def read_all(files: list[Path], lang, master, period, progress=None) -> list[FileEntry]:
    """Read and check files, in worker processes when there are many and several cores."""
    jobs = [(str(p), lang, master, period) for p in files]
    workers = min(os.cpu_count() or 1, 8)
    entries: list[FileEntry] = []
    if len(jobs) >= PARALLEL_MIN_FILES and workers > 1:
        try:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            method = "fork" if "fork" in mp.get_all_start_methods() else None
            context = mp.get_context(method) if method else None
            chunk = max(16, min(256, len(jobs) // (workers * 8) or 1))
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                for index, entry in enumerate(pool.map(_read_and_check, jobs, chunksize=chunk)):
                    entries.append(entry)
                    if progress:
                        progress(index + 1, len(jobs))
            return entries
        except (OSError, ImportError, RuntimeError):
            entries = []  # no worker processes here (sandbox, frozen app): read in this process
    for index, job in enumerate(jobs):
        entries.append(_read_and_check(job))
        if progress:
            progress(index + 1, len(jobs))
    return entries


def cross_file_checks(entries: list[FileEntry], lang: str | None, period: str | None) -> list[Finding]:
    """Identical files, duplicate managers and periods across files; updates statuses in place."""
    extra: list[Finding] = []
    first_by_hash: dict[str, str] = {}
    for entry in entries:
        if not entry.sha256 or entry.reason.startswith("Excel lock file"):
            continue
        other = first_by_hash.get(entry.sha256)
        if other is None:
            first_by_hash[entry.sha256] = entry.path
            continue
        entry.status, entry.manager, entry.findings = "duplicate", None, []
        entry.reason = (f"与 {other} 内容完全相同，已跳过" if (lang or entry.lang) == "zh"
                        else f"identical to {other} (same SHA-256); skipped")
    first_by_id: dict[str, FileEntry] = {}
    for entry in entries:
        if entry.status != "merged":
            continue
        key = entry.manager.manager_id.strip().upper()
        other = first_by_id.get(key)
        if other is None:
            first_by_id[key] = entry
            continue
        sheet, cell, row = entry.manager.id_position
        finding = make("DUPLICATE_MANAGER", lang or entry.lang, file=entry.path, sheet=sheet, cell=cell, row=row,
                       manager_id=entry.manager.manager_id, other=other.path)
        entry.findings.append(finding)
        entry.status, entry.manager = "rejected", None
        entry.reason = f"DUPLICATE_MANAGER: {finding.message}"
    if not period:
        periods = Counter(_norm_period(e.manager.period) for e in entries if e.status == "merged")
        if len(periods) > 1:
            expected = sorted(periods.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            for entry in entries:
                if entry.status == "merged" and _norm_period(entry.manager.period) != expected:
                    m = entry.manager
                    sheet, cell, row = m.period_position or (m.id_position[0], "", None)
                    entry.findings.append(make("PERIOD_MISMATCH", lang or entry.lang, file=entry.path,
                                               sheet=sheet, cell=cell, row=row, manager_id=m.manager_id,
                                               found=m.period or "(blank)", expected=expected))
    return extra


def validate_paths(paths, lang: str | None = None, master=None, period: str | None = None,
                   exclude=(), progress=None, _master_data=None) -> ValidationReport:
    """Validate scorecard files and folders.

    Args:
        paths: files and folders (folders are searched recursively for spreadsheets).
        lang: language of the messages ("zh"/"en"), None for each file's own.
        master: path of a master template whose settings files should carry, or None.
        period: the expected period (e.g. "2026Q3"), or None to flag periods differing
            from the most common one.
        exclude: paths to leave out (the output of a consolidation).
        progress: optional callable(done, total).

    Returns:
        a ValidationReport with one FileEntry per input file, in path order.
    """
    files = discover(paths, exclude)
    master_data = _master_data if _master_data is not None else (master_settings(master) if master else None)
    with _no_gc():
        entries = read_all(files, lang, master_data, period, progress)
    cross_file_checks(entries, lang, period)
    from .anomalies import across_managers
    managers = [e.manager for e in entries if e.status == "merged"]
    group_findings = across_managers(managers, lang or _majority_lang(entries),
                                     (master_data or {}).get("quotas"))
    by_file = {e.path: e for e in entries}
    for finding in group_findings:
        if finding.file in by_file:
            by_file[finding.file].findings.append(finding)
    for entry in entries:
        entry.findings.sort(key=sort_key)
    findings = [f for e in entries for f in e.findings]
    findings.extend(f for f in group_findings if f.file not in by_file)
    stats = {
        "files": len(entries),
        "merged": sum(e.status == "merged" for e in entries),
        "rejected": sum(e.status == "rejected" for e in entries),
        "duplicate": sum(e.status == "duplicate" for e in entries),
        "errors": sum(f.severity == ERROR for f in findings),
        "warnings": sum(f.severity == "warning" for f in findings),
        "infos": sum(f.severity == "info" for f in findings),
    }
    return ValidationReport(files=entries, findings=findings, stats=stats)


@contextlib.contextmanager
def _no_gc():
    """Pause the cyclic garbage collector while tens of thousands of long-lived result
    objects are created (its full passes grow with the heap); nothing here makes cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _majority_lang(entries: list[FileEntry]) -> str:
    langs = Counter(e.lang for e in entries if e.status == "merged")
    return langs.most_common(1)[0][0] if langs else "en"
