"""A1 cell references: column letters, (row, col) pairs, ranges."""

from __future__ import annotations

import re

_CELL_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


def col_letter(index: int) -> str:
    """0-based column index -> letters (0 -> A)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str) -> int:
    value = 0
    for ch in letters.upper():
        value = value * 26 + ord(ch) - 64
    return value - 1


def a1(row: int, col: int) -> str:
    """0-based (row, col) -> 'B3'."""
    return f"{col_letter(col)}{row + 1}"


def parse_a1(ref: str) -> tuple[int, int] | None:
    match = _CELL_RE.match(ref.strip())
    if not match:
        return None
    return int(match.group(2)) - 1, col_index(match.group(1))


def parse_range(ref: str) -> tuple[int, int, int, int] | None:
    """'A7:S12' -> (r0, c0, r1, c1), 0-based inclusive."""
    parts = ref.split(":")
    first = parse_a1(parts[0])
    last = parse_a1(parts[-1])
    if first is None or last is None:
        return None
    return first[0], first[1], last[0], last[1]
