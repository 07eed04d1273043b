"""How Excel reads a string written into a cell that is not formatted as text (for the fake Excels of the tests)."""

from __future__ import annotations


def excel_parses(value):
    """``value`` as Excel stores it when written like typed input: numbers parse, = + - @ start formulas."""
    if not isinstance(value, str):
        return value
    if value[:1] in ("=", "+", "-", "@") and len(value) > 1:
        return f"<formula {value}>"  # or a COM error when it is no valid formula
    try:
        return float(value)
    except ValueError:
        return value
