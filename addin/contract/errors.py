"""The exceptions that stop a job; everything short of that is a finding."""

from udfs.errors import KpiInputError


class KpiError(Exception):
    """Base class: a job of kpi-scorecard cannot go on; the message says why and where."""


class UsageError(KpiError):
    """The command was called with arguments that cannot work (exit code 2)."""


class RosterError(KpiError):
    """A roster for `kpi new --roster` is unreadable or has missing or duplicate ids."""


class OutputError(KpiError):
    """The output file or folder cannot be written."""


__all__ = ["KpiError", "UsageError", "RosterError", "OutputError", "KpiInputError"]
