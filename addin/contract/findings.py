"""Findings: records of what is wrong or notable in a workbook, from a closed set of codes.

A finding is data, never an exception. Each code has one severity and one
message template per language; the details fill the template.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}
SEVERITY_ZH = {ERROR: "错误", WARNING: "警告", INFO: "提示"}


# Categories of codes, as FORMAT.md and COLLECT.md group them.
FILE, DATA, INTEGRITY, STATISTICS = "file", "data", "integrity", "statistics"
COLLECT = "collect"  # CRM exports read by `kpi collect`, and the actuals they give (COLLECT.md)
ROSTER = "roster"  # the roster as the source of truth (`--roster` of validate and consolidate)
CATEGORIES = (FILE, DATA, INTEGRITY, STATISTICS, COLLECT, ROSTER)


@dataclass(frozen=True)
class Code:
    """A finding code of FORMAT.md with its severity, category and message templates."""

    code: str
    severity: str
    en: str
    zh: str
    category: str = ""


def _in(category: str):
    """A constructor of codes of one category."""
    def code(name: str, severity: str, en: str, zh: str) -> Code:
        return Code(name, severity, en, zh, category)
    return code


_file, _data, _integrity, _statistics = _in(FILE), _in(DATA), _in(INTEGRITY), _in(STATISTICS)
_collect = _in(COLLECT)
_roster = _in(ROSTER)

_CODES = (

    # file level

    _file("FILE_UNREADABLE", ERROR, "cannot read the file: {reason}", "无法读取文件：{reason}"),
    _file("NOT_A_SCORECARD", ERROR, "not a KPI scorecard: {reason}", "不是绩效考核表：{reason}"),
    _file("TEMPLATE_VERSION", WARNING, "template {found} differs from the expected {expected}",
         "模板版本 {found} 与期望的 {expected} 不一致"),

    # data

    _data("MISSING_FIELD", ERROR, "{field} is missing", "缺少{field}"),
    _data("WEIGHTS_NOT_100", ERROR, "weights sum to {total}, expected 100%", "权重合计为 {total}，应为 100%"),
    _data("NON_NUMERIC", ERROR, "{field} must be a number (got {value!r})", "{field}必须是数字（实际为 {value!r}）"),
    _data("MISSING_ACTUAL", ERROR, "actual of {indicator} is blank; it scores 0",
         "{indicator}的实际值为空，按 0 分计"),
    _data("INVALID_VALUE", ERROR, "{field}: {problem}", "{field}：{problem}"),
    _data("DUPLICATE_MANAGER", ERROR,
         "manager {manager_id} is in this file and in {kept}; {kept} was kept, as the more recently saved "
         "({kept_saved}; this file: {saved}), and this file was not used",
         "客户经理 {manager_id} 同时出现在本文件和 {kept} 中；保留了较晚保存的 {kept}（{kept_saved}；本文件：{saved}），"
         "本文件未使用"),
    _data("PERCENT_SCALE", ERROR,
         "actual of {indicator} is {actual} but its target is {target} ({target_pct}): it looks typed in "
         "percent points; enter {suggested} ({suggested_pct}) instead",
         "{indicator}的实际值为 {actual}，而目标值为 {target}（{target_pct}）：似乎按百分点填写了；"
         "请改为 {suggested}（即 {suggested_pct}）"),
    _data("PERIOD_MISMATCH", WARNING, "period {found} differs from {expected}", "考核期间 {found} 与 {expected} 不一致"),
    _data("SETTINGS_CHANGED", WARNING, "{setting} differ from {baseline}", "{setting}与{baseline}不一致"),
    _data("CELL_ERROR", ERROR, "{field} holds the Excel error value {value}", "{field}为 Excel 错误值 {value}"),
    _data("ROW_OUTSIDE_TABLE", ERROR, "row {row} right under table {table} holds data but is outside the table, "
          "so it is not counted; extend the table over it (or clear it)",
          "表格 {table} 正下方第 {row} 行有内容，但不在表格内，不会被计算；请把表格扩展到该行（或清除该行）"),

    # integrity

    _integrity("FORMULA_OVERWRITTEN", WARNING,
         "{field} holds the typed value {stored} instead of its formula (recomputed: {computed})",
         "{field}的公式被手工数值 {stored} 覆盖（重新计算为 {computed}）"),
    _integrity("SCORE_MISMATCH", WARNING, "stored {field} {stored} differs from the recomputed {computed}",
         "存储的{field} {stored} 与重新计算的 {computed} 不一致"),
    _integrity("TARGET_ADJUSTED", INFO, "target of {indicator} adjusted from {target} to {adjusted}: {reason}",
         "{indicator}的目标由 {target} 调整为 {adjusted}：{reason}"),
    _integrity("TARGET_ADJUSTED_NO_REASON", WARNING, "target of {indicator} adjusted from {target} to {adjusted} without a reason",
         "{indicator}的目标由 {target} 调整为 {adjusted}，但未填写调整原因"),

    # statistics

    _statistics("EXTREME_ACHIEVEMENT", WARNING, "achievement of {indicator} is {achievement:.0%}",
         "{indicator}的达成率为 {achievement:.0%}，异常"),
    _statistics("SCORE_OUTLIER", WARNING, "final score {score:.2f} is an outlier in {group} (robust z = {z:.1f})",
         "综合得分 {score:.2f} 在{group}中异常（稳健 z = {z:.1f}）"),
    _statistics("SELF_MANAGER_GAP", WARNING, "self ratings average {gap:.2f} above manager ratings",
         "自评平均分比上级评分高 {gap:.2f}"),
    _statistics("LENIENT_REVIEWER", WARNING, "reviewer {reviewer} rates {people} people {diff:+.2f} above the average manager rating",
         "评价人 {reviewer} 对 {people} 人的评分比上级平均分高 {diff:+.2f}，偏宽松"),
    _statistics("SEVERE_REVIEWER", WARNING, "reviewer {reviewer} rates {people} people {diff:+.2f} below the average manager rating",
         "评价人 {reviewer} 对 {people} 人的评分比上级平均分低 {diff:+.2f}，偏严格"),
    _statistics("FLAT_RATINGS", WARNING, "reviewer {reviewer} gave {rating:g} to all {items} items",
         "评价人 {reviewer} 对全部 {items} 个评价项都给了 {rating:g} 分"),
    _statistics("TIER_ACTUAL_MISMATCH", WARNING, "{tier} indicator {indicator} has different actuals within {group}: {values}",
         "{tier}指标{indicator}在{group}内的实际值不一致：{values}"),
    _statistics("GRADE_QUOTA_EXCEEDED", WARNING, "{group}: {count} managers graded {grades}, the quota allows {allowed}",
         "{group}：{grades} 等级 {count} 人，超过配额 {allowed} 人"),

    # collect: CRM exports (COLLECT.md); FILE_UNREADABLE above covers an unreadable export too

    _collect("COLUMN_MISSING", ERROR, "source {source}: column {column} is not in the export; its columns are: {columns}",
             "数据源 {source}：导出文件中没有列“{column}”；现有列：{columns}"),
    _collect("DATE_AMBIGUOUS", ERROR, "source {source}: dates in column {column} such as {example} can be read "
             "day-month or month-day{orders}; set date_format (e.g. \"%d/%m/%Y\"); the source's rules give no values",
             "数据源 {source}：列“{column}”中的日期（如 {example}）既可按日/月也可按月/日理解{orders}；"
             "请设置 date_format（如 \"%d/%m/%Y\"）；该数据源的规则不出数"),
    _collect("AMBIGUOUS_OWNER", ERROR, "owner {owner} matches {count} roster managers ({managers}); "
             "its {rows} rows in the period are credited to nobody",
             "负责人“{owner}”对应名单中 {count} 位客户经理（{managers}）；其期间内 {rows} 行不计入任何人"),
    _collect("SOURCE_FILE_MISSING", ERROR, "source {source}: pattern {pattern} matches no file in {folder}",
             "数据源 {source}：文件模式 {pattern} 在 {folder} 中没有匹配的文件"),
    _collect("DATE_UNPARSEABLE", WARNING, "\"{value}\" in column {column} is not a date; row skipped",
             "列“{column}”中的“{value}”不是日期；该行已跳过"),
    _collect("VALUE_UNPARSEABLE", WARNING, "\"{value}\" in column {column} is not a number; row skipped by rule {indicator}",
             "列“{column}”中的“{value}”不是数字；规则“{indicator}”跳过该行"),
    _collect("NEGATIVE_DURATION", WARNING, "{end_column} {end} is before {start_column} {start}; row skipped by rule {indicator}",
             "{end_column}（{end}）早于{start_column}（{start}）；规则“{indicator}”跳过该行"),
    _collect("DUPLICATE_ROW", WARNING, "{column} \"{value}\" repeats row {first_row} of {first_file}; counted once",
             "“{column}”为“{value}”，与 {first_file} 第 {first_row} 行重复；只计一次"),
    _collect("UNMATCHED_OWNER", WARNING, "owner {owner} is not in the roster{via}; its rows in the period ({rows}) are "
             "listed in tblUnmatched",
             "负责人“{owner}”不在名单中{via}；其期间内 {rows} 行列于“未匹配”表（tblUnmatched）"),
    _collect("NO_ROWS", INFO, "{indicator}: no rows for {count} managers ({managers}); their actual is left blank",
             "{indicator}：{count} 位客户经理没有数据（{managers}）；实际值留空"),
    _collect("ACTUAL_REPLACED", INFO, "{indicator}: actual {old} replaced by the collected {new}",
             "{indicator}：实际值 {old} 已替换为采集值 {new}"),
    _collect("ACTUAL_DIFFERS_FROM_SOURCE", WARNING, "{indicator}: actual {actual} differs from the collected {collected} "
             "({source})", "{indicator}：实际值 {actual} 与采集值 {collected} 不一致（{source}）"),

    # the roster as the source of truth

    _roster("MISSING_SCORECARD", ERROR, "no scorecard file for {manager_id} {name} of the roster",
            "花名册中的 {manager_id} {name} 没有考核表文件"),
    _roster("NOT_IN_ROSTER", WARNING, "manager {manager_id} is not in the roster {roster}",
            "客户经理 {manager_id} 不在花名册 {roster} 中"),
    _roster("TARGET_CHANGED", ERROR, "target of {indicator} is {found}, but the roster sets {expected} "
            "({roster} {roster_cell})", "{indicator}的目标值为 {found}，但花名册设定为 {expected}（{roster} {roster_cell}）"),
    _roster("ROSTER_COLUMN_IGNORED", WARNING, "roster column '{header}' ({letter}) was not used: {why}",
            "花名册的列 '{header}'（{letter}）未使用：{why}"),
)
CODES: dict[str, Code] = {c.code: c for c in _CODES}


@dataclass(frozen=True)
class Finding:
    """One finding: a code, a severity and a position the user can click."""

    code: str
    message: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    row: int | None = None  # 1-based worksheet row
    manager_id: str = ""
    severity: str = field(default="")
    source: str = ""  # CRM exports (collect): the rules' source name …
    column: str = ""  # … and the export column

    details: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self):
        if self.code not in CODES:
            raise ValueError(f"unknown finding code {self.code}")
        if not self.severity:
            object.__setattr__(self, "severity", CODES[self.code].severity)

    def flat(self) -> tuple[str, str, str]:
        """(file, cell, code): the triple tests assert."""
        return (self.file, self.cell, self.code)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("details")
        for key in ("source", "column"):  # export positions: only on findings of CRM exports
            if not out[key]:
                out.pop(key)
        return out


_POSITION = ("file", "sheet", "cell", "row", "manager_id", "source", "column")


def make(code: str, lang: str = "en", **details) -> Finding:
    """Build a Finding whose message comes from the code's template in ``lang``.

    Position keywords (file, sheet, cell, row, manager_id, source, column) are taken out of
    ``details``; they and the rest fill the template. A template value that is
    missing raises KeyError: a message never shows a placeholder.
    """
    position = {k: details.pop(k) for k in _POSITION if k in details}
    spec = CODES[code]
    template = spec.zh if lang == "zh" else spec.en
    message = template.format(**position, **details)
    position = {k: ("" if v is None and k != "row" else v) for k, v in position.items()}
    if "manager_id" in position:
        position["manager_id"] = str(position["manager_id"])
    return Finding(code=code, message=message, severity=spec.severity, details=details, **position)


def sort_key(finding: Finding):
    return (finding.file, SEVERITY_ORDER.get(finding.severity, 9), finding.sheet, finding.row or 0,
            finding.cell, finding.code, finding.message)


def has_errors(findings) -> bool:
    return any(f.severity == ERROR for f in findings)
