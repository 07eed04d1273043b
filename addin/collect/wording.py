"""A rule in words, as tblActuals' ``rule`` column and the scorecards' ``source`` cells show it."""

from __future__ import annotations

from addin.collect.rules import Rule
from addin.contract.messages import render


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e15 else repr(value)


def _values(values) -> str:
    items = values if isinstance(values, list) else [values]
    shown = []
    for v in items:
        if isinstance(v, bool):
            shown.append("true" if v else "false")
        elif isinstance(v, float):
            shown.append(_number(v))
        else:
            shown.append(str(v))
    return "{" + ", ".join(shown) + "}"


def filters_in_words(conditions: dict, lang: str) -> str:
    """``商机阶段 ∈ {成功, 赢单} and 类型 ∈ {新签}``."""
    joiner = render("collect.filter_and", lang)
    return joiner.join(f"{column} ∈ {_values(values)}" for column, values in conditions.items())


def measure_word(measure: str, lang: str) -> str:
    return render(f"collect.measure_{measure}", lang)


def rule_in_words(rule: Rule, period: str, lang: str) -> str:
    """``sum of 金额 where 商机阶段 ∈ {成功, 赢单}, 2026-07-01..2026-09-30`` (COLLECT.md)."""
    measure = measure_word(rule.measure, lang)
    if rule.measure == "count":
        text = render("collect.rule_count", lang)
    elif rule.measure == "ratio":
        numerator = filters_in_words(rule.numerator or {}, lang)
        key = "collect.rule_ratio_value" if rule.value else "collect.rule_ratio"
        text = render(key, lang, numerator=numerator, value=rule.value or "")
    elif rule.measure in ("duration_mean", "duration_median"):
        text = render("collect.rule_duration", lang, measure=measure, start=rule.start, end=rule.end,
                      unit=render(f"collect.unit_{rule.unit}", lang))
    else:
        text = render("collect.rule_value", lang, measure=measure, value=rule.value)
    if rule.where:
        text += render("collect.rule_where", lang, filters=filters_in_words(rule.where, lang))
    if rule.where_not:
        text += render("collect.rule_where_not", lang, filters=filters_in_words(rule.where_not, lang))
    if rule.map:
        pairs = ", ".join(f"{k} = {_number(v)}" for k, v in rule.map.items())
        text += render("collect.rule_map", lang, pairs=pairs)
    if rule.scale is not None:
        text += render("collect.rule_scale", lang, scale=_number(rule.scale))
    if rule.scope != "individual":
        text += render(f"collect.rule_scope_{rule.scope}", lang)
    return text + render("collect.rule_period", lang, period=period)
