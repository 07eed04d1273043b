"""One small fixture per finding code of FORMAT.md, named after it.

Each test writes its fixture(s) with tests/fixtures/build.py (tables and
defined names only, as FORMAT.md describes) and asserts the flattened
(file, cell, code) list the validator gives: the exact cells, nothing more.

Fixture layout (see build.py): header names in B1:B9 (template B1, manager id B3,
period B7), result cells E1:E4 (final score E3); tblKPI header on row 12, data
rows 13-17 (weight E, target J, adjusted target L, actual N, score Q); tblReview on
the reviews sheet from A1 (rating column D, data from row 2); settings tables from
A1 (tblQuotas data from G2).
"""

from __future__ import annotations

import copy
import importlib.util
import inspect
import sys
import zipfile
from pathlib import Path

import pytest
from support.scorecards import DEFAULT_ROWS, post_edit, set_saved, write_scorecard

from addin.validation.validate import check_scorecard, validate_paths
from addin.xlsx.reader import read_scorecard


def flat(report, folder: Path):
    return sorted((Path(f.file).name, f.cell, f.code) for f in report.findings)


def rows(changes=None):
    """DEFAULT_ROWS with {(index, key): value} changes."""
    changes = changes or {}
    out = copy.deepcopy(DEFAULT_ROWS)
    for (index, key), value in changes.items():
        out[index][key] = value
    return out


def test_clean_fixture_has_no_findings(tmp_path):
    write_scorecard(tmp_path / "clean.xlsx")
    report = validate_paths([tmp_path])
    assert flat(report, tmp_path) == []
    entry = report.files[0]
    assert entry.status == "merged"
    # recomputed, not read: sales 90, visits 100, satisfaction band 94.4% -> 80, follow-up 100,
    # complaint time lower 20/24 -> (2 - 0.8333) * 100 = 116.67; the small template weighs reviews
    # manager 1.0 / self 0, so Qual = 20 * mean(4, 3.5) = 75
    m = entry.manager
    assert m.quant == pytest.approx(0.4 * 90 + 0.2 * 100 + 0.2 * 80 + 0.1 * 100 + 0.1 * (2 - 20 / 24) * 100)
    assert m.qual == pytest.approx(75.0)
    assert m.final == pytest.approx(0.8 * m.quant + 0.2 * 75.0)


def test_file_unreadable(tmp_path):
    (tmp_path / "file-unreadable.xlsx").write_bytes(b"\x00garbage" * 100)
    assert flat(validate_paths([tmp_path]), tmp_path) == [("file-unreadable.xlsx", "", "FILE_UNREADABLE")]


def test_not_a_scorecard(tmp_path):
    import xlsxwriter
    wb = xlsxwriter.Workbook(str(tmp_path / "not-a-scorecard.xlsx"))
    wb.add_worksheet().write("A1", "hello")
    wb.close()
    report = validate_paths([tmp_path])
    assert flat(report, tmp_path) == [("not-a-scorecard.xlsx", "", "NOT_A_SCORECARD")]
    assert "tblKPI" in report.files[0].reason


def test_template_version(tmp_path):
    write_scorecard(tmp_path / "template-version.xlsx", header={"template": "kpi-assessment/0"})
    assert flat(validate_paths([tmp_path]), tmp_path) == [("template-version.xlsx", "B1", "TEMPLATE_VERSION")]


def test_missing_field(tmp_path):
    write_scorecard(tmp_path / "missing-field.xlsx", header={"manager_id": None})
    report = validate_paths([tmp_path])
    assert flat(report, tmp_path) == [("missing-field.xlsx", "B3", "MISSING_FIELD")]
    assert report.files[0].status == "rejected"


def test_missing_column_is_missing_field(tmp_path):
    write_scorecard(tmp_path / "missing-column.xlsx", drop_columns=("actual",))
    report = validate_paths([tmp_path])
    assert flat(report, tmp_path) == [("missing-column.xlsx", "A12", "MISSING_FIELD")]
    assert "tblKPI" in report.findings[0].message


def test_weights_not_100(tmp_path):
    write_scorecard(tmp_path / "weights-95.xlsx", rows=rows({(0, "weight"): 0.35}))
    report = validate_paths([tmp_path])
    assert flat(report, tmp_path) == [("weights-95.xlsx", "E12", "WEIGHTS_NOT_100")]
    assert "95%" in report.findings[0].message
    assert report.files[0].status == "rejected"


def test_weights_in_percent_points_are_fine(tmp_path):
    percent = rows({(i, "weight"): w for i, w in enumerate((40, 20, 20, 10, 10))})
    write_scorecard(tmp_path / "weights-percent.xlsx", rows=percent)
    assert flat(validate_paths([tmp_path]), tmp_path) == []


def test_non_numeric(tmp_path):
    write_scorecard(tmp_path / "non-numeric.xlsx", rows=rows({(0, "actual"): "about 90"}))
    report = validate_paths([tmp_path])
    assert flat(report, tmp_path) == [("non-numeric.xlsx", "N13", "NON_NUMERIC")]
    assert report.findings[0].row == 13


def test_missing_actual(tmp_path):
    write_scorecard(tmp_path / "missing-actual.xlsx", rows=rows({(1, "actual"): None}))
    report = validate_paths([tmp_path])
    assert flat(report, tmp_path) == [("missing-actual.xlsx", "N14", "MISSING_ACTUAL")]
    entry = report.files[0]
    assert entry.status == "merged"  # a blank actual scores 0 (SCORING.md §2)
    assert entry.manager.indicators[1].score == 0


def test_invalid_value(tmp_path):
    write_scorecard(tmp_path / "invalid-value.xlsx", rows=rows({(0, "method"): "magic", (1, "target"): 0}))
    write_scorecard(tmp_path / "invalid-rating.xlsx", header={"manager_id": "AM002"},
                    reviews=[{"role": "manager", "reviewer": "Boss Li", "competency": "Teamwork", "rating": 6}])
    assert flat(validate_paths([tmp_path]), tmp_path) == [
        ("invalid-rating.xlsx", "D2", "INVALID_VALUE"),
        ("invalid-value.xlsx", "G13", "INVALID_VALUE"),
    ]
    # once the method is fixed the zero target is reported by the engine
    (tmp_path / "invalid-rating.xlsx").unlink()
    write_scorecard(tmp_path / "invalid-value.xlsx", rows=rows({(1, "target"): 0}))
    assert flat(validate_paths([tmp_path]), tmp_path) == [("invalid-value.xlsx", "J14", "INVALID_VALUE")]


def test_duplicate_manager(tmp_path):
    """The most recently saved file of a manager is kept (workbook saved time, then file time, then path)."""
    set_saved(write_scorecard(tmp_path / "a.xlsx"), "2026-07-03T10:00:00Z")
    set_saved(write_scorecard(tmp_path / "duplicate-manager.xlsx", rows=rows({(0, "actual"): 95})),
              "2026-07-01T09:00:00Z")
    report = validate_paths([tmp_path], lang="en")
    assert flat(report, tmp_path) == [("duplicate-manager.xlsx", "B3", "DUPLICATE_MANAGER")]
    assert [e.status for e in report.files] == ["merged", "rejected"]
    message = report.findings[0].message
    assert message == ("manager AM001 is in this file and in a.xlsx; a.xlsx was kept, as the more recently saved "
                       "(saved 2026-07-03 10:00:00 UTC; this file: saved 2026-07-01 09:00:00 UTC), and this file "
                       "was not used")


@pytest.mark.parametrize("saved_a, saved_b, mtime_a, mtime_b, kept", [
    ("2026-07-03T10:00:00Z", "2026-07-03T10:00:01Z", 2000, 1000, "b"),  # the workbook's saved time first
    ("2026-07-03T18:00:00+08:00", "2026-07-03T10:00:01Z", 1000, 2000, "b"),  # time zones compared
    ("2026-07-03T10:00:00Z", "2026-07-03T10:00:00Z", 1000, 2000, "b"),  # same saved time: the file time
    (None, "2026-07-03T10:00:00Z", 2000, 1000, "a"),  # one says nothing: the file time
    ("2026-07-03T10:00:00Z", "2026-07-03T10:00:00Z", 1000, 1000, "b"),  # all equal: the later path
])
def test_duplicate_manager_keeps_the_most_recently_saved(tmp_path, saved_a, saved_b, mtime_a, mtime_b, kept):
    set_saved(write_scorecard(tmp_path / "a.xlsx"), saved_a, mtime_a)
    set_saved(write_scorecard(tmp_path / "b.xlsx", rows=rows({(0, "actual"): 95})), saved_b, mtime_b)
    report = validate_paths([tmp_path], lang="en")
    loser = "a" if kept == "b" else "b"
    assert flat(report, tmp_path) == [(f"{loser}.xlsx", "B3", "DUPLICATE_MANAGER")]
    assert {Path(e.path).stem: e.status for e in report.files} == {kept: "merged", loser: "rejected"}
    assert f"{kept}.xlsx was kept" in report.findings[0].message


def test_a_newer_broken_file_wins_over_an_older_good_one(tmp_path):
    """The newest submission counts even when it cannot be scored: the manager is rejected, not
    scored on a file they replaced."""
    set_saved(write_scorecard(tmp_path / "old.xlsx"), "2026-07-01T09:00:00Z")
    set_saved(write_scorecard(tmp_path / "new.xlsx", rows=rows({(0, "weight"): 0.5})), "2026-07-02T09:00:00Z")
    report = validate_paths([tmp_path], lang="en")
    assert flat(report, tmp_path) == [("new.xlsx", "E12", "WEIGHTS_NOT_100"), ("old.xlsx", "B3", "DUPLICATE_MANAGER")]
    assert [e.status for e in report.files] == ["rejected", "rejected"]


def test_identical_files_are_duplicates_not_findings(tmp_path):
    write_scorecard(tmp_path / "a.xlsx")
    (tmp_path / "b-copy.xlsx").write_bytes((tmp_path / "a.xlsx").read_bytes())
    report = validate_paths([tmp_path])
    assert flat(report, tmp_path) == []
    assert [e.status for e in report.files] == ["merged", "duplicate"]
    assert "a.xlsx" in report.files[1].reason


def test_period_mismatch(tmp_path):
    write_scorecard(tmp_path / "period-mismatch.xlsx", header={"period": "2026Q2"})
    report = validate_paths([tmp_path], period="2026Q3")
    assert flat(report, tmp_path) == [("period-mismatch.xlsx", "B7", "PERIOD_MISMATCH")]


def test_settings_changed(tmp_path):
    quotas = [("S", 0.2), ("A", 0.2), ("B", 0.4), ("C", 0.15), ("D", 0.05)]
    write_scorecard(tmp_path / "settings-changed.xlsx", settings={"tblQuotas": quotas})
    assert flat(validate_paths([tmp_path]), tmp_path) == [("settings-changed.xlsx", "G2", "SETTINGS_CHANGED")]


def test_settings_changed_against_master(tmp_path):
    master = write_scorecard(tmp_path / "master.xlsx")
    inputs = tmp_path / "in"
    inputs.mkdir()
    changed = rows({(0, "weight"): 0.3, (1, "weight"): 0.3})
    write_scorecard(inputs / "weights-changed.xlsx", rows=changed)
    assert flat(validate_paths([inputs], master=master), inputs) == [
        ("weights-changed.xlsx", "E13", "SETTINGS_CHANGED"), ("weights-changed.xlsx", "E14", "SETTINGS_CHANGED")]


def test_formula_overwritten(tmp_path):
    # the typed 90 equals the recomputed score: only the overwrite is reported
    write_scorecard(tmp_path / "formula-overwritten.xlsx", typed_scores={(0, "score"): 90})
    assert flat(validate_paths([tmp_path]), tmp_path) == [("formula-overwritten.xlsx", "Q13", "FORMULA_OVERWRITTEN")]


def _correct_cache(path):
    """Cached values equal to the recomputed results (as Excel would have saved them)."""
    m = check_scorecard(read_scorecard(path)).manager
    cached = {}
    for i, ind in enumerate(m.indicators):
        cached[(i, "score")] = ind.score
        cached[(i, "weighted")] = ind.weighted
    cached.update({(None, "quant_score"): m.quant, (None, "qual_score"): m.qual,
                   (None, "final_score"): m.final, (None, "grade"): m.grade})
    return cached


def test_score_mismatch(tmp_path):
    path = write_scorecard(tmp_path / "score-mismatch.xlsx")
    cached = _correct_cache(path)
    write_scorecard(path, cached=cached)
    post_edit(path)  # no fullCalcOnLoad: cached values are stored scores
    assert flat(validate_paths([tmp_path]), tmp_path) == []
    cached[(2, "score")] = 99.5
    write_scorecard(path, cached=cached)
    post_edit(path)
    assert flat(validate_paths([tmp_path]), tmp_path) == [("score-mismatch.xlsx", "Q15", "SCORE_MISMATCH")]


def test_cached_values_of_fresh_files_are_not_compared(tmp_path):
    # XlsxWriter/openpyxl files ask Excel to recalculate on load: their cached 0s are not stored scores
    write_scorecard(tmp_path / "fresh.xlsx")
    assert read_scorecard(tmp_path / "fresh.xlsx").cached_values_trusted is False
    assert flat(validate_paths([tmp_path]), tmp_path) == []


def test_target_adjusted(tmp_path):
    write_scorecard(tmp_path / "target-adjusted.xlsx",
                    rows=rows({(0, "adjusted_target"): 90, (0, "adjust_reason"): "branch merger"}))
    report = validate_paths([tmp_path])
    assert flat(report, tmp_path) == [("target-adjusted.xlsx", "L13", "TARGET_ADJUSTED")]
    assert report.files[0].manager.indicators[0].score == pytest.approx(100.0)  # 90 / 90


def test_target_adjusted_no_reason(tmp_path):
    write_scorecard(tmp_path / "target-adjusted-no-reason.xlsx", rows=rows({(0, "adjusted_target"): 90}))
    assert flat(validate_paths([tmp_path]), tmp_path) == [
        ("target-adjusted-no-reason.xlsx", "L13", "TARGET_ADJUSTED_NO_REASON")]


def test_extreme_achievement(tmp_path):
    write_scorecard(tmp_path / "extreme-achievement.xlsx", rows=rows({(0, "actual"): 250}))
    report = validate_paths([tmp_path])
    assert flat(report, tmp_path) == [("extreme-achievement.xlsx", "N13", "EXTREME_ACHIEVEMENT")]
    assert report.files[0].manager.indicators[0].score == pytest.approx(120.0)


def _team(folder: Path, n: int, prefix: str = "m", **kwargs):
    paths = []
    for i in range(n):
        paths.append(write_scorecard(folder / f"{prefix}{i:02d}.xlsx", header={"manager_id": f"AM{i:03d}"}, **kwargs))
    return paths


def test_score_outlier(tmp_path):
    for i in range(9):
        write_scorecard(tmp_path / f"m{i:02d}.xlsx", header={"manager_id": f"AM{i:03d}"},
                        rows=rows({(0, "actual"): 88 + i}))
    write_scorecard(tmp_path / "score-outlier.xlsx", header={"manager_id": "AM099"},
                    rows=rows({(0, "actual"): 30, (1, "actual"): 15}))
    assert flat(validate_paths([tmp_path]), tmp_path) == [("score-outlier.xlsx", "E3", "SCORE_OUTLIER")]


def test_score_outlier_needs_eight(tmp_path):
    for i in range(6):
        write_scorecard(tmp_path / f"m{i:02d}.xlsx", header={"manager_id": f"AM{i:03d}"},
                        rows=rows({(0, "actual"): 88 + i}))
    write_scorecard(tmp_path / "low.xlsx", header={"manager_id": "AM099"},
                    rows=rows({(0, "actual"): 30, (1, "actual"): 15}))
    assert flat(validate_paths([tmp_path]), tmp_path) == []


def test_self_manager_gap(tmp_path):
    reviews = [{"role": "manager", "reviewer": "Boss Li", "competency": "Teamwork", "rating": 3},
               {"role": "manager", "reviewer": "Boss Li", "competency": "Customer focus", "rating": 3},
               {"role": "self", "reviewer": "Zhang San", "competency": "Teamwork", "rating": 5},
               {"role": "self", "reviewer": "Zhang San", "competency": "Customer focus", "rating": 4.5}]
    write_scorecard(tmp_path / "self-manager-gap.xlsx", reviews=reviews)
    assert flat(validate_paths([tmp_path]), tmp_path) == [("self-manager-gap.xlsx", "D4", "SELF_MANAGER_GAP")]


def _manager_reviews(reviewer: str, rating: float):
    return [{"role": "manager", "reviewer": reviewer, "competency": c, "rating": rating}
            for c in ("Teamwork", "Customer focus")]


@pytest.mark.parametrize("code,rating,name", [("LENIENT_REVIEWER", 5, "lenient-reviewer"),
                                               ("SEVERE_REVIEWER", 2, "severe-reviewer")])
def test_reviewer_bias(tmp_path, code, rating, name):
    # "Odd" rates three people; four other reviewers rate two people each, all 3.5
    for i in range(3):
        write_scorecard(tmp_path / f"{name}-{i}.xlsx", header={"manager_id": f"AM{i:03d}"},
                        reviews=_manager_reviews("Odd", rating))
    for i in range(8):
        write_scorecard(tmp_path / f"other-{i}.xlsx", header={"manager_id": f"AM1{i:02d}"},
                        reviews=_manager_reviews(f"Normal {i // 2}", 3.5))
    assert flat(validate_paths([tmp_path]), tmp_path) == [(f"{name}-0.xlsx", "D2", code)]


def test_reviewer_bias_needs_three_people(tmp_path):
    for i in range(2):
        write_scorecard(tmp_path / f"r-{i}.xlsx", header={"manager_id": f"AM{i:03d}"},
                        reviews=_manager_reviews("Odd", 5))
    for i in range(4):
        write_scorecard(tmp_path / f"other-{i}.xlsx", header={"manager_id": f"AM1{i:02d}"},
                        reviews=_manager_reviews(f"Normal {i // 2}", 3))
    assert flat(validate_paths([tmp_path]), tmp_path) == []


def test_flat_ratings(tmp_path):
    reviews = [{"role": "manager", "reviewer": "Boss Li", "competency": c, "rating": 4}
               for c in ("Teamwork", "Customer focus", "Skills", "Integrity")]
    write_scorecard(tmp_path / "flat-ratings.xlsx", reviews=reviews)
    assert flat(validate_paths([tmp_path]), tmp_path) == [("flat-ratings.xlsx", "D2", "FLAT_RATINGS")]


def test_tier_actual_mismatch(tmp_path):
    for i, actual in enumerate((100, 100, 120)):
        team_rows = rows({(4, "tier"): "team", (4, "indicator"): "Team sales", (4, "direction"): "higher",
                            (4, "target"): 100, (4, "actual"): actual})
        write_scorecard(tmp_path / f"tier-actual-mismatch-{i}.xlsx", header={"manager_id": f"AM{i:03d}"},
                        rows=team_rows)
    assert flat(validate_paths([tmp_path]), tmp_path) == [("tier-actual-mismatch-2.xlsx", "N17", "TIER_ACTUAL_MISMATCH")]


def test_grade_quota_exceeded(tmp_path):
    high = rows({(0, "actual"): 150, (1, "actual"): 60, (2, "actual"): 99, (3, "actual"): 99, (4, "actual"): 12})
    reviews = _manager_reviews("Boss Li", 5)
    for i in range(10):
        write_scorecard(tmp_path / f"grade-quota-exceeded-{i}.xlsx", header={"manager_id": f"AM{i:03d}"},
                        rows=high, reviews=reviews)
    report = validate_paths([tmp_path])
    assert {e.manager.grade for e in report.files} == {"S"}
    # the quota allows 1 S of 10: the finding sits on the first manager beyond it (order: id asc on ties)
    assert flat(report, tmp_path) == [("grade-quota-exceeded-1.xlsx", "E3", "GRADE_QUOTA_EXCEEDED")]


def _set_cells(path: Path, sheet_index: int, values: dict[str, object]) -> Path:
    """Set cells with openpyxl (an error text such as "#N/A" is stored as an Excel error value)."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    for ref, value in values.items():
        book.worksheets[sheet_index][ref] = value
    book.save(path)
    return path


def test_cell_error(tmp_path):
    # #N/A in an actual (a VLOOKUP that found nothing), #DIV/0! in a rating: each a finding naming
    # the value at its cell, and the file is not merged on it (never "blank, scores 0")
    _set_cells(write_scorecard(tmp_path / "cell-error.xlsx"), 0, {"N13": "#N/A"})
    _set_cells(write_scorecard(tmp_path / "rating-error.xlsx", header={"manager_id": "AM002"}), 1,
               {"D2": "#DIV/0!"})
    report = validate_paths([tmp_path], lang="en")
    assert flat(report, tmp_path) == [("cell-error.xlsx", "N13", "CELL_ERROR"), ("rating-error.xlsx", "D2", "CELL_ERROR")]
    assert [e.status for e in report.files] == ["rejected", "rejected"]
    assert "#N/A" in report.files[0].findings[0].message
    assert "#DIV/0!" in report.files[1].findings[0].message


@pytest.mark.parametrize("where,value", [("J14", "#REF!"), ("E13", "#VALUE!"), ("B3", "#NAME?"), ("F13", "#N/A")])
def test_cell_error_in_any_input_cell(tmp_path, where, value):
    _set_cells(write_scorecard(tmp_path / "x.xlsx"), 0, {where: value})
    report = validate_paths([tmp_path], lang="zh")
    assert ("x.xlsx", where, "CELL_ERROR") in flat(report, tmp_path)
    assert report.files[0].status == "rejected"
    assert value in next(f.message for f in report.findings if f.code == "CELL_ERROR")


def test_cell_error_in_settings(tmp_path):
    _set_cells(write_scorecard(tmp_path / "x.xlsx"), 2, {"B3": "#N/A"})  # tblBands score of the 2nd band
    assert flat(validate_paths([tmp_path]), tmp_path) == [("x.xlsx", "B3", "CELL_ERROR")]


def test_row_outside_table(tmp_path):
    # a filled row right under tblKPI (LibreOffice does not extend tables): reported, not ignored
    _set_cells(write_scorecard(tmp_path / "row-outside-table.xlsx"), 0, {"C18": "Extra indicator", "E18": 0.1})
    report = validate_paths([tmp_path], lang="en")
    assert flat(report, tmp_path) == [("row-outside-table.xlsx", "C18", "ROW_OUTSIDE_TABLE")]
    assert report.files[0].status == "rejected" and "tblKPI" in report.findings[0].message


def test_row_outside_review_table(tmp_path):
    _set_cells(write_scorecard(tmp_path / "x.xlsx"), 1, {"D5": 5})  # tblReview holds rows 2-4
    assert flat(validate_paths([tmp_path]), tmp_path) == [("x.xlsx", "D5", "ROW_OUTSIDE_TABLE")]


def test_a_blank_row_under_the_table_is_fine(tmp_path):
    _set_cells(write_scorecard(tmp_path / "x.xlsx"), 0, {"C19": "note two rows below"})
    assert flat(validate_paths([tmp_path]), tmp_path) == []


# Codes no fixture of the suite's own functions can produce, and why (none today).
NEEDS_CONTEXT: dict[str, str] = {}

_COLLECT_TESTS = Path(__file__).parents[1] / "collect"


def _fixtures(module) -> dict:
    """The module's own fixtures that need only ``tmp_path`` (``setup(tmp_path)``), as plain functions."""
    out = {}
    for name, value in vars(module).items():
        wrapped = getattr(value, "__wrapped__", None)
        if type(value).__name__ == "FixtureFunctionDefinition" and wrapped is not None \
                and set(inspect.signature(wrapped).parameters) <= {"tmp_path"}:
            out[name] = wrapped
    return out


def _test_functions(module):
    """(name, function, keyword sets) of the module's tests that need only ``tmp_path``, their parameters
    and fixtures of the module that need only ``tmp_path``."""
    fixtures = _fixtures(module)
    for name, function in vars(module).items():
        if not name.startswith("test_") or not callable(function) or name == "test_every_code_has_a_fixture":
            continue
        combos = [{}]
        for mark in (m for m in getattr(function, "pytestmark", []) if m.name == "parametrize"):
            names = mark.args[0].split(",") if isinstance(mark.args[0], str) else list(mark.args[0])
            names = [n.strip() for n in names]
            expanded = []
            for values in mark.args[1]:
                values = values.values if isinstance(values, type(pytest.param(0))) else values
                values = (values,) if len(names) == 1 else tuple(values)
                expanded += [{**combo, **dict(zip(names, values))} for combo in combos]
            combos = expanded
        wanted = set(inspect.signature(function).parameters)
        if wanted <= {"tmp_path", *combos[0], *fixtures}:
            yield name, function, combos, {f: fixtures[f] for f in wanted & set(fixtures)}


def _module(path: Path):
    spec = importlib.util.spec_from_file_location(f"_codes_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_code_has_a_fixture(tmp_path_factory, monkeypatch):
    """Runs the fixtures of this module (and, for the codes of CRM exports, the collect tests that name
    one) and records every finding they produce: each code of the closed set must come out of one."""
    from addin.contract.findings import CODES, COLLECT, Finding

    produced: set[str] = set()
    original = Finding.__post_init__

    def record(self):
        original(self)
        produced.add(self.code)

    def recording(function):  # files are read in worker processes: their findings come back in the results
        def call(*args, **kwargs):
            result = function(*args, **kwargs)
            produced.update(f.code for f in getattr(result, "findings", ()) if isinstance(f, Finding))
            return result
        return call

    monkeypatch.setattr(Finding, "__post_init__", record)
    modules = [sys.modules[__name__]]
    collect_codes = [c for c, spec in CODES.items() if spec.category == COLLECT]
    for path in sorted(_COLLECT_TESTS.glob("test_*.py")):
        source = path.read_text(encoding="utf-8")
        if any(f'"{code}"' in source for code in collect_codes):
            modules.append(_module(path))
    for module in modules:
        for attribute, value in list(vars(module).items()):
            if inspect.isfunction(value) and value.__module__.startswith("addin."):
                monkeypatch.setattr(module, attribute, recording(value))
        collect_module = module is not modules[0]
        for name, function, combos, fixtures in _test_functions(module):
            if collect_module and not any(f'"{code}"' in inspect.getsource(function) for code in collect_codes):
                continue
            for combo in combos:
                folder = tmp_path_factory.mktemp(name[:40])
                function(tmp_path=folder, **combo, **{f: make(folder) for f, make in fixtures.items()})
    assert set(CODES) - produced - set(NEEDS_CONTEXT) == set(), "codes no fixture produces"
    assert set(NEEDS_CONTEXT) <= set(CODES) - produced  # an exception that a fixture now covers goes


def test_messages_follow_the_file_language(tmp_path):
    write_scorecard(tmp_path / "zh.xlsx", lang="zh", rows=rows({(1, "actual"): None}))
    report = validate_paths([tmp_path])
    assert report.files[0].lang == "zh"
    assert "实际值为空" in report.findings[0].message
    assert "actual" in validate_paths([tmp_path], lang="en").findings[0].message


def test_layout_is_found_by_names_not_addresses(tmp_path):
    # the table moved and the sheet renamed: same results
    write_scorecard(tmp_path / "a.xlsx")
    write_scorecard(tmp_path / "b.xlsx", header={"manager_id": "AM002"}, kpi_origin=(20, 3), kpi_sheet="我的表 1")
    report = validate_paths([tmp_path])
    a, b = (e.manager for e in report.files)
    assert b.final == pytest.approx(a.final)
    assert report.findings == []


def test_zip_members_are_not_modified(tmp_path):
    path = write_scorecard(tmp_path / "a.xlsx")
    before = path.read_bytes()
    validate_paths([tmp_path])
    assert path.read_bytes() == before
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None


# ----------------------------------------------------------------------------- the score cap (cfg_cap)

def _cap_file(path, cap):
    from support.scorecards import set_named_value

    from workbook_templates.generator import write_template

    rows = [{"target": 100, "actual": 140}] + [{"target": t, "actual": t} for t in (20, 0.9, 60, 0.95, 0.95, 90, 24)]
    write_template(path, size="medium", lang="en", mode="portable", header={"manager_id": "CAP", "period": "2026Q3"},
                   rows=rows)
    return set_named_value(path, "cfg_cap", cap)


@pytest.mark.parametrize("cap, expected_score, codes", [
    (150, 140.0, ["SETTINGS_CHANGED"]), (120, 120.0, []), (None, 120.0, []), (130, 130.0, ["SETTINGS_CHANGED"]),
])
def test_score_cap_of_the_file_is_used(tmp_path, cap, expected_score, codes):
    path = _cap_file(tmp_path / "cap.xlsx", cap)
    report = validate_paths([path])
    entry = report.files[0]
    assert entry.status == "merged"
    assert entry.manager.indicators[0].score == pytest.approx(expected_score)
    cap_cell = read_scorecard(path).names["cfg_cap"]
    assert [(f.code, f.cell) for f in report.findings] == [(c, cap_cell.cell) for c in codes]


@pytest.mark.parametrize("cap, code, words", [("high", "NON_NUMERIC", "'high'"), (90, "INVALID_VALUE", "at least 100")])
def test_bad_score_cap_rejects_the_file(tmp_path, cap, code, words):
    path = _cap_file(tmp_path / "cap.xlsx", cap)
    report = validate_paths([path])
    cap_cell = read_scorecard(path).names["cfg_cap"]
    assert [(f.code, f.sheet, f.cell) for f in report.findings] == [(code, cap_cell.sheet, cap_cell.cell)]
    assert words in report.findings[0].message and "cfg_cap" in report.findings[0].message
    assert report.files[0].status == "rejected"
    assert f"({cap_cell.sheet}!{cap_cell.cell})" in report.files[0].reason


def test_score_cap_compared_with_master(tmp_path):
    master = _cap_file(tmp_path / "master.xlsx", 150)
    inputs = tmp_path / "in"
    inputs.mkdir()
    same = _cap_file(inputs / "same.xlsx", 150)
    report = validate_paths([same], master=master)
    assert report.findings == [] and report.files[0].manager.indicators[0].score == pytest.approx(140.0)
    other = _cap_file(inputs / "other.xlsx", 120)
    assert [f.code for f in validate_paths([other], master=master).findings] == ["SETTINGS_CHANGED"]


@pytest.mark.parametrize("other", ["ＡＭ００１", "AM\u200b001", "\ufeffAM001", "AM 001", "АМ001", "am001"])
def test_look_alike_ids_are_one_manager(tmp_path, other):
    set_saved(write_scorecard(tmp_path / "a.xlsx", header={"manager_id": "AM001"}), "2026-07-02T09:00:00Z")
    set_saved(write_scorecard(tmp_path / "b.xlsx", header={"manager_id": other, "manager_name": "Someone"}),
              "2026-07-01T09:00:00Z")
    report = validate_paths([tmp_path], lang="en")
    assert flat(report, tmp_path) == [("b.xlsx", "B3", "DUPLICATE_MANAGER")]
    assert [e.status for e in report.files] == ["merged", "rejected"]
    assert report.files[0].manager.manager_id == "AM001"  # the original spelling is what is shown


def test_team_names_that_look_alike_are_one_team(tmp_path):
    for i, team in enumerate(["East 1", "east 1", "East １", "East 1"]):
        write_scorecard(tmp_path / f"m{i}.xlsx", header={"manager_id": f"AM{i:03d}", "team": team})
    report = validate_paths([tmp_path])
    assert {e.manager.team for e in report.files} == {"East 1"}


# ----------------------------------------------------------------------------- PERCENT_SCALE

def test_percent_scale(tmp_path):
    """88 typed for 88 % on an indicator measured in % against a target of 0.9: an error that says what to type."""
    changes = {(3, "target"): 0.95, (3, "actual"): 96, (2, "target"): 0.9, (2, "actual"): 0.88}
    write_scorecard(tmp_path / "percent-scale.xlsx", rows=rows(changes))
    report = validate_paths([tmp_path], lang="en")
    assert flat(report, tmp_path) == [("percent-scale.xlsx", "N16", "PERCENT_SCALE")]
    assert report.files[0].status == "rejected"
    assert report.findings[0].message == ("actual of Follow-up timeliness is 96 but its target is 0.95 (95%): it looks "
                                          "typed in percent points; enter 0.96 (96%) instead")
    assert "请改为 0.96（即 96%）" in validate_paths([tmp_path], lang="zh").findings[0].message


@pytest.mark.parametrize("unit, target, actual", [("%", 0.95, 1.99), ("%", 1.6, 96), ("%", 95, 96), ("visits", 0.95, 96)])
def test_percent_points_that_are_fine(tmp_path, unit, target, actual):
    """Below 2, a target above 1.5 (both in points) or an indicator not in %: no PERCENT_SCALE."""
    write_scorecard(tmp_path / "x.xlsx", rows=rows({(3, "unit"): unit, (3, "target"): target, (3, "actual"): actual}))
    assert "PERCENT_SCALE" not in [f.code for f in validate_paths([tmp_path]).findings]


# ----------------------------------------------------------------------------- --roster

def _roster(path, lines):
    path.write_text("\n".join(",".join(line) for line in lines) + "\n", encoding="utf-8-sig")
    return path


def _sales_rows(target=100):
    return rows({(0, "indicator"): "Sales revenue", (0, "target"): target})


def test_roster_missing_scorecard_and_not_in_roster(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    write_scorecard(inputs / "am001.xlsx", rows=_sales_rows())
    write_scorecard(inputs / "not-in-roster.xlsx", header={"manager_id": "AM009"}, rows=_sales_rows())
    roster = _roster(tmp_path / "roster.csv", [["工号", "姓名", "销售额目标"], ["AM001", "张三", "100"],
                                               ["AM002", "李四", "80"]])
    report = validate_paths([inputs], lang="en", roster=roster)
    assert flat(report, tmp_path) == [("not-in-roster.xlsx", "B3", "NOT_IN_ROSTER"),
                                      ("roster.csv", "A3", "MISSING_SCORECARD")]
    missing = next(f for f in report.findings if f.code == "MISSING_SCORECARD")
    assert (missing.row, missing.manager_id, missing.message) == (3, "AM002", "no scorecard file for AM002 李四 of the roster")
    assert [e.status for e in report.files] == ["merged", "merged"]  # a warning rejects nothing
    assert report.stats["missing"] == 1 and not report.valid


def test_roster_target_changed(tmp_path):
    write_scorecard(tmp_path / "target-changed.xlsx", rows=_sales_rows(target=80))
    roster = _roster(tmp_path / "r.csv", [["manager_id", "Sales revenue target"], ["am001", "100"]])
    report = validate_paths([tmp_path / "target-changed.xlsx"], lang="en", roster=roster)
    assert flat(report, tmp_path) == [("target-changed.xlsx", "J13", "TARGET_CHANGED")]
    assert report.findings[0].message == "target of Sales revenue is 80, but the roster sets 100 (r.csv B2)"
    assert report.files[0].status == "rejected"


def test_roster_target_equal_within_rounding_and_blank_roster_cells(tmp_path):
    write_scorecard(tmp_path / "a.xlsx", rows=_sales_rows(target=(0.1 + 0.2) * 1000 / 3))  # 100.00000000000001
    write_scorecard(tmp_path / "b.xlsx", header={"manager_id": "AM002"}, rows=_sales_rows(target=55))
    roster = _roster(tmp_path / "r.csv", [["工号", "销售额"], ["AM001", "100"], ["AM002", ""]])
    assert flat(validate_paths([tmp_path / "a.xlsx", tmp_path / "b.xlsx"], roster=roster), tmp_path) == []


def test_roster_column_ignored(tmp_path):
    write_scorecard(tmp_path / "a.xlsx")
    roster = _roster(tmp_path / "r.csv", [["名单（2026Q3）"], ["工号", "姓名", "员工姓名", "手机"], ["AM001", "张三", "张三", "1"]])
    report = validate_paths([tmp_path / "a.xlsx"], lang="en", roster=roster)
    assert flat(report, tmp_path) == [("r.csv", "C2", "ROSTER_COLUMN_IGNORED"), ("r.csv", "D2", "ROSTER_COLUMN_IGNORED")]
    assert [f.message for f in report.findings] == [
        "roster column '员工姓名' (C) was not used: it repeats an earlier column (manager_name)",
        "roster column '手机' (D) was not used: it is neither a roster field nor an indicator's target"]


def test_roster_manager_whose_file_is_unreadable_is_rejected_not_missing(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "2026Q3_East_AM002_Li Si.xlsx").write_bytes(b"not a workbook")
    write_scorecard(inputs / "am001.xlsx")
    roster = _roster(tmp_path / "r.csv", [["manager_id", "name"], ["AM001", "Zhang San"], ["AM002", "Li Si"]])
    report = validate_paths([inputs], roster=roster)
    assert [f.code for f in report.findings] == ["FILE_UNREADABLE"]  # no MISSING_SCORECARD for AM002
    assert report.roster_check.files["am002"][0].path.endswith("AM002_Li Si.xlsx")
