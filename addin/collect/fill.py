"""`kpi fill`: copy collected actuals into scorecards by patching the sheet XML inside the zip.

Only the ``actual`` and ``source`` cells of indicators with a collected value change; every
other part of the workbook is copied byte for byte (styles, validations, protection, names,
tables, macros). The cells are found through ``tblKPI`` and its header texts (FORMAT.md),
never through fixed addresses. Inputs are never modified; copies go to an output folder
and an existing file there is replaced only with ``force``.
"""

from __future__ import annotations

import math
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import ElementTree

from addin.collect.actuals_workbook import CollectedActual, read_actuals
from addin.collect.folding import fold_values
from addin.contract import findings as F
from addin.contract.errors import UsageError
from addin.contract.messages import render
from addin.contract.schema import KPI, SIZES
from addin.contract.standard import default_rows
from addin.xlsx.a1 import a1
from addin.xlsx.atomic import atomic_path
from addin.xlsx.discovery import SCORECARD_SUFFIXES, discover, shown_path
from addin.xlsx.isolation import Fault, fault_reason, run_isolated
from addin.xlsx.output import check_output_files, check_output_folder
from addin.xlsx.reader import Scorecard, read_scorecard, unreadable_scorecard
from addin.xlsx.recalc import ask_to_recalculate
from addin.xlsx.safety import Reason, UnsafeFile, open_zip, os_reason, read_member
from addin.xlsx.values import value_text
from addin.xlsx.xml_text import cell_text, needs_preserve

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def indicator_aliases() -> dict[str, str]:
    """Folded indicator name -> one folded key shared by its zh and en names (standard indicators)."""
    out: dict[str, str] = {}
    for size in SIZES:
        for zh, en in zip(default_rows(size, "zh"), default_rows(size, "en")):
            key = fold_values([zh["indicator"]])[0]
            out[key] = key
            out[fold_values([en["indicator"]])[0]] = key
    return out


def indicator_key(name: str, aliases: dict[str, str] | None = None) -> str:
    """The name an indicator is matched by: folded, zh and en names of standard indicators as one."""
    folded = fold_values([name])[0]
    return (aliases if aliases is not None else indicator_aliases()).get(folded, folded)


def actuals_by_manager(actuals: list[CollectedActual]) -> dict[str, dict[str, CollectedActual]]:
    """Folded manager id -> indicator key -> collected actual (blank actuals left out)."""
    aliases = indicator_aliases()
    out: dict[str, dict[str, CollectedActual]] = {}
    for item in actuals:
        if item.actual is None or not math.isfinite(item.actual):
            continue
        out.setdefault(fold_values([item.manager_id])[0], {})[indicator_key(item.indicator, aliases)] = item
    return out


@dataclass
class FillReport:
    """What `kpi fill` did: one line per scorecard, findings, the copies written."""

    lines: list[str] = field(default_factory=list)
    findings: list[F.Finding] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    failed: bool = False


@dataclass(frozen=True)
class CellPatch:
    """A new value for one cell: a number or a text."""

    ref: str
    number: float | None = None
    text: str | None = None


# ---------------------------------------------------------------------------------- sheet XML patch

def _cell_xml(patch: CellPatch, style: str) -> str:
    s = f' s="{style}"' if style else ""
    if patch.number is not None:
        return f'<c r="{patch.ref}"{s}><v>{patch.number!r}</v></c>'
    text = patch.text or ""
    space = ' xml:space="preserve"' if needs_preserve(text) else ""
    return f'<c r="{patch.ref}"{s} t="inlineStr"><is><t{space}>{cell_text(text)}</t></is></c>'


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


_CELL = re.compile(r'<c r="([A-Z]+)(\d+)"[^>]*?(?:/>|>.*?</c>)', re.S)
_STYLE = re.compile(r'\ss="(\d+)"')


def patch_sheet(xml: str, patches: list[CellPatch]) -> str:
    """The sheet XML with each patched cell replaced (its style kept) or inserted in column order."""
    for patch in patches:
        letters, row = re.fullmatch(r"([A-Z]+)(\d+)", patch.ref).groups()  # type: ignore[union-attr]
        found = re.search(rf'<c r="{patch.ref}"(?=[\s/>])[^>]*?(?:/>|>.*?</c>)', xml, re.S)
        if found:
            head = xml[found.start():found.end()].split(">", 1)[0]
            style = _STYLE.search(head)
            xml = xml[:found.start()] + _cell_xml(patch, style[1] if style else "") + xml[found.end():]
            continue
        xml = _insert_cell(xml, patch, int(row), _column_number(letters))
    return xml


def _insert_cell(xml: str, patch: CellPatch, row: int, column: int) -> str:
    found = re.search(rf'<row r="{row}"(?=[\s/>])[^>]*?(/?)>', xml)
    if found is None:
        rows = [(int(m[1]), m.start()) for m in re.finditer(r'<row r="(\d+)"', xml)]
        at = next((start for number, start in rows if number > row), None)
        if at is None:
            at = xml.index("</sheetData>") if "</sheetData>" in xml else None
        if at is None:  # <sheetData/>: an empty sheet
            return xml.replace("<sheetData/>", f'<sheetData><row r="{row}">{_cell_xml(patch, "")}</row></sheetData>')
        return xml[:at] + f'<row r="{row}">{_cell_xml(patch, "")}</row>' + xml[at:]
    if found[1] == "/":  # <row r="5"/>
        opening = xml[found.start():found.end() - 2] + ">"
        return xml[:found.start()] + opening + _cell_xml(patch, "") + "</row>" + xml[found.end():]
    end = xml.index("</row>", found.end())
    body = xml[found.end():end]
    at = len(body)
    for cell in _CELL.finditer(body):
        if _column_number(cell[1]) > column:
            at = cell.start()
            break
    body = body[:at] + _cell_xml(patch, "") + body[at:]
    return xml[:found.end()] + body + xml[end:]


def _sheet_part(opened, sheet: str) -> str:
    """The zip member of worksheet ``sheet`` (workbook.xml + its relationships)."""
    workbook = ElementTree.fromstring(read_member(opened, "xl/workbook.xml"))
    rels = ElementTree.fromstring(read_member(opened, "xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG}Relationship")}
    for element in workbook.iter(f"{_NS_MAIN}sheet"):
        if element.get("name") == sheet:
            target = targets.get(element.get(f"{_NS_REL}id"), "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    raise UnsafeFile("sheet_missing", sheet=sheet)


def write_patched(source: Path, target: Path, sheet: str, patches: list[CellPatch]) -> None:
    """Copy ``source`` to ``target`` (atomically) with ``patches`` applied to worksheet ``sheet``."""
    data = source.read_bytes()
    opened = open_zip(data)
    part = _sheet_part(opened, sheet)
    xml = read_member(opened, part).decode("utf-8")
    patched = patch_sheet(xml, patches).encode("utf-8")
    with atomic_path(target) as temp, zipfile.ZipFile(temp, "w") as out:
        for info in opened.zf.infolist():
            data = patched if info.filename == part else opened.zf.read(info)
            if info.filename == "xl/workbook.xml":  # the cached results no longer fit the inputs
                data = ask_to_recalculate(data)
            out.writestr(info, data)


# ------------------------------------------------------------------------------------ scorecards

def _number(value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).replace(",", "").strip())
    except ValueError:
        return None


def _shown_number(value) -> str:
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def plan_card(card: Scorecard, collected: dict[str, CollectedActual], lang: str,
              report: FillReport) -> list[CellPatch]:
    """The cell patches of one scorecard, reporting each replaced non-blank actual (ACTUAL_REPLACED)."""
    table = card.tables.get(KPI.name)
    if table is None or "indicator" not in table.columns or "actual" not in table.columns:
        return []
    aliases = indicator_aliases()
    patches = []
    for index in range(len(table.rows)):
        name = table.value(index, "indicator")
        if name is None or str(name).strip() == "":
            continue
        item = collected.get(indicator_key(str(name), aliases))
        if item is None or item.actual is None:
            continue
        old = table.value(index, "actual")
        row = table.header_row + 1 + index
        ref = a1(row, table.columns["actual"])
        old_number = _number(old)
        if old not in (None, "") and (old_number is None or abs(old_number - item.actual) > 1e-9 * max(1.0, abs(item.actual))):
            report.findings.append(F.make("ACTUAL_REPLACED", lang, file=card.path, sheet=table.sheet, cell=ref,
                                          row=row + 1, indicator=str(name), old=_shown_number(old),
                                          new=_shown_number(item.actual)))
        patches.append(CellPatch(ref, number=item.actual))
        if "source" in table.columns:
            patches.append(CellPatch(a1(row, table.columns["source"]), text=item.source_text(lang)))
    return patches


def fill_scorecards(paths, actuals_path, out_dir, lang: str = "zh", force: bool = False) -> FillReport:
    """Write a filled copy of each scorecard into ``out_dir`` (same file names).

    Raises:
        UsageError, before anything is read or written: ``out_dir`` or a copy's path refused by the
            one output check (:mod:`addin.xlsx.output`: a file or device, inside an input folder,
            an input, two scorecards of one name, an existing file without ``force``), no
            scorecards, an unreadable actuals workbook.
    """
    inputs = [*paths, actuals_path]
    out_dir = check_output_folder(out_dir, inputs=inputs)
    found = discover(paths, exclude=[actuals_path])
    files = [f.path for f in found if f.readable and f.path.suffix.lower() in SCORECARD_SUFFIXES]
    if not files:
        raise UsageError("collect_no_scorecards", path=", ".join(map(str, paths)))
    targets = check_output_files([out_dir / path.name for path in files], suffixes=SCORECARD_SUFFIXES,
                                 inputs=inputs, force=force)
    planned = list(zip(files, targets))
    actuals = actuals_by_manager(read_actuals(actuals_path))
    # each scorecard read in a worker within the per-file budget: a file that hangs or kills
    # its reader costs that file, never the run (addin.xlsx.isolation)
    cards = run_isolated(read_scorecard, [str(path) for path in files], _fault_card)
    report = FillReport()
    for item in found:  # every input gets its line: a FIFO, a link loop, litter, an .xls are never dropped silently
        if item.unreadable is not None:
            report.failed = True
            reason = item.unreadable.render(lang)
            report.findings.append(F.make("FILE_UNREADABLE", lang, file=str(item.path), reason=reason))
            report.lines.append(render("collect.fill_unreadable", lang, file=shown_path(item.path), reason=reason))
        elif item.skip is not None:
            report.lines.append(render("collect.fill_unreadable", lang, file=shown_path(item.path),
                                       reason=item.skip.render(lang)))
        elif item.path.suffix.lower() not in SCORECARD_SUFFIXES:
            report.lines.append(render("collect.fill_other_kind", lang, file=shown_path(item.path)))
    for (path, target), card in zip(planned, cards):
        _fill_one(path, card, target, actuals, lang, report)
    return report


def _fault_card(path: str, fault: Fault) -> Scorecard:
    return unreadable_scorecard(path, fault_reason(fault))


def _fill_one(path: Path, card: Scorecard, target: Path, actuals, lang: str, report: FillReport) -> None:
    shown_name = shown_path(path)
    if not card.ok:
        report.failed = True
        reason = card.problem.render(lang) if card.problem else ""
        report.findings.extend(F.make(f.code, lang, file=f.file, reason=reason) for f in card.findings)
        report.lines.append(render("collect.fill_unreadable", lang, file=shown_name,
                                   reason=reason or "; ".join(f.message for f in card.findings)))
        return
    id_cell = card.names.get("kpi_manager_id")
    manager_id = value_text(id_cell.value) if id_cell is not None else ""
    collected = actuals.get(fold_values([manager_id])[0], {})
    if not collected:
        report.lines.append(render("collect.fill_skipped", lang, file=shown_name, manager_id=manager_id or "-"))
        return
    patches = plan_card(card, collected, lang, report)
    if not patches:
        report.lines.append(render("collect.fill_skipped", lang, file=shown_name, manager_id=manager_id))
        return
    table = card.tables[KPI.name]
    try:
        write_patched(path, target, table.sheet, patches)
    except UnsafeFile as exc:
        report.failed = True
        report.lines.append(render("collect.fill_unreadable", lang, file=shown_name, reason=exc.reason.render(lang)))
        return
    except (OSError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
        report.failed = True
        reason = os_reason(exc) if isinstance(exc, OSError) else Reason("corrupt_zip", {"error": type(exc).__name__})
        report.lines.append(render("collect.fill_unreadable", lang, file=shown_name, reason=reason.render(lang)))
        return
    report.outputs.append(target)
    count = sum(1 for p in patches if p.number is not None)
    report.lines.append(render("collect.filled", lang, file=shown_name, count=count, output=str(target)))
