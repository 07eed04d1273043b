"""Colour rules of the table sheets (conditional formats on the shown values)."""

from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name

from addin.consolidation.team_workbook.formats import GRADE_COLOURS, Formats
from addin.consolidation.team_workbook.values import keyed_label


def grades(ws, keys, key: str, n: int, formats: Formats) -> None:
    """Grades coloured S green … D red."""
    col = keys.index(key)
    for grade in GRADE_COLOURS:
        ws.conditional_format(1, col, n, col, {"type": "cell", "criteria": "==", "value": f'"{grade}"',
                                               "format": formats.fills[grade]})


def keyed(ws, keys, key: str, n: int, formats: Formats, colours: dict[str, str], prefix: str, lang: str) -> None:
    """A keyed column (severity, status, movement) coloured by its shown text."""
    col = keys.index(key)
    for value in colours:
        shown = keyed_label(key, value, lang).replace('"', '""')
        ws.conditional_format(1, col, n, col, {"type": "cell", "criteria": "==", "value": f'"{shown}"',
                                               "format": formats.fills[f"{prefix}_{value}"]})


def flagged_names(ws, keys, n: int, formats: Formats, flag_key: str, flag_value: str) -> None:
    """A vetoed manager's id and name highlighted: a formula rule on the row, never a rule on the
    TRUE/FALSE cells themselves (LibreOffice crashes printing a workbook with such a rule)."""
    ws.conditional_format(1, keys.index("manager_id"), n, keys.index("name"), {
        "type": "formula", "criteria": f"=${xl_col_to_name(keys.index(flag_key))}2={flag_value}",
        "format": formats.fills["D"]})


def scale(ws, keys, key: str, n: int) -> None:
    col = keys.index(key)
    ws.conditional_format(1, col, n, col, {"type": "3_color_scale"})


def bar(ws, keys, key: str, n: int, colour: str, maximum: float | None = None) -> None:
    col = keys.index(key)
    rule = {"type": "data_bar", "bar_color": colour, "bar_solid": True}
    if maximum is not None:
        rule.update({"min_type": "num", "min_value": 0, "max_type": "num", "max_value": maximum})
    ws.conditional_format(1, col, n, col, rule)
