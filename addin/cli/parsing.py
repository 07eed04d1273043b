"""The argument parser in the user's language, and the `--lang` option every command shares.

The language of ``kpi … --help`` and of argparse's usage errors is known before the
parser exists: :func:`prescan_lang` reads ``--lang`` from the raw arguments (else
``KPI_LANG``, else zh), so help texts are rendered from the catalog in that language.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from addin.contract.messages import CATALOG, LANGS, render, resolve_lang


class _Formatter(argparse.HelpFormatter):
    usage_prefix = "usage: "
    lang = "en"

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, self.usage_prefix if prefix is None else prefix)

    def format_help(self) -> str:
        text = super().format_help()
        # argparse ends a section heading with an ASCII colon; Chinese punctuation in zh ("选项：")
        return re.sub(r"^(\S[^\n]*):$", r"\1：", text, flags=re.M) if self.lang == "zh" else text


# argparse's message ids (the English of its gettext calls) -> their key in the catalog
_ARGPARSE_IDS = {CATALOG[key].template("en"): key for key in CATALOG if key.startswith("cli.argparse.")}


def _argparse_text(lang: str, message: str) -> str:
    key = _ARGPARSE_IDS.get(message)
    return CATALOG[key].template(lang) if key and lang != "en" else message


@contextlib.contextmanager
def _argparse_language(lang: str) -> Iterator[None]:
    """argparse's own messages in ``lang``: its gettext functions (``argparse._``, ``argparse.ngettext``)
    answer from the catalog while this parser parses, as a gettext catalog of argparse's domain would."""
    module = vars(argparse)
    if lang == "en" or "_" not in module or "ngettext" not in module:  # English, or a Python that words it otherwise
        yield
        return
    saved = module["_"], module["ngettext"]
    module["_"] = lambda message: _argparse_text(lang, message)
    module["ngettext"] = lambda one, many, n: _argparse_text(lang, one if n == 1 else many)
    try:
        yield
    finally:
        module["_"], module["ngettext"] = saved


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that knows the output language; its subparsers inherit it.

    Its own words (usage, options, -h) are in that language too, and so are argparse's messages
    about bad arguments (:func:`_argparse_language`). A usage error prints the usage and
    ``错误：…`` / ``Error: …`` and exits with code 2.
    """

    def __init__(self, *args: Any, lang: str = "zh", **kwargs: Any) -> None:
        super().__init__(*args, add_help=False, **kwargs)
        self.lang = lang
        self._optionals.title = render("cli.options", lang)
        self._positionals.title = render("cli.positionals", lang)
        self.add_argument("-h", "--help", action="help", help=render("cli.help", lang))

    def _get_formatter(self) -> argparse.HelpFormatter:
        formatter = _Formatter(prog=self.prog)
        formatter.usage_prefix = render("cli.usage", self.lang)
        formatter.lang = self.lang
        return formatter

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[override]
        with _argparse_language(self.lang):
            return super().parse_known_args(args, namespace)

    def parse_args(self, args=None, namespace=None):  # type: ignore[override]
        with _argparse_language(self.lang):  # "unrecognized arguments" is worded here
            return super().parse_args(args, namespace)

    def add_subparsers(self, **kwargs: Any):  # type: ignore[override]
        kwargs.setdefault("parser_class", _child(self.lang))
        return super().add_subparsers(**kwargs)

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, render("cli.error", self.lang, message=message) + "\n")


def _child(lang: str):
    def make(**kwargs: Any) -> Parser:
        return Parser(lang=lang, **kwargs)
    return make


def command(subparsers, name: str, lang: str, **kwargs: Any) -> Parser:
    """Add the subcommand ``name`` with its help line and description from the catalog (``cli.<name>.*``)."""
    key = f"cli.{name.replace(' ', '.')}"
    return subparsers.add_parser(name.split()[-1], help=render(f"{key}.help", lang),
                                 description=kwargs.pop("description", None) or _description(key, lang), **kwargs)


def _description(key: str, lang: str) -> str:
    """``<key>.description`` when the command has one, else its help line."""
    return render(f"{key}.description" if f"{key}.description" in CATALOG else f"{key}.help", lang)


def add_lang(parser: argparse.ArgumentParser, lang: str, help_key: str = "cli.lang", dest: str = "lang") -> None:
    """The ``--lang zh|en`` option; unset, the language is ``KPI_LANG``, else zh (resolved in ``main``)."""
    parser.add_argument("--lang", choices=LANGS, default=None, dest=dest, help=render(help_key, lang))


def add_force(parser: argparse.ArgumentParser, lang: str, note: str | None = None) -> None:
    """The ``--force`` option, the same for every command that writes (:mod:`addin.xlsx.output`):
    an existing file is replaced; a folder, a device or an input never is. ``note``: a text key
    appended to the help (what ``--force`` does not do for this command)."""
    help_text = render("cli.force", lang) + (render(note, lang) if note else "")
    parser.add_argument("--force", action="store_true", help=help_text)


def prescan_lang(argv: Sequence[str], env=None) -> str:
    """The language named by ``--lang X`` or ``--lang=X`` in ``argv``, else ``KPI_LANG``, else zh."""
    explicit = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            explicit = argv[i + 1]
        elif arg.startswith("--lang="):
            explicit = arg.split("=", 1)[1]
    return resolve_lang(explicit, env)
