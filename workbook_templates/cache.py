"""Cached results written with the formulas, computed by the engine.

XlsxWriter stores a cached value with every formula. Writing the engine's result
there (instead of XlsxWriter's default 0) means a freshly generated workbook shows
the right numbers in viewers that do not recalculate (previews, calamine readers,
LibreOffice's default "never recalculate" for files that claim to come from
Excel). The values equal what the portable formulas compute; invalid input gives
the same error text, inputs not typed yet the same placeholder (待填写 / to fill).
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


def _placeholders(kpi_rows, scores, todo: str) -> list:
    """The scores as the cells show them: the placeholder where the target (before any check)
    or, once the row checks out, the actual is not typed yet (the engine scores it 0)."""
    out = []
    for row, value in zip(kpi_rows, scores):
        if _blank(row.get("adjusted_target")) and _blank(row.get("target")):
            value = todo
        elif _num(value) and _blank(row.get("actual")):
            value = todo
        out.append(value)
    return out


def _row_cells(row: dict, score, weight_sum: float) -> dict:
    """Effective target, score, achievement and weighted score of one row."""
    adj, tgt = row.get("adjusted_target"), row.get("target")
    cells = {"effective_target": adj if not _blank(adj) else ("" if _blank(tgt) else tgt), "score": score}
    actual, eff = row.get("actual"), cells["effective_target"]
    if not (_num(score) and _num(actual)):
        cells["achievement"] = ""
    elif _method(row) == "deduction":  # its target may be 0 incidents: the score tells
        cells["achievement"] = score / 100
    else:
        cells["achievement"] = actual / eff if _direction(row) == "higher" else 2 - actual / eff
    weight = row.get("weight")
    if not _num(score):
        cells["weighted"] = ""
    elif _num(weight) and weight > 0:
        cells["weighted"] = score * weight / (100 if weight_sum > 1.5 else 1)
    else:
        cells["weighted"] = 0.0
    return cells


def _veto_count(kpi_rows, scores, err: dict):
    vetoes = [VETO.try_parse(r.get("veto")) if not _blank(r.get("veto")) else "no" for r in kpi_rows]
    if any(v is None for v in vetoes):
        return err["veto"]
    return sum(1 for v, s in zip(vetoes, scores) if v == "yes" and _num(s) and s == 0)


def _quant(weights, scores, err: dict, todo: str, mode: str):
    """Q, or the error text / placeholder the quantitative score cell shows."""
    if mode == "addin" and todo in scores:
        return todo
    if any(not _blank(w) and not _num(w) for w in weights):
        return err["weights"]
    blank_is_none = [None if _blank(w) else w for w in weights]
    try:
        engine.normalise_weights(blank_is_none)
    except KpiInputError:
        return err["weights"]
    if not all(_num(s) or s == todo for s in scores):
        return err["scores"]
    if any(s == todo and _num(w) and w > 0 for s, w in zip(scores, weights)):
        return todo
    return float(engine.kpi_weighted([0.0 if s == todo else s for s in scores], blank_is_none))


def _reviews(review_rows, settings, err: dict):
    """(per role (weight, count, mean), the qualitative score or its error text; "" without ratings)."""
    role_weights = dict(settings["role_weights"])
    ratings = [r.get("rating") for r in review_rows]
    roles = [r.get("role") for r in review_rows]
    per_role = {}
    for role in ROLE.keys:
        mine = [x for x, ro in zip(ratings, roles) if _num(x) and 1 <= x <= 5 and not _blank(ro)
                and ROLE.try_parse(ro) == role]
        per_role[role] = (role_weights.get(role, 0.0), len(mine), sum(mine) / len(mine) if mine else "")
    if any(not _blank(x) and not _num(x) for x in ratings):
        return per_role, err["ratings"]
    try:
        qual = engine.kpi_review([None if _blank(x) else x for x in ratings],
                                 [None if _blank(x) else x for x in roles], role_weights)
    except KpiInputError as exc:
        return per_role, err[_review_error_key(exc)]
    return per_role, "" if qual is None else float(qual)


def _final(quant, qual, share, err: dict):
    if not _num(quant):
        return quant
    if isinstance(qual, str) and qual:
        return qual
    if not _blank(share) and not _num(share):
        return err["quant_weight"]
    try:
        return float(engine.kpi_final(quant, None if qual == "" else qual, None if _blank(share) else share))
    except KpiInputError:
        return err["quant_weight"]


def results(kpi_rows, review_rows, settings, head, lang, mode: str = "portable") -> dict:
    """Every computed cell's value: per row, per role, and the summary names."""
    err, todo = T[lang]["err"], T[lang]["todo"]
    weights = [r.get("weight") for r in kpi_rows]
    weight_sum = float(sum(w for w in weights if _num(w)))
    scores = _placeholders(kpi_rows, _scores(kpi_rows, settings, lang), todo)
    out: dict = {"weight_total": weight_sum,
                 "rows": [_row_cells(row, s, weight_sum) for row, s in zip(kpi_rows, scores)]}
    out["veto_count"] = _veto_count(kpi_rows, scores, err)
    out["kpi_quant_score"] = _quant(weights, scores, err, todo, mode)
    out["roles"], out["kpi_qual_score"] = _reviews(review_rows, settings, err)
    final = _final(out["kpi_quant_score"], out["kpi_qual_score"], head.get("quant_weight"), err)
    out["kpi_final_score"] = final
    if not _num(final):
        out["kpi_grade"] = final
    elif not _num(out["veto_count"]):
        out["kpi_grade"] = out["veto_count"]
    else:
        out["kpi_grade"] = engine.kpi_grade(final, settings["grades"], out["veto_count"] > 0)
    return out
