"""The team workbook as people read and print it: one language, relative links, findings, tblTeams, printing."""

from __future__ import annotations

import math
import re
import shutil
import zipfile
from collections import Counter
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

import pytest
from support.teams import demo_team, load, table_rows

from addin.consolidation.team_workbook.reader import read_team_workbook
from addin.consolidation.team_workbook.summary import _periods
from addin.contract import schema
from addin.contract.findings import CODES
from addin.xlsx.links import Linker, fix_link_targets

# Text that is not a word of any language: codes, ids, paths, hashes, cell references, periods.
_NOT_WORDS = [re.compile(p) for p in (
    r"[A-Z][A-Z0-9_]*",  # finding codes, grades
    r"[A-Z]{1,3}\d{1,7}",  # ids such as AM003, cell references such as E12
    r"[0-9a-f]{64}",  # SHA-256
    r"\d{4}(Q[1-4]|H[12])?",  # periods
    r"SHA-256",
    r".*\.xlsx",  # file paths
    r"scorecards",  # the input folder of the demo
    r"CRM",  # a data source typed in the scorecards (user text, not ours)
)]


@pytest.fixture(scope="module")
def zh_team(tmp_path_factory):
    folder = tmp_path_factory.mktemp("zh")
    team, result = demo_team(folder, lang="zh", managers=12, bonus_pool=120000)
    return team, result


def _english_words(value: str) -> list[str]:
    if value.endswith(".xlsx") or re.fullmatch(r"[0-9a-f]{64}", value):
        return []  # a file path, a SHA-256
    words = re.findall(r"[A-Za-z][A-Za-z0-9_./\\-]*", value)
    return [w for w in words if not any(p.fullmatch(w) for p in _NOT_WORDS)]


def test_zh_workbook_has_no_english_values(zh_team):
    team, _ = zh_team
    book = load(team)
    found = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, bool):
                    found.append((ws.title, cell.coordinate, cell.value))  # TRUE/FALSE: zh shows 是/否
                elif isinstance(cell.value, str) and _english_words(cell.value):
                    found.append((ws.title, cell.coordinate, cell.value))
    assert found == []
    managers = table_rows(team, "tblManagers")
    assert {row["否决"] for row in managers if row["状态"] == "已评分"} <= {"是", "否"}
    assert {row["状态"] for row in managers} == {"已评分", "已拒绝"}
    assert {row["严重程度"] for row in table_rows(team, "tblFindings")} <= {"错误", "警告", "提示"}
    assert {row["状态"] for row in table_rows(team, "tblFiles")} <= {"已合并", "已拒绝", "重复"}
    assert "已拒绝" in {row["状态"] for row in table_rows(team, "tblFiles")}  # the demo plants a rejected file


def test_en_workbook_keeps_the_keys(tmp_path):
    team, _ = demo_team(tmp_path, lang="en", managers=6)
    for table in (*schema.TEAM_TABLES, schema.TEAMS_OUT, schema.SETTINGS_OUT):
        rows = table_rows(team, table.name)
        assert list(rows[0]) == list(table.keys), table.name
    statuses = {row["status"] for row in table_rows(team, "tblFiles")}
    assert statuses <= {"merged", "rejected", "duplicate"}
    assert {row["veto"] for row in table_rows(team, "tblManagers") if row["status"] == "scored"} <= {True, False}
    assert {row["status"] for row in table_rows(team, "tblManagers")} == {"scored", "rejected"}



def test_the_periods_of_the_summary_are_listed_in_the_language():
    # the subtitle and the "period" line of the Summary sheet: no Chinese enumeration comma in en
    assert _periods("en", {"periods": ["2026Q3", "2026Q2"]}) == "2026Q3, 2026Q2"
    assert _periods("zh", {"periods": ["2026Q3", "2026Q2"]}) == "2026Q3、2026Q2"
    assert _periods("en", {}) == ""

def _hyperlinks(path: Path) -> list[tuple[str, str]]:
    """(sheet part, Target) of every external hyperlink."""
    links = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/_rels/"):
                text = z.read(name).decode()
                for tag in re.findall(r"<Relationship\b[^>]*>", text):
                    if "/hyperlink" in tag and 'TargetMode="External"' in tag:
                        links.append((name, re.search(r'Target="([^"]*)"', tag).group(1)))
    return links


def test_links_are_relative_forward_slashes_and_survive_a_move(zh_team, tmp_path):
    team, result = zh_team
    links = _hyperlinks(team)
    assert len(links) >= len(result.file_rows) + len(result.manager_rows)  # files, managers and findings link
    for _part, target in links:
        assert "\\" not in target and not target.startswith(("file:", "/")) and ":" not in target, target
        assert (team.parent / unquote(target)).is_file(), target
    moved = tmp_path / "moved to a new place"
    shutil.copytree(team.parent, moved)  # the whole folder moved (or zipped and unpacked elsewhere)
    for _part, target in _hyperlinks(moved / team.name):
        assert (moved / PurePosixPath(unquote(target))).is_file(), target
    # findings link to the sheet and cell of the finding
    with zipfile.ZipFile(team) as z:
        sheet = z.read("xl/worksheets/sheet5.xml").decode()  # tblFindings
    assert re.search(r'<hyperlink ref="A2" [^>]*location="[^"]+![A-Z]+\d+"', sheet)


def test_link_helpers():
    assert fix_link_targets(b'<Relationship Id="rId1" Type="http://x/hyperlink" Target="a\\b c.xlsx" '
                            b'TargetMode="External"/>') == (b'<Relationship Id="rId1" Type="http://x/hyperlink" '
                                                            b'Target="a/b c.xlsx" TargetMode="External"/>')
    linker = Linker(Path("/data/2026Q3/team.xlsx"))
    assert linker.text("/data/2026Q3/scorecards/AM001.xlsx") == "scorecards/AM001.xlsx"
    assert linker.text("/data/other/AM001.xlsx") == "../other/AM001.xlsx"
    assert linker.url("/data/2026Q3/in/a.xlsx", "考核表", "E12") == "external:in/a.xlsx#'考核表'!E12"
    assert linker.url("/data/2026Q3/in#1/a.xlsx") is None  # '#' is the anchor separator: no link


def test_findings_sheet_names_sorted_by_severity_one_per_cell_and_cause(zh_team):
    team, result = zh_team
    rows = table_rows(team, "tblFindings")
    order = {"错误": 0, "警告": 1, "提示": 2}
    keys = [(order[r["严重程度"]], r["文件"], r["工作表"] or "") for r in rows]
    assert [k[0] for k in keys] == sorted(k[0] for k in keys)
    names = {m["manager_id"]: m["name"] for m in result.manager_rows}
    for row in rows:
        if row["客户经理编号"] in names:
            assert row["姓名"] == names[row["客户经理编号"]]
    per_cell = Counter((f.file, f.sheet, f.cell) for f in result.findings if f.cell)
    overwritten = [f for f in result.findings if f.code == "FORMULA_OVERWRITTEN"]
    assert overwritten and all(per_cell[(f.file, f.sheet, f.cell)] == 1 for f in overwritten)
    assert "100" in overwritten[0].message and "重新计算为" in overwritten[0].message
    codes = [r["代码"] for r in rows]
    widths = _widths(team, schema.FINDINGS_OUT.sheet("zh"))
    assert widths["F"] >= max(len(c) for c in codes)  # no cut-off codes


def _widths(team: Path, sheet: str) -> dict[str, float]:
    ws = load(team)[sheet]
    return {letter: dim.width for letter, dim in ws.column_dimensions.items()}


def test_teams_table(zh_team):
    team, result = zh_team
    rows = table_rows(team, "tblTeams")
    managers = [m for m in result.manager_rows if m["status"] == "scored"]
    assert sum(r["考核人数"] for r in rows) == len(managers)
    for row in rows:
        members = [m for m in managers if m["team"] == row["团队"]]
        assert row["考核人数"] == len(members)
        assert row["平均综合得分"] == pytest.approx(math.fsum(m["final_score"] for m in members) / len(members),
                                                 abs=1e-9)
        for grade in "SABCD":
            assert row[f"{grade} 人数"] == sum(m["forced_grade"] == grade for m in members)
        assert row["奖金合计"] == pytest.approx(math.fsum(m["bonus"] for m in members), abs=1e-6)
    assert math.fsum(r["奖金合计"] for r in rows) == pytest.approx(120000, abs=1e-6)


def test_summary_says_when_from_what_pool_paid_and_who_was_left_out(zh_team):
    team, result = zh_team
    ws = load(team)["汇总"]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    s = result.summary
    for expected in ("生成时间", s["made_at"], "数据来源", "scorecards", "奖金池", "实发奖金合计", "全体强制分布等级",
                     "未计奖金的人员与文件", "权重合计为", "等级分布与配额", "各团队", "申诉途径", "申诉期限"):
        assert expected in text, expected
    values = [c.value for row in ws.iter_rows() for c in row]
    assert 120000 in values and s["total_paid"] == pytest.approx(120000)
    assert "已评分 11，已拒绝 1，缺失 0" in text


def test_every_sheet_prints_one_page_wide_with_repeated_headers_and_gridlines(zh_team):
    team, _ = zh_team
    with zipfile.ZipFile(team) as z:
        workbook = z.read("xl/workbook.xml").decode()
        for index in range(1, 2 + len(schema.TEAM_TABLES)):
            sheet = z.read(f"xl/worksheets/sheet{index}.xml").decode()
            assert re.search(r'<pageSetup [^>]*paperSize="9"[^>]*fitToHeight="0"', sheet), index
            assert '<pageSetUpPr fitToPage="1"/>' in sheet, index
            if index > 1:  # the table sheets
                assert 'gridLines="1"' in sheet, index
    titles = re.findall(r'<definedName name="_xlnm.Print_Titles" localSheetId="(\d+)">', workbook)
    assert sorted(map(int, titles)) == list(range(1, 1 + len(schema.TEAM_TABLES)))


def test_team_workbook_reads_back(zh_team):
    team, result = zh_team
    book = read_team_workbook(team)
    assert book.lang == "zh"
    managers = book.rows("tblManagers")
    assert [m["manager_id"] for m in managers] == [m["manager_id"] for m in result.manager_rows]
    # numbers as the workbook stores them (XlsxWriter writes 16 significant digits)
    scored = [m for m in result.manager_rows if m["status"] == "scored"]
    assert [m["final_score"] for m in managers[:len(scored)]] == pytest.approx([m["final_score"] for m in scored],
                                                                                rel=1e-15)
    assert [m["final_score"] for m in managers[len(scored):]] == [None]  # the demo's rejected manager
    assert {m["veto"] for m in managers[:len(scored)]} <= {True, False}
    assert {r["dimension"] for r in book.rows("tblScores")} <= {"results", "process", "customer"}
    assert {r["role"] for r in book.rows("tblReviews")} <= {"self", "peer", "manager"}
    assert {r["severity"] for r in book.rows("tblFindings")} <= set(CODES and ("error", "warning", "info"))
    assert book.settings["appeal_deadline"] == "签字后 5 个工作日内"
