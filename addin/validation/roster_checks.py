"""The roster as the source of truth (`--roster` of `kpi validate` and `kpi consolidate`).

* MISSING_SCORECARD [error]: a roster manager with no scorecard file at all (a manager
  whose file was rejected is not missing: the file is theirs, with its own findings);
* NOT_IN_ROSTER [warning]: a scorecard whose manager id is not in the roster;
* TARGET_CHANGED [error]: a tblKPI target differing from the roster's target column for
  that indicator (found by the indicator's name, zh or en); it rejects the file;
* ROSTER_COLUMN_IGNORED [warning]: a roster column that sets nothing.

A file is a manager's when the id read from it is the manager's. A file that cannot be
read as a scorecard has no id: when its name holds exactly one roster id as a word (as
`kpi new --roster` names files: ``2026Q3_华东一组_AM001_张伟.xlsx``) it counts as that
manager's rejected file rather than leaving the manager "missing".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from addin.contract.findings import ERROR, Finding, make
from addin.contract.identity import identity_key
from addin.contract.messages import render
from addin.roster.model import Roster, RosterManager
from addin.validation.cell_values import fmt_number, is_number
from addin.validation.results import FileEntry

TARGET_TOLERANCE = 1e-9  # relative: a roster's 1200 and a scorecard's 1200.0000000001 are one target
_WORDS = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass
class RosterCheck:
    """The roster's findings and which input files belong to which roster manager."""

    findings: list[Finding] = field(default_factory=list)  # placed in the roster (missing managers, columns)
    files: dict[str, list[FileEntry]] = field(default_factory=dict)  # roster manager key -> their files


def check_against_roster(entries: list[FileEntry], roster: Roster, lang: str) -> RosterCheck:
    """Compare the files with the roster; adds file findings (and rejections) to the entries in place."""
    by_key = roster.by_key()
    result = RosterCheck(files={key: [] for key in by_key})
    for entry in entries:
        if entry.status == "duplicate" or entry.skipped:
            continue
        owner = _owner(entry, by_key)
        if owner is None:
            if entry.identity is not None:
                sheet, cell, row = entry.identity.position
                _add(entry, make("NOT_IN_ROSTER", lang or entry.lang, file=entry.path, sheet=sheet, cell=cell,
                                 row=row, manager_id=entry.identity.manager_id, roster=roster.path.name))
            continue
        result.files[owner.key].append(entry)
        for finding in _changed_targets(entry, roster, owner, lang or entry.lang):
            _add(entry, finding)
    for manager in roster.managers:
        if not result.files[manager.key]:
            result.findings.append(make("MISSING_SCORECARD", lang, file=str(roster.path), sheet=roster.sheet,
                                        cell=roster.id_cell(manager), row=manager.row, manager_id=manager.manager_id,
                                        name=manager.manager_name))
    for column in roster.ignored:
        why = render("roster.why_repeated", lang, field=column.field) if column.reason == "repeated" \
            else render("roster.why_unknown", lang)
        result.findings.append(make("ROSTER_COLUMN_IGNORED", lang, file=str(roster.path), sheet=roster.sheet,
                                    cell=roster.header_cell(column.index), row=roster.header_row,
                                    header=column.header, letter=column.letter, why=why))
    return result


def _owner(entry: FileEntry, by_key: dict[str, RosterManager]) -> RosterManager | None:
    """The roster manager a file belongs to: by the id read from it, else (unreadable files) by its name."""
    if entry.identity is not None:
        return by_key.get(identity_key(entry.identity.manager_id))
    if entry.status != "rejected":
        return None
    named = {key for key in (identity_key(w) for w in _WORDS.findall(Path(entry.path).stem)) if key in by_key}
    return by_key[named.pop()] if len(named) == 1 else None


def _changed_targets(entry: FileEntry, roster: Roster, manager: RosterManager, lang: str) -> list[Finding]:
    """TARGET_CHANGED for each target of the file that differs from the roster's."""
    out = []
    for stated in entry.targets:
        set_by_roster = roster.target_of(manager, stated.indicator)
        if set_by_roster is None:
            continue
        column, expected = set_by_roster
        value = stated.value
        if is_number(value) and math.isclose(float(value), expected, rel_tol=TARGET_TOLERANCE, abs_tol=TARGET_TOLERANCE):
            continue
        found = fmt_number(float(value)) if is_number(value) else (render("manager.blank", lang) if value in (None, "") else str(value))
        out.append(make("TARGET_CHANGED", lang, file=entry.path, sheet=stated.sheet, cell=stated.cell,
                        row=stated.row, manager_id=manager.manager_id, indicator=stated.indicator, found=found,
                        expected=fmt_number(expected), roster=roster.path.name,
                        roster_cell=f"{column.letter}{manager.row}"))
    return out


def _add(entry: FileEntry, finding: Finding) -> None:
    """Add a finding to a file; an error rejects a file that was to be merged."""
    entry.findings.append(finding)
    if finding.severity == ERROR and entry.status == "merged":
        entry.status, entry.manager = "rejected", None
        entry.reason = render("files.rejected_at", entry.lang, message=finding.message, sheet=finding.sheet,
                              cell=finding.cell) if finding.cell else finding.message
