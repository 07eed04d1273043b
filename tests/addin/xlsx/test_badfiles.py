"""The bad-file zoo: every hostile or broken input is a finding with a reason, never a crash or a hang.

The zoo runs through ``kpi consolidate`` in-process and as a user runs it (a fresh process), and
shows: no hang past the per-file budget, no process abort, no traceback, no input or unrelated
file touched, every input listed exactly once (docs/guarantees.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from support.paths import run_kpi
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


def _stored(path: Path, members: dict[str, bytes]) -> Path:
    """A zip without compression: big repetitive parts are not mistaken for zip bombs."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def _kpi_part(members: dict[str, bytes], table: str = "tblKPI") -> str:
    return next(n for n in members if n.startswith("xl/tables/") and f'name="{table}"'.encode() in members[n])


def _with_cell(members: dict[str, bytes], part: str, ref: str, row: int) -> dict[str, bytes]:
    out = dict(members)
    cell = b'<row r="%d"><c r="%s"><v>1</v></c></row>' % (row, ref.encode())
    out[part] = out[part].replace(b"</sheetData>", cell + b"</sheetData>")
    return out


def _set_cells(path: Path, sheet_index: int, values: dict) -> Path:
    book = openpyxl.load_workbook(path)
    for ref, value in values.items():
        book.worksheets[sheet_index][ref] = value
    book.save(path)
    return path


def _hostile(folder: Path, tmp_path: Path, good: Path, expect: dict) -> None:
    """The classes of issue 13: each file (or folder) and what its tblFiles row must say."""
    members = _members(good)
    sheet = "xl/worksheets/sheet1.xml"  # write_scorecard puts tblKPI and the names on the first sheet
    # not a regular file: never opened (a blocking open() would hang the run)
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe.xlsx")
        expect["pipe.xlsx"] = "FIFO"
        os.mkfifo(folder / "~$pipe-lock.xlsx")
        expect["~$pipe-lock.xlsx"] = "lock file"
    # one far-away cell: never a dense grid of billions of cells (Rust would abort the process)
    for ref, row, manager in (("XFD1048576", 1048576, "AM201"), ("XFD10000", 10000, "AM202"), ("A1048576", 1048576, "AM203")):
        far = _members(write_scorecard(tmp_path / f"{manager}.xlsx", header={"manager_id": manager}))
        _zip(folder / f"far-cell-{ref}.xlsx", _with_cell(far, sheet, ref, row))
        expect[f"far-cell-{ref}.xlsx"] = "merged"
    # cells without references (positions implicit): the exact path, still read
    implicit = _members(write_scorecard(tmp_path / "AM204.xlsx", header={"manager_id": "AM204"}))
    implicit[sheet] = implicit[sheet].replace(b"</sheetData>", b"<row r=\"40\">" + b"<c><v>1</v></c>" * 3000 + b"</row></sheetData>")
    _zip(folder / "implicit-cells.xlsx", implicit)
    expect["implicit-cells.xlsx"] = "merged"
    # an unclosed start tag repeated after the last '>': one linear pass, refused as malformed XML
    for part, name in (("xl/workbook.xml", "quadratic-workbook.xlsx"), ("xl/_rels/workbook.xml.rels", "quadratic-rels.xlsx"),
                       (_kpi_part(members), "quadratic-table.xlsx")):
        bad = dict(members)
        bad[part] = bad[part] + b"<sheet " * 40000
        _stored(folder / name, bad)
        expect[name] = "not well-formed"
    # Excel error values in inputs: a finding naming the value, not "blank, scores 0"
    _set_cells(write_scorecard(folder / "na-actual.xlsx", header={"manager_id": "AM205"}), 0, {"N13": "#N/A"})
    expect["na-actual.xlsx"] = "#N/A"
    _set_cells(write_scorecard(folder / "div0-rating.xlsx", header={"manager_id": "AM206"}), 1, {"D2": "#DIV/0!"})
    expect["div0-rating.xlsx"] = "#DIV/0!"
    # a filled row right under tblKPI (LibreOffice does not extend tables)
    _set_cells(write_scorecard(folder / "row-under-table.xlsx", header={"manager_id": "AM207"}), 0, {"C18": "Extra"})
    expect["row-under-table.xlsx"] = "outside the table"
    # bad numbers in settings: each its own finding with the cell
    grades = [("S", 60), ("A", 95), ("B", 80), ("C", 110), ("D", 0)]
    write_scorecard(folder / "grades-out-of-order.xlsx", header={"manager_id": "AM208"}, settings={"tblGrades": grades})
    expect["grades-out-of-order.xlsx"] = "must fall from S to D"
    inf = write_scorecard(folder / "infinite-band.xlsx", header={"manager_id": "AM209"},
                          settings={"tblBands": [(100, 100), (90, 81), (80, 60)]})
    post_edit(inf, trust_cached=False, replace={"xl/worksheets/sheet3.xml": [(rb"<v>81</v>", b"<v>INF</v>")]})
    expect["infinite-band.xlsx"] = "finite"
    garbage = write_scorecard(folder / "garbage-table-ref.xlsx", header={"manager_id": "AM210"})
    post_edit(garbage, trust_cached=False, replace={_kpi_part(_members(garbage)): [(rb'ref="[A-Z0-9:]+"', b'ref="zz"')]})
    expect["garbage-table-ref.xlsx"] = "invalid range"
    # our own litter: listed as skipped, not errors
    shutil.copy(good, folder / "._good.xlsx")
    expect["._good.xlsx"] = "macOS resource"
    (folder / "__MACOSX").mkdir()
    shutil.copy(good, folder / "__MACOSX" / "archived.xlsx")
    expect["archived.xlsx"] = "__MACOSX"
    shutil.copy(good, folder / ".team-k3j2h1.xlsx")
    expect[".team-k3j2h1.xlsx"] = "hidden file"
    consolidate([good], tmp_path / "earlier-team.xlsx", lang="en")
    shutil.copy(tmp_path / "earlier-team.xlsx", folder / "team-2026Q2.xlsx")
    expect["team-2026Q2.xlsx"] = "team workbook"
    # a symbolic link to a folder is followed (once: a link loop repeats nothing)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    write_scorecard(elsewhere / "linked.xlsx", header={"manager_id": "AM211"})
    (folder / "linked-folder").symlink_to(elsewhere, target_is_directory=True)
    (elsewhere / "loop").symlink_to(folder, target_is_directory=True)
    expect["linked.xlsx"] = "merged"
    (folder / "broken-link.xlsx").symlink_to(tmp_path / "nowhere.xlsx")
    expect["broken-link.xlsx"] = "does not exist"
    _second_pass(folder, tmp_path, good, expect)
    # names: control characters, and bytes that are not UTF-8 (unzip of a zip made on Chinese Windows)
    write_scorecard(folder / "esc\x1b[2J\x07.xlsx", header={"manager_id": "AM212"})
    expect["esc\x1b[2J\x07.xlsx"] = "merged"
    if os.name == "posix":
        gbk = os.fsdecode(bytes(folder) + b"/" + "张伟.xlsx".encode("gb18030"))
        write_scorecard(gbk, header={"manager_id": "AM213"})
        expect["张伟.xlsx"] = "merged"


def _second_pass(folder: Path, tmp_path: Path, good: Path, expect: dict) -> None:
    """Variants an attacker tries next: disguised content, ambiguous zips, DTDs in the parts calamine
    parses, crafted numbers, link loops, a sheet claiming the whole grid, bidi characters in names."""
    members = _members(good)
    sheet = "xl/worksheets/sheet1.xml"
    (folder / "really-html.xlsx").write_text("<html><table><tr><td>AM001</td></tr></table></html>")
    expect["really-html.xlsx"] = "not an Excel"
    (folder / "really-csv.xlsx").write_text("manager_id,final_score\nAM001,99\n")
    expect["really-csv.xlsx"] = "not an Excel"
    # two parts of one name: zipfile reads the last, other readers the first; Excel refuses the file
    with zipfile.ZipFile(folder / "duplicate-parts.xlsx", "w") as z, pytest.warns(UserWarning, match="Duplicate"):
        for name, data in [*members.items(), ("xl/workbook.xml", b"<workbook/>")]:
            z.writestr(name, data)
    expect["duplicate-parts.xlsx"] = "appears more than once"
    # a DTD in the parts only calamine parses: refused with that reason, not "unexpected content"
    doctype = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
    for part, name in (("xl/sharedStrings.xml", "dtd-shared-strings.xlsx"), (sheet, "dtd-sheet.xlsx"),
                       ("xl/styles.xml", "dtd-styles.xlsx")):
        bad = dict(members)
        bad[part] = doctype + bad[part].split(b"?>", 1)[1]
        _zip(folder / name, bad)
        expect[name] = "forbidden XML"
    # a crafted "NaN" in an actual: never read as blank (which would score 0 and merge)
    nan = write_scorecard(folder / "nan-actual.xlsx", header={"manager_id": "AM214"})
    post_edit(nan, replace={sheet: [(rb'(<c r="N13"[^>]*><v>)[^<]*', rb"\g<1>NaN")]})
    expect["nan-actual.xlsx"] = "finite number (got nan)"
    # a sheet whose dimension claims the whole grid, links to outside workbooks and a relationship
    # cycle, 100,000 nested elements: read like any scorecard (nothing followed, nothing expanded)
    odd = _members(write_scorecard(tmp_path / "AM215.xlsx", header={"manager_id": "AM215"}))
    odd[sheet] = odd[sheet].replace(b"<sheetViews>", b'<dimension ref="A1:XFD1048576"/><sheetViews>', 1)
    odd[sheet] = odd[sheet].replace(b"</worksheet>", b"<extLst>" + b"<a>" * 100000 + b"</a>" * 100000
                                    + b"</extLst></worksheet>")
    rels = "xl/_rels/workbook.xml.rels"
    odd[rels] = odd[rels].replace(b"</Relationships>", (
        b'<Relationship Id="rId90" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'externalLink" Target="externalLinks/externalLink1.xml"/><Relationship Id="rId91" Type="http://'
        b'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="workbook.xml"/>'
        b"</Relationships>"))
    odd["xl/externalLinks/_rels/externalLink1.xml.rels"] = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
        b'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" '
        b'Target="file:///\\\\attacker\\share\\book.xlsx" TargetMode="External"/></Relationships>')
    _zip(folder / "odd-but-fine.xlsx", odd)
    expect["odd-but-fine.xlsx"] = "merged"
    # a link to itself: ELOOP, listed as a loop (Path.resolve() raised RuntimeError here)
    (folder / "self-link.xlsx").symlink_to("self-link.xlsx")
    expect["self-link.xlsx"] = "loop of symbolic links"
    # a right-to-left override and a zero-width space in a file name: read, listed under its own name
    write_scorecard(folder / "card\u202exslx.exe\u200b.xlsx", header={"manager_id": "AM216"})
    expect["card\u202exslx.exe\u200b.xlsx"] = "merged"


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
    _hostile(folder, tmp_path, good, expect)
    return folder, expect


def _hashes(root: Path) -> dict[str, str]:
    """Every regular file below ``root`` (links not followed), with its content hash."""
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _check_rows(names: list[str], statuses: list[str], reasons: list[str], expect: dict[str, str]) -> None:
    counts = Counter(Path(name).name for name in names)
    assert {name for name, n in counts.items() if n > 1} == set(), counts  # every input listed exactly once
    assert sorted(counts) == sorted(expect)  # and nothing else (notes.txt is not an input)
    rows = {Path(n).name: (s, r) for n, s, r in zip(names, statuses, reasons)}
    for name, fragment in expect.items():
        status, reason = rows[name]
        if fragment == "merged":
            assert status == "merged", (name, reason)
        else:
            assert status == "rejected", (name, status)
            assert fragment.lower() in reason.lower(), (name, reason)


def test_zoo_every_file_one_row_with_reason(zoo, tmp_path):
    folder, expect = zoo
    before = _hashes(tmp_path)
    result = consolidate([folder], tmp_path / "out" / "team.xlsx", lang="en")
    _check_rows(list(result.files["file"]), list(result.files["status"]), list(result.files["reason"]), expect)
    after = _hashes(tmp_path)
    assert {k: v for k, v in after.items() if "/out/" not in k} == before  # no input or unrelated file touched
    assert sorted(k for k in after if "/out/" in k) == [str(tmp_path / "out" / "team.xlsx")]  # and no temp file
    skipped = [name for name, fragment in expect.items() if fragment in ("macOS resource", "__MACOSX", "hidden file",
                                                                         "team workbook", "lock file")]
    assert not [f for f in result.findings if Path(f.file).name in skipped]  # litter is listed, never an error


def test_zoo_as_a_user_runs_it(zoo, tmp_path):
    """A fresh `kpi` process: no abort, no traceback, no hang, the workbook and the JSON report written."""
    folder, expect = zoo
    before = _hashes(tmp_path)
    out, report = tmp_path / "cli" / "team.xlsx", tmp_path / "cli" / "report.json"
    proc = run_kpi("consolidate", folder, "-o", out, "--json", report, "--lang", "en", timeout=600)
    assert proc.returncode == 0, proc.stderr  # a Rust abort would be -6 (SIGABRT), a crash a traceback
    assert "Traceback" not in proc.stderr and "\x1b" not in proc.stdout + proc.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    _check_rows([f["file"] for f in data["files"]], [f["status"] for f in data["files"]],
                [f["reason"] for f in data["files"]], expect)
    assert {k: v for k, v in _hashes(tmp_path).items() if "/cli/" not in k} == before
    check = openpyxl.load_workbook(out)  # a valid workbook: Excel would not need to repair it
    assert check.sheetnames


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
