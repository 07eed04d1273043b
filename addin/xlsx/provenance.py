"""Has a workbook kpi wrote been saved again since, by a person in Excel, WPS or LibreOffice?

kpi replaces its own earlier outputs without ``--force`` (re-running is safe), but a team
workbook or an actuals workbook that HR opened, annotated and saved is a user's work, and is
never replaced silently. The signs, in ``docProps/core.xml``: XlsxWriter stamps
``dcterms:created`` and ``dcterms:modified`` with the same instant and writes an empty
``cp:lastModifiedBy``; Excel, WPS and LibreOffice set ``dcterms:modified`` to the time of a save
(Excel also its user's name in ``lastModifiedBy``), and openpyxl drops the empty element. A workbook that cannot be
read counts as saved again (the safe answer); one without core properties at all (kpi's own
scorecard writer stores none) leaves the answer to the caller's recognition of its output.

    >>> saved_since_written("team.xlsx")   # doctest: +SKIP
    False
"""

from __future__ import annotations

import os

from addin.xlsx.safety import UnsafeFile, open_zip, read_file, read_member
from addin.xlsx.xml_parts import elements

CORE_PART = "docProps/core.xml"
_CORE_CAP = 64 * 1024  # core properties are a few hundred bytes
_STAMPS = frozenset({"created", "modified", "lastModifiedBy"})


def saved_since_written(path: str | os.PathLike) -> bool:
    """True when the core properties of ``path`` show a save after it was created, or when
    ``path`` is no readable workbook; False for a workbook as XlsxWriter wrote it (created and
    modified equal, ``lastModifiedBy`` present and empty) and for one without core properties."""
    try:
        opened = open_zip(read_file(path))
        if CORE_PART not in opened.names:
            return False
        stamps = {e.tag: e.text.strip() for e in elements(read_member(opened, CORE_PART, _CORE_CAP), CORE_PART,
                                                            _STAMPS, _STAMPS)}
    except (UnsafeFile, OSError):
        return True
    created, modified = stamps.get("created"), stamps.get("modified")
    return not created or created != modified or stamps.get("lastModifiedBy") != ""
