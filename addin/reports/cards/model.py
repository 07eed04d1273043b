"""What one result card says, read from the team workbook alone.

Every number is taken as the team workbook stores it (tblManagers, tblScores, tblReviews,
tblTeams), so a card agrees with the workbook to the cent. Derived values: the team
average of an indicator is the mean score of that indicator (same name) over the team's
scored managers who have it with a weight above 0; a role's qualitative score is the
mean of its ratings × 20 (SCORING.md §3); ranks are shown out of the managers ranked
(overall) and the team's scored managers.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from addin.consolidation.team_workbook import TeamWorkbook
from addin.reports.cards.reword import reword
from addin.xlsx.values import value_text
from udfs.enums import ROLE

# Findings not shown on a card: about a group or a reviewer rather than the person, technical
# ones, and TARGET_ADJUSTED (the indicator table states the adjustment and its reason).
NOT_PERSONAL = frozenset({"LENIENT_REVIEWER", "SEVERE_REVIEWER", "GRADE_QUOTA_EXCEEDED", "TEMPLATE_VERSION",
                          "TARGET_ADJUSTED"})
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
COMMENT_ORDER = {"manager": 0, "peer": 1, "self": 2}  # whose comments a card shows first


@dataclass
class Indicator:
    dimension: str
    indicator: str
    unit: str
    weight: float
    target: float | None
    adjusted_target: float | None
    adjust_reason: str
    effective_target: float | None
    actual: float | None
    source: str
    achievement: float | None
    score: float
    weighted: float
    veto: bool
    team_average: float | None

    @property
    def adjusted(self) -> bool:
        return (self.adjusted_target is not None and self.target is not None
                and abs(self.adjusted_target - self.target) > 1e-12)


@dataclass
class RoleScore:
    role: str  # self | peer | manager
    score: float  # mean rating × 20
    ratings: int


@dataclass
class Comment:
    role: str
    reviewer: str
    competency: str
    comment: str


@dataclass
class Previous:
    period: str
    final_score: float | None
    grade: str
    forced_grade: str
    change: float | None
    movement: str | None


@dataclass
class Card:
    """One scored manager's result card."""

    manager_id: str
    name: str
    team: str
    region: str
    period: str
    reviewer: str
    quant: float
    qual: float | None
    final: float
    grade: str
    forced_grade: str
    team_forced_grade: str
    veto: bool
    rank: int
    ranked: int
    team_rank: int
    team_ranked: int
    team_mean: float | None
    bonus_coefficient: float | None
    bonus: float | None
    indicators: list[Indicator] = field(default_factory=list)
    roles: list[RoleScore] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    previous: Previous | None = None
    compared: bool = False  # the team workbook was made with --previous


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return None if math.isnan(value) else float(value)


def _scored(row: dict) -> bool:
    return row.get("status", "scored") in ("scored", None) and _number(row.get("final_score")) is not None


def build_cards(book: TeamWorkbook, previous_period: str = "", lang: str | None = None) -> list[Card]:
    """The cards of every scored manager of the team workbook, by rank; findings in ``lang`` (default: the
    workbook's)."""
    managers = [row for row in book.rows("tblManagers") if _scored(row) and value_text(row.get("manager_id"))]
    managers.sort(key=lambda r: (_number(r.get("rank")) or math.inf, value_text(r.get("manager_id"))))
    team_of = {value_text(r["manager_id"]): value_text(r.get("team")) for r in managers}
    team_size: dict[str, int] = defaultdict(int)
    team_finals: dict[str, list[float]] = defaultdict(list)
    for row in managers:
        team_size[value_text(row.get("team"))] += 1
        team_finals[value_text(row.get("team"))].append(float(row["final_score"]))
    team_means = {team: math.fsum(v) / len(v) for team, v in team_finals.items()}
    for row in book.rows("tblTeams"):  # the workbook's own figure when it has one
        mean = _number(row.get("mean_final_score"))
        if mean is not None:
            team_means[value_text(row.get("team"))] = mean
    indicators = _indicators(book.rows("tblScores"), team_of)
    roles, comments = _reviews(book.rows("tblReviews"))
    findings = _findings(book.rows("tblFindings"), book.lang, lang or book.lang)
    compared = "previous_final_score" in book.columns.get("tblManagers", [])
    cards = []
    for row in managers:
        mid = value_text(row["manager_id"])
        team = value_text(row.get("team"))
        cards.append(Card(
            manager_id=mid, name=value_text(row.get("name")), team=team, region=value_text(row.get("region")),
            period=value_text(row.get("period")), reviewer=value_text(row.get("reviewer")),
            quant=float(_number(row.get("quant_score")) or 0.0), qual=_number(row.get("qual_score")),
            final=float(row["final_score"]), grade=value_text(row.get("grade")),
            forced_grade=value_text(row.get("forced_grade")), team_forced_grade=value_text(row.get("team_forced_grade")),
            veto=bool(row.get("veto")), rank=int(_number(row.get("rank")) or 0), ranked=len(managers),
            team_rank=int(_number(row.get("team_rank")) or 0), team_ranked=team_size[team],
            team_mean=team_means.get(team), bonus_coefficient=_number(row.get("bonus_coefficient")),
            bonus=_number(row.get("bonus")), indicators=indicators.get(mid, []), roles=roles.get(mid, []),
            comments=comments.get(mid, []), findings=findings.get(mid, []),
            previous=_previous(row, previous_period) if compared else None, compared=compared,
        ))
    return cards


def _indicators(rows: list[dict], team_of: dict[str, str]) -> dict[str, list[Indicator]]:
    sums: dict[tuple[str, str], list[float]] = defaultdict(list)
    for row in rows:
        mid = value_text(row.get("manager_id"))
        score, weight = _number(row.get("score")), _number(row.get("weight"))
        if mid in team_of and score is not None and weight:
            sums[(team_of[mid], value_text(row.get("indicator")))].append(score)
    out: dict[str, list[Indicator]] = defaultdict(list)
    for row in rows:
        mid = value_text(row.get("manager_id"))
        if mid not in team_of:
            continue
        name = value_text(row.get("indicator"))
        scores = sums.get((team_of[mid], name))
        out[mid].append(Indicator(
            dimension=value_text(row.get("dimension")), indicator=name, unit=value_text(row.get("unit")),
            weight=_number(row.get("weight")) or 0.0, target=_number(row.get("target")),
            adjusted_target=_number(row.get("adjusted_target")), adjust_reason=value_text(row.get("adjust_reason")),
            effective_target=_number(row.get("effective_target")), actual=_number(row.get("actual")),
            source=value_text(row.get("source")), achievement=_number(row.get("achievement")),
            score=_number(row.get("score")) or 0.0, weighted=_number(row.get("weighted")) or 0.0,
            veto=bool(row.get("veto")), team_average=math.fsum(scores) / len(scores) if scores else None))
    return out


def _reviews(rows: list[dict]) -> tuple[dict[str, list[RoleScore]], dict[str, list[Comment]]]:
    ratings: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    comments: dict[str, list[Comment]] = defaultdict(list)
    for row in rows:
        mid, role, rating = value_text(row.get("manager_id")), value_text(row.get("role")), _number(row.get("rating"))
        if rating is not None and role in ROLE.keys:
            ratings[mid][role].append(rating)
        text = value_text(row.get("comment"))
        if text:
            comments[mid].append(Comment(role=role, reviewer=value_text(row.get("reviewer")),
                                         competency=value_text(row.get("competency")), comment=text))
    roles = {mid: [RoleScore(role, 20.0 * math.fsum(values) / len(values), len(values))
                   for role in ROLE.keys if (values := by_role.get(role))]
             for mid, by_role in ratings.items()}
    for listed in comments.values():  # the line manager's words first: a card shows only the first few
        listed.sort(key=lambda c: COMMENT_ORDER.get(c.role, len(COMMENT_ORDER)))
    return roles, comments


def _findings(rows: list[dict], source: str, lang: str) -> dict[str, list[str]]:
    """Each manager's findings in plain words: the messages (in ``lang``), most severe first, without repeats."""
    personal = sorted((row for row in rows if value_text(row.get("code")) not in NOT_PERSONAL),
                      key=lambda r: SEVERITY_ORDER.get(value_text(r.get("severity")), 9))
    out: dict[str, list[str]] = defaultdict(list)
    for row in personal:
        mid = value_text(row.get("manager_id"))
        message = reword(value_text(row.get("code")), value_text(row.get("message")), source, lang)
        if mid and message and message not in out[mid]:
            out[mid].append(message)
    return out


def _previous(row: dict, period: str) -> Previous | None:
    final = _number(row.get("previous_final_score"))
    movement = value_text(row.get("movement")) or None
    if final is None and movement != "new":
        return None
    return Previous(period=period, final_score=final, grade=value_text(row.get("previous_grade")),
                    forced_grade=value_text(row.get("previous_forced_grade")), change=_number(row.get("change")),
                    movement=movement)
