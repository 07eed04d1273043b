"""`kpi addin install` / `uninstall` against a temporary home (the COM step is faked)."""

from __future__ import annotations

import json
import re
import sys
import zipfile
from pathlib import Path

import pytest

from addin.cli import main
from addin.excel.build import ADDIN_NAME, read_settings, vba_project
from addin.excel.install import AddinInstallError, install, platform_paths, uninstall
from addin.excel.vbaproject.project import modules


def _fake_import(calls):
    def import_vba(addin, bas):
        assert zipfile.is_zipfile(addin)
        assert "KPIRibbon" in modules(vba_project(addin))  # the ribbon is in the built add-in already
        if bas is not None:
            text = bas.read_bytes()
            assert b"\r\n" in text and b"\n" not in text.replace(b"\r\n", b"")  # CRLF only
            assert b"%ASK_" not in text  # the module as built, constants filled in
        calls.append((addin.name, bas.name if bas else None))
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
    assert calls == [(f"build_{ADDIN_NAME}", None)]  # only the UDF wrappers go through Excel
    assert "KPIRibbon" in modules(vba_project(result.addin))
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
    assert "KPIRibbon" in modules(vba_project(result.addin))  # no manual import on the Mac
    assert not any("Import File" in step or "KPIRibbon" in step for step in result.next_steps)
    # a second install keeps the record, uninstall removes what install created
    install("zh", platform="darwin", home=tmp_path, env={}, interpreter="/usr/bin/python3")
    uninstall(platform="darwin", home=tmp_path, env={})
    assert not applescript.exists() and not result.addin.exists()

    applescript.parent.mkdir(parents=True, exist_ok=True)
    applescript.write_text("theirs")  # installed by `xlwings runpython install`: not ours to remove
    install("zh", platform="darwin", home=tmp_path, env={})
    uninstall(platform="darwin", home=tmp_path, env={})
    assert applescript.read_text() == "theirs"


def test_without_trust_access_the_ribbon_is_installed_and_the_functions_explained(tmp_path):
    def refuse(addin, bas):
        raise AddinInstallError("addin_no_vba_access")

    result = install("en", platform="win32", home=tmp_path, env={}, import_vba=refuse)
    assert result.addin.is_file() and "KPIRibbon" in modules(vba_project(result.addin))
    assert any("Trust access to the VBA project object model" in step for step in result.next_steps)
    assert not any("were imported" in step for step in result.next_steps)


def test_com_import_fallback_imports_the_ribbon_module_and_fails_loudly_without_trust(tmp_path):
    calls = []
    install("en", platform="win32", home=tmp_path, env={}, import_vba=_fake_import(calls), com_import=True)
    assert calls == [(f"build_{ADDIN_NAME}", "KPIRibbon.bas")]
    uninstall(platform="win32", home=tmp_path, env={})

    def refuse(addin, bas):
        raise AddinInstallError("addin_no_vba_access")

    with pytest.raises(AddinInstallError, match="Trust access to the VBA project object model"):
        install("zh", platform="win32", home=tmp_path, env={}, import_vba=refuse, com_import=True)
    assert not platform_paths("win32", tmp_path, {}).addin.exists()


@pytest.mark.skipif(sys.platform.startswith(("win", "darwin")), reason="the Linux message")
@pytest.mark.parametrize("action", ["install", "uninstall"])
def test_linux_says_what_to_do_instead(action, capsys):
    assert main(["addin", action, "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: the Excel add-in needs desktop Excel on Windows or macOS")
    assert "kpi addin lite" in err and "portable" in err
    assert "Traceback" not in err


def test_reinstall_replaces_the_ribbon_module_with_the_current_one(tmp_path):
    first = install("zh", platform="darwin", home=tmp_path, env={})
    again = install("en", platform="darwin", home=tmp_path, env={})
    assert list(modules(vba_project(again.addin))).count("KPIRibbon") == 1
    assert modules(vba_project(again.addin)) == modules(vba_project(first.addin))
    assert read_settings(again.addin)["KPI_LANG"] == "en"


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_next_steps_follow_the_language(tmp_path, platform):
    zh = install("zh", platform=platform, home=tmp_path / "zh", env={}, import_vba=_fake_import([]))
    en = install("en", platform=platform, home=tmp_path / "en", env={}, import_vba=_fake_import([]))
    assert zh.next_steps and all(re.search(r"[\u4e00-\u9fff]", step) for step in zh.next_steps)
    assert all(step.startswith(("Start Excel", "The KPI", "Quit Excel", "Excel >", "Classic")) for step in en.next_steps)
