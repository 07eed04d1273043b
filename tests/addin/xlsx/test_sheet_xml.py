"""What the reader takes from the sheet XML itself: extents (before calamine builds a grid),
error values, formula cells, and a sheet trimmed to a window."""

from __future__ import annotations

import pytest
from python_calamine import CalamineWorkbook

from addin.xlsx.sheet_xml import DENSE_LIMIT, error_cells, formula_cells, near, scan, trim

SHEET = (b'<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>2</v></c></row>'
         b'<row r="3"><c r="C3" t="e"><f>NA()</f><v>#N/A</v></c><c r="D3" t="e"><v>#DIV/0!</v></c>'
         b'<c r="E3"><f>1+1</f><v>2</v></c></row></sheetData></worksheet>')


def test_error_values_and_formulas():
    assert error_cells(SHEET) == {(2, 2): "#N/A", (2, 3): "#DIV/0!"}
    assert formula_cells(SHEET) == {"C3", "E3"}
    assert error_cells(b'<c r="A1"><v>1</v></c>') == {}


@pytest.mark.parametrize("cell,is_near", [
    (b'<c r="GZ9999"><v>1</v></c>', True), (b'<c r="HA1"><v>1</v></c>', False),
    (b'<c r="A10000"><v>1</v></c>', False), (b'<c r="XFD1048576"><v>1</v></c>', False),
    (b"<c><v>1</v></c>", False), (b'<c s="1" r="A1"><v>1</v></c>', False), (b'<x:c r="A1"><v>1</v></x:c>', False),
])
def test_near_answers_false_for_anything_far_or_unusual(cell, is_near):
    assert near(b"<sheetData><row>" + cell + b"</row></sheetData>") is is_near


def test_scan_measures_the_grid_calamine_would_build():
    extent = scan(SHEET + b'<c r="XFD1048576"><v>1</v></c>')
    assert (extent.last_row, extent.last_col, extent.last_cell) == (1048575, 16383, "XFD1048576")
    assert extent.cells > DENSE_LIMIT and not extent.fits()
    assert scan(SHEET).fits() and scan(SHEET).cells == 3 * 5
    assert not scan(b"<c><v>1</v></c>").regular


def test_trim_keeps_the_window_with_explicit_references():
    xml = (b'<worksheet><sheetData><row r="2"><c><v>1</v></c><c t="inlineStr"><is><r><t>a&amp;</t></r>'
           b'<rPh><t>x</t></rPh><r><t>b</t></r></is></c></row>'
           b'<row r="1048576"><c r="A1048576"><v>9</v></c><c r="XFD1048576"><v>9</v></c></row>'
           b'<row r="3"><c r="XFD3"><v>9</v></c></row></sheetData></worksheet>')
    trimmed = trim(xml, "sheet1.xml", 10, 5)
    assert trimmed.dropped == 3 and trimmed.first_below == "A1048576"
    assert (trimmed.top_row, trimmed.top_row_last_col) == (1, 1)
    assert scan(trimmed.xml).fits() and b'r="A2"' in trimmed.xml and b'r="B2"' in trimmed.xml


def test_a_trimmed_sheet_reads_the_same_values(tmp_path):
    import xlsxwriter
    path = tmp_path / "t.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("S")
    ws.write("A1", "text")
    ws.write("B2", 2.5)
    ws.write_boolean("C3", True)
    ws.write("XFD1048576", "far")
    book.close()
    import io
    import zipfile
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members["xl/worksheets/sheet1.xml"] = trim(members["xl/worksheets/sheet1.xml"], "s", 5, 5).xml
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue())).get_sheet_by_name("S").to_python()
    assert rows == [["text", "", ""], ["", 2.5, ""], ["", "", True]]
