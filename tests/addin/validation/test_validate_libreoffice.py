"""Files saved by a spreadsheet application: their cached values are stored scores and are compared.

LibreOffice recalculates a portable-mode template (native formulas) and saves it;
the validator must then trust the cached values, find them equal to the engine's,
and report an overwritten score (and the weighted score LibreOffice computed from it).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.libreoffice import convert, requires_libreoffice

from addin.consolidation.consolidate import consolidate
from addin.validation.validate import validate_paths
from addin.xlsx.reader import read_scorecard
from workbook_templates import generator

ROWS = [{"target": 100, "actual": 95}, {"target": 20, "actual": 22}, {"target": 90, "actual": 85},
        {"target": 40, "actual": 38}, {"target": 95, "actual": 97}, {"target": 90, "actual": 85},
        {"target": 90, "actual": 88}, {"target": 24, "actual": 20}]
REVIEWS = [{"role": "self", "reviewer": "A", "competency": "Teamwork", "rating": 4},
           {"role": "manager", "reviewer": "B", "competency": "Teamwork", "rating": 3.5}]


@requires_libreoffice
def test_saved_by_libreoffice_cached_values_are_compared(tmp_path):
    from addin.demo.team import _type_over_formula

    clean = generator.write_template(tmp_path / "clean.xlsx", size="medium", lang="en", mode="portable",
                                     header={"manager_id": "P1", "period": "2026Q3"}, rows=ROWS, reviews=REVIEWS)
    typed = generator.write_template(tmp_path / "typed.xlsx", size="medium", lang="en", mode="portable",
                                     header={"manager_id": "P2", "period": "2026Q3"}, rows=ROWS, reviews=REVIEWS)
    _type_over_formula(typed, row_index=0, key="score", value=100)
    saved = convert([clean, typed], tmp_path / "saved", "xlsx")
    for path in saved:
        assert read_scorecard(path).cached_values_trusted  # saved by an application that calculated them
    report = validate_paths([tmp_path / "saved"])
    card = read_scorecard(saved[1])
    score_cell = card.tables["tblKPI"].cell(0, "score")
    weighted_cell = card.tables["tblKPI"].cell(0, "weighted")
    # LibreOffice computed the weighted score, Q and the final score from the typed 100;
    # the engine recomputes from the inputs: every one of those stored numbers differs. The typed
    # cell itself is one finding for one cause (FORMULA_OVERWRITTEN names both values), not two.
    expected = [("typed.xlsx", score_cell, "FORMULA_OVERWRITTEN"),
                ("typed.xlsx", weighted_cell, "SCORE_MISMATCH"),
                ("typed.xlsx", card.names["kpi_quant_score"].cell, "SCORE_MISMATCH"),
                ("typed.xlsx", card.names["kpi_final_score"].cell, "SCORE_MISMATCH")]
    assert sorted((Path(f.file).name, f.cell, f.code) for f in report.findings) == sorted(expected)
    overwritten = next(f for f in report.findings if f.code == "FORMULA_OVERWRITTEN")
    assert "100" in overwritten.message and "recomputed" in overwritten.message, overwritten.message
    assert card.names["kpi_grade"].value == "B"  # 92.31 and 91.31 are both B: no grade mismatch
    assert [e.status for e in report.files] == ["merged", "merged"]


@requires_libreoffice
def test_score_cap_set_by_hr_is_used(tmp_path):
    """HR raised the cap (cfg_cap) to 150: LibreOffice's scores and the recomputation agree."""
    from support.scorecards import set_named_value

    rows = [dict(r) for r in ROWS]
    rows[0] = {"target": 100, "actual": 140}  # linear, 140 % achieved: 140 under cap 150, 120 under the default
    path = generator.write_template(tmp_path / "cap.xlsx", size="medium", lang="en", mode="portable",
                                    header={"manager_id": "CAP1", "period": "2026Q3"}, rows=rows, reviews=REVIEWS)
    set_named_value(path, "cfg_cap", 150)
    saved = convert([path], tmp_path / "saved", "xlsx")[0]
    card = read_scorecard(saved)
    assert card.cached_values_trusted and card.names["cfg_cap"].value == 150
    office_score = card.tables["tblKPI"].value(0, "score")
    assert office_score > 120  # LibreOffice applied the file's own cap
    result = consolidate([tmp_path / "saved"], tmp_path / "team.xlsx", lang="en")
    assert result.managers["manager_id"].tolist() == ["CAP1"]
    first = result.scores.iloc[0]
    assert first["score"] == pytest.approx(office_score, abs=1e-9)
    assert result.managers.iloc[0]["final_score"] == pytest.approx(card.names["kpi_final_score"].value, abs=1e-6)
    codes = {f.code for f in result.findings}
    assert "SCORE_MISMATCH" not in codes and "FORMULA_OVERWRITTEN" not in codes
    assert "SETTINGS_CHANGED" in codes  # 150 differs from the template default of 120
