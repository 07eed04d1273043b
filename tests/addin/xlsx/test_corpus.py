"""Robustness on real-world spreadsheets (../shared/corpus): none is a scorecard;
consolidating them must not crash or hang, and every spreadsheet file gets a row with a reason."""

from __future__ import annotations

import pytest
from support.required import shared

from addin.consolidation.consolidate import consolidate
from addin.validation.validate import SPREADSHEET_SUFFIXES
from addin.xlsx.reader import read_scorecard


@pytest.fixture(scope="module")
def corpus():
    """../shared/corpus: the test skips without it locally and fails without it in CI."""
    return shared("corpus")


def test_corpus_consolidation_reports_every_file(corpus, tmp_path):
    CORPUS = corpus
    spreadsheets = sorted(str(p) for p in CORPUS.rglob("*") if p.is_file()
                          and p.suffix.lower() in SPREADSHEET_SUFFIXES)
    assert len(spreadsheets) > 1000
    result = consolidate([CORPUS], tmp_path / "team.xlsx", lang="en")  # its speed: benchmarks/, not here
    files = result.files
    assert sorted(files["file"]) == spreadsheets  # exactly one row each
    assert result.summary["merged"] == 0 and len(result.managers) == 0
    assert set(files["status"]) <= {"rejected", "duplicate"}
    assert all(reason.strip() for reason in files["reason"])
    legacy = files[files["file"].str.endswith(".xls")]
    assert legacy["reason"].str.contains("legacy|password|unknown|not an Excel|zip", case=False).all()
    assert (tmp_path / "team.xlsx").exists()


def test_corpus_reader_never_raises(corpus):
    for path in sorted(corpus.rglob("*.xls*")):
        card = read_scorecard(path)
        assert not card.ok and card.reason, path
