"""Why a roster cannot be used: one error naming every bad row and column, in the user's language.

Problems are collected while the roster is read (:class:`Problem`, a message key of area
``roster`` with its values) and raised together as one :class:`RosterProblems`, rendered
when the command line (or the ribbon) shows it. Values that are lists of rows or columns
are rendered in the same language as the message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from addin.contract.errors import RosterError
from addin.contract.messages import render
from addin.roster.model import column_letter
from addin.xlsx.values import value_text
from udfs.enums import SIZE

_SEPARATOR = {"zh": "；", "en": "; "}
_LIST = {"zh": "、", "en": ", "}


@dataclass(frozen=True)
class Rows:
    """Row numbers, each optionally with the value found there: "rows 3 ('abc'), 5 ('0')"."""

    entries: tuple[tuple[int, Any], ...]
    with_values: bool = True

    def render(self, lang: str) -> str:
        parts = []
        for number, value in self.entries:
            if not self.with_values:
                parts.append(render("roster.row_plain", lang, row=number))
                continue
            text = value_text(value)
            text = text if len(text) <= 20 else text[:19] + "…"
            parts.append(render("roster.row_value", lang, row=number, value=repr(text)))
        key = "roster.rows_many" if len(parts) > 1 else "roster.rows_one"
        return render(key, lang, rows=_LIST[lang].join(parts))


@dataclass(frozen=True)
class Column:
    """A roster column as named in a message: column '销售额' (C)."""

    header: str
    index: int
    bare: bool = False  # without the word "column" (in a list of "target columns …")
    note: Any = None  # e.g. the sizes whose indicator it names

    def render(self, lang: str) -> str:
        text = render("roster.column_bare" if self.bare else "roster.column", lang,
                      header=repr(str(self.header).strip()), letter=column_letter(self.index))
        return text + (render("roster.other_size", lang, sizes=self.note.render(lang)) if self.note else "")


@dataclass(frozen=True)
class Sizes:
    """Template sizes: medium/large (en) or 中型/大型 (zh)."""

    keys: tuple[str, ...]

    def render(self, lang: str) -> str:
        return "/".join(SIZE.label(k, lang) if lang == "zh" else k for k in self.keys)


@dataclass(frozen=True)
class Problem:
    """One problem of a roster: a text of area ``roster`` and its values (rendered lazily)."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str) -> str:
        return render(f"roster.{self.key}", lang, **{k: _rendered(v, lang) for k, v in self.values.items()})


def _rendered(value, lang: str):
    if hasattr(value, "render"):
        return value.render(lang)
    if isinstance(value, list):
        return _LIST[lang].join(_rendered(v, lang) for v in value)
    return value


class RosterProblems(RosterError):
    """A roster with problems: every bad row and column of ``file``, in one message."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        super().__init__("roster_problems", file=file)
        self.file = file
        self.problems = list(problems)

    def render(self, lang: str) -> str:
        text = _SEPARATOR[lang].join(p.render(lang) for p in self.problems)
        return render("errors.roster_problems", lang, file=self.file, problems=text)


class RosterUnusable(RosterError):
    """A roster that cannot be read at all (missing, wrong kind of file, empty, no id column)."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key, **values)

    def render(self, lang: str) -> str:
        return render(f"roster.{self.key}", lang, **{k: _rendered(v, lang) for k, v in self.values.items()})
