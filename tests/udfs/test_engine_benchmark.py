"""The benchmark's rows (every method, both directions, thresholds, stretches, blanks) score the
same one row at a time as in one vectorised call; the script runs and prints its figures."""

from __future__ import annotations

import importlib.util

import numpy as np
from support.paths import ROOT

from udfs import kpi_score

SCRIPT = ROOT / "benchmarks" / "bench_scoring.py"


def _load():
    spec = importlib.util.spec_from_file_location("bench_scoring", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_rows_score_identically_per_row_and_vectorised():
    bench = _load()
    rows = bench.make_rows(3000, seed=5)
    vector = kpi_score(**rows)
    assert not np.isnan(vector).any()  # the generated rows are all valid
    single = bench.per_row(rows, np.arange(3000))
    np.testing.assert_allclose(single, vector, rtol=0, atol=1e-9)
    assert {"linear", "band", "binary", "deduction", "线性", "分档"} <= set(rows["method"])


def test_benchmark_script_prints_its_figures(capsys):
    bench = _load()
    bench.main(["--rows", "20000", "--sample", "300", "--repeat", "1"])
    out = capsys.readouterr().out
    for label in ("vectorised", "one per row", "rows/s", "speed-up", "extrapolated"):
        assert label in out
