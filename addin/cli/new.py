"""`kpi new`: write one assessment workbook, or one per manager of a roster who has none yet."""

from __future__ import annotations

import argparse
from pathlib import Path

from addin.cli.console import force_hint
from addin.collect.compare import template_actuals
from addin.contract.errors import UsageError
from addin.contract.messages import counted, render
from addin.roster.model import IgnoredColumn
from addin.xlsx.output import check_output_folder
from workbook_templates.generator import write_template
from workbook_templates.roster_workbooks import RosterWorkbooks, write_roster


def run(args: argparse.Namespace, lang: str) -> int:
    """Write the workbook(s) in ``lang`` and say where; domain errors propagate to ``main``."""
    output = Path(args.output)
    kinds = {"size": render(f"cli.size.{args.size}", lang), "language": render(f"cli.lang.{lang}", lang),
             "mode": render(f"cli.mode.{args.mode}", lang)}
    if args.roster:
        if args.force:
            raise UsageError("cli_force_with_roster")
        check_output_folder(output, inputs=[args.roster])  # before the actuals are read (write_roster checks too)
        result = write_roster(args.roster, output, size=args.size, lang=lang, mode=args.mode, period=args.period,
                              actuals=template_actuals(args.actuals, args.size, lang) if args.actuals else None)
        print_roster_report(result, output, kinds, lang)
        return 0
    if args.actuals:
        raise UsageError("collect_actuals_needs_roster")
    header = {"period": args.period} if args.period else None
    with force_hint():  # the one output check (write_template): an existing file only with --force
        path = write_template(output, size=args.size, lang=lang, mode=args.mode, header=header, force=args.force)
    print(render("cli.new.wrote", lang, path=path, **kinds))
    return 0


def print_roster_report(result: RosterWorkbooks, output: Path, kinds: dict, lang: str) -> None:
    """What was added, what was kept (untouched) and which roster columns set nothing."""
    written = result.written
    if not written:
        print(render("cli.new.wrote_none", lang, folder=output))
    elif len(written) == 1:
        print(render("cli.new.wrote_roster_one", lang, folder=output, **kinds))
    else:
        print(render("cli.new.wrote_roster", lang, count=len(written), folder=output, **kinds))
    if result.kept or result.unknown:  # only then is "which were added" news: otherwise every manager was
        for added in result.added:
            print(render("cli.new.added_item", lang, manager_id=added.manager_id, file=added.path.name))
    if result.kept:
        print(counted("cli.new.kept", len(result.kept)).render(lang))
        for kept in result.kept:
            print(render("cli.new.kept_item", lang, manager_id=kept.manager_id, file=_relative(kept.path, output)))
    if result.unknown:
        print(counted("cli.new.unknown", len(result.unknown)).render(lang))
        for unknown in result.unknown:
            print(render("cli.new.unknown_item", lang, file=_relative(unknown.path, output),
                         reason=unknown.reason.render(lang)))
        if result.added:
            print(render("cli.new.unknown_hint", lang))
    for column in result.ignored:
        print(render("cli.new.warning", lang, message=ignored_text(column, result, lang)))


def ignored_text(column: IgnoredColumn, result: RosterWorkbooks, lang: str) -> str:
    name = result.roster.path.name if result.roster else ""
    if column.reason == "repeated":
        return render("roster.ignored_repeated", lang, file=name, header=column.header, letter=column.letter,
                      field=column.field)
    return render("roster.ignored_unknown", lang, file=name, header=column.header, letter=column.letter)


def _relative(path: Path, folder: Path) -> str:
    try:
        return str(path.relative_to(folder))
    except ValueError:
        return str(path)
