"""One pre-filled workbook per manager of a roster (`kpi new --roster`).

The roster is read by :mod:`addin.roster.reader`; this module names the files and
writes one scorecard per row with :func:`workbook_templates.generator.write_template`.
"""

from __future__ import annotations

import re
from pathlib import Path

from addin.contract.errors import RosterError
from addin.roster.reader import read_roster
from workbook_templates.generator import check_output_file, write_template

_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_BAD_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


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
                 period: str | None = None, actuals=None) -> list[Path]:
    """Write one pre-filled assessment workbook per roster row into ``out_dir``.

    Args:
        roster_path: .xlsx or .csv roster (see module docstring for the columns).
        out_dir: output folder (created when missing).
        size, lang, mode: as for :func:`~workbook_templates.generator.write_template`.
        period: the period for rows whose period cell is blank (e.g. "2026Q3").
        actuals: optional {manager id trimmed and case-folded: {indicator position: {"actual": …,
            "source": …}}} (`kpi new --actuals`, built by ``addin.collect``): filled at creation.

    Returns:
        The paths written, in roster order.

    Target columns (headers naming an indicator of ``size``'s template, optionally
    prefixed ``目标:``/``target:``) set that indicator's target per manager; a blank cell
    leaves it blank. See :func:`parse_target` for the accepted cell values.

    Raises:
        RosterError: the roster is unreadable, lacks the id column, has missing or
        duplicate ids, a target column naming no indicator, or a target cell that is not
        a number or out of range (nothing is written then).
    """
    rows = read_roster(roster_path, size)
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
        targets = row.get("targets") or {}
        collected = (actuals or {}).get(str(row["manager_id"]).strip().casefold(), {})
        cells: dict[int, dict] = {}
        for i, value in targets.items():
            cells.setdefault(i, {})["target"] = value
        for i, values in collected.items():
            cells.setdefault(i, {}).update(values)
        kpi_rows = [cells.get(i, {}) for i in range(max(cells) + 1)] if cells else None
        planned.append((out_dir / name, header, kpi_rows))
    for path, _, _ in planned:  # refuse before writing anything
        check_output_file(path)
    written = []
    for path, header, kpi_rows in planned:
        written.append(write_template(path, size=size, lang=lang, mode=mode, header=header, rows=kpi_rows))
    return written
