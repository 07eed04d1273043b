"""The default (portable) workbook as LibreOffice computes it, fresh and filled, and its cached values.

Workbooks are written the way users get them (`kpi new` defaults, a roster-made one, a
filled one of every size), then ONE LibreOffice run recalculates them all (its profile
forces a recalculation on load, so nothing passes by reading back what we wrote):

* a fresh workbook shows no error text anywhere, only blanks and the grey placeholder;
* a filled workbook's scores, totals and grade equal the engine to 1e-6;
* every formula cell's cached value (what viewers that do not recalculate show) equals what
  LibreOffice computes, in every sheet, add-in helper cells included (issue 12: the large
  template's deduction achievement).
"""

from __future__ import annotations

import math

import openpyxl
import pytest
from support.libreoffice import convert, requires_libreoffice
from support.paths import run_kpi
from support.template_structure import find_table

from addin.contract.standard import default_rows, default_settings
from udfs import engine
from workbook_templates.generator import write_template
from workbook_templates.roster_workbooks import write_roster

TOL = 1e-6
ERROR_STARTS = ("错误", "Error", "#")  # an error text, or a spreadsheet error (#VALUE!, #NAME?)
PLACEHOLDERS = ("待填写", "to fill")

# actuals (and blank targets) of a filled workbook, by indicator position of each size
FILLED = {
    "small": [(1100, 1000), (48, 45), (4.6, 4.5), (0.97, 0.95), (20, 24)],
    "medium": [(1100, 1000), (12, 10), (0.93, 0.9), (50, 45), (0.97, 0.95), (0.99, 0.98), (4.6, 4.5), (20, 24)],
    "large": [(1100, 1000), (12, 10), (0.93, 0.9), (50, 45), (0.97, 0.95), (0.99, 0.98), (4.6, 4.5), (20, 24),
              (3900, 4000), (1, 1), (1, 0)],
}
RATINGS = {"small": [("manager", 4)], "medium": [("self", 4.5), ("manager", 3.5)],
           "large": [("self", 4), ("peer", 3.5), ("manager", 4.2)]}


def _filled_rows(size: str) -> list[dict]:
    return [{"actual": a, "target": t} for a, t in FILLED[size]]


def _reviews(size: str) -> list[dict]:
    return [{"role": role, "reviewer": "R", "competency": "C", "rating": rating} for role, rating in RATINGS[size]]


def _formula_cells(path) -> dict[tuple[str, str], str]:
    """(sheet, cell) -> formula of every formula cell (tables' calculated columns included)."""
    wb = openpyxl.load_workbook(path)
    return {(ws.title, c.coordinate): c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if isinstance(c.value, str) and c.value.startswith("=")}


def _values(path) -> dict[tuple[str, str], object]:
    wb = openpyxl.load_workbook(path, data_only=True)
    return {(ws.title, c.coordinate): c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}


def _same(a, b) -> bool:
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=0, abs_tol=TOL)
    return a == b


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    """name -> (written path, {(sheet, cell): cached value}, {(sheet, cell): LibreOffice value}, formulas)."""
    root = tmp_path_factory.mktemp("default-mode")
    paths = {}
    for lang in ("zh", "en"):  # what `kpi new` gives without options (portable), fresh
        out = root / f"fresh_cli_{lang}.xlsx"
        result = run_kpi("new", "-o", out, "--lang", lang)
        assert result.returncode == 0, result.stderr
        paths[out.stem] = out
    roster = root / "roster.csv"
    roster.write_text("工号,姓名,直属上级,销售额目标,续约率\nAM001,张伟,李经理,1000,90%\n", encoding="utf-8-sig")
    (made,) = write_roster(roster, root / "roster", "medium", "zh").written
    paths["fresh_roster_zh"] = made
    for size in ("small", "medium", "large"):
        paths[f"fresh_{size}_en"] = write_template(root / f"fresh_{size}_en.xlsx", size, "en")
        for lang in ("zh", "en"):
            name = f"filled_{size}_{lang}"
            paths[name] = write_template(root / f"{name}.xlsx", size, lang, header={"manager_id": "AM001"},
                                         rows=_filled_rows(size), reviews=_reviews(size))
    names = list(paths)
    outputs = convert([paths[n] for n in names], root / "recalculated", "xlsx")
    return {n: (paths[n], _values(paths[n]), _values(out), _formula_cells(paths[n]))
            for n, out in zip(names, outputs)}


@requires_libreoffice
def test_a_fresh_workbook_shows_no_error_text(workbooks):
    fresh = [name for name in workbooks if name.startswith("fresh")]
    assert len(fresh) == 6
    for name in fresh:
        _, cached, computed, formulas = workbooks[name]
        for key in formulas:
            for value, who in ((computed.get(key), "LibreOffice"), (cached.get(key), "cached")):
                assert not (isinstance(value, str) and value.startswith(ERROR_STARTS)), (name, key, who, value)
        scores = [v for k, v in computed.items() if k in formulas and v in PLACEHOLDERS]
        assert scores, f"{name}: the placeholder shows where scores will be"


@requires_libreoffice
@pytest.mark.parametrize("size", ["small", "medium", "large"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_filled_workbook_equals_the_engine(workbooks, size, lang):
    path, _, computed, formulas = workbooks[f"filled_{size}_{lang}"]
    for key in formulas:
        value = computed.get(key)
        assert not (isinstance(value, str) and value.startswith(ERROR_STARTS + PLACEHOLDERS)), (key, value)
    wb = openpyxl.load_workbook(path)
    ws, table = find_table(wb, "tblKPI")
    header = [c.value for c in ws[table.ref][0]]
    score_col = header.index("得分" if lang == "zh" else "Score")
    cells = [row[score_col].coordinate for row in ws[table.ref][1:]]
    rows = default_rows(size, "en")
    settings = default_settings(size)
    expected = []
    for row, (actual, target) in zip(rows, FILLED[size]):
        param = settings["bands"] if row["method"] == "band" else row.get("param")
        expected.append(float(engine.kpi_score(actual, target, None, None, row["direction"], row["method"], param,
                                               settings["cap"])))
    for cell, score in zip(cells, expected):
        assert math.isclose(computed[(ws.title, cell)], score, abs_tol=TOL), (cell, computed[(ws.title, cell)], score)
    quant = float(engine.kpi_weighted(expected, [r["weight"] for r in rows]))
    ratings = RATINGS[size]
    qual = float(engine.kpi_review([r for _, r in ratings], [role for role, _ in ratings], settings["role_weights"]))
    final = float(engine.kpi_final(quant, qual, settings["quant_weight"]))
    vetoed = any(r.get("veto") in ("yes", "是") and s == 0 for r, s in zip(rows, expected))
    grade = engine.kpi_grade(final, settings["grades"], vetoed)
    names = {}
    for name in ("kpi_quant_score", "kpi_qual_score", "kpi_final_score", "kpi_grade"):
        sheet, ref = next(iter(wb.defined_names[name].destinations))
        names[name] = computed[(sheet, ref.replace("$", ""))]
    assert math.isclose(names["kpi_quant_score"], quant, abs_tol=TOL)
    assert math.isclose(names["kpi_qual_score"], qual, abs_tol=TOL)
    assert math.isclose(names["kpi_final_score"], final, abs_tol=TOL)
    assert names["kpi_grade"] == grade


@requires_libreoffice
def test_cached_values_agree_with_the_formulas_everywhere(workbooks):
    checked = 0
    for name, (_, cached, computed, formulas) in workbooks.items():
        for key in formulas:
            assert _same(cached.get(key), computed.get(key)), (name, key, formulas[key][:80], cached.get(key),
                                                                computed.get(key))
            checked += 1
    assert checked > 500


def test_the_default_workbook_keeps_its_cached_values(tmp_path):
    """No full recalculation on load: Excel keeps the right cached numbers until an input changes."""
    import zipfile

    path = write_template(tmp_path / "t.xlsx", "medium", "zh", rows=_filled_rows("medium"))
    workbook_xml = zipfile.ZipFile(path).read("xl/workbook.xml").decode()
    assert "<calcPr" in workbook_xml and "fullCalcOnLoad" not in workbook_xml
    assert "KPI_" not in "".join(str(f) for f in _formula_cells(path).values())  # portable: no add-in calls


@requires_libreoffice
def test_the_review_sheet_names_the_manager_and_period_when_printed_alone(workbooks, tmp_path):
    """Issue 10 §6: the header on every printed sheet. The review sheet's line under its legend is a
    formula over the header fields, so it names whoever is typed there later, not only roster values."""
    _, cached, computed, _ = workbooks["fresh_roster_zh"]
    assert computed[("评价", "A3")] == cached[("评价", "A3")] == "客户经理：AM001 张伟\u3000\u3000考核期间："
    _, cached, computed, _ = workbooks["fresh_cli_en"]
    assert computed[("Reviews", "A3")] in (None, "") and cached[("Reviews", "A3")] in (None, "")
    typed = tmp_path / "typed.xlsx"
    wb = openpyxl.load_workbook(workbooks["fresh_cli_zh"][0])
    for name, value in (("kpi_manager_id", "AM007"), ("kpi_manager_name", "王芳"), ("kpi_period", "2026Q3")):
        sheet, ref = next(iter(wb.defined_names[name].destinations))
        wb[sheet][ref.replace("$", "")].value = value
    wb.save(typed)
    (out,) = convert([typed], tmp_path / "out", "xlsx")
    assert _values(out)[("评价", "A3")] == "客户经理：AM007 王芳\u3000\u3000考核期间：2026Q3"
