"""Bad exports, rules and arguments: each a finding or a clear error naming the place, never a traceback."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest
from support.crm_exports import WUKONG_FOLLOWUPS, roster, write_csv, write_xlsx
from support.paths import run_kpi

from addin.collect.collector import collect
from addin.collect.exports import ExportUnreadable, read_export, unclosed_quote_line

MANAGERS = [("AM001", "张伟", "华东"), ("AM002", "李娜", "华东")]
RULES = """
[sources.follow]
files = ["{pattern}"]
owner = "跟进人"
date = "跟进时间"

[[rules]]
indicator = "客户拜访次数"
source = "follow"
measure = "count"

[[rules]]
indicator = "拜访金额"
source = "follow"
measure = "sum"
value = "金额"
"""


def setup(tmp_path: Path, pattern: str = "follow*.csv") -> tuple[Path, Path]:
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES.format(pattern=pattern), encoding="utf-8")
    return rules, roster(tmp_path / "roster.csv", MANAGERS)


def flat(result):
    return sorted((f.file, f.row or 0, f.column, f.code) for f in result.findings)


def test_a_rule_column_the_export_lacks_names_the_columns_it_has(tmp_path):
    rules, people = setup(tmp_path)
    write_csv(tmp_path / "follow.csv", WUKONG_FOLLOWUPS, [{"跟进人": "张伟", "跟进时间": "2026-07-01"}])
    result = collect(rules, people, "2026Q3", lang="en")
    assert flat(result) == [("follow.csv", 1, "金额", "COLUMN_MISSING")]
    assert "所属客户, 跟进内容, 跟进人, 跟进时间" in result.findings[0].message
    assert {a.status for a in result.actuals} == {"source_error"}
    assert {a.actual for a in result.actuals} == {None}
    assert result.sources[0].status == "columns_missing"


def test_a_pattern_matching_nothing(tmp_path):
    rules, people = setup(tmp_path, "exports/跟进*.csv")
    result = collect(rules, people, "2026Q3", lang="zh")
    assert flat(result) == [("exports/跟进*.csv", 0, "", "SOURCE_FILE_MISSING")]
    assert [(s.file, s.status) for s in result.sources] == [("exports/跟进*.csv", "missing")]
    assert "没有匹配的文件" in result.findings[0].message


@pytest.mark.parametrize("content,reason", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 400,
     "password-protected"),
    (b"PK\x03\x04garbage" * 10, "corrupt"),
    (b"", "empty"),
])
def test_encrypted_corrupt_or_empty_exports_cost_only_that_file(tmp_path, content, reason):
    rules, people = setup(tmp_path, "follow*.*")
    (tmp_path / "follow-bad.xlsx").write_bytes(content)
    write_csv(tmp_path / "follow-ok.csv", WUKONG_FOLLOWUPS + ["金额"],
              [{"跟进人": "张伟", "跟进时间": "2026-07-01", "金额": "5"}])
    result = collect(rules, people, "2026Q3", lang="en")
    assert flat(result) == [("follow-bad.xlsx", 0, "", "FILE_UNREADABLE")]
    assert reason in result.findings[0].message
    statuses = {s.file: s.status for s in result.sources}
    assert statuses == {"follow-bad.xlsx": "unreadable", "follow-ok.csv": "read"}
    assert result.sources[1].rows_read == 1  # the good file was read; its source's rules give no values
    assert {a.status for a in result.actuals} == {"source_error"}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_or_a_dangling_link_a_pattern_matches_is_listed_never_opened(tmp_path):
    """The one input policy (addin.xlsx.discovery): listed with the reason, not dropped, not read (a read would hang)."""
    rules, people = setup(tmp_path, "follow*.*")
    os.mkfifo(tmp_path / "follow-pipe.csv")
    (tmp_path / "follow-gone.csv").symlink_to(tmp_path / "nowhere.csv")
    (tmp_path / "follow-dir.csv").mkdir()  # a folder is not a file of the pattern: left out, as before
    write_csv(tmp_path / "follow-ok.csv", WUKONG_FOLLOWUPS + ["金额"],
              [{"跟进人": "张伟", "跟进时间": "2026-07-01", "金额": "5"}])
    for lang, words in (("en", ("a named pipe (FIFO), not a regular file; not opened",
                                "a symbolic link to a file that does not exist")),
                        ("zh", ("命名管道（FIFO），不是普通文件；未打开", "符号链接指向的文件不存在"))):
        result = collect(rules, people, "2026Q3", lang=lang)
        assert flat(result) == [("follow-gone.csv", 0, "", "FILE_UNREADABLE"),
                                ("follow-pipe.csv", 0, "", "FILE_UNREADABLE")]
        assert [words[1] in result.findings[0].message, words[0] in result.findings[1].message] == [True, True]
        statuses = {s.file: s.status for s in result.sources}
        assert statuses == {"follow-gone.csv": "unreadable", "follow-ok.csv": "read", "follow-pipe.csv": "unreadable"}


def test_an_export_with_no_data_rows(tmp_path):
    rules, people = setup(tmp_path)
    write_csv(tmp_path / "follow.csv", WUKONG_FOLLOWUPS + ["金额"], [])
    result = collect(rules, people, "2026Q3", lang="en")
    assert flat(result) == [("follow.csv", 1, "", "NO_ROWS")]  # count and sum give 0: no rule finding
    assert result.sources[0].status == "no_rows" and result.sources[0].rows_read == 0
    got = {(a.manager_id, a.indicator): a.actual for a in result.actuals}
    assert got[("AM001", "客户拜访次数")] == 0.0


def test_text_in_a_value_column_is_listed_100_times_then_counted(tmp_path):
    rules, people = setup(tmp_path)
    rows = [{"跟进人": "张伟", "跟进时间": "2026-07-01", "金额": "n/a"} for _ in range(150)]
    rows.append({"跟进人": "张伟", "跟进时间": "2026-07-01", "金额": "7"})
    write_csv(tmp_path / "follow.csv", WUKONG_FOLLOWUPS + ["金额"], rows)
    result = collect(rules, people, "2026Q3", lang="en")
    codes = [f for f in result.findings if f.code == "VALUE_UNPARSEABLE"]
    assert len(codes) == 101
    assert [f.row for f in codes[:100]] == list(range(2, 102))
    assert "50 more rows with the same problem (VALUE_UNPARSEABLE)" in codes[100].message
    got = {(a.manager_id, a.indicator): (a.actual, a.rows, a.rows_excluded) for a in result.actuals}
    assert got[("AM001", "拜访金额")] == (7.0, 1, 150)


def test_dates_that_fit_no_form_are_skipped_and_counted(tmp_path):
    rules, people = setup(tmp_path)
    rows = [{"跟进人": "张伟", "跟进时间": "下周一", "金额": "1"}, {"跟进人": "张伟", "跟进时间": "", "金额": "1"},
            {"跟进人": "张伟", "跟进时间": "2026-07-09", "金额": "1"}]
    write_csv(tmp_path / "follow.csv", WUKONG_FOLLOWUPS + ["金额"], rows)
    result = collect(rules, people, "2026Q3", lang="en")
    assert flat(result) == [("follow.csv", 2, "跟进时间", "DATE_UNPARSEABLE")]
    assert result.sources[0].rows_skipped == 2 and result.sources[0].rows_in_period == 1


@pytest.mark.slow
def test_a_50_mb_csv_is_read(tmp_path):
    rules, people = setup(tmp_path)
    line = "某客户,跟进内容很长很长很长很长很长很长很长很长很长很长很长很长,张伟,2026-07-01 10:00:00,见面拜访,,,,12.5\r\n"
    count = 50 * 1024 * 1024 // len(line.encode()) + 1
    header = ",".join(WUKONG_FOLLOWUPS + ["金额"]) + "\r\n"
    (tmp_path / "follow.csv").write_bytes((header + line * count).encode("utf-8"))
    assert (tmp_path / "follow.csv").stat().st_size > 50 * 1024 * 1024
    result = collect(rules, people, "2026Q3", lang="en")
    got = {(a.manager_id, a.indicator): (a.actual, a.rows) for a in result.actuals}
    assert got[("AM001", "客户拜访次数")] == (float(count), count)
    assert got[("AM001", "拜访金额")][0] == pytest.approx(12.5 * count)
    assert flat(result) == []


def _full_sheet_xlsx(path: Path, rows: int) -> None:
    """A minimal .xlsx whose sheet has ``rows`` rows (the Excel maximum is 1,048,576)."""
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
        '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
        'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
        'name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }
    body = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>张伟</t></is></c><c r="B{r}"><v>46204</v></c>'
                   f'<c r="C{r}"><v>1</v></c></row>' for r in range(2, rows + 1))
    sheet = ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>跟进人</t></is></c><c r="B1" t="inlineStr"><is>'
             '<t>跟进时间</t></is></c><c r="C1" t="inlineStr"><is><t>金额</t></is></c></row>'
             + body + "</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)


@pytest.mark.slow
def test_an_xlsx_export_with_1048576_rows_meets_the_safety_caps(tmp_path):
    rules, people = setup(tmp_path, "follow*.xlsx")
    _full_sheet_xlsx(tmp_path / "follow.xlsx", 1_048_576)
    result = collect(rules, people, "2026Q3", lang="en")
    assert flat(result) == [("follow.xlsx", 0, "", "FILE_UNREADABLE")]
    assert "larger than 64 MB uncompressed" in result.findings[0].message


def test_a_small_hand_made_xlsx_of_the_same_kind_is_read(tmp_path):
    """The writer of the test above makes workbooks calamine reads (so the cap, not the file, refuses it)."""
    _full_sheet_xlsx(tmp_path / "follow.xlsx", 4)
    export = read_export(tmp_path / "follow.xlsx", "follow.xlsx", ["跟进人", "跟进时间", "金额"])
    assert len(export.rows) == 3 and export.header_row == 1


def test_a_csv_that_is_binary_is_unreadable(tmp_path):
    (tmp_path / "x.csv").write_bytes(b"\x00\x01\x02" * 100 + b"\xff\xfe\xfd" * 50)
    with pytest.raises(ExportUnreadable):
        read_export(tmp_path / "x.csv", "x.csv", ["a"])



@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_a_csv_with_an_unclosed_quote_names_its_line_in_the_users_language(tmp_path, encoding):
    """Excel users meet it most: one stray quote swallows the rest of the file. The reason names
    the line, never the parser's own English."""
    text = ('负责人,金额,实际结束时间\n张伟,300,2026-07-02\n李娜,"100,2026-07-03\n张伟,200,2026-07-04\n'
            '王芳,"多行\n备注",2026-07-05\n')
    (tmp_path / "x.csv").write_bytes(text.encode(encoding))
    with pytest.raises(ExportUnreadable) as caught:
        read_export(tmp_path / "x.csv", "x.csv", ["负责人", "金额", "实际结束时间"])
    assert caught.value.reason("en") == ('line 3 of the CSV opens a quote (") that is never closed, so every line '
                                         'after it would read as one cell; correct that line in the export')
    assert caught.value.reason("zh").startswith("CSV 第 3 行的引号")
    assert unclosed_quote_line('a,"b\nc",d\n"e""f",g\n') is None  # a quoted line break and a doubled quote are fine

# --------------------------------------------------------------------------- usage and rules errors (exit 2)

@pytest.mark.parametrize("text,place", [
    ('[sources.a]\nfiles=["x.csv"]\nowner="o"\ndate="d"\n[[rules]]\nindicator="X"\nsource="a"\nmeasure="summ"\n',
     "rules[0].measure (X): \"summ\" is not allowed; use one of count, sum, mean, median, distinct, ratio, "
     "duration_mean or duration_median"),
    ('[sources.a]\nfiles=["x.csv"]\nowner="o"\ndate="d"\n[[rules]]\nindicator="X"\nsource="a"\nmeasure="count"\n'
     '[[rules]]\nindicator="Y"\nsource="b"\nmeasure="sum"\n',
     "rules[1].source (Y): source \"b\" is not declared; declared: a"),
    ('[sources.a]\nfiles=["x.csv"]\nowner="o"\n[[rules]]\nindicator="X"\nsource="a"\nmeasure="count"\n',
     "sources.a.date: required, but missing"),
    ('[sources.a]\nfiles=["x.csv"]\nowner="o"\ndate="d"\n[[rules]]\nindicator="X"\nsource="a"\nmeasure="mean"\n',
     "rules[0].value (X): mean needs value (the column aggregated)"),
    ('timezone="Mars/Base"\n[sources.a]\nfiles=["x.csv"]\nowner="o"\ndate="d"\n[[rules]]\nindicator="X"\n'
     'source="a"\nmeasure="count"\nsurprise=1\n', "rules[0].surprise (X): unknown key (a typo?)"),
    ('[sources.a\n', "TOML syntax error"),
])
def test_invalid_rules_exit_2_name_the_place_and_write_nothing(tmp_path, text, place):
    (tmp_path / "rules.toml").write_text(text, encoding="utf-8")
    people = roster(tmp_path / "roster.csv", MANAGERS)
    done = run_kpi("collect", tmp_path / "rules.toml", "--roster", people, "--period", "2026Q3",
                   "-o", tmp_path / "out.xlsx", "--json", tmp_path / "out.json", "--lang", "en")
    assert done.returncode == 2, done.stdout + done.stderr
    assert place in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out.xlsx").exists() and not (tmp_path / "out.json").exists()


def test_a_bad_rules_workbook_names_the_cell(tmp_path):
    path = tmp_path / "rules.xlsx"
    assert run_kpi("collect", "--init", path, "--preset", "hubspot", "--lang", "en").returncode == 0
    from openpyxl import load_workbook
    book = load_workbook(path)
    ws = book["Rules"]
    ws["C2"] = "total"  # measure of the first rule
    book.save(path)
    done = run_kpi("collect", path, "--roster", roster(tmp_path / "roster.csv", MANAGERS), "--period", "2026Q3",
                   "-o", tmp_path / "out.xlsx", "--lang", "en")
    assert done.returncode == 2
    assert "rules[0].measure (Sales revenue) [tblRules!C2]: \"total\" is not allowed" in done.stderr


@pytest.mark.parametrize("args,words", [
    (["--period", "2026Q5"], "period \"2026Q5\" is not understood"),
    (["--period", "2026-09-30..2026-07-01"], "ends before it starts"),
    (["--roster", "nowhere.csv"], "roster nowhere.csv"),
    (["--data", "nowhere"], "the data folder nowhere does not exist"),
])
def test_usage_errors_exit_2(tmp_path, args, words):
    rules, people = setup(tmp_path)
    base = {"--period": "2026Q3", "--roster": str(people)}
    options = dict(base, **dict(zip(args[::2], args[1::2])))
    flat_args = [x for pair in options.items() for x in pair]
    done = run_kpi("collect", rules, *flat_args, "-o", tmp_path / "out.xlsx", "--lang", "en", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert words in done.stderr
    assert not (tmp_path / "out.xlsx").exists()


def test_strict_exits_1_on_error_findings_and_json_has_everything(tmp_path):
    rules, people = setup(tmp_path, "none*.csv")
    done = run_kpi("collect", rules, "--roster", people, "--period", "2026Q3", "-o", tmp_path / "a.xlsx",
                   "--json", tmp_path / "a.json", "--strict", "--lang", "en")
    assert done.returncode == 1
    report = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert report["summary"]["errors"] == 1
    assert report["findings"][0]["code"] == "SOURCE_FILE_MISSING"
    assert len(report["actuals"]) == 4 and report["actuals"][0]["actual"] is None


def test_an_existing_file_that_is_not_an_actuals_workbook_is_never_replaced(tmp_path):
    rules, people = setup(tmp_path)
    write_xlsx(tmp_path / "mine.xlsx", ["a"], [{"a": 1}])
    before = (tmp_path / "mine.xlsx").read_bytes()
    done = run_kpi("collect", rules, "--roster", people, "--period", "2026Q3", "-o", tmp_path / "mine.xlsx")
    assert done.returncode == 2 and "--force" in done.stderr
    assert (tmp_path / "mine.xlsx").read_bytes() == before
    # an earlier actuals workbook is replaced: re-running is safe
    write_csv(tmp_path / "follow.csv", WUKONG_FOLLOWUPS + ["金额"], [{"跟进人": "张伟", "跟进时间": "2026-07-01"}])
    for _ in range(2):
        done = run_kpi("collect", rules, "--roster", people, "--period", "2026Q3", "-o", tmp_path / "actuals.xlsx")
        assert done.returncode == 0, done.stderr


def test_a_missing_sheet_names_the_sheets_in_the_language(tmp_path):
    path = write_xlsx(tmp_path / "deals.xlsx", ["a"], [{"a": 1}], sheet="商机")
    with pytest.raises(ExportUnreadable) as caught:
        read_export(path, "deals.xlsx", ["a"], "导出数据")
    assert caught.value.reason("zh") == "没有名为“导出数据”的工作表；现有工作表：商机"
    assert caught.value.reason("en") == str(caught.value) == "no sheet named 导出数据; its sheets are: 商机"
