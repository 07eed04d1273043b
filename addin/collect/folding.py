"""Comparable text of cell values: how rule filters, owner names, aliases and indicator names match.

Plain Python (no pandas): `kpi fill` and reading an actuals workbook use it without loading
the column code of ``values``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata


def fold_one(value) -> str:
    """A value as comparable text: NFKC, runs of white space as one space, case folded; blank is ""."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return " ".join(unicodedata.normalize("NFKC", str(value)).split()).casefold()


def fold_values(values) -> list[str]:
    """Folded text of values (rule filters, aliases, the distinct values of a column)."""
    values = list(values)
    if all(type(v) is str for v in values):  # the common case, without the per-type checks
        normalize = unicodedata.normalize
        return [" ".join(normalize("NFKC", v).split()).casefold() for v in values]
    return [fold_one(v) for v in values]
