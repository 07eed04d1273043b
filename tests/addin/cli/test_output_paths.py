"""Every command that writes refuses the same output paths through the one check (addin/xlsx/output.py).

Each writing command runs against each place it must not write: the file it would write is a
folder, a FIFO or lies below a file; it is one of the command's inputs (refused even with
--force); it is a user's existing file (refused without --force, replaced with it). A refusal
exits 2 with the one text of the ``output`` area and touches no file at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
from support import libreoffice
from support.crm_exports import SALES_RULES as RULES
from support.crm_exports import roster, write_xlsx

from addin.cli.main import main
from addin.collect.actuals_workbook import write_actuals_workbook
from addin.collect.collector import collect
from addin.collect.fill import fill_scorecards
from addin.collect.presets import write_rules_workbook
from addin.consolidation.consolidate import consolidate
from addin.contract.errors import UsageError
from addin.excel.build import ADDIN_NAME, build_addin
from addin.excel.lite import write_lite
from addin.reports.cards import plan, write_cards
from workbook_templates.generator import write_template
from workbook_templates.roster_workbooks import write_roster

FIFOS = hasattr(os, "mkfifo")

# what each refusal says (English), and what an allowed replacement needs
SAYS = {
    "folder": "is a folder; give a file name",
    "fifo": "is not a regular file (a named pipe); nothing is written there",
    "below_file": "is a file, so no folder can be created there",
    "input": "is one of the input files; inputs are never replaced",
    "exists": "already exists",
    "out_is_file": "is a file, not a folder; give a folder",
    "out_is_fifo": "is not a regular file (a named pipe); nothing is written there",
}


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    """The inputs every command reads: two scorecards, an actuals workbook, a team workbook, a roster."""
    w = tmp_path_factory.mktemp("world")
    (w / "cards").mkdir()
    for manager_id, name in (("AM001", "张伟"), ("AM002", "李娜")):
        rows = [{"target": 100, "actual": 90 if manager_id == "AM001" else 110}] * 5
        write_template(w / "cards" / f"{manager_id}.xlsx", size="small", lang="zh",
                       header={"manager_id": manager_id, "manager_name": name, "period": "2026Q3"}, rows=rows)
    write_xlsx(w / "deals.xlsx", ["负责人", "金额", "实际结束时间"],
               [{"负责人": "张伟", "金额": "12,000.00", "实际结束时间": "2026-07-03"}])
    (w / "rules.toml").write_text(RULES, encoding="utf-8")
    people = roster(w / "roster.csv", [("AM001", "张伟", "华东"), ("AM002", "李娜", "华东")])
    write_actuals_workbook(collect(w / "rules.toml", people, "2026Q3", lang="zh"), w / "actuals.xlsx")
    consolidate([w / "cards"], w / "team.xlsx", period="2026Q3", lang="en")
    return w


def _card_name(w: Path) -> str:
    return plan(w / "team.xlsx", w / "x")[3][0].name


@dataclass(frozen=True)
class Command:
    """A writing command: its arguments for an output ``out``, and the file it writes for that ``out``."""

    name: str
    argv: Callable[[Path, Path], list]
    target: Callable[[Path, Path], Path] = lambda w, out: out
    default: str = "out.xlsx"  # the output path (file or folder) of the cases that do not move it
    force: bool = True  # has --force
    folder: bool = False  # -o names a folder
    input: Callable[[Path], Path] | None = None  # the -o that makes the written file one of the inputs
    cases: tuple[str, ...] = field(default=())

    def all_cases(self) -> tuple[str, ...]:
        if self.cases:
            return self.cases
        cases = ["folder", "fifo", "below_file", "exists"]
        cases += ["input"] if self.input else []
        cases += ["force"] if self.force else []
        cases += ["out_is_file"] if self.folder else []
        return tuple(cases)


def _collect(w: Path) -> list:
    return ["collect", w / "rules.toml", "--roster", w / "roster.csv", "--period", "2026Q3"]


def _consolidate(w: Path) -> list:
    return ["consolidate", w / "cards" / "AM001.xlsx", w / "cards" / "AM002.xlsx", "--period", "2026Q3",
            "--no-progress"]


COMMANDS = [
    Command("new", lambda w, out: ["new", "--size", "small", "-o", out]),
    Command("new --roster", lambda w, out: ["new", "--roster", w / "roster.csv", "--size", "small", "-o", out],
            default="scorecards", folder=True, cases=("out_is_file", "out_is_fifo", "below_file")),
    Command("fill", lambda w, out: ["fill", w / "cards" / "AM001.xlsx", "--actuals", w / "actuals.xlsx", "-o", out],
            target=lambda w, out: out / "AM001.xlsx", default="filled", folder=True, input=lambda w: w / "cards"),
    Command("collect -o", lambda w, out: [*_collect(w), "-o", out], input=lambda w: w / "deals.xlsx"),
    Command("collect --json", lambda w, out: [*_collect(w), "-o", w / "fresh.xlsx", "--json", out],
            default="out.json"),
    Command("collect --init", lambda w, out: ["collect", "--init", out, "--size", "small"]),
    Command("cards", lambda w, out: ["cards", w / "team.xlsx", "-o", out],
            target=lambda w, out: out / _card_name(w), default="result-cards", folder=True),
    Command("cards --pdf", lambda w, out: ["cards", w / "team.xlsx", "-o", out, "--pdf"],
            target=lambda w, out: (out / _card_name(w)).with_suffix(".pdf"), default="result-cards", folder=True,
            cases=("folder", "fifo", "exists")),  # replacing runs LibreOffice: tests/addin/reports/test_cards.py
    Command("addin build", lambda w, out: ["addin", "build", "-o", out], target=lambda w, out: out / ADDIN_NAME,
            default="addin", folder=True),
    Command("addin lite", lambda w, out: ["addin", "lite", "-o", out], target=lambda w, out: out / "main.py",
            default="lite", folder=True),
    Command("consolidate -o", lambda w, out: [*_consolidate(w), "-o", out], input=lambda w: w / "cards" / "AM001.xlsx"),
    Command("consolidate --json", lambda w, out: [*_consolidate(w), "-o", w / "fresh.xlsx", "--json", out],
            default="out.json"),
    Command("demo", lambda w, out: ["demo", "-o", out, "--managers", "2", "--size", "small"],
            target=lambda w, out: out / "team.xlsx", default="demo", force=False, folder=True),
]
CASES = [pytest.param(c, case, id=f"{c.name}-{case}") for c in COMMANDS for case in c.all_cases()]


def _state(root: Path) -> dict[str, tuple]:
    """Every path below ``root`` with its kind, and the size, time and digest of each file."""
    out = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        key = str(path.relative_to(root))
        if path.is_file() and not path.is_symlink():
            out[key] = ("file", info.st_size, info.st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
        else:
            out[key] = ("dir" if path.is_dir() else "other", info.st_mode)
    return out


@contextlib.contextmanager
def _no_hang(seconds: int = 120):
    """A command that opened a FIFO would wait forever: fail the test instead."""
    if not hasattr(signal, "setitimer"):
        yield
        return
    def stop(*_):
        raise TimeoutError("the command hung (it opened a FIFO?)")
    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("command,case", CASES)
def test_every_writing_command_refuses_the_same_places(command: Command, case: str, world, tmp_path, capsys):
    if "fifo" in case and not FIFOS:
        pytest.skip("no FIFOs on this system")
    if "pdf" in command.name:
        libreoffice.require()  # skips locally without LibreOffice, fails in CI
    w = tmp_path / "w"
    shutil.copytree(world, w)
    out = w / command.default
    extra: list[str] = []
    if case == "below_file":
        (w / "blocker").write_text("x")
        out = w / "blocker" / command.default
    elif case == "input":
        out, extra = command.input(w), ["--force"]  # an input is never replaced, not even with --force
    elif case in ("out_is_file", "out_is_fifo"):
        os.mkfifo(out) if case == "out_is_fifo" else out.write_text("a user's file")
    target = command.target(w, out)
    if case in ("folder", "fifo", "exists", "force"):
        target.parent.mkdir(parents=True, exist_ok=True)
        if case == "folder":
            target.mkdir()
        elif case == "fifo":
            os.mkfifo(target)
        else:
            target.write_bytes(b"a user's file")
    if case == "force":
        extra = ["--force"]
    before = _state(tmp_path)
    capsys.readouterr()
    with _no_hang():
        code = main([*map(str, command.argv(w, out)), *extra, "--lang", "en"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if case == "force":
        assert code == 0, err
        assert target.read_bytes() != b"a user's file"  # replaced, as asked
        return
    assert code == 2, err
    assert err.startswith("Error: ") and len(err.strip().splitlines()) == 1, err
    says = SAYS[case]
    if case == "folder" and command.folder:  # the command names the file: the folder is in its way
        says = "is a folder where a file is to be written: move it away"
    if case == "exists" and command.name == "demo":
        says = "was not written by kpi demo, which never replaces or removes it"
    assert says in err, err
    shown = out if case in ("out_is_file", "out_is_fifo", "below_file") else target
    assert str(shown) in err, err
    if case == "exists" and command.force:
        assert "add --force to replace it" in err, err
    assert _state(tmp_path) == before  # not one file written, changed or removed


LIBRARY = [  # (name, call(w, out), the file it writes for out): scripts are as safe as the command line
    ("write_template", lambda w, out: write_template(out, size="small"), lambda w, out: out),
    ("write_rules_workbook", lambda w, out: write_rules_workbook(out, "cordys", "small", "zh"), lambda w, out: out),
    ("fill_scorecards", lambda w, out: fill_scorecards([w / "cards" / "AM001.xlsx"], w / "actuals.xlsx", out),
     lambda w, out: out / "AM001.xlsx"),
    ("write_cards", lambda w, out: write_cards(w / "team.xlsx", out), lambda w, out: out / _card_name(w)),
    ("build_addin", lambda w, out: build_addin(out), lambda w, out: out / ADDIN_NAME),
    ("write_lite", lambda w, out: write_lite(out), lambda w, out: out / "requirements.txt"),
    ("write_roster", lambda w, out: write_roster(w / "roster.csv", out, "small"), lambda w, out: out),
]


@pytest.mark.parametrize("name,call,target", LIBRARY, ids=[item[0] for item in LIBRARY])
def test_library_writers_refuse_what_the_commands_refuse(name, call, target, world, tmp_path):
    w = tmp_path / "w"
    shutil.copytree(world, w)
    out = w / ("out.xlsx" if name in ("write_template", "write_rules_workbook") else "out")
    path = target(w, out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"a user's file")  # write_roster: the output folder is this file
    before = _state(tmp_path)
    with pytest.raises(UsageError) as caught:
        call(w, out)
    expected = "output.folder_is_file" if name == "write_roster" else "output.exists"
    assert caught.value.key == expected and str(path) in str(caught.value)
    assert _state(tmp_path) == before


@pytest.mark.parametrize("command", [
    ["consolidate", "{w}/cards", "--period", "2026Q3", "--no-progress", "-o", "{out}"],
    ["collect", "{w}/rules.toml", "--roster", "{w}/roster.csv", "--period", "2026Q3", "--data", "{w}", "-o", "{out}"],
], ids=["consolidate", "collect"])
def test_an_earlier_output_is_replaced_until_a_person_saves_it(command, world, tmp_path, capsys):
    """Re-running is safe (kpi's own earlier workbook is replaced), but once HR has opened the
    workbook, typed a note and saved it, it is theirs: refused without --force, named, untouched."""
    out = tmp_path / "result.xlsx"
    argv = [part.format(w=world, out=out) for part in command] + ["--lang", "en"]
    assert main(argv) == 0 and main(argv) == 0, capsys.readouterr().err
    book = openpyxl.load_workbook(out)
    book.worksheets[0]["A1"] = "HR: checked with the director"
    book.save(out)
    edited = out.read_bytes()
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.strip() == (f"Error: {out} was written by kpi but saved again since (someone may have edited it); "
                           "it is not replaced: add --force to replace it"), err
    assert out.read_bytes() == edited
    assert main([*argv, "--force"]) == 0 and out.read_bytes() != edited
