"""`kpi consolidate`: merge scorecards into the team workbook and print its summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from addin.cli.console import force_hint, visible
from addin.cli.output import print_summary
from addin.cli.progress import ProgressBar
from addin.consolidation.consolidate import consolidate
from addin.contract.errors import OutputError
from addin.contract.messages import render
from addin.reports.json_report import consolidation_json_chunks
from addin.xlsx.atomic import atomic_path
from addin.xlsx.output import check_output_file, is_kpi_json


def run(args: argparse.Namespace, lang: str) -> int:
    """Write the team workbook (and the JSON report); exit 0 once both are written (1 with --strict
    when any finding is an error, 1 when the JSON report cannot be written)."""
    report = Path(args.json) if args.json else None
    with force_hint():  # both outputs are checked before any file is read
        if report is not None:
            inputs = [*args.paths, *(p for p in (args.master, args.previous, args.actuals, args.roster) if p)]
            check_output_file(report, suffixes=(".json",), inputs=inputs, others=[args.output],
                              force=args.force, ours=is_kpi_json)
        progress = ProgressBar(lang) if ProgressBar.wanted(args.no_progress) else None
        result = consolidate(args.paths, args.output, period=args.period, master=args.master, lang=lang,
                             bonus_pool=args.bonus_pool, base_bonus=args.base_bonus, progress=progress,
                             force=args.force, other_outputs=[report] if report else (),
                             previous=args.previous, actuals=args.actuals, roster=args.roster)
    print_summary(result, lang)
    if result.comparison is not None:
        c = result.comparison
        both = sum(1 for row in result.manager_rows if row.get("movement") in ("up", "down", "same"))
        print(render("cli.consolidate.compared", lang, period=c.period or "?", path=c.path, both=both, new=c.new,
                     left=len(c.left)))
        if c.period and result.summary.get("periods") == [c.period]:  # most likely this quarter's file again
            print(render("cli.consolidate.same_period", lang, period=c.period))
    if report is not None:
        try:
            with atomic_path(report) as temp:
                with open(temp, "wb") as handle:  # piece by piece: a report of 10,000 managers is ~50 MB
                    handle.writelines(consolidation_json_chunks(result))
        except OutputError as exc:  # the team workbook is written: say so, and that the report is not
            print(render("cli.error", lang, message=visible(render("cli.consolidate.json_failed", lang,
                                                                    error=exc.render(lang)))), file=sys.stderr)
            return 1
    return 1 if args.strict and result.has_errors else 0
