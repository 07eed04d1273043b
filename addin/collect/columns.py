"""The rule columns of export rows, whatever engine read them.

CSV exports are read by polars (multi-threaded, strings kept in Arrow memory); workbooks
arrive from calamine as Python objects and live in NumPy object arrays. A :class:`Columns`
holds either kind under the rule's column names and offers the few operations the
collector needs: pick rows by a NumPy mask, join the files of a source, and hand one cell
to a finding.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import polars as pl

from addin.collect.values import object_array

Column = np.ndarray | pl.Series


def cell(column: Column, index: int) -> Any:
    """The raw value of one cell (for findings)."""
    return column[int(index)]


class Columns:
    """Named columns of equal length: NumPy object arrays (workbooks) or polars Series (CSV)."""

    def __init__(self, data: dict[str, Column], length: int) -> None:
        self.data = data
        self.length = length

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, name: str) -> Column:
        return self.data[name]

    def __contains__(self, name: object) -> bool:
        return name in self.data

    def filter(self, mask: np.ndarray) -> Columns:
        """The rows where ``mask`` is True, in order."""
        out: dict[str, Column] = {}
        polars_mask = None
        for name, column in self.data.items():
            if isinstance(column, pl.Series):
                polars_mask = pl.Series(mask) if polars_mask is None else polars_mask
                out[name] = column.filter(polars_mask)
            else:
                out[name] = column[mask]
        return Columns(out, int(mask.sum()))

    @staticmethod
    def concat(parts: Iterable[Columns], names: list[str]) -> Columns:
        """The rows of several files one after the other (polars kept when every part is polars)."""
        parts = list(parts)
        out: dict[str, Column] = {}
        for name in names:
            columns = [p.data[name] for p in parts]
            if all(isinstance(c, pl.Series) for c in columns):
                out[name] = pl.concat(columns) if len(columns) > 1 else columns[0]
            else:
                out[name] = np.concatenate([object_array(c) for c in columns])
        return Columns(out, sum(len(p) for p in parts))
