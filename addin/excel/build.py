"""`kpi addin build`: kpi_scorecard.xlam, the KPI ribbon on top of xlwings' quickstart add-in.

The add-in starts as a copy of the ``quickstart_addin_ribbon.xlam`` that ships with the
installed xlwings (what ``xlwings quickstart NAME --addin --ribbon`` copies). It carries
xlwings' BSD-licensed VBA (``xl/vbaProject.bin``: RunPython, GetConfig, the UDF importer)
and a ``customUI/customUI.xml`` part. We edit the zip:

* ``customUI/customUI.xml`` is replaced by the KPI tab generated from :data:`addin.excel.ribbon.BUTTONS`;
* ``xl/vbaProject.bin`` gets the ribbon's callback module ``KPIRibbon`` (from
  ``addin/excel/vba/KPIRibbon.bas``, with the buttons that ask for a folder or a file filled in)
  as a source-only module next to xlwings' modules, which are kept byte for byte
  (:mod:`addin.excel.vbaproject`); Excel compiles it when it opens the add-in;
* the add-in's config sheet ``_myaddin.conf`` becomes ``myaddin.conf`` (xlwings' VBA reads its
  settings from a sheet of that name, because its compiled ``PROJECT_NAME`` is "myaddin") and
  holds ``UDF Modules`` and the ribbon language; ``kpi addin install`` adds the interpreter
  and PYTHONPATH of the machine.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import xlwings

from addin.contract.errors import KpiError
from addin.contract.messages import CATALOG
from addin.excel.ribbon import BUTTONS, GROUPS, MEMORY_FOLDER, TAB_ID, TAB_LABEL, encode_hex
from addin.excel.vbaproject.cfb import CompoundFileError
from addin.excel.vbaproject.compression import CompressionError
from addin.excel.vbaproject.project import StandardModule, VbaProjectError, add_modules
from addin.xlsx.atomic import atomic_path
from addin.xlsx.output import check_output_files, check_output_folder
from addin.xlsx.xml_text import attribute, cell_text, needs_preserve, read_cell_text

ADDIN_NAME = "kpi_scorecard.xlam"
QUICKSTART_NAME = "quickstart_addin_ribbon.xlam"
CUSTOMUI_NS = "http://schemas.microsoft.com/office/2006/01/customui"
CUSTOMUI_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
CUSTOMUI_PART = "customUI/customUI.xml"
VBA_PART = "xl/vbaProject.bin"
VBA_CALLBACK = "KPIRibbon_OnAction"
VBA_MODULE = "KPIRibbon"
VBA_SOURCE = Path(__file__).with_name("vba") / f"{VBA_MODULE}.bas"
PROJECT_NAME = "myaddin"  # the PROJECT_NAME constant compiled into the quickstart's VBA
CONFIG_SHEET = f"{PROJECT_NAME}.conf"
UDF_MODULES = "udfs.excel_functions"
FIXED_DATE = (2024, 1, 1, 0, 0, 0)  # reproducible zip entries for the parts we write


def quickstart_addin() -> Path:
    """The quickstart ribbon add-in of the installed xlwings."""
    path = Path(xlwings.__file__).parent / QUICKSTART_NAME
    if not path.is_file():
        raise KpiError("quickstart_missing", name=QUICKSTART_NAME, folder=str(path.parent))
    return path


def ribbon_module() -> StandardModule:
    """The ribbon's VBA module as the built add-in holds it: KPIRibbon.bas with the buttons filled in.

    ``ASK_FOLDER`` / ``ASK_FILE`` list (as ``|id|id|``) the buttons whose ``asks`` is "folder" /
    "file", so a new button needs no VBA of its own.
    """
    text = VBA_SOURCE.read_text(encoding="ascii")
    for asks in ("folder", "file"):
        ids = "".join(f"|{b.id}" for b in BUTTONS if b.asks == asks)
        text = text.replace(f"%ASK_{asks.upper()}%", f"{ids}|" if ids else "")
    text = text.replace("%MEMORY_FOLDER%", MEMORY_FOLDER)
    return StandardModule(VBA_MODULE, text.replace("'%TEXTS%\n", vba_texts()))


VBA_TEXTS = "ribbon.vba."  # the catalog texts KPIRibbon.bas shows (KPIRibbon_Say)
_HEX_CHUNK = 480  # hex digits per VBA line (a line holds at most 1023 characters)


def vba_texts() -> str:
    """The ``Case`` lines of KPIRibbon_Say: each ``ribbon.vba.<key>`` text in each language as
    UTF-16 hex, so the ASCII module shows Chinese on any code page (and every text is the catalog's)."""
    lines = []
    for key, text in CATALOG.items():
        if not key.startswith(VBA_TEXTS):
            continue
        for lang, words in (("zh", text.zh), ("en", text.en)):
            digits = encode_hex(words)
            lines.append(f'    Case "{key.removeprefix(VBA_TEXTS)}.{lang}"')
            chunks = [digits[i:i + _HEX_CHUNK] for i in range(0, len(digits), _HEX_CHUNK)] or [""]
            lines.append(f'        h = "{chunks[0]}"')
            lines += [f'        h = h & "{chunk}"' for chunk in chunks[1:]]
    return "\n".join(lines) + "\n"


def customui_xml(lang: str = "zh") -> bytes:
    """The KPI tab as customUI XML: labels and screen tips in ``lang``, built-in icons."""
    lines = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
             f'<customUI xmlns="{CUSTOMUI_NS}">', "  <ribbon>", "    <tabs>",
             f'      <tab id="{attribute(TAB_ID)}" label="{attribute(TAB_LABEL[lang])}">']
    for group in GROUPS:
        lines.append(f'        <group id="{attribute(group.id)}" label="{attribute(group.label(lang))}">')
        for button in (b for b in BUTTONS if b.group == group.id):
            label = attribute(button.label(lang))
            lines.append(f'          <button id="{attribute(button.id)}" label="{label}" size="{button.size}" '
                         f'imageMso="{attribute(button.image)}" screentip="{label}" '
                         f'supertip="{attribute(button.tip(lang))}" onAction="{VBA_CALLBACK}"/>')
        lines.append("        </group>")
    lines += ["      </tab>", "    </tabs>", "  </ribbon>", "</customUI>"]
    return "\n".join(lines).encode("utf-8")


def config_sheet_xml(settings: list[tuple[str, str]]) -> bytes:
    """The worksheet part of the config sheet: key in column A, value in column B, inline strings.

    xlwings' GetConfigFromSheet reads A1 down to the first blank and upper-cases the keys.
    """
    rows = []
    for r, (key, value) in enumerate(settings, start=1):
        cells = f'<c r="A{r}" t="inlineStr"><is><t>{cell_text(str(key))}</t></is></c>'
        if value not in (None, ""):
            space = ' xml:space="preserve"' if needs_preserve(str(value)) else ""
            cells += f'<c r="B{r}" t="inlineStr"><is><t{space}>{cell_text(str(value))}</t></is></c>'
        rows.append(f'<row r="{r}">{cells}</row>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheetPr codeName="Sheet2"/>'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15.75"/>'
        '<cols><col min="1" max="1" width="22" customWidth="1"/><col min="2" max="2" width="60" customWidth="1"/></cols>'
        f'<sheetData>{"".join(rows)}</sheetData>'
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        '</worksheet>'
    ).encode()


def default_settings(lang: str = "zh") -> list[tuple[str, str]]:
    """Settings every built add-in carries; install adds the machine's interpreter and PYTHONPATH."""
    return [("UDF Modules", UDF_MODULES), ("KPI_LANG", lang)]


def _config_sheet_part(parts: dict[str, bytes]) -> str:
    """Path of the worksheet part of the config sheet (found through workbook.xml and its rels)."""
    workbook = parts["xl/workbook.xml"].decode("utf-8")
    match = re.search(r'<sheet [^>]*name="_?' + re.escape(CONFIG_SHEET) + r'"[^>]*r:id="([^"]+)"', workbook)
    if not match:
        raise KpiError("quickstart_layout", problem=f"no {CONFIG_SHEET} sheet")
    rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
    target = re.search(r'<Relationship [^>]*Id="' + re.escape(match.group(1)) + r'"[^>]*Target="([^"]+)"', rels)
    if not target:
        target = re.search(r'<Relationship [^>]*Target="([^"]+)"[^>]*Id="' + re.escape(match.group(1)) + '"', rels)
    return "xl/" + target.group(1).lstrip("/").removeprefix("xl/")


def rewrite_addin(source: str | Path, target: str | Path, lang: str = "zh",
                  settings: list[tuple[str, str]] | None = None, vba_project: bytes | None = None) -> Path:
    """Copy the add-in ``source`` to ``target`` with the KPI ribbon, its VBA module and the given settings.

    ``vba_project``: a vbaProject.bin to start from instead of the source's; its KPIRibbon
    module, if any, is replaced by the current one.
    """
    settings = default_settings(lang) if settings is None else settings
    with zipfile.ZipFile(source) as zin:
        infos = zin.infolist()
        parts = {info.filename: zin.read(info.filename) for info in infos}
    try:
        parts[VBA_PART] = add_modules(parts[VBA_PART] if vba_project is None else vba_project, [ribbon_module()])
    except (VbaProjectError, CompressionError, CompoundFileError) as exc:
        raise KpiError("addin_vba_project", path=str(source), reason=str(exc)) from None
    sheet_part = _config_sheet_part(parts)
    parts[CUSTOMUI_PART] = customui_xml(lang)
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        f'name="_{CONFIG_SHEET}"'.encode(), f'name="{CONFIG_SHEET}"'.encode())
    parts[sheet_part] = config_sheet_xml(settings)
    _check_customui_relationship(parts)
    with atomic_path(target) as temp, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as zout:
        names = [info.filename for info in infos]
        if CUSTOMUI_PART not in names:
            names.append(CUSTOMUI_PART)
        for name in names:
            zout.writestr(zipfile.ZipInfo(name, FIXED_DATE), parts[name], zipfile.ZIP_DEFLATED)
    return Path(target)


def _check_customui_relationship(parts: dict[str, bytes]) -> None:
    rels = parts.get("_rels/.rels", b"").decode("utf-8")
    if CUSTOMUI_REL not in rels or f'Target="{CUSTOMUI_PART}"' not in rels.replace('Target="/', 'Target="'):
        raise KpiError("quickstart_layout", problem="_rels/.rels does not point at customUI/customUI.xml")


def vba_project(addin: str | Path) -> bytes:
    """The binary VBA project of an add-in."""
    with zipfile.ZipFile(addin) as z:
        return z.read(VBA_PART)


def read_settings(addin: str | Path) -> dict[str, str]:
    """The config sheet of a built add-in as {key: value} (for tests and `kpi addin install`)."""
    with zipfile.ZipFile(addin) as z:
        parts = {name: z.read(name) for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")}
        sheet = z.read(_config_sheet_part(parts))
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    out = {}
    for row in ET.fromstring(sheet).iterfind(".//m:row", ns):
        texts = {c.get("r")[0]: read_cell_text("".join(t.text or "" for t in c.iterfind(".//m:t", ns)))
                 for c in row.iterfind("m:c", ns)}
        if texts.get("A"):
            out[texts["A"]] = texts.get("B", "")
    return out


def build_addin(output_dir: str | Path = ".", lang: str = "zh",
                settings: list[tuple[str, str]] | None = None, force: bool = False) -> Path:
    """Write ``output_dir/kpi_scorecard.xlam``; returns its path.

    The folder and the file go through the one output check (:mod:`addin.xlsx.output`, UsageError):
    an existing file is replaced only if ``force``; a folder or a device in its place never.
    """
    output_dir = check_output_folder(output_dir)
    (target,) = check_output_files([output_dir / ADDIN_NAME], suffixes=(".xlam",), force=force)
    return rewrite_addin(quickstart_addin(), target, lang, settings)
