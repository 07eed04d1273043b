"""The reader's helpers and contract: A1 conversions, defined-name references, header matching."""

from __future__ import annotations

import pytest

from addin.reader import _split_ref, a1, col_index, col_letter, parse_a1, parse_range, read_scorecard
from fixtures.build import write_scorecard


@pytest.mark.parametrize("index,letters", [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA"), (16383, "XFD")])
def test_column_letters_round_trip(index, letters):
    assert col_letter(index) == letters
    assert col_index(letters) == index


def test_a1_and_ranges():
    assert a1(0, 0) == "A1"
    assert parse_a1("$B$3") == (2, 1)
    assert parse_a1("nonsense") is None
    assert parse_range("A7:S12") == (6, 0, 11, 18)


@pytest.mark.parametrize("text,expected", [
    ("'考核表'!$B$3", ("考核表", "B3")),
    ("Scorecard!$B$3", ("Scorecard", "B3")),
    ("'It''s here'!$C$4:$C$4", ("It's here", "C4")),
    ("=Sheet1!A1", ("Sheet1", "A1")),
    ("#REF!", None),
    ("[1]Other!$A$1", None),
    ("Sheet1!$A$1,Sheet1!$B$2", None),
])
def test_defined_name_references(text, expected):
    assert _split_ref(text) == expected


def test_headers_in_either_language_and_key(tmp_path):
    en = read_scorecard(write_scorecard(tmp_path / "en.xlsx", lang="en"))
    zh = read_scorecard(write_scorecard(tmp_path / "zh.xlsx", lang="zh"))
    assert en.lang == "en" and zh.lang == "zh"
    assert en.tables["tblKPI"].columns == zh.tables["tblKPI"].columns
    assert en.tables["tblKPI"].rows == zh.tables["tblKPI"].rows
    assert zh.names["kpi_manager_id"].cell == "B3" and zh.names["kpi_final_score"].formula


def test_real_template_reads(tmp_path):
    generator = pytest.importorskip("workbook_templates.generator")
    path = generator.write_template(tmp_path / "t.xlsx", size="large", lang="zh",
                                    header={"manager_id": "AM9", "period": "2026Q3"})
    card = read_scorecard(path)
    assert card.ok, card.reason
    assert card.names["kpi_manager_id"].value == "AM9"
    kpi = card.tables["tblKPI"]
    assert {"score", "weighted", "actual", "target", "weight"} <= set(kpi.columns)
    assert kpi.cell(0, "score") in kpi.formulas  # the template's score cells are formulas
