"""Property tests of the scoring maths (hypothesis): bounds, monotonicity, symmetry,
vectorised == scalar, weight forms, review redistribution, forced headcounts, bonus pool."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from udfs import (
    DEFAULT_ROLE_WEIGHTS,
    forced_headcounts,
    kpi_achievement,
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

settings.register_profile("kpi", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("kpi")

positive = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)
actuals = st.floats(min_value=-1e6, max_value=1e7, allow_nan=False, allow_infinity=False)
caps = st.floats(min_value=100, max_value=300)
directions = st.sampled_from(["higher", "lower", "越高越好", "越低越好"])
ratio_methods = st.sampled_from(["linear", "band", "binary"])
methods = st.sampled_from(["linear", "band", "binary", "deduction", "线性", "分档", "达标制", "扣分制"])
bands_tables = st.lists(st.tuples(st.floats(0, 200), st.floats(0, 200)), min_size=1, max_size=6,
                        unique_by=lambda row: row[0]).map(
    # a valid bands table: the higher the minimum, the higher (or equal) the score
    lambda rows: list(zip(sorted(m for m, _ in rows), sorted(s for _, s in rows))))


@st.composite
def indicators(draw, method=None):
    """A consistent indicator: target, optional threshold/stretch on the right sides of it."""
    direction = draw(directions)
    method = method or draw(methods)
    lower = direction in ("lower", "越低越好")
    target = draw(positive)
    threshold = stretch = None
    if draw(st.booleans()):
        share = draw(st.floats(0.05, 0.95))
        threshold = target * (2 - share) if lower else target * share
    if draw(st.booleans()):
        share = draw(st.floats(1.05, 1.95))
        stretch = target * (2 - share) if lower else target * share
    param = draw(st.floats(0, 50)) if method in ("deduction", "扣分制") else None
    if method in ("band", "分档") and draw(st.booleans()):
        param = draw(bands_tables)
    return dict(target=target, threshold=threshold, stretch=stretch, direction=direction,
                method=method, param=param, cap=draw(caps))


@given(indicators(), actuals)
def test_score_is_within_zero_and_cap(indicator, actual):
    if indicator["method"] in ("deduction", "扣分制"):
        actual = abs(actual)
    score = kpi_score(actual, **indicator)
    assert 0.0 <= score <= indicator["cap"] + 1e-9


@given(indicators(), actuals, actuals)
def test_monotone_in_actual(indicator, a1, a2):
    """Higher: more is never worse; lower: more is never better; deduction: more incidents never better."""
    lo, hi = sorted((a1, a2))
    if indicator["method"] in ("deduction", "扣分制"):
        lo, hi = sorted((abs(a1), abs(a2)))
        assert kpi_score(hi, **indicator) <= kpi_score(lo, **indicator) + 1e-9
    elif indicator["direction"] in ("higher", "越高越好"):
        assert kpi_score(lo, **indicator) <= kpi_score(hi, **indicator) + 1e-9
    else:
        assert kpi_score(lo, **indicator) >= kpi_score(hi, **indicator) - 1e-9


@given(positive, st.floats(-2, 4), ratio_methods, caps, st.booleans(), st.booleans())
def test_higher_and_lower_are_symmetric(target, r, method, cap, with_threshold, with_stretch):
    """An actual r·T on higher scores like the mirrored actual (2 − r)·T on lower,
    with the threshold and stretch mirrored likewise."""
    threshold = 0.6 * target if with_threshold else None
    stretch = 1.3 * target if with_stretch else None
    higher = kpi_score(r * target, target, threshold, stretch, "higher", method, cap=cap)
    lower = kpi_score((2 - r) * target, target,
                      None if threshold is None else 2 * target - threshold,
                      None if stretch is None else 2 * target - stretch, "lower", method, cap=cap)
    # on an exact boundary a rounding error of 1 ulp may fall on either side: skip those
    assume(all(abs(r - edge) > 1e-9 for edge in (0.6, 0.8, 0.9, 1.0)))
    assert higher == pytest.approx(lower, abs=1e-6)


@given(st.lists(st.tuples(indicators(), actuals), min_size=1, max_size=25), st.one_of(st.none(), bands_tables))
def test_vectorised_equals_scalar(rows, bands):
    """One call over many mixed rows gives the same numbers as one call per row."""
    actual = [abs(a) if ind["method"] in ("deduction", "扣分制") else a for ind, a in rows]
    points = [ind["param"] if isinstance(ind["param"], float) else None for ind, _ in rows]
    columns = {key: [ind[key] for ind, _ in rows] for key in ("target", "threshold", "stretch", "cap")}
    vector = kpi_score(actual, columns["target"], columns["threshold"], columns["stretch"],
                       np.array([ind["direction"] for ind, _ in rows]),
                       [ind["method"] for ind, _ in rows], points if bands is None else bands, columns["cap"])
    for i, (ind, _) in enumerate(rows):
        param = (points[i] if ind["method"] in ("deduction", "扣分制") else None) if bands is None \
            else (bands if ind["method"] in ("band", "分档") else None)
        single = kpi_score(actual[i], ind["target"], ind["threshold"], ind["stretch"], ind["direction"],
                           ind["method"], param, ind["cap"])
        assert vector[i] == pytest.approx(single, abs=1e-9)


@given(st.lists(st.tuples(st.floats(0, 200), st.integers(1, 50)), min_size=1, max_size=12))
def test_weights_as_fractions_or_percent_points_agree(rows):
    scores = [s for s, _ in rows]
    raw = np.array([w for _, w in rows], dtype=float)
    percent = raw / raw.sum() * 100
    assume((percent >= 1).all())
    fractions = percent / 100
    assert kpi_weighted(scores, percent) == pytest.approx(kpi_weighted(scores, fractions), rel=1e-9, abs=1e-9)
    assert min(scores) - 1e-9 <= kpi_weighted(scores, fractions) <= max(scores) + 1e-9
    np.testing.assert_allclose(normalise_weights(percent), fractions)


@given(st.lists(st.floats(0.01, 0.99), min_size=2, max_size=8), st.floats(0.005, 0.3))
def test_weights_off_by_more_than_the_tolerance_are_rejected(shares, gap):
    weights = np.array(shares) / sum(shares) * (1 - gap)
    with pytest.raises(ValueError, match=r"^weights sum to [\d.]+%, expected 100%"):
        kpi_weighted([100] * len(shares), weights)


roles_st = st.sampled_from(["self", "peer", "manager"])


@given(st.lists(st.tuples(st.floats(1, 5), roles_st), min_size=1, max_size=15))
def test_review_redistribution(reviews):
    """Qual = 20 Σ w'·mean with absent roles' weights shared in proportion; within 20..100."""
    ratings = [r for r, _ in reviews]
    roles = [role for _, role in reviews]
    present = sorted(set(roles))
    total_weight = sum(DEFAULT_ROLE_WEIGHTS[role] for role in present)
    expected = 20 * sum(DEFAULT_ROLE_WEIGHTS[role] / total_weight
                        * np.mean([r for r, x in reviews if x == role]) for role in present)
    qual = kpi_review(ratings, roles)
    assert qual == pytest.approx(expected)
    assert 20 - 1e-9 <= qual <= 100 + 1e-9
    # a single present role: its mean decides alone, whatever the weights
    if len(present) == 1:
        assert qual == pytest.approx(20 * np.mean(ratings))


@given(st.integers(0, 400), st.lists(st.integers(0, 100), min_size=1, max_size=6))
def test_forced_headcounts_sum_to_n(n, raw):
    assume(sum(raw) > 0)
    quotas = {grade: share for grade, share in zip("SABCDE", np.array(raw) / sum(raw))}
    counts = forced_headcounts(n, quotas)
    assert sum(c for _, c in counts) == n
    for (_grade, count), share in zip(counts, quotas.values()):
        assert abs(count - share * n) < 1 + 1e-9  # largest remainder never moves more than one


@given(st.lists(st.tuples(st.floats(0, 130), st.floats(0, 130)), min_size=1, max_size=40))
def test_forced_grades_follow_the_ranking(rows):
    ids = [f"AM{i:03d}" for i in range(len(rows))]
    finals, quants = [f for f, _ in rows], [q for _, q in rows]
    grades = kpi_forced_grades(ids, finals, quants)
    rank = {g: i for i, g in enumerate("SABCD")}
    counts = dict(forced_headcounts(len(rows)))
    assert {g: list(grades).count(g) for g in "SABCD"} == counts
    for i in range(len(rows)):
        for j in range(len(rows)):
            if finals[i] > finals[j] + 1e-6:
                assert rank[grades[i]] <= rank[grades[j]]


@given(st.lists(st.tuples(st.sampled_from("SABCD"), st.floats(0, 1e5)), min_size=1, max_size=30),
       st.floats(0, 1e7))
def test_bonus_pool_sums_to_the_pool(rows, pool):
    grades, bases = [g for g, _ in rows], [b for _, b in rows]
    raw = sum({"S": 1.5, "A": 1.2, "B": 1.0, "C": 0.5, "D": 0.0}[g] * b for g, b in rows)
    if raw <= 0 and pool > 0:
        with pytest.raises(ValueError, match="pool cannot be shared"):
            kpi_bonus_pool(grades, bases, pool)
        return
    bonuses = kpi_bonus_pool(grades, bases, pool)
    assert bonuses.sum() == pytest.approx(pool, rel=1e-9, abs=1e-6)
    assert (bonuses >= 0).all()


@given(st.lists(st.tuples(indicators(), actuals), min_size=1, max_size=20))
def test_score_rows_never_raises_for_row_problems_and_agrees_with_kpi_score(rows):
    """Invalid rows (here: target flipped to 0) are reported, valid ones scored as usual."""
    actual = [abs(a) for _, a in rows]
    target = [0.0 if i % 3 == 2 else ind["target"] for i, (ind, _) in enumerate(rows)]
    methods = [ind["method"] for ind, _ in rows]
    scores, _, errors = score_rows(actual, target, method=methods)
    bad = {i for i, _, _ in errors}
    for i, m in enumerate(methods):
        if target[i] == 0 and m not in ("deduction", "扣分制"):
            assert i in bad and np.isnan(scores[i])
        else:
            assert i not in bad
            assert scores[i] == pytest.approx(kpi_score(actual[i], target[i], method=m))


@given(st.lists(st.tuples(st.floats(0, 150), st.one_of(st.none(), st.floats(20, 100)), st.floats(0, 1),
                          st.one_of(st.none(), st.booleans(), st.integers(0, 3)), directions, positive),
                min_size=1, max_size=20))
def test_other_elementwise_functions_vectorised_equal_scalar(rows):
    quant, qual, k, veto, direction, target = (list(c) for c in zip(*rows))
    finals = kpi_final(quant, [np.nan if v is None else v for v in qual], k)
    grades = kpi_grade(finals, None, [False if v is None else v for v in veto])
    ratios = kpi_achievement(quant, target, np.array(direction))
    for i in range(len(rows)):
        assert finals[i] == pytest.approx(kpi_final(quant[i], qual[i], k[i]))
        assert grades[i] == kpi_grade(finals[i], None, veto[i])
        assert ratios[i] == pytest.approx(kpi_achievement(quant[i], target[i], direction[i]))
        if qual[i] is not None:
            assert min(quant[i], qual[i]) - 1e-9 <= finals[i] <= max(quant[i], qual[i]) + 1e-9
