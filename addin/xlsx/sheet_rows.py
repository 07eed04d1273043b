"""The rows of a workbook's first sheet, read safely (a roster, an export): the same
protections as the scorecard reader.

A regular file only (never a FIFO), recognised by content, zip caps, linear XML parsing,
and a sheet whose cells reach too far is trimmed before python-calamine builds its grid:
cells right of the last header are dropped (they have no column), and a value below
:data:`MAX_ROWS` in a header column is refused naming its cell (it would be a row).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from addin.xlsx.guard import open_calamine
from addin.xlsx.safety import UnsafeFile, open_workbook_zip, read_file, read_member
from addin.xlsx.sheet_xml import DENSE_LIMIT, near, scan, trim
from addin.xlsx.xml_parts import elements, refuse_doctype, refuse_doctype_parts

MAX_ROWS = 100_000  # rows of a roster or an export; a team has hundreds of managers
MAX_COLUMNS = 1_000


def read_first_sheet(path) -> tuple[list[list], str]:
    """(the first worksheet's rows from A1, blank cells as None; its name).

    Raises:
        UnsafeFile: the file cannot be read safely, or a value lies far outside the table
            (``far_cells``, naming the cell).
    """
    data = read_file(path)
    opened = open_workbook_zip(data, Path(path).suffix.lower())
    sheet_name, part = _first_sheet(opened)
    xml = read_member(opened, part)
    refuse_doctype(xml, part)
    refuse_doctype_parts(opened)
    source = data
    if not near(xml) and not scan(xml).fits():
        source = _trimmed(opened, part, xml, sheet_name)
    book = open_calamine(source)
    try:
        rows = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    finally:
        book.close()
    return [[None if value == "" else value for value in row] for row in rows], sheet_name


def _first_sheet(opened) -> tuple[str, str]:
    """(name, part) of the first worksheet of the workbook."""
    sheets = [e for e in elements(read_member(opened, "xl/workbook.xml", 16 * 1024 * 1024), "xl/workbook.xml",
                                  frozenset({"sheet"}))]
    rels = {}
    if "xl/_rels/workbook.xml.rels" in opened.names:
        for rel in elements(read_member(opened, "xl/_rels/workbook.xml.rels", 4 * 1024 * 1024),
                            "xl/_rels/workbook.xml.rels", frozenset({"Relationship"})):
            target = rel.attrs.get("Target", "")
            rels[rel.attrs.get("Id", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    for sheet in sheets:
        part = rels.get(sheet.attrs.get("id", ""), "")
        if part in opened.names:
            return sheet.attrs.get("name", ""), part
    raise UnsafeFile("sheet_missing", sheet=sheets[0].attrs.get("name", "") if sheets else "?")


def _trimmed(opened, part: str, xml: bytes, sheet: str) -> bytes:
    """A workbook holding only the sheet's cells up to the last header column and MAX_ROWS rows."""
    header = trim(xml, part, MAX_ROWS - 1, 16383)  # the first row with a value holds the headers
    last_col = min(max(header.top_row_last_col, 0), MAX_COLUMNS - 1)
    kept = trim(xml, part, MAX_ROWS - 1, last_col)
    extent = scan(kept.xml)
    if kept.first_below:
        raise UnsafeFile("far_row", sheet=sheet, cell=kept.first_below, limit=f"{MAX_ROWS:,}")
    if extent.cells > DENSE_LIMIT:
        raise UnsafeFile("far_cells", sheet=sheet, cell=extent.last_cell, cells=f"{extent.cells:,}",
                         limit=f"{DENSE_LIMIT:,}")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
        for name in ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                     "xl/sharedStrings.xml", "xl/styles.xml"):
            if name in opened.names:
                out.writestr(name, read_member(opened, name))
        out.writestr(part, kept.xml)
    return buffer.getvalue()


__all__ = ["read_first_sheet", "MAX_ROWS"]
