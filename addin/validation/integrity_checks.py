"""Integrity of one scorecard: the results recomputed from its inputs, and every stored
score compared with them.

FORMULA_OVERWRITTEN (a typed constant where a formula belongs; the finding names the
typed and the recomputed value, so an overwritten cell is one finding, never also a
SCORE_MISMATCH) and SCORE_MISMATCH (a stored formula result differing from the
recomputation by more than MISMATCH_TOLERANCE; the grade compared as text). Cached values
of files that ask for recalculation on load (openpyxl, tools that patched an input) are not
results and are not compared, nor is the placeholder a template's formula shows until its
inputs are typed.
"""

from __future__ import annotations

import numpy as np

from addin.contract import schema
from addin.validation.cell_values import FindingCollector, fmt_number, is_blank, is_number
from addin.validation.results import ManagerResult, TeamSettings
from addin.validation.settings_checks import label as setting_label
from addin.xlsx.reader import Scorecard, TableData
from udfs import engine
from udfs.enums import ROLE
from udfs.errors import KpiInputError
from workbook_templates.texts import T

MISMATCH_TOLERANCE = 1e-6
# what a template's result cell shows until its inputs are typed (待填写 / to fill): not a result
PLACEHOLDERS = frozenset(T[lang]["todo"].casefold() for lang in T)


def _shown(value) -> str:
    """A stored cell value as a message shows it."""
    return fmt_number(float(value)) if is_number(value) else str(value)


def compare_stored(table: TableData, index: int, key: str, computed, card: Scorecard, out: FindingCollector,
                    indicator: str) -> None:
    """FORMULA_OVERWRITTEN for a typed constant (one finding: it names the typed and the
    recomputed value), else SCORE_MISMATCH for a stored number differing from the recomputation."""
    if key not in table.columns:
        return
    cell = table.cell(index, key)
    stored = table.value(index, key)
    column = schema.KPI.column(key)
    field_name = f"{indicator} {out.label(column)}"
    is_formula = cell in table.formulas
    if not is_formula:
        if not is_blank(stored):
            out.add("FORMULA_OVERWRITTEN", table.sheet, cell, table.row_number(index), field=field_name,
                    stored=_shown(stored), computed=fmt_number(computed))
        return
    if not card.cached_values_trusted:
        return
    if is_number(stored) and computed is not None and abs(float(stored) - computed) > MISMATCH_TOLERANCE:
        out.add("SCORE_MISMATCH", table.sheet, cell, table.row_number(index), field=field_name,
                stored=fmt_number(float(stored)), computed=fmt_number(computed))


def _compare_results(card: Scorecard, out: FindingCollector, computed_values) -> None:
    """FORMULA_OVERWRITTEN / SCORE_MISMATCH of the result names against the recomputed values."""
    for name, computed in computed_values:
        cell = card.names.get(name)
        if cell is None or is_blank(cell.value) or computed is None:
            continue
        if cell.formula and str(cell.value).strip().casefold() in PLACEHOLDERS:
            continue
        label = next(n for n in schema.RESULT_NAMES if n.name == name).label(out.lang)
        if not cell.formula:  # one finding for one cause: it names the typed and the recomputed value
            out.add("FORMULA_OVERWRITTEN", cell.sheet, cell.cell, cell.row, field=label, stored=_shown(cell.value),
                    computed=computed if isinstance(computed, str) else fmt_number(computed))
            continue
        if not card.cached_values_trusted:
            continue
        if isinstance(computed, str):
            if str(cell.value).strip().upper() != computed.upper():
                out.add("SCORE_MISMATCH", cell.sheet, cell.cell, cell.row, field=label, stored=cell.value,
                        computed=computed)
        elif is_number(cell.value) and abs(float(cell.value) - computed) > MISMATCH_TOLERANCE:
            out.add("SCORE_MISMATCH", cell.sheet, cell.cell, cell.row, field=label, stored=fmt_number(float(cell.value)),
                    computed=fmt_number(computed))


def compute_manager(card: Scorecard, header, indicators, reviews, settings, out: FindingCollector) -> ManagerResult | None:
    """Q, Qual, Final and grade with the engine, and the result-cell comparisons."""
    if reviews is None:
        return None
    quant = float(sum(i.weighted for i in indicators if i.weight > 0))
    role_weights = None
    if settings.role_weights:  # as (self, peer, manager): the engine's cheapest form, same result
        by_role = dict(settings.role_weights)
        role_weights = [by_role.get(role, 0.0) for role in ROLE.keys]
    qual = None
    if reviews:
        try:
            qual = engine.kpi_review([r.rating for r in reviews], np.array([r.role for r in reviews], dtype=str),
                                     role_weights)
        except KpiInputError as exc:
            sheet, cell, row = settings.positions.get("role_weights", (reviews[0].sheet, reviews[0].cell, reviews[0].row))
            out.add("INVALID_VALUE", sheet, cell, row, field=setting_label("role_weights", out.lang),
                    problem=exc.render(out.lang))
            return None
    k = settings.quant_weight
    k = engine.DEFAULT_QUANT_WEIGHT if k is None else k
    final = float(engine.kpi_final(quant, qual, k))
    # a veto indicator scoring 0 vetoes whatever its weight (weight 0: a pure gate); a blank actual
    # scores 0 only where it counts in the total (weight > 0), as in the templates and Lite
    veto = any(i.veto and i.score <= 0 and (i.weight > 0 or i.actual is not None) for i in indicators)
    grade = engine.kpi_grade(final, settings.grades, veto)
    _compare_results(card, out, (("kpi_quant_score", quant), ("kpi_qual_score", qual), ("kpi_final_score", final),
                                 ("kpi_grade", grade)))
    id_cell = card.names["kpi_manager_id"]
    final_cell = card.names.get("kpi_final_score") or id_cell
    period_cell = card.names.get("kpi_period")
    return ManagerResult(
        file=card.path, manager_id=header["manager_id"], name=header.get("manager_name", ""),
        team=header.get("team", ""), region=header.get("region", ""), period=header.get("period", ""),
        reviewer=header.get("reviewer", ""), quant=quant, qual=qual, final=final, grade=grade, veto=veto,
        indicators=indicators, reviews=reviews,
        settings=TeamSettings(settings.quotas, settings.bonus),  # the team-level ones
        id_position=(id_cell.sheet, id_cell.cell, id_cell.row),
        final_position=(final_cell.sheet, final_cell.cell, final_cell.row),
        period_position=(period_cell.sheet, period_cell.cell, period_cell.row) if period_cell else None,
    )

