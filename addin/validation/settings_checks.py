"""Settings of a scorecard: reading them, checking them, comparing them with a baseline.

A file's settings (:class:`Settings`) are its settings tables (tblBands, tblGrades,
tblQuotas, tblBonus, tblRoleWeights), the quantitative share ``kpi_quant_weight`` and the
score cap ``cfg_cap``. Every number must be finite and not negative, grade minimums must
fall from S to D, and the tables the engine reads as a whole must be accepted by it;
each problem is an INVALID_VALUE (or NON_NUMERIC, CELL_ERROR) finding at its cell.
SETTINGS_CHANGED compares valid settings with the ``--master`` template's or, without
one, with the template generator's defaults for the file's size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any, NamedTuple

from addin.contract import schema
from addin.contract.errors import UsageError
from addin.contract.messages import render
from addin.contract.standard import default_settings as template_defaults
from addin.validation.cell_values import (
    SIZE_KEYS,
    FindingCollector,
    enum_problem,
    fmt_number,
    is_blank,
    is_number,
)
from addin.validation.results import Rows
from addin.xlsx.a1 import col_letter
from addin.xlsx.reader import CellError, Scorecard, TableData, read_scorecard
from addin.xlsx.values import value_text
from udfs import engine
from udfs.enums import GRADE
from udfs.errors import KpiInputError


class Position(NamedTuple):
    """Where a setting is: sheet, A1 cell, 1-based row."""

    sheet: str
    cell: str
    row: int | None




@dataclass
class Settings:
    """The settings of one file (or of the master template, or the defaults).

    A table or value that is absent or blank is None: the defaults apply."""

    bands: Rows | None = None  # (minimum achievement %, score)
    grades: Rows | None = None  # (grade, minimum final score)
    quotas: Rows | None = None  # (grade, share)
    bonus: Rows | None = None  # (grade, coefficient)
    role_weights: Rows | None = None  # (role, weight)
    quant_weight: float | None = None
    cap: float | None = None
    weights: dict[str, float] = field(default_factory=dict)  # indicator -> weight fraction (master only)
    positions: dict[str, Position] = field(default_factory=dict)  # kind -> first cell
    invalid: bool = False  # a finding was added: the settings are not compared

    def value(self, kind: str):
        """The setting named ``kind`` (one of :data:`COMPARED_SETTINGS`)."""
        return getattr(self, kind)

    def or_defaults(self, base: Settings) -> Settings:
        """These settings, with ``base``'s where these are absent."""
        merged = {f.name: getattr(self, f.name) for f in fields(self)}
        for kind in COMPARED_SETTINGS:
            if merged[kind] is None:
                merged[kind] = base.value(kind)
        return Settings(**merged)


SETTING_TABLES = {"bands": schema.BANDS, "grades": schema.GRADES, "quotas": schema.QUOTAS,
                  "bonus": schema.BONUS, "role_weights": schema.ROLE_WEIGHTS}
SCALAR_SETTINGS = ("quant_weight", "cap")
COMPARED_SETTINGS = ("bands", "grades", "quotas", "bonus", "role_weights", "quant_weight", "cap")
ENGINE_SETTINGS = Settings(
    bands=[tuple(b) for b in engine.DEFAULT_BANDS],
    grades=[tuple(g) for g in engine.DEFAULT_GRADE_BANDS],
    quotas=list(engine.DEFAULT_QUOTAS.items()),
    bonus=list(engine.DEFAULT_BONUS_COEFFICIENTS.items()),
    role_weights=list(engine.DEFAULT_ROLE_WEIGHTS.items()),
    quant_weight=engine.DEFAULT_QUANT_WEIGHT,
    cap=engine.DEFAULT_CAP,
)


def label(kind: str, lang: str) -> str:
    """A settings table or value as findings name it (``checks.setting.<kind>``; the cap by its defined name)."""
    if kind == "cap":
        cap = schema.SETTING_NAMES[0]
        return cap.zh if lang == "zh" else cap.en.lower()
    return render(f"checks.setting.{kind}", lang)


def default_settings(size: str | None) -> Settings:
    """The settings a file of ``size`` should carry when there is no master template:
    the template generator's defaults for the size (they differ in role weights),
    else the engine's (SCORING.md) defaults."""
    try:
        settings = template_defaults(size if size in schema.SIZES else "medium")
        return Settings(**{kind: settings.get(kind, ENGINE_SETTINGS.value(kind)) for kind in COMPARED_SETTINGS})
    except Exception:  # noqa: BLE001 - templates package absent or older: SCORING.md defaults
        return ENGINE_SETTINGS.or_defaults(ENGINE_SETTINGS)


def _canonical(kind: str, value) -> Any:
    """Comparable form of one setting (sorted, percent points normalised, rounded)."""
    key = (kind, value if kind in SCALAR_SETTINGS else tuple(value.items()) if isinstance(value, dict) else tuple(value))
    if key not in _CANONICAL:
        _CANONICAL[key] = _canonical_uncached(kind, value)
    return _CANONICAL[key]


_CANONICAL: dict = {}


def _canonical_uncached(kind: str, value) -> Any:
    if kind in SCALAR_SETTINGS:
        return round(float(value), 9)
    rows = list(value.items()) if isinstance(value, dict) else list(value)
    if kind in ("quotas", "role_weights"):
        total = sum(float(v) for _, v in rows)
        scale = 100.0 if total > 1.5 else 1.0
        rows = [(k, float(v) / scale) for k, v in rows]
        rows = [(k, v) for k, v in rows if v]  # a zero share equals an absent one
    return tuple(sorted((str(k), round(float(v), 9)) for k, v in rows))


# ----------------------------------------------------------------------------- reading

def read_settings(card: Scorecard, out: FindingCollector) -> Settings:
    """The file's own settings; absent tables are None (the defaults apply). Every problem
    is a finding at its cell and marks the settings ``invalid``."""
    settings = Settings()
    for table_name, sheet, ref in card.bad_tables:
        kind = next((k for k, c in SETTING_TABLES.items() if c.name.lower() == table_name.lower()), None)
        if kind is not None:
            out.add("INVALID_VALUE", sheet, "", None, field=table_name,
                    problem=render("checks.bad_table_range", out.lang, ref=ref))
            settings.invalid = True
    cells: dict[str, list[_LazyPosition]] = {}
    for kind, contract in SETTING_TABLES.items():
        table = card.tables.get(contract.name)
        if table is not None:
            _read_table(kind, contract, table, out, settings, cells)
    _read_quant_weight(card, out, settings)
    settings.cap = read_cap(card, out, settings)
    _check_grade_order(settings, cells, out)
    _check_with_engine(settings, out)
    return settings


def _read_table(kind: str, contract: schema.Table, table: TableData, out: FindingCollector, settings: Settings,
                cells: dict[str, list[_LazyPosition]]) -> None:
    """One settings table: its rows of (key, number), each cell checked."""
    first, second = contract.columns
    if first.key not in table.columns or second.key not in table.columns:
        return
    rows: Rows = []
    positions: list[_LazyPosition] = []
    bad = False
    for index in range(len(table.rows)):
        key, number = table.value(index, first.key), table.value(index, second.key)
        if is_blank(key) and is_blank(number):
            continue
        key = _setting_key(contract, table, index, key, out)
        number = _setting_number(contract, table, index, number, out)
        if key is _BAD or number is _BAD:
            settings.invalid = bad = True
            continue
        rows.append((key, number))
        positions.append(_LazyPosition(table, index, second.key))
    setattr(settings, kind, None if bad else rows or None)  # a table with a bad row is not checked further
    cells[kind] = positions
    settings.positions[kind] = Position(table.sheet, table.cell(0, first.key) if table.rows else table.header_cell(),
                                        table.header_row + 2)


_BAD = object()


class _LazyPosition:
    """Where a settings number is, worked out only when a finding needs it (most files have none)."""

    __slots__ = ("table", "index", "key")

    def __init__(self, table: TableData, index: int, key: str) -> None:
        self.table, self.index, self.key = table, index, key

    def get(self) -> Position:
        return Position(self.table.sheet, self.table.cell(self.index, self.key), self.table.row_number(self.index))


def _setting_key(contract: schema.Table, table: TableData, index: int, value, out: FindingCollector):
    """The first cell of a settings row: an enumeration (grade, role) or a number (band minimum)."""
    column = contract.columns[0]
    if column.kind == "enum":
        if isinstance(value, CellError):
            return _BAD  # CELL_ERROR is added by check_error_values
        parsed = column.enum.try_parse(value) if not is_blank(value) else None
        if parsed is None:
            out.add("INVALID_VALUE", table.sheet, table.cell(index, column.key), table.row_number(index),
                    field=f"{contract.name} {out.label(column)}", problem=enum_problem(column, value, out.lang))
            return _BAD
        return parsed
    return _setting_number(contract, table, index, value, out, column)


def _setting_number(contract: schema.Table, table: TableData, index: int, value, out: FindingCollector,
                    column: schema.Column | None = None):
    """A number of a settings row: finite and not negative, else a finding and _BAD."""
    if type(value) is float and 0.0 <= value < math.inf:  # noqa: E721 - the common case, without a finding
        return value
    column = column or contract.columns[1]
    where = (table.sheet, table.cell(index, column.key), table.row_number(index))
    name = f"{contract.name} {out.label(column)}"
    if isinstance(value, CellError):
        return _BAD  # CELL_ERROR is added by check_error_values
    if not is_number(value):
        out.add("NON_NUMERIC", *where, field=name, value=value)
        return _BAD
    problem = number_problem(float(value), out.lang)
    if problem:
        out.add("INVALID_VALUE", *where, field=name, problem=problem)
        return _BAD
    return float(value)


def number_problem(value: float, lang: str) -> str | None:
    """Why a settings number is unusable (infinite or negative), or None."""
    if not math.isfinite(value):
        return render("checks.not_finite", lang, value=fmt_number(value))
    if value < 0:
        return render("checks.negative", lang, value=fmt_number(value))
    return None


def _read_quant_weight(card: Scorecard, out: FindingCollector, settings: Settings) -> None:
    qw = card.names.get("kpi_quant_weight")
    if qw is None or is_blank(qw.value):
        return
    settings.positions["quant_weight"] = Position(qw.sheet, qw.cell, qw.row)
    name = schema.HEADER_NAMES[-1].label(out.lang)
    if isinstance(qw.value, CellError):
        pass  # CELL_ERROR is added by check_error_values
    elif not is_number(qw.value):
        out.add("NON_NUMERIC", qw.sheet, qw.cell, qw.row, field=name, value=qw.value)
    elif not 0 <= float(qw.value) <= 1:
        out.add("INVALID_VALUE", qw.sheet, qw.cell, qw.row, field=name, problem=render("checks.between_0_1", out.lang))
    else:
        settings.quant_weight = float(qw.value)
        return
    settings.invalid = True


def read_cap(card: Scorecard, out: FindingCollector, settings: Settings) -> float | None:
    """The indicator score cap (defined name ``cfg_cap``): None when absent or blank (120 applies)."""
    name = schema.SETTING_NAMES[0]
    cap = card.names.get(name.name)
    if cap is None or is_blank(cap.value):
        return None
    settings.positions["cap"] = Position(cap.sheet, cap.cell, cap.row)
    field_name = f"{name.label(out.lang)} ({name.name})"
    if isinstance(cap.value, CellError):
        pass  # CELL_ERROR is added by check_error_values
    elif not is_number(cap.value):
        out.add("NON_NUMERIC", cap.sheet, cap.cell, cap.row, field=field_name, value=cap.value)
    elif not math.isfinite(float(cap.value)):
        out.add("INVALID_VALUE", cap.sheet, cap.cell, cap.row, field=field_name,
                problem=render("checks.not_finite", out.lang, value=fmt_number(float(cap.value))))
    elif float(cap.value) < 100:
        out.add("INVALID_VALUE", cap.sheet, cap.cell, cap.row, field=field_name,
                problem=render("checks.cap_below_100", out.lang, value=fmt_number(float(cap.value))))
    else:
        return float(cap.value)
    settings.invalid = True
    return None


def _check_grade_order(settings: Settings, cells: dict[str, list[_LazyPosition]], out: FindingCollector) -> None:
    """Grade minimums must fall from S to D (S ≥ 60 with C ≥ 110 would give 74.4 an S)."""
    if not settings.grades:
        return
    order = {grade: rank for rank, grade in enumerate(GRADE.keys)}
    ranked = sorted(zip(settings.grades, cells["grades"]), key=lambda item: order.get(item[0][0], len(order)))
    for (upper, upper_at), (lower, lower_at) in zip(ranked, ranked[1:]):
        if upper[0] != lower[0] and upper[1] <= lower[1]:
            upper_cell, lower_cell = upper_at.get(), lower_at.get()
            out.add("INVALID_VALUE", upper_cell.sheet, upper_cell.cell, upper_cell.row, field=label("grades", out.lang),
                    problem=render("checks.grade_order", out.lang, grade=upper[0], minimum=fmt_number(upper[1]),
                                   cell=upper_cell.cell, lower=lower[0], lower_minimum=fmt_number(lower[1]),
                                   lower_cell=lower_cell.cell))
            settings.invalid = True
            settings.grades = None
            return


_SETTINGS_CHECKED: dict = {}  # (kind, rows) -> None or the engine's error; settings repeat across files
_UNCHECKED = object()
_ENGINE_CHECKS = (
    ("bands", lambda v: engine.score_rows(actual=[1.0], target=[1.0], method=["band"], param=v)),
    ("quotas", lambda v: engine.forced_headcounts(10, v)),
    ("grades", engine.grade_bands),
    ("bonus", lambda v: [engine.kpi_bonus_coefficient(g, v) for g, _ in v]),
    ("role_weights", lambda v: engine._role_weights(dict(v))),
)


def _check_with_engine(settings: Settings, out: FindingCollector) -> None:
    """The tables the engine reads as a whole (bands, quotas, grades, bonus, role weights)."""
    for kind, check in _ENGINE_CHECKS:
        rows = settings.value(kind)
        if not rows:
            continue
        memo_key = (kind, tuple(rows))
        problem = _SETTINGS_CHECKED.get(memo_key, _UNCHECKED)
        if problem is _UNCHECKED:
            problem = _engine_problem(check, rows)
            if len(_SETTINGS_CHECKED) < 10000:
                _SETTINGS_CHECKED[memo_key] = problem
        if problem is not None:
            sheet, cell, row = settings.positions[kind]
            out.add("INVALID_VALUE", sheet, cell, row, field=label(kind, out.lang), problem=problem.render(out.lang))
            settings.invalid = True
            setattr(settings, kind, None)  # never used for scores: the file is rejected on the finding


def _engine_problem(check, rows):
    """The engine's error about ``rows`` (it renders itself in a language), or None."""
    try:
        result = check(rows)
    except KpiInputError as exc:
        return exc
    errors = result[2] if isinstance(result, tuple) and len(result) == 3 else ()
    return errors[0][2] if errors else None


# ----------------------------------------------------------------------------- comparing

def compare_settings(card, settings: Settings, baseline: Settings, indicators, with_master: bool,
                     out: FindingCollector) -> None:
    """SETTINGS_CHANGED for each setting differing from ``baseline`` (nothing when ``settings`` are invalid)."""
    if settings.invalid:
        return
    against = render("checks.baseline_master" if with_master else "checks.baseline_defaults", out.lang)
    for kind in COMPARED_SETTINGS:
        mine, theirs = settings.value(kind), baseline.value(kind)
        if mine is None or theirs is None:
            continue  # an absent table means the defaults: nothing changed
        if _canonical(kind, mine) != _canonical(kind, theirs):
            sheet, cell, row = settings.positions.get(kind, Position("", "", None))
            out.add("SETTINGS_CHANGED", sheet, cell, row, setting=label(kind, out.lang), baseline=against)
    if with_master and indicators is not None and baseline.weights:
        for ind in indicators:
            expected = baseline.weights.get(ind.indicator)
            if expected is not None and abs(expected - ind.weight) > 1e-9:
                kpi = card.tables["tblKPI"]
                out.add("SETTINGS_CHANGED", ind.sheet, f"{weight_column(kpi)}{ind.row}", ind.row,
                        setting=f"{label('weights', out.lang)} ({ind.indicator})", baseline=against)


def weight_column(kpi: TableData) -> str:
    return col_letter(kpi.columns["weight"])


def master_settings(path, lang: str = "en") -> Settings:
    """Settings and indicator weights of a master template, for SETTINGS_CHANGED.

    Raises UsageError when the master cannot be read as a scorecard or its settings are invalid.
    """
    card = read_scorecard(path)
    if not card.ok:
        raise UsageError("files.master_unreadable", path=str(path), reason=card.problem)
    out = FindingCollector(str(path), lang)
    settings = read_settings(card, out)
    if settings.invalid:
        first = out.findings[0]
        raise UsageError("files.master_invalid", path=str(path), problem=first.message,
                         cell=f"{first.sheet}!{first.cell}" if first.cell else first.sheet)
    size = value_text(card.names["kpi_size"].value).lower() if "kpi_size" in card.names else ""
    result = settings.or_defaults(default_settings(SIZE_KEYS.get(size, "medium")))
    result.weights = _master_weights(card.tables["tblKPI"])
    return result


def _master_weights(kpi: TableData) -> dict[str, float]:
    if "weight" not in kpi.columns or "indicator" not in kpi.columns:
        return {}
    raw = []
    for index in range(len(kpi.rows)):
        name, w = value_text(kpi.value(index, "indicator")), kpi.value(index, "weight")
        if name and is_number(w):
            raw.append((name, float(w)))
    if not raw:
        return {}
    try:
        fractions = engine.normalise_weights([w for _, w in raw])
    except KpiInputError:
        return {}
    return {n: float(f) for (n, _), f in zip(raw, fractions)}
