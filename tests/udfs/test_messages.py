"""Engine errors carry a kind and values; their texts exist in zh and en and render completely."""

from __future__ import annotations

import ast
import pickle
import string
from pathlib import Path

import pytest
from support.language import cjk_characters, english_words

from udfs import engine, excel_functions
from udfs.errors import KpiInputError
from udfs.messages import ARGUMENTS, NAMED, TEXTS, cell_lang

UDFS = Path(engine.__file__).parent


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _raised_kinds():
    """(file, line, kind, keyword names) of every KpiInputError(...) and _check(...) call in udfs."""
    for path in sorted(UDFS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            position = {"KpiInputError": 0, "_check": 1}.get(node.func.id)
            if position is None or len(node.args) <= position:
                continue
            kind = node.args[position]
            if isinstance(kind, ast.Constant):
                names = {k.arg for k in node.keywords if k.arg}
                spread = any(k.arg is None for k in node.keywords)
                yield f"{path.name}:{node.lineno}", kind.value, names, spread


RAISED = list(_raised_kinds())


def test_every_raise_in_the_engine_names_a_kind_with_texts():
    assert len(RAISED) >= 60
    for where, kind, names, spread in RAISED:
        assert kind in TEXTS, f"{where}: unknown kind {kind!r}"
        needed = _fields(TEXTS[kind][1])
        assert spread or needed <= names, f"{where}: {kind} needs {needed - names}"


def test_every_kind_is_raised_somewhere():
    raised = {kind for _, kind, _, _ in RAISED}
    in_problem_tables = {"target_linear", "target_band", "target_binary", "target_deduction", "actual_deduction",
                         "points_negative", "cap_below_100", "threshold_side", "stretch_side"}  # score_rows
    assert set(TEXTS) - raised - in_problem_tables == set()


@pytest.mark.parametrize("kind", sorted(TEXTS))
def test_both_languages_take_the_same_values_and_stay_in_their_language(kind):
    zh, en = TEXTS[kind]
    assert _fields(zh) == _fields(en), kind
    values = {name: "target" if name in NAMED else 7 for name in _fields(en)}
    values["role"] = "self"
    error = KpiInputError(kind, got=float("nan"), row=3, **values)
    assert not english_words(error.render("zh")), error.render("zh")
    assert not cjk_characters(error.render("en").replace("→", "")), error.render("en")
    assert "{" not in error.render("zh") + str(error)


def test_argument_names_are_labels_in_chinese_and_parameters_in_english():
    for key, (zh, en) in ARGUMENTS.items():
        assert cjk_characters(zh) and not cjk_characters(en), key


@pytest.mark.parametrize("call,zh,en", [
    (lambda: engine.kpi_score(50, 0), "线性计分的目标值必须 > 0（实际为 0）", "target must be > 0 for linear scoring (got 0)"),
    (lambda: engine.kpi_score([50, 60], [100, None]), "目标值不能为空（第 2 行）", "target must not be blank (row 2)"),
    (lambda: engine.kpi_weighted([90, 80], [0.5, 0.45]), "权重合计为 95%，应为 100%", "weights sum to 95%, expected 100%"),
    (lambda: engine.kpi_score("很多", 100), "实际值必须是数字（实际为 '很多'）", "actual must be a number (got '很多')"),
    (lambda: engine.kpi_score(float("inf"), 100), "实际值必须是有限的数字（实际为 无穷大）",
     "actual must be a finite number (got infinity)"),
    (lambda: engine.kpi_score(50, 100, method="fast"), "计分方式必须是 linear/线性, band/分档, binary/达标制, "
     "deduction/扣分制 之一（实际为 'fast'）", "method must be one of linear/线性, band/分档, binary/达标制, "
     "deduction/扣分制 (got 'fast')"),
    (lambda: engine.kpi_review([4], ["self"], [["self", 1], ["自评", 0]]), "角色权重两次列出角色自评",
     "role_weights list the role self twice"),
])
def test_an_error_renders_in_either_language(call, zh, en):
    with pytest.raises(KpiInputError) as info:
        call()
    assert info.value.render("zh") == zh
    assert str(info.value) == info.value.render("en") == en


def test_an_error_keeps_its_kind_and_values_through_pickling():  # worker processes send errors back
    error = KpiInputError("target_linear", got=0.0, row=2)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.kind, copy.values, str(copy)) == (error.kind, error.values, str(error))


def test_an_unknown_kind_fails_loudly():
    with pytest.raises(KeyError):
        str(KpiInputError("no_such_kind"))


def test_excel_cells_speak_kpi_lang_else_english(monkeypatch):
    assert cell_lang({}) == "en" and cell_lang({"KPI_LANG": "zh"}) == "zh" and cell_lang({"KPI_LANG": "fr"}) == "en"
    monkeypatch.delenv("KPI_LANG", raising=False)
    assert excel_functions.KPI_SCORE(50, 0) == "#KPI! target must be > 0 for linear scoring (got 0)"
    monkeypatch.setenv("KPI_LANG", "zh")
    assert excel_functions.KPI_SCORE(50, 0) == "#KPI! 线性计分的目标值必须 > 0（实际为 0）"
    assert excel_functions.KPI_SCORE([[50], [60]], [[100], [0]]) == [[50.0], ["#KPI! 线性计分的目标值必须 > 0（实际为 0）"]]
