"""When two ids (or team names) are the same: the one normalisation for duplicate
detection and matching.

Ids are typed by people and copied between systems, so the same manager shows up as
``AM001``, ``ＡＭ００１`` (full-width, typed with a Chinese input method), ``AM 001``,
``AM001`` with a zero-width space or a byte-order mark pasted in, or ``АМ001`` with
Cyrillic letters that look Latin. :func:`identity_key` maps all of these to one key;
the original text is kept for display everywhere.

The key is: NFKC (full-width and compatibility forms to their plain form), every
invisible or format character and every space removed (zero-width spaces, BOM, soft
hyphen, bidirectional marks, ideographic spaces …), Cyrillic and Greek letters that
look like Latin letters mapped to them, then case-folded.
"""

from __future__ import annotations

import unicodedata

# Cyrillic and Greek letters drawn like a Latin letter (upper and lower case alike).
_LOOK_ALIKES = str.maketrans({
    # Cyrillic
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S", "Ԛ": "Q", "Ԝ": "W",
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
    "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ѵ": "v",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "ν": "v", "κ": "k", "ρ": "p",
})
_INVISIBLE = frozenset(("Cf", "Cc", "Cs", "Zs", "Zl", "Zp"))  # format, control, surrogate, separators
_JOINERS = frozenset("\u034f\u115f\u1160\u3164\uffa0")  # combining grapheme joiner, Hangul fillers


def identity_key(text: object) -> str:
    """The comparison key of an id or team name ("" for a blank one); see the module docstring."""
    if text is None:
        return ""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    normal = unicodedata.normalize("NFKC", str(text)).translate(_LOOK_ALIKES)
    kept = "".join(ch for ch in normal
                   if not ch.isspace() and ch not in _JOINERS and unicodedata.category(ch) not in _INVISIBLE)
    return kept.casefold()


__all__ = ["identity_key"]
