"""Which files are inputs: the one input-file policy of the command line and the ribbon.

:func:`discover` turns the files and folders a user names into :class:`InputFile`
records, one per file, each of which becomes exactly one tblFiles row:

* folders are searched recursively for spreadsheet files (:data:`SPREADSHEET_SUFFIXES`)
  and Excel lock files; symbolic links to folders are followed, each real folder once
  (a link loop cannot repeat files); a folder that cannot be listed is itself listed
  (``unreadable``), never silently left out;
* a file named explicitly is an input whatever its extension;
* listed as *skipped* with a reason, not read and not an error: Excel lock files
  (``~$…``), macOS litter (``._…`` resource files, anything under ``__MACOSX``) and
  hidden files (``.…``, such as the temporary file of an interrupted run);
* listed as *unreadable*, never opened: anything that is not a regular file (a FIFO, a
  device, a socket named ``*.xlsx``), a symbolic link to nothing;
* never an input at all: the output being written and its temporary files (``exclude``).

An earlier team workbook is recognised by its content when read
(:func:`addin.xlsx.reader.read_scorecard`) and skipped the same way.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from addin.contract.errors import UsageError
from addin.xlsx.safety import Reason, not_regular

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlsb", ".ods", ".xla", ".xlam", ".xlt")
SCORECARD_SUFFIXES = (".xlsx", ".xlsm")  # what a scorecard can be: the workbooks the reader opens
MACOS_ARCHIVE_FOLDER = "__MACOSX"


@dataclass(frozen=True)
class InputFile:
    """One input: read it (``skip`` and ``unreadable`` None), or list it with the reason."""

    path: Path
    skip: Reason | None = None  # listed as skipped, no finding (lock files, litter)
    unreadable: Reason | None = None  # listed as rejected with FILE_UNREADABLE, never opened

    @property
    def readable(self) -> bool:
        return self.skip is None and self.unreadable is None


def is_lock_file(path: Path) -> bool:
    """An Excel lock file (``~$name.xlsx``), left while the workbook is open."""
    return path.name.startswith("~$")


def is_candidate(name: str) -> bool:
    """A name a folder search picks up: a spreadsheet extension or an Excel lock file."""
    return name.lower().endswith(SPREADSHEET_SUFFIXES) or name.startswith("~$")


def litter(path: Path) -> Reason | None:
    """Why ``path`` is a file to list as skipped (lock file, macOS or temporary litter), or None."""
    name = path.name
    if is_lock_file(path):
        return Reason("lock_file")
    if MACOS_ARCHIVE_FOLDER in path.parts:
        return Reason("skipped_macosx")
    if name.startswith("._"):
        return Reason("skipped_appledouble")
    if name.startswith("."):
        return Reason("skipped_hidden")
    return None


def classify(path: Path) -> InputFile:
    """The :class:`InputFile` of one file path (the stat is taken, the file is never opened)."""
    reason = litter(path)
    if reason is not None:
        return InputFile(path, skip=reason)
    if os.path.islink(path) and not os.path.exists(path):
        loop = not_regular(path)  # ELOOP: a link to itself or a ring of links
        return InputFile(path, unreadable=loop if loop is not None and loop.key == "link_loop" else Reason("broken_link"))
    problem = not_regular(path)
    return InputFile(path, unreadable=problem) if problem else InputFile(path)


def real_path(path: str | os.PathLike) -> Path:
    """``path`` with its links resolved, never raising: a link loop (``a.xlsx`` -> ``a.xlsx``,
    which makes :meth:`Path.resolve` raise RuntimeError before Python 3.13) or an unreadable
    folder gives the absolute path as it is."""
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):
        return Path(path).absolute()


class _Excluded:
    """The output and its temporary files (``.team-xxxx.xlsx`` beside ``team.xlsx``)."""

    def __init__(self, exclude: Iterable) -> None:
        self.paths = {real_path(p) for p in exclude}
        self.names = {p.name for p in self.paths}
        self.stems = tuple(f".{p.stem}-" for p in self.paths)

    def __call__(self, candidate: Path) -> bool:  # resolve() only for names that could match
        name = candidate.name
        if name not in self.names and not (self.stems and name.startswith(self.stems)):
            return False
        real = real_path(candidate)
        return real in self.paths or is_temp_output(real, self.paths)


def discover(paths, exclude=()) -> list[InputFile]:
    """Every input below the given files and folders, in path order (see the module docstring).

    Raises UsageError for a path that does not exist.
    """
    excluded = _Excluded(exclude)
    found: dict[str, InputFile] = {}
    visited: set[tuple[int, int]] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            _walk(path, found, visited, excluded)
        elif path.exists() or path.is_symlink():
            if not excluded(path):
                found.setdefault(str(path), classify(path))
        else:
            raise UsageError("files.no_such_path", path=str(raw))
    return [found[key] for key in sorted(found)]


def _walk(folder: Path, found: dict[str, InputFile], visited: set[tuple[int, int]], excluded: _Excluded) -> None:
    """Search ``folder`` and its sub-folders (links followed, each real folder once)."""
    try:
        info = folder.stat()
    except OSError as exc:
        found.setdefault(str(folder), InputFile(folder, unreadable=_folder_reason(exc)))
        return
    key = (info.st_dev, info.st_ino)
    if key in visited:
        return  # a link back to a folder already searched
    visited.add(key)
    try:
        with os.scandir(folder) as entries:
            listing = sorted(entries, key=lambda e: e.name)
    except OSError as exc:
        found.setdefault(str(folder), InputFile(folder, unreadable=_folder_reason(exc)))
        return
    for entry in listing:
        path = folder / entry.name
        try:
            is_dir = entry.is_dir(follow_symlinks=True)
        except OSError:
            is_dir = False
        if is_dir:
            _walk(path, found, visited, excluded)
        elif is_candidate(entry.name) and not excluded(path):
            found.setdefault(str(path), classify(path))


def _folder_reason(exc: OSError) -> Reason:
    return Reason("folder_unreadable", {"error": exc.strerror or type(exc).__name__})


def shown_path(path: str | os.PathLike) -> str:
    """The path as outputs show it: itself when it is valid Unicode; a name that is not (the
    bytes ``unzip`` leaves from a zip made on Chinese Windows) is decoded as GB18030 where that
    works, else its undecodable bytes are written ``\\xNN``. Either way every output can hold it."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    parts = []
    for part in text.split(os.sep):
        try:
            part.encode("utf-8")
            parts.append(part)
            continue
        except UnicodeEncodeError:
            raw = os.fsencode(part)
        try:
            parts.append(raw.decode("gb18030"))
        except UnicodeDecodeError:
            parts.append(raw.decode("utf-8", "backslashreplace"))
    return os.sep.join(parts)


def escaped_path(path: str | os.PathLike) -> str:
    """The path with every byte that is not UTF-8 written ``\\xNN`` (unique where :func:`shown_path` may not be)."""
    return os.fsencode(os.fspath(path)).decode("utf-8", "backslashreplace")


def is_temp_output(candidate: Path, excluded) -> bool:
    """Temp files of atomic_path for an excluded output (".team-xxxx.xlsx")."""
    return any(candidate.parent == e.parent and candidate.name.startswith(f".{e.stem}-") for e in excluded)
