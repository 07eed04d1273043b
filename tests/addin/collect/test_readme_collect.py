"""The README's "Actuals from your CRM" runs as shown: in a copy of examples/crm, each `$ kpi` line
prints exactly the lines under it, and the filled scorecards hold the collected actuals."""

from __future__ import annotations

import re
import shutil
import zipfile

import openpyxl
from python_calamine import CalamineWorkbook
from support.crm_exports import README_RULES
from support.paths import ROOT, run_kpi

README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLE = ROOT / "examples" / "crm"


def _steps() -> list[tuple[list[str], str]]:
    section = README[README.index("## Actuals from your CRM"):]
    block = re.search(r"```text\n(.+?)```", section, re.S)
    assert block, "the README lacks the kpi collect example"
    steps = []
    for part in re.split(r"^\$ ", block.group(1), flags=re.M)[1:]:
        command, _, output = part.partition("\n")
        steps.append((command.split(), output))
    return steps


def test_readme_shows_the_real_output_of_collect_new_and_fill(tmp_path):
    folder = tmp_path / "crm"
    shutil.copytree(EXAMPLE, folder)
    steps = _steps()
    assert [argv[:2] for argv, _ in steps] == [["kpi", "collect"], ["kpi", "new"], ["kpi", "fill"]]
    for argv, output in steps:
        done = run_kpi(*argv[1:], cwd=folder)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == output.strip(), argv
    card = CalamineWorkbook.from_path(str(folder / "filled" / "华东一组_AM001_张伟.xlsx"))
    rows = card.get_sheet_by_name("Scorecard").to_python()
    header = next(r for r in rows if "Indicator" in r)
    at = {name: header.index(name) for name in ("Indicator", "Actual", "Data source")}
    filled = {r[at["Indicator"]]: (r[at["Actual"]], r[at["Data source"]]) for r in rows if r[at["Actual"]] != ""}
    assert filled["Sales revenue"][0] == 206 and "2 rows" in filled["Sales revenue"][1]
    assert filled["New customers"][0] == 2
    assert (EXAMPLE / "exports" / "商机-2026Q3.xlsx").is_file() and not (EXAMPLE / "actuals.xlsx").exists()


def test_readme_shows_the_rules_it_runs():
    rules = (EXAMPLE / "rules.toml").read_text(encoding="utf-8")
    assert rules == README_RULES
    assert rules.strip() in README


def test_file_cells_link_to_the_export_row_relative_to_the_workbook(tmp_path):
    """tblSources' file opens the export at its header row, tblFindings' file at the finding's row;
    targets are relative to the actuals workbook's folder with forward slashes (Mac, moved folders)."""
    folder = tmp_path / "crm"
    shutil.copytree(EXAMPLE, folder)
    done = run_kpi("collect", "rules.toml", "--roster", "roster.csv", "--period", "2026Q3", "-o", "out/actuals.xlsx",
                   "--lang", "en", cwd=folder)
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(folder / "out" / "actuals.xlsx")
    links = {(ws.title, c.coordinate): (c.value, c.hyperlink.target, c.hyperlink.location)
             for ws in book for row in ws.iter_rows() for c in row if c.hyperlink}
    target = "../exports/商机-2026Q3.xlsx"
    assert links == {
        ("Sources", "B2"): ("exports/商机-2026Q3.xlsx", target, "'导出数据'!A1"),
        ("Findings", "A2"): ("exports/商机-2026Q3.xlsx", target, "'导出数据'!M8"),
        ("Findings", "A3"): ("exports/商机-2026Q3.xlsx", target, "'导出数据'!E9"),
    }
    with zipfile.ZipFile(folder / "out" / "actuals.xlsx") as z:
        rels = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/_rels/"))
    assert b"\\" not in rels


def test_a_large_team_is_pointed_to_the_workbook_instead_of_printed(tmp_path):
    folder = tmp_path / "crm"
    shutil.copytree(EXAMPLE, folder)
    lines = ["客户经理编号,姓名,团队"] + [f"AM{i:03d},经理{i},华东" for i in range(1, 22)]
    (folder / "roster.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run_kpi("collect", "rules.toml", "--roster", "roster.csv", "--period", "2026Q3", "-o", "a.xlsx", cwd=folder)
    assert done.returncode == 0, done.stderr
    assert "21 位客户经理的实际值见实际值工作簿的“实际值一览”" in done.stdout
    assert "AM021" not in done.stdout
