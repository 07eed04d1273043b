"""What every sheet writer of the team workbook shares: the workbook, formats, language, links."""

from __future__ import annotations

from dataclasses import dataclass

from addin.consolidation.team_workbook.formats import Formats
from addin.contract.messages import render
from addin.xlsx.links import Linker


@dataclass
class Context:
    wb: object  # xlsxwriter.Workbook
    formats: Formats
    lang: str
    linker: Linker
    fast_rows: bool
    title: str  # the workbook's title line, printed in each page header
    rows_per_sheet: int = 1_048_575  # Excel's limit: longer tables are paged over several sheets

    def add_sheet(self, name: str) -> tuple[object, int]:
        """A new worksheet and its 1-based index (its part number, for the fast rows)."""
        ws = self.wb.add_worksheet(name)  # type: ignore[attr-defined]
        return ws, len(self.wb.worksheets())  # type: ignore[attr-defined]

    def text(self, key: str, **values: object) -> str:
        """A text of the team workbook (messages area ``team``) in the workbook's language."""
        return render(f"team.{key}", self.lang, **values)

    @property
    def footer(self) -> str:
        return self.text("page_footer")
