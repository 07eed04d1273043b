"""`kpi` against a hostile environment: full disks, consoles that are not UTF-8, escape sequences
in names, outputs pointed at inputs or devices, demo folders holding a user's files. Each case:
a clear message and exit code, no traceback, no input or old output touched, no temporary file left."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import kpi_env, run_kpi
from support.scorecards import DEFAULT_ROWS, write_scorecard

try:
    import resource
except ImportError:  # Windows
    resource = None

POSIX = os.name == "posix"
ROOT = POSIX and os.geteuid() == 0


@pytest.fixture
def team(tmp_path):
    folder = tmp_path / "team in"
    folder.mkdir()
    for i in range(4):
        write_scorecard(folder / f"m{i}.xlsx", header={"manager_id": f"AM00{i}", "manager_name": f"Person {i}"})
    return folder


def _files(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


def _limited(max_bytes: int):
    """`ulimit -f`: the child may write files up to ``max_bytes`` (SIGXFSZ is ignored by Python: EFBIG)."""
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))


def _no_temp_files(root: Path) -> list[str]:
    return [str(p) for p in root.rglob(".*") if p.is_file() and p.name != ".kpi-demo.json"]


# ------------------------------------------------------------------ disk full

needs_limits = pytest.mark.skipif(resource is None or not POSIX, reason="ulimit -f is POSIX")


@needs_limits
def test_disk_full_consolidate_keeps_the_old_team_workbook(team, tmp_path):
    out = tmp_path / "out" / "team.xlsx"
    assert run_kpi("consolidate", team, "-o", out, "--lang", "en").returncode == 0
    before, inputs = out.read_bytes(), _files(team)
    proc = run_kpi("consolidate", team, "-o", out, "--lang", "en", preexec_fn=_limited(8 * 1024))
    assert proc.returncode == 1, proc.stderr
    assert "Error: cannot write" in proc.stderr and "file size limit" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert out.read_bytes() == before and _files(team) == inputs
    assert _no_temp_files(tmp_path) == []


@needs_limits
@pytest.mark.parametrize("lang,words", [("en", "file size limit"), ("zh", "文件大小上限")])
def test_disk_full_new(tmp_path, lang, words):
    out = tmp_path / "new.xlsx"
    proc = run_kpi("new", "-o", out, "--lang", lang, preexec_fn=_limited(4 * 1024))
    assert proc.returncode == 1 and words in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists() and _no_temp_files(tmp_path) == []


@needs_limits
def test_disk_full_new_roster(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("manager_id,name\nAM001,Wei\nAM002,Na\n", encoding="utf-8")
    proc = run_kpi("new", "--roster", roster, "-o", tmp_path / "cards", "--lang", "en",
                   preexec_fn=_limited(4 * 1024))
    assert proc.returncode == 1 and "file size limit" in proc.stderr and "Traceback" not in proc.stderr
    assert _no_temp_files(tmp_path) == []


@needs_limits
def test_disk_full_demo_keeps_the_earlier_demo(tmp_path):
    folder = tmp_path / "demo"
    assert run_kpi("demo", "-o", folder, "--managers", "4", "--lang", "en").returncode == 0
    cards = _files(folder / "scorecards")
    proc = run_kpi("demo", "-o", folder, "--managers", "4", "--lang", "en", preexec_fn=_limited(8 * 1024))
    assert proc.returncode == 1 and "file size limit" in proc.stderr and "Traceback" not in proc.stderr
    assert _files(folder / "scorecards") == cards and _no_temp_files(tmp_path) == []


@needs_limits
def test_a_failing_json_report_is_not_a_silent_success(tmp_path):
    team = tmp_path / "big team"
    team.mkdir()
    for i in range(30):  # the JSON report grows faster than the (compressed) workbook
        write_scorecard(team / f"m{i}.xlsx", header={"manager_id": f"AM{i:03d}"})
    out, report = tmp_path / "team.xlsx", tmp_path / "report.json"
    assert run_kpi("consolidate", team, "-o", out, "--json", report, "--lang", "en").returncode == 0
    sizes = out.stat().st_size, report.stat().st_size
    report.unlink()
    assert sizes[1] > sizes[0] * 1.2
    limit = (sizes[0] + sizes[1]) // 2
    proc = run_kpi("consolidate", team, "-o", out, "--json", report, "--lang", "en", preexec_fn=_limited(limit))
    assert proc.returncode == 1 and "the team workbook is written, but the JSON report is not" in proc.stderr
    assert out.exists() and not report.exists() and _no_temp_files(tmp_path) == []


# ------------------------------------------------------------------ where outputs may go

def test_json_is_checked_like_the_team_workbook(team, tmp_path):
    out = tmp_path / "team.xlsx"
    first = sorted(team.glob("*.xlsx"))[0]
    inputs = _files(team)
    user = tmp_path / "notes.json"
    user.write_text("my notes", encoding="utf-8")
    cases = [
        ((first.with_suffix(".json"),), 0),  # next to the inputs: fine, it is not a spreadsheet
        ((first,), 2),  # onto an input: refused (and not a .json)
        ((out,), 2),  # onto the team workbook
        ((user,), 2),  # a user's file without --force
        ((user, "--force"), 0),
    ]
    if Path("/dev/null").exists():
        cases.append((("/dev/null", "--force"), 2))
    for extra, code in cases:
        proc = run_kpi("consolidate", team, "-o", out, "--json", *extra, "--lang", "en")
        assert proc.returncode == code, (extra, proc.stderr)
        assert "Traceback" not in proc.stderr
        if code == 2:
            assert "Error: " in proc.stderr
    assert json.loads(user.read_text(encoding="utf-8"))["files"]  # replaced only with --force
    inputs[first.with_suffix(".json").name] = _files(team)[first.with_suffix(".json").name]
    assert _files(team) == inputs


def test_output_onto_an_input_that_cannot_be_read_is_refused(team, tmp_path):
    locked = team / "encrypted.xlsx"
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 500)
    before = _files(team)
    for argv in ((team, "-o", locked), (locked, team / "m0.xlsx", "-o", locked), (team, "-o", team / "new.xlsx")):
        proc = run_kpi("consolidate", *argv, "--lang", "en")
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert _files(team) == before


def test_the_master_template_is_an_input_too(team, tmp_path):
    master = write_scorecard(tmp_path / "master.xlsx")
    before = master.read_bytes()
    for argv in (("-o", master), ("-o", tmp_path / "t.xlsx", "--json", master)):
        proc = run_kpi("consolidate", team, "--master", master, *argv, "--force", "--lang", "en")
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert master.read_bytes() == before


def test_every_merged_manager_vetoed_still_writes_the_workbook(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    rows = [dict(r) for r in DEFAULT_ROWS]
    rows[0].update(veto="yes", actual=0)
    for i in range(3):
        write_scorecard(folder / f"m{i}.xlsx", header={"manager_id": f"AM{i}"}, rows=rows)
    out = tmp_path / "team.xlsx"
    proc = run_kpi("consolidate", folder, "-o", out, "--bonus-pool", "50000", "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    assert "bonus pool 50,000.00 not paid" in proc.stdout and out.exists()


# ------------------------------------------------------------------ the console

@pytest.fixture
def odd_names(tmp_path):
    folder = tmp_path / "odd"
    folder.mkdir()
    rows = [dict(r) for r in DEFAULT_ROWS]
    rows[0]["indicator"] = "Sales \x1b[2J\x1b[1;1Hall valid"
    rows[0]["actual"] = None  # MISSING_ACTUAL: a finding whose message names the indicator
    write_scorecard(folder / "emoji 😀 经理.xlsx", header={"manager_id": "AM1", "manager_name": "Wei 😀"}, rows=rows)
    write_scorecard(folder / "esc\x1b]0;pwned\x07.xlsx", header={"manager_id": "AM2"}, rows=rows)
    if POSIX:
        write_scorecard(os.fsdecode(bytes(folder) + b"/" + "张伟.xlsx".encode("gb18030")), header={"manager_id": "AM3"})
    return folder


@pytest.mark.parametrize("encoding", ["cp1252", "cp936", "ascii"])
def test_a_console_that_is_not_utf8_degrades_gracefully(odd_names, tmp_path, encoding):
    for argv in (("validate", odd_names, "--lang", "zh"), ("validate", odd_names, "--json", "--lang", "en"),
                 ("consolidate", odd_names, "-o", tmp_path / f"{encoding}.xlsx", "--lang", "zh")):
        proc = run_kpi(*argv, env=kpi_env(PYTHONIOENCODING=encoding), encoding=encoding)
        assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, (argv, proc.stderr)
        assert proc.stdout.strip()


def test_escape_sequences_in_names_are_made_visible(odd_names):
    proc = run_kpi("validate", odd_names, "--lang", "en")
    assert "\x1b" not in proc.stdout + proc.stderr and "\x07" not in proc.stdout + proc.stderr
    assert "\\x1b[2J" in proc.stdout  # the indicator name, made visible
    assert "esc\\x1b]0;pwned\\x07" in proc.stdout  # the file name too


def test_output_redirected_to_a_file(odd_names, tmp_path):
    log = tmp_path / "log.txt"
    with open(log, "wb") as handle:  # `kpi validate DIR > log.txt`: the console's encoding is the locale's
        code = subprocess.run([sys.executable, "-m", "addin.cli", "validate", str(odd_names), "--lang", "zh"],
                              stdout=handle, stderr=subprocess.PIPE, env=kpi_env(LC_ALL="C", PYTHONUTF8="0"),
                              timeout=300)
    assert code.returncode == 1 and b"Traceback" not in code.stderr
    assert "MISSING_ACTUAL" in log.read_text(encoding="utf-8", errors="replace")


# ------------------------------------------------------------------ kpi demo -o

def test_demo_refuses_a_file_a_path_below_a_file_and_other_peoples_files(tmp_path):
    existing = tmp_path / "existing.txt"
    existing.write_text("mine")
    (tmp_path / "mine" / "scorecards").mkdir(parents=True)
    (tmp_path / "mine" / "scorecards" / "budget.xlsx").write_bytes(b"my budget")
    (tmp_path / "mine" / "roster.csv").write_text("my roster")
    before = _files(tmp_path)
    for target, words in ((existing, "is a file"), (existing / "sub", "is a file"),
                          (tmp_path / "mine", "was not written by kpi demo")):
        proc = run_kpi("demo", "-o", target, "--managers", "3", "--lang", "en")
        assert proc.returncode == 2 and words in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert _files(tmp_path) == before


def test_demo_reruns_and_removes_only_its_own_files(tmp_path):
    folder = tmp_path / "demo"
    assert run_kpi("demo", "-o", folder, "--managers", "5", "--lang", "en").returncode == 0
    (folder / "notes.txt").write_text("mine, beside the demo")
    assert run_kpi("demo", "-o", folder, "--managers", "3", "--lang", "en").returncode == 0
    assert len(list((folder / "scorecards").glob("*.xlsx"))) == 3  # the two of the first run it wrote are gone
    assert (folder / "notes.txt").read_text() == "mine, beside the demo"


@pytest.mark.skipif(not POSIX or ROOT, reason="permissions do not bind root")
def test_demo_into_a_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        proc = run_kpi("demo", "-o", folder / "demo", "--lang", "en")
        assert proc.returncode == 2 and "not writable" in proc.stderr and "Traceback" not in proc.stderr
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)
