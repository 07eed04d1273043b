"""Validation of scorecard workbooks: per-file checks, recomputation, one report.

``check_scorecard`` turns a :class:`~addin.xlsx.reader.Scorecard` into a
:class:`FileEntry`: its findings (each with file, sheet, A1 cell, row) and, when
the scores can be computed, a :class:`ManagerResult` recomputed with the engine
from the inputs only. Stored cells are compared, never trusted.

``validate_paths`` runs that over files and folders, adds the cross-file checks
(identical files, duplicate managers, periods, the statistics of
:mod:`addin.validation.anomalies`) and returns a :class:`ValidationReport`.

A file is *merged* (its manager enters the team tables) unless it has an error
finding other than MISSING_ACTUAL (a blank actual scores 0 by SCORING.md §2);
see docs/consolidation.md.

The checks live in small modules; this one runs them and keeps the public names:

=============================  ===================================================
:mod:`addin.xlsx.discovery`       which files are inputs (folders, lock files, output)
:mod:`addin.validation.cell_values`       reading one cell; the finding collector
:mod:`addin.validation.data_checks`       header, indicator and review rows (and their scores)
:mod:`addin.validation.settings_checks`   settings tables, quantitative share, score cap;
                               SETTINGS_CHANGED; the master template
:mod:`addin.validation.integrity_checks`  recomputed results vs stored cells
:mod:`addin.validation.cross_file_checks` identical files, duplicate managers, periods
:mod:`addin.validation.results` FileEntry, ManagerResult, ValidationReport
=============================  ===================================================
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
from collections import Counter

from addin.contract.errors import UsageError
from addin.contract.findings import ERROR, Finding, make, sort_key
from addin.contract.messages import render
from addin.roster.model import Roster
from addin.roster.reader import load_roster
from addin.validation.anomalies import across_managers, per_manager
from addin.validation.cell_values import FindingCollector, check_error_values, check_rows_below
from addin.validation.cross_file_checks import check_period, cross_file_checks
from addin.validation.data_checks import check_header, check_indicators, check_reviews
from addin.validation.integrity_checks import MISMATCH_TOLERANCE, compute_manager
from addin.validation.results import (
    FileEntry,
    IndicatorResult,
    ManagerIdentity,
    ManagerResult,
    ReviewResult,
    StatedTarget,
    ValidationReport,
)
from addin.validation.roster_checks import check_against_roster
from addin.validation.settings_checks import (
    SETTING_TABLES,
    compare_settings,
    default_settings,
    master_settings,
    read_settings,
)
from addin.xlsx.discovery import SPREADSHEET_SUFFIXES, InputFile, discover, escaped_path, shown_path
from addin.xlsx.isolation import Fault, fault_reason, run_isolated
from addin.xlsx.reader import Scorecard, read_scorecard
from addin.xlsx.safety import Reason

NON_BLOCKING_ERRORS = {"MISSING_ACTUAL"}

__all__ = [
    "validate_paths", "check_scorecard", "read_all", "discover", "cross_file_checks", "master_settings",
    "default_settings", "ValidationReport", "FileEntry", "ManagerResult", "IndicatorResult", "ReviewResult",
    "SPREADSHEET_SUFFIXES", "NON_BLOCKING_ERRORS", "MISMATCH_TOLERANCE", "PARALLEL_MIN_FILES",
    "SETTING_TABLES", "no_gc",
]


def check_scorecard(card: Scorecard, lang: str | None = None, master: dict | None = None,
                    period: str | None = None) -> FileEntry:
    """Validate one read scorecard and recompute its scores.

    Args:
        card: the result of :func:`addin.xlsx.reader.read_scorecard`.
        lang: language of the messages; None for the file's own.
        master: settings of the master template (see :func:`master_settings`), or None
            for the defaults of the file's size.
        period: the expected period, or None.

    Returns:
        a FileEntry with findings, status ``merged`` or ``rejected`` and, when merged,
        the ManagerResult.
    """
    lang = lang or card.lang
    entry = FileEntry(path=card.path, sha256=card.sha256, lang=lang, saved=card.saved, mtime=card.mtime)
    if card.skipped and card.problem:  # our own output (an earlier team workbook): listed, not an error
        return skipped_entry(card.path, lang, card.problem, card.sha256)
    if not card.ok:
        reason = card.problem.render(lang) if card.problem else ""
        entry.findings = [make(f.code, lang, file=card.path, reason=reason) for f in card.findings]
        entry.reason = entry.findings[0].message if entry.findings else reason
        return entry
    out = FindingCollector(card.path, lang)
    header = check_header(card, out, period)
    entry.identity = identity(card, header)
    entry.targets = stated_targets(card)
    check_error_values(card, out)
    check_rows_below(card, out)
    kpi = card.tables["tblKPI"]
    settings = read_settings(card, out)
    indicators = check_indicators(card, kpi, settings, out)
    reviews = check_reviews(card, out)
    entry.size = header.get("size") or ""
    baseline = master or default_settings(header.get("size"))
    compare_settings(card, settings, baseline, indicators, master is not None, out)

    manager = None
    blocking = [f for f in out.findings if f.severity == ERROR and f.code not in NON_BLOCKING_ERRORS]
    if not blocking and indicators is not None:
        manager = compute_manager(card, header, indicators, reviews, settings, out)
    if manager is not None:
        out.findings.extend(per_manager(manager, lang))
    entry.findings = sorted(out.findings, key=sort_key)
    blocking = [f for f in entry.findings if f.severity == ERROR and f.code not in NON_BLOCKING_ERRORS]
    if blocking or manager is None:
        entry.status = "rejected"
        entry.reason = _reason(blocking[0] if blocking else None, lang)
    else:
        entry.status = "merged"
        entry.manager = manager
    return entry


def identity(card: Scorecard, header: dict) -> ManagerIdentity | None:
    """Whose scorecard this is (None without a manager id)."""
    cell = card.names.get("kpi_manager_id")
    if cell is None or not header.get("manager_id"):
        return None
    return ManagerIdentity(header["manager_id"], header.get("manager_name", ""), header.get("team", ""),
                           header.get("region", ""), header.get("period", ""), (cell.sheet, cell.cell, cell.row))


def stated_targets(card: Scorecard) -> list[StatedTarget]:
    """The (indicator, target) pairs of tblKPI as typed, with the target cells (rows with an indicator)."""
    kpi = card.tables.get("tblKPI")
    if kpi is None or "indicator" not in kpi.columns or "target" not in kpi.columns:
        return []
    out = []
    for index in range(len(kpi.rows)):
        name = kpi.value(index, "indicator")
        if name is not None and str(name).strip():
            out.append(StatedTarget(str(name).strip(), kpi.value(index, "target"), kpi.sheet,
                                    kpi.cell(index, "target"), kpi.row_number(index)))
    return out


def _read_and_check(job: tuple[str, str], lang, master, period) -> FileEntry:
    """Read and check one file (in a worker process): a FileEntry whatever the file holds.
    ``job`` is (the path to open, the path to show)."""
    real, path = job
    card = read_scorecard(real)
    card.path = path
    try:
        return check_scorecard(card, lang, master, period)
    except Exception as exc:  # noqa: BLE001 - a safety net: one odd file must not stop the batch
        return unreadable_entry(path, lang or card.lang, Reason("unexpected", {"error": f"{type(exc).__name__}: {exc}"[:300]}),
                                card.sha256)


def unreadable_entry(path: str, lang: str, reason: Reason, sha256: str = "") -> FileEntry:
    """A rejected file with its FILE_UNREADABLE finding."""
    finding = make("FILE_UNREADABLE", lang, file=path, reason=reason.render(lang))
    return FileEntry(path=path, sha256=sha256, status="rejected", reason=finding.message, findings=[finding],
                     lang=lang)


def skipped_entry(path: str, lang: str, reason: Reason, sha256: str = "") -> FileEntry:
    """A file listed but not read (lock file, litter, our own output): rejected without a finding."""
    return FileEntry(path=path, sha256=sha256, status="rejected", reason=reason.render(lang), lang=lang,
                     skipped=True)


def _fault_entry(lang, job: tuple[str, str], fault: Fault) -> FileEntry:
    return unreadable_entry(job[1], lang or "en", fault_reason(fault))


def _reason(first: Finding | None, lang: str) -> str:
    """Why a file is rejected: its first blocking finding and where it is, in ``lang``."""
    if first is None:
        return render("files.not_computable", lang)
    if first.cell:
        return render("files.rejected_at", lang, message=first.message, sheet=first.sheet, cell=first.cell)
    return first.message


PARALLEL_MIN_FILES = 400


def read_all(files: list[InputFile], lang, master, period, progress=None, budget: float | None = None
             ) -> list[FileEntry]:
    """Read and check files in worker processes (several when there are many files and
    cores), each within the per-file ``budget`` (:func:`addin.xlsx.isolation.file_budget`):
    a file that hangs or kills its reader costs that file only. Files that are listed
    but not read (lock files, litter, FIFOs, unreadable folders) get their entry here."""
    shown = lang or "en"
    entries: list[FileEntry | None] = []
    to_read: list[tuple[str, str]] = []
    names: set[str] = set()
    for item in files:
        name = shown_path(item.path)
        if name in names:  # two names that differ only in bytes that are not UTF-8
            name = escaped_path(item.path)
        names.add(name)
        if item.skip is not None:
            entries.append(skipped_entry(name, shown, item.skip))
        elif item.unreadable is not None:
            entries.append(unreadable_entry(name, shown, item.unreadable))
        else:
            entries.append(None)
            to_read.append((str(item.path), name))
    cpus = os.cpu_count() or 1
    workers = min(cpus, 8) if len(to_read) >= PARALLEL_MIN_FILES else 1
    # Batches of at most 64 files (~0.1 s of work): few round trips, and the workers
    # finish within a batch of each other.
    chunk = max(1, min(64, len(to_read) // (workers * 8) or 1))
    listed = len(files) - len(to_read)

    def report(done: int, total: int) -> None:
        if progress:
            progress(listed + done, len(files))

    read = run_isolated(functools.partial(_read_and_check, lang=lang, master=master, period=period), to_read,
                        functools.partial(_fault_entry, lang), budget=budget, workers=workers, chunk=chunk,
                        progress=report)
    it = iter(read)
    return [entry if entry is not None else next(it) for entry in entries]


def validate_paths(paths, lang: str | None = None, master=None, period: str | None = None,
                   exclude=(), progress=None, _master_data=None, budget: float | None = None,
                   roster=None) -> ValidationReport:
    """Validate scorecard files and folders.

    Args:
        paths: files and folders (folders are searched recursively for spreadsheets).
        lang: language of the messages ("zh"/"en"), None for each file's own.
        master: path of a master template whose settings files should carry, or None.
        period: the expected period (e.g. "2026Q3"), or None to flag periods differing
            from the most common one.
        exclude: paths to leave out (the output of a consolidation).
        progress: optional callable(done, total).
        budget: seconds one file may take to read (None: ``KPI_FILE_TIMEOUT`` or 60).
        roster: the roster (a path, or a :class:`~addin.roster.model.Roster` already read): every
            manager it lists is expected (MISSING_SCORECARD), every file's manager must be in it
            (NOT_IN_ROSTER) and its targets are the targets (TARGET_CHANGED); see
            :mod:`addin.validation.roster_checks`.

    Returns:
        a ValidationReport with one FileEntry per input file, in path order (and, with a
        roster, ``roster`` and ``roster_check``).

    Raises:
        UsageError for a path that does not exist, no spreadsheet file at all (without a roster), a
        ``period`` without a year, or an unreadable master template; RosterError for a
        roster that cannot be used (read before any file).
    """
    check_period(period)
    if roster is not None and not isinstance(roster, Roster):
        roster = load_roster(roster)
    if roster is not None:
        exclude = [*exclude, roster.path]
    files = discover(paths, exclude)
    if not files and roster is None:  # with a roster, no file at all is news: every manager is missing
        raise UsageError("files.no_spreadsheets", where=", ".join(str(p) for p in paths))
    master_data = _master_data if _master_data is not None else (master_settings(master, lang or "en") if master else None)
    with no_gc():
        entries = read_all(files, lang, master_data, period, progress, budget)
    cross_file_checks(entries, lang, period)
    chosen = lang or _majority_lang(entries)
    checked = check_against_roster(entries, roster, chosen) if roster is not None else None
    managers = [e.manager for e in entries if e.status == "merged"]
    group_findings = across_managers(managers, chosen, master_data.quotas if master_data else None)
    if checked is not None:
        group_findings = checked.findings + group_findings
    by_file = {e.path: e for e in entries}
    for finding in group_findings:
        if finding.file in by_file:
            by_file[finding.file].findings.append(finding)
    for entry in entries:
        entry.findings.sort(key=sort_key)
    findings = [f for e in entries for f in e.findings]
    findings.extend(f for f in group_findings if f.file not in by_file)
    stats = {
        "files": len(entries),
        "merged": sum(e.status == "merged" for e in entries),
        "rejected": sum(e.status == "rejected" for e in entries),
        "duplicate": sum(e.status == "duplicate" for e in entries),
        "errors": sum(f.severity == ERROR for f in findings),
        "warnings": sum(f.severity == "warning" for f in findings),
        "infos": sum(f.severity == "info" for f in findings),
    }
    if checked is not None:
        stats["missing"] = sum(1 for owned in checked.files.values() if not owned)
    return ValidationReport(files=entries, findings=findings, stats=stats, roster=roster, roster_check=checked)


@contextlib.contextmanager
def no_gc():
    """Pause the cyclic garbage collector while tens of thousands of long-lived result
    objects are created (its full passes grow with the heap); nothing here makes cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _majority_lang(entries: list[FileEntry]) -> str:
    langs = Counter(e.lang for e in entries if e.status == "merged")
    return langs.most_common(1)[0][0] if langs else "en"

