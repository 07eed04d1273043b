"""`kpi addin install` / `kpi addin uninstall`: put kpi_scorecard.xlam into Excel's start-up folder.

What install does (paths are injectable, so all of it but the COM step runs in tests on Linux):

1. builds the add-in with the machine's settings in its ``myaddin.conf`` sheet
   (``Interpreter_Win``/``Interpreter_Mac`` = this Python, ``PYTHONPATH``, ``UDF Modules`` =
   ``udfs.excel_functions``, ``KPI_LANG``): xlwings' VBA in the add-in reads that sheet;
   The built add-in already holds the ribbon's VBA module (``kpi addin build``), so the ribbon
   works as soon as Excel loads it, on Windows and macOS;
2. Windows: opens the add-in in a hidden Excel and imports the KPI UDF wrappers into its VBA
   project (xlwings' ``import_udfs``; needs "Trust access to the VBA project object model").
   Without that trust the add-in is installed all the same and the next steps say how to get
   the functions later. ``com_import=True`` (``kpi addin install --com-import``) also re-imports
   ``KPIRibbon.bas`` through Excel: the fallback for an Excel that would not load the built module.
   macOS: installs xlwings' AppleScript that RunPython needs (what ``xlwings runpython install`` does);
3. copies the add-in into the start-up folder (Windows ``%APPDATA%\\Microsoft\\Excel\\XLSTART``,
   macOS ``~/Library/Group Containers/UBF8T346G9.Office/User Content/Startup/Excel``);
4. records what it created in ``~/.kpi-scorecard/install.json`` so uninstall removes exactly that.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import xlwings

from addin.contract.errors import KpiError
from addin.contract.messages import render
from addin.excel.build import ADDIN_NAME, UDF_MODULES, default_settings, quickstart_addin, rewrite_addin, ribbon_module

BAS_NAME = "KPIRibbon.bas"
STATE_DIR_NAME = ".kpi-scorecard"
MANIFEST = "install.json"
MAC_STARTUP = ("Library", "Group Containers", "UBF8T346G9.Office", "User Content", "Startup", "Excel")
MAC_SCRIPTS = ("Library", "Application Scripts", "com.microsoft.Excel")



class AddinInstallError(KpiError):
    """The add-in cannot be installed or removed on this machine; the message says what to do instead."""


@dataclass(frozen=True)
class InstallPaths:
    """Where the add-in and its helpers go on one machine."""

    platform: str  # "win" or "mac"
    startup_dir: Path
    state_dir: Path
    applescript_dir: Path | None = None

    @property
    def addin(self) -> Path:
        return self.startup_dir / ADDIN_NAME


@dataclass
class InstallResult:
    addin: Path
    created: list[Path] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)


def platform_paths(platform: str | None = None, home: str | Path | None = None,
                   env: Mapping[str, str] | None = None) -> InstallPaths:
    """Install locations for ``platform`` (sys.platform by default) under ``home``."""
    platform = platform or sys.platform
    home = Path(home) if home else Path.home()
    env = os.environ if env is None else env
    if platform.startswith("win"):
        appdata = Path(env["APPDATA"]) if env.get("APPDATA") else home / "AppData" / "Roaming"
        return InstallPaths("win", appdata / "Microsoft" / "Excel" / "XLSTART", home / STATE_DIR_NAME)
    if platform.startswith("darwin"):
        return InstallPaths("mac", home.joinpath(*MAC_STARTUP), home / STATE_DIR_NAME, home.joinpath(*MAC_SCRIPTS))
    raise AddinInstallError("addin_unsupported_platform", platform=platform)


def install_settings(lang: str, platform: str, interpreter: str | None = None,
                     pythonpath: str | None = None) -> list[tuple[str, str]]:
    """The add-in's config sheet for this machine (keys as xlwings' VBA looks them up)."""
    interpreter = interpreter or sys.executable
    pythonpath = pythonpath if pythonpath is not None else str(Path(__file__).resolve().parents[2])
    key = "Interpreter_Win" if platform == "win" else "Interpreter_Mac"
    return [(key, interpreter), ("PYTHONPATH", pythonpath), *default_settings(lang)]


def bas_text() -> str:
    """The ribbon's VBA module as the built add-in holds it, with CRLF line ends (for the COM fallback)."""
    return ribbon_module().text()


def install(lang: str = "zh", platform: str | None = None, home: str | Path | None = None,
            env: Mapping[str, str] | None = None, interpreter: str | None = None,
            import_vba: Callable[[Path, Path | None], None] | None = None,
            source: str | Path | None = None, com_import: bool = False) -> InstallResult:
    """Install the add-in for the current user; returns what was created and what the user does next.

    ``import_vba(addin, bas)`` imports the KPI UDF wrappers into ``addin`` and, when ``bas`` is
    given (``com_import``), re-imports the ribbon module from it (default on Windows: through
    Excel's COM object model; tests pass a fake). An AddinInstallError from it (no trust access)
    does not stop the install: the ribbon is in the built add-in already.
    """
    paths = platform_paths(platform, home, env)
    source = Path(source) if source else quickstart_addin()
    settings = install_settings(lang, paths.platform, interpreter)
    result = InstallResult(paths.addin)
    paths.state_dir.mkdir(parents=True, exist_ok=True)
    functions_imported = False
    with tempfile.TemporaryDirectory() as temp:
        # another name than the installed add-in: the hidden Excel of the COM step loads XLSTART,
        # and Excel cannot open two workbooks of the same name
        built = rewrite_addin(source, Path(temp) / f"build_{ADDIN_NAME}", lang, settings)
        if paths.platform == "win":
            bas = None
            if com_import:
                bas = Path(temp) / BAS_NAME
                bas.write_bytes(bas_text().encode("ascii"))
            try:
                (import_vba or import_vba_windows)(built, bas)
                functions_imported = True
            except AddinInstallError as exc:
                if com_import:  # the fallback was asked for explicitly: its failure is the answer
                    raise
                result.next_steps.append(render("addin.windows.no_functions", lang, reason=exc.render(lang)))
        _copy(built, paths.addin)
    result.created.append(paths.addin)
    if paths.platform == "mac":
        script = _install_applescript(paths)
        if script:
            result.created.append(script)
        result.next_steps += mac_steps(lang)
    else:
        result.next_steps[:0] = windows_steps(lang, functions_imported)
    _write_manifest(paths, result.created)
    return result


def _versions() -> dict[str, str]:
    """What the VBA of an installed add-in depends on: xlwings' version."""
    return {"xlwings": xlwings.__version__}


def uninstall(platform: str | None = None, home: str | Path | None = None,
              env: Mapping[str, str] | None = None) -> list[Path]:
    """Remove what install created (the add-in at least); returns the removed paths."""
    paths = platform_paths(platform, home, env)
    manifest = paths.state_dir / MANIFEST
    files = [paths.addin]
    if manifest.is_file():
        try:
            files += [Path(p) for p in json.loads(manifest.read_text(encoding="utf-8")).get("files", [])]
        except (ValueError, AttributeError):
            pass
        files.append(manifest)
    removed = []
    for path in dict.fromkeys(files):  # unique, in order
        if path.is_file():
            try:
                path.unlink()
            except PermissionError:
                raise AddinInstallError("addin_cannot_remove", path=str(path)) from None
            removed.append(path)
    if paths.state_dir.is_dir() and not any(paths.state_dir.iterdir()):
        paths.state_dir.rmdir()
    return removed


def _copy(source: Path, target: Path) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    except PermissionError:
        raise AddinInstallError("addin_in_use", path=str(target)) from None
    except OSError as exc:
        raise AddinInstallError("addin_cannot_write", path=str(target), reason=exc.strerror or str(exc)) from None


def _install_applescript(paths: InstallPaths) -> Path | None:
    """xlwings' RunPython on macOS calls AppleScriptTask(xlwings-<version>.applescript): copy it once."""

    name = f"xlwings-{xlwings.__version__}.applescript"
    target = paths.applescript_dir / name
    if target.exists():
        return None  # already there (xlwings runpython install): not ours to remove later
    _copy(Path(xlwings.__file__).parent / name, target)
    return target


def _write_manifest(paths: InstallPaths, created: list[Path]) -> None:
    """Record what install created; files an earlier install created stay on the list."""
    manifest = paths.state_dir / MANIFEST
    files = [str(p) for p in created]
    if manifest.is_file():
        try:
            files = list(dict.fromkeys(json.loads(manifest.read_text(encoding="utf-8")).get("files", []) + files))
        except (ValueError, AttributeError, TypeError):
            pass
    data = {"addin": str(paths.addin), "platform": paths.platform, **_versions(), "files": files}
    (paths.state_dir / MANIFEST).write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


def windows_steps(lang: str = "zh", functions_imported: bool = True) -> list[str]:
    keys = ["addin.windows.start"] + (["addin.windows.functions"] if functions_imported else [])
    return [render(key, lang) for key in keys]


def mac_steps(lang: str = "zh") -> list[str]:
    return [render(key, lang) for key in ("addin.mac.restart", "addin.mac.macros", "addin.mac.no_udfs")]


def import_vba_windows(addin: Path, bas: Path | None) -> None:  # pragma: no cover - needs Windows and Excel
    """Import the KPI UDF wrappers (and ``bas``, if given) into ``addin`` with a hidden Excel, then save it."""

    from xlwings.udfs import import_udfs  # noqa: PLC0415 - Windows only: needs pythoncom

    app = xlwings.App(visible=False, add_book=False)
    try:
        app.display_alerts = False
        book = app.books.open(str(addin))
        try:
            components = book.api.VBProject.VBComponents
        except Exception:
            raise AddinInstallError("addin_no_vba_access") from None
        if bas is not None:
            if "KPIRibbon" in [component.Name for component in components]:
                components.Remove(components("KPIRibbon"))
            components.Import(str(bas))
        import_udfs(UDF_MODULES, book.api)
        book.save()
    finally:
        app.quit()
