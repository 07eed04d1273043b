"""This quarter against the last: `kpi consolidate --previous TEAM_PREV.xlsx`."""

from __future__ import annotations

import math
import os
import re
import zipfile

import pytest
from support.paths import run_kpi
from support.scorecards import write_scorecard
from support.teams import demo_team, load, table_rows

from addin.consolidation.consolidate import consolidate
from addin.consolidation.team_workbook.reader import read_team_workbook
from addin.contract.errors import UsageError
from addin.demo.team import PERIOD, build_team


@pytest.fixture(scope="module")
def quarters(tmp_path_factory):
    """Last quarter: 14 managers (seed 3) of whom AM005 sent nothing; this quarter: 12 (seed 7).
    AM002 is rejected in both (the demo plants weights of 95 %)."""
    root = tmp_path_factory.mktemp("quarters")
    build_team(root / "q2", 14, "medium", "en", 3)
    for path in (root / "q2" / "scorecards").glob("*AM005*"):
        path.unlink()
    previous = root / "q2" / "team.xlsx"
    consolidate([root / "q2" / "scorecards"], previous, period=PERIOD, lang="en")
    team, result = demo_team(root / "q3", lang="en", managers=12, previous=previous)
    return previous, team, result


def test_changes_are_exact_against_the_previous_workbook(quarters):
    previous, team, result = quarters
    before = {r["manager_id"]: r for r in read_team_workbook(previous).rows("tblManagers") if r["status"] == "scored"}
    rows = {r["manager_id"]: r for r in table_rows(team, "tblManagers")}
    both = 0
    for row in result.manager_rows:
        if row["status"] != "scored":  # a rejected manager is not compared
            assert row["movement"] is None and math.isnan(row["change"])
            continue
        old = before.get(row["manager_id"])
        shown = rows[row["manager_id"]]
        if old is None:
            assert row["movement"] == "new" and math.isnan(row["change"]) and shown["movement"] == "new"
            assert shown["previous_final_score"] is None and shown["change"] is None
            continue
        both += 1
        assert row["previous_final_score"] == old["final_score"]  # as the previous workbook stores it
        assert row["previous_grade"] == old["grade"] and row["previous_forced_grade"] == old["forced_grade"]
        assert row["change"] == row["final_score"] - old["final_score"]  # exact, no rounding
        assert shown["change"] == pytest.approx(row["change"], rel=1e-15, abs=1e-12)
        expected = "same" if round(row["change"], 2) == 0 else ("up" if row["change"] > 0 else "down")
        assert row["movement"] == shown["movement"] == expected
    assert both == 10 and [r["manager_id"] for r in result.manager_rows if r["movement"] == "new"] == ["AM005"]
    assert [m.manager_id for m in result.comparison.left] == ["AM013", "AM014"]
    assert result.comparison.period == PERIOD


def test_teams_change_and_summary_lists_movers_and_leavers(quarters):
    previous, team, result = quarters
    before = [r for r in read_team_workbook(previous).rows("tblManagers") if r["status"] == "scored"]
    teams = table_rows(team, "tblTeams")
    for row in teams:
        old = [r["final_score"] for r in before if r["team"] == row["team"]]
        assert row["previous_mean_final_score"] == pytest.approx(math.fsum(old) / len(old), rel=1e-14)
        assert row["change"] == pytest.approx(row["mean_final_score"] - row["previous_mean_final_score"], abs=1e-9)
    ws = load(team)["Summary"]
    text = "\n".join(str(c.value) for r in ws.iter_rows() for c in r if c.value is not None)
    assert "Biggest movers" in text and "1 new this period" in text
    assert "In the previous quarter, not in this one" in text and "AM013" in text and "AM014" in text
    biggest = max((r for r in result.manager_rows if r["movement"] in ("up", "down", "same")),
                  key=lambda r: abs(r["change"]))
    assert f"({biggest['manager_id']})" in text
    with zipfile.ZipFile(team) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        movers = z.read("xl/charts/chart4.xml").decode()
    assert len(charts) == 4  # grades, histogram, dimensions, movers
    changes = [r["change"] for r in result.comparison.movers]
    low = float(re.search(r'<c:min val="([^"]+)"/>', movers).group(1)) if min(changes) < 0 else 0.0
    high = float(re.search(r'<c:max val="([^"]+)"/>', movers).group(1))
    span = max(changes + [0]) - min(changes + [0])
    assert low <= min(changes + [0]) - 0.15 * span and high >= max(changes + [0]) + 0.15 * span  # room for labels
    json_rows = {r["manager_id"]: r for r in result.as_dict()["managers"]}
    assert json_rows["AM005"]["movement"] == "new" and json_rows["AM005"]["change"] is None


def test_without_previous_there_are_no_previous_columns(tmp_path):
    team, result = demo_team(tmp_path, lang="en", managers=4)
    assert "previous_final_score" not in table_rows(team, "tblManagers")[0]
    assert "change" not in table_rows(team, "tblTeams")[0]
    assert result.comparison is None


def _bad_previous(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "notes.xlsx").write_text("not a workbook")
    (folder / "data.csv").write_text("manager_id,final_score\nAM1,90\n")
    broken = folder / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    scorecard = write_scorecard(folder / "scorecard.xlsx")
    rejected_only = tmp_path / "rejected"
    rejected_only.mkdir()
    write_scorecard(rejected_only / "weights.xlsx", rows=[{"weight": 0.5}])
    empty_team = folder / "empty-team.xlsx"
    consolidate([rejected_only], empty_team, lang="en")
    pipes = []
    if hasattr(os, "mkfifo"):  # never opened (a read would wait forever), and not called missing
        os.mkfifo(folder / "pipe.xlsx")
        pipes = [(folder / "pipe.xlsx", "cannot read the previous team workbook {}: a named pipe (FIFO), "
                                        "not a regular file; not opened".format(folder / "pipe.xlsx"))]
    (folder / "folder.xlsx").mkdir()
    return [*pipes,
        (folder / "folder.xlsx", "a folder, not a file"),
        (folder / "missing.xlsx", "no such previous team workbook"),
        (folder / "notes.xlsx", "cannot read the previous team workbook"),
        (folder / "data.csv", "CSV"),
        (broken, "cannot read the previous team workbook"),
        (scorecard, "not a team workbook"),
        (empty_team, "has no scored manager"),
    ]


def test_a_bad_previous_workbook_is_a_clear_error_naming_it(tmp_path, quarters):
    _, team, _ = quarters
    scorecards = team.parent / "scorecards"
    for path, words in _bad_previous(tmp_path):
        with pytest.raises(UsageError) as caught:
            consolidate([scorecards], tmp_path / "out.xlsx", lang="en", previous=path)
        message = caught.value.render("en")
        assert str(path) in message and words in message, message
        assert not (tmp_path / "out.xlsx").exists()  # refused before anything was written
        assert str(path) in caught.value.render("zh") and "上期" in caught.value.render("zh")


def test_cli_previous(tmp_path, quarters):
    previous, team, _ = quarters
    out = tmp_path / "team.xlsx"
    proc = run_kpi("consolidate", team.parent / "scorecards", "-o", out, "--previous", previous, "--lang", "en",
                   "--no-progress")
    assert proc.returncode == 0, proc.stderr
    assert f"compared with {PERIOD} ({previous}): 10 in both, 1 new, 2 left" in proc.stdout
    # the fixture's two quarters share the demo's period: most likely this quarter's file given again
    assert f"note: the previous team workbook is of {PERIOD} too; check that --previous names" in proc.stdout
    proc = run_kpi("consolidate", team.parent / "scorecards", "-o", out, "--previous", tmp_path / "nope.xlsx",
                   "--lang", "zh", "--no-progress")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().endswith(f"错误：找不到上期团队汇总表 {tmp_path / 'nope.xlsx'}")


def test_last_quarter_of_another_period_gets_no_note(tmp_path):
    for quarter in ("2026Q2", "2026Q3"):
        (tmp_path / quarter).mkdir()
        write_scorecard(tmp_path / quarter / "a.xlsx", header={"period": quarter})
    consolidate([tmp_path / "2026Q2"], tmp_path / "q2.xlsx", lang="en")
    proc = run_kpi("consolidate", tmp_path / "2026Q3", "-o", tmp_path / "q3.xlsx", "--previous", tmp_path / "q2.xlsx",
                   "--lang", "en", "--no-progress")
    assert proc.returncode == 0, proc.stderr
    assert f"compared with 2026Q2 ({tmp_path / 'q2.xlsx'}): 1 in both, 0 new, 0 left" in proc.stdout
    assert "note:" not in proc.stdout


def test_the_en_summary_shows_every_teams_key_on_one_line(quarters):
    """The en keys (previous_mean_final_score) cannot wrap inside a word: their columns are wide enough, and
    the four charts still sit two by two across the widened grid without overlapping."""
    _, team, _ = quarters
    ws = load(team)["Summary"]
    table = ws.tables["tblTeams"]
    header_row = ws[table.ref.split(":")[0]].row
    widths = {col: dim.width for dim in ws.column_dimensions.values() for col in range(dim.min, dim.max + 1)}
    for cell in ws[header_row][:len(table.tableColumns)]:
        assert widths[cell.column] >= len(str(cell.value)) + 1, cell.value
    text = [str(c.value) for r in ws.iter_rows() for c in r if c.value is not None]
    assert any(t.endswith(f"team.xlsx (period {PERIOD})") for t in text)  # the previous workbook and its period
    with zipfile.ZipFile(team) as z:
        drawing = z.read("xl/drawings/drawing1.xml").decode()
    anchors = re.findall(r"<xdr:from><xdr:col>(\d+)</xdr:col><xdr:colOff>(\d+)</xdr:colOff>.*?"
                         r"<xdr:to><xdr:col>(\d+)</xdr:col><xdr:colOff>(\d+)</xdr:colOff>", drawing, re.S)
    assert len(anchors) == 4
    for (_c1, _o1, c2, _o2) in anchors:
        assert int(c2) < len(widths)  # within the grid (0-based columns)
    left, right = anchors[0], anchors[1]
    assert (int(left[2]), int(left[3])) < (int(right[0]), int(right[1]))  # side by side, no overlap
