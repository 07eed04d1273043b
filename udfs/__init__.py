"""kpi-scorecard scoring engine (pure Python + numpy) and its Excel functions.

Import the engine from here; the xlwings wrappers live in ``udfs.excel_functions``.
"""

from .engine import (
    DEFAULT_BANDS,
    DEFAULT_BONUS_COEFFICIENTS,
    DEFAULT_CAP,
    DEFAULT_GRADE_BANDS,
    DEFAULT_QUANT_WEIGHT,
    DEFAULT_QUOTAS,
    DEFAULT_ROLE_WEIGHTS,
    TOLERANCE,
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
from .errors import KpiInputError

__all__ = [
    "DEFAULT_BANDS", "DEFAULT_BONUS_COEFFICIENTS", "DEFAULT_CAP", "DEFAULT_GRADE_BANDS",
    "DEFAULT_QUANT_WEIGHT", "DEFAULT_QUOTAS", "DEFAULT_ROLE_WEIGHTS", "TOLERANCE",
    "KpiInputError", "forced_headcounts", "forced_order", "grade_bands", "kpi_achievement",
    "kpi_bonus", "kpi_bonus_coefficient", "kpi_bonus_pool", "kpi_final", "kpi_forced_grades",
    "kpi_grade", "kpi_review", "kpi_score", "kpi_weighted", "normalise_weights", "score_rows",
]
