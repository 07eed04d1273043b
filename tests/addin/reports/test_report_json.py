"""The JSON reports: validated by their pydantic models, keyed as the schema's tables, schema published."""

from __future__ import annotations

import json

import pydantic
import pytest
from support.paths import ROOT

from addin.cli import main
from addin.contract import schema
from addin.reports.json_report import (
    ConsolidationReportModel,
    FileRecord,
    FindingRecord,
    ManagerRecord,
    ReviewRecord,
    ScoreRecord,
    TeamRecord,
    json_schema,
)


@pytest.mark.parametrize("model,table", [
    (ManagerRecord, schema.MANAGERS_OUT_PREVIOUS), (ScoreRecord, schema.SCORES_OUT_ACTUALS),
    (ReviewRecord, schema.REVIEWS_OUT), (TeamRecord, schema.TEAMS_OUT_PREVIOUS),
    (FileRecord, schema.FILES_OUT), (FindingRecord, schema.FINDINGS_OUT),
])
def test_models_carry_the_columns_of_the_output_tables(model, table):
    fields = list(model.model_fields)
    assert [k for k in table.keys] == [f for f in fields if f in table.keys]
    assert set(fields) - set(table.keys) <= {"row"}  # findings also give the 1-based row


def test_published_schema_is_current():
    published = json.loads((ROOT / "docs" / "report-schema.json").read_text(encoding="utf-8"))
    assert published == json_schema(), "regenerate with: python -m addin.reports.json_report > docs/report-schema.json"


def test_consolidate_and_validate_json_reports(tmp_path, capsys):
    demo = tmp_path / "demo"
    assert main(["demo", "-o", str(demo), "--managers", "10", "--lang", "en"]) == 0
    capsys.readouterr()
    report_path = tmp_path / "report.json"
    assert main(["consolidate", str(demo / "scorecards"), "-o", str(tmp_path / "team.xlsx"),
                 "--json", str(report_path), "--lang", "en", "--no-progress"]) == 0
    report = ConsolidationReportModel.model_validate_json(report_path.read_text(encoding="utf-8"))
    assert report.kind == "consolidation"
    assert len(report.files) == report.summary.files == 10
    assert {f.status for f in report.files} <= {"merged", "rejected", "duplicate"}
    scored = [m for m in report.managers if m.status == "scored"]
    assert len(scored) == report.summary.managers == report.summary.manager_statuses["scored"]
    assert sorted(m.rank for m in scored) == list(range(1, len(scored) + 1))
    left_out = [m for m in report.managers if m.status != "scored"]  # the demo's planted rejected file
    assert left_out and all(m.reason and m.rank is None and m.bonus is None for m in left_out)
    assert any(f.code == "WEIGHTS_NOT_100" for f in report.findings)
    capsys.readouterr()

    assert main(["validate", str(demo / "scorecards"), "--json"]) == 1  # the demo plants errors
    printed = json.loads(capsys.readouterr().out)
    assert printed["kind"] == "validation" and printed["valid"] is False
    assert len(printed["files"]) == 10
    codes = {f["code"] for f in printed["findings"]}
    assert {"WEIGHTS_NOT_100", "MISSING_ACTUAL"} <= codes


def test_a_report_with_an_unknown_code_is_refused():
    bad = dict(file="a.xlsx", manager_id="", sheet="", cell="", row=None, code="MADE_UP",
               severity="error", message="x")
    with pytest.raises(pydantic.ValidationError, match="unknown finding code"):
        FindingRecord.model_validate(bad)
    with pytest.raises(pydantic.ValidationError):
        FileRecord.model_validate(dict(file="a.xlsx", sha256="", status="lost", reason=""))
