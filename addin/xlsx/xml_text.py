"""The one place that escapes text for the XML we write by hand (SpreadsheetML cells, customUI).

Cell text (``<t>`` of an inline or shared string, ``<v>`` of a formula's cached text) follows
the rule Excel itself uses and XlsxWriter copies (``xmlwriter._escape_control_characters``):

* ``&``, ``<`` and ``>`` become entities (XML);
* a literal ``_xHHHH_`` gets its underscore escaped as ``_x005F_``, so Excel shows
  ``_x0041_ test`` as written instead of decoding it to "A test" (ECMA-376 Part 1, 22.9.2.19
  ST_Xstring);
* control characters that XML 1.0 cannot carry (U+0000-U+0008, U+000B-U+001F) and the
  non-characters U+FFFE/U+FFFF become ``_xHHHH_``, which Excel and openpyxl decode back; tab
  and line feed stay as they are.

Attribute values (customUI labels, sheet names) cannot use ``_xHHHH_``: :func:`attribute`
escapes the XML specials and refuses characters XML 1.0 cannot hold.
"""

from __future__ import annotations

import re

_LITERAL_ESCAPE = re.compile(r"(_x[0-9A-Fa-f]{4}_)")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_NEEDS_WORK = re.compile("[&<>_\x00-\x08\x0b-\x1f\ufffe\uffff]")
_ESCAPED = re.compile(r"_x005F(_x[0-9A-Fa-f]{4}_)|_x([0-9A-Fa-f]{4})_")
_ILLEGAL_IN_ATTRIBUTE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def cell_text(text: str) -> str:
    """``text`` as the content of a SpreadsheetML ``<t>`` or ``<v>`` element."""
    if not _NEEDS_WORK.search(text):
        return text
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _LITERAL_ESCAPE.sub(r"_x005F\1", text)
    return _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def read_cell_text(escaped: str) -> str:
    """The inverse of :func:`cell_text` once an XML parser has resolved the entities: decode ``_xHHHH_``."""
    return _ESCAPED.sub(lambda m: m.group(1) if m.group(1) else chr(int(m.group(2), 16)), escaped)


def needs_preserve(text: str) -> bool:
    """True when ``<t>`` needs ``xml:space="preserve"`` (leading/trailing blanks or a line break)."""
    return text != text.strip() or "\n" in text


def attribute(text: str) -> str:
    """``text`` as an XML attribute value (between double quotes)."""
    bad = _ILLEGAL_IN_ATTRIBUTE.search(text)
    if bad:
        raise ValueError(f"character U+{ord(bad.group()):04X} cannot appear in an XML attribute")
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;"))
