"""CRM export files in the shapes of ../shared/crm-exports.md, written by the tests (no copied data).

Each writer takes rows as dicts keyed by the export's own headers; missing cells are blank.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import xlsxwriter

CORDYS_DEALS = ("商机名称|客户名称|业务编码|商机来源|金额|意向产品|结束时间|可能性|联系人|客户标签|备注信息|地区|负责人|部门|"
                "商机阶段|最新跟进人员|最新跟进时间|剩余归属|实际结束时间|失败原因|创建人|创建时间|更新人|更新时间").split("|")
CORDYS_PAYMENTS = "回款记录名称|回款编码|合同名称|回款计划|负责人|回款时间|回款金额|收款银行|收款银行账号".split("|")
WUKONG_DEALS = "商机名称|客户名称|商机金额|预计成交日期|备注|商机状态组|商机阶段|最后跟进时间|负责人|相关团队|所属部门|更新时间|创建时间|创建人".split("|")
WUKONG_FOLLOWUPS = "所属客户|跟进内容|跟进人|跟进时间|跟进方式|下次联系时间|相关联系人|相关商机".split("|")
WUKONG_VISITS = "回访编号|回访时间|回访人|回访形式|客户名称|联系人|合同编号|客户满意度|客户反馈".split("|")
RUOYI_CONTRACTS = "合同编号|合同名称|客户名称|负责人的用户编号|负责人名字|合同金额|下单日期|合同编号|结束状态".split("|")
SALES_RULES = """
[sources.deals]
files = ["deals.xlsx"]
owner = "负责人"
date = "实际结束时间"

[[rules]]
indicator = "销售额"
source = "deals"
measure = "sum"
value = "金额"
scale = 0.0001
"""
"""The smallest rules file: 销售额 (in 万元) = the sum of 金额 in deals.xlsx per 负责人, by 实际结束时间."""

SALESFORCE_DEALS = ("Territory Region,Opportunity Owner,Account Name,Opportunity Name,Stage,Forecast Category,"
                    "Total Amount Currency,Total Amount,Fiscal Period,Close Date,Type").split(",")
SALESFORCE_CASES = "Case Number,Case Owner,Subject,Type,Status,Date/Time Opened,Date/Time Closed".split(",")
HUBSPOT_DEALS = "Record ID,Deal Name,Deal Stage,Amount,Deal owner,Close Date,Last Activity Date".split(",")
SALESFORCE_FOOTER = ['"Grand Totals ({n} records)"', '"Confidential Information - Do Not Distribute"',
                     '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."']


def _cells(headers, row: dict) -> list:
    return [row.get(h, "") for h in headers]


def write_xlsx(path: Path, headers: list[str], rows: list[dict], sheet: str = "Sheet1", above: list[list] = (),
               date_format: str | None = None) -> Path:
    """An .xlsx export: optional rows above the header (title, notes), then the header and rows.

    Python ``datetime`` values are written as real Excel dates (with ``date_format``)."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    ws = wb.add_worksheet(sheet)
    fmt = wb.add_format({"num_format": date_format or "yyyy-mm-dd hh:mm:ss"})
    r = 0
    for line in above:
        ws.write_row(r, 0, line)
        r += 1
    ws.write_row(r, 0, headers)
    for row in rows:
        r += 1
        for c, value in enumerate(_cells(headers, row)):
            if hasattr(value, "year"):
                ws.write_datetime(r, c, value, fmt)
            elif value is None or value == "":
                continue
            else:
                ws.write(r, c, value)
    wb.close()
    return path


def csv_text(headers: list[str], rows: list[dict], delimiter: str = ",", footer: list[str] = ()) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(_cells(headers, row))
    text = out.getvalue()
    if footer:
        text += "\r\n" + "\r\n".join(footer) + "\r\n"
    return text


def write_csv(path: Path, headers: list[str], rows: list[dict], encoding: str = "utf-8-sig", delimiter: str = ",",
              footer: list[str] = ()) -> Path:
    """A CSV export in ``encoding`` (utf-8-sig, utf-8, gbk, gb18030, utf-16)."""
    path.write_bytes(csv_text(headers, rows, delimiter, footer).encode(encoding))
    return path


def salesforce_report(path: Path, rows: list[dict], headers=SALESFORCE_DEALS) -> Path:
    """A Salesforce report CSV: data, a blank line, Grand Totals, Confidential, Copyright."""
    footer = [line.format(n=len(rows)) for line in SALESFORCE_FOOTER]
    return write_csv(path, list(headers), rows, encoding="utf-8", footer=footer)


def roster(path: Path, managers: list[tuple[str, str, str]]) -> Path:
    """A roster CSV: (manager_id, name, team) per manager."""
    lines = ["客户经理编号,姓名,团队"] + [",".join(m) for m in managers]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


README_RULES = """\
timezone = "+08:00"

[sources.deals]
files = ["exports/商机*.xlsx"]
sheet = "导出数据"
owner = "负责人"
date = "实际结束时间"
key = "商机名称"

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
"""


def readme_example(folder: Path) -> None:
    """The files of the README's "Actuals from your CRM" example: a CordysCRM deals export, rules, a roster."""
    rows = [
        ("华东-001", "甲公司", "1,200,000.00", "张伟", "成功", "2026-07-03 10:00:00"),
        ("华东-002", "乙公司", "860,000.00", "张伟", "成功", "2026-08-15 16:20:00"),
        ("华东-003", "丙公司", "450,000.00", "张伟", "失败", "2026-08-20 09:00:00"),
        ("华东-004", "甲公司", "2,300,000.00", "李娜", "成功", "2026-09-30 23:59:59"),
        ("华东-005", "丁公司", "300,000.00", "李娜", "成功", "2026-10-01 00:00:01"),
        ("华北-001", "戊公司", "980,000.00", "王芳", "成功", "2026-07-21 11:00:00"),
        ("华北-002", "己公司", "120,000.00", "赵强", "成功", "2026-07-22 11:00:00"),
        ("华北-003", "庚公司", "待定", "王芳", "成功", "2026-08-02 15:00:00"),
    ]
    headers = CORDYS_DEALS
    data = [dict(zip(["商机名称", "客户名称", "金额", "负责人", "商机阶段", "实际结束时间"], row)) for row in rows]
    (folder / "exports").mkdir(parents=True, exist_ok=True)
    write_xlsx(folder / "exports" / "商机-2026Q3.xlsx", headers, data, sheet="导出数据")
    (folder / "rules.toml").write_text(README_RULES, encoding="utf-8")
    roster(folder / "roster.csv", [("AM001", "张伟", "华东一组"), ("AM002", "李娜", "华东一组"),
                                   ("AM003", "王芳", "华北一组")])
