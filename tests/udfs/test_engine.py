"""The scoring engine against SCORING.md: every worked example, each rule, each invalid input."""

from __future__ import annotations

import re

import numpy as np
import pytest
from support.paths import SHARED
from support.required import shared
from support.scoring_examples import WORKED_EXAMPLES

from udfs import (
    DEFAULT_BANDS,
    KpiInputError,
    forced_headcounts,
    forced_order,
    grade_bands,
    kpi_achievement,
    kpi_bonus,
    kpi_bonus_coefficient,
    kpi_bonus_pool,
    kpi_final,
    kpi_forced_grades,
    kpi_grade,
    kpi_review,
    kpi_score,
    kpi_weighted,
    normalise_weights,
    score_rows,
)
from udfs.enums import DIRECTION, METHOD, parse_codes

# --------------------------------------------------------------------------- SCORING.md §5



def _parse_worked_examples() -> list[tuple]:
    """The table of SCORING.md §5 as it stands in the shared contract."""
    text = (SHARED / "SCORING.md").read_text(encoding="utf-8")
    section = text.split("## 5. Worked examples", 1)[1]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 8 or not re.match(r"^[\d.]+$", cells[0]):
            continue
        number = lambda c: float(c) if c else None  # noqa: E731
        param = None if cells[6] in ("", "default") else float(cells[6])
        score = float(re.match(r"[\d.]+", cells[7]).group())
        rows.append((float(cells[0]), float(cells[1]), number(cells[2]), number(cells[3]),
                     cells[4] or "higher", cells[5], param, score))
    return rows


def test_the_transcribed_examples_are_the_contract_table():
    shared("SCORING.md")  # skips locally without ../shared, fails in CI
    parsed = _parse_worked_examples()
    assert len(parsed) == len(WORKED_EXAMPLES) == 8
    assert parsed == [tuple(float(v) if isinstance(v, int) else v for v in row) for row in WORKED_EXAMPLES]


@pytest.mark.parametrize("a,t,f,s,direction,method,param,expected", WORKED_EXAMPLES)
def test_worked_example(a, t, f, s, direction, method, param, expected):
    assert kpi_score(a, t, f, s, direction, method, param) == pytest.approx(expected, abs=1e-12)


def test_worked_examples_vectorised_in_one_call():
    cols = list(zip(*WORKED_EXAMPLES))
    params = [p if p is not None else np.nan for p in cols[6]]
    scores = kpi_score(list(cols[0]), list(cols[1]), list(cols[2]), list(cols[3]),
                       np.array(cols[4]), np.array(cols[5]), params)
    assert isinstance(scores, np.ndarray)
    np.testing.assert_allclose(scores, cols[7], atol=1e-12)


def test_worked_examples_with_chinese_labels():
    assert kpi_score(36, 24, direction="越低越好", method="线性") == pytest.approx(50)
    assert kpi_score(92, 100, direction=" 越高越好 ", method="分档") == pytest.approx(80)
    assert kpi_score(3, 0, method="扣分制", param=10) == pytest.approx(70)
    assert kpi_score(99.99, 100, method="达标制") == 0
    assert kpi_score(80, 100, direction="HIGHER", method=" Linear ") == pytest.approx(80)


# --------------------------------------------------------------------------- achievement

def test_achievement_higher_and_lower():
    assert kpi_achievement(80, 100) == pytest.approx(0.8)
    assert kpi_achievement(110, 100, "lower") == pytest.approx(0.9)  # 10 % over target
    assert kpi_achievement(90, 100, "越低越好") == pytest.approx(1.1)
    np.testing.assert_allclose(kpi_achievement([80, 110], 100, ["higher", "lower"]), [0.8, 0.9])


def test_achievement_of_a_blank_actual_is_blank():
    assert kpi_achievement(None, 100) is None


@pytest.mark.parametrize("target", [0, -5])
def test_achievement_needs_a_positive_target(target):
    with pytest.raises(KpiInputError, match=r"^target must be > 0 .*\(got -?\d+\)"):
        kpi_achievement(80, target)


def test_deduction_achievement_is_score_over_100():
    _, achievement, errors = score_rows([3, 0], [0, 0], method="deduction", param=10)
    assert errors == []
    np.testing.assert_allclose(achievement, [0.7, 1.0])


# --------------------------------------------------------------------------- linear

def test_linear_is_100_r_clamped_to_zero_and_cap():
    assert kpi_score(0, 100) == 0
    assert kpi_score(-20, 100) == 0
    assert kpi_score(100, 100) == 100
    assert kpi_score(150, 100, cap=150) == pytest.approx(150)
    assert kpi_score(200, 100, cap=150) == pytest.approx(150)
    assert kpi_score(10, 100, direction="lower", cap=130) == pytest.approx(130)  # r = 1.9
    assert kpi_score(250, 100, direction="lower") == 0  # r = -0.5


def test_threshold_scores_zero_when_missed_and_counts_at_the_boundary():
    assert kpi_score(59.99, 100, threshold=60) == 0
    assert kpi_score(60, 100, threshold=60) == pytest.approx(60)
    assert kpi_score(60 - 1e-12, 100, threshold=60) == pytest.approx(60)  # within 1e-9
    assert kpi_score(30.5, 24, threshold=30, direction="lower") == 0
    assert kpi_score(30, 24, threshold=30, direction="lower") == pytest.approx(75)


def test_stretch_interpolates_from_100_to_cap():
    assert kpi_score(120, 100, stretch=120) == pytest.approx(120)
    assert kpi_score(140, 100, stretch=120) == pytest.approx(120)  # at most C
    assert kpi_score(105, 100, stretch=120, cap=140) == pytest.approx(110)
    assert kpi_score(90, 100, stretch=120) == pytest.approx(90)  # below target: 100 r
    assert kpi_score(22, 24, stretch=20, direction="lower") == pytest.approx(110)
    assert kpi_score(18, 24, stretch=20, direction="lower") == pytest.approx(120)


def test_stretch_below_cap_slope_uses_cap():
    # with the stretch the score rises faster than 100 r: 110 % of target gives 110 here,
    # but with a stretch of 150 and cap 120, 110 % gives 104
    assert kpi_score(110, 100, stretch=150) == pytest.approx(104)


# --------------------------------------------------------------------------- band

@pytest.mark.parametrize("actual,expected", [(100, 100), (99.999, 80), (90, 80), (89, 60), (80, 60),
                                             (79.9, 0), (130, 100)])
def test_default_bands(actual, expected):
    assert kpi_score(actual, 100, method="band") == pytest.approx(expected)


def test_band_boundary_reached_within_1e_9():
    assert kpi_score(0.9 * 3, 3, method="band") == pytest.approx(80)  # 0.9*3/3*100 may be 89.999...
    assert kpi_score(90 - 1e-10, 100, method="band") == pytest.approx(80)


def test_custom_bands_in_any_order_and_capped():
    bands = [(80, 50), (120, 130), (100, 100)]
    assert kpi_score(125, 100, method="band", param=bands) == pytest.approx(120)  # cap 120
    assert kpi_score(125, 100, method="band", param=bands, cap=150) == pytest.approx(130)
    assert kpi_score(85, 100, method="band", param=bands) == pytest.approx(50)
    assert kpi_score(85, 100, method="band", param={100: 100, 80: 70}) == pytest.approx(70)


def test_band_lower_direction_uses_deviation_achievement():
    assert kpi_score(108, 100, direction="lower", method="band") == pytest.approx(80)  # r = 0.92


def test_band_applies_the_threshold_first():
    assert kpi_score(92, 100, threshold=95, method="band") == 0


def test_band_blank_rows_of_a_settings_range_are_skipped():
    bands = [[100, 100], [90, 80], [None, None], [None, None]]
    assert kpi_score(95, 100, method="band", param=bands) == pytest.approx(80)


def test_default_bands_constant():
    assert sorted(DEFAULT_BANDS, reverse=True) == [(100.0, 100.0), (90.0, 80.0), (80.0, 60.0)]


# --------------------------------------------------------------------------- binary and deduction

def test_binary():
    assert kpi_score(100, 100, method="binary") == 100
    assert kpi_score(100 - 1e-6, 100, method="binary") == 0
    assert kpi_score(100 * (1 - 1e-12), 100, method="binary") == 100  # within 1e-9
    assert kpi_score(100, 100, direction="lower", method="binary") == 100
    assert kpi_score(100.01, 100, direction="lower", method="binary") == 0


def test_deduction_ignores_direction_and_floors_at_zero():
    assert kpi_score(3, 0, direction="lower", method="deduction") == pytest.approx(70)  # default 10
    assert kpi_score(2, 3, method="deduction") == 100
    assert kpi_score(20, 0, method="deduction", param=10) == 0
    assert kpi_score(4, 1, method="deduction", param=5) == pytest.approx(85)
    np.testing.assert_allclose(kpi_score([1, 2, 3], 0, method="deduction", param=[5, 10, None]), [95, 80, 70])


def test_blank_actual_scores_zero():
    assert kpi_score(None, 100) == 0
    assert kpi_score(np.nan, 100, method="band") == 0
    scores, achievement, errors = score_rows([None, 80], [100, 100])
    np.testing.assert_allclose(scores, [0, 80])
    assert np.isnan(achievement[0]) and errors == []


def test_blank_enumerations_take_the_default():
    assert kpi_score(80, 100, direction=None, method=None) == pytest.approx(80)
    np.testing.assert_allclose(kpi_score([80, 80], 100, direction=["", "lower"], method=[None, "linear"]),
                               [80, 100 * (2 - 0.8)])


def test_mixed_methods_and_directions_vectorised():
    scores = kpi_score(
        actual=[80, 130, 92, 3, 99.99, 36],
        target=[100, 100, 100, 0, 100, 24],
        direction=np.array(["higher", "越高越好", "higher", "lower", "higher", "越低越好"]),
        method=["linear", "linear", "分档", "deduction", "binary", "linear"],
    )
    np.testing.assert_allclose(scores, [80, 120, 80, 70, 0, 50])


def test_scalar_in_scalar_out_and_shapes_kept():
    assert isinstance(kpi_score(80, 100), float)
    out = kpi_score(np.array([[80, 90], [100, 110]]), 100)
    assert out.shape == (2, 2)


# --------------------------------------------------------------------------- one-indicator errors

@pytest.mark.parametrize("kwargs,argument,pattern", [
    (dict(actual=80, target=0), "target", r"target must be > 0 for linear scoring \(got 0\)"),
    (dict(actual=80, target=-1, method="band"), "target", r"target must be > 0 for band scoring \(got -1\)"),
    (dict(actual=80, target=0, method="binary"), "target", r"target must be > 0 for binary scoring"),
    (dict(actual=80, target=None), "target", r"target must not be blank"),
    (dict(actual=1, target=-1, method="deduction"), "target", r"target \(incidents allowed\) must be >= 0"),
    (dict(actual=-1, target=0, method="deduction"), "actual", r"actual \(incident count\) must be >= 0"),
    (dict(actual=1, target=0, method="deduction", param=-5), "param", r"param \(points per incident\) must be >= 0 \(got -5\)"),
    (dict(actual=80, target=100, cap=90), "cap", r"cap must be >= 100 \(got 90\)"),
    (dict(actual=80, target=100, threshold=100), "threshold", r"threshold must be below the target"),
    (dict(actual=80, target=100, threshold=90, direction="lower"), "threshold", r"threshold must be below .*above it"),
    (dict(actual=80, target=100, stretch=100), "stretch", r"stretch must be above the target"),
    (dict(actual=80, target=100, stretch=110, direction="lower"), "stretch", r"stretch must be above .*below it"),
    (dict(actual="eighty", target=100), "actual", r"actual must be a number \(got 'eighty'\)"),
    (dict(actual=True, target=100), "actual", r"actual must be a number \(got True\)"),
    (dict(actual=80, target=float("inf")), "target", r"target must be a finite number"),
    (dict(actual=80, target=100, direction="up"), "direction", r"direction must be one of higher/越高越好, lower/越低越好 \(got 'up'\)"),
    (dict(actual=80, target=100, method="curve"), "method", r"method must be one of linear/线性.*\(got 'curve'\)"),
    (dict(actual=80, target=100, method="band", param=[1, 2, 3]), "bands", r"bands must be rows of \(minimum achievement %, score\)"),
    (dict(actual=80, target=100, method="band", param=[[100, 100], [90, None]]), "bands", r"bands must have a minimum and a score on every row"),
    (dict(actual=80, target=100, method="band", param=[[100, -1]]), "band", r"band scores must be >= 0"),
    (dict(actual=80, target=100, method="band", param=[[100, "x"]]), "bands", r"bands must be a number \(got 'x'\)"),
    (dict(actual=80, target=100, cap="high"), "cap", r"cap must be a number"),
    (dict(actual=80, target=100, method="band", param=[[90, 50], [90, 80]]), "bands",
     r"bands list the minimum 90% twice with different scores"),
    (dict(actual=80, target=100, method="band", param=[[100, 50], [90, 80]]), "bands",
     r"bands must not give a lower score for a higher minimum \(got 100% → 50 but 90% → 80\)"),
])
def test_invalid_indicator_input_names_the_argument(kwargs, argument, pattern):
    with pytest.raises(KpiInputError, match=pattern) as caught:
        kpi_score(**kwargs)
    assert str(caught.value).startswith(argument)
    assert isinstance(caught.value, ValueError)


def test_array_error_names_the_row():
    with pytest.raises(KpiInputError, match=r"target must be > 0 for linear scoring \(got 0\) \(row 3\)"):
        kpi_score([80, 90, 100], [100, 100, 0])


def test_arrays_of_different_lengths_are_an_error():
    with pytest.raises(KpiInputError, match="same number of rows"):
        kpi_score([1, 2, 3], [1, 2])


def test_score_rows_reports_each_invalid_row_once_and_keeps_the_others():
    scores, achievement, errors = score_rows(
        [80, 90, 100, 3], [100, 0, 100, 0], threshold=[None, None, 120, None],
        method=["linear", "linear", "linear", "deduction"], cap=[120, 80, 120, 120])
    assert [(i, arg) for i, arg, _ in errors] == [(1, "target"), (2, "threshold")]
    assert str(errors[0][2]) == "target must be > 0 for linear scoring (got 0)"
    assert errors[0][2].kind == "target_linear" and errors[0][2].values == {"got": 0.0}
    assert str(errors[1][2]).endswith("(got 120)")
    assert scores[0] == pytest.approx(80) and scores[3] == pytest.approx(70)
    assert np.isnan(scores[1]) and np.isnan(scores[2]) and np.isnan(achievement[1])


# --------------------------------------------------------------------------- weighted total

def test_weighted_fractions_and_percent_points():
    assert kpi_weighted([80, 100, 90], [0.5, 0.3, 0.2]) == pytest.approx(88)
    assert kpi_weighted([80, 100, 90], [50, 30, 20]) == pytest.approx(88)
    assert kpi_weighted([80, None, 90], [50, 30, 20]) == pytest.approx(58)  # blank actual scores 0
    assert kpi_weighted([80, 100, 1000], [0.5, 0.5, 0]) == pytest.approx(90)  # weight 0 is left out
    assert kpi_weighted([80, 100], [0.6, 0.4005]) == pytest.approx(0.6 * 80 + 0.4005 * 100)  # within 0.001


def test_weighted_rows_of_a_2d_block():
    out = kpi_weighted([[80, 100], [100, 60]], [40, 60])
    np.testing.assert_allclose(out, [92, 76])


@pytest.mark.parametrize("weights,message", [
    ([0.4, 0.55], "weights sum to 95%, expected 100%"),
    ([40, 55], "weights sum to 95%, expected 100%"),
    ([0.6, 0.6], "weights sum to 120%, expected 100%"),
    ([60, 50], "weights sum to 110%, expected 100%"),
    ([0.5, 0.502], "weights sum to 100.2%, expected 100%"),
    ([99.5, 0.5], "weights sum to 100 but mix percent points and fractions (got 0.5)"),
    ([0.5, -0.5, 1], "weights must be >= 0 (got -0.5)"),
])
def test_weights_not_100(weights, message):
    with pytest.raises(KpiInputError) as caught:
        kpi_weighted([80] * len(weights), weights)
    assert str(caught.value).startswith(message)


def test_weighted_sizes_must_match():
    with pytest.raises(KpiInputError, match=r"scores and weights must have the same size \(got 3 and 2\)"):
        kpi_weighted([1, 2, 3], [0.5, 0.5])
    with pytest.raises(KpiInputError, match=r"scores must be a number"):
        kpi_weighted([1, "x"], [0.5, 0.5])


def test_normalise_weights_percent_points_tolerance():
    np.testing.assert_allclose(normalise_weights([40, 60.05]), [0.4, 0.6005])
    with pytest.raises(KpiInputError):
        normalise_weights([40, 60.2])


# --------------------------------------------------------------------------- review

def test_review_all_roles():
    # self 4, peer mean 3, manager mean 4.5: 20 * (0.1*4 + 0.3*3 + 0.6*4.5) = 80
    qual = kpi_review([4, 3, 3, 4, 5], ["self", "peer", "互评", "manager", "上级"])
    assert qual == pytest.approx(80)


def test_review_absent_roles_share_their_weight_in_proportion():
    # self and manager only: weights 0.1 and 0.6 become 1/7 and 6/7
    assert kpi_review([3, 5], ["自评", "上级"]) == pytest.approx(20 * (3 / 7 + 5 * 6 / 7))
    assert kpi_review([4, 4.5], ["manager", "manager"]) == pytest.approx(85)


def test_review_custom_role_weights_in_every_form():
    expected = 20 * (0.2 * 4 + 0.8 * 5)
    ratings, roles = [4, 5], ["self", "manager"]
    assert kpi_review(ratings, roles, {"self": 0.2, "manager": 0.8}) == pytest.approx(expected)
    assert kpi_review(ratings, roles, [[ "自评", 20], ["互评", 0], ["上级", 80]]) == pytest.approx(expected)
    assert kpi_review(ratings, roles, [0.2, 0.0, 0.8]) == pytest.approx(expected)


def test_review_without_ratings_is_none_and_blanks_are_ignored():
    assert kpi_review([], []) is None
    assert kpi_review([None, None], [None, "self"]) is None
    assert kpi_review([None, 5], [None, "self"]) == pytest.approx(100)


def test_review_rows_of_a_2d_block():
    out = kpi_review([[5, 4], [3, None]], ["self", "manager"])
    np.testing.assert_allclose(out, [20 * (0.1 * 5 + 0.6 * 4) / 0.7, 60])


@pytest.mark.parametrize("args,pattern", [
    (([6], ["self"]), r"^ratings must be between 1 and 5 \(got 6\)"),
    (([0.5], ["self"]), r"^ratings must be between 1 and 5 \(got 0.5\)"),
    ((["good"], ["self"]), r"^ratings must be a number"),
    (([4], ["boss"]), r"^roles must be one of self/自评, peer/互评, manager/上级 \(got 'boss'\)"),
    (([4], [None]), r"^roles must be given for every rating"),
    (([4, 5], ["self"] * 3), r"^ratings and roles must have the same size"),
    (([4], ["self"], {"self": 0.5, "manager": 0.6}), r"^role_weights sum to 110%, expected 100%"),
    (([4], ["self"], {"boss": 1}), r"^role_weights must be one of"),
    (([4], ["self"], [1, 2]), r"^role_weights must give self, peer and manager weights"),
    (([4], ["self"], {"self": 0, "manager": 1}), r"^role_weights give the roles present a total weight of 0"),
])
def test_review_errors(args, pattern):
    with pytest.raises(KpiInputError, match=pattern):
        kpi_review(*args)


# --------------------------------------------------------------------------- final

def test_final():
    assert kpi_final(90, 80) == pytest.approx(88)
    assert kpi_final(90, None) == pytest.approx(90)
    assert kpi_final(90, 80, 0.5) == pytest.approx(85)
    assert kpi_final(90, 80, None) == pytest.approx(88)  # blank share = default
    np.testing.assert_allclose(kpi_final([90, 100], [80, np.nan]), [88, 100])


@pytest.mark.parametrize("args,pattern", [
    ((90, 80, 1.5), r"^quant_weight must be between 0 and 1 \(got 1.5\)"),
    ((90, 80, 80), r"^quant_weight must be between 0 and 1 \(got 80\)"),
    ((None, 80), r"^quant must not be blank"),
    (("x", 80), r"^quant must be a number"),
    ((90, "x"), r"^qual must be a number"),
])
def test_final_errors(args, pattern):
    with pytest.raises(KpiInputError, match=pattern):
        kpi_final(*args)


# --------------------------------------------------------------------------- grade

@pytest.mark.parametrize("score,grade", [(110, "S"), (109.99, "A"), (95, "A"), (94.9999999999, "A"),
                                         (94.99, "B"), (80, "B"), (60, "C"), (59.9, "D"), (0, "D"), (-5, "D")])
def test_default_grades(score, grade):
    assert kpi_grade(score) == grade


def test_veto_gives_the_lowest_grade_in_every_form():
    for veto in (True, 1, 2, "yes", "是", "TRUE", "y"):
        assert kpi_grade(120, veto=veto) == "D", veto
    for veto in (False, 0, None, "", "no", "否", "false"):
        assert kpi_grade(120, veto=veto) == "S", veto
    assert list(kpi_grade([120, 120, 90], veto=[0, 3, False])) == ["S", "D", "B"]
    assert kpi_grade(120, bands=[["优", 90], ["良", 70], ["差", 0]], veto=True) == "差"


def test_custom_grade_bands():
    bands = [["A", 90], ["B", 70], ["C", 0], [None, None]]
    assert kpi_grade(91, bands) == "A"
    assert kpi_grade(70, {"A": 90, "B": 70, "C": 0}) == "B"
    assert grade_bands(bands) == [("A", 90.0), ("B", 70.0), ("C", 0.0)]
    assert kpi_grade(None) is None
    assert list(kpi_grade([111, None, 50])) == ["S", None, "D"]


@pytest.mark.parametrize("kwargs,pattern", [
    (dict(score="A"), r"^score must be a number"),
    (dict(score=90, veto="maybe"), r"^veto must be one of yes/是, no/否"),
    (dict(score=90, veto=-1), r"^veto must be TRUE/FALSE or a count"),
    (dict(score=90, bands=[["A", "high"]]), r"^bands: the minimum score of grade A must be a number"),
    (dict(score=90, bands=[[None, 5]]), r"^bands: the row with minimum 5 has no grade"),
    (dict(score=90, bands=[[None, None]]), r"^bands must contain at least one grade"),
    (dict(score=90, bands=[["A", 1, 2]]), r"^bands must be rows of \(grade, minimum score\)"),
    (dict(score=90, bands="S"), r"^bands must be rows of \(grade, minimum score\)"),
])
def test_grade_errors(kwargs, pattern):
    with pytest.raises(KpiInputError, match=pattern):
        kpi_grade(**kwargs)


# --------------------------------------------------------------------------- forced distribution

def test_forced_headcounts_largest_remainder_ties_to_the_better_grade():
    assert forced_headcounts(10) == [("S", 1), ("A", 2), ("B", 5), ("C", 2), ("D", 0)]  # C .5 vs D .5
    assert forced_headcounts(7) == [("S", 1), ("A", 1), ("B", 4), ("C", 1), ("D", 0)]
    assert forced_headcounts(20) == [("S", 2), ("A", 4), ("B", 10), ("C", 3), ("D", 1)]
    assert forced_headcounts(1) == [("S", 0), ("A", 0), ("B", 1), ("C", 0), ("D", 0)]
    assert forced_headcounts(0) == [("S", 0), ("A", 0), ("B", 0), ("C", 0), ("D", 0)]
    assert sum(c for _, c in forced_headcounts(3)) == 3


def test_forced_quotas_in_any_order_and_in_percent_points():
    quotas = [("D", 5), ("C", 15), ("B", 50), ("A", 20), ("S", 10)]
    assert forced_headcounts(10, quotas) == forced_headcounts(10)
    assert forced_headcounts(4, {"S": 0.25, "A": 0.25, "B": 0.5}) == [("S", 1), ("A", 1), ("B", 2)]


def test_forced_grades_order_final_then_quant_then_id():
    ids = ["AM03", "AM01", "AM02", "AM04", "AM05", "AM06", "AM07", "AM08", "AM09", "AM10"]
    finals = [90, 90, 90, 85, 80, 75, 70, 65, 60, 55]
    quants = [88, 88, 95, 80, 80, 75, 70, 65, 60, 55]
    grades = kpi_forced_grades(ids, finals, quants)
    # order: AM02 (Q 95), AM01 (id), AM03, AM04 ... ; headcounts S1 A2 B5 C2 D0
    assert dict(zip(ids, grades)) == {"AM02": "S", "AM01": "A", "AM03": "A", "AM04": "B", "AM05": "B",
                                      "AM06": "B", "AM07": "B", "AM08": "B", "AM09": "C", "AM10": "C"}


def test_forced_order_ties_within_1e_9_and_numeric_ids():
    order = forced_order([10, 9, 8], [80 + 1e-12, 80, 80], [70, 70, 70])
    assert list(order) == [2, 1, 0]  # equal finals and quants: ids 8, 9, 10 numerically
    assert list(forced_order(["b", "a"], [80, 80], [None, 70])) == [1, 0]  # blank quant last


@pytest.mark.parametrize("args,pattern", [
    ((["a", "b"], [80], [80, 70]), r"^ids, finals and quants must have the same length \(got 2, 1, 2\)"),
    ((["a"], [None], [80]), r"^finals must not be blank"),
    ((["a", None], [80, 70], [80, 70]), r"^ids must not be blank \(row 2\)"),
    (([True], [80], [80]), r"^ids must be text or numbers \(got True\)"),
    ((["a"], ["x"], [80]), r"^finals must be a number"),
    ((["a"], [80], [80], {"S": 0.5, "A": 0.4}), r"^quotas sum to 90%, expected 100%"),
    ((["a"], [80], [80], [("S", "ten")]), r"^quotas must be a number"),
    ((["a"], [80], [80], [(None, 1.0)]), r"^quotas: every share needs a grade"),
])
def test_forced_errors(args, pattern):
    with pytest.raises(KpiInputError, match=pattern):
        kpi_forced_grades(*args)


# --------------------------------------------------------------------------- bonus

def test_bonus_coefficients_and_base():
    assert kpi_bonus("S", 10000) == pytest.approx(15000)
    assert kpi_bonus(" a ", 10000) == pytest.approx(12000)
    np.testing.assert_allclose(kpi_bonus(["B", "C", "D"], [10000, 8000, 5000]), [10000, 4000, 0])
    assert kpi_bonus("A", 100, {"A": 2}) == pytest.approx(200)
    assert kpi_bonus("A", 100, [["S", 3], ["A", 2]]) == pytest.approx(200)
    assert kpi_bonus_coefficient("S") == 1.5


def test_bonus_pool_scales_to_the_pool():
    bonuses = kpi_bonus_pool(["S", "A", "B", "D"], 10000, 100000)
    assert bonuses.sum() == pytest.approx(100000)
    raw = np.array([1.5, 1.2, 1.0, 0.0]) * 10000
    np.testing.assert_allclose(bonuses, raw * 100000 / raw.sum())
    np.testing.assert_allclose(kpi_bonus_pool(["D", "D"], 10000, 0), [0, 0])


@pytest.mark.parametrize("call,pattern", [
    (lambda: kpi_bonus("E", 100), r"^grade must be one of S, A, B, C, D \(got 'E'\)"),
    (lambda: kpi_bonus(None, 100), r"^grade must be one of"),
    (lambda: kpi_bonus("A", -1), r"^base must be >= 0 \(got -1\)"),
    (lambda: kpi_bonus("A", None), r"^base must not be blank"),
    (lambda: kpi_bonus("A", 100, {"A": -1}), r"^coefficients: grade A needs a number >= 0"),
    (lambda: kpi_bonus("A", 100, [["A"]]), r"^coefficients must be rows of \(grade, coefficient\)"),
    (lambda: kpi_bonus_pool(["A"], 100, -5), r"^pool must be >= 0 \(got -5\)"),
    (lambda: kpi_bonus_pool(["A"], 100, None), r"^pool must not be blank"),
    (lambda: kpi_bonus_pool(["D", "D"], 100, 1000), r"^pool cannot be shared: every bonus before scaling is 0"),
])
def test_bonus_errors(call, pattern):
    with pytest.raises(KpiInputError, match=pattern):
        call()


# --------------------------------------------------------------------------- enumerations

def test_parse_codes_exact_labels_other_spellings_and_blanks():
    values = np.array(["higher", "越低越好", " LOWER ", "Higher", ""])
    assert list(parse_codes(values, DIRECTION, "direction", default="higher")) == [0, 1, 1, 0, 0]
    assert list(parse_codes(["band", None, "扣分制"], METHOD, "method", default="linear")) == [1, 0, 3]
    with pytest.raises(KpiInputError, match=r"^method must be one of .*\(got 'curve'\)"):
        parse_codes(np.array(["band", "curve"]), METHOD, "method")
    with pytest.raises(KpiInputError, match=r"^direction must be one of"):
        parse_codes([None], DIRECTION, "direction")


# --------------------------------------------------------------------------- any wrong input: KpiInputError only

WRONG_VALUES = [
    None, "", "abc", "40%", True, [], [[]], [1, "x"], float("nan"), float("inf"), -1, 0, {"a": 1}, [1, 2, 3],
    [[1, 2], [3]], np.array([]), np.array([[1, 2], [3, 4]]), object(), b"x", 1 + 2j, "越高越好", "线性",
    np.array(["a", "b"]), [None, None], [np.nan], (1,), {1}, 1e308, -0.0, "1", ["1", "2"],
]
VALID_CALLS = {
    kpi_achievement: [80, 100, "higher"],
    kpi_score: [80, 100, None, None, "higher", "linear", None, 120],
    score_rows: [80, 100, None, None, "higher", "linear", None, 120],
    kpi_weighted: [[80, 90], [0.5, 0.5]],
    kpi_review: [[4, 5], ["self", "manager"], None],
    kpi_final: [90, 80, 0.8],
    kpi_grade: [90, None, False],
    kpi_forced_grades: [["a", "b"], [90, 80], [90, 80], None],
    kpi_bonus: [["A", "B"], [100, 100], None],
    kpi_bonus_pool: [["A", "B"], [100, 100], 500, None],
    kpi_bonus_coefficient: ["A", None],
    normalise_weights: [[0.5, 0.5]],
    forced_headcounts: [10, None],
    grade_bands: [None],
}


@pytest.mark.parametrize("function", list(VALID_CALLS), ids=lambda f: f.__name__)
def test_any_wrong_argument_raises_kpi_input_error_and_nothing_else(function):
    """Wrong types, text in number arguments, unknown spellings, ragged or empty lists, NaN, overflow:
    each public function either computes or raises KpiInputError, with no numpy warning leaking."""
    import warnings

    valid = VALID_CALLS[function]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for position in range(len(valid)):
            for wrong in WRONG_VALUES:
                args = list(valid)
                args[position] = wrong
                try:
                    function(*args)
                except KpiInputError as error:
                    assert str(error) and "Traceback" not in str(error)
                except Exception as error:  # pragma: no cover - the failure message is the point
                    pytest.fail(f"{function.__name__} argument {position} = {wrong!r}: "
                                f"{type(error).__name__}: {error}")


@pytest.mark.parametrize("call,pattern", [
    (lambda: forced_headcounts(2.5), r"^n must be a whole number of managers >= 0 \(got 2.5\)"),
    (lambda: forced_headcounts(-1), r"^n must be a whole number"),
    (lambda: forced_headcounts(None), r"^n must be a whole number"),
    (lambda: kpi_score(80, 100, method="band", param=5), r"^bands must be rows of .* \(got 5\)"),
    (lambda: kpi_score(3, 0, method="deduction", param=[[100, 100], [90, 80]]),
     r"^param for deduction scoring is the points per incident"),
    (lambda: kpi_score([80], [100], direction=[["higher"], []]), r"^direction must be a list of values"),
    (lambda: kpi_bonus_pool(["A", "A"], [1e308, 1e308], 10), r"^bases are too large"),
    (lambda: kpi_review([4], ["self"], [["self", 0.1], ["自评", 0.3], ["manager", 0.6]]),
     r"^role_weights list the role self twice"),
])
def test_review_found_inputs_that_used_to_leak(call, pattern):
    with pytest.raises(KpiInputError, match=pattern):
        call()


def test_band_with_a_blank_param_takes_the_default_bands():
    assert kpi_score(92, 100, method="band", param=None) == 80
    assert kpi_score(92, 100, method="band", param="") == 80


def test_every_function_takes_a_2d_block_and_keeps_its_shape():
    """Issue 2: arrays in, arrays out, 2-D included (elementwise functions keep the block's shape;
    the totals give one value per row; forced grades rank the whole block as one group)."""
    block = np.array([[80.0, 120.0], [95.0, None]], dtype=object)
    finals = np.array([[80.0, 120.0], [95.0, 60.0]])
    assert kpi_achievement(finals, 100).shape == (2, 2)
    assert kpi_score(finals, 100, direction=[["higher", "越低越好"], ["lower", "higher"]],
                     method=[["linear", "分档"], ["binary", "linear"]]).shape == (2, 2)
    assert kpi_final(finals, finals[::-1]).shape == (2, 2)
    grades = kpi_grade(block, veto=[[False, "是"], [0, None]])
    assert grades.tolist() == [["B", "D"], ["A", None]]
    assert kpi_bonus(np.array([["S", "A"], ["B", "D"]]), [[100, 100], [100, 100]]).tolist() == [[150, 120], [100, 0]]
    forced = kpi_forced_grades([["a", "b"], ["c", "d"]], finals, finals)
    assert forced.shape == (2, 2) and forced[0, 1] == "A"  # the best of the four, wherever it sits
    assert kpi_weighted(finals, [0.5, 0.5]).shape == (2,)
    assert kpi_review([[4, 5], [3, None]], [["self", "manager"], ["self", "manager"]]).shape == (2,)


def test_huge_finite_inputs_give_clipped_scores_without_numpy_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert kpi_score(1e308, 1e-308) == 120
        assert kpi_score(-1e308, 1e-300, direction="lower") == 120
        assert kpi_score(1e308, 1, stretch=2, cap=100) == 100  # not cap 100 × inf = NaN
        assert kpi_score(1e308, 0, method="deduction", param=1e308) == 0
        assert kpi_achievement(1e308, 1e-308) == float("inf")
        with pytest.raises(KpiInputError, match=r"^weights sum to inf%"):
            kpi_weighted([1, 1], [1e308, 1e308])


def test_forced_grades_refuse_a_repeated_id():
    with pytest.raises(KpiInputError, match=r"^ids must be unique \(got 'AM001' 2 times\)"):
        kpi_forced_grades(["AM001", "AM002", "AM001"], [90, 80, 70], [90, 80, 70])
    with pytest.raises(KpiInputError, match=r"^ids must be unique \(got 7 2 times\)"):
        kpi_forced_grades([7, 8, 7], [90, 80, 70], [90, 80, 70])
