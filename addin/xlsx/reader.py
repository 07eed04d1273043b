"""Reading scorecard workbooks: FORMAT.md only, fast, never raising for a bad file.

Layout is found through the contract alone: workbook-scope defined names
(``kpi_*``), Excel tables (``tblKPI``, ``tblReview``, settings tables) and their
header text in zh, en or key form. Sheet names and addresses are never assumed.

How it is read (speed and safety):

* the file is read once into memory, hashed, and recognised by content
  (:mod:`addin.xlsx.safety`: legacy/encrypted/OLE, .xlsb, .ods, zip caps);
* ``xl/workbook.xml``, the relationship parts and ``xl/tables/*.xml`` are small
  and read with regular expressions over their elements (a DTD is refused outright);
* cell values come from python-calamine (Rust), one call per needed sheet;
* formula presence (a typed constant in a score cell is FORMULA_OVERWRITTEN) is
  taken from the sheet XML with one regular expression, only for sheets that hold
  computed cells.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from addin.contract import schema
from addin.contract.findings import Finding, make
from addin.xlsx.a1 import a1, parse_a1, parse_range
from addin.xlsx.safety import (
    MAX_FILE_BYTES,
    UnsafeFile,
    container_kind,
    inflate,
    open_zip,
    raw_member,
    read_member,
    sniff,
)

_EMPTY: frozenset = frozenset()
MAX_TABLE_ROWS = 5000  # a scorecard has tens of rows; a bigger table is not a scorecard

_F_TAG_RE = re.compile(rb"<(?:\w+:)?f\b")
_C_OPEN_RE = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3}[0-9]{1,7})"[^>]*>\s*')


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


# ----------------------------------------------------------------------------- data model

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
    reason: str = ""
    findings: list[Finding] = field(default_factory=list)
    names: dict[str, NamedCell] = field(default_factory=dict)
    tables: dict[str, TableData] = field(default_factory=dict)
    cached_values_trusted: bool = True  # False when the writer asked Excel to recalculate on load
    lang: str = "en"
    sheets: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------- entry point

def read_scorecard(path) -> Scorecard:
    """Read one scorecard workbook.

    Args:
        path: a file path (str or Path).

    Returns:
        a :class:`Scorecard`. Never raises for a bad file: an unreadable file or a
        workbook that is not a scorecard gives ``ok=False``, ``reason`` and one
        FILE_UNREADABLE or NOT_A_SCORECARD finding.
    """
    path = Path(path)
    card = Scorecard(path=str(path))
    try:
        data = _read_bytes(path)
        card.size = len(data)
        card.sha256 = hashlib.sha256(data).hexdigest()
        _parse(card, data, path.suffix.lower())
    except UnsafeFile as exc:
        _reject(card, "FILE_UNREADABLE", str(exc))
    except _NotScorecard as exc:
        _reject(card, "NOT_A_SCORECARD", str(exc))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - incl. pyo3 PanicException: never crash the batch
        _reject(card, "FILE_UNREADABLE", f"unexpected content ({type(exc).__name__}: {exc})"[:300])
    return card


_CONTRACTS = {
    t.name.lower(): (t, t.header_lookup(), {schema.normalise_header(c.zh) for c in t.columns})
    for t in schema.SCORECARD_TABLES
}


_SETTING_NAMES = frozenset(n.name.lower() for n in schema.SETTING_NAMES)
_WANTED_TABLES = frozenset(t.name.lower() for t in schema.SCORECARD_TABLES)
_RESULT_NAMES = frozenset(n.name for n in schema.RESULT_NAMES)


class _NotScorecard(Exception):
    pass


def _reject(card: Scorecard, code: str, reason: str) -> None:
    card.ok = False
    card.reason = reason
    card.findings = [make(code, "en", file=card.path, reason=reason)]


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UnsafeFile(f"the file is {size // (1024 * 1024)} MB (limit {MAX_FILE_BYTES // (1024 * 1024)} MB)")
        with open(path, "rb") as handle:  # read-only, never written
            return handle.read(MAX_FILE_BYTES + 1)
    except PermissionError:
        raise UnsafeFile("permission denied (is it open and locked by another program?)") from None
    except IsADirectoryError:
        raise UnsafeFile("is a folder") from None
    except OSError as exc:
        raise UnsafeFile(f"cannot open the file ({exc.strerror or exc})") from None


_TAG_RE = re.compile(rb"<(?:\w+:)?(Relationship|table|tableColumn)\b([^>]*)>")
_ATTR_RE = re.compile(rb'([\w:]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_CHARREF_RE = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _unescape(text: str) -> str:
    def repl(match):
        ref = match.group(1)
        if ref.startswith("#x"):
            return chr(int(ref[2:], 16))
        if ref.startswith("#"):
            return chr(int(ref[1:]))
        return _ENTITIES[ref]
    return _CHARREF_RE.sub(repl, text) if "&" in text else text


_WORKBOOK_RE = re.compile(
    rb"<(?:\w+:)?(sheet|definedName|calcPr)\b([^>]*?)(?:/>|>([^<]*)</(?:\w+:)?(?:definedName|sheet)>|>)")


def _attrs(attr_text: bytes) -> dict[str, str]:
    values = {}
    for key, dq, sq in _ATTR_RE.findall(attr_text):
        values[key.decode("utf-8", "replace").rsplit(":", 1)[-1]] = _unescape((dq or sq).decode("utf-8", "replace"))
    return values


def _refuse_dtd(data: bytes, name: str) -> None:
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise UnsafeFile(f"part {name} uses forbidden XML constructs (DTD/entities)")


def _small_xml_tags(data: bytes, name: str) -> list[tuple[str, dict[str, str]]]:
    """(tag, attributes) of the relationship/table elements of a small part.

    These parts are flat lists of attributes, so a regular expression reads them
    several times faster than a parser. A DTD (the vehicle of entity tricks) is
    refused outright, as defusedxml would.
    """
    _refuse_dtd(data, name)
    return [(tag.decode(), _attrs(attrs)) for tag, attrs in _TAG_RE.findall(data)]


def _workbook_elements(data: bytes, name: str) -> list[tuple[bytes, dict[str, str], bytes]]:
    """(tag, attributes, text) of the sheet, definedName and calcPr elements of workbook.xml.

    workbook.xml is a flat list of elements with attributes (no DTD, so no entities):
    a regular expression reads it faster than a parser."""
    _refuse_dtd(data, name)
    return [(tag, _attrs(attr_text), text) for tag, attr_text, text in _WORKBOOK_RE.findall(data)]


def _table_part(data: bytes, name: str) -> tuple[str, dict | None]:
    """(lower-case table name, :func:`_table_spec`) of a table part; ("", None) for anything else."""
    tags = _small_xml_tags(data, name)
    if not tags or tags[0][0] != "table":
        return "", None
    return (tags[0][1].get("displayName") or tags[0][1].get("name") or "").lower(), _table_spec(tags)


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
    for tag, rel in _parsed_part(opened, rels_name, _small_xml_tags, 4 * 1024 * 1024):
        if tag != "Relationship":
            continue
        target = rel.get("Target") or ""
        if rel.get("TargetMode") == "External":
            continue
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id") or ""] = ((rel.get("Type") or "").rsplit("/", 1)[-1], resolved)
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


def _parse(card: Scorecard, data: bytes, suffix: str) -> None:  # noqa: C901 - to be split (issue 8)
    reason = sniff(data, suffix)
    if reason:
        raise UnsafeFile(reason)
    opened = open_zip(data)
    reason = container_kind(opened)
    if reason:
        raise UnsafeFile(reason)

    elements = _parsed_part(opened, "xl/workbook.xml", _workbook_elements, 16 * 1024 * 1024)
    rels = _rels(opened, "xl/workbook.xml")
    sheet_parts: dict[str, str] = {}
    local_ids: list[str] = []
    raw_names: dict[str, str] = {}
    for tag, attrs, text in elements:
        if tag == b"sheet":
            name = attrs.get("name", "")
            local_ids.append(name)
            rid = attrs.get("id", "")
            if rid in rels and rels[rid][0] == "worksheet":
                sheet_parts[name] = rels[rid][1]
        elif tag == b"definedName":
            name = attrs.get("name", "").lower()
            if (name.startswith("kpi_") or name in _SETTING_NAMES) and \
                    ("localSheetId" not in attrs or name not in raw_names):
                raw_names[name] = _unescape(text.decode("utf-8", "replace"))
        elif tag == b"calcPr":
            if attrs.get("fullCalcOnLoad") in ("1", "true"):
                card.cached_values_trusted = False
    card.sheets = local_ids

    tables: dict[str, tuple[str, dict | None]] = {}  # lower name -> (sheet, table spec)
    for sheet_name, part in sheet_parts.items():
        for _rid, (kind, target) in _rels(opened, part).items():
            if kind != "table" or target not in opened.names:
                continue
            name, spec = _parsed_part(opened, target, _table_part, 4 * 1024 * 1024)
            if name in _WANTED_TABLES and name not in tables:
                tables[name] = (sheet_name, spec)

    if "tblkpi" not in tables:
        raise _NotScorecard("no table tblKPI (the indicator table of the standard template)")
    if "kpi_template" not in raw_names:
        raise _NotScorecard("no defined name kpi_template")

    # Resolve where everything is, then load each needed sheet once.
    name_refs = {name: _name_ref(text) for name, text in raw_names.items()}
    needed: dict[str, list] = {}
    for ref in name_refs.values():
        if ref and ref[0] in sheet_parts:
            needed.setdefault(ref[0], [])
    table_specs = {}
    for lower, (sheet_name, spec) in tables.items():
        if spec is None:
            continue
        if spec["rows"] > MAX_TABLE_ROWS:
            raise UnsafeFile(f"table {spec['name']} on sheet {sheet_name} has {spec['rows']} rows "
                             f"(limit {MAX_TABLE_ROWS})")
        table_specs[lower] = (sheet_name, spec)
        needed.setdefault(sheet_name, [])


    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    grids: dict[str, tuple[list, int, int]] = {}
    formulas: dict[str, set[str]] = {}
    computed_sheets = {table_specs["tblkpi"][0]} | {
        ref[0] for name, ref in name_refs.items()
        if ref and name in _RESULT_NAMES
    }
    for sheet_name in needed:
        part = sheet_parts[sheet_name]
        xml = read_member(opened, part)  # capped: a hostile sheet never reaches calamine uncapped
        if sheet_name in computed_sheets:
            formulas[sheet_name] = formula_cells(xml)
        del xml
        max_row = 0
        for tsheet, spec in table_specs.values():
            if tsheet == sheet_name:
                max_row = max(max_row, spec["r1"] + 1)
        for ref in name_refs.values():
            if ref and ref[0] == sheet_name:
                max_row = max(max_row, ref[2][0] + 1)
        sheet = book.get_sheet_by_name(sheet_name)
        start = sheet.start or (0, 0)
        rows_needed = max(max_row - start[0], 0)
        grid = sheet.to_python(skip_empty_area=True, nrows=rows_needed) if rows_needed else []
        grids[sheet_name] = (grid, start[0], start[1])
    book.close()

    def cell_value(sheet_name: str, row: int, col: int):
        grid, r0, c0 = grids[sheet_name]
        r, c = row - r0, col - c0
        if 0 <= r < len(grid) and 0 <= c < len(grid[r]):
            value = grid[r][c]
            return None if value == "" else value
        return None

    for name, ref in name_refs.items():
        if not ref or ref[0] not in grids:
            continue  # a #REF! or external name: treated as missing
        row, col = ref[2]
        card.names[name] = NamedCell(cell_value(ref[0], row, col), ref[0], ref[1], row + 1,
                                     ref[1] in formulas.get(ref[0], ()))

    zh_hits = en_hits = 0
    for lower, (sheet_name, spec) in table_specs.items():
        contract, lookup, zh_labels = _CONTRACTS[lower]
        columns: dict[str, int] = {}
        for offset, header in enumerate(spec["headers"]):
            norm = schema.normalise_header(header)
            key = lookup.get(norm)
            if key and key not in columns:
                columns[key] = spec["c0"] + offset
                if norm in zh_labels:
                    zh_hits += 1
                else:
                    en_hits += 1
        first_data = spec["r0"] + spec["header_rows"]
        last_data = spec["r1"] - spec["totals_rows"]
        rows = _slice(grids[sheet_name], first_data, last_data, spec["c0"], spec["c1"])
        # The sheet's formula cells (a shared set): membership is all the validator asks.
        table_formulas = formulas.get(sheet_name, _EMPTY)
        card.tables[contract.name] = TableData(
            name=contract.name, sheet=sheet_name, header_row=first_data - 1, columns=columns, rows=rows,
            first_col=spec["c0"], last_col=spec["c1"], headers=spec["headers"], formulas=table_formulas,
        )
    card.lang = "zh" if zh_hits > en_hits else "en"
    for table in card.tables.values():
        table.lang = card.lang
    card.ok = True


def _slice(grid_info, first_row: int, last_row: int, first_col: int, last_col: int) -> list[list]:
    """Rows first_row..last_row, columns first_col..last_col of a calamine grid ("" -> None)."""
    grid, r0, c0 = grid_info
    width = last_col - first_col + 1
    out = []
    for row in range(first_row, last_row + 1):
        r = row - r0
        if 0 <= r < len(grid):
            line = grid[r]
            lo, hi = first_col - c0, last_col - c0 + 1
            if lo >= 0:
                values = line[lo:hi]
            else:
                values = [""] * min(-lo, width) + line[0:max(hi, 0)]
            values = [None if v == "" else v for v in values]
            if len(values) < width:
                values.extend([None] * (width - len(values)))
            out.append(values)
        else:
            out.append([None] * width)
    return out


def _table_spec(tags) -> dict | None:
    root = tags[0][1]
    ref = root.get("ref") or ""
    bounds = parse_range(ref)
    if bounds is None:
        return None
    r0, c0, r1, c1 = bounds
    headers = [attrs.get("name") or "" for tag, attrs in tags if tag == "tableColumn"]
    header_rows = 0 if root.get("headerRowCount") == "0" else 1
    try:
        totals_rows = int(root.get("totalsRowCount") or 0)
    except ValueError:
        totals_rows = 0
    return {
        "name": root.get("displayName") or root.get("name") or "", "r0": r0, "c0": c0, "r1": r1, "c1": c1,
        "headers": headers[: c1 - c0 + 1], "header_rows": header_rows, "totals_rows": totals_rows,
        "rows": max(r1 - r0 + 1 - header_rows - totals_rows, 0),
    }
