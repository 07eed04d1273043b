"""What the reader takes from a worksheet's XML itself, in linear time: which cells hold
a formula, which hold an Excel error value (``#N/A``, ``#DIV/0!`` …), how far the cells
reach, and, for a sheet whose cells reach too far, a trimmed copy holding only the cells
of a window.

Why the extent matters: python-calamine builds a *dense* grid from the first to the last
cell of a sheet. One stray cell at ``XFD1048576`` asks for 17 billion cells, and Rust
aborts the whole process. :func:`scan` measures the extent from the cell references
before calamine sees the sheet; a sheet spanning more than :data:`DENSE_LIMIT` cells is
handed to calamine as :func:`trim` made it: only the cells of the window the reader
needs, written with explicit references.

Every pattern here stops at the next ``<`` (attribute values never hold a raw ``<``), so
a hostile run of unclosed tags costs a single pass, never a rescan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.parsers import expat

from addin.xlsx.a1 import a1, col_index, parse_a1
from addin.xlsx.safety import UnsafeFile

# A sheet whose cells span more than this many grid cells is trimmed before calamine
# reads it (a scorecard sheet spans a few thousand; 2 million cells are ~64 MB in calamine).
DENSE_LIMIT = 2_000_000

_F_TAG_RE = re.compile(rb"<(?:\w+:)?f\b")
_C_OPEN_RE = re.compile(rb'<(?:\w+:)?c\b[^<>]*?\br="([A-Z]{1,3}[0-9]{1,7})"[^<>]*>\s*')
_CELL_START_RE = re.compile(rb"<(?:\w+:)?c[\s/>]")
_CELL_COL_RE = re.compile(rb'<(?:\w+:)?c\s[^<>]*?\br="([A-Z]{1,3})[0-9]{1,7}"')
_CELL_ROW_RE = re.compile(rb'<(?:\w+:)?c\s[^<>]*?\br="[A-Z]{1,3}([0-9]{1,7})"')
# A cell that does not start with a reference within A1:GZ9999 (208 columns × 9999 rows: ~2 million
# cells), which covers a far cell, a cell without its reference (its position is implicit) and an
# unusual attribute order; and a namespace prefix for the cells' namespace (prefixed cells count in
# calamine too). Either sends the sheet to the exact path.
_NOT_NEAR_CELL_RE = re.compile(rb'<c(?! r="(?:[A-G][A-Z]|[A-Z])[1-9][0-9]{0,3}")[\s/>]')
_MAIN_PREFIX_RE = re.compile(rb'xmlns:[\w.-]+\s*=\s*["\'][^"\']*(?:spreadsheetml/2006/main|ooxml/spreadsheetml/main)["\']')
_ERROR_CELL_RE = re.compile(rb'<(?:\w+:)?c\s([^<>]*?\bt="e"[^<>]*?)(/?)>')
_ERROR_TYPE_RE = re.compile(rb't="e"')
_REF_ATTR_RE = re.compile(rb'\br="([A-Z]{1,3}[0-9]{1,7})"')
_ERROR_VALUE_RE = re.compile(
    rb'\s*(?:<(?:\w+:)?f\b[^<>]*?(?:/>|>[^<]*</(?:\w+:)?f>))?\s*<(?:\w+:)?v>([^<]{1,32})</(?:\w+:)?v>')


def formula_cells(xml: bytes) -> frozenset[str]:
    """A1 refs of the cells of a sheet part holding a formula: each ``<f>`` element whose
    preceding tag is its cell's ``<c r="..">`` (formulas are few; cells are many)."""
    cells = []
    for match in _F_TAG_RE.finditer(xml):
        start = xml.rfind(b"<", 0, match.start())
        cell = _C_OPEN_RE.fullmatch(xml, start, match.start())
        if cell:
            cells.append(cell.group(1).decode())
    return frozenset(cells)


def error_cells(xml: bytes) -> dict[tuple[int, int], str]:
    """(row, col) (0-based) -> the error value (``#N/A``) of every cell of type ``e``."""
    if _ERROR_TYPE_RE.search(xml) is None:
        return {}
    found = {}
    for match in _ERROR_CELL_RE.finditer(xml):
        ref = _REF_ATTR_RE.search(match.group(1))
        if ref is None or match.group(2):
            continue
        value = _ERROR_VALUE_RE.match(xml, match.end())
        position = parse_a1(ref.group(1).decode())
        if position is not None:
            found[position] = value.group(1).decode("ascii", "replace").strip() if value else "#VALUE!"
    return found


@dataclass(frozen=True)
class Extent:
    """How far the cells of a sheet reach (0-based, inclusive), from their references."""

    first_row: int
    first_col: int
    last_row: int
    last_col: int
    regular: bool  # every cell carries its reference (Excel, LibreOffice, XlsxWriter, openpyxl do)

    @property
    def cells(self) -> int:
        """Cells of the dense grid calamine would build."""
        if self.last_row < self.first_row:
            return 0
        return (self.last_row - self.first_row + 1) * (self.last_col - self.first_col + 1)

    @property
    def last_cell(self) -> str:
        """The A1 reference of the far corner (named in messages)."""
        return a1(max(self.last_row, 0), max(self.last_col, 0))

    def fits(self) -> bool:
        """True when calamine can read the sheet as it is."""
        return self.regular and self.cells <= DENSE_LIMIT


def near(xml: bytes) -> bool:
    """True when every cell of the sheet starts ``<c r="`` with a reference within A1:GZ9999,
    so calamine's grid is at most ~2 million cells: two C-speed searches, no per-cell Python
    work. Anything unusual (another attribute order, a namespace prefix, a cell without a
    reference) answers False and goes to the exact :func:`scan`."""
    return _NOT_NEAR_CELL_RE.search(xml) is None and _MAIN_PREFIX_RE.search(xml) is None


def scan(xml: bytes) -> Extent:
    """The extent of a sheet's cells (styled empty cells count too: an over-estimate is safe)."""
    cols = _CELL_COL_RE.findall(xml)
    regular = len(cols) == len(_CELL_START_RE.findall(xml))
    if not cols:
        return Extent(0, 0, -1, -1, regular)
    letters = set(cols)  # a few distinct columns and rows, however many cells
    rows = [int(r) for r in set(_CELL_ROW_RE.findall(xml))]
    first = min(letters, key=lambda c: (len(c), c)).decode()
    last = max(letters, key=lambda c: (len(c), c)).decode()
    return Extent(min(rows) - 1, col_index(first), max(rows) - 1, col_index(last), regular)


@dataclass(frozen=True)
class Trimmed:
    """A sheet part rewritten to the cells of a window, and what was left out."""

    xml: bytes
    dropped: int  # cells with a value outside the window
    first_dropped: str  # A1 ref of the first of them, "" when none
    first_below: str = ""  # A1 ref of the first value below the window within its columns, "" when none
    top_row: int = -1  # the first row (0-based) holding a value in the window, -1 when none
    top_row_last_col: int = -1  # the last column (0-based) holding a value in that row


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


class _Cursor:
    """The position (0-based) of the row and cell expat is in; a ``<row>`` or ``<c>`` without a
    reference follows the one before it, as Excel reads it."""

    def __init__(self) -> None:
        self.row, self.col = -1, -1

    def step(self, tag: str, attrs: dict[str, str]) -> bool:
        """Follow a start tag; True when it starts a cell (``self.row``, ``self.col`` are its position)."""
        if tag == "row":
            number = attrs.get("r", "")
            self.row = int(number) - 1 if number.isdigit() else self.row + 1
            self.col = -1
        elif tag == "c":
            position = parse_a1(attrs.get("r", "")) if attrs.get("r") else None
            if position is not None:
                self.row, self.col = position
            else:
                self.col += 1
            return True
        return False


class _Reach(_Cursor):
    """expat handler that records how far the cells reach."""

    def __init__(self) -> None:
        super().__init__()
        self.first_row = self.first_col = 1 << 40
        self.last_row = self.last_col = -1

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if self.step(name.rsplit(":", 1)[-1], attrs):
            self.first_row, self.last_row = min(self.first_row, self.row), max(self.last_row, self.row)
            self.first_col, self.last_col = min(self.first_col, self.col), max(self.last_col, self.col)


class _Trimmer(_Cursor):
    """expat handlers that keep the value cells of a window, with explicit references."""

    def __init__(self, last_row: int, last_col: int) -> None:
        super().__init__()
        self.last_row, self.last_col = last_row, last_col
        self.cell: dict[str, str] | None = None
        self.value: list[str] = []
        self.inline: list[str] = []
        self.in_value = self.in_text = self.in_phonetic = False
        self.kept: list[tuple[int, int, str]] = []
        self.dropped = 0
        self.first_dropped = ""
        self.first_below = ""

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = name.rsplit(":", 1)[-1]
        if self.step(tag, attrs):
            self.cell = {k: v for k, v in attrs.items() if k in ("s", "t")}
            self.value, self.inline = [], []
        elif self.cell is not None:
            if tag == "v":
                self.in_value = True
            elif tag == "rPh":
                self.in_phonetic = True
            elif tag == "t" and not self.in_phonetic:
                self.in_text = True

    def end(self, name: str) -> None:
        tag = name.rsplit(":", 1)[-1]
        if tag == "v":
            self.in_value = False
        elif tag == "rPh":
            self.in_phonetic = False
        elif tag == "t":
            self.in_text = False
        elif tag == "c" and self.cell is not None:
            self._close_cell()

    def text(self, data: str) -> None:
        if self.in_value:
            self.value.append(data)
        elif self.in_text:
            self.inline.append(data)

    def _close_cell(self) -> None:
        cell, self.cell = self.cell or {}, None
        if cell.get("t") == "inlineStr":
            if not self.inline:
                return
            body = f'<is><t xml:space="preserve">{_escape("".join(self.inline))}</t></is>'
        elif self.value:
            body = f"<v>{_escape(''.join(self.value))}</v>"
        else:
            return  # no value: calamine ignores it too
        if self.row > self.last_row or self.col > self.last_col or self.row < 0 or self.col < 0:
            self.dropped += 1
            ref = a1(max(self.row, 0), max(self.col, 0))
            self.first_dropped = self.first_dropped or ref
            if self.row > self.last_row and 0 <= self.col <= self.last_col and not self.first_below:
                self.first_below = ref
            return
        attrs = "".join(f' {k}="{_escape(v)}"' for k, v in sorted(cell.items()))
        self.kept.append((self.row, self.col, f'<c r="{a1(self.row, self.col)}"{attrs}>{body}</c>'))


def _parse(xml: bytes, part: str, start, end=None, text=None) -> None:
    """One expat pass over a sheet part; UnsafeFile for a DTD or XML that is not well-formed."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_args):
        raise UnsafeFile("xml_forbidden", part=part)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as exc:
        raise UnsafeFile("xml_malformed", part=part, line=exc.lineno, column=exc.offset,
                         error=expat.ErrorString(exc.code)) from None


def reach(xml: bytes, part: str) -> Extent:
    """The exact extent of a sheet whose cells do not all carry a reference (one expat pass;
    positions follow the cells before them, as in Excel). Raises UnsafeFile like :func:`trim`."""
    handlers = _Reach()
    _parse(xml, part, handlers.start)
    if handlers.last_row < 0:
        return Extent(0, 0, -1, -1, True)
    return Extent(handlers.first_row, handlers.first_col, handlers.last_row, handlers.last_col, True)


def trim(xml: bytes, part: str, last_row: int, last_col: int) -> Trimmed:
    """The cells of ``xml`` in rows 0..last_row and columns 0..last_col (0-based), as a
    minimal sheet part calamine reads; values, styles and types are kept, formulas are not
    (their cached values are). Raises UnsafeFile for XML that is not well-formed or has a DTD."""
    handlers = _Trimmer(last_row, last_col)
    _parse(xml, part, handlers.start, handlers.end, handlers.text)
    rows: dict[int, list[tuple[int, str]]] = {}
    for row, col, text in handlers.kept:
        rows.setdefault(row, []).append((col, text))
    body = "".join(f'<row r="{row + 1}">' + "".join(text for _, text in sorted(cells)) + "</row>"
                   for row, cells in sorted(rows.items()))
    out = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           f"<sheetData>{body}</sheetData></worksheet>")
    top = min(rows) if rows else -1
    return Trimmed(out.encode("utf-8"), handlers.dropped, handlers.first_dropped, handlers.first_below, top,
                   max(col for col, _ in rows[top]) if rows else -1)
