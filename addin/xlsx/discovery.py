"""Which files are inputs: spreadsheets below folders, files as named, Excel lock files,
never the output workbook (or its temporary files)."""

from __future__ import annotations

import os
from pathlib import Path

from addin.contract.errors import UsageError


def is_lock_file(path: Path) -> bool:
    """An Excel lock file (``~$name.xlsx``), left while the workbook is open."""
    return path.name.startswith("~$")


SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlsb", ".ods", ".xla", ".xlam", ".xlt")


def discover(paths, exclude=()) -> list[Path]:
    """Files to consider: every spreadsheet-like file below folders, files as given.

    Raises UsageError for a path that does not exist.
    """
    excluded = {Path(p).resolve() for p in exclude}
    excluded_names = {e.name for e in excluded}
    excluded_stems = tuple(f".{e.stem}-" for e in excluded)

    def is_excluded(candidate: Path) -> bool:  # resolve() only for names that could match
        name = candidate.name
        if name not in excluded_names and not (excluded_stems and name.startswith(excluded_stems)):
            return False
        return candidate.resolve() in excluded or is_temp_output(candidate.resolve(), excluded)

    found: dict[str, Path] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for dirpath, _dirs, files in os.walk(path):
                for name in files:
                    candidate = Path(dirpath) / name
                    if candidate.suffix.lower() in SPREADSHEET_SUFFIXES or is_lock_file(candidate):
                        if not is_excluded(candidate):
                            found.setdefault(str(candidate), candidate)
        elif path.exists():
            if not is_excluded(path):
                found.setdefault(str(path), path)
        else:
            raise UsageError(f"no such file or folder: {raw}")
    return [found[k] for k in sorted(found)]


def is_temp_output(candidate: Path, excluded) -> bool:
    """Temp files of atomic_path for an excluded output (".team-xxxx.xlsx")."""
    return any(candidate.parent == e.parent and candidate.name.startswith(f".{e.stem}-") for e in excluded)
