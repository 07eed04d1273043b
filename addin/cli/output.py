"""What several commands print: the findings table and the consolidation summary."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

from addin.cli.console import visible
from addin.contract.findings import ERROR, INFO, WARNING
from addin.contract.messages import render

_COLUMNS = ("file", "sheet", "cell", "code", "severity", "message")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def format_table(rows: list[tuple[str, ...]], header: tuple[str, ...], max_width: int = 60) -> str:
    """Plain-text table with CJK-aware column widths (long cells are cut)."""
    def cut(text: str, from_left: bool) -> str:
        text = visible(text)
        while _width(text) > max_width:  # paths keep their tail (the file name), messages their head
            text = "…" + text[2:] if from_left else text[:-2] + "…"
        return text
    def cut_message(text: str) -> str:
        text = visible(text)
        return text if _width(text) <= 2 * max_width else text[: 2 * max_width - 1] + "…"
    rows = [tuple(cut(c, i == 0) if i < len(row) - 1 else cut_message(c) for i, c in enumerate(row)) for row in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(header)]
    lines = ["  ".join(_pad(h, w) for h, w in zip(header, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)


def shown(path: str) -> str:
    """A path relative to the current folder when it is below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a link loop (Python < 3.13)
        return path


def findings_table(findings, lang: str) -> str:
    """The findings as a table: file, sheet, cell, code, severity, message."""
    header = tuple(render(f"cli.table.{column}", lang) for column in _COLUMNS)
    rows = [(shown(f.file), f.sheet, f.cell, f.code, render(f"cli.severity.{f.severity}", lang), f.message)
            for f in findings]
    return format_table(rows, header)


def print_summary(result, lang: str, stream=None) -> None:
    """The short summary of a consolidation (files, managers, findings, grades, output)."""
    s = result.summary
    counts = {"errors": s["findings"][ERROR], "warnings": s["findings"][WARNING], "infos": s["findings"][INFO]}
    lines = [
        render("cli.consolidate.files", lang, files=s["files"], merged=s["merged"], rejected=s["rejected"],
               duplicate=s["duplicate"]),
        render("cli.consolidate.managers", lang, total=sum(s["manager_statuses"].values()),
               **s["manager_statuses"]),
        render("cli.consolidate.findings", lang, **counts),
        render("cli.consolidate.grades", lang, grades=" ".join(f"{g}:{n}" for g, n in s["grades"].items())),
        render("cli.consolidate.forced_grades", lang,
               grades=" ".join(f"{g}:{n}" for g, n in s["forced_grades"].items())),
    ]
    lines += left_out_lines(s.get("left_out", []), lang)
    if s.get("pool_unpaid"):
        key = "cli.consolidate.pool_unpaid" if s["manager_statuses"].get("scored") else "cli.consolidate.pool_unpaid_none"
        lines.append(render(key, lang, pool=f"{s['bonus_pool']:,.2f}"))
    if s.get("output"):
        lines.append(render("cli.consolidate.output", lang, path=visible(s["output"])))
    print("\n".join(lines), file=stream or sys.stdout)


LEFT_OUT_SHOWN = 20  # console lines naming who was left out (all of them are in the team workbook)


def left_out_lines(left_out: list[dict], lang: str) -> list[str]:
    """Who was left out of the scores and the bonus pool, and why."""
    if not left_out:
        return []
    lines = [render("cli.consolidate.left_out", lang, count=len(left_out))]
    for item in left_out[:LEFT_OUT_SHOWN]:
        who = " ".join(x for x in (item.get("manager_id"), item.get("name")) if x) or Path(item["file"]).name
        lines.append(render("cli.consolidate.left_out_item", lang, who=who,
                            status=render(f"team.status_{item['status']}", lang), reason=item["reason"]))
    if len(left_out) > LEFT_OUT_SHOWN:
        lines.append(render("cli.consolidate.left_out_more", lang, count=len(left_out) - LEFT_OUT_SHOWN))
    return lines
