"""Printing cards to PDF with LibreOffice (``soffice --headless --convert-to pdf``).

LibreOffice runs with a fresh user profile of its own (so a LibreOffice the user has
open does not block it) and writes into a temporary folder beside the cards; each PDF
is then moved into place, so a failed run leaves no half-written PDF.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from addin.contract.errors import OutputError, UsageError

_CANDIDATES = (
    "/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe", r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)
TIMEOUT = 120  # seconds for LibreOffice to start, plus PER_FILE for each card
PER_FILE = 10


def find_soffice() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((path for path in _CANDIDATES if os.path.isfile(path)), None)


def require_soffice() -> str:
    """The LibreOffice executable; UsageError naming the package to install when there is none."""
    found = find_soffice()
    if not found:
        raise UsageError("pdf_needs_libreoffice")
    return found


def to_pdf(files: list[Path], soffice: str) -> list[Path]:
    """Print ``files`` (all in one folder) to PDFs of the same names beside them, in one LibreOffice run.

    Raises:
        OutputError when LibreOffice fails or does not write every PDF.
    """
    if not files:
        return []
    folder = files[0].parent
    with tempfile.TemporaryDirectory(prefix="kpi-lo-") as profile, \
            tempfile.TemporaryDirectory(prefix=".kpi-pdf-", dir=folder) as work:
        command = [soffice, "--headless", "--norestore", "--nologo",
                   f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
                   "--convert-to", "pdf:calc_pdf_Export", "--outdir", work, *map(str, files)]
        try:
            proc = subprocess.run(command, capture_output=True, text=True,
                                  timeout=TIMEOUT + PER_FILE * len(files), stdin=subprocess.DEVNULL)
            detail = (proc.stderr or proc.stdout or "").strip()[-300:]
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise OutputError("pdf_failed", files=", ".join(f.name for f in files[:3]), detail=str(exc)) from None
        made = [Path(work) / f"{f.stem}.pdf" for f in files]
        missing = [f.name for f, pdf in zip(files, made) if not pdf.is_file()]
        if missing:
            raise OutputError("pdf_failed", files=", ".join(missing[:3]), detail=detail or "no PDF written")
        targets = []
        for pdf in made:
            target = folder / pdf.name
            os.replace(pdf, target)
            targets.append(target)
    return targets
