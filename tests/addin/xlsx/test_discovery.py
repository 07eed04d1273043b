"""The one input-file policy (addin.xlsx.discovery): what is read, what is listed as skipped or
unreadable, what is never an input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from addin.contract.errors import UsageError
from addin.validation.validate import validate_paths
from addin.xlsx.discovery import discover, escaped_path, shown_path


def _touch(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _kinds(items, root: Path) -> dict[str, str]:
    return {p.path.relative_to(root).as_posix(): ("read" if p.readable else p.skip.key if p.skip else p.unreadable.key)
            for p in items}


def test_folders_are_searched_and_litter_is_listed_as_skipped(tmp_path):
    for name in ("a.xlsx", "b.xls", "notes.txt", "~$a.xlsx", "._a.xlsx", ".team-1a2b.xlsx", "__MACOSX/a.xlsx",
                 "deep/er/c.xlsm"):
        _touch(tmp_path / name)
    assert _kinds(discover([tmp_path]), tmp_path) == {
        "a.xlsx": "read", "b.xls": "read", "deep/er/c.xlsm": "read", "~$a.xlsx": "lock_file",
        "._a.xlsx": "skipped_appledouble", ".team-1a2b.xlsx": "skipped_hidden", "__MACOSX/a.xlsx": "skipped_macosx"}


def test_a_file_named_explicitly_is_an_input_whatever_its_extension(tmp_path):
    path = _touch(tmp_path / "data.csv")
    assert [p.readable for p in discover([path])] == [True]
    with pytest.raises(UsageError, match="no such file"):
        discover([tmp_path / "missing.xlsx"])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_listed_unreadable_never_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe.xlsx")
    assert _kinds(discover([tmp_path]), tmp_path) == {"pipe.xlsx": "not_regular_fifo"}
    assert _kinds(discover([tmp_path / "pipe.xlsx"]), tmp_path) == {"pipe.xlsx": "not_regular_fifo"}
    report = validate_paths([tmp_path], lang="en")  # a blocking open() would hang here
    assert [(e.status, e.findings[0].code) for e in report.files] == [("rejected", "FILE_UNREADABLE")]


def test_linked_folders_are_followed_once_and_loops_end(tmp_path):
    real = tmp_path / "real"
    _touch(real / "a.xlsx")
    root = tmp_path / "root"
    root.mkdir()
    (root / "link").symlink_to(real, target_is_directory=True)
    (real / "back").symlink_to(root, target_is_directory=True)  # a loop
    (root / "again").symlink_to(real, target_is_directory=True)  # the same folder twice
    assert _kinds(discover([root]), root) == {"again/a.xlsx": "read"}
    (root / "dangling.xlsx").symlink_to(tmp_path / "nowhere.xlsx")
    assert _kinds(discover([root]), root)["dangling.xlsx"] == "broken_link"


def test_a_folder_that_cannot_be_listed_is_listed_itself(tmp_path, monkeypatch):
    _touch(tmp_path / "ok" / "a.xlsx")
    locked = tmp_path / "locked"
    _touch(locked / "b.xlsx")
    real_scandir = os.scandir

    def scandir(path):  # what a folder without read permission does (tests may run as root)
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr("addin.xlsx.discovery.os.scandir", scandir)
    assert _kinds(discover([tmp_path]), tmp_path) == {"ok/a.xlsx": "read", "locked": "folder_unreadable"}
    report = validate_paths([tmp_path], lang="en")
    locked_entry = next(e for e in report.files if e.path == str(locked))
    assert locked_entry.status == "rejected" and "cannot list the folder" in locked_entry.reason
    assert not report.valid  # an unreadable folder is an error: its files were not checked


@pytest.mark.skipif(os.name != "posix" or (hasattr(os, "geteuid") and os.geteuid() == 0),
                    reason="permissions do not bind root")
def test_a_folder_without_permission_is_listed(tmp_path):
    _touch(tmp_path / "locked" / "b.xlsx")
    (tmp_path / "locked").chmod(0)
    try:
        assert _kinds(discover([tmp_path]), tmp_path) == {"locked": "folder_unreadable"}
    finally:
        (tmp_path / "locked").chmod(0o755)


def test_the_output_and_its_temporary_files_are_never_inputs(tmp_path):
    _touch(tmp_path / "a.xlsx")
    _touch(tmp_path / "team.xlsx")
    _touch(tmp_path / ".team-x1y2.xlsx")
    assert _kinds(discover([tmp_path], exclude=[tmp_path / "team.xlsx"]), tmp_path) == {"a.xlsx": "read"}


@pytest.mark.skipif(os.name != "posix", reason="POSIX file names are bytes")
def test_names_that_are_not_utf8_are_shown_readable_and_unique():
    gbk = os.fsdecode("/in/张伟.xlsx".encode("gb18030"))
    assert shown_path(gbk) == "/in/张伟.xlsx"
    latin = os.fsdecode(b"/in/caf\xe9.xlsx")
    assert shown_path(latin) == "/in/caf\\xe9.xlsx" and escaped_path(latin) == "/in/caf\\xe9.xlsx"
    assert shown_path("/in/plain.xlsx") == "/in/plain.xlsx"
    for name in (gbk, latin):
        shown_path(name).encode("utf-8")  # every output can hold it
