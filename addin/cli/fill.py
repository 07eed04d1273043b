"""`kpi fill`: copy collected actuals into scorecards (copies in an output folder; inputs untouched)."""

from __future__ import annotations

import argparse

from addin.cli.console import force_hint
from addin.cli.output import findings_table
from addin.cli.parsing import add_force, add_lang, command
from addin.collect.fill import fill_scorecards
from addin.contract.messages import render


def register(subparsers, lang: str) -> argparse.ArgumentParser:
    p = command(subparsers, "fill", lang)
    p.add_argument("paths", nargs="+", metavar="SCORECARD_OR_DIR")
    p.add_argument("--actuals", required=True, metavar="ACTUALS.xlsx", help=render("cli.fill.actuals", lang))
    p.add_argument("-o", "--output", required=True, metavar="OUT_DIR", help=render("cli.fill.output", lang))
    add_lang(p, lang, "cli.fill.lang")
    add_force(p, lang)
    return p


def run(args: argparse.Namespace, lang: str) -> int:
    """Fill the copies; exit 1 when a scorecard could not be read or written."""
    with force_hint():  # the folder and every copy are checked before anything is read
        report = fill_scorecards(args.paths, args.actuals, args.output, lang=lang, force=args.force)
    if report.findings:
        print(findings_table(report.findings, lang))
    for line in report.lines:
        print(line)
    return 1 if report.failed else 0
