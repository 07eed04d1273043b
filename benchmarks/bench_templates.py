"""Benchmark: write scorecards with the template generator (`kpi new`, `kpi new --roster`, the demo).

    python benchmarks/bench_templates.py [--files 200] [--repeat 3]

Writes ``--files`` medium scorecards per size, language and mode into a temporary folder,
each with its own manager id (so every file differs), replacing one file over and over as
`kpi new --force` does. The run checks its workload (every file read back by the scorecard
reader with its manager id, no temporary file left) before it prints a time per file.
Exit status 1 when the target (< 100 ms per file) is missed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from addin.xlsx.reader import read_scorecard  # noqa: E402
from workbook_templates.generator import write_template  # noqa: E402

PER_FILE_TARGET = 0.1  # seconds


def _run(folder: Path, size: str, lang: str, mode: str, files: int) -> float:
    write_template(folder / "warm.xlsx", size, lang, mode, force=True)  # the first build of a shape is cached
    start = time.perf_counter()
    for i in range(files):
        write_template(folder / "same.xlsx", size, lang, mode, header={"manager_id": f"AM{i:04}"}, force=True)
    seconds = (time.perf_counter() - start) / files
    card = read_scorecard(folder / "same.xlsx")
    last = card.names["kpi_manager_id"].value if card.ok and "kpi_manager_id" in card.names else None
    if last != f"AM{files - 1:04}":
        raise SystemExit(f"workload check failed: {size}/{lang}/{mode} last file has manager id {last!r}")
    left = sorted(p.name for p in folder.iterdir())
    if left != ["same.xlsx", "warm.xlsx"]:
        raise SystemExit(f"workload check failed: files left behind: {left}")
    return seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"write_template, {args.files} files per shape, best of {args.repeat} (cpus: {os.cpu_count()})")
    worst = 0.0
    with tempfile.TemporaryDirectory(prefix="kpi-bench-templates-") as tmp:
        for size in ("small", "medium", "large"):
            for lang in ("zh", "en"):
                for mode in ("portable", "addin"):
                    folder = Path(tmp) / f"{size}-{lang}-{mode}"
                    folder.mkdir()
                    best = min(_run(folder, size, lang, mode, args.files) for _ in range(args.repeat))
                    worst = max(worst, best)
                    print(f"  {size:6s} {lang} {mode:8s}: {best * 1000:6.1f} ms per file")
    met = worst < PER_FILE_TARGET
    print(f"target (< {PER_FILE_TARGET * 1000:g} ms per file): {'met' if met else 'missed'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
