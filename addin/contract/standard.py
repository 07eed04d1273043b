"""Indicator sets per team size and the default settings tables (FORMAT.md).

Everything here is data: the generator, the roster writer, the demo and the
tests take the default indicators and settings from these two functions.
Targets are left blank on purpose: HR sets them per manager and period (by hand, or
through the target columns of a `kpi new --roster` roster).
"""

from __future__ import annotations

import copy
from functools import cache

from addin.contract.schema import SIZES
from udfs.engine import (
    DEFAULT_BANDS,
    DEFAULT_BONUS_COEFFICIENTS,
    DEFAULT_CAP,
    DEFAULT_GRADE_BANDS,
    DEFAULT_QUANT_WEIGHT,
    DEFAULT_QUOTAS,
)
from udfs.enums import DIMENSION, DIRECTION, METHOD, ROLE, TIER, VETO

# Indicators measured in % keep fractions (0.95 = 95 %). A value this large for such an indicator
# (against a target this small, for an actual) was typed in percent points, 88 for 88 %: PERCENT_SCALE
# for an actual (the templates colour it red too), a refused roster target for a target.
PERCENT_UNITS = ("%", "％")
PERCENT_SCALE_ACTUAL, PERCENT_SCALE_TARGET = 2.0, 1.5

# One indicator: (id, dimension, tier, zh name, en name, zh unit, en unit, weight %, direction,
#                 method, veto, param, zh source, en source)
_I = {
    "sales": ("results", "individual", "销售额", "Sales revenue", "万元", "10k CNY", "higher", "linear",
              "no", None, "CRM", "CRM"),
    "new_customers": ("results", "individual", "新增客户数", "New customers", "户", "customers", "higher",
                      "linear", "no", None, "CRM", "CRM"),
    "renewal": ("results", "individual", "续约率", "Renewal rate", "%", "%", "higher", "band", "no", None,
                "合同系统", "Contract system"),
    "visits": ("process", "individual", "客户拜访次数", "Customer visits", "次", "visits", "higher", "linear",
               "no", None, "CRM", "CRM"),
    "followup": ("process", "individual", "跟进及时率", "Follow-up timeliness", "%", "%", "higher", "binary",
                 "no", None, "CRM", "CRM"),
    "crm": ("process", "individual", "CRM记录完整率", "CRM record completeness", "%", "%", "higher", "linear",
            "no", None, "CRM", "CRM"),
    "satisfaction": ("customer", "individual", "客户满意度", "Customer satisfaction", "分", "points", "higher",
                     "band", "no", None, "满意度调查", "Survey"),
    "complaint_time": ("customer", "individual", "投诉处理时长", "Complaint handling time", "小时", "hours",
                       "lower", "linear", "no", None, "投诉台账", "Complaint log"),
    "team_sales": ("results", "team", "团队销售达成", "Team sales", "万元", "10k CNY", "higher", "linear", "no",
                   None, "财务报表", "Finance report"),
    "company_profit": ("results", "company", "公司利润达成", "Company profit", "万元", "10k CNY", "higher",
                       "binary", "no", None, "财务报表", "Finance report"),
    "compliance": ("process", "individual", "合规违规次数", "Compliance incidents", "次", "incidents", "lower",
                   "deduction", "yes", 50, "合规台账", "Compliance log"),
}

# (indicator id, weight in %) per size; each list sums to 100.
_SETS = {
    "small": (("sales", 40), ("visits", 20), ("satisfaction", 20), ("followup", 10), ("complaint_time", 10)),
    "medium": (("sales", 25), ("new_customers", 15), ("renewal", 15), ("visits", 10), ("followup", 10),
               ("crm", 5), ("satisfaction", 10), ("complaint_time", 10)),
    "large": (("sales", 20), ("new_customers", 10), ("renewal", 10), ("team_sales", 10), ("company_profit", 5),
              ("visits", 10), ("followup", 5), ("crm", 5), ("satisfaction", 10), ("complaint_time", 5),
              ("compliance", 10)),
}

# Review roles per size and the competencies each role rates.
_ROLES = {"small": ("manager",), "medium": ("self", "manager"), "large": ("self", "peer", "manager")}
_COMPETENCIES = (
    ("客户关系维护", "Customer relationships"),
    ("专业能力", "Professional skills"),
    ("团队协作", "Teamwork"),
    ("合规与职业操守", "Compliance and integrity"),
)
_ROLE_WEIGHTS = {
    "small": {"self": 0.0, "peer": 0.0, "manager": 1.0},
    "medium": {"self": 0.2, "peer": 0.0, "manager": 0.8},
    "large": {"self": 0.1, "peer": 0.3, "manager": 0.6},
}


def _check_size(size: str) -> None:
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)} (got {size!r})")


@cache
def _rows(size: str, lang: str) -> tuple[dict, ...]:
    _check_size(size)
    zh = lang == "zh"
    rows = []
    for key, weight in _SETS[size]:
        dim, tier, name_zh, name_en, unit_zh, unit_en, direction, method, veto, param, src_zh, src_en = _I[key]
        rows.append({
            "dimension": DIMENSION.label(dim, lang),
            "tier": TIER.label(tier, lang),
            "indicator": name_zh if zh else name_en,
            "unit": unit_zh if zh else unit_en,
            "weight": weight / 100,
            "direction": DIRECTION.label(direction, lang),
            "method": METHOD.label(method, lang),
            "veto": VETO.label(veto, lang),
            "threshold": None,
            "target": None,
            "stretch": None,
            "adjusted_target": None,
            "adjust_reason": None,
            "actual": None,
            "param": param,
            "source": src_zh if zh else src_en,
            "comment": None,
        })
    return tuple(rows)


def default_rows(size: str, lang: str) -> list[dict]:
    """Default indicator rows of a team size, keyed by ``schema.KPI`` column keys.

    Args:
        size: "small", "medium" or "large".
        lang: "zh" or "en": enumeration values are the labels of that language.

    Returns:
        A new list of dicts (safe to modify); weights are fractions summing to 1,
        targets and actuals are None (HR and the managers fill them).
    """
    return copy.deepcopy(list(_rows(size, lang)))


@cache
def _reviews(size: str, lang: str) -> tuple[dict, ...]:
    _check_size(size)
    rows = []
    for role in _ROLES[size]:
        for zh, en in _COMPETENCIES:
            rows.append({"role": ROLE.label(role, lang), "reviewer": None,
                         "competency": zh if lang == "zh" else en, "rating": None, "comment": None})
    return tuple(rows)


def default_reviews(size: str, lang: str) -> list[dict]:
    """Default review rows (role × competency, ratings blank), keyed by ``schema.REVIEW`` keys."""
    return copy.deepcopy(list(_reviews(size, lang)))


def review_roles(size: str) -> tuple[str, ...]:
    """The review roles a template of ``size`` collects (manager only, self+manager, all three)."""
    _check_size(size)
    return _ROLES[size]


def default_settings(size: str) -> dict:
    """Default settings of a team size (the settings tables of FORMAT.md).

    Returns:
        dict with ``bands`` [(min achievement %, score)], ``grades`` [(grade, min score)],
        ``quotas`` [(grade, share)], ``bonus`` [(grade, coefficient)],
        ``role_weights`` [(role key, weight)], ``quant_weight`` (k) and ``cap``
        (highest indicator score).
    """
    _check_size(size)
    return {
        "bands": [tuple(b) for b in DEFAULT_BANDS],
        "grades": [tuple(g) for g in DEFAULT_GRADE_BANDS],
        "quotas": list(DEFAULT_QUOTAS.items()),
        "bonus": list(DEFAULT_BONUS_COEFFICIENTS.items()),
        "role_weights": list(_ROLE_WEIGHTS[size].items()),
        "quant_weight": DEFAULT_QUANT_WEIGHT,
        "cap": DEFAULT_CAP,
    }
