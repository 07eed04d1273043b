"""Cached results written with the formulas, computed by the engine.

XlsxWriter stores a cached value with every formula. Writing the engine's result
there (instead of XlsxWriter's default 0) means a freshly generated workbook shows
the right numbers in viewers that do not recalculate (previews, calamine readers,
LibreOffice's default "never recalculate" for files that claim to come from
Excel). Excel recalculates everything on open anyway. The values equal what the
portable formulas compute; invalid input gives the same error text.
"""

from __future__ import annotations

import math

import numpy as np

from udfs import engine
from udfs.enums import DIRECTION, METHOD, ROLE, VETO
from udfs.errors import KpiInputError
from workbook_templates.texts import T

# engine error kind -> error key of texts.T[lang]["err"] (the short text the portable formula shows)
_ERROR_KEYS = {
    "target_ratio": "target_pos", "target_linear": "target_pos", "target_band": "target_pos",
    "target_binary": "target_pos", "target_deduction": "target_neg", "actual_deduction": "actual_neg",
    "points_negative": "param_neg", "param_deduction_bands": "param_neg", "cap_below_100": "cap",
    "threshold_side": "threshold", "stretch_side": "stretch", "bands_rows": "bands", "bands_empty": "bands",
    "bands_incomplete": "bands", "band_score_negative": "bands", "bands_minimum_twice": "bands",
    "bands_falling": "bands", "param_band_number": "bands",
}
_ENUM_KEYS = {"direction": "direction", "method": "method"}


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and math.isnan(v))


def _num(v) -> bool:
    """A finite number (NaN, the blank of numpy/pandas, is not)."""
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)) \
        and math.isfinite(v)


def _direction(row) -> str | None:
    value = row.get("direction")
    return "higher" if _blank(value) else DIRECTION.try_parse(value)


def _method(row) -> str | None:
    value = row.get("method")
    return "linear" if _blank(value) else METHOD.try_parse(value)


def _error(error: KpiInputError, lang: str) -> str:
    """The cell text of an engine error: what the portable formula shows for the same input."""
    argument = error.values.get("argument")
    if error.kind == "enum":
        key = _ENUM_KEYS.get(str(argument), "number")
    elif error.kind == "blank" and argument == "target":
        key = "target_blank"
    else:
        key = _ERROR_KEYS.get(error.kind, "number")
    return T[lang]["err"][key]


def _review_error_key(error: KpiInputError) -> str:
    """The short text of a review error: the ratings, the role weights, or else the roles."""
    argument = str(error.values.get("argument", ""))
    if error.kind == "rating_range" or argument == "ratings":
        return "ratings"
    if error.kind.startswith("role_weights") or error.kind == "role_twice" or argument.startswith("role_weights"):
        return "role_weights"
    return "roles"


def _score_row(row: dict, settings: dict, lang: str):
    """Score of one row (number) or the error text its portable formula shows."""
    target = row.get("adjusted_target") if not _blank(row.get("adjusted_target")) else row.get("target")
    method = None if _blank(row.get("method")) else row.get("method")
    band = _method(row) == "band"
    if _method(row) is not None and _direction(row) is not None:
        for key in ("actual", "target", "adjusted_target", "threshold", "stretch") + (() if band else ("param",)):
            if not _blank(row.get(key)) and not _num(row.get(key)):
                return T[lang]["err"]["number"]
    param = np.asarray(settings["bands"], dtype=float) if band else (
        None if _blank(row.get("param")) else row.get("param"))
    try:
        value = engine.kpi_score(None if _blank(row.get("actual")) else row.get("actual"),
                                 None if _blank(target) else target,
                                 None if _blank(row.get("threshold")) else row.get("threshold"),
                                 None if _blank(row.get("stretch")) else row.get("stretch"),
                                 None if _blank(row.get("direction")) else row.get("direction"), method, param, settings["cap"])
    except KpiInputError as exc:
        return _error(exc, lang)
    return float(value)


def _scores(kpi_rows, settings, lang) -> list:
    """Scores of all rows: one vectorised engine call, row by row only when a row is unreadable."""
    default_bands = [tuple(map(float, b)) for b in settings["bands"]] == [tuple(b) for b in engine.DEFAULT_BANDS]
    columns = {key: [None if _blank(r.get(key)) else r.get(key) for r in kpi_rows]
               for key in ("actual", "target", "adjusted_target", "threshold", "stretch", "param",
                           "direction", "method")}
    plain = default_bands and kpi_rows and all(
        _num(v) or v is None for key in ("actual", "target", "adjusted_target", "threshold", "stretch", "param")
        for v in columns[key]) and all(_method(r) and _direction(r) for r in kpi_rows)
    if plain:
        target = [adj if adj is not None else t for adj, t in zip(columns["adjusted_target"], columns["target"])]
        nan = float("nan")
        try:
            values, _, errors = engine.score_rows(
                np.array([nan if v is None else v for v in columns["actual"]], dtype=float),
                np.array([nan if v is None else v for v in target], dtype=float),
                np.array([nan if v is None else v for v in columns["threshold"]], dtype=float),
                np.array([nan if v is None else v for v in columns["stretch"]], dtype=float),
                np.array([_direction(r) for r in kpi_rows]), np.array([_method(r) for r in kpi_rows]),
                np.array([nan if v is None else v for v in columns["param"]], dtype=float), settings["cap"])
        except KpiInputError:
            pass
        else:
            out = [float(v) for v in values]
            for index, _, error in errors:
                out[index] = _error(error, lang)
            return out
    return [_score_row(row, settings, lang) for row in kpi_rows]


def results(kpi_rows, review_rows, settings, head, lang) -> dict:  # noqa: C901 - to be split (issue 8)
    """Every computed cell's value: per row, per role, and the summary names."""
    err = T[lang]["err"]
    out = {"rows": []}
    weights = [r.get("weight") for r in kpi_rows]
    numeric_weights = [w for w in weights if _num(w)]
    wsum = float(sum(numeric_weights))
    out["weight_total"] = wsum
    scores = _scores(kpi_rows, settings, lang)
    for row, s in zip(kpi_rows, scores):
        adj, tgt = row.get("adjusted_target"), row.get("target")
        eff = adj if not _blank(adj) else ("" if _blank(tgt) else tgt)
        cells = {"effective_target": eff, "score": s}
        a = row.get("actual")
        if _num(s) and _num(a) and _num(eff) and eff != 0:
            if _method(row) == "deduction":
                cells["achievement"] = s / 100
            else:
                cells["achievement"] = a / eff if _direction(row) == "higher" \
                    else 2 - a / eff
        else:
            cells["achievement"] = ""
        w = row.get("weight")
        if _num(s):
            cells["weighted"] = s * w / (100 if wsum > 1.5 else 1) if _num(w) and w > 0 else 0.0
        else:
            cells["weighted"] = ""
        out["rows"].append(cells)

    # veto count
    vetoes = [VETO.try_parse(r.get("veto")) if not _blank(r.get("veto")) else "no" for r in kpi_rows]
    if any(v is None for v in vetoes):
        out["veto_count"] = err["veto"]
    else:
        out["veto_count"] = sum(1 for v, s in zip(vetoes, scores) if v == "yes" and _num(s) and s == 0)

    # quantitative score
    if any(not _blank(w) and not _num(w) for w in weights):
        q = err["weights"]
    else:
        try:
            engine.normalise_weights([None if _blank(w) else w for w in weights])
            q = None
        except KpiInputError:
            q = err["weights"]
        if q is None:
            q = err["scores"] if not all(_num(s) for s in scores) else float(engine.kpi_weighted(scores, [
                None if _blank(w) else w for w in weights]))
    out["kpi_quant_score"] = q

    # reviews: per role block and the qualitative score
    role_weights = dict(settings["role_weights"])
    ratings = [r.get("rating") for r in review_rows]
    roles = [r.get("role") for r in review_rows]
    out["roles"] = {}
    for role in ROLE.keys:
        mine = [x for x, ro in zip(ratings, roles) if _num(x) and 1 <= x <= 5 and not _blank(ro)
                and ROLE.try_parse(ro) == role]
        out["roles"][role] = (role_weights.get(role, 0.0), len(mine), sum(mine) / len(mine) if mine else "")
    if any(not _blank(x) and not _num(x) for x in ratings):
        qual = err["ratings"]
    else:
        try:
            qual = engine.kpi_review([None if _blank(x) else x for x in ratings],
                                     [None if _blank(x) else x for x in roles], role_weights)
            qual = "" if qual is None else float(qual)
        except KpiInputError as exc:
            qual = err[_review_error_key(exc)]
    out["kpi_qual_score"] = qual

    # final score and grade
    k = head.get("quant_weight")
    if not _num(q):
        final = q
    elif isinstance(qual, str) and qual:
        final = qual
    elif not _blank(k) and not _num(k):
        final = err["quant_weight"]
    else:
        try:
            final = float(engine.kpi_final(q, None if qual == "" else qual, None if _blank(k) else k))
        except KpiInputError:
            final = err["quant_weight"]
    out["kpi_final_score"] = final
    if not _num(final):
        out["kpi_grade"] = final
    elif not _num(out["veto_count"]):
        out["kpi_grade"] = out["veto_count"]
    else:
        out["kpi_grade"] = engine.kpi_grade(final, settings["grades"], out["veto_count"] > 0)
    return out
