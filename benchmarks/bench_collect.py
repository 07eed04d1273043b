"""Benchmark `kpi collect` against a hand-written csv-module loop computing the same actuals.

    python benchmarks/bench_collect.py                # 1,000,000 deal rows, 1,000 managers
    python benchmarks/bench_collect.py --rows 200000

Generates one CSV export of N deal rows (CordysCRM headers, UTF-8 with BOM) for M
managers, a roster and 4 rules (sum, count, distinct, duration_mean), then in the same
run times:

1. ``kpi collect`` as a subprocess (interpreter start, imports, reading, rules, the
   actuals workbook written: what a user waits for);
2. ``collect()`` in-process (the library alone);
3. a hand-written loop with the csv module: one pass over the rows, dicts of sums,
   counts, sets and durations per manager: the straightforward script an analyst writes;
4. the floor of the subprocess: starting Python and importing what `kpi collect` imports
   (numpy, polars, pydantic, xlsxwriter, python-calamine), before any file is read.

Before printing a time it checks its workload: the file has N data rows for M distinct
managers, `kpi collect` read all N rows, and every one of the M × 4 actuals agrees with
the loop's to 1e-6 (relative). Otherwise it exits with status 1.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADERS = ["商机名称", "客户名称", "金额", "负责人", "部门", "商机阶段", "创建时间", "实际结束时间"]
STAGES = ["成功", "成功", "失败", "商务采购", "方案验证"]
RULES = """\
timezone = "+08:00"

[sources.deals]
files = ["deals.csv"]
owner = "负责人"
date = "实际结束时间"

[[rules]]
indicator = "销售额"
source = "deals"
measure = "sum"
value = "金额"
where = { "商机阶段" = "成功" }
scale = 0.0001

[[rules]]
indicator = "赢单数"
source = "deals"
measure = "count"
where = { "商机阶段" = "成功" }

[[rules]]
indicator = "新增客户数"
source = "deals"
measure = "distinct"
value = "客户名称"
where = { "商机阶段" = "成功" }

[[rules]]
indicator = "成交周期"
source = "deals"
measure = "duration_mean"
start = "创建时间"
end = "实际结束时间"
unit = "days"
"""
FIRST, LAST = dt.date(2026, 7, 1), dt.date(2026, 9, 30)


def generate(folder: Path, rows: int, managers: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with open(folder / "roster.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["客户经理编号", "姓名", "团队"])
        for m in range(managers):
            writer.writerow([f"AM{m:04d}", f"经理{m:04d}", f"团队{m % 20:02d}"])
    (folder / "rules.toml").write_text(RULES, encoding="utf-8")
    start = dt.datetime(2026, 5, 1)
    with open(folder / "deals.csv", "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for i in range(rows):
            m = rng.randrange(managers)
            created = start + dt.timedelta(seconds=rng.randrange(120 * 86400))
            closed = created + dt.timedelta(seconds=rng.randrange(60 * 86400))
            owner = f"经理{m:04d}" if i % 2 else f"AM{m:04d}"
            writer.writerow([f"商机{i}", f"客户{rng.randrange(rows // 4)}", f"{rng.randrange(100, 10_000_000) / 100:.2f}",
                             owner, "销售部", STAGES[rng.randrange(len(STAGES))],
                             created.strftime("%Y-%m-%d %H:%M:%S"), closed.strftime("%Y-%m-%d %H:%M:%S")])


def loop(folder: Path) -> dict[tuple[str, str], float]:
    """The same 4 actuals with the csv module, one Python pass over the rows."""
    ids, names = {}, {}
    with open(folder / "roster.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            ids[row["客户经理编号"].casefold()] = row["客户经理编号"]
            names[row["姓名"].casefold()] = row["客户经理编号"]
    sums, counts, customers, durations = {}, {}, {}, {}
    first = dt.datetime.combine(FIRST, dt.time())
    after = dt.datetime.combine(LAST, dt.time()) + dt.timedelta(days=1)
    with open(folder / "deals.csv", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        c_customer, c_amount, c_owner = header.index("客户名称"), header.index("金额"), header.index("负责人")
        c_stage, c_created, c_closed = header.index("商机阶段"), header.index("创建时间"), header.index("实际结束时间")
        for row in reader:
            closed = dt.datetime.fromisoformat(row[c_closed])
            if not first <= closed < after:
                continue
            owner = row[c_owner].strip().casefold()
            manager = ids.get(owner) or names.get(owner)
            if manager is None:
                continue
            created = dt.datetime.fromisoformat(row[c_created])
            durations.setdefault(manager, []).append((closed - created).total_seconds() / 86400)
            if row[c_stage].strip() == "成功":
                sums[manager] = sums.get(manager, 0.0) + float(row[c_amount].replace(",", ""))
                counts[manager] = counts.get(manager, 0) + 1
                customers.setdefault(manager, set()).add(row[c_customer].strip().casefold())
    out = {}
    for manager in ids.values():
        out[(manager, "销售额")] = sums.get(manager, 0.0) * 0.0001
        out[(manager, "赢单数")] = float(counts.get(manager, 0))
        out[(manager, "新增客户数")] = float(len(customers.get(manager, ())))
        values = durations.get(manager)
        out[(manager, "成交周期")] = sum(values) / len(values) if values else math.nan
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--managers", type=int, default=1000)
    parser.add_argument("--keep", metavar="DIR", help="generate into DIR and keep it")
    args = parser.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="bench-collect-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    marker = folder / f"generated-{args.rows}-{args.managers}"
    if not marker.exists():  # --keep DIR: generated once, reused
        generate(folder, args.rows, args.managers)
        marker.touch()
    size = (folder / "deals.csv").stat().st_size
    print(f"generated {args.rows:,} rows for {args.managers:,} managers ({size / 1e6:.0f} MB CSV) "
          f"in {time.perf_counter() - started:.1f} s")

    from addin.collect.actuals_workbook import read_actuals
    from addin.collect.collector import collect

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    command = [sys.executable, "-m", "addin.cli", "collect", str(folder / "rules.toml"), "--roster",
               str(folder / "roster.csv"), "--period", "2026Q3", "-o", str(folder / "actuals.xlsx"), "--lang", "en",
               "--force"]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    kpi_seconds = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stdout, done.stderr)
        return 1

    started = time.perf_counter()  # the floor of any `kpi collect` run: the interpreter and its imports
    floor = subprocess.run([sys.executable, "-c", "import addin.cli.main, addin.cli.collect"], env=env)
    floor_seconds = time.perf_counter() - started
    if floor.returncode != 0:
        return 1

    started = time.perf_counter()
    result = collect(folder / "rules.toml", folder / "roster.csv", "2026Q3", lang="en")
    library_seconds = time.perf_counter() - started

    started = time.perf_counter()
    expected = loop(folder)
    loop_seconds = time.perf_counter() - started

    # the workload: every row read, every manager present, every actual agrees
    read = sum(s.rows_read for s in result.sources)
    managers = {a.manager_id for a in result.actuals}
    collected = {(a.manager_id, a.indicator): a.actual for a in read_actuals(folder / "actuals.xlsx")}
    problems = []
    if read != args.rows:
        problems.append(f"kpi collect read {read:,} rows, expected {args.rows:,}")
    if len(managers) != args.managers or len(collected) != args.managers * 4:
        problems.append(f"{len(managers)} managers and {len(collected)} actuals, expected {args.managers} × 4")
    for key, value in expected.items():
        got = collected.get(key)
        if math.isnan(value):
            if got is not None:
                problems.append(f"{key}: expected blank, got {got}")
        elif got is None or abs(got - value) > 1e-6 * max(1.0, abs(value)):
            problems.append(f"{key}: kpi collect {got}, loop {value}")
    if problems:
        print("workload check failed:\n  " + "\n  ".join(problems[:10]))
        return 1
    print(f"checked: {read:,} rows read, {len(managers):,} managers × 4 rules, all {len(expected):,} actuals agree "
          f"with the loop to 1e-6")
    print(f"kpi collect (subprocess, workbook written): {kpi_seconds:6.2f} s")
    print(f"collect() in-process:                       {library_seconds:6.2f} s")
    print(f"csv-module loop:                            {loop_seconds:6.2f} s")
    print(f"floor: python start + imports of kpi collect {floor_seconds:6.2f} s  "
          f"(4x the loop from the shell would need {loop_seconds / 4:.2f} s in all)")
    print(f"ratio loop / kpi collect:                   {loop_seconds / kpi_seconds:6.1f}x  "
          f"(in-process: {loop_seconds / library_seconds:.1f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
