"""The one XML text writer: Excel's (and XlsxWriter's) escaping, and text that round-trips through our files."""

from __future__ import annotations

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook
from xlsxwriter.xmlwriter import XMLwriter

from addin.xlsx.xml_text import attribute, cell_text, read_cell_text

TRICKY = ["_x0041_ test", "_x005F_x0041_", "a\x01b\x1fc", "tab\tand\nline", "<&>\"'", "=SUM(A1)", "cr\rhere",
          "\ufffe"]


def _xlsxwriter(text: str) -> str:
    return XMLwriter._escape_control_characters(XMLwriter()._escape_data(text))


@pytest.mark.parametrize("text", TRICKY)
def test_cell_text_escapes_as_xlsxwriter_does(text):
    assert cell_text(text) == _xlsxwriter(text)


@given(st.text(alphabet=st.sampled_from(list("_x0041F_ab<&>\x01\x1f\t\n\ufffe")), max_size=40))
def test_cell_text_matches_xlsxwriter_and_reads_back(text):
    escaped = cell_text(text)
    assert escaped == _xlsxwriter(text)
    unescaped = escaped.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert read_cell_text(unescaped) == text


def test_a_literal_escape_is_kept_and_attributes_refuse_control_characters():
    assert cell_text("_x0041_ test") == "_x005F_x0041_ test"
    assert attribute('a "b" <c> & d') == "a &quot;b&quot; &lt;c&gt; &amp; d"
    with pytest.raises(ValueError, match="U\\+0001"):
        attribute("a\x01")


NAMES = ["_x0041_ test", "ctl\x01x\x1fy", "王\x07五", "<Ann & Bob>"]
TARGETS, ACTUALS = [100, 40, 90, 95, 24], [90, 40, 85, 96, 20]


def _card(path, i, name):
    from workbook_templates.generator import write_template

    return write_template(path, size="small", lang="en", mode="portable",
                          header={"manager_id": f"AM{i}", "manager_name": name, "team": name, "period": "2026Q3"},
                          rows=[{"target": t, "actual": a} for t, a in zip(TARGETS, ACTUALS)])


def _by_openpyxl(name: str, texts: set[str]) -> bool:
    """Whether openpyxl read ``name``. openpyxl decodes _xHHHH_ in shared strings (XlsxWriter's parts) but
    shows control characters escaped again, and leaves inline strings (our hand-written parts) undecoded,
    where Excel and calamine decode both: its texts are compared as they are or decoded once."""
    return any(text == name or read_cell_text(text) == name for text in texts)


def _texts(path) -> tuple[set[str], set[str]]:
    """Every text of every sheet, as openpyxl and as calamine read them."""
    book = openpyxl.load_workbook(path)
    by_openpyxl = {v for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                   for v in row if isinstance(v, str)}
    book.close()
    workbook = CalamineWorkbook.from_path(str(path))
    by_calamine = {v for name in workbook.sheet_names for row in workbook.get_sheet_by_name(name).to_python()
                   for v in row if isinstance(v, str)}
    return by_openpyxl, by_calamine


def test_a_scorecard_keeps_names_with_escapes_and_control_characters(tmp_path):
    from addin.xlsx.reader import read_scorecard

    for i, name in enumerate(NAMES):
        path = _card(tmp_path / f"am{i}.xlsx", i, name)
        assert read_scorecard(path).names["kpi_manager_name"].value == name
        by_openpyxl, by_calamine = _texts(path)
        assert name in by_calamine and _by_openpyxl(name, by_openpyxl)


def test_the_team_workbook_keeps_names_with_escapes_and_control_characters(tmp_path):
    from addin.consolidation.consolidate import consolidate

    cards = [_card(tmp_path / "cards" / f"am{i}.xlsx", i, name) for i, name in enumerate(NAMES)]
    team = consolidate(cards, tmp_path / "team.xlsx", lang="en").output
    by_openpyxl, by_calamine = _texts(team)
    assert set(NAMES) <= by_calamine
    assert all(_by_openpyxl(name, by_openpyxl) for name in NAMES)
    assert "A test" not in by_calamine  # a literal _x0041_ is never decoded
