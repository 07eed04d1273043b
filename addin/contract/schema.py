"""The workbook data contract of FORMAT.md, declared once.

Readers, writers, validators and templates take column keys, their zh/en
labels, types and allowed values from here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from udfs.enums import DIMENSION, DIRECTION, GRADE, METHOD, ROLE, SIZE, TIER, VETO, Enumeration

TEMPLATE_ID = "kpi-assessment"
TEMPLATE_VERSION = 1
TEMPLATE_TAG = f"{TEMPLATE_ID}/{TEMPLATE_VERSION}"
LANGS = ("zh", "en")
SIZES = SIZE.keys
MODES = ("addin", "portable")


@dataclass(frozen=True)
class Column:
    """One column of a table: key, labels, type and allowed values."""

    key: str
    zh: str
    en: str
    kind: str = "text"  # text | number | enum | formula
    enum: Enumeration | None = None
    required: bool = False

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.zh, self.en, self.key)


@dataclass(frozen=True)
class Table:
    """An Excel table (ListObject) of the contract."""

    name: str
    columns: tuple[Column, ...]
    sheet_zh: str = ""
    sheet_en: str = ""

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)

    def headers(self, lang: str) -> list[str]:
        return [c.label(lang) for c in self.columns]

    def header_lookup(self) -> dict[str, str]:
        """Normalised header text (zh label, en label or key) -> column key."""
        table = {}
        for column in self.columns:
            for text in column.labels:
                table[normalise_header(text)] = column.key
        return table

    def sheet(self, lang: str) -> str:
        return self.sheet_zh if lang == "zh" else self.sheet_en


def normalise_header(text) -> str:
    """Header text as compared: trimmed, case-folded, inner whitespace collapsed."""
    return " ".join(str(text).split()).casefold() if text is not None else ""


C = Column

KPI = Table(
    "tblKPI",
    (
        C("dimension", "维度", "Dimension", "enum", DIMENSION, required=True),
        C("tier", "层级", "Tier", "enum", TIER),
        C("indicator", "指标", "Indicator", "text", required=True),
        C("unit", "单位", "Unit"),
        C("weight", "权重", "Weight", "number", required=True),
        C("direction", "方向", "Direction", "enum", DIRECTION, required=True),
        C("method", "计分方式", "Method", "enum", METHOD, required=True),
        C("veto", "否决项", "Veto", "enum", VETO),
        C("threshold", "门槛值", "Threshold", "number"),
        C("target", "目标值", "Target", "number", required=True),
        C("stretch", "挑战值", "Stretch", "number"),
        C("adjusted_target", "调整后目标", "Adjusted target", "number"),
        C("adjust_reason", "调整原因", "Adjustment reason"),
        C("actual", "实际值", "Actual", "number", required=True),
        C("param", "参数", "Parameter", "number"),
        C("source", "数据来源", "Data source"),
        C("score", "得分", "Score", "formula"),
        C("weighted", "加权得分", "Weighted score", "formula"),
        C("comment", "备注", "Comment"),
    ),
    "考核表", "Scorecard",
)

REVIEW = Table(
    "tblReview",
    (
        C("role", "角色", "Role", "enum", ROLE, required=True),
        C("reviewer", "评价人", "Reviewer", required=True),
        C("competency", "评价项", "Competency", required=True),
        C("rating", "评分", "Rating", "number", required=True),
        C("comment", "备注", "Comment"),
    ),
    "评价", "Reviews",
)

BANDS = Table("tblBands", (C("min_achievement", "最低达成率%", "Min achievement %", "number"),
                           C("score", "得分", "Score", "number")), "设置", "Settings")
GRADES = Table("tblGrades", (C("grade", "等级", "Grade", "enum", GRADE),
                             C("min_score", "最低分", "Min score", "number")), "设置", "Settings")
QUOTAS = Table("tblQuotas", (C("grade", "等级", "Grade", "enum", GRADE),
                             C("share", "比例", "Share", "number")), "设置", "Settings")
BONUS = Table("tblBonus", (C("grade", "等级", "Grade", "enum", GRADE),
                           C("coefficient", "系数", "Coefficient", "number")), "设置", "Settings")
ROLE_WEIGHTS = Table("tblRoleWeights", (C("role", "角色", "Role", "enum", ROLE),
                                        C("weight", "权重", "Weight", "number")), "设置", "Settings")

SETTINGS_TABLES = (BANDS, GRADES, QUOTAS, BONUS, ROLE_WEIGHTS)
SCORECARD_TABLES = (KPI, REVIEW) + SETTINGS_TABLES


@dataclass(frozen=True)
class DefinedName:
    """A one-cell workbook-scope defined name."""

    name: str
    zh: str
    en: str
    kind: str = "text"  # text | number | formula
    required: bool = False

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


N = DefinedName
HEADER_NAMES = (
    N("kpi_template", "模板", "Template", required=True),
    N("kpi_size", "规模", "Team size"),
    N("kpi_manager_id", "客户经理编号", "Manager ID", required=True),
    N("kpi_manager_name", "客户经理姓名", "Manager name"),
    N("kpi_team", "团队", "Team"),
    N("kpi_region", "区域", "Region"),
    N("kpi_period", "考核期间", "Period"),
    N("kpi_reviewer", "考核人", "Reviewer"),
    N("kpi_quant_weight", "定量占比", "Quantitative share", "number"),
)
RESULT_NAMES = (
    N("kpi_quant_score", "定量得分", "Quantitative score", "formula"),
    N("kpi_qual_score", "定性得分", "Qualitative score", "formula"),
    N("kpi_final_score", "综合得分", "Final score", "formula"),
    N("kpi_grade", "等级", "Grade", "formula"),
)
DEFINED_NAMES = HEADER_NAMES + RESULT_NAMES
# One-cell settings names on the settings sheet (not ``kpi_*``: HR settings, read like the settings tables).
SETTING_NAMES = (
    N("cfg_cap", "得分上限", "Score cap", "number"),
)
CAP_NAME = SETTING_NAMES[0].name  # the indicator score cap (default 120, at least 100)


# ----------------------------------------------------------------- team workbook (kpi consolidate)

@dataclass(frozen=True)
class OutputTable:
    """A table of the team workbook; with --lang en its headers are exactly the keys."""

    name: str
    columns: tuple[tuple[str, str], ...]  # (key, zh label)
    sheet_zh: str
    sheet_en: str

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.columns)

    def headers(self, lang: str) -> list[str]:
        return [zh if lang == "zh" else key for key, zh in self.columns]

    def sheet(self, lang: str) -> str:
        return self.sheet_zh if lang == "zh" else self.sheet_en

    def label(self, key: str, lang: str) -> str:
        """The header of column ``key`` in ``lang``."""
        return dict(self.columns)[key] if lang == "zh" else key

    def header_lookup(self) -> dict[str, str]:
        """Normalised header text (zh label or key) -> column key: how a team workbook is read back."""
        lookup = {normalise_header(zh): key for key, zh in self.columns}
        lookup.update({normalise_header(key): key for key, _ in self.columns})
        return lookup

    def with_columns(self, extra: tuple[tuple[str, str], ...], after: str | None = None) -> OutputTable:
        """The same table with ``extra`` columns inserted after column ``after`` (None: at the end)."""
        keys = self.keys
        at = keys.index(after) + 1 if after else len(keys)
        return OutputTable(self.name, self.columns[:at] + extra + self.columns[at:], self.sheet_zh, self.sheet_en)


MANAGERS_OUT = OutputTable(
    "tblManagers",
    (
        ("manager_id", "客户经理编号"), ("name", "姓名"), ("team", "团队"), ("region", "区域"),
        ("period", "考核期间"), ("reviewer", "考核人"), ("status", "状态"), ("quant_score", "定量得分"),
        ("qual_score", "定性得分"), ("final_score", "综合得分"), ("grade", "等级"), ("veto", "否决"), ("rank", "排名"),
        ("team_rank", "团队内排名"), ("forced_grade", "强制分布等级"),
        ("team_forced_grade", "团队内强制分布等级"), ("bonus_coefficient", "奖金系数"),
        ("bonus", "奖金"), ("findings", "问题数"), ("reason", "原因"), ("file", "文件"),
    ),
    "经理汇总", "Managers",
)
# With `kpi consolidate --previous`: this quarter against the last (after final_score... see MANAGERS_OUT_PREVIOUS).
PREVIOUS_COLUMNS = (
    ("previous_final_score", "上期综合得分"), ("previous_grade", "上期等级"),
    ("previous_forced_grade", "上期强制分布等级"), ("change", "得分变化"), ("movement", "升降"),
)
MANAGERS_OUT_PREVIOUS = MANAGERS_OUT.with_columns(PREVIOUS_COLUMNS, after="team_forced_grade")
SCORES_OUT = OutputTable(
    "tblScores",
    (
        ("manager_id", "客户经理编号"), ("name", "姓名"), ("dimension", "维度"), ("tier", "层级"),
        ("indicator", "指标"), ("unit", "单位"), ("weight", "权重"), ("direction", "方向"), ("method", "计分方式"),
        ("veto", "否决项"), ("target", "目标值"), ("adjusted_target", "调整后目标"), ("adjust_reason", "调整原因"),
        ("effective_target", "有效目标"), ("actual", "实际值"), ("source", "数据来源"),
        ("achievement", "达成率"), ("score", "得分"), ("weighted", "加权得分"),
    ),
    "指标明细", "Scores",
)
# kpi consolidate --actuals: the value kpi collect computed beside the scorecard's, and where it came from
SCORES_OUT_ACTUALS = SCORES_OUT.with_columns((("collected_actual", "采集实际值"), ("collected_source", "采集来源")),
                                             after="actual")
REVIEWS_OUT = OutputTable(
    "tblReviews",
    (
        ("manager_id", "客户经理编号"), ("name", "姓名"), ("role", "角色"), ("reviewer", "评价人"),
        ("competency", "评价项"), ("rating", "评分"), ("comment", "评语"),
    ),
    "评价明细", "Reviews",
)
FINDINGS_OUT = OutputTable(
    "tblFindings",
    (
        ("file", "文件"), ("manager_id", "客户经理编号"), ("name", "姓名"), ("sheet", "工作表"), ("cell", "单元格"),
        ("code", "代码"), ("severity", "严重程度"), ("message", "说明"),
    ),
    "问题清单", "Findings",
)
FILES_OUT = OutputTable(
    "tblFiles",
    (("file", "文件"), ("status", "状态"), ("reason", "原因"), ("sha256", "SHA-256")),
    "文件清单", "Files",
)
# One row per team, on the summary sheet: its scored managers, mean final score, the overall
# forced grades of its managers (the bonus follows them) and its bonus total.
TEAMS_OUT = OutputTable(
    "tblTeams",
    (
        ("team", "团队"), ("managers", "考核人数"), ("mean_final_score", "平均综合得分"),
        ("forced_s", "S 人数"), ("forced_a", "A 人数"), ("forced_b", "B 人数"), ("forced_c", "C 人数"),
        ("forced_d", "D 人数"), ("bonus_total", "奖金合计"),
    ),
    "汇总", "Summary",
)
TEAMS_OUT_PREVIOUS = TEAMS_OUT.with_columns((("previous_mean_final_score", "上期平均综合得分"),
                                             ("change", "得分变化")), after="mean_final_score")
# tblSettings (on the summary sheet): what the result cards print that HR may edit, one row each,
# found by its label (zh or en): the appeal route and deadline.
SETTINGS_OUT = OutputTable(
    "tblSettings", (("setting", "设置项"), ("value", "内容")), "汇总", "Summary",
)
# The sheets of the tables, in workbook order after the summary (tblTeams and tblSettings are on it).
TEAM_TABLES = (MANAGERS_OUT, SCORES_OUT, REVIEWS_OUT, FINDINGS_OUT, FILES_OUT)


# ----------------------------------------------------------------- actuals workbook (kpi collect, COLLECT.md)

ACTUALS_OUT = OutputTable(
    "tblActuals",
    (
        ("manager_id", "客户经理编号"), ("name", "姓名"), ("team", "团队"), ("indicator", "指标"),
        ("actual", "实际值"), ("rows", "行数"), ("measure", "计算方式"), ("scope", "范围"),
        ("source", "数据源"), ("rule", "规则"), ("rows_excluded", "排除行数"), ("files", "文件"),
        ("status", "状态"),
    ),
    "实际值", "Actuals",
)
SOURCES_OUT = OutputTable(
    "tblSources",
    (
        ("source", "数据源"), ("file", "文件"), ("sha256", "SHA-256"), ("sheet", "工作表"), ("header_row", "表头行"),
        ("rows_read", "读取行数"), ("rows_in_period", "期间内行数"), ("rows_matched", "已匹配行数"),
        ("rows_unmatched", "未匹配行数"), ("rows_skipped", "跳过行数"), ("rows_out_of_period", "期间外行数"),
        ("rows_duplicate", "重复行数"), ("footer_rows", "表尾行数"), ("status", "状态"),
    ),
    "数据源", "Sources",
)
UNMATCHED_OUT = OutputTable(
    "tblUnmatched",
    (("source", "数据源"), ("owner", "负责人"), ("rows", "行数"), ("reason", "原因")),
    "未匹配", "Unmatched",
)
COLLECT_FINDINGS_OUT = OutputTable(
    "tblFindings",
    (
        ("file", "文件"), ("source", "数据源"), ("row", "行"), ("column", "列"), ("code", "代码"),
        ("severity", "严重程度"), ("message", "说明"),
    ),
    "问题清单", "Findings",
)
ACTUALS_TABLES = (ACTUALS_OUT, SOURCES_OUT, UNMATCHED_OUT, COLLECT_FINDINGS_OUT)
