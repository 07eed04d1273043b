"""Reading one cell's value as the validator needs it, and collecting findings.

Every check module reads cells through these helpers so that blanks, numbers
stored as text, enumerations in zh/en and their findings are treated alike.
"""

from __future__ import annotations

import math

from addin.contract import schema
from addin.contract.findings import Finding, make
from addin.contract.messages import render
from addin.xlsx.a1 import a1
from addin.xlsx.reader import CellError, Scorecard, TableData
from addin.xlsx.values import value_text
from udfs.enums import SIZE


class FindingCollector:
    """Collects findings of one file in one language, with positions."""

    def __init__(self, path: str, lang: str):
        self.path, self.lang = path, lang
        self.findings: list[Finding] = []
        self.manager_id = ""

    def add(self, code: str, sheet: str = "", cell: str = "", row: int | None = None, **details) -> None:
        self.findings.append(make(code, self.lang, file=self.path, sheet=sheet, cell=cell, row=row,
                                  manager_id=self.manager_id, **details))

    def label(self, column: schema.Column | schema.DefinedName) -> str:
        return column.label(self.lang)


def is_blank(value) -> bool:
    """None, whitespace-only text or NaN."""
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and math.isnan(value))


def is_number(value) -> bool:
    """A real number (not a bool, not NaN); text is never a number here."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and not (
        isinstance(value, float) and math.isnan(value))


def fmt_number(value) -> str:
    """A value as shown in messages (6 significant digits for floats)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


SIZE_KEYS = {k: k for k in schema.SIZES} | {SIZE.labels[k].lower(): k for k in schema.SIZES}


def norm_period(value) -> str:
    """A period as compared: spaces removed, upper case."""
    return "".join(value_text(value).split()).upper()


def cell_number(table: TableData, index: int, key: str, out: FindingCollector, column: schema.Column):
    """The number in a cell, None when blank; NON_NUMERIC finding (and the marker BAD) otherwise."""
    value = table.value(index, key)
    if is_blank(value) and not (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, CellError):
        return BAD  # its CELL_ERROR comes from check_error_values
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value):  # a crafted "NaN" or "1e309" in the file: never blank, never a score
            out.add("INVALID_VALUE", table.sheet, table.cell(index, key), table.row_number(index),
                    field=out.label(column), problem=render("checks.not_finite", out.lang, value=fmt_number(value)))
            return BAD
        return float(value)
    out.add("NON_NUMERIC", table.sheet, table.cell(index, key), table.row_number(index),
            field=out.label(column), value=value if not hasattr(value, "isoformat") else value.isoformat())
    return BAD


def cell_enum(table: TableData, index: int, key: str, out: FindingCollector, column: schema.Column, default):
    """The enumeration key in a cell, ``default`` when blank; INVALID_VALUE (and BAD) otherwise."""
    value = table.value(index, key)
    if is_blank(value):
        return default
    if isinstance(value, CellError):
        return BAD  # its CELL_ERROR comes from check_error_values
    parsed = column.enum.try_parse(value)
    if parsed is None:
        out.add("INVALID_VALUE", table.sheet, table.cell(index, key), table.row_number(index),
                field=out.label(column), problem=enum_problem(column, value, out.lang))
        return BAD
    return parsed


def enum_problem(column: schema.Column, value, lang: str) -> str:
    allowed = "/".join(column.enum.choices(lang))
    return render("checks.unknown_value", lang, value=value, allowed=allowed)


BAD = object()  # marks a cell that already produced a finding


def check_error_values(card: Scorecard, out: FindingCollector) -> None:
    """CELL_ERROR for every Excel error value (#N/A, #DIV/0! …) in a cell the scorecard's
    inputs come from: the header and settings names, and every column of the contract tables
    but the computed ones. Readers of those cells then treat the value as unusable (BAD)."""
    if not card.error_values:
        return  # the reader saw no error value in the sheets it read
    for name in (*schema.HEADER_NAMES, *schema.SETTING_NAMES):
        cell = card.names.get(name.name)
        if cell is not None and isinstance(cell.value, CellError):
            out.add("CELL_ERROR", cell.sheet, cell.cell, cell.row, field=out.label(name), value=str(cell.value))
    for contract in schema.SCORECARD_TABLES:
        table = card.tables.get(contract.name)
        if table is None:
            continue
        for column in contract.columns:
            if column.kind == "formula" or column.key not in table.columns:
                continue
            for index in range(len(table.rows)):
                value = table.value(index, column.key)
                if isinstance(value, CellError):
                    out.add("CELL_ERROR", table.sheet, table.cell(index, column.key), table.row_number(index),
                            field=f"{out.label(column)} ({contract.name})", value=str(value))


def check_rows_below(card: Scorecard, out: FindingCollector) -> None:
    """ROW_OUTSIDE_TABLE when the row right under a contract table holds data: LibreOffice
    (and Excel, after a paste) do not grow a table, so such a row is silently not counted."""
    for table in card.tables.values():
        for offset, value in enumerate(table.below):
            if not is_blank(value):
                cell = a1(table.below_row - 1, table.first_col + offset)
                out.add("ROW_OUTSIDE_TABLE", table.sheet, cell, table.below_row, table=table.name)
                break
