"""The standard assessment workbook (FORMAT.md): structure, people features, `kpi new`, rosters."""

from __future__ import annotations

import csv
import json
import os

import openpyxl
import pytest
from openpyxl.formula import Tokenizer
from support.paths import GOLDEN as GOLDEN_ROOT
from support.paths import kpi_env, run_kpi
from support.template_structure import find_table, structure

from addin.cli import main
from addin.contract.errors import RosterError
from addin.contract.schema import BANDS, BONUS, DEFINED_NAMES, GRADES, KPI, QUOTAS, REVIEW, ROLE_WEIGHTS, TEMPLATE_TAG
from addin.contract.standard import default_reviews, default_rows, default_settings
from udfs import engine
from udfs.enums import DIMENSION, DIRECTION, METHOD, ROLE, SIZE, TIER, VETO
from workbook_templates import formulas as F
from workbook_templates.generator import _refs, write_template
from workbook_templates.roster_workbooks import file_name, safe_filename, write_roster

GOLDEN = GOLDEN_ROOT / "templates"
COMBOS = [(s, l, m) for s in ("small", "medium", "large") for l in ("zh", "en") for m in ("addin", "portable")]
HEADER = {"manager_id": "AM001", "manager_name": "张伟", "team": "华东一组", "region": "华东",
          "period": "2026Q3", "reviewer": "李经理"}


def _name_cell(wb, name):
    sheet, ref = next(iter(wb.defined_names[name].destinations))
    return wb[sheet][ref.replace("$", "")]


def _column_cells(wb, table_name, header):
    ws, table = find_table(wb, table_name)
    rows = ws[table.ref]
    index = [c.value for c in rows[0]].index(header)
    return ws, [row[index] for row in rows[1:]]


def _validations_of(ws, coordinate):
    return [dv for dv in ws.data_validations.dataValidation if coordinate in dv.sqref]


# ----------------------------------------------------------------------------- golden structure

@pytest.mark.parametrize("size,lang,mode", COMBOS)
def test_structure_matches_golden(tmp_path, size, lang, mode):
    path = write_template(tmp_path / f"{size}-{lang}-{mode}.xlsx", size, lang, mode, header=HEADER)
    got = json.loads(json.dumps(structure(path), ensure_ascii=False, default=str))
    golden = GOLDEN / f"{size}-{lang}-{mode}.json"
    if os.environ.get("KPI_REGEN_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}: run with KPI_REGEN_GOLDEN=1 once, review, commit"
    expected = json.loads(golden.read_text(encoding="utf-8"))
    for key in expected:  # compare part by part for a readable failure
        assert got[key] == expected[key], f"{golden.name}: {key} differs (regenerate with KPI_REGEN_GOLDEN=1 if intended)"
    assert got == expected


@pytest.mark.parametrize("size,lang,mode", COMBOS)
def test_every_name_table_and_column_of_the_contract(tmp_path, size, lang, mode):
    path = write_template(tmp_path / "t.xlsx", size, lang, mode, header=HEADER)
    wb = openpyxl.load_workbook(path)
    for name in DEFINED_NAMES:
        destinations = list(wb.defined_names[name.name].destinations)
        assert len(destinations) == 1 and ":" not in destinations[0][1], name.name
    assert _name_cell(wb, "kpi_template").value == TEMPLATE_TAG
    assert _name_cell(wb, "kpi_size").value == (SIZE.label(size, "zh") if lang == "zh" else size)
    assert _name_cell(wb, "kpi_manager_id").value == "AM001"
    assert _name_cell(wb, "kpi_period").value == "2026Q3"
    assert _name_cell(wb, "kpi_quant_weight").value == 0.8
    for name in ("kpi_quant_score", "kpi_qual_score", "kpi_final_score", "kpi_grade"):
        assert str(_name_cell(wb, name).value).startswith("="), name
    settings_sheets = set()
    for table in (KPI, REVIEW, BANDS, GRADES, QUOTAS, BONUS, ROLE_WEIGHTS):
        ws, t = find_table(wb, table.name)
        headers = [c.name for c in t.tableColumns]
        for header in table.headers(lang):
            assert header in headers, (table.name, header)
        if table not in (KPI, REVIEW):
            settings_sheets.add(ws.title)
    assert len(settings_sheets) == 1
    assert wb.sheetnames[-1] == ("填写说明" if lang == "zh" else "Instructions")


def test_sizes_have_their_indicator_sets_and_reviews():
    for lang in ("zh", "en"):
        small, medium, large = (default_rows(s, lang) for s in ("small", "medium", "large"))
        assert len(small) == 5 and len(medium) == 8 and len(large) > 8
        for rows in (small, medium, large):
            assert abs(sum(r["weight"] for r in rows) - 1) < 1e-12
            assert all(r["target"] is None and r["actual"] is None for r in rows)
        assert [round(r["weight"] * 100) for r in small] == [40, 20, 20, 10, 10]
        assert {DIMENSION.parse(r["dimension"]) for r in medium} == set(DIMENSION.keys)
        assert {TIER.parse(r["tier"]) for r in large} == set(TIER.keys)
        assert {ROLE.parse(r["role"]) for r in default_reviews("small", lang)} == {"manager"}
        assert {ROLE.parse(r["role"]) for r in default_reviews("medium", lang)} == {"self", "manager"}
        assert {ROLE.parse(r["role"]) for r in default_reviews("large", lang)} == set(ROLE.keys)
    assert default_rows("small", "zh")[0]["direction"] == "越高越好"
    assert default_rows("small", "en")[4]["direction"] == "lower"
    settings = default_settings("large")
    assert settings["bands"] == [(100.0, 100.0), (90.0, 80.0), (80.0, 60.0)]
    assert dict(settings["role_weights"]) == {"self": 0.1, "peer": 0.3, "manager": 0.6}
    assert settings["quant_weight"] == 0.8 and settings["cap"] == 120.0
    default_rows("small", "zh")[0]["weight"] = 9  # a copy: the defaults stay intact
    assert default_rows("small", "zh")[0]["weight"] == 0.4


def test_rows_override_defaults_append_rows_and_translate_enums(tmp_path):
    rows = [{"target": 100, "actual": 92, "method": "band"}, {}, {"indicator": "Custom", "direction": "lower"}]
    rows += [{} for _ in range(5)] + [{"indicator": "Extra", "dimension": "process", "weight": 0, "target": 1,
                                      "actual": "n/a", "veto": True}]
    path = write_template(tmp_path / "t.xlsx", "medium", "zh", "portable", header=HEADER, rows=rows,
                          reviews=[{"role": "self", "reviewer": "张伟", "competency": "专业能力", "rating": 4}])
    wb = openpyxl.load_workbook(path)
    _, indicators = _column_cells(wb, "tblKPI", "指标")
    assert len(indicators) == 9
    assert indicators[0].value == "销售额" and indicators[2].value == "Custom" and indicators[8].value == "Extra"
    _, methods = _column_cells(wb, "tblKPI", "计分方式")
    assert methods[0].value == "分档"          # key written as the zh label
    _, directions = _column_cells(wb, "tblKPI", "方向")
    assert directions[2].value == "越低越好"
    _, vetoes = _column_cells(wb, "tblKPI", "否决项")
    assert vetoes[8].value == "是"
    _, actuals = _column_cells(wb, "tblKPI", "实际值")
    assert actuals[0].value == 92 and actuals[8].value == "n/a"  # text kept: the formula shows the error
    _, roles = _column_cells(wb, "tblReview", "角色")
    assert roles[0].value == "自评"
    assert _name_cell(wb, "kpi_manager_name").value == "张伟"
    with pytest.raises(ValueError, match="size"):
        write_template(tmp_path / "x.xlsx", "huge")


def test_cached_results_equal_the_engine(tmp_path):
    """Values stored with the formulas (what non-recalculating readers see) are the engine's."""
    targets = [(105, 100), (18, 20), (0.92, 0.9), (44, 40), (0.97, 0.95), (0.99, 0.98), (4.6, 4.5), (26, 24)]
    rows = [{"actual": a, "target": t} for a, t in targets]
    reviews = [{"role": "self", "rating": 4.5}, {"role": "上级", "rating": 3.5}]
    for mode in ("addin", "portable"):
        path = write_template(tmp_path / f"{mode}.xlsx", "medium", "zh", mode, header=HEADER, rows=rows,
                              reviews=reviews)
        wb = openpyxl.load_workbook(path, data_only=True)
        full = default_rows("medium", "en")
        scores = []
        for row, (a, t) in zip(full, targets):
            band = row["method"] == "band"
            scores.append(engine.kpi_score(a, t, None, None, row["direction"], row["method"],
                                           [list(b) for b in engine.DEFAULT_BANDS] if band else row["param"]))
        _, cells = _column_cells(wb, "tblKPI", "得分")
        assert [c.value for c in cells] == pytest.approx(scores)
        quant = engine.kpi_weighted(scores, [r["weight"] for r in full])
        qual = engine.kpi_review([4.5, 3.5], ["self", "manager"], dict(default_settings("medium")["role_weights"]))
        final = engine.kpi_final(quant, qual, 0.8)
        assert _name_cell(wb, "kpi_quant_score").value == pytest.approx(quant)
        assert _name_cell(wb, "kpi_qual_score").value == pytest.approx(qual)
        assert _name_cell(wb, "kpi_final_score").value == pytest.approx(final)
        assert _name_cell(wb, "kpi_grade").value == engine.kpi_grade(final)


# ----------------------------------------------------------------------------- formulas

FORBIDDEN = {"LET", "XLOOKUP", "FILTER", "SORT", "SORTBY", "UNIQUE", "LAMBDA", "IFS", "SWITCH", "MAXIFS",
             "MINIFS", "TEXTJOIN", "CONCAT", "XMATCH", "SEQUENCE"}
UDFS = {"KPI_SCORE", "KPI_WEIGHTED", "KPI_REVIEW", "KPI_FINAL", "KPI_GRADE"}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("mode", ["addin", "portable"])
def test_formulas_parse_and_avoid_functions_libreoffice_lacks(lang, mode):
    formulas = F.all_formulas(_refs(lang), mode)
    for key, text in formulas.items():
        assert text.startswith("="), key
        tokens = Tokenizer(text).items  # raises on unbalanced quotes
        depth, functions = 0, set()
        for token in tokens:
            if token.subtype == "OPEN":
                depth += 1
                if token.type == "FUNC":
                    functions.add(token.value[:-1].upper())
            elif token.subtype == "CLOSE":
                depth -= 1
            assert depth >= 0, key
        assert depth == 0, key
        assert len(text) < 8000, key  # Excel's formula length limit is 8192
        assert "[@" not in text, key
        if mode == "portable":
            assert not functions & (FORBIDDEN | UDFS), (key, functions & (FORBIDDEN | UDFS))


def test_addin_formulas_call_the_udfs_with_their_argument_order():
    formulas = F.all_formulas(_refs("en"), "addin")
    call = ("KPI_SCORE(tblKPI[[#This Row],[Actual]],tblKPI[[#This Row],[Effective target]],"
            "tblKPI[[#This Row],[Threshold]],tblKPI[[#This Row],[Stretch]],tblKPI[[#This Row],[Direction]],"
            "tblKPI[[#This Row],[Method]],IF(OR(TRIM(tblKPI[[#This Row],[Method]])=\"band\","
            "TRIM(tblKPI[[#This Row],[Method]])=\"分档\"),tblBands,tblKPI[[#This Row],[Parameter]]),cfg_cap)")
    # a blank target or actual shows the placeholder, never an error text or a 0 (the UDF scores it 0)
    assert formulas["score"] == (
        '=IF(tblKPI[[#This Row],[Effective target]]="","to fill",'
        f'IF(tblKPI[[#This Row],[Actual]]="",IF(ISNUMBER({call}),"to fill",{call}),{call}))')
    assert formulas["kpi_quant_score"] == \
        '=IF(COUNTIF(tblKPI[Score],"to fill")>0,"to fill",KPI_WEIGHTED(tblKPI[Score],tblKPI[Weight]))'
    assert formulas["kpi_qual_score"] == "=KPI_REVIEW(tblReview[Rating],tblReview[Role],tblRoleWeights)"
    assert formulas["kpi_final_score"] == \
        '=IF(kpi_quant_score="to fill","to fill",KPI_FINAL(kpi_quant_score,kpi_qual_score,kpi_quant_weight))'
    assert formulas["kpi_grade"].startswith('=IF(kpi_final_score="to fill","to fill",KPI_GRADE(kpi_final_score,tblGrades,')


# ----------------------------------------------------------------------------- made for people

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_validation_stops_words_in_number_cells_and_unknown_methods(tmp_path, lang):
    path = write_template(tmp_path / "t.xlsx", "large", lang, "portable", rows=[{"target": 100}])
    wb = openpyxl.load_workbook(path)
    def label(key):
        return (KPI.column(key).label(lang))
    for key in ("actual", "target", "threshold", "stretch", "adjusted_target", "param"):
        ws, cells = _column_cells(wb, "tblKPI", label(key))
        for cell in (cells[0], cells[-1]):
            dvs = _validations_of(ws, cell.coordinate)
            assert len(dvs) == 1, (key, cell.coordinate)
            dv = dvs[0]
            assert dv.type == "decimal" and dv.errorStyle in (None, "stop") and dv.showErrorMessage, key
            assert dv.prompt and dv.error, key
    ws, cells = _column_cells(wb, "tblKPI", label("weight"))
    dv = _validations_of(ws, cells[0].coordinate)[0]
    assert (dv.type, dv.operator or "between", float(dv.formula1), float(dv.formula2)) == ("decimal", "between", 0, 1)
    assert cells[0].number_format.endswith("%")
    for key, enum in (("method", METHOD), ("direction", DIRECTION), ("dimension", DIMENSION), ("tier", TIER),
                      ("veto", VETO)):
        ws, cells = _column_cells(wb, "tblKPI", label(key))
        dv = _validations_of(ws, cells[0].coordinate)[0]
        assert dv.type == "list" and dv.showErrorMessage and dv.errorStyle in (None, "stop")
        assert dv.formula1 == '"' + ",".join(enum.choices(lang)) + '"'
    ws, cells = _column_cells(wb, "tblReview", REVIEW.column("rating").label(lang))
    dv = _validations_of(ws, cells[0].coordinate)[0]
    assert (dv.type, float(dv.formula1), float(dv.formula2)) == ("decimal", 1, 5)
    ws, cells = _column_cells(wb, "tblReview", REVIEW.column("role").label(lang))
    assert _validations_of(ws, cells[0].coordinate)[0].formula1 == '"' + ",".join(ROLE.choices(lang)) + '"'
    zh_text = any("\u4e00" <= ch <= "\u9fff" for ch in dv.prompt + dv.error)
    assert zh_text == (lang == "zh")


def test_protection_without_password_and_locking(tmp_path):
    path = write_template(tmp_path / "t.xlsx", "medium", "zh", "portable", header=HEADER)
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        assert ws.protection.sheet and not ws.protection.password, ws.title
    ws, scores = _column_cells(wb, "tblKPI", "得分")
    _, actuals = _column_cells(wb, "tblKPI", "实际值")
    _, targets = _column_cells(wb, "tblKPI", "目标值")
    assert all(c.protection.locked for c in scores)
    assert not any(c.protection.locked for c in actuals + targets)
    assert not _name_cell(wb, "kpi_manager_id").protection.locked
    assert _name_cell(wb, "kpi_final_score").protection.locked
    assert _name_cell(wb, "kpi_template").protection.locked
    assert ws.freeze_panes is not None
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)  # 1 is the default
    assert ws.page_setup.fitToHeight == 0
    rules = {str(r.sqref): [x.type for x in rs] for r, rs in ws.conditional_formatting._cf_rules.items()}
    assert rules[f"{scores[0].column_letter}{scores[0].row}:{scores[-1].column_letter}{scores[-1].row}"][0] \
        == "colorScale"
    assert any("expression" in types for types in rules.values())  # weight total turns red when ≠ 100 %


def test_write_template_replaces_atomically(tmp_path):
    """Replacing a file (``force``) leaves no temporary file; the speed is in benchmarks/bench_templates.py."""
    write_template(tmp_path / "warm.xlsx", "medium", "zh", "addin")
    n = 3
    for i in range(n):
        write_template(tmp_path / "same.xlsx", "medium", "zh", "addin", header={"manager_id": f"AM{i:03}"},
                       force=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["same.xlsx", "warm.xlsx"]  # no temp files left
    wb = openpyxl.load_workbook(tmp_path / "same.xlsx")
    assert _name_cell(wb, "kpi_manager_id").value == f"AM{n - 1:03}"


# ----------------------------------------------------------------------------- kpi new

def test_kpi_new_every_variant(tmp_path, capsys):
    for size, lang, mode in COMBOS:
        out = tmp_path / f"{size}_{lang}_{mode}.xlsx"
        assert main(["new", "--size", size, "--lang", lang, "--mode", mode, "-o", str(out)]) == 0
        wb = openpyxl.load_workbook(out)
        assert _name_cell(wb, "kpi_size").value == (SIZE.label(size, "zh") if lang == "zh" else size)
        assert "tblKPI" in wb[wb.sheetnames[0]].tables
    assert "Wrote" in capsys.readouterr().out


def test_kpi_new_defaults_and_period(tmp_path):
    out = tmp_path / "default.xlsx"
    assert main(["new", "-o", str(out), "--period", "2026H2"]) == 0
    wb = openpyxl.load_workbook(out)
    assert _name_cell(wb, "kpi_size").value == "中型"
    assert wb.sheetnames[0] == "考核表"
    formula = _name_cell(wb, "kpi_quant_score").value
    assert formula.startswith("=") and "KPI_" not in formula  # portable by default: computes without the add-in
    assert _name_cell(wb, "kpi_period").value == "2026H2"


def test_kpi_new_command_line_end_to_end(tmp_path):
    out = tmp_path / "cli.xlsx"
    result = run_kpi("new", "--size", "small", "--lang", "en",
                             "--mode", "portable", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.exists() and "Wrote" in result.stdout
    bad = run_kpi("new", "-o", str(tmp_path / "x.txt"))
    assert bad.returncode == 2 and bad.stderr.startswith("错误：") and "Traceback" not in bad.stderr
    bad = run_kpi("new", "-o", str(tmp_path / "x.txt"), env=kpi_env(KPI_LANG="en"))
    assert bad.returncode == 2 and bad.stderr.startswith("Error:") and "Traceback" not in bad.stderr
    bad = run_kpi("new", "--size", "huge", "-o", str(out))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


# ----------------------------------------------------------------------------- rosters

def _csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_roster_csv_writes_one_prefilled_workbook_per_manager(tmp_path):
    roster = _csv(tmp_path / "roster.csv", [
        ["客户经理编号", "姓名", "团队", "区域", "考核人", "考核期间"],
        ["AM002", "王芳", "华东一组", "华东", "李经理", ""],
        ["AM001", "张伟", "华东一组", "华东", "李经理", "2026Q4"],
        ["", "", "", "", "", ""],
        ["AM010", "Li/Lei?", "华南:组", "华南", "", ""],
    ])
    paths = write_roster(roster, tmp_path / "out", "small", "zh", "portable", period="2026Q3").written
    names = [p.name for p in paths]
    assert names == ["2026Q3_华东一组_AM002_王芳.xlsx", "2026Q4_华东一组_AM001_张伟.xlsx",
                     "2026Q3_华南_组_AM010_Li_Lei_.xlsx"]
    wb = openpyxl.load_workbook(paths[1])
    assert _name_cell(wb, "kpi_manager_id").value == "AM001"
    assert _name_cell(wb, "kpi_manager_name").value == "张伟"
    assert _name_cell(wb, "kpi_reviewer").value == "李经理"
    assert _name_cell(wb, "kpi_period").value == "2026Q4"
    assert _name_cell(wb, "kpi_region").value == "华东"


def test_roster_xlsx_english_headers_any_order(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Team", "Name", "Manager ID", "Region", "Notes"])
    ws.append(["East 1", "Zhang Wei", 1001, "East", "x"])
    ws.append(["East 1", "Wang Fang", 1002, "East", "y"])
    wb.save(tmp_path / "roster.xlsx")
    out = tmp_path / "out"
    assert main(["new", "--roster", str(tmp_path / "roster.xlsx"), "-o", str(out), "--lang", "en",
                 "--period", "2026Q3"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["2026Q3_East 1_1001_Zhang Wei.xlsx",
                                                      "2026Q3_East 1_1002_Wang Fang.xlsx"]


def test_roster_with_missing_or_duplicate_ids_is_refused_naming_the_rows(tmp_path, capsys):
    roster = _csv(tmp_path / "bad.csv", [
        ["manager_id", "name"], ["AM001", "A"], ["", "B"], ["AM002", "C"], ["am001", "D"], ["", "E"]])
    with pytest.raises(RosterError) as info:
        write_roster(roster, tmp_path / "out", "medium", "zh", "addin")
    message = str(info.value)
    assert "bad.csv" in message and "rows 3, 6" in message and "AM001" in message and "rows 2 and 5" in message
    assert not (tmp_path / "out").exists()  # nothing written
    assert main(["new", "--roster", str(roster), "-o", str(tmp_path / "out"), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: bad.csv") and "Traceback" not in err


@pytest.mark.parametrize("content,expected", [
    ([["name", "team"], ["A", "B"]], "no manager id column"),
    ([["manager_id"]], "no managers"),
])
def test_roster_without_ids(tmp_path, content, expected):
    roster = _csv(tmp_path / "r.csv", content)
    with pytest.raises(RosterError, match=expected):
        write_roster(roster, tmp_path / "out", "medium", "zh", "addin")


def test_roster_unreadable_files(tmp_path):
    (tmp_path / "r.xlsx").write_bytes(b"not a zip")
    with pytest.raises(RosterError, match="r.xlsx: cannot read the roster"):
        write_roster(tmp_path / "r.xlsx", tmp_path / "out", "medium", "zh", "addin")
    with pytest.raises(RosterError, match="not found"):
        write_roster(tmp_path / "missing.csv", tmp_path / "out", "medium", "zh", "addin")
    (tmp_path / "r.txt").write_text("x")
    with pytest.raises(RosterError, match=".xlsx or .csv"):
        write_roster(tmp_path / "r.txt", tmp_path / "out", "medium", "zh", "addin")


def test_file_names_are_safe_on_windows():
    assert safe_filename('a<b>c:d"e/f\\g|h?i*j') == "a_b_c_d_e_f_g_h_i_j"
    assert safe_filename("CON") == "_CON" and safe_filename(" x. ") == "x"
    assert file_name({"manager_id": "AM1", "team": "", "manager_name": "张伟"}, "") == "AM1_张伟.xlsx"


# ----------------------------------------------------------------------------- fast path = reference build

def _all_cells(path, data_only):
    wb = openpyxl.load_workbook(path, data_only=data_only)
    return {(ws.title, c.coordinate): (c.value, c.number_format, c.protection.locked, c.font.b, c.fill.fgColor.rgb)
            for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.value is not None or c.has_style}


@pytest.mark.parametrize("size,lang,mode", [("small", "zh", "portable"), ("medium", "en", "addin"),
                                            ("large", "zh", "addin"), ("large", "en", "portable")])
def test_prebuilt_fast_path_writes_the_same_workbook_as_a_full_build(tmp_path, size, lang, mode):
    import numpy as np

    from workbook_templates.generator import _write_direct

    rows = [{"target": 100, "actual": 92.5, "method": "band", "comment": "  <b>&\"quoted\"  "},
            {"target": np.int64(20), "actual": np.float64(18), "direction": "越低越好", "veto": True},
            {"target": None, "actual": "n/a", "indicator": "=1+1", "unit": "line\nbreak\x01"},
            {"weight": 0.5, "threshold": 10, "stretch": 200, "target": 100, "actual": float("nan")}]
    rows += [{"target": 1, "actual": 1}] * 8 + [{"indicator": "extra", "weight": 0, "target": 3, "actual": 0}]
    reviews = [{"role": "self", "reviewer": "张伟", "competency": "专业能力", "rating": 4.5},
               {"role": "上级", "reviewer": "李经理", "competency": "团队协作", "rating": 3}]
    header = dict(HEADER, manager_id=1001, quant_weight=0.7, manager_name="A & B <c>\x02")
    for i, (r, v) in enumerate([(rows, reviews), (None, None), (rows[:2], [])]):
        locked = i == 1  # a roster-made workbook: the HR cells locked
        fast = write_template(tmp_path / f"fast{i}.xlsx", size, lang, mode, header=header, rows=r, reviews=v,
                              locked=locked)
        slow = _write_direct(tmp_path / f"slow{i}.xlsx", size, lang, mode, header=header, rows=r, reviews=v,
                             locked=locked)
        assert structure(fast) == structure(slow)
        for data_only in (False, True):
            a, b = _all_cells(fast, data_only), _all_cells(slow, data_only)
            assert a.keys() == b.keys()
            for key in a:
                if isinstance(a[key][0], float):
                    assert a[key][0] == pytest.approx(b[key][0], rel=1e-15), key
                    assert a[key][1:] == b[key][1:], key
                else:
                    assert a[key] == b[key], key


# ----------------------------------------------------------------------------- bad paths and rosters: messages, no tracebacks

_ROSTER = [["客户经理编号", "姓名", "团队", "区域", "考核人", "备用列"],
           ["AM001", "张伟", "华东一组", "华东", "李经理", "x"], ["AM002", "王芳", "华东一组", "华东", "李经理", "y"]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_roster_csv_in_the_encodings_excel_saves(tmp_path, encoding):
    """Chinese Excel's plain "CSV" is GBK; "CSV UTF-8" has a BOM; "Unicode text" is UTF-16."""
    roster = tmp_path / "roster.csv"
    with open(roster, "w", newline="", encoding=encoding) as handle:
        csv.writer(handle).writerows(_ROSTER)
    paths = write_roster(roster, tmp_path / "out", "small", "zh", "addin").written
    assert [p.name for p in paths] == ["华东一组_AM001_张伟.xlsx", "华东一组_AM002_王芳.xlsx"]
    assert _name_cell(openpyxl.load_workbook(paths[0]), "kpi_manager_name").value == "张伟"


def _run_kpi(capsys, *argv):
    """`kpi ARGV… --lang en` in this process: the tests read the English messages."""
    code = main([*argv, "--lang", "en"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


def test_kpi_new_output_paths_that_cannot_work_give_one_line_errors(tmp_path, capsys):
    code, out, _ = _run_kpi(capsys, "new", "-o", str(tmp_path / "new" / "dir" / "card.xlsx"))
    assert code == 0 and (tmp_path / "new" / "dir" / "card.xlsx").is_file()  # folders are created
    (tmp_path / "folder.xlsx").mkdir()
    code, _, err = _run_kpi(capsys, "new", "-o", str(tmp_path / "folder.xlsx"))
    assert code == 2 and "is a folder" in err
    (tmp_path / "file").write_text("x")
    code, _, err = _run_kpi(capsys, "new", "-o", str(tmp_path / "file" / "card.xlsx"))
    assert code == 2 and err.startswith("Error: cannot write") and "is a file, so no folder can be created" in err
    code, _, err = _run_kpi(capsys, "new", "-o", str(tmp_path / "card.txt"))
    assert code == 2 and ".xlsx" in err


def test_kpi_new_roster_problems_give_one_line_errors(tmp_path, capsys):
    roster = _csv(tmp_path / "roster.csv", _ROSTER)
    cases = {
        "missing.csv": "roster file not found",
        "old.xls": "legacy .xls rosters cannot be read",
        "empty.csv": "the roster is empty",
        "binary.csv": "cannot decode the CSV",
    }
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "binary.csv").write_bytes(b"\x81\x30\x81\xff\xff\xff")
    for name, message in cases.items():
        code, _, err = _run_kpi(capsys, "new", "--roster", str(tmp_path / name), "-o", str(tmp_path / "out"))
        assert code == 1 and err.startswith("Error: ") and name in err and message in err, err
    (tmp_path / "file").write_text("x")
    for output, message in ((tmp_path / "file", "is a file, not a folder"), (tmp_path / "file" / "sub", "is a file")):
        code, _, err = _run_kpi(capsys, "new", "--roster", str(roster), "-o", str(output))
        assert code == 2 and message in err, err
    (tmp_path / "out" / "华东一组_AM002_王芳.xlsx").mkdir(parents=True)  # a folder where a workbook goes
    code, _, err = _run_kpi(capsys, "new", "--roster", str(roster), "-o", str(tmp_path / "out"))
    assert code == 0, err  # never written over: the workbook goes beside it
    assert (tmp_path / "out" / "华东一组_AM002_王芳.xlsx").is_dir()
    assert (tmp_path / "out" / "华东一组_AM002_王芳_2.xlsx").is_file()
    code, out, _ = _run_kpi(capsys, "new", "--roster", str(roster), "-o", str(tmp_path / "ok"))
    assert code == 0 and out.startswith("Wrote 2 workbooks")
