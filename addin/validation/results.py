"""What validation produces: recomputed indicator, review and manager results, one
:class:`FileEntry` per input file (its tblFiles row) and the :class:`ValidationReport`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from addin.contract.findings import Finding, has_errors
from addin.contract.messages import render


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
    settings: dict[str, Any]
    id_position: tuple[str, str, int]  # sheet, cell, row of kpi_manager_id
    final_position: tuple[str, str, int]  # sheet, cell, row of kpi_final_score (or the id)
    period_position: tuple[str, str, int] | None = None  # sheet, cell, row of kpi_period


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
    lock_file: bool = False  # an Excel lock file (~$…): skipped, never compared or counted as a duplicate

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "status": self.status, "reason": self.reason,
                "findings": [f.as_dict() for f in self.findings]}


@dataclass
class ValidationReport:
    """The result of validating many files: one entry per input, all findings, valid flag."""

    files: list[FileEntry]
    findings: list[Finding]
    stats: dict[str, Any] = field(default_factory=dict)

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


def lock_entry(path: str, lang: str | None = None) -> FileEntry:
    """The tblFiles row of an Excel lock file (``~$…``): rejected, without a finding; the
    reason in ``lang`` (None: English)."""
    try:
        with open(path, "rb") as handle:
            sha = hashlib.sha256(handle.read(1024 * 1024)).hexdigest()
    except OSError:
        sha = ""
    return FileEntry(path=path, sha256=sha, status="rejected", reason=render("files.lock_file", lang or "en"),
                     lock_file=True, lang=lang or "en")

