"""Consolidation: validate many scorecards, recompute, rank, force grades, pay bonuses.

Everything is recomputed from the inputs with the engine (stored cells are only
compared). The team-level settings (forced-distribution quotas and bonus
coefficients) come from the master template when one is given, else from the
settings most files carry (the defaults when the files carry none); each
manager's own scores use the settings of the manager's own file.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from addin.collect.compare import collected_for, differences, load_collected
from addin.collect.fill import indicator_aliases
from addin.consolidation.previous import Comparison, PreviousQuarter, compare, read_previous
from addin.consolidation.standings import MISSING, REJECTED, SCORED, STATUSES, Standing, standings, unowned_rejections
from addin.consolidation.team_workbook import write_team_workbook
from addin.consolidation.teams import scored, team_rows
from addin.contract import schema
from addin.contract.errors import KpiError, UsageError
from addin.contract.findings import ERROR, INFO, WARNING, Finding, sort_key
from addin.contract.messages import Message
from addin.roster.model import Roster
from addin.roster.reader import load_roster
from addin.validation.anomalies import prevailing_setting
from addin.validation.results import FileEntry
from addin.validation.validate import ValidationReport, master_settings, no_gc, validate_paths
from addin.xlsx.output import check_output_file
from addin.xlsx.reader import is_team_workbook
from udfs import engine
from udfs.errors import KpiInputError

if TYPE_CHECKING:
    import pandas as pd

VETO_SINK = 1e12  # vetoed managers are ordered after everyone else


@dataclass
class ConsolidationResult:
    """What `kpi consolidate` produced: the team tables, findings, file list and a summary.

    The tables are kept as rows (dicts keyed as ``schema.MANAGERS_OUT``/``SCORES_OUT``/
    ``FILES_OUT``; tblManagers by rank); ``managers``, ``scores`` and ``files`` are the
    same as pandas DataFrames, built on first use (the command line never needs pandas).
    """

    manager_rows: list[dict[str, Any]]
    score_rows: list[dict[str, Any]]
    findings: list[Finding]
    file_rows: list[dict[str, Any]]
    summary: dict[str, Any]
    output: Path | None
    report: ValidationReport | None = field(default=None, repr=False)
    review_rows: list[dict[str, Any]] = field(default_factory=list)  # tblReviews: one per rating
    team_rows: list[dict[str, Any]] = field(default_factory=list)  # tblTeams: one per team
    comparison: Comparison | None = None  # with --previous

    @cached_property
    def managers(self) -> pd.DataFrame:
        return _frame(self.manager_rows, schema.MANAGERS_OUT)

    @cached_property
    def scores(self) -> pd.DataFrame:
        return _frame(self.score_rows, schema.SCORES_OUT)

    @cached_property
    def files(self) -> pd.DataFrame:
        return _frame(self.file_rows, schema.FILES_OUT)

    @property
    def has_errors(self) -> bool:
        return any(f.severity == ERROR for f in self.findings)

    def as_dict(self, blank_nan: bool = True) -> dict[str, Any]:
        """The result as plain data; NaN reads None unless ``blank_nan`` is False (then the rows
        are the result's own, not copies: for a reader that blanks NaN itself, as the JSON
        report's models do)."""
        records = _records if blank_nan else list
        names = {row["manager_id"]: row["name"] for row in self.manager_rows}
        return {
            "summary": self.summary,
            "managers": records(self.manager_rows),
            "scores": records(self.score_rows),
            "reviews": records(self.review_rows),
            "teams": records(self.team_rows),
            "findings": [{**f.as_dict(), "name": names.get(f.manager_id, "")} for f in self.findings],
            "files": records(self.file_rows),
        }


def _frame(rows: list[dict], table: schema.OutputTable) -> pd.DataFrame:
    import pandas as pd  # noqa: PLC0415 - only for callers who ask for DataFrames (the CLI never does)

    return pd.DataFrame(rows, columns=list(table.keys))


def _records(rows: list[dict]) -> list[dict]:
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()} for row in rows]


def consolidate(paths, output, period=None, master=None, lang="zh", bonus_pool=None,
                base_bonus=10000.0, progress=None, write=True, previous=None, actuals=None,
                roster=None, force=False, other_outputs=()) -> ConsolidationResult:
    """Validate, recompute and merge scorecards into the team workbook.

    Args:
        paths: files and folders of per-manager workbooks.
        output: path of the team workbook to write (written atomically).
        period: expected period; files of other periods are flagged (PERIOD_MISMATCH).
        master: master template path: settings differing from it are flagged, and its
            quotas and bonus coefficients are used for the team.
        lang: "zh" or "en": language of the team workbook and the messages.
        bonus_pool: scale the bonuses so they sum to this amount (None: base × coefficient).
        base_bonus: base bonus per manager before the grade coefficient.
        progress: optional callable(done, total) called while files are read.
        write: False to compute only (no workbook).
        previous: the previous quarter's team workbook: tblManagers and tblTeams gain the
            previous scores and the change, the summary the biggest movers and who left.
        force: replace an existing ``output`` that is not an earlier team workbook.
        other_outputs: the other files this run writes (a JSON report): never the same path.
        actuals: an actuals workbook of `kpi collect`: every scorecard actual that differs from
            the collected one is ACTUAL_DIFFERS_FROM_SOURCE, and tblScores shows both.
        roster: the roster (.xlsx/.csv) of the period: every manager it lists gets a tblManagers
            row (scored, rejected or missing), and its targets are checked (see
            :mod:`addin.validation.roster_checks`).

    Returns:
        ConsolidationResult (``output`` is None when ``write`` is False).

    Raises:
        UsageError (before any file is read) for a missing input path, no spreadsheet
        files, an output that is a folder, an input or a scorecard, a negative bonus
        amount, a period without a year, an unreadable master or previous team workbook; RosterError
        for a roster that cannot be used; OutputError when the team workbook cannot be written;
        KpiInputError for an impossible bonus pool.
    """
    started = time.perf_counter()
    output = Path(output) if output is not None else None
    check_amounts(bonus_pool, base_bonus)
    if write and output is not None:
        check_output(output, [*paths, *(p for p in (master, previous, actuals, roster) if p)], force, other_outputs)
    before = read_previous(previous) if previous is not None else None
    collected = load_collected(actuals) if actuals is not None else None
    listed = load_roster(roster) if roster is not None else None
    with no_gc():  # tens of thousands of long-lived objects and no cycles: the collector only costs
        return _consolidate(paths, output, period, master, lang, bonus_pool, base_bonus, progress, write, started,
                            before, collected, listed)


def _consolidate(paths, output, period, master, lang, bonus_pool, base_bonus, progress, write, started,
                 before: PreviousQuarter | None = None, collected=None, roster: Roster | None = None):
    master_data = master_settings(master, lang) if master else None
    report = validate_paths(paths, lang=lang, master=master, period=period,
                            exclude=[output] if output else (), progress=progress,
                            _master_data=master_data, roster=roster)
    entries = report.files
    people = standings(report, lang)
    managers = [p.manager for p in people if p.manager is not None]
    managers.sort(key=lambda m: m.file)

    quotas = (master_data.quotas if master_data else None) or prevailing_setting(managers, "quotas")
    coefficients = (master_data.bonus if master_data else None) or prevailing_setting(managers, "bonus")
    if collected is not None:
        report.findings.extend(differences(managers, collected, lang))
    findings_per_file = Counter(f.file for f in report.findings)

    manager_rows = _manager_rows(managers, quotas, coefficients, bonus_pool, base_bonus, findings_per_file)
    manager_rows += _unscored_rows(people, findings_per_file)
    score_rows = _score_rows(managers, collected, lang)
    file_rows = [{"file": e.path, "sha256": e.sha256, "status": e.status, "reason": e.reason} for e in entries]
    findings = sorted(report.findings, key=sort_key)
    teams = team_rows(manager_rows)
    comparison = compare(manager_rows, teams, before) if before is not None else None
    summary = _summary(entries, manager_rows, findings, quotas, output if write else None)
    summary.update(_about(paths, bonus_pool, base_bonus, quotas, coefficients, manager_rows,
                          unowned_rejections(report, people), comparison))
    result = ConsolidationResult(manager_rows, score_rows, findings, file_rows, summary,
                                 output if write else None, report, review_rows=_review_rows(managers),
                                 team_rows=teams, comparison=comparison)
    if write and output is not None:
        write_team_workbook(result, output, lang=lang, quotas=quotas)
    summary["seconds"] = round(time.perf_counter() - started, 3)
    return result


def check_amounts(bonus_pool, base_bonus) -> None:
    """UsageError for a bonus pool or base bonus that is negative or not a number (before any file is read)."""
    for name, value in (("bonus_pool", bonus_pool), ("base_bonus", base_bonus)):
        if value is None:
            continue
        what = Message(f"errors.amount.{name}")
        try:
            amount = float(value)
        except (TypeError, ValueError):
            raise UsageError("amount_not_money", amount=what, value=value) from None
        if not math.isfinite(amount) or amount < 0:
            raise UsageError("amount_negative", amount=what, value=value)


def check_output(output: Path, paths, force: bool = False, others=()) -> None:
    """UsageError, before any file is read, for a team workbook path that cannot or must not be
    written (:func:`addin.xlsx.output.check_output_file`): a folder or device, not .xlsx, below a
    file or an unwritable folder, one of the inputs or inside an input folder, another output of
    the run, or an existing file that is not an earlier team workbook (unless ``force``)."""
    check_output_file(output, suffixes=(".xlsx",), inputs=paths, others=others, force=force, ours=is_team_workbook,
                      name="team")


def _manager_rows(managers, quotas, coefficients, bonus_pool, base_bonus, findings_per_file) -> list[dict]:
    """tblManagers rows, by rank."""
    if not managers:
        return []
    ids = [m.manager_id for m in managers]
    finals = np.array([m.final for m in managers], dtype=float)
    quants = np.array([m.quant for m in managers], dtype=float)
    vetoed = np.array([m.veto for m in managers], dtype=bool)
    order_finals = np.where(vetoed, finals - VETO_SINK, finals)
    lowest = engine.forced_headcounts(1, quotas)[-1][0]

    order = engine.forced_order(ids, order_finals, quants)
    rank = np.empty(len(managers), dtype=int)
    rank[order] = np.arange(1, len(managers) + 1)
    forced = engine.kpi_forced_grades(ids, order_finals, quants, quotas)
    forced[vetoed] = lowest

    team_rank = np.zeros(len(managers), dtype=int)
    team_forced = np.empty(len(managers), dtype=object)
    by_team = defaultdict(list)
    for i, m in enumerate(managers):
        by_team[m.team].append(i)
    for members in by_team.values():
        idx = np.array(members)
        sub_order = engine.forced_order([ids[i] for i in idx], order_finals[idx], quants[idx])
        team_rank[idx[sub_order]] = np.arange(1, len(idx) + 1)
        grades = engine.kpi_forced_grades([ids[i] for i in idx], order_finals[idx], quants[idx], quotas)
        grades[vetoed[idx]] = lowest
        team_forced[idx] = grades

    coef = np.asarray(engine.kpi_bonus_coefficient(list(forced), coefficients), dtype=float).reshape(-1)
    if bonus_pool is not None and not (coef * float(base_bonus)).any():
        bonus = np.zeros(len(managers))  # nobody to share the pool with (all vetoed or coefficient 0): unpaid
    elif bonus_pool is not None:
        bonus = engine.kpi_bonus_pool(list(forced), base_bonus, bonus_pool, coefficients)
    else:
        bonus = coef * float(base_bonus)

    rows = []
    for i, m in enumerate(managers):
        rows.append({
            "manager_id": m.manager_id, "name": m.name, "team": m.team, "region": m.region, "period": m.period,
            "reviewer": m.reviewer, "quant_score": m.quant, "qual_score": np.nan if m.qual is None else m.qual, "final_score": m.final,
            "grade": m.grade, "veto": bool(m.veto), "rank": int(rank[i]), "team_rank": int(team_rank[i]),
            "forced_grade": str(forced[i]), "team_forced_grade": str(team_forced[i]),
            "bonus_coefficient": float(coef[i]),
            "bonus": float(bonus[i]), "file": m.file, "findings": int(findings_per_file.get(m.file, 0)),
            "status": SCORED, "reason": "",
        })
    rows.sort(key=lambda row: row["rank"])
    return rows


def _unscored_rows(people: list[Standing], findings_per_file) -> list[dict]:
    """tblManagers rows of the managers not scored (rejected, then missing, by id): no scores, no rank,
    no bonus (blank), with the reason."""
    rows = []
    order = {REJECTED: 0, MISSING: 1}
    for p in sorted((p for p in people if p.status != SCORED), key=lambda p: (order[p.status], p.manager_id)):
        rows.append({
            "manager_id": p.manager_id, "name": p.name, "team": p.team, "region": p.region, "period": p.period,
            "reviewer": p.reviewer, "quant_score": np.nan, "qual_score": np.nan, "final_score": np.nan,
            "grade": "", "veto": None, "rank": None, "team_rank": None, "forced_grade": "", "team_forced_grade": "",
            "bonus_coefficient": np.nan, "bonus": np.nan, "file": p.file,
            "findings": int(findings_per_file.get(p.file, 0)) if p.file else 0, "status": p.status, "reason": p.reason,
        })
    return rows


def _score_rows(managers, collected=None, lang="zh") -> list[dict]:
    """tblScores rows: one per manager and indicator (missing numbers are NaN); with collected
    actuals, each row also shows the collected value and where it came from."""
    rows = []
    aliases = indicator_aliases() if collected is not None else None
    for m in managers:
        for ind in m.indicators:
            item = collected_for(collected, m.manager_id, ind.indicator, aliases) if collected is not None else None
            rows.append({
                "manager_id": m.manager_id, "name": m.name, "dimension": ind.dimension, "tier": ind.tier,
                "indicator": ind.indicator, "unit": ind.unit, "weight": ind.weight, "direction": ind.direction,
                "method": ind.method, "veto": ind.veto, "target": np.nan if ind.target is None else ind.target,
                "adjusted_target": np.nan if ind.adjusted_target is None else ind.adjusted_target,
                "adjust_reason": ind.adjust_reason,
                "effective_target": np.nan if ind.effective_target is None else ind.effective_target,
                "actual": np.nan if ind.actual is None else ind.actual, "source": ind.source,
                "achievement": np.nan if ind.achievement is None else ind.achievement,
                "score": ind.score, "weighted": ind.weighted,
            })
            if collected is not None:
                rows[-1]["collected_actual"] = np.nan if item is None or item.actual is None else item.actual
                rows[-1]["collected_source"] = "" if item is None else item.source_text(lang)
    return rows


def _review_rows(managers) -> list[dict]:
    """tblReviews rows: one per rating, with the reviewer's comment."""
    return [{"manager_id": m.manager_id, "name": m.name, "role": r.role, "reviewer": r.reviewer,
             "competency": r.competency, "rating": r.rating, "comment": r.comment}
            for m in managers for r in m.reviews]


def _about(paths, bonus_pool, base_bonus, quotas, coefficients, manager_rows, unowned: list[FileEntry],
           comparison: Comparison | None) -> dict[str, Any]:
    """What the summary sheet says besides the counts: when, from what, the bonus, who is left out
    (every manager not scored, then the rejected files that are nobody's)."""
    paid = [row for row in manager_rows if scored(row)]
    left_out = [{"manager_id": row["manager_id"], "name": row["name"], "file": row["file"], "status": row["status"],
                 "reason": row["reason"]} for row in manager_rows if not scored(row)]
    left_out += [{"manager_id": "", "name": "", "file": e.path, "status": e.status, "reason": e.reason}
                 for e in unowned]
    finals = [row["final_score"] for row in paid]
    return {
        "made_at": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M"),
        "inputs": [str(p) for p in paths],
        "periods": sorted({str(row["period"]) for row in paid if row.get("period")}),
        "bonus_pool": None if bonus_pool is None else float(bonus_pool),
        "base_bonus": float(base_bonus),
        "total_paid": math.fsum(row["bonus"] for row in paid),
        "pool_unpaid": bool(bonus_pool) and not any(row["bonus"] for row in paid),  # nobody scored, or every coefficient 0
        "mean_final_score": math.fsum(finals) / len(finals) if finals else None,
        "left_out": left_out,
        "quota_shares": _quota_shares(quotas),
        "coefficients": _coefficient_table(coefficients, quotas),
        "previous": None if comparison is None else {
            "file": comparison.path, "period": comparison.period, "new": comparison.new,
            "left": [vars(m) for m in comparison.left]},
    }


def _coefficient_table(coefficients, quotas) -> dict[str, float]:
    """The bonus coefficient of each grade of the forced distribution."""
    table = {}
    for grade, _ in engine.forced_headcounts(0, quotas):
        try:
            table[grade] = float(engine.kpi_bonus_coefficient(grade, coefficients))
        except KpiInputError:
            continue
    return table


def _quota_shares(quotas) -> dict[str, float]:
    """Quota of each grade as a fraction (quotas may be fractions or percent points)."""
    rows = list((quotas.items() if isinstance(quotas, dict) else quotas) or engine.DEFAULT_QUOTAS.items())
    total = sum(float(v) for _, v in rows)
    scale = 100.0 if total > 1.5 else 1.0
    return {str(g): float(v) / scale for g, v in rows}


def _summary(entries, manager_rows, findings, quotas, output) -> dict[str, Any]:
    paid = [row for row in manager_rows if scored(row)]
    n = len(paid)
    grade_keys = [g for g, _ in engine.forced_headcounts(0, quotas)]
    grades = Counter(row["grade"] for row in paid)
    forced = Counter(row["forced_grade"] for row in paid)
    statuses = Counter(row["status"] for row in manager_rows)
    return {
        "files": len(entries),
        "merged": sum(e.status == "merged" for e in entries),
        "rejected": sum(e.status == "rejected" for e in entries),
        "duplicate": sum(e.status == "duplicate" for e in entries),
        "managers": n,
        "manager_statuses": {status: statuses.get(status, 0) for status in STATUSES},
        "findings": {sev: sum(f.severity == sev for f in findings) for sev in (ERROR, WARNING, INFO)},
        "findings_by_code": dict(sorted(Counter(f.code for f in findings).items())),
        "grades": {g: grades.get(g, 0) for g in grade_keys},
        "forced_grades": {g: forced.get(g, 0) for g in grade_keys},
        "quota_headcounts": dict(engine.forced_headcounts(n, quotas)),
        "output": str(output) if output else None,
    }


__all__ = ["consolidate", "ConsolidationResult", "KpiError", "KpiInputError"]
