"""Data checks of one scorecard: header fields, indicator rows and review rows.

MISSING_FIELD, NON_NUMERIC, INVALID_VALUE, MISSING_ACTUAL, WEIGHTS_NOT_100,
TARGET_ADJUSTED(_NO_REASON), TEMPLATE_VERSION and PERIOD_MISMATCH (with ``--period``);
the indicator rows are scored with the engine here (SCORING.md §2), and their stored
score cells compared (:mod:`addin.validation.integrity_checks`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from addin.contract import schema
from addin.contract.findings import make
from addin.contract.messages import render
from addin.contract.standard import PERCENT_SCALE_ACTUAL, PERCENT_SCALE_TARGET, PERCENT_UNITS
from addin.validation.cell_values import (
    BAD,
    SIZE_KEYS,
    FindingCollector,
    cell_enum,
    cell_number,
    enum_problem,
    fmt_number,
    is_blank,
    is_number,
    norm_period,
)
from addin.validation.integrity_checks import compare_stored
from addin.validation.results import IndicatorResult, ReviewResult
from addin.xlsx.reader import CellError, Scorecard, TableData
from addin.xlsx.values import value_text
from udfs import engine
from udfs.errors import KpiInputError

KPI_COLUMNS = {c.key: c for c in schema.KPI.columns}
# Enumerations of tblKPI and their value when blank (SCORING.md; a blank dimension is MISSING_FIELD).
_ENUM_DEFAULTS = (("dimension", None), ("tier", "individual"), ("direction", "higher"), ("method", "linear"),
                  ("veto", "no"))


def check_header(card: Scorecard, out: FindingCollector, period: str | None) -> dict[str, Any]:
    """The header names (``kpi_*``): TEMPLATE_VERSION, MISSING_FIELD, PERIOD_MISMATCH with ``period``."""
    header: dict[str, Any] = {}
    template = card.names.get("kpi_template")
    found = value_text(template.value) if template else ""
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
            header[key] = value_text(value)
        if name.required and is_blank(value) and name.name != "kpi_template":
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
    if period and norm_period(header.get("period")) != norm_period(period):
        cell = card.names.get("kpi_period")
        out.add("PERIOD_MISMATCH", cell.sheet if cell else "", cell.cell if cell else "", cell.row if cell else None,
                found=header.get("period") or "(blank)", expected=period)
    return header


_REVIEW_COLUMNS = {c.key: c for c in schema.REVIEW.columns}
_DEFAULT_BANDS = sorted(tuple(map(float, b)) for b in engine.DEFAULT_BANDS)




def check_indicators(card: Scorecard, kpi: TableData, settings, out: FindingCollector):
    """Per-row checks and the recomputed rows; None when the table cannot be used."""
    missing = [c for c in schema.KPI.columns if c.required and c.key not in kpi.columns]
    for column in missing:
        out.add("MISSING_FIELD", kpi.sheet, kpi.header_cell(), kpi.header_row + 1,
                field=f"{out.label(column)} ({schema.KPI.name})")
    if missing:
        return None
    rows = [row for row in (_indicator_row(kpi, index, out) for index in range(len(kpi.rows))) if row is not None]
    if any(v is BAD for p in rows for v in p.values()):
        return None
    if not rows:
        out.add("MISSING_FIELD", kpi.sheet, kpi.header_cell(), kpi.header_row + 1,
                field=render("checks.indicator_rows", out.lang))
        return None
    weights = np.array([p["weight"] for p in rows], dtype=float)
    try:
        fractions = engine.normalise_weights(weights)
    except KpiInputError:
        total = weights.sum()
        shown = total if total > 1.5 else total * 100
        out.add("WEIGHTS_NOT_100", kpi.sheet, kpi.header_cell("weight"), kpi.header_row + 1, total=f"{shown:.4g}%")
        return None
    scored = _score(kpi, rows, weights > 0, settings, out)
    if scored is None:
        return None
    return _results(card, kpi, rows, fractions, weights > 0, *scored, out)


def _indicator_row(kpi: TableData, index: int, out: FindingCollector) -> dict | None:
    """One tblKPI row read and checked (its findings added); None for a spare row. Unusable values are BAD."""
    col = KPI_COLUMNS.__getitem__
    if all(is_blank(kpi.value(index, key)) for key in ("indicator", "weight", "target", "actual")):
        return None  # a spare template row
    row_no = kpi.row_number(index)
    parsed = {key: cell_enum(kpi, index, key, out, col(key), default) for key, default in _ENUM_DEFAULTS}
    for key in ("weight", "threshold", "target", "stretch", "adjusted_target", "actual", "param"):
        parsed[key] = cell_number(kpi, index, key, out, col(key)) if key in kpi.columns else None
    parsed["indicator"] = value_text(kpi.value(index, "indicator"))
    parsed["reason"] = value_text(kpi.value(index, "adjust_reason"))
    parsed["index"] = index
    for key in ("dimension", "indicator"):
        if parsed[key] in (None, ""):
            out.add("MISSING_FIELD", kpi.sheet, kpi.cell(index, key), row_no, field=out.label(col(key)))
            parsed[key] = BAD
    weight = parsed["weight"]
    if weight is None:
        out.add("MISSING_FIELD", kpi.sheet, kpi.cell(index, "weight"), row_no, field=out.label(col("weight")))
        parsed["weight"] = BAD
    elif weight is not BAD and weight < 0:
        out.add("INVALID_VALUE", kpi.sheet, kpi.cell(index, "weight"), row_no, field=out.label(col("weight")),
                problem=render("checks.not_negative", out.lang))
        parsed["weight"] = BAD
    active = parsed["weight"] is not BAD and (parsed["weight"] or 0) > 0
    name = parsed["indicator"] if parsed["indicator"] is not BAD else f"#{index + 1}"
    if active and parsed["target"] is None and parsed["adjusted_target"] in (None, BAD):
        out.add("MISSING_FIELD", kpi.sheet, kpi.cell(index, "target"), row_no, field=out.label(col("target")))
        parsed["target"] = BAD
    if active and parsed["actual"] is None:
        out.add("MISSING_ACTUAL", kpi.sheet, kpi.cell(index, "actual"), row_no, indicator=name)
    adjusted, target = parsed["adjusted_target"], parsed["target"]
    if adjusted not in (None, BAD) and target is not BAD and (target is None or abs(adjusted - target) > 1e-12):
        code = "TARGET_ADJUSTED" if parsed["reason"] else "TARGET_ADJUSTED_NO_REASON"
        out.add(code, kpi.sheet, kpi.cell(index, "adjusted_target"), row_no, indicator=name,
                target=fmt_number(target), adjusted=fmt_number(adjusted), reason=parsed["reason"])
    _check_percent_scale(kpi, parsed, name, out)
    return parsed


def _check_percent_scale(kpi: TableData, parsed: dict, name: str, out: FindingCollector) -> None:
    """PERCENT_SCALE: an actual typed in percent points on an indicator measured in % (88 for 88 %)."""
    if value_text(kpi.value(parsed["index"], "unit")).strip() not in PERCENT_UNITS:
        return
    actual = parsed["actual"]
    target = parsed["adjusted_target"] if parsed["adjusted_target"] is not None else parsed["target"]
    if any(v is None or v is BAD for v in (actual, target)):
        return
    if actual >= PERCENT_SCALE_ACTUAL and target <= PERCENT_SCALE_TARGET:
        out.add("PERCENT_SCALE", kpi.sheet, kpi.cell(parsed["index"], "actual"), kpi.row_number(parsed["index"]),
                indicator=name, actual=fmt_number(actual), target=fmt_number(target), target_pct=_percent(target),
                suggested=fmt_number(actual / 100), suggested_pct=_percent(actual / 100))


def _percent(value: float) -> str:
    return f"{fmt_number(round(value * 100, 6))}%"


def _score(kpi: TableData, rows: list[dict], active, settings, out: FindingCollector):
    """(scores, achievements) of the rows with the engine; None when a row is invalid (INVALID_VALUE)."""
    effective = [p["adjusted_target"] if p["adjusted_target"] is not None else p["target"] for p in rows]
    arrays = dict(
        actual=np.array([np.nan if p["actual"] is None else p["actual"] for p in rows], dtype=float),
        target=np.array([np.nan if t is None else t for t in effective], dtype=float),
        threshold=np.array([np.nan if p["threshold"] is None else p["threshold"] for p in rows], dtype=float),
        stretch=np.array([np.nan if p["stretch"] is None else p["stretch"] for p in rows], dtype=float),
        direction=np.array([p["direction"] for p in rows], dtype=str),  # canonical keys: the engine's
        method=np.array([p["method"] for p in rows], dtype=str),  # vectorised (text array) path
    )
    points = np.array([np.nan if p["param"] is None else p["param"] for p in rows], dtype=float)
    cap = settings.cap or engine.DEFAULT_CAP
    scores, achievement, errors = engine.score_rows(param=points, cap=cap, **arrays)
    band_rows = np.array([p["method"] == "band" for p in rows])
    if band_rows.any() and settings.bands is not None \
            and sorted(tuple(b) for b in settings.bands) != _DEFAULT_BANDS:
        b_scores, b_ach, b_errors = engine.score_rows(
            param=np.array(settings.bands, dtype=float), cap=cap,
            **{k: v[band_rows] for k, v in arrays.items()})
        scores[band_rows], achievement[band_rows] = b_scores, b_ach
        positions = np.flatnonzero(band_rows)
        errors = [e for e in errors if not band_rows[e[0]]] + [(int(positions[i]), a, e) for i, a, e in b_errors]
    bad = False
    for position, argument, error in sorted(errors, key=lambda e: e[:2]):
        if not active[position] and argument in ("target", "actual"):
            continue  # a weight-0 row does not count
        p = rows[position]
        key = {"target": "adjusted_target" if p["adjusted_target"] is not None else "target"}.get(argument, argument)
        key = key if key in kpi.columns else "target"
        out.add("INVALID_VALUE", kpi.sheet, kpi.cell(p["index"], key), kpi.row_number(p["index"]),
                field=out.label(KPI_COLUMNS[key]), problem=error.render(out.lang))
        bad = True
    return None if bad else (scores, achievement)


def _results(card: Scorecard, kpi: TableData, rows, fractions, active, scores, achievement,
             out: FindingCollector) -> list[IndicatorResult]:
    """The recomputed rows, and their stored score cells compared with them."""
    results = []
    for i, p in enumerate(rows):
        score = float(scores[i]) if active[i] or not math.isnan(scores[i]) else 0.0
        score = 0.0 if math.isnan(score) else score
        ach = None if math.isnan(achievement[i]) else float(achievement[i])
        effective = p["adjusted_target"] if p["adjusted_target"] is not None else p["target"]
        results.append(IndicatorResult(
            dimension=p["dimension"], tier=p["tier"], indicator=p["indicator"], weight=float(fractions[i]),
            direction=p["direction"], method=p["method"], target=p["target"],
            effective_target=effective, actual=p["actual"], achievement=ach, score=score,
            weighted=float(fractions[i]) * score, veto=p["veto"] == "yes", sheet=kpi.sheet,
            row=kpi.row_number(p["index"]), actual_cell=kpi.cell(p["index"], "actual"),
            unit=value_text(kpi.value(p["index"], "unit")), adjusted_target=p["adjusted_target"],
            adjust_reason=p["reason"], source=value_text(kpi.value(p["index"], "source")),
        ))
        compare_stored(kpi, p["index"], "score", score, card, out, p["indicator"])
        compare_stored(kpi, p["index"], "weighted", float(fractions[i]) * score, card, out, p["indicator"])
    return results


def check_reviews(card: Scorecard, out: FindingCollector):
    """The rated rows of tblReview; None when one of them is unusable (its finding is added)."""
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
        if is_blank(rating):
            continue  # not rated (yet)
        row_no = table.row_number(index)
        cell = table.cell(index, "rating")
        if isinstance(rating, CellError) or isinstance(table.value(index, "role"), CellError):
            bad = True  # its CELL_ERROR comes from check_error_values
            continue
        if not is_number(rating):
            out.add("NON_NUMERIC", table.sheet, cell, row_no, field=out.label(col("rating")), value=rating)
            bad = True
            continue
        if not 1 <= float(rating) <= 5:
            out.add("INVALID_VALUE", table.sheet, cell, row_no, field=out.label(col("rating")),
                    problem=render("checks.rating_range", out.lang, value=fmt_number(float(rating))))
            bad = True
            continue
        role_value = table.value(index, "role")
        if is_blank(role_value):
            out.add("MISSING_FIELD", table.sheet, table.cell(index, "role"), row_no, field=out.label(col("role")))
            bad = True
            continue
        role = col("role").enum.try_parse(role_value)
        if role is None:
            out.add("INVALID_VALUE", table.sheet, table.cell(index, "role"), row_no, field=out.label(col("role")),
                    problem=enum_problem(col("role"), role_value, out.lang))
            bad = True
            continue
        reviews.append(ReviewResult(role=role, reviewer=value_text(table.value(index, "reviewer")),
                                    competency=value_text(table.value(index, "competency")), rating=float(rating),
                                    sheet=table.sheet, cell=cell, row=row_no,
                                    comment=value_text(table.value(index, "comment"))))
    return None if bad else reviews
