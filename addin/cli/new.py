"""`kpi new`: write one assessment workbook, or one per manager of a roster."""

from __future__ import annotations

from pathlib import Path

from addin.contract.errors import UsageError
from workbook_templates.generator import write_template
from workbook_templates.roster_workbooks import write_roster


def run(args) -> int:
    """Handle `kpi new` (arguments parsed by ``addin.cli``); returns the exit code.

    Domain errors (RosterError, OutputError) propagate to ``addin.cli.main``, which
    prints them as ``Error: …`` with exit code 1.
    """
    output = Path(args.output)
    if args.roster:
        paths = write_roster(args.roster, output, size=args.size, lang=args.lang, mode=args.mode,
                             period=args.period).written
        noun = "workbook" if len(paths) == 1 else "workbooks"
        print(f"Wrote {len(paths)} {noun} ({args.size}, {args.lang}, {args.mode}) to {output}")
        return 0
    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"{output}: the output must be an .xlsx file (or a folder with --roster)")
    if output.is_dir():
        raise UsageError(f"{output} is a folder; give a file name such as scorecard.xlsx")
    header = {"period": args.period} if args.period else None
    path = write_template(output, size=args.size, lang=args.lang, mode=args.mode, header=header)
    print(f"Wrote {path} ({args.size}, {args.lang}, {args.mode})")
    return 0
