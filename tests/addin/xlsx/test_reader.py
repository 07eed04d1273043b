"""The reader's helpers and contract: A1 conversions, defined-name references, header matching."""

from __future__ import annotations

import pytest
from support.scorecards import write_scorecard

from addin.xlsx.a1 import a1, col_index, col_letter, parse_a1, parse_range
from addin.xlsx.reader import _split_ref, read_scorecard
from workbook_templates import generator


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
    path = generator.write_template(tmp_path / "t.xlsx", size="large", lang="zh",
                                    header={"manager_id": "AM9", "period": "2026Q3"})
    card = read_scorecard(path)
    assert card.ok, card.reason
    assert card.names["kpi_manager_id"].value == "AM9"
    kpi = card.tables["tblKPI"]
    assert {"score", "weighted", "actual", "target", "weight"} <= set(kpi.columns)
    assert kpi.cell(0, "score") in kpi.formulas  # the template's score cells are formulas


def test_parts_shared_between_files_are_never_confused(tmp_path):
    """Parsed parts are cached across files by their compressed bytes: files whose tables
    sit elsewhere (or whose cap differs) are each read as they are."""
    a = write_scorecard(tmp_path / "a.xlsx")
    b = write_scorecard(tmp_path / "b.xlsx", kpi_origin=(20, 3))
    again = write_scorecard(tmp_path / "c.xlsx")
    cards = [read_scorecard(p) for p in (a, b, again, b)]
    assert [c.tables["tblKPI"].header_row for c in cards] == [11, 20, 11, 20]
    assert [c.tables["tblKPI"].first_col for c in cards] == [0, 3, 0, 3]
    assert cards[0].tables["tblKPI"].rows == cards[1].tables["tblKPI"].rows


def _corrupt_member(path, member: str, how: str) -> None:
    """Spoil one part of a saved zip: its CRC-32 in the central directory, or the second
    half of its compressed bytes (the declared sizes stay)."""
    import struct
    import zipfile

    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(member)
    if how == "crc":
        at = raw.find(struct.pack("<I", info.CRC), raw.find(b"PK\x01\x02"))  # in the central directory
        raw[at:at + 4] = struct.pack("<I", info.CRC ^ 0xFFFFFFFF)
    else:
        name_len, extra_len = struct.unpack("<HH", raw[info.header_offset + 26:info.header_offset + 30])
        start = info.header_offset + 30 + name_len + extra_len
        half = info.compress_size // 2
        raw[start + half:start + info.compress_size] = b"\x00" * (info.compress_size - half)
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize("how", ["crc", "truncated"])
def test_corrupt_part_is_file_unreadable(tmp_path, how):
    path = write_scorecard(tmp_path / "bad.xlsx")
    _corrupt_member(path, "xl/workbook.xml", how)
    card = read_scorecard(path)
    assert not card.ok and card.findings[0].code == "FILE_UNREADABLE"
    assert "xl/workbook.xml" in card.reason and "corrupt" in card.reason
