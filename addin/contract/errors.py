"""The exceptions that stop a job; everything short of that is a finding.

An error carries a message key of :mod:`addin.contract.messages` (area ``errors``)
and the values of its placeholders, so the command line and the add-in can show it
in the user's language: ``UsageError("output.is_folder", path="out", example="out/team.xlsx")``. ``str()``
gives the English text (logs, tests).
"""

from __future__ import annotations

from addin.contract.messages import CATALOG, render
from udfs.errors import KpiInputError


class KpiError(Exception):
    """Base class: a job of kpi-scorecard cannot go on; the message says why and where."""

    def __init__(self, key: str, /, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def render(self, lang: str) -> str:
        """The message in ``lang`` (``zh`` or ``en``)."""
        full = self.key if self.key in CATALOG else f"errors.{self.key}"  # "area.key" or an error key
        return render(full, lang, **self.values)  # KeyError for an unknown key: a bug, never shown as is

    def __str__(self) -> str:
        return self.render("en")


class UsageError(KpiError):
    """The command was called with arguments that cannot work (exit code 2)."""


class RosterError(KpiError):
    """A roster is unreadable or has missing or duplicate ids."""


class OutputError(KpiError):
    """The output file or folder cannot be written."""


__all__ = ["KpiError", "UsageError", "RosterError", "OutputError", "KpiInputError"]
