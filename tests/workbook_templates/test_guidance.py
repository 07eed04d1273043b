"""Scorecards that guide the person filling them (issue 10 §6, issue 12 template items).

Percent indicators shown as %, one highlight colour for what the manager fills, HR cells
locked in roster-made workbooks, no error text before anything is typed, localised labels,
the header on every printed page, formatting allowed on protected sheets, and add-in cells
whose live ``#KPI!`` texts are highlighted like the cached ones.
"""

from __future__ import annotations

import openpyxl
import pytest
from support.template_structure import find_table

from addin.contract.schema import KPI, REVIEW
from addin.contract.standard import default_rows
from workbook_templates.generator import MANAGER_KEYS, PERCENT_KEYS, write_template

HEADER = {"manager_id": "AM001", "manager_name": "张伟", "period": "2026Q3", "reviewer": "李经理"}


def _table(wb, name: str, lang: str, table_keys):
    """{key: [cells]} of a table's columns."""
    ws, table = find_table(wb, name)
    rows = ws[table.ref]
    headers = [c.value for c in rows[0]]
    out = {}
    for column in table_keys:
        label = column.label(lang)
        if label in headers:
            out[column.key] = [row[headers.index(label)] for row in rows[1:]]
    return ws, out


def _name_cell(wb, name):
    sheet, ref = next(iter(wb.defined_names[name].destinations))
    return wb[sheet][ref.replace("$", "")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_percent_indicators_show_targets_and_actuals_as_percent(tmp_path, lang):
    wb = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", "medium", lang))
    _, cols = _table(wb, "tblKPI", lang, KPI.columns)
    percent_rows = [r["unit"] == "%" for r in default_rows("medium", "en")]
    assert any(percent_rows) and not all(percent_rows)
    for key in PERCENT_KEYS:
        for cell, percent in zip(cols[key], percent_rows):
            assert cell.number_format.endswith("%") == percent, (key, cell.coordinate, cell.number_format)
    assert all(c.number_format.endswith("%") for c in cols["weight"])
    assert not any(c.number_format.endswith("%") for c in cols["param"])


def _fill(cell) -> str:
    return (cell.fill.fgColor.rgb or "")[-6:] if cell.fill and cell.fill.fill_type else ""


def test_roster_made_workbooks_lock_what_hr_sets(tmp_path):
    path = write_template(tmp_path / "t.xlsx", "large", "zh", header=HEADER, rows=[{"target": 1000}], locked=True)
    wb = openpyxl.load_workbook(path)
    _, kpi = _table(wb, "tblKPI", "zh", KPI.columns)
    unlocked_kpi = {key for key, cells in kpi.items() if not any(c.protection.locked for c in cells)}
    assert unlocked_kpi == set(MANAGER_KEYS) == {"actual", "adjust_reason", "comment"}
    for key, cells in kpi.items():
        if key not in MANAGER_KEYS:
            assert all(c.protection.locked for c in cells), key
    for name in ("kpi_manager_id", "kpi_manager_name", "kpi_team", "kpi_period", "kpi_reviewer", "kpi_quant_weight"):
        assert _name_cell(wb, name).protection.locked, name
    _, reviews = _table(wb, "tblReview", "zh", REVIEW.columns)
    assert all(not c.protection.locked for cells in reviews.values() for c in cells)
    every_unlocked = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row
                      if not c.protection.locked and c.has_style]
    assert {c.parent.title for c in every_unlocked} == {"考核表", "评价"}  # settings: all locked
    assert {_fill(c) for c in every_unlocked} == {"FFF2CC"}  # one highlight colour
    for ws in wb.worksheets:
        assert ws.protection.sheet and not ws.protection.password


def test_a_blank_template_leaves_hr_cells_open_and_marks_the_managers_in_colour(tmp_path):
    wb = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", "small", "en"))
    _, kpi = _table(wb, "tblKPI", "en", KPI.columns)
    for key in ("target", "weight", "method"):
        assert not any(c.protection.locked for c in kpi[key]) and {_fill(c) for c in kpi[key]} == {"FFFFFF"}
    for key in MANAGER_KEYS:
        assert {_fill(c) for c in kpi[key]} == {"FFF2CC"}
    for key in ("score", "weighted"):
        assert all(c.protection.locked for c in kpi[key])


@pytest.mark.parametrize("lang, todo", [("zh", "待填写"), ("en", "to fill")])
def test_a_fresh_template_caches_the_placeholder_not_an_error(tmp_path, lang, todo):
    wb = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", "large", lang), data_only=True)
    _, kpi = _table(wb, "tblKPI", lang, KPI.columns)
    assert [c.value for c in kpi["score"]] == [todo] * len(kpi["score"])
    assert {c.value for c in kpi["weighted"]} == {None}
    for name in ("kpi_quant_score", "kpi_final_score", "kpi_grade"):
        assert _name_cell(wb, name).value == todo
    assert _name_cell(wb, "kpi_qual_score").value is None
    texts = [c.value for ws in wb.worksheets if ws.title not in ("填写说明", "Instructions")
             for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [t for t in texts if t.startswith(("错误", "Error"))]


def test_a_target_without_an_actual_shows_the_placeholder_and_a_wrong_target_an_error(tmp_path):
    rows = [{"target": 1000}, {"target": 0, "actual": 5}, {"target": 0}]
    wb = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", "medium", "en", rows=rows), data_only=True)
    _, kpi = _table(wb, "tblKPI", "en", KPI.columns)
    assert [c.value for c in kpi["score"][:3]] == ["to fill", "Error: target<=0", "Error: target<=0"]
    assert _name_cell(wb, "kpi_quant_score").value == "Error: see scores"  # errors before the placeholder


def test_labels_are_localised(tmp_path):
    wb = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", "large", "zh"))
    assert _name_cell(wb, "kpi_size").value == "大型"
    wb = openpyxl.load_workbook(write_template(tmp_path / "e.xlsx", "large", "en"))
    assert _name_cell(wb, "kpi_size").value == "large"


@pytest.mark.parametrize("locked", [False, True])
def test_every_printed_sheet_carries_the_header(tmp_path, locked):
    header = dict(HEADER, manager_name="Li & Wang")
    wb = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", "medium", "zh", header=header, locked=locked))
    for ws in wb.worksheets:
        assert ws.oddHeader.left.text == "AM001 Li && Wang", ws.title  # && prints one &
        assert ws.oddHeader.right.text == "2026Q3"
        assert ws.oddHeader.center.text == "客户经理绩效考核表"
        assert "&P" in (ws.oddFooter.center.text or "")


def test_protected_sheets_allow_formatting_cells(tmp_path):
    for mode in ("portable", "addin"):
        wb = openpyxl.load_workbook(write_template(tmp_path / f"{mode}.xlsx", "small", "en", mode))
        for ws in wb.worksheets:
            assert ws.protection.sheet and ws.protection.formatCells is False, (mode, ws.title)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_addin_mode_highlights_the_live_kpi_texts_too(tmp_path, lang):
    def begins_with(path):
        wb = openpyxl.load_workbook(path)
        ws, table = find_table(wb, "tblKPI")
        return {rule.text for rules in ws.conditional_formatting._cf_rules.values() for rule in rules
                if rule.type == "beginsWith"}

    start = "错误" if lang == "zh" else "Error"
    assert begins_with(write_template(tmp_path / "a.xlsx", "small", lang, "addin")) == {start, "#KPI!"}
    assert begins_with(write_template(tmp_path / "p.xlsx", "small", lang, "portable")) == {start}


def test_percent_points_typed_in_a_percent_actual_turn_red(tmp_path):
    wb = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", "medium", "zh"))
    ws, kpi = _table(wb, "tblKPI", "zh", KPI.columns)
    actual = kpi["actual"]
    rules = {str(r.sqref): [x.formula[0] for x in rs if x.type == "expression"]
             for r, rs in ws.conditional_formatting._cf_rules.items()}
    (formula,) = rules[f"{actual[0].coordinate}:{actual[-1].coordinate}"]
    unit = kpi["unit"][0].coordinate
    assert f'${unit}="%"' in formula and ">=2" in formula and "<=1.5" in formula


def test_write_template_never_replaces_a_file_unless_asked(tmp_path):
    from addin.contract.errors import UsageError

    path = tmp_path / "mine.xlsx"
    path.write_bytes(b"a user's work")
    with pytest.raises(UsageError, match="already exists"):
        write_template(path)
    assert path.read_bytes() == b"a user's work"
    write_template(path, force=True)
    assert path.read_bytes().startswith(b"PK")
