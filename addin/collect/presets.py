"""`kpi collect --init RULES.xlsx --preset NAME`: a starting rules workbook for a CRM's export shape.

A preset maps the template's standard indicators (``addin.contract.standard.default_rows``)
to the export files of one CRM (crm-exports.md): which files, which owner and date columns,
and one rule per indicator it can compute. Indicators that no CRM export holds (company
profit, compliance incidents, CRM record completeness) are left out; their actuals stay
manual. The workbook has drop-downs for measure, scope and unit, and a sheet that explains
the syntax. Headers and measure words follow the workbook's language; the loader reads both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

from addin.collect.rules import MEASURES, RULE_FIELDS, SCOPES, SOURCE_FIELDS, UNITS
from addin.contract.messages import render
from addin.contract.standard import default_rows
from addin.xlsx.atomic import atomic_path
from addin.xlsx.output import check_output_file

SATISFACTION_MAP = {"很满意": 5, "满意": 4, "一般": 3, "不满意": 2, "很不满意": 1}
_SATISFACTION_TEXT = "; ".join(f"{k}={v}" for k, v in SATISFACTION_MAP.items())


@dataclass(frozen=True)
class Preset:
    """Sources of one CRM's exports and a rule per standard indicator (keyed by its zh name)."""

    label: str
    sources: dict[str, dict[str, str]]
    rules: dict[str, dict[str, str]]
    settings: dict[str, str] = field(default_factory=dict)


PRESETS: dict[str, Preset] = {
    "cordys": Preset(
        "CordysCRM",
        {
            "deals": {"files": "exports/商机*.xlsx", "sheet": "导出数据", "owner": "负责人", "date": "实际结束时间",
                      "key": "商机名称"},
            "contracts": {"files": "exports/合同*.xlsx", "sheet": "导出数据", "owner": "负责人", "date": "合同开始时间",
                          "key": "合同编号"},
            "followups": {"files": "exports/跟进记录*.xlsx", "sheet": "导出数据", "owner": "跟进人", "date": "跟进时间"},
            "surveys": {"files": "exports/回访*.xlsx", "sheet": "导出数据", "owner": "回访人", "date": "回访时间"},
            "tickets": {"files": "exports/工单*.xlsx", "sheet": "导出数据", "owner": "处理人", "date": "创建时间"},
        },
        {
            "销售额": {"source": "deals", "measure": "sum", "value": "金额", "where": "商机阶段 = 成功", "scale": "0.0001"},
            "新增客户数": {"source": "deals", "measure": "distinct", "value": "客户名称", "where": "商机阶段 = 成功"},
            "续约率": {"source": "contracts", "measure": "ratio", "numerator": "合同类型 = 续约"},
            "客户拜访次数": {"source": "followups", "measure": "count", "where": "跟进方式 = 见面拜访"},
            "跟进及时率": {"source": "followups", "measure": "ratio", "numerator": "是否及时 = 是"},
            "客户满意度": {"source": "surveys", "measure": "mean", "value": "客户满意度", "map": _SATISFACTION_TEXT},
            "投诉处理时长": {"source": "tickets", "measure": "duration_mean", "start": "创建时间",
                       "end": "工单首次完结时间", "unit": "hours", "where": "工单类型 = 投诉"},
            "团队销售达成": {"source": "deals", "measure": "sum", "value": "金额", "where": "商机阶段 = 成功",
                       "scale": "0.0001", "scope": "team"},
        },
        {"timezone": "+08:00"},
    ),
    "wukong": Preset(
        "悟空CRM",
        {
            "contracts": {"files": "exports/合同*.xls", "owner": "负责人", "date": "下单时间", "key": "合同编号"},
            "followups": {"files": "exports/跟进记录*.xls", "owner": "跟进人", "date": "跟进时间"},
            "visits": {"files": "exports/回访*.xls", "owner": "回访人", "date": "回访时间", "key": "回访编号"},
            "tickets": {"files": "exports/工单*.xls", "owner": "处理人", "date": "创建时间"},
        },
        {
            "销售额": {"source": "contracts", "measure": "sum", "value": "合同金额", "where": "审核状态 = 审核通过",
                    "scale": "0.0001"},
            "新增客户数": {"source": "contracts", "measure": "distinct", "value": "客户名称",
                      "where": "审核状态 = 审核通过"},
            "续约率": {"source": "contracts", "measure": "ratio", "numerator": "合同类型 = 续约",
                    "where": "审核状态 = 审核通过"},
            "客户拜访次数": {"source": "followups", "measure": "count", "where": "跟进方式 = 见面拜访"},
            "跟进及时率": {"source": "followups", "measure": "ratio", "numerator": "是否及时 = 是"},
            "客户满意度": {"source": "visits", "measure": "mean", "value": "客户满意度", "map": _SATISFACTION_TEXT},
            "投诉处理时长": {"source": "tickets", "measure": "duration_mean", "start": "创建时间",
                       "end": "工单首次完结时间", "unit": "hours"},
            "团队销售达成": {"source": "contracts", "measure": "sum", "value": "合同金额", "where": "审核状态 = 审核通过",
                       "scale": "0.0001", "scope": "team"},
        },
        {"timezone": "+08:00"},
    ),
    "salesforce": Preset(
        "Salesforce",
        {
            "opportunities": {"files": "exports/opportunities*.csv", "owner": "Opportunity Owner", "date": "Close Date",
                              "date_format": "%m/%d/%Y"},
            "activities": {"files": "exports/activities*.csv", "owner": "Assigned", "date": "Date",
                           "date_format": "%m/%d/%Y"},
            "cases": {"files": "exports/cases*.csv", "owner": "Case Owner", "date": "Date/Time Opened",
                      "date_format": "%m/%d/%Y %I:%M %p"},
        },
        {
            "销售额": {"source": "opportunities", "measure": "sum", "value": "Total Amount", "where": "Stage = Closed Won",
                    "scale": "0.0001"},
            "新增客户数": {"source": "opportunities", "measure": "distinct", "value": "Account Name",
                      "where": "Stage = Closed Won"},
            "续约率": {"source": "opportunities", "measure": "ratio", "numerator": "Stage = Closed Won",
                    "where": "Stage = Closed Won|Closed Lost; Type = Existing Customer - Renewal"},
            "客户拜访次数": {"source": "activities", "measure": "count", "where": "Type = Meeting"},
            "投诉处理时长": {"source": "cases", "measure": "duration_mean", "start": "Date/Time Opened",
                       "end": "Date/Time Closed", "unit": "hours", "where": "Type = Complaint"},
            "团队销售达成": {"source": "opportunities", "measure": "sum", "value": "Total Amount",
                       "where": "Stage = Closed Won", "scale": "0.0001", "scope": "team"},
        },
    ),
    "hubspot": Preset(
        "HubSpot",
        {
            "deals": {"files": "exports/deals*.csv", "owner": "Deal owner", "date": "Close Date", "key": "Record ID"},
            "meetings": {"files": "exports/meetings*.csv", "owner": "Activity assigned to", "date": "Activity date"},
            "tickets": {"files": "exports/tickets*.csv", "owner": "Ticket owner", "date": "Create date",
                        "key": "Ticket ID"},
        },
        {
            "销售额": {"source": "deals", "measure": "sum", "value": "Amount", "where": "Deal Stage = Closed Won",
                    "scale": "0.0001"},
            "新增客户数": {"source": "deals", "measure": "distinct", "value": "Associated Company",
                      "where": "Deal Stage = Closed Won"},
            "客户拜访次数": {"source": "meetings", "measure": "count", "where": "Outcome = Completed"},
            "投诉处理时长": {"source": "tickets", "measure": "duration_mean", "start": "Create date", "end": "Close date",
                       "unit": "hours", "where": "Category = Complaint"},
            "团队销售达成": {"source": "deals", "measure": "sum", "value": "Amount", "where": "Deal Stage = Closed Won",
                       "scale": "0.0001", "scope": "team"},
        },
    ),
}

_SOURCE_KEYS = ("source", "files", "sheet", "owner", "date", "date_format", "key")
_RULE_KEYS = ("indicator", "source", "measure", "value", "where", "where_not", "numerator", "start", "end", "unit",
              "map", "scale", "scope")


def _label(key: str, fields: dict[str, tuple[str, ...]], lang: str) -> str:
    """The header of a rules-workbook column: the key in en, its first Chinese synonym in zh."""
    if lang != "zh":
        return key
    return next((t for t in fields[key] if any("\u4e00" <= ch <= "\u9fff" for ch in t)), key)


def preset_rules(preset: str, size: str, lang: str) -> list[dict[str, str]]:
    """The rules of ``preset`` for the indicators of ``size``'s template, named in ``lang``."""
    spec = PRESETS[preset]
    out = []
    for zh, named in zip(default_rows(size, "zh"), default_rows(size, lang)):
        rule = spec.rules.get(zh["indicator"])
        if rule:
            out.append({"indicator": named["indicator"], **rule})
    return out


def write_rules_workbook(path, preset: str, size: str, lang: str, force: bool = False) -> tuple[Path, int]:
    """Write the starting rules workbook; returns (path, number of rules).

    Raises UsageError (nothing written) when the one output check refuses ``path``
    (:func:`addin.xlsx.output.check_output_file`): a rules workbook is the user's to edit, so an
    existing file is replaced only with ``force``.
    """
    path = check_output_file(path, suffixes=(".xlsx",), force=force, name="rules")
    spec = PRESETS[preset]
    rules = preset_rules(preset, size, lang)
    with atomic_path(path) as temp:
        wb = xlsxwriter.Workbook(str(temp), {"strings_to_numbers": False, "strings_to_formulas": False})
        head = wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#4472C4"})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        words = {k: render(f"collect.preset_{k}", lang) for k in ("sheet_sources", "sheet_rules", "sheet_settings",
                                                                   "sheet_aliases", "sheet_help")}
        ws = wb.add_worksheet(words["sheet_rules"])
        sources_ws = wb.add_worksheet(words["sheet_sources"])
        settings_ws = wb.add_worksheet(words["sheet_settings"])
        aliases_ws = wb.add_worksheet(words["sheet_aliases"])
        help_ws = wb.add_worksheet(words["sheet_help"])

        source_rows = [[name] + [spec.sources[name].get(k, "") for k in _SOURCE_KEYS[1:]] for name in spec.sources]
        sources_ws.add_table(0, 0, len(source_rows), len(_SOURCE_KEYS) - 1, {
            "name": "tblSources", "style": "Table Style Medium 2", "data": source_rows,
            "columns": [{"header": _label(k, SOURCE_FIELDS, lang)} for k in _SOURCE_KEYS]})
        sources_ws.set_column(0, len(_SOURCE_KEYS) - 1, 22)

        rule_rows = []
        for rule in rules:
            row = []
            for key in _RULE_KEYS:
                value = rule.get(key, "")
                if key in ("measure", "scope", "unit") and value:
                    value = render(f"collect.{key}_{value}", lang)
                if key == "scale" and value:
                    row.append(float(value))
                    continue
                row.append(value)
            if not rule.get("scope"):
                row[_RULE_KEYS.index("scope")] = render("collect.scope_individual", lang)
            rule_rows.append(row)
        ws.add_table(0, 0, max(len(rule_rows), 1) + 20, len(_RULE_KEYS) - 1, {
            "name": "tblRules", "style": "Table Style Medium 2", "data": rule_rows,
            "columns": [{"header": _label(k, RULE_FIELDS, lang)} for k in _RULE_KEYS]})
        ws.set_column(0, len(_RULE_KEYS) - 1, 16)
        ws.set_column(_RULE_KEYS.index("where"), _RULE_KEYS.index("numerator"), 28)
        ws.freeze_panes(1, 1)
        last = max(len(rule_rows), 1) + 20
        for key, choices in (("measure", MEASURES), ("scope", SCOPES), ("unit", UNITS)):
            col = _RULE_KEYS.index(key)
            ws.data_validation(1, col, last, col, {
                "validate": "list", "source": [render(f"collect.{key}_{c}", lang) for c in choices],
                "input_title": _label(key, RULE_FIELDS, lang)[:32],
                "input_message": render(f"collect.preset_hint_{key}", lang)[:255]})
        col = _RULE_KEYS.index("source")
        sheet = words["sheet_sources"]
        ws.data_validation(1, col, last, col, {"validate": "list",
                                               "source": f"='{sheet}'!$A$2:$A${len(source_rows) + 30}"})
        settings_ws.add_table(0, 0, max(len(spec.settings), 1), 1, {
            "name": "tblSettings", "style": "Table Style Medium 2",
            "data": [[k, v] for k, v in spec.settings.items()] or [["timezone", ""]],
            "columns": [{"header": render("collect.preset_setting", lang)},
                        {"header": render("collect.preset_value", lang)}]})
        settings_ws.set_column(0, 1, 20)
        aliases_ws.add_table(0, 0, 1, 1, {
            "name": "tblAliases", "style": "Table Style Medium 2",
            "columns": [{"header": "owner" if lang != "zh" else "CRM负责人"},
                        {"header": "manager_id" if lang != "zh" else "客户经理编号"}]})
        aliases_ws.set_column(0, 1, 24)
        help_ws.set_column(0, 0, 110, wrap)
        help_ws.write(0, 0, render("collect.preset_help_title", lang, preset=spec.label), head)
        for r, key in enumerate(("files", "where", "map", "scale", "scope", "manual", "trace"), start=1):
            help_ws.write(r, 0, render(f"collect.preset_help_{key}", lang), wrap)
        wb.close()
    return path, len(rules)
