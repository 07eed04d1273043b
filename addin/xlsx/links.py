"""Hyperlinks from a workbook we write (the team workbook, the actuals workbook) to its input
files (scorecards, CRM exports), relative to the workbook's folder.

A link is written as the path from the workbook's folder to the file, with forward
slashes (``scorecards/AM001.xlsx``), so it keeps working when the folder is moved,
zipped, or opened on a Mac. XlsxWriter turns every ``/`` of an external link into
``\\``; :func:`fix_link_targets` puts them back in the finished file
(``xl/worksheets/_rels/*.rels``), which is what Excel itself writes.
A file on another drive (Windows) cannot be reached by a relative path and keeps an
absolute ``file:///`` link.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path, PurePath

MAX_LINKS = 65_000  # Excel allows 65,530 hyperlinks per worksheet
MAX_URL = 2_000


class Linker:
    """Link targets and texts for files, relative to the folder of the workbook ``output``."""

    def __init__(self, output: Path | str | None):
        self.base = Path(os.path.abspath(Path(output).parent)) if output is not None else Path.cwd()
        self._shown: dict[str, str] = {}
        self._relatives: dict[str, str | None] = {}

    def text(self, path: str) -> str:
        """The file as the workbook shows it: relative to the workbook's folder, forward slashes."""
        shown = self._shown.get(path)
        if shown is None:
            shown = self._shown[path] = self._relative(path) or PurePath(path).as_posix()
        return shown

    def _relative(self, path: str) -> str | None:
        try:
            return self._relatives[path]
        except KeyError:
            pass
        try:
            relative: str | None = PurePath(os.path.relpath(os.path.abspath(path), self.base)).as_posix()
        except (OSError, ValueError):  # another drive, or a path the OS refuses
            relative = None
        self._relatives[path] = relative
        return relative

    def url(self, path: str, sheet: str = "", cell: str = "") -> str | None:
        """The ``external:`` URL of XlsxWriter for ``path`` (and the cell in it), or None when no link fits."""
        if not path:
            return None
        relative = self._relative(path)
        if relative is None:
            try:
                relative = PurePath(os.path.abspath(path)).as_posix()
            except (OSError, ValueError):
                return None
        if "#" in relative or not (relative + sheet).isprintable():  # the anchor separator, or a control
            return None  # character (never valid in a relationship part): such a path cannot be linked
        url = "external:" + relative
        if sheet and cell:
            url += "#'" + sheet.replace("'", "''") + "'!" + cell
        return url if len(url) <= MAX_URL else None


_HYPERLINK = re.compile(rb'<Relationship\b[^>]*?/hyperlink"[^>]*>')
_TARGET = re.compile(rb'\bTarget="([^"]*)"')


def fix_link_targets(rels: bytes) -> bytes:
    """A worksheet's relationships with the backslashes of external link targets made forward slashes."""
    def fix(match: re.Match) -> bytes:
        tag = match.group(0)
        if b'TargetMode="External"' not in tag:
            return tag
        return _TARGET.sub(lambda t: b'Target="' + t.group(1).replace(b"\\", b"/") + b'"', tag)
    return _HYPERLINK.sub(fix, rels)


def fix_link_files(path: Path) -> None:
    """Rewrite the finished workbook ``path`` (a temporary file) with :func:`fix_link_targets`
    applied to every worksheet's relationships; the other parts are copied as they are."""
    with zipfile.ZipFile(path) as zin:
        parts = [(info, zin.read(info.filename)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in parts:
            if info.filename.startswith("xl/worksheets/_rels/"):
                data = fix_link_targets(data)
            zout.writestr(info, data)
