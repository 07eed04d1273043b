"""The `kpi` command line: parses arguments, calls the library, prints.

Domain errors become `Error: …` with exit code 1 (2 for usage errors); no traceback
reaches the user.
"""

from __future__ import annotations

import argparse
import os
import sys

from addin.cli import addin as addin_cli
from addin.cli import check as cli_check
from addin.cli import demo
from addin.cli import new as cli_new
from addin.contract.errors import KpiError, KpiInputError, UsageError
from addin.contract.schema import LANGS, MODES, SIZES


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's usage errors: exit 2 with our prefix
        self.print_usage(sys.stderr)
        self.exit(2, f"Error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kpi",
        description="kpi-scorecard: account manager performance appraisal (客户经理绩效考核) in Excel.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("new", help="write a standard assessment workbook (or one per manager of a roster)",
                       description="Write the standard assessment workbook of a team size and language.")
    p.add_argument("--size", choices=SIZES, default="medium", help="team size of the template (default medium)")
    p.add_argument("--lang", choices=LANGS, default="zh", help="language of labels and instructions (default zh)")
    p.add_argument("--mode", choices=MODES, default="addin",
                   help="addin: cells call =KPI_SCORE() etc.; portable: native Excel formulas (default addin)")
    p.add_argument("--roster", metavar="ROSTER",
                   help="roster .xlsx or .csv: one pre-filled workbook per manager (columns manager_id/客户经理编号, "
                        "name, team, region, reviewer, period); a column headed with an indicator of the template "
                        "(销售额, Sales revenue, 目标：销售额 or 'target: Sales revenue') sets that manager's target "
                        "(blank cell = left blank; 1,200 and, for %% indicators, 95%% are accepted)")
    p.add_argument("--period", help="assessment period such as 2026Q3 (roster rows may override)")
    p.add_argument("-o", "--output", required=True, metavar="PATH",
                   help="output .xlsx file, or a folder with --roster")
    p.set_defaults(handler=cmd_new)

    p = sub.add_parser("validate", help="check scorecard workbooks and print their findings",
                       description="Validate scorecard workbooks; exit 0 when no finding is an error, 1 otherwise.")
    p.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--lang", choices=LANGS, help="language of the messages (default: the file's)")
    p.add_argument("--master", metavar="TEMPLATE.xlsx", help="master template to compare settings with")
    p.add_argument("--period", help="expected period, e.g. 2026Q3")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("consolidate", help="merge per-manager workbooks into one team workbook",
                       description="Validate, recompute and merge scorecards into a team workbook.")
    p.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
    p.add_argument("-o", "--output", required=True, metavar="TEAM.xlsx")
    p.add_argument("--period", help="expected period; other periods are flagged")
    p.add_argument("--master", metavar="TEMPLATE.xlsx", help="master template to compare settings with")
    p.add_argument("--lang", choices=LANGS, default="zh", help="language of the team workbook (default zh)")
    p.add_argument("--bonus-pool", type=float, metavar="AMOUNT", help="scale bonuses to sum to this budget")
    p.add_argument("--base-bonus", type=float, default=10000.0, metavar="AMOUNT",
                   help="base bonus per manager before the grade coefficient (default 10000)")
    p.add_argument("--json", metavar="REPORT.json", help="also write the report as JSON")
    p.add_argument("--strict", action="store_true", help="exit 1 when any finding is an error")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(handler=cmd_consolidate)

    p = sub.add_parser("demo", help="make a synthetic team, fill it, consolidate it (the main job)",
                       description="Write a realistic synthetic team with planted problems and consolidate it.")
    p.add_argument("-o", "--output", default="kpi-demo", metavar="DIR", help="output folder (default ./kpi-demo)")
    p.add_argument("--managers", type=int, default=24, help="number of managers (default 24)")
    p.add_argument("--size", choices=SIZES, default="medium")
    p.add_argument("--lang", choices=LANGS, default="zh")
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("addin", help="build, install or remove the Excel add-in; write the xlwings Lite edition",
                       description="The Excel add-in (KPI ribbon) and its xlwings Lite edition.")
    addin_sub = p.add_subparsers(dest="addin_command", metavar="ACTION", parser_class=_Parser)
    a = addin_sub.add_parser("build", help="write kpi_scorecard.xlam with the KPI ribbon")
    a.add_argument("-o", "--output", default=".", metavar="DIR")
    a.add_argument("--lang", choices=LANGS, default="zh")
    a.add_argument("--force", action="store_true", help="replace an existing kpi_scorecard.xlam in DIR")
    a.set_defaults(handler=cmd_addin_build)
    a = addin_sub.add_parser("install", help="install the add-in into Excel (Windows, macOS)")
    a.add_argument("--lang", choices=LANGS, default="zh")
    a.add_argument("--com-import", action="store_true",
                   help="Windows fallback: also import the ribbon's VBA module through Excel (needs trust access)")
    a.set_defaults(handler=cmd_addin_install)
    a = addin_sub.add_parser("uninstall", help="remove the add-in from Excel")
    a.set_defaults(handler=cmd_addin_uninstall)
    a = addin_sub.add_parser("lite", help="write main.py and requirements.txt for xlwings Lite")
    a.add_argument("-o", "--output", default="kpi-lite", metavar="DIR")
    a.add_argument("--force", action="store_true", help="replace main.py and requirements.txt in DIR")
    a.set_defaults(handler=cmd_addin_lite)
    p.set_defaults(handler=lambda args: (p.print_help(), 2)[1])
    return parser


# ----------------------------------------------------------------------------- commands
# Each command is a few lines: call the library, print, return the exit code.

def cmd_new(args) -> int:
    return cli_new.run(args)


def cmd_validate(args) -> int:
    return cli_check.run_validate(args)


def cmd_consolidate(args) -> int:
    return cli_check.run_consolidate(args)


def cmd_demo(args) -> int:
    return demo.run(args)


def cmd_addin_build(args) -> int:
    return addin_cli.run_build(args)


def cmd_addin_install(args) -> int:
    return addin_cli.run_install(args)


def cmd_addin_uninstall(args) -> int:
    return addin_cli.run_uninstall(args)


def cmd_addin_lite(args) -> int:
    return addin_cli.run_lite(args)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except UsageError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    except (KpiError, KpiInputError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; no output was left half-written.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `kpi validate … | head`: the reader left; stay quiet
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
