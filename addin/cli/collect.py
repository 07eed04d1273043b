"""`kpi collect` and `kpi fill`: actuals from CRM exports into scorecards (COLLECT.md)."""

from __future__ import annotations

import sys
from pathlib import Path

from addin.collect.actuals_workbook import write_actuals_workbook
from addin.collect.collector import collect
from addin.collect.fill import fill_scorecards
from addin.collect.output import check_output
from addin.collect.presets import PRESETS, write_rules_workbook
from addin.collect.report import collect_json
from addin.contract.errors import UsageError
from addin.contract.messages import render, resolve_lang
from addin.contract.schema import LANGS, SIZES
from addin.xlsx.atomic import atomic_path


def add_parsers(sub) -> None:
    """Register `collect` and `fill` on the `kpi` sub-command parser."""
    p = sub.add_parser("collect", help="compute actuals from CRM exports (deals, visits, tickets…) with a rules file",
                       description="Read CRM exports, apply the rules, write one actual per manager and indicator, "
                                   "each traceable to its export rows (COLLECT.md). "
                                   "`kpi collect --init RULES.xlsx` writes a starting rules workbook.")
    p.add_argument("rules", nargs="?", metavar="RULES", help="rules: a .toml file or an .xlsx rules workbook")
    p.add_argument("--roster", metavar="ROSTER", help="roster .xlsx or .csv (manager_id, name, team, region, reviewer)")
    p.add_argument("--period", help="2026Q3, 2026H1, 2026, 2026-07 or 2026-07-01..2026-09-30 (inclusive)")
    p.add_argument("-o", "--output", metavar="ACTUALS.xlsx", help="the actuals workbook to write")
    p.add_argument("--data", metavar="DIR", help="folder the rules' file patterns are relative to "
                                                 "(default: the rules file's folder)")
    p.add_argument("--lang", choices=LANGS, help="language of the workbook and messages (default: KPI_LANG, else zh)")
    p.add_argument("--json", metavar="REPORT.json", help="also write the result as JSON")
    p.add_argument("--strict", action="store_true", help="exit 1 when any finding is an error")
    p.add_argument("--force", action="store_true", help="replace an existing file that is not an earlier output")
    p.add_argument("--init", metavar="RULES.xlsx", help="write a starting rules workbook instead of collecting")
    p.add_argument("--preset", choices=sorted(PRESETS), default="cordys",
                   help="with --init: the export shape to map (default cordys)")
    p.add_argument("--size", choices=SIZES, default="medium",
                   help="with --init: the template size whose indicators are mapped (default medium)")
    p.set_defaults(handler=run_collect)

    p = sub.add_parser("fill", help="copy collected actuals into scorecards (copies in OUT_DIR; inputs untouched)",
                       description="Set the actual and source cells of matching indicators in a copy of each "
                                   "scorecard; nothing else in the workbook changes.")
    p.add_argument("paths", nargs="+", metavar="SCORECARD_OR_DIR")
    p.add_argument("--actuals", required=True, metavar="ACTUALS.xlsx", help="the workbook `kpi collect` wrote")
    p.add_argument("-o", "--output", required=True, metavar="OUT_DIR", help="folder for the filled copies")
    p.add_argument("--lang", choices=LANGS, help="language of messages and source cells (default: KPI_LANG, else zh)")
    p.add_argument("--force", action="store_true", help="replace existing files in OUT_DIR")
    p.set_defaults(handler=run_fill)


def run_collect(args) -> int:
    lang = resolve_lang(args.lang)
    if args.init:
        path = check_output(args.init, force=args.force, replaceable=lambda _p: False)
        written, count = write_rules_workbook(path, args.preset, args.size, lang)
        print(render("collect.init_wrote", lang, path=written, preset=args.preset, rules=count))
        return 0
    missing = [flag for flag, value in (("RULES", args.rules), ("--roster", args.roster), ("--period", args.period),
                                        ("-o", args.output)) if not value]
    if missing:
        raise UsageError("collect_arguments", missing=", ".join(missing))
    inputs = [args.rules, args.roster]
    output = check_output(args.output, inputs, args.force)
    if args.json:
        check_output(args.json, inputs, True, suffixes=(".json",))
    exclude = [output] + ([Path(args.json)] if args.json else [])
    result = collect(args.rules, args.roster, args.period, data_dir=args.data, lang=lang, exclude=exclude)
    write_actuals_workbook(result, output, lang)
    if args.json:
        with atomic_path(args.json) as temp:
            Path(temp).write_text(collect_json(result), encoding="utf-8")
    counts = result.counts()
    for finding in result.findings:
        where = ":".join(str(x) for x in (finding.file, finding.row) if x)
        print(f"{finding.severity.upper():7} {finding.code:22} {where}  {finding.message}", file=sys.stderr)
    print(render("collect.summary", lang, **counts))
    print(render("collect.wrote", lang, path=output))
    if args.json:
        print(render("collect.wrote_json", lang, path=args.json))
    return 1 if args.strict and result.has_errors else 0


def run_fill(args) -> int:
    lang = resolve_lang(args.lang)
    report = fill_scorecards(args.paths, args.actuals, args.output, lang=lang, force=args.force)
    for finding in report.findings:
        print(f"{finding.code} {finding.file}: {finding.message}")
    for line in report.lines:
        print(line)
    return 1 if report.failed else 0
