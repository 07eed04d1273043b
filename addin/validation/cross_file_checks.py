"""Checks across files: identical files (same SHA-256), the same manager in two files
(DUPLICATE_MANAGER: the most recently saved is kept) and periods differing from the most common one (PERIOD_MISMATCH);
one spelling per team.

Ids and team names are compared by :func:`addin.contract.identity.identity_key`
(full-width forms, invisible characters, inner spaces, look-alike letters and case do
not make two people or two teams); the original text is what is shown."""

from __future__ import annotations

import functools
import re
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from addin.contract.errors import UsageError
from addin.contract.findings import Finding, make
from addin.contract.identity import identity_key
from addin.contract.messages import render
from addin.validation.cell_values import norm_period
from addin.validation.results import FileEntry


def cross_file_checks(entries: list[FileEntry], lang: str | None, period: str | None) -> list[Finding]:
    """Identical files, duplicate managers and periods across files; updates statuses in place."""
    extra: list[Finding] = []
    first_by_hash: dict[str, str] = {}
    for entry in entries:
        if not entry.sha256 or entry.skipped:
            continue
        other = first_by_hash.get(entry.sha256)
        if other is None:
            first_by_hash[entry.sha256] = entry.path
            continue
        entry.status, entry.manager, entry.findings = "duplicate", None, []
        entry.reason = render("files.identical", lang or entry.lang, other=other)
    resolve_duplicates(entries, lang)
    if not period:
        periods = Counter(norm_period(e.manager.period) for e in entries if e.status == "merged")
        if len(periods) > 1:
            expected = sorted(periods.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            for entry in entries:
                if entry.status == "merged" and norm_period(entry.manager.period) != expected:
                    m = entry.manager
                    sheet, cell, row = m.period_position or (m.id_position[0], "", None)
                    entry.findings.append(make("PERIOD_MISMATCH", lang or entry.lang, file=entry.path,
                                               sheet=sheet, cell=cell, row=row, manager_id=m.manager_id,
                                               found=m.period or "(blank)", expected=expected))
    unify_teams(entries)
    return extra


def resolve_duplicates(entries: list[FileEntry], lang: str | None) -> None:
    """DUPLICATE_MANAGER: of the files of one manager (by the id read from them, whether or not
    they can be scored), the most recently saved is kept and every other one is rejected naming it."""
    groups: dict[str, list[FileEntry]] = {}
    for entry in entries:
        if entry.status != "duplicate" and not entry.skipped and entry.identity is not None:
            groups.setdefault(identity_key(entry.identity.manager_id), []).append(entry)
    for group in groups.values():
        if len(group) < 2:
            continue
        kept = max(group, key=functools.cmp_to_key(older_first))
        for entry in group:
            if entry is kept or entry.identity is None:
                continue
            chosen = lang or entry.lang
            sheet, cell, row = entry.identity.position
            basis = _basis(kept, entry)
            shown = Path(kept.path).name if Path(kept.path).parent == Path(entry.path).parent else kept.path
            finding = make("DUPLICATE_MANAGER", chosen, file=entry.path, sheet=sheet, cell=cell, row=row,
                           manager_id=entry.identity.manager_id, kept=shown,
                           kept_saved=saved_text(kept, chosen, basis), saved=saved_text(entry, chosen, basis))
            entry.findings.append(finding)
            entry.status, entry.manager = "rejected", None
            entry.reason = render("files.rejected_at", chosen, message=finding.message, sheet=sheet,
                                  cell=cell) if cell else finding.message


def saved_time(text: str) -> datetime | None:
    """A docProps/core.xml time ("2026-07-03T10:15:00Z") as an aware datetime; None when unreadable."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def older_first(a: FileEntry, b: FileEntry) -> int:
    """Order by the workbook's saved time (when both say it and they differ), then the file time, then the path."""
    saved_a, saved_b = saved_time(a.saved), saved_time(b.saved)
    if saved_a and saved_b and saved_a != saved_b:
        return -1 if saved_a < saved_b else 1
    if a.mtime != b.mtime:
        return -1 if a.mtime < b.mtime else 1
    return (a.path > b.path) - (a.path < b.path)


def _basis(a: FileEntry, b: FileEntry) -> str:
    """What told two files apart: "saved" (the workbooks' saved times), "file" (file times) or "path"."""
    saved_a, saved_b = saved_time(a.saved), saved_time(b.saved)
    if saved_a and saved_b and saved_a != saved_b:
        return "saved"
    return "file" if a.mtime != b.mtime else "path"


def saved_text(entry: FileEntry, lang: str, basis: str = "saved") -> str:
    """When a file was saved, as a DUPLICATE_MANAGER message shows it (UTC), by what told the files apart."""
    moment = saved_time(entry.saved)
    if basis == "saved" and moment is not None:
        return render("manager.saved.workbook", lang, time=moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"))
    if entry.mtime:
        shown = datetime.fromtimestamp(entry.mtime, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        return render("manager.saved.file", lang, time=shown)
    return render("manager.saved.unknown", lang)


def unify_teams(entries: list[FileEntry]) -> None:
    """Give every merged manager of one team (by identity key: "East 1", "east 1" and
    "East １" are one team) the same spelling: the most common one, ties to the first file."""
    spellings: dict[str, Counter] = {}
    first: dict[tuple[str, str], int] = {}
    merged = [e.manager for e in entries if e.status == "merged" and e.manager is not None]
    for position, manager in enumerate(merged):
        key = identity_key(manager.team)
        spellings.setdefault(key, Counter())[manager.team] += 1
        first.setdefault((key, manager.team), position)
    shown = {key: min(counts, key=lambda name: (-counts[name], first[(key, name)]))
             for key, counts in spellings.items()}
    for manager in merged:
        manager.team = shown[identity_key(manager.team)]


_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")


def check_period(period: str | None) -> None:
    """Raise UsageError for a ``--period`` that names no year (FORMAT.md: 2026Q3, 2026H2, 2026)."""
    if period is not None and not _YEAR.search(str(period)):
        raise UsageError("period_invalid", period=period)
