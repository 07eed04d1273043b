"""Heuristics that catch a line in the other language: English words in Chinese output, CJK in English.

File names, paths, finding codes and the user data a test names are taken out first; what is
left must be in one language. The English word list holds words our messages use, so a
sentence (or half of one) left in English shows up; abbreviations such as KPI, Excel, TRUE or
CSV are not words of it.
"""

from __future__ import annotations

import re

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
ENGLISH = re.compile(r"\b(?:" + "|".join("""
    an the and or but not no of to in on at by for with from into than then this that these those there
    is are was were be been has have had must should can cannot could would will may please
    got row rows cell cells blank number numbers sum total expected between above below
    file files folder folders wrote written write read found give given missing empty unknown invalid
    error errors warning warnings info findings finding merged rejected duplicate managers manager
    score scores weight weights target actual threshold stretch grade grades bonus pool roster period
    template workbook workbooks scorecard scorecards team output input installed removed nothing
""".split()) + r")\b", re.IGNORECASE)
_NOISE = [
    re.compile(r"\S*[/\\]\S*"),                                      # paths
    re.compile(r"\S+\.(?:xlsx|xlsm|xls|xlsb|ods|csv|json|xlam|py|txt|bas)\b", re.IGNORECASE),  # file names
    re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b"),                 # finding codes
    re.compile(r"\b[A-Z][A-Z0-9]+\b"),                                # metavars (PERIOD), KPI, CSV
    re.compile(r"`[^`]*`"),                                           # commands quoted in a message
    re.compile(r"--?[a-z][a-z-]*"),                                   # command-line options
]


def _clean(text: str, ignore: tuple[str, ...]) -> str:
    for item in sorted(ignore, key=len, reverse=True):
        text = text.replace(item, " ")
    for pattern in _NOISE:
        text = pattern.sub(" ", text)
    return text


def english_words(text: str, ignore: tuple[str, ...] = ()) -> list[str]:
    """English words of our messages found in ``text`` (which should be Chinese)."""
    return ENGLISH.findall(_clean(text, ignore))


def cjk_characters(text: str, ignore: tuple[str, ...] = ()) -> list[str]:
    """Chinese characters and full-width punctuation in ``text`` (which should be English)."""
    return CJK.findall(_clean(text, ignore))


def foreign(text: str, lang: str, ignore: tuple[str, ...] = ()) -> list[str]:
    """What in ``text`` belongs to the language other than ``lang``, line by line."""
    find = english_words if lang == "zh" else cjk_characters
    return [line for line in text.splitlines() if find(line, ignore)]
