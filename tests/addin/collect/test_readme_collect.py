"""The README's "Actuals from your CRM" shows the real command and its real output."""

from __future__ import annotations

import re

from support.crm_exports import README_RULES, readme_example
from support.paths import ROOT, run_kpi

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_shows_the_real_output_of_kpi_collect(tmp_path):
    block = re.search(r"```text\n\$ (kpi collect [^\n]+)\n(.+?)\$ kpi fill", README, re.S)
    assert block, "the README lacks the kpi collect example"
    readme_example(tmp_path)
    argv = block.group(1).split()[1:]
    done = run_kpi(*argv, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == block.group(2).strip()


def test_readme_shows_the_rules_it_runs():
    assert README_RULES.strip() in README
