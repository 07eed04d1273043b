"""The xlwings Lite edition: main.py embeds the engine verbatim and computes the same numbers."""

from __future__ import annotations

import importlib.util
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from support.excel_input import excel_parses
from support.scoring_examples import WORKED_EXAMPLES

import udfs
from addin.cli import main
from addin.excel import lite
from udfs import engine, excel_functions


@pytest.fixture(scope="module")
def lite_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("lite")
    assert main(["addin", "lite", "-o", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def lite_main(lite_dir):
    """main.py imported from the written file, as a module of its own."""
    spec = importlib.util.spec_from_file_location("kpi_lite_main", lite_dir / "main.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_writes_main_and_requirements(lite_dir):
    import xlwings

    assert (lite_dir / "main.py").is_file()
    requirements = (lite_dir / "requirements.txt").read_text().split()
    assert f"xlwings=={xlwings.__version__}" in requirements and "numpy" in requirements
    assert not any(r.startswith("numpy=") for r in requirements)  # Pyodide's own: never pinned


def test_embedded_sources_are_the_udfs_package_verbatim(lite_main):
    package = Path(udfs.__file__).parent
    assert list(lite_main._SOURCES) == lite.module_order()
    assert {"engine", "enums", "errors", "excel_functions"} <= set(lite_main._SOURCES)
    for name, source in lite_main._SOURCES.items():
        assert source == (package / f"{name}.py").read_text(encoding="utf-8"), name


def test_every_kpi_function_is_exported(lite_main):
    names = [n for n in dir(excel_functions) if n.startswith("KPI_") and callable(getattr(excel_functions, n))]
    assert names
    for name in names:
        assert callable(getattr(lite_main, name)), name


SCORING_EXAMPLES = WORKED_EXAMPLES  # SCORING.md §5: a, T, F, S, direction, method, param, score


@pytest.mark.parametrize("a,t,f,s,d,m,p,expected", SCORING_EXAMPLES)
def test_lite_kpi_score_equals_the_engine(lite_main, a, t, f, s, d, m, p, expected):
    lite_value = lite_main.KPI_SCORE(a, t, f, s, d, m, p)
    assert lite_value == pytest.approx(expected)
    assert lite_value == excel_functions.KPI_SCORE(a, t, f, s, d, m, p)
    assert lite_main.engine.kpi_score(a, t, f, s, d, m, p) == engine.kpi_score(a, t, f, s, d, m, p)


def test_lite_functions_equal_the_excel_functions_on_ranges(lite_main):
    rng = np.random.default_rng(5)
    actual = [[float(x)] for x in rng.uniform(0, 200, 40)]
    target = [[float(x)] for x in rng.uniform(1, 150, 40)]
    direction = [["higher" if x > 0.5 else "越低越好"] for x in rng.uniform(size=40)]
    assert lite_main.KPI_SCORE(actual, target, None, None, direction) == \
        excel_functions.KPI_SCORE(actual, target, None, None, direction)
    assert lite_main.KPI_ACHIEVEMENT(actual, target, direction) == \
        excel_functions.KPI_ACHIEVEMENT(actual, target, direction)
    scores, weights = [[80], [120], [60]], [[0.5], [0.3], [0.2]]
    assert lite_main.KPI_WEIGHTED(scores, weights) == excel_functions.KPI_WEIGHTED(scores, weights) == pytest.approx(88.0)
    assert lite_main.KPI_WEIGHTED(scores, [[0.5], [0.3], [0.1]]) == \
        excel_functions.KPI_WEIGHTED(scores, [[0.5], [0.3], [0.1]])  # the same #KPI! text
    ratings, roles = [[4], [3.5], [5]], [["manager"], ["上级"], ["self"]]
    assert lite_main.KPI_REVIEW(ratings, roles) == excel_functions.KPI_REVIEW(ratings, roles)
    assert lite_main.KPI_FINAL(90, 80) == excel_functions.KPI_FINAL(90, 80) == pytest.approx(88)
    for score in (59.999, 60, 94.9999999999, 95, 110, None):
        assert lite_main.KPI_GRADE(score) == excel_functions.KPI_GRADE(score)


def test_main_py_imports_and_computes_in_plain_python_without_xlwings(lite_dir):
    code = (
        "import sys, runpy; sys.modules['xlwings'] = None\n"  # importing xlwings now fails
        f"ns = runpy.run_path({str(lite_dir / 'main.py')!r})\n"
        "print(ns['KPI_SCORE'](110, 100, None, 120), ns['KPI_GRADE'](96))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["110.0", "A"]


def test_function_names_are_discoverable_like_xlwings_lite_does(lite_main):
    import inspect

    exported = {name for name, obj in inspect.getmembers(lite_main) if callable(obj) and name.startswith("KPI_")}
    assert set(lite.exported_functions((Path(udfs.__file__).parent / "excel_functions.py").read_text())) == exported
    scripts = {name for name, obj in inspect.getmembers(lite_main, inspect.isfunction)
               if name in ("validate", "refresh_scores")}
    assert scripts == {"validate", "refresh_scores"}


# ----------------------------------------------------------------------------- the scripts on a workbook

class LiteRange:
    def __init__(self, sheet, ref):
        self.sheet, self.ref = sheet, ref

    @property
    def value(self):
        from openpyxl.utils import range_boundaries

        if ":" not in self.ref:
            return self.sheet.ws[self.ref].value
        c1, r1, c2, r2 = range_boundaries(self.ref)
        rows = [[self.sheet.ws.cell(r, c).value for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
        return rows[0] if len(rows) == 1 else rows  # xlwings: one row gives a flat list

    @value.setter
    def value(self, value):
        if isinstance(value, list):  # Excel parses what is not formatted as text
            value = [[v if self.sheet.is_text(self.ref, j) else excel_parses(v) for j, v in enumerate(row)]
                     for row in value]
        self.sheet.written[self.ref] = value

    @property
    def number_format(self):
        return self.sheet.formats.get(self.ref)

    @number_format.setter
    def number_format(self, value):
        self.sheet.formats[self.ref] = value

    @property
    def row(self):
        from openpyxl.utils import range_boundaries
        return range_boundaries(self.ref)[1]

    @property
    def column(self):
        from openpyxl.utils import range_boundaries
        return range_boundaries(self.ref)[0]

    @property
    def color(self):
        return self.sheet.colors.get(self.ref)

    @color.setter
    def color(self, value):
        if self.sheet.protected:
            raise RuntimeError("AccessDenied: The cell or chart you're trying to change is on a protected sheet.")
        self.sheet.colors[self.ref] = value


class LiteTable:
    def __init__(self, sheet, name, ref):
        from openpyxl.utils import get_column_letter, range_boundaries

        self.name = name
        c1, r1, c2, r2 = range_boundaries(ref)
        self.range = LiteRange(sheet, ref)
        self.header_row_range = LiteRange(sheet, f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r1}")
        self.data_body_range = LiteRange(sheet, f"{get_column_letter(c1)}{r1 + 1}:{get_column_letter(c2)}{r2}")


class LiteSheet:
    def __init__(self, ws=None, name=None):
        self.ws, self.name = ws, name or ws.title
        self.written, self.colors, self.formats, self.protected = {}, {}, {}, False
        self.tables = [LiteTable(self, n, ref) for n, ref in ws.tables.items()] if ws is not None else []

    def __getitem__(self, ref):
        return LiteRange(self, ref)

    def clear(self):
        self.written.clear()
        self.formats.clear()

    def is_text(self, ref, column):
        """Whether column ``column`` (0-based) of a block written at ``ref`` is formatted as text."""
        from openpyxl.utils import range_boundaries

        first = range_boundaries(ref)[0] + column
        return any(fmt == "@" and range_boundaries(r)[0] == first == range_boundaries(r)[2]
                   for r, fmt in self.formats.items())


class LiteSheets(list):
    def __getitem__(self, key):
        return next(s for s in self if s.name == key) if isinstance(key, str) else list.__getitem__(self, key)

    def add(self, name, after=None):
        self.append(LiteSheet(name=name))
        return self[-1]


class LiteBook:
    """What a script sees of a workbook in xlwings Lite: sheets, tables, names, alert."""

    def __init__(self, path):
        self.wb = openpyxl.load_workbook(path, data_only=True)
        self.sheets = LiteSheets(LiteSheet(ws) for ws in self.wb.worksheets)
        self.alerts = []
        self.app = self
        book = self

        class Names:
            def __getitem__(self, name):
                sheet, ref = next(iter(book.wb.defined_names[name].destinations))
                return type("Name", (), {"refers_to_range": LiteRange(book.sheets[sheet], ref.replace("$", ""))})()

        self.names = Names()

    def alert(self, text, title=None, **kwargs):
        self.alerts.append(text)


def _card(tmp_path, name="am001.xlsx", actuals=(90, 40, 85, 96, 20), weights=None, lang="zh"):
    from workbook_templates.generator import write_template

    rows = [{"target": t, "actual": a} for t, a in zip((100, 40, 90, 95, 24), actuals)]
    for row, weight in zip(rows, weights or []):
        row["weight"] = weight
    return write_template(tmp_path / name, size="small", lang=lang, mode="portable",
                          header={"manager_id": "AM001", "period": "2026Q3"},
                          reviews=[{"role": "manager", "reviewer": "Li", "competency": "Teamwork", "rating": 4},
                                   {"role": "self", "reviewer": "AM001", "competency": "Teamwork", "rating": 5}],
                          rows=rows)


def test_refresh_scores_script_equals_the_validator(lite_main, tmp_path):
    from addin.validation.validate import validate_paths

    path = _card(tmp_path)
    book = LiteBook(path)
    lite_main.refresh_scores(book)
    manager = validate_paths([path]).files[0].manager
    result = lite_main.recompute(*lite_main.read_book(book))
    assert result["final"] == pytest.approx(manager.final, abs=1e-9)
    assert result["quant"] == pytest.approx(manager.quant, abs=1e-9)
    assert result["grade"] == manager.grade
    assert [i["score"] for i in result["indicators"]] == pytest.approx([i.score for i in manager.indicators])
    assert f"{manager.final:.2f}" in book.alerts[-1]
    sheet = book.sheets["得分复核"]
    assert sheet.written["A1"][0] == ["指标", "表中得分", "引擎得分", "差异"]


def test_validate_script_finds_and_highlights_what_kpi_validate_finds(lite_main, tmp_path):
    from addin.validation.validate import validate_paths

    path = _card(tmp_path, actuals=(90, None, 85, 96, 20), weights=(0.4, 0.2, 0.2, 0.1, 0.05), lang="en")
    book = LiteBook(path)
    lite_main.validate(book)
    rows = book.sheets["Check results"].written["A1"]
    lite_codes = {(row[1], row[3]) for row in rows[1:]}
    full = {(f.code, f.cell) for f in validate_paths([path]).findings if f.code in ("MISSING_ACTUAL",)}
    assert full <= lite_codes
    assert "WEIGHTS_NOT_100" in {code for code, _ in lite_codes}
    kpi_sheet = book.sheets["Scorecard"]
    assert any(color == lite_main.HIGHLIGHT["error"] for color in kpi_sheet.colors.values())
    assert "error" in book.alerts[-1]


def test_validate_script_on_a_clean_card_finds_nothing(lite_main, tmp_path):
    book = LiteBook(_card(tmp_path))
    lite_main.validate(book)
    assert book.sheets["检查结果"].written["A1"][1:] == []
    assert book.alerts[-1].startswith("未发现问题")
    assert math.isfinite(lite_main.recompute(*lite_main.read_book(book))["final"])


def test_refresh_scores_uses_the_workbook_cap(lite_main, tmp_path):
    """The Lite recompute reads cfg_cap like the portable formulas and the validator do."""
    path = _card(tmp_path, actuals=(200, 40, 85, 96, 20))
    wb = openpyxl.load_workbook(path)
    sheet, ref = next(iter(wb.defined_names["cfg_cap"].destinations))
    wb[sheet][ref.replace("$", "")].value = 150
    wb.save(path)
    result = lite_main.recompute(*lite_main.read_book(LiteBook(path)))
    assert result["indicators"][0]["score"] == pytest.approx(150.0)


def test_refresh_scores_with_weights_not_100_says_so_instead_of_a_traceback(lite_main, tmp_path):
    book = LiteBook(_card(tmp_path, weights=(0.4, 0.2, 0.2, 0.1, 0.05)))
    lite_main.refresh_scores(book)
    assert "权重合计为 95%，应为 100%" in book.alerts[-1] and book.alerts[-1].startswith("无法计算总分")


def test_result_sheets_keep_text_as_text(lite_main, tmp_path):
    assert excel_parses("=1+2") != "=1+2"  # the fake parses like Excel: these tests can fail
    book = LiteBook(_card(tmp_path, lang="en"))
    rows = [["Severity", "Code"], ["error", "001234"], ["=SUM(A1)", "@x"], ["+86", "-5"]]
    lite_main._result_sheet(book, "Check results", rows)
    assert book.sheets["Check results"].written["A1"] == rows
    lite_main._result_sheet(book, "Score check", [["=indicator", 1.5], ["007", None]], text_columns=[0])
    assert book.sheets["Score check"].written["A1"] == [["=indicator", 1.5], ["007", None]]


def test_validate_on_a_protected_sheet_reports_what_it_could_not_highlight(lite_main, tmp_path):
    path = _card(tmp_path, actuals=(90, None, 85, 96, 20), lang="en")
    book = LiteBook(path)
    book.sheets["Scorecard"].protected = True
    lite_main.validate(book)
    rows = book.sheets["Check results"].written["A1"]
    findings = [row for row in rows[1:] if row[1]]
    problems = [row for row in rows[1:] if not row[1]]
    assert findings and len(problems) == len([f for f in findings if f[2] and f[3]])
    for row in problems:
        assert row[0] == "warning" and row[4].startswith(f"Cannot highlight Scorecard!{row[3]}: AccessDenied")
    assert book.sheets["Scorecard"].colors == {}


def test_an_alert_that_fails_is_said_in_the_output_pane(lite_main, tmp_path, capsys):
    book = LiteBook(_card(tmp_path))

    def no_alerts(*args, **kwargs):
        raise RuntimeError("alert is not supported here")

    book.alert = no_alerts
    lite_main.validate(book)
    out = capsys.readouterr().out
    assert "未发现问题" in out and "（无法显示消息框：alert is not supported here）" in out


def test_a_chinese_scorecard_gets_chinese_findings_only(lite_main, tmp_path):
    """The Lite checks name fields by their zh labels and say what is wrong in zh (no English key or text)."""
    names, tables = lite_main.read_book(LiteBook(_card(tmp_path)))
    review, kpi = tables["tblReview"], tables["tblKPI"]
    review["body"][0][review["header"].index("评分")] = 7
    kpi["body"][0][kpi["header"].index("目标值")] = -5  # the engine refuses it (an error of argument "target")
    messages = [f["message"] for f in lite_main.check(names, tables, "zh") if f["code"] == "INVALID_VALUE"]
    assert any(m.startswith("评分：评分应在 1–5 之间（实际为 7）") for m in messages), messages
    assert all(not re.search(r"[A-Za-z]{3,}", m) for m in messages), messages
    assert lite_main.check(names, {}, "zh")[0]["message"].endswith("没有表格 tblKPI（标准模板的指标表）")


@pytest.mark.parametrize(("incidents", "vetoed"), [(3, True), (None, False)])
def test_refresh_scores_vetoes_a_weight_zero_gate_like_the_validator(lite_main, tmp_path, incidents, vetoed):
    """A veto indicator of weight 0 that scores 0 vetoes (grade D); left blank it is not scored yet."""
    from addin.validation.validate import validate_paths
    from workbook_templates.generator import write_template

    rows = [{"actual": a, "target": t} for a, t in
            [(1100, 1000), (12, 10), (0.93, 0.9), (4100, 4000), (1, 1), (50, 45), (0.97, 0.95), (0.99, 0.98),
             (4.6, 4.5), (20, 24)]] + [{"actual": incidents, "target": 0, "weight": 0}]
    rows[0]["weight"] = 0.3
    path = write_template(tmp_path / "large.xlsx", "large", "zh", header={"manager_id": "AM001"}, rows=rows)
    result = lite_main.recompute(*lite_main.read_book(LiteBook(path)))
    manager = validate_paths([path]).files[0].manager
    assert result["veto"] is vetoed and manager.veto is vetoed
    assert result["grade"] == manager.grade and (manager.grade == "D") is vetoed
