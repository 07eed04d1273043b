"""The JSON reports of `kpi validate --json` and `kpi consolidate --json`, as pydantic models.

The models validate what is written (a finding code outside the closed set, a
file status other than merged/rejected/duplicate, a score that is not a number
cannot reach a report) and give the reports a published JSON Schema
(docs/report-schema.json, regenerated on purpose only; a test compares them).
Field names and order are those of ``addin.contract.schema``'s output tables.
"""

from __future__ import annotations

import json
import math
import typing
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from addin.contract.findings import CODES

REPORT_VERSION = "kpi-report/1"
Severity = Literal["error", "warning", "info"]
Status = Literal["merged", "rejected", "duplicate"]
ManagerStatus = Literal["scored", "rejected", "missing"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _nan_is_blank(cls, value):
        if isinstance(value, float) and math.isnan(value):
            return None
        if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
            return value.item()
        return value


class FindingRecord(_Record):
    """One finding: code, severity, message and where it is (tblFindings row)."""

    file: str
    manager_id: str
    name: str = ""  # the manager's name (consolidation reports)
    sheet: str
    cell: str
    row: int | None
    code: str
    severity: Severity
    message: str

    @field_validator("code")
    @classmethod
    def _known_code(cls, code: str) -> str:
        if code not in CODES:
            raise ValueError(f"unknown finding code {code}")
        return code


class ValidatedFile(_Record):
    """One input file of `kpi validate`."""

    path: str
    sha256: str
    status: Status
    reason: str
    findings: list[FindingRecord]


class ValidationReportModel(_Record):
    """`kpi validate --json`."""

    report: Literal["kpi-report/1"] = REPORT_VERSION
    kind: Literal["validation"] = "validation"
    valid: bool
    stats: dict[str, Any]
    files: list[ValidatedFile]
    findings: list[FindingRecord]


class ManagerRecord(_Record):
    """A tblManagers row: every manager (every roster manager with a roster), with a status.

    A manager who is not ``scored`` (``rejected``: files, none usable; ``missing``: a roster
    manager without a file) has a ``reason``, no scores, rank, grades or bonus (null)."""

    manager_id: str
    name: str
    team: str
    region: str
    period: str
    reviewer: str
    status: ManagerStatus
    quant_score: float | None
    qual_score: float | None
    final_score: float | None
    grade: str
    veto: bool | None
    rank: int | None
    team_rank: int | None
    forced_grade: str
    team_forced_grade: str
    previous_final_score: float | None = None  # with --previous
    previous_grade: str | None = None
    previous_forced_grade: str | None = None
    change: float | None = None
    movement: Literal["new", "up", "down", "same"] | None = None
    bonus_coefficient: float | None
    bonus: float | None
    findings: int
    reason: str
    file: str


class ScoreRecord(_Record):
    """A tblScores row."""

    manager_id: str
    name: str
    dimension: str
    tier: str
    indicator: str
    unit: str
    weight: float
    direction: str
    method: str
    veto: bool
    target: float | None
    adjusted_target: float | None
    adjust_reason: str
    effective_target: float | None
    actual: float | None
    collected_actual: float | None = None  # kpi consolidate --actuals: the value kpi collect computed …
    collected_source: str = ""  # … and where it came from (source, files, rows, rule)
    source: str
    achievement: float | None
    score: float
    weighted: float


class ReviewRecord(_Record):
    """A tblReviews row: one rating."""

    manager_id: str
    name: str
    role: Literal["self", "peer", "manager"]
    reviewer: str
    competency: str
    rating: float
    comment: str


class TeamRecord(_Record):
    """A tblTeams row: one team of scored managers."""

    team: str
    managers: int
    mean_final_score: float
    previous_mean_final_score: float | None = None  # with --previous
    change: float | None = None
    forced_s: int
    forced_a: int
    forced_b: int
    forced_c: int
    forced_d: int
    bonus_total: float


class FileRecord(_Record):
    """A tblFiles row: every input file has exactly one."""

    file: str
    status: Status
    reason: str
    sha256: str


class ConsolidationSummary(_Record):
    model_config = ConfigDict(extra="allow")

    files: int
    merged: int
    rejected: int
    duplicate: int
    managers: int  # scored managers (the ones ranked, graded and paid)
    manager_statuses: dict[ManagerStatus, int]  # tblManagers rows per status
    findings: dict[Severity, int]
    findings_by_code: dict[str, int]
    grades: dict[str, int]
    forced_grades: dict[str, int]


class ConsolidationReportModel(_Record):
    """`kpi consolidate --json`."""

    report: Literal["kpi-report/1"] = REPORT_VERSION
    kind: Literal["consolidation"] = "consolidation"
    summary: ConsolidationSummary
    managers: list[ManagerRecord]
    scores: list[ScoreRecord]
    reviews: list[ReviewRecord]
    teams: list[TeamRecord]
    findings: list[FindingRecord]
    files: list[FileRecord]


def validation_json(report) -> str:
    """JSON text of a ValidationReport (``addin.validation.validate``), checked against the model."""
    return ValidationReportModel.model_validate(report.as_dict()).model_dump_json(indent=2)


def consolidation_json(result) -> str:
    """JSON text of a ConsolidationResult (``addin.consolidation.consolidate``), checked against the model."""
    return consolidation_json_bytes(result).decode("utf-8")


def consolidation_json_bytes(result) -> bytes:
    """The same report as UTF-8 bytes (:func:`consolidation_json_chunks` joined)."""
    return b"".join(consolidation_json_chunks(result))


def consolidation_json_chunks(result) -> Iterator[bytes]:
    """The report as UTF-8 pieces to write one after the other. Each row of the long lists (managers,
    scores, reviews, files: 180,000 rows for 10,000 managers) is checked against its record
    model and serialised on its own, one row per line, so the models of the whole report never
    exist at once (they took ~350 MB at 10,000 managers); the rest is checked as one model."""
    data = result.as_dict(blank_nan=False)  # the record models blank NaN themselves
    rows = _LONG_LISTS
    head = ConsolidationReportModel.model_validate({**data, **{name: [] for name in rows}})
    for index, name in enumerate(ConsolidationReportModel.model_fields):
        yield (b"{\n  " if index == 0 else b",\n  ") + json.dumps(name).encode() + b": "
        if name not in rows:
            yield _indented(json.dumps(head.model_dump(mode="json", include={name})[name], indent=2,
                                       ensure_ascii=False).encode("utf-8"))
            continue
        model = rows[name]
        for number, row in enumerate(data[name]):
            yield (b"[\n    " if number == 0 else b",\n    ") + model.__pydantic_serializer__.to_json(
                model.model_validate(row))
        yield b"\n  ]" if data[name] else b"[]"
    yield b"\n}"


def _row_model(annotation) -> type[BaseModel] | None:
    """The record model of a ``list[Record]`` field, else None."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is list and args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
        return args[0]
    return None


_LONG_LISTS: dict[str, type[BaseModel]] = {  # the report's lists of records, written row by row
    name: model for name, field in ConsolidationReportModel.model_fields.items()
    if (model := _row_model(field.annotation)) is not None}


def _indented(text: bytes) -> bytes:
    """A value's JSON, nested one level (two spaces) deeper."""
    return text.replace(b"\n", b"\n  ")


def json_schema() -> dict[str, Any]:
    """The JSON Schema of both reports (published as docs/report-schema.json)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "kpi-scorecard reports",
        "oneOf": [{"$ref": "#/$defs/ValidationReportModel"}, {"$ref": "#/$defs/ConsolidationReportModel"}],
        "$defs": _merged_defs(ValidationReportModel, ConsolidationReportModel),
    }


def _merged_defs(*models) -> dict[str, Any]:
    defs: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(ref_template="#/$defs/{model}")
        defs.update(schema.pop("$defs", {}))
        defs[model.__name__] = schema
    return dict(sorted(defs.items()))


if __name__ == "__main__":  # python -m addin.reports.json_report > docs/report-schema.json
    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
