"""A CSV roster has the limits of an .xlsx one, and a roster that is a link to nothing or a loop says so."""

from __future__ import annotations

import pytest

from addin.contract.errors import RosterError
from addin.roster.reader import read_roster
from addin.xlsx.sheet_rows import MAX_ROWS


def test_a_csv_roster_past_the_row_limit_is_refused_naming_the_row(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text("manager_id,manager_name,team\n" + "".join(f"AM{i},N{i},T\n" for i in range(MAX_ROWS)),
                    encoding="utf-8")
    with pytest.raises(RosterError) as caught:
        read_roster(path)
    text = caught.value.render("en")
    assert f"huge.csv has a value at A{MAX_ROWS + 1}, below row {MAX_ROWS:,}" in text, text


def test_a_csv_roster_at_the_limit_reads(tmp_path):
    path = tmp_path / "full.csv"
    path.write_text("manager_id,manager_name,team\n" + "".join(f"AM{i},N{i},T\n" for i in range(MAX_ROWS - 1)),
                    encoding="utf-8")
    assert len(read_roster(path)) == MAX_ROWS - 1


@pytest.mark.parametrize(("target", "reason"), [("loop.csv", "a loop of symbolic links"),
                                                ("nowhere.csv", "a symbolic link to a file that does not exist")])
def test_a_roster_link_that_leads_nowhere_says_why(tmp_path, target, reason):
    path = tmp_path / "loop.csv"
    path.symlink_to(tmp_path / target)
    with pytest.raises(RosterError) as caught:
        read_roster(path)
    assert caught.value.render("en") == f"loop.csv: cannot read the roster ({reason})"
