"""Every text renders completely in both languages: no placeholder is ever left in a message."""

from __future__ import annotations

import string

import pytest

from addin.contract import findings
from addin.contract.errors import UsageError
from addin.contract.messages import CATALOG, LANGS, render, resolve_lang
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


def test_errors_render_in_the_chosen_language():
    error = UsageError("cli_output_is_folder", path="x.xlsx")
    assert error.render("zh") == "x.xlsx 是文件夹；请给出文件名，如 scorecard.xlsx"
    assert str(error) == error.render("en") == "x.xlsx is a folder; give a file name such as scorecard.xlsx"


def test_every_finding_code_has_a_known_category():
    assert {code.category for code in findings.CODES.values()} <= set(findings.CATEGORIES)
