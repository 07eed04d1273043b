"""Rosters as HR keeps them (issue 10 §5): header synonyms, title rows above the header,
target columns in every form, and columns that set nothing reported, never dropped silently."""

from __future__ import annotations

import openpyxl
import pytest
from support.paths import run_kpi

from addin.contract.errors import RosterError
from addin.roster.reader import HEADER_ROWS, load_roster, read_roster
from workbook_templates.roster_workbooks import write_roster


def _xlsx(path, rows):
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def _csv(path, rows):
    path.write_text("\n".join(",".join(map(str, r)) for r in rows) + "\n", encoding="utf-8-sig")
    return path


def test_the_roster_of_the_issue_is_read_whole(tmp_path):
    """工号, 姓名, 部门, 区域, 直属上级, 销售额目标: team, reviewer and target all arrive."""
    roster = _xlsx(tmp_path / "r.xlsx", [["工号", "姓名", "部门", "区域", "直属上级", "销售额目标"],
                                         ["AM001", "张伟", "华东一组", "华东", "李经理", 1000]])
    (row,) = read_roster(roster, "medium")
    assert row == {"row": 2, "manager_id": "AM001", "manager_name": "张伟", "team": "华东一组", "region": "华东",
                   "reviewer": "李经理", "period": "", "targets": {0: 1000.0}}


@pytest.mark.parametrize("headers, field", [
    (("工号", "员工编号", "编号", "客户经理编号", "manager_id", "Employee ID"), "manager_id"),
    (("姓名", "员工姓名", "name"), "manager_name"),
    (("部门", "小组", "团队", "team", "Department"), "team"),
    (("大区", "区域", "region"), "region"),
    (("直属上级", "上级", "主管", "考核人", "reviewer"), "reviewer"),
])
def test_header_synonyms(tmp_path, headers, field):
    for i, header in enumerate(headers):
        columns = ["工号", header] if field != "manager_id" else [header]
        values = ["AM001", "x"] if field != "manager_id" else ["AM001"]
        roster = load_roster(_csv(tmp_path / f"r{i}.csv", [columns, values]))
        assert getattr(roster.managers[0], field) == values[-1], header
        assert roster.ignored == []


@pytest.mark.parametrize("header", ["销售额", "销售额目标", "Sales revenue", "Sales revenue target", "目标：销售额",
                                    "目标:销售额", "target: Sales revenue", "TARGET: sales revenue", " 销售额 目标 "])
def test_target_column_forms(tmp_path, header):
    roster = _csv(tmp_path / "r.csv", [["工号", header], ["AM001", "1200"]])
    assert read_roster(roster, "small")[0]["targets"] == {0: 1200.0}


def test_title_and_note_rows_above_the_header(tmp_path):
    rows = [["2026年第三季度客户经理考核名单"], ["说明：目标单位为万元", None, None], [],
            ["工号", "姓名", "销售额目标"], ["AM001", "张伟", 1000], ["AM002", "王芳", 800]]
    roster = load_roster(_xlsx(tmp_path / "r.xlsx", rows), "small")
    assert roster.header_row == 4
    assert [(m.row, m.manager_id, m.targets) for m in roster.managers] == [(5, "AM001", {2: 1000.0}),
                                                                            (6, "AM002", {2: 800.0})]
    assert roster.id_cell(roster.managers[1]) == "A6"
    csv_roster = _csv(tmp_path / "r.csv", [["名单"], ["工号", "姓名"], ["AM001", "张伟"]])
    assert [r["row"] for r in read_roster(csv_roster)] == [3]


def test_the_header_must_be_within_the_first_rows(tmp_path):
    rows = [["note"]] * HEADER_ROWS + [["工号"], ["AM001"]]
    with pytest.raises(RosterError) as info:
        read_roster(_xlsx(tmp_path / "r.xlsx", rows))
    assert "first 10 rows" in str(info.value) and "前 10 行" in info.value.render("zh")


def test_columns_that_set_nothing_are_reported(tmp_path):
    roster = load_roster(_csv(tmp_path / "r.csv", [["工号", "姓名", "手机", "员工姓名", "", "备注"],
                                                   ["AM001", "张伟", "138", "张伟", "", "x"]]), "small")
    assert [(c.header, c.letter, c.reason) for c in roster.ignored] == [
        ("手机", "C", "unknown"), ("员工姓名", "D", "repeated"), ("备注", "F", "unknown")]


def test_kpi_new_warns_about_each_column_it_did_not_use(tmp_path):
    roster = _csv(tmp_path / "r.csv", [["工号", "姓名", "手机"], ["AM001", "张伟", "138"]])
    for lang, text in (("en", "Warning: r.csv: column '手机' (C) is neither a roster field nor an indicator's "
                              "target; it was not used"),
                       ("zh", "警告：r.csv：列 '手机'（C）不是已知的花名册列或指标目标，未使用")):
        result = run_kpi("new", "--roster", roster, "-o", tmp_path / f"out-{lang}", "--lang", lang)
        assert result.returncode == 0, result.stderr
        assert text in result.stdout.splitlines()


def test_roster_problems_render_in_both_languages(tmp_path):
    roster = _csv(tmp_path / "r.csv", [["工号", "销售额"], ["AM001", "abc"], ["", "5"], ["am001", "3"]])
    with pytest.raises(RosterError) as info:
        write_roster(roster, tmp_path / "out", "small", "zh")
    en, zh = info.value.render("en"), info.value.render("zh")
    assert en == ("r.csv: missing manager id in row 3; duplicate manager id AM001 / am001 (rows 2 and 4); "
                  "column '销售额' (B): not a number in row 2 ('abc'). Nothing was written.")
    assert zh == ("r.csv：第 3 行缺少客户经理编号；客户经理编号重复：AM001 / am001（第 2 行和第 4 行）；"
                  "列 '销售额'（B）：第 2 行（'abc'）不是数字。未写入任何内容。")
    assert not (tmp_path / "out").exists()
