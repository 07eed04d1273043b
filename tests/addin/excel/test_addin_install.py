"""`kpi addin install` / `uninstall` against a temporary home (the COM step is faked)."""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import pytest

from addin.cli import main
from addin.excel import install as addin_install
from addin.excel.build import ADDIN_NAME, read_settings
from addin.excel.install import AddinInstallError, install, platform_paths, uninstall


def _fake_import(calls):
    def import_vba(addin, bas):
        assert zipfile.is_zipfile(addin)
        text = bas.read_bytes()
        assert b"\r\n" in text and b"\n" not in text.replace(b"\r\n", b"")  # CRLF only
        calls.append((addin.name, bas.name))
    return import_vba


def test_windows_paths_follow_appdata(tmp_path):
    paths = platform_paths("win32", tmp_path, {"APPDATA": str(tmp_path / "Roaming")})
    assert paths.addin == tmp_path / "Roaming" / "Microsoft" / "Excel" / "XLSTART" / ADDIN_NAME
    default = platform_paths("win32", tmp_path, {})
    assert default.startup_dir == tmp_path / "AppData" / "Roaming" / "Microsoft" / "Excel" / "XLSTART"


def test_mac_paths_are_excels_startup_and_script_folders(tmp_path):
    paths = platform_paths("darwin", tmp_path, {})
    assert paths.startup_dir == tmp_path / "Library/Group Containers/UBF8T346G9.Office/User Content/Startup/Excel"
    assert paths.applescript_dir == tmp_path / "Library/Application Scripts/com.microsoft.Excel"


def test_windows_install_and_uninstall(tmp_path):
    env = {"APPDATA": str(tmp_path / "Roaming")}
    calls = []
    result = install("en", platform="win32", home=tmp_path, env=env, interpreter=r"C:\Py\python.exe",
                     import_vba=_fake_import(calls))
    assert calls == [(f"build_{ADDIN_NAME}", "KPIRibbon.bas")]
    assert result.addin.is_file() and result.addin.parent.name == "XLSTART"
    settings = read_settings(result.addin)
    assert settings["Interpreter_Win"] == r"C:\Py\python.exe"
    assert settings["UDF Modules"] == "udfs.excel_functions"
    assert settings["KPI_LANG"] == "en"
    assert (Path(settings["PYTHONPATH"]) / "addin" / "excel" / "ribbon.py").is_file()  # RunPython finds the handlers
    assert (Path(settings["PYTHONPATH"]) / "udfs" / "excel_functions.py").is_file()  # and the UDF module
    manifest = json.loads((tmp_path / ".kpi-scorecard" / "install.json").read_text(encoding="utf-8"))
    assert str(result.addin) in manifest["files"]

    removed = uninstall(platform="win32", home=tmp_path, env=env)
    assert result.addin in removed
    assert not result.addin.exists()
    assert not (tmp_path / ".kpi-scorecard").exists()
    assert uninstall(platform="win32", home=tmp_path, env=env) == []


def test_mac_install_adds_the_applescript_and_keeps_an_existing_one(tmp_path):
    result = install("zh", platform="darwin", home=tmp_path, env={}, interpreter="/usr/bin/python3")
    scripts = tmp_path / "Library/Application Scripts/com.microsoft.Excel"
    applescript = next(scripts.glob("xlwings-*.applescript"))
    assert applescript in result.created
    assert read_settings(result.addin)["Interpreter_Mac"] == "/usr/bin/python3"
    assert any("KPIRibbon.bas" in step for step in result.next_steps)
    # a second install keeps the record, uninstall removes what install created
    install("zh", platform="darwin", home=tmp_path, env={}, interpreter="/usr/bin/python3")
    uninstall(platform="darwin", home=tmp_path, env={})
    assert not applescript.exists() and not result.addin.exists()

    applescript.parent.mkdir(parents=True, exist_ok=True)
    applescript.write_text("theirs")  # installed by `xlwings runpython install`: not ours to remove
    install("zh", platform="darwin", home=tmp_path, env={})
    uninstall(platform="darwin", home=tmp_path, env={})
    assert applescript.read_text() == "theirs"


def test_trust_error_leaves_nothing_installed(tmp_path):
    def refuse(addin, bas):
        raise AddinInstallError("Excel does not allow access to the add-in's VBA project. " + addin_install.TRUST_STEPS)

    with pytest.raises(AddinInstallError, match="Trust access to the VBA project object model"):
        install("zh", platform="win32", home=tmp_path, env={}, import_vba=refuse)
    assert not platform_paths("win32", tmp_path, {}).addin.exists()


@pytest.mark.skipif(sys.platform.startswith(("win", "darwin")), reason="the Linux message")
@pytest.mark.parametrize("action", ["install", "uninstall"])
def test_linux_says_what_to_do_instead(action, capsys):
    assert main(["addin", action, "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: the Excel add-in needs desktop Excel on Windows or macOS")
    assert "kpi addin lite" in err and "portable" in err
    assert "Traceback" not in err


def test_mac_reinstall_keeps_the_imported_ribbon_module(tmp_path):
    from addin.excel.build import VBA_PART, vba_project

    first = install("zh", platform="darwin", home=tmp_path, env={})
    assert any("Import File" in step for step in first.next_steps)
    # the user imports KPIRibbon.bas in the VBA editor and saves: Excel rewrites vbaProject.bin
    saved = tmp_path / "saved.xlam"
    with zipfile.ZipFile(first.addin) as zin, zipfile.ZipFile(saved, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, data + b"KPIRibbon" if item.filename == VBA_PART else data)
    saved.replace(first.addin)
    again = install("en", platform="darwin", home=tmp_path, env={})
    assert vba_project(again.addin).endswith(b"KPIRibbon")
    assert read_settings(again.addin)["KPI_LANG"] == "en"  # ribbon and settings are fresh
    assert any("kept" in step for step in again.next_steps)


def test_mac_reinstall_asks_again_when_the_module_changed(tmp_path, monkeypatch):
    from addin.excel.build import VBA_PART

    first = install("zh", platform="darwin", home=tmp_path, env={})
    saved = tmp_path / "saved.xlam"
    with zipfile.ZipFile(first.addin) as zin, zipfile.ZipFile(saved, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, data + b"old module" if item.filename == VBA_PART else data)
    saved.replace(first.addin)
    monkeypatch.setattr(addin_install, "bas_text", lambda: "Attribute VB_Name = \"KPIRibbon\"\r\n' newer\r\n")
    again = install("zh", platform="darwin", home=tmp_path, env={})
    assert any("Import File" in step for step in again.next_steps)
