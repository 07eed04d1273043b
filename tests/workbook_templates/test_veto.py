"""A veto indicator of weight 0 (a pure gate, 单项否决 without points): the workbook and the validator agree.

SCORING.md: a veto indicator that scores 0 makes the grade D, whatever the total; it says
nothing of the weight, so the weight does not matter. A blank actual scores 0 only where it
counts in the total (weight > 0): on a weight-0 row the workbook shows the placeholder, so the
validator does not veto it either (nor asks for it: a weight-0 row needs no actual).
"""

from __future__ import annotations

import pytest

from addin.contract.standard import default_rows
from addin.validation.validate import validate_paths
from workbook_templates.generator import write_template

VETO_ROW = 10  # 合规违规次数 / compliance incidents of the large template: deduction, 50 points, veto


def _rows(compliance_actual):
    rows = [{"actual": a, "target": t} for a, t in
            [(1100, 1000), (12, 10), (0.93, 0.9), (4100, 4000), (1, 1), (50, 45), (0.97, 0.95), (0.99, 0.98),
             (4.6, 4.5), (20, 24)]]
    rows[0]["weight"] = 0.3  # the compliance row's 10 % moved to sales
    return rows + [{"actual": compliance_actual, "target": 0, "weight": 0}]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("incidents", "vetoed"), [(3, True), (0, False), (None, False)])
def test_a_weight_zero_veto_indicator_grades_alike_in_the_workbook_and_the_validator(tmp_path, lang, incidents,
                                                                                        vetoed):
    assert default_rows("large", "en")[VETO_ROW]["veto"] == "yes"
    path = write_template(tmp_path / "card.xlsx", "large", lang, header={"manager_id": "AM001"},
                          rows=_rows(incidents))
    report = validate_paths([path], lang=lang)
    codes = sorted({f.code for f in report.findings})
    manager = report.files[0].manager
    assert manager.veto is vetoed
    assert (manager.grade == "D") is vetoed
    # the grade the workbook stores (the formulas' cached result) is the validator's: no SCORE_MISMATCH
    assert "SCORE_MISMATCH" not in codes and "FORMULA_OVERWRITTEN" not in codes, codes
    assert "MISSING_ACTUAL" not in codes
