"""Texts of the checks of one scorecard that are not finding templates themselves: the
``problem`` of INVALID_VALUE, the ``baseline`` of SETTINGS_CHANGED, and the like."""

TEXTS: dict[str, tuple[str, str]] = {
    "not_finite": ("应为有限的数字（实际为 {value}）", "must be a finite number (got {value})"),
    "negative": ("不能为负数（实际为 {value}）", "must not be negative (got {value})"),
    "between_0_1": ("应在 0 与 1 之间", "must be between 0 and 1"),
    "cap_below_100": ("应不小于 100（实际为 {value}）", "must be at least 100 (got {value})"),
    "grade_order": ("等级 {grade} 的最低分 {minimum}（{cell}）不高于等级 {lower} 的最低分 {lower_minimum}（{lower_cell}）；"
                    "最低分应从 S 到 D 依次降低",
                    "the minimum of grade {grade}, {minimum} ({cell}), is not above the minimum of grade {lower}, "
                    "{lower_minimum} ({lower_cell}); the minimums must fall from S to D"),
    "bad_table_range": ("表格区域 {ref!r} 无效，无法读取该设置表", "the table range {ref!r} is invalid; the table cannot be read"),
    "not_negative": ("不能为负数", "must be >= 0"),
    "rating_range": ("评分应在 1–5 之间（实际为 {value}）", "rating must be between 1 and 5 (got {value})"),
    "indicator_rows": ("指标行", "indicator rows"),
    "unknown_value": ("未知取值 {value!r}，应为 {allowed}", "unknown value {value!r}, expected {allowed}"),
    "group_all": ("全部客户经理", "all managers"),
    "group_company": ("公司", "the company"),
    "group_team": ("团队 {name}", "team {name}"),
    "tier_team": ("团队", "team"),
    "tier_company": ("公司", "company"),
    "baseline_master": ("主模板", "the master template"),
    "baseline_defaults": ("标准模板的默认设置", "the standard template's defaults"),
    # the settings tables and values as findings name them
    "setting.bands": ("分档计分表", "score bands"),
    "setting.grades": ("等级标准", "grade bands"),
    "setting.quotas": ("强制分布比例", "forced-distribution quotas"),
    "setting.bonus": ("奖金系数", "bonus coefficients"),
    "setting.role_weights": ("评价角色权重", "review role weights"),
    "setting.quant_weight": ("定量占比", "quantitative share"),
    "setting.weights": ("指标权重", "indicator weights"),
}
