"""Settings tables: every bad number is a finding at its cell (never "unexpected content"),
grade bands must fall from S to D, SETTINGS_CHANGED names what it compares with."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from support.scorecards import DEFAULT_SETTINGS, post_edit, write_scorecard

from addin.validation.validate import validate_paths

# write_scorecard puts the settings tables side by side on the third sheet from A1:
# tblBands A:B, tblGrades D:E, tblQuotas G:H, tblBonus J:K, tblRoleWeights M:N (data from row 2).


def flat(report):
    return sorted((Path(f.file).name, f.sheet, f.cell, f.code) for f in report.findings)


def _settings_part(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return next(n for n in z.namelist() if n.startswith("xl/worksheets/sheet3"))


def test_grade_bands_out_of_order_are_refused_naming_the_cells(tmp_path):
    grades = [("S", 60), ("A", 95), ("B", 80), ("C", 110), ("D", 0)]
    write_scorecard(tmp_path / "grades.xlsx", settings={"tblGrades": grades})
    report = validate_paths([tmp_path], lang="en")
    assert flat(report) == [("grades.xlsx", "Settings", "E2", "INVALID_VALUE")]
    message = report.findings[0].message
    assert "E2" in message and "E3" in message and "master" not in message
    assert report.files[0].status == "rejected"  # 74.4 would have been an S


def test_equal_grade_minimums_are_refused(tmp_path):
    write_scorecard(tmp_path / "x.xlsx", settings={"tblGrades": [("S", 95), ("A", 95), ("B", 80), ("C", 60), ("D", 0)]})
    assert flat(validate_paths([tmp_path])) == [("x.xlsx", "Settings", "E2", "INVALID_VALUE")]


@pytest.mark.parametrize("text", [b"INF", b"1e999", b"-INF"])
def test_an_infinite_band_is_a_finding_at_its_cell(tmp_path, text):
    path = write_scorecard(tmp_path / "x.xlsx", settings={"tblBands": [(100, 100), (90, 81), (80, 60)]})
    post_edit(path, trust_cached=False, replace={_settings_part(path): [(rb"<v>81</v>", b"<v>" + text + b"</v>")]})
    report = validate_paths([tmp_path], lang="en")
    assert flat(report) == [("x.xlsx", "Settings", "B3", "INVALID_VALUE")]
    assert "finite" in report.findings[0].message


@pytest.mark.parametrize("bands,cell", [([(100, 100), (-10, 80), (80, 60)], "A3"),
                                        ([(100, 100), (90, -5), (80, 60)], "B3")])
def test_a_negative_band_is_a_finding_at_its_cell(tmp_path, bands, cell):
    write_scorecard(tmp_path / "x.xlsx", settings={"tblBands": bands})
    report = validate_paths([tmp_path], lang="zh")
    assert flat(report) == [("x.xlsx", "Settings", cell, "INVALID_VALUE")]
    assert "负数" in report.findings[0].message


@pytest.mark.parametrize("table,cell", [("tblQuotas", "H3"), ("tblBonus", "K3"), ("tblRoleWeights", "N3")])
def test_negative_shares_and_coefficients_are_findings(tmp_path, table, cell):
    values = [list(row) for row in DEFAULT_SETTINGS[table]]
    values[1][1] = -0.5
    write_scorecard(tmp_path / "x.xlsx", settings={table: [tuple(v) for v in values]})
    assert flat(validate_paths([tmp_path])) == [("x.xlsx", "Settings", cell, "INVALID_VALUE")]


def test_bands_the_engine_refuses_are_a_finding_not_a_crash(tmp_path):
    # a higher minimum with a lower score: the engine's complaint, at the table
    write_scorecard(tmp_path / "x.xlsx", settings={"tblBands": [(100, 60), (90, 80), (80, 100)]})
    report = validate_paths([tmp_path])
    assert [f.code for f in report.findings] == ["INVALID_VALUE"]
    assert report.findings[0].cell == "A2"


def test_a_garbage_settings_table_ref_is_a_finding(tmp_path):
    path = write_scorecard(tmp_path / "x.xlsx")
    with zipfile.ZipFile(path) as z:
        part = next(n for n in z.namelist() if n.startswith("xl/tables/") and b'name="tblBands"' in z.read(n))
    post_edit(path, trust_cached=False, replace={part: [(rb'ref="A1:B4"', b'ref="garbage"')]})
    report = validate_paths([tmp_path], lang="en")
    assert flat(report) == [("x.xlsx", "Settings", "", "INVALID_VALUE")]
    assert "garbage" in report.findings[0].message and "tblBands" in report.findings[0].message


def test_a_garbage_kpi_table_ref_is_not_a_scorecard_with_the_reason(tmp_path):
    path = write_scorecard(tmp_path / "x.xlsx")
    with zipfile.ZipFile(path) as z:
        part = next(n for n in z.namelist() if n.startswith("xl/tables/") and b'name="tblKPI"' in z.read(n))
    post_edit(path, trust_cached=False, replace={part: [(rb'ref="[A-Z0-9:]+"', b'ref="Z9:A1"')]})
    report = validate_paths([tmp_path], lang="en")
    assert flat(report) == [("x.xlsx", "", "", "NOT_A_SCORECARD")]
    assert "tblKPI" in report.files[0].reason and "Z9:A1" in report.files[0].reason


def test_settings_changed_without_a_master_names_the_defaults(tmp_path):
    write_scorecard(tmp_path / "x.xlsx", settings={"tblBonus": [("S", 2.0), ("A", 1.2), ("B", 1.0), ("C", 0.5), ("D", 0)]})
    for lang, master_word in (("en", "master"), ("zh", "主模板")):
        report = validate_paths([tmp_path], lang=lang)
        assert [f.code for f in report.findings] == ["SETTINGS_CHANGED"]
        assert master_word not in report.findings[0].message


def test_settings_changed_against_a_master_names_it(tmp_path):
    master = write_scorecard(tmp_path / "master.xlsx")
    (tmp_path / "in").mkdir()
    write_scorecard(tmp_path / "in" / "x.xlsx", settings={"tblBonus": [("S", 2.0), ("A", 1.2), ("B", 1.0), ("C", 0.5), ("D", 0)]})
    report = validate_paths([tmp_path / "in"], lang="en", master=master)
    assert "master template" in report.findings[0].message
