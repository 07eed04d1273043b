"""The `kpi` entry point: one module per command, the language rule, --version, errors -> exit codes."""

from __future__ import annotations

import argparse
import importlib
import re
import subprocess
import sys

import pytest
from support.paths import kpi_env, run_kpi

from addin.cli.commands import COMMANDS
from addin.cli.parsing import prescan_lang
from addin.contract.errors import OutputError, UsageError

cli_main = importlib.import_module("addin.cli.main")  # the module; `addin.cli.main` the attribute is main()


def test_every_command_has_a_parser_and_a_module_with_run():
    parser = cli_main.build_parser("en")
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert list(sub.choices) == [c.name for c in COMMANDS]
    for command in COMMANDS:
        assert sub.choices[command.name].get_default("command_module") == command.module == f"addin.cli.{command.name}"
        assert callable(importlib.import_module(command.module).run), command.module


HEAVY = ("xlwings", "pandas", "openpyxl", "polars", "xlsxwriter", "pydantic", *(c.module for c in COMMANDS))
_LOADED = ("import atexit, runpy, sys\n"
           "atexit.register(lambda: print('LOADED', *sorted(set({heavy!r}) & set(sys.modules)), file=sys.stderr))\n"
           "sys.argv = ['kpi', *{argv!r}]\n"
           "runpy.run_module('addin.cli', run_name='__main__')\n")


def _loaded(*argv: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Run `kpi ARGV` in a fresh process; which of :data:`HEAVY` it had imported when it exited."""
    result = subprocess.run([sys.executable, "-c", _LOADED.format(argv=list(argv), heavy=HEAVY)], capture_output=True,
                            text=True, env=kpi_env(), timeout=120)
    line = next(line for line in result.stderr.splitlines() if line.startswith("LOADED"))
    return result, line.split()[1:]


@pytest.mark.parametrize("argv", [("--version",), ("--help",), ("validate", "--help"), ("collect", "--help"),
                                  ("addin", "build", "--help"), ("consolidate", "--lang", "en", "--help")])
def test_start_up_and_help_import_no_heavy_library(argv):
    """Parsing the command line loads the parsers only; a command's libraries come when it runs."""
    result, loaded = _loaded(*argv)
    assert result.returncode == 0 and result.stdout, result.stderr
    assert loaded == []


def test_a_command_loads_its_own_module_only(tmp_path):
    """The loader imports the chosen command's module and its libraries, no other command's."""
    assert run_kpi("new", "-o", str(tmp_path / "a.xlsx"), "--lang", "en").returncode == 0
    result, loaded = _loaded("validate", str(tmp_path / "a.xlsx"), "--lang", "en")
    assert result.returncode == 1 and "files 1:" in result.stdout, result.stderr  # a blank scorecard has errors
    assert "addin.cli.validate" in loaded and not {"addin.cli.collect", "xlwings", "pandas"} & set(loaded), loaded


def test_consolidate_never_imports_pandas_or_xlwings(tmp_path):
    """docs/consolidation.md: the team workbook is written from rows; DataFrames only for library callers."""
    assert run_kpi("new", "-o", str(tmp_path / "in" / "a.xlsx"), "--lang", "en").returncode == 0
    result, loaded = _loaded("consolidate", str(tmp_path / "in"), "-o", str(tmp_path / "team.xlsx"), "--lang", "en")
    assert result.returncode == 0 and (tmp_path / "team.xlsx").is_file(), result.stderr
    assert "addin.cli.consolidate" in loaded and not {"pandas", "polars", "xlwings", "openpyxl"} & set(loaded), loaded



@pytest.mark.parametrize("command", ["new", "demo"])
def test_writing_commands_load_no_dataframe_library(tmp_path, command):
    """docs/architecture.md: pandas and polars are for `kpi collect` (and come with xlwings), not here."""
    argv = ["new", "-o", str(tmp_path / "a.xlsx")] if command == "new" else \
        ["demo", "-o", str(tmp_path / "demo"), "--managers", "3"]
    result, loaded = _loaded(*argv, "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert f"addin.cli.{command}" in loaded and not {"pandas", "polars", "xlwings", "openpyxl"} & set(loaded), loaded

def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli_main.main(["--version"])
    assert exit_.value.code == 0
    assert re.fullmatch(r"kpi-scorecard \S+\n", capsys.readouterr().out)


@pytest.mark.parametrize("argv,env,expected", [
    (["new", "--lang", "en"], {}, "en"),
    (["new", "--lang=en"], {"KPI_LANG": "zh"}, "en"),
    (["--lang", "zh", "new"], {"KPI_LANG": "en"}, "zh"),
    (["new"], {"KPI_LANG": "en"}, "en"),
    (["new"], {}, "zh"),
    (["new", "--", "--lang", "en"], {}, "zh"),
])
def test_the_language_is_read_before_the_parser_is_built(argv, env, expected):
    assert prescan_lang(argv, env) == expected


@pytest.mark.parametrize("lang,words", [("zh", ["用法：", "选项", "显示本帮助并退出", "考核期间"]),
                                        ("en", ["usage:", "options", "show this help", "assessment period"])])
def test_help_is_in_the_chosen_language(lang, words):
    for env, argv in (({}, ["new", "--help", "--lang", lang]), ({"KPI_LANG": lang}, ["new", "--help"])):
        result = run_kpi(*argv, env=kpi_env(**env))
        assert result.returncode == 0, result.stderr
        for word in words:
            assert word in result.stdout, (argv, env, word)


def test_argparse_errors_carry_the_prefix_of_the_language(tmp_path):
    zh = run_kpi("new", "--size", "huge", "-o", str(tmp_path / "x.xlsx"))
    en = run_kpi("new", "--size", "huge", "-o", str(tmp_path / "x.xlsx"), "--lang", "en")
    assert zh.returncode == en.returncode == 2
    assert zh.stderr.startswith("用法：kpi new") and "\n错误：参数 --size：无效的取值 'huge'" in zh.stderr
    assert en.stderr.startswith("usage: kpi new") and "\nError: argument --size" in en.stderr


def _failing(exc: BaseException):
    def run(args, lang):
        raise exc
    return run


@pytest.mark.parametrize("exc,code,zh,en", [
    (UsageError("output.is_folder", path="a.xlsx", example="a.xlsx/b.xlsx"), 2, "错误：a.xlsx 是文件夹",
     "Error: a.xlsx is a folder"),
    (OutputError("output.is_folder", path="a.xlsx", example="a.xlsx/b.xlsx"), 1, "错误：a.xlsx 是文件夹",
     "Error: a.xlsx is a folder"),
    (KeyboardInterrupt(), 130, "已中断", "Interrupted"),
])
def test_errors_become_one_line_and_an_exit_code(monkeypatch, capsys, exc, code, zh, en):
    monkeypatch.setattr(importlib.import_module("addin.cli.demo"), "run", _failing(exc))
    for lang, expected in (("zh", zh), ("en", en)):
        assert cli_main.main(["demo", "--lang", lang]) == code
        captured = capsys.readouterr()
        assert captured.out == "" and captured.err.startswith(expected) and captured.err.count("\n") == 1, captured


def test_no_command_prints_the_help_and_exits_2(capsys):
    assert cli_main.main([]) == 2
    assert "COMMAND" in capsys.readouterr().out
