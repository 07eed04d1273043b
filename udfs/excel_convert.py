"""Conversion between Excel-shaped values and the scoring engine (no xlwings import).

xlwings hands a UDF argument over as a 2-D list of rows (``ndim=2``), with blank
cells as None and Excel errors as text such as "#N/A" (``err_to_str``). Plain
Python callers may also pass a scalar or a 1-D list, which is read as a column.
Results go back as a scalar for one cell, else as a 2-D list of the argument's
shape that Excel spills; blanks are None and errors are ``#KPI! ...`` texts.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .enums import METHOD
from .errors import KpiInputError
from .messages import cell_lang

ERROR_PREFIX = "#KPI! "


def error_text(error: KpiInputError, lang: str | None = None) -> str:
    """The cell text for an invalid input, e.g. ``#KPI! weights sum to 95%, expected 100%``.

    In the language of :func:`udfs.messages.cell_lang` (``KPI_LANG``, else English) unless ``lang`` is given.
    """
    return ERROR_PREFIX + error.render(lang or cell_lang())


def grid(value) -> np.ndarray:
    """2-D object array of an argument: a scalar is 1×1, a 1-D list a column."""
    if isinstance(value, np.ndarray):
        arr = value.astype(object)
    elif isinstance(value, (list, tuple)):
        nested = [isinstance(row, (list, tuple)) for row in value]
        if value and all(nested):
            widths = {len(row) for row in value}
            if len(widths) != 1:
                raise KpiInputError("range_ragged")
            arr = np.empty((len(value), widths.pop()), dtype=object)
            for i, row in enumerate(value):
                arr[i, :] = list(row)
        elif any(nested):
            raise KpiInputError("range_mixed")
        else:
            arr = np.empty((len(value), 1), dtype=object)
            arr[:, 0] = list(value)
    else:
        arr = np.empty((1, 1), dtype=object)
        arr[0, 0] = value
    if arr.ndim == 0:
        arr = arr.reshape(1, 1)
    elif arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    elif arr.ndim > 2:
        raise KpiInputError("range_dimensions")
    for item in arr.ravel():
        if isinstance(item, (list, tuple, dict, set, np.ndarray)):
            raise KpiInputError("cell_one_value", got=item)
    return arr


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) \
        or (isinstance(value, float) and math.isnan(value))


def flat(value) -> np.ndarray:
    """1-D object array of a row, column or block (row by row)."""
    return grid(value).ravel()


def table_rows(value, columns: int = 2, argument: str = "bands"):
    """Rows of a settings table such as tblBands or tblGrades: a list of tuples, or None when
    the argument is omitted or entirely blank."""
    if value is None:
        return None
    arr = grid(value)
    if all(is_blank(v) for v in arr.ravel()):
        return None
    if arr.shape[1] != columns:
        raise KpiInputError("range_columns", argument=argument, columns=columns)
    return [tuple(row) for row in arr.tolist()]


def broadcast(arguments: dict[str, np.ndarray]) -> tuple[tuple[int, int], dict[str, np.ndarray]]:
    """Common shape of row-wise arguments: each is one cell or the same shape as the others."""
    shapes = {name: arr.shape for name, arr in arguments.items() if arr.shape != (1, 1)}
    distinct = set(shapes.values())
    if len(distinct) > 1:
        (first, (r, c)), *_ = shapes.items()
        other, (r2, c2) = next((n, shape) for n, shape in shapes.items() if shape != (r, c))
        raise KpiInputError("ranges_size", argument=first, argument2=other, size=f"{r}×{c}", size2=f"{r2}×{c2}")
    shape = distinct.pop() if distinct else (1, 1)
    return shape, {name: np.broadcast_to(arr, shape) for name, arr in arguments.items()}


def cell(value):
    """One result value as Excel should show it: float, text, or None for a blank."""
    if value is None:
        return None
    if isinstance(value, (float, np.floating)):
        if math.isinf(value):  # 1e308 / 1e-308: Excel has no infinity
            return error_text(KpiInputError("result_too_large"))
        return None if math.isnan(value) else float(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, np.str_):
        return str(value)
    return value


def cells(values: np.ndarray, shape: tuple[int, int]):
    """A scalar for a 1×1 result, else a 2-D list (rows) for Excel to spill."""
    arr = np.asarray(values, dtype=object).reshape(shape)
    if shape == (1, 1):
        return cell(arr[0, 0])
    return [[cell(v) for v in row] for row in arr.tolist()]


def elementwise(engine_function: Callable, row_arguments: dict, fixed: dict | None = None,
                blank_when: str | None = None):
    """Apply an elementwise engine function over broadcast ranges; returns Excel cells.

    The engine is called once on the whole arrays; only when it rejects the input
    is it called again row by row, so that an invalid row shows its own error text
    and the valid rows still get their value. Cells where the argument
    ``blank_when`` is blank give a blank result (spare rows of a table).
    """
    fixed = fixed or {}
    shape, arrays = broadcast({name: grid(value) for name, value in row_arguments.items()})
    columns = {name: arr.ravel() for name, arr in arrays.items()}
    size = shape[0] * shape[1]
    keep = np.ones(size, dtype=bool) if blank_when is None else non_blank_rows(columns[blank_when])
    out = np.full(size, None, dtype=object)
    if not keep.any():
        return cells(out, shape)
    try:
        result = engine_function(**{n: c[keep] for n, c in columns.items()}, **fixed)
        out[keep] = list(np.asarray(result, dtype=object).ravel())
        return cells(out, shape)
    except KpiInputError:
        pass
    for index in np.flatnonzero(keep):
        try:
            value = engine_function(**{n: c[index] for n, c in columns.items()}, **fixed)
            out[index] = value.item() if isinstance(value, np.ndarray) else value
        except KpiInputError as error:
            out[index] = error_text(error)
    return cells(out, shape)


def group_rows(arguments: dict, present: tuple[str, ...]):
    """Columns of a group function (forced grades, pooled bonus) as equal-length arrays.

    Each argument is a range of the common shape or one cell. Rows where every
    argument named in ``present`` is blank are spare rows and left out; the rest
    must not hold Excel errors. Returns ``(shape, keep_mask, {name: kept values})``.
    """
    shape, arrays = broadcast({name: grid(value) for name, value in arguments.items()})
    columns = {name: arr.ravel() for name, arr in arrays.items()}
    keep = non_blank_rows(*(columns[name] for name in present))
    for name, values in columns.items():
        reject_error_cells(values[keep], name)
    return shape, keep, {name: values[keep] for name, values in columns.items()}


def spread(values, keep: np.ndarray, shape: tuple[int, int]):
    """Results of the kept rows back into the range's shape, blank in the spare rows."""
    out = np.full(keep.size, None, dtype=object)
    out[keep] = list(np.asarray(values, dtype=object).ravel())
    return cells(out, shape)


def reject_error_cells(values: np.ndarray, argument: str) -> None:
    """Raise when a range holds an Excel error or a #KPI! text (a group result needs every cell)."""
    for index, value in enumerate(values):
        if isinstance(value, str) and value.startswith("#"):
            raise KpiInputError("error_cell", argument=argument, index=index + 1, value=value)


def single(value, argument: str):
    """The value of an argument that must be one cell (None when blank)."""
    arr = grid(value)
    if arr.shape != (1, 1):
        raise KpiInputError("single_cell", argument=argument, rows=arr.shape[0], columns=arr.shape[1])
    item = arr[0, 0]
    return None if is_blank(item) else item


def non_blank_rows(*columns: np.ndarray) -> np.ndarray:
    """Mask of the positions where at least one of the columns has a value (spare rows are skipped)."""
    mask = np.zeros(len(columns[0]), dtype=bool)
    for column in columns:
        mask |= ~np.frompyfunc(is_blank, 1, 1)(column).astype(bool)
    return mask


def reject_param_of_the_wrong_kind(param_cells: np.ndarray, method) -> None:
    """A param that cannot be meant for the method(s) given would silently score with a default:
    one number for band scoring (default bands), a 2-column bands table for deduction (10 points)."""
    methods = {METHOD.try_parse(m) for m in flat(method)}
    if param_cells.shape[1] == 2 and methods == {"deduction"} \
            and not all(is_blank(v) for v in param_cells.ravel()):
        raise KpiInputError("param_deduction_bands")
    if param_cells.shape == (1, 1) and not is_blank(param_cells[0, 0]) and methods == {"band"}:
        raise KpiInputError("param_band_number", got=param_cells[0, 0])


def same_length(named: dict[str, np.ndarray]) -> None:
    sizes = {name: len(v) for name, v in named.items()}
    if len(set(sizes.values())) > 1:
        first, size = next(iter(sizes.items()))
        other, size2 = next((n, s) for n, s in sizes.items() if s != size)
        raise KpiInputError("ranges_count", argument=first, argument2=other, size=size, size2=size2)
