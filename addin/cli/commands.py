"""The commands of `kpi`: each one's parser, and the module that runs it.

Building the parser (``kpi --help``, ``kpi validate --help``, ``kpi --version``) imports
nothing but this module, ``parsing`` and the message catalog: no xlwings, pandas,
openpyxl, polars or numpy-heavy library code. The module that runs a command, and with it
the libraries that command needs, is imported by ``main.run_command`` only once that
command was chosen. A new command is a ``<name>_parser`` function here, one
:class:`Command` in :data:`COMMANDS`, and a module ``addin.cli.<name>`` with
``run(args, lang) -> int``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from addin.cli.parsing import add_force, add_lang, command
from addin.collect.preset_names import PRESET_NAMES
from addin.contract.messages import render
from addin.contract.schema import MODES, SIZES


@dataclass(frozen=True)
class Command:
    """One subcommand of `kpi`: its parser (cheap to build) and the module that runs it (imported on use)."""

    name: str
    parser: Callable[[Any, str], argparse.ArgumentParser]
    module: str  # its ``run(args, lang) -> int`` does the work; imported only when this command runs



def new_parser(subparsers, lang: str) -> argparse.ArgumentParser:
    p = command(subparsers, "new", lang)
    p.add_argument("--size", choices=SIZES, default="medium", help=render("cli.new.size", lang))
    add_lang(p, lang, "cli.new.lang")
    p.add_argument("--mode", choices=MODES, default="portable", help=render("cli.new.mode", lang))
    p.add_argument("--roster", metavar="ROSTER", help=render("cli.new.roster", lang))
    p.add_argument("--period", help=render("cli.new.period", lang))
    p.add_argument("-o", "--output", required=True, metavar="PATH", help=render("cli.new.output", lang))
    p.add_argument("--actuals", metavar="ACTUALS.xlsx", help=render("cli.actuals_option", lang))
    add_force(p, lang, note="cli.new.force")
    return p


def validate_parser(subparsers, lang: str) -> argparse.ArgumentParser:
    p = command(subparsers, "validate", lang)
    p.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
    p.add_argument("--json", action="store_true", help=render("cli.validate.json", lang))
    add_lang(p, lang)
    p.add_argument("--master", metavar="TEMPLATE.xlsx", help=render("cli.validate.master", lang))
    p.add_argument("--period", help=render("cli.validate.period", lang))
    p.add_argument("--roster", metavar="ROSTER", help=render("cli.validate.roster", lang))
    return p


def consolidate_parser(subparsers, lang: str) -> argparse.ArgumentParser:
    p = command(subparsers, "consolidate", lang)
    p.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
    p.add_argument("-o", "--output", required=True, metavar="TEAM.xlsx", help=render("cli.consolidate.output_option", lang))
    p.add_argument("--period", help=render("cli.consolidate.period", lang))
    p.add_argument("--master", metavar="TEMPLATE.xlsx", help=render("cli.validate.master", lang))
    p.add_argument("--roster", metavar="ROSTER", help=render("cli.consolidate.roster", lang))
    add_lang(p, lang, "cli.consolidate.lang")
    p.add_argument("--bonus-pool", type=float, metavar="AMOUNT", help=render("cli.consolidate.bonus_pool", lang))
    p.add_argument("--base-bonus", type=float, default=10000.0, metavar="AMOUNT",
                   help=render("cli.consolidate.base_bonus", lang))
    p.add_argument("--previous", metavar="TEAM_PREV.xlsx", help=render("cli.consolidate.previous", lang))
    p.add_argument("--json", metavar="REPORT.json", help=render("cli.consolidate.json", lang))
    p.add_argument("--strict", action="store_true", help=render("cli.consolidate.strict", lang))
    add_force(p, lang, note="cli.force_ours")
    p.add_argument("--no-progress", action="store_true", help=render("cli.consolidate.no_progress", lang))
    p.add_argument("--actuals", metavar="ACTUALS.xlsx", help=render("cli.actuals_option", lang))
    return p


def collect_parser(subparsers, lang: str) -> argparse.ArgumentParser:
    p = command(subparsers, "collect", lang)
    p.add_argument("rules", nargs="?", metavar="RULES", help=render("cli.collect.rules", lang))
    p.add_argument("--roster", metavar="ROSTER", help=render("cli.collect.roster", lang))
    p.add_argument("--period", help=render("cli.collect.period", lang))
    p.add_argument("-o", "--output", metavar="ACTUALS.xlsx", help=render("cli.collect.output", lang))
    p.add_argument("--data", metavar="DIR", help=render("cli.collect.data", lang))
    add_lang(p, lang, "cli.collect.lang")
    p.add_argument("--json", metavar="REPORT.json", help=render("cli.collect.json", lang))
    p.add_argument("--strict", action="store_true", help=render("cli.collect.strict", lang))
    add_force(p, lang, note="cli.force_ours")
    p.add_argument("--init", metavar="RULES.xlsx", help=render("cli.collect.init", lang))
    p.add_argument("--preset", choices=sorted(PRESET_NAMES), default="cordys", help=render("cli.collect.preset", lang))
    p.add_argument("--size", choices=SIZES, default="medium", help=render("cli.collect.size", lang))
    return p


def fill_parser(subparsers, lang: str) -> argparse.ArgumentParser:
    p = command(subparsers, "fill", lang)
    p.add_argument("paths", nargs="+", metavar="SCORECARD_OR_DIR")
    p.add_argument("--actuals", required=True, metavar="ACTUALS.xlsx", help=render("cli.fill.actuals", lang))
    p.add_argument("-o", "--output", required=True, metavar="OUT_DIR", help=render("cli.fill.output", lang))
    add_lang(p, lang, "cli.fill.lang")
    add_force(p, lang)
    return p


def cards_parser(subparsers, lang: str) -> argparse.ArgumentParser:
    p = command(subparsers, "cards", lang)
    p.add_argument("team", metavar="TEAM.xlsx", help=render("cli.cards.team", lang))
    p.add_argument("-o", "--output", required=True, metavar="DIR", help=render("cli.cards.output", lang))
    p.add_argument("--pdf", action="store_true", help=render("cli.cards.pdf", lang))
    add_lang(p, lang, "cli.cards.lang")
    p.add_argument("--manager", nargs="+", metavar="ID", help=render("cli.cards.manager", lang))
    add_force(p, lang)
    return p


def demo_parser(subparsers, lang: str) -> argparse.ArgumentParser:
    p = command(subparsers, "demo", lang)
    p.add_argument("-o", "--output", default="kpi-demo", metavar="DIR", help=render("cli.demo.output", lang))
    p.add_argument("--managers", type=int, default=24, help=render("cli.demo.managers", lang))
    p.add_argument("--size", choices=SIZES, default="medium", help=render("cli.demo.size", lang))
    add_lang(p, lang, "cli.demo.lang")
    p.add_argument("--seed", type=int, default=7, help=render("cli.demo.seed", lang))
    return p


def addin_parser(subparsers, lang: str) -> argparse.ArgumentParser:
    p = command(subparsers, "addin", lang)
    actions = p.add_subparsers(dest="action", metavar="ACTION", title=render("cli.addin.actions", lang),
                               required=True)
    a = command(actions, "addin build", lang)
    a.add_argument("-o", "--output", default=".", metavar="DIR", help=render("cli.addin.build.output", lang))
    add_force(a, lang)
    add_lang(a, lang, "cli.addin.build.lang")
    a = command(actions, "addin install", lang)
    a.add_argument("--com-import", action="store_true", help=render("cli.addin.install.com_import", lang))
    add_lang(a, lang, "cli.addin.build.lang")
    a = command(actions, "addin uninstall", lang)
    add_lang(a, lang)
    a = command(actions, "addin lite", lang)
    a.add_argument("-o", "--output", default="kpi-lite", metavar="DIR", help=render("cli.addin.lite.output", lang))
    add_force(a, lang)
    add_lang(a, lang)
    return p


COMMANDS = (
    Command("new", new_parser, "addin.cli.new"),
    Command("validate", validate_parser, "addin.cli.validate"),
    Command("consolidate", consolidate_parser, "addin.cli.consolidate"),
    Command("collect", collect_parser, "addin.cli.collect"),
    Command("fill", fill_parser, "addin.cli.fill"),
    Command("cards", cards_parser, "addin.cli.cards"),
    Command("demo", demo_parser, "addin.cli.demo"),
    Command("addin", addin_parser, "addin.cli.addin"),
)
