"""The text of a cell value, read the same way by every reader of a workbook."""

from __future__ import annotations

import math


def value_text(value: object) -> str:
    """A cell value as trimmed text: ``None``, NaN and blanks read ``""``; a whole float reads without
    ``.0`` (an id typed as 1001 reads ``"1001"``). Dates and other values read as ``str()`` shows them."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


__all__ = ["value_text"]
