"""Collected actuals downstream: `kpi new --roster --actuals` and `kpi consolidate --actuals`."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from support.crm_exports import SALES_RULES as RULES
from support.crm_exports import write_xlsx
from support.paths import run_kpi

from addin.collect.actuals_workbook import write_actuals_workbook
from addin.collect.collector import collect
from addin.consolidation.consolidate import consolidate
from addin.xlsx.reader import read_scorecard
from workbook_templates.generator import write_template


@pytest.fixture
def setup(tmp_path):
    rows = [{"负责人": "张伟", "金额": "12,000.00", "实际结束时间": "2026-07-03"},
            {"负责人": "李娜", "金额": "3,000", "实际结束时间": "2026-09-03"}]
    write_xlsx(tmp_path / "deals.xlsx", ["负责人", "金额", "实际结束时间"], rows)
    (tmp_path / "rules.toml").write_text(RULES, encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text("客户经理编号,姓名,团队,销售额\nAM001,张伟,华东,1\nAM002,李娜,华东,2\n", encoding="utf-8")
    result = collect(tmp_path / "rules.toml", roster, "2026Q3", lang="zh")
    return roster, write_actuals_workbook(result, tmp_path / "actuals.xlsx")


def test_new_fills_actuals_and_sources_at_creation(tmp_path, setup):
    roster, actuals = setup
    done = run_kpi("new", "--roster", roster, "--actuals", actuals, "--size", "small", "--period", "2026Q3",
                   "-o", tmp_path / "cards")
    assert done.returncode == 0, done.stderr
    cards = sorted((tmp_path / "cards").glob("*.xlsx"))
    got = {}
    for path in cards:
        card = read_scorecard(path)
        table = card.tables["tblKPI"]
        got[card.names["kpi_manager_id"].value] = (table.value(0, "target"), table.value(0, "actual"),
                                                   table.value(0, "source"))
    assert got["AM001"][:2] == (1, pytest.approx(1.2))
    assert got["AM002"][:2] == (2, pytest.approx(0.3))
    assert "deals.xlsx" in got["AM001"][2] and "1 行" in got["AM001"][2]


def test_consolidate_flags_actuals_that_differ_from_the_collected_ones(tmp_path, setup):
    _, actuals = setup
    for manager_id, actual in (("AM001", 1.2), ("AM002", 0.5)):
        write_template(tmp_path / "cards" / f"{manager_id}.xlsx", size="small", lang="zh",
                       header={"manager_id": manager_id, "period": "2026Q3"},
                       rows=[{"target": 1, "actual": actual}] + [{"target": 5, "actual": 4}] * 4)
    result = consolidate([tmp_path / "cards"], tmp_path / "team.xlsx", lang="en", actuals=actuals)
    flagged = [(f.file.rsplit("/", 1)[-1], f.cell, f.code) for f in result.findings
               if f.code == "ACTUAL_DIFFERS_FROM_SOURCE"]
    card = read_scorecard(tmp_path / "cards" / "AM002.xlsx")
    assert flagged == [("AM002.xlsx", card.tables["tblKPI"].cell(0, "actual"), "ACTUAL_DIFFERS_FROM_SOURCE")]
    message = next(f.message for f in result.findings if f.code == "ACTUAL_DIFFERS_FROM_SOURCE")
    assert "0.5 differs from the collected 0.3" in message
    book = load_workbook(tmp_path / "team.xlsx")
    ws = next(ws for ws in book.worksheets if "tblScores" in ws.tables)
    header = [c.value for c in ws[1]]
    at = header.index("actual")
    assert header[at:at + 3] == ["actual", "collected_actual", "collected_source"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    sales = {row[0]: row[at + 1] for row in rows if row[header.index("indicator")] == "销售额"}
    assert sales == {"AM001": pytest.approx(1.2), "AM002": pytest.approx(0.3)}
    done = run_kpi("consolidate", tmp_path / "cards", "-o", tmp_path / "team2.xlsx", "--actuals", actuals,
                   "--lang", "en", "--no-progress")
    assert done.returncode == 0, done.stderr
