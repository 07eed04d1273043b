"""The one exception the scoring engine raises."""


class KpiInputError(ValueError):
    """An argument of a KPI function is invalid; the message names the argument and the problem."""
