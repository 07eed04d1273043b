"""The assessment period of `kpi collect --period`: a range of calendar dates, both ends inclusive."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from addin.contract.errors import UsageError

_QUARTER = re.compile(r"(\d{4})\s*-?\s*Q([1-4])", re.I)
_HALF = re.compile(r"(\d{4})\s*-?\s*H([12])", re.I)
_YEAR = re.compile(r"(\d{4})")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_RANGE = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})\s*\.\.\s*(\d{4}-\d{1,2}-\d{1,2})")


@dataclass(frozen=True)
class Period:
    """First and last day of the period (both counted) and the text it was given as."""

    first: date
    last: date
    text: str

    def __str__(self) -> str:
        return f"{self.first.isoformat()}..{self.last.isoformat()}"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _day(text: str, period: str) -> date:
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return date(year, month, day)
    except ValueError:
        raise UsageError("collect_period", period=period) from None


def parse_period(text: str) -> Period:
    """``2026Q3``, ``2026H1``, ``2026``, ``2026-07`` or ``2026-07-01..2026-09-30`` as a Period.

    Raises:
        UsageError: any other text, an impossible date, or a range that ends before it starts.
    """
    given = str(text)
    value = given.strip()
    if match := _QUARTER.fullmatch(value):
        year, quarter = int(match[1]), int(match[2])
        return Period(date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter), given)
    if match := _HALF.fullmatch(value):
        year, half = int(match[1]), int(match[2])
        return Period(date(year, 6 * half - 5, 1), _month_end(year, 6 * half), given)
    if match := _YEAR.fullmatch(value):
        year = int(match[1])
        return Period(date(year, 1, 1), date(year, 12, 31), given)
    if match := _MONTH.fullmatch(value):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise UsageError("collect_period", period=given)
        return Period(date(year, month, 1), _month_end(year, month), given)
    if match := _RANGE.fullmatch(value):
        first, last = _day(match[1], given), _day(match[2], given)
        if last < first:
            raise UsageError("collect_period_reversed", period=given)
        return Period(first, last, given)
    raise UsageError("collect_period", period=given)
