"""The summary sheet: what a sales director reads first.

From the top: title and period; when and from what the workbook was made; the key
figures (files, managers scored / rejected / missing, findings, the pool, the total paid
and which grade the bonus follows); who was left out of the bonus and why; the grade mix
against the quota; ``tblTeams``; with ``--previous`` the biggest movers and who left; the
small tables the charts read; the charts (two side by side); and ``tblSettings``, the
settings the result cards print (appeal route and deadline). Each block is one small
function writing from the cursor's row down.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from addin.consolidation.team_workbook import charts
from addin.consolidation.team_workbook.context import Context
from addin.consolidation.team_workbook.formats import MOVEMENT_COLOURS, STATUS_COLOURS
from addin.consolidation.team_workbook.layout import display_width, print_setup, wrapped_lines
from addin.consolidation.team_workbook.tables import write_value
from addin.consolidation.team_workbook.values import display, keyed_label
from addin.contract import schema
from udfs.enums import DIMENSION

BINS = [0, 50, 60, 70, 80, 90, 100, 110, 120]
COLUMNS = 11  # A (labels) and B..K
WIDTHS = [22, 14] + [11] * (COLUMNS - 2)
MAX_HEADER_WORD = 28  # a column never widens beyond this for its header
LEFT_OUT_SHOWN = 30  # rows of the "left out" list; the rest are counted (the Files sheet lists all)
LEFT_SHOWN = 30
CHART_ROWS = 15  # rows a chart takes (280 px at 20 px a row, and a gap)


@dataclass
class Cursor:
    """The summary sheet being written, top to bottom."""

    ctx: Context
    ws: object
    name: str
    row: int = 0
    widths: list[float] = field(default_factory=lambda: list(WIDTHS))

    def skip(self, rows: int = 1) -> None:
        self.row += rows

    def heading(self, text: str) -> None:
        self.ws.merge_range(self.row, 0, self.row, COLUMNS - 1, text, self.ctx.formats.heading)
        self.row += 1

    def header_row(self, texts: list[str], col: int = 0) -> None:
        for offset, text in enumerate(texts):
            self.ws.write_string(self.row, col + offset, text, self.ctx.formats.header)
        height = max(wrapped_lines(t, self.widths[col + i]) for i, t in enumerate(texts))
        if height > 1:
            self.ws.set_row(self.row, 15 * height)

    def line(self, label: str, value, note: str = "", fmt=None) -> None:
        """A label (A) and a value (B), a note after it (C..K); a text value without a note spans B..K."""
        f = self.ctx.formats
        self.ws.write_string(self.row, 0, label, f.label)
        if isinstance(value, str) and not note:
            self.ws.merge_range(self.row, 1, self.row, COLUMNS - 1, value, fmt or f.left)
            lines = wrapped_lines(value, sum(self.widths[1:]))
        else:
            write_value(self.ws, self.row, 1, value, fmt or f.left)
            if note:
                self.ws.merge_range(self.row, 2, self.row, COLUMNS - 1, note, f.note)
            lines = wrapped_lines(note, sum(self.widths[2:]))
        if lines > 1:
            self.ws.set_row(self.row, 15 * min(lines, 6))
        self.row += 1

    def wide(self, col: int, text: str, fmt) -> None:
        """Text over columns ``col``..K of the current row (wrapped)."""
        if col == COLUMNS - 1:
            self.ws.write_string(self.row, col, text, fmt)
        else:
            self.ws.merge_range(self.row, col, self.row, COLUMNS - 1, text, fmt)
        lines = wrapped_lines(text, sum(self.widths[col:]))
        if lines > 1:
            self.ws.set_row(self.row, 15 * min(lines, 6))


def column_widths(headers: list[str]) -> list[float]:
    """The summary's grid: WIDTHS, widened where a tblTeams header has a word that cannot wrap (the en
    keys such as previous_mean_final_score break only at spaces, never inside)."""
    widths = list(WIDTHS)
    for col, header in enumerate(headers[:COLUMNS]):
        words = [len(word) for word in header.split() if word.isascii()]
        widths[col] = max(widths[col], min(max(words, default=0) + 2, MAX_HEADER_WORD))
    return widths


def write_summary(ctx: Context, ws, result) -> None:
    """The whole summary sheet of a ConsolidationResult."""
    teams = schema.TEAMS_OUT_PREVIOUS if result.comparison is not None else schema.TEAMS_OUT
    cur = Cursor(ctx, ws, ws.get_name(), widths=column_widths(teams.headers(ctx.lang)))
    for col, width in enumerate(cur.widths):
        ws.set_column(col, col, width)
    ws.hide_gridlines(2)
    print_setup(ws, sum(cur.widths), ctx.footer, ctx.title, landscape=True)
    s = result.summary
    _title(cur, s)
    _about(cur, s)
    _figures(cur, s)
    _left_out(cur, s)
    grade_block = _grades(cur, s)
    _teams(cur, result.team_rows, result.comparison is not None)
    mover_block = _movers(cur, result) if result.comparison is not None else None
    if result.comparison is not None:
        _left(cur, s["previous"]["left"])
    count = 3 + (mover_block is not None)
    charts_top = cur.row
    cur.skip(((count + 1) // 2) * CHART_ROWS + 1)  # the charts go here, their data below the settings
    ws.set_h_pagebreaks([charts_top, cur.row])  # the charts on a page of their own, never cut
    _settings(cur, s.get("previous"))
    hist_block, dim_block = _chart_data(cur, result)
    _charts(cur, charts_top, grade_block, hist_block, dim_block, mover_block, result)
    ws.activate()


def _periods(lang: str, s: dict) -> str:
    """The periods of the inputs as one text: 2026Q3、2026Q2 (zh), 2026Q3, 2026Q2 (en)."""
    return ("、" if lang == "zh" else ", ").join(s.get("periods") or [])


def _title(cur: Cursor, s: dict) -> None:
    f = cur.ctx.formats
    cur.ws.set_row(0, 24)
    cur.ws.write_string(0, 0, cur.ctx.text("title"), f.title)
    period = _periods(cur.ctx.lang, s)
    cur.ws.write_string(1, 0, cur.ctx.text("subtitle", period=period or cur.ctx.text("no_period"),
                                           made_at=s.get("made_at", "")), f.subtitle)
    cur.row = 3


def _about(cur: Cursor, s: dict) -> None:
    ctx = cur.ctx
    cur.heading(ctx.text("about"))
    cur.line(ctx.text("period"), _periods(ctx.lang, s) or ctx.text("no_period"))
    cur.line(ctx.text("made_at"), s.get("made_at", ""))
    inputs = [ctx.linker.text(p) for p in s.get("inputs", [])]
    cur.line(ctx.text("inputs"), "; ".join(inputs))
    previous = s.get("previous")
    if previous:
        cur.line(ctx.text("previous"), ctx.text("previous_file", file=ctx.linker.text(previous["file"]),
                                                 period=previous.get("period") or "?"))
    cur.skip()


def _figures(cur: Cursor, s: dict) -> None:
    ctx, f = cur.ctx, cur.ctx.formats
    cur.heading(ctx.text("figures"))
    counts = _manager_counts(s)
    cur.line(ctx.text("files"), s["files"], ctx.text("files_note", merged=s["merged"], rejected=s["rejected"],
                                                       duplicate=s["duplicate"]), f.figure)
    cur.line(ctx.text("managers"), sum(counts.values()), ctx.text("managers_note", **counts), f.figure)
    if s.get("mean_final_score") is not None:
        cur.line(ctx.text("mean_final"), s["mean_final_score"], " ", f.figure_score)
    findings = s["findings"]
    cur.line(ctx.text("findings"), sum(findings.values()), ctx.text("findings_note", **findings), f.figure)
    if s.get("bonus_pool") is not None:
        cur.line(ctx.text("pool"), s["bonus_pool"], ctx.text("pool_note"), f.figure_money)
    else:
        cur.line(ctx.text("pool"), ctx.text("no_pool", base=f"{s.get('base_bonus', 0):,.2f}"))
    cur.line(ctx.text("paid"), s.get("total_paid", 0.0), ctx.text("paid_note", count=counts["scored"]),
             f.figure_money)
    cur.line(ctx.text("basis"), ctx.text("basis_value"))
    cur.skip()


def _manager_counts(s: dict) -> dict[str, int]:
    """Scored, rejected and missing managers (rejected: the rejected files that are not lock files)."""
    statuses = s.get("manager_statuses")
    if statuses:  # rows with a status (a roster): counted as they are
        return {k: int(statuses.get(k, 0)) for k in ("scored", "rejected", "missing")}
    return {"scored": s["managers"], "rejected": len(s.get("left_out", [])), "missing": 0}


def _left_out(cur: Cursor, s: dict) -> None:
    ctx, f = cur.ctx, cur.ctx.formats
    cur.heading(ctx.text("left_out"))
    rows = s.get("left_out", [])
    if not rows:
        cur.wide(0, ctx.text("left_out_none"), f.note)
        cur.skip(2)
        return
    cur.ws.merge_range(cur.row, 0, cur.row, 1, ctx.text("who"), f.header)
    cur.ws.write_string(cur.row, 2, ctx.text("status"), f.header)
    cur.ws.merge_range(cur.row, 3, cur.row, COLUMNS - 1, ctx.text("reason"), f.header)
    cur.skip()
    for row in rows[:LEFT_OUT_SHOWN]:
        who = " ".join(x for x in (row.get("manager_id"), row.get("name")) if x) or ctx.linker.text(row["file"])
        cur.ws.merge_range(cur.row, 0, cur.row, 1, who, f.cell)
        cur.ws.write_string(cur.row, 2, keyed_label("status", row["status"], ctx.lang), f.centred)
        cur.wide(3, row.get("reason") or "", f.wrapped)
        cur.skip()
    if len(rows) > LEFT_OUT_SHOWN:
        cur.wide(0, ctx.text("left_out_more", count=len(rows) - LEFT_OUT_SHOWN), f.note)
        cur.skip()
    top = cur.row - min(len(rows), LEFT_OUT_SHOWN) - (len(rows) > LEFT_OUT_SHOWN)
    for status, colour_key in ((k, f"st_{k}") for k in STATUS_COLOURS):
        cur.ws.conditional_format(top, 2, top + min(len(rows), LEFT_OUT_SHOWN) - 1, 2, {
            "type": "cell", "criteria": "==", "value": '"' + keyed_label("status", status, ctx.lang) + '"',
            "format": f.fills[colour_key]})
    cur.skip()


def _grades(cur: Cursor, s: dict) -> charts.Block:
    ctx, f = cur.ctx, cur.ctx.formats
    cur.heading(ctx.text("grades"))
    cur.header_row([ctx.text(k) for k in ("grade", "absolute", "forced", "quota", "quota_share", "coefficient")])
    top = cur.row
    shares, coefficients = s.get("quota_shares", {}), s.get("coefficients", {})
    for grade in s["quota_headcounts"]:
        cur.skip()
        cur.ws.write_string(cur.row, 0, grade, f.centred)
        cur.ws.write_number(cur.row, 1, s["grades"].get(grade, 0), f.count)
        cur.ws.write_number(cur.row, 2, s["forced_grades"].get(grade, 0), f.count)
        cur.ws.write_number(cur.row, 3, s["quota_headcounts"].get(grade, 0), f.count)
        write_value(cur.ws, cur.row, 4, shares.get(grade), f.share)
        write_value(cur.ws, cur.row, 5, coefficients.get(grade), f.score)
    block = charts.Block(cur.name, top, cur.row)
    cur.skip(2)
    return block


def _teams(cur: Cursor, rows: list[dict], previous: bool) -> None:
    ctx, f = cur.ctx, cur.ctx.formats
    table = schema.TEAMS_OUT_PREVIOUS if previous else schema.TEAMS_OUT
    cur.heading(ctx.text("teams"))
    headers = table.headers(ctx.lang)
    first = cur.row
    last = first + max(len(rows), 1)
    cur.ws.add_table(first, 0, last, len(headers) - 1, {
        "name": table.name, "style": "Table Style Light 9",
        "columns": [{"header": h, "header_format": f.header} for h in headers]})
    height = max(wrapped_lines(h, cur.widths[i]) for i, h in enumerate(headers))
    cur.ws.set_row(first, 15 * height)
    boxed = {"team": f.cell, "managers": f.count, "mean_final_score": f.score, "previous_mean_final_score": f.score,
             "change": f.change, "bonus_total": f.money}
    for index, record in enumerate(rows):
        r = first + 1 + index
        for col, key in enumerate(table.keys):
            value = record.get(key)
            if key == "team":
                value = value or ctx.text("no_team")
            write_value(cur.ws, r, col, value, boxed.get(key, f.count))
    cur.row = last + 2


def _movers(cur: Cursor, result) -> charts.Block | None:
    """The biggest movers (the chart's data) beside nothing: name, team, previous, this, change."""
    ctx, f = cur.ctx, cur.ctx.formats
    comparison = result.comparison
    cur.heading(ctx.text("movers") + " · " + ctx.text("new_count", count=comparison.new))
    if not comparison.movers:
        cur.wide(0, ctx.text("movers_none"), f.note)
        cur.skip(2)
        return None
    cur.header_row([ctx.text(k) for k in ("name", "team", "previous_score", "final_score", "change", "movement")])
    top = cur.row
    for row in comparison.movers:
        cur.skip()
        cur.ws.write_string(cur.row, 0, f"{row['name']}（{row['manager_id']}）" if ctx.lang == "zh"
                            else f"{row['name']} ({row['manager_id']})", f.cell)
        cur.ws.write_string(cur.row, 1, row.get("team") or ctx.text("no_team"), f.cell)
        write_value(cur.ws, cur.row, 2, row["previous_final_score"], f.score)
        write_value(cur.ws, cur.row, 3, row["final_score"], f.score)
        write_value(cur.ws, cur.row, 4, row["change"], f.change)
        cur.ws.write_string(cur.row, 5, display("movement", row["movement"], ctx.lang), f.centred)
    block = charts.Block(cur.name, top, cur.row)
    for key in MOVEMENT_COLOURS:
        cur.ws.conditional_format(top + 1, 5, cur.row, 5, {
            "type": "cell", "criteria": "==", "value": '"' + keyed_label("movement", key, ctx.lang) + '"',
            "format": f.fills[f"mv_{key}"]})
    cur.skip(2)
    return block


def _left(cur: Cursor, left: list[dict]) -> None:
    ctx, f = cur.ctx, cur.ctx.formats
    cur.heading(ctx.text("left"))
    if not left:
        cur.wide(0, ctx.text("left_none"), f.note)
        cur.skip(2)
        return
    cur.header_row([schema.MANAGERS_OUT.label(k, ctx.lang) for k in ("manager_id", "name", "team")]
                   + [ctx.text("previous_score"), schema.MANAGERS_OUT_PREVIOUS.label("previous_grade", ctx.lang)])
    for m in left[:LEFT_SHOWN]:
        cur.skip()
        for col, value in enumerate((m["manager_id"], m["name"], m["team"] or ctx.text("no_team"))):
            cur.ws.write_string(cur.row, col, value, f.cell)
        write_value(cur.ws, cur.row, 3, m["final_score"], f.score)
        cur.ws.write_string(cur.row, 4, m["grade"], f.centred)
    cur.skip()
    if len(left) > LEFT_SHOWN:
        cur.wide(0, ctx.text("left_out_more", count=len(left) - LEFT_SHOWN), f.note)
        cur.skip()
    cur.skip()


def _chart_data(cur: Cursor, result) -> tuple[charts.Block, charts.Block | None]:
    """The histogram (A..B) and the dimension averages per team (D..G), side by side."""
    ctx, f = cur.ctx, cur.ctx.formats
    cur.heading(ctx.text("chart_data"))
    top = cur.row
    cur.ws.merge_range(top, 0, top, 1, ctx.text("histogram"), f.subheading)
    cur.ws.merge_range(top, 3, top, COLUMNS - 1, ctx.text("dimensions"), f.subheading)
    cur.skip()
    header = cur.row
    cur.header_row([ctx.text("range"), ctx.text("count")])
    finals = np.array([m["final_score"] for m in result.manager_rows if m.get("status", "scored") == "scored"],
                      dtype=float)
    edges = BINS + [math.inf]
    for i, (lo, hi) in enumerate(zip(edges[:-1], edges[1:])):
        label = f"<{BINS[1]}" if lo == 0 else (f"≥{lo}" if hi == math.inf else f"{lo}–{hi}")
        count = int(((finals >= lo) & (finals < hi)).sum()) if lo else int((finals < hi).sum())
        cur.ws.write_string(header + 1 + i, 0, label, f.centred)
        cur.ws.write_number(header + 1 + i, 1, count, f.count)
    hist = charts.Block(cur.name, header, header + len(BINS))
    dims = _dimension_table(cur, result, header)
    cur.row = max(hist.bottom, dims.bottom if dims else 0) + 2
    return hist, dims


def _dimension_table(cur: Cursor, result, header: int) -> charts.Block | None:
    ctx, f = cur.ctx, cur.ctx.formats
    rows = dimension_rows(result.manager_rows, result.score_rows)
    if not rows:
        return None
    col = 3
    titles = [ctx.text("team")] + [DIMENSION.label(k, ctx.lang) if ctx.lang == "zh" else k.capitalize()
                                   for k in DIMENSION.keys]
    cur.ws.merge_range(header, col, header, col + 1, titles[0], f.header)
    for offset, title in enumerate(titles[1:], start=2):
        cur.ws.write_string(header, col + offset, title, f.header)
    for i, record in enumerate(rows):
        r = header + 1 + i
        cur.ws.merge_range(r, col, r, col + 1, record["team"] or ctx.text("no_team"), f.cell)
        for offset, key in enumerate(DIMENSION.keys, start=2):
            write_value(cur.ws, r, col + offset, record.get(key), f.score)
    return charts.Block(cur.name, header, header + len(rows), col)


def _charts(cur: Cursor, top: int, grade_block, hist_block, dim_block, mover_block, result) -> None:
    ctx = cur.ctx
    made = [charts.grades(ctx, grade_block), charts.histogram(ctx, hist_block)]
    if dim_block is not None:
        made.append(charts.dimensions(ctx, dim_block, [2 + i for i in range(len(DIMENSION.keys))]))
    if mover_block is not None:
        made.append(charts.movers(ctx, mover_block, 0, 4, [r["change"] for r in result.comparison.movers]))
    total = sum(int(w * 7 + 5) for w in cur.widths)  # the grid in pixels: two charts side by side fill it
    width = max(charts.WIDTH, (total - 24) // 2)
    for index, chart in enumerate(made):
        row = top + (index // 2) * CHART_ROWS
        chart.set_size({"width": width, "height": charts.HEIGHT})
        cur.ws.insert_chart(row, 0, chart, {"x_offset": 4 + (index % 2) * (width + 16), "y_offset": 4})


def _settings(cur: Cursor, previous: dict | None) -> None:
    ctx, f = cur.ctx, cur.ctx.formats
    table = schema.SETTINGS_OUT
    cur.heading(ctx.text("card_settings"))
    first = cur.row
    values = [(ctx.text("appeal_route"), ctx.text("appeal_route_default")),
              (ctx.text("appeal_deadline"), ctx.text("appeal_deadline_default"))]
    if previous:
        values.append((ctx.text("previous_period"), previous.get("period") or ""))
    cur.ws.add_table(first, 0, first + len(values), 1, {
        "name": table.name, "style": "Table Style Light 9",
        "columns": [{"header": h, "header_format": f.header} for h in table.headers(ctx.lang)]})
    for i, (label, value) in enumerate(values, start=1):
        cur.ws.write_string(first + i, 0, label, f.label)
        cur.ws.write_string(first + i, 1, value, f.cell)
    cur.row = first + len(values) + 2


def dimension_rows(manager_rows: list[dict], score_rows: list[dict]) -> list[dict]:
    """Per team (sorted; "" for no team) the mean over its managers of each manager's dimension
    score Σ weight·score / Σ weight within the dimension (NaN: nobody has the dimension)."""
    sums: dict[tuple[str, str], list[list[float]]] = {}
    for row in score_rows:
        weight = row["weight"]
        if weight > 0:
            entry = sums.setdefault((row["manager_id"], row["dimension"]), [[], []])
            entry[0].append(weight * row["score"])
            entry[1].append(weight)
    team_of: dict[str, str] = {}
    for row in manager_rows:
        team = row["team"]
        team_of.setdefault(row["manager_id"], "" if team is None or team != team else team)
    per_team: dict[str, dict[str, list[float]]] = {}
    for (manager, dimension), (ws, weights) in sums.items():
        if manager in team_of:
            per_team.setdefault(team_of[manager], {}).setdefault(dimension, []).append(
                math.fsum(ws) / math.fsum(weights))
    return [{"team": team, **{key: (math.fsum(values[key]) / len(values[key]) if values.get(key) else math.nan)
                              for key in DIMENSION.keys}}
            for team, values in sorted(per_team.items())]


__all__ = ["write_summary", "dimension_rows", "display_width"]
