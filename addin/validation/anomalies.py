"""Statistics findings of FORMAT.md, with exactly its thresholds.

``per_manager`` looks at one manager (extreme achievements, self-vs-manager gap,
flat ratings); ``across_managers`` at a group (score outliers, lenient and severe
reviewers, tier actuals that disagree, grades beyond the quota). Group checks run
only when the group is large enough; each finding points at a cell of a file so
the user can click through (docs/consolidation.md lists which cell).
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from addin.contract.findings import Finding, make
from addin.contract.messages import render
from udfs import engine

EXTREME_HIGH, EXTREME_LOW = 2.0, 0.2
OUTLIER_Z, OUTLIER_MIN_N = 3.5, 8
GAP_MIN = 1.5
REVIEWER_MIN_PEOPLE, REVIEWER_DIFF = 3, 0.5
FLAT_MIN_ITEMS = 4
QUOTA_MIN_N = 10
_EPS = 1e-9


def _group_name(kind: str, name: str, lang: str) -> str:
    if kind in ("all", "company"):
        return render(f"checks.group_{kind}", lang)
    return render("checks.group_team", lang, name=name)


def per_manager(manager, lang: str = "en") -> list[Finding]:
    """Statistics of one manager's own data."""
    out: list[Finding] = []
    for ind in manager.indicators:
        r = ind.achievement
        if ind.weight > 0 and r is not None and ind.actual is not None and (
                r >= EXTREME_HIGH - _EPS or r <= EXTREME_LOW + _EPS):
            out.append(make("EXTREME_ACHIEVEMENT", lang, file=manager.file, sheet=ind.sheet, cell=ind.actual_cell,
                            row=ind.row, manager_id=manager.manager_id, indicator=ind.indicator, achievement=r))
    self_ratings = [r for r in manager.reviews if r.role == "self"]
    boss_ratings = [r for r in manager.reviews if r.role == "manager"]
    if self_ratings and boss_ratings:
        gap = np.mean([r.rating for r in self_ratings]) - np.mean([r.rating for r in boss_ratings])
        if gap >= GAP_MIN - _EPS:
            first = self_ratings[0]
            out.append(make("SELF_MANAGER_GAP", lang, file=manager.file, sheet=first.sheet, cell=first.cell,
                            row=first.row, manager_id=manager.manager_id, gap=float(gap)))
    by_reviewer = defaultdict(list)
    for review in manager.reviews:
        by_reviewer[(review.role, review.reviewer.casefold())].append(review)
    for (_role, _name), ratings in sorted(by_reviewer.items()):
        if len(ratings) >= FLAT_MIN_ITEMS and len({r.rating for r in ratings}) == 1:
            first = ratings[0]
            out.append(make("FLAT_RATINGS", lang, file=manager.file, sheet=first.sheet, cell=first.cell,
                            row=first.row, manager_id=manager.manager_id,
                            reviewer=first.reviewer or first.role, rating=first.rating, items=len(ratings)))
    return out


def _groups(managers, min_n: int):
    """(kind, name, members) for each team of at least min_n and for everyone,
    leaving out a group identical to another one."""
    teams = defaultdict(list)
    for m in managers:
        if m.team:
            teams[m.team].append(m)
    seen = set()
    for name in sorted(teams):
        members = teams[name]
        if len(members) >= min_n:
            seen.add(frozenset(m.file for m in members))
            yield "team", name, members
    if len(managers) >= min_n and frozenset(m.file for m in managers) not in seen:
        yield "all", "", list(managers)


def score_outliers(managers, lang: str) -> list[Finding]:
    out = []
    for kind, name, members in _groups(managers, OUTLIER_MIN_N):
        finals = np.array([m.final for m in members], dtype=float)
        median = np.median(finals)
        mad = np.median(np.abs(finals - median))
        if mad > _EPS:
            z = 0.6745 * (finals - median) / mad
        else:  # more than half the group share one score: fall back to the mean absolute deviation
            meanad = np.mean(np.abs(finals - median))
            if meanad <= _EPS:
                continue
            z = (finals - median) / (1.253314 * meanad)
        for m, value in zip(members, z):
            if abs(value) > OUTLIER_Z:
                sheet, cell, row = m.final_position
                out.append(make("SCORE_OUTLIER", lang, file=m.file, sheet=sheet, cell=cell, row=row,
                                manager_id=m.manager_id, score=m.final, group=_group_name(kind, name, lang),
                                z=float(value)))
    return out


def reviewer_bias(managers, lang: str) -> list[Finding]:
    ratings = [(m, r) for m in sorted(managers, key=lambda m: m.file) for r in m.reviews if r.role == "manager"]
    if not ratings:
        return []
    overall = float(np.mean([r.rating for _, r in ratings]))
    by_reviewer = defaultdict(list)
    for m, r in ratings:
        if r.reviewer:
            by_reviewer[r.reviewer.casefold()].append((m, r))
    out = []
    for _key, items in sorted(by_reviewer.items()):
        people = {m.manager_id for m, _ in items}
        if len(people) < REVIEWER_MIN_PEOPLE:
            continue
        diff = float(np.mean([r.rating for _, r in items])) - overall
        code = "LENIENT_REVIEWER" if diff >= REVIEWER_DIFF - _EPS else (
            "SEVERE_REVIEWER" if diff <= -REVIEWER_DIFF + _EPS else None)
        if code:
            m, r = items[0]
            out.append(make(code, lang, file=m.file, sheet=r.sheet, cell=r.cell, row=r.row,
                            manager_id=m.manager_id, reviewer=r.reviewer, people=len(people), diff=diff))
    return out


def tier_mismatches(managers, lang: str) -> list[Finding]:
    groups = defaultdict(list)
    for m in sorted(managers, key=lambda m: m.file):
        for ind in m.indicators:
            if ind.tier == "individual" or ind.actual is None:
                continue
            scope = m.team if ind.tier == "team" else ""
            if ind.tier == "team" and not scope:
                continue
            groups[(ind.tier, scope, ind.indicator.casefold())].append((m, ind))
    out = []
    for (tier, scope, _), items in sorted(groups.items()):
        values = Counter(round(ind.actual, 9) for _, ind in items)
        if len(values) < 2:
            continue
        first_value = round(items[0][1].actual, 9)
        mode = max(values, key=lambda v: (values[v], v == first_value))
        shown = ", ".join(f"{v:g}" for v in sorted(values))
        tier_label = render("checks.tier_team" if tier == "team" else "checks.tier_company", lang)
        group = _group_name("team" if tier == "team" else "company", scope, lang)
        for m, ind in items:
            if round(ind.actual, 9) != mode:
                out.append(make("TIER_ACTUAL_MISMATCH", lang, file=m.file, sheet=ind.sheet, cell=ind.actual_cell,
                                row=ind.row, manager_id=m.manager_id, tier=tier_label, indicator=ind.indicator,
                                group=group, values=shown))
    return out


def quota_excess(managers, lang: str, quotas=None) -> list[Finding]:
    out = []
    for kind, name, members in _groups(managers, QUOTA_MIN_N):
        allowed = dict(engine.forced_headcounts(len(members), quotas))
        order = engine.forced_order([m.manager_id for m in members], [m.final for m in members],
                                    [m.quant for m in members])
        ranked = [members[i] for i in order]
        for grade in ("S", "A"):
            holders = [m for m in ranked if m.grade == grade]
            limit = allowed.get(grade, 0)
            if len(holders) > limit:
                marginal = holders[limit]  # the first manager beyond the quota
                sheet, cell, row = marginal.final_position
                out.append(make("GRADE_QUOTA_EXCEEDED", lang, file=marginal.file, sheet=sheet, cell=cell, row=row,
                                manager_id=marginal.manager_id, group=_group_name(kind, name, lang),
                                count=len(holders), grades=grade, allowed=limit))
    return out


def across_managers(managers, lang: str = "en", quotas=None) -> list[Finding]:
    """Group statistics over merged managers (teams and everyone)."""
    managers = sorted(managers, key=lambda m: m.file)
    if quotas is None:
        quotas = prevailing_setting(managers, "quotas")
    return (score_outliers(managers, lang) + reviewer_bias(managers, lang)
            + tier_mismatches(managers, lang) + quota_excess(managers, lang, quotas))


def prevailing_setting(managers, kind: str):
    """The value of a group-level setting (quotas, bonus) shared by most files; None for the defaults."""
    counts = Counter()
    first = {}
    for m in managers:
        value = getattr(m.settings, kind)
        key = repr(sorted(value)) if value else None
        counts[key] += 1
        first.setdefault(key, value)
    if not counts:
        return None
    key = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] or ""))[0][0]
    return first[key]


__all__ = ["per_manager", "across_managers", "prevailing_setting"]
