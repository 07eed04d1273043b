"""Excel's row limit: a team table longer than a sheet continues on further sheets; no row is
dropped and the workbook stays valid (checked with a small page size: the rule is the same)."""

from __future__ import annotations

import openpyxl
from support.scorecards import write_scorecard

from addin.consolidation.consolidate import consolidate
from addin.consolidation.team_workbook import write_team_workbook
from addin.consolidation.team_workbook.tables import EXCEL_MAX_ROWS


def _tables(path) -> dict[str, tuple[str, int]]:
    """Table name -> (sheet, data rows) of every Excel table of the workbook."""
    book = openpyxl.load_workbook(path)
    out = {}
    for ws in book.worksheets:
        for name, ref in ws.tables.items():
            first, last = ref.split(":")
            out[name] = (ws.title, int("".join(c for c in last if c.isdigit())) - 1)
    return out


def test_long_tables_continue_on_further_sheets(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(7):
        write_scorecard(folder / f"m{i}.xlsx", header={"manager_id": f"AM{i}"})
    result = consolidate([folder], None, lang="en", write=False)
    assert len(result.score_rows) == 35 and len(result.review_rows) == 21
    for fast in (True, False):
        path = write_team_workbook(result, tmp_path / f"team-{fast}.xlsx", lang="en", rows_per_sheet=10,
                                   fast_rows=fast)
        tables = _tables(path)
        scores = {name: rows for name, (_sheet, rows) in tables.items() if name.startswith("tblScores")}
        assert scores == {"tblScores": 10, "tblScores_2": 10, "tblScores_3": 10, "tblScores_4": 5}
        assert tables["tblScores_4"][0] == "Scores (4)"
        assert sum(rows for name, (_s, rows) in tables.items() if name.startswith("tblReviews")) == 21
        assert tables["tblManagers"][1] == 7  # short tables stay on one sheet


def test_the_page_size_is_excels_limit():
    assert EXCEL_MAX_ROWS == 1_048_576  # 1,048,575 data rows under the header
