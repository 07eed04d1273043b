"""Consolidation end to end: the team workbook, ranking, forced grades, bonus, determinism, safety."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shutil
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from support.paths import run_kpi
from support.scorecards import DEFAULT_ROWS, write_scorecard

from addin.cli import main
from addin.consolidation.consolidate import consolidate
from addin.consolidation.team_workbook import write_team_workbook
from addin.contract import schema
from addin.contract.errors import OutputError, UsageError
from udfs import engine


def _rows(sales_actual, veto_row=False):
    rows = copy.deepcopy(DEFAULT_ROWS)
    rows[0]["actual"] = sales_actual
    if veto_row:
        rows[4]["veto"] = "yes"
        rows[4]["actual"] = 100  # complaint time 100 h vs 24: lower -> 2 - 4.17 < 0 -> score 0
    return rows


@pytest.fixture
def team(tmp_path):
    folder = tmp_path / "team in"
    folder.mkdir()
    for i in range(12):
        write_scorecard(folder / f"m{i:02d}.xlsx",
                        header={"manager_id": f"AM{i:03d}", "team": "North" if i % 2 else "South",
                                "manager_name": f"Person {i}"},
                        rows=_rows(60 + 5 * i, veto_row=(i == 11)))
    return folder


def _table(path: Path, name: str) -> list[list]:
    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        if name in ws.tables:
            ref = ws.tables[name].ref
            return [[c.value for c in row] for row in ws[ref]]
    raise AssertionError(f"no table {name}")


def test_team_workbook_tables_and_headers(team, tmp_path):
    out = tmp_path / "team.xlsx"
    result = consolidate([team], out, lang="en")
    assert result.output == out and out.exists()
    for spec in schema.TEAM_TABLES:
        rows = _table(out, spec.name)
        assert rows[0] == list(spec.keys)  # --lang en: headers are exactly the keys
    managers = _table(out, "tblManagers")
    assert len(managers) == 13
    assert sorted(r[0] for r in managers[1:]) == [f"AM{i:03d}" for i in range(12)]
    files = _table(out, "tblFiles")
    assert [r[schema.FILES_OUT.keys.index("status")] for r in files[1:]] == ["merged"] * 12
    assert len(_table(out, "tblScores")) == 1 + 12 * 5
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "Summary"
    assert book["Managers"].freeze_panes == "A2"
    # charts on the summary sheet
    with zipfile.ZipFile(out) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 3
        assert b"conditionalFormatting" in z.read("xl/worksheets/sheet2.xml")


def test_zh_headers(team, tmp_path):
    out = tmp_path / "team-zh.xlsx"
    consolidate([team], out, lang="zh")
    assert _table(out, "tblManagers")[0] == schema.MANAGERS_OUT.headers("zh")
    assert _table(out, "tblScores")[1][schema.SCORES_OUT.keys.index("dimension")] in ("业绩结果", "过程行为", "客户价值")


def test_ranks_forced_grades_bonus(team, tmp_path):
    result = consolidate([team], tmp_path / "t.xlsx", lang="en", bonus_pool=100000)
    m = result.managers
    assert sorted(m["rank"]) == list(range(1, 13))
    # vetoed manager: grade D whatever the total, ranked last, forced D
    vetoed = m[m["manager_id"] == "AM011"].iloc[0]
    assert vetoed["veto"] and vetoed["grade"] == "D" and vetoed["rank"] == 12 and vetoed["forced_grade"] == "D"
    others = m[~m["veto"]]
    expected = engine.kpi_forced_grades(list(others["manager_id"]), list(others["final_score"]),
                                        list(others["quant_score"]))
    counts = dict(engine.forced_headcounts(12))
    got = m["forced_grade"].value_counts().to_dict()
    assert {g: got.get(g, 0) for g in counts} == counts
    # the best non-vetoed manager gets the best forced grade the engine would give
    assert m.iloc[0]["forced_grade"] == "S" and expected[list(others["final_score"]).index(max(others["final_score"]))] == "S"
    # ranks follow final score descending
    finals = list(m.sort_values("rank")["final_score"])[:-1]
    assert finals == sorted(finals, reverse=True)
    for _team_name, group in m.groupby("team"):
        assert sorted(group["team_rank"]) == list(range(1, len(group) + 1))
    assert m["bonus"].sum() == pytest.approx(100000)
    coef = dict(engine.DEFAULT_BONUS_COEFFICIENTS)
    assert list(m["bonus_coefficient"]) == [coef[g] for g in m["forced_grade"]]


def test_base_bonus_without_pool(team, tmp_path):
    result = consolidate([team], tmp_path / "t.xlsx", lang="en", base_bonus=2000)
    m = result.managers
    assert list(m["bonus"]) == pytest.approx(list(m["bonus_coefficient"] * 2000))


def test_determinism(team, tmp_path):
    a = consolidate([team], tmp_path / "a.xlsx", lang="en")
    files = sorted(team.iterdir(), reverse=True)
    b = consolidate(files, tmp_path / "b.xlsx", lang="en")
    assert a.managers.equals(b.managers)
    assert a.scores.equals(b.scores)
    assert [f.as_dict() for f in a.findings] == [f.as_dict() for f in b.findings]
    for spec in schema.TEAM_TABLES:
        assert _table(tmp_path / "a.xlsx", spec.name) == _table(tmp_path / "b.xlsx", spec.name)


def test_inputs_unchanged(team, tmp_path):
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in team.iterdir()}
    consolidate([team], tmp_path / "t.xlsx", lang="en")
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in team.iterdir()} == before


def test_output_inside_an_input_folder_is_refused_before_reading(team, monkeypatch):
    # the next run would read it as an input: refused, whether the file exists or not
    monkeypatch.setattr("addin.validation.validate.read_all", lambda *a, **k: pytest.fail("files were read"))
    for out in (team / "team.xlsx", team / "sub" / "team.xlsx"):
        with pytest.raises(UsageError, match="inside the input folder"):
            consolidate([team], out, lang="en")
    assert not (team / "team.xlsx").exists()


def test_an_earlier_team_workbook_in_the_input_folder_is_skipped_not_an_error(team, tmp_path):
    first = consolidate([team], tmp_path / "team.xlsx", lang="en")
    shutil.copy(tmp_path / "team.xlsx", team / "team-2026Q2.xlsx")
    second = consolidate([team], tmp_path / "team.xlsx", lang="en")
    rows = {Path(f).name: (s, r) for f, s, r in zip(second.files["file"], second.files["status"], second.files["reason"])}
    assert second.summary["files"] == first.summary["files"] + 1
    assert rows["team-2026Q2.xlsx"][0] == "rejected" and "team workbook" in rows["team-2026Q2.xlsx"][1]
    assert not [f for f in second.findings if Path(f.file).name == "team-2026Q2.xlsx"]
    assert not second.has_errors


def test_user_text_is_never_a_formula(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    evil = {"manager_id": "=1+1", "manager_name": '=HYPERLINK("http://x","y")', "team": "+cmd|' /C calc'!A0",
            "region": "-2+3", "reviewer": "@SUM(A1)"}
    rows = copy.deepcopy(DEFAULT_ROWS)
    rows[0]["indicator"] = "=EVIL()"
    write_scorecard(folder / "evil.xlsx", header=evil, rows=rows)
    out = tmp_path / "t.xlsx"
    result = consolidate([folder], out, lang="en")
    assert result.summary["merged"] == 1
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert not re.search(rb"<f[ >]", z.read(name)), name
    managers = _table(out, "tblManagers")
    assert managers[1][:4] == ["=1+1", '=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3"]


def test_streaming_writer_gives_the_same_tables(team, tmp_path):
    result = consolidate([team], tmp_path / "a.xlsx", lang="en")
    write_team_workbook(result, tmp_path / "s.xlsx", lang="en", fast_rows=False)
    for spec in schema.TEAM_TABLES:
        assert _table(tmp_path / "a.xlsx", spec.name) == _table(tmp_path / "s.xlsx", spec.name)


def test_failed_write_leaves_previous_output(team, tmp_path, monkeypatch):
    out = tmp_path / "t.xlsx"
    consolidate([team], out, lang="en")
    before = out.read_bytes()
    import addin.consolidation.team_workbook as tw

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(tw, "_write", boom)
    with pytest.raises(RuntimeError):
        consolidate([team], out, lang="en")
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".t-")] == []


def test_output_under_a_file_is_refused_before_reading(team, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setattr("addin.validation.validate.read_all", lambda *a, **k: pytest.fail("files were read"))
    with pytest.raises(UsageError, match="is a file"):
        consolidate([team], blocker / "sub" / "t.xlsx", lang="en")


def test_write_failure_is_an_output_error(team, tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("addin.xlsx.atomic.os.replace", refuse)
    with pytest.raises(OutputError, match="Permission denied"):
        consolidate([team], tmp_path / "t.xlsx", lang="en")
    assert not list(tmp_path.glob("*.xlsx"))  # no half-written file left behind


def _bad_inputs(team: Path, tmp_path: Path):
    """(arguments after `kpi`, words the message must contain, exit code) of bad command lines."""
    (tmp_path / "empty").mkdir()
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "old.xlsx").write_text("a user's file")
    first = sorted(team.glob("*.xlsx"))[0]
    out = str(tmp_path / "t.xlsx")
    return [
        (["consolidate", str(team), "-o", str(tmp_path)], ["is a folder", "team.xlsx"], 2),
        (["consolidate", str(team), "-o", str(tmp_path / "a-file" / "t.xlsx")], ["a-file is a file"], 2),
        (["consolidate", str(team), "-o", str(tmp_path / "team")], [".xlsx"], 2),
        (["consolidate", str(first), str(team), "-o", str(first)], ["is one of the input files"], 2),
        (["consolidate", str(team), "-o", str(first)], [first.name, "inside the input folder"], 2),
        (["consolidate", str(team), "-o", str(tmp_path / "old.xlsx")], ["old.xlsx", "already exists", "--force"], 2),
        (["consolidate", str(tmp_path / "empty"), "-o", out], ["no spreadsheet files", "empty"], 2),
        (["consolidate", str(team), "-o", out, "--bonus-pool", "-5"], ["bonus pool", "-5"], 2),
        (["consolidate", str(team), "-o", out, "--base-bonus", "nan"], ["base bonus", "nan"], 2),
        (["consolidate", str(team), "-o", out, "--period", "zzz"], ["assessment period", "'zzz'", "2026Q3"], 2),
        (["consolidate", str(tmp_path / "missing"), "-o", out], ["no such file or folder", "missing"], 2),
        (["consolidate", str(team), "-o", out, "--bonus-pool", "lots"], ["--bonus-pool", "lots"], 2),
        (["validate", str(tmp_path / "missing.xlsx")], ["no such file or folder", "missing.xlsx"], 2),
        (["validate", str(tmp_path / "empty")], ["no spreadsheet files"], 2),
        (["validate", str(team), "--period", "Q3"], ["assessment period", "'Q3'"], 2),
    ]


def _exit_code(argv) -> int:
    """`kpi ARGV… --lang en` in this process (the tests read the English messages)."""
    try:
        return main([*argv, "--lang", "en"])
    except SystemExit as exc:  # argparse's own usage errors
        return exc.code


def test_bad_command_lines_give_a_clear_message(team, tmp_path, capsys):
    before = {p: p.read_bytes() for p in team.glob("*.xlsx")}
    for argv, words, code in _bad_inputs(team, tmp_path):
        rc = _exit_code(argv)
        err = capsys.readouterr().err
        assert rc == code, (argv, err)
        assert "Error: " in err and "Traceback" not in err, (argv, err)
        for word in words:
            assert word in err, (argv, word, err)
    assert {p: p.read_bytes() for p in team.glob("*.xlsx")} == before  # no input was touched
    assert not (tmp_path / "t.xlsx").exists()


def test_bad_command_line_in_a_shell_has_no_traceback(team, tmp_path):
    first = sorted(team.glob("*.xlsx"))[0]
    proc = run_kpi("consolidate", str(team), "-o", str(first), "--lang", "en")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "inside the input folder" in proc.stderr


def test_period_filter_and_majority(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i, period in enumerate(["2026Q3", "2026Q3", "2026Q2"]):
        write_scorecard(folder / f"m{i}.xlsx", header={"manager_id": f"AM{i}", "period": period})
    result = consolidate([folder], tmp_path / "t.xlsx", lang="en")
    assert [(Path(f.file).name, f.cell, f.code) for f in result.findings] == [("m2.xlsx", "B7", "PERIOD_MISMATCH")]
    result = consolidate([folder], tmp_path / "t.xlsx", lang="en", period="2026Q2")
    assert sorted(Path(f.file).name for f in result.findings) == ["m0.xlsx", "m1.xlsx"]


def test_master_settings_are_used_for_the_team(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(10):
        write_scorecard(folder / f"m{i}.xlsx", header={"manager_id": f"AM{i}"}, rows=_rows(60 + 5 * i))
    quotas = [("S", 0.3), ("A", 0.2), ("B", 0.3), ("C", 0.15), ("D", 0.05)]
    master = write_scorecard(tmp_path / "master.xlsx", settings={"tblQuotas": quotas})
    result = consolidate([folder], tmp_path / "t.xlsx", lang="en", master=master)
    assert (result.managers["forced_grade"] == "S").sum() == 3
    assert {f.code for f in result.findings} == {"SETTINGS_CHANGED"}  # files carry the default quotas


# ------------------------------------------------------------------ CLI

def test_cli_validate_exit_codes(team, tmp_path, capsys):
    assert main(["validate", str(team)]) == 0
    bad = tmp_path / "bad"
    bad.mkdir()
    write_scorecard(bad / "weights-95.xlsx", rows=[dict(r, weight=0.19) if i == 0 else r
                                                   for i, r in enumerate(DEFAULT_ROWS)])
    capsys.readouterr()
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "WEIGHTS_NOT_100" in out and "E12" in out and "weights-95.xlsx" in out
    assert main(["validate", str(bad), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["valid"] is False and data["files"][0]["status"] == "rejected"
    assert main(["validate", str(tmp_path / "missing"), "--lang", "en"]) == 2
    assert "Error: no such file or folder" in capsys.readouterr().err


def test_cli_consolidate(team, tmp_path, capsys):
    out = tmp_path / "o" / "team.xlsx"
    report = tmp_path / "o" / "report.json"
    assert main(["consolidate", str(team), "-o", str(out), "--lang", "en", "--json", str(report),
                 "--bonus-pool", "50000"]) == 0
    text = capsys.readouterr().out
    assert "merged 12" in text and "managers 12" in text and str(out) in text
    data = json.loads(report.read_text(encoding="utf-8"))
    assert len(data["managers"]) == 12 and sum(m["bonus"] for m in data["managers"]) == pytest.approx(50000)
    write_scorecard(team / "zz-bad.xlsx", header={"manager_id": None})
    assert main(["consolidate", str(team), "-o", str(out), "--lang", "en"]) == 0
    assert main(["consolidate", str(team), "-o", str(out), "--lang", "en", "--strict"]) == 1


def test_cli_no_traceback_for_bad_master(team, tmp_path):
    junk = tmp_path / "master.xlsx"
    junk.write_bytes(b"nope")
    proc = run_kpi("consolidate", str(team), "-o", str(tmp_path / "t.xlsx"), "--master", str(junk), "--lang", "en")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "master template" in proc.stderr
    proc = run_kpi("consolidate", str(team), "-o", str(tmp_path / "t.xlsx"), "--master", str(junk), "--lang", "zh")
    assert proc.returncode == 2 and "主模板" in proc.stderr and "无法识别" in proc.stderr


def test_parallel_and_serial_agree(tmp_path, monkeypatch):
    import addin.validation.validate as validate
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(30):
        write_scorecard(folder / f"m{i:02d}.xlsx", header={"manager_id": f"AM{i:03d}"}, rows=_rows(50 + 3 * i))
    serial = consolidate([folder], tmp_path / "s.xlsx", lang="en", write=False)
    monkeypatch.setattr(validate, "PARALLEL_MIN_FILES", 2)
    parallel = consolidate([folder], tmp_path / "p.xlsx", lang="en", write=False)
    assert serial.managers.equals(parallel.managers)
    assert [f.as_dict() for f in serial.findings] == [f.as_dict() for f in parallel.findings]
    assert np.isfinite(parallel.managers["final_score"]).all()


def test_progress_bar_only_on_a_terminal():
    import io

    from addin.cli.progress import ProgressBar

    stream = io.StringIO()
    assert ProgressBar.wanted(stream=stream) is False  # not a TTY
    assert ProgressBar.wanted(disabled=True, stream=stream) is False
    for lang, unit in (("en", "files"), ("zh", "个文件")):
        stream = io.StringIO()
        bar = ProgressBar(lang, stream=stream, min_total=1)
        for done in range(1, 101):
            bar(done, 100)
        text = stream.getvalue()
        assert text.endswith(f"100/100 {unit}\n") and "[" in text


def test_progress_callback_is_called(team, tmp_path):
    calls = []
    consolidate([team], tmp_path / "t.xlsx", lang="en", progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (12, 12) and len(calls) == 12


def test_fast_rows_for_big_teams_match_the_cell_writer(team, tmp_path, monkeypatch):
    import addin.consolidation.team_workbook.sheets as sheets
    result = consolidate([team], tmp_path / "a.xlsx", lang="zh")
    monkeypatch.setattr(sheets, "LINKED_MANAGERS", 3)  # take the big-team route for tblManagers too
    write_team_workbook(result, tmp_path / "fast.xlsx", lang="zh")
    write_team_workbook(result, tmp_path / "slow.xlsx", lang="zh", fast_rows=False)
    for spec in schema.TEAM_TABLES:
        assert _table(tmp_path / "fast.xlsx", spec.name) == _table(tmp_path / "slow.xlsx", spec.name)
    import python_calamine
    book = python_calamine.CalamineWorkbook.from_path(tmp_path / "fast.xlsx")
    rows = book.get_sheet_by_name(schema.MANAGERS_OUT.sheet("zh")).to_python()
    assert len(rows) == 13 and rows[12][schema.MANAGERS_OUT.keys.index("veto")] in ("是", "否")  # zh: 是/否
