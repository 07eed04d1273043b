"""One pre-filled workbook per manager of a roster (`kpi new --roster`).

A roster is an .xlsx (first sheet) or .csv file whose first row holds headers;
columns are found by header text in Chinese or English, in any order:
manager_id/客户经理编号 (required), name/姓名, team/团队, region/区域,
reviewer/考核人, period/考核期间; other columns are ignored. Rows without any value are
skipped. A CSV may be UTF-8 (with or without BOM), GBK/GB18030 (Excel's plain "CSV" on
Chinese Windows) or UTF-16 with a BOM; legacy .xls files are refused with a hint.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from addin.errors import RosterError
from addin.schema import normalise_header

from .generator import check_output_file, write_template

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
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_BAD_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def _cell_text(value) -> str:
    """Cell value as text: 1001.0 -> "1001", None -> ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_roster(path) -> list[dict]:
    """Rows of a roster as dicts keyed by ``COLUMNS`` keys, with their spreadsheet row number.

    Returns:
        list of {"row": 1-based row number in the file, "manager_id": …, …}.

    Raises:
        RosterError: unreadable file, no manager_id column, missing or duplicate ids
        (the message names every bad row).
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

    rows, missing, seen, duplicates = [], [], {}, []
    for number, values in enumerate(table[1:], start=2):
        texts = [_cell_text(v) for v in values]
        if not any(texts):
            continue
        row = {"row": number}
        for key, index in positions.items():
            row[key] = texts[index] if index < len(texts) else ""
        manager_id = row["manager_id"]
        if not manager_id:
            missing.append(number)
        elif manager_id.casefold() in seen:  # AM001 and am001 would also collide as file names
            first_id, first_row = seen[manager_id.casefold()]
            shown = first_id if first_id == manager_id else f"{first_id} / {manager_id}"
            duplicates.append(f"{shown} (rows {first_row} and {number})")
        else:
            seen[manager_id.casefold()] = (manager_id, number)
        rows.append(row)
    problems = []
    if missing:
        problems.append("missing manager id in row" + ("s " if len(missing) > 1 else " ")
                        + ", ".join(map(str, missing)))
    if duplicates:
        problems.append("duplicate manager id " + "; ".join(duplicates))
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
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        return [list(row) for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def safe_filename(text: str, limit: int = 60) -> str:
    """``text`` usable as a file name part on Windows, macOS and Linux."""
    text = _BAD_CHARS.sub("_", text).strip().strip(".")
    text = re.sub(r"\s+", " ", text)[:limit].rstrip(" .")
    if text.upper().split(".")[0] in _RESERVED:
        text = "_" + text
    return text


def file_name(row: dict, period: str | None) -> str:
    """``2026Q3_华东一组_AM001_张伟.xlsx``: sorts by period, team, id; blanks are left out."""
    parts = [period or "", row.get("team", ""), row["manager_id"], row.get("manager_name", "")]
    return "_".join(p for p in (safe_filename(x) for x in parts) if p) + ".xlsx"


def write_roster(roster_path, out_dir, size: str = "medium", lang: str = "zh", mode: str = "addin",
                 period: str | None = None) -> list[Path]:
    """Write one pre-filled assessment workbook per roster row into ``out_dir``.

    Args:
        roster_path: .xlsx or .csv roster (see module docstring for the columns).
        out_dir: output folder (created when missing).
        size, lang, mode: as for :func:`~workbook_templates.generator.write_template`.
        period: the period for rows whose period cell is blank (e.g. "2026Q3").

    Returns:
        The paths written, in roster order.

    Raises:
        RosterError: the roster is unreadable, lacks the id column, or has missing or
        duplicate ids (nothing is written then).
    """
    rows = read_roster(roster_path)
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise RosterError(f"{out_dir}: with --roster the output must be a folder")
    planned, used = [], {}
    for row in rows:
        row_period = row.get("period") or period or ""
        name = file_name(row, row_period)
        key = name.casefold()
        if key in used:  # two ids that sanitise to the same name: keep both, apart
            name = name[:-5] + f"_row{row['row']}.xlsx"
        used[name.casefold()] = row["row"]
        header = {k: row.get(k) or None for k in ("manager_id", "manager_name", "team", "region", "reviewer")}
        header["period"] = row_period or None
        planned.append((out_dir / name, header))
    for path, _ in planned:  # refuse before writing anything
        check_output_file(path)
    written = []
    for path, header in planned:
        written.append(write_template(path, size=size, lang=lang, mode=mode, header=header))
    return written
