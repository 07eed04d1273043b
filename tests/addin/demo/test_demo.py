"""`kpi demo` end to end: a synthetic team with planted problems, consolidated."""

from __future__ import annotations

import subprocess
from pathlib import Path

import openpyxl
import pytest
from support import required
from support.paths import ROOT, run_kpi

from addin.cli import main
from addin.consolidation.consolidate import consolidate
from addin.demo.team import PERIOD, build_team


def test_demo_end_to_end(tmp_path, capsys):
    assert main(["demo", "-o", str(tmp_path / "demo"), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "files 24: merged 23, rejected 1, duplicate 0" in out
    assert str(tmp_path / "demo" / "team.xlsx") in out
    for code in ("LENIENT_REVIEWER", "WEIGHTS_NOT_100", "FORMULA_OVERWRITTEN", "MISSING_ACTUAL"):
        assert code in out
    book = openpyxl.load_workbook(tmp_path / "demo" / "team.xlsx")
    assert {"tblManagers", "tblScores", "tblFindings", "tblFiles"} <= {
        name for ws in book.worksheets for name in ws.tables}
    assert (tmp_path / "demo" / "roster.csv").read_text(encoding="utf-8-sig").startswith("manager_id,")


def test_demo_planted_problems_are_found_where_planted(tmp_path):
    paths, planted = build_team(tmp_path / "d", managers=24, size="medium", lang="zh", seed=7)
    assert len(paths) == 24 and all(p.exists() for p in paths)
    result = consolidate([tmp_path / "d" / "scorecards"], tmp_path / "d" / "team.xlsx", period=PERIOD, lang="zh")
    by_code = {}
    for f in result.findings:
        by_code.setdefault(f.code, set()).add(f.manager_id)
    assert planted.weights in by_code["WEIGHTS_NOT_100"]
    assert planted.overwritten in by_code["FORMULA_OVERWRITTEN"]
    assert planted.missing_actual in by_code["MISSING_ACTUAL"]
    lenient = [f for f in result.findings if f.code == "LENIENT_REVIEWER"]
    assert [f.details["reviewer"] for f in lenient] == [planted.lenient_reviewer]
    def status(manager_id):
        (found,) = [st for f, st in zip(result.files["file"], result.files["status"]) if f"_{manager_id}_" in f]
        return found
    assert status(planted.weights) == "rejected"
    assert status(planted.missing_actual) == "merged"
    assert Path(paths[0]).name.startswith(f"{PERIOD}_")  # the roster route's file names
    assert len(result.managers) == 24  # every manager seen, the rejected one too
    assert sorted(result.managers["status"]) == ["rejected"] + ["scored"] * 23
    # Chinese file names are fine
    assert any("_" in Path(p).name and not Path(p).name.isascii() for p in paths)


@pytest.mark.parametrize("size", ["small", "large"])
def test_demo_sizes_and_seed_reproducible(tmp_path, size):
    a = build_team(tmp_path / "a", managers=12, size=size, lang="en", seed=3)[0]
    b = build_team(tmp_path / "b", managers=12, size=size, lang="en", seed=3)[0]
    ra = consolidate([tmp_path / "a" / "scorecards"], None, lang="en", write=False)
    rb = consolidate([tmp_path / "b" / "scorecards"], None, lang="en", write=False)
    assert len(a) == len(b) == 12
    assert list(ra.managers["final_score"].fillna(-1)) == list(rb.managers["final_score"].fillna(-1))
    assert list(ra.managers["status"]) == list(rb.managers["status"])


def test_demo_usage_error(tmp_path):
    proc = run_kpi("demo", "-o", str(tmp_path / "x"), "--managers", "0", "--lang", "en", cwd=ROOT)
    assert proc.returncode == 2 and "Error:" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.libreoffice
def test_team_workbook_prints(tmp_path):
    """LibreOffice prints the team workbook: the summary (figures, the grade mix with its quota
    shares, the three charts) comes first on A4 landscape pages. (A conditional format on the
    TRUE/FALSE veto cells once made LibreOffice crash here.)"""

    from support.libreoffice import convert

    assert main(["demo", "-o", str(tmp_path / "demo"), "--managers", "12", "--lang", "en"]) == 0
    pdf = convert([tmp_path / "demo" / "team.xlsx"], tmp_path / "pdf", "pdf")[0]
    pdftotext, pdfinfo = required.tool("pdftotext", "poppler-utils"), required.tool("pdfinfo", "poppler-utils")
    first = subprocess.run([pdftotext, "-layout", "-f", "1", "-l", "2", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    for text in ("team summary", "Grade mix against the quota", "Final score histogram",
                 "Average score per dimension per team", "Quota share", "Left out of the bonus", "Total paid"):
        assert text in first
    info = subprocess.run([pdfinfo, "-f", "1", "-l", "1", str(pdf)], capture_output=True, text=True).stdout
    width, height = (float(v) for v in info.split("Page    1 size:")[1].split("pts")[0].split(" x "))
    assert width > height  # landscape
