"""The texts of the engine's errors in Chinese and English, by kind.

A :class:`~udfs.errors.KpiInputError` carries a machine-readable ``kind`` and the values
of its message; the texts live here, beside the engine, because the Excel functions
(the bottom layer, also embedded in xlwings Lite) show them in cells. The application
renders the same table through ``addin.contract.messages`` (area ``engine``), so every
user text still has one catalog to look in.

Values with special meaning when a message is rendered:

- ``argument``, ``argument2``: the name of an argument (``target``), shown as the
  Excel parameter name in English and as the column label in Chinese (``目标值``);
  ``role``: a review role key (``self``), shown as the key or the label (``自评``);
- ``got``: the offending value, appended as `` (got 0)`` / ``（实际为 0）``; numbers are
  shown without trailing zeros, blanks and infinities in words, anything else as repr;
- ``row``: the 1-based row (or ``"2,3"`` in a block) of an array argument, appended as
  `` (row 3)`` / ``（第 3 行）``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping

import numpy as np

LANGS = ("zh", "en")

# kind -> (zh, en)
TEXTS: dict[str, tuple[str, str]] = {
    # reading arguments
    "not_rows": ("{argument}必须是一列值或等长的行", "{argument} must be a list of values or of equal-length rows"),
    "not_a_number": ("{argument}必须是数字", "{argument} must be a number"),
    "not_finite": ("{argument}必须是有限的数字", "{argument} must be a finite number"),
    "blank": ("{argument}不能为空", "{argument} must not be blank"),
    "negative": ("{argument}必须 >= 0", "{argument} must be >= 0"),
    "same_size": ("{argument}和{argument2}的大小必须相同（实际为 {size} 和 {size2}）",
                  "{argument} and {argument2} must have the same size (got {size} and {size2})"),
    "same_rows": ("{argument}和{argument2}的行数必须相同（实际为 {size} 和 {size2}）",
                  "{argument} and {argument2} must have the same number of rows (got {size} and {size2})"),
    "enum": ("{argument}必须是 {allowed} 之一", "{argument} must be one of {allowed}"),
    # one indicator (SCORING.md §1)
    "target_ratio": ("计算达成率时目标值必须 > 0", "target must be > 0 for an achievement ratio"),
    "target_linear": ("线性计分的目标值必须 > 0", "target must be > 0 for linear scoring"),
    "target_band": ("分档计分的目标值必须 > 0", "target must be > 0 for band scoring"),
    "target_binary": ("达标制计分的目标值必须 > 0", "target must be > 0 for binary scoring"),
    "target_deduction": ("扣分制的目标值（允许的次数）必须 >= 0",
                         "target (incidents allowed) must be >= 0 for deduction scoring"),
    "actual_deduction": ("扣分制的实际值（发生次数）必须 >= 0",
                         "actual (incident count) must be >= 0 for deduction scoring"),
    "points_negative": ("参数（每次扣分）必须 >= 0", "param (points per incident) must be >= 0"),
    "cap_below_100": ("封顶分必须 >= 100", "cap must be >= 100"),
    "threshold_side": ("门槛值必须低于目标值（越高越好）或高于目标值（越低越好）",
                       "threshold must be below the target for higher-is-better (above it for lower-is-better)"),
    "stretch_side": ("挑战值必须高于目标值（越高越好）或低于目标值（越低越好）",
                     "stretch must be above the target for higher-is-better (below it for lower-is-better)"),
    # score bands
    "bands_rows": ("分档表必须由（最低达成率 %，得分）行组成", "bands must be rows of (minimum achievement %, score)"),
    "bands_empty": ("分档表至少要有一行（最低达成率 %，得分）",
                    "bands must contain at least one row of (minimum achievement %, score)"),
    "bands_incomplete": ("分档表每一行都必须有最低达成率和得分", "bands must have a minimum and a score on every row"),
    "band_score_negative": ("分档得分必须 >= 0", "band scores must be >= 0"),
    "bands_minimum_twice": ("分档表两次列出最低达成率 {minimum}%，得分却不同",
                            "bands list the minimum {minimum}% twice with different scores"),
    "bands_falling": ("分档表不能让更高的最低达成率得到更低的分（{high}% → {high_score}，而 {low}% → {low_score}）",
                      "bands must not give a lower score for a higher minimum (got {high}% → {high_score} "
                      "but {low}% → {low_score})"),
    "param_deduction_bands": ("扣分制的参数是每次扣分（一个数字），不是分档表",
                              "param for deduction scoring is the points per incident (one number), not a bands table"),
    "param_band_number": ("分档计分的参数必须是分档表（两列：最低达成率 %，得分）",
                          "param must be the bands table (2 columns: minimum achievement %, score) for band scoring"),
    # weights
    "weights_mixed": ("{argument}合计为 100，但混用了百分点和小数（{small}）；请全部填小数（0.4）或全部填百分点（40）",
                      "{argument} sum to 100 but mix percent points and fractions (got {small}); "
                      "enter all as fractions (0.4) or all as percent points (40)"),
    "weights_sum": ("{argument}合计为 {total:.4g}%，应为 100%", "{argument} sum to {total:.4g}%, expected 100%"),
    # reviews (SCORING.md §3)
    "role_weights_rows": ("角色权重必须由（角色，权重）行组成", "role_weights must be rows of (role, weight)"),
    "role_twice": ("角色权重两次列出角色{role}", "role_weights list the role {role} twice"),
    "role_weights_three": ("角色权重必须给出自评、互评和上级三个权重（实际为 {count} 个数字）",
                           "role_weights must give self, peer and manager weights (3 numbers, got {count})"),
    "role_missing": ("每个评分都必须有角色", "roles must be given for every rating"),
    "rating_range": ("评分必须在 1 到 5 之间", "ratings must be between 1 and 5"),
    "role_weights_zero": ("已有评分的角色权重合计为 0（无法计算定性得分）",
                          "role_weights give the roles present a total weight of 0 (no qualitative score possible)"),
    # final score and grades (SCORING.md §4)
    "quant_weight_range": ("定量占比必须在 0 到 1 之间", "quant_weight must be between 0 and 1"),
    "grade_bands_rows": ("等级表必须由（等级，最低分）行组成", "bands must be rows of (grade, minimum score)"),
    "grade_missing": ("{argument}：最低分为 {minimum} 的行没有等级", "{argument}: the row with minimum {minimum} has no grade"),
    "grade_minimum": ("{argument}：等级 {grade} 的最低分必须是数字",
                      "{argument}: the minimum score of grade {grade} must be a number"),
    "grades_empty": ("{argument}至少要有一个等级", "{argument} must contain at least one grade"),
    "grade_not_text": ("{argument}：等级必须是文字，如 S 或 A", "{argument}: each grade must be a text such as S or A"),
    "veto_invalid": ("否决项必须是 TRUE/FALSE 或否决指标个数（>= 0）",
                     "veto must be TRUE/FALSE or a count of vetoed indicators >= 0"),
    "shares_rows": ("{argument}必须由（等级，比例）行组成", "{argument} must be rows of (grade, share)"),
    "share_without_grade": ("{argument}：每个比例都必须有等级", "{argument}: every share needs a grade"),
    "headcount": ("人数必须是 >= 0 的整数", "n must be a whole number of managers >= 0"),
    "id_blank": ("客户经理编号不能为空", "ids must not be blank"),
    "id_type": ("客户经理编号必须是文字或数字", "ids must be text or numbers"),
    "ranking_lengths": ("编号、综合得分和定量得分的个数必须相同（实际为 {ids}、{finals}、{quants}）",
                        "ids, finals and quants must have the same length (got {ids}, {finals}, {quants})"),
    "id_repeated": ("客户经理编号必须唯一（{id} 出现了 {count} 次）", "ids must be unique (got {id} {count} times)"),
    # bonus
    "coefficients_rows": ("奖金系数表必须由（等级，系数）行组成", "coefficients must be rows of (grade, coefficient)"),
    "coefficient_without_grade": ("奖金系数表：每个系数都必须有等级", "coefficients: every coefficient needs a grade"),
    "coefficient_invalid": ("奖金系数表：等级 {grade} 需要一个 >= 0 的数字",
                            "coefficients: grade {grade} needs a number >= 0"),
    "grade_unknown": ("等级必须是 {grades} 之一", "grade must be one of {grades}"),
    "pool_one_number": ("奖金总额必须是一个数字（实际为 {count} 个值）", "pool must be one number (got {count} values)"),
    "bonus_overflow": ("基础奖金太大，无法求和（奖金合计溢出）", "bases are too large to add up (the total bonus overflows)"),
    "pool_unshareable": ("奖金总额无法分配：缩放前每人奖金都是 0（所有等级的系数都是 0）",
                         "pool cannot be shared: every bonus before scaling is 0 (all grades have coefficient 0)"),
    # Excel ranges (udfs.excel_convert)
    "range_ragged": ("区域的每一行必须有相同个数的单元格", "a range must have the same number of cells in every row"),
    "range_mixed": ("区域必须是若干行或一列值，不能混用", "a range must be a list of rows or a list of values, not a mix"),
    "range_dimensions": ("区域必须是二维的", "a range must be 2-dimensional"),
    "cell_one_value": ("一个单元格只能有一个值", "a cell must hold one value"),
    "range_columns": ("{argument}必须是 {columns} 列的区域", "{argument} must be a range of {columns} columns"),
    "ranges_size": ("{argument}和{argument2}必须大小相同或是单个单元格（实际为 {size} 和 {size2}）",
                    "ranges must have the same size or be single cells (got {argument} {size}, {argument2} {size2})"),
    "ranges_count": ("{argument}和{argument2}的单元格个数必须相同（实际为 {size} 和 {size2}）",
                     "ranges must have the same number of cells (got {argument} {size}, {argument2} {size2})"),
    "error_cell": ("{argument}的第 {index} 个单元格是错误值：{value}", "{argument} holds an error in cell {index}: {value}"),
    "single_cell": ("{argument}必须是单个单元格（实际为 {rows}×{columns} 个单元格）",
                    "{argument} must be a single cell (got {rows}×{columns} cells)"),
    "result_too_large": ("结果太大，单元格放不下（请检查实际值和目标值）",
                         "the result is too large for a cell (check the actual and the target)"),
}

# argument -> (zh, en): the names messages show; en is the Excel parameter name
ARGUMENTS: dict[str, tuple[str, str]] = {
    "actual": ("实际值", "actual"),
    "target": ("目标值", "target"),
    "threshold": ("门槛值", "threshold"),
    "stretch": ("挑战值", "stretch"),
    "direction": ("方向", "direction"),
    "method": ("计分方式", "method"),
    "param": ("参数", "param"),
    "cap": ("封顶分", "cap"),
    "bands": ("分档表", "bands"),
    "grade_bands": ("等级表", "bands"),
    "scores": ("得分", "scores"),
    "weights": ("权重", "weights"),
    "role_weights": ("角色权重", "role_weights"),
    "role_weights.self": ("角色权重（自评）", "role_weights (self)"),
    "role_weights.peer": ("角色权重（互评）", "role_weights (peer)"),
    "role_weights.manager": ("角色权重（上级）", "role_weights (manager)"),
    "ratings": ("评分", "ratings"),
    "roles": ("角色", "roles"),
    "role": ("角色", "role"),
    "quant": ("定量得分", "quant"),
    "qual": ("定性得分", "qual"),
    "quant_weight": ("定量占比", "quant_weight"),
    "score": ("综合得分", "score"),
    "veto": ("否决项", "veto"),
    "quotas": ("强制分布比例", "quotas"),
    "coefficients": ("奖金系数", "coefficients"),
    "ids": ("客户经理编号", "ids"),
    "finals": ("综合得分", "finals"),
    "quants": ("定量得分", "quants"),
    "grade": ("等级", "grade"),
    "grades": ("等级", "grades"),
    "base": ("基础奖金", "base"),
    "bases": ("基础奖金", "bases"),
    "pool": ("奖金总额", "pool"),
    "dimension": ("维度", "dimension"),
    "tier": ("层级", "tier"),
    "size": ("团队规模", "size"),
    # review roles (values of ``role``)
    "self": ("自评", "self"),
    "peer": ("互评", "peer"),
    "manager": ("上级", "manager"),
}
NAMED = ("argument", "argument2", "role")  # values that are keys of ARGUMENTS

_SUFFIX = {"got": ("（实际为 {}）", " (got {})"), "row": ("（第 {} 行）", " (row {})")}
_WORDS = {"blank": ("空", "blank"), "infinity": ("无穷大", "infinity"), "-infinity": ("负无穷大", "-infinity")}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


def shown_value(value: object, lang: str = "en") -> str:
    """An offending value as a message shows it: ``0``, ``0.95``, ``blank``, ``'abc'``."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return _pick(_WORDS["blank"], lang)
        if math.isinf(value):
            return _pick(_WORDS["infinity" if value > 0 else "-infinity"], lang)
        return str(int(value)) if value.is_integer() else f"{value:.10g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return repr(value)


def render(kind: str, lang: str, values: Mapping[str, object]) -> str:
    """The message of an engine error of ``kind`` with ``values`` in ``lang``.

    Raises:
        KeyError: an unknown kind or argument, or a placeholder without a value.
    """
    fields = {}
    for name, value in values.items():
        if name in _SUFFIX:
            continue
        fields[name] = _pick(ARGUMENTS[str(value)], lang) if name in NAMED else value
    text = _pick(TEXTS[kind], lang).format(**fields)
    if "got" in values:
        text += _pick(_SUFFIX["got"], lang).format(shown_value(values["got"], lang))
    if values.get("row") is not None:
        text += _pick(_SUFFIX["row"], lang).format(values["row"])
    return text


def cell_lang(environ: Mapping[str, str] | None = None) -> str:
    """The language of the ``#KPI! …`` texts of the Excel functions: ``KPI_LANG`` (zh/en), else en.

    The functions cannot know the language of the workbook that calls them; English keeps
    the cell text short and matches the function's parameter names.
    """
    value = (os.environ if environ is None else environ).get("KPI_LANG", "").strip().lower()
    return value if value in LANGS else "en"
