"""`kpi validate`: check scorecards and print their findings (or the JSON report)."""

from __future__ import annotations

import argparse

from addin.cli.console import visible
from addin.cli.output import findings_table, shown
from addin.contract.messages import counted, render
from addin.reports.json_report import validation_json
from addin.validation.validate import validate_paths


def run(args: argparse.Namespace, lang: str) -> int:
    """Print the findings in ``lang``; exit 0 without error findings, 1 otherwise."""
    report = validate_paths(args.paths, lang=lang, master=args.master, period=args.period, roster=args.roster)
    if args.json:
        print(validation_json(report))
        return 0 if report.valid else 1
    if report.findings:
        print(findings_table(report.findings, lang))
    for entry in report.files:  # lock files and duplicates have a reason but no finding
        if entry.status != "merged" and not entry.findings:
            print(render("cli.path_reason", lang, path=visible(shown(entry.path)), reason=visible(entry.reason)))
    s = report.stats
    print()
    print(render("cli.validate.summary", lang, files=s["files"], merged=s["merged"], rejected=s["rejected"],
                 duplicate=s["duplicate"], errors=s["errors"], warnings=s["warnings"], infos=s["infos"]))
    if s.get("missing"):
        print(counted("cli.validate.missing", s["missing"]).render(lang))
    return 0 if report.valid else 1
