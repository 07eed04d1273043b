"""Consolidation: validate many scorecards, recompute, rank, force grades, pay bonuses.

Everything is recomputed from the inputs with the engine (stored cells are only
compared). The team-level settings (forced-distribution quotas and bonus
coefficients) come from the master template when one is given, else from the
settings most files carry (the defaults when the files carry none); each
manager's own scores use the settings of the manager's own file.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from udfs import engine
from udfs.errors import KpiInputError

from . import schema
from .anomalies import prevailing_setting
from .errors import KpiError
from .findings import ERROR, INFO, WARNING, Finding, sort_key
from .validate import ValidationReport, master_settings, validate_paths

VETO_SINK = 1e12  # vetoed managers are ordered after everyone else


@dataclass
class ConsolidationResult:
    """What `kpi consolidate` produced: the team tables, findings, file list and a summary."""

    managers: pd.DataFrame
    scores: pd.DataFrame
    findings: list[Finding]
    files: pd.DataFrame
    summary: dict[str, Any]
    output: Path | None
    report: ValidationReport | None = field(default=None, repr=False)

    @property
    def has_errors(self) -> bool:
        return any(f.severity == ERROR for f in self.findings)

    def as_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary,
            "managers": _records(self.managers),
            "scores": _records(self.scores),
            "findings": [f.as_dict() for f in self.findings],
            "files": _records(self.files),
        }


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
            for row in frame.to_dict(orient="records")]


def consolidate(paths, output, period=None, master=None, lang="zh", bonus_pool=None,
                base_bonus=10000.0, progress=None, write=True) -> ConsolidationResult:
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

    Returns:
        ConsolidationResult (``output`` is None when ``write`` is False).

    Raises:
        UsageError for a missing input path or an unreadable master; OutputError when
        the team workbook cannot be written; KpiInputError for an impossible bonus pool.
    """
    started = time.perf_counter()
    output = Path(output) if output is not None else None
    master_data = master_settings(master) if master else None
    report = validate_paths(paths, lang=lang, master=master, period=period,
                            exclude=[output] if output else (), progress=progress,
                            _master_data=master_data)
    entries = report.files
    managers = [e.manager for e in entries if e.status == "merged"]
    managers.sort(key=lambda m: m.file)

    quotas = (master_data or {}).get("quotas") or prevailing_setting(managers, "quotas")
    coefficients = (master_data or {}).get("bonus") or prevailing_setting(managers, "bonus")
    findings_per_file = Counter(f.file for f in report.findings)

    managers_df = _managers_frame(managers, quotas, coefficients, bonus_pool, base_bonus, findings_per_file)
    scores_df = _scores_frame(managers)
    files_df = pd.DataFrame([{"file": e.path, "sha256": e.sha256, "status": e.status, "reason": e.reason}
                             for e in entries], columns=list(schema.FILES_OUT.keys))
    findings = sorted(report.findings, key=sort_key)
    summary = _summary(entries, managers_df, findings, quotas, output if write else None)
    result = ConsolidationResult(managers_df, scores_df, findings, files_df, summary,
                                 output if write else None, report)
    if write and output is not None:
        from .team_workbook import write_team_workbook
        write_team_workbook(result, output, lang=lang, quotas=quotas)
    summary["seconds"] = round(time.perf_counter() - started, 3)
    return result


def _managers_frame(managers, quotas, coefficients, bonus_pool, base_bonus, findings_per_file) -> pd.DataFrame:
    columns = list(schema.MANAGERS_OUT.keys)
    if not managers:
        return pd.DataFrame(columns=columns)
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
    if bonus_pool is not None:
        bonus = engine.kpi_bonus_pool(list(forced), base_bonus, bonus_pool, coefficients)
    else:
        bonus = coef * float(base_bonus)

    rows = []
    for i, m in enumerate(managers):
        rows.append({
            "manager_id": m.manager_id, "name": m.name, "team": m.team, "region": m.region, "period": m.period,
            "quant_score": m.quant, "qual_score": np.nan if m.qual is None else m.qual, "final_score": m.final,
            "grade": m.grade, "veto": bool(m.veto), "rank": int(rank[i]), "team_rank": int(team_rank[i]),
            "forced_grade": forced[i], "team_forced_grade": team_forced[i], "bonus_coefficient": float(coef[i]),
            "bonus": float(bonus[i]), "file": m.file, "findings": int(findings_per_file.get(m.file, 0)),
        })
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["rank"], kind="stable").reset_index(drop=True)


def _scores_frame(managers) -> pd.DataFrame:
    columns = list(schema.SCORES_OUT.keys)
    rows = []
    for m in managers:
        for ind in m.indicators:
            rows.append({
                "manager_id": m.manager_id, "dimension": ind.dimension, "tier": ind.tier,
                "indicator": ind.indicator, "weight": ind.weight, "direction": ind.direction, "method": ind.method,
                "target": np.nan if ind.target is None else ind.target,
                "effective_target": np.nan if ind.effective_target is None else ind.effective_target,
                "actual": np.nan if ind.actual is None else ind.actual,
                "achievement": np.nan if ind.achievement is None else ind.achievement,
                "score": ind.score, "weighted": ind.weighted,
            })
    return pd.DataFrame(rows, columns=columns)


def _summary(entries, managers_df, findings, quotas, output) -> dict[str, Any]:
    n = len(managers_df)
    grade_keys = [g for g, _ in engine.forced_headcounts(0, quotas)]
    return {
        "files": len(entries),
        "merged": sum(e.status == "merged" for e in entries),
        "rejected": sum(e.status == "rejected" for e in entries),
        "duplicate": sum(e.status == "duplicate" for e in entries),
        "managers": n,
        "findings": {sev: sum(f.severity == sev for f in findings) for sev in (ERROR, WARNING, INFO)},
        "findings_by_code": dict(sorted(Counter(f.code for f in findings).items())),
        "grades": {g: int((managers_df["grade"] == g).sum()) if n else 0 for g in grade_keys},
        "forced_grades": {g: int((managers_df["forced_grade"] == g).sum()) if n else 0 for g in grade_keys},
        "quota_headcounts": dict(engine.forced_headcounts(n, quotas)),
        "output": str(output) if output else None,
    }


__all__ = ["consolidate", "ConsolidationResult", "KpiError", "KpiInputError"]
