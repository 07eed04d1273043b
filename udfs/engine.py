"""The scoring engine of SCORING.md, in pure Python and numpy (no xlwings).

Every function takes scalars or arrays (lists, numpy arrays; enumerations may
be arrays too) and returns the same shape: a scalar in gives a Python scalar
out, an array in gives a numpy array out. Invalid input raises
:class:`~udfs.errors.KpiInputError` whose message names the argument.

Conventions this module settles where SCORING.md is silent (see docs/scoring-notes.md):

* a blank actual (None / NaN) scores 0, as in the total;
* a boundary counts as reached within ``TOLERANCE`` (1e-9) everywhere: bands,
  binary, grades and forced-ranking ties;
* ``cap`` must be at least 100.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from .enums import DIRECTION, GRADE, METHOD, ROLE, parse_codes
from .errors import KpiInputError

TOLERANCE = 1e-9

HIGHER, LOWER = 0, 1
LINEAR, BAND, BINARY, DEDUCTION = 0, 1, 2, 3

DEFAULT_CAP = 120.0
DEFAULT_BANDS: tuple[tuple[float, float], ...] = ((100.0, 100.0), (90.0, 80.0), (80.0, 60.0))
DEFAULT_DEDUCTION_POINTS = 10.0
DEFAULT_ROLE_WEIGHTS: dict[str, float] = {"self": 0.1, "peer": 0.3, "manager": 0.6}
DEFAULT_QUANT_WEIGHT = 0.8
DEFAULT_GRADE_BANDS: tuple[tuple[str, float], ...] = (
    ("S", 110.0), ("A", 95.0), ("B", 80.0), ("C", 60.0), ("D", 0.0),
)
DEFAULT_QUOTAS: dict[str, float] = {"S": 0.10, "A": 0.20, "B": 0.50, "C": 0.15, "D": 0.05}
DEFAULT_BONUS_COEFFICIENTS: dict[str, float] = {"S": 1.5, "A": 1.2, "B": 1.0, "C": 0.5, "D": 0.0}


# --------------------------------------------------------------------------- helpers

def _is_scalar(value) -> bool:
    return value is None or np.ndim(value) == 0


def _numbers(value, argument: str, allow_blank: bool = True) -> np.ndarray:
    """Float array of ``value``; blanks (None, "", NaN) become NaN; text raises."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "fiub":
        return value.astype(float, copy=False)
    arr = np.asarray(value, dtype=object) if not isinstance(value, np.ndarray) else value.astype(object)
    if arr.dtype != object:
        return arr.astype(float)
    out = np.empty(arr.shape, dtype=float)
    flat_in, flat_out = arr.ravel(), out.ravel()
    for i, item in enumerate(flat_in):
        if item is None or (isinstance(item, str) and not item.strip()):
            flat_out[i] = np.nan
        elif isinstance(item, (bool, np.bool_)) or not isinstance(item, (int, float, np.integer, np.floating)):
            raise KpiInputError(f"{argument} must be a number (got {item!r})")
        else:
            flat_out[i] = float(item)
    if not allow_blank and np.isnan(out).any():
        raise KpiInputError(f"{argument} must not be blank")
    return out


def _out(result: np.ndarray, scalar: bool):
    if scalar:
        value = np.asarray(result).item()
        return None if isinstance(value, float) and math.isnan(value) else value
    return result


def _where(mask: np.ndarray) -> str:
    """' (row 3)' for the first offending element of an array, '' for a scalar."""
    if mask.ndim == 0:
        return ""
    index = np.unravel_index(int(np.argmax(mask)), mask.shape)
    return " (row " + ",".join(str(i + 1) for i in index) + ")"


def _check(mask: np.ndarray, message: str, values: np.ndarray | None = None) -> None:
    if np.any(mask):
        got = ""
        if values is not None:
            v = np.broadcast_to(values, mask.shape)[np.unravel_index(int(np.argmax(mask)), mask.shape)] \
                if np.ndim(mask) else values
            got = f" (got {_fmt(v)})"
        raise KpiInputError(message + got + _where(np.asarray(mask)))


def _fmt(value) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:g}"


# --------------------------------------------------------------------------- one indicator

def kpi_achievement(actual, target, direction="higher"):
    """Achievement ratio r: a/T for higher, 2 - a/T for lower (SCORING.md §1).

    Args:
        actual: the actual value(s); blank gives a blank (None/NaN) result.
        target: the target(s), > 0.
        direction: "higher"/"越高越好" or "lower"/"越低越好", scalar or array.

    Returns:
        float or numpy array of floats.
    """
    scalar = _is_scalar(actual) and _is_scalar(target) and _is_scalar(direction)
    a = _numbers(actual, "actual")
    t = _numbers(target, "target")
    d = parse_codes(direction, DIRECTION, "direction")
    a, t, d = np.broadcast_arrays(a, t, d)
    _check(np.isnan(t), "target must not be blank")
    _check(t <= 0, "target must be > 0 for an achievement ratio", t)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = a / t
    return _out(np.where(d == LOWER, 2.0 - ratio, ratio), scalar)


def _bands_table(param) -> np.ndarray:
    """(k, 2) array of (min achievement %, score), sorted by minimum descending."""
    table = np.asarray(DEFAULT_BANDS if param is None else _numbers(param, "bands"), dtype=float)
    if table.ndim != 2 or table.shape[1] != 2 or table.shape[0] == 0:
        raise KpiInputError("bands must be rows of (minimum achievement %, score)")
    table = table[~np.isnan(table).all(axis=1)]
    if np.isnan(table).any():
        raise KpiInputError("bands must have a minimum and a score on every row")
    if (table[:, 1] < 0).any():
        raise KpiInputError("band scores must be >= 0")
    return table[np.argsort(-table[:, 0], kind="stable")]


def _is_bands(param) -> bool:
    """A bands table is 2-D: rows of (minimum %, score)."""
    return param is not None and np.ndim(param) == 2


def _split_param(param, method_codes: np.ndarray):
    """Interpret ``param``: a bands table (2-D) for band rows, or points per incident."""
    if param is None:
        return None, np.asarray(DEFAULT_DEDUCTION_POINTS)
    if _is_bands(param):
        return _bands_table(param), np.asarray(DEFAULT_DEDUCTION_POINTS)
    if np.ndim(param) == 1 and method_codes.ndim == 0 and int(method_codes) == BAND:
        raise KpiInputError("bands must be rows of (minimum achievement %, score)")
    points = _numbers(param, "param")
    points = np.where(np.isnan(points), DEFAULT_DEDUCTION_POINTS, points)
    return None, points


def score_rows(actual, target, threshold=None, stretch=None, direction="higher",
               method="linear", param=None, cap=DEFAULT_CAP):
    """Score many indicator rows at once and report invalid rows instead of raising.

    Same arguments as :func:`kpi_score` (arrays broadcast against each other).

    Returns:
        ``(scores, achievement, errors)``: float arrays (NaN where the row is
        invalid) and a list of ``(row_index, argument, message)`` per invalid row.
        Raises KpiInputError only for an unreadable argument as a whole
        (text in a number column, an unknown enumeration value).
    """
    a = _numbers(actual, "actual")
    t = _numbers(target, "target")
    f = _numbers(threshold, "threshold")
    s = _numbers(stretch, "stretch")
    c = _numbers(cap, "cap")
    c = np.where(np.isnan(c), DEFAULT_CAP, c)
    d = parse_codes(direction, DIRECTION, "direction")
    m = parse_codes(method, METHOD, "method")
    bands, points = _split_param(param, m)
    if bands is None:
        bands = _bands_table(None)
    a, t, f, s, c, d, m, points = np.broadcast_arrays(a, t, f, s, c, d, m, points)
    scores, ratio, problems = _score_core(a, t, f, s, c, d, m, points, bands)
    errors = []
    for argument, mask, message in problems:
        for index in np.flatnonzero(mask.ravel()):
            errors.append((int(index), argument, message))
    errors.sort()
    return scores, ratio, errors


def _score_core(a, t, f, s, c, d, m, points, bands):
    """Vectorised SCORING.md §1 on broadcast arrays; returns scores, achievement, problems."""
    higher = d == HIGHER
    ded = m == DEDUCTION
    ratio_method = ~ded
    has_f, has_s = ~np.isnan(f), ~np.isnan(s)

    problems = [
        ("target", np.isnan(t), "target must not be blank"),
        ("target", ratio_method & (t <= 0), "target must be > 0 for linear, band and binary scoring"),
        ("target", ded & (t < 0), "target (incidents allowed) must be >= 0 for deduction scoring"),
        ("actual", ded & (a < 0), "actual (incident count) must be >= 0 for deduction scoring"),
        ("param", ded & (points < 0), "param (points per incident) must be >= 0"),
        ("cap", c < 100, "cap must be >= 100"),
        ("threshold", ratio_method & has_f & np.where(higher, f >= t, f <= t),
         "threshold must be below the target for higher-is-better (above it for lower-is-better)"),
        ("stretch", ratio_method & has_s & np.where(higher, s <= t, s >= t),
         "stretch must be above the target for higher-is-better (below it for lower-is-better)"),
    ]
    bad = np.zeros(a.shape, dtype=bool)
    for _, mask, _ in problems:
        bad |= mask

    with np.errstate(divide="ignore", invalid="ignore"):
        plain = a / t
        ratio = np.where(higher, plain, 2.0 - plain)
        missed = has_f & np.where(higher, a < f, a > f)
        beats = has_s & np.where(higher, a > t, a < t)
        over = np.where(higher, (a - t) / (s - t), (t - a) / (t - s))
        linear = np.where(beats, 100.0 + (c - 100.0) * over, 100.0 * ratio)
        linear = np.clip(linear, 0.0, c)
        percent = ratio * 100.0
        band = np.zeros(a.shape)
        reached = np.zeros(a.shape, dtype=bool)
        for minimum, band_score in bands:  # a handful of bands, each a vector operation
            hit = ~reached & (percent >= minimum - TOLERANCE)
            band = np.where(hit, band_score, band)
            reached |= hit
        band = np.minimum(band, c)
        binary = np.where(ratio >= 1.0 - TOLERANCE, 100.0, 0.0)
        deduction = np.maximum(0.0, 100.0 - points * np.maximum(0.0, a - t))

    score = np.select([m == LINEAR, m == BAND, m == BINARY], [linear, band, binary], deduction)
    score = np.where(missed & ((m == LINEAR) | (m == BAND)), 0.0, score)
    achievement = np.where(ded, deduction / 100.0, ratio)
    blank = np.isnan(a)
    score = np.where(blank, 0.0, score)
    achievement = np.where(blank, np.nan, achievement)
    score = np.where(bad, np.nan, score)
    achievement = np.where(bad, np.nan, achievement)
    return score, achievement, problems


def kpi_score(actual, target, threshold=None, stretch=None, direction="higher",
              method="linear", param=None, cap=DEFAULT_CAP):
    """Score of one indicator (or many) by SCORING.md §1.

    Args:
        actual: actual value(s); a blank actual scores 0 (it is a finding elsewhere).
        target: target(s); replace with the adjusted target when there is one.
        threshold: optional minimum (门槛值); missing it scores 0 (linear, band).
        stretch: optional stretch goal (挑战值); reaching it scores ``cap`` (linear).
        direction: "higher"/"越高越好" or "lower"/"越低越好".
        method: "linear"/"线性", "band"/"分档", "binary"/"达标制", "deduction"/"扣分制".
        param: for band, a bands table of (minimum achievement %, score) rows in any
            order (default 100→100, 90→80, 80→60); for deduction, the points per
            incident beyond the target (default 10), scalar or per row.
        cap: the highest score (default 120, at least 100).

    Returns:
        float for scalar input, numpy array otherwise.

    Raises:
        KpiInputError: naming the argument, e.g. "target must be > 0 for linear, band
        and binary scoring (got 0)".
    """
    scalar = all(_is_scalar(v) for v in (actual, target, threshold, stretch, direction, method, cap)) \
        and (_is_scalar(param) or _is_bands(param))
    scores, _, errors = score_rows(actual, target, threshold, stretch, direction, method, param, cap)
    if errors:
        index, argument, message = errors[0]
        raise KpiInputError(message + _got(argument, index, locals()) + ("" if scalar else f" (row {index + 1})"))
    return _out(scores, scalar)


def _got(argument: str, index: int, given: dict) -> str:
    value = given.get(argument)
    if value is None:
        return ""
    arr = np.asarray(value, dtype=object).ravel()
    if arr.size == 0:
        return ""
    item = arr[index % arr.size] if arr.size > 1 else arr[0]
    if isinstance(item, (int, float, np.integer, np.floating)) and not isinstance(item, bool):
        return f" (got {_fmt(item)})"
    return ""


# --------------------------------------------------------------------------- totals

def normalise_weights(weights, argument: str = "weights") -> np.ndarray:
    """Weights as fractions: accepts fractions summing to 1 (±0.001) or percent points
    summing to 100 (±0.1, every positive weight >= 1). Blank weights count as 0.

    Works on the last axis, so a 2-D array is one set of weights per row.
    Raises KpiInputError "weights sum to 95%, expected 100%" otherwise.
    """
    w = _numbers(weights, argument)
    w = np.where(np.isnan(w), 0.0, w)
    _check(w < 0, f"{argument} must be >= 0", w)
    total = w.sum(axis=-1)
    positive = w > 0
    fractions = np.abs(total - 1.0) <= 0.001 + TOLERANCE
    all_points = np.where(positive, w >= 1.0, True).all(axis=-1)
    percent = ~fractions & all_points & (np.abs(total - 100.0) <= 0.1 + TOLERANCE)
    bad = ~(fractions | percent)
    if np.any(bad):
        shown = np.where(total > 1.5, total, total * 100.0)
        first = np.unravel_index(int(np.argmax(bad)), bad.shape) if bad.ndim else ()
        raise KpiInputError(
            f"{argument} sum to {shown[first]:.4g}%, expected 100%" + _where(np.asarray(bad))
        )
    return np.where(np.expand_dims(percent, -1), w / 100.0, w)


def kpi_weighted(scores, weights):
    """Quantitative score Q = Σ weight × score (SCORING.md §2).

    Args:
        scores: indicator scores; blank scores count as 0.
        weights: fractions summing to 1 or percent points summing to 100.
            A 2-D array (managers × indicators) gives one Q per row.

    Returns:
        float, or numpy array for 2-D input.
    """
    s = _numbers(scores, "scores")
    w = normalise_weights(weights)
    if s.shape != w.shape:
        try:
            s, w = np.broadcast_arrays(s, w)
        except ValueError:
            raise KpiInputError(
                f"scores and weights must have the same size (got {s.shape[-1] if s.ndim else 1} "
                f"and {w.shape[-1] if w.ndim else 1})"
            ) from None
    s = np.where(np.isnan(s), 0.0, s)
    total = np.where(w > 0, w * s, 0.0).sum(axis=-1)
    return _out(total, np.ndim(total) == 0)


def _role_weights(role_weights) -> np.ndarray:
    if role_weights is None:
        role_weights = DEFAULT_ROLE_WEIGHTS
    if isinstance(role_weights, Mapping):
        values = np.zeros(len(ROLE.keys))
        for role, weight in role_weights.items():
            values[ROLE.keys.index(ROLE.parse(role, "role_weights"))] = float(weight)
    else:
        values = _numbers(role_weights, "role_weights").ravel()
        if values.size != len(ROLE.keys):
            raise KpiInputError("role_weights must give self, peer and manager weights (3 numbers)")
        values = np.where(np.isnan(values), 0.0, values)
    _check(values < 0, "role_weights must be >= 0", values)
    return values


def kpi_review(ratings, roles, role_weights=None):
    """Qualitative score 0–100 from 1–5 ratings (SCORING.md §3).

    Args:
        ratings: ratings 1–5 (decimals allowed); blanks are ignored. A 2-D array
            (managers × ratings) gives one score per row.
        roles: the role of each rating: self/自评, peer/互评, manager/上级.
        role_weights: {role: weight} or (self, peer, manager); default 0.1/0.3/0.6.
            Absent roles' weights are shared out to present ones in proportion.

    Returns:
        float 0–100, or None (NaN in arrays) when there are no ratings.
    """
    r = _numbers(ratings, "ratings")
    scalar_out = r.ndim <= 1
    r = np.atleast_1d(r)
    roles_arr = np.asarray(roles, dtype=object) if not isinstance(roles, np.ndarray) else roles
    present_rating = ~np.isnan(r)
    roles_arr = np.broadcast_to(roles_arr, r.shape) if roles_arr.ndim else np.broadcast_to(roles_arr, r.shape)
    blank_role = np.vectorize(lambda v: v is None or (isinstance(v, str) and not v.strip())
                              or (isinstance(v, float) and math.isnan(v)), otypes=[bool])(roles_arr) \
        if roles_arr.dtype == object else np.zeros(r.shape, dtype=bool)
    _check(present_rating & blank_role, "roles must be given for every rating")
    safe_roles = np.where(blank_role, "manager", roles_arr)
    codes = parse_codes(safe_roles, ROLE, "roles")
    _check(present_rating & ((r < 1) | (r > 5)), "ratings must be between 1 and 5", r)
    weights = _role_weights(role_weights)

    total = np.zeros(r.shape[:-1])
    weight_sum = np.zeros(r.shape[:-1])
    filled = np.where(present_rating, r, 0.0)
    for index, weight in enumerate(weights):
        mine = present_rating & (codes == index)
        count = mine.sum(axis=-1)
        mean = np.where(count > 0, np.where(mine, filled, 0.0).sum(axis=-1) / np.maximum(count, 1), 0.0)
        present = count > 0
        total += np.where(present, weight * mean, 0.0)
        weight_sum += np.where(present, weight, 0.0)
    any_rating = present_rating.any(axis=-1)
    _check(any_rating & (weight_sum <= 0), "role_weights give the roles present a total weight of 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        qual = np.where(any_rating, 20.0 * total / weight_sum, np.nan)
    return _out(qual, scalar_out)


def kpi_final(quant, qual, quant_weight=DEFAULT_QUANT_WEIGHT):
    """Final score = k·Q + (1−k)·Qual; without a qualitative score, Final = Q (SCORING.md §4).

    Args:
        quant: quantitative score(s) Q.
        qual: qualitative score(s); blank means no reviews.
        quant_weight: k, the quantitative share between 0 and 1 (default 0.8).
    """
    scalar = _is_scalar(quant) and _is_scalar(qual) and _is_scalar(quant_weight)
    q = _numbers(quant, "quant")
    v = _numbers(qual, "qual")
    k = _numbers(quant_weight, "quant_weight")
    k = np.where(np.isnan(k), DEFAULT_QUANT_WEIGHT, k)
    q, v, k = np.broadcast_arrays(q, v, k)
    _check(np.isnan(q), "quant must not be blank")
    _check((k < 0) | (k > 1), "quant_weight must be between 0 and 1", k)
    return _out(np.where(np.isnan(v), q, k * q + (1.0 - k) * v), scalar)


# --------------------------------------------------------------------------- grades and bonus

def grade_bands(bands=None) -> list[tuple[str, float]]:
    """Grade bands as (grade, minimum) sorted by minimum descending.

    Accepts None (defaults), a mapping {grade: minimum}, or rows of (grade, minimum).
    """
    if bands is None:
        return list(DEFAULT_GRADE_BANDS)
    rows = list(bands.items()) if isinstance(bands, Mapping) else [tuple(r) for r in bands]
    out = []
    for row in rows:
        if len(row) != 2:
            raise KpiInputError("bands must be rows of (grade, minimum score)")
        grade, minimum = row
        if grade is None or (isinstance(grade, str) and not grade.strip()):
            continue
        if isinstance(minimum, bool) or not isinstance(minimum, (int, float, np.integer, np.floating)):
            raise KpiInputError(f"bands: the minimum score of grade {grade} must be a number (got {minimum!r})")
        out.append((str(grade).strip(), float(minimum)))
    if not out:
        raise KpiInputError("bands must contain at least one grade")
    return sorted(out, key=lambda row: -row[1])


def kpi_grade(score, bands=None, veto=False):
    """Grade of a final score: S ≥ 110, A ≥ 95, B ≥ 80, C ≥ 60, else D (SCORING.md §4).

    Args:
        score: final score(s), unrounded.
        bands: optional custom bands ({grade: minimum} or rows of (grade, minimum)).
        veto: True where a veto indicator (单项否决) scored 0: the lowest grade.

    Returns:
        grade letter, or numpy array of letters; None for a blank score.
    """
    scalar = _is_scalar(score) and _is_scalar(veto)
    table = grade_bands(bands)
    x = _numbers(score, "score")
    vetoed = np.asarray(veto, dtype=bool)
    x, vetoed = np.broadcast_arrays(x, vetoed)
    lowest = table[-1][0]
    result = np.full(x.shape, lowest, dtype=object)
    assigned = np.zeros(x.shape, dtype=bool)
    for grade, minimum in table:
        hit = ~assigned & (x >= minimum - TOLERANCE)
        result[hit] = grade
        assigned |= hit
    result[vetoed] = lowest
    result[np.isnan(x)] = None
    return result.item() if scalar else result


def _shares(shares, argument: str, default: Mapping[str, float]) -> list[tuple[str, float]]:
    if shares is None:
        shares = default
    rows = list(shares.items()) if isinstance(shares, Mapping) else [tuple(r) for r in shares]
    names = [str(g).strip() for g, _ in rows]
    values = normalise_weights([v for _, v in rows], argument)
    return list(zip(names, values.tolist()))


def forced_headcounts(n: int, quotas=None) -> list[tuple[str, int]]:
    """Headcount per grade: quota × n by largest remainder, ties to the better grade."""
    table = _shares(quotas, "quotas", DEFAULT_QUOTAS)
    exact = np.array([share * n for _, share in table])
    counts = np.floor(exact + TOLERANCE).astype(int)
    remainders = np.round(exact - counts, 9)
    left = n - int(counts.sum())
    order = sorted(range(len(table)), key=lambda i: (-remainders[i], i))
    for i in order[:max(left, 0)]:
        counts[i] += 1
    return [(grade, int(count)) for (grade, _), count in zip(table, counts)]


def forced_order(ids, finals, quants) -> np.ndarray:
    """Indices ordering managers by Final desc, Q desc, id asc (ties within 1e-9)."""
    f = _numbers(finals, "finals").ravel()
    q = _numbers(quants, "quants").ravel()
    keys = np.asarray([str(i) for i in np.asarray(ids, dtype=object).ravel()])
    if not (len(keys) == len(f) == len(q)):
        raise KpiInputError(f"ids, finals and quants must have the same length (got {len(keys)}, {len(f)}, {len(q)})")
    _check(np.isnan(f), "finals must not be blank")
    q = np.where(np.isnan(q), -np.inf, q)
    return np.lexsort((keys, -np.round(q, 9), -np.round(f, 9)))


def kpi_forced_grades(ids, finals, quants, quotas=None):
    """Forced distribution grades (SCORING.md §4), returned in the order of ``ids``.

    Args:
        ids: manager ids (ties broken by id ascending).
        finals: final scores.
        quants: quantitative scores (first tie-breaker).
        quotas: {grade: share} best grade first; default S 10 %, A 20 %, B 50 %, C 15 %, D 5 %.

    Returns:
        numpy array of grade letters.
    """
    order = forced_order(ids, finals, quants)
    counts = forced_headcounts(len(order), quotas)
    grades = np.empty(len(order), dtype=object)
    position = 0
    for grade, count in counts:
        grades[order[position:position + count]] = grade
        position += count
    return grades


def _coefficients(coefficients) -> dict[str, float]:
    if coefficients is None:
        return dict(DEFAULT_BONUS_COEFFICIENTS)
    rows = coefficients.items() if isinstance(coefficients, Mapping) else [tuple(r) for r in coefficients]
    out = {}
    for grade, value in rows:
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or value < 0:
            raise KpiInputError(f"coefficients: grade {grade} needs a number >= 0 (got {value!r})")
        out[str(grade).strip()] = float(value)
    return out


def kpi_bonus_coefficient(grade, coefficients=None):
    """Bonus coefficient of a grade: S 1.5, A 1.2, B 1.0, C 0.5, D 0 by default."""
    table = _coefficients(coefficients)
    scalar = _is_scalar(grade)
    arr = np.asarray(grade, dtype=object)
    out = np.empty(arr.shape, dtype=float)
    for idx, g in np.ndenumerate(arr):
        key = str(g).strip().upper() if g is not None else ""
        match = next((v for k, v in table.items() if k.upper() == key), None)
        if match is None:
            raise KpiInputError(f"grade must be one of {', '.join(table)} (got {g!r})")
        out[idx] = match
    return _out(out, scalar)


def kpi_bonus(grade, base, coefficients=None):
    """Bonus = base × coefficient of the grade.

    Args:
        grade: grade letter(s) S/A/B/C/D.
        base: base bonus amount(s), >= 0.
        coefficients: optional {grade: coefficient}.
    """
    scalar = _is_scalar(grade) and _is_scalar(base)
    coef = np.asarray(kpi_bonus_coefficient(grade, coefficients), dtype=float)
    b = _numbers(base, "base")
    _check(np.isnan(b), "base must not be blank")
    _check(b < 0, "base must be >= 0", b)
    return _out(coef * b, scalar)


def kpi_bonus_pool(grades, bases, pool, coefficients=None):
    """Bonuses scaled by one common factor so that they sum to ``pool``.

    Args:
        grades: grade letters, one per manager.
        bases: base bonus per manager (scalar for everyone, or one each).
        pool: the bonus budget to distribute, >= 0.
        coefficients: optional {grade: coefficient}.

    Returns:
        numpy array of bonuses summing to ``pool``.
    """
    raw = np.atleast_1d(np.asarray(kpi_bonus(grades, bases, coefficients), dtype=float))
    p = float(_numbers(pool, "pool", allow_blank=False))
    if p < 0:
        raise KpiInputError(f"pool must be >= 0 (got {_fmt(p)})")
    total = raw.sum()
    if total <= 0:
        if p == 0:
            return np.zeros_like(raw)
        raise KpiInputError("pool cannot be shared: every bonus before scaling is 0")
    return raw * (p / total)


__all__ = [
    "kpi_achievement", "kpi_score", "score_rows", "kpi_weighted", "normalise_weights",
    "kpi_review", "kpi_final", "kpi_grade", "grade_bands", "kpi_forced_grades",
    "forced_headcounts", "forced_order", "kpi_bonus", "kpi_bonus_coefficient", "kpi_bonus_pool",
    "GRADE", "METHOD",
]
