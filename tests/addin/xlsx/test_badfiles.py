"""The bad-file zoo: every hostile or broken input is a finding with a reason, never a crash or a hang."""

from __future__ import annotations

import hashlib
import time
import zipfile
from pathlib import Path

import pytest
from support.scorecards import post_edit, write_scorecard

from addin.consolidation.consolidate import consolidate
from addin.validation.validate import validate_paths
from addin.xlsx.reader import read_scorecard

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {info.filename: z.read(info.filename) for info in z.infolist()}


@pytest.fixture
def zoo(tmp_path):
    """A folder of bad (and a few good-but-odd) files; returns {name: expected status or reason fragment}."""
    folder = tmp_path / "zoo dir 目录"
    folder.mkdir()
    good = write_scorecard(tmp_path / "good.xlsx")
    data = good.read_bytes()
    expect = {}

    (folder / "random-bytes.xlsx").write_bytes(bytes(range(256)) * 40)
    expect["random-bytes.xlsx"] = "not an Excel"
    (folder / "empty-file.xlsx").write_bytes(b"")
    expect["empty-file.xlsx"] = "empty"
    (folder / "truncated.xlsx").write_bytes(data[: len(data) // 2])
    expect["truncated.xlsx"] = "zip"
    (folder / "legacy.xls").write_bytes(OLE + b"\x00" * 4000)
    expect["legacy.xls"] = "legacy"
    (folder / "encrypted.xlsx").write_bytes(OLE + b"\x00" * 1000 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 1000)
    expect["encrypted.xlsx"] = "password"
    # zip bomb: 200 MB of zeros in a few hundred KB, refused from the central directory
    with zipfile.ZipFile(folder / "zip-bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        members = _members(good)
        for name, content in members.items():
            z.writestr(name, content)
        with z.open("xl/media/bomb.bin", "w", force_zip64=True) as handle:
            block = b"\x00" * (1 << 20)
            for _ in range(200):
                handle.write(block)
    expect["zip-bomb.xlsx"] = "zip bomb"
    # billion laughs in workbook.xml
    members = _members(good)
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
              + members["xl/workbook.xml"].split(b"?>", 1)[1].replace(b"<sheets>", b"<sheets>&lol2;", 1))
    members["xl/workbook.xml"] = laughs
    _zip(folder / "xml-entities.xlsx", members)
    expect["xml-entities.xlsx"] = "forbidden XML"
    # a table that claims a million rows
    members = _members(good)
    tables = [n for n in members if n.startswith("xl/tables/")]
    for name in tables:
        if b'name="tblKPI"' in members[name]:
            members[name] = members[name].replace(b'ref="A12:S17"', b'ref="A12:S1048576"')
    _zip(folder / "million-row-table.xlsx", members)
    expect["million-row-table.xlsx"] = "rows"
    # .xlsb / .ods / docx-like zips
    _zip(folder / "binary.xlsb", {"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x00" * 10})
    expect["binary.xlsb"] = ".xlsb"
    _zip(folder / "calc.ods", {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"})
    expect["calc.ods"] = "OpenDocument"
    # an empty workbook
    import xlsxwriter
    wb = xlsxwriter.Workbook(str(folder / "empty-workbook.xlsx"))
    wb.add_worksheet()
    wb.close()
    expect["empty-workbook.xlsx"] = "not a KPI scorecard"
    # Excel lock file
    (folder / "~$good.xlsx").write_bytes(b"\x05owner" + b" " * 150)
    expect["~$good.xlsx"] = "lock file"
    # a CSV given in the folder is not picked up, but the .xls-like and others are
    (folder / "notes.txt").write_text("not a spreadsheet")

    # good but odd: macros, a million-row junk sheet, merged cells, spaces and Chinese in the name
    members = _members(good)
    members["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + b"Attribute VB_Name = \"Evil\"\nShell \"calc.exe\"" * 10
    _zip(folder / "with-macros.xlsm", members)
    expect["with-macros.xlsm"] = "merged"
    rows_xml = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (r, r, r) for r in range(1, 1_048_577))
    members = _members(write_scorecard(tmp_path / "junk.xlsx", header={"manager_id": "AM777"}, extra_sheet_rows=1))
    junk = [n for n in members if n.startswith("xl/worksheets/sheet") and b'<row r="1"' in members[n]
            and b'<row r="2"' not in members[n]]
    assert len(junk) == 1  # the one-row junk sheet
    junk = junk[0]
    members[junk] = members[junk].split(b"<sheetData>")[0] + b"<sheetData>" + rows_xml + b"</sheetData></worksheet>"
    _zip(folder / "million-row-sheet.xlsx", members)
    expect["million-row-sheet.xlsx"] = "merged"
    import openpyxl
    path = write_scorecard(tmp_path / "merged.xlsx", header={"manager_id": "AM555"})
    book = openpyxl.load_workbook(path)
    book.worksheets[0].merge_cells("B4:C4")
    book.save(folder / "merged-cells 合并.xlsx")
    expect["merged-cells 合并.xlsx"] = "merged"
    write_scorecard(folder / "经理 张三 scorecard.xlsx", header={"manager_id": "AM888", "manager_name": "张三"})
    expect["经理 张三 scorecard.xlsx"] = "merged"
    return folder, expect


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_zoo_every_file_one_row_with_reason(zoo, tmp_path):
    folder, expect = zoo
    before = _hashes(folder)
    started = time.perf_counter()
    result = consolidate([folder], tmp_path / "out" / "team.xlsx", lang="en")
    assert time.perf_counter() - started < 30
    rows = {Path(f).name: (status, reason) for f, status, reason in
            zip(result.files["file"], result.files["status"], result.files["reason"])}
    assert sorted(rows) == sorted(expect)  # exactly one row per spreadsheet file (notes.txt is not one)
    for name, fragment in expect.items():
        status, reason = rows[name]
        if fragment == "merged":
            assert status == "merged", (name, reason)
        else:
            assert status == "rejected", (name, status)
            assert fragment.lower() in reason.lower(), (name, reason)
    assert _hashes(folder) == before  # inputs are never modified
    assert (tmp_path / "out" / "team.xlsx").exists()


def test_macros_are_read_not_run(zoo):
    folder, _ = zoo
    card = read_scorecard(folder / "with-macros.xlsm")
    assert card.ok and card.names["kpi_manager_id"].value == "AM001"


def test_reader_never_raises_on_arbitrary_bytes(tmp_path):
    import random
    rnd = random.Random(3)
    good = write_scorecard(tmp_path / "good.xlsx").read_bytes()
    for i in range(60):
        data = bytearray(good)
        for _ in range(rnd.randint(1, 40)):  # flip bytes anywhere, incl. the compressed parts
            data[rnd.randrange(len(data))] = rnd.randrange(256)
        path = tmp_path / f"fuzz{i}.xlsx"
        path.write_bytes(bytes(data))
        card = read_scorecard(path)
        assert card.ok or card.findings and card.findings[0].code in ("FILE_UNREADABLE", "NOT_A_SCORECARD")


def test_missing_input_is_a_usage_error(tmp_path):
    from addin.contract.errors import UsageError
    with pytest.raises(UsageError):
        validate_paths([tmp_path / "nope"])


def test_explicit_non_spreadsheet_file_is_reported(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a,b\n1,2\n")
    report = validate_paths([path])
    assert [e.status for e in report.files] == ["rejected"]
    assert "CSV" in report.files[0].reason


def test_trusted_cache_file_still_reads(tmp_path):
    path = post_edit(write_scorecard(tmp_path / "x.xlsx"))
    assert read_scorecard(path).cached_values_trusted is True


def test_shared_and_inline_strings_both_read(tmp_path):
    # XlsxWriter writes shared strings; a file with inline strings must read the same
    path = write_scorecard(tmp_path / "x.xlsx")
    members = _members(path)
    assert "xl/sharedStrings.xml" in members
    card = read_scorecard(path)
    assert card.tables["tblKPI"].value(0, "indicator") == "Sales"
    inline = members["xl/worksheets/sheet1.xml"]
    strings = [s.split(b"</t>")[0].split(b">")[-1] for s in members["xl/sharedStrings.xml"].split(b"<si>")[1:]]
    import re
    def to_inline(match):
        return b'<c r="%s"%s t="inlineStr"><is><t>%s</t></is></c>' % (
            match.group(1), match.group(2), strings[int(match.group(3))])
    members["xl/worksheets/sheet1.xml"] = re.sub(rb'<c r="([A-Z]+\d+)"([^>]*?) t="s"><v>(\d+)</v></c>', to_inline, inline)
    assert members["xl/worksheets/sheet1.xml"] != inline
    other = _zip(tmp_path / "inline.xlsx", members)
    card2 = read_scorecard(other)
    assert card2.tables["tblKPI"].rows == card.tables["tblKPI"].rows
    assert card2.names["kpi_manager_id"].value == "AM001"
