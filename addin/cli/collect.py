"""`kpi collect`: actuals from CRM exports (COLLECT.md); `kpi collect --init` writes a rules workbook."""

from __future__ import annotations

import argparse
from pathlib import Path

from addin.cli.console import force_hint
from addin.cli.output import format_table, shown
from addin.collect.actuals_workbook import is_actuals_workbook, write_actuals_workbook
from addin.collect.collector import collect
from addin.collect.presets import write_rules_workbook
from addin.collect.report import collect_json, is_collect_json
from addin.contract.errors import UsageError
from addin.contract.findings import SEVERITY_ORDER
from addin.contract.messages import counted, render
from addin.xlsx.atomic import atomic_path
from addin.xlsx.output import check_output_file

SHOWN_FINDINGS = 30  # the console shows the first ones; the workbook lists them all
SHOWN_MANAGERS = 20  # a small team's actuals are printed; a large one's are in the workbook


def export_findings_table(findings, lang: str) -> str:
    """Findings of CRM exports as a table: file, source, row, column, code, severity, message."""
    header = tuple(render(f"cli.collect.table.{key}", lang)
                   for key in ("file", "source", "row", "column", "code", "severity", "message"))
    rows = [(shown(f.file) if f.file else "", f.source, str(f.row or ""), f.column, f.code,
             render(f"cli.severity.{f.severity}", lang), f.message) for f in findings]
    return format_table(rows, header)


def actuals_table(result, lang: str) -> str:
    """Manager × indicator, the way the workbook's first sheet shows it (blank: no value)."""
    indicators = list(dict.fromkeys(rule.indicator for rule in result.rules.rules))
    by = {(a.manager_id, a.indicator): a.actual for a in result.actuals}
    header = (render("cli.collect.table.manager_id", lang), render("cli.collect.table.name", lang), *indicators)
    rows = [(m.manager_id, m.name, *(f"{by[(m.manager_id, i)]:,.6g}" if by.get((m.manager_id, i)) is not None
                                     else "" for i in indicators)) for m in result.managers[:SHOWN_MANAGERS]]
    return format_table(rows, header)


def summary_line(counts: dict[str, int], lang: str) -> str:
    """The summary line of `kpi collect`: every count with its noun read naturally ("1 file", "2 files")."""
    nouns = {key: counted(f"collect.n_{key}", counts[key]) for key in ("actuals", "managers", "rules", "files", "rows")}
    return render("collect.summary", lang, **{**counts, **nouns})


def run(args: argparse.Namespace, lang: str) -> int:
    """Collect (or write a starting rules workbook) and print a summary; usage errors propagate to ``main``."""
    with force_hint():
        if args.init:
            written, count = write_rules_workbook(args.init, args.preset, args.size, lang, force=args.force)
            print(render("collect.init_wrote", lang, path=written, preset=args.preset, rules=count))
            return 0
        missing = [flag for flag, value in (("RULES", args.rules), ("--roster", args.roster),
                                            ("--period", args.period), ("-o", args.output)) if not value]
        if missing:
            raise UsageError("collect_arguments", missing=", ".join(missing))
        inputs = [args.rules, args.roster]  # the exports are found by the rules; the outputs are never read
        output = check_output_file(args.output, suffixes=(".xlsx",), inputs=inputs, others=[args.json],
                                   force=args.force, ours=is_actuals_workbook, name="actuals")
        report = None
        if args.json:
            report = check_output_file(args.json, suffixes=(".json",), inputs=inputs, others=[output],
                                       force=args.force, ours=is_collect_json, name="actuals")
    # an earlier output is never read as an export; any other file there is, so it counts as an input
    earlier = [p for p, ours in ((output, is_actuals_workbook), (report, is_collect_json))
               if p is not None and (not p.exists() or ours(p))]
    result = collect(args.rules, args.roster, args.period, data_dir=args.data, lang=lang, exclude=earlier)
    for path in (output, report):  # a pattern matched a user's file at an output path: never write over it
        if path is not None:
            check_output_file(path, suffixes=(), inputs=result.inputs, force=True)
    write_actuals_workbook(result, output, lang)
    if report is not None:
        with atomic_path(report) as temp:
            Path(temp).write_text(collect_json(result), encoding="utf-8")
    listed = sorted(result.findings, key=lambda f: SEVERITY_ORDER[f.severity])[:SHOWN_FINDINGS]
    if listed:
        print(export_findings_table(listed, lang))
        if len(result.findings) > len(listed):
            print(render("cli.collect.more_findings", lang, count=len(result.findings) - len(listed)))
    if len(result.managers) <= SHOWN_MANAGERS:
        print(actuals_table(result, lang))
    else:
        print(render("cli.collect.actuals_in_workbook", lang, count=len(result.managers)))
    print(summary_line(result.counts(), lang))
    print(render("collect.wrote", lang, path=output))
    if args.json:
        print(render("collect.wrote_json", lang, path=args.json))
    return 1 if args.strict and result.has_errors else 0
