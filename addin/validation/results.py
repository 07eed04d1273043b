"""What validation produces: recomputed indicator, review and manager results, one
:class:`FileEntry` per input file (its tblFiles row) and the :class:`ValidationReport`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from addin.contract.findings import Finding, has_errors
from addin.roster.model import Roster

if TYPE_CHECKING:
    from addin.validation.roster_checks import RosterCheck

Rows = list[tuple[Any, float]]  # a settings table: (grade/role/minimum, number) per row


@dataclass(frozen=True)
class TeamSettings:
    """The team-level settings a file carries (forced-distribution quotas, bonus coefficients)."""

    quotas: Rows | None = None
    bonus: Rows | None = None


@dataclass(slots=True)
class IndicatorResult:
    """One recomputed indicator row."""

    dimension: str
    tier: str
    indicator: str
    weight: float  # fraction
    direction: str
    method: str
    target: float | None
    effective_target: float | None
    actual: float | None
    achievement: float | None
    score: float
    weighted: float
    veto: bool
    sheet: str
    row: int  # 1-based
    actual_cell: str
    unit: str = ""
    adjusted_target: float | None = None  # as typed (the effective target when it differs from target)
    adjust_reason: str = ""
    source: str = ""  # where the actual came from (tblKPI.source: CRM, survey, a `kpi fill` trace)


@dataclass(slots=True)
class ReviewResult:
    role: str
    reviewer: str
    competency: str
    rating: float
    sheet: str
    cell: str
    row: int
    comment: str = ""


@dataclass
class ManagerResult:
    """A manager's scores recomputed from the inputs of one file."""

    file: str
    manager_id: str
    name: str
    team: str
    region: str
    period: str
    reviewer: str
    quant: float
    qual: float | None
    final: float
    grade: str
    veto: bool
    indicators: list[IndicatorResult]
    reviews: list[ReviewResult]
    settings: TeamSettings
    id_position: tuple[str, str, int]  # sheet, cell, row of kpi_manager_id
    final_position: tuple[str, str, int]  # sheet, cell, row of kpi_final_score (or the id)
    period_position: tuple[str, str, int] | None = None  # sheet, cell, row of kpi_period


@dataclass(frozen=True)
class ManagerIdentity:
    """Whose scorecard a readable file is, whether or not its scores can be computed."""

    manager_id: str
    name: str
    team: str
    region: str
    period: str
    position: tuple[str, str, int]  # sheet, cell, row of kpi_manager_id


@dataclass(frozen=True)
class StatedTarget:
    """A target as the file states it (any value), where it is; compared with the roster's."""

    indicator: str
    value: Any
    sheet: str
    cell: str
    row: int


@dataclass
class FileEntry:
    """One input file: exactly one tblFiles row."""

    path: str
    sha256: str = ""
    status: str = "rejected"  # merged | rejected | duplicate
    reason: str = ""
    findings: list[Finding] = field(default_factory=list)
    lang: str = "en"
    manager: ManagerResult | None = None
    size: str = ""
    skipped: bool = False  # listed but not read (lock file, litter, an earlier team workbook)
    identity: ManagerIdentity | None = None  # whose file it is (a readable scorecard with an id)
    saved: str = ""  # the workbook's last-saved time (docProps/core.xml), "" when it says none
    mtime: float = 0.0  # the file's modification time
    targets: list[StatedTarget] = field(default_factory=list)  # tblKPI targets as typed

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "status": self.status, "reason": self.reason,
                "findings": [f.as_dict() for f in self.findings]}


@dataclass
class ValidationReport:
    """The result of validating many files: one entry per input, all findings, valid flag."""

    files: list[FileEntry]
    findings: list[Finding]
    stats: dict[str, Any] = field(default_factory=dict)
    roster: Roster | None = None  # the roster compared with (``--roster``)
    roster_check: RosterCheck | None = None  # its findings and each roster manager's files

    @property
    def valid(self) -> bool:
        return not has_errors(self.findings)

    def flat(self) -> list[tuple[str, str, str]]:
        """Sorted (file, cell, code) triples, for tests and quick comparisons."""
        return sorted(f.flat() for f in self.findings)

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "stats": self.stats,
            "files": [entry.as_dict() for entry in self.files],
            "findings": [f.as_dict() for f in self.findings],
        }
