"""A rules workbook whose cells are written the way COLLECT.md's TOML writes the fields loads into
the same rules as the TOML itself (a reader of the contract may copy them cell by cell)."""

from __future__ import annotations

import pytest
import xlsxwriter

from addin.collect.rules import load_rules, parse_filter, parse_list, parse_map

TOML = """\
timezone = "+08:00"

[sources.deals]
files = ["exports/商机*.xlsx", "exports/old/*.csv"]
sheet = "导出数据"
owner = "负责人"
date = "实际结束时间"
key = "商机编号"

[[rules]]
indicator = "销售额"
source = "deals"
measure = "sum"
value = "金额"
where = { "商机阶段" = ["成功", "赢单"] }
where_not = { "类型" = ["续约"] }
scale = 0.0001

[[rules]]
indicator = "客户满意度"
source = "deals"
measure = "mean"
value = "满意度"
map = { "很满意" = 5, "满意" = 4 }
"""


def _workbook(path, sources: list[list], rules: list[list]) -> None:
    wb = xlsxwriter.Workbook(str(path))
    for sheet, name, rows in (("Sources", "tblSources", sources), ("Rules", "tblRules", rules)):
        ws = wb.add_worksheet(sheet)
        for r, row in enumerate(rows[1:], start=1):
            ws.write_row(r, 0, row)
        ws.add_table(0, 0, len(rows) - 1, len(rows[0]) - 1,
                     {"name": name, "columns": [{"header": h} for h in rows[0]]})
    settings = wb.add_worksheet("Settings")
    settings.write_row(1, 0, ["timezone", "+08:00"])
    settings.add_table(0, 0, 1, 1, {"name": "tblSettings", "columns": [{"header": "setting"}, {"header": "value"}]})
    wb.close()


@pytest.mark.parametrize("form", ["toml", "plain", "json"])
def test_rules_workbook_cells_in_the_toml_plain_or_json_form(tmp_path, form):
    toml = tmp_path / "rules.toml"
    toml.write_text(TOML, encoding="utf-8")
    files, where, where_not, mapping = {
        "toml": ('["exports/商机*.xlsx", "exports/old/*.csv"]', '{ "商机阶段" = ["成功", "赢单"] }',
                 '{ "类型" = "续约" }', '{ "很满意" = 5, "满意" = 4 }'),
        "plain": ("exports/商机*.xlsx|exports/old/*.csv", "商机阶段 = 成功|赢单", "“类型” = 续约", "很满意=5; 满意=4"),
        "json": ('["exports/商机*.xlsx", "exports/old/*.csv"]', '{"商机阶段": ["成功", "赢单"]}', '{"类型": "续约"}',
                 '{"很满意": 5, "满意": 4}'),
    }[form]
    book = tmp_path / "rules.xlsx"
    quoted = (lambda text: f'"{text}"') if form == "toml" else (lambda text: text)  # copied from the TOML
    _workbook(book, [["source", "files", "sheet", "owner", "date", "key"],
                     ["deals", files, quoted("导出数据"), quoted("负责人"), "实际结束时间", "商机编号"]],
              [["indicator", "source", "measure", "value", "where", "where_not", "map", "scale"],
               [quoted("销售额"), "deals", quoted("sum"), quoted("金额"), where, where_not, "", 0.0001],
               ["客户满意度", "deals", "mean", "满意度", "", "", mapping, ""]])
    assert load_rules(book).model_dump() == load_rules(toml).model_dump()


def test_cell_forms_parse_to_the_same_values():
    assert parse_filter('{ "商机阶段" = ["成功", "赢单"] }') == parse_filter("商机阶段 = 成功|赢单") == {
        "商机阶段": ["成功", "赢单"]}
    assert parse_filter('"结束状态" = 1') == {"结束状态": ["1"]}
    assert parse_map('{ "很满意" = 5 }') == {"很满意": 5}
    assert parse_list('["a.csv"]') == parse_list("a.csv") == ["a.csv"]
    with pytest.raises(ValueError):
        parse_filter('{ "商机阶段" = ')
    with pytest.raises(ValueError):
        parse_filter('["成功"]')
