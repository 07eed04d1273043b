"""The ribbon button 从CRM导入实际值: one open scorecard's actuals through the library of `kpi collect`."""

from __future__ import annotations

import pytest
from support.crm_exports import SALES_RULES as RULES
from support.crm_exports import write_xlsx

from addin.collect.scorecard_import import import_into_scorecard
from addin.contract.errors import UsageError
from addin.excel.ribbon import BUTTONS, HANDLERS
from addin.xlsx.reader import read_scorecard
from workbook_templates.generator import write_template


def test_the_open_scorecard_gets_its_managers_actuals_for_its_period(tmp_path):
    rows = [{"负责人": "张伟", "金额": "12,000.00", "实际结束时间": "2026-07-03"},
            {"负责人": "张伟", "金额": "5,000.00", "实际结束时间": "2026-10-03"},
            {"负责人": "李娜", "金额": "3,000", "实际结束时间": "2026-09-03"},
            {"负责人": "谁", "金额": "1", "实际结束时间": "2026-09-03"}]
    write_xlsx(tmp_path / "deals.xlsx", ["负责人", "金额", "实际结束时间"], rows)
    (tmp_path / "rules.toml").write_text(RULES, encoding="utf-8")
    card = write_template(tmp_path / "card.xlsx", size="small", lang="zh",
                          header={"manager_id": "AM001", "manager_name": "张伟", "period": "2026Q3"},
                          rows=[{"actual": 9}])
    plan = import_into_scorecard(card, tmp_path / "rules.toml", "zh")
    table = read_scorecard(card).tables["tblKPI"]
    assert [(p.ref, p.number) for p in plan.patches if p.number is not None] == [(table.cell(0, "actual"), 1.2)]
    assert [p.ref for p in plan.patches if p.text] == [table.cell(0, "source")]
    assert plan.filled == 1 and plan.sheet == table.sheet
    assert sorted(f.code for f in plan.findings) == ["ACTUAL_REPLACED", "UNMATCHED_OWNER", "UNMATCHED_OWNER"]


def test_a_scorecard_without_a_period_is_refused(tmp_path):
    (tmp_path / "rules.toml").write_text(RULES, encoding="utf-8")
    card = write_template(tmp_path / "card.xlsx", size="small", lang="en", header={"manager_id": "AM001"})
    with pytest.raises(UsageError) as caught:
        import_into_scorecard(card, tmp_path / "rules.toml", "en")
    assert "fill in the manager id and the period" in caught.value.render("en")


def test_the_ribbon_has_the_button_and_it_asks_for_the_rules_file():
    button = next(b for b in BUTTONS if b.id == "kpiImportActuals")
    assert button.asks == "file" and HANDLERS["kpiImportActuals"] is button.handler
    assert button.label("zh") == "从CRM导入实际值" and button.label("en") == "Import actuals from CRM"
