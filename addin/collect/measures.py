"""The measures of COLLECT.md over whole columns: count, sum, mean, median, distinct, ratio, durations.

Rows arrive already credited to roster managers; a *group* is what one value is computed
over: each manager (scope individual), each roster team (team) or everybody (company).
Sums use ``numpy.bincount``, which adds each group's values in row order, the way a
hand-written loop over the export does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from addin.collect.columns import Columns
from addin.collect.folding import fold_values
from addin.collect.rules import Rule
from addin.collect.values import TextCodes, factorize, parse_numbers, text_codes

UNIT_SECONDS = {"minutes": 60.0, "hours": 3600.0, "days": 86400.0}


@dataclass
class Bad:
    """Rows a rule had to leave out, with why, for findings (positions into the rule's input rows)."""

    code: str
    column: str
    positions: np.ndarray
    values: list = field(default_factory=list)   # the offending cells, for the first rows only
    extra: dict = field(default_factory=dict)


@dataclass
class Outcome:
    """One rule's result per roster manager."""

    actual: np.ndarray      # float, NaN = blank
    rows: np.ndarray        # export rows behind each actual (ratio: the denominator's)
    excluded: np.ndarray    # rows of the manager's group kept by the filters but left out (blank or bad value)
    bad: list[Bad] = field(default_factory=list)


def scope_groups(scope: str, teams: list[str]) -> np.ndarray:
    """Group of each roster manager: itself, its team (a blank team is a group of one) or the company."""
    n = len(teams)
    if scope == "company":
        return np.zeros(n, dtype=np.int64)
    if scope == "team":
        folded = fold_values(teams)
        groups, _ = factorize(folded)
        blank = np.array([not t for t in folded], dtype=bool)
        groups[blank] = groups.max(initial=-1) + 1 + np.arange(int(blank.sum()))
        return groups
    return np.arange(n, dtype=np.int64)


def codes_of(frame: Columns, column: str, cache: dict[str, TextCodes]) -> TextCodes:
    """The folded text codes of a column, computed once per source."""
    if column not in cache:
        cache[column] = text_codes(frame[column])
    return cache[column]


def filter_mask(frame: Columns, conditions: dict, cache: dict[str, TextCodes]) -> np.ndarray:
    """Rows whose every condition column holds one of its values (compared folded)."""
    mask = np.ones(len(frame), dtype=bool)
    for column, allowed in conditions.items():
        mask &= codes_of(frame, column, cache).isin(allowed if isinstance(allowed, list) else [allowed])
    return mask


def _aggregate(measure: str, groups: np.ndarray, values: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """(value, rows) per group of numbers already filtered (mean/median/sum/count)."""
    counts = np.bincount(groups, minlength=n_groups)
    if measure == "count":
        return counts.astype(float), counts
    if measure == "sum":
        return np.bincount(groups, weights=values, minlength=n_groups), counts
    if measure in ("mean", "duration_mean"):
        sums = np.bincount(groups, weights=values, minlength=n_groups)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan), counts
    return _medians(groups, values, counts), counts


def _medians(groups: np.ndarray, values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The median of each group's values (the mean of the middle two for an even count); NaN when none."""
    ordered = values[np.lexsort((values, groups))]
    start = np.concatenate(([0], np.cumsum(counts)[:-1]))
    has = counts > 0
    low = ordered[(start + (counts - 1) // 2)[has]]
    high = ordered[(start + counts // 2)[has]]
    out = np.full(len(counts), np.nan)
    out[has] = (low + high) / 2
    return out


def _numbers(rule: Rule, frame: Columns, cache: dict[str, TextCodes]) -> tuple[np.ndarray, np.ndarray]:
    """(numbers, unparseable) of a value column, through the rule's map first."""
    column = frame[rule.value or ""]
    if not rule.map:
        return parse_numbers(column)
    folded = codes_of(frame, rule.value or "", cache)
    mapping = dict(zip(fold_values(rule.map), rule.map.values()))
    mapped = np.array([mapping.get(u, np.nan) for u in folded.uniques] or [np.nan], dtype=float)[folded.codes]
    numbers, bad = parse_numbers(column)
    numbers = np.where(np.isnan(mapped), numbers, mapped)
    return numbers, bad & np.isnan(mapped)


def compute(rule: Rule, frame: Columns, manager: np.ndarray, groups_of_manager: np.ndarray,
            durations: np.ndarray | None = None, folded_cache: dict | None = None) -> Outcome:
    """One rule over the rows of its source that are in the period and credited to a manager.

    Args:
        rule: the rule.
        frame: the rule columns of those rows (:class:`~addin.collect.columns.Columns`).
        manager: roster position of each row.
        groups_of_manager: group of each roster manager (:func:`scope_groups`).
        durations: for duration measures, end − start in seconds (NaN where either is blank
            or not a date; the caller reports dates), else None.
        folded_cache: folded text per column, shared between the rules of one source.
    """
    cache = folded_cache if folded_cache is not None else {}
    n_groups = int(groups_of_manager.max(initial=-1)) + 1
    groups = groups_of_manager[manager] if len(manager) else np.zeros(0, dtype=np.int64)
    kept = filter_mask(frame, rule.where, cache) if rule.where else np.ones(len(frame), dtype=bool)
    if rule.where_not:
        for column, values in rule.where_not.items():
            kept &= ~filter_mask(frame, {column: values}, cache)
    bad: list[Bad] = []
    usable = kept.copy()
    values = np.zeros(len(frame))
    if rule.measure in ("sum", "mean", "median") or (rule.measure == "ratio" and rule.value):
        values, unparseable = _numbers(rule, frame, cache)
        wrong = kept & unparseable
        if wrong.any():
            bad.append(Bad("VALUE_UNPARSEABLE", rule.value or "", np.flatnonzero(wrong)))
        usable &= ~np.isnan(values)
    elif rule.measure == "distinct":
        usable &= codes_of(frame, rule.value or "", cache).nonblank()
    elif rule.measure in ("duration_mean", "duration_median"):
        assert durations is not None
        seconds = durations
        negative = kept & (seconds < 0)
        if negative.any():
            bad.append(Bad("NEGATIVE_DURATION", rule.end or "", np.flatnonzero(negative)))
        usable &= ~np.isnan(seconds) & (seconds >= 0)
        values = seconds / UNIT_SECONDS[rule.unit or "hours"]

    excluded = np.bincount(groups[kept & ~usable], minlength=n_groups)
    g = groups[usable]
    if rule.measure == "distinct":
        codes = cache[rule.value or ""]
        pairs = pl.Series(g * np.int64(codes.size + 1) + codes.codes[usable]).unique().to_numpy()
        result = np.bincount(pairs // np.int64(codes.size + 1), minlength=n_groups).astype(float)
        rows = np.bincount(g, minlength=n_groups)
    elif rule.measure == "ratio":
        numerator = filter_mask(frame, rule.numerator or {}, cache)[usable]
        if rule.value:
            weights = values[usable]
            denominator = np.bincount(g, weights=weights, minlength=n_groups)
            top = np.bincount(g[numerator], weights=weights[numerator], minlength=n_groups)
        else:
            denominator = np.bincount(g, minlength=n_groups).astype(float)
            top = np.bincount(g[numerator], minlength=n_groups).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            result = np.where(denominator != 0, top / np.where(denominator != 0, denominator, 1), np.nan)
        rows = np.bincount(g, minlength=n_groups)
    else:
        result, rows = _aggregate(rule.measure, g, values[usable], n_groups)
    if rule.scale is not None:
        result = result * rule.scale
    return Outcome(result[groups_of_manager], rows[groups_of_manager], excluded[groups_of_manager], bad)
