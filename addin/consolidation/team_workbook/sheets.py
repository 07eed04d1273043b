"""The table sheets of the team workbook, one function per sheet: tblManagers, tblScores,
tblReviews, tblFindings, tblFiles (the summary sheet is :mod:`.summary`)."""

from __future__ import annotations

from addin.consolidation.team_workbook import conditional
from addin.consolidation.team_workbook.context import Context
from addin.consolidation.team_workbook.fast_rows import Injection
from addin.consolidation.team_workbook.formats import MOVEMENT_COLOURS, SEVERITY_COLOURS, STATUS_COLOURS
from addin.consolidation.team_workbook.tables import TableSpec, write_pages
from addin.consolidation.team_workbook.values import display_column, yes_no
from addin.contract import schema
from addin.contract.findings import SEVERITY_ORDER
from addin.xlsx.links import MAX_LINKS

LINKED_MANAGERS = 5_000  # up to this many managers, tblManagers.file links to the file


def shown_records(table: schema.OutputTable, rows: list[dict], lang: str) -> list[dict]:
    """The rows with every value as the workbook shows it (a column at a time)."""
    keys = table.keys
    columns = [display_column(key, [row.get(key) for row in rows], lang) for key in keys]
    return [dict(zip(keys, values)) for values in zip(*columns)] if rows else []


def _spec(ctx: Context, table: schema.OutputTable, records: list[dict], sheet_index: int, **options) -> TableSpec:
    return TableSpec(table=table, records=records, lang=ctx.lang, title=f"{ctx.title} · {table.sheet(ctx.lang)}",
                     footer=ctx.footer, sheet_index=sheet_index, **options)


def write_managers(ctx: Context, ws, table: schema.OutputTable, rows: list[dict], sheet_index: int) -> list[Injection]:
    """tblManagers, by rank: file names linked (plain text above LINKED_MANAGERS managers)."""
    records = shown_records(table, rows, ctx.lang)
    paths = [row.get("file") or "" for row in rows]
    texts = [ctx.linker.text(p) if p else "" for p in paths]
    for record, text in zip(records, texts):
        record["file"] = text
    fast = ctx.fast_rows and len(rows) > LINKED_MANAGERS
    spec = _spec(ctx, table, records, sheet_index, fast=fast, link_key="file", link_texts=texts,
                 link_of=None if fast else (lambda i, _r: _file_link(ctx, paths[i], texts[i])),
                 caps={"file": 40, "reason": 28}, landscape=True, unprinted="file")
    injected = write_pages(ws, spec, ctx.formats, ctx.add_sheet, ctx.rows_per_sheet)
    n, keys = max(len(rows), 1), table.keys
    conditional.scale(ws, keys, "final_score", n)
    for key in ("grade", "forced_grade", "team_forced_grade", "previous_grade", "previous_forced_grade"):
        if key in keys:
            conditional.grades(ws, keys, key, n, ctx.formats)
    if "movement" in keys:
        conditional.keyed(ws, keys, "movement", n, ctx.formats, MOVEMENT_COLOURS, "mv", ctx.lang)
    if "status" in keys:
        conditional.keyed(ws, keys, "status", n, ctx.formats, STATUS_COLOURS, "st", ctx.lang)
    veto = f'"{yes_no(True, ctx.lang)}"' if ctx.lang == "zh" else "TRUE"
    conditional.flagged_names(ws, keys, n, ctx.formats, "veto", veto)
    conditional.bar(ws, keys, "findings", n, "#F8B878")
    return injected


def _file_link(ctx: Context, path: str, text: str, sheet: str = "", cell: str = ""):
    url = ctx.linker.url(path, sheet, cell)
    return (url, text) if url else None


def write_scores(ctx: Context, ws, rows: list[dict], names: dict[str, str], sheet_index: int) -> list[Injection]:
    """tblScores: one row per manager and indicator (the bulk of the workbook: fast rows)."""
    table = schema.SCORES_OUT_ACTUALS if rows and "collected_actual" in rows[0] else schema.SCORES_OUT
    records = shown_records(table, rows, ctx.lang)
    for record in records:
        record["name"] = names.get(record["manager_id"], "")
    spec = _spec(ctx, table, records, sheet_index, fast=ctx.fast_rows, caps={"adjust_reason": 30, "source": 24, "collected_source": 40},
                 landscape=True)
    injected = write_pages(ws, spec, ctx.formats, ctx.add_sheet, ctx.rows_per_sheet)
    n, keys = max(len(rows), 1), table.keys
    conditional.scale(ws, keys, "score", n)
    conditional.bar(ws, keys, "achievement", n, "#63BE7B", maximum=1.5)
    return injected


def write_reviews(ctx: Context, ws, rows: list[dict], sheet_index: int) -> list[Injection]:
    """tblReviews: one row per rating, with the reviewer's comment."""
    table = schema.REVIEWS_OUT
    spec = _spec(ctx, table, shown_records(table, rows, ctx.lang), sheet_index, fast=ctx.fast_rows,
                 caps={"comment": 60})
    injected = write_pages(ws, spec, ctx.formats, ctx.add_sheet, ctx.rows_per_sheet)
    conditional.scale(ws, table.keys, "rating", max(len(rows), 1))
    return injected


def findings_order(finding) -> tuple:
    """Severity first, then file, sheet and cell (row, then column), then code."""
    return (SEVERITY_ORDER.get(finding.severity, 9), finding.file, finding.sheet, finding.row or 0,
            len(finding.cell), finding.cell, finding.code, finding.message)


def write_findings(ctx: Context, ws, findings, names: dict[str, str], sheet_index: int) -> None:
    """tblFindings, sorted by severity, file and cell; each links to its cell."""
    table = schema.FINDINGS_OUT
    findings = sorted(findings, key=findings_order)
    rows = [{"file": f.file, "manager_id": f.manager_id, "name": names.get(f.manager_id, ""), "sheet": f.sheet,
             "cell": f.cell, "code": f.code, "severity": f.severity, "message": f.message} for f in findings]
    records = shown_records(table, rows, ctx.lang)
    texts = [ctx.linker.text(f.file) if f.file else "" for f in findings]
    for record, text in zip(records, texts):
        record["file"] = text

    def link(i: int, _record: dict):
        f = findings[i]
        return _file_link(ctx, f.file, texts[i], f.sheet, f.cell) if f.file and i < MAX_LINKS else None

    spec = _spec(ctx, table, records, sheet_index, link_key="file", link_of=link, link_texts=texts,
                 caps={"file": 36, "message": 60}, landscape=True)
    write_pages(ws, spec, ctx.formats, ctx.add_sheet, ctx.rows_per_sheet)
    conditional.keyed(ws, table.keys, "severity", max(len(rows), 1), ctx.formats, SEVERITY_COLOURS, "sev", ctx.lang)


def write_files(ctx: Context, ws, rows: list[dict], sheet_index: int) -> None:
    """tblFiles: every input file with its status and reason."""
    table = schema.FILES_OUT
    records = shown_records(table, rows, ctx.lang)
    paths = [row["file"] for row in rows]
    texts = [ctx.linker.text(p) for p in paths]
    for record, text in zip(records, texts):
        record["file"] = text
    spec = _spec(ctx, table, records, sheet_index, link_key="file", link_texts=texts,
                 link_of=lambda i, _r: _file_link(ctx, paths[i], texts[i]) if i < MAX_LINKS else None,
                 caps={"file": 48, "sha256": 66, "reason": 60}, landscape=True, unprinted="sha256")
    write_pages(ws, spec, ctx.formats, ctx.add_sheet, ctx.rows_per_sheet)
    conditional.keyed(ws, table.keys, "status", max(len(rows), 1), ctx.formats, STATUS_COLOURS, "st", ctx.lang)
