"""The one exception the scoring engine raises."""

from __future__ import annotations

from .messages import render


class KpiInputError(ValueError):
    """An argument of a KPI function is invalid.

    It carries a machine-readable ``kind`` (a key of :data:`udfs.messages.TEXTS`) and the
    values of its message, so callers can react to the kind and show the message in the
    user's language: ``KpiInputError("not_a_number", argument="target", got="abc")``.
    ``str()`` is the English message.
    """

    def __init__(self, kind: str, /, **values: object) -> None:
        super().__init__(kind)
        self.kind = kind
        self.values = values

    def render(self, lang: str = "en") -> str:
        """The message in ``lang`` (``zh`` or ``en``)."""
        return render(self.kind, lang, self.values)

    def __str__(self) -> str:
        return self.render("en")

    def __reduce__(self):  # pickled whole (worker processes): kind and values, not only the kind
        return _restore, (self.kind, self.values)


def _restore(kind: str, values: dict) -> KpiInputError:
    return KpiInputError(kind, **values)
