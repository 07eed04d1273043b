"""Every manager accounted for (issue 10 §3): tblManagers lists every roster manager (or every
manager seen) with a status and a reason, only scored managers share the pool, and the
summary, the console and the JSON report say who was left out and why."""

from __future__ import annotations

import copy
import json
import math

import openpyxl
import pytest
from support.paths import run_kpi
from support.scorecards import DEFAULT_ROWS, write_scorecard
from support.template_structure import find_table

from addin.consolidation.consolidate import consolidate
from addin.contract import schema
from addin.reports.json_report import ConsolidationReportModel, consolidation_json


def _rows(sales=90, weight=0.4):
    rows = copy.deepcopy(DEFAULT_ROWS)
    rows[0].update(indicator="Sales revenue", actual=sales, weight=weight)
    return rows


@pytest.fixture
def quarter(tmp_path):
    """Six files of six managers, two of them rejected (weights 95 %), and a roster of seven."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(1, 7):
        write_scorecard(folder / f"AM00{i}.xlsx", header={"manager_id": f"AM00{i}", "manager_name": f"M{i}"},
                        rows=_rows(sales=80 + 5 * i, weight=0.35 if i in (2, 5) else 0.4))
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,部门,销售额目标\n" + "".join(f"AM00{i},M{i},North,100\n" for i in range(1, 8)),
                      encoding="utf-8-sig")
    return folder, roster


def _statuses(result):
    return {row["manager_id"]: row["status"] for row in result.manager_rows}


def test_without_a_roster_every_manager_seen_is_listed(quarter, tmp_path):
    folder, _ = quarter
    result = consolidate([folder], tmp_path / "team.xlsx", lang="en", bonus_pool=60000)
    assert _statuses(result) == {"AM001": "scored", "AM003": "scored", "AM004": "scored", "AM006": "scored",
                                 "AM002": "rejected", "AM005": "rejected"}
    rows = {row["manager_id"]: row for row in result.manager_rows}
    assert [r["manager_id"] for r in result.manager_rows][-2:] == ["AM002", "AM005"]  # after the ranked ones
    for manager_id in ("AM002", "AM005"):
        row = rows[manager_id]
        assert row["file"].endswith(f"{manager_id}.xlsx") and "95%" in row["reason"]
        assert row["rank"] is None and math.isnan(row["bonus"]) and math.isnan(row["final_score"])
        assert row["grade"] == "" and row["forced_grade"] == ""
    paid = [row["bonus"] for row in result.manager_rows if row["status"] == "scored"]
    assert len(paid) == 4 and math.isclose(math.fsum(paid), 60000)  # only the scored share the pool
    assert sorted(row["rank"] for row in result.manager_rows if row["status"] == "scored") == [1, 2, 3, 4]
    assert result.summary["managers"] == 4
    assert result.summary["manager_statuses"] == {"scored": 4, "rejected": 2, "missing": 0}
    assert sum(result.summary["quota_headcounts"].values()) == 4


def test_with_a_roster_every_roster_manager_has_a_row(quarter, tmp_path):
    folder, roster = quarter
    result = consolidate([folder], tmp_path / "team.xlsx", lang="zh", roster=roster)
    statuses = _statuses(result)
    assert statuses["AM007"] == "missing" and len(statuses) == 7
    missing = next(row for row in result.manager_rows if row["manager_id"] == "AM007")
    assert missing["reason"] == "没有收到考核表文件（花名册第 8 行）" and missing["team"] == "North" and missing["file"] == ""
    assert [f.code for f in result.findings if f.code == "MISSING_SCORECARD"] == ["MISSING_SCORECARD"]
    assert [(m["manager_id"], m["status"]) for m in result.summary["left_out"]] == [
        ("AM002", "rejected"), ("AM005", "rejected"), ("AM007", "missing")]


def test_a_lowered_target_is_caught_and_the_manager_left_out(quarter, tmp_path):
    folder, roster = quarter
    rows = _rows(sales=95)
    rows[0]["target"] = 80  # the roster says 100
    write_scorecard(folder / "AM001.xlsx", header={"manager_id": "AM001", "manager_name": "M1"}, rows=rows)
    result = consolidate([folder], tmp_path / "team.xlsx", lang="en", roster=roster)
    changed = [f for f in result.findings if f.code == "TARGET_CHANGED"]
    assert [(f.manager_id, f.cell) for f in changed] == [("AM001", "J13")]
    assert _statuses(result)["AM001"] == "rejected"
    assert "roster sets 100" in next(r["reason"] for r in result.manager_rows if r["manager_id"] == "AM001")


def test_the_team_workbook_shows_status_and_reason_in_its_language(quarter, tmp_path):
    folder, roster = quarter
    for lang, shown in (("zh", {"已评分", "已拒绝", "缺失"}), ("en", {"scored", "rejected", "missing"})):
        out = tmp_path / f"team-{lang}.xlsx"
        consolidate([folder], out, lang=lang, roster=roster)
        wb = openpyxl.load_workbook(out)
        ws, table = find_table(wb, "tblManagers")
        rows = list(ws[table.ref])
        headers = [c.value for c in rows[0]]
        assert headers == schema.MANAGERS_OUT.headers(lang)
        status = headers.index("状态" if lang == "zh" else "status")
        reason = headers.index("原因" if lang == "zh" else "reason")
        bonus = headers.index("奖金" if lang == "zh" else "bonus")
        assert {r[status].value for r in rows[1:]} == shown
        left_out = [r for r in rows[1:] if r[status].value not in ("已评分", "scored")]
        assert len(left_out) == 3 and all(r[reason].value and r[bonus].value is None for r in left_out)


def test_the_json_managers_mirror_tbl_managers(quarter, tmp_path):
    folder, roster = quarter
    result = consolidate([folder], tmp_path / "team.xlsx", lang="en", roster=roster)
    report = ConsolidationReportModel.model_validate_json(consolidation_json(result))
    assert [m.manager_id for m in report.managers] == [r["manager_id"] for r in result.manager_rows]
    assert [m.status for m in report.managers].count("missing") == 1
    missing = next(m for m in report.managers if m.status == "missing")
    assert missing.final_score is None and missing.bonus is None and missing.rank is None and missing.reason
    keys = [k for k in json.loads(consolidation_json(result))["managers"][0] if not k.startswith(("previous_", "change",
                                                                                                   "movement"))]
    assert keys == list(schema.MANAGERS_OUT.keys)


def test_the_console_says_who_was_left_out_and_why(quarter, tmp_path):
    folder, roster = quarter
    result = run_kpi("consolidate", folder, "-o", tmp_path / "team.xlsx", "--roster", roster, "--lang", "en",
                     "--no-progress")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "managers 7: scored 4, rejected 2, missing 1" in lines
    assert "left out of the scores and the bonus pool (3):" in lines
    assert any(line.startswith("  AM002 M2 (rejected): weights sum to 95%") for line in lines)
    assert "  AM007 M7 (missing): no scorecard file received (roster row 8)" in lines
    validate = run_kpi("validate", folder, "--roster", roster, "--lang", "en")
    assert validate.returncode == 1 and "1 roster manager has no scorecard" in validate.stdout


def test_an_unreadable_file_of_nobody_is_left_out_by_file(quarter, tmp_path):
    folder, _ = quarter
    (folder / "broken.xlsx").write_bytes(b"garbage")
    result = consolidate([folder], None, lang="en", write=False)
    assert "broken.xlsx" not in {r["file"] for r in result.manager_rows}
    assert any(item["file"].endswith("broken.xlsx") and item["manager_id"] == "" for item in result.summary["left_out"])


def test_with_a_roster_an_empty_folder_lists_every_manager_as_missing(quarter, tmp_path):
    """The day before the deadline nothing has come in: with a roster that is an answer (everyone
    missing), not a usage error; without one, an empty folder stays an error (exit 2)."""
    _, roster = quarter
    empty = tmp_path / "empty"
    empty.mkdir()
    checked = run_kpi("validate", empty, "--roster", roster, "--lang", "en")
    assert checked.returncode == 1, checked.stderr
    assert checked.stdout.count("MISSING_SCORECARD") == 7 and "7 roster managers have no scorecard" in checked.stdout
    out = tmp_path / "team.xlsx"
    merged = run_kpi("consolidate", empty, "--roster", roster, "-o", out, "--lang", "en", "--no-progress",
                     "--bonus-pool", "1000")
    assert merged.returncode == 0, merged.stderr
    assert "managers 7: scored 0, rejected 0, missing 7" in merged.stdout
    assert "bonus pool 1,000.00 not paid: no manager was scored" in merged.stdout.splitlines()
    wb = openpyxl.load_workbook(out)
    ws, table = find_table(wb, "tblManagers")
    cells = ws[table.ref]
    status = [c.value for c in cells[0]].index("status")
    assert [row[status].value for row in cells[1:]] == ["missing"] * 7
    assert run_kpi("validate", empty, "--lang", "en").returncode == 2
