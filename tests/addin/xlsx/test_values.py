"""The one text of a cell value that every reader uses."""

import datetime as dt

import pytest

from addin.xlsx.values import value_text


@pytest.mark.parametrize(("value", "text"), [
    (None, ""), (float("nan"), ""), ("  ", ""), (" A 1 ", "A 1"), (1001.0, "1001"), (1001.5, "1001.5"),
    (7, "7"), (True, "True"), (dt.date(2026, 3, 31), "2026-03-31"),
])
def test_value_text(value, text):
    assert value_text(value) == text
