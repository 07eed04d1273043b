"""The README is tested: its commands exist, every CLI command is documented, its examples run."""

from __future__ import annotations

import argparse
import re
import shlex

import pytest
from support.paths import ROOT, run_kpi

from addin.cli.main import build_parser

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _subcommands(parser: argparse.ArgumentParser, prefix: str = "kpi"):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._choices_actions}
            for name, child in action.choices.items():
                yield f"{prefix} {name}", helps.get(name), child
                yield from _subcommands(child, f"{prefix} {name}")


COMMANDS = list(_subcommands(build_parser()))


def test_readme_states_the_two_setup_commands():
    for marker in ("install-command", "test-command"):
        block = re.search(rf"<!-- {marker} -->\s*```\w*\n(.+?)```", README, re.S)
        assert block, f"README lacks the {marker} block"
    install = re.search(r"<!-- install-command -->\s*```\w*\n(.+?)```", README, re.S).group(1)
    assert "kpi demo" in install


@pytest.mark.parametrize("command,help_text,parser", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_every_command_has_help_and_is_in_the_readme(command, help_text, parser):
    assert help_text, f"{command} has no help text"
    assert parser.format_help().strip()
    assert f"`{command}" in README or f"{command} " in README, f"{command} is not in the README"


_EXIT = re.compile(r"\s+#\s*exit (\d+)\b.*$")


def _readme_examples():
    """```console blocks after a `<!-- example -->` marker; the `$ ` lines of a block run in order.

    A line ends in ``# exit N`` when the command is meant to exit with N (validate finds errors);
    every other command must exit 0.
    """
    blocks = re.findall(r"<!-- example -->\s*```console\n(.+?)```", README, re.S)
    examples = []
    for block in blocks:
        lines = [line[2:] for line in block.splitlines() if line.startswith("$ ")]
        examples.append([(_EXIT.sub("", line), int(m.group(1)) if (m := _EXIT.search(line)) else 0)
                         for line in lines])
    return examples


EXAMPLES = _readme_examples()


def test_readme_has_runnable_examples():
    assert sum(len(block) for block in EXAMPLES) >= 3


@pytest.mark.parametrize("block", EXAMPLES, ids=[b[0][0] if b else "empty" for b in EXAMPLES])
def test_readme_example_runs(block, tmp_path):
    for command, expected in block:
        argv = shlex.split(command)
        assert argv[0] == "kpi", command
        result = run_kpi(*argv[1:], cwd=tmp_path, timeout=300)
        assert result.returncode == expected, f"{command}: exit {result.returncode}, not {expected}: {result.stderr}"
        assert "Traceback" not in result.stderr, command
        assert result.stdout.strip(), f"{command} printed nothing"


def test_readme_shows_the_real_output_of_kpi_demo(tmp_path):
    shown = re.search(r"merges them into `kpi-demo/team.xlsx`:\n\n```text\n(.+?)```", README, re.S)
    assert shown, "the README's first screen lacks the kpi demo output"
    result = run_kpi("demo", cwd=tmp_path,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == shown.group(1).strip()
