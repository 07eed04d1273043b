"""The scoring engine of SCORING.md, in pure Python and numpy (no xlwings).

Every function takes scalars or arrays (lists, numpy arrays; enumerations may
be arrays too) and returns the same shape: a scalar in gives a Python scalar
out, an array in gives a numpy array out. Invalid input raises
:class:`~udfs.errors.KpiInputError` with a kind and the values of its message
(texts in ``udfs.messages``), e.g. kind ``target_linear`` with ``got=0``:
"target must be > 0 for linear scoring (got 0)", "线性计分的目标值必须 > 0（实际为 0）".

Conventions this module settles where SCORING.md is silent (docs/scoring-notes.md):

* a blank actual (None / NaN) scores 0, as in the total;
* a boundary counts as reached within ``TOLERANCE`` (1e-9) everywhere: thresholds,
  bands, binary, grades and forced-ranking ties;
* ``cap`` must be at least 100; blank direction/method/cap/param take the defaults;
* numbers must be finite; text or booleans where a number belongs are errors;
* bands must not give a lower score for a higher minimum;
* a veto (TRUE, yes/是 or a count > 0) gives the lowest grade of the bands;
* weights are percent points when every positive weight is >= 1 and they sum to 100;
* forced-grade headcount ties in remainder go to the better grade; ids sort
  numerically when all are numbers;
* a bonus pool with every raw bonus 0 can only be 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from .enums import DIRECTION, GRADE, METHOD, ROLE, VETO, _unique_objects, parse_codes
from .errors import KpiInputError
from .messages import shown_value

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

def _ndim(value) -> int:
    """np.ndim, with -1 for a ragged nested list (numpy refuses to build an array of it)."""
    try:
        return np.ndim(value)
    except ValueError:
        return -1


def _is_scalar(value) -> bool:
    return value is None or _ndim(value) == 0


def _numbers(value, argument: str, allow_blank: bool = True) -> np.ndarray:
    """Float array of ``value``; blanks (None, "", NaN) become NaN; text, booleans and
    infinities raise KpiInputError naming ``argument``."""
    if isinstance(value, np.ndarray):
        arr = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        arr = np.asarray(float(value))
    else:
        try:
            arr = np.asarray(value, dtype=object) if value is None or isinstance(value, str) else np.asarray(value)
            if arr.dtype.kind in "USb" and not isinstance(value, (str, bool)):
                arr = np.asarray(value, dtype=object)  # keep mixed text/number cells apart
        except ValueError:
            raise KpiInputError("not_rows", argument=argument) from None
    if arr.dtype.kind in "fiu":
        out = arr.astype(float, copy=False)
    else:
        out = np.empty(arr.shape, dtype=float)
        flat_in, flat_out = arr.ravel(), out.ravel()
        for i, item in enumerate(flat_in):
            if item is None or (isinstance(item, str) and not item.strip()) or type(item).__name__ == "NAType":
                flat_out[i] = np.nan  # a blank cell (None, "", pandas NA)
            elif isinstance(item, (bool, np.bool_)) or not isinstance(item, (int, float, np.integer, np.floating)):
                shown = item.item() if isinstance(item, np.generic) else item
                raise KpiInputError("not_a_number", argument=argument, got=shown)
            else:
                flat_out[i] = float(item)
    if np.isinf(out).any():
        raise KpiInputError("not_finite", argument=argument, got=float(out[np.isinf(out)][0]))
    if not allow_blank and np.isnan(out).any():
        raise KpiInputError("blank", argument=argument)
    return out


def _out(result: np.ndarray, scalar: bool):
    if scalar:
        value = np.asarray(result).item()
        return None if isinstance(value, float) and math.isnan(value) else value
    return result


def _where(mask: np.ndarray) -> str | None:
    """'3' (or '2,3' in a block) for the first offending element of an array, None for a scalar."""
    if mask.ndim == 0:
        return None
    index = np.unravel_index(int(np.argmax(mask)), mask.shape)
    return ",".join(str(i + 1) for i in index)


def _check(mask: np.ndarray, kind: str, values: np.ndarray | None = None, **fields) -> None:
    """Raise KpiInputError ``kind`` for the first element where ``mask`` holds, with its value and row."""
    if np.any(mask):
        if values is not None:
            v = np.broadcast_to(values, mask.shape)[np.unravel_index(int(np.argmax(mask)), mask.shape)] \
                if np.ndim(mask) else values
            fields["got"] = float(v)
        raise KpiInputError(kind, row=_where(np.asarray(mask)), **fields)


def _fmt(value) -> str:
    return shown_value(float(value))


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
    d = parse_codes(direction, DIRECTION, "direction", default="higher")
    try:
        a, t, d = np.broadcast_arrays(a, t, d)
    except ValueError:
        raise KpiInputError("same_size", argument="actual", argument2="target", size=a.size, size2=t.size) from None
    _check(np.isnan(t), "blank", argument="target")
    _check(t <= 0, "target_ratio", t)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # 1e308 / 1e-308 is inf, not a warning
        ratio = a / t
        return _out(np.where(d == LOWER, 2.0 - ratio, ratio), scalar)


def _bands_table(param) -> np.ndarray:
    """(k, 2) array of (min achievement %, score), sorted by minimum descending.

    Blank rows (both cells empty, as at the end of a settings range) are skipped.
    """
    if param is None:
        param = DEFAULT_BANDS
    elif isinstance(param, Mapping):
        param = list(param.items())
    table = _numbers(param, "bands")
    if table.ndim != 2 or table.shape[1] != 2 or table.shape[0] == 0:
        raise KpiInputError("bands_rows")
    table = table[~np.isnan(table).all(axis=1)]
    if table.shape[0] == 0:
        raise KpiInputError("bands_empty")
    if np.isnan(table).any():
        raise KpiInputError("bands_incomplete")
    if (table[:, 1] < 0).any():
        raise KpiInputError("band_score_negative", got=float(table[table[:, 1] < 0][0, 1]))
    table = table[np.lexsort((-table[:, 1], -table[:, 0]))]
    same = np.flatnonzero((np.diff(table[:, 0]) == 0) & (np.diff(table[:, 1]) != 0))
    if same.size:
        raise KpiInputError("bands_minimum_twice", minimum=_fmt(table[same[0], 0]))
    falls = np.flatnonzero(np.diff(table[:, 1]) > 0)  # minimum descending: scores must not rise
    if falls.size:
        high, low = table[falls[0]], table[falls[0] + 1]
        raise KpiInputError("bands_falling", high=_fmt(high[0]), high_score=_fmt(high[1]), low=_fmt(low[0]),
                            low_score=_fmt(low[1]))
    return table


def _is_bands(param) -> bool:
    """A bands table is 2-D (rows of (minimum %, score)) or a {minimum %: score} mapping."""
    return param is not None and (isinstance(param, Mapping) or _ndim(param) in (2, -1))


def _split_param(param, method_codes: np.ndarray):
    """Interpret ``param``: a bands table (2-D) for band rows, or points per incident."""
    if param is None:
        return None, np.asarray(DEFAULT_DEDUCTION_POINTS)
    if _is_bands(param):
        if method_codes.ndim == 0 and int(method_codes) == DEDUCTION:
            raise KpiInputError("param_deduction_bands")
        return _bands_table(param), np.asarray(DEFAULT_DEDUCTION_POINTS)
    if _ndim(param) in (0, 1) and method_codes.ndim == 0 and int(method_codes) == BAND \
            and not (_ndim(param) == 0 and _blank(param)):
        # a number where the bands table belongs would silently score with the default bands
        raise KpiInputError("bands_rows", **({"got": param} if _ndim(param) == 0 else {}))
    points = _numbers(param, "param")
    points = np.where(np.isnan(points), DEFAULT_DEDUCTION_POINTS, points)
    return None, points


def score_rows(actual, target, threshold=None, stretch=None, direction="higher",
               method="linear", param=None, cap=DEFAULT_CAP):
    """Score many indicator rows at once and report invalid rows instead of raising.

    Same arguments as :func:`kpi_score` (arrays broadcast against each other).

    Returns:
        ``(scores, achievement, errors)``: float arrays of the broadcast shape (NaN
        where the row is invalid; achievement is also NaN for a blank actual) and a
        list of ``(flat_row_index, argument, error)`` (a KpiInputError, not raised), one
        per invalid row (its first problem), sorted by row. Raises KpiInputError only for an unreadable
        argument as a whole (text in a number column, an unknown enumeration value,
        a malformed bands table).
    """
    a = _numbers(actual, "actual")
    t = _numbers(target, "target")
    f = _numbers(threshold, "threshold")
    s = _numbers(stretch, "stretch")
    c = _numbers(cap, "cap")
    c = np.where(np.isnan(c), DEFAULT_CAP, c)
    d = parse_codes(direction, DIRECTION, "direction", default="higher")
    m = parse_codes(method, METHOD, "method", default="linear")
    bands, points = _split_param(param, m)
    if bands is None:
        bands = _bands_table(None)
    try:
        a, t, f, s, c, d, m, points = np.broadcast_arrays(a, t, f, s, c, d, m, points)
    except ValueError:
        shaped = [(name, np.shape(v)) for name, v in
                  (("actual", a), ("target", t), ("threshold", f), ("stretch", s),
                   ("direction", d), ("method", m), ("param", points), ("cap", c)) if np.ndim(v)]
        first = shaped[0]
        other = next(item for item in shaped if item[1] != first[1])
        raise KpiInputError("same_rows", argument=first[0], argument2=other[0], size=str(first[1]),
                            size2=str(other[1])) from None
    scores, ratio, problems = _score_core(a, t, f, s, c, d, m, points, bands)
    errors = []
    seen = np.zeros(a.size, dtype=bool)
    for argument, mask, kind, values in problems:  # in priority order: one message per row
        flat = mask.ravel() & ~seen
        seen |= flat
        shown = None if values is None else np.broadcast_to(values, mask.shape).ravel()
        for index in np.flatnonzero(flat):
            fields = {"argument": argument} if kind == "blank" else {}
            if shown is not None:
                fields["got"] = float(shown[index])
            errors.append((int(index), argument, KpiInputError(kind, **fields)))
    errors.sort(key=lambda e: e[0])
    return scores, ratio, errors


def _score_core(a, t, f, s, c, d, m, points, bands):
    """Vectorised SCORING.md §1 on broadcast arrays; returns scores, achievement, problems."""
    higher = d == HIGHER
    ded = m == DEDUCTION
    ratio_method = ~ded
    has_f, has_s = ~np.isnan(f), ~np.isnan(s)

    not_positive = t <= 0
    problems = [
        ("target", np.isnan(t), "blank", None),
        ("target", (m == LINEAR) & not_positive, "target_linear", t),
        ("target", (m == BAND) & not_positive, "target_band", t),
        ("target", (m == BINARY) & not_positive, "target_binary", t),
        ("target", ded & (t < 0), "target_deduction", t),
        ("actual", ded & (a < 0), "actual_deduction", a),
        ("param", ded & (points < 0), "points_negative", points),
        ("cap", c < 100, "cap_below_100", c),
        ("threshold", ratio_method & has_f & np.where(higher, f >= t, f <= t), "threshold_side", f),
        ("stretch", ratio_method & has_s & np.where(higher, s <= t, s >= t), "stretch_side", s),
    ]
    bad = np.zeros(a.shape, dtype=bool)
    for _, mask, _, _ in problems:
        bad |= mask

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # huge inputs overflow to ±inf: clipped
        plain = a / t
        ratio = np.where(higher, plain, 2.0 - plain)
        score = np.zeros(a.shape)
        if has_f.any():
            missed = has_f & np.where(higher, a < f - TOLERANCE, a > f + TOLERANCE)
        else:
            missed = np.zeros(a.shape, dtype=bool)

        is_linear = m == LINEAR
        if is_linear.any():
            linear = 100.0 * ratio
            if has_s.any():
                beats = has_s & np.where(higher, a > t, a < t)
                over = np.where(higher, a - t, t - a) / np.abs(s - t)
                # the cap is reached at over = 1: clipping first keeps cap 100 × infinite over from being NaN
                linear = np.where(beats, 100.0 + (c - 100.0) * np.minimum(over, 1.0), linear)
            np.copyto(score, np.clip(linear, 0.0, c), where=is_linear)

        is_band = m == BAND
        if is_band.any():
            percent = ratio * 100.0
            band = np.zeros(a.shape)
            # bands are sorted by minimum descending: assign from the lowest up so
            # the largest reached minimum wins; a handful of vector operations
            for minimum, band_score in bands[::-1]:
                np.copyto(band, band_score, where=percent >= minimum - TOLERANCE)
            np.copyto(score, np.minimum(band, c), where=is_band)

        is_binary = m == BINARY
        if is_binary.any():
            np.copyto(score, np.where(ratio >= 1.0 - TOLERANCE, 100.0, 0.0), where=is_binary)

        if ded.any():
            deduction = np.maximum(0.0, 100.0 - points * np.maximum(0.0, a - t))
            np.copyto(score, deduction, where=ded)
            ratio = np.where(ded, score / 100.0, ratio)

    score[missed & (is_linear | is_band)] = 0.0
    blank = np.isnan(a)
    score[blank] = 0.0
    ratio = np.where(blank | bad, np.nan, ratio)
    score[bad] = np.nan
    return score, ratio, problems


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
        KpiInputError: naming the argument, e.g. "target must be > 0 for linear
        scoring (got 0)"; for arrays the first invalid row is named "(row 3)".
    """
    scalar = all(_is_scalar(v) for v in (actual, target, threshold, stretch, direction, method, cap)) \
        and (_is_scalar(param) or _is_bands(param))
    scores, _, errors = score_rows(actual, target, threshold, stretch, direction, method, param, cap)
    if errors:
        index, _, error = errors[0]
        raise KpiInputError(error.kind, **error.values, row=None if scalar else index + 1)
    return _out(scores, scalar)


# --------------------------------------------------------------------------- totals

def normalise_weights(weights, argument: str = "weights") -> np.ndarray:
    """Weights as fractions: accepts fractions summing to 1 (±0.001) or percent points
    summing to 100 (±0.1, every positive weight >= 1). Blank weights count as 0.

    Works on the last axis, so a 2-D array is one set of weights per row.
    Raises KpiInputError "weights sum to 95%, expected 100%" otherwise.
    """
    w = _numbers(weights, argument)
    w = np.where(np.isnan(w), 0.0, w)
    _check(w < 0, "negative", w, argument=argument)
    with np.errstate(over="ignore"):  # weights of 1e308: the sum is inf, reported below
        total = w.sum(axis=-1)
    positive = w > 0
    fractions = np.abs(total - 1.0) <= 0.001 + TOLERANCE
    all_points = np.where(positive, w >= 1.0, True).all(axis=-1)
    near_100 = np.abs(total - 100.0) <= 0.1 + TOLERANCE
    percent = ~fractions & all_points & near_100
    bad = ~(fractions | percent)
    if np.any(bad):
        first = np.unravel_index(int(np.argmax(bad)), bad.shape) if bad.ndim else ()
        where = _where(np.asarray(bad))
        if near_100[first]:
            small = np.asarray(w)[first][np.asarray(positive)[first] & (np.asarray(w)[first] < 1.0)]
            raise KpiInputError("weights_mixed", argument=argument, small=_fmt(small[0]), row=where)
        shown = total[first] if total[first] > 1.5 else total[first] * 100.0
        raise KpiInputError("weights_sum", argument=argument, total=float(shown), row=where)
    return np.where(np.expand_dims(percent, -1), w / 100.0, w)


def kpi_weighted(scores, weights):
    """Quantitative score Q = Σ weight × score (SCORING.md §2).

    Args:
        scores: indicator scores; blank scores count as 0.
        weights: fractions summing to 1 or percent points summing to 100.
            A 2-D array (managers × indicators) gives one Q per row.

    Returns:
        float, or numpy array for 2-D input.

    Raises:
        KpiInputError: "weights sum to 95%, expected 100%", or sizes that differ.
    """
    s = _numbers(scores, "scores")
    w = normalise_weights(weights)
    if s.shape != w.shape:
        try:
            s, w = np.broadcast_arrays(s, w)
        except ValueError:
            raise KpiInputError("same_size", argument="scores", argument2="weights",
                                size=s.shape[-1] if s.ndim else 1, size2=w.shape[-1] if w.ndim else 1) from None
    s = np.where(np.isnan(s), 0.0, s)
    total = np.where(w > 0, w * s, 0.0).sum(axis=-1)
    return _out(total, np.ndim(total) == 0)


def _role_weights(role_weights) -> np.ndarray:
    """Weights of (self, peer, manager) as fractions summing to 1.

    Accepts a mapping {role: weight}, rows of (role, weight) (a tblRoleWeights
    range) or three numbers in the order self, peer, manager; roles may be zh labels.
    """
    if role_weights is None:
        role_weights = DEFAULT_ROLE_WEIGHTS
    if not isinstance(role_weights, Mapping) and _ndim(role_weights) == 2:
        rows = [tuple(row) for row in np.asarray(role_weights, dtype=object)]
        if any(len(row) != 2 for row in rows):
            raise KpiInputError("role_weights_rows")
        rows = [(role, weight) for role, weight in rows if not _blank(role) or not _blank(weight)]
        seen = set()
        for role, _ in rows:  # a role listed twice (self and 自评 included) is ambiguous: refuse it
            key = ROLE.parse(role, "role_weights")
            if key in seen:
                raise KpiInputError("role_twice", role=key)
            seen.add(key)
        role_weights = dict(rows)
    if isinstance(role_weights, Mapping):
        values = np.zeros(len(ROLE.keys))
        for role, weight in role_weights.items():
            index = ROLE.keys.index(ROLE.parse(role, "role_weights"))
            values[index] = np.nan_to_num(_numbers(weight, f"role_weights.{ROLE.keys[index]}").item())
    else:
        values = _numbers(role_weights, "role_weights").ravel()
        if values.size != len(ROLE.keys):
            raise KpiInputError("role_weights_three", count=values.size)
    return normalise_weights(values, "role_weights")


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) \
        or (isinstance(value, float) and math.isnan(value))


def kpi_review(ratings, roles, role_weights=None):
    """Qualitative score 0–100 from 1–5 ratings (SCORING.md §3).

    Args:
        ratings: ratings 1–5 (decimals allowed); blanks are ignored. A 2-D array
            (managers × ratings) gives one score per row.
        roles: the role of each rating: self/自评, peer/互评, manager/上级.
        role_weights: {role: weight}, rows of (role, weight) or (self, peer, manager);
            fractions summing to 1 or percent points summing to 100; default 0.1/0.3/0.6.
            Absent roles' weights are shared out to present ones in proportion.

    Returns:
        float 0–100, or None (NaN in arrays) when there are no ratings.
    """
    r = _numbers(ratings, "ratings")
    scalar_out = r.ndim <= 1
    r = np.atleast_1d(r)
    roles_arr = roles if isinstance(roles, np.ndarray) else np.asarray(roles, dtype=object)
    try:
        roles_arr = np.broadcast_to(roles_arr, r.shape)
    except ValueError:
        raise KpiInputError("same_size", argument="ratings", argument2="roles", size=r.size,
                            size2=roles_arr.size) from None
    present_rating = ~np.isnan(r)
    if roles_arr.dtype == object:
        blank_role = np.frompyfunc(_blank, 1, 1)(roles_arr).astype(bool)
    else:
        blank_role = np.char.strip(roles_arr.astype(str)) == "" if roles_arr.dtype.kind == "U" \
            else np.zeros(r.shape, dtype=bool)
    _check(present_rating & blank_role, "role_missing")
    safe_roles = np.where(blank_role | ~present_rating, "manager", roles_arr)
    codes = parse_codes(safe_roles, ROLE, "roles")
    _check(present_rating & ((r < 1) | (r > 5)), "rating_range", r)
    weights = _role_weights(role_weights)

    total = np.zeros(r.shape[:-1])
    weight_sum = np.zeros(r.shape[:-1])
    filled = np.where(present_rating, r, 0.0)
    for index, weight in enumerate(weights):
        mine = present_rating & (codes == index)
        count = mine.sum(axis=-1)
        mean = np.where(mine, filled, 0.0).sum(axis=-1) / np.maximum(count, 1)
        present = count > 0
        total += np.where(present, weight * mean, 0.0)
        weight_sum += np.where(present, weight, 0.0)
    any_rating = present_rating.any(axis=-1)
    _check(any_rating & (weight_sum <= 0), "role_weights_zero")
    with np.errstate(divide="ignore", invalid="ignore"):
        qual = np.where(any_rating, 20.0 * total / weight_sum, np.nan)
    return _out(qual, scalar_out)


def kpi_final(quant, qual, quant_weight=DEFAULT_QUANT_WEIGHT):
    """Final score = k·Q + (1−k)·Qual; without a qualitative score, Final = Q (SCORING.md §4).

    Args:
        quant: quantitative score(s) Q.
        qual: qualitative score(s); blank means no reviews.
        quant_weight: k, the quantitative share between 0 and 1 (default 0.8; blank = default).
    """
    scalar = _is_scalar(quant) and _is_scalar(qual) and _is_scalar(quant_weight)
    q = _numbers(quant, "quant")
    v = _numbers(qual, "qual")
    k = _numbers(quant_weight, "quant_weight")
    k = np.where(np.isnan(k), DEFAULT_QUANT_WEIGHT, k)
    try:
        q, v, k = np.broadcast_arrays(q, v, k)
    except ValueError:
        raise KpiInputError("same_size", argument="quant", argument2="qual", size=q.size, size2=v.size) from None
    _check(np.isnan(q), "blank", argument="quant")
    _check((k < 0) | (k > 1), "quant_weight_range", k)
    return _out(np.where(np.isnan(v), q, k * q + (1.0 - k) * v), scalar)


# --------------------------------------------------------------------------- grades and bonus

def grade_bands(bands=None) -> list[tuple[str, float]]:
    """Grade bands as (grade, minimum) sorted by minimum descending.

    Accepts None (defaults), a mapping {grade: minimum}, or rows of (grade, minimum);
    rows with a blank grade are skipped (spare rows of a settings range).
    """
    if bands is None:
        return list(DEFAULT_GRADE_BANDS)
    if isinstance(bands, str) or (not isinstance(bands, Mapping) and _ndim(bands) not in (2, -1)):
        raise KpiInputError("grade_bands_rows")
    rows = list(bands.items()) if isinstance(bands, Mapping) else [tuple(r) for r in bands]
    out = []
    for row in rows:
        if len(row) != 2:
            raise KpiInputError("grade_bands_rows")
        grade, minimum = row
        if _blank(grade):
            if _blank(minimum):
                continue
            raise KpiInputError("grade_missing", argument="grade_bands", minimum=shown_value(minimum))
        _grade_name(grade, "grade_bands")
        if isinstance(minimum, (bool, np.bool_)) or not isinstance(minimum, (int, float, np.integer, np.floating)) \
                or not math.isfinite(minimum):
            raise KpiInputError("grade_minimum", argument="grade_bands", grade=grade, got=minimum)
        out.append((str(grade).strip(), float(minimum)))
    if not out:
        raise KpiInputError("grades_empty", argument="grade_bands")
    return sorted(out, key=lambda row: -row[1])


def _grade_name(grade, argument: str) -> str:
    """A grade name from a settings table: text such as S or 优."""
    if not isinstance(grade, str):
        raise KpiInputError("grade_not_text", argument=argument, got=grade)
    return grade.strip()


def _veto_flags(veto) -> np.ndarray:
    """Boolean array of ``veto``: TRUE/FALSE, yes/no/是/否, or a count of vetoed indicators (> 0)."""
    arr = veto if isinstance(veto, np.ndarray) else np.asarray(veto, dtype=object)
    if arr.dtype.kind == "b":
        return arr
    if arr.dtype.kind in "fiu":
        counts = np.nan_to_num(arr.astype(float))
        _check(counts < 0, "veto_invalid", counts)
        return counts > 0
    uniques, inverse = _unique_objects(arr)  # each distinct value is read once
    flags = np.zeros(len(uniques), dtype=bool)
    for i, value in enumerate(uniques):
        if _blank(value):
            continue
        if isinstance(value, (bool, np.bool_)):
            flags[i] = bool(value)
        elif isinstance(value, (int, float, np.integer, np.floating)):
            if value < 0:
                raise KpiInputError("veto_invalid", got=float(value))
            flags[i] = value > 0
        else:
            flags[i] = VETO.parse(value, "veto") == "yes"
    return flags[inverse].reshape(arr.shape)


def kpi_grade(score, bands=None, veto=False):
    """Grade of a final score: S ≥ 110, A ≥ 95, B ≥ 80, C ≥ 60, else D (SCORING.md §4).

    Args:
        score: final score(s), unrounded.
        bands: optional custom bands ({grade: minimum} or rows of (grade, minimum)).
        veto: True / "yes" / "是" or a count > 0 where a veto indicator (单项否决) scored 0:
            the grade is then the lowest grade of ``bands`` (D by default).

    Returns:
        grade letter, or numpy array of letters; None for a blank score.
        Scores below every minimum get the lowest grade.
    """
    scalar = _is_scalar(score) and _is_scalar(veto)
    table = grade_bands(bands)
    x = _numbers(score, "score")
    vetoed = _veto_flags(False if veto is None else veto)
    try:
        x, vetoed = np.broadcast_arrays(x, vetoed)
    except ValueError:
        raise KpiInputError("same_size", argument="score", argument2="veto", size=x.size,
                            size2=vetoed.size) from None
    lowest = table[-1][0]
    result = np.full(x.shape, lowest, dtype=object)
    for grade, minimum in reversed(table):  # lowest first: the largest minimum reached wins
        result[x >= minimum - TOLERANCE] = grade
    result[vetoed] = lowest
    result[np.isnan(x)] = None
    return result.item() if scalar else result


def _grade_order(names: list[str]) -> list[int]:
    """Indices of ``names`` best grade first when they are S/A/B/C/D, else as given."""
    upper = [n.upper() for n in names]
    if all(n in GRADE.keys for n in upper):
        return sorted(range(len(names)), key=lambda i: GRADE.keys.index(upper[i]))
    return list(range(len(names)))


def _shares(shares, argument: str, default: Mapping[str, float]) -> list[tuple[str, float]]:
    """(grade, share) best grade first, shares as fractions rescaled to sum to exactly 1."""
    if shares is None:
        shares = default
    if isinstance(shares, str) or (not isinstance(shares, Mapping) and _ndim(shares) not in (2, -1)):
        raise KpiInputError("shares_rows", argument=argument)
    rows = list(shares.items()) if isinstance(shares, Mapping) else [tuple(r) for r in shares]
    if any(len(row) != 2 for row in rows):
        raise KpiInputError("shares_rows", argument=argument)
    rows = [row for row in rows if not (_blank(row[0]) and _blank(row[1]))]
    if not rows:
        raise KpiInputError("grades_empty", argument=argument)
    for grade, _ in rows:
        if _blank(grade):
            raise KpiInputError("share_without_grade", argument=argument)
        _grade_name(grade, argument)
    names = [str(g).strip() for g, _ in rows]
    values = normalise_weights([v for _, v in rows], argument)
    values = values / values.sum()
    return [(names[i], float(values[i])) for i in _grade_order(names)]


def forced_headcounts(n: int, quotas=None) -> list[tuple[str, int]]:
    """Headcount per grade, best grade first: quota × n rounded by largest remainder
    (ties in remainder go to the better grade), so the counts sum to ``n``."""
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) or n < 0:
        raise KpiInputError("headcount", got=n)
    table = _shares(quotas, "quotas", DEFAULT_QUOTAS)
    exact = np.array([share * int(n) for _, share in table])
    counts = np.floor(exact + TOLERANCE).astype(int)
    remainders = np.round(exact - counts, 9)
    left = n - int(counts.sum())
    order = sorted(range(len(table)), key=lambda i: (-remainders[i], i))
    for i in order[:max(left, 0)]:
        counts[i] += 1
    return [(grade, int(count)) for (grade, _), count in zip(table, counts)]


def _id_keys(ids) -> np.ndarray:
    """Sort keys of manager ids: numeric when every id is a number, else text."""
    items = list(np.asarray(ids, dtype=object).ravel())
    for row, item in enumerate(items, start=1):
        if _blank(item):
            raise KpiInputError("id_blank", row=row)
        if isinstance(item, (bool, np.bool_)) or not isinstance(item, (str, int, float, np.integer, np.floating)):
            raise KpiInputError("id_type", got=item)
    if items and all(isinstance(i, (int, float, np.integer, np.floating)) and not isinstance(i, bool)
                     for i in items):
        return np.asarray(items, dtype=float)
    return np.asarray(["" if i is None else str(i).strip() for i in items])


def forced_order(ids, finals, quants) -> np.ndarray:
    """Indices ordering managers by Final desc, Q desc, id asc (ties within 1e-9)."""
    f = np.atleast_1d(_numbers(finals, "finals")).ravel()
    q = np.atleast_1d(_numbers(quants, "quants")).ravel() if quants is not None else np.full(f.shape, np.nan)
    keys = _id_keys(ids)
    if not (len(keys) == len(f) == len(q)):
        raise KpiInputError("ranking_lengths", ids=len(keys), finals=len(f), quants=len(q))
    _check(np.isnan(f), "blank", argument="finals")
    unique, counts = np.unique(keys, return_counts=True)
    if (counts > 1).any():  # one person, one grade: a repeated id would take two quota places
        repeated = unique[np.argmax(counts > 1)].item()
        shown = _fmt(repeated) if isinstance(repeated, float) else repr(repeated)
        raise KpiInputError("id_repeated", id=shown, count=int(counts[np.argmax(counts > 1)]))
    q = np.where(np.isnan(q), -np.inf, q)
    with np.errstate(over="ignore", invalid="ignore"):  # np.round of ±1e308 overflows to ±inf: still ordered
        return np.lexsort((keys, -np.round(q, 9), -np.round(f, 9)))


def kpi_forced_grades(ids, finals, quants, quotas=None):
    """Forced distribution grades (SCORING.md §4), returned in the order of ``ids``.

    Args:
        ids: manager ids (ties broken by id ascending; numerically if all are numbers).
        finals: final scores.
        quants: quantitative scores (first tie-breaker; blank ranks last among ties).
        quotas: {grade: share} or rows of (grade, share), fractions or percent points;
            default S 10 %, A 20 %, B 50 %, C 15 %, D 5 %.

    Returns:
        numpy array of grade letters, in the shape of ``ids`` (a 2-D block of ids gives a
        2-D block of grades; the ranking runs over the whole group).
    """
    order = forced_order(ids, finals, quants)
    counts = forced_headcounts(len(order), quotas)
    grades = np.empty(len(order), dtype=object)
    position = 0
    for grade, count in counts:
        grades[order[position:position + count]] = grade
        position += count
    return grades.reshape(np.shape(ids)) if _ndim(ids) > 1 else grades


def _coefficients(coefficients) -> dict[str, float]:
    if coefficients is None:
        return dict(DEFAULT_BONUS_COEFFICIENTS)
    if isinstance(coefficients, str) or (not isinstance(coefficients, Mapping) and _ndim(coefficients) not in (2, -1)):
        raise KpiInputError("coefficients_rows")
    rows = coefficients.items() if isinstance(coefficients, Mapping) else [tuple(r) for r in coefficients]
    out = {}
    for row in rows:
        if len(row) != 2:
            raise KpiInputError("coefficients_rows")
        grade, value = row
        if _blank(grade) and _blank(value):
            continue
        if _blank(grade):
            raise KpiInputError("coefficient_without_grade")
        _grade_name(grade, "coefficients")
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)) \
                or not math.isfinite(value) or value < 0:
            raise KpiInputError("coefficient_invalid", grade=grade, got=value)
        out[str(grade).strip().upper()] = float(value)
    if not out:
        raise KpiInputError("grades_empty", argument="coefficients")
    return out


def kpi_bonus_coefficient(grade, coefficients=None):
    """Bonus coefficient of a grade: S 1.5, A 1.2, B 1.0, C 0.5, D 0 by default.

    Grades are matched case-insensitively with spaces trimmed; each distinct grade
    is looked up once, so arrays cost one pass.
    """
    table = _coefficients(coefficients)
    scalar = _is_scalar(grade)
    arr = np.asarray(grade, dtype=object)
    uniques, inverse = _unique_objects(arr)
    values = np.empty(len(uniques), dtype=float)
    for i, g in enumerate(uniques):
        key = str(g).strip().upper() if isinstance(g, str) else None
        if key not in table:
            raise KpiInputError("grade_unknown", grades=", ".join(table), got=g)
        values[i] = table[key]
    return _out(values[inverse].reshape(arr.shape), scalar)


def kpi_bonus(grade, base, coefficients=None):
    """Bonus = base × coefficient of the grade.

    Args:
        grade: grade letter(s) S/A/B/C/D.
        base: base bonus amount(s), >= 0.
        coefficients: optional {grade: coefficient} or rows of (grade, coefficient).
    """
    scalar = _is_scalar(grade) and _is_scalar(base)
    coef = np.asarray(kpi_bonus_coefficient(grade, coefficients), dtype=float)
    b = _numbers(base, "base")
    _check(np.isnan(b), "blank", argument="base")
    _check(b < 0, "negative", b, argument="base")
    try:
        result = coef * b
    except ValueError:
        raise KpiInputError("same_size", argument="grade", argument2="base", size=coef.size, size2=b.size) from None
    return _out(result, scalar)


def kpi_bonus_pool(grades, bases, pool, coefficients=None):
    """Bonuses scaled by one common factor so that they sum to ``pool``.

    Args:
        grades: grade letters, one per manager.
        bases: base bonus per manager (scalar for everyone, or one each).
        pool: the bonus budget to distribute, >= 0.
        coefficients: optional {grade: coefficient}.

    Returns:
        numpy array of bonuses summing to ``pool``. With every raw bonus 0 a pool of 0
        gives zeros; a positive pool raises (nobody to share it with).
    """
    raw = np.atleast_1d(np.asarray(kpi_bonus(grades, bases, coefficients), dtype=float))
    pools = _numbers(pool, "pool", allow_blank=False)
    if pools.size != 1:
        raise KpiInputError("pool_one_number", count=pools.size)
    p = float(pools.ravel()[0])
    if p < 0:
        raise KpiInputError("negative", argument="pool", got=p)
    with np.errstate(over="ignore"):
        total = raw.sum()
    if not math.isfinite(total):
        raise KpiInputError("bonus_overflow")
    if total <= 0:
        if p == 0:
            return np.zeros_like(raw)
        raise KpiInputError("pool_unshareable")
    return raw / total * p  # raw / total <= 1 first: no overflow for tiny totals


__all__ = [
    "kpi_achievement", "kpi_score", "score_rows", "kpi_weighted", "normalise_weights",
    "kpi_review", "kpi_final", "kpi_grade", "grade_bands", "kpi_forced_grades",
    "forced_headcounts", "forced_order", "kpi_bonus", "kpi_bonus_coefficient", "kpi_bonus_pool",
    "GRADE", "METHOD",
]
