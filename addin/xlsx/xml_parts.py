"""Reading the small XML parts of a workbook (``xl/workbook.xml``, relationship parts,
table parts) with a real XML parser, in linear time.

expat (the C parser of the standard library) reads the part once, start to end: an
unclosed or repeated start tag costs what its bytes cost, never a rescan (regular
expressions over such parts can be made quadratic). A document type declaration
is refused before anything in it is processed, so entity expansion ("billion laughs",
external entities) can never happen; an undeclared entity is a well-formedness error.
A part that is not well-formed XML is refused with its line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NoReturn
from xml.parsers import expat

from addin.xlsx.safety import OpenedZip, UnsafeFile, read_head


@dataclass(frozen=True)
class Element:
    """One element of interest: its local tag name, attributes (local names) and text."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    text: str = ""


class _Forbidden(Exception):
    pass


class _Root(Exception):
    pass


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def elements(data: bytes, part: str, tags: frozenset[str], text_tags: frozenset[str] = frozenset()) -> list[Element]:
    """The elements of ``part`` whose local name is in ``tags``, in document order, with
    their attributes and, for ``text_tags``, their text content.

    Raises:
        UnsafeFile: a DTD or entity declaration (``xml_forbidden``), or XML that is not
            well-formed (``xml_malformed``).
    """
    found: list[Element] = []
    text_parts: list[str] = []
    collecting: list[tuple[str, dict[str, str]]] = []  # the open text element, if any
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_args) -> NoReturn:
        raise _Forbidden

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        if tag not in tags:
            return
        local = {_local(key): value for key, value in attrs.items()}
        if tag in text_tags and not collecting:
            collecting.append((tag, local))
            text_parts.clear()
        else:
            found.append(Element(tag, local))

    def end(name: str) -> None:
        if collecting and _local(name) == collecting[0][0]:
            tag, local = collecting.pop()
            found.append(Element(tag, local, "".join(text_parts)))

    def text(data: str) -> None:
        if collecting:
            text_parts.append(data)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(data, True)
    except _Forbidden:
        raise UnsafeFile("xml_forbidden", part=part) from None
    except expat.ExpatError as exc:
        raise UnsafeFile("xml_malformed", part=part, line=exc.lineno, column=exc.offset,
                         error=expat.ErrorString(exc.code)) from None
    except (ValueError, RecursionError) as exc:  # e.g. an impossible encoding declaration
        raise UnsafeFile("xml_malformed", part=part, line=0, column=0, error=type(exc).__name__) from None
    return found


PROLOG_BYTES = 256 * 1024  # how far into a part a document type declaration is looked for
CALAMINE_PARTS = ("xl/sharedStrings.xml", "xl/styles.xml")  # parsed by python-calamine alone


def refuse_doctype(data: bytes, part: str) -> None:
    """UnsafeFile ``xml_forbidden`` when the prolog of ``part`` (``data``, or its first bytes)
    declares a document type. For the parts python-calamine parses itself (sheets, shared
    strings, styles): it expands no entity, but the user is told why, not "unexpected content".
    The prolog is parsed with expat up to the root element; XML that is not well-formed is
    left for the reader that parses the part to report."""
    parser = expat.ParserCreate()

    def refuse(*_args) -> None:
        raise _Forbidden

    def root(*_args) -> None:
        raise _Root

    parser.StartDoctypeDeclHandler = refuse
    parser.StartElementHandler = root
    try:
        parser.Parse(data[:PROLOG_BYTES], False)
    except _Forbidden:
        raise UnsafeFile("xml_forbidden", part=part) from None
    except (_Root, expat.ExpatError, ValueError, RecursionError):
        return


def refuse_doctype_parts(opened: OpenedZip) -> None:
    """:func:`refuse_doctype` for the shared strings and styles of a workbook, decompressing only their heads."""
    for part in CALAMINE_PARTS:
        if part in opened.names:
            refuse_doctype(read_head(opened, part, PROLOG_BYTES), part)
