"""Ribbon handlers on real workbooks: the library does the work, a fake Excel records what they show.

The workbooks come from the template generator (what the "new" buttons write) with actuals
filled in; the handlers run exactly as from the ribbon, with ``xw.Book.caller()`` replaced by
a recording stand-in (there is no Excel on Linux).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from support.crm_exports import SALES_RULES as IMPORT_RULES
from support.excel_input import excel_parses

from addin.consolidation.consolidate import consolidate
from addin.contract.findings import ERROR, INFO, WARNING, make
from addin.excel import ribbon
from addin.excel.ribbon import (
    HIGHLIGHT,
    cells_to_highlight,
    encode_hex,
    findings_rows,
    scorecard_files,
    summary_text,
    team_output_path,
)
from addin.xlsx.discovery import discover

TARGETS = [100, 40, 90, 95, 24]
GOOD_ACTUALS = [90, 40, 85, 96, 20]


def scorecard(path: Path, manager_id="AM001", actuals=GOOD_ACTUALS, weights=None, lang="zh") -> Path:
    from workbook_templates.generator import write_template

    rows = [{"target": t, "actual": a} for t, a in zip(TARGETS, actuals)]
    for row, weight in zip(rows, weights or []):
        row["weight"] = weight
    return write_template(path, size="small", lang=lang, mode="portable",
                          header={"manager_id": manager_id, "manager_name": manager_id, "team": "North",
                                  "period": "2026Q3"}, rows=rows, force=True)


# ----------------------------------------------------------------------------- a recording Excel

class ProtectedSheetError(Exception):
    """What Excel raises (as a COM or AppleScript error) when a protected sheet refuses a change."""


class FakeRange:
    def __init__(self, sheet: FakeSheet, ref: str, rows: int = 1, columns: int = 1):
        self.sheet, self.ref, self.shape = sheet, ref, (rows, columns)
        self.font = type("Font", (), {"bold": False})()

    def resize(self, rows: int, columns: int) -> FakeRange:
        return FakeRange(self.sheet, self.ref, rows, columns)

    @property
    def value(self):
        return self.sheet.values.get(self.ref)

    @value.setter
    def value(self, value):
        text = self.sheet.text_format.get(self.ref) == self.shape
        if isinstance(value, list):
            value = [[v if text else excel_parses(v) for v in row] for row in value]
        self.sheet.values[self.ref] = value

    @property
    def number_format(self):
        return "@" if self.sheet.text_format.get(self.ref) == self.shape else "General"

    @number_format.setter
    def number_format(self, value):
        if value == "@":
            self.sheet.text_format[self.ref] = self.shape

    @property
    def color(self):
        return self.sheet.colors.get(self.ref)

    @color.setter
    def color(self, value):
        if self.sheet.protected:
            raise ProtectedSheetError("The cell or chart that you are trying to change is on a protected sheet.")
        if value is None:
            self.sheet.colors.pop(self.ref, None)
        else:
            self.sheet.colors[self.ref] = value

    def expand(self, how="table"):
        return self


class FakeSheet:
    def __init__(self, name: str):
        self.name, self.values, self.colors, self.text_format = name, {}, {}, {}
        self.protected = False
        self.autofit_error: Exception | None = None

    def __getitem__(self, ref: str) -> FakeRange:
        return FakeRange(self, ref)

    def range(self, ref: str) -> FakeRange:
        return FakeRange(self, ref)

    @property
    def used_range(self) -> FakeRange:
        return self["A1"]

    def clear(self):
        self.values.clear()
        self.colors.clear()
        self.text_format.clear()

    def autofit(self, axis=None):
        if self.autofit_error:
            raise self.autofit_error


class FakeSheets(list):
    def __getitem__(self, key):
        if isinstance(key, str):
            return next(s for s in self if s.name == key)
        return list.__getitem__(self, key)

    def add(self, name, after=None):
        sheet = FakeSheet(name)
        self.append(sheet)
        return sheet


class FakeApp:
    def __init__(self):
        self.alerts, self.opened, self.calculated, self.status_bar = [], [], 0, None
        self.books = self

    def open(self, path):
        self.opened.append(Path(path))

    def calculate(self):
        self.calculated += 1

    def alert(self, prompt, title=None, mode=None, **kwargs):
        self.alerts.append((prompt, title, mode))


class FakeBook:
    def __init__(self, path: Path, app: FakeApp | None = None):
        self.fullname = str(path)
        self.app = app or FakeApp()
        self.saves = 0
        book = openpyxl.load_workbook(path, read_only=True)
        self.sheets = FakeSheets(FakeSheet(name) for name in book.sheetnames)
        book.close()

    def save(self):
        self.saves += 1


@pytest.fixture
def excel(monkeypatch):
    """Point the handlers at a FakeBook: excel(path) -> the book they will see as caller."""
    state = {}

    def use(path: Path) -> FakeBook:
        book = FakeBook(path, state.get("app"))
        state["book"], state["app"] = book, book.app
        return book

    monkeypatch.setattr(ribbon, "_caller", lambda: state["book"])
    monkeypatch.setattr(ribbon, "_app", lambda: state.get("app") or state.setdefault("app", FakeApp()))
    return use


def _rows(book: FakeBook, lang="zh"):
    return book.sheets[ribbon.FINDINGS_SHEET[lang]]["A1"].value


# ----------------------------------------------------------------------------- handlers

def test_validate_writes_findings_highlights_cells_and_summarises(tmp_path, excel):
    path = scorecard(tmp_path / "am001.xlsx", actuals=[90, None, 85, 96, 20], weights=[0.4, 0.2, 0.2, 0.1, 0.05])
    book = excel(path)
    ribbon.on_action("kpiValidate", "zh")
    assert book.saves == 1
    rows = _rows(book)
    assert rows[0] == ribbon.FINDINGS_HEADERS["zh"]
    codes = {row[1] for row in rows[1:]}
    assert {"WEIGHTS_NOT_100", "MISSING_ACTUAL"} <= codes
    assert rows[1][0] == "错误"  # errors first
    kpi_sheet = book.sheets["考核表"]
    for row in rows[1:]:
        if row[2] == "考核表" and row[3] and row[0] == "错误":
            assert kpi_sheet.colors[row[3]] == HIGHLIGHT[ERROR]
    prompt, title, mode = book.app.alerts[-1]
    assert title == "绩效考核" and mode == "info"
    assert "错误" in prompt and "检查结果" in prompt


def test_a_second_run_clears_fixed_highlights(tmp_path, excel):
    bad = scorecard(tmp_path / "am001.xlsx", actuals=[90, None, 85, 96, 20])
    book = excel(bad)
    ribbon.on_action("kpiValidate", "en")
    highlighted = dict(book.sheets["考核表"].colors)
    assert highlighted
    scorecard(bad, actuals=GOOD_ACTUALS)  # the user fixes the file; same book object
    ribbon.validate_workbook(ribbon.Click("en"))
    assert book.sheets["考核表"].colors == {}
    assert _rows(book, "en") == [ribbon.FINDINGS_HEADERS["en"]]
    assert "no findings" in book.app.alerts[-1][0]


def test_refresh_recalculates_and_reports_the_engine_scores(tmp_path, excel):
    from addin.validation.validate import validate_paths

    path = scorecard(tmp_path / "am001.xlsx")
    book = excel(path)
    ribbon.on_action("kpiRefresh", "en")
    assert book.app.calculated == 1
    manager = validate_paths([path]).files[0].manager
    prompt = book.app.alerts[-1][0]
    assert f"final score {manager.final:.2f}, grade {manager.grade}" in prompt


def test_flag_anomalies_looks_at_the_whole_folder(tmp_path, excel):
    scorecard(tmp_path / "am002.xlsx", manager_id="AM002")
    odd = scorecard(tmp_path / "am001.xlsx", actuals=[300, 40, 85, 96, 20])  # 300 % of the sales target
    book = excel(odd)
    ribbon.on_action("kpiAnomalies", "zh")
    rows = _rows(book)
    assert rows[1:] and {row[1] for row in rows[1:]} <= ribbon.STATISTICS_CODES
    assert any(row[1] == "EXTREME_ACHIEVEMENT" and row[5] == "AM001" for row in rows[1:])
    assert book.sheets["考核表"].colors  # the extreme actual is highlighted
    assert "2 个文件" in book.app.alerts[-1][0]


def test_consolidate_a_picked_folder_into_a_team_workbook(tmp_path, excel):
    folder = tmp_path / "团队 & 100%"  # quotes, ampersands, spaces and Chinese survive the VBA hex
    folder.mkdir()
    for i in range(3):
        scorecard(folder / f"am00{i}.xlsx", manager_id=f"AM00{i}")
    book = excel(folder / "am000.xlsx")
    ribbon.on_action("kpiConsolidate", "zh", encode_hex(str(folder)))
    outputs = sorted(folder.glob("团队汇总-*.xlsx"))
    assert len(outputs) == 1 and book.app.opened == outputs
    prompt = book.app.alerts[-1][0]
    assert "合并 3 个" in prompt and "客户经理 3 人" in prompt
    assert book.app.status_bar is False
    # a later run lists the earlier team workbook as skipped: never merged, never an error
    assert outputs[0] in scorecard_files(folder)
    again = consolidate(scorecard_files(folder), tmp_path / "again.xlsx", lang="en")
    rows = dict(zip(again.files["file"], again.files["reason"]))
    assert again.summary["merged"] == 3 and not again.has_errors and "team workbook" in rows[str(outputs[0])]


def test_new_template_buttons_write_and_open_a_scorecard(tmp_path, excel, monkeypatch):
    monkeypatch.setattr(ribbon, "documents_folder", lambda home=None: tmp_path / "KPI")
    monkeypatch.setattr(sys, "platform", "win32")  # where classic UDFs exist: still portable (issue 10)
    excel(scorecard(tmp_path / "any.xlsx"))
    for control, _size in (("kpiNewSmall", "small"), ("kpiNewMedium", "medium"), ("kpiNewLarge", "large")):
        ribbon.on_action(control, "en")
    app = ribbon._app()
    assert len(app.opened) == 3
    for path, size in zip(app.opened, ("small", "medium", "large")):
        assert path.is_file() and f"-{size}-" in path.name
        book = openpyxl.load_workbook(path, read_only=True)
        assert "kpi_size" in book.defined_names
        book.close()
        with zipfile.ZipFile(path) as z:  # native formulas only: computes without the add-in
            sheets = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
        assert b"<f" in sheets and not re.search(rb"KPI_[A-Z_]+\(", sheets.upper())


def test_job_errors_become_a_message_box_not_a_traceback(tmp_path, excel):
    book = excel(scorecard(tmp_path / "am001.xlsx"))
    empty = tmp_path / "empty"
    empty.mkdir()
    ribbon.on_action("kpiConsolidate", "en", encode_hex(str(empty)))
    prompt, _, mode = book.app.alerts[-1]
    assert mode == "critical" and prompt.startswith("Cannot finish: no .xlsx scorecards")


def test_unsaved_workbook_is_asked_to_be_saved(tmp_path, excel):
    book = excel(scorecard(tmp_path / "am001.xlsx"))
    book.fullname = "Book1"
    ribbon.on_action("kpiValidate", "zh")
    assert book.app.alerts[-1][2] == "critical" and "保存" in book.app.alerts[-1][0]


def test_help_lists_every_button(excel, tmp_path):
    book = excel(scorecard(tmp_path / "am001.xlsx"))
    ribbon.on_action("kpiHelp", "en")
    prompt = book.app.alerts[-1][0]
    for button in ribbon.BUTTONS:
        if button.id != "kpiHelp":
            assert button.label("en") in prompt


def test_results_sheet_keeps_ids_and_formula_like_messages_as_text(tmp_path, excel):
    assert excel_parses("001234") == 1234.0  # the fake parses like Excel: this test can fail
    book = excel(scorecard(tmp_path / "am001.xlsx"))
    texts = ["=SUM(A1:A9)", "+86 138", "-5 points", "@risk", "001234"]
    findings = [make("MISSING_FIELD", "en", file=str(tmp_path / "am001.xlsx"), sheet="考核表", cell=f"C{i + 5}",
                     field=text, manager_id="001234") for i, text in enumerate(texts)]
    ribbon._show_findings(book, findings, tmp_path / "am001.xlsx", "en")
    sheet = book.sheets[ribbon.FINDINGS_SHEET["en"]]
    rows = sheet["A1"].value
    assert rows == findings_rows(findings, "en")
    assert [row[5] for row in rows[1:]] == ["001234"] * len(texts)
    assert all(isinstance(v, str) for row in rows for v in row)
    assert sorted(row[4] for row in rows[1:]) == sorted(f.message for f in findings)


def test_protected_sheet_highlights_are_reported_in_the_results_sheet(tmp_path, excel):
    path = scorecard(tmp_path / "am001.xlsx", actuals=[90, None, 85, 96, 20])
    book = excel(path)
    book.sheets["考核表"].protected = True  # a scorecard protected without "Format cells"
    ribbon.on_action("kpiValidate", "en")
    rows = _rows(book, "en")
    findings = [row for row in rows[1:] if row[1]]
    problems = [row for row in rows[1:] if not row[1]]
    highlighted = {(row[2], row[3]) for row in findings if row[2] == "考核表" and row[3]}
    assert highlighted and {(row[2], row[3]) for row in problems} == highlighted
    for row in problems:
        assert row[0] == "warning"
        assert row[4].startswith(f"Cannot highlight 考核表!{row[3]}: The cell or chart")
        assert "protected" in row[4]
    assert book.app.alerts[-1][2] == "info"  # the job itself finished


def test_a_failed_autofit_is_a_row_below_the_results(tmp_path, excel):
    book = excel(scorecard(tmp_path / "am001.xlsx"))
    ribbon.on_action("kpiValidate", "zh")
    sheet = book.sheets[ribbon.FINDINGS_SHEET["zh"]]
    sheet.autofit_error = RuntimeError("Excel is busy")
    ribbon.on_action("kpiValidate", "zh")
    rows = sheet["A1"].value
    below = sheet[f"A{len(rows) + 1}"].value
    assert below == [["警告", "", "检查结果", "", "无法调整“检查结果”的列宽：Excel is busy", "", ""]]


def test_unknown_button_is_an_error():
    with pytest.raises(ribbon.KpiError):
        ribbon.on_action("kpiNope")


# ----------------------------------------------------------------------------- pure logic

def _f(code, cell, file="a.xlsx", sheet="考核表", **details):
    return make(code, "en", file=file, sheet=sheet, cell=cell, **details)


def test_findings_rows_put_errors_first_and_translate_severity():
    findings = [_f("TARGET_ADJUSTED", "L5", indicator="x", target=1, adjusted=2, reason="r"),
                _f("MISSING_ACTUAL", "N6", indicator="Sales"),
                _f("FORMULA_OVERWRITTEN", "Q7", field="Score", stored="100", computed="92.5")]
    rows = findings_rows(findings, "zh")
    assert [r[0] for r in rows[1:]] == ["错误", "警告", "提示"]
    assert [r[1] for r in findings_rows(findings, "en")[1:]] == ["MISSING_ACTUAL", "FORMULA_OVERWRITTEN",
                                                                   "TARGET_ADJUSTED"]
    assert rows[1][6] == "a.xlsx"


def test_cells_to_highlight_keeps_the_worst_severity_of_this_file_only(tmp_path):
    book = tmp_path / "a.xlsx"
    findings = [_f("FORMULA_OVERWRITTEN", "Q7", file=str(book), field="Score", stored="100", computed="92.5"),
                _f("MISSING_ACTUAL", "$Q$7", file=str(book), indicator="x"),
                _f("MISSING_ACTUAL", "N9", file=str(tmp_path / "other.xlsx"), indicator="x"),
                make("WEIGHTS_NOT_100", "en", file=str(book), total="95%")]  # no cell: listed, not highlighted
    assert cells_to_highlight(findings, book) == {("考核表", "Q7"): ERROR}


def test_summary_counts_and_quotes_the_first_findings():
    findings = [_f("MISSING_ACTUAL", f"N{i}", indicator="x") for i in range(5)] + \
               [_f("FORMULA_OVERWRITTEN", "Q7", field="Score", stored="100", computed="92.5")]
    text = summary_text(findings, "en", checked=2)
    assert text.startswith("Checked 2 files: 5 errors, 1 warning, 0 info. See the 'Check results' sheet.")
    assert text.count("\n- ") == 3 and text.endswith("...")
    assert summary_text([], "zh") == "检查了 1 个文件，未发现问题。"
    assert summary_text([], "en") == "Checked 1 file: no findings."
    assert summary_text(findings[:1], "zh").startswith("检查了 1 个文件：错误 1 个，警告 0 个，提示 0 个。详见“检查结果”工作表。")
    assert WARNING in HIGHLIGHT and INFO in HIGHLIGHT


def test_scorecard_files_are_the_command_lines_inputs(tmp_path):
    # one input-file policy: the ribbon lists what `kpi consolidate DIR` lists (an .xls and the
    # files of sub-folders too); lock files and hidden files are inputs listed as skipped
    for name in ("a.xlsx", "b.xlsm", "c.xls", "~$a.xlsx", ".c.xlsx", "notes.txt", "sub/d.xlsx"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(name.encode())
    assert [p.relative_to(tmp_path).as_posix() for p in scorecard_files(tmp_path)] == \
        [".c.xlsx", "a.xlsx", "b.xlsm", "c.xls", "sub/d.xlsx", "~$a.xlsx"]
    assert scorecard_files(tmp_path) == [item.path for item in discover([tmp_path])]
    result = consolidate(scorecard_files(tmp_path), tmp_path.parent / f"{tmp_path.name}-team.xlsx", lang="en")
    statuses = {Path(f).name: s for f, s in zip(result.files["file"], result.files["status"])}
    assert statuses["c.xls"] == "rejected" and len(statuses) == 6  # the .xls gets its row
    with pytest.raises(ribbon.KpiError):
        scorecard_files(tmp_path / "missing")


def test_output_names(tmp_path):
    now = dt.datetime(2026, 11, 26, 18, 30, 5)
    assert team_output_path(tmp_path, "zh", now).name == "团队汇总-20261126-183005.xlsx"
    assert ribbon.template_output_path("large", "en", tmp_path, now).name == "scorecard-large-20261126-183005.xlsx"
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    assert ribbon.documents_folder(home) == home / "Documents" / "KPI"


def test_manager_cells_find_rows_of_a_team_workbook(tmp_path):
    from addin.consolidation.consolidate import consolidate

    for i in range(2):
        scorecard(tmp_path / f"am00{i}.xlsx", manager_id=f"AM00{i}")
    team = tmp_path / "out" / "team.xlsx"
    consolidate([tmp_path / "am000.xlsx", tmp_path / "am001.xlsx"], team, lang="en")
    cells = ribbon.manager_cells(team, {"AM001"})
    assert len(cells) == 1
    (sheet, cell), = cells
    book = openpyxl.load_workbook(team, read_only=True)
    assert book[sheet][cell].value == "AM001"
    book.close()
    assert ribbon.manager_cells(tmp_path / "am000.xlsx", {"AM001"}) == {}


def test_file_system_errors_become_a_message_box_not_a_traceback(tmp_path, excel, monkeypatch):
    book = excel(scorecard(tmp_path / "am001.xlsx"))

    def locked(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / "KPI"))

    monkeypatch.setattr(ribbon, "template_output_path", locked)
    ribbon.on_action("kpiNewSmall", "zh")
    prompt, _, mode = book.app.alerts[-1]
    assert mode == "critical" and prompt.startswith("无法完成：") and "Permission denied" in prompt


def test_result_cards_button_writes_the_cards_of_the_open_team_workbook(tmp_path, excel, monkeypatch):
    from support.teams import demo_team

    team, result = demo_team(tmp_path / "q3", lang="zh", managers=4)
    scored = [m for m in result.manager_rows if m["status"] == "scored"]
    monkeypatch.setattr(ribbon, "find_soffice", lambda: None)  # no LibreOffice: .xlsx cards only
    book = excel(team)
    ribbon.on_action("kpiCards", "en")
    ribbon.on_action("kpiCards", "en")  # a second click never replaces the first cards
    folders = sorted(p for p in team.parent.iterdir() if p.name.startswith("result-cards-"))
    assert len(folders) == 2 and book.saves == 2
    for folder in folders:
        assert sorted(p.name.split("_")[1] for p in folder.glob("*.xlsx")) == sorted(
            m["manager_id"] for m in scored)  # a card for every scored manager
    prompt, _, mode = book.app.alerts[-1]
    assert mode == "info" and prompt.startswith(f"Wrote {len(scored)} result cards (0 PDFs)")
    not_a_team = excel(scorecard(tmp_path / "am001.xlsx"))
    ribbon.on_action("kpiCards", "zh")
    prompt, _, mode = not_a_team.app.alerts[-1]
    assert mode == "critical" and "不是 kpi consolidate 生成的团队汇总表" in prompt




def test_the_import_button_remembers_the_rules_it_used_for_the_vba_to_offer(tmp_path, excel, monkeypatch):
    from support.crm_exports import write_xlsx

    memory = tmp_path / "memory"
    monkeypatch.setattr(ribbon, "memory_folder", lambda *a, **k: memory)
    write_xlsx(tmp_path / "deals.xlsx", ["负责人", "金额", "实际结束时间"],
               [{"负责人": "AM001", "金额": "12,000.00", "实际结束时间": "2026-07-03"}])
    rules = tmp_path / "规则 O'Brien & 100%.toml"
    rules.write_text(IMPORT_RULES, encoding="utf-8")
    book = excel(scorecard(tmp_path / "am001.xlsx"))
    ribbon.on_action("kpiImportActuals", "en", encode_hex("C:/nowhere/rules.toml"))  # fails: not remembered
    assert book.app.alerts[-1][2] == "critical" and not memory.exists()
    ribbon.on_action("kpiImportActuals", "en", encode_hex(str(rules)))
    assert book.app.alerts[-1][0].startswith("Imported 1 actuals from the CRM")
    stored = (memory / "kpiImportActuals.last").read_text(encoding="ascii")  # what KPIRibbon_OfferLast reads
    assert re.fullmatch(r"([0-9A-F]{4})+\n", stored) and ribbon.decode_hex(stored.strip()) == str(rules.resolve())
    assert ribbon.remembered_pick("kpiImportActuals") == str(rules.resolve())
    ribbon.on_action("kpiImportActuals", "en", "")  # no file from Excel: the one used last
    assert book.app.alerts[-1][0].startswith("Imported 1 actuals from the CRM")
    rules.unlink()
    assert ribbon.remembered_pick("kpiImportActuals") == ""  # gone: nothing is offered
    (memory / "kpiImportActuals.last").write_text("not hex", encoding="ascii")
    assert ribbon.remembered_pick("kpiImportActuals") == ""


def test_picks_are_remembered_where_the_vba_of_each_system_looks(tmp_path):
    assert ribbon.memory_folder("win32", {"APPDATA": r"C:\Users\张三\AppData\Roaming"}, tmp_path) == \
        Path(r"C:\Users\张三\AppData\Roaming") / "kpi-scorecard"  # VBA: Environ("APPDATA") & "\kpi-scorecard\"
    assert ribbon.memory_folder("darwin", {}, tmp_path) == \
        tmp_path / "Library/Containers/com.microsoft.Excel/Data/kpi-scorecard"  # sandboxed VBA's HOME
    assert ribbon.memory_folder("linux", {}, tmp_path) == tmp_path / ".kpi-scorecard"
