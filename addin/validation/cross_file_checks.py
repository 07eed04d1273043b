"""Checks across files: identical files (same SHA-256), the same manager in two files
(DUPLICATE_MANAGER) and periods differing from the most common one (PERIOD_MISMATCH);
one spelling per team.

Ids and team names are compared by :func:`addin.contract.identity.identity_key`
(full-width forms, invisible characters, inner spaces, look-alike letters and case do
not make two people or two teams); the original text is what is shown."""

from __future__ import annotations

import re
from collections import Counter

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
    first_by_id: dict[str, FileEntry] = {}
    for entry in entries:
        if entry.status != "merged":
            continue
        key = identity_key(entry.manager.manager_id)
        other = first_by_id.get(key)
        if other is None:
            first_by_id[key] = entry
            continue
        sheet, cell, row = entry.manager.id_position
        finding = make("DUPLICATE_MANAGER", lang or entry.lang, file=entry.path, sheet=sheet, cell=cell, row=row,
                       manager_id=entry.manager.manager_id, other=other.path)
        entry.findings.append(finding)
        entry.status, entry.manager = "rejected", None
        entry.reason = render("files.rejected_at", lang or entry.lang, message=finding.message, sheet=sheet,
                              cell=cell) if cell else finding.message
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
