"""Team workbooks for the tests of the team workbook, `--previous` and the result cards."""

from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl

from addin.consolidation.consolidate import ConsolidationResult, consolidate
from addin.demo.team import PERIOD, build_team


def demo_team(folder: Path, lang: str = "zh", managers: int = 12, seed: int = 7, previous: Path | None = None,
              **options) -> tuple[Path, ConsolidationResult]:
    """The demo's scorecards in ``folder/scorecards`` consolidated into ``folder/team.xlsx``."""
    build_team(folder, managers, "medium", lang, seed)
    team = folder / "team.xlsx"
    result = consolidate([folder / "scorecards"], team, period=PERIOD, lang=lang, previous=previous, **options)
    return team, result


def load(path: Path) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl drops XlsxWriter's data-bar extensions
        return openpyxl.load_workbook(path)


def table_rows(path: Path, name: str) -> list[dict]:
    """The rows of an Excel table as dicts keyed by its headers."""
    book = load(path)
    for ws in book.worksheets:
        if name in ws.tables:
            rows = [[c.value for c in row] for row in ws[ws.tables[name].ref]]
            return [dict(zip(rows[0], row)) for row in rows[1:]]
    raise AssertionError(f"no table {name}")
