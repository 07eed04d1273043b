"""A finding's message in the card's language when the team workbook is in the other one.

The team workbook stores each finding's message as a sentence in its own language (tblFindings
has no details). A card in the other language (``kpi cards --lang en`` of a zh team workbook)
reads the sentence back against its code's template in the workbook's language, and writes
the same details into the template of the card's language. Details that are labels of the
contract (a column or a header field: 实际值 → Actual) are translated; anything else (an
indicator's name, a file, a number) is the user's data and stays as it is. A message that
does not match its template (edited by hand, an older version) is shown unchanged.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from addin.contract import schema
from addin.contract.findings import CODES

_FIELD = re.compile(r"\{(\w+)(?:![rsa])?(?::[^{}]*)?\}")


@cache
def _pattern(template: str) -> re.Pattern[str]:
    """A regular expression matching what ``template`` renders to, one named group per field."""
    parts, seen, pos = [], set(), 0
    for match in _FIELD.finditer(template):
        parts.append(re.escape(template[pos:match.start()]))
        name = match.group(1)
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
        pos = match.end()
    parts.append(re.escape(template[pos:]))
    return re.compile("".join(parts), re.S)


@lru_cache(maxsize=2)
def _terms(source: str, target: str) -> dict[str, str]:
    """Labels of the contract in ``source`` → the same label in ``target``."""
    terms: dict[str, str] = {}
    for table in schema.SCORECARD_TABLES:
        for column in table.columns:
            terms.setdefault(column.label(source), column.label(target))
    for name in schema.DEFINED_NAMES:
        terms.setdefault(name.label(source), name.label(target))
    return terms


def _term(value: str, source: str, target: str) -> str:
    terms = _terms(source, target)
    if value in terms:
        return terms[value]
    head, sep, tail = value.partition(" (")  # "实际值 (tblKPI)"
    if sep and head in terms:
        return terms[head] + sep + tail
    head, sep, tail = value.rpartition(" ")  # "销售额 得分": an indicator's column
    return head + sep + terms[tail] if sep and tail in terms else value


def reword(code: str, message: str, source: str, target: str) -> str:
    """``message`` of finding ``code``, written in language ``source``, in language ``target``."""
    spec = CODES.get(code)
    if spec is None or source == target or source not in schema.LANGS or target not in schema.LANGS:
        return message
    given, wanted = (spec.zh, spec.en) if source == "zh" else (spec.en, spec.zh)
    match = _pattern(given).fullmatch(message)
    if match is None:
        return message
    values = {name: _term(value, source, target) for name, value in match.groupdict().items()}
    try:
        return _FIELD.sub(lambda m: values[m.group(1)], wanted)
    except KeyError:  # the other template names a detail this one does not
        return message
