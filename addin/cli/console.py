"""The terminal: what may reach it, and how it copes with an encoding that is not UTF-8.

* :func:`visible` makes control characters visible: an escape sequence hidden in a file,
  sheet or indicator name (``\\x1b[2J`` clears the screen) is printed as the text
  ``\\x1b[2J``, never sent to the terminal raw; bidirectional overrides and other format
  characters, and the undecodable bytes of a file name that is not UTF-8, likewise.
* :func:`setup_streams` lets a console that cannot show a character (Windows cp1252 or
  cp936, output redirected to a file) print ``\\uXXXX`` for it instead of stopping the
  command with a UnicodeEncodeError.
* :func:`force_hint` turns the one output check's "exists, not replaced" (:mod:`addin.xlsx.output`)
  into the command line's message that names ``--force``; every command with ``--force`` runs in it.
"""

from __future__ import annotations

import contextlib
import sys
import unicodedata
from collections.abc import Iterator

from addin.contract.errors import UsageError

_SHOWN = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if ch in _SHOWN:
        return _SHOWN[ch]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object) -> str:
    """``text`` with control, format and surrogate characters written out as escapes."""
    text = str(text)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or (ch == " ") or unicodedata.category(ch) in ("Zs", "Mn", "Mc", "Me")
                   else _escape(ch) for ch in text)


_TERMINAL_CONTROLS = frozenset("\n\r\t")  # line ends, the progress bar's carriage return


class VisibleStream:
    """A text stream that writes control characters (escape sequences, BEL, backspace …) as
    visible escapes: whatever a command prints, a name can never drive the terminal."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        if not text.isprintable():
            text = "".join(ch if ch.isprintable() or ch in _TERMINAL_CONTROLS or ch == " "
                           or unicodedata.category(ch) in ("Zs", "Mn", "Mc", "Me") else _escape(ch) for ch in text)
        return self._stream.write(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def setup_streams() -> None:
    """stdout/stderr write what the console cannot show as escapes instead of failing, and
    control characters as visible escapes (:class:`VisibleStream`)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None or isinstance(stream, VisibleStream):
            continue
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(Exception):
                reconfigure(errors="backslashreplace")
        setattr(sys, name, VisibleStream(stream))


@contextlib.contextmanager
def force_hint() -> Iterator[None]:
    """Inside a command that has ``--force``: an existing file is refused with the hint to use it."""
    try:
        yield
    except UsageError as exc:
        if exc.key in ("output.exists", "output.exists_not_ours", "output.exists_edited", "output.exist_many"):
            raise UsageError("cli.force_hint_many" if exc.key == "output.exist_many" else "cli.force_hint",
                             refusal=exc) from None
        raise
