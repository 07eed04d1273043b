"""tblTeams: one row per team of the scored managers (FORMAT.md's team workbook, issue 11).

``managers`` counts the team's scored managers; ``mean_final_score`` is their mean final
score; ``forced_s`` … ``forced_d`` count their **overall** forced grades (the grades the
bonus follows, so the director sees how the bonus grades fall across teams);
``bonus_total`` sums their bonuses. A blank team is one team of its own (shown as
"(no team)"). Teams are sorted by name.
"""

from __future__ import annotations

import math
from collections import defaultdict

from udfs.enums import GRADE

FORCED_KEYS = {grade: f"forced_{grade.lower()}" for grade in GRADE.keys}


def scored(row: dict) -> bool:
    """A tblManagers row with scores (every row, until rows carry a status)."""
    return row.get("status", "scored") == "scored"


def team_rows(manager_rows: list[dict]) -> list[dict]:
    members: dict[str, list[dict]] = defaultdict(list)
    for row in manager_rows:
        if scored(row):
            members[row.get("team") or ""].append(row)
    rows = []
    for team in sorted(members):
        group = members[team]
        row = {"team": team, "managers": len(group),
               "mean_final_score": math.fsum(r["final_score"] for r in group) / len(group)}
        for grade, column in FORCED_KEYS.items():
            row[column] = sum(1 for r in group if r.get("forced_grade") == grade)
        row["bonus_total"] = math.fsum(r["bonus"] for r in group if isinstance(r.get("bonus"), float)
                                       and not math.isnan(r["bonus"]))
        rows.append(row)
    return rows
