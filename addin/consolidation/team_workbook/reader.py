"""Reading a team workbook back: for result cards (`kpi cards`) and `kpi consolidate --previous`.

Only the tables are relied on (found by name; headers in zh or en, as the writer puts them),
never sheet names or positions, so HR may restyle, sort or move things in the team
workbook. Shown values are read back as the tables' keys (是/否 → True, 已合并 → merged,
业绩结果 → results). A table split over several sheets (``tblScores``, ``tblScores_2`` …)
is read as one. The file is recognised and read with the same safety caps as every input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from addin.consolidation.team_workbook.values import parse
from addin.contract import schema
from addin.contract.errors import UsageError
from addin.contract.messages import render
from addin.xlsx.guard import safe_workbook
from addin.xlsx.safety import MAX_FILE_BYTES, UnsafeFile, open_workbook_zip, read_file

_TABLES = {t.name: t for t in (*schema.TEAM_TABLES, schema.MANAGERS_OUT_PREVIOUS, schema.TEAMS_OUT_PREVIOUS,
                                schema.SETTINGS_OUT)}
_LOOKUPS = {name: {**schema.MANAGERS_OUT_PREVIOUS.header_lookup(), **table.header_lookup()}
            if name == "tblManagers" else
            {**schema.TEAMS_OUT_PREVIOUS.header_lookup(), **table.header_lookup()} if name == "tblTeams" else
            table.header_lookup() for name, table in _TABLES.items()}
_INTEGERS = frozenset({"rank", "team_rank", "findings", "managers", "forced_s", "forced_a", "forced_b", "forced_c",
                       "forced_d"})
_PART = re.compile(r"^(tbl[A-Za-z]+?)(?:_?(\d+))?$")


def _page_order(name: str) -> tuple[str, int]:
    """tblScores, tblScores_2, …, tblScores_10: a table's pages in their order."""
    match = _PART.match(name)
    return (match.group(1), int(match.group(2) or 1)) if match else (name, 0)


@dataclass
class TeamWorkbook:
    """The tables of a team workbook as rows keyed by column key (values as keys, not labels)."""

    path: Path
    lang: str
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    columns: dict[str, list[str]] = field(default_factory=dict)  # the keys each table has
    settings: dict[str, Any] = field(default_factory=dict)  # tblSettings by setting key

    def rows(self, table: str) -> list[dict[str, Any]]:
        return self.tables.get(table, [])


def _bad(path: Path, prefix: str, reason: object) -> UsageError:
    return UsageError(f"{prefix}_workbook_unreadable", path=str(path), reason=reason)


def read_team_workbook(path, previous: bool = False,
                       required: tuple[str, ...] = ("manager_id", "final_score")) -> TeamWorkbook:
    """Read the tables of the team workbook at ``path``.

    Args:
        path: the team workbook (.xlsx) written by `kpi consolidate`.
        previous: True when it is the previous quarter's (the messages say so).
        required: tblManagers columns that must be there.

    Raises:
        UsageError naming the file: missing, unreadable, not a workbook, or no tblManagers
        with the required columns.
    """
    path = Path(path)
    prefix = "previous" if previous else "team"
    if not path.exists():  # a link to nothing too
        raise UsageError(f"{prefix}_workbook_missing", path=str(path))
    try:  # the one regular-file policy: a FIFO or a device is never opened, a folder is not a file
        data = read_file(path, MAX_FILE_BYTES)
    except UnsafeFile as exc:
        raise _bad(path, prefix, exc.reason) from None
    try:  # the content checks of every reader: a zip that is no workbook (a .docx, an .xlsb) never reaches calamine
        open_workbook_zip(data, path.suffix.lower())
    except UnsafeFile as exc:
        raise _bad(path, prefix, exc.reason) from None
    try:
        book = safe_workbook(data, load_tables=True)  # no far-away cell reaches calamine
        raw = {name: (book.get_table_by_name(name).columns, book.get_table_by_name(name).to_python())
               for name in book.table_names}
    except UnsafeFile as exc:  # a far-away cell, a reader panic: its own reason
        raise _bad(path, prefix, exc.reason) from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - incl. pyo3 PanicException: any failure is "cannot read this file"
        raise _bad(path, prefix, f"{type(exc).__name__}: {exc}"[:300]) from None
    return _assemble(path, prefix, raw, required)


def _assemble(path: Path, prefix: str, raw: dict, required: tuple[str, ...]) -> TeamWorkbook:
    book = TeamWorkbook(path=path, lang="en")
    zh = en = 0
    for name in sorted(raw, key=_page_order):
        match = _PART.match(name)
        base = match.group(1) if match else name
        if base not in _LOOKUPS:
            continue
        headers, rows = raw[name]
        lookup = _LOOKUPS[base]
        keys = [lookup.get(schema.normalise_header(h)) for h in headers]
        zh += sum(1 for h, k in zip(headers, keys) if k and str(h).strip() != k)
        en += sum(1 for h, k in zip(headers, keys) if k and str(h).strip() == k)
        records = book.tables.setdefault(base, [])
        book.columns.setdefault(base, [k for k in keys if k])
        for row in rows:
            records.append({key: _value(key, value) for key, value in zip(keys, row) if key})
    book.lang = "zh" if zh > en else "en"
    missing = [k for k in required if k not in book.columns.get("tblManagers", [])]
    if "tblManagers" not in book.tables or missing:
        raise UsageError("previous_not_a_team_workbook" if prefix == "previous" else "not_a_team_workbook",
                         path=str(path),
                         missing=", ".join(missing) if "tblManagers" in book.tables else "tblManagers")
    book.settings = _settings(book.rows("tblSettings"))
    return book


def _value(key: str, value: Any) -> Any:
    if value == "":
        return None
    value = parse(key, value)
    if key in _INTEGERS and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_SETTING_KEYS = ("appeal_route", "appeal_deadline", "previous_period")


def _settings(rows: list[dict]) -> dict[str, Any]:
    labels = {render(f"team.{key}", lang).casefold(): key for key in _SETTING_KEYS for lang in ("zh", "en")}
    labels.update({key: key for key in _SETTING_KEYS})
    out: dict[str, Any] = {}
    for row in rows:
        key = labels.get(str(row.get("setting") or "").strip().casefold())
        if key and row.get("value") not in (None, ""):
            out[key] = row["value"]
    return out
