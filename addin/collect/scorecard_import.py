"""Actuals from the CRM into one open scorecard (the ribbon button 从CRM导入实际值 / Import actuals from CRM).

The scorecard's own header names the manager (``kpi_manager_id``, ``kpi_manager_name``,
``kpi_team``) and the period (``kpi_period``); the rules workbook names the exports. The same
library as `kpi collect` computes the actuals, and :func:`~addin.collect.fill.plan_card` says
which ``actual`` and ``source`` cells change; the ribbon writes them into the open workbook.
The ribbon remembers the rules workbook picked last and offers it on the next click
(:func:`addin.excel.ribbon.remember_pick`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from addin.collect.actuals_workbook import CollectedActual
from addin.collect.collector import CollectResult, collect
from addin.collect.fill import CellPatch, FillReport, actuals_by_manager, plan_card
from addin.collect.owners import Manager
from addin.contract.errors import UsageError
from addin.contract.findings import Finding
from addin.xlsx.reader import read_scorecard
from addin.xlsx.values import value_text


@dataclass
class ScorecardImport:
    """What the button does to one scorecard: the cells to set and every finding to show."""

    patches: list[CellPatch]
    sheet: str
    findings: list[Finding] = field(default_factory=list)
    result: CollectResult | None = None

    @property
    def filled(self) -> int:
        return sum(1 for p in self.patches if p.number is not None)


def import_into_scorecard(scorecard: str | Path, rules: str | Path, lang: str = "zh") -> ScorecardImport:
    """Collect the actuals of the scorecard's manager and period with ``rules``; plan the cells to set.

    Raises:
        UsageError: the file is not a scorecard, has no manager id or period, or the rules cannot be used.
    """
    card = read_scorecard(scorecard)
    if not card.ok:
        raise UsageError("collect_not_a_scorecard", file=str(scorecard), reason=card.reason)
    names = {key: value_text(cell.value) for key, cell in card.names.items()}
    manager_id, period = names.get("kpi_manager_id", ""), names.get("kpi_period", "")
    if not manager_id or not period:
        raise UsageError("collect_scorecard_header", file=str(scorecard))
    manager = Manager(manager_id, names.get("kpi_manager_name", ""), names.get("kpi_team", ""),
                      names.get("kpi_region", ""))
    result = collect(rules, [manager], period, lang=lang)
    collected: list[CollectedActual] = [
        CollectedActual(a.manager_id, a.indicator, a.actual, a.rows, a.source, a.rule, a.files)
        for a in result.actuals]
    report = FillReport()
    by_manager = actuals_by_manager(collected)
    patches = plan_card(card, next(iter(by_manager.values()), {}), lang, report)
    return ScorecardImport(patches, card.tables["tblKPI"].sheet, [*result.findings, *report.findings], result)
