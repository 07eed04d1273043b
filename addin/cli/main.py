"""The `kpi` command line: builds the parser, runs a command, turns errors into exit codes.

Each command (or command group) is one module of ``addin.cli`` with two functions:

- ``register(subparsers, lang) -> ArgumentParser`` adds its subcommand, options and help
  texts (rendered from ``addin.contract.messages`` area ``cli`` in ``lang``);
- ``run(args, lang) -> int`` calls the library, prints in ``lang``, returns the exit code.

A new command is a new module plus one entry in :data:`COMMANDS`. The language of every
line is ``--lang``, else ``KPI_LANG``, else zh. This module is the only place where domain
errors become an ``错误：…`` / ``Error: …`` line and an exit code: 2 usage, 1 failure,
130 interrupted; no traceback reaches the user.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

from addin.cli import addin, cards, collect, consolidate, demo, fill, new, validate
from addin.cli.console import setup_streams, visible
from addin.cli.parsing import Parser, add_lang, prescan_lang
from addin.contract.errors import KpiError, KpiInputError, UsageError
from addin.contract.messages import render, resolve_lang

COMMANDS = (new, validate, consolidate, collect, fill, cards, demo, addin)


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
    for module in COMMANDS:
        module.register(sub, lang).set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    setup_streams()
    lang = prescan_lang(argv)
    parser = build_parser(lang)
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    lang = resolve_lang(getattr(args, "lang", None) or args.main_lang)
    try:
        return int(args.run(args, lang))
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
    print(render("cli.error", lang, message=visible(message)), file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
