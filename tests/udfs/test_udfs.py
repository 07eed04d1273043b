"""The KPI_* Excel functions called directly (on Linux the xlwings decorators are no-ops):
Excel-shaped inputs (2-D lists as xlwings hands them over, blanks as None, errors as
text), spilled outputs, and #KPI! error texts instead of exceptions."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from udfs import excel_convert as convert
from udfs import kpi_forced_grades, kpi_score
from udfs.excel_functions import (
    KPI_ACHIEVEMENT,
    KPI_BONUS,
    KPI_FINAL,
    KPI_FORCED_GRADE,
    KPI_GRADE,
    KPI_REVIEW,
    KPI_SCORE,
    KPI_WEIGHTED,
    UDFS,
)

TBL_BANDS = [[100, 100], [90, 80], [80, 60]]
TBL_GRADES = [["S", 110], ["A", 95], ["B", 80], ["C", 60], ["D", 0]]
TBL_QUOTAS = [["S", 0.1], ["A", 0.2], ["B", 0.5], ["C", 0.15], ["D", 0.05]]
TBL_BONUS = [["S", 1.5], ["A", 1.2], ["B", 1.0], ["C", 0.5], ["D", 0]]
TBL_ROLE_WEIGHTS = [["self", 0.1], ["peer", 0.3], ["manager", 0.6]]


def column(*values):
    """A one-column range as xlwings passes it with ndim=2."""
    return [[v] for v in values]


# --------------------------------------------------------------------------- KPI_SCORE

def test_score_single_cells_give_a_number():
    assert KPI_SCORE(80, 100) == pytest.approx(80)
    assert KPI_SCORE([[80]], [[100]], [[None]], [[None]], [["higher"]], [["linear"]], [[None]], [[None]]) \
        == pytest.approx(80)
    assert isinstance(KPI_SCORE(80, 100), float)


def test_score_worked_examples_as_a_spilled_column():
    # the SCORING.md §5 table as a block of worksheet cells, one indicator per row
    result = KPI_SCORE(
        column(80, 130, 50, 110, 36, 92, 3, 99.99),
        column(100, 100, 100, 100, 24, 100, 0, 100),
        column(None, None, 60, None, None, None, None, None),
        column(None, None, None, 120, None, None, None, None),
        column("higher", "higher", "越高越好", "higher", "越低越好", "higher", None, "higher"),
        column("linear", "线性", "linear", "linear", "linear", "分档", "扣分制", "binary"),
        column(None, None, None, None, None, None, 10, None),
    )
    assert np.allclose(np.array(result, dtype=float), column(80, 120, 0, 110, 50, 80, 70, 0))


def test_score_with_a_bands_range_like_tblbands():
    bands = [[80, 50], [100, 100], [90, 85], [None, None]]  # any order, spare row
    assert KPI_SCORE(92, 100, None, None, "higher", "band", bands) == pytest.approx(85)
    assert KPI_SCORE(column(92, 79), 100, None, None, "band", "band", bands) \
        == [["#KPI! direction must be one of higher/越高越好, lower/越低越好 (got 'band')"]] * 2
    out = KPI_SCORE(column(92, 79, 101), 100, None, None, "higher", "band", bands)
    assert out == column(85.0, 0.0, 100.0)


def test_score_row_orientation_is_kept():
    assert KPI_SCORE([[80, 90, 100]], 100) == [[80.0, 90.0, 100.0]]
    assert KPI_SCORE(column(80, 90), column(100, 100)) == [[80.0], [90.0]]


def test_score_only_invalid_rows_show_an_error():
    out = KPI_SCORE(column(80, 90, 100, 5), column(100, 0, 100, 0), column(None, None, 120, None),
                    None, "higher", column("linear", "linear", "linear", "deduction"))
    assert out[0] == [80.0]
    assert out[1] == ["#KPI! target must be > 0 for linear scoring (got 0)"]
    assert out[2][0].startswith("#KPI! threshold must be below the target")
    assert out[3] == [50.0]


def test_score_unreadable_cells_only_spoil_their_row():
    out = KPI_SCORE(column(80, "n/a", "#N/A", 90), 100, None, None,
                    column("higher", "higher", "higher", "sideways"))
    assert out == [[80.0], ["#KPI! actual must be a number (got 'n/a')"],
                   ["#KPI! actual must be a number (got '#N/A')"],
                   ["#KPI! direction must be one of higher/越高越好, lower/越低越好 (got 'sideways')"]]


def test_score_blank_actual_scores_zero_and_blank_options_take_defaults():
    assert KPI_SCORE(column(None, 80), 100, None, None, column(None, ""), column(None, None), None,
                     column(None, None)) == [[0.0], [80.0]]


def test_score_points_per_row_for_deduction():
    out = KPI_SCORE(column(3, 3, 3), 0, None, None, None, "deduction", column(10, 5, None))
    assert out == [[70.0], [85.0], [70.0]]


def test_score_ranges_of_different_sizes_are_one_error():
    assert KPI_SCORE(column(1, 2, 3), column(1, 2)) == \
        "#KPI! ranges must have the same size or be single cells (got actual 3×1, target 2×1)"


def test_score_matches_the_engine_on_random_rows():
    rng = np.random.default_rng(7)
    n = 200
    actual = rng.uniform(0, 200, n)
    target = rng.uniform(1, 150, n)
    directions = rng.choice(["higher", "lower"], n)
    methods = rng.choice(["linear", "band", "binary"], n)
    out = KPI_SCORE(column(*actual.tolist()), column(*target.tolist()), None, None,
                    column(*directions.tolist()), column(*methods.tolist()), TBL_BANDS)
    expected = kpi_score(actual, target, None, None, directions, methods, TBL_BANDS)
    assert np.allclose(np.array(out, dtype=float).ravel(), expected)


# --------------------------------------------------------------------------- achievement, weighted, final

def test_achievement():
    assert KPI_ACHIEVEMENT(80, 100) == pytest.approx(0.8)
    assert KPI_ACHIEVEMENT(column(110, None, 5), column(100, 100, 0), column("越低越好", "higher", "higher")) \
        == [[pytest.approx(0.9)], [None], ["#KPI! target must be > 0 for an achievement ratio (got 0)"]]


def test_weighted_total_and_weights_error_text():
    assert KPI_WEIGHTED(column(80, 100, 90), column(0.5, 0.3, 0.2)) == pytest.approx(88)
    assert KPI_WEIGHTED(column(80, 100, 90), column(50, 30, 20)) == pytest.approx(88)
    assert KPI_WEIGHTED([[80, 100, 90]], column(0.5, 0.3, 0.2)) == pytest.approx(88)  # row vs column
    assert KPI_WEIGHTED(column(80, 100), column(0.4, 0.55)) == "#KPI! weights sum to 95%, expected 100%"
    assert KPI_WEIGHTED(column(80, 100), column(40, 55)) == "#KPI! weights sum to 95%, expected 100%"
    assert KPI_WEIGHTED(column(80, None), column(0.5, 0.5)) == pytest.approx(40)


def test_weighted_propagates_an_error_cell_instead_of_a_number():
    out = KPI_WEIGHTED(column(80, "#KPI! target must be > 0 for linear scoring (got 0)"), column(0.5, 0.5))
    assert out == "#KPI! scores holds an error in cell 2: #KPI! target must be > 0 for linear scoring (got 0)"
    assert KPI_WEIGHTED(column(80, 90), column(0.5, "#REF!")) == "#KPI! weights holds an error in cell 2: #REF!"
    assert KPI_WEIGHTED(column(80, 90, 70), column(0.5, 0.5)).startswith("#KPI! ranges must have the same")


def test_weighted_block_gives_one_total_per_row():
    assert KPI_WEIGHTED([[80, 100], [100, 60]], [[40, 60]]) == [[pytest.approx(92)], [pytest.approx(76)]]


def test_final():
    assert KPI_FINAL(90, 80) == pytest.approx(88)
    assert KPI_FINAL(90, None) == pytest.approx(90)
    assert KPI_FINAL(90, "") == pytest.approx(90)  # an empty-text qual cell (KPI_REVIEW without reviews)
    assert KPI_FINAL(column(90, 100), column(80, None), 0.5) == [[85.0], [100.0]]
    assert KPI_FINAL(90, 80, 80) == "#KPI! quant_weight must be between 0 and 1 (got 80)"


# --------------------------------------------------------------------------- review

def test_review_with_tblreview_columns_and_role_weights_table():
    ratings = column(4, 3, 3, 4, 5, None)
    roles = column("自评", "peer", "互评", "manager", "上级", None)
    assert KPI_REVIEW(ratings, roles) == pytest.approx(80)
    assert KPI_REVIEW(ratings, roles, TBL_ROLE_WEIGHTS) == pytest.approx(80)
    assert KPI_REVIEW(ratings, roles, [["自评", 0], ["互评", 0], ["上级", 1]]) == pytest.approx(90)
    assert KPI_REVIEW(ratings, roles, [[0.2, 0.3, 0.5]]) == pytest.approx(20 * (0.8 + 0.9 + 2.25))


def test_review_without_ratings_is_blank_and_errors_are_text():
    assert KPI_REVIEW(column(None, None), column(None, None)) is None
    assert KPI_REVIEW(column(6), column("self")) == "#KPI! ratings must be between 1 and 5 (got 6) (row 1)"
    assert KPI_REVIEW(column(4), column("boss")).startswith("#KPI! roles must be one of self/自评")
    assert KPI_REVIEW(column(4, 5), column("self")).startswith("#KPI! ranges must have the same number")
    assert KPI_REVIEW(column(4), column("self"), [["self", 0.5], ["manager", 0.6]]) \
        == "#KPI! role_weights sum to 110%, expected 100%"


# --------------------------------------------------------------------------- grade

def test_grade_with_tblgrades_and_veto_forms():
    assert KPI_GRADE(95) == "A"
    assert KPI_GRADE(95, TBL_GRADES) == "A"
    assert KPI_GRADE(120, TBL_GRADES, True) == "D"
    assert KPI_GRADE(120, TBL_GRADES, 2) == "D"  # a count of vetoed indicators
    assert KPI_GRADE(120, TBL_GRADES, "是") == "D"
    assert KPI_GRADE(120, None, 0) == "S"
    assert KPI_GRADE(120, [[None, None]] * 2, False) == "S"  # an empty bands range: defaults
    out = KPI_GRADE(column(111, 94.9999999999, None, 50, "x"), TBL_GRADES, column(False, 0, None, "否", False))
    assert out == [["S"], ["A"], [None], ["D"], ["#KPI! score must be a number (got 'x')"]]
    assert KPI_GRADE(90, TBL_GRADES, "maybe").startswith("#KPI! veto must be one of yes/是, no/否")
    assert KPI_GRADE(90, [["S", 110, 1]]) == "#KPI! bands must be a range of 2 columns"


# --------------------------------------------------------------------------- forced grade

def test_forced_grade_spills_in_the_order_of_ids_and_skips_blank_rows():
    ids = ["AM03", "AM01", "AM02", "AM04", "AM05", "AM06", "AM07", "AM08", "AM09", "AM10"]
    finals = [90, 90, 90, 85, 80, 75, 70, 65, 60, 55]
    quants = [88, 88, 95, 80, 80, 75, 70, 65, 60, 55]
    out = KPI_FORCED_GRADE(column(*ids, None), column(*finals, None), column(*quants, None), TBL_QUOTAS)
    expected = kpi_forced_grades(ids, finals, quants)
    assert out == [[g] for g in expected] + [[None]]
    assert [r[0] for r in out[:3]] == ["A", "A", "S"]
    assert KPI_FORCED_GRADE(column("a", "b"), column(80, 70)) == [["A"], ["B"]]


def test_forced_grade_errors_are_one_text_for_the_group():
    assert KPI_FORCED_GRADE(column("a", "b"), column(80, None)) == "#KPI! finals must not be blank (row 2)"
    assert KPI_FORCED_GRADE(column("a", None), column(80, 70)) == "#KPI! ids must not be blank (row 2)"
    assert KPI_FORCED_GRADE(column("a", "b"), column(80, "#N/A")) == "#KPI! finals holds an error in cell 2: #N/A"
    assert KPI_FORCED_GRADE(column("a"), column(80), None, [["S", 0.5], ["A", 0.4]]) \
        == "#KPI! quotas sum to 90%, expected 100%"


# --------------------------------------------------------------------------- bonus

def test_bonus_per_grade_and_blank_grades():
    assert KPI_BONUS("S", 10000) == pytest.approx(15000)
    assert KPI_BONUS(column("A", None, "D"), 10000, TBL_BONUS) == [[12000.0], [None], [0.0]]
    assert KPI_BONUS(column("A", "E"), column(10000, 8000)) == \
        [[12000.0], ["#KPI! grade must be one of S, A, B, C, D (got 'E')"]]


def test_bonus_pool_scales_the_group():
    out = KPI_BONUS(column("S", "A", "B", None), 10000, TBL_BONUS, 74000)
    values = [row[0] for row in out]
    assert values[3] is None
    assert sum(values[:3]) == pytest.approx(74000)
    assert values[0] / values[2] == pytest.approx(1.5)
    assert KPI_BONUS(column("D", "D"), 10000, None, 5000).startswith("#KPI! pool cannot be shared")
    assert KPI_BONUS(column("A"), 100, None, [[1], [2]]) == "#KPI! pool must be a single cell (got 2×1 cells)"


# --------------------------------------------------------------------------- every function

@pytest.mark.parametrize("function", UDFS, ids=lambda f: f.__name__)
def test_every_function_turns_bad_input_into_text(function):
    """Garbage in each required argument gives a #KPI! text, never an exception or a number."""
    required = [p for p in inspect.signature(function).parameters.values() if p.default is inspect.Parameter.empty]
    for index in range(len(required)):
        args = [column(1) for _ in required]
        args[index] = column(object())
        result = function(*args)
        flat = [v for row in result for v in row] if isinstance(result, list) else [result]
        assert any(isinstance(v, str) and v.startswith("#KPI! ") for v in flat), (function.__name__, index, result)


@pytest.mark.parametrize("function", UDFS, ids=lambda f: f.__name__)
def test_docs_fit_the_function_wizard(function):
    assert function.__doc__ and len(function.__doc__) <= 255
    assert function.__name__.startswith("KPI_")


# --------------------------------------------------------------------------- conversion helpers

def test_grid_shapes():
    assert convert.grid(5).shape == (1, 1)
    assert convert.grid([1, 2, 3]).shape == (3, 1)  # a 1-D list is a column
    assert convert.grid(((1, 2), (3, 4))).shape == (2, 2)  # tuples of tuples, as COM hands them over
    with pytest.raises(Exception, match="same number of cells in every row"):
        convert.grid([[1, 2], [3]])


def test_cells_turn_nan_into_blank_and_numpy_into_python():
    assert convert.cells(np.array([np.nan, np.float64(2.5)]), (2, 1)) == [[None], [2.5]]
    assert type(convert.cells(np.array([np.float64(2.5)]), (1, 1))) is float


# --------------------------------------------------------------------------- fuzzing

cell_values = st.one_of(
    st.none(), st.just(""), st.booleans(), st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-10, 200), st.lists(st.integers(), max_size=1), st.sampled_from(["#N/A", "#DIV/0!", "higher", "越低越好", "band", "扣分制", "self",
                                            "上级", "S", "a", "D", "是", "n/a", "  "]),
    st.text(max_size=5),
)


@st.composite
def excel_arguments(draw):
    """What xlwings may hand a UDF: one cell, or a 2-D block of rows (sometimes 1-D from Python)."""
    kind = draw(st.sampled_from(["cell", "column", "block", "list"]))
    if kind == "cell":
        return draw(cell_values)
    rows = draw(st.integers(1, 4))
    cols = 1 if kind in ("column", "list") else draw(st.integers(1, 3))
    block = [[draw(cell_values) for _ in range(cols)] for _ in range(rows)]
    return [r[0] for r in block] if kind == "list" else block


def _all_values(value):
    """Every scalar inside nested lists."""
    if isinstance(value, (list, tuple)):
        return [v for item in value for v in _all_values(item)]
    return [value]


def _flat_results(result):
    if isinstance(result, list):
        assert all(isinstance(row, list) for row in result)
        return [v for row in result for v in row]
    return [result]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(UDFS), st.data())
def test_no_input_makes_a_function_raise(function, data):
    """Any cells in any argument give numbers, grades, blanks or #KPI! texts: never an exception."""
    count = len(inspect.signature(function).parameters)
    args = [data.draw(excel_arguments()) for _ in range(count)]
    texts_given = {v.strip() for v in _all_values(args) if isinstance(v, str)}
    for value in _flat_results(function(*args)):
        assert value is None or type(value) in (float, int, str), value
        if isinstance(value, float):
            assert np.isfinite(value)
        if isinstance(value, str):  # an error text, or a grade: default or from a bands argument
            assert value.startswith("#KPI! ") or value in {"S", "A", "B", "C", "D"} | texts_given, value


def test_score_band_with_a_single_number_param_is_an_error_not_the_default_bands():
    from udfs.excel_functions import KPI_SCORE

    assert KPI_SCORE(80, 100, None, None, "higher", "band", 5).startswith("#KPI! param must be the bands table")
    assert KPI_SCORE(80, 100, None, None, "higher", "分档", None) == 60.0
    # mixed methods: the number is the deduction rows' points, band rows take the default bands
    assert KPI_SCORE([[80], [3]], [[100], [0]], None, None, "higher", [["band"], ["deduction"]], 5) == [[60.0], [85.0]]
    # and a bands table where only deduction rows are scored would silently deduct 10 points
    assert KPI_SCORE(3, 0, None, None, "higher", "扣分制", [[100, 100], [90, 80]]).startswith(
        "#KPI! param for deduction scoring is the points per incident")
    assert KPI_SCORE(3, 0, None, None, "higher", "deduction", [[None, None]]) == 70.0  # blank range: default


def test_an_infinite_result_is_an_error_text_not_inf():
    from udfs.excel_functions import KPI_ACHIEVEMENT

    assert KPI_ACHIEVEMENT(1e308, 1e-308).startswith("#KPI! the result is too large")
    assert KPI_ACHIEVEMENT([[1e308], [1]], [[1e-308], [2]])[1] == [0.5]
