"""Every text a user reads, in Chinese and English, from one catalog.

A text has a key (``"cli.wrote_workbook"``) and one template per language; it is
rendered with :func:`render`, which fails loudly on an unknown key or a missing
value, so no message ever shows a ``{placeholder}``. Finding messages are the
templates of :mod:`addin.contract.findings`. The scoring engine's error texts are
declared beside the engine (``udfs.messages``: the bottom layer, which the Excel
functions use too) and registered here as area ``engine``: ``render("engine.blank",
lang, argument="target")`` renders them with the engine's rules (argument names and
the ``got``/``row`` suffixes in the language); a ``KpiInputError`` renders itself the
same way (``error.render(lang)``).

The language of an output is the one chosen with ``--lang``, else the environment
variable ``KPI_LANG``, else Chinese (:func:`resolve_lang`).

Texts are grouped by area, one module each (``cli``, ``errors``, ...); each module
holds a ``TEXTS`` dict of ``key -> (zh, en)``, registered below under its area name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from addin.contract.messages import addin, checks, cli, collect, errors, files, ribbon, team
from udfs import messages as engine

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LANG_ENV = "KPI_LANG"


@dataclass(frozen=True)
class Text:
    """One user-facing text: a format template per language."""

    zh: str
    en: str

    def template(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def _register(catalog: dict[str, Text], area: str, texts: Mapping[str, tuple[str, str]]) -> None:
    for key, (zh, en) in texts.items():
        full = f"{area}.{key}"
        if full in catalog:
            raise ValueError(f"message {full} is declared twice")
        catalog[full] = Text(zh, en)


CATALOG: dict[str, Text] = {}
AREAS = (  # one area per line: helpers add theirs without touching the others'
    ("addin", addin),
    ("checks", checks),
    ("cli", cli),
    ("collect", collect),
    ("engine", engine),
    ("errors", errors),
    ("files", files),
    ("ribbon", ribbon),
    ("team", team),
)
for _area, _module in AREAS:
    _register(CATALOG, _area, _module.TEXTS)
# `kpi collect`/`kpi fill` keep their error texts and command-line texts beside their other texts
_register(CATALOG, "errors", collect.ERRORS)
_register(CATALOG, "cli", collect.CLI)


def render(key: str, lang: str, /, **values: object) -> str:
    """The text ``key`` in ``lang`` with ``values`` filled in.

    Raises:
        KeyError: unknown key, or a placeholder without a value (a bug, never hidden).
    """
    text = CATALOG[key]
    if key.startswith("engine."):
        return engine.render(key.removeprefix("engine."), lang, values)
    return text.template(lang).format(**values)


def resolve_lang(explicit: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """The output language: ``explicit`` (``--lang``), else ``KPI_LANG``, else zh.

    An unknown ``KPI_LANG`` value is ignored (zh), so a stray setting never stops a command.
    """
    if explicit in LANGS:
        return explicit
    value = (os.environ if env is None else env).get(LANG_ENV, "").strip().lower()
    return value if value in LANGS else DEFAULT_LANG


__all__ = ["CATALOG", "DEFAULT_LANG", "LANGS", "LANG_ENV", "Text", "render", "resolve_lang"]
