"""Per-manager targets from the roster (`kpi new --roster`): target columns, number parsing,
errors before anything is written, and workbooks that then validate without blank targets."""

from __future__ import annotations

import csv

import openpyxl
import pytest

from addin.cli import main
from addin.contract.errors import RosterError
from addin.contract.standard import default_rows
from addin.demo.team import set_cell
from addin.roster.reader import parse_target, read_roster
from addin.validation.validate import validate_paths
from addin.xlsx.reader import read_scorecard
from workbook_templates.roster_workbooks import write_roster


def _csv(path, rows, encoding="utf-8-sig"):
    with open(path, "w", newline="", encoding=encoding) as handle:
        csv.writer(handle).writerows(rows)
    return path


def _xlsx(path, rows, percent_cells=()):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for ref in percent_cells:
        ws[ref].number_format = "0%"
    wb.save(path)
    return path


def _kpi(path):
    """{indicator: (target, score)} of a written workbook, read by the project's reader."""
    card = read_scorecard(path)
    assert card.ok, card.reason
    table = card.tables["tblKPI"]
    return {table.value(i, "indicator"): (table.value(i, "target"), table.value(i, "score"))
            for i in range(len(table.rows))}


def _openpyxl_targets(path):
    """Target cells of tblKPI read with openpyxl (header text -> column), indicator -> value."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        if "tblKPI" in ws.tables:
            ref = ws.tables["tblKPI"].ref
            rows = list(ws[ref])
            headers = [c.value for c in rows[0]]
            ind = next(i for i, h in enumerate(headers) if h in ("指标", "Indicator"))
            tgt = next(i for i, h in enumerate(headers) if h in ("目标值", "Target"))
            return {r[ind].value: r[tgt].value for r in rows[1:]}
    raise AssertionError("no tblKPI")


# ----------------------------------------------------------------------------- targets land in tblKPI

def test_xlsx_roster_with_zh_headers_sets_each_managers_targets(tmp_path):
    roster = _xlsx(tmp_path / "roster.xlsx", [
        ["客户经理编号", "姓名", "销售额", "目标：续约率", "目标: 客户拜访次数", "  投诉处理时长 ", "备注"],
        ["AM001", "张伟", 1200, 0.95, 60, 24, "x"],
        ["AM002", "王芳", 800.5, None, 55, 36, None],
    ], percent_cells=("D2",))
    paths = write_roster(roster, tmp_path / "out", "medium", "zh", "portable", period="2026Q3").written
    first, second = (_kpi(p) for p in paths)
    assert first["销售额"][0] == 1200 and first["续约率"][0] == pytest.approx(0.95)
    assert first["客户拜访次数"][0] == 60 and first["投诉处理时长"][0] == 24
    assert second["销售额"][0] == 800.5 and second["续约率"][0] is None  # blank cell: left blank
    assert second["客户拜访次数"][0] == 55 and second["投诉处理时长"][0] == 36
    for card in (first, second):  # no column for these: blank as before
        assert card["新增客户数"][0] is None and card["客户满意度"][0] is None
    assert _openpyxl_targets(paths[0]) == {r["indicator"]: t for r, t in zip(
        default_rows("medium", "zh"), (1200, None, 0.95, 60, None, None, None, 24))}
    # the default row's other fields are kept
    card = read_scorecard(paths[0]).tables["tblKPI"]
    for i, row in enumerate(default_rows("medium", "zh")):
        for key in ("indicator", "unit", "weight", "direction", "method", "source"):
            assert card.value(i, key) == row[key], (i, key)


def test_gbk_csv_roster_with_en_headers_and_text_numbers(tmp_path):
    roster = _csv(tmp_path / "roster.csv", [
        ["Manager ID", "Name", "TARGET: sales revenue", "renewal rate", "target:Follow-up timeliness",
         "客户拜访次数", "Notes", "Foo"],
        ["AM001", "张伟", "1,200", "95%", " 90 % ", "60", "x", "y"],
        ["AM002", "王芳", " 1,234.5 ", "0.9", "", "５５", "", ""],
    ], encoding="gbk")
    out = tmp_path / "out"
    assert main(["new", "--roster", str(roster), "-o", str(out), "--lang", "en", "--period", "2026Q3"]) == 0
    cards = {p.name: _kpi(p) for p in out.iterdir()}
    first, second = cards["2026Q3_AM001_张伟.xlsx"], cards["2026Q3_AM002_王芳.xlsx"]
    assert first["Sales revenue"][0] == 1200 and first["Renewal rate"][0] == pytest.approx(0.95)
    assert first["Follow-up timeliness"][0] == pytest.approx(0.9) and first["Customer visits"][0] == 60
    assert second["Sales revenue"][0] == 1234.5 and second["Renewal rate"][0] == pytest.approx(0.9)
    assert second["Follow-up timeliness"][0] is None and second["Customer visits"][0] == 55  # full-width digits


def test_cached_scores_reflect_the_targets(tmp_path):
    """Until the actual is typed, a row caches the placeholder its formula shows (never an error text)."""
    roster = _csv(tmp_path / "r.csv", [["manager_id", "Sales revenue"], ["AM001", "500"]])
    for mode in ("addin", "portable"):
        (path,) = write_roster(roster, tmp_path / mode, "small", "en", mode).written
        card = _kpi(path)
        assert card["Sales revenue"] == (500, "to fill")
        assert card["Customer visits"] == (None, "to fill")


def test_deduction_target_may_be_zero(tmp_path):
    roster = _csv(tmp_path / "r.csv", [["manager_id", "合规违规次数", "团队销售达成"], ["AM001", "0", "4,000"],
                                       ["AM002", "2", ""]])
    paths = write_roster(roster, tmp_path / "out", "large", "zh", "addin").written
    assert _kpi(paths[0])["合规违规次数"][0] == 0 and _kpi(paths[0])["团队销售达成"][0] == 4000
    assert _kpi(paths[1])["合规违规次数"][0] == 2 and _kpi(paths[1])["团队销售达成"][0] is None


def test_without_target_columns_nothing_changes(tmp_path):
    roster = _csv(tmp_path / "r.csv", [["manager_id", "notes", "target"], ["AM001", "x", "5"]])
    rows = read_roster(roster, "medium")
    assert rows[0]["targets"] == {}
    (path,) = write_roster(roster, tmp_path / "out", "medium", "zh", "addin").written
    assert all(target is None for target, _ in _kpi(path).values())
    assert "targets" not in read_roster(roster)[0]  # without a size no targets are read


def test_roster_team_filled_with_actuals_validates_without_missing_targets(tmp_path):
    actuals = {"Sales revenue": 450, "Customer visits": 60, "Customer satisfaction": 4.3,
               "Follow-up timeliness": 0.97, "Complaint handling time": 20}
    roster = _csv(tmp_path / "roster.csv", [
        ["manager_id", "name", "team", "Sales revenue", "target: Customer visits", "目标：客户满意度",
         "Follow-up timeliness", "complaint handling time"],
        ["AM001", "Zhang Wei", "East", "500", "60", "4.5", "95%", "24"],
        ["AM002", "Wang Fang", "East", "400", "50", "4.5", "95%", "24"],
    ])
    bare = _csv(tmp_path / "bare.csv", [["manager_id"], ["AM003"]])
    team = tmp_path / "team"
    paths = write_roster(roster, team, "small", "en", "portable", period="2026Q3").written
    paths += write_roster(bare, tmp_path / "bare", "small", "en", "portable", period="2026Q3").written
    for path in paths:
        table = read_scorecard(path).tables["tblKPI"]
        for i in range(len(table.rows)):
            set_cell(path, table.sheet, table.cell(i, "actual"), actuals[table.value(i, "indicator")])
    report = validate_paths([team, tmp_path / "bare"], period="2026Q3")
    by_file = {}
    for f in report.findings:
        by_file.setdefault(f.file.replace("\\", "/").rsplit("/", 1)[-1], []).append(f.code)
    assert all("MISSING_FIELD" not in by_file.get(p.name, []) for p in paths[:2]), by_file
    assert "MISSING_FIELD" in by_file[paths[2].name]  # the same team without targets: blank targets
    scored = {e.manager.manager_id: e.manager for e in report.files if e.manager is not None}
    assert scored["AM001"].quant == pytest.approx(
        0.4 * 90 + 0.2 * 100 + 0.2 * 80 + 0.1 * 100 + 0.1 * (2 - 20 / 24) * 100)


# ----------------------------------------------------------------------------- errors: named, nothing written

def _refused(tmp_path, rows, size="medium", name="bad.csv"):
    roster = _csv(tmp_path / name, rows)
    with pytest.raises(RosterError) as info:
        write_roster(roster, tmp_path / "out", size, "zh", "addin")
    assert not (tmp_path / "out").exists()  # nothing written
    message = str(info.value)
    assert message.startswith(name + ": ") and message.endswith("Nothing was written.")
    return message


def test_bad_target_cells_are_collected_in_one_message(tmp_path):
    message = _refused(tmp_path, [
        ["manager_id", "销售额", "Renewal rate", "target: Complaint handling time", "新增客户数"],
        ["AM001", "abc", "95%", "24", "5%"],
        ["AM002", "0", "0", "-3", "1,2"],
        ["", "-10", "x%", "nan", "inf"],
        ["AM001", "100", "0.9", "24", "20"],
    ])
    assert "missing manager id in row 4" in message and "duplicate manager id AM001 (rows 2 and 5)" in message
    assert ("column '销售额' (B): not a number in row 2 ('abc'), "
            "must be > 0 (achievement is actual ÷ target) in rows 3 ('0'), 4 ('-10')") in message
    assert ("column 'Renewal rate' (C): must be > 0 (achievement is actual ÷ target) in row 3 ('0'), "
            "not a number in row 4 ('x%')") in message
    assert "column 'target: Complaint handling time' (D): must be > 0" in message and "row 3 ('-3')" in message
    assert "row 4 ('nan')" in message
    assert ("column '新增客户数' (E): a percentage, but this indicator is not measured in % in row 2 ('5%'), "
            "not a number in rows 3 ('1,2'), 4 ('inf')") in message


def test_percent_points_for_a_percent_indicator_are_refused_with_the_fix(tmp_path):
    """续约率 90 meant 90 %: as a number it would be a target of 9000 %, so the roster is refused
    with the way to write it; 90%, 0.9 and 1.5 (150 %) pass, and 90 for a non-% indicator too."""
    message = _refused(tmp_path, [["manager_id", "续约率", "Follow-up timeliness target", "客户拜访次数"],
                                  ["AM001", "90", "95%", "90"], ["AM002", "0.9", 95, "90"],
                                  ["AM003", "1.5", "150%", "90"]])
    assert ("column '续约率' (B): percent points, but this indicator is measured in % (write 90% or 0.9, not 90) "
            "in row 2 ('90')") in message
    assert "column 'Follow-up timeliness target' (C): percent points" in message and "row 3 ('95')" in message
    assert "客户拜访次数" not in message and "row 4" not in message and not (tmp_path / "out").exists()


def test_negative_deduction_target_is_refused(tmp_path):
    message = _refused(tmp_path, [["manager_id", "Compliance incidents"], ["AM001", "0"], ["AM002", "-1"]],
                       size="large")
    assert "column 'Compliance incidents' (B): must be ≥ 0" in message and "row 3 ('-1')" in message


def test_target_column_naming_no_indicator_lists_the_indicators(tmp_path):
    message = _refused(tmp_path, [["manager_id", "target: Foo", "目标：销售额", "Notes"], ["AM001", "1", "2", "x"]],
                       size="small")
    assert "target column 'target: Foo' (B) names no indicator of the small template" in message
    for zh, en in zip(default_rows("small", "zh"), default_rows("small", "en")):
        assert f"{zh['indicator']} / {en['indicator']}" in message
    assert "Notes" not in message  # unknown columns without the prefix stay ignored


def test_indicator_of_another_size_is_not_silently_dropped(tmp_path):
    message = _refused(tmp_path, [["manager_id", "销售额", "续约率"], ["AM001", "500", "0.9"]], size="small")
    assert "'续约率' (C) (an indicator of the medium/large template)" in message
    assert "no indicator of the small template" in message


def test_two_columns_for_one_indicator_are_refused(tmp_path):
    message = _refused(tmp_path, [["manager_id", "销售额", "target: Sales revenue"], ["AM001", "500", "600"]])
    assert "column '销售额' (B) and column 'target: Sales revenue' (C) both set the target of 销售额" in message


def test_kpi_new_reports_bad_targets_as_one_error_line(tmp_path, capsys):
    roster = _xlsx(tmp_path / "r.xlsx", [["客户经理编号", "销售额"], ["AM001", "很多"], ["AM002", True]])
    assert main(["new", "--roster", str(roster), "-o", str(tmp_path / "out"), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: r.xlsx: column '销售额' (B): not a number in rows 2 ('很多'), 3 ('True')")
    assert "Traceback" not in err and err.count("\n") == 1 and not (tmp_path / "out").exists()


def test_help_mentions_target_columns(capsys):
    with pytest.raises(SystemExit):
        main(["new", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "target: Sales revenue" in text and "95%" in text


# ----------------------------------------------------------------------------- parse_target

@pytest.mark.parametrize("value,percent,expected", [
    (None, False, (None, None)), ("", False, (None, None)), ("  ", True, (None, None)),
    (1200, False, (1200.0, None)), (0.95, True, (0.95, None)), ("1,200", False, (1200.0, None)),
    ("1,234,567.5", False, (1234567.5, None)), ("95%", True, (0.95, None)), ("12.5 %", True, (0.125, None)),
    ("９５％", True, (0.95, None)), ("1，200", False, (1200.0, None)), ("+3", False, (3.0, None)),
    ("1e3", False, (1000.0, None)), (".5", False, (0.5, None)), ("-2", False, (-2.0, None)),
    ("95%", False, (None, "percent")), ("1,2", False, (None, "number")), ("12,00", False, (None, "number")),
    ("abc", False, (None, "number")), ("nan", False, (None, "number")), ("inf", True, (None, "number")),
    (float("nan"), False, (None, "number")), (True, False, (None, "number")), ("%", True, (None, "number")),
    ("1 200", False, (None, "number")), ("¥100", False, (None, "number")),
])
def test_parse_target(value, percent, expected):
    assert parse_target(value, percent) == expected
