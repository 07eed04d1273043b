"""Outputs are written atomically: a failure leaves no half-written file and no temporary file."""

import os
import stat

import pytest

from addin.contract.errors import OutputError
from addin.xlsx.atomic import atomic_path


def test_success_replaces_the_target(tmp_path):
    target = tmp_path / "out.xlsx"
    target.write_text("old")
    with atomic_path(target) as temp:
        assert temp.parent == tmp_path and temp != target
        temp.write_text("new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_failure_keeps_the_old_file_and_cleans_up(tmp_path):
    target = tmp_path / "out.xlsx"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as temp:
            temp.write_text("half")
            raise RuntimeError("crash while writing")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_a_folder_as_target_is_a_clear_error(tmp_path):
    with pytest.raises(OutputError, match="folder"):
        with atomic_path(tmp_path):
            pass


def test_missing_parent_folders_are_created(tmp_path):
    target = tmp_path / "a" / "b" / "out.txt"
    with atomic_path(target) as temp:
        temp.write_text("x")
    assert target.read_text() == "x"


@pytest.fixture
def umask():
    """Set the process umask for one test and restore it afterwards."""
    saved = os.umask(0o022)
    yield lambda mask: os.umask(mask)
    os.umask(saved)


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
@pytest.mark.parametrize("mask,expected", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_new_outputs_honour_the_umask(tmp_path, umask, mask, expected):
    umask(mask)
    target = tmp_path / "out.xlsx"
    with atomic_path(target) as temp:
        temp.write_text("x")
    assert stat.S_IMODE(target.stat().st_mode) == expected


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_a_replaced_output_keeps_its_mode(tmp_path, umask):
    umask(0o022)
    target = tmp_path / "out.xlsx"
    target.write_text("old")
    target.chmod(0o640)
    with atomic_path(target) as temp:
        temp.write_text("new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and target.read_text() == "new"


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_every_kind_of_output_is_readable_by_others(tmp_path, umask):
    """Workbooks, the team workbook, the add-in and the Lite files: 0644 under umask 022."""
    from addin.consolidation.consolidate import consolidate
    from addin.excel.build import build_addin
    from addin.excel.lite import write_lite
    from workbook_templates.generator import write_template

    umask(0o022)
    card = write_template(tmp_path / "cards" / "am001.xlsx", size="small", lang="en", mode="portable")
    team = consolidate([card], tmp_path / "team.xlsx", lang="en").output
    outputs = [card, team, build_addin(tmp_path / "addin"), *write_lite(tmp_path / "lite")]
    assert {path.name: oct(stat.S_IMODE(path.stat().st_mode)) for path in outputs} == {
        path.name: oct(0o644) for path in outputs}
