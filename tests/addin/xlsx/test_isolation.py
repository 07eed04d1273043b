"""Files are read in worker processes: a file that hangs or kills its reader costs that file only."""

from __future__ import annotations

import os
import signal
import time

import pytest

from addin.xlsx.isolation import BUDGET_ENV, DEFAULT_BUDGET, Fault, file_budget, run_isolated


def _task(item: int) -> int:
    """A reader that aborts on 3 (as a Rust panic does), hangs on 5, exits on 7, else works."""
    if item == 3:
        os.abort()
    if item == 5:
        time.sleep(3600)
    if item == 7:
        raise SystemExit(9)
    return item * 10


def _fault(item: int, fault: Fault) -> tuple[int, str]:
    return item, fault.kind


@pytest.mark.parametrize("workers,chunk", [(1, 1), (1, 16), (2, 3)])
def test_a_fault_costs_one_item_and_the_rest_is_read(workers, chunk):
    results = run_isolated(_task, list(range(10)), _fault, budget=1.0, workers=workers, chunk=chunk)
    assert results == [0, 10, 20, (3, "crash"), 40, (5, "timeout"), 60, (7, "crash"), 80, 90]


def test_the_fault_says_what_happened():
    seen = []
    run_isolated(_task, [3, 5], lambda item, fault: seen.append(fault) or item, budget=1.0)
    assert seen[0] == Fault("crash", "SIGABRT") and seen[1] == Fault("timeout", "1")


def test_results_come_back_in_order_with_progress():
    calls = []
    results = run_isolated(abs, list(range(-50, 0)), _fault, workers=2, chunk=4,
                           progress=lambda done, total: calls.append((done, total)))
    assert results == list(range(50, 0, -1))
    assert calls[-1] == (50, 50) and len(calls) == 50


def test_no_items_no_workers():
    assert run_isolated(_task, [], _fault) == []


def test_the_budget_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv(BUDGET_ENV, raising=False)
    assert file_budget() == DEFAULT_BUDGET
    monkeypatch.setenv(BUDGET_ENV, "2.5")
    assert file_budget() == 2.5
    monkeypatch.setenv(BUDGET_ENV, "nonsense")
    assert file_budget() == DEFAULT_BUDGET
    assert file_budget(7) == 7.0


def test_workers_are_gone_afterwards():
    pids = run_isolated(_pid, list(range(4)), _fault, workers=2, chunk=1)
    time.sleep(0.2)
    for pid in set(pids):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def _pid(_item: int) -> int:
    return os.getpid()


def test_a_worker_never_outlives_a_killed_parent(tmp_path):
    """`kill -9` of kpi: its workers die too (Linux), none is left blocked on a file."""
    if not os.path.exists("/proc/self/status"):
        pytest.skip("Linux only")
    script = tmp_path / "parent.py"
    script.write_text(
        "import os, sys, time\n"
        "from addin.xlsx.isolation import run_isolated\n"
        "def hang(item):\n"
        "    print(os.getpid(), flush=True)\n"
        "    time.sleep(3600)\n"
        "run_isolated(hang, [1], lambda i, f: i, budget=3600)\n")
    import subprocess
    import sys

    from support.paths import kpi_env
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=kpi_env())
    worker = int(parent.stdout.readline())
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    for _ in range(50):
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(worker, signal.SIGKILL)
    pytest.fail("the worker outlived its parent")


def _dying_words(_item: int) -> int:
    os.write(2, b"memory allocation of 549755813888 bytes failed\n")  # what Rust prints before it aborts
    os.abort()


def test_what_a_dying_reader_prints_is_the_reason_not_terminal_noise(capfd):
    results = run_isolated(_dying_words, [1], lambda item, fault: fault.detail, budget=30)
    assert results == ["SIGABRT: memory allocation of 549755813888 bytes failed"]
    assert "memory allocation" not in capfd.readouterr().err


def test_where_no_worker_can_start_the_items_run_in_this_process(monkeypatch):
    import addin.xlsx.isolation as isolation
    monkeypatch.setattr(isolation, "_die_with_parent", lambda: os._exit(3))  # every worker dies at birth
    assert run_isolated(abs, [-1, -2, -3], _fault, workers=2, chunk=1) == [1, 2, 3]
