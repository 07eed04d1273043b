"""Reading a roster: the managers of a period, with their targets (`kpi new --roster`).

A roster is an .xlsx (first sheet) or .csv file whose first row holds headers;
columns are found by header text in Chinese or English, in any order:
manager_id/客户经理编号 (required), name/姓名, team/团队, region/区域,
reviewer/考核人, period/考核期间. A column whose header names an indicator of the
template (its zh or en label, optionally prefixed ``目标:``/``目标：``/``target:``) holds
that manager's target for the indicator; other columns are ignored. Rows without any value
are skipped. A CSV may be UTF-8 (with or without BOM), GBK/GB18030 (Excel's plain "CSV" on
Chinese Windows) or UTF-16 with a BOM; legacy .xls files are refused with a hint.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from pathlib import Path

import openpyxl
from xlsxwriter.utility import xl_col_to_name

from addin.contract.errors import RosterError
from addin.contract.identity import identity_key
from addin.contract.schema import SIZES, normalise_header
from addin.contract.standard import default_rows

# roster column key -> accepted header texts (compared normalised: trimmed, case-folded)
COLUMNS = {
    "manager_id": ("manager_id", "manager id", "id", "客户经理编号", "编号", "工号", "员工编号"),
    "manager_name": ("name", "manager_name", "manager name", "姓名", "客户经理姓名", "客户经理"),
    "team": ("team", "团队", "组别"),
    "region": ("region", "区域", "地区"),
    "reviewer": ("reviewer", "考核人", "评价人", "上级"),
    "period": ("period", "考核期间", "期间", "考核期"),
}
_LOOKUP = {normalise_header(text): key for key, texts in COLUMNS.items() for text in texts}
# "目标: 销售额", "目标：销售额", "Target: Sales revenue" (headers are compared normalised, so lower case)
_TARGET_PREFIX = re.compile(r"^(?:目标|target)\s*[:：]\s*")
# a number as text: 1200, 1,200, 1,200.5, -3, .5, 1e3 (after NFKC: full-width digits, ，and ％ count)
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)", re.I)
_RATIO_METHODS = ("linear", "band", "binary")


def _cell_text(value) -> str:
    """Cell value as text: 1001.0 -> "1001", None -> ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _indicators(size: str) -> list[dict]:
    """The indicators of ``size``'s template: position, zh and en label, unit is %, method key."""
    return [{"index": i, "zh": zh["indicator"], "en": en["indicator"], "percent": en["unit"] == "%",
             "method": en["method"]}
            for i, (zh, en) in enumerate(zip(default_rows(size, "zh"), default_rows(size, "en")))]


def _target_columns(raw_headers, size: str, problems: list) -> dict[int, dict]:  # noqa: C901 - to be split (issue 8)
    """{0-based roster column: indicator} for every target column of the header row.

    Appends to ``problems`` a message for a column with the target prefix that names no
    indicator of ``size``, for a bare header naming an indicator of another size only, and
    for two columns setting the same indicator.
    """
    indicators = _indicators(size)
    by_name = {}
    for ind in indicators:
        by_name[normalise_header(ind["zh"])] = ind
        by_name[normalise_header(ind["en"])] = ind
    other_sizes = {}
    for other in SIZES:
        if other != size:
            for ind in _indicators(other):
                for label in (ind["zh"], ind["en"]):
                    other_sizes.setdefault(normalise_header(label), []).append(other)
    known = ", ".join(f"{ind['zh']} / {ind['en']}" for ind in indicators)
    columns, first_column, unknown = {}, {}, []
    for index, raw in enumerate(raw_headers):
        header = normalise_header(raw)
        if not header:
            continue
        prefixed = _TARGET_PREFIX.match(header)
        if not prefixed and header in _LOOKUP:
            continue
        name = header[prefixed.end():] if prefixed else header
        shown = f"column {str(raw).strip()!r} ({xl_col_to_name(index)})"
        ind = by_name.get(name)
        if ind is None:
            if prefixed or name in other_sizes:
                where = (f" (an indicator of the {'/'.join(dict.fromkeys(other_sizes[name]))} template)"
                         if name in other_sizes else "")
                unknown.append(shown + where)
            continue
        if ind["index"] in first_column:
            problems.append(f"{first_column[ind['index']]} and {shown} both set the target of {ind['zh']} / {ind['en']}")
            continue
        first_column[ind["index"]] = shown
        columns[index] = dict(ind, column=shown)
    if unknown:
        problems.append("target " + ("columns " if len(unknown) > 1 else "column ")
                         + ", ".join(u.removeprefix("column ") for u in unknown)
                         + f" name{'' if len(unknown) > 1 else 's'} no indicator of the {size} template, "
                         f"whose indicators are: {known}")
    return columns


def parse_target(value, percent: bool):
    """A roster cell as a target: (number or None when blank, None) or (None, problem kind).

    Numbers pass as they are; text may use thousands separators ("1,200") and, for an
    indicator measured in % only, a percent sign ("95%" -> 0.95, the form Excel stores).
    Problem kinds: "number" (not a number) and "percent" (a % for a non-% indicator).
    """
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, "number"
    if isinstance(value, (int, float)):
        return (float(value), None) if math.isfinite(value) else (None, "number")
    if not isinstance(value, str):  # a date or time from an .xlsx
        return None, "number"
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        return None, None
    is_percent = text.endswith("%")
    if is_percent:
        text = text[:-1].rstrip()
    if not _NUMBER.fullmatch(text):
        return None, "number"
    if is_percent and not percent:
        return None, "percent"
    number = float(text.replace(",", ""))
    if not math.isfinite(number):
        return None, "number"
    return (number / 100 if is_percent else number), None


def _shown_rows(entries) -> str:
    """"row 3 ('abc')" / "rows 3 ('abc'), 5 ('0')"."""
    parts = []
    for number, value in entries:
        text = _cell_text(value)
        text = text if len(text) <= 20 else text[:19] + "…"
        parts.append(f"{number} ({text!r})")
    return ("rows " if len(parts) > 1 else "row ") + ", ".join(parts)


def _target_problems(column: dict, bad: dict) -> list[str]:
    """Messages for one target column: {kind: [(row number, value)]} -> texts."""
    texts = {
        "number": "not a number",
        "percent": "a percentage, but this indicator is not measured in %",
        "positive": "must be > 0 (achievement is actual ÷ target)",
        "negative": "must be ≥ 0 (incidents allowed before deducting)",
    }
    if not bad:
        return []
    return [f"{column['column']}: " + ", ".join(f"{texts[kind]} in {_shown_rows(entries)}"
                                                 for kind, entries in bad.items())]


def read_roster(path, size: str | None = None) -> list[dict]:  # noqa: C901 - to be split (issue 8)
    """Rows of a roster as dicts keyed by ``COLUMNS`` keys, with their spreadsheet row number.

    Args:
        path: the .xlsx or .csv roster.
        size: the template size whose indicators the target columns may name; None to
            read no targets (target columns are then ignored like any other column).

    Returns:
        list of {"row": 1-based row number in the file, "manager_id": …, …}; with ``size``
        each also has "targets": {indicator position in the template: number} for the
        non-blank target cells of that row.

    Raises:
        RosterError: unreadable file, no manager_id column, missing or duplicate ids,
        bad target columns or cells (the message names every bad row and column).
    """
    path = Path(path)
    if not path.exists():
        raise RosterError(f"{path}: roster file not found")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            table = _read_csv(path)
        elif suffix in (".xlsx", ".xlsm"):
            table = _read_xlsx(path)
        elif suffix == ".xls":
            raise RosterError(f"{path.name}: legacy .xls rosters cannot be read; open it in Excel and "
                              "save it as .xlsx or as CSV")
        else:
            raise RosterError(f"{path.name}: a roster must be an .xlsx or .csv file")
    except RosterError:
        raise
    except Exception as exc:  # a corrupt file: say which and why, no traceback
        raise RosterError(f"{path.name}: cannot read the roster ({type(exc).__name__}: {exc})") from None
    if not table:
        raise RosterError(f"{path.name}: the roster is empty")

    headers = [normalise_header(h) for h in table[0]]
    positions = {}
    for index, header in enumerate(headers):
        key = _LOOKUP.get(header)
        if key and key not in positions:
            positions[key] = index
    if "manager_id" not in positions:
        raise RosterError(f"{path.name}: no manager id column (header manager_id or 客户经理编号) in row 1")

    problems = []
    targets = _target_columns(table[0], size, problems) if size is not None else {}
    bad_targets = {index: {} for index in targets}  # column -> {problem kind: [(row, value)]}

    rows, missing, seen, duplicates = [], [], {}, []
    for number, values in enumerate(table[1:], start=2):
        texts = [_cell_text(v) for v in values]
        if not any(texts):
            continue
        row = {"row": number}
        for key, index in positions.items():
            row[key] = texts[index] if index < len(texts) else ""
        if size is not None:
            row["targets"] = {}
            for index, ind in targets.items():
                raw = values[index] if index < len(values) else None
                value, kind = parse_target(raw, ind["percent"])
                if kind is None and value is not None:
                    if ind["method"] in _RATIO_METHODS and value <= 0:
                        kind = "positive"
                    elif ind["method"] == "deduction" and value < 0:
                        kind = "negative"
                if kind:
                    bad_targets[index].setdefault(kind, []).append((number, raw))
                elif value is not None:
                    row["targets"][ind["index"]] = value
        manager_id = row["manager_id"]
        if not manager_id:
            missing.append(number)
        elif identity_key(manager_id) in seen:  # AM001, am001, ＡＭ００１ are one manager
            first_id, first_row = seen[identity_key(manager_id)]
            shown = first_id if first_id == manager_id else f"{first_id} / {manager_id}"
            duplicates.append(f"{shown} (rows {first_row} and {number})")
        else:
            seen[identity_key(manager_id)] = (manager_id, number)
        rows.append(row)
    if missing:
        problems.append("missing manager id in row" + ("s " if len(missing) > 1 else " ")
                        + ", ".join(map(str, missing)))
    if duplicates:
        problems.append("duplicate manager id " + "; ".join(duplicates))
    for index, bad in bad_targets.items():
        problems.extend(_target_problems(targets[index], bad))
    if problems:
        raise RosterError(f"{path.name}: " + "; ".join(problems) + ". Nothing was written.")
    if not rows:
        raise RosterError(f"{path.name}: the roster has no managers")
    return rows


def _read_csv(path: Path) -> list[list]:
    raw = path.read_bytes()
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
        raise RosterError(f"{path.name}: cannot decode the CSV (save it as \"CSV UTF-8\" in Excel)")
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(text.splitlines(), dialect)]


def _read_xlsx(path: Path) -> list[list]:

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        return [list(row) for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
