"""This quarter against the last (`kpi consolidate --previous TEAM_PREV.xlsx`).

The previous quarter is read from its team workbook alone (tblManagers: manager_id,
name, team, final_score, grade, forced_grade). Managers are matched by id (trimmed,
case-insensitive). For a manager in both quarters tblManagers gains
``previous_final_score``, ``previous_grade`` (the absolute grade), ``previous_forced_grade``
and ``change`` = final_score − previous_final_score (exact: both as stored), and ``movement``
up / down / same (the change rounded to the cent); a manager scored now but not
before is ``new``. tblTeams gains the team's previous mean final score (over its scored
managers of last quarter) and the change of the mean. Managers of last quarter who are not
in this one at all are listed on the summary ("left").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from addin.consolidation.team_workbook.reader import read_team_workbook
from addin.contract.errors import UsageError
from addin.xlsx.values import value_text

MOVERS = 10  # the biggest movers charted on the summary


@dataclass(frozen=True)
class PreviousManager:
    manager_id: str
    name: str
    team: str
    final_score: float
    grade: str
    forced_grade: str


@dataclass
class PreviousQuarter:
    """The scored managers of the previous team workbook, by normalised id."""

    path: str
    period: str
    managers: dict[str, PreviousManager] = field(default_factory=dict)

    def team_means(self) -> dict[str, float]:
        sums: dict[str, list[float]] = {}
        for m in self.managers.values():
            sums.setdefault(m.team, []).append(m.final_score)
        return {team: math.fsum(v) / len(v) for team, v in sums.items()}


def key(manager_id) -> str:
    return str(manager_id or "").strip().upper()


def read_previous(path) -> PreviousQuarter:
    """The previous quarter from its team workbook; UsageError naming the file when it cannot be used."""
    book = read_team_workbook(path, previous=True)
    quarter = PreviousQuarter(path=str(path), period="")
    periods: dict[str, int] = {}
    for row in book.rows("tblManagers"):
        final = row.get("final_score")
        if row.get("status", "scored") not in ("scored", None) or not isinstance(final, (int, float)) \
                or isinstance(final, bool) or not math.isfinite(final) or not key(row.get("manager_id")):
            continue
        quarter.managers.setdefault(key(row["manager_id"]), PreviousManager(
            manager_id=str(row["manager_id"]).strip(), name=value_text(row.get("name")), team=value_text(row.get("team")),
            final_score=float(final), grade=value_text(row.get("grade")), forced_grade=value_text(row.get("forced_grade"))))
        period = value_text(row.get("period"))
        periods[period] = periods.get(period, 0) + 1
    if not quarter.managers:
        raise UsageError("previous_has_no_scores", path=str(path))
    quarter.period = max(sorted(periods), key=periods.__getitem__) if periods else ""
    return quarter


def movement(change: float) -> str:
    rounded = round(change, 2)
    return "same" if rounded == 0 else ("up" if rounded > 0 else "down")


@dataclass
class Comparison:
    """What the summary shows of the comparison."""

    path: str
    period: str
    new: int
    left: list[PreviousManager]
    movers: list[dict]  # manager rows with the largest |change|, largest first


def compare(manager_rows: list[dict], team_rows: list[dict], previous: PreviousQuarter) -> Comparison:
    """Add the previous-quarter columns to the tblManagers and tblTeams rows (in place)."""
    seen = set()
    new = 0
    for row in manager_rows:
        k = key(row["manager_id"])
        seen.add(k)
        before = previous.managers.get(k)
        scored = row.get("status", "scored") == "scored"
        row["previous_final_score"] = before.final_score if before else math.nan
        row["previous_grade"] = before.grade if before else None
        row["previous_forced_grade"] = before.forced_grade if before else None
        row["change"] = row["final_score"] - before.final_score if before and scored else math.nan
        row["movement"] = (movement(row["change"]) if before else "new") if scored else None
        new += row["movement"] == "new"
    means = previous.team_means()
    for row in team_rows:
        before_mean = means.get(row["team"])
        row["previous_mean_final_score"] = before_mean if before_mean is not None else math.nan
        row["change"] = row["mean_final_score"] - before_mean if before_mean is not None else math.nan
    left = sorted((m for k, m in previous.managers.items() if k not in seen),
                  key=lambda m: (m.team, m.manager_id))
    both = [r for r in manager_rows if not math.isnan(r["change"])]
    movers = sorted(both, key=lambda r: (-abs(r["change"]), r["manager_id"]))[:MOVERS]
    return Comparison(path=str(Path(previous.path)), period=previous.period, new=new, left=left, movers=movers)
