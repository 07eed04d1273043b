"""safe_workbook: every other workbook a command reads (team workbook, actuals, rules, exports)
gets the scorecard reader's protections before python-calamine sees it."""

from __future__ import annotations

import os
import zipfile

import pytest
import xlsxwriter
from support.scorecards import write_scorecard

from addin.collect.actuals_workbook import read_actuals
from addin.collect.rules import load_rules
from addin.consolidation.consolidate import consolidate
from addin.consolidation.team_workbook import read_team_workbook
from addin.contract.errors import UsageError
from addin.xlsx.guard import safe_workbook
from addin.xlsx.safety import UnsafeFile


def _workbook(path, far: str | None = None):
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("S")
    ws.write("A1", "x")
    if far:
        ws.write(far, 1)
    book.close()
    return path


def test_a_plain_workbook_reads(tmp_path):
    assert safe_workbook(_workbook(tmp_path / "a.xlsx")).get_sheet_by_name("S").to_python() == [["x"]]


@pytest.mark.parametrize("far", ["XFD1048576", "XFD10000", "C1048576"])
def test_a_far_cell_is_refused_naming_it_never_expanded(tmp_path, far):
    with pytest.raises(UnsafeFile) as caught:
        safe_workbook(_workbook(tmp_path / "a.xlsx", far))
    assert far in str(caught.value)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_never_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe.xlsx")
    with pytest.raises(UnsafeFile, match="FIFO"):
        safe_workbook(tmp_path / "pipe.xlsx")


def test_a_previous_team_workbook_with_a_far_cell_is_a_clear_error(tmp_path):
    (tmp_path / "in").mkdir()
    write_scorecard(tmp_path / "in" / "a.xlsx")
    previous = tmp_path / "previous.xlsx"
    consolidate([tmp_path / "in"], previous, lang="en")
    with zipfile.ZipFile(previous) as z:
        members = {n: z.read(n) for n in z.namelist()}
    part = "xl/worksheets/sheet2.xml"
    members[part] = members[part].replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
    with zipfile.ZipFile(previous, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    with pytest.raises(UsageError) as caught:
        consolidate([tmp_path / "in"], tmp_path / "team.xlsx", lang="en", previous=previous)
    assert "XFD1048576" in caught.value.render("en")


def test_an_export_that_is_a_word_document_is_refused_with_its_reason(tmp_path):
    from addin.collect.exports import ExportUnreadable, read_export
    path = tmp_path / "deals.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(ExportUnreadable) as caught:
        read_export(path, "deals.xlsx", ["owner"])
    assert "Word document" in str(caught.value)
    assert caught.value.reason("zh") == "这是 Word 文档，不是 Excel 工作簿"  # one language, one catalog


@pytest.mark.parametrize("far", ["XFD1048576"])
def test_an_export_with_a_far_cell_is_refused_not_aborted(tmp_path, far):
    from addin.collect.exports import ExportUnreadable, read_export
    with pytest.raises(ExportUnreadable) as caught:
        read_export(_workbook(tmp_path / "deals.xlsx", far), "deals.xlsx", ["x"])
    assert far in str(caught.value)


def _package_at_the_root(path):
    """A workbook whose parts lie at the root of the zip (no ``xl/`` folder): calamine 0.37 panics
    on it when tables are loaded (pyo3's PanicException is a BaseException, ``except Exception`` misses it)."""
    with zipfile.ZipFile(write_scorecard(path.with_name("source.xlsx"))) as z:
        members = {n: z.read(n) for n in z.namelist()}
    moved = {}
    for name, data in members.items():
        if name == "_rels/.rels":
            data = data.replace(b"xl/workbook.xml", b"workbook.xml")
        elif name == "[Content_Types].xml":
            data = data.replace(b"/xl/", b"/")
        moved[name.replace("xl/_rels/", "_rels/").removeprefix("xl/")] = data
    with zipfile.ZipFile(path, "w") as z:
        for name, data in moved.items():
            z.writestr(name, data)
    return path


def test_a_reader_panic_is_a_reason_and_prints_nothing(tmp_path, capfd):
    path = _package_at_the_root(tmp_path / "root-package.xlsx")
    with pytest.raises(UnsafeFile) as caught:
        safe_workbook(path, load_tables=True)
    assert caught.value.reason.key == "unexpected" and "PanicException" in str(caught.value)
    assert capfd.readouterr().err == ""  # Rust's panic message is kept off the terminal


def test_every_reader_names_the_file_when_calamine_panics(tmp_path):
    path = _package_at_the_root(tmp_path / "root-package.xlsx")
    for reader in (read_actuals, load_rules, read_team_workbook):
        with pytest.raises(UsageError) as caught:
            reader(path)
        text = caught.value.render("en")
        assert "root-package.xlsx" in text and "UnsafeFile" not in text, (reader, text)
        assert "unexpected content (PanicException" in text or "without an Excel workbook" in text, (reader, text)


def test_cells_without_references_are_counted_not_refused(tmp_path):
    """Some exporters write <c> without r="…": their real extent is counted (was refused as
    "spans too many cells (up to F66: 18 cells …)")."""
    path = _workbook(tmp_path / "plain.xlsx")
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = members[sheet].replace(b'<row r="1"', b"<row").replace(b'<c r="A1"', b"<c").replace(
        b"</sheetData>", b"<row>" + b'<c t="inlineStr"><is><t>y</t></is></c>' * 3 + b"</row></sheetData>")
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    assert safe_workbook(path).get_sheet_by_name("S").to_python() == [["x", "", ""], ["y", "y", "y"]]
    members[sheet] = members[sheet].replace(b"</sheetData>", b'<row r="1048576"><c/><c/><c t="inlineStr">'
                                            b"<is><t>far</t></is></c></row></sheetData>")
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    with pytest.raises(UnsafeFile, match="spans too many cells .up to C1048576"):
        safe_workbook(path)
