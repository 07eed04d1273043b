"""`kpi collect` on exports in the shapes of real CRMs (crm-exports.md), actuals computed by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import xlsxwriter
from support.crm_exports import (
    CORDYS_DEALS,
    HUBSPOT_DEALS,
    RUOYI_CONTRACTS,
    SALESFORCE_CASES,
    WUKONG_DEALS,
    WUKONG_FOLLOWUPS,
    WUKONG_VISITS,
    csv_text,
    roster,
    salesforce_report,
    write_csv,
    write_xlsx,
)
from support.libreoffice import convert, requires_libreoffice

from addin.collect.collector import collect

MANAGERS = [("AM001", "张伟", "华东"), ("AM002", "李娜", "华东"), ("AM003", "王芳", "华北")]


def actuals(result) -> dict[tuple[str, str], tuple[float | None, int]]:
    return {(a.manager_id, a.indicator): (a.actual, a.rows) for a in result.actuals}


def flat(result) -> list[tuple[str, int | None, str, str]]:
    return sorted((f.file, f.row or 0, f.column, f.code) for f in result.findings)


def source_counts(result, file: str) -> dict:
    entry = next(s for s in result.sources if s.file == file)
    keys = ("rows_read", "rows_in_period", "rows_matched", "rows_unmatched", "rows_skipped", "rows_out_of_period",
            "rows_duplicate", "footer_rows", "header_row")
    return {k: getattr(entry, k) for k in keys}


def write_rules(folder: Path, text: str) -> Path:
    path = folder / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_cordys_deals_xlsx_text_amounts_percent_and_team_scope(tmp_path):
    rows = [
        {"商机名称": "A1", "客户名称": "甲公司", "金额": "1,200.00", "可能性": "60%", "负责人": "张伟", "商机阶段": "成功",
         "实际结束时间": "2026-07-03 10:00:00"},
        {"商机名称": "A2", "客户名称": "乙公司", "金额": "800.50", "可能性": "40%", "负责人": "张伟", "商机阶段": "成功",
         "实际结束时间": "2026-08-15"},
        {"商机名称": "A3", "客户名称": "丙公司", "金额": "3,000.00", "负责人": "张伟", "商机阶段": "失败",
         "实际结束时间": "2026-08-16"},
        {"商机名称": "B1", "客户名称": "甲公司", "金额": "12,345.67", "可能性": "100%", "负责人": "李娜",
         "商机阶段": "成功", "实际结束时间": "2026-09-30 23:59:59"},
        {"商机名称": "B2", "客户名称": "丁公司", "金额": "100", "负责人": "李娜", "商机阶段": "成功",
         "实际结束时间": "2026-10-01 00:00:00"},
        {"商机名称": "C1", "客户名称": "戊公司", "负责人": "王芳", "商机阶段": "成功", "实际结束时间": "2026-07-10"},
        {"商机名称": "X1", "客户名称": "己公司", "金额": "500", "负责人": "赵强", "商机阶段": "成功",
         "实际结束时间": "2026-07-11"},
        {"商机名称": "A4", "客户名称": "庚公司", "金额": "abc", "负责人": "张伟", "商机阶段": "成功",
         "实际结束时间": "2026-07-12"},
        {"商机名称": "A5", "客户名称": "辛公司", "金额": "50", "负责人": "张伟", "商机阶段": "成功"},
    ]
    (tmp_path / "exports").mkdir()
    write_xlsx(tmp_path / "exports" / "商机-7月.xlsx", CORDYS_DEALS, rows, sheet="导出数据")
    rules = write_rules(tmp_path, """
[sources.deals]
files = ["exports/商机*.xlsx"]
sheet = "导出数据"
owner = "负责人"
date = "实际结束时间"

[[rules]]
indicator = "销售额"
source = "deals"
measure = "sum"
value = "金额"
where = { "商机阶段" = ["成功", "赢单"] }
scale = 0.0001

[[rules]]
indicator = "新增客户数"
source = "deals"
measure = "distinct"
value = "客户名称"
where = { "商机阶段" = "成功" }

[[rules]]
indicator = "赢单率"
source = "deals"
measure = "ratio"
numerator = { "商机阶段" = "成功" }
where = { "商机阶段" = ["成功", "失败"] }

[[rules]]
indicator = "平均可能性"
source = "deals"
measure = "mean"
value = "可能性"

[[rules]]
indicator = "团队销售达成"
source = "deals"
measure = "sum"
value = "金额"
where = { "商机阶段" = "成功" }
scope = "team"
""")
    result = collect(rules, roster(tmp_path / "roster.csv", MANAGERS), "2026Q3", lang="en")
    got = actuals(result)
    assert got[("AM001", "销售额")][0] == pytest.approx((1200 + 800.5) * 0.0001, abs=1e-9)
    assert got[("AM001", "销售额")][1] == 2
    assert got[("AM002", "销售额")] == (pytest.approx(12345.67 * 0.0001, abs=1e-9), 1)
    assert got[("AM003", "销售额")] == (0.0, 0)  # its one won deal has a blank amount: left out
    assert got[("AM001", "新增客户数")] == (3.0, 3)  # 甲, 乙, 庚 (the 'abc' amount does not matter here)
    assert got[("AM002", "新增客户数")] == (1.0, 1)
    assert got[("AM001", "赢单率")] == (pytest.approx(3 / 4), 4)
    assert got[("AM003", "赢单率")] == (1.0, 1)
    assert got[("AM001", "平均可能性")] == (pytest.approx(0.5), 2)
    assert got[("AM003", "平均可能性")] == (None, 0)
    team = (1200 + 800.5 + 12345.67)
    assert got[("AM001", "团队销售达成")] == (pytest.approx(team), 3)
    assert got[("AM002", "团队销售达成")] == (pytest.approx(team), 3)
    assert got[("AM003", "团队销售达成")] == (0.0, 0)
    file = "exports/商机-7月.xlsx"
    assert source_counts(result, file) == {
        "rows_read": 9, "rows_in_period": 7, "rows_matched": 6, "rows_unmatched": 1, "rows_skipped": 1,
        "rows_out_of_period": 1, "rows_duplicate": 0, "footer_rows": 0, "header_row": 1}
    assert flat(result) == [
        ("", 0, "", "NO_ROWS"),
        (file, 8, "负责人", "UNMATCHED_OWNER"),
        (file, 9, "金额", "VALUE_UNPARSEABLE"),
        (file, 9, "金额", "VALUE_UNPARSEABLE"),
    ]
    assert [(u.source, u.owner, u.rows) for u in result.unmatched] == [("deals", "赵强", 1)]
    rule = next(a.rule for a in result.actuals if a.indicator == "销售额")
    assert rule == "sum of 金额 where 商机阶段 ∈ {成功, 赢单}, × 0.0001, 2026-07-01..2026-09-30"


def test_salesforce_report_csv_dollars_footer_and_month_first_dates(tmp_path):
    rows = [
        {"Opportunity Owner": "Wei Zhang", "Account Name": "Acme", "Stage": "Closed Won", "Total Amount": "$1,234,567",
         "Close Date": "7/3/2026"},
        {"Opportunity Owner": "wei zhang ", "Account Name": "Beta", "Stage": "Closed Won", "Total Amount": "$2,000.50",
         "Close Date": "9/30/2026"},
        {"Opportunity Owner": "Na Li", "Account Name": "Acme", "Stage": "Closed Lost", "Total Amount": "$99",
         "Close Date": "8/13/2026"},
        {"Opportunity Owner": "Na Li", "Account Name": "Gamma", "Stage": "Closed Won", "Total Amount": "$10",
         "Close Date": "10/1/2026"},
    ]
    salesforce_report(tmp_path / "report.csv", rows)
    rules = write_rules(tmp_path, """
[sources.opps]
files = ["report.csv"]
owner = "Opportunity Owner"
date = "Close Date"
date_format = "%m/%d/%Y"

[[rules]]
indicator = "Sales revenue"
source = "opps"
measure = "sum"
value = "Total Amount"
where = { "Stage" = "closed won" }
""")
    people = [("AM001", "Wei Zhang", "East"), ("AM002", "Na Li", "East")]
    result = collect(rules, roster(tmp_path / "roster.csv", people), "2026Q3", lang="en")
    got = actuals(result)
    assert got[("AM001", "Sales revenue")] == (pytest.approx(1234567 + 2000.50), 2)
    assert got[("AM002", "Sales revenue")] == (0.0, 0)
    assert source_counts(result, "report.csv") == {
        "rows_read": 4, "rows_in_period": 3, "rows_matched": 3, "rows_unmatched": 0, "rows_skipped": 0,
        "rows_out_of_period": 1, "rows_duplicate": 0, "footer_rows": 4, "header_row": 1}
    assert flat(result) == []


def test_day_month_dates_without_date_format_are_ambiguous_and_give_no_values(tmp_path):
    rows = [{"Opportunity Owner": "Wei Zhang", "Stage": "Closed Won", "Total Amount": "5", "Close Date": d}
            for d in ("3/7/2026", "13/7/2026", "7/13/2026")]
    salesforce_report(tmp_path / "report.csv", rows)
    rules = write_rules(tmp_path, """
[sources.opps]
files = ["report.csv"]
owner = "Opportunity Owner"
date = "Close Date"

[[rules]]
indicator = "Deals"
source = "opps"
measure = "count"
""")
    result = collect(rules, roster(tmp_path / "roster.csv", [("AM001", "Wei Zhang", "East")]), "2026Q3", lang="en")
    assert flat(result) == [("report.csv", 2, "Close Date", "DATE_AMBIGUOUS")]
    assert "both orders (13/7/2026 and 7/13/2026)" in result.findings[0].message
    assert actuals(result)[("AM001", "Deals")] == (None, 0)
    assert result.actuals[0].status == "source_error"


def test_hubspot_owner_ids_aliases_and_utc_timestamps_converted_to_beijing_time(tmp_path):
    rows = [
        {"Record ID": "1", "Deal Name": "a", "Deal Stage": "closedwon", "Amount": "100", "Deal owner": "31337",
         "Close Date": "2026-06-30T16:30:00.000Z"},   # 2026-07-01 00:30 in Beijing: in Q3
        {"Record ID": "2", "Deal Name": "b", "Deal Stage": "closedwon", "Amount": "200", "Deal owner": "31337",
         "Close Date": "2026-09-30T16:30:00.000Z"},   # 2026-10-01 00:30: out
        {"Record ID": "3", "Deal Name": "c", "Deal Stage": "closedwon", "Amount": "300", "Deal owner": "AM002",
         "Close Date": "2026-08-01T09:00:00+08:00"},
        {"Record ID": "4", "Deal Name": "d", "Deal Stage": "closedwon", "Amount": "400", "Deal owner": "Agent_9",
         "Close Date": "2026-08-01"},
    ]
    write_csv(tmp_path / "hubspot.csv", HUBSPOT_DEALS, rows, encoding="utf-8")
    rules = write_rules(tmp_path, """
timezone = "+08:00"

[aliases]
"31337" = "AM001"
"Agent_9" = "AM404"

[sources.deals]
files = ["hubspot.csv"]
owner = "Deal owner"
date = "Close Date"

[[rules]]
indicator = "Sales revenue"
source = "deals"
measure = "sum"
value = "Amount"
where = { "Deal Stage" = "closedwon" }
""")
    result = collect(rules, roster(tmp_path / "roster.csv", MANAGERS), "2026Q3", lang="en")
    got = actuals(result)
    assert got[("AM001", "Sales revenue")] == (100.0, 1)
    assert got[("AM002", "Sales revenue")] == (300.0, 1)
    assert flat(result) == [("hubspot.csv", 5, "Deal owner", "UNMATCHED_OWNER")]
    assert "alias points to AM404" in result.findings[0].message


def test_wukong_follow_ups_in_utf16_tab_csv_and_surveys_in_gbk_with_a_text_map(tmp_path):
    follow = [
        {"跟进人": "张伟", "跟进时间": "2026/7/3 14:22", "跟进方式": "见面拜访"},
        {"跟进人": "张伟", "跟进时间": "2026年7月4日", "跟进方式": "打电话"},
        {"跟进人": "张伟", "跟进时间": "2026.08.05", "跟进方式": "见面拜访"},
        {"跟进人": "李娜", "跟进时间": "2026-09-09 09:09:09.744884", "跟进方式": " 见面拜访 "},
    ]
    write_csv(tmp_path / "跟进记录.csv", WUKONG_FOLLOWUPS, follow, encoding="utf-16", delimiter="\t")
    visits = [
        {"回访人": "张伟", "回访时间": "2026-07-01", "客户满意度": "很满意"},
        {"回访人": "张伟", "回访时间": "2026-07-02", "客户满意度": "一般"},
        {"回访人": "李娜", "回访时间": "2026-07-02", "客户满意度": "满意"},
        {"回访人": "李娜", "回访时间": "2026-07-03", "客户满意度": "非常好"},
    ]
    write_csv(tmp_path / "回访.csv", WUKONG_VISITS, visits, encoding="gbk")
    rules = write_rules(tmp_path, """
[sources.follow]
files = ["跟进记录.csv"]
owner = "跟进人"
date = "跟进时间"

[sources.visits]
files = ["回访.csv"]
owner = "回访人"
date = "回访时间"

[[rules]]
indicator = "客户拜访次数"
source = "follow"
measure = "count"
where = { "跟进方式" = "见面拜访" }

[[rules]]
indicator = "客户满意度"
source = "visits"
measure = "mean"
value = "客户满意度"
map = { "很满意" = 5, "满意" = 4, "一般" = 3, "不满意" = 2, "很不满意" = 1 }
""")
    result = collect(rules, roster(tmp_path / "roster.csv", MANAGERS), "2026Q3", lang="zh")
    got = actuals(result)
    assert got[("AM001", "客户拜访次数")] == (2.0, 2)
    assert got[("AM002", "客户拜访次数")] == (1.0, 1)
    assert got[("AM001", "客户满意度")] == (4.0, 2)
    assert got[("AM002", "客户满意度")] == (4.0, 1)
    assert got[("AM003", "客户满意度")] == (None, 0)
    assert flat(result) == [("", 0, "", "NO_ROWS"), ("回访.csv", 5, "客户满意度", "VALUE_UNPARSEABLE")]
    assert source_counts(result, "跟进记录.csv")["rows_read"] == 4


def test_ruoyi_repeated_header_numeric_owner_ids_and_integer_states(tmp_path):
    header = RUOYI_CONTRACTS
    rows = []
    for number, owner, amount, state in (("C-1", 1001, 1000, 1), ("C-2", 1001, 500, 2), ("C-3", 1002, 700, 1),
                                          ("C-1", 1001, 1000, 1)):
        values = [f"HT-{number}", "合同", "客户", owner, "", amount, dt.datetime(2026, 8, 1), number, state]
        rows.append(dict(zip(["合同编号", "合同名称", "客户名称", "负责人的用户编号", "负责人名字", "合同金额", "下单日期",
                              "合同编号#2", "结束状态"], values)))
    # two 合同编号 columns: written cell by cell, in header order
    wb = xlsxwriter.Workbook(str(tmp_path / "合同.xlsx"))
    ws = wb.add_worksheet("合同")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row.values()):
            if isinstance(value, dt.datetime):
                ws.write_datetime(r, c, value, date)
            else:
                ws.write(r, c, value)
    wb.close()
    rules = write_rules(tmp_path, """
[aliases]
"1001" = "AM001"
"1002" = "AM002"

[sources.contracts]
files = ["合同.xlsx"]
owner = "负责人的用户编号"
date = "下单日期"
key = "合同编号#2"

[[rules]]
indicator = "成交合同数"
source = "contracts"
measure = "count"
where = { "结束状态" = 1 }

[[rules]]
indicator = "合同金额"
source = "contracts"
measure = "sum"
value = "合同金额"
where = { "结束状态" = [1] }
""")
    result = collect(rules, roster(tmp_path / "roster.csv", MANAGERS), "2026Q3", lang="en")
    got = actuals(result)
    assert got[("AM001", "成交合同数")] == (1.0, 1)  # C-1 once (repeated key), C-2 is state 2
    assert got[("AM001", "合同金额")] == (1000.0, 1)
    assert got[("AM002", "合同金额")] == (700.0, 1)
    assert flat(result) == [("合同.xlsx", 5, "合同编号#2", "DUPLICATE_ROW")]
    assert source_counts(result, "合同.xlsx")["rows_duplicate"] == 1


def test_epoch_milliseconds_and_durations_in_hours(tmp_path):
    def ms(text: str) -> str:
        return str(int(dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc).timestamp() * 1000))
    headers = ["工单编号", "处理人", "创建时间", "工单首次完结时间", "工单最近完结时间"]
    rows = [
        {"工单编号": "T1", "处理人": "AM001", "创建时间": ms("2026-07-01T01:00:00"), "工单首次完结时间": ms("2026-07-01T03:30:00")},
        {"工单编号": "T2", "处理人": "am001", "创建时间": ms("2026-07-02T00:00:00"), "工单首次完结时间": ms("2026-07-02T10:00:00")},
        {"工单编号": "T3", "处理人": "AM001", "创建时间": ms("2026-07-03T00:00:00"), "工单首次完结时间": ""},
        {"工单编号": "T4", "处理人": "AM002", "创建时间": ms("2026-07-05T05:00:00"), "工单首次完结时间": ms("2026-07-05T04:00:00")},
        {"工单编号": "T5", "处理人": "AM002", "创建时间": ms("2026-06-30T15:59:00"), "工单首次完结时间": ms("2026-06-30T17:00:00")},
    ]
    write_csv(tmp_path / "工单.csv", headers, rows, encoding="utf-8-sig")
    rules = write_rules(tmp_path, """
timezone = "Asia/Shanghai"

[sources.tickets]
files = ["工单.csv"]
owner = "处理人"
date = "创建时间"

[[rules]]
indicator = "投诉处理时长"
source = "tickets"
measure = "duration_mean"
start = "创建时间"
end = "工单首次完结时间"
unit = "hours"

[[rules]]
indicator = "处理时长中位数"
source = "tickets"
measure = "duration_median"
start = "创建时间"
end = "工单首次完结时间"
unit = "minutes"
""")
    result = collect(rules, roster(tmp_path / "roster.csv", MANAGERS), "2026Q3", lang="en")
    got = actuals(result)
    assert got[("AM001", "投诉处理时长")] == (pytest.approx((2.5 + 10) / 2), 2)
    assert got[("AM001", "处理时长中位数")] == (pytest.approx((150 + 600) / 2), 2)
    # T5 was created 2026-06-30 23:59 in Beijing: out of the period; T4 ends before it starts
    assert got[("AM002", "投诉处理时长")] == (None, 0)
    assert flat(result) == [("", 0, "", "NO_ROWS"), ("", 0, "", "NO_ROWS"),
                            ("工单.csv", 5, "工单首次完结时间", "NEGATIVE_DURATION"),
                            ("工单.csv", 5, "工单首次完结时间", "NEGATIVE_DURATION")]
    excluded = {(a.manager_id, a.indicator): a.rows_excluded for a in result.actuals}
    assert excluded[("AM001", "投诉处理时长")] == 1 and excluded[("AM002", "投诉处理时长")] == 1


def test_title_rows_above_the_header_and_required_marks(tmp_path):
    """悟空 import templates: a notes block in row 1, headers with a * prefix in row 2."""
    rows = [{"*跟进人": "张伟", "跟进时间": "2026-07-03", "跟进方式": "见面拜访"}]
    write_xlsx(tmp_path / "follow.xlsx", ["*跟进人", "跟进时间", "跟进方式"], rows,
               above=[["注意：1、带*的为必填项；2、跟进方式可选：打电话,发邮件,发短信,见面拜访,活动"]])
    rules = write_rules(tmp_path, """
[sources.follow]
files = ["follow.xlsx"]
owner = "跟进人"
date = "跟进时间"

[[rules]]
indicator = "客户拜访次数"
source = "follow"
measure = "count"
""")
    result = collect(rules, roster(tmp_path / "roster.csv", MANAGERS), "2026Q3", lang="en")
    assert actuals(result)[("AM001", "客户拜访次数")] == (1.0, 1)
    assert source_counts(result, "follow.xlsx")["header_row"] == 2


def test_ambiguous_owner_name_is_credited_to_nobody(tmp_path):
    rows = [{"跟进人": "张伟", "跟进时间": "2026-07-03", "跟进方式": "见面拜访"},
            {"跟进人": "AM009", "跟进时间": "2026-07-04", "跟进方式": "见面拜访"}]
    write_csv(tmp_path / "f.csv", WUKONG_FOLLOWUPS, rows)
    rules = write_rules(tmp_path, """
[sources.follow]
files = ["f.csv"]
owner = "跟进人"
date = "跟进时间"

[[rules]]
indicator = "客户拜访次数"
source = "follow"
measure = "count"
""")
    people = MANAGERS + [("AM009", "张伟", "华北")]
    result = collect(rules, roster(tmp_path / "roster.csv", people), "2026Q3", lang="en")
    got = actuals(result)
    assert got[("AM001", "客户拜访次数")] == (0.0, 0)
    assert got[("AM009", "客户拜访次数")] == (1.0, 1)  # its id still matches
    assert flat(result) == [("f.csv", 2, "跟进人", "AMBIGUOUS_OWNER")]
    assert [(u.owner, u.rows) for u in result.unmatched] == [("张伟", 1)]
    assert source_counts(result, "f.csv")["rows_unmatched"] == 1


def test_salesforce_cases_csv_text_roundtrip(tmp_path):
    """csv_text itself: the footer comes after one blank line, as Salesforce writes it."""
    text = csv_text(SALESFORCE_CASES, [{"Case Owner": "x"}], footer=["\"Grand Totals (1 records)\""])
    assert text.splitlines()[-2:] == ["", "\"Grand Totals (1 records)\""]


@requires_libreoffice
def test_wukong_legacy_xls_export(tmp_path):
    rows = [{"商机名称": "a", "商机金额": 1200, "商机阶段": "赢单", "负责人": "张伟", "更新时间": "2026-07-03 10:00:00"},
            {"商机名称": "b", "商机金额": 300, "商机阶段": "输单", "负责人": "张伟", "更新时间": "2026-07-04 10:00:00"},
            {"商机名称": "c", "商机金额": 450.5, "商机阶段": "赢单", "负责人": "李娜", "更新时间": "2026-08-04 10:00:00"}]
    source = write_xlsx(tmp_path / "商机.xlsx", WUKONG_DEALS, rows)
    (xls,) = convert([source], tmp_path / "xls", "xls")
    folder = tmp_path / "exports"
    folder.mkdir()
    Path(xls).rename(folder / "商机.xls")
    rules = write_rules(tmp_path, """
[sources.deals]
files = ["exports/*.xls"]
owner = "负责人"
date = "更新时间"

[[rules]]
indicator = "销售额"
source = "deals"
measure = "sum"
value = "商机金额"
where = { "商机阶段" = "赢单" }
""")
    result = collect(rules, roster(tmp_path / "roster.csv", MANAGERS), "2026Q3", lang="en")
    got = actuals(result)
    assert got[("AM001", "销售额")] == (1200.0, 1)
    assert got[("AM002", "销售额")] == (450.5, 1)
    assert flat(result) == []


def test_one_source_of_monthly_files_in_csv_and_xlsx(tmp_path):
    """Files of one source in different formats are one set of rows (and a deal in both counts once)."""
    headers = ["商机名称", "负责人", "金额", "实际结束时间"]
    write_csv(tmp_path / "商机-07.csv", headers, [{"商机名称": "A", "负责人": "张伟", "金额": "1,000", "实际结束时间": "2026-07-03"},
                                               {"商机名称": "B", "负责人": "李娜", "金额": "2,000", "实际结束时间": "2026-07-04"}],
              encoding="gb18030")
    write_xlsx(tmp_path / "商机-08.xlsx", headers, [{"商机名称": "B", "负责人": "李娜", "金额": 2000, "实际结束时间": dt.datetime(2026, 7, 4)},
                                                 {"商机名称": "C", "负责人": "张伟", "金额": 500.5, "实际结束时间": dt.datetime(2026, 8, 4, 9)}])
    rules = write_rules(tmp_path, """
[sources.deals]
files = ["商机-*.csv", "商机-*.xlsx"]
owner = "负责人"
date = "实际结束时间"
key = "商机名称"

[[rules]]
indicator = "销售额"
source = "deals"
measure = "sum"
value = "金额"

[[rules]]
indicator = "成交客户"
source = "deals"
measure = "distinct"
value = "商机名称"
""")
    result = collect(rules, roster(tmp_path / "roster.csv", MANAGERS), "2026Q3", lang="en")
    got = actuals(result)
    assert got[("AM001", "销售额")] == (1500.5, 2)
    assert got[("AM002", "销售额")] == (2000.0, 1)
    assert got[("AM001", "成交客户")] == (2.0, 2)
    assert flat(result) == [("商机-08.xlsx", 2, "商机名称", "DUPLICATE_ROW")]
    assert [s.rows_read for s in result.sources] == [2, 2]


def test_cordys_sub_table_two_level_merged_header(tmp_path):
    """CordysCRM sub-tables: the record's fields merged down over the sub-table's column names (row 2),
    a record's fields merged over its product rows. The header block is rows 1-2; data start in row 3."""
    path = tmp_path / "商机.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    ws = wb.add_worksheet("导出数据")
    record = ["商机名称", "客户名称", "金额", "负责人", "商机阶段", "实际结束时间"]
    for c, name in enumerate(record):
        ws.merge_range(0, c, 1, c, name)
    ws.merge_range(0, 6, 0, 8, "产品明细")
    ws.write_row(1, 6, ["产品名称", "数量", "单价"])
    deals = [("D1", "甲公司", "1,200,000.00", "张伟", "成功", "2026-07-03 10:00:00", [("P1", 2, 100), ("P2", 3, 50)]),
             ("D2", "乙公司", "860,000.00", "李娜", "成功", "2026-08-15 16:20:00", [("P3", 1, 10)]),
             ("D3", "丙公司", "50,000.00", "张伟", "失败", "2026-09-01 09:00:00", [("P4", 7, 1)])]
    r = 2
    for *fields, products in deals:
        for c, value in enumerate(fields):
            if len(products) > 1:
                ws.merge_range(r, c, r + len(products) - 1, c, value)
            else:
                ws.write(r, c, value)
        for k, product in enumerate(products):
            ws.write_row(r + k, 6, product)
        r += len(products)
    wb.close()
    rules = write_rules(tmp_path, """
[sources.deals]
files = ["商机.xlsx"]
sheet = "导出数据"
owner = "负责人"
date = "实际结束时间"

[[rules]]
indicator = "销售额"
source = "deals"
measure = "sum"
value = "金额"
where = { "商机阶段" = "成功" }
scale = 0.0001

[[rules]]
indicator = "赢单数"
source = "deals"
measure = "count"
where = { "商机阶段" = "成功" }

[[rules]]
indicator = "产品种类"
source = "deals"
measure = "distinct"
value = "产品名称"
""")
    result = collect(rules, roster(tmp_path / "roster.csv", MANAGERS), "2026Q3", lang="en")
    got = actuals(result)
    assert got[("AM001", "销售额")] == (pytest.approx(120.0, abs=1e-9), 1)
    assert got[("AM002", "销售额")] == (pytest.approx(86.0, abs=1e-9), 1)
    assert got[("AM001", "赢单数")] == (1.0, 1)
    # the sub-table column is addressable; P2 sits under D1's merged cells (a blank date: skipped, counted)
    assert got[("AM001", "产品种类")] == (2.0, 2)
    assert flat(result) == []
    assert source_counts(result, "商机.xlsx") == {
        "rows_read": 4, "rows_in_period": 3, "rows_matched": 3, "rows_unmatched": 0, "rows_skipped": 1,
        "rows_out_of_period": 0, "rows_duplicate": 0, "footer_rows": 0, "header_row": 1}


def test_dynamics_hidden_columns_serial_dates_and_odoo_csv_without_bom(tmp_path):
    """Dynamics 365: hidden `(Do Not Modify)` columns first, close dates as plain serial numbers;
    Odoo crm.lead CSV in UTF-8 without BOM; both one source, one sum per manager."""
    headers = ["(Do Not Modify) Opportunity", "(Do Not Modify) Row Checksum", "(Do Not Modify) Modified On",
               "Topic", "Owner", "Est. Revenue", "Actual Close Date", "Status"]
    path = tmp_path / "dynamics.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Opportunities")
    ws.set_column(0, 2, None, None, {"hidden": True})
    ws.write_row(0, 0, headers)
    # serial days: 46206 = 2026-07-03, 46297.75 = 2026-10-02 18:00 (after Q3), 46235.5 = 2026-08-01 12:00
    for r, (owner, revenue, serial, status) in enumerate(
            [("张伟", 1000.5, 46206, "Won"), ("张伟", 99.0, 46297.75, "Won"), ("李娜", 250.25, 46235.5, "Won"),
             ("李娜", 70.0, 46235.5, "Lost")], start=1):
        ws.write_row(r, 0, ["guid", "chk", 46200, f"T{r}", owner, revenue, serial, status])
    wb.close()
    write_csv(tmp_path / "odoo.csv", ["Opportunity", "Salesperson", "Sales Team", "Stage", "Expected Revenue",
                                      "Probability", "Expected Closing", "Closed Date", "Lost Reason", "Customer"],
              [{"Opportunity": "O1", "Salesperson": "Wang Fang", "Stage": "Won", "Expected Revenue": "3,000.00",
                "Closed Date": "2026-09-30 23:59:59"}], encoding="utf-8")
    (tmp_path / "roster.csv").write_text("manager_id,name,team\nAM001,张伟,A\nAM002,李娜,A\nAM003,Wang Fang,B\n",
                                         encoding="utf-8")
    rules = write_rules(tmp_path, """
[sources.dynamics]
files = ["dynamics.xlsx"]
owner = "Owner"
date = "Actual Close Date"

[sources.odoo]
files = ["odoo.csv"]
owner = "Salesperson"
date = "Closed Date"

[[rules]]
indicator = "Sales revenue"
source = "dynamics"
measure = "sum"
value = "Est. Revenue"
where = { "Status" = "won" }

[[rules]]
indicator = "Odoo revenue"
source = "odoo"
measure = "sum"
value = "Expected Revenue"
where = { "Stage" = "Won" }
""")
    result = collect(rules, tmp_path / "roster.csv", "2026Q3", lang="en")
    got = actuals(result)
    assert got[("AM001", "Sales revenue")] == (1000.5, 1)
    assert got[("AM002", "Sales revenue")] == (250.25, 1)
    assert got[("AM003", "Odoo revenue")] == (3000.0, 1)
    assert flat(result) == []
    assert source_counts(result, "dynamics.xlsx")["rows_out_of_period"] == 1


def test_salesforce_data_loader_ids_booleans_and_an_xlsm_export(tmp_path):
    """Data Loader: API names, 18-character owner ids mapped by aliases, IsWon as true/false;
    the same deals saved from Excel as .xlsm (macro-enabled) are read like .xlsx."""
    headers = ["Id", "OwnerId", "Amount", "CloseDate", "StageName", "IsWon", "IsClosed"]
    rows = [
        {"Id": "0061", "OwnerId": "0055g00000AbCdEAAV", "Amount": "1200.5", "CloseDate": "2026-07-03",
         "StageName": "Closed Won", "IsWon": "true", "IsClosed": "true"},
        {"Id": "0062", "OwnerId": "0055g00000AbCdEAAV", "Amount": "99", "CloseDate": "2026-07-04",
         "StageName": "Closed Lost", "IsWon": "false", "IsClosed": "true"},
        {"Id": "0063", "OwnerId": "0055g00000XyZwVAAV", "Amount": "300", "CloseDate": "2026-09-30",
         "StageName": "Closed Won", "IsWon": "TRUE", "IsClosed": "true"},
    ]
    write_csv(tmp_path / "opportunities.csv", headers, rows, encoding="utf-8")
    write_xlsx(tmp_path / "deals.xlsm", headers, [dict(r, OwnerId="AM003") for r in rows[:1]])
    rules = write_rules(tmp_path, """
[aliases]
"0055g00000AbCdEAAV" = "AM001"
"0055g00000xyzwvaav" = "AM002"

[sources.opportunities]
files = ["opportunities.csv", "deals.xlsm"]
owner = "OwnerId"
date = "CloseDate"
key = "Id"

[[rules]]
indicator = "Sales revenue"
source = "opportunities"
measure = "sum"
value = "Amount"
where = { "IsWon" = "true" }

[[rules]]
indicator = "Win rate"
source = "opportunities"
measure = "ratio"
where = { "IsClosed" = "true" }
numerator = { "StageName" = "Closed Won" }
""")
    result = collect(rules, roster(tmp_path / "roster.csv", MANAGERS), "2026Q3", lang="en")
    got = actuals(result)
    assert got[("AM001", "Sales revenue")] == (1200.5, 1)
    assert got[("AM002", "Sales revenue")] == (300.0, 1)
    assert got[("AM001", "Win rate")] == (0.5, 2)
    # the .xlsm repeats deal 0061 (key Id): counted once, credited to its first owner
    assert got[("AM003", "Sales revenue")] == (0.0, 0)
    assert flat(result) == [("", 0, "", "NO_ROWS"), ("deals.xlsm", 2, "Id", "DUPLICATE_ROW")]  # AM003's win rate
    assert got[("AM003", "Win rate")] == (None, 0)
