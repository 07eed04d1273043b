"""The `kpi` command line: builds the parser, runs a command, turns errors into exit codes.

Each command (or command group) has two parts, listed once in ``addin.cli.commands.COMMANDS``:

- its parser function adds the subcommand, options and help texts (rendered from
  ``addin.contract.messages`` area ``cli`` in ``lang``); building every parser is cheap;
- its module ``addin.cli.<name>`` has ``run(args, lang) -> int``, which calls the library,
  prints in ``lang`` and returns the exit code. :func:`run_command` imports that module
  (and so pandas, xlwings, openpyxl, polars, ... as far as the command needs them) only
  after the command line was parsed: ``kpi --version`` and ``kpi <command> --help`` start
  in a tenth of a second, and each command loads only its own libraries.

The language of every line is ``--lang``, else ``KPI_LANG``, else zh. This module is the
only place where domain errors become an ``错误：…`` / ``Error: …`` line and an exit code:
2 usage, 1 failure, 130 interrupted; no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

from addin.cli.commands import COMMANDS
from addin.cli.console import setup_streams, visible
from addin.cli.parsing import Parser, add_lang, prescan_lang
from addin.contract.errors import KpiError, KpiInputError, UsageError
from addin.contract.messages import render, resolve_lang


def package_version() -> str:
    """The installed version of kpi-scorecard ("dev" in a source tree that is not installed)."""
    try:
        return version("kpi-scorecard")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "dev"


def build_parser(lang: str = "zh") -> Parser:
    """The parser of `kpi` with its help texts in ``lang``."""
    parser = Parser(prog="kpi", description=render("cli.description", lang), lang=lang)
    parser.add_argument("--version", action="version", version=f"kpi-scorecard {package_version()}",
                        help=render("cli.version", lang))
    add_lang(parser, lang, dest="main_lang")  # `kpi --lang en --help`; a command's own --lang wins
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title=render("cli.commands", lang))
    for command in COMMANDS:
        command.parser(sub, lang).set_defaults(command_module=command.module)
    return parser


def run_command(args: argparse.Namespace, lang: str) -> int:
    """Import the chosen command's module (the command loader: the one place the CLI imports late) and run it."""
    return int(importlib.import_module(args.command_module).run(args, lang))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    setup_streams()
    lang = prescan_lang(argv)
    parser = build_parser(lang)
    args = parser.parse_args(argv)
    if not getattr(args, "command_module", None):
        parser.print_help()
        return 2
    lang = resolve_lang(getattr(args, "lang", None) or args.main_lang)
    try:
        return run_command(args, lang)
    except UsageError as exc:
        _error(exc.render(lang), lang)
        return 2
    except (KpiError, KpiInputError) as exc:
        _error(exc.render(lang), lang)
        return 1
    except KeyboardInterrupt:
        print(render("cli.interrupted", lang), file=sys.stderr)
        return 130
    except BrokenPipeError:  # `kpi validate … | head`: the reader left; stay quiet
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _error(message: str, lang: str) -> None:
    """``错误：…`` / ``Error: …``; a message of several lines (the add-in's alternatives) keeps its lines,
    any other control character is shown as an escape."""
    print(render("cli.error", lang, message="\n".join(visible(line) for line in message.split("\n"))),
          file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
