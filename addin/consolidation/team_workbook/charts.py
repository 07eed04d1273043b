"""The charts of the summary sheet; each reads a small table written on the summary itself."""

from __future__ import annotations

import math
from dataclasses import dataclass

from xlsxwriter.utility import xl_col_to_name

from addin.consolidation.team_workbook.context import Context

WIDTH, HEIGHT = 470, 280  # pixels: two charts side by side fill the summary's width


@dataclass(frozen=True)
class Block:
    """Where a chart's data is: the header row and the last row (0-based), first column."""

    sheet: str
    top: int
    bottom: int
    col: int = 0

    def ref(self, col_offset: int, first: int | None = None, last: int | None = None) -> str:
        letter = xl_col_to_name(self.col + col_offset)
        first = self.top + 1 if first is None else first
        last = self.bottom if last is None else last
        return f"='{self.sheet}'!${letter}${first + 1}:${letter}${last + 1}"

    def header(self, col_offset: int) -> str:
        return f"='{self.sheet}'!${xl_col_to_name(self.col + col_offset)}${self.top + 1}"


def _chart(ctx: Context, kind: str = "column"):
    chart = ctx.wb.add_chart({"type": kind})
    chart.set_size({"width": WIDTH, "height": HEIGHT})
    chart.set_chartarea({"border": {"color": "#BFBFBF"}})
    return chart


def grades(ctx: Context, block: Block):
    """Absolute grades, forced grades and the quota headcount per grade."""
    chart = _chart(ctx)
    colours = ("#A5A5A5", "#305496", "#F4B183")
    for offset, colour in zip((1, 2, 3), colours):
        chart.add_series({"name": block.header(offset), "categories": block.ref(0), "values": block.ref(offset),
                          "fill": {"color": colour}, "data_labels": {"value": True}})
    chart.set_title({"name": ctx.text("grades"), "name_font": {"size": 11}})
    chart.set_x_axis({"name": ctx.text("grade")})
    chart.set_y_axis({"name": ctx.text("count"), "major_gridlines": {"visible": True, "line": {"color": "#E7E6E6"}}})
    chart.set_legend({"position": "bottom"})
    return chart


def histogram(ctx: Context, block: Block):
    chart = _chart(ctx)
    chart.add_series({"name": ctx.text("count"), "categories": block.ref(0), "values": block.ref(1), "gap": 10,
                      "fill": {"color": "#305496"}, "data_labels": {"value": True}})
    chart.set_title({"name": ctx.text("histogram"), "name_font": {"size": 11}})
    chart.set_x_axis({"name": ctx.text("range")})
    chart.set_y_axis({"name": ctx.text("count"), "major_gridlines": {"visible": True, "line": {"color": "#E7E6E6"}}})
    chart.set_legend({"none": True})
    return chart


def dimensions(ctx: Context, block: Block, series: list[int]):
    """One series per dimension (the columns at ``series``), teams as categories."""
    chart = _chart(ctx)
    for offset in series:
        chart.add_series({"name": block.header(offset), "categories": block.ref(0), "values": block.ref(offset)})
    chart.set_title({"name": ctx.text("dimensions"), "name_font": {"size": 11}})
    chart.set_y_axis({"name": ctx.text("score_axis"), "num_format": "0",
                      "major_gridlines": {"visible": True, "line": {"color": "#E7E6E6"}}})
    chart.set_legend({"position": "bottom"})
    return chart


def movers(ctx: Context, block: Block, name_col: int, change_col: int, changes: list[float]):
    """A bar per manager: this quarter's change against the last, biggest first, rises green, falls red."""
    chart = _chart(ctx, "bar")
    chart.add_series({"name": block.header(change_col), "categories": block.ref(name_col),
                      "values": block.ref(change_col), "gap": 40,
                      "points": [{"fill": {"color": "#70AD47" if change >= 0 else "#F8696B"}} for change in changes],
                      "data_labels": {"value": True, "num_format": "+0.0;-0.0;0"}})
    chart.set_title({"name": ctx.text("movers"), "name_font": {"size": 11}})
    chart.set_y_axis({"reverse": True, "label_position": "low"})  # the biggest mover on top, names at the left
    chart.set_x_axis({"name": ctx.text("change"), "num_format": "+0;-0;0", **_room_for_labels(changes),
                      "major_gridlines": {"visible": True, "line": {"color": "#E7E6E6"}}})
    chart.set_legend({"none": True})
    return chart


def _room_for_labels(changes: list[float]) -> dict[str, float]:
    """Axis bounds with room beyond the longest bar on each side for its label (e.g. "-16.8"), so a
    label never runs into the names at the left; multiples of 10."""
    low, high = min([0.0, *changes]), max([0.0, *changes])
    pad = max(high - low, 10.0) * 0.2
    bounds = {"max": math.ceil((high + pad) / 10) * 10.0}
    if low < 0:
        bounds["min"] = math.floor((low - pad) / 10) * 10.0
    return bounds
