"""Run a headless LibreOffice over workbooks (recalculate, convert to PDF) for tests.

Usage::

    from support.libreoffice import requires_libreoffice, convert

    @requires_libreoffice
    def test_x(tmp_path):
        outputs = convert([a, b], tmp_path / "out", "xlsx")   # one soffice run for all files

Tests marked with :data:`requires_libreoffice` are skipped (with a reason) when
``soffice`` is not installed, unless the environment variable ``CI`` is "true"
(or "1"), where a missing LibreOffice is a failure: CI must run them.

Every call gets its own user profile (parallel runs do not share a lock) in
which "recalculate on load" is switched on for xlsx files, so LibreOffice
never trusts cached values. soffice exits 0 even when a file fails to load, so
:func:`convert` checks that each expected output exists.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from support.required import in_ci

TIMEOUT = 120  # seconds for one soffice run (wrapped in timeout -k 10)

_RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str | None:
    """Path of the soffice executable, or None."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice",
                      "/Applications/LibreOffice.app/Contents/MacOS/soffice"):
        if os.path.exists(candidate):
            return candidate
    return None


def require() -> str:
    """The soffice path; skips the calling test without it (fails instead in CI)."""
    path = soffice()
    if path:
        return path
    if in_ci():
        pytest.fail("LibreOffice (soffice) is required in CI but was not found", pytrace=False)
    pytest.skip("LibreOffice (soffice) is not installed")  # the message test_recalc checks; required.missing's rule


requires_libreoffice = pytest.mark.libreoffice
"""Marker for tests that need LibreOffice; call :func:`require` (or :func:`convert`) inside them."""


def _profile(root: Path) -> str:
    """A fresh user profile with recalc-on-load switched on; returns its file:// URL."""
    profile = root / "lo-profile"
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    url = profile.resolve().as_uri()
    # LibreOffice rewrites registrymodifications.xcu when it creates a profile, so create the
    # profile first (a quick start with no documents), then add our settings to it.
    _run([require(), "--headless", "--norestore", "--terminate_after_init", f"-env:UserInstallation={url}"])
    xcu = user / "registrymodifications.xcu"
    items = _RECALC_ALWAYS.split("<item", 1)[1].rsplit("</oor:items>", 1)[0]
    if xcu.exists():
        text = xcu.read_text(encoding="utf-8")
        xcu.write_text(text.replace("</oor:items>", "<item" + items + "</oor:items>"), encoding="utf-8")
    else:
        xcu.write_text(_RECALC_ALWAYS, encoding="utf-8")
    return url


def _run(args: list[str]) -> subprocess.CompletedProcess:
    command = (["timeout", "-k", "10", str(TIMEOUT)] if shutil.which("timeout") else []) + args
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT + 20)
    except subprocess.TimeoutExpired as exc:  # pragma: no cover - only without coreutils timeout
        pytest.fail(f"LibreOffice timed out: {exc}", pytrace=False)


def convert(files, outdir, fmt: str = "xlsx") -> list[Path]:
    """Convert (and so recalculate) ``files`` with ONE soffice run; return the outputs in order.

    Args:
        files: paths of workbooks; their stems must be distinct.
        outdir: folder for the outputs (created).
        fmt: "xlsx" (recalculated copy) or "pdf".

    Fails the test when LibreOffice does not produce every output.
    """
    files = [Path(f) for f in files]
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    stems = [f.stem for f in files]
    assert len(set(stems)) == len(stems), "convert() needs distinct file names"
    filters = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "pdf": "pdf:calc_pdf_Export"}
    with tempfile.TemporaryDirectory(prefix="lo-") as tmp:
        url = _profile(Path(tmp))
        result = _run([require(), "--headless", "--norestore", f"-env:UserInstallation={url}",
                       "--convert-to", filters.get(fmt, fmt), "--outdir", str(outdir)]
                      + [str(f) for f in files])
    outputs = [outdir / f"{stem}.{fmt}" for stem in stems]
    missing = [str(p.name) for p in outputs if not p.exists()]
    if missing:
        pytest.fail(f"LibreOffice did not write {missing} (exit {result.returncode}):\n"
                    f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}", pytrace=False)
    return outputs
