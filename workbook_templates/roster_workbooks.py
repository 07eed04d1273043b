"""One pre-filled, locked workbook per manager of a roster (`kpi new --roster`), never over one that exists.

The roster is read by :mod:`addin.roster.reader`. Re-running over a folder is safe: a
roster manager who already has a scorecard there (found by the manager id read from the
files, whatever they are called) keeps it, byte for byte; only the others get a new one.
Each new workbook has the roster's header fields, targets and reviewer (in the reviewer
cells of the manager-review rows; the self-review rows get the manager's name), and its
HR cells are locked (:func:`~workbook_templates.generator.write_template` ``locked``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from addin.contract.standard import default_reviews
from addin.roster.model import IgnoredColumn, Roster, RosterManager, manager_key
from addin.roster.reader import load_roster
from addin.xlsx.discovery import discover
from addin.xlsx.output import check_output_files, check_output_folder, safe_file_name
from addin.xlsx.reader import read_scorecard
from addin.xlsx.safety import Reason
from udfs.enums import ROLE
from workbook_templates.generator import write_template


def safe_filename(text: str, limit: int = 60) -> str:
    """``text`` usable as a file name part on Windows, macOS and Linux (:func:`addin.xlsx.output.safe_file_name`)."""
    return safe_file_name(text, limit)


def file_name(row: dict, period: str | None) -> str:
    """``2026Q3_华东一组_AM001_张伟.xlsx``: sorts by period, team, id; blanks are left out."""
    parts = [period or "", row.get("team", ""), row["manager_id"], row.get("manager_name", "")]
    return "_".join(p for p in (safe_filename(x) for x in parts) if p) + ".xlsx"


@dataclass(frozen=True)
class ManagerFile:
    """A roster manager's scorecard: one written now, or one already in the folder (left untouched)."""

    manager_id: str
    path: Path


@dataclass(frozen=True)
class UnknownFile:
    """A spreadsheet in the folder that is nobody's scorecard (unreadable, not a scorecard, no manager
    id): left untouched and listed, because a manager whose file it is gets a new one beside it."""

    path: Path
    reason: Reason


@dataclass
class RosterWorkbooks:
    """What `kpi new --roster` did: the workbooks added, the scorecards kept, the roster read."""

    added: list[ManagerFile] = field(default_factory=list)  # in roster order
    kept: list[ManagerFile] = field(default_factory=list)  # in roster order
    ignored: list[IgnoredColumn] = field(default_factory=list)  # roster columns that set nothing
    unknown: list[UnknownFile] = field(default_factory=list)  # files in the folder that are nobody's scorecard
    roster: Roster | None = None

    @property
    def written(self) -> list[Path]:
        """The paths written, in roster order."""
        return [f.path for f in self.added]


def existing_scorecards(folder: Path, unknown: list[UnknownFile] | None = None) -> dict[str, list[Path]]:
    """{manager key: scorecard files} of the scorecards below ``folder``, by the manager id read
    from each file. Files that are not readable scorecards are not anyone's: appended to ``unknown``
    with the reason (lock files, system litter and kpi's own outputs are left out silently)."""
    found: dict[str, list[Path]] = {}
    unknown = [] if unknown is None else unknown
    if not folder.is_dir():
        return found
    for found_file in discover([folder]):
        if found_file.skip is not None:  # lock files, litter: nobody's scorecard, not worth a word
            continue
        path = found_file.path
        if found_file.unreadable is not None:  # a FIFO, a device: never opened
            unknown.append(UnknownFile(path, found_file.unreadable))
            continue
        card = read_scorecard(path)
        if not card.ok:
            if not card.skipped and card.problem is not None:  # skipped: a team workbook kpi wrote
                unknown.append(UnknownFile(path, card.problem))
            continue
        cell = card.names.get("kpi_manager_id")
        key = manager_key(cell.value) if cell is not None and cell.value is not None else ""
        if key:
            found.setdefault(key, []).append(path)
        else:
            unknown.append(UnknownFile(path, Reason("file_without_id", area="roster")))
    return found


def _reviews(manager: RosterManager, size: str, lang: str) -> list[dict]:
    """The size's review rows with the roster's reviewer on the manager rows and the manager on the self rows."""
    rows = default_reviews(size, lang)
    for row in rows:
        role = ROLE.try_parse(row.get("role"))
        if role == "manager" and manager.reviewer:
            row["reviewer"] = manager.reviewer
        elif role == "self" and manager.manager_name:
            row["reviewer"] = manager.manager_name
    return rows


def _free_name(out_dir: Path, name: str, taken: set[str]) -> Path:
    """``name`` in ``out_dir``, or ``name_2`` … when a file (someone else's) or another new one has it."""
    stem, suffix = name[:-5], name[-5:]
    candidate, n = name, 1
    while candidate.casefold() in taken or (out_dir / candidate).exists():
        n += 1
        candidate = f"{stem}_{n}{suffix}"
    taken.add(candidate.casefold())
    return out_dir / candidate


def write_roster(roster_path, out_dir, size: str = "medium", lang: str = "zh", mode: str = "portable",
                 period: str | None = None, actuals=None) -> RosterWorkbooks:
    """Write a pre-filled assessment workbook into ``out_dir`` for every roster manager who has none there.

    Args:
        roster_path: .xlsx or .csv roster (see :mod:`addin.roster.reader` for its columns).
        out_dir: output folder (created when missing). Scorecards already in it (and below it)
            are matched to roster managers by the manager id read from them and kept as they are.
        size, lang, mode: as for :func:`~workbook_templates.generator.write_template`.
        period: the period for rows whose period cell is blank (e.g. "2026Q3").
        actuals: optional {manager id trimmed and case-folded: {indicator position: {"actual": …,
            "source": …}}} (`kpi new --actuals`, built by ``addin.collect``): set in the workbooks
            written now (scorecards already in the folder are kept; `kpi fill` updates those).

    Returns:
        :class:`RosterWorkbooks`: the paths written and the scorecards kept, in roster order, the
        roster columns that set nothing and the files in the folder that are nobody's scorecard.

    Raises:
        RosterError: the roster is unreadable, lacks the id column, has missing or duplicate ids,
        a target column naming no indicator, or a bad target cell; UsageError (before the roster
        is read): ``out_dir`` cannot be a folder of outputs (:func:`addin.xlsx.output.check_output_folder`);
        OutputError: a workbook cannot be written. Nothing is written then.
    """
    out_dir = check_output_folder(out_dir, inputs=[roster_path])
    roster = load_roster(roster_path, size)
    result = RosterWorkbooks(ignored=list(roster.ignored), roster=roster)
    existing = existing_scorecards(out_dir, result.unknown)
    planned, taken = [], set()
    for manager in roster.managers:
        if manager.key in existing:
            result.kept.append(ManagerFile(manager.manager_id, existing[manager.key][0]))
            continue
        row_period = manager.period or period or ""
        row = manager.as_dict(roster.targets)
        path = _free_name(out_dir, file_name(row, row_period), taken)
        header = {k: row.get(k) or None for k in ("manager_id", "manager_name", "team", "region", "reviewer")}
        header["period"] = row_period or None
        targets = row["targets"]
        collected = (actuals or {}).get(str(manager.manager_id).strip().casefold(), {})
        cells: dict[int, dict] = {}
        for i, value in targets.items():
            cells.setdefault(i, {})["target"] = value
        for i, values in collected.items():
            cells.setdefault(i, {}).update(values)
        kpi_rows = [cells.get(i, {}) for i in range(max(cells) + 1)] if cells else None
        planned.append((manager, path, header, kpi_rows, _reviews(manager, size, lang)))
    # refuse before writing anything (new names are free: only a name taken meanwhile is in the way)
    check_output_files([path for _, path, *_ in planned], suffixes=(".xlsx",), inputs=[roster_path])
    for manager, path, header, kpi_rows, reviews in planned:
        written = write_template(path, size=size, lang=lang, mode=mode, header=header, rows=kpi_rows,
                                 reviews=reviews, locked=True)
        result.added.append(ManagerFile(manager.manager_id, written))
    return result
