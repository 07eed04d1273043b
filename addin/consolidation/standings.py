"""Every manager of a consolidation with a status: scored, rejected or missing.

With a roster, the managers are the roster's (every one of them, even without a file) and
the managers of files not in it; without one, every manager seen in a readable file,
rejected ones included. A manager is *scored* when one of their files was merged;
*rejected* when they have files but none could be scored (the reason is the newest file's
first blocking finding); *missing* when a roster manager has no file at all. Only scored
managers are ranked, graded and share the bonus pool.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from addin.contract.identity import identity_key
from addin.contract.messages import render
from addin.roster.model import RosterManager
from addin.validation.cross_file_checks import older_first
from addin.validation.results import FileEntry, ManagerResult, ValidationReport

SCORED, REJECTED, MISSING = "scored", "rejected", "missing"
STATUSES = (SCORED, REJECTED, MISSING)


@dataclass
class Standing:
    """One manager of the team: who, their status and why, and the file that counts."""

    manager_id: str
    name: str = ""
    team: str = ""
    region: str = ""
    period: str = ""
    reviewer: str = ""
    status: str = MISSING
    reason: str = ""
    file: str = ""
    manager: ManagerResult | None = None  # the scores (scored only)


def standings(report: ValidationReport, lang: str) -> list[Standing]:
    """Every manager with a status, in the order: roster order (with a roster) or first file, then the others."""
    groups: dict[str, list[FileEntry]] = {}
    roster_managers: dict[str, RosterManager] = {}
    if report.roster is not None and report.roster_check is not None:
        for manager in report.roster.managers:
            roster_managers[manager.key] = manager
            groups[manager.key] = list(report.roster_check.files.get(manager.key, []))
    for entry in report.files:
        if entry.identity is None or entry.status == "duplicate" or entry.skipped:
            continue
        key = identity_key(entry.identity.manager_id)
        owned = groups.setdefault(key, [])
        if entry not in owned:
            owned.append(entry)
    return [_standing(roster_managers.get(key), files, lang) for key, files in groups.items()]


def unowned_rejections(report: ValidationReport, people: list[Standing]) -> list[FileEntry]:
    """Rejected files that are nobody's (unreadable, no id, not matched to a roster manager)."""
    counted = {s.file for s in people}
    owned = set()
    if report.roster_check is not None:
        owned = {e.path for files in report.roster_check.files.values() for e in files}
    return [e for e in report.files if e.status == "rejected" and not e.skipped and e.identity is None
            and e.path not in owned and e.path not in counted]


def _standing(listed: RosterManager | None, files: list[FileEntry], lang: str) -> Standing:
    merged = next((e for e in files if e.status == "merged" and e.manager is not None), None)
    if merged is not None and merged.manager is not None:
        m = merged.manager
        return Standing(m.manager_id, m.name, m.team, m.region, m.period, m.reviewer, SCORED, "", m.file, m)
    if not files:
        assert listed is not None  # only roster managers can be without files
        return Standing(listed.manager_id, listed.manager_name, listed.team, listed.region, listed.period,
                        listed.reviewer, MISSING, render("manager.reason.missing", lang, row=listed.row))
    newest = max(files, key=functools.cmp_to_key(older_first))
    who = newest.identity
    standing = Standing(
        who.manager_id if who else (listed.manager_id if listed else ""),
        (who.name if who else "") or (listed.manager_name if listed else ""),
        (who.team if who else "") or (listed.team if listed else ""),
        (who.region if who else "") or (listed.region if listed else ""),
        (who.period if who else "") or (listed.period if listed else ""),
        listed.reviewer if listed else "",
        REJECTED, newest.reason, newest.path)
    if listed is not None:  # the roster's spelling of the id
        standing.manager_id = listed.manager_id
    return standing
