"""How a value of the team tables is shown in a cell, in the workbook's one language, and read back.

The tables keep canonical keys (``error``, ``merged``, ``results``, True); the workbook shows
them in the chosen language: with ``zh`` every value is Chinese (是/否, 错误/警告/提示,
已合并/已拒绝/重复, 业绩结果 …); with ``en`` booleans stay booleans and keys stay keys. Codes
(finding codes), ids, paths and numbers are not words and are shown as they are.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from addin.contract.messages import render
from udfs.enums import DIMENSION, DIRECTION, METHOD, ROLE, TIER, Enumeration

ENUMS: dict[str, Enumeration] = {"dimension": DIMENSION, "tier": TIER, "direction": DIRECTION, "method": METHOD,
                                 "role": ROLE}
BOOLEAN_KEYS = frozenset({"veto"})
# Columns whose values are one of a few keys, each with a text "team.<prefix>_<key>".
KEYED = {"severity": "severity", "status": "status", "movement": "movement"}
SEVERITIES = ("error", "warning", "info")
STATUSES = ("merged", "rejected", "duplicate", "scored", "missing")
MOVEMENTS = ("new", "up", "down", "same")
_KEYS = {"severity": SEVERITIES, "status": STATUSES, "movement": MOVEMENTS}


def keyed_label(column: str, key: str, lang: str) -> str:
    """The shown text of a key of a keyed column (``severity``, ``status``, ``movement``)."""
    return render(f"team.{KEYED[column]}_{key}", lang)


def yes_no(value: bool, lang: str) -> str:
    return render("team.yes" if value else "team.no", lang)


def display(key: str, value: Any, lang: str) -> Any:
    """The value of column ``key`` as the cell shows it in ``lang``."""
    if value is None:
        return None
    if key in BOOLEAN_KEYS and isinstance(value, (bool, np.bool_)):
        return yes_no(bool(value), lang) if lang == "zh" else bool(value)
    if isinstance(value, str):
        enum = ENUMS.get(key)
        if enum is not None and value in enum.labels:
            return enum.label(value, lang)
        if key in KEYED and value in _KEYS[key]:
            return keyed_label(key, value, lang)
    return value


def display_column(key: str, values: list, lang: str) -> list:
    """:func:`display` over a column, each distinct value looked up once (a few per column)."""
    if key not in ENUMS and key not in KEYED and key not in BOOLEAN_KEYS:
        return values
    shown: dict = {}
    out = []
    for value in values:
        try:
            label = shown[value]
        except KeyError:
            label = shown[value] = display(key, value, lang)
        except TypeError:  # unhashable: never in these columns, but never fail on it
            label = display(key, value, lang)
        out.append(label)
    return out


def _reverse() -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for key, enum in ENUMS.items():
        table[key] = {k.casefold(): k for k in enum.lookup().values()} | {
            text.casefold(): k for text, k in enum.lookup().items()}
    for column, keys in _KEYS.items():
        table[column] = {render(f"team.{KEYED[column]}_{k}", lang).casefold(): k for k in keys for lang in ("zh", "en")}
    for column in BOOLEAN_KEYS:
        table[column] = {render("team.yes", lang).casefold(): True for lang in ("zh", "en")} | {
            render("team.no", lang).casefold(): False for lang in ("zh", "en")} | {"true": True, "false": False}
    return table


_REVERSE = _reverse()


def parse(key: str, value: Any) -> Any:
    """A shown value read back from a team workbook (either language) as the table's key."""
    if isinstance(value, float) and math.isnan(value):
        return None
    lookup = _REVERSE.get(key)
    if lookup is None or not isinstance(value, str):
        return value
    return lookup.get(value.strip().casefold(), value)
