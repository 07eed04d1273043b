"""Benchmark `kpi consolidate` against a naive openpyxl consolidation.

    python benchmarks/bench_consolidate.py            # 1000 files
    python benchmarks/bench_consolidate.py --files 10000

Generates N per-manager workbooks (medium template, realistic actuals and reviews)
with the template generator, then measures in the same run:

1. ``consolidate()`` called in-process (read, validate, recompute, write the team workbook);
2. ``kpi consolidate`` as a subprocess, with the peak resident memory of its whole
   process tree (sampled from /proc every 20 ms; workers included);
3. a naive consolidation: openpyxl ``load_workbook`` per file, read the stored
   values of tblKPI and the result cells, write one openpyxl workbook. With
   ``--naive-max`` smaller than N it runs on that many files and is extrapolated
   linearly (reported as such).

Generation is the slow part (the generator writes ~50 workbooks a second per core), so
the files are made from ``--variants`` distinct generated workbooks, each cloned with
new manager ids, names and teams (placeholders swapped in the worksheet parts and
shared strings: every file is different, with its own SHA-256 and manager), and cached
under ``--cache``.

The benchmark checks its own workload before it prints a time: every generated file
has its own manager id, and every run must merge all N files (no rejection, no
duplicate) with N × 8 indicator rows; otherwise it stops with exit status 1.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def generate(folder: Path, n: int, variants: int, seed: int = 1) -> list[Path]:
    """N scorecards in ``folder`` (reused when already there)."""
    from addin.contract.standard import default_rows
    from workbook_templates.generator import write_template

    folder.mkdir(parents=True, exist_ok=True)
    # inputs made by another version of this script (or of the writer) are made again
    made_by = hashlib.sha256(Path(__file__).read_bytes() + Path(write_template.__code__.co_filename).read_bytes())
    marker = folder / f".complete-{n}-{variants}-{seed}-{made_by.hexdigest()[:12]}"
    files = sorted(folder.glob("m*.xlsx"))
    if marker.exists() and len(files) == n:
        return files
    shutil.rmtree(folder)
    folder.mkdir(parents=True)
    rnd = random.Random(seed)
    base_dir = folder / "_base"
    base_dir.mkdir()
    bases = []
    defaults = default_rows("medium", "en")
    targets = {"Sales revenue": 500, "New customers": 20, "Renewal rate": 0.9, "Customer visits": 60,
               "Follow-up timeliness": 0.95, "CRM record completeness": 0.95, "Customer satisfaction": 90,
               "Complaint handling time": 24}
    for v in range(min(variants, n)):
        rows = []
        for row in defaults:
            target = targets.get(row["indicator"], 100)
            rows.append({"target": target, "actual": round(target * rnd.uniform(0.6, 1.35), 3)})
        reviews = []
        for role, reviewer in (("self", "SELF#####"), ("manager", f"BOSS{v % 9}")):
            for competency in ("Customer relationships", "Professional skills", "Teamwork", "Compliance"):
                reviews.append({"role": role, "reviewer": reviewer, "competency": competency,
                                "rating": rnd.choice([3, 3.5, 4, 4.5, 5])})
        header = {"manager_id": "ID#####", "manager_name": "NAME#####", "team": "TEAM##", "region": "East",
                  "period": "2026Q3", "reviewer": f"BOSS{v % 9}"}
        bases.append(write_template(base_dir / f"b{v:04d}.xlsx", size="medium", lang="en", header=header,
                                    rows=rows, reviews=reviews))
    blobs = []
    for base in bases:
        with zipfile.ZipFile(base) as z:
            blobs.append([(info, z.read(info.filename)) for info in z.infolist()])
    out = []
    for i in range(n):
        members = blobs[i % len(blobs)]
        path = folder / f"m{i:05d}.xlsx"
        swapped = 0
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            for info, data in members:
                # the generator writes inline strings in the sheets; other writers use sharedStrings.xml
                if info.filename.startswith("xl/worksheets/") or info.filename == "xl/sharedStrings.xml":
                    swapped += data.count(b">ID#####<")  # the id cell (the page headers name it too)
                    data = (data.replace(b"ID#####", f"AM{i:05d}".encode())
                            .replace(b"NAME#####", f"Manager {i:05d}".encode())
                            .replace(b"SELF#####", f"Manager {i:05d}".encode())
                            .replace(b"TEAM##", f"Team {i % 40:02d}".encode()))
                z.writestr(info, data)
        if swapped != 1:
            raise SystemExit(f"workload error: the manager id placeholder occurs {swapped} times in {path.name}")
        out.append(path)
    shutil.rmtree(base_dir)
    marker.touch()
    return out


INDICATORS = 8  # the medium template


def check_workload(n: int, merged: int, rejected: int, duplicate: int, score_rows: int, what: str) -> None:
    """Stop (exit 1) unless the run consolidated what the benchmark claims: N distinct managers, all merged."""
    if (merged, rejected, duplicate, score_rows) != (n, 0, 0, n * INDICATORS):
        raise SystemExit(f"workload error in {what}: expected {n} merged, 0 rejected, 0 duplicate and "
                         f"{n * INDICATORS} score rows; got {merged} merged, {rejected} rejected, "
                         f"{duplicate} duplicate, {score_rows} score rows")


def naive_openpyxl(files: list[Path], output: Path) -> int:
    """The obvious approach: openpyxl per file, stored values, one output workbook."""
    import openpyxl

    out = openpyxl.Workbook()
    ws = out.active
    ws.append(["file", "manager_id", "indicator", "weight", "actual", "score", "final_score", "grade"])
    rows = 0
    for path in files:
        wb = openpyxl.load_workbook(path, data_only=True)
        names = {}
        for name, dn in wb.defined_names.items():
            for sheet, ref in dn.destinations:
                names[name] = wb[sheet][ref.replace("$", "")].value
        for sheet in wb.worksheets:
            for table in sheet.tables.values():
                if table.name != "tblKPI":
                    continue
                cells = list(sheet[table.ref])
                header = [c.value for c in cells[0]]
                index = {h: i for i, h in enumerate(header)}
                for line in cells[1:]:
                    values = [c.value for c in line]
                    ws.append([str(path), names.get("kpi_manager_id"), values[index["Indicator"]],
                               values[index["Weight"]], values[index["Actual"]], values[index["Score"]],
                               names.get("kpi_final_score"), names.get("kpi_grade")])
                    rows += 1
        wb.close()
    out.save(output)
    return rows


def _tree_memory_kb(pid: int) -> tuple[int, int]:
    """(sum of RSS, sum of PSS) over a process and its descendants, in KB.

    RSS counts pages shared by forked workers once per process (an upper bound);
    PSS shares them out (the memory the tree really uses)."""
    total = pss = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            try:
                with open(f"/proc/{p}/smaps_rollup") as handle:
                    for line in handle:
                        if line.startswith("Pss:"):
                            pss += int(line.split()[1])
            except OSError:
                pass
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as handle:
                    stack.extend(int(c) for c in handle.read().split())
        except (OSError, ValueError):
            continue
    return total, pss


def run_cli(files_dir: Path, output: Path, report: Path) -> tuple[float, float, float, int]:
    """Wall time, peak RSS and PSS (MB, whole process tree) and exit code of `kpi consolidate`."""
    command = [sys.executable, "-m", "addin.cli", "consolidate", str(files_dir), "-o", str(output),
               "--lang", "en", "--no-progress", "--json", str(report)]
    peak = peak_pss = 0
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample():
        nonlocal peak, peak_pss
        while not done.is_set():
            rss, pss = _tree_memory_kb(proc.pid)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode:
        print(stdout.decode(), stderr.decode(), file=sys.stderr)
    return elapsed, peak / 1024, peak_pss / 1024, proc.returncode


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000, help="number of workbooks (default 1000; try 10000)")
    parser.add_argument("--variants", type=int, default=200, help="distinct generated workbooks (default 200)")
    parser.add_argument("--naive-max", type=int, default=1000,
                        help="run the openpyxl baseline on at most this many files, extrapolate beyond (0: skip it)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run in-process and CLI this many times each; print every time and the best")
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "kpi-bench"),
                        help="folder for the generated files (reused between runs)")
    args = parser.parse_args(argv)

    from addin.consolidation.consolidate import consolidate

    folder = Path(args.cache) / f"n{args.files}"
    t0 = time.perf_counter()
    files = generate(folder, args.files, args.variants)
    print(f"inputs: {len(files)} workbooks in {folder} (ready in {time.perf_counter() - t0:.1f} s)")
    out_dir = Path(tempfile.mkdtemp(prefix="kpi-bench-out-"))
    try:
        library_times, cli_times = [], []
        for _ in range(max(args.repeat, 1)):
            started = time.perf_counter()
            result = consolidate([folder], out_dir / "team.xlsx", lang="en")
            library_times.append(time.perf_counter() - started)
            s = result.summary
            check_workload(len(files), s["merged"], s["rejected"], s["duplicate"], len(result.score_rows),
                           "consolidate()")
            print(f"consolidate() in-process: {library_times[-1]:.2f} s  ({s['merged']} of {len(files)} merged, "
                  f"{len(result.score_rows)} score rows, {len(result.findings)} findings)")
            del result
            report = out_dir / "report.json"
            cli_time, peak_mb, pss_mb, code = run_cli(folder, out_dir / "team-cli.xlsx", report)
            cli_times.append(cli_time)
            cs = json.loads(report.read_text(encoding="utf-8"))
            check_workload(len(files), cs["summary"]["merged"], cs["summary"]["rejected"],
                           cs["summary"]["duplicate"], len(cs["scores"]), "kpi consolidate")
            print(f"kpi consolidate (subprocess): {cli_time:.2f} s  ({cs['summary']['merged']} of {len(files)} "
                  f"merged), peak memory of the process tree: PSS {pss_mb:.0f} MB, RSS sum {peak_mb:.0f} MB "
                  f"(counts pages shared with workers twice), exit {code}")
        library = min(library_times)
        if len(library_times) > 1:
            print(f"best of {len(library_times)}: in-process {library:.2f} s, kpi consolidate {min(cli_times):.2f} s")
        if args.naive_max <= 0:
            return 0
        sample = files[: args.naive_max]
        started = time.perf_counter()
        naive_openpyxl(sample, out_dir / "naive.xlsx")
        naive = time.perf_counter() - started
        scaled = naive * len(files) / len(sample)
        label = "" if len(sample) == len(files) else f" (measured on {len(sample)} files, extrapolated)"
        print(f"naive openpyxl consolidation: {scaled:.2f} s{label}")
        print(f"ratio naive / kpi consolidate: {scaled / library:.1f}x")
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
