"""`kpi consolidate --actuals` and `kpi new --actuals`: collected actuals beside the scorecards' own."""

from __future__ import annotations

import math

from addin.collect.actuals_workbook import CollectedActual, read_actuals
from addin.collect.fill import actuals_by_manager, indicator_aliases, indicator_key
from addin.collect.folding import fold_values
from addin.contract import findings as F
from addin.contract.messages import render
from addin.contract.standard import default_rows


def load_collected(path) -> dict[str, dict[str, CollectedActual]]:
    """Folded manager id -> indicator key -> collected actual, from an actuals workbook (UsageError if unreadable)."""
    return actuals_by_manager(read_actuals(path))


def collected_for(collected: dict[str, dict[str, CollectedActual]], manager_id: str, indicator: str,
                  aliases: dict[str, str] | None = None) -> CollectedActual | None:
    return collected.get(fold_values([manager_id])[0], {}).get(indicator_key(indicator, aliases))


def _shown(value: float | None, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return render("collect.blank_owner", lang)
    return f"{value:.10g}"


def differences(managers, collected: dict[str, dict[str, CollectedActual]], lang: str) -> list[F.Finding]:
    """ACTUAL_DIFFERS_FROM_SOURCE for every scorecard actual that is not the collected one (to 1e-6)."""
    aliases = indicator_aliases()
    out = []
    for manager in managers:
        for ind in manager.indicators:
            item = collected_for(collected, manager.manager_id, ind.indicator, aliases)
            if item is None or item.actual is None:
                continue
            actual = ind.actual
            if actual is not None and not math.isnan(actual) and \
                    abs(actual - item.actual) <= 1e-6 * max(1.0, abs(item.actual)):
                continue
            out.append(F.make("ACTUAL_DIFFERS_FROM_SOURCE", lang, file=manager.file, sheet=ind.sheet,
                              cell=ind.actual_cell, row=ind.row, manager_id=manager.manager_id,
                              indicator=ind.indicator, actual=_shown(actual, lang), collected=_shown(item.actual, lang),
                              source=item.source_text(lang)))
    return out


def template_actuals(path, size: str, lang: str) -> dict[str, dict[int, dict]]:
    """For `kpi new --roster --actuals`: manager id (trimmed, case-folded) -> {indicator position in the
    ``size`` template: {"actual": number, "source": text}}."""
    collected = load_collected(path)
    aliases = indicator_aliases()
    keys = [indicator_key(row["indicator"], aliases) for row in default_rows(size, lang)]
    out: dict[str, dict[int, dict]] = {}
    for manager, by_indicator in collected.items():
        for position, key in enumerate(keys):
            item = by_indicator.get(key)
            if item is not None and item.actual is not None:
                out.setdefault(manager, {})[position] = {"actual": item.actual, "source": item.source_text(lang)}
    return out
