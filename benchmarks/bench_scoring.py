"""Benchmark: score a million indicator rows in one vectorised call vs. one call per row.

    python benchmarks/bench_scoring.py [--rows 1000000] [--sample 20000] [--repeat 3]

The rows mix all four methods and both directions (English keys and Chinese labels),
with thresholds, stretches and per-row deduction points on some of them. The
vectorised figure is the best of ``--repeat`` calls of ``kpi_score`` on the whole
arrays. The per-row figure (the per-cell pattern of a worksheet calling a UDF once
per row) is measured on a random sample of ``--sample`` rows and extrapolated to all
rows; both paths are checked to give the same scores on that sample, and the run
checks its workload (N finite scores, all four methods) before it prints a time.
Exit status 1 when a target (>= 50x, < 1 s for a million rows) is missed.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout, installed or not
from udfs import kpi_score  # noqa: E402

SPEEDUP_TARGET = 50.0
MILLION_SECONDS_TARGET = 1.0


def make_rows(n: int, seed: int = 2026) -> dict[str, np.ndarray]:
    """n indicator rows: 50 % linear, 20 % band, 15 % binary, 15 % deduction; 30 % lower-is-better."""
    rng = np.random.default_rng(seed)
    method = rng.choice(np.array(["linear", "band", "binary", "deduction", "线性", "分档"]), n,
                        p=[0.40, 0.15, 0.15, 0.15, 0.10, 0.05])
    direction = rng.choice(np.array(["higher", "lower", "越高越好", "越低越好"]), n, p=[0.55, 0.20, 0.15, 0.10])
    lower = (direction == "lower") | (direction == "越低越好")
    deduction = method == "deduction"
    linear = (method == "linear") | (method == "线性")

    target = np.round(rng.uniform(10, 5000, n), 2)
    actual = np.round(target * rng.uniform(0.3, 1.6, n), 2)
    actual[rng.random(n) < 0.01] = np.nan  # a few blank actuals
    threshold = np.where(rng.random(n) < 0.3, np.where(lower, 1.3, 0.7) * target, np.nan)
    stretch = np.where(linear & (rng.random(n) < 0.3), np.where(lower, 0.8, 1.2) * target, np.nan)

    # deduction rows: incidents against incidents allowed, with their points per incident
    target[deduction] = rng.integers(0, 3, int(deduction.sum()))
    actual[deduction] = rng.integers(0, 8, int(deduction.sum()))
    threshold[deduction] = np.nan
    stretch[deduction] = np.nan
    param = np.where(deduction, rng.choice(np.array([5.0, 10.0, 20.0]), n), np.nan)
    return dict(actual=actual, target=target, threshold=threshold, stretch=stretch,
                direction=direction, method=method, param=param)


def _none(value: float):
    return None if math.isnan(value) else value


def per_row(rows: dict[str, np.ndarray], indices: np.ndarray) -> np.ndarray:
    """One kpi_score call per row with plain Python values, as a worksheet cell would."""
    columns = {key: rows[key][indices].tolist() for key in rows}
    out = np.empty(len(indices))
    for i in range(len(indices)):
        out[i] = kpi_score(_none(columns["actual"][i]), columns["target"][i], _none(columns["threshold"][i]),
                           _none(columns["stretch"][i]), columns["direction"][i], columns["method"][i],
                           _none(columns["param"][i]))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows to score (default 1,000,000)")
    parser.add_argument("--sample", type=int, default=20_000, help="rows timed one call at a time (default 20,000)")
    parser.add_argument("--repeat", type=int, default=3, help="vectorised repetitions, best is kept (default 3)")
    args = parser.parse_args(argv)

    rows = make_rows(args.rows)
    print(f"kpi-scorecard scoring benchmark: {args.rows:,} indicator rows "
          f"(python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPUs)")
    methods, counts = np.unique(rows["method"], return_counts=True)
    print("  methods: " + ", ".join(f"{m} {c / args.rows:.0%}" for m, c in zip(methods, counts)))

    timings = []
    for _ in range(max(1, args.repeat)):
        start = time.perf_counter()
        vector = kpi_score(**rows)
        timings.append(time.perf_counter() - start)
    # the workload is what the title says: N scores, every one a number, all four methods present
    kinds = {"linear", "band", "binary", "deduction"}
    present = {m for m in ("linear", "band", "binary", "deduction") if (rows["method"] == m).any()}
    if vector.shape != (args.rows,) or not np.isfinite(vector).all() or present != kinds:
        print(f"ERROR: workload is not {args.rows:,} scored rows of all four methods "
              f"(got shape {vector.shape}, methods {sorted(present)})", file=sys.stderr)
        return 1
    vector_seconds = min(timings)
    vector_rate = args.rows / vector_seconds

    sample = min(args.sample, args.rows)
    indices = np.random.default_rng(1).choice(args.rows, sample, replace=False)
    start = time.perf_counter()
    single = per_row(rows, indices)
    sample_seconds = time.perf_counter() - start
    row_rate = sample / sample_seconds
    row_seconds = args.rows / row_rate
    if not np.allclose(single, vector[indices], rtol=0, atol=1e-9):
        print("ERROR: per-row and vectorised scores differ", file=sys.stderr)
        return 1

    ratio = vector_rate / row_rate
    million_seconds = vector_seconds * 1_000_000 / args.rows
    print(f"  vectorised  : {vector_seconds:8.3f} s  {vector_rate:14,.0f} rows/s  "
          f"(best of {len(timings)}: " + ", ".join(f"{t:.3f}" for t in timings) + " s)")
    print(f"  one per row : {row_seconds:8.1f} s  {row_rate:14,.0f} rows/s  "
          f"(timed {sample:,} rows in {sample_seconds:.2f} s, extrapolated to {args.rows:,})")
    print(f"  speed-up    : {ratio:,.0f}x  (target >= {SPEEDUP_TARGET:.0f}x)")
    print(f"  1M rows     : {million_seconds:.3f} s  (target < {MILLION_SECONDS_TARGET:.0f} s)")
    ok = ratio >= SPEEDUP_TARGET and million_seconds < MILLION_SECONDS_TARGET
    print("  targets     : " + ("met" if ok else "MISSED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
