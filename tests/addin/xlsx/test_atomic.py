"""Outputs are written atomically: a failure leaves no half-written file and no temporary file."""

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
