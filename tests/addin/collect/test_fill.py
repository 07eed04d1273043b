"""`kpi fill`: actuals into copies of scorecards; nothing else in the workbook changes; inputs untouched."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from support.crm_exports import SALES_RULES, roster, write_xlsx
from support.libreoffice import convert, requires_libreoffice
from support.paths import run_kpi

from addin.collect.actuals_workbook import write_actuals_workbook
from addin.collect.collector import collect
from addin.collect.fill import CellPatch, fill_scorecards, patch_sheet
from addin.xlsx.reader import read_scorecard
from addin.xlsx.recalc import ask_to_recalculate
from udfs import kpi_score
from workbook_templates.generator import write_template

MANAGERS = [("AM001", "张伟", "华东"), ("AM002", "李娜", "华东")]
RULES = SALES_RULES + """
[[rules]]
indicator = "Customer visits"
source = "deals"
measure = "count"

[[rules]]
indicator = "客户满意度"
source = "deals"
measure = "mean"
value = "满意度"
"""


@pytest.fixture
def actuals(tmp_path) -> Path:
    rows = [{"负责人": "张伟", "金额": "12,000.00", "实际结束时间": "2026-07-03", "满意度": "4.5"},
            {"负责人": "张伟", "金额": "3,456.78", "实际结束时间": "2026-08-03"},
            {"负责人": "李娜", "金额": "1,000", "实际结束时间": "2026-09-03"}]
    write_xlsx(tmp_path / "deals.xlsx", ["负责人", "金额", "实际结束时间", "满意度"], rows)
    (tmp_path / "rules.toml").write_text(RULES, encoding="utf-8")
    result = collect(tmp_path / "rules.toml", roster(tmp_path / "roster.csv", MANAGERS), "2026Q3", lang="zh")
    return write_actuals_workbook(result, tmp_path / "actuals.xlsx")


def scorecard(path: Path, manager_id: str, lang: str = "zh", actual=None) -> Path:
    rows = [{"actual": actual, "target": 100}] if actual is not None else [{"target": 100}]
    return write_template(path, size="small", lang=lang, header={"manager_id": manager_id, "period": "2026Q3"},
                          rows=rows)


def _everything(path: Path) -> dict:
    """Cells, validations, protection, names, tables, merged cells, widths of a workbook (openpyxl's view)."""
    book = load_workbook(path)
    out = {"names": sorted((n, str(d.attr_text)) for n, d in book.defined_names.items()),
           "security": repr(book.security)}
    for ws in book.worksheets:
        out[ws.title] = {
            "cells": {c.coordinate: (c.value, c.style_id, c.number_format, c.protection.locked)
                      for row in ws.iter_rows() for c in row},
            "validations": sorted((str(dv.sqref), dv.type, dv.formula1, dv.formula2) for dv in ws.data_validations.dataValidation),
            "protection": (ws.protection.sheet, ws.protection.password, ws.protection.formatCells),
            "tables": sorted((t.name, t.ref, tuple(c.name for c in t.tableColumns)) for t in ws.tables.values()),
            "merged": sorted(str(m) for m in ws.merged_cells.ranges),
            "widths": {k: v.width for k, v in ws.column_dimensions.items()},
            "conditional": sorted(str(r.sqref) for r in ws.conditional_formatting),
        }
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_fill_changes_only_the_actual_and_source_cells(tmp_path, actuals, lang):
    card = scorecard(tmp_path / "cards" / "AM001.xlsx", "AM001", lang)
    before_bytes = card.read_bytes()
    report = fill_scorecards([tmp_path / "cards"], actuals, tmp_path / "out", lang=lang)
    assert card.read_bytes() == before_bytes  # the input is never modified
    out = tmp_path / "out" / "AM001.xlsx"
    assert report.outputs == [out] and not report.failed
    filled = read_scorecard(out)
    table = filled.tables["tblKPI"]
    values = {table.value(i, "indicator"): (table.value(i, "actual"), table.value(i, "source"))
              for i in range(len(table.rows))}
    sales = "销售额" if lang == "zh" else "Sales revenue"
    visits = "客户拜访次数" if lang == "zh" else "Customer visits"
    satisfaction = "客户满意度" if lang == "zh" else "Customer satisfaction"
    assert values[sales][0] == pytest.approx((12000 + 3456.78) * 0.0001)
    assert values[visits][0] == 2
    assert values[satisfaction][0] == 4.5
    assert "deals" in values[sales][1] and "deals.xlsx" in values[sales][1] and "2026-07-01..2026-09-30" in values[sales][1]
    changed = {table.cell(i, key) for i in range(len(table.rows)) for key in ("actual", "source")
               if table.value(i, "indicator") in (sales, visits, satisfaction)}
    a, b = _everything(card), _everything(out)
    sheet = table.sheet
    for key in a:
        if key != sheet:
            assert a[key] == b[key], key
    for part in ("validations", "protection", "tables", "merged", "widths", "conditional"):
        assert a[sheet][part] == b[sheet][part], part
    differing = {ref for ref in a[sheet]["cells"] if a[sheet]["cells"][ref] != b[sheet]["cells"].get(ref)}
    assert differing <= changed and len(changed) == 6
    assert all(a[sheet]["cells"][ref][1:] == b[sheet]["cells"][ref][1:] for ref in changed)  # styles kept
    with zipfile.ZipFile(card) as zin, zipfile.ZipFile(out) as zout:
        assert zin.namelist() == zout.namelist()
        for name in zin.namelist():
            if name == "xl/workbook.xml":  # asks for a recalculation: the cached results no longer fit
                assert zout.read(name) == ask_to_recalculate(zin.read(name)) != zin.read(name)
            elif name != "xl/worksheets/sheet1.xml":
                assert zin.read(name) == zout.read(name), name


def test_replaced_actuals_are_reported_and_existing_outputs_kept(tmp_path, actuals):
    scorecard(tmp_path / "cards" / "AM001.xlsx", "AM001", actual=9.9)
    scorecard(tmp_path / "cards" / "AM777.xlsx", "AM777")
    report = fill_scorecards([tmp_path / "cards"], actuals, tmp_path / "out", lang="en")
    replaced = [(f.code, f.cell) for f in report.findings]
    assert len(replaced) == 1 and replaced[0][0] == "ACTUAL_REPLACED"
    assert "9.9 replaced by the collected 1.545678" in report.findings[0].message
    assert any("AM777" in line and "skipped" in line for line in report.lines)
    done = run_kpi("fill", tmp_path / "cards", "--actuals", actuals, "-o", tmp_path / "out", "--lang", "en")
    assert done.returncode == 2 and "--force" in done.stderr
    done = run_kpi("fill", tmp_path / "cards", "--actuals", actuals, "-o", tmp_path / "out", "--force", "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "ACTUAL_REPLACED" in done.stdout and "1 actuals filled" not in done.stdout


def test_fill_refuses_to_write_onto_its_input(tmp_path, actuals):
    card = scorecard(tmp_path / "AM001.xlsx", "AM001")
    done = run_kpi("fill", card, "--actuals", actuals, "-o", tmp_path, "--force", "--lang", "en")
    assert done.returncode == 2 and "is one of the input files" in done.stderr


def test_patch_inserts_missing_cells_and_rows_in_order():
    xml = ('<worksheet><sheetData><row r="2"><c r="A2"/><c r="D2" s="3"><v>1</v></c></row><row r="5"/>'
           '</sheetData></worksheet>')
    out = patch_sheet(xml, [CellPatch("C2", number=2.5), CellPatch("D2", text="a<b"), CellPatch("B5", number=1.0),
                            CellPatch("A3", text=" x ")])
    assert out == ('<worksheet><sheetData><row r="2"><c r="A2"/><c r="C2"><v>2.5</v></c>'
                   '<c r="D2" s="3" t="inlineStr"><is><t>a&lt;b</t></is></c></row>'
                   '<row r="3"><c r="A3" t="inlineStr"><is><t xml:space="preserve"> x </t></is></c></row>'
                   '<row r="5"><c r="B5"><v>1.0</v></c></row></sheetData></worksheet>')



def test_patched_text_is_escaped_by_the_one_xml_text_writer():
    # a control character and a literal _xHHHH_ survive as Excel writes them (addin.xlsx.xml_text)
    xml = '<worksheet><sheetData><row r="2"><c r="D2"/></row></sheetData></worksheet>'
    out = patch_sheet(xml, [CellPatch("D2", text="a\x01b _x0041_ c\nd")])
    assert '<t xml:space="preserve">a_x0001_b _x005F_x0041_ c\nd</t>' in out

@requires_libreoffice
def test_a_filled_portable_scorecard_recalculates_with_the_new_actual(tmp_path, actuals):
    card = write_template(tmp_path / "cards" / "AM001.xlsx", size="small", lang="zh", mode="portable",
                          header={"manager_id": "AM001", "period": "2026Q3"}, rows=[{"target": 2}])
    fill_scorecards([card], actuals, tmp_path / "out", lang="zh")
    (recalculated,) = convert([tmp_path / "out" / "AM001.xlsx"], tmp_path / "lo", "xlsx")
    book = load_workbook(recalculated, data_only=True)
    table = read_scorecard(tmp_path / "out" / "AM001.xlsx").tables["tblKPI"]
    score_cell = table.cell(0, "score")
    value = book[table.sheet][score_cell].value
    assert value == pytest.approx(kpi_score((12000 + 3456.78) * 0.0001, 2), abs=1e-6)
