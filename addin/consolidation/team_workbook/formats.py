"""The cell formats of the team workbook, made once per workbook."""

from __future__ import annotations

NUMBER_FORMATS = {
    "quant_score": "0.00", "qual_score": "0.00", "final_score": "0.00", "bonus_coefficient": "0.00",
    "bonus": "#,##0.00", "weight": "0%", "target": "#,##0.##", "adjusted_target": "#,##0.##",
    "effective_target": "#,##0.##", "actual": "#,##0.##", "achievement": "0.0%", "score": "0.00",
    "weighted": "0.00", "rating": "0.0", "previous_final_score": "0.00", "change": "+0.00;-0.00;0.00",
    "mean_final_score": "0.00", "previous_mean_final_score": "0.00", "bonus_total": "#,##0.00",
    "rank": "0", "team_rank": "0", "findings": "0", "managers": "0",
}
CENTRED = frozenset({"grade", "forced_grade", "team_forced_grade", "previous_grade", "previous_forced_grade",
                     "veto", "rank", "team_rank", "severity", "status", "movement", "cell", "role", "findings",
                     "forced_s", "forced_a", "forced_b", "forced_c", "forced_d", "managers", "rating"})
WRAPPED = frozenset({"message", "reason", "adjust_reason", "comment", "source"})
GRADE_COLOURS = {"S": "#63BE7B", "A": "#B5D99C", "B": "#FFEB84", "C": "#F8B878", "D": "#F8696B"}
SEVERITY_COLOURS = {"error": "#F8696B", "warning": "#FFEB84", "info": "#BDD7EE"}
STATUS_COLOURS = {"rejected": "#F8696B", "missing": "#F8B878", "duplicate": "#FFEB84", "merged": "#C6EFCE",
                  "scored": "#C6EFCE"}
MOVEMENT_COLOURS = {"up": "#C6EFCE", "down": "#FFC7CE", "new": "#BDD7EE"}
HEADER_BLUE = "#305496"
BASE = {"valign": "top"}


class Formats:
    """XlsxWriter formats by name; ``column(key)`` is the format of a table column's cells."""

    def __init__(self, wb):
        self._wb = wb
        add = self.add
        self.header = add(bold=True, font_color="#FFFFFF", bg_color=HEADER_BLUE, text_wrap=True, valign="vcenter",
                          border=1, border_color="#8EA9DB")
        self.title = add(bold=True, font_size=16, font_color=HEADER_BLUE)
        self.subtitle = add(font_size=10, font_color="#595959")
        self.heading = add(bold=True, font_size=12, font_color=HEADER_BLUE, bottom=2, bottom_color=HEADER_BLUE)
        self.subheading = add(bold=True, font_color=HEADER_BLUE)
        self.label = add(bold=True, bg_color="#F2F2F2", border=1, border_color="#BFBFBF")
        self.cell = add(border=1, border_color="#BFBFBF")
        self.wrapped = add(border=1, border_color="#BFBFBF", text_wrap=True)
        self.note = add(font_color="#595959", text_wrap=True)
        self.link = add(font_color="#0563C1", underline=1)
        self.share = add(num_format="0%", border=1, border_color="#BFBFBF", align="center")
        self.centred = add(border=1, border_color="#BFBFBF", align="center")
        self.money = add(num_format="#,##0.00", border=1, border_color="#BFBFBF")
        self.score = add(num_format="0.00", border=1, border_color="#BFBFBF")
        self.change = add(num_format="+0.00;-0.00;0.00", border=1, border_color="#BFBFBF")
        self.count = add(num_format="0", border=1, border_color="#BFBFBF", align="center")
        self.left = add(border=1, border_color="#BFBFBF", align="left", text_wrap=True)
        self.figure = add(bold=True, num_format="#,##0", border=1, border_color="#BFBFBF", align="right")
        self.figure_score = add(bold=True, num_format="0.00", border=1, border_color="#BFBFBF", align="right")
        self.figure_money = add(bold=True, num_format="#,##0.00", border=1, border_color="#BFBFBF", align="right")
        self._columns: dict[str, object] = {}
        self.fills = {name: wb.add_format({"bg_color": colour}) for name, colour in {
            **GRADE_COLOURS, **{f"sev_{k}": v for k, v in SEVERITY_COLOURS.items()},
            **{f"st_{k}": v for k, v in STATUS_COLOURS.items()},
            **{f"mv_{k}": v for k, v in MOVEMENT_COLOURS.items()}}.items()}

    def add(self, **properties):
        fmt = self._wb.add_format({**BASE, **properties})
        fmt._get_xf_index()  # fix the style id now: the fast rows refer to it
        return fmt

    def column(self, key: str):
        """The format of the cells of column ``key`` (number format, alignment, wrapping)."""
        fmt = self._columns.get(key)
        if fmt is None:
            properties: dict = {}
            if key in NUMBER_FORMATS:
                properties["num_format"] = NUMBER_FORMATS[key]
            if key in CENTRED:
                properties["align"] = "center"
            if key in WRAPPED:
                properties["text_wrap"] = True
            fmt = self._columns[key] = self.add(**properties)
        return fmt
