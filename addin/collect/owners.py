"""Crediting export rows to roster managers: aliases, then manager ids, then names.

Owner values are compared folded (trimmed, NFKC, case-insensitive). A name that two
roster rows share is ambiguous: its rows are credited to nobody (AMBIGUOUS_OWNER). An
owner matching nothing is unmatched (UNMATCHED_OWNER). Each distinct owner value is
resolved once, then the result is spread over the rows with NumPy.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from addin.collect.folding import fold_values
from addin.collect.values import TextCodes
from addin.contract.errors import RosterError, UsageError
from addin.contract.messages import Message
from addin.roster.reader import read_roster

MATCHED, BLANK, NOT_IN_ROSTER, ALIAS_TARGET, AMBIGUOUS = "matched", "blank", "not_in_roster", "alias_target", "ambiguous"


@dataclass(frozen=True)
class Manager:
    """One roster manager."""

    manager_id: str
    name: str
    team: str
    region: str


@dataclass(frozen=True)
class Resolution:
    """What one owner value resolved to: a roster position, or why not."""

    status: str
    manager: int = -1             # position in the roster (matched only)
    alias_to: str = ""            # the alias target that is not in the roster
    candidates: tuple[int, ...] = ()  # roster positions sharing an ambiguous name


def load_managers(path) -> list[Manager]:
    """The managers of a roster (the format of `kpi new --roster`); UsageError when it cannot be used."""
    path = Path(path)
    if not path.is_file():
        raise UsageError("collect_roster", file=str(path), reason=Message("collect.not_found"))
    try:
        rows = read_roster(path)
    except RosterError as exc:
        raise UsageError("collect_roster", file=str(path), reason=exc) from None  # rendered in the error's language
    return [Manager(r["manager_id"], r.get("manager_name", "") or "", r.get("team", "") or "",
                    r.get("region", "") or "") for r in rows]


class OwnerIndex:
    """Resolves owner values to roster positions."""

    def __init__(self, managers: list[Manager], aliases: dict[str, str] | None = None) -> None:
        self.managers = managers
        self.ids = {fold: i for i, fold in enumerate(fold_values([m.manager_id for m in managers]))}
        self.names: dict[str, list[int]] = {}
        for i, fold in enumerate(fold_values([m.name for m in managers])):
            if fold:
                self.names.setdefault(fold, []).append(i)
        alias_keys = list((aliases or {}).keys())
        self.aliases = dict(zip(fold_values(alias_keys), [(aliases or {})[k] for k in alias_keys]))

    def resolve(self, folded: str) -> Resolution:
        """One folded owner value."""
        if not folded:
            return Resolution(BLANK)
        if folded in self.aliases:
            target = self.aliases[folded]
            position = self.ids.get(fold_values([target])[0])
            return Resolution(MATCHED, position) if position is not None else Resolution(ALIAS_TARGET, alias_to=target)
        if folded in self.ids:
            return Resolution(MATCHED, self.ids[folded])
        named = self.names.get(folded, [])
        if len(named) == 1:
            return Resolution(MATCHED, named[0])
        if named:
            return Resolution(AMBIGUOUS, candidates=tuple(named))
        return Resolution(NOT_IN_ROSTER)

    def credit(self, owners: TextCodes) -> tuple[np.ndarray, np.ndarray, list[Resolution]]:
        """(roster position per row or -1, code per row, resolution per code) of an owner column."""
        resolutions = [self.resolve(u) for u in owners.uniques]
        positions = np.array([r.manager for r in resolutions] or [-1], dtype=np.int64)
        return positions[owners.codes] if len(owners.codes) else np.zeros(0, dtype=np.int64), owners.codes, resolutions
