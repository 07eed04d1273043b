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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from addin.contract.messages import (
    addin,
    cards,
    checks,
    cli,
    collect,
    errors,
    files,
    manager,
    output,
    ribbon,
    roster,
    team,
)
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
    ("cards", cards),
    ("checks", checks),
    ("cli", cli),
    ("collect", collect),
    ("engine", engine),
    ("errors", errors),
    ("files", files),
    ("manager", manager),
    ("output", output),
    ("ribbon", ribbon),
    ("roster", roster),
    ("team", team),
)
for _area, _module in AREAS:
    _register(CATALOG, _area, _module.TEXTS)
# `kpi collect`/`kpi fill` keep their error texts and command-line texts beside their other texts
_register(CATALOG, "errors", collect.ERRORS)
_register(CATALOG, "cli", collect.CLI)


@dataclass(frozen=True)
class Message:
    """A text whose language is chosen when it is shown: a catalog key and its values.

    Store one where the language is not known yet (a reader's reason, a part of an error)
    and render it late: ``Message("files.lock_file").render("zh")``. As a value of another
    text it is rendered in that text's language.
    """

    key: str
    values: Mapping[str, object] = field(default_factory=dict)

    def __init__(self, key: str, /, **values: object) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "values", values)

    def render(self, lang: str) -> str:
        return render(self.key, lang, **self.values)

    def __str__(self) -> str:
        return self.render("en")


@dataclass(frozen=True)
class Listed:
    """Items listed as the language lists them: ``甲、乙`` (zh), ``a, b`` (en); a value of a text."""

    items: tuple[str, ...]

    def __init__(self, items: Iterable[object]) -> None:
        object.__setattr__(self, "items", tuple(str(item) for item in items))

    def render(self, lang: str) -> str:
        return ("、" if lang == "zh" else ", ").join(self.items)


def counted(key: str, count: int) -> Message:
    """A number with its noun, to render in either language: the text ``key`` (a ``{count}``
    placeholder: ``("{count} 个文件", "{count} files")``) or, for exactly one, ``key_one``
    (``("{count} 个文件", "{count} file")``) when the catalog has it. Chinese needs no plural;
    English reads "1 file", "2 files"."""
    one = f"{key}_one"
    return Message(one if count == 1 and one in CATALOG else key, count=count)


def render(key: str, lang: str, /, **values: object) -> str:
    """The text ``key`` in ``lang`` with ``values`` filled in.

    A value with a ``render(lang)`` method (a :class:`Message`, an error, a finding) is
    rendered in ``lang`` first, so a text never mixes two languages.

    Raises:
        KeyError: unknown key, or a placeholder without a value (a bug, never hidden).
    """
    text = CATALOG[key]
    values = {name: _in(lang, value) for name, value in values.items()}
    if key.startswith("engine."):
        return engine.render(key.removeprefix("engine."), lang, values)
    return text.template(lang).format(**values)


def _in(lang: str, value: object) -> object:
    renderer = getattr(value, "render", None)
    return renderer(lang) if callable(renderer) else value


def resolve_lang(explicit: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """The output language: ``explicit`` (``--lang``), else ``KPI_LANG``, else zh.

    An unknown ``KPI_LANG`` value is ignored (zh), so a stray setting never stops a command.
    """
    if explicit in LANGS:
        return explicit
    value = (os.environ if env is None else env).get(LANG_ENV, "").strip().lower()
    return value if value in LANGS else DEFAULT_LANG


__all__ = ["CATALOG", "DEFAULT_LANG", "LANGS", "LANG_ENV", "Listed", "Message", "Text", "counted", "render", "resolve_lang"]
