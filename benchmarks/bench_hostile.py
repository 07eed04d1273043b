"""Benchmark: hostile scorecards cost what their bytes cost, never more.

    python benchmarks/bench_hostile.py

Issue 13 found two ways one file could stop a run: an unclosed start tag repeated after
the last ``>`` of an XML part made the parser rescan to the end for every repeat (128 KB:
20 s, 1 MB: > 800 s), and one cell at ``XFD1048576`` made python-calamine try to allocate
512 GiB (the process aborted; at ``XFD10000`` 10.8 s and 5 GB). This script times
``read_scorecard`` on such files at growing sizes and prints, per case, the seconds and
the growth factor when the hostile part doubles: linear parsing shows ~2x, quadratic ~4x.
It checks its workload first (each file is the hostile case it names: refused as malformed
XML, or read as a scorecard with the far cell dropped) and exits 1 when a target is missed
(every read under 2 s, growth per doubling under 3x).

With ``--corpus DIR`` (default ``../shared/corpus`` when it exists) it also runs ``kpi validate
--json`` and ``kpi consolidate`` as a user would on a copy of about 1,100 real spreadsheets (none
a scorecard: .xls, .xlsb, .ods, encrypted, damaged and odd .xlsx files from calamine's and
XlsxWriter's test suites) and prints each command's seconds and peak memory; it checks that no
command prints a traceback and that every spreadsheet is listed exactly once, and misses its
target when a command takes over 120 s or 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

SECONDS_TARGET = 2.0
GROWTH_TARGET = 3.0
CORPUS = ROOT.parent / "shared" / "corpus"
CORPUS_SECONDS_TARGET = 120.0
CORPUS_MEMORY_TARGET_MB = 1536


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _write(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:  # stored: not mistaken for a zip bomb
        for name, data in members.items():
            z.writestr(name, data)
    return path


def _timed(path: Path, repeat: int):
    from addin.xlsx.reader import read_scorecard

    best, card = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        card = read_scorecard(path)
        best = min(best, time.perf_counter() - started)
    return best, card


def main() -> int:
    from support.scorecards import write_scorecard

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=CORPUS if CORPUS.is_dir() else None,
                        help="folder of real spreadsheets to validate and consolidate (default ../shared/corpus)")
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        good = _members(write_scorecard(folder / "good.xlsx"))
        table = next(n for n in good if n.startswith("xl/tables/") and b'name="tblKPI"' in good[n])
        print("unclosed start tags after the last '>', and inside the part after as many well-formed elements")
        print("(refused as malformed XML, in one pass):")
        cases = [(part, where) for part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", table)
                 for where in ("after", "inside")]
        for part, where in cases:
            times = []
            for size_kb in (128, 256, 512, 1024):
                members = dict(good)
                count = size_kb * 1024 // 7
                if where == "after":
                    members[part] = members[part] + b"<sheet " * count
                else:
                    head, _, tail = members[part].rpartition(b"</")
                    members[part] = head + b"<x/>" * (count // 2) + b"<sheet " * (count // 2) + b"</" + tail
                seconds, card = _timed(_write(folder / "q.xlsx", members), args.repeat)
                if card.ok or "well-formed" not in card.reason:
                    print(f"  workload check failed: {part} {size_kb} KB was read as {card.reason or 'a scorecard'}")
                    return 1
                times.append(seconds)
                print(f"  {part:28s} {where:6s} {size_kb:5d} KB: {seconds:.4f} s")
            growth = max([b / a for a, b in zip(times, times[1:]) if a > 0.005] or [1.0])  # ms noise aside
            failed |= max(times) > SECONDS_TARGET or growth > GROWTH_TARGET
            print(f"  {'':35s} worst growth per doubling: {growth:.1f}x")
        print("one far-away cell on the scorecard sheet (read, the far cell outside the window dropped):")
        sheet = "xl/worksheets/sheet1.xml"
        for ref, row in (("XFD10000", 10000), ("XFD1048576", 1048576)):
            members = dict(good)
            members[sheet] = members[sheet].replace(
                b"</sheetData>", b'<row r="%d"><c r="%s"><v>1</v></c></row></sheetData>' % (row, ref.encode()))
            seconds, card = _timed(_write(folder / "far.xlsx", members), args.repeat)
            if not card.ok:
                print(f"  workload check failed: {ref} was not read ({card.reason})")
                return 1
            failed |= seconds > SECONDS_TARGET
            print(f"  {ref:12s}: {seconds:.4f} s")
    if args.corpus is not None:
        missed = _corpus(args.corpus)
        if missed is None:
            return 1
        failed |= missed
    print("targets:", "missed" if failed else f"met (each read < {SECONDS_TARGET:g} s, growth < {GROWTH_TARGET:g}x"
          + (f"; corpus commands < {CORPUS_SECONDS_TARGET:g} s, < {CORPUS_MEMORY_TARGET_MB} MB)" if args.corpus else ")"))
    return 1 if failed else 0


def _kpi(*args) -> tuple[subprocess.CompletedProcess, float, int]:
    """``kpi ARGS`` in a fresh process: (result, seconds, peak memory in MB of it or any of its workers)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), KPI_LANG="en")
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "addin.cli", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=1800)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024  # KB on Linux
    return proc, seconds, peak


def _corpus(corpus: Path) -> bool | None:
    """Validate and consolidate a copy of the corpus; True when a target is missed, None when the workload is wrong."""
    from addin.xlsx.discovery import SPREADSHEET_SUFFIXES

    print(f"real spreadsheets ({corpus}):")
    missed = False
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        shutil.copytree(corpus, folder, symlinks=True)
        expected = sorted(str(p) for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SPREADSHEET_SUFFIXES)
        out = Path(tmp) / "out"
        out.mkdir()
        runs = {"validate --json": ("validate", "--json", folder),
                "consolidate": ("consolidate", folder, "-o", out / "team.xlsx", "--json", out / "report.json",
                                "--no-progress")}
        for label, args in runs.items():
            proc, seconds, peak = _kpi(*args)
            if proc.returncode not in (0, 1) or "Traceback" in proc.stderr:
                print(f"  workload check failed: kpi {label} exited {proc.returncode}: {proc.stderr[-500:]}")
                return None
            report = json.loads(proc.stdout) if label.startswith("validate") else json.loads(
                (out / "report.json").read_text(encoding="utf-8"))
            listed = sorted(entry.get("path") or entry.get("file") for entry in report["files"])
            if listed != expected:
                print(f"  workload check failed: kpi {label} listed {len(listed)} files, the folder has {len(expected)}")
                return None
            missed |= seconds > CORPUS_SECONDS_TARGET or peak > CORPUS_MEMORY_TARGET_MB
            print(f"  kpi {label:16s} {len(expected):5d} files: {seconds:6.1f} s, peak {peak:5d} MB, each listed once")
    return missed


if __name__ == "__main__":
    sys.exit(main())
