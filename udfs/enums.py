"""Enumerations of SCORING.md: canonical English keys and their Chinese labels.

Every parser accepts the key or the label, trimmed and case-insensitive, and
returns the canonical key. Declared once here; the workbook schema, the
templates and the validators all take their allowed values from this module.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import KpiInputError


@dataclass(frozen=True)
class Enumeration:
    """A closed set of values, each with an English key and a Chinese label."""

    name: str
    labels: dict[str, str]  # key -> zh label, in display order
    aliases: dict[str, str] | None = None  # extra accepted spellings -> key

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.labels)

    def label(self, key: str, lang: str = "en") -> str:
        """The display text of ``key`` in ``lang`` ("en" gives the key itself)."""
        return self.labels[key] if lang == "zh" else key

    def choices(self, lang: str = "en") -> list[str]:
        return [self.label(k, lang) for k in self.labels]

    def lookup(self) -> dict[str, str]:
        table = {k.lower(): k for k in self.labels}
        table.update({v.lower(): k for k, v in self.labels.items()})
        for alias, key in (self.aliases or {}).items():
            table[alias.lower()] = key
        return table

    def parse(self, value, argument: str | None = None) -> str:
        """Canonical key of one value; raises KpiInputError naming ``argument``."""
        key = self.try_parse(value)
        if key is None:
            raise self.error(value, argument)
        return key

    def try_parse(self, value) -> str | None:
        if isinstance(value, (bool, np.bool_)) and self.aliases and "true" in self.aliases:
            return self.aliases["true" if value else "false"]
        if not isinstance(value, str):
            if isinstance(value, (int, float, np.integer, np.floating)) and self.aliases:
                text = str(int(value)) if float(value).is_integer() else str(value)
                return self.aliases.get(text)
            return None
        return _LOOKUPS[self.name].get(value.strip().lower())

    def error(self, value, argument: str | None = None) -> KpiInputError:
        """The error for a value that is none of the enumeration's (``direction must be one of …``)."""
        allowed = ", ".join(f"{k}/{v}" for k, v in self.labels.items())
        if isinstance(value, np.generic):
            value = value.item()
        return KpiInputError("enum", argument=argument or self.name, allowed=allowed, got=value)


DIRECTION = Enumeration("direction", {"higher": "越高越好", "lower": "越低越好"})
METHOD = Enumeration(
    "method", {"linear": "线性", "band": "分档", "binary": "达标制", "deduction": "扣分制"}
)
DIMENSION = Enumeration("dimension", {"results": "业绩结果", "process": "过程行为", "customer": "客户价值"})
TIER = Enumeration("tier", {"individual": "个人", "team": "团队", "company": "公司"})
ROLE = Enumeration("role", {"self": "自评", "peer": "互评", "manager": "上级"})
VETO = Enumeration(
    "veto",
    {"yes": "是", "no": "否"},
    aliases={"true": "yes", "false": "no", "y": "yes", "n": "no", "1": "yes", "0": "no"},
)
GRADE = Enumeration("grade", {"S": "S", "A": "A", "B": "B", "C": "C", "D": "D"})
SIZE = Enumeration("size", {"small": "小型", "medium": "中型", "large": "大型"})

ALL = (DIRECTION, METHOD, DIMENSION, TIER, ROLE, VETO, GRADE, SIZE)
_LOOKUPS = {e.name: e.lookup() for e in ALL}


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) \
        or (isinstance(value, float) and value != value)


def parse_codes(values, enum: Enumeration, argument: str, default: str | None = None) -> np.ndarray:
    """Parse a scalar or array of enumeration values into integer codes (index in ``enum.keys``).

    Vectorised: the exact spellings (keys and labels) are matched with one array
    comparison each; only the rest (other case, spaces, aliases) goes through
    ``np.unique`` and is parsed once per distinct value, so a million rows of a
    few distinct strings stay cheap. With a ``default`` key, blanks (None, "", NaN)
    take that value; without one they are an error.
    """
    try:
        arr = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object if values is None else None)
    except ValueError:  # a ragged nested list
        raise KpiInputError("not_rows", argument=argument) from None
    if arr.ndim == 0:
        item = arr.item()
        if default is not None and _is_blank(item):
            return np.asarray(enum.keys.index(default), dtype=np.int8)
        return np.asarray(enum.keys.index(enum.parse(item, argument)), dtype=np.int8)
    codes = np.full(arr.shape, -1, dtype=np.int8)
    if arr.dtype.kind == "U":
        for code, key in enumerate(enum.keys):
            for spelling in {key, enum.labels[key]}:
                codes[arr == spelling] = code
        rest = codes < 0
        if not rest.any():
            return codes
        uniques, inverse = np.unique(arr[rest], return_inverse=True)
    else:
        rest = np.ones(arr.shape, dtype=bool)
        uniques, inverse = _unique_objects(arr.astype(object))
    parsed = np.empty(len(uniques), dtype=np.int8)
    for i, value in enumerate(uniques):
        if default is not None and _is_blank(value):
            parsed[i] = enum.keys.index(default)
        else:
            parsed[i] = enum.keys.index(enum.parse(value, argument))
    codes[rest] = parsed[inverse.ravel()]
    return codes


def _unique_objects(arr: np.ndarray):
    """np.unique for object arrays that may mix types (None, numbers, strings)."""
    flat = arr.ravel()
    seen: dict = {}
    inverse = np.empty(flat.size, dtype=np.intp)
    uniques: list = []
    for i, value in enumerate(flat):
        key: tuple[str, object]
        if isinstance(value, float) and value != value:
            key = ("nan", None)
        else:
            try:
                key = (type(value).__name__, value)
                hash(key)
            except TypeError:  # a list or dict: kept as its own value (and rejected by the caller)
                key = ("id", id(value))
        index = seen.setdefault(key, len(seen))
        if index == len(uniques):
            uniques.append(value)
        inverse[i] = index
    return uniques, inverse
