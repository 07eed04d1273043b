"""KPI_* Excel functions (xlwings UDFs): thin wrappers over the scoring engine.

This module is the xlwings "UDF Modules" entry (classic add-in and xlwings Lite).
Each function converts the cells, calls the engine and turns an invalid input into
a ``#KPI! ...`` text in the cell instead of a traceback. A single cell in gives a
value out; a range in gives a spilled range of the same shape out. Every argument
is read as a 2-D range (``ndim=2``) with Excel errors as text (``err_to_str``), so
that a column stays a column and an #N/A never counts as a blank.
"""

from __future__ import annotations

from xlwings import arg, func

from . import engine
from . import excel_convert as convert
from .errors import KpiInputError

CATEGORY = "KPI"
RANGE = {"ndim": 2, "err_to_str": True}


def _score_cells(actual, target, threshold, stretch, direction, method, param, cap):
    """score_rows with each invalid row's message as a #KPI! text in that row."""
    scores, _, errors = engine.score_rows(actual, target, threshold, stretch, direction, method, param, cap)
    out = scores.astype(object)
    flat = out.reshape(-1)
    for index, _, error in errors:
        flat[index] = convert.error_text(error)
    return out


@func(category=CATEGORY)
@arg("actual", doc="Actual result (实际值): a cell or a column. For deduction (扣分制) the number of incidents. A blank actual scores 0.", **RANGE)
@arg("target", doc="Target (目标值), or the adjusted target when there is one. Must be > 0 for linear, band and binary; >= 0 (incidents allowed) for deduction.", **RANGE)
@arg("threshold", doc="Optional threshold (门槛值): an actual that misses it scores 0 (linear, band). Below the target for higher-is-better, above it for lower-is-better.", **RANGE)
@arg("stretch", doc="Optional stretch goal (挑战值): reaching it scores the cap (linear). Above the target for higher-is-better, below it for lower-is-better.", **RANGE)
@arg("direction", doc='"higher" (越高越好, default) or "lower" (越低越好), e.g. sales vs. complaint handling time.', **RANGE)
@arg("method", doc='"linear" (线性, default), "band" (分档), "binary" (达标制) or "deduction" (扣分制).', **RANGE)
@arg("param", doc="For band: the bands table, 2 columns (minimum achievement %, score), e.g. tblBands. For deduction: points deducted per incident beyond the target (default 10).", **RANGE)
@arg("cap", doc="Highest possible score (default 120, at least 100).", **RANGE)
def KPI_SCORE(actual, target, threshold=None, stretch=None, direction="higher", method="linear", param=None,
              cap=120):
    """Score of a KPI indicator (0 up to the cap, default 120) from its actual and target, by the linear, band (分档), binary (达标制) or deduction (扣分制) method. Select columns to get a column of scores."""
    try:
        rows = {"actual": actual, "target": target, "threshold": threshold, "stretch": stretch,
                "direction": direction, "method": method, "cap": cap}
        fixed = {}
        param_cells = convert.grid(param)
        convert.reject_param_of_the_wrong_kind(param_cells, method)
        if param_cells.shape[1] == 2:  # a bands table such as tblBands
            fixed["param"] = convert.table_rows(param)
        else:  # points per incident: one cell, or one per row
            rows["param"] = param
        return convert.elementwise(_score_cells, rows, fixed)
    except KpiInputError as error:
        return convert.error_text(error)


@func(category=CATEGORY)
@arg("actual", doc="Actual result (实际值): a cell or a column. A blank actual gives a blank.", **RANGE)
@arg("target", doc="Target (目标值), > 0.", **RANGE)
@arg("direction", doc='"higher" (越高越好, default): actual / target. "lower" (越低越好): 2 - actual / target, so 10% over target gives 90%.', **RANGE)
def KPI_ACHIEVEMENT(actual, target, direction="higher"):
    """Achievement rate of an indicator: actual / target for higher-is-better, 2 - actual / target for lower-is-better (1 = 100%). Format the cell as %."""
    try:
        return convert.elementwise(engine.kpi_achievement,
                                   {"actual": actual, "target": target, "direction": direction})
    except KpiInputError as error:
        return convert.error_text(error)


@func(category=CATEGORY)
@arg("scores", doc="The indicator scores (得分), e.g. the Score column of tblKPI. Blank scores count as 0.", **RANGE)
@arg("weights", doc="The weights (权重), same size as scores: fractions summing to 100% (0.4, 0.2, ...) or percent points summing to 100 (40, 20, ...).", **RANGE)
def KPI_WEIGHTED(scores, weights):
    """Quantitative score: the sum of weight x score over the indicators. The weights must add up to 100%. A block of several rows and columns gives one total per row."""
    try:
        s, w = convert.grid(scores), convert.grid(weights)
        convert.reject_error_cells(s.ravel(), "scores")
        convert.reject_error_cells(w.ravel(), "weights")
        if s.shape[0] > 1 and s.shape[1] > 1:  # managers x indicators: one total per row
            w = w.ravel() if 1 in w.shape and w.size == s.shape[1] else w
            return convert.cells(engine.kpi_weighted(s, w), (s.shape[0], 1))
        s, w = s.ravel(), w.ravel()
        convert.same_length({"scores": s, "weights": w})
        return convert.cell(engine.kpi_weighted(s, w))
    except KpiInputError as error:
        return convert.error_text(error)


@func(category=CATEGORY)
@arg("ratings", doc="The review ratings 1-5 (评分), e.g. the Rating column of tblReview. Decimals allowed, blanks ignored.", **RANGE)
@arg("roles", doc="The role of each rating, same size as ratings: self (自评), peer (互评) or manager (上级).", **RANGE)
@arg("role_weights", doc="Optional role weights: 2 columns (role, weight) like tblRoleWeights. Default self 10%, peer 30%, manager 60%; missing roles' weights are shared out.", **RANGE)
def KPI_REVIEW(ratings, roles, role_weights=None):
    """Qualitative score 0-100 from 1-5 review ratings: the mean rating of each role, weighted by role, times 20. Blank when there are no ratings."""
    try:
        r, roles_flat = convert.flat(ratings), convert.flat(roles)
        convert.same_length({"ratings": r, "roles": roles_flat})
        convert.reject_error_cells(r, "ratings")
        if role_weights is not None and convert.grid(role_weights).shape[1] == 2:
            weights = convert.table_rows(role_weights, argument="role_weights")
        elif role_weights is not None and not all(convert.is_blank(v) for v in convert.flat(role_weights)):
            weights = list(convert.flat(role_weights))
        else:
            weights = None
        return convert.cell(engine.kpi_review(r, roles_flat, weights))
    except KpiInputError as error:
        return convert.error_text(error)


@func(category=CATEGORY)
@arg("quant", doc="Quantitative score (定量得分), e.g. from KPI_WEIGHTED.", **RANGE)
@arg("qual", doc="Qualitative score (定性得分), e.g. from KPI_REVIEW. Blank when there are no reviews: the final score is then the quantitative score.", **RANGE)
@arg("quant_weight", doc="Share of the quantitative score, between 0 and 1 (default 0.8, i.e. 80%).", **RANGE)
def KPI_FINAL(quant, qual, quant_weight=0.8):
    """Final score: quant_weight x quantitative + (1 - quant_weight) x qualitative score. Without a qualitative score, the quantitative score."""
    try:
        return convert.elementwise(engine.kpi_final, {"quant": quant, "qual": qual, "quant_weight": quant_weight})
    except KpiInputError as error:
        return convert.error_text(error)


@func(category=CATEGORY)
@arg("score", doc="Final score(s) (综合得分), unrounded. A blank score gives a blank.", **RANGE)
@arg("bands", doc="Optional grade bands: 2 columns (grade, minimum score) like tblGrades. Default S >= 110, A >= 95, B >= 80, C >= 60, else D.", **RANGE)
@arg("veto", doc="Optional veto (单项否决): TRUE, yes/是, or a count > 0 of veto indicators that scored 0 gives the lowest grade (D) whatever the score. FALSE, no/否, 0 or blank: no veto.", **RANGE)
def KPI_GRADE(score, bands=None, veto=False):
    """Grade (等级) of a final score from the grade bands: by default S >= 110, A >= 95, B >= 80, C >= 60, else D. A veto gives the lowest grade."""
    try:
        return convert.elementwise(engine.kpi_grade, {"score": score, "veto": veto},
                                   fixed={"bands": convert.table_rows(bands, argument="grade_bands")})
    except KpiInputError as error:
        return convert.error_text(error)


@func(category=CATEGORY)
@arg("ids", doc="Manager ids (工号) of the group, e.g. a column of tblManagers. Equal scores are ordered by id. Rows with no id and no score are skipped.", **RANGE)
@arg("finals", doc="Final scores of the same managers, same size as ids.", **RANGE)
@arg("quants", doc="Optional quantitative scores of the same managers: they decide between equal final scores.", **RANGE)
@arg("quotas", doc="Optional quotas: 2 columns (grade, share) like tblQuotas, best grade first. Default S 10%, A 20%, B 50%, C 15%, D 5%.", **RANGE)
def KPI_FORCED_GRADE(ids, finals, quants=None, quotas=None):
    """Forced-distribution grade (强制分布) of each manager of a group: managers ranked by final score get the grades in the quota proportions (S 10%, A 20%, B 50%, C 15%, D 5%)."""
    try:
        shape, keep, rows = convert.group_rows({"ids": ids, "finals": finals, "quants": quants},
                                               present=("ids", "finals"))
        grades = engine.kpi_forced_grades(rows["ids"], rows["finals"], rows["quants"], convert.table_rows(quotas, argument="quotas"))
        return convert.spread(grades, keep, shape)
    except KpiInputError as error:
        return convert.error_text(error)


@func(category=CATEGORY)
@arg("grade", doc="Grade(s) S, A, B, C or D, e.g. from KPI_GRADE or KPI_FORCED_GRADE. A blank grade gives a blank.", **RANGE)
@arg("base", doc="Base bonus amount (奖金基数), one for everyone or one per manager.", **RANGE)
@arg("coefficients", doc="Optional bonus coefficients: 2 columns (grade, coefficient) like tblBonus. Default S 1.5, A 1.2, B 1.0, C 0.5, D 0.", **RANGE)
@arg("pool", doc="Optional bonus pool (奖金池): the bonuses of all the managers given are scaled by one factor so they add up to the pool.", **RANGE)
def KPI_BONUS(grade, base, coefficients=None, pool=None):
    """Bonus (奖金) = base x coefficient of the grade (S 1.5, A 1.2, B 1.0, C 0.5, D 0). With a pool, all bonuses are scaled by one factor so they add up to the pool."""
    try:
        table = convert.table_rows(coefficients, argument="coefficients")
        pool_value = convert.single(pool, "pool")
        if pool_value is None:
            return convert.elementwise(engine.kpi_bonus, {"grade": grade, "base": base},
                                       fixed={"coefficients": table}, blank_when="grade")
        shape, keep, rows = convert.group_rows({"grade": grade, "base": base}, present=("grade",))
        return convert.spread(engine.kpi_bonus_pool(rows["grade"], rows["base"], pool_value, table), keep, shape)
    except KpiInputError as error:
        return convert.error_text(error)


UDFS = (KPI_SCORE, KPI_ACHIEVEMENT, KPI_WEIGHTED, KPI_REVIEW, KPI_FINAL, KPI_GRADE, KPI_FORCED_GRADE, KPI_BONUS)
