"""The one output-path check of every command that writes.

Every command that writes a file calls :func:`check_output_file` (or, for a folder of
outputs, :func:`check_output_folder`) *before* it reads or computes anything, so a
wrong path costs nothing and never touches a user's file. The same rules everywhere:

==========================  ======================================================  ============
refused                     why                                                     with force
==========================  ======================================================  ============
a folder                    give a file name                                        refused
a FIFO, device, socket      never written into (as root, a device would be lost)    refused
wrong extension             the output kind (``.xlsx``, ``.json``)                  refused
below a file                ``out.xlsx/team.xlsx``                                  refused
folder not writable         the nearest existing folder                             refused
one of the inputs           readable or not: an input is never replaced             refused
inside an input folder      and matching its search patterns: the next run would    refused
                            read it (``kpi consolidate scorecards -o scorecards/…``)
another output of the run   ``--json`` onto ``-o``                                  refused
an existing file            a user's file is replaced only with force; a file the   allowed
                            command itself wrote before (``ours``) is replaced,
                            unless it is a workbook saved again since
                            (:mod:`addin.xlsx.provenance`: HR's notes are theirs)
==========================  ======================================================  ============

A command writing several files into a folder (``kpi fill``, ``kpi cards``, ``kpi addin
lite``, ``kpi new --roster``) checks the folder with :func:`check_output_folder` and all
its files at once with :func:`check_output_files`: any refusal stops the run before the
first file is written, and every existing file in the way is named in one message.

Who calls it: ``kpi new`` (:func:`workbook_templates.generator.write_template`, which every
scorecard writer goes through), ``new --roster``, ``fill``, ``collect -o/--json/--init``,
``cards`` (with its PDFs), ``addin build``, ``addin lite``, ``consolidate -o/--json`` and
``demo`` (whose folder keeps a manifest of the files it wrote: ``ours``). Library functions
that write check too, so a script is as safe as the command line; a few writers take a path
their caller has already checked (they say so).

All refusals are :class:`~addin.contract.errors.UsageError` with a message key of the
``output`` area; texts name the path and what is wrong, never a command-line flag (the
command line adds how to allow a replacement). Writing itself goes through
:func:`addin.xlsx.atomic.atomic_path`.

Usage (a command writing ``out`` from ``paths``)::

    from addin.xlsx.output import check_output_file
    check_output_file(out, suffixes=(".xlsx",), inputs=paths, force=args.force, ours=is_team_workbook)
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

from addin.contract.errors import UsageError
from addin.xlsx.discovery import is_candidate, real_path
from addin.xlsx.provenance import saved_since_written
from addin.xlsx.safety import Reason, special_kind

Path_ = str | os.PathLike
_NAMED = 3  # existing files named in one refusal
_WORKBOOKS = (".xlsx", ".xlsm")  # outputs a person may open, edit and save


def check_output_file(path: Path_, *, suffixes: Iterable[str] = (".xlsx",), inputs: Iterable[Path_] = (),
                      others: Iterable[Path_] = (), force: bool = False,
                      ours: Callable[[Path], bool] | None = None, name: str = "out") -> Path:
    """Refuse (UsageError) an output file that cannot or must not be written; see the module docstring.

    Args:
        path: the output file.
        suffixes: accepted extensions (lower case, with the dot); empty for any.
        inputs: the files and folders the command reads (folders: searched as
            :func:`addin.xlsx.discovery.discover` searches them).
        others: the other outputs of the same run (two outputs never share a path).
        force: replace an existing file that is not ``ours``.
        ours: recognises a file this command wrote earlier (replaced without force).
        name: the file name (without extension) suggested when ``path`` is a folder.

    Returns:
        ``path`` as a Path. Missing folders above it are not created here.
    """
    path = Path(path)
    _not_special(path)
    if path.is_dir():
        raise UsageError("output.is_folder", path=str(path), example=str(path / (name + _first(suffixes))))
    wanted = tuple(s.lower() for s in suffixes)
    if wanted and path.suffix.lower() not in wanted:
        raise UsageError("output.wrong_suffix", path=str(path), suffixes=", ".join(wanted),
                         example=str(path.with_suffix(wanted[0])))
    _creatable(path.parent, path)
    _not_an_input(path, inputs)
    for other in others:
        if other is not None and _same(path, Path(other)):
            raise UsageError("output.same_as_other", path=str(path))
    if path.exists() and not force:
        _refuse_replacing(ours, path)
    return path


def check_output_files(paths: Iterable[Path_], *, suffixes: Iterable[str] = (), inputs: Iterable[Path_] = (),
                       force: bool = False, ours: Callable[[Path], bool] | None = None) -> list[Path]:
    """Several outputs of one run, each checked as :func:`check_output_file` (``suffixes``
    empty: each file keeps its own extension). Two of them never share a path
    (``output.same_as_other``); the existing files that may not be replaced are refused
    together: one with its own refusal (as :func:`check_output_file` words it), several with
    ``output.exist_many``, the first few named.

    Returns the paths, in order.
    """
    folders = [Path(p) for p in inputs if Path(p).is_dir()]
    files = _Identities(p for p in inputs if not Path(p).is_dir())  # a set: thousands of outputs stay fast
    checked: list[Path] = []
    seen: set[Path] = set()
    clash: list[tuple[Path, UsageError]] = []
    for raw in paths:
        if Path(raw).is_dir():  # the command chose the name: "give a file name" would not help
            raise UsageError("output.folder_in_the_way", path=str(raw))
        path = check_output_file(raw, suffixes=suffixes, inputs=folders, force=True)
        if path in files:
            raise UsageError("output.is_input", path=str(path))
        key = real_path(path)
        if key in seen:
            raise UsageError("output.same_as_other", path=str(path))
        seen.add(key)
        if path.exists() and not force:
            try:
                _refuse_replacing(ours, path)
            except UsageError as refusal:
                clash.append((path, refusal))
        checked.append(path)
    if len(clash) == 1:
        raise clash[0][1]
    if clash:
        shown = ", ".join(p.name for p, _ in clash[:_NAMED]) + (" …" if len(clash) > _NAMED else "")
        raise UsageError("output.exist_many", folder=str(clash[0][0].parent), count=len(clash), files=shown)
    return checked


def check_output_folder(path: Path_, *, inputs: Iterable[Path_] = ()) -> Path:
    """Refuse (UsageError) an output folder that is a file, lies below a file, cannot be
    created or written, or is (or lies in) an input folder. The files written into it are
    checked one by one with :func:`check_output_file`."""
    path = Path(path)
    _not_special(path)
    if path.exists() and not path.is_dir():
        raise UsageError("output.folder_is_file", path=str(path))
    _creatable(path, path)
    for raw in inputs:
        given = Path(raw)
        if given.is_dir() and _within(path, given):
            raise UsageError("output.inside_inputs", path=str(path), folder=str(given))
    return path


def is_kpi_json(path: Path) -> bool:
    """A JSON report written by kpi (an object with ``summary`` and ``files``)."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "summary" in data and "files" in data


# ----------------------------------------------------------------------------- the rules

def _first(suffixes: Iterable[str]) -> str:
    return next(iter(suffixes), "")


def _not_special(path: Path) -> None:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return
    kind = special_kind(mode)
    if kind not in (None, "folder"):
        raise UsageError("output.not_a_file", path=str(path), kind=Reason(f"kind_{kind}", area="output"))


def _creatable(folder: Path, path: Path) -> None:
    """The nearest existing folder above (or at) ``folder`` is a writable folder."""
    existing = folder if str(folder) else Path(".")
    while not existing.exists() and existing != existing.parent:
        if existing.is_symlink():  # a dangling link: nothing can be created below it
            break
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise UsageError("output.below_a_file", path=str(path), file=str(existing))
    if not existing.exists():
        raise UsageError("output.not_writable", path=str(path), folder=str(existing))
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError("output.not_writable", path=str(path), folder=str(existing))


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return real_path(a) == real_path(b)


def _within(path: Path, folder: Path) -> bool:
    real, base = real_path(path), real_path(folder)
    return real == base or base in real.parents


def _not_an_input(path: Path, inputs: Iterable[Path_]) -> None:
    for raw in inputs:
        given = Path(raw)
        if given.is_dir():
            if _within(path, given) and is_candidate(path.name):
                raise UsageError("output.inside_inputs", path=str(path), folder=str(given))
        elif _same(path, given):
            raise UsageError("output.is_input", path=str(path))


class _Identities:
    """Files, recognised by their real path or (existing ones) by device and inode (a hard link)."""

    def __init__(self, paths: Iterable[Path_]) -> None:
        self.reals: set[Path] = set()
        self.inodes: set[tuple[int, int]] = set()
        for raw in paths:
            self.reals.add(real_path(Path(raw)))
            inode = _inode(Path(raw))
            if inode is not None:
                self.inodes.add(inode)

    def __contains__(self, path: Path) -> bool:
        if real_path(path) in self.reals:
            return True
        inode = _inode(path) if self.inodes else None
        return inode is not None and inode in self.inodes


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _refuse_replacing(ours: Callable[[Path], bool] | None, path: Path) -> None:
    """UsageError unless the existing ``path`` is the command's own earlier output, unchanged
    since: a workbook saved again by a person is theirs now (:mod:`addin.xlsx.provenance`)."""
    if ours is None:
        raise UsageError("output.exists", path=str(path))
    if not _safely(ours, path):
        raise UsageError("output.exists_not_ours", path=str(path))
    if path.suffix.lower() in _WORKBOOKS and saved_since_written(path):
        raise UsageError("output.exists_edited", path=str(path))


def _safely(ours: Callable[[Path], bool], path: Path) -> bool:
    try:
        return bool(ours(path))
    except Exception:  # noqa: BLE001 - a file we cannot even recognise is not ours
        return False



_UNSAFE_IN_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]+')
_RESERVED_NAMES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_file_name(text: str, limit: int = 60) -> str:
    """``text`` (a manager's name or id, a team) as part of a file name on Windows, macOS and Linux.

    Each run of characters no file system takes becomes one ``_``; invisible format characters (a right-to-left
    override that makes ``Evil\u202eslx.exe`` show as ``Evilexe.xls``, zero-width spaces, a BOM)
    are dropped, so a name never disguises its file; runs of blanks become one space; a Windows
    device name (``CON``) gets a ``_`` in front.
    """
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = _UNSAFE_IN_NAME.sub("_", text).strip().strip(".")
    text = re.sub(r"\s+", " ", text)[:limit].rstrip(" .")
    if text.upper().split(".")[0] in _RESERVED_NAMES:
        text = "_" + text
    return text

__all__ = ["check_output_file", "check_output_files", "check_output_folder", "is_kpi_json", "safe_file_name"]
