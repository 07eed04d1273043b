"""Every text renders completely in both languages: no placeholder is ever left in a message."""

from __future__ import annotations

import ast
import string

import pytest
from support.paths import ROOT

from addin.contract import findings
from addin.contract.errors import UsageError
from addin.contract.messages import CATALOG, LANGS, Message, render, resolve_lang
from udfs import messages as engine_messages


class _Sample:
    """A value that formats under any format spec (``{x:.0%}``, ``{x!r}``, ``{x:+.2f}``)."""

    def __format__(self, spec: str) -> str:
        return "7"

    def __repr__(self) -> str:
        return "'7'"


_SAMPLE_NAMES = dict.fromkeys(engine_messages.NAMED, "target") | {"role": "self"}  # engine names are looked up


def _fields(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def _templates():
    for key, text in CATALOG.items():
        for lang in LANGS:
            yield f"messages:{key}:{lang}", text.template(lang), lambda _l=lang, _k=key, **v: render(_k, _l, **v)
    for code in findings.CODES.values():
        for lang in LANGS:
            template = code.zh if lang == "zh" else code.en
            yield f"finding:{code.code}:{lang}", template, lambda _l=lang, _c=code.code, **v: findings.make(
                _c, _l, **v).message


@pytest.mark.parametrize("name,template,render_it", list(_templates()), ids=lambda x: x if isinstance(x, str) else "")
def test_every_template_renders_without_placeholders(name, template, render_it):
    values = {field: _SAMPLE_NAMES.get(field, _Sample()) for field in _fields(template)}
    text = render_it(**values)
    assert "{" not in text and "}" not in text, f"{name}: {text}"
    assert text.strip(), name


def test_a_missing_value_is_an_error_not_a_silent_placeholder():
    key = next(k for k, t in CATALOG.items() if _fields(t.en))
    with pytest.raises(KeyError):
        render(key, "en")


def test_every_text_exists_in_both_languages():
    for key, text in CATALOG.items():
        assert text.zh.strip() and text.en.strip(), key
        assert _fields(text.zh) == _fields(text.en), f"{key}: the two languages take different values"


@pytest.mark.parametrize("explicit,env,expected", [
    ("en", {"KPI_LANG": "zh"}, "en"),
    (None, {"KPI_LANG": "en"}, "en"),
    (None, {"KPI_LANG": " EN "}, "en"),
    (None, {"KPI_LANG": "fr"}, "zh"),
    (None, {}, "zh"),
])
def test_language_is_flag_then_environment_then_chinese(explicit, env, expected):
    assert resolve_lang(explicit, env) == expected


def _area_prefix(cls: ast.ClassDef) -> str | None:
    """"roster." when the class renders its key as ``render(f"roster.{self.key}", …)``, else None."""
    for node in ast.walk(cls):
        if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant) \
                and any(isinstance(v, ast.FormattedValue) and ast.unparse(v.value) == "self.key" for v in node.values):
            return node.values[0].value
    return None


def _fixed_key(cls: ast.ClassDef) -> str | None:
    """The key a class passes to ``super().__init__("key", …)`` itself (RosterProblems), else None."""
    for node in ast.walk(cls):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "__init__" \
                and node.args and isinstance(node.args[0], ast.Constant):
            return node.args[0].value
    return None


def _error_classes() -> dict[str, str | None]:
    """KpiError and its subclasses anywhere in the project (RosterUnusable, AddinInstallError, …), each with
    the area its render() puts before the key (None: the key is "area.key" or a key of area errors)."""
    classes: dict[str, str | None] = {"KpiError": None}
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in _SOURCES]
    grew = True
    while grew:
        grew = False
        for tree in trees:
            for node in ast.walk(tree):
                bases = [b.id for b in getattr(node, "bases", []) if isinstance(b, ast.Name) and b.id in classes]
                if isinstance(node, ast.ClassDef) and node.name not in classes and bases:
                    classes[node.name] = _area_prefix(node) or classes[bases[0]]
                    grew = True
    return classes


_SOURCES = sorted(p for folder in ("addin", "workbook_templates") for p in (ROOT / folder).rglob("*.py"))


def _raised_keys():
    """(where, key) of every KpiError-family construction with a literal key; f-strings as their variants."""
    classes = _error_classes()
    fixed = set()
    for path in _SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name in classes and _fixed_key(node):
                fixed.add(node.name)
                yield f"{path.relative_to(ROOT)}:{node.lineno}", (classes[node.name] or "") + _fixed_key(node)
    for path in _SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in fixed:
                continue
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in classes \
                    and node.args:
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                key, area = node.args[0], classes[node.func.id] or ""
                if isinstance(key, ast.Constant):
                    yield where, area + key.value
                elif isinstance(key, ast.IfExp) and all(isinstance(k, ast.Constant) for k in (key.body, key.orelse)):
                    yield where, area + key.body.value
                    yield where, area + key.orelse.value
                elif isinstance(key, ast.JoinedStr):  # f"{prefix}_workbook_missing": every prefix the file names
                    tail = "".join(v.value for v in key.values if isinstance(v, ast.Constant))
                    yield where, [k for k in CATALOG if k.endswith(tail)]
                else:
                    yield where, None


def test_every_error_raised_in_the_project_has_a_text():
    raised = list(_raised_keys())
    assert len(raised) >= 60
    for where, key in raised:
        if isinstance(key, list):
            assert key, f"{where}: no text ends with this key"
            continue
        assert key is not None, f"{where}: an error key must be a literal string"
        assert key in CATALOG or f"errors.{key}" in CATALOG, f"{where}: no text for error key {key!r}"


def test_an_unknown_error_key_fails_loudly():
    with pytest.raises(KeyError):
        UsageError("no_such_key").render("en")
    with pytest.raises(KeyError):
        str(UsageError("a literal sentence is not a key"))


def test_a_value_that_renders_itself_follows_the_language_of_the_text():
    reason = Message("files.lock_file")
    error = UsageError("cannot_write", path="t.xlsx", reason=reason)
    assert error.render("zh") == "无法写入 t.xlsx：" + reason.render("zh")
    assert str(error) == "cannot write t.xlsx: " + reason.render("en")


def test_errors_render_in_the_chosen_language():
    error = UsageError("output.is_folder", path="x.xlsx", example="x.xlsx/scorecard.xlsx")
    assert error.render("zh") == "x.xlsx 是文件夹；请给出文件名，如 x.xlsx/scorecard.xlsx"
    assert str(error) == error.render("en") == "x.xlsx is a folder; give a file name such as x.xlsx/scorecard.xlsx"


def test_every_finding_code_has_a_known_category():
    assert {code.category for code in findings.CODES.values()} <= set(findings.CATEGORIES)
