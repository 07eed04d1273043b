"""The team workbook of FORMAT.md (`kpi consolidate`), written with XlsxWriter, atomically.

Sheets: the summary (:mod:`.summary`: key figures, who was left out, grade mix against the
quota, ``tblTeams``, this quarter against the last, charts, ``tblSettings``), then one sheet
per table (:mod:`.sheets`): tblManagers, tblScores, tblReviews, tblFindings, tblFiles.
Everything is in one language (:mod:`.values`); with ``lang="en"`` the headers are exactly
the keys. Files are linked relative to the workbook's folder (:mod:`.links`). The bulk rows
are serialised straight to XML (:mod:`.fast_rows`). :mod:`.reader` reads a team workbook back.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import xlsxwriter

from addin.consolidation.team_workbook import sheets
from addin.consolidation.team_workbook.context import Context
from addin.consolidation.team_workbook.fast_rows import Injection, finish
from addin.consolidation.team_workbook.formats import Formats
from addin.consolidation.team_workbook.reader import TeamWorkbook, read_team_workbook
from addin.consolidation.team_workbook.summary import dimension_rows, write_summary
from addin.consolidation.team_workbook.tables import EXCEL_MAX_ROWS
from addin.contract import schema
from addin.contract.errors import OutputError
from addin.contract.messages import render
from addin.xlsx.atomic import atomic_path
from addin.xlsx.links import Linker

LINKED_MANAGERS = sheets.LINKED_MANAGERS


def write_team_workbook(result, output, lang: str = "zh", quotas=None, fast_rows: bool = True,
                        rows_per_sheet: int = EXCEL_MAX_ROWS - 1) -> Path:
    """Write the team workbook of a ConsolidationResult to ``output`` atomically.

    Args:
        result: the ConsolidationResult (managers, scores, reviews, teams, findings, files, summary).
        output: target path (.xlsx); files are linked relative to its folder.
        lang: "zh" or "en" (en: table headers are exactly the keys).
        quotas: unused (the summary carries the quota shares); kept for callers.
        fast_rows: write the rows of the big tables as XML directly
            (see :mod:`.fast_rows`); False writes every cell through XlsxWriter.
        rows_per_sheet: a table with more rows continues on further sheets (Excel's limit).

    Returns:
        the output path. Raises OutputError when it cannot be written.
    """
    output = Path(output)
    try:
        with atomic_path(output) as temp:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # XlsxWriter warns for over-long URLs etc.; we limit them
                injected = _write(result, temp, lang, output, fast_rows, rows_per_sheet)
            finish(temp, injected)
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError("cannot_write", path=output, reason=exc.strerror or exc) from None
    return output


def _write(result, path: Path, lang: str, output: Path, fast: bool, rows_per_sheet: int) -> list[Injection]:
    """Write the workbook with XlsxWriter; returns the rows left for :func:`.fast_rows.finish`."""
    lang = "zh" if lang == "zh" else "en"
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False, "nan_inf_to_errors": False})
    try:
        ctx = Context(wb=wb, formats=Formats(wb), lang=lang, linker=Linker(output), fast_rows=fast,
                      title=render("team.title", lang), rows_per_sheet=rows_per_sheet)
        summary_ws = wb.add_worksheet(render("team.summary_sheet", lang))
        ws = {t.name: wb.add_worksheet(t.sheet(lang)) for t in schema.TEAM_TABLES}
        index = {t.name: 2 + i for i, t in enumerate(schema.TEAM_TABLES)}  # the summary is sheet 1
        managers = schema.MANAGERS_OUT_PREVIOUS if result.comparison is not None else schema.MANAGERS_OUT
        names = {row["manager_id"]: row.get("name") or "" for row in result.manager_rows}
        injected = [
            *sheets.write_managers(ctx, ws["tblManagers"], managers, result.manager_rows, index["tblManagers"]),
            *sheets.write_scores(ctx, ws["tblScores"], result.score_rows, names, index["tblScores"]),
            *sheets.write_reviews(ctx, ws["tblReviews"], result.review_rows, index["tblReviews"]),
        ]
        sheets.write_findings(ctx, ws["tblFindings"], result.findings, names, index["tblFindings"])
        sheets.write_files(ctx, ws["tblFiles"], result.file_rows, index["tblFiles"])
        write_summary(ctx, summary_ws, result)
    finally:
        wb.close()
    return [item for item in injected if item is not None]


__all__ = ["write_team_workbook", "dimension_rows", "read_team_workbook", "TeamWorkbook",
           "LINKED_MANAGERS"]
