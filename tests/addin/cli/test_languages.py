"""Every command, in zh and in en, prints in one language: no placeholder, no line of the other language.

The heuristics of ``support.language`` leave out file names, paths, finding codes, options and
the user data a test names; what is left of each line must be in the chosen language.
"""

from __future__ import annotations

import argparse
import importlib
import re
from pathlib import Path

import pytest
from support.language import foreign

from addin.contract.messages import LANGS

cli_main = importlib.import_module("addin.cli.main")


def _kpi(capsys, *argv: str) -> tuple[int, str]:
    try:
        code = cli_main.main(list(argv))
    except SystemExit as exc:  # --help, argparse's usage errors
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _check(text: str, lang: str, what: str, ignore: tuple[str, ...] = ()) -> None:
    assert text.strip(), f"{what}: printed nothing"
    assert "{" not in text and "}" not in text, f"{what}: {text}"
    assert "Traceback" not in text, f"{what}: {text}"
    assert "\\n" not in text, f"{what}: a line break shown as an escape: {text}"
    lines = foreign(text, lang, ignore)
    assert not lines, f"{what} in {lang} has lines in the other language:\n" + "\n".join(lines)


@pytest.fixture(scope="module")
def demos(tmp_path_factory):
    """A small demo team per language, with a lock file, an empty file, junk and a duplicate beside it."""
    root = tmp_path_factory.mktemp("languages")
    for lang in LANGS:
        assert cli_main.main(["demo", "-o", str(root / lang), "--managers", "6", "--lang", lang]) == 0
        cards = root / lang / "scorecards"
        first = sorted(cards.glob("*.xlsx"))[0]
        (cards / "~$lock.xlsx").write_bytes(b"x")
        (cards / "empty.xlsx").write_bytes(b"")
        (cards / "junk.xlsx").write_bytes(b"junk")
        (cards / "copy.xlsx").write_bytes(first.read_bytes())
    return root


def _runs(root: Path, lang: str):
    """(what, argv, exit code) of the commands and their error paths."""
    d = root / lang
    cards = str(d / "scorecards")
    return [
        ("demo", ["demo", "-o", str(d / "again"), "--managers", "3"], 0),
        ("new", ["new", "-o", str(d / "one.xlsx")], 0),
        ("new --roster", ["new", "--roster", str(d / "roster.csv"), "-o", str(d / "roster-out")], 0),
        ("validate", ["validate", cards], 1),
        ("consolidate", ["consolidate", cards, "-o", str(d / "team.xlsx"), "--bonus-pool", "100000",
                         "--json", str(d / "team.json")], 0),
        ("cards", ["cards", str(d / "team.xlsx"), "-o", str(d / "cards")], 0),
        ("collect --init", ["collect", "--init", str(d / "rules.xlsx")], 0),
        ("collect: no rules", ["collect", str(d / "nowhere.toml"), "--roster", str(d / "roster.csv"),
                               "--period", "2026Q3", "-o", str(d / "actuals.xlsx")], 2),
        ("fill: no actuals", ["fill", cards, "--actuals", str(d / "nowhere.xlsx"), "-o", str(d / "filled")], 2),
        ("addin build", ["addin", "build", "-o", str(d / "addin")], 0),
        ("addin lite", ["addin", "lite", "-o", str(d / "lite")], 0),
        ("addin install (not here)", ["addin", "install"], 1),
        ("addin uninstall (not here)", ["addin", "uninstall"], 1),
        ("new: not .xlsx", ["new", "-o", str(d / "card.txt")], 2),
        ("validate: no such path", ["validate", str(d / "nowhere")], 2),
        ("validate: bad period", ["validate", cards, "--period", "Q3"], 2),
        ("consolidate: negative pool", ["consolidate", cards, "-o", str(d / "t.xlsx"), "--bonus-pool", "-5"], 2),
        ("consolidate: output is a folder", ["consolidate", cards, "-o", str(d)], 2),
        ("demo: no managers", ["demo", "-o", str(d / "none"), "--managers", "0"], 2),
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_every_command_speaks_one_language(demos, lang, capsys, monkeypatch):
    monkeypatch.chdir(demos)
    for what, argv, expected in _runs(demos, lang):
        code, text = _kpi(capsys, *argv, "--lang", lang)
        assert code == expected, f"{what}: exit {code}\n{text}"
        _check(text, lang, what, ignore=("nowhere", "none", "Q3"))
        if expected == 2 or "not here" in what:  # says what is wrong, with the prefix of the language
            assert text.startswith("错误：" if lang == "zh" else "Error: "), f"{what}: {text}"


@pytest.mark.parametrize("lang", LANGS)
def test_the_language_comes_from_kpi_lang_when_no_flag_is_given(demos, lang, capsys, monkeypatch):
    monkeypatch.chdir(demos)
    monkeypatch.setenv("KPI_LANG", lang)
    code, text = _kpi(capsys, "validate", str(demos / lang / "scorecards"))
    assert code == 1
    _check(text, lang, "validate with KPI_LANG")


def _help_commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()):
    yield prefix
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _help_commands(child, (*prefix, name))


# Header names a roster may use and the product's Chinese name are quoted in both languages.
_QUOTED = ("target: Sales revenue", "Sales revenue target", "Sales revenue", "销售额目标", "销售额", "目标：",
           "客户经理绩效考核", "客户经理编号", "个人绩效考核结果确认单")


@pytest.mark.parametrize("lang", LANGS)
def test_help_of_every_command_is_in_the_language(lang, capsys):
    commands = list(_help_commands(cli_main.build_parser(lang)))
    assert len(commands) >= 10
    for command in commands:
        code, text = _kpi(capsys, *command, "--help", "--lang", lang)
        assert code == 0, (command, text)
        help_lines = [re.sub(r"\{[\w,-]+\}", "", line) for line in text.splitlines()  # {a,b}: syntax
                      if not line.lstrip().startswith(("usage:", "用法：", "["))]
        help_lines = " ".join(" ".join(help_lines).split())  # one line: quoted names may wrap
        _check(help_lines, lang, "kpi " + " ".join(command) + " --help", ignore=_QUOTED)


# argparse's own messages about bad arguments (its gettext ids, translated by addin.cli.parsing)
_BAD_ARGUMENTS = [["bogus"], ["new"], ["new", "--size", "huge", "-o", "x.xlsx"], ["new", "-o", "x.xlsx", "--unknown"],
                  ["consolidate", ".", "-o", "t.xlsx", "--bonus-pool", "abc"], ["validate", "--master"],
                  ["new", "-o", "x.xlsx", "--force=1"], ["addin"]]


@pytest.mark.parametrize("lang", LANGS)
def test_argparse_errors_are_in_the_language(lang, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KPI_LANG", lang)
    for argv in _BAD_ARGUMENTS:
        code, text = _kpi(capsys, *argv)
        assert code == 2, (argv, text)
        error = text.splitlines()[-1]
        assert error.startswith("错误：" if lang == "zh" else "Error: "), (argv, text)
        _check(error, lang, "kpi " + " ".join(argv), ignore=("bogus", "huge", "abc", "unknown", "ACTION",
                                                             "COMMAND", "medium", "small", "large"))
    assert not list(tmp_path.iterdir())
