"""`kpi new`: write one assessment workbook, or one per manager of a roster."""

from __future__ import annotations

import argparse
from pathlib import Path

from addin.cli.parsing import add_lang, command
from addin.collect.compare import template_actuals
from addin.contract.errors import UsageError
from addin.contract.messages import render
from addin.contract.schema import MODES, SIZES
from workbook_templates.generator import write_template
from workbook_templates.roster_workbooks import write_roster


def register(subparsers, lang: str) -> argparse.ArgumentParser:
    p = command(subparsers, "new", lang)
    p.add_argument("--size", choices=SIZES, default="medium", help=render("cli.new.size", lang))
    add_lang(p, lang, "cli.new.lang")
    p.add_argument("--mode", choices=MODES, default="addin", help=render("cli.new.mode", lang))
    p.add_argument("--roster", metavar="ROSTER", help=render("cli.new.roster", lang))
    p.add_argument("--period", help=render("cli.new.period", lang))
    p.add_argument("-o", "--output", required=True, metavar="PATH", help=render("cli.new.output", lang))
    p.add_argument("--actuals", metavar="ACTUALS.xlsx", help=render("cli.actuals_option", lang))
    return p


def run(args: argparse.Namespace, lang: str) -> int:
    """Write the workbook(s) in ``lang`` and say where; domain errors propagate to ``main``."""
    output = Path(args.output)
    kinds = {"size": render(f"cli.size.{args.size}", lang), "language": render(f"cli.lang.{lang}", lang),
             "mode": render(f"cli.mode.{args.mode}", lang)}
    if args.roster:
        actuals = template_actuals(args.actuals, args.size, lang) if args.actuals else None
        paths = write_roster(args.roster, output, size=args.size, lang=lang, mode=args.mode, period=args.period,
                             actuals=actuals)
        if len(paths) == 1:
            print(render("cli.new.wrote_roster_one", lang, folder=output, **kinds))
        else:
            print(render("cli.new.wrote_roster", lang, count=len(paths), folder=output, **kinds))
        return 0
    if args.actuals:
        raise UsageError("collect_actuals_needs_roster")
    if output.suffix.lower() != ".xlsx":
        raise UsageError("cli_not_xlsx", path=output)
    if output.is_dir():
        raise UsageError("cli_output_is_folder", path=output)
    header = {"period": args.period} if args.period else None
    path = write_template(output, size=args.size, lang=lang, mode=args.mode, header=header)
    print(render("cli.new.wrote", lang, path=path, **kinds))
    return 0
