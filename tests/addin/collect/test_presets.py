"""`kpi collect --init --preset`: each starting rules workbook runs on exports of its CRM's shape."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from support.crm_exports import SALESFORCE_DEALS, roster, salesforce_report, write_csv, write_xlsx
from support.libreoffice import convert, requires_libreoffice
from support.paths import run_kpi

from addin.collect.actuals_workbook import read_actuals
from addin.collect.preset_names import PRESET_NAMES
from addin.collect.presets import PRESETS
from addin.collect.rules import load_rules
from addin.contract.standard import default_rows

PEOPLE = {"zh": [("AM001", "张伟", "华东"), ("AM002", "李娜", "华东")],
          "en": [("AM001", "Wei Zhang", "East"), ("AM002", "Na Li", "East")]}
WHEN = dt.datetime(2026, 7, 15, 9, 0)


def _date(when: dt.datetime, fmt: str | None) -> str:
    return when.strftime(fmt).replace("/0", "/").lstrip("0") if fmt else when.strftime("%Y-%m-%d %H:%M:%S")


def _rows(rules, source_name: str, source, names: list[str]) -> tuple[list[str], list[dict]]:
    """Two rows per manager that every rule of the source keeps; headers = the columns the rules use."""
    mine = [r for r in rules.rules if r.source == source_name]
    headers = rules.source_columns(source_name)
    rows = []
    for name in names:
        for i in range(2):
            row = {source.owner: name, source.date: _date(WHEN, source.date_format)}
            for rule in mine:
                for column, allowed in {**rule.where, **(rule.numerator or {})}.items():
                    row[column] = str(allowed[0] if isinstance(allowed, list) else allowed)
                if rule.value:
                    if rule.map:
                        row[rule.value] = next(iter(rule.map))
                    elif rule.measure == "distinct":
                        row[rule.value] = f"{name}-{i}"
                    else:
                        row[rule.value] = "1,000.00" if source.date_format is None else "$1,000.00"
                if rule.start:
                    row[rule.start] = _date(WHEN, source.date_format)
                    row[rule.end] = _date(WHEN + dt.timedelta(hours=2), source.date_format)
            rows.append(row)
    return headers, rows


def _expected(rule) -> float:
    factor = 2 if rule.scope == "team" else 1  # both managers are in one team
    if rule.measure == "sum":
        return 2 * 1000 * factor * (rule.scale or 1)
    return {"count": 2.0, "distinct": 2.0, "ratio": 1.0, "mean": 5.0, "duration_mean": 2.0}[rule.measure]


def _exports(folder: Path, rules, names: list[str], preset: str) -> list[Path]:
    written = []
    for name, source in rules.sources.items():
        headers, rows = _rows(rules, name, source, names)
        pattern = Path(source.files[0])
        path = folder / pattern.parent / pattern.name.replace("*", "-2026Q3")
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".csv" and preset == "salesforce" and name == "opportunities":
            full = SALESFORCE_DEALS + [h for h in headers if h not in SALESFORCE_DEALS]
            salesforce_report(path, rows, full)
        elif path.suffix == ".csv":
            write_csv(path, headers, rows, encoding="utf-8")
        else:
            written.append(write_xlsx(path.with_suffix(".xlsx"), headers, rows, sheet=source.sheet or "Sheet1"))
    return written


def _run(tmp_path: Path, preset: str, lang: str) -> dict:
    rules_path = tmp_path / "rules.xlsx"
    done = run_kpi("collect", "--init", rules_path, "--preset", preset, "--size", "large", "--lang", lang)
    assert done.returncode == 0, done.stderr
    rules = load_rules(rules_path)
    people = PEOPLE["zh" if preset in ("cordys", "wukong") else "en"]
    workbooks = _exports(tmp_path, rules, [p[1] for p in people], preset)
    if preset == "wukong":  # legacy .xls, as 悟空CRM exports them
        for xls in convert(workbooks, tmp_path / "xls", "xls"):
            target = next(w for w in workbooks if w.stem == Path(xls).stem).with_suffix(".xls")
            shutil.move(xls, target)
        for workbook in workbooks:
            workbook.unlink()
    done = run_kpi("collect", rules_path, "--roster", roster(tmp_path / "roster.csv", people), "--period", "2026Q3",
                   "-o", tmp_path / "actuals.xlsx", "--lang", "en", "--strict")
    assert done.returncode == 0, done.stdout + done.stderr
    got = {(a.manager_id, a.indicator): a.actual for a in read_actuals(tmp_path / "actuals.xlsx")}
    for rule in rules.rules:
        for manager_id, _, _ in people:
            assert got[(manager_id, rule.indicator)] == pytest.approx(_expected(rule)), (preset, rule.indicator)
    return got


@pytest.mark.parametrize("preset", ["cordys", "salesforce", "hubspot"])
def test_preset_runs_on_exports_of_its_shape(tmp_path, preset):
    got = _run(tmp_path, preset, "zh")
    assert got[("AM001", "销售额")] == pytest.approx(0.2)


@requires_libreoffice
def test_wukong_preset_runs_on_legacy_xls_exports(tmp_path):
    got = _run(tmp_path, "wukong", "zh")
    assert got[("AM001", "销售额")] == pytest.approx(0.2)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_preset_workbook_names_the_template_indicators_and_has_drop_downs(tmp_path, lang):
    path = tmp_path / "rules.xlsx"
    assert run_kpi("collect", "--init", path, "--preset", "cordys", "--size", "medium", "--lang", lang).returncode == 0
    rules = load_rules(path)
    names = {row["indicator"] for row in default_rows("medium", lang)}
    assert {r.indicator for r in rules.rules} <= names
    assert len(rules.rules) == len(PRESETS["cordys"].rules) - 1  # team sales is not in the medium template
    book = load_workbook(path)
    ws = book[book.sheetnames[0]]
    validations = {str(dv.sqref).split(":")[0][0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert len(validations) == 4  # source, measure, unit, scope
    assert {t for s in book.worksheets for t in s.tables} == {"tblRules", "tblSources", "tblSettings", "tblAliases"}


def test_init_never_replaces_an_existing_file_without_force(tmp_path):
    path = tmp_path / "rules.xlsx"
    path.write_bytes(b"mine")
    done = run_kpi("collect", "--init", path, "--lang", "en")
    assert done.returncode == 2 and "--force" in done.stderr
    assert path.read_bytes() == b"mine"
    assert run_kpi("collect", "--init", path, "--force").returncode == 0


def test_the_parser_lists_every_preset():
    """`kpi collect --preset` offers the names of the light module, which must be the presets' names."""
    assert PRESET_NAMES == tuple(PRESETS)
