"""Hostile rosters: a FIFO is never opened, a far-away cell never expands a grid, CSV quoting
is Excel's, look-alike ids are one manager. Every case is a RosterError naming the file, never a
hang, an abort or a traceback."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
from support.paths import run_kpi

from addin.contract.errors import RosterError
from addin.roster.reader import read_roster


def _xlsx(path: Path, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def _with_cell(path: Path, ref: str, row: int, value: str = "x") -> Path:
    """Add one inline-string cell at ``ref`` (row ``row``) to the first sheet, as a stray keystroke would."""
    with zipfile.ZipFile(path) as z:
        members = {i.filename: z.read(i.filename) for i in z.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c></row>'.encode()
    members[sheet] = members[sheet].replace(b"</sheetData>", cell + b"</sheetData>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


ROWS = [["manager_id", "name", "team"], ["AM001", "Wei Zhang", "East 1"], ["AM002", "Li Na", "East 1"]]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
@pytest.mark.parametrize("name", ["roster.csv", "roster.xlsx"])
def test_a_fifo_roster_is_refused_without_opening_it(tmp_path, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    with pytest.raises(RosterError, match="FIFO"):
        read_roster(fifo)  # a blocking open() would hang here


@pytest.mark.parametrize("ref,row", [("XFD1048576", 1048576), ("XFD10000", 10000), ("XFD1", 1), ("Z3", 3)])
def test_a_far_cell_right_of_the_headers_is_ignored(tmp_path, ref, row):
    path = _with_cell(_xlsx(tmp_path / "r.xlsx", ROWS), ref, row)
    rows = read_roster(path)
    assert [r["manager_id"] for r in rows] == ["AM001", "AM002"]


def test_a_far_cell_below_the_managers_is_refused_naming_it(tmp_path):
    path = _with_cell(_xlsx(tmp_path / "r.xlsx", ROWS), "A1048576", 1048576, "AM999")
    with pytest.raises(RosterError) as caught:
        read_roster(path)
    assert "A1048576" in str(caught.value) and "r.xlsx" in str(caught.value)


def test_csv_quoting_as_excel_writes_it(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text('manager_id,name,team\nAM001,"Wei ""David"" Zhang","East 1"\nAM002,"Li, Na","East\n1"\n',
                    encoding="utf-8-sig")
    rows = read_roster(path)
    assert [r["manager_name"] for r in rows] == ['Wei "David" Zhang', "Li, Na"]
    assert rows[1]["team"] == "East\n1"


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_csv_with_another_delimiter(tmp_path, delimiter):
    path = tmp_path / "r.csv"
    path.write_text(f'manager_id{delimiter}name\nAM001{delimiter}"Wei ""D"" Z"\n', encoding="utf-8")
    assert read_roster(path)[0]["manager_name"] == 'Wei "D" Z'


@pytest.mark.parametrize("other", ["ＡＭ００１", "AM\u200b001", "\ufeffAM001", "АМ001"])
def test_look_alike_ids_are_duplicates(tmp_path, other):
    path = _xlsx(tmp_path / "r.xlsx", [["manager_id"], ["AM001"], [other]])
    with pytest.raises(RosterError, match="duplicate"):
        read_roster(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_kpi_new_with_a_fifo_roster_says_so(tmp_path):
    fifo = tmp_path / "roster.csv"
    os.mkfifo(fifo)
    proc = run_kpi("new", "--roster", str(fifo), "-o", str(tmp_path / "out"), "--lang", "en", timeout=60)
    assert proc.returncode == 1 and "FIFO" in proc.stderr and "Traceback" not in proc.stderr
