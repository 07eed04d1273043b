"""The one output-path check (addin.xlsx.output) and atomic writing (addin.xlsx.atomic)."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from addin.contract.errors import OutputError, UsageError
from addin.xlsx.atomic import atomic_path
from addin.xlsx.output import check_output_file, check_output_files, check_output_folder, is_kpi_json
from addin.xlsx.provenance import saved_since_written


def _key(call) -> str:
    with pytest.raises(UsageError) as caught:
        call()
    assert "{" not in caught.value.render("zh") and "{" not in str(caught.value)
    return caught.value.key


@pytest.fixture
def inputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.xlsx").write_bytes(b"not even a workbook")  # an input that cannot be read is still an input
    (tmp_path / "named.xlsx").write_bytes(b"x")
    (tmp_path / "user.xlsx").write_bytes(b"a user's file")
    (tmp_path / "file").write_text("x")
    return tmp_path, [folder, tmp_path / "named.xlsx"]


def test_every_refusal_has_its_reason(inputs):
    root, paths = inputs
    check = lambda path, **kw: lambda: check_output_file(path, inputs=paths, **kw)  # noqa: E731
    assert _key(check(root)) == "output.is_folder"
    assert _key(check(root / "out.json")) == "output.wrong_suffix"
    assert _key(check(root / "file" / "sub" / "t.xlsx")) == "output.below_a_file"
    assert _key(check(root / "named.xlsx")) == "output.is_input"
    assert _key(check(root / "in" / "a.xlsx")) == "output.inside_inputs"  # readable or not
    assert _key(check(root / "in" / "new" / "t.xlsx")) == "output.inside_inputs"  # the next run would read it
    assert _key(check(root / "t.xlsx", others=[root / "t.xlsx"])) == "output.same_as_other"
    assert _key(check(root / "user.xlsx")) == "output.exists"
    assert check_output_file(root / "new" / "t.xlsx", inputs=paths) == root / "new" / "t.xlsx"


def test_force_replaces_a_users_file_but_never_an_input(inputs):
    root, paths = inputs
    assert check_output_file(root / "user.xlsx", inputs=paths, force=True)
    assert _key(lambda: check_output_file(root / "named.xlsx", inputs=paths, force=True)) == "output.is_input"
    assert _key(lambda: check_output_file(root / "in" / "a.xlsx", inputs=paths, force=True)) == "output.inside_inputs"


def _xlsxwriter_workbook(path: Path) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet().write("A1", "team")
    workbook.close()
    return path


def test_a_file_the_command_wrote_is_replaced_without_force(inputs):
    root, paths = inputs
    earlier = _xlsxwriter_workbook(root / "team.xlsx")
    assert check_output_file(earlier, inputs=paths, ours=lambda p: True)
    assert check_output_files([earlier], ours=lambda p: True) == [earlier]
    assert _key(lambda: check_output_file(earlier, ours=lambda p: 1 / 0)) == "output.exists_not_ours"
    assert check_output_file(root / "user.xlsx", ours=lambda p: True, force=True)


def test_an_output_saved_again_by_a_person_is_theirs(inputs):
    """HR opened kpi's team workbook, typed notes and saved it: re-running never replaces it silently."""
    root, paths = inputs
    earlier = _xlsxwriter_workbook(root / "team.xlsx")
    assert not saved_since_written(earlier)
    book = openpyxl.load_workbook(earlier)
    book.active["B1"] = "HR's note"
    book.save(earlier)
    assert saved_since_written(earlier)
    assert _key(lambda: check_output_file(earlier, inputs=paths, ours=lambda p: True)) == "output.exists_edited"
    assert _key(lambda: check_output_files([earlier], ours=lambda p: True)) == "output.exists_edited"
    assert check_output_file(earlier, ours=lambda p: True, force=True)
    assert saved_since_written(root / "user.xlsx")  # not a workbook at all: the safe answer


@pytest.mark.parametrize("core, saved", [
    ("<dc:creator></dc:creator><cp:lastModifiedBy></cp:lastModifiedBy>"
     "<dcterms:created>2026-10-08T09:00:00Z</dcterms:created><dcterms:modified>2026-10-08T09:00:00Z</dcterms:modified>",
     False),  # as XlsxWriter writes it
    ("<dc:creator></dc:creator><cp:lastModifiedBy>王芳</cp:lastModifiedBy>"
     "<dcterms:created>2026-10-08T09:00:00Z</dcterms:created><dcterms:modified>2026-10-09T16:12:40Z</dcterms:modified>",
     True),  # Excel saved it the next day
    ("<dc:creator></dc:creator><cp:lastModifiedBy>王芳</cp:lastModifiedBy>"
     "<dcterms:created>2026-10-08T09:00:00Z</dcterms:created><dcterms:modified>2026-10-08T09:00:00Z</dcterms:modified>",
     True),  # saved within the second, by a named user
    ("<dcterms:created>2026-10-08T09:00:00Z</dcterms:created><dcterms:modified>2026-10-08T09:00:00Z</dcterms:modified>",
     True),  # a library rewrote the properties
    ("<!DOCTYPE x [<!ENTITY a 'b'>]>", True),  # hostile: the safe answer
])
def test_the_core_properties_tell_a_save(tmp_path, core, saved):
    path = _xlsxwriter_workbook(tmp_path / "team.xlsx")
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    ns = ('xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"')
    parts["docProps/core.xml"] = (core if core.startswith("<!") else f"<cp:coreProperties {ns}>{core}</cp:coreProperties>"
                                  ).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    assert saved_since_written(path) is saved


def test_json_next_to_the_inputs_is_fine_and_ours_is_recognised(inputs):
    root, paths = inputs
    report = root / "in" / "report.json"  # not a spreadsheet: never read as an input
    assert check_output_file(report, suffixes=(".json",), inputs=paths)
    report.write_text('{"summary": {}, "files": []}', encoding="utf-8")
    assert is_kpi_json(report) and not is_kpi_json(root / "user.xlsx")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_or_a_device_is_never_written(tmp_path):
    os.mkfifo(tmp_path / "pipe.json")
    assert _key(lambda: check_output_file(tmp_path / "pipe.json", suffixes=(".json",), force=True)) == \
        "output.not_a_file"
    with pytest.raises(OutputError):
        with atomic_path(tmp_path / "pipe.json") as temp:
            temp.write_text("x")
    assert (tmp_path / "pipe.json").is_fifo()
    if Path("/dev/null").exists():
        assert _key(lambda: check_output_file("/dev/null", suffixes=(), force=True)) == "output.not_a_file"


def test_folders(tmp_path):
    (tmp_path / "file").write_text("x")
    assert _key(lambda: check_output_folder(tmp_path / "file")) == "output.folder_is_file"
    assert _key(lambda: check_output_folder(tmp_path / "file" / "sub")) == "output.below_a_file"
    assert _key(lambda: check_output_folder(tmp_path / "in" / "out", inputs=[tmp_path])) == "output.inside_inputs"
    assert check_output_folder(tmp_path / "new" / "dir") == tmp_path / "new" / "dir"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="permissions do not bind root")
def test_a_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        assert _key(lambda: check_output_file(folder / "t.xlsx")) == "output.not_writable"
        assert _key(lambda: check_output_folder(folder / "sub")) == "output.not_writable"
    finally:
        folder.chmod(0o755)


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "t.xlsx"
    target.write_bytes(b"old")

    class Wrapped(Exception):  # XlsxWriter's FileCreateError wraps the OSError like this
        pass

    for error in (OSError(28, "No space left on device"), Wrapped(OSError(27, "File too large"))):
        with pytest.raises(OutputError) as caught:
            with atomic_path(target) as temp:
                temp.write_bytes(b"half")
                raise error
        assert "unchanged" in str(caught.value)
        assert caught.value.render("zh") != str(caught.value)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]
    with pytest.raises(ValueError):  # anything else is not an output error: it passes unchanged
        with atomic_path(target):
            raise ValueError("a bug")
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]
