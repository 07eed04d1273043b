"""Reading untrusted files in worker processes, each file within a wall-clock budget.

A hostile file may find a fault nobody foresaw: a parser that loops, or a native
library (python-calamine is Rust) that aborts the process on an allocation it cannot
make. :func:`run_isolated` runs a task per file in worker processes so that such a file
costs that file only:

* a worker that takes longer than ``budget`` seconds on one file is killed, the file
  gets ``on_fault(item, Fault("timeout", …))``, and a fresh worker takes the rest;
* a worker that dies (abort, segmentation fault, out of memory) is replaced the same
  way, and only the file it was reading is marked (``Fault("crash", …)``);
* results come back in the order of the items, whatever the workers' order.

Items travel in batches and results come back a batch at a time (few round trips, one
pickle per batch); the budget is still per file: before each item a worker writes its
index and start time into a small shared array, which this process reads to know which
file a worker is on, and since when. Workers are forked where the platform can fork
(nothing to re-import, so a worker starts in milliseconds) and spawned elsewhere; on
Linux they die with their parent (``PR_SET_PDEATHSIG``) and get an address-space cap,
so a runaway allocation fails inside the worker instead of swapping the machine. Where
no process can be started at all (a sandbox, a frozen app) the task runs in this process.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import faulthandler
import multiprocessing as mp
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

from addin.xlsx.safety import Reason

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_BUDGET = 60.0  # seconds for one file; a scorecard takes milliseconds, a 64 MB workbook a few seconds
BUDGET_ENV = "KPI_FILE_TIMEOUT"  # overrides the budget (seconds), e.g. on a very slow network share
ADDRESS_SPACE_HEADROOM = 4 * 1024**3  # a worker may map this much beyond what it inherited


@dataclass(frozen=True)
class Fault:
    """Why a file has no result: ``timeout`` (budget exceeded) or ``crash`` (the worker died)."""

    kind: str
    detail: str = ""


def fault_reason(fault: Fault) -> Reason:
    """Why a file has no result, as the user reads it (``files.timed_out`` / ``files.reader_crashed``)."""
    if fault.kind == "timeout":
        return Reason("timed_out", {"seconds": fault.detail})
    return Reason("reader_crashed", {"error": fault.detail})


def file_budget(explicit: float | None = None) -> float:
    """The per-file budget in seconds: ``explicit``, else ``KPI_FILE_TIMEOUT``, else the default."""
    if explicit is not None:
        return float(explicit)
    try:
        value = float(os.environ.get(BUDGET_ENV, ""))
        return value if value > 0 else DEFAULT_BUDGET
    except ValueError:
        return DEFAULT_BUDGET


def _die_with_parent() -> None:
    """Linux: SIGKILL this worker when its parent dies (a killed `kpi` leaves no worker behind)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _cap_address_space() -> None:
    if resource is None or not os.path.exists("/proc/self/statm"):
        return
    try:
        with open("/proc/self/statm") as handle:
            mapped = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = mapped + ADDRESS_SPACE_HEADROOM
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        if soft == resource.RLIM_INFINITY or soft > limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (OSError, ValueError):
        pass


def _quiet(log: str) -> None:
    """The worker's standard error goes to ``log``: what a dying native library prints ("memory
    allocation of … bytes failed", a fatal-error dump) becomes part of the file's reason, never
    terminal noise."""
    with contextlib.suppress(Exception):
        faulthandler.disable()
    with contextlib.suppress(OSError):
        fd = os.open(log, os.O_WRONLY | os.O_APPEND)
        os.dup2(fd, 2)
        os.close(fd)


def _worker(conn: Connection, task: Callable[[Any], Any], log: str, slot) -> None:
    _quiet(log)
    _die_with_parent()
    _cap_address_space()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the workers
    try:
        conn.send(_READY)  # the worker runs: a death from now on is the file's, not the platform's
        while True:
            batch = conn.recv()
            if batch is None:
                return
            results = []
            for index, item in batch:
                slot[0], slot[1] = index, time.monotonic()  # which item, since when (read by the parent)
                results.append((index, task(item)))
            slot[1] = 0.0
            conn.send(results)
    except (EOFError, OSError, KeyboardInterrupt):
        return


class _Worker:
    def __init__(self, context, task) -> None:
        handle, self.log = tempfile.mkstemp(prefix="kpi-worker-", suffix=".log")
        os.close(handle)
        self.conn, child = context.Pipe(duplex=True)
        self.slot = context.RawArray("d", 2)  # [index of the item in progress, its start (monotonic) or 0]
        self.process = context.Process(target=_worker, args=(child, task, self.log, self.slot), daemon=True)
        self.process.start()
        child.close()
        self.pending: collections.deque[int] = collections.deque()
        self.since = time.monotonic()
        self.ready = False

    def started(self) -> float:
        """When the item in progress started (or, between items, when the worker last moved on)."""
        return self.slot[1] or self.since

    def current(self) -> int | None:
        """The index of the item in progress (None when the worker is between items)."""
        index = int(self.slot[0])
        return index if self.slot[1] and index in self.pending else None

    def give(self, batch: list[tuple[int, Any]]) -> None:
        self.pending.extend(index for index, _ in batch)
        self.since = time.monotonic()
        self.conn.send(batch)

    def stop(self, kill: bool = False) -> None:
        with contextlib.suppress(Exception):
            if kill:
                self.process.kill()
            else:
                self.conn.send(None)
        with contextlib.suppress(Exception):
            self.process.join(timeout=None if kill else 5)
            if self.process.is_alive():
                self.process.kill()
                self.process.join()
        with contextlib.suppress(Exception):
            self.conn.close()
        with contextlib.suppress(OSError):
            os.unlink(self.log)

    def death(self) -> str:
        """How the worker died (the signal or exit code), with the last line it printed."""
        code = self.process.exitcode
        how = f"exit code {code}"
        if code is not None and code < 0:
            with contextlib.suppress(ValueError):
                how = signal.Signals(-code).name
        last = self._last_line()
        return f"{how}: {last}" if last else how

    def _last_line(self) -> str:
        try:
            with open(self.log, "rb") as handle:
                handle.seek(max(0, os.path.getsize(self.log) - 4096))
                lines = [line.strip() for line in handle.read().decode("utf-8", "replace").splitlines()]
        except OSError:
            return ""
        lines = [line for line in lines if line and not line.startswith(("File ", "Current thread", "Fatal Python"))]
        return lines[-1][:200] if lines else ""


def _context():
    methods = mp.get_all_start_methods()
    return mp.get_context("fork" if "fork" in methods else "spawn")


class _Run(Generic[T, R]):
    """One :func:`run_isolated` call: the queue of batches, the workers, the results."""

    def __init__(self, task, items: Sequence[T], budget: float, workers: int, chunk: int,
                 on_fault: Callable[[T, Fault], R], progress) -> None:
        self.task, self.items, self.budget = task, items, budget
        self.on_fault, self.progress = on_fault, progress
        self.results: list[Any] = [_MISSING] * len(items)
        self.done = 0
        self.queue: collections.deque[list[tuple[int, T]]] = collections.deque(
            [(i, items[i]) for i in range(start, min(start + chunk, len(items)))]
            for start in range(0, len(items), chunk))
        self.context = _context()
        self.size = max(1, min(workers, len(self.queue)))
        self.workers: list[_Worker] = []

    def run(self) -> list[R]:
        try:
            self.workers = [_Worker(self.context, self.task) for _ in range(self.size)]
            for worker in self.workers:
                self._feed(worker)
            while self.done < len(self.items):
                self._step()
        finally:
            for worker in self.workers:
                worker.stop(kill=self.done < len(self.items))
        return self.results

    def _feed(self, worker: _Worker) -> None:
        if not worker.pending and self.queue:
            worker.give(self.queue.popleft())

    def _finish(self, index: int, result) -> None:
        if self.results[index] is _MISSING:
            self.results[index] = result
            self.done += 1
            if self.progress:
                self.progress(self.done, len(self.items))

    def _step(self) -> None:
        busy = [w for w in self.workers if w.pending]
        if not busy:  # cannot happen while work is left; never spin
            raise RuntimeError("worker pool has work but no busy worker")
        now = time.monotonic()
        # wake up for the first deadline, and at least every second (a worker moves on to its next
        # item without saying so: its start time is in the shared slot)
        timeout = min(1.0, max(0.0, min(w.started() + self.budget for w in busy) - now))
        ready = wait([w.conn for w in busy], timeout=timeout)
        for worker in busy:
            if worker.conn in ready:
                self._receive(worker)
            elif time.monotonic() - worker.started() > self.budget:
                self._replace(worker, Fault("timeout", f"{self.budget:g}"))

    def _receive(self, worker: _Worker) -> None:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join(timeout=5)
            if not worker.ready:  # it never ran a task: worker processes do not work here
                raise _CannotStart(worker.death()) from None
            self._replace(worker, Fault("crash", worker.death()))
            return
        if message == _READY:
            worker.ready = True
            worker.since = time.monotonic()
            return
        for index, result in message:
            self._finish(index, result)
        worker.pending.clear()
        worker.since = time.monotonic()
        self._feed(worker)

    def _replace(self, worker: _Worker, fault: Fault) -> None:
        """The file in progress gets the fault; the rest of the batch goes back to the queue."""
        index = worker.current()
        worker.stop(kill=True)
        if worker.pending:
            index = worker.pending[0] if index is None else index
            worker.pending.remove(index)
            self._finish(index, self.on_fault(self.items[index], fault))
            rest = [(i, self.items[i]) for i in worker.pending]  # finished but unsent ones are read again
            if rest:
                self.queue.appendleft(rest)
        position = self.workers.index(worker)
        fresh = _Worker(self.context, self.task)
        self.workers[position] = fresh
        self._feed(fresh)
        for other in self.workers:
            self._feed(other)


_MISSING = object()
_READY = "ready"


class _CannotStart(RuntimeError):
    """A worker process died before it could run anything (spawn cannot bootstrap here)."""


def run_isolated(task: Callable[[T], R], items: Sequence[T], on_fault: Callable[[T, Fault], R], *,
                 budget: float | None = None, workers: int = 1, chunk: int = 16,
                 progress: Callable[[int, int], None] | None = None) -> list[R]:
    """``[task(item) for item in items]``, each call in a worker process within ``budget`` seconds.

    Args:
        task: called once per item in a worker; must not raise (return a result for a bad
            item). Under the spawn start method it must be picklable (a module-level function
            or a ``functools.partial`` of one).
        items: small picklable values (file paths).
        on_fault: called in this process for an item whose worker timed out or died; its
            return value stands for the result.
        budget: seconds one item may take (:func:`file_budget` when None).
        workers: processes to use (at most one per batch).
        chunk: items per batch sent to a worker.
        progress: optional callable(done, total), called in this process.

    Returns:
        the results in the order of ``items``.
    """
    if not items:
        return []
    run = _Run(task, items, file_budget(budget), workers, max(1, chunk), on_fault, progress)
    try:
        return run.run()
    except (OSError, ImportError, _CannotStart):
        pass
    # No worker process can be started here (a sandbox, a frozen app): the rest in this process.
    for index, item in enumerate(items):
        if run.results[index] is _MISSING:
            run.results[index] = task(item)
            run.done += 1
            if progress:
                progress(run.done, len(items))
    return run.results
