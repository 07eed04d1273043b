"""Target columns of a roster and the numbers in them.

A column sets one indicator's target when its header is the indicator's label (zh or en,
any case: ``销售额``, ``Sales revenue``), the label with 目标/target after it (``销售额目标``,
``Sales revenue target``) or before it with a colon (``目标：销售额``, ``target: Sales revenue``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from addin.contract.schema import SIZES, normalise_header
from addin.contract.standard import PERCENT_SCALE_ACTUAL, default_rows
from addin.roster.model import TargetColumn
from addin.roster.problems import Column, Problem, Sizes

# headers are compared normalised (trimmed, case-folded), so these match "Target: …" and "… Target"
_PREFIX = re.compile(r"^(?:目标|target)\s*[:：]\s*")
_SUFFIX = re.compile(r"(?<=\S)\s*(?:目标|target)$")
# a number as text: 1200, 1,200, 1,200.5, -3, .5, 1e3 (after NFKC: full-width digits, ，and ％ count)
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)", re.I)
RATIO_METHODS = ("linear", "band", "binary")


@dataclass(frozen=True)
class Indicator:
    """An indicator a target column may name."""

    zh: str
    en: str
    percent: bool
    method: str
    position: int | None  # in the chosen size's template (None: read without a size)


def indicators(size: str | None) -> dict[str, Indicator]:
    """{normalised label: indicator} of ``size``'s template, or of every size when None."""
    out: dict[str, Indicator] = {}
    for each in ([size] if size else SIZES):
        for i, (zh, en) in enumerate(zip(default_rows(each, "zh"), default_rows(each, "en"))):
            found = Indicator(zh["indicator"], en["indicator"], en["unit"] == "%", en["method"],
                              i if size else None)
            for label in (found.zh, found.en):
                out.setdefault(normalise_header(label), found)
    return out


def _other_sizes(size: str) -> dict[str, list[str]]:
    """{normalised label: [sizes]} of the indicators of the other sizes."""
    out: dict[str, list[str]] = {}
    for other in SIZES:
        if other != size:
            for label in indicators(other):
                out.setdefault(label, []).append(other)
    return out


def target_name(header: str) -> tuple[str, bool]:
    """(the indicator part of a normalised header, whether 目标/target marks it as a target column)."""
    prefixed = _PREFIX.match(header)
    if prefixed:
        return header[prefixed.end():], True
    suffixed = _SUFFIX.search(header)
    if suffixed:
        return header[:suffixed.start()], True
    return header, False


def target_columns(raw_headers, size: str | None, skip: set[int],
                   problems: list[Problem]) -> tuple[list[TargetColumn], list[int]]:
    """(target columns, indices of headed columns naming nothing) of a header row.

    ``skip`` holds the columns already read as roster fields. Appends to ``problems`` a
    column marked as a target that names no indicator (of ``size``, or of any size), a bare
    header naming an indicator of another size only, and two columns for one indicator.
    """
    known = indicators(size)
    others = _other_sizes(size) if size else {}
    columns: list[TargetColumn] = []
    first: dict[tuple[str, str], Column] = {}
    unknown: list[Column] = []
    unused: list[int] = []
    for index, raw in enumerate(raw_headers):
        header = normalise_header(raw)
        if not header or index in skip:
            continue
        name, marked = target_name(header)
        found = known.get(name)
        if found is None:
            if marked or name in others:
                note = Sizes(tuple(dict.fromkeys(others[name]))) if name in others else None
                unknown.append(Column(str(raw), index, bare=True, note=note))
            else:
                unused.append(index)
            continue
        column = Column(str(raw), index)
        if (found.zh, found.en) in first:
            problems.append(Problem("problem_same_indicator", {"first": first[(found.zh, found.en)],
                                                               "second": column, "zh": found.zh, "en": found.en}))
            continue
        first[(found.zh, found.en)] = column
        columns.append(TargetColumn(index, str(raw).strip(), found.zh, found.en, found.percent, found.method,
                                    found.position))
    if unknown:
        listed = ", ".join(dict.fromkeys(f"{ind.zh} / {ind.en}" for ind in known.values()))
        many = "many" if len(unknown) > 1 else "one"
        key = f"problem_unknown_targets_{many}" if size else f"problem_unknown_targets_any_{many}"
        problems.append(Problem(key, {"columns": unknown, "size": Sizes((size,)) if size else "", "known": listed}))
    return columns, unused


def parse_target(value, percent: bool):
    """A roster cell as a target: (number or None when blank, None) or (None, problem kind).

    Numbers pass as they are; text may use thousands separators ("1,200") and, for an
    indicator measured in % only, a percent sign ("95%" -> 0.95, the form Excel stores).
    Problem kinds: "number" (not a number) and "percent" (a % for a non-% indicator).
    """
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, "number"
    if isinstance(value, (int, float)):
        return (float(value), None) if math.isfinite(value) else (None, "number")
    if not isinstance(value, str):  # a date or time from an .xlsx
        return None, "number"
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        return None, None
    is_percent = text.endswith("%")
    if is_percent:
        text = text[:-1].rstrip()
    if not _NUMBER.fullmatch(text):
        return None, "number"
    if is_percent and not percent:
        return None, "percent"
    number = float(text.replace(",", ""))
    if not math.isfinite(number):
        return None, "number"
    return (number / 100 if is_percent else number), None


def checked_target(value, column: TargetColumn):
    """(target or None, problem kind or None) of one cell of a target column, range included: a
    target of 2 or more for an indicator measured in % is percent points typed as a number ("points")."""
    number, kind = parse_target(value, column.percent)
    if kind is None and number is not None:
        if column.method in RATIO_METHODS and number <= 0:
            kind = "positive"
        elif column.method == "deduction" and number < 0:
            kind = "negative"
        elif column.percent and number >= PERCENT_SCALE_ACTUAL:  # 90 for 90 %: the workbook would show 9000 %
            kind = "points"
    return (None, kind) if kind else (number, None)
