"""`kpi validate` and `kpi consolidate`: call the library, print, return the exit code."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

from addin.cli.progress import ProgressBar
from addin.consolidation.consolidate import consolidate
from addin.contract.findings import ERROR, INFO, SEVERITY_ZH, WARNING
from addin.reports.json_report import consolidation_json, validation_json
from addin.validation.validate import validate_paths
from addin.xlsx.atomic import atomic_path

_HEAD = {
    "zh": ("文件", "工作表", "单元格", "代码", "严重程度", "说明"),
    "en": ("file", "sheet", "cell", "code", "severity", "message"),
}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def format_table(rows: list[tuple[str, ...]], header: tuple[str, ...], max_width: int = 60) -> str:
    """Plain-text table with CJK-aware column widths (long cells are cut)."""
    def cut(text: str, from_left: bool) -> str:
        text = str(text).replace("\n", " ")
        while _width(text) > max_width:  # paths keep their tail (the file name), messages their head
            text = "…" + text[2:] if from_left else text[:-2] + "…"
        return text
    def cut_message(text: str) -> str:
        text = str(text).replace("\n", " ")
        return text if _width(text) <= 2 * max_width else text[: 2 * max_width - 1] + "…"
    rows = [tuple(cut(c, i == 0) if i < len(row) - 1 else cut_message(c) for i, c in enumerate(row)) for row in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(header)]
    lines = ["  ".join(_pad(h, w) for h, w in zip(header, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)


def _shown(path: str) -> str:
    """A path relative to the current folder when it is below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return path


def _finding_rows(findings, lang):
    return [(_shown(f.file), f.sheet, f.cell, f.code, SEVERITY_ZH.get(f.severity, f.severity) if lang == "zh" else f.severity,
             f.message) for f in findings]


def run_validate(args) -> int:
    """Print the findings of the given files/folders; exit 0 without errors, 1 otherwise."""

    report = validate_paths(args.paths, lang=args.lang, master=args.master, period=args.period)
    if args.json:

        print(validation_json(report))
        return 0 if report.valid else 1
    lang = args.lang or _majority([e.lang for e in report.files])
    if report.findings:
        print(format_table(_finding_rows(report.findings, lang), _HEAD[lang]))
    rejected = [e for e in report.files if e.status != "merged" and not e.findings]
    for entry in rejected:  # lock files and duplicates have a reason but no finding
        print(f"{entry.path}: {entry.reason}")
    s = report.stats
    if lang == "zh":
        print(f"\n{s['files']} 个文件：{s['merged']} 个可合并，{s['rejected']} 个将被拒绝，{s['duplicate']} 个重复；"
              f"错误 {s['errors']}，警告 {s['warnings']}，提示 {s['infos']}")
    else:
        print(f"\n{s['files']} files: {s['merged']} can be merged, {s['rejected']} rejected, {s['duplicate']} duplicate; "
              f"{s['errors']} errors, {s['warnings']} warnings, {s['infos']} info")
    return 0 if report.valid else 1


def _majority(values):
    values = [v for v in values if v]
    return max(sorted(set(values)), key=values.count) if values else "en"


def print_summary(result, lang: str, stream=None) -> None:
    """The short summary of a consolidation (files, managers, findings, grades, output)."""
    stream = stream or sys.stdout
    s = result.summary
    f = s["findings"]
    grades = " ".join(f"{g}:{n}" for g, n in s["grades"].items())
    forced = " ".join(f"{g}:{n}" for g, n in s["forced_grades"].items())
    if lang == "zh":
        lines = [
            f"文件 {s['files']} 个：合并 {s['merged']}，拒绝 {s['rejected']}，重复 {s['duplicate']}",
            f"客户经理 {s['managers']} 人",
            f"问题：错误 {f[ERROR]}，警告 {f[WARNING]}，提示 {f[INFO]}",
            f"绝对等级 {grades}",
            f"强制分布 {forced}",
        ]
        if s.get("output"):
            lines.append(f"团队汇总表：{s['output']}")
    else:
        lines = [
            f"files {s['files']}: merged {s['merged']}, rejected {s['rejected']}, duplicate {s['duplicate']}",
            f"managers {s['managers']}",
            f"findings: {f[ERROR]} errors, {f[WARNING]} warnings, {f[INFO]} info",
            f"grades {grades}",
            f"forced grades {forced}",
        ]
        if s.get("output"):
            lines.append(f"team workbook: {s['output']}")
    print("\n".join(lines), file=stream)


def run_consolidate(args) -> int:
    """Write the team workbook; exit 0 once written (1 with --strict when any finding is an error)."""

    progress = ProgressBar() if ProgressBar.wanted(getattr(args, "no_progress", False)) else None
    result = consolidate(args.paths, args.output, period=args.period, master=args.master, lang=args.lang,
                         bonus_pool=args.bonus_pool, base_bonus=args.base_bonus, progress=progress)
    if args.json:

        with atomic_path(args.json) as temp:
            Path(temp).write_text(consolidation_json(result), encoding="utf-8")
    print_summary(result, args.lang)
    return 1 if args.strict and result.has_errors else 0
