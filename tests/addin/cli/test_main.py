"""The `kpi` entry point: one module per command, the language rule, --version, errors -> exit codes."""

from __future__ import annotations

import argparse
import importlib
import re

import pytest
from support.paths import kpi_env, run_kpi

from addin.cli.parsing import prescan_lang
from addin.contract.errors import OutputError, UsageError

cli_main = importlib.import_module("addin.cli.main")  # the module; `addin.cli.main` the attribute is main()


def test_every_command_is_a_module_with_register_and_run():
    parser = cli_main.build_parser("en")
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert list(sub.choices) == [m.__name__.rsplit(".", 1)[1] for m in cli_main.COMMANDS]
    for module in cli_main.COMMANDS:
        assert callable(module.register) and callable(module.run), module.__name__


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
    assert zh.stderr.startswith("用法：kpi new") and "\n错误：argument --size" in zh.stderr
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
    monkeypatch.setattr(cli_main.demo, "run", _failing(exc))
    for lang, expected in (("zh", zh), ("en", en)):
        assert cli_main.main(["demo", "--lang", lang]) == code
        captured = capsys.readouterr()
        assert captured.out == "" and captured.err.startswith(expected) and captured.err.count("\n") == 1, captured


def test_no_command_prints_the_help_and_exits_2(capsys):
    assert cli_main.main([]) == 2
    assert "COMMAND" in capsys.readouterr().out
