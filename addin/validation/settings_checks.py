"""Settings of a scorecard: reading them, checking them, comparing them with a baseline.

A file's settings are its settings tables (tblBands, tblGrades, tblQuotas, tblBonus,
tblRoleWeights), the quantitative share ``kpi_quant_weight`` and the score cap
``cfg_cap``. SETTINGS_CHANGED compares them with the ``--master`` template's or,
without one, with the template generator's defaults for the file's size.
"""

from __future__ import annotations

from typing import Any

from addin.contract import schema
from addin.contract.errors import UsageError
from addin.contract.standard import default_settings as template_defaults
from addin.validation.cell_values import (
    SIZE_KEYS,
    FindingCollector,
    as_text,
    enum_problem,
    fmt_number,
    is_blank,
    is_number,
)
from addin.xlsx.a1 import col_letter
from addin.xlsx.reader import Scorecard, TableData, read_scorecard
from udfs import engine
from udfs.errors import KpiInputError

ENGINE_SETTINGS = {
    "bands": [tuple(b) for b in engine.DEFAULT_BANDS],
    "grades": [tuple(g) for g in engine.DEFAULT_GRADE_BANDS],
    "quotas": list(engine.DEFAULT_QUOTAS.items()),
    "bonus": list(engine.DEFAULT_BONUS_COEFFICIENTS.items()),
    "role_weights": list(engine.DEFAULT_ROLE_WEIGHTS.items()),
    "quant_weight": engine.DEFAULT_QUANT_WEIGHT,
    "cap": engine.DEFAULT_CAP,
}
SETTING_TABLES = {"bands": schema.BANDS, "grades": schema.GRADES, "quotas": schema.QUOTAS,
                  "bonus": schema.BONUS, "role_weights": schema.ROLE_WEIGHTS}
SETTING_LABELS = {
    "bands": ("分档计分表", "score bands"), "grades": ("等级标准", "grade bands"),
    "quotas": ("强制分布比例", "forced-distribution quotas"), "bonus": ("奖金系数", "bonus coefficients"),
    "role_weights": ("评价角色权重", "review role weights"), "quant_weight": ("定量占比", "quantitative share"),
    "weights": ("指标权重", "indicator weights"),
    "cap": (schema.SETTING_NAMES[0].zh, schema.SETTING_NAMES[0].en.lower()),
}
SCALAR_SETTINGS = ("quant_weight", "cap")
COMPARED_SETTINGS = ("bands", "grades", "quotas", "bonus", "role_weights", "quant_weight", "cap")


def default_settings(size: str | None) -> dict[str, Any]:
    """The settings a file of ``size`` should carry when there is no master template:
    the template generator's defaults for the size (they differ in role weights),
    else the engine's (SCORING.md) defaults."""
    try:
        settings = template_defaults(size if size in schema.SIZES else "medium")
        return {k: settings.get(k, v) for k, v in ENGINE_SETTINGS.items()}
    except Exception:  # noqa: BLE001 - templates package absent or older: SCORING.md defaults
        return dict(ENGINE_SETTINGS)


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


_SETTINGS_CHECKED: dict = {}  # (kind, rows) -> None or the engine's KpiInputError; settings repeat across files
_UNCHECKED = object()


def read_settings(card: Scorecard, out: FindingCollector) -> dict[str, Any]:  # noqa: C901 - to be split (issue 8)
    """The file's own settings tables; absent tables are None (the defaults apply)."""
    settings: dict[str, Any] = {"positions": {}}
    for kind, contract in SETTING_TABLES.items():
        table = card.tables.get(contract.name)
        if table is None:
            settings[kind] = None
            continue
        first, second = contract.columns
        if first.key not in table.columns or second.key not in table.columns:
            settings[kind] = None
            continue
        rows = []
        for index in range(len(table.rows)):
            k, v = table.value(index, first.key), table.value(index, second.key)
            if is_blank(k) and is_blank(v):
                continue
            if first.kind == "enum":
                parsed = first.enum.try_parse(k) if not is_blank(k) else None
                if parsed is None:
                    out.add("INVALID_VALUE", table.sheet, table.cell(index, first.key), table.row_number(index),
                            field=f"{contract.name} {out.label(first)}",
                            problem=enum_problem(first, k, out.lang))
                    settings["invalid"] = True
                    continue
                k = parsed
            elif not is_number(k):
                out.add("NON_NUMERIC", table.sheet, table.cell(index, first.key), table.row_number(index),
                        field=f"{contract.name} {out.label(first)}", value=k)
                settings["invalid"] = True
                continue
            if not is_number(v):
                out.add("NON_NUMERIC", table.sheet, table.cell(index, second.key), table.row_number(index),
                        field=f"{contract.name} {out.label(second)}", value=v)
                settings["invalid"] = True
                continue
            rows.append((k if isinstance(k, str) else float(k), float(v)))
        settings[kind] = rows or None
        settings["positions"][kind] = (table.sheet, table.cell(0, first.key) if table.rows else table.header_cell(),
                                       table.header_row + 2)
    qw = card.names.get("kpi_quant_weight")
    settings["quant_weight"] = None
    if qw is not None and not is_blank(qw.value):
        if not is_number(qw.value):
            out.add("NON_NUMERIC", qw.sheet, qw.cell, qw.row, field=schema.HEADER_NAMES[-1].label(out.lang),
                    value=qw.value)
        elif not 0 <= float(qw.value) <= 1:
            out.add("INVALID_VALUE", qw.sheet, qw.cell, qw.row, field=schema.HEADER_NAMES[-1].label(out.lang),
                    problem="应在 0 与 1 之间" if out.lang == "zh" else "must be between 0 and 1")
        else:
            settings["quant_weight"] = float(qw.value)
        settings["positions"]["quant_weight"] = (qw.sheet, qw.cell, qw.row)
    settings["cap"] = read_cap(card, out, settings)
    # Tables the engine validates as a whole.
    for kind, check in (("quotas", lambda v: engine.forced_headcounts(10, v)),
                        ("grades", engine.grade_bands),
                        ("bonus", lambda v: [engine.kpi_bonus_coefficient(g, v) for g, _ in v]),
                        ("role_weights", lambda v: engine._role_weights(dict(v)))):
        if settings.get(kind):
            memo_key = (kind, tuple(settings[kind]))
            problem = _SETTINGS_CHECKED.get(memo_key, _UNCHECKED)
            if problem is _UNCHECKED:
                try:
                    check(settings[kind])
                    problem = None
                except KpiInputError as exc:
                    problem = exc
                if len(_SETTINGS_CHECKED) < 10000:
                    _SETTINGS_CHECKED[memo_key] = problem
            if problem is not None:
                sheet, cell, row = settings["positions"][kind]
                out.add("INVALID_VALUE", sheet, cell, row, field=SETTING_LABELS[kind][0 if out.lang == "zh" else 1],
                        problem=problem.render(out.lang))
                settings["invalid"] = True
    return settings


def read_cap(card: Scorecard, out: FindingCollector, settings: dict) -> float | None:
    """The indicator score cap (defined name ``cfg_cap``): None when absent or blank (120 applies)."""
    name = schema.SETTING_NAMES[0]
    cap = card.names.get(name.name)
    if cap is None or is_blank(cap.value):
        return None
    settings["positions"]["cap"] = (cap.sheet, cap.cell, cap.row)
    if not is_number(cap.value):
        out.add("NON_NUMERIC", cap.sheet, cap.cell, cap.row, field=f"{name.label(out.lang)} ({name.name})",
                value=cap.value)
    elif float(cap.value) < 100:
        out.add("INVALID_VALUE", cap.sheet, cap.cell, cap.row, field=f"{name.label(out.lang)} ({name.name})",
                problem=(f"应不小于 100（实际为 {fmt_number(float(cap.value))}）" if out.lang == "zh"
                         else f"must be at least 100 (got {fmt_number(float(cap.value))})"))
    else:
        return float(cap.value)
    settings["invalid"] = True
    return None


def compare_settings(card, settings, baseline, indicators, with_master: bool, out: FindingCollector) -> None:
    if settings.get("invalid"):
        return
    for kind in COMPARED_SETTINGS:
        mine = settings.get(kind)
        theirs = baseline.get(kind)
        if mine is None or theirs is None:
            continue  # an absent table means the defaults: nothing changed
        if _canonical(kind, mine) != _canonical(kind, theirs):
            sheet, cell, row = settings["positions"].get(kind, ("", "", None))
            out.add("SETTINGS_CHANGED", sheet, cell, row, setting=SETTING_LABELS[kind][0 if out.lang == "zh" else 1])
    if with_master and indicators is not None and baseline.get("weights"):
        master_weights = baseline["weights"]
        for ind in indicators:
            expected = master_weights.get(ind.indicator)
            if expected is not None and abs(expected - ind.weight) > 1e-9:
                kpi = card.tables["tblKPI"]
                out.add("SETTINGS_CHANGED", ind.sheet, f"{weight_column(kpi)}{ind.row}", ind.row,
                        setting=f"{SETTING_LABELS['weights'][0 if out.lang == 'zh' else 1]} ({ind.indicator})")


def weight_column(kpi: TableData) -> str:
    return col_letter(kpi.columns["weight"])



def master_settings(path) -> dict[str, Any]:
    """Settings and indicator weights of a master template, for SETTINGS_CHANGED.

    Raises UsageError when the master cannot be read as a scorecard.
    """
    card = read_scorecard(path)
    if not card.ok:
        raise UsageError(f"master template {path}: {card.reason}")
    out = FindingCollector(str(path), "en")
    settings = read_settings(card, out)
    if settings.get("invalid"):
        first = out.findings[0]
        raise UsageError(f"master template {path}: {first.message} ({first.sheet}!{first.cell})")
    size = as_text(card.names["kpi_size"].value).lower() if "kpi_size" in card.names else ""
    base = default_settings(SIZE_KEYS.get(size, "medium"))
    result = {k: (settings.get(k) if settings.get(k) is not None else base.get(k)) for k in ENGINE_SETTINGS}
    kpi = card.tables["tblKPI"]
    weights = {}
    if "weight" in kpi.columns and "indicator" in kpi.columns:
        raw = []
        for index in range(len(kpi.rows)):
            name, w = as_text(kpi.value(index, "indicator")), kpi.value(index, "weight")
            if name and is_number(w):
                raw.append((name, float(w)))
        if raw:
            try:
                fractions = engine.normalise_weights([w for _, w in raw])
                weights = {n: float(f) for (n, _), f in zip(raw, fractions)}
            except KpiInputError:
                weights = {}
    result["weights"] = weights
    return result

