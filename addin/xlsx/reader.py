"""Reading scorecard workbooks: FORMAT.md only, fast, never raising for a bad file.

Layout is found through the contract alone: workbook-scope defined names
(``kpi_*``), Excel tables (``tblKPI``, ``tblReview``, settings tables) and their
header text in zh, en or key form. Sheet names and addresses are never assumed.

How it is read (speed and safety):

* the file is read once into memory (a regular file only: :func:`addin.xlsx.safety.read_file`),
  hashed, and recognised by content (legacy/encrypted/OLE, .xlsb, .ods, zip caps);
* ``xl/workbook.xml``, the relationship parts and ``xl/tables/*.xml`` are read with
  expat in one linear pass, a DTD refused (:mod:`addin.xlsx.xml_parts`); parts that
  are the same in every file of a template are parsed once per run;
* only the sheets holding the tables and names are loaded, and only up to the last row
  and column they need. Their cells' extent is measured from the sheet XML first
  (:mod:`addin.xlsx.sheet_xml`): a sheet whose cells reach too far (a stray cell at
  ``XFD1048576``) is trimmed to that window before python-calamine (Rust) builds its grid;
* formula presence (a typed constant in a score cell is FORMULA_OVERWRITTEN) and Excel
  error values (:class:`CellError`) are taken from the sheet XML.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from addin.contract import schema
from addin.contract.findings import Finding, make
from addin.xlsx.a1 import a1, parse_a1, parse_range
from addin.xlsx.safety import (
    MAX_FILE_BYTES,
    OpenedZip,
    Reason,
    UnsafeFile,
    inflate,
    open_workbook_zip,
    raw_member,
    read_file,
    read_member,
)
from addin.xlsx.sheet_xml import error_cells, formula_cells, near, scan, trim
from addin.xlsx.xml_parts import Element, elements, refuse_doctype, refuse_doctype_parts

_EMPTY: frozenset = frozenset()
MAX_TABLE_ROWS = 5000  # a scorecard has tens of rows; a bigger table is not a scorecard

__all__ = ["read_scorecard", "is_team_workbook", "Scorecard", "TableData", "NamedCell", "CellError", "TableSpec", "formula_cells",
           "MAX_TABLE_ROWS"]


# ----------------------------------------------------------------------------- data model

@dataclass(frozen=True)
class CellError:
    """An Excel error value in a cell (``#N/A``, ``#DIV/0!``, ``#REF!`` …): never a number, never blank."""

    code: str

    def __str__(self) -> str:
        return self.code


@dataclass
class NamedCell:
    """The value of a one-cell defined name and where it is."""

    value: Any
    sheet: str
    cell: str
    row: int  # 1-based
    formula: bool = False


@dataclass
class TableData:
    """One Excel table: where it is, which contract columns it has, its data rows."""

    name: str
    sheet: str
    header_row: int  # 0-based worksheet row of the header
    columns: dict[str, int]  # column key -> 0-based worksheet column
    rows: list[list[Any]]  # data rows, values in worksheet column order from first_col
    first_col: int
    last_col: int
    headers: list[str] = field(default_factory=list)
    formulas: frozenset[str] = frozenset()  # A1 refs of the sheet's cells holding a formula
    lang: str = "en"
    below: list[Any] = field(default_factory=list)  # the row right under the table ([] when none is read)
    below_row: int = 0  # its 1-based worksheet row

    def value(self, index: int, key: str):
        col = self.columns.get(key)
        if col is None:
            return None
        row = self.rows[index]
        offset = col - self.first_col
        return row[offset] if 0 <= offset < len(row) else None

    def row_number(self, index: int) -> int:
        """1-based worksheet row of data row ``index``."""
        return self.header_row + 2 + index

    def cell(self, index: int, key: str) -> str:
        col = self.columns.get(key, self.first_col)
        return a1(self.header_row + 1 + index, col)

    def header_cell(self, key: str | None = None) -> str:
        col = self.columns.get(key, self.first_col) if key else self.first_col
        return a1(self.header_row, col)


@dataclass
class Scorecard:
    """Everything read from one workbook; ``ok`` is False when it could not be read as a scorecard."""

    path: str
    sha256: str = ""
    size: int = 0
    ok: bool = False
    problem: Reason | None = None  # why it is not read (ok False)
    skipped: bool = False  # not a scorecard but our own output (listed with the reason, no finding)
    findings: list[Finding] = field(default_factory=list)
    names: dict[str, NamedCell] = field(default_factory=dict)
    tables: dict[str, TableData] = field(default_factory=dict)
    cached_values_trusted: bool = True  # False when the writer asked Excel to recalculate on load
    lang: str = "en"
    sheets: list[str] = field(default_factory=list)
    bad_tables: list[tuple[str, str, str]] = field(default_factory=list)  # (table, sheet, range) unreadable ranges
    error_values: bool = False  # a sheet read holds an Excel error value (#N/A …): CellError somewhere
    saved: str = ""  # when the workbook says it was last saved (docProps/core.xml dcterms:modified), "" if not
    mtime: float = 0.0  # the file's modification time (seconds since the epoch), 0 if unknown

    @property
    def reason(self) -> str:
        """Why the file is not read, in English ("" when it is)."""
        return str(self.problem) if self.problem else ""


# ----------------------------------------------------------------------------- entry point

def read_scorecard(path) -> Scorecard:
    """Read one scorecard workbook.

    Args:
        path: a file path (str or Path).

    Returns:
        a :class:`Scorecard`. Never raises for a bad file: an unreadable file or a
        workbook that is not a scorecard gives ``ok=False``, ``problem`` and one
        FILE_UNREADABLE or NOT_A_SCORECARD finding; a team workbook written by kpi gives
        ``skipped=True`` and no finding.
    """
    path = Path(path)
    card = Scorecard(path=str(path))
    try:
        card.mtime = path.stat().st_mtime
    except OSError:
        pass
    try:
        data = read_file(path, MAX_FILE_BYTES)
        card.size = len(data)
        card.sha256 = hashlib.sha256(data).hexdigest()
        _parse(card, data, path.suffix.lower())
    except UnsafeFile as exc:
        _reject(card, "FILE_UNREADABLE", exc.reason)
    except _OurOutput as exc:
        card.ok, card.skipped, card.problem = False, True, exc.reason
    except _NotScorecard as exc:
        _reject(card, "NOT_A_SCORECARD", exc.reason)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - incl. pyo3 PanicException: never crash the batch
        _reject(card, "FILE_UNREADABLE", Reason("unexpected", {"error": f"{type(exc).__name__}: {exc}"[:300]}))
    return card


def is_team_workbook(path) -> bool:
    """A team workbook written by kpi (its tables, no tblKPI): an output that may be replaced."""
    return read_scorecard(path).skipped


_CONTRACTS = {
    t.name.lower(): (t, t.header_lookup(), {schema.normalise_header(c.zh) for c in t.columns})
    for t in schema.SCORECARD_TABLES
}
_SETTING_NAMES = frozenset(n.name.lower() for n in schema.SETTING_NAMES)
_WANTED_TABLES = frozenset(t.name.lower() for t in schema.SCORECARD_TABLES)
_TEAM_TABLES = frozenset(t.name.lower() for t in schema.TEAM_TABLES)
_RESULT_NAMES = frozenset(n.name for n in schema.RESULT_NAMES)


class _NotScorecard(Exception):
    def __init__(self, key: str, /, **values: Any) -> None:
        super().__init__(key)
        self.reason = Reason(key, values)


class _OurOutput(_NotScorecard):
    """A workbook kpi itself wrote (a team workbook): listed as skipped, not an error."""


def unreadable_scorecard(path: str, reason: Reason) -> Scorecard:
    """The Scorecard of a file that could not be read at all (its reader timed out or died)."""
    card = Scorecard(path=str(path))
    _reject(card, "FILE_UNREADABLE", reason)
    return card


def _reject(card: Scorecard, code: str, reason: Reason) -> None:
    card.ok = False
    card.problem = reason
    card.findings = [make(code, "en", file=card.path, reason=str(reason))]


# ----------------------------------------------------------------------------- small XML parts

_WORKBOOK_TAGS = frozenset({"sheet", "definedName", "calcPr"})
_TABLE_TAGS = frozenset({"table", "tableColumn"})
_REL_TAGS = frozenset({"Relationship"})


def _workbook_elements(data: bytes, name: str) -> list[Element]:
    """The sheet, definedName (with its text) and calcPr elements of workbook.xml."""
    return elements(data, name, _WORKBOOK_TAGS, frozenset({"definedName"}))


def _rel_elements(data: bytes, name: str) -> list[Element]:
    return elements(data, name, _REL_TAGS)


@dataclass(frozen=True)
class TableSpec:
    """An Excel table as its part declares it: name, range (0-based, inclusive), headers."""

    name: str
    ref: str
    r0: int = 0
    c0: int = 0
    r1: int = -1
    c1: int = -1
    headers: tuple[str, ...] = ()
    header_rows: int = 1
    totals_rows: int = 0

    @property
    def valid(self) -> bool:
        """The range is one rectangle of the sheet, top-left first."""
        return 0 <= self.r0 <= self.r1 and 0 <= self.c0 <= self.c1

    @property
    def rows(self) -> int:
        """Data rows (without header and totals rows)."""
        return max(self.r1 - self.r0 + 1 - self.header_rows - self.totals_rows, 0)

    @property
    def first_data(self) -> int:
        return self.r0 + self.header_rows

    @property
    def last_data(self) -> int:
        return self.r1 - self.totals_rows


def _table_part(data: bytes, name: str) -> tuple[str, TableSpec | None]:
    """(lower-case table name, :class:`TableSpec`) of a table part; ("", None) for anything else."""
    found = elements(data, name, _TABLE_TAGS)
    if not found or found[0].tag != "table":
        return "", None
    root = found[0].attrs
    table_name = root.get("displayName") or root.get("name") or ""
    ref = root.get("ref") or ""
    bounds = parse_range(ref)
    if bounds is None:
        return table_name.lower(), TableSpec(table_name, ref)
    r0, c0, r1, c1 = bounds
    headers = tuple(e.attrs.get("name") or "" for e in found if e.tag == "tableColumn")
    try:
        totals_rows = max(int(root.get("totalsRowCount") or 0), 0)
    except ValueError:
        totals_rows = 0
    return table_name.lower(), TableSpec(
        table_name, ref, r0, c0, r1, c1, headers[: max(c1 - c0 + 1, 0)],
        0 if root.get("headerRowCount") == "0" else 1, totals_rows)


# Parts that are the same in every workbook made from one template (tables, relationships,
# workbook.xml) are parsed once per run, keyed by the parser and their exact compressed
# bytes and method (equal compressed bytes mean equal content), so never confused and
# not even decompressed again.
_PARSED: dict[tuple, Any] = {}
_MAX_CACHED_PART = 64 * 1024


def _parsed_part(opened, name: str, parse, cap: int):
    """``parse(bytes, name)`` of one member, cached across files by its compressed bytes."""
    raw = raw_member(opened, name)
    if raw is None:  # an unusual compression method: zipfile reads it, nothing is cached
        return parse(read_member(opened, name, cap), name)
    key = (parse, raw[0], opened.infos[name].CRC, raw[1])  # with the CRC: a corrupt one is still found
    parsed = _PARSED.get(key)
    if parsed is None:
        parsed = parse(inflate(opened, name, raw[0], raw[1], cap), name)
        if len(raw[1]) <= _MAX_CACHED_PART:
            if len(_PARSED) >= 4096:
                _PARSED.clear()
            _PARSED[key] = parsed
    return parsed


_NAME_REFS: dict[str, Any] = {}


def _name_ref(text: str):
    """(sheet, A1 cell, (row, col)) of a defined name's text, None when it is not one cell (memoised)."""
    found = _NAME_REFS.get(text, _NAME_REFS)
    if found is _NAME_REFS:
        ref = _split_ref(text)
        found = (ref[0], ref[1], parse_a1(ref[1])) if ref else None
        if len(_NAME_REFS) >= 4096:
            _NAME_REFS.clear()
        _NAME_REFS[text] = found
    return found


def _rels(opened, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type suffix, resolved part name) of ``part``."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    if rels_name not in opened.names:
        return {}
    out = {}
    for rel in _parsed_part(opened, rels_name, _rel_elements, 4 * 1024 * 1024):
        target = rel.attrs.get("Target") or ""
        if rel.attrs.get("TargetMode") == "External":
            continue
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.attrs.get("Id") or ""] = ((rel.attrs.get("Type") or "").rsplit("/", 1)[-1], resolved)
    return out


def _split_ref(text: str) -> tuple[str, str] | None:
    """"'My ''x'' sheet'!$B$3" -> ("My 'x' sheet", "B3"); None for anything but one sheet cell/range."""
    text = (text or "").strip().lstrip("=")
    if "!" not in text:
        return None
    sheet, _, ref = text.rpartition("!")
    if len(sheet) > 1 and sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    elif any(ch in sheet for ch in ",!'() "):
        return None  # a union, a function or a malformed reference: not one cell
    if "[" in sheet or "," in ref:
        return None
    first = ref.split(":")[0].replace("$", "")
    if parse_a1(first) is None:
        return None
    return sheet, first


# ----------------------------------------------------------------------------- the steps of one file

@dataclass
class _Layout:
    """Where things are: sheet parts, defined names, tables, and the window of each sheet to load."""

    sheet_parts: dict[str, str] = field(default_factory=dict)  # sheet name -> part
    name_refs: dict[str, Any] = field(default_factory=dict)  # lower name -> (sheet, A1, (row, col)) | None
    tables: dict[str, tuple[str, TableSpec]] = field(default_factory=dict)  # lower name -> (sheet, spec)
    windows: dict[str, list[int]] = field(default_factory=dict)  # sheet -> [last row, last col] needed


@dataclass
class _Grid:
    """The loaded cells of one sheet: calamine's rows from (r0, c0), errors and formulas."""

    rows: list
    r0: int
    c0: int
    errors: dict[tuple[int, int], str] = field(default_factory=dict)

    def value(self, row: int, col: int):
        error = self.errors.get((row, col)) if self.errors else None
        if error is not None:
            return CellError(error)
        r, c = row - self.r0, col - self.c0
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            value = self.rows[r][c]
            return None if value == "" else value
        return None

    def block(self, first_row: int, last_row: int, first_col: int, last_col: int) -> list[list]:
        """Rows first_row..last_row, columns first_col..last_col ("" and missing cells -> None)."""
        width = last_col - first_col + 1
        out = []
        lo, hi = first_col - self.c0, last_col - self.c0 + 1
        for row in range(first_row, last_row + 1):
            r = row - self.r0
            if 0 <= r < len(self.rows):
                line = self.rows[r]
                values = line[lo:hi] if lo >= 0 else [""] * min(-lo, width) + line[0:max(hi, 0)]
                values = [None if v == "" else v for v in values]
                if len(values) < width:
                    values.extend([None] * (width - len(values)))
            else:
                values = [None] * width
            if self.errors:
                for col in range(first_col, last_col + 1):
                    error = self.errors.get((row, col))
                    if error is not None:
                        values[col - first_col] = CellError(error)
            out.append(values)
        return out


def _parse(card: Scorecard, data: bytes, suffix: str) -> None:
    opened = open_workbook_zip(data, suffix)
    card.saved = _saved(opened)
    layout = _layout(card, opened)
    grids, formulas = _load(card, opened, data, layout)
    _fill(card, layout, grids, formulas)
    card.ok = True


_MODIFIED = re.compile(rb"<dcterms:modified\b[^>]*>\s*([^<\s]{1,40})\s*</dcterms:modified>")


def _saved(opened: OpenedZip) -> str:
    """The workbook's last-saved time as written in docProps/core.xml ("" when absent or unreadable)."""
    if "docProps/core.xml" not in opened.names:
        return ""
    try:
        found = _MODIFIED.search(read_member(opened, "docProps/core.xml", 1024 * 1024))
    except UnsafeFile:
        return ""
    return found.group(1).decode("ascii", "replace") if found else ""


def _layout(card: Scorecard, opened: OpenedZip) -> _Layout:
    """Read workbook.xml, the relationships and the table parts: where everything is."""
    layout = _Layout()
    raw_names = _workbook(card, opened, layout)
    found_tables = _tables(opened, layout)
    for name, (sheet, spec) in found_tables.items():
        if spec.valid:
            layout.tables[name] = (sheet, spec)
        elif name != "tblkpi":
            card.bad_tables.append((spec.name, sheet, spec.ref))
    if "tblkpi" not in found_tables:
        if any(name in _TEAM_TABLES for name in _tables(opened, layout, _TEAM_TABLES)):
            raise _OurOutput("skipped_team_workbook")
        raise _NotScorecard("no_kpi_table")
    if "tblkpi" not in layout.tables:
        sheet, spec = found_tables["tblkpi"]
        raise _NotScorecard("table_bad_ref", table=spec.name, sheet=sheet, ref=spec.ref)
    if "kpi_template" not in raw_names:
        raise _NotScorecard("no_template_name")
    layout.name_refs = {name: _name_ref(text) for name, text in raw_names.items()}
    _windows(layout)
    return layout


def _workbook(card: Scorecard, opened: OpenedZip, layout: _Layout) -> dict[str, str]:
    """Sheets and their parts, the kpi_*/setting defined names (text), calcPr."""
    rels = _rels(opened, "xl/workbook.xml")
    raw_names: dict[str, str] = {}
    for element in _parsed_part(opened, "xl/workbook.xml", _workbook_elements, 16 * 1024 * 1024):
        attrs = element.attrs
        if element.tag == "sheet":
            name = attrs.get("name", "")
            card.sheets.append(name)
            rid = attrs.get("id", "")
            if rid in rels and rels[rid][0] == "worksheet":
                layout.sheet_parts[name] = rels[rid][1]
        elif element.tag == "definedName":
            name = attrs.get("name", "").lower()
            if (name.startswith("kpi_") or name in _SETTING_NAMES) and \
                    ("localSheetId" not in attrs or name not in raw_names):
                raw_names[name] = element.text
        elif element.tag == "calcPr" and attrs.get("fullCalcOnLoad") in ("1", "true"):
            card.cached_values_trusted = False
    return raw_names


def _tables(opened: OpenedZip, layout: _Layout, wanted: frozenset[str] = _WANTED_TABLES
            ) -> dict[str, tuple[str, TableSpec]]:
    """The tables named in ``wanted`` (lower case), first occurrence, with their sheet."""
    tables: dict[str, tuple[str, TableSpec]] = {}
    for sheet_name, part in layout.sheet_parts.items():
        for _rid, (kind, target) in _rels(opened, part).items():
            if kind != "table" or target not in opened.names:
                continue
            name, spec = _parsed_part(opened, target, _table_part, 4 * 1024 * 1024)
            if spec is not None and name in wanted and name not in tables:
                tables[name] = (sheet_name, spec)
    return tables


def _windows(layout: _Layout) -> None:
    """The rows and columns to load per sheet: every table (and the row under it) and every named cell."""
    for sheet_name, spec in layout.tables.values():
        if spec.rows > MAX_TABLE_ROWS:
            raise UnsafeFile("table_too_long", table=spec.name, sheet=sheet_name, rows=spec.rows,
                             limit=MAX_TABLE_ROWS)
        if sheet_name in layout.sheet_parts:
            _extend(layout, sheet_name, spec.r1 + 1, spec.c1)
    for ref in layout.name_refs.values():
        if ref and ref[0] in layout.sheet_parts:
            _extend(layout, ref[0], ref[2][0], ref[2][1])


def _extend(layout: _Layout, sheet: str, row: int, col: int) -> None:
    window = layout.windows.setdefault(sheet, [0, 0])
    window[0], window[1] = max(window[0], row), max(window[1], col)


def _load(card: Scorecard, opened: OpenedZip, data: bytes, layout: _Layout):
    """Each needed sheet's cells (calamine), error values and, where scores live, formula cells."""
    computed = {layout.tables["tblkpi"][0]} | {
        ref[0] for name, ref in layout.name_refs.items() if ref and name in _RESULT_NAMES}
    formulas: dict[str, frozenset[str]] = {}
    errors: dict[str, dict] = {}
    trimmed: dict[str, bytes] = {}
    plain: list[str] = []
    for sheet_name, (last_row, last_col) in layout.windows.items():
        part = layout.sheet_parts[sheet_name]
        if part not in opened.names:
            raise UnsafeFile("sheet_missing", sheet=sheet_name)
        xml = read_member(opened, part)  # capped: a hostile sheet never reaches calamine uncapped
        refuse_doctype(xml, part)
        if sheet_name in computed:
            formulas[sheet_name] = formula_cells(xml)
        errors[sheet_name] = error_cells(xml)
        card.error_values = card.error_values or bool(errors[sheet_name])
        if near(xml) or scan(xml).fits():
            plain.append(part)
        else:
            trimmed[part] = trim(xml, part, last_row, last_col).xml
        del xml
    refuse_doctype_parts(opened)
    source = _trimmed_zip(opened, trimmed, plain) if trimmed else data
    book = CalamineWorkbook.from_filelike(io.BytesIO(source))
    grids: dict[str, _Grid] = {}
    try:
        for sheet_name, (last_row, _last_col) in layout.windows.items():
            sheet = book.get_sheet_by_name(sheet_name)
            start = sheet.start or (0, 0)
            rows_needed = max(last_row + 1 - start[0], 0)
            rows = sheet.to_python(skip_empty_area=True, nrows=rows_needed) if rows_needed else []
            grids[sheet_name] = _Grid(rows, start[0], start[1], errors[sheet_name])
    finally:
        book.close()
    return grids, formulas


def _trimmed_zip(opened: OpenedZip, trimmed: dict[str, bytes], plain: list[str]) -> bytes:
    """A workbook holding what calamine reads: the package and workbook parts, shared strings,
    styles, and the needed sheets (the trimmed ones replaced)."""
    keep = ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
            "xl/sharedStrings.xml", "xl/styles.xml", *plain]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
        for name in keep:
            if name in opened.names:
                out.writestr(name, read_member(opened, name))
        for name, xml in trimmed.items():
            out.writestr(name, xml)
    return buffer.getvalue()


def _fill(card: Scorecard, layout: _Layout, grids: dict[str, _Grid], formulas: dict[str, frozenset[str]]) -> None:
    """The named cells and tables of the card, from the loaded grids."""
    for name, ref in layout.name_refs.items():
        if not ref or ref[0] not in grids:
            continue  # a #REF! or external name: treated as missing
        row, col = ref[2]
        card.names[name] = NamedCell(grids[ref[0]].value(row, col), ref[0], ref[1], row + 1,
                                     ref[1] in formulas.get(ref[0], ()))
    zh_hits = en_hits = 0
    for lower, (sheet_name, spec) in layout.tables.items():
        if sheet_name not in grids:
            continue
        contract, lookup, zh_labels = _CONTRACTS[lower]
        columns: dict[str, int] = {}
        for offset, header in enumerate(spec.headers):
            norm = schema.normalise_header(header)
            key = lookup.get(norm)
            if key and key not in columns:
                columns[key] = spec.c0 + offset
                if norm in zh_labels:
                    zh_hits += 1
                else:
                    en_hits += 1
        grid = grids[sheet_name]
        # The sheet's formula cells (a shared set): membership is all the validator asks.
        card.tables[contract.name] = TableData(
            name=contract.name, sheet=sheet_name, header_row=spec.first_data - 1, columns=columns,
            rows=grid.block(spec.first_data, spec.last_data, spec.c0, spec.c1),
            first_col=spec.c0, last_col=spec.c1, headers=list(spec.headers),
            formulas=formulas.get(sheet_name, _EMPTY), below=_row_below(layout, lower, grid), below_row=spec.r1 + 2,
        )
    card.lang = "zh" if zh_hits > en_hits else "en"
    for table in card.tables.values():
        table.lang = card.lang


def _row_below(layout: _Layout, lower: str, grid: _Grid) -> list:
    """The values of the row right under a table, [] when that row belongs to another table."""
    sheet, spec = layout.tables[lower]
    below = spec.r1 + 1
    for other, (other_sheet, other_spec) in layout.tables.items():
        if other != lower and other_sheet == sheet and other_spec.r0 <= below <= other_spec.r1 \
                and other_spec.c0 <= spec.c1 and spec.c0 <= other_spec.c1:
            return []
    return grid.block(below, below, spec.c0, spec.c1)[0]
