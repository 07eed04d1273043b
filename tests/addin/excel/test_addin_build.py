"""The built add-in: a valid .xlam whose ribbon reaches VBA that exists and Python handlers that exist."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from support.paths import ROOT

from addin.cli import main
from addin.contract.messages import CATALOG
from addin.excel import build as addin_build
from addin.excel import ribbon
from addin.excel.build import ADDIN_NAME, CUSTOMUI_NS, CUSTOMUI_PART, CUSTOMUI_REL, build_addin, read_settings

BAS = ROOT / "addin" / "excel" / "vba" / "KPIRibbon.bas"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
Q = f"{{{CUSTOMUI_NS}}}"


@pytest.fixture(scope="module", params=["zh", "en"])
def built(request, tmp_path_factory):
    path = build_addin(tmp_path_factory.mktemp(request.param), request.param)
    return request.param, path


def _customui(path) -> ET.Element:
    with zipfile.ZipFile(path) as z:
        return ET.fromstring(z.read(CUSTOMUI_PART))


def test_cli_build_writes_the_xlam(tmp_path, capsys):
    assert main(["addin", "build", "-o", str(tmp_path / "out"), "--lang", "en"]) == 0
    assert (tmp_path / "out" / ADDIN_NAME).is_file()
    assert ADDIN_NAME in capsys.readouterr().out


def test_cli_build_into_a_file_is_an_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["addin", "build", "-o", str(blocker), "--lang", "en"]) == 2  # the one output check: a usage error
    assert capsys.readouterr().err.startswith("Error: ")


def test_xlam_is_a_valid_zip_with_the_quickstart_parts(built):
    _, path = built
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        names = set(z.namelist())
        source = set(zipfile.ZipFile(addin_build.quickstart_addin()).namelist())
        assert names == source  # nothing lost, the customUI part replaced in place
        assert z.read("xl/vbaProject.bin") != zipfile.ZipFile(addin_build.quickstart_addin()).read("xl/vbaProject.bin")
        content_types = z.read("[Content_Types].xml").decode()
        assert "application/vnd.ms-excel.addin.macroEnabled.main+xml" in content_types


def test_root_relationship_points_at_the_customui_part(built):
    _, path = built
    with zipfile.ZipFile(path) as z:
        rels = ET.fromstring(z.read("_rels/.rels"))
        targets = [r.get("Target").lstrip("/") for r in rels.iter(f"{{{RELS_NS}}}Relationship")
                   if r.get("Type") == CUSTOMUI_REL]
        assert targets == [CUSTOMUI_PART]
        assert targets[0] in z.namelist()


def test_customui_is_the_kpi_tab_in_the_office_namespace(built):
    lang, path = built
    root = _customui(path)
    assert root.tag == Q + "customUI"
    tabs = root.findall(f"{Q}ribbon/{Q}tabs/{Q}tab")
    assert [t.get("label") for t in tabs] == [{"zh": "绩效考核", "en": "KPI"}[lang]]
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids)), "ids must be unique"
    buttons = list(root.iter(Q + "button"))
    assert {b.get("id") for b in buttons} == {b.id for b in ribbon.BUTTONS}
    for b in buttons:
        assert b.get("onAction") == addin_build.VBA_CALLBACK
        assert b.get("label") and b.get("supertip") and b.get("imageMso")
        assert b.get("size") in ("normal", "large")


def test_labels_and_tips_follow_the_language(built):
    lang, path = built
    labels = [b.get("label") + b.get("supertip") for b in _customui(path).iter(Q + "button")]
    has_cjk = [bool(re.search(r"[\u4e00-\u9fff]", text)) for text in labels]
    assert all(has_cjk) if lang == "zh" else not any(has_cjk)


def test_buttons_cover_every_job_of_the_issue():
    ids = {b.id for b in ribbon.BUTTONS}
    assert {"kpiNewSmall", "kpiNewMedium", "kpiNewLarge", "kpiValidate", "kpiRefresh", "kpiConsolidate",
            "kpiAnomalies", "kpiImportFunctions", "kpiHelp"} <= ids


def test_config_sheet_names_the_udf_module_and_is_active(built):
    lang, path = built
    assert read_settings(path) == {"UDF Modules": "udfs.excel_functions", "KPI_LANG": lang}
    with zipfile.ZipFile(path) as z:
        workbook = z.read("xl/workbook.xml").decode()
    # xlwings' VBA reads the sheet "<PROJECT_NAME>.conf"; a leading underscore would disable it
    assert 'name="myaddin.conf"' in workbook and "_myaddin.conf" not in workbook


# ----------------------------------------------------------------------------- VBA <-> Python

def _vba_procedures(text: str) -> set[str]:
    return set(re.findall(r"^\s*(?:Public |Private )?(?:Sub|Function) (\w+)", text, re.M))


def _quickstart_vba_names() -> set[str]:
    """Procedures of xlwings' VBA module inside the add-in.

    vbaProject.bin stores the source compressed; xlwings ships the same module as text
    (xlwings_custom_addin.bas, PROJECT_NAME "myaddin"); olevba on the binary lists the same
    43 procedures (checked when the add-in was designed).
    """
    import xlwings

    text = (Path(xlwings.__file__).parent / "xlwings_custom_addin.bas").read_text(encoding="utf-8", errors="replace")
    return _vba_procedures(text)


def test_every_on_action_maps_to_a_vba_callback_that_exists(built):
    _, path = built
    bas = addin_build.ribbon_module().text()
    assert re.search(r'^Attribute VB_Name = "KPIRibbon"', bas, re.M)
    actions = {b.get("onAction") for b in _customui(path).iter(Q + "button")}
    for action in actions:
        assert re.search(rf"^Public Sub {action}\(control As IRibbonControl\)", bas, re.M), action


def test_every_button_is_handled_in_vba_or_by_a_python_handler():
    bas = addin_build.ribbon_module().text()
    vba_cases = set(re.findall(r'Case "(\w+)"', bas))
    assert vba_cases <= {b.id for b in ribbon.BUTTONS}
    assert ribbon.VBA_ONLY <= vba_cases
    constants = dict(re.findall(r'Private Const (ASK_\w+) As String = "([|\w]*)"', bas))
    for button in ribbon.BUTTONS:
        assert button.asks in ribbon.ASKS, button.id
        assert button.id in ribbon.HANDLERS or button.id in ribbon.VBA_ONLY, button.id
        if button.id in ribbon.HANDLERS:
            assert callable(ribbon.HANDLERS[button.id])
        for asks in ("folder", "file"):
            assert (f"|{button.id}|" in constants[f"ASK_{asks.upper()}"]) == (button.asks == asks), button.id


def test_labels_in_column_one():
    """VBA line labels (the target of On Error GoTo) start in column 1."""
    bas = BAS.read_text(encoding="ascii")
    for label in set(re.findall(r"On Error GoTo ([A-Za-z]\w*)", bas)):
        assert re.search(rf"^{label}:", bas, re.M), label


def test_every_runpython_call_names_a_python_handler_that_exists():
    import importlib

    bas = BAS.read_text(encoding="ascii")
    calls = re.findall(r'RunPython "import ([\w.]+); " & (\w+)', bas)
    assert calls, "KPIRibbon.bas must call Python through RunPython"
    constants = dict(re.findall(r'Const (\w+) As String = "([\w.]+)"', bas))
    for module_name, target in calls:
        dotted = constants.get(target, target)
        module, _, function = dotted.rpartition(".")
        assert module == module_name
        assert callable(getattr(importlib.import_module(module), function))


def test_vba_calls_only_procedures_that_exist():
    bas = BAS.read_text(encoding="ascii")
    own = _vba_procedures(bas)
    xlwings_vba = _quickstart_vba_names()
    for name in ("RunPython", "GetConfig", "XLPy", "GetUdfModules", "ShowError"):
        assert name in xlwings_vba, f"{name} is not in xlwings' add-in VBA"
    for name in re.findall(r"\b(KPIRibbon_\w+)", bas):
        assert name in own, name


def test_vba_module_is_ascii_and_its_texts_are_the_catalogs():
    BAS.read_bytes().decode("ascii")  # imports the same on every code page
    bas = addin_build.ribbon_module().text()
    bas.encode("ascii")
    assert not re.search(r'MsgBox "|title = "', bas)  # no text of its own: every word comes from the catalog
    texts, key = {}, None
    for line in bas.splitlines():  # KPIRibbon_Say: Case "key.lang", then h = "hex" (h = h & "hex" ...)
        case = re.fullmatch(r'    Case "(\w+)\.(zh|en)"', line)
        if case:
            key = case.groups()
            texts[key] = ""
        elif key and (part := re.fullmatch(r'        h = (?:h & )?"([0-9A-F]*)"', line)):
            texts[key] += part.group(1)
        else:
            key = None
        assert len(line) < 1024, line  # the longest line VBA reads
    wanted = {(k.removeprefix("ribbon.vba."), lang): getattr(t, lang) for k, t in CATALOG.items()
              if k.startswith("ribbon.vba.") for lang in ("zh", "en")}
    assert {k: ribbon.decode_hex(v) for k, v in texts.items()} == wanted
    assert wanted[("title", "zh")] == "绩效考核" and ("use_last", "en") in wanted
    said = set(re.findall(r'KPIRibbon_Say\("(\w+)", lang\)', bas))
    assert said == {k for k, _ in wanted}  # every text is shown, none is missing


def test_a_button_that_asks_for_a_file_offers_the_file_picked_last_first():
    bas = addin_build.ribbon_module().text()
    assert f'Private Const MEMORY_FOLDER As String = "{ribbon.MEMORY_FOLDER}"' in bas
    start = bas.index("Private Function KPIRibbon_OfferLast")
    offer = bas[start:bas.index("End Function", start)]
    assert '& id & ".last"' in offer and "KPIRibbon_Text(Trim$(" in offer  # the file remember_pick writes
    assert 'Environ("APPDATA")' in offer and 'Environ("HOME")' in offer
    assert "vbYesNoCancel" in offer and "cancelled = (answer = vbCancel)" in offer
    on_action = bas[bas.index("Public Sub KPIRibbon_OnAction"):bas.index("End Sub")]
    assert on_action.index("KPIRibbon_OfferLast(control.Id") < on_action.index("KPIRibbon_PickFile(lang)")


def test_hex_path_round_trip_matches_the_vba_encoding():
    path = "C:\\Users\\张三\\O'Brien & 100% 考核\\"
    encoded = ribbon.encode_hex(path)
    assert re.fullmatch(r"([0-9A-F]{4})+", encoded)
    assert ribbon.decode_hex(encoded) == path
    assert ribbon.decode_hex("") == ""


def test_cli_build_into_unusable_places_is_a_one_line_error(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    assert main(["addin", "build", "-o", str(tmp_path / "file" / "sub"), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: cannot write") and "Traceback" not in err
    (tmp_path / "out" / ADDIN_NAME).mkdir(parents=True)  # a folder where the add-in goes
    assert main(["addin", "build", "-o", str(tmp_path / "out"), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "is a folder" in err and "Traceback" not in err


def test_cli_build_never_replaces_an_existing_add_in_without_force(tmp_path, capsys):
    target = tmp_path / ADDIN_NAME
    target.write_bytes(b"the user's own add-in")
    assert main(["addin", "build", "-o", str(tmp_path), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "already exists" in err and "--force" in err and "Traceback" not in err
    assert target.read_bytes() == b"the user's own add-in"
    assert main(["addin", "build", "-o", str(tmp_path), "--force"]) == 0
    assert zipfile.is_zipfile(target)


def test_cli_lite_twice_into_one_folder_needs_force_and_refuses_unusable_places(tmp_path, capsys):
    out = tmp_path / "lite"
    assert main(["addin", "lite", "-o", str(out)]) == 0
    first = (out / "main.py").read_text(encoding="utf-8")
    (out / "main.py").write_text("# my edits", encoding="utf-8")
    capsys.readouterr()
    assert main(["addin", "lite", "-o", str(out), "--lang", "en"]) == 2  # the user's main.py is not replaced
    err = capsys.readouterr().err
    assert "already holds 2 of the files (main.py, requirements.txt)" in err and "--force" in err
    assert (out / "main.py").read_text(encoding="utf-8") == "# my edits"
    assert main(["addin", "lite", "-o", str(out), "--force"]) == 0
    assert (out / "main.py").read_text(encoding="utf-8") == first
    assert sorted(p.name for p in out.iterdir()) == ["main.py", "requirements.txt"]  # no temporary files left
    capsys.readouterr()
    (tmp_path / "file").write_text("x")
    for output, message in ((tmp_path / "file", "is a file"), (tmp_path / "file" / "sub", "cannot write")):
        assert main(["addin", "lite", "-o", str(output), "--lang", "en"]) == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err
    (tmp_path / "busy" / "main.py").mkdir(parents=True)
    assert main(["addin", "lite", "-o", str(tmp_path / "busy"), "--lang", "en"]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert not (tmp_path / "busy" / "requirements.txt").exists()  # all or nothing


def test_a_broken_vba_project_in_the_source_add_in_is_a_clear_error(tmp_path):
    from addin.contract.errors import KpiError

    source = tmp_path / "broken.xlam"
    with zipfile.ZipFile(addin_build.quickstart_addin()) as zin, zipfile.ZipFile(source, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, b"garbage" if item.filename == addin_build.VBA_PART else zin.read(item.filename))
    with pytest.raises(KpiError) as caught:
        addin_build.rewrite_addin(source, tmp_path / "out.xlam")
    assert "reinstall xlwings" in str(caught.value) and not (tmp_path / "out.xlam").exists()
