"""Column widths from the content, and how each sheet prints (A4, one page wide, headers repeated)."""

from __future__ import annotations

import itertools
import math
import unicodedata
from collections.abc import Iterable

MAX_WIDTH = 60  # a column is never wider than this; longer text wraps (messages, reasons)
SAMPLE_ROWS = 5_000  # widths come from the first rows of a big table (the rest look the same)
PORTRAIT_UNITS = 105  # tables up to this many width units print portrait, wider ones landscape


def display_width(text: str) -> int:
    """Width of a text in Excel column units (CJK characters count double)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def number_width(value: float, number_format: str) -> int:
    """Characters a number takes in ``number_format`` (roughly: the formats of the team tables)."""
    if math.isnan(value) or math.isinf(value):
        return 0
    if number_format.endswith("%"):
        decimals = number_format.count("0") - 1
        return len(f"{value * 100:.{decimals}f}%")
    if "." in number_format:
        decimals = len(number_format.rsplit(".", 1)[1].rstrip("%"))
        text = f"{value:,.{decimals}f}" if "," in number_format else f"{value:.{decimals}f}"
        return len(text)
    return len(f"{value:.10g}")


def column_width(header: str, values: Iterable, number_format: str = "General", cap: int = MAX_WIDTH,
                 minimum: int = 5, header_lines: int = 3) -> float:
    """Width that shows every sampled value in full (up to ``cap``) and the header in at most
    ``header_lines`` wrapped lines, with room for its filter button."""
    widest = 0
    seen: set = set()  # texts repeat (teams, indicators, labels): measure each once
    fixed = "." in number_format or number_format.endswith("%")  # width grows with the magnitude
    low = high = None  # in a fixed format only the extremes can be the widest number
    for value in itertools.islice(values, SAMPLE_ROWS):
        if value is None:
            continue
        if isinstance(value, bool):
            widest = max(widest, 6)
        elif isinstance(value, (int, float)):
            if not fixed:
                widest = max(widest, number_width(float(value), number_format) + 1)
            elif math.isfinite(value):  # NaN and infinities are never shown
                low = value if low is None or value < low else low
                high = value if high is None or value > high else high
        elif value not in seen:
            seen.add(value)
            widest = max(widest, display_width(str(value)) + 1)
    for extreme in (low, high):
        if extreme is not None:
            widest = max(widest, number_width(float(extreme), number_format) + 1)
    head = display_width(header)
    # A CJK header wraps between any two characters; a latin word only at spaces (up to 12 characters kept whole).
    words = [len(word) for word in header.split() if word.isascii() and len(word) <= 12]
    header_width = max([math.ceil(head / header_lines), *words]) + 2  # and the filter button
    return float(min(max(widest, header_width, minimum), cap))


def wrapped_lines(text: str, width: float) -> int:
    """Lines a text takes in a wrapped cell of ``width`` units."""
    if not text:
        return 1
    return sum(max(1, math.ceil(display_width(part) / max(width - 1, 1))) for part in str(text).split("\n"))


def print_setup(ws, total_width: float, footer: str, title: str = "", landscape: bool | None = None) -> None:
    """A4, one page wide and as many pages down as needed, centred, page numbers in the footer,
    the sheet's title in the header; portrait unless the content is too wide."""
    ws.set_paper(9)
    if landscape if landscape is not None else total_width > PORTRAIT_UNITS:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    if title:
        ws.set_header("&L&9" + _escape(title))
    ws.set_footer("&R&9" + footer)


def _escape(text: str) -> str:
    return text.replace("&", "&&")[:200]
