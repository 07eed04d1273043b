"""`kpi fill`: copy collected actuals into scorecards (copies in an output folder; inputs untouched)."""

from __future__ import annotations

import argparse

from addin.cli.console import force_hint, visible
from addin.cli.output import findings_table
from addin.collect.fill import fill_scorecards


def run(args: argparse.Namespace, lang: str) -> int:
    """Fill the copies; exit 1 when a scorecard could not be read or written."""
    with force_hint():  # the folder and every copy are checked before anything is read
        report = fill_scorecards(args.paths, args.actuals, args.output, lang=lang, force=args.force)
    if report.findings:
        print(findings_table(report.findings, lang))
    for line in report.lines:
        print(visible(line))  # a file name's line break or escape sequence is shown, never obeyed
    return 1 if report.failed else 0
