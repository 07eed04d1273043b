"""Result cards (`kpi cards`): one page per scored manager, read from the team workbook alone."""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import subprocess
import warnings
import zipfile

import openpyxl
import pytest
from support import required
from support.language import foreign
from support.libreoffice import require, requires_libreoffice
from support.paths import run_kpi
from support.scorecards import DEFAULT_ROWS, write_scorecard
from support.teams import demo_team, load

import addin.reports.cards.pdf as pdf_module
from addin.consolidation.consolidate import consolidate
from addin.consolidation.team_workbook import write_team_workbook
from addin.consolidation.team_workbook.reader import read_team_workbook
from addin.contract.errors import UsageError
from addin.contract.findings import CODES
from addin.demo.team import PERIOD, build_team
from addin.reports.cards import card_name, write_cards
from addin.reports.cards.model import build_cards
from addin.reports.cards.reword import reword


@pytest.fixture(scope="module")
def zh_team(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cards")
    team, result = demo_team(folder, lang="zh", managers=12, bonus_pool=100000)
    return team, result


def _names(path) -> dict:
    """The value of each workbook-scope defined name card_* of a card."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(path)
    values = {}
    for name, defined in book.defined_names.items():
        if name.startswith("card_"):
            (sheet, ref), = defined.destinations
            cell = book[sheet][ref.replace("$", "")]
            assert ":" not in ref  # one cell each
            values[name] = cell.value
    return values


def _cells(path) -> list:
    book = load(path)
    return [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def test_cards_match_the_team_workbook_to_the_cent(zh_team, tmp_path):
    team, result = zh_team
    made = write_cards(team, tmp_path / "cards")
    assert made.lang == "zh" and len(made.cards) == len(result.manager_rows) - 1 == 11  # one rejected: no card
    stored = {r["manager_id"]: r for r in read_team_workbook(team).rows("tblManagers")}
    scores = {}
    for row in read_team_workbook(team).rows("tblScores"):
        scores.setdefault(row["manager_id"], []).append(row)
    for path in made.cards:
        names = _names(path)
        row = stored[names["card_manager_id"]]
        assert round(names["card_final_score"], 2) == round(row["final_score"], 2)
        assert names["card_final_score"] == row["final_score"]  # the very number, not a re-computation
        assert names["card_grade"] == row["grade"] and names["card_forced_grade"] == row["forced_grade"]
        assert names["card_rank"] == row["rank"]
        assert round(names["card_bonus"], 2) == round(row["bonus"], 2)
        cells = _cells(path)
        for indicator in scores[row["manager_id"]]:
            assert indicator["weighted"] in cells and indicator["score"] in cells
        assert row["quant_score"] in cells and row["qual_score"] in cells and row["name"] in cells
        assert path.name == f"2026Q3_{row['manager_id']}_{row['name']}.xlsx"
    assert math.fsum(_names(p)["card_bonus"] for p in made.cards) == pytest.approx(100000)


def test_card_content(zh_team, tmp_path):
    team, result = zh_team
    cards = {c.manager_id: c for c in build_cards(read_team_workbook(team))}
    adjusted = next(c for c in cards.values() if any(i.adjusted for i in c.indicators))  # the demo's AM006
    made = write_cards(team, tmp_path, managers=[adjusted.manager_id])
    text = "\n".join(str(v) for v in _cells(made.cards[0]))
    for words in ("个人绩效考核结果确认单", "一、指标完成情况", "团队平均", "调整为", "原因：新接手区域",
                  "按评价角色", "自评", "上级", "强制分布等级", "三、评语", "四、需要说明的情况",
                  "被考核人签字：", "上级签字：", "HR签字：", "日期：", "申诉期限：签字后 5 个工作日内"):
        assert words in text or any(words in str(v) for v in _cells(made.cards[0])), words
    book = load(made.cards[0])
    (sheet, ref), = book.defined_names["card_rank"].destinations
    assert book[sheet][ref.replace("$", "")].number_format == '0" / 11"'  # shown as "3 / 11"
    c = adjusted
    assert c.ranked == 11 and c.team_ranked == sum(r["team"] == c.team and r["status"] == "scored"
                                                   for r in result.manager_rows)
    roles = {r.role: r for r in c.roles}
    reviews = [r for r in result.review_rows if r["manager_id"] == c.manager_id]
    for role, score in roles.items():
        ratings = [r["rating"] for r in reviews if r["role"] == role]
        assert score.score == pytest.approx(20 * sum(ratings) / len(ratings)) and score.ratings == len(ratings)
    assert c.comments and c.comments[0].comment in text
    team_scores = [s for s in result.score_rows if s["indicator"] == c.indicators[0].indicator and s["weight"] > 0
                   and next(m["team"] for m in result.manager_rows if m["manager_id"] == s["manager_id"]) == c.team]
    assert c.indicators[0].team_average == pytest.approx(sum(s["score"] for s in team_scores) / len(team_scores))
    overwritten = next(c for c in cards.values() if c.findings)  # the demo's AM003 typed over a score
    assert any("覆盖" in f for f in overwritten.findings)
    assert not any("偏宽松" in f for card in cards.values() for f in card.findings)  # about a reviewer, not them


def test_cards_never_overwrite_without_force(zh_team, tmp_path):
    team, _ = zh_team
    first = write_cards(team, tmp_path, managers=["AM001", "am006"])
    assert [p.name.split("_")[1] for p in first.cards] == ["AM006", "AM001"] or len(first.cards) == 2
    before = {p: p.read_bytes() for p in first.cards}
    with pytest.raises(UsageError) as caught:
        write_cards(team, tmp_path, managers=["AM001"])
    assert caught.value.key == "output.exists" and "it is not replaced" in caught.value.render("en")
    assert {p: p.read_bytes() for p in first.cards} == before
    again = write_cards(team, tmp_path, managers=["AM001"], force=True)
    assert again.cards[0].exists()
    with pytest.raises(UsageError, match="AM999"):
        write_cards(team, tmp_path / "other", managers=["AM999"])
    assert not (tmp_path / "other").exists()


def test_language_follows_the_team_workbook_unless_asked(tmp_path):
    team, _ = demo_team(tmp_path / "en", lang="en", managers=4)
    made = write_cards(team, tmp_path / "cards-en")
    assert made.lang == "en" and "Performance appraisal result card" in _cells(made.cards[0])
    zh = write_cards(team, tmp_path / "cards-zh", lang="zh")
    assert "个人绩效考核结果确认单" in _cells(zh.cards[0])


def test_settings_edited_in_the_team_workbook_are_printed(zh_team, tmp_path):
    team, _ = zh_team
    edited = tmp_path / "team.xlsx"
    shutil.copy(team, edited)
    book = load(edited)
    ws = next(ws for ws in book.worksheets if "tblSettings" in ws.tables)
    for row in ws[ws.tables["tblSettings"].ref]:
        if row[0].value == "申诉期限":
            row[1].value = dt.datetime(2026, 10, 15)
        if row[0].value == "申诉途径":
            row[1].value = "请向区域 HRBP 王芳提交书面申诉。"
    book.save(edited)
    made = write_cards(edited, tmp_path / "cards", managers=["AM001"])
    assert "请向区域 HRBP 王芳提交书面申诉。申诉期限：2026-10-15。" in _cells(made.cards[0])


def test_pdf_without_libreoffice_names_the_package(zh_team, tmp_path, monkeypatch):
    team, _ = zh_team
    monkeypatch.setattr(pdf_module, "find_soffice", lambda: None)
    with pytest.raises(UsageError) as caught:
        write_cards(team, tmp_path / "cards", pdf=True)
    assert "libreoffice-calc" in caught.value.render("en") and "LibreOffice" in caught.value.render("zh")
    assert not (tmp_path / "cards").exists()  # nothing written


def test_card_names_are_safe():
    card = build_cards.__globals__["Card"](
        manager_id="A/1", name='Li "Lei"?', team="", region="", period="2026Q3", reviewer="", quant=0, qual=None,
        final=0, grade="B", forced_grade="B", team_forced_grade="B", veto=False, rank=1, ranked=1, team_rank=1,
        team_ranked=1, team_mean=None, bonus_coefficient=None, bonus=None)
    assert card_name(card) == "2026Q3_A_1_Li _Lei_"


@requires_libreoffice
def test_each_card_prints_on_exactly_one_page(tmp_path):
    """Every card of a large team (the most indicators and three review roles) is one A4 portrait PDF page."""
    require()
    pdfinfo = required.tool("pdfinfo", "poppler-utils")
    folder = tmp_path / "large"
    build_team(folder, 8, "large", "zh", 11)
    consolidate([folder / "scorecards"], folder / "team.xlsx", period=PERIOD, lang="zh")
    made = write_cards(folder / "team.xlsx", tmp_path / "cards", pdf=True)
    assert len(made.pdfs) == len(made.cards) >= 6
    for path in made.pdfs:
        info = subprocess.run([pdfinfo, str(path)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"^Pages:\s+1$", info, re.M), (path.name, info)
        width, height = (float(v) for v in info.split("Page size:")[1].split("pts")[0].split(" x "))
        assert height > width and abs(width - 595) < 5  # A4 portrait


def test_cli_cards(zh_team, tmp_path):
    team, _ = zh_team
    proc = run_kpi("cards", team, "-o", tmp_path / "cards", "--manager", "AM001", "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"wrote 1 result card to {tmp_path / 'cards'}"  # only the one asked for
    proc = run_kpi("cards", team, "-o", tmp_path / "cards", "--manager", "AM001")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "--force" in proc.stderr
    proc = run_kpi("cards", tmp_path / "nope.xlsx", "-o", tmp_path / "cards", "--lang", "en")
    assert proc.returncode == 2 and f"no such team workbook: {tmp_path / 'nope.xlsx'}" in proc.stderr


def test_the_managers_without_a_card_are_named(zh_team, tmp_path):
    """Every manager of the team workbook is accounted for: a card, or a line saying why not."""
    team, result = zh_team
    rejected = [m for m in result.manager_rows if m["status"] != "scored"]
    assert [m["manager_id"] for m in rejected] == ["AM002"]  # the demo's weights of 95 %
    made = write_cards(team, tmp_path / "lib")
    assert [(u.manager_id, u.name, u.status) for u in made.unscored] == [("AM002", rejected[0]["name"], "rejected")]
    assert len(made.cards) + len(made.unscored) == len(result.manager_rows)
    proc = run_kpi("cards", team, "-o", tmp_path / "en", "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [f"wrote 11 result cards to {tmp_path / 'en'}",
                                        f"no card for 1 manager, not scored: AM002 {rejected[0]['name']} (rejected)"]
    proc = run_kpi("cards", team, "-o", tmp_path / "zh", "--lang", "zh")
    assert proc.stdout.splitlines()[1] == f"未评分、没有结果确认单的客户经理 1 人：AM002 {rejected[0]['name']}（已拒绝）"


def test_cards_from_a_team_workbook_whose_tables_continue_on_further_sheets(zh_team, tmp_path):
    """A table longer than a sheet continues as tblScores_2 … on further sheets: read as one."""
    team, result = zh_team
    paged = tmp_path / "paged.xlsx"
    write_team_workbook(result, paged, lang="zh", rows_per_sheet=7)
    book = read_team_workbook(paged)
    assert {"tblManagers_2", "tblScores_2", "tblReviews_2"} <= {
        name for ws in load(paged).worksheets for name in ws.tables}
    assert len(book.rows("tblManagers")) == len(result.manager_rows)
    assert len(book.rows("tblScores")) == len(result.score_rows)
    assert [vars(c) for c in build_cards(book)] == [vars(c) for c in build_cards(read_team_workbook(team))]


def test_a_percent_indicator_kept_as_fractions_shows_as_percent(tmp_path):
    rows = [dict(r) for r in DEFAULT_ROWS]
    rows[3].update(target=0.95, actual=0.96)  # Follow-up timeliness, unit %, typed as 95 % in Excel
    (tmp_path / "in").mkdir()
    write_scorecard(tmp_path / "in" / "a.xlsx", rows=rows)
    consolidate([tmp_path / "in"], tmp_path / "team.xlsx", lang="en")
    made = write_cards(tmp_path / "team.xlsx", tmp_path / "cards")
    ws = load(made.cards[0]).worksheets[0]
    formats = {c.value: c.number_format for row in ws.iter_rows() for c in row if c.value in (0.95, 0.96, 100, 90)}
    assert formats[0.95] == formats[0.96] == "0.0%" and formats[90] == "#,##0.##"


def test_cards_show_the_previous_quarter_as_the_team_workbook_has_it(tmp_path):
    """With --previous every card shows last quarter's score, grades and the change exactly as tblManagers
    stores them; a manager new this quarter is marked new."""
    build_team(tmp_path / "q2", 10, "medium", "en", 3)
    for path in (tmp_path / "q2" / "scorecards").glob("*AM005*"):
        path.unlink()  # AM005 sent nothing last quarter: new this one
    previous = tmp_path / "q2" / "team.xlsx"
    consolidate([tmp_path / "q2" / "scorecards"], previous, period=PERIOD, lang="en")
    team, _ = demo_team(tmp_path / "q3", lang="en", managers=8, previous=previous)
    rows = {r["manager_id"]: r for r in read_team_workbook(team).rows("tblManagers") if r["status"] == "scored"}
    made = write_cards(team, tmp_path / "cards")
    assert len(made.cards) == len(rows) == 7
    compared = 0
    for path in made.cards:
        row = rows[_names(path)["card_manager_id"]]
        cells = _cells(path)
        label = f"Previous quarter ({PERIOD})"
        assert label in cells
        if row["movement"] == "new":
            assert row["manager_id"] == "AM005" and "new this quarter: no previous result" in cells
            continue
        compared += 1
        shown = f"{row['previous_final_score']:.2f} · grade {row['previous_grade']} · forced {row['previous_forced_grade']}"
        assert shown in cells and row["change"] in cells  # the very number of tblManagers
        assert row["change"] == pytest.approx(row["final_score"] - row["previous_final_score"], abs=1e-9)
    assert compared == 6


def _user_data(card) -> tuple[str, ...]:
    """What a card shows of the user's own data (names, teams, indicators, sources, comments)."""
    return tuple({card.name, card.team, card.region, card.reviewer, card.manager_id,
                  *(i.indicator for i in card.indicators), *(i.unit for i in card.indicators),
                  *(i.source for i in card.indicators), *(i.adjust_reason for i in card.indicators),
                  *(x.reviewer for x in card.comments), *(x.competency for x in card.comments),
                  *(x.comment for x in card.comments)} - {""})


@pytest.mark.parametrize("workbook_lang, lang", [("zh", "zh"), ("zh", "en"), ("en", "zh"), ("en", "en")])
def test_a_card_speaks_one_language(zh_team, tmp_path, workbook_lang, lang):
    """Every label and every finding of a card is in its language, also when the team workbook is in the other
    one; only the user's own data (names, teams, indicators, sources, comments) stays as typed."""
    team = zh_team[0] if workbook_lang == "zh" else demo_team(tmp_path / "team", lang="en", managers=6)[0]
    made = write_cards(team, tmp_path / "cards", lang=lang)
    cards = {c.manager_id: c for c in build_cards(read_team_workbook(team), lang=lang)}
    assert any(c.findings for c in cards.values())  # the demo plants findings about people
    for path in made.cards:
        card = cards[_names(path)["card_manager_id"]]
        text = "\n".join(str(v) for v in _cells(path) if isinstance(v, str))
        assert foreign(text, lang, _user_data(card)) == [], path.name
    if workbook_lang == "zh":
        findings = {mid: c.findings for mid, c in cards.items()}
        assert findings["AM004"] == (["actual of 客户拜访次数 is blank; it scores 0"] if lang == "en"
                                     else ["客户拜访次数的实际值为空，按 0 分计"])


def test_every_finding_message_is_reworded_between_the_languages():
    for spec in CODES.values():
        names = set(re.findall(r"\{(\w+)", spec.en))
        numbers = set(re.findall(r"\{(\w+):", spec.en))
        details = {n: 0.75 if n in numbers else f"x_{n}" for n in names}
        zh, en = spec.zh.format(**details), spec.en.format(**details)
        assert reword(spec.code, zh, "zh", "en") == en and reword(spec.code, en, "en", "zh") == zh, spec.code
    assert reword("MISSING_FIELD", "缺少实际值 (tblKPI)", "zh", "en") == "Actual (tblKPI) is missing"
    assert reword("MISSING_ACTUAL", "edited by hand", "zh", "en") == "edited by hand"  # kept as it is


def test_ties_a_team_of_one_and_long_names(tmp_path):
    """Equal scores rank in the contract's order (SCORING.md §4: Q, then id) as tblManagers has them; a team of
    one is "1 / 1"; a long name or team wraps in the header instead of being cut off."""
    folder = tmp_path / "in"
    folder.mkdir()
    long_name = "Wolfgang Amadeus Mozart-Hohenzollern von Schwarzenberg-Liechtenstein"
    write_scorecard(folder / "1.xlsx", header={"manager_id": "T1", "manager_name": "Zhang San"})
    write_scorecard(folder / "2.xlsx", header={"manager_id": "T2", "manager_name": "Li Si"})
    write_scorecard(folder / "3.xlsx", header={"manager_id": "T3", "manager_name": long_name,
                                               "team": "A team of one with a rather long name"})
    consolidate([folder], tmp_path / "team.xlsx", lang="en")
    made = write_cards(tmp_path / "team.xlsx", tmp_path / "cards")
    cards = {c.manager_id: c for c in build_cards(read_team_workbook(tmp_path / "team.xlsx"))}
    assert [(c.rank, c.team_rank, c.team_ranked) for c in cards.values()] == [(1, 1, 2), (2, 2, 2), (3, 1, 1)]
    assert len({c.final for c in cards.values()}) == 1
    assert [_names(p)["card_rank"] for p in made.cards] == [1, 2, 3]
    ws = load(made.cards[2]).worksheets[0]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == long_name)
    assert cell.alignment.wrap_text and ws.row_dimensions[cell.row].height >= 40  # three lines
    team_cell = next(c for c in ws[cell.row] if c.value == "A team of one with a rather long name")
    assert team_cell.alignment.wrap_text


def test_a_file_that_is_not_a_team_workbook_is_a_clear_error(zh_team, tmp_path):
    team, _ = zh_team
    scorecard = next((team.parent / "scorecards").glob("*.xlsx"))
    package = tmp_path / "package.xlsx"
    with zipfile.ZipFile(package, "w") as z:  # a zip with workbook parts but no xl/ folder
        z.writestr("workbook.xml", "<workbook/>")
        z.writestr("[Content_Types].xml", "<Types/>")
    for path, words in ((scorecard, "is not a team workbook made by kpi consolidate (it lacks tblManagers)"),
                        (package, "a zip file without an Excel workbook inside")):
        with pytest.raises(UsageError) as caught:
            write_cards(path, tmp_path / "cards")
        assert str(path) in caught.value.render("en") and words in caught.value.render("en")
        assert not (tmp_path / "cards").exists()
    proc = run_kpi("cards", scorecard, "-o", tmp_path / "cards", "--lang", "zh")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == f"错误：{scorecard} 不是 kpi consolidate 生成的团队汇总表（缺少 tblManagers）"


def test_the_line_managers_comments_come_first(zh_team, tmp_path):
    """A card shows the first six comments: the line manager's before peers' and the manager's own."""
    team, _ = zh_team
    edited = tmp_path / "team.xlsx"
    shutil.copy(team, edited)
    book = load(edited)
    ws = next(ws for ws in book.worksheets if "tblReviews" in ws.tables)
    rows = list(ws[ws.tables["tblReviews"].ref])
    keys = [c.value for c in rows[0]]
    mine = [r for r in rows[1:] if r[keys.index("客户经理编号")].value == "AM001"]
    assert {r[keys.index("角色")].value for r in mine} == {"自评", "上级"}
    for index, row in enumerate(mine):
        row[keys.index("评语")].value = f"{row[keys.index('角色')].value}{index}"
    book.save(edited)
    card = next(c for c in build_cards(read_team_workbook(edited)) if c.manager_id == "AM001")
    roles = [c.role for c in card.comments]
    assert len(roles) == len(mine) and roles == sorted(roles, key=["manager", "peer", "self"].index)
    made = write_cards(edited, tmp_path / "cards", managers=["AM001"])
    shown = [v for v in _cells(made.cards[0]) if isinstance(v, str) and v.startswith("• ")]
    assert shown[0].startswith("• 上级") and len([s for s in shown if "上级" in s.split("：")[0]]) == 4
