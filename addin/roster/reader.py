"""Reading a roster as HR keeps it: the managers of a period, with their targets.

A roster is an .xlsx (first sheet) or .csv file. Title or note rows may come first: the
header is the first of the first :data:`HEADER_ROWS` rows that has a manager id column.
Columns are found by header text in Chinese or English, in any order (:data:`COLUMNS`:
工号 / 员工编号 / 客户经理编号 / manager_id (required), 姓名 / 员工姓名, 部门 / 小组 / 团队,
大区 / 区域, 直属上级 / 上级 / 主管 / 考核人, 考核期间). A column named after an
indicator (``销售额``, ``销售额目标``, ``目标：销售额``, ``Sales revenue target``,
``target: Sales revenue``) holds each manager's target of it. Any other headed column is
reported (:attr:`Roster.ignored`), never dropped silently. Rows without any value are
skipped. A CSV may be UTF-8 (with or without BOM), GBK/GB18030 (Excel's plain "CSV" on
Chinese Windows) or UTF-16 with a BOM; legacy .xls files are refused with a hint.

``load_roster`` returns the typed :class:`~addin.roster.model.Roster`; ``read_roster``
the same managers as dicts (the stable form other parts use).
"""

from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path

from addin.contract.schema import normalise_header
from addin.roster.model import COLUMNS, IgnoredColumn, Roster, RosterManager, TargetColumn
from addin.roster.problems import Column, Problem, RosterProblems, RosterUnusable, Rows
from addin.roster.targets import checked_target, parse_target, target_columns
from addin.xlsx.safety import UnsafeFile, read_file
from addin.xlsx.sheet_rows import read_first_sheet
from addin.xlsx.values import value_text

HEADER_ROWS = 10  # the header is looked for in this many rows from the top
MAX_ROSTER_BYTES = 64 * 1024 * 1024
_LOOKUP = {normalise_header(text): key for key, texts in COLUMNS.items() for text in texts}

__all__ = ["COLUMNS", "HEADER_ROWS", "load_roster", "read_roster", "parse_target"]


def read_roster(path, size: str | None = None) -> list[dict]:
    """Rows of a roster as dicts keyed by ``COLUMNS`` keys, with their spreadsheet row number.

    Args:
        path: the .xlsx or .csv roster.
        size: the template size whose indicators the target columns may name; None to
            read no targets (target columns are then ignored like any other column).

    Returns:
        list of {"row": 1-based row number in the file, "manager_id": …, "manager_name": …,
        "team": …, "region": …, "reviewer": …, "period": …} ("" for a field the roster
        lacks); with ``size`` each also has "targets": {indicator position in ``size``'s
        template: number} for the non-blank target cells of that row.

    Raises:
        RosterError: unreadable file, no manager id column, missing or duplicate ids,
        bad target columns or cells (the message names every bad row and column).
    """
    roster = load_roster(path, size, targets=size is not None)
    rows = [m.as_dict(roster.targets) for m in roster.managers]
    if size is None:
        for row in rows:
            del row["targets"]
    return rows


def load_roster(path, size: str | None = None, targets: bool = True) -> Roster:
    """The roster at ``path``, read whole and checked.

    Args:
        path: the .xlsx or .csv roster.
        size: the template size whose indicators target columns may name; None for any size
            (as `kpi validate --roster` reads it: each scorecard is compared by indicator name).
        targets: False to read no target columns at all.

    Raises:
        RosterError: as :func:`read_roster`; nothing is returned half-read.
    """
    path = Path(path)
    table, sheet = _read_table(path)
    header_row = _header_row(table)
    if header_row is None:
        raise RosterUnusable("no_id_column", file=path.name, rows=HEADER_ROWS)
    headers = table[header_row]
    fields, repeated = _field_columns(headers)
    problems: list[Problem] = []
    skip = set(fields.values()) | set(repeated)
    if targets:
        columns, unused = target_columns(headers, size, skip, problems)
    else:
        columns, unused = [], [i for i, h in enumerate(headers) if normalise_header(h) and i not in skip]
    managers = _managers(table, header_row, fields, columns, problems)
    if problems:
        raise RosterProblems(path.name, problems)
    if not managers:
        raise RosterUnusable("no_managers", file=path.name)
    ignored = [IgnoredColumn(i, str(headers[i]).strip(), "repeated", repeated[i]) for i in repeated]
    ignored += [IgnoredColumn(i, str(headers[i]).strip(), "unknown") for i in unused]
    ignored.sort(key=lambda c: c.index)
    return Roster(path, sheet, header_row + 1, fields, managers, columns, ignored)


def _read_table(path: Path) -> tuple[list[list], str]:
    """(rows of cell values, sheet name or "") of the roster file."""
    if not path.exists():
        raise RosterUnusable("not_found", file=str(path))
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise RosterUnusable("legacy_xls", file=path.name)
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise RosterUnusable("not_a_roster_file", file=path.name)
    try:
        table, sheet = (_read_csv(path), "") if suffix == ".csv" else _read_xlsx(path)
    except RosterUnusable:
        raise
    except UnsafeFile as exc:  # a FIFO, a bomb, a far-away cell …: the reason in the user's language
        raise RosterUnusable("unreadable", file=path.name, reason=exc.reason) from None
    except Exception as exc:  # noqa: BLE001 - a corrupt file: say which and why, no traceback
        raise RosterUnusable("unreadable", file=path.name, reason=f"{type(exc).__name__}: {exc}") from None
    if not any(any(value_text(v) for v in row) for row in table):
        raise RosterUnusable("empty", file=path.name)
    return table, sheet


def _header_row(table: list[list]) -> int | None:
    """0-based index of the first of the top rows holding a manager id header."""
    for index, row in enumerate(table[:HEADER_ROWS]):
        if any(_LOOKUP.get(normalise_header(v)) == "manager_id" for v in row):
            return index
    return None


def _field_columns(headers) -> tuple[dict[str, int], dict[int, str]]:
    """({field key: first column}, {column index: field key} of later columns for a field already found)."""
    fields: dict[str, int] = {}
    repeated: dict[int, str] = {}
    for index, raw in enumerate(headers):
        key = _LOOKUP.get(normalise_header(raw))
        if key is None:
            continue
        if key in fields:
            repeated[index] = key
        else:
            fields[key] = index
    return fields, repeated


def _managers(table, header_row: int, fields: dict[str, int], targets: list[TargetColumn],
              problems: list[Problem]) -> list[RosterManager]:
    """The managers below the header; problems for missing or duplicate ids and bad target cells."""
    managers, missing = [], []
    seen: dict[str, tuple[str, int]] = {}
    duplicates = []
    bad: dict[int, dict[str, list]] = {c.index: {} for c in targets}  # column -> {kind: [(row, value)]}
    for number, values in enumerate(table[header_row + 1:], start=header_row + 2):
        texts = [value_text(v) for v in values]
        if not any(texts):
            continue
        manager = RosterManager(number, **{key: texts[i] if i < len(texts) else "" for key, i in fields.items()})
        for column in targets:
            raw = values[column.index] if column.index < len(values) else None
            target, kind = checked_target(raw, column)
            if kind:
                bad[column.index].setdefault(kind, []).append((number, raw))
            elif target is not None:
                manager.targets[column.index] = target
        if not manager.manager_id:
            missing.append((number, None))
        elif manager.key in seen:  # AM001 and am001 would also collide as file names
            first_id, first_row = seen[manager.key]
            shown = first_id if first_id == manager.manager_id else f"{first_id} / {manager.manager_id}"
            duplicates.append(Problem("duplicate_id_item", {"shown": shown, "first": first_row, "second": number}))
        else:
            seen[manager.key] = (manager.manager_id, number)
        managers.append(manager)
    if missing:
        problems.insert(0, Problem("problem_missing_ids", {"rows": Rows(tuple(missing), with_values=False)}))
    if duplicates:
        problems.insert(1 if missing else 0, Problem("problem_duplicate_ids", {"items": duplicates}))
    for column in targets:
        if bad[column.index]:
            kinds = [Problem("cells_kind", {"kind": Problem(f"kind_{kind}"), "rows": Rows(tuple(entries))})
                     for kind, entries in bad[column.index].items()]
            problems.append(Problem("problem_bad_cells", {"column": Column(column.header, column.index),
                                                          "kinds": kinds}))
    return managers


def _read_csv(path: Path) -> list[list]:
    raw = read_file(path, MAX_ROSTER_BYTES)  # a regular file only: a FIFO named .csv is never opened
    # Excel saves "CSV UTF-8" with a BOM, plain "CSV" in the system code page (GBK on Chinese
    # Windows; gb18030 is its superset), and "Unicode text" as UTF-16 with a BOM
    encodings = ("utf-16",) if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterUnusable("csv_encoding", file=path.name)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))


def _delimiter(text: str) -> str:
    """The field separator, as Excel writes CSV (comma, or semicolon/tab in some locales): the one
    of ",;\\t" that splits the most of the first records into the same number of fields as the
    widest of them (title lines above the header may have fewer), read with Excel's quoting (fields
    in double quotes, a quote inside doubled: "Wei ""David"" Zhang"; a field may span lines)."""
    sample = text[:65536]
    best, best_score = ",", 0
    for candidate in (",", ";", "\t"):
        try:
            counts = [len(row) for row in itertools.islice(
                csv.reader(io.StringIO(sample, newline=""), delimiter=candidate), HEADER_ROWS + 20) if row]
        except csv.Error:
            continue
        widest = max(counts, default=0)
        score = sum(count == widest for count in counts) if widest > 1 else 0
        if score > best_score:
            best, best_score = candidate, score
    return best


def _read_xlsx(path: Path) -> tuple[list[list], str]:
    return read_first_sheet(path)  # regular files only, capped, far-away cells never expanded
