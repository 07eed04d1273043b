"""`kpi fill` on hostile folders: a scorecard that hangs its reader costs that file, and every input
(a FIFO, a link loop, litter, an .xls) gets its line; nothing is dropped silently."""

from __future__ import annotations

import os
import time
from pathlib import Path

from support.crm_exports import roster, write_xlsx

import addin.collect.fill as fill_module
from addin.collect.actuals_workbook import write_actuals_workbook
from addin.collect.collector import collect
from addin.collect.fill import fill_scorecards
from addin.xlsx.isolation import BUDGET_ENV
from workbook_templates.generator import write_template

RULES = """
[sources.deals]
files = ["deals.xlsx"]
owner = "Owner"
date = "Date"

[[rules]]
indicator = "Customer visits"
source = "deals"
measure = "count"
"""


def _actuals(tmp_path: Path) -> Path:
    write_xlsx(tmp_path / "deals.xlsx", ["Owner", "Date"], [{"Owner": "Wei", "Date": "2026-07-03"},
                                                         {"Owner": "Na", "Date": "2026-08-03"}])
    (tmp_path / "rules.toml").write_text(RULES, encoding="utf-8")
    people = roster(tmp_path / "roster.csv", [("AM001", "Wei", "East"), ("AM002", "Na", "East")])
    return write_actuals_workbook(collect(tmp_path / "rules.toml", people, "2026Q3", lang="en"), tmp_path / "actuals.xlsx")


def _scorecards(folder: Path) -> Path:
    folder.mkdir()
    for manager in ("AM001", "AM002"):
        write_template(folder / f"{manager}.xlsx", size="small", lang="en",
                       header={"manager_id": manager, "period": "2026Q3"}, rows=[{"target": 100}])
    return folder


def test_a_scorecard_that_hangs_its_reader_costs_that_file(tmp_path, monkeypatch):
    actuals, folder = _actuals(tmp_path), _scorecards(tmp_path / "cards")
    real = fill_module.read_scorecard

    def hangs_on_am002(path):
        if Path(path).name == "AM002.xlsx":
            time.sleep(60)  # a parser loop nobody foresaw
        return real(path)

    monkeypatch.setattr(fill_module, "read_scorecard", hangs_on_am002)
    monkeypatch.setenv(BUDGET_ENV, "1")
    started = time.monotonic()
    report = fill_scorecards([folder], actuals, tmp_path / "out", lang="en")
    assert time.monotonic() - started < 30
    assert report.failed
    assert [p.name for p in report.outputs] == ["AM001.xlsx"]
    assert any("AM002.xlsx: reading took longer than 1" in line for line in report.lines), report.lines
    assert [(Path(f.file).name, f.code) for f in report.findings] == [("AM002.xlsx", "FILE_UNREADABLE")]


def test_every_input_gets_its_line(tmp_path):
    actuals, folder = _actuals(tmp_path), _scorecards(tmp_path / "cards")
    (folder / "loop.xlsx").symlink_to("loop.xlsx")
    (folder / "~$AM001.xlsx").write_bytes(b"\x05owner" + b" " * 100)
    (folder / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500)
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe.xlsx")
    report = fill_scorecards([folder], actuals, tmp_path / "out", lang="en")
    lines = "\n".join(report.lines)
    assert "loop.xlsx: a loop of symbolic links" in lines
    assert "~$AM001.xlsx: Excel lock file" in lines
    assert "old.xls: only .xlsx/.xlsm scorecards are filled; skipped" in lines
    if hasattr(os, "mkfifo"):
        assert "pipe.xlsx: a named pipe (FIFO)" in lines
    assert sorted(p.name for p in report.outputs) == ["AM001.xlsx", "AM002.xlsx"]
    assert report.failed  # the unreadable ones are errors; the lock file is not
    assert sorted(Path(f.file).name for f in report.findings) == sorted(
        ["loop.xlsx"] + (["pipe.xlsx"] if hasattr(os, "mkfifo") else []))
