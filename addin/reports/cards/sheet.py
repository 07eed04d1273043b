"""One result card as an .xlsx: one A4 portrait page (header, indicators with a chart against
the team average, the result, comments, points to note, sign-off), written with XlsxWriter.

The card holds values, not formulas: it is a record of the result as the team workbook
has it. Workbook-scope names point at single cells so a program can check a card:
``card_manager_id``, ``card_final_score``, ``card_grade`` (the absolute grade, as
tblManagers.grade), ``card_rank`` (the overall rank, a number shown as "3 / 12"), and
also ``card_forced_grade`` and ``card_bonus``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from addin.contract.messages import render
from addin.reports.cards.model import Card
from udfs.enums import DIMENSION, ROLE

WIDTHS = [10, 19, 6, 9, 9, 10, 8, 7, 8, 8]  # A..J: the indicator table sets the grid
LAST = len(WIDTHS) - 1
MAX_COMMENTS = 6
MAX_FINDINGS = 5
BLUE = "#305496"
GREY = "#595959"
LINE = "#BFBFBF"


@dataclass
class Settings:
    """What the card prints besides the manager's figures (from the team workbook)."""

    appeal_route: str
    appeal_deadline: str
    previous_period: str
    team_file: str
    lang: str


class _Formats:
    def __init__(self, wb):
        def add(**p):
            return wb.add_format({"valign": "vcenter", **p})
        box = {"border": 1, "border_color": LINE}
        self.title = add(bold=True, font_size=18, align="center", font_color=BLUE)
        self.subtitle = add(font_size=10, align="center", font_color=GREY)
        self.section = add(bold=True, font_size=12, font_color=BLUE, bottom=2, bottom_color=BLUE)
        self.label = add(bold=True, bg_color="#F2F2F2", **box)
        self.value_bold = add(bold=True, **box)
        self.head = add(bold=True, font_color="#FFFFFF", bg_color=BLUE, text_wrap=True, align="center", font_size=9,
                        **box)
        self.text = add(text_wrap=True, **box)
        self.centre = add(align="center", **box)
        self.percent = add(num_format="0%", align="center", **box)
        self.result = add(num_format="0.00", align="center", **box)
        self.result_bold = add(num_format="0.00", align="center", bold=True, font_size=12, **box)
        self.result_money = add(num_format="#,##0.00", align="center", **box)
        self.achievement = add(indent=1, align="right", num_format="0.0%", **box)
        self.number = add(indent=1, align="right", num_format="#,##0.##", **box)
        self.score = add(indent=1, align="right", num_format="0.00", **box)
        self.score_bold = add(num_format="0.00", bold=True, font_size=12, **box)
        self.money = add(indent=1, align="right", num_format="#,##0.00", **box)
        self.change = add(indent=1, align="right", num_format="+0.00;-0.00;0.00", **box)
        self.grade = add(bold=True, align="center", font_size=12, **box)
        self.total = add(bold=True, bg_color="#F2F2F2", **box)
        self.total_score = add(bold=True, bg_color="#F2F2F2", num_format="0.00", **box)
        self.total_percent = add(bold=True, bg_color="#F2F2F2", num_format="0%", align="center", **box)
        self.note = add(text_wrap=True, valign="top", font_color=GREY, font_size=9)
        self.line = add(text_wrap=True, valign="top")
        self.sign = add(bottom=1, bottom_color="#000000")
        self.sign_label = add(bold=True)
        self.small = add(font_size=8, font_color=GREY)

    def rank(self, wb, of: int):
        return wb.add_format({"valign": "vcenter", "align": "center", "bold": True, "border": 1, "border_color": LINE,
                              "num_format": f'0" / {of}"'})


class _Card:
    """Writes one card top to bottom."""

    def __init__(self, wb, ws, card: Card, settings: Settings):
        self.wb, self.ws, self.card, self.s = wb, ws, card, settings
        self.f = _Formats(wb)
        self.lang = settings.lang
        self.row = 0

    def t(self, key: str, **values) -> str:
        return render(f"cards.{key}", self.lang, **values)

    def name(self, name: str, row: int, col: int) -> None:
        self.wb.define_name(name, f"='{self.ws.get_name()}'!{xl_rowcol_to_cell(row, col, True, True)}")

    def merged(self, row: int, first: int, last: int, value, fmt) -> None:
        if first == last:
            self._write(row, first, value, fmt)
        else:
            self.ws.merge_range(row, first, row, last, "", fmt)
            self._write(row, first, value, fmt)

    def _write(self, row: int, col: int, value, fmt) -> None:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            self.ws.write_blank(row, col, None, fmt)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            self.ws.write_number(row, col, value, fmt)
        else:
            self.ws.write_string(row, col, str(value), fmt)  # names and reasons stay text, never formulas

    def height(self, lines: int, per_line: float = 14) -> None:
        self.ws.set_row(self.row, max(15, per_line * lines + 3))

    # ------------------------------------------------------------------ blocks

    def title(self) -> None:
        self.ws.set_row(0, 30)
        self.merged(0, 0, LAST, self.t("title"), self.f.title)
        self.merged(1, 0, LAST, self.t("subtitle", period=self.card.period or "—"), self.f.subtitle)
        self.row = 3

    def header(self) -> None:
        c, f = self.card, self.f
        pairs = [[("name", c.name), ("manager_id", c.manager_id), ("team", c.team)],
                 [("region", c.region), ("period", c.period), ("reviewer", c.reviewer)]]
        spans = [(0, (1, 2)), (3, (4, 5)), ((6, 7), (8, 9))]
        for line in pairs:
            lines = 1
            for (key, value), (label_cols, value_cols) in zip(line, spans):
                lo = label_cols if isinstance(label_cols, int) else label_cols[0]
                hi = label_cols if isinstance(label_cols, int) else label_cols[1]
                self.merged(self.row, lo, hi, self.t(key), f.label)
                self.merged(self.row, value_cols[0], value_cols[1], value or "—", f.text)
                lines = max(lines, _lines(value, sum(WIDTHS[value_cols[0]:value_cols[1] + 1])))
                if key == "manager_id":
                    self.name("card_manager_id", self.row, value_cols[0])
            if lines > 1:  # a long name or team wraps in its box, never cut off
                self.height(lines)
            self.row += 1
        self.row += 1

    def indicators(self) -> None:
        c, f = self.card, self.f
        self.merged(self.row, 0, LAST, self.t("indicators"), f.section)
        self.row += 1
        heads = ["dimension", "indicator", "weight", "target", "actual", "source", "achievement", "score",
                 "team_average", "weighted"]
        self.ws.set_row(self.row, 30)
        for col, key in enumerate(heads):
            self.ws.write_string(self.row, col, self.t(key), f.head)
        self.row += 1
        self.table_top = self.row
        for ind in c.indicators:
            self._indicator(ind)
        self.table_bottom = self.row - 1
        self.merged(self.row, 0, 1, self.t("quant"), f.total)
        self._write(self.row, 2, math.fsum(i.weight for i in c.indicators), f.total_percent)
        self.merged(self.row, 3, 8, None, f.total)
        self._write(self.row, 9, c.quant, f.total_score)
        self.row += 1
        for ind in (i for i in c.indicators if i.adjusted):
            text = self.t("adjusted", indicator=ind.indicator, target=_num(ind.target), adjusted=_num(ind.adjusted_target),
                          reason=ind.adjust_reason or self.t("no_reason"))
            self.merged(self.row, 0, LAST, text, f.note)
            self.row += 1

    def _indicator(self, ind) -> None:
        f = self.f
        dimension = _label(DIMENSION, ind.dimension, self.lang)
        name = ind.indicator + (f"（{ind.unit}）" if self.lang == "zh" and ind.unit else f" ({ind.unit})" if ind.unit else "")
        if ind.veto:
            name += self.t("veto_mark")
        number = f.achievement if _fractions(ind) else f.number  # a % indicator kept as fractions: 95.0%
        values = [(dimension, f.text), (name, f.text), (ind.weight, f.percent),
                  (ind.effective_target, number), (ind.actual, number), (ind.source or "—", f.text),
                  (ind.achievement, f.achievement), (ind.score, f.score), (ind.team_average, f.score),
                  (ind.weighted, f.score)]
        for col, (value, fmt) in enumerate(values):
            self._write(self.row, col, value, fmt)
        lines = max(_lines(name, WIDTHS[1]), _lines(ind.source, WIDTHS[5]), _lines(dimension, WIDTHS[0]))
        if lines > 1:
            self.height(lines)
        self.row += 1

    def chart(self) -> None:
        c = self.card
        if not c.indicators:
            return
        sheet = self.ws.get_name().replace("'", "''")
        chart = self.wb.add_chart({"type": "bar"})
        rows = (self.table_top, self.table_bottom)
        cats = f"='{sheet}'!$B${rows[0] + 1}:$B${rows[1] + 1}"
        for col, key, colour in ((7, "me", BLUE), (8, "team_average", "#F4B183")):
            letter = chr(65 + col)
            chart.add_series({"name": self.t(key), "categories": cats, "fill": {"color": colour},
                              "values": f"='{sheet}'!${letter}${rows[0] + 1}:${letter}${rows[1] + 1}",
                              "gap": 60})
        chart.set_title({"name": self.t("chart_title"), "name_font": {"size": 10}})
        chart.set_y_axis({"reverse": True, "num_font": {"size": 7}, "interval_unit": 1})
        chart.set_x_axis({"min": 0, "num_font": {"size": 8}, "major_gridlines": {"visible": True,
                                                                                "line": {"color": "#E7E6E6"}}})
        chart.set_legend({"position": "top", "font": {"size": 8}})
        height = 110 + 22 * len(c.indicators)  # room for every indicator name on the axis
        chart.set_size({"width": sum(_px(w) for w in WIDTHS) - 10, "height": height})
        chart.set_chartarea({"border": {"none": True}})
        self.ws.insert_chart(self.row, 0, chart, {"x_offset": 5, "y_offset": 4, "object_position": 3})
        self.row += math.ceil((height + 8) / 20)

    def results(self) -> None:
        c, f = self.card, self.f
        self.row += 1
        self.merged(self.row, 0, LAST, self.t("results"), f.section)
        self.row += 1
        pairs = [
            (("quant", c.quant, f.result, ""), ("qual", c.qual, f.result, "")),
            None,  # the qualitative score by role
            (("final", c.final, f.result_bold, "card_final_score"), ("grade", c.grade, f.grade, "card_grade")),
            (("forced_grade", c.forced_grade, f.grade, "card_forced_grade"),
             ("team_forced_grade", c.team_forced_grade, f.grade, "")),
            (("rank", c.rank, self.f.rank(self.wb, c.ranked), "card_rank"),
             ("team_rank", c.team_rank, self.f.rank(self.wb, c.team_ranked), "")),
            (("team_mean", c.team_mean, f.result, ""), ("coefficient", c.bonus_coefficient, f.result, "")),
            (("bonus", c.bonus, f.result_money, "card_bonus"), None),
        ]
        for line in pairs:
            if line is None:
                self._roles()
                continue
            for slot, item in enumerate(line):
                if item is not None:
                    self.pair(slot, *item)
            self.row += 1
        notes = [self.t("bonus_basis")] + ([self.t("veto_note")] if c.veto else [])
        self.merged(self.row, 0, LAST, ("；" if self.lang == "zh" else "; ").join(notes), f.note)
        self.row += 1
        if c.compared:
            self._previous()

    def _roles(self) -> None:
        c, f = self.card, self.f
        self.merged(self.row, 0, 1, self.t("roles"), f.label)
        roles = "；".join if self.lang == "zh" else "; ".join
        text = roles([self.t("role_score", role=_label(ROLE, r.role, self.lang),
                             score=f"{r.score:.2f}", count=r.ratings) for r in c.roles]) or self.t("no_reviews")
        self.merged(self.row, 2, LAST, text, f.text)
        self.row += 1

    def _previous(self) -> None:
        f, p = self.f, self.card.previous
        label = self.t("previous", period=self.s.previous_period or "—")
        self.merged(self.row, 0, 1, label, f.label)
        if p is None or p.final_score is None:
            self.merged(self.row, 2, LAST, self.t("new"), f.text)
        else:
            self.merged(self.row, 2, 5, self.t("previous_value", score=f"{p.final_score:.2f}", grade=p.grade or "—",
                                             forced=p.forced_grade or "—"), f.text)
            self.merged(self.row, 6, 7, self.t("change"), f.label)
            self.merged(self.row, 8, LAST, p.change, f.change)
        self.row += 1

    def pair(self, slot: int, key: str, value, fmt, name: str = "") -> None:
        """Label and value in slot 0 (A..B, C..D) or 1 (E..G, H..J)."""
        label_cols, value_cols = _SLOTS[slot]
        self.merged(self.row, label_cols[0], label_cols[1], self.t(key), self.f.label)
        self.merged(self.row, value_cols[0], value_cols[1], value, fmt)
        if name:
            self.name(name, self.row, value_cols[0])

    def comments(self) -> None:
        c, f = self.card, self.f
        self.row += 1
        self.merged(self.row, 0, LAST, self.t("comments"), f.section)
        self.row += 1
        lines = [self.t("comment_line", role=_label(ROLE, x.role, self.lang),
                        reviewer=x.reviewer or "—", competency=x.competency or "—", comment=x.comment)
                 for x in c.comments]
        self._lines(lines, MAX_COMMENTS, "no_comments", "more_comments")
        self.merged(self.row, 0, LAST, self.t("findings"), f.section)
        self.row += 1
        self._lines(c.findings, MAX_FINDINGS, "no_findings", "more_findings")

    def _lines(self, lines: list[str], limit: int, none_key: str, more_key: str) -> None:
        shown = lines[:limit] or [self.t(none_key)]
        if len(lines) > limit:
            shown.append(self.t(more_key, count=len(lines) - limit))
        for text in shown:
            self.merged(self.row, 0, LAST, ("• " if lines else "") + text, self.f.line)
            count = _lines(text, sum(WIDTHS) - 2)
            if count > 1:
                self.height(count)
            self.row += 1
        self.row += 1

    def signoff(self) -> None:
        f = self.f
        self.merged(self.row, 0, LAST, self.t("signoff"), f.section)
        self.row += 1
        self.merged(self.row, 0, LAST, self.t("signoff_note"), f.line)
        self.row += 1
        for who in ("employee", "manager", "hr"):
            self.ws.set_row(self.row, 30)
            label = f"{self.t(who)}{self.t('signature')}：" if self.lang == "zh" else f"{self.t(who)} {self.t('signature')}:"
            date = f"{self.t('date')}：" if self.lang == "zh" else f"{self.t('date')}:"
            self.merged(self.row, 0, 1, label, f.sign_label)
            self.merged(self.row, 2, 5, "", f.sign)
            self.merged(self.row, 6, 6, date, f.sign_label)
            self.merged(self.row, 7, LAST, "", f.sign)
            self.row += 1
        self.row += 1
        text = self.t("appeal_text", route=self.s.appeal_route, deadline=self.s.appeal_deadline)
        self.merged(self.row, 0, 0, self.t("appeal"), f.sign_label)
        self.merged(self.row, 1, LAST, text, f.line)
        self.height(_lines(text, sum(WIDTHS[1:]) - 1))
        self.row += 2
        self.merged(self.row, 0, LAST, self.t("made_from", file=self.s.team_file), f.small)
        self.row += 1


_SLOTS = {0: ((0, 1), (2, 3)), 1: ((4, 6), (7, 9))}


def _fractions(ind) -> bool:
    """A percent indicator whose target and actual are fractions (0.95), not percent points (95)."""
    values = [v for v in (ind.effective_target, ind.actual) if v is not None]
    return ind.unit.strip() == "%" and bool(values) and all(abs(v) <= 1.5 for v in values)


def _label(enum, key: str, lang: str) -> str:
    """An enumeration value as a person reads it: the zh label, or the capitalised en key."""
    if key not in enum.labels:
        return key
    return enum.label(key, "zh") if lang == "zh" else key.capitalize()


def _px(width: float) -> int:
    return int(width * 7 + 5)


def _num(value) -> str:
    if value is None:
        return "—"
    return f"{value:,.10g}" if abs(value) < 1e15 else str(value)


def _lines(text: str, width: float) -> int:
    if not text:
        return 1
    units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    return max(1, math.ceil(units / max(width - 1, 1)))


def write_card(path: Path, card: Card, settings: Settings) -> None:
    """Write one card to ``path`` (the caller makes it atomic)."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False})
    try:
        ws = wb.add_worksheet(render("cards.sheet", settings.lang))
        for col, width in enumerate(WIDTHS):
            ws.set_column(col, col, width)
        writer = _Card(wb, ws, card, settings)
        writer.title()
        writer.header()
        writer.indicators()
        writer.chart()
        writer.results()
        writer.comments()
        writer.signoff()
        ws.hide_gridlines(2)
        ws.set_paper(9)
        ws.set_portrait()
        ws.set_margins(left=0.5, right=0.5, top=0.5, bottom=0.5)
        ws.center_horizontally()
        ws.fit_to_pages(1, 1)  # one A4 portrait page, whatever the number of indicators
        ws.print_area(0, 0, writer.row, LAST)
        ws.set_footer("&C&8" + render("cards.title", settings.lang) + " · " + card.manager_id.replace("&", "&&"))
        wb.set_properties({"title": render("cards.title", settings.lang), "subject": card.manager_id})
    finally:
        wb.close()
