"""What a roster holds once read: its managers, its target columns and the columns it ignored."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from xlsxwriter.utility import xl_col_to_name

from addin.contract.identity import identity_key
from addin.contract.schema import normalise_header

# roster column key -> accepted header texts (compared normalised: trimmed, case-folded), as HR
# systems and hand-kept sheets head them
COLUMNS: dict[str, tuple[str, ...]] = {
    "manager_id": ("manager_id", "manager id", "id", "employee id", "employee_id", "staff id",
                   "客户经理编号", "编号", "工号", "员工编号", "员工工号"),
    "manager_name": ("name", "manager_name", "manager name", "employee name",
                     "姓名", "员工姓名", "客户经理姓名", "客户经理"),
    "team": ("team", "department", "dept", "group", "团队", "部门", "小组", "组别"),
    "region": ("region", "area", "区域", "大区", "地区"),
    "reviewer": ("reviewer", "supervisor", "line manager", "直属上级", "上级", "主管", "考核人", "评价人"),
    "period": ("period", "考核期间", "期间", "考核期"),
}
FIELDS = tuple(COLUMNS)


def column_letter(index: int) -> str:
    """Spreadsheet letter of a 0-based column (0 -> A)."""
    return xl_col_to_name(index)


@dataclass(frozen=True)
class TargetColumn:
    """A column holding each manager's target of one indicator."""

    index: int  # 0-based column
    header: str  # as written in the roster
    zh: str  # the indicator's labels
    en: str
    percent: bool  # measured in %: "95%" is read as 0.95
    method: str  # scoring method key of the indicator (its targets' range)
    position: int | None = None  # position in the chosen size's template; None when read without a size

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass(frozen=True)
class IgnoredColumn:
    """A headed column that sets nothing (reported, never dropped silently)."""

    index: int
    header: str
    reason: str  # "unknown": matches no field or indicator; "repeated": a second column for one field
    field: str = ""  # the field a repeated column repeats

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class RosterManager:
    """One manager of the roster."""

    row: int  # 1-based row in the file
    manager_id: str
    manager_name: str = ""
    team: str = ""
    region: str = ""
    reviewer: str = ""
    period: str = ""
    targets: dict[int, float] = field(default_factory=dict)  # by column index of the target column

    @property
    def key(self) -> str:
        """The id as ids are compared (:func:`addin.contract.identity.identity_key`)."""
        return manager_key(self.manager_id)

    def as_dict(self, columns: list[TargetColumn]) -> dict:
        """The row as :func:`addin.roster.reader.read_roster` returns it."""
        out = {"row": self.row, "manager_id": self.manager_id, "manager_name": self.manager_name,
               "team": self.team, "region": self.region, "reviewer": self.reviewer, "period": self.period}
        by_index = {c.index: c for c in columns}
        out["targets"] = {by_index[i].position: v for i, v in self.targets.items()
                          if by_index[i].position is not None}
        return out


def manager_key(manager_id) -> str:
    """A manager id as ids are compared everywhere (AM001, am001, ＡＭ００１ are one manager)."""
    return identity_key(manager_id)


@dataclass
class Roster:
    """A read roster: where it is, its header row, its managers and columns."""

    path: Path
    sheet: str  # the sheet read (xlsx) or "" (csv)
    header_row: int  # 1-based
    fields: dict[str, int]  # field key -> 0-based column
    managers: list[RosterManager]
    targets: list[TargetColumn]
    ignored: list[IgnoredColumn]

    def by_key(self) -> dict[str, RosterManager]:
        """The managers by :attr:`RosterManager.key` (used by the roster checks of validation)."""
        return {m.key: m for m in self.managers}

    def id_cell(self, manager: RosterManager) -> str:
        """A1 reference of the manager's id cell."""
        return f"{column_letter(self.fields['manager_id'])}{manager.row}"

    def header_cell(self, index: int) -> str:
        return f"{column_letter(index)}{self.header_row}"

    def target_of(self, manager: RosterManager, indicator: str) -> tuple[TargetColumn, float] | None:
        """(column, target) the roster sets for ``indicator`` (zh or en label, any case), or None
        (used by TARGET_CHANGED, :mod:`addin.validation.roster_checks`)."""
        wanted = normalise_header(indicator)
        for column in self.targets:
            if column.index in manager.targets and wanted in (normalise_header(column.zh), normalise_header(column.en)):
                return column, manager.targets[column.index]
        return None
