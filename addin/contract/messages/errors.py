"""Texts of the errors that stop a job (:mod:`addin.contract.errors`), by error key."""

TEXTS: dict[str, tuple[str, str]] = {
}
