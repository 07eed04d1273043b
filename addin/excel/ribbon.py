"""The KPI ribbon: its buttons, and one handler per button.

A button's ``onAction`` is the VBA callback ``KPIRibbon_OnAction`` (``addin/excel/vba/KPIRibbon.bas``),
which hands ``control.Id`` to :func:`on_action` through xlwings' ``RunPython``. Each handler
works on the active workbook (``xw.Book.caller()``) and delegates to the same library
functions as the ``kpi`` command line (templates, validation, consolidation).

The module is split in two:

* Excel-free logic (rows of the findings sheet, cells to highlight, summary texts,
  output paths): pure functions, tested on real workbooks without Excel;
* the thin xlwings part (``_excel_*`` helpers and the handlers): a few lines each.
  xlwings is imported inside those functions only, so this module imports anywhere.
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import xlwings as xw
from openpyxl.utils import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from addin.collect.scorecard_import import import_into_scorecard
from addin.consolidation.consolidate import consolidate
from addin.contract.errors import KpiError, KpiInputError
from addin.contract.findings import ERROR, INFO, SEVERITY_ORDER, WARNING, Finding
from addin.contract.messages import counted, render
from addin.contract.schema import FINDINGS_OUT, MANAGERS_OUT
from addin.reports.cards import find_soffice, write_cards
from addin.validation.validate import validate_paths
from addin.xlsx.atomic import atomic_path
from addin.xlsx.discovery import SCORECARD_SUFFIXES, discover
from workbook_templates.generator import write_template

# ----------------------------------------------------------------------------- the ribbon

TAB_ID = "kpiTab"
TAB_LABEL = {lang: render("ribbon.tab", lang) for lang in ("zh", "en")}
ASKS = ("", "folder", "file")  # what Excel asks the user before a button's handler runs


@dataclass(frozen=True)
class Click:
    """What a click hands to a button's handler: the language and the folder or file Excel asked for."""

    lang: str
    path: str = ""


@dataclass(frozen=True)
class Group:
    """A group of the KPI tab; its label is the text ``ribbon.<id>``."""

    id: str

    def label(self, lang: str) -> str:
        return render(f"ribbon.{self.id}", lang)


@dataclass(frozen=True)
class Button:
    """A ribbon button: one entry of :data:`BUTTONS` is all the ribbon, the VBA and the dispatch need.

    ``id`` is ``control.Id`` in VBA; its label and screen tip are the texts ``ribbon.<id>`` and
    ``ribbon.<id>.tip`` (addin/contract/messages/ribbon.py). ``handler(click)`` does the work in
    Python; ``None`` marks the one button handled in VBA alone (importing UDFs must run inside
    Excel's own VBA project). ``asks`` = "folder" or "file": KPIRibbon.bas asks for it before
    calling the handler (the built add-in's VBA lists these buttons; see build.ribbon_module).
    """

    id: str
    group: str
    image: str  # built-in imageMso icon
    handler: Callable[[Click], None] | None
    size: str = "large"
    asks: str = ""

    def label(self, lang: str) -> str:
        return render(f"ribbon.{self.id}", lang)

    def tip(self, lang: str) -> str:
        return render(f"ribbon.{self.id}.tip", lang)


GROUPS = tuple(Group(g) for g in ("kpiGroupTemplates", "kpiGroupCheck", "kpiGroupTeam", "kpiGroupFunctions",
                                  "kpiGroupHelp"))

# Findings that come from the statistics over many files (the "Flag anomalies" button).
STATISTICS_CODES = frozenset({
    "EXTREME_ACHIEVEMENT", "SCORE_OUTLIER", "SELF_MANAGER_GAP", "LENIENT_REVIEWER",
    "SEVERE_REVIEWER", "FLAT_RATINGS", "TIER_ACTUAL_MISMATCH", "GRADE_QUOTA_EXCEEDED",
})

# ----------------------------------------------------------------------------- pure logic

# Every text is in the catalog (addin/contract/messages/ribbon.py); these are its per-language views.
FINDINGS_SHEET = {lang: render("ribbon.results_sheet", lang) for lang in ("zh", "en")}
RESULT_COLUMNS = ("severity", "code", "sheet", "cell", "message", "manager_id", "file")
FINDINGS_HEADERS = {lang: [render(f"ribbon.results.{c}", lang) for c in RESULT_COLUMNS] for lang in ("zh", "en")}
# Fill colours of highlighted cells (Excel's own "bad / neutral / note" styles) as RGB tuples.
HIGHLIGHT = {ERROR: (255, 199, 206), WARNING: (255, 235, 156), INFO: (221, 235, 247)}
TEAM_PREFIX = {lang: render("ribbon.team_prefix", lang) for lang in ("zh", "en")}


def norm_lang(lang: str | None) -> str:
    return "en" if (lang or "").strip().lower() == "en" else "zh"


def severity_label(severity: str, lang: str) -> str:
    return render(f"cli.severity.{severity}", lang)


def sorted_findings(findings) -> list[Finding]:
    """Errors first, then warnings and infos; within a severity by file, sheet, row, cell."""
    return sorted(findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.file, f.sheet,
                                           f.row or 0, f.cell, f.code))


def findings_rows(findings, lang: str = "zh") -> list[list]:
    """The findings sheet as rows: a header row, then one row per finding (worst first)."""
    rows = [list(FINDINGS_HEADERS[lang])]
    for f in sorted_findings(findings):
        rows.append([severity_label(f.severity, lang), f.code, f.sheet, f.cell, f.message,
                     f.manager_id, Path(f.file).name if f.file else ""])
    return rows


def _same_file(a: str | Path, b: str | Path) -> bool:
    if not a or not b:
        return False
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return str(a) == str(b)


def cells_to_highlight(findings, workbook: str | Path) -> dict[tuple[str, str], str]:
    """{(sheet, cell): worst severity} of the findings that point at a cell of ``workbook``."""
    cells: dict[tuple[str, str], str] = {}
    for f in findings:
        if not (f.sheet and f.cell) or not _same_file(f.file, workbook):
            continue
        for cell in _cells_of(f.cell):
            key = (f.sheet, cell)
            worst = cells.get(key)
            if worst is None or SEVERITY_ORDER.get(f.severity, 9) < SEVERITY_ORDER.get(worst, 9):
                cells[key] = f.severity
    return cells


def _cells_of(reference: str) -> list[str]:
    """'B5' -> ['B5']; 'B5:C6' stays one range; '$B$5' loses its dollars."""
    return [reference.replace("$", "")] if reference else []


def summary_text(findings, lang: str = "zh", checked: int = 1, extra: str = "") -> str:
    """A message box summary: counts per severity, the first errors, and what to look at."""
    counts = Counter(f.severity for f in findings)
    ordered = sorted_findings(findings)
    if not findings:
        head = render("ribbon.summary.clean", lang, checked=counted("ribbon.n_files", checked))
    else:
        head = render("ribbon.summary.counts", lang, checked=counted("ribbon.n_files", checked),
                      sheet=FINDINGS_SHEET[lang], **_severity_counts(counts))
    lines = [head] if not extra else [extra, head]
    for f in ordered[:3]:
        where = "!".join(p for p in (f.sheet, f.cell) if p)
        lines.append(f"- {f.code}{' ' + where if where else ''}: {f.message}")
    if len(ordered) > 3:
        lines.append(render("ribbon.summary.more", lang))
    return "\n".join(lines)


def manager_summary(managers, lang: str = "zh") -> str:
    """One line per recomputed manager (``validate.ManagerResult``): final score and grade by the engine."""
    lines = []
    for manager in [m for m in managers if m is not None][:5]:
        lines.append(render("ribbon.engine_check", lang, manager_id=manager.manager_id, quant=manager.quant,
                            final=f"{manager.final:.2f}" if manager.final is not None else "-",
                            grade=manager.grade or "-",
                            veto=render("ribbon.engine_check.veto", lang) if manager.veto else ""))
    return "\n".join(lines)


def consolidation_summary(result, lang: str = "zh") -> str:
    """Message after consolidating a folder: files merged/rejected, managers, findings, output."""
    files = result.files
    statuses = Counter(files["status"]) if hasattr(files, "columns") else Counter(f.status for f in files)
    counts = Counter(f.severity for f in result.findings)
    managers = len(result.managers) if result.managers is not None else 0
    return render("ribbon.team_written", lang, name=Path(result.output).name, merged=statuses["merged"],
                  rejected=statuses["rejected"], duplicate=statuses["duplicate"],
                  managers=counted("ribbon.n_managers", managers), sheet=FINDINGS_OUT.sheet(lang),
                  **_severity_counts(counts))


def _severity_counts(counts: Counter) -> dict:
    """"2 errors", "1 warning", "0 info" (错误 2 个 …) for the summaries."""
    return {"errors": counted("ribbon.n_errors", counts[ERROR]), "warnings": counted("ribbon.n_warnings", counts[WARNING]),
            "infos": counted("ribbon.n_infos", counts[INFO])}


def scorecard_files(folder: str | Path) -> list[Path]:
    """The inputs of a folder, by the one input-file policy of the command line
    (:func:`addin.xlsx.discovery.discover`): every spreadsheet below it gets its tblFiles row,
    an .xls or an earlier team workbook too (listed with the reason), lock files and litter as skipped."""
    folder = Path(folder)
    if not folder.is_dir():
        raise KpiError("ribbon_not_a_folder", path=str(folder))
    return [item.path for item in discover([folder])]


def anomaly_inputs(active: str | Path) -> list[Path]:
    """The scorecards of the active workbook's folder; the active workbook itself when it is one."""
    active = Path(active)
    files = [p for p in scorecard_files(active.parent) if not _same_file(p, active)]
    if active.suffix.lower() in SCORECARD_SUFFIXES and \
            not active.name.startswith(tuple(f"{prefix}-" for prefix in TEAM_PREFIX.values())):
        files.append(active)
    return sorted(files)


def timestamp(now: _dt.datetime | None = None) -> str:
    return (now or _dt.datetime.now()).strftime("%Y%m%d-%H%M%S")


def team_output_path(folder: str | Path, lang: str = "zh", now: _dt.datetime | None = None) -> Path:
    """Where the team workbook of a folder goes: beside the scorecards, never over one."""
    return Path(folder) / f"{TEAM_PREFIX[lang]}-{timestamp(now)}.xlsx"


def cards_output_folder(team: str | Path, lang: str = "zh", now: _dt.datetime | None = None) -> Path:
    """Where the result cards of a team workbook go: a new folder beside it, so no card is ever replaced."""
    base = Path(team).parent / f"{render('ribbon.cards_folder', lang)}-{timestamp(now)}"
    folder, n = base, 1
    while folder.exists():
        n += 1
        folder = base.with_name(f"{base.name}-{n}")
    return folder


def documents_folder(home: str | Path | None = None) -> Path:
    """~/Documents/KPI (or ~/KPI without a Documents folder): where new scorecards go."""
    home = Path(home) if home else Path.home()
    base = home / "Documents" if (home / "Documents").is_dir() else home
    return base / "KPI"


def template_output_path(size: str, lang: str = "zh", folder: str | Path | None = None,
                         now: _dt.datetime | None = None) -> Path:
    folder = Path(folder) if folder else documents_folder()
    prefix, label = render("ribbon.template_prefix", lang), render(f"ribbon.size.{size}", lang)
    return folder / f"{prefix}-{label}-{timestamp(now)}.xlsx"


TEMPLATE_MODE = "portable"
"""The mode of the scorecards the "new" buttons write, on every system: native formulas that
compute in any Excel, WPS and LibreOffice, so a scorecard mailed to a manager without the add-in
still computes (issue 10). Add-in mode stays available from the command line (``kpi new --mode addin``)."""


MEMORY_FOLDER = "kpi-scorecard"
"""Where a button that asks for a file remembers the file picked last, ``<button id>.last`` (its
path as UTF-16 hex, one ASCII line): below ``%APPDATA%`` on Windows, and on the Mac below the
home folder Excel's sandboxed VBA sees (its container), so KPIRibbon.bas can offer it first."""
EXCEL_CONTAINER = Path("Library") / "Containers" / "com.microsoft.Excel" / "Data"


def memory_folder(platform: str | None = None, env=None, home: str | Path | None = None) -> Path:
    """The folder of the remembered picks on this system (see :data:`MEMORY_FOLDER`)."""
    platform = platform or sys.platform
    env = os.environ if env is None else env
    home = Path(home) if home else Path.home()
    if platform.startswith("win") and env.get("APPDATA"):
        return Path(env["APPDATA"]) / MEMORY_FOLDER
    if platform == "darwin":
        return home / EXCEL_CONTAINER / MEMORY_FOLDER
    return home / f".{MEMORY_FOLDER}"


def remember_pick(button_id: str, path: str | Path, folder: Path | None = None) -> None:
    """Remember the file a button worked on, for KPIRibbon.bas to offer on its next click.
    Not remembering is never a reason to fail the job."""
    folder = folder or memory_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(folder / f"{button_id}.last") as temp:
            temp.write_text(encode_hex(str(Path(path).resolve())) + "\n", encoding="ascii")
    except (OSError, KpiError):
        pass


def remembered_pick(button_id: str, folder: Path | None = None) -> str:
    """The file a button worked on last ("" when none, unreadable or gone)."""
    try:
        text = decode_hex(((folder or memory_folder()) / f"{button_id}.last").read_text(encoding="ascii"))
    except (OSError, ValueError, UnicodeError, KpiError):
        return ""
    return text if Path(text).is_file() else ""


def decode_hex(text: str) -> str:
    """Decode the UTF-16 hex that KPIRibbon.bas uses to pass a path (no quoting or code-page trouble)."""
    text = (text or "").strip()
    if not text:
        return ""
    if len(text) % 4:
        raise KpiError("ribbon_garbled_path")
    return bytes.fromhex(text).decode("utf-16-be")


def encode_hex(text: str) -> str:
    """The inverse of :func:`decode_hex`, as KPIRibbon_Hex in VBA computes it."""
    return text.encode("utf-16-be").hex().upper()


def help_text(lang: str = "zh") -> str:
    """The Help button's message: one line per button."""
    lines = [render("ribbon.help.title", lang), ""]
    lines += [render("ribbon.help.line", lang, label=b.label(lang), tip=b.tip(lang)) for b in BUTTONS if b.id != "kpiHelp"]
    lines += ["", render("ribbon.help.details", lang)]
    return "\n".join(lines)


def manager_cells(path: str | Path, manager_ids) -> dict[tuple[str, str], str]:
    """{(sheet, cell): "warning"} of the manager_id cells of a team workbook's tblManagers for ``manager_ids``.

    A scorecard (no tblManagers) gives {}. Used to flag anomalous managers in a team workbook.
    """


    wanted = {str(m) for m in manager_ids if m}
    if not wanted:
        return {}
    try:
        with warnings.catch_warnings():  # openpyxl warns about extensions it drops; we only read
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=False, data_only=True)
    except (OSError, zipfile.BadZipFile, InvalidFileException, KeyError, ValueError):
        return {}  # not an .xlsx openpyxl reads (.xlsb, .xls): the findings sheet still lists the managers
    cells = {}
    try:
        for sheet in book.worksheets:
            table = sheet.tables.get(MANAGERS_OUT.name)
            if table is None:
                continue
            min_col, min_row, max_col, max_row = range_boundaries(table.ref)
            headers = [sheet.cell(min_row, c).value for c in range(min_col, max_col + 1)]
            keys = {str(h).strip(): i for i, h in enumerate(headers) if h is not None}
            label = dict(MANAGERS_OUT.columns)["manager_id"]
            column = keys.get("manager_id", keys.get(label))
            if column is None:
                continue
            for row in range(min_row + 1, max_row + 1):
                cell = sheet.cell(row, min_col + column)
                if cell.value is not None and str(cell.value) in wanted:
                    cells[(sheet.title, cell.coordinate)] = WARNING
    finally:
        book.close()
    return cells


# ----------------------------------------------------------------------------- handlers

def on_action(control_id: str, lang: str = "", path_hex: str = "") -> None:
    """Entry point of every ribbon button (called by KPIRibbon.bas through RunPython).

    ``path_hex``: the folder or file the VBA asked for (buttons with ``asks``), as UTF-16 hex.
    """
    lang = norm_lang(lang)
    handler = HANDLERS.get(control_id)
    if handler is None:
        raise KpiError("ribbon_unknown_button", button=repr(control_id))
    button = next(b for b in BUTTONS if b.id == control_id)
    try:
        click = Click(lang, decode_hex(path_hex))
        handler(click)
        if button.asks == "file" and click.path:  # it worked with this file: offer it next time
            remember_pick(button.id, click.path)
    except (KpiError, KpiInputError, OSError) as exc:  # a job that cannot go on: say why, no traceback
        # OSError: a file locked by another program, a folder that vanished, a full disk
        reason = str(exc) if isinstance(exc, OSError) else exc.render(lang)
        _alert(render("ribbon.cannot_finish", lang, reason=reason), lang, critical=True)


def new_small(click: Click) -> None:
    _new_template("small", click.lang)


def new_medium(click: Click) -> None:
    _new_template("medium", click.lang)


def new_large(click: Click) -> None:
    _new_template("large", click.lang)


def _new_template(size: str, lang: str) -> None:
    path = write_template(template_output_path(size, lang), size=size, lang=lang, mode=TEMPLATE_MODE)
    _app().books.open(str(path))
    _alert(render("ribbon.new_scorecard", lang, path=path), lang)


def validate_workbook(click: Click) -> None:
    """Save the active workbook, validate the saved file, write and highlight the findings."""
    lang = click.lang
    book = _caller()
    path = _save(book, lang)
    report = validate_paths([path], lang=lang)
    _show_findings(book, report.findings, path, lang)
    _alert(summary_text(report.findings, lang, checked=1), lang)


def refresh_scores(click: Click) -> None:
    """Recalculate and save, then recompute every score with the engine and compare (as `kpi validate`)."""
    lang = click.lang
    book = _caller()
    book.app.calculate()
    path = _save(book, lang)
    report = validate_paths([path], lang=lang)
    findings = [f for f in report.findings if f.code not in STATISTICS_CODES]
    _show_findings(book, findings, path, lang)
    managers = [entry.manager for entry in report.files]
    _alert(summary_text(findings, lang, checked=1, extra=manager_summary(managers, lang)), lang)


def flag_anomalies(click: Click) -> None:
    """The statistical checks over all scorecards of the active workbook's folder (as `kpi validate DIR`)."""
    lang = click.lang
    book = _caller()
    path = _save(book, lang)
    files = anomaly_inputs(path)
    if not files:
        raise KpiError("ribbon_no_scorecards", folder=str(path.parent))
    report = validate_paths(files, lang=lang)
    findings = [f for f in report.findings if f.code in STATISTICS_CODES]
    extra_cells = manager_cells(path, {f.manager_id for f in findings})
    _show_findings(book, findings, path, lang, extra_cells)
    _alert(summary_text(findings, lang, checked=len(files)), lang)


def consolidate_folder(click: Click) -> None:
    """Consolidate the scorecards of the folder picked in Excel into a team workbook and open it."""
    lang, folder = click.lang, click.path
    if not folder:
        folder = str(_save(_caller(), lang).parent)
    files = scorecard_files(folder)
    if not files:
        raise KpiError("ribbon_no_xlsx", folder=str(folder))
    app = _app()
    app.status_bar = render("ribbon.consolidating", lang, count=len(files))
    try:
        result = consolidate(files, team_output_path(folder, lang), lang=lang)
    finally:
        app.status_bar = False
    app.books.open(str(result.output))
    _alert(consolidation_summary(result, lang), lang)


def import_actuals(click: Click) -> None:
    """Fill the open scorecard's actuals from the CRM exports named by a rules workbook (as `kpi collect`
    + `kpi fill`, for this one manager and period); the findings go to the check-results sheet."""
    lang = click.lang
    rules = click.path or remembered_pick("kpiImportActuals")  # KPIRibbon.bas offers the last one, then asks
    if not rules:
        raise KpiError("collect_pick_rules")
    book = _caller()
    path = _save(book, lang)
    plan = import_into_scorecard(path, rules, lang)
    sheet = book.sheets[plan.sheet]
    for patch in plan.patches:
        sheet.range(patch.ref).value = patch.number if patch.number is not None else patch.text
    _show_findings(book, plan.findings, path, lang)
    _alert(render("ribbon.actuals_imported", lang, count=plan.filled, rules=Path(rules).name) + "\n"
           + summary_text(plan.findings, lang, checked=1), lang)


def result_cards(click: Click) -> None:
    """Result cards of the active team workbook (as `kpi cards`), in a new folder beside it; PDFs too
    when LibreOffice is installed. The cards follow the team workbook's language."""
    lang = click.lang
    path = _save(_caller(), lang)  # HR may have edited the appeal settings: the cards read the saved file
    folder = cards_output_folder(path, lang)
    made = write_cards(path, folder, pdf=find_soffice() is not None)
    _alert(render("ribbon.cards_done", lang, count=len(made.cards), pdfs=len(made.pdfs), folder=folder), lang)


def show_help(click: Click) -> None:
    _alert(help_text(click.lang), click.lang)


# The KPI tab, in order. Adding a button: one entry here, one handler above, its two texts in
# addin/contract/messages/ribbon.py. The customUI, the VBA callback and the dispatch follow.
BUTTONS = (
    Button("kpiNewSmall", "kpiGroupTemplates", "FileNew", new_small, "normal"),
    Button("kpiNewMedium", "kpiGroupTemplates", "FileNew", new_medium, "normal"),
    Button("kpiNewLarge", "kpiGroupTemplates", "FileNew", new_large, "normal"),
    Button("kpiValidate", "kpiGroupCheck", "DataValidation", validate_workbook),
    Button("kpiRefresh", "kpiGroupCheck", "CalculateNow", refresh_scores),
    Button("kpiAnomalies", "kpiGroupCheck", "TraceError", flag_anomalies),
    Button("kpiImportActuals", "kpiGroupCheck", "ImportExcel", import_actuals, asks="file"),
    Button("kpiConsolidate", "kpiGroupTeam", "Consolidate", consolidate_folder, asks="folder"),
    Button("kpiCards", "kpiGroupTeam", "FileCheckIn", result_cards),
    Button("kpiImportFunctions", "kpiGroupFunctions", "FunctionWizard", None),
    Button("kpiHelp", "kpiGroupHelp", "Help", show_help),
)
HANDLERS = {b.id: b.handler for b in BUTTONS if b.handler is not None}
VBA_ONLY = frozenset(b.id for b in BUTTONS if b.handler is None)


# ----------------------------------------------------------------------------- thin xlwings glue

def _caller():

    return xw.Book.caller()


def _app():

    try:
        return xw.Book.caller().app
    except Exception:  # no calling workbook (e.g. started from a blank Excel)
        return xw.apps.active


def _alert(text: str, lang: str, critical: bool = False) -> None:
    title = TAB_LABEL[lang]
    _app().alert(text, title=title, mode="critical" if critical else "info")


def _save(book, lang: str) -> Path:
    """Save the workbook so the library reads what the user sees; a never-saved book is an error."""
    full = Path(book.fullname)
    if not full.suffix or not full.parent.is_dir():
        raise KpiError("ribbon_save_first")
    book.save()
    return full


def _show_findings(book, findings, path: Path, lang: str, extra_cells: dict | None = None) -> None:
    """Replace the findings sheet, clear our earlier highlights, highlight the cells of these findings.

    Nothing Excel refuses is hidden: a cell that cannot be coloured (a protected sheet without
    "Format cells", a reference Excel does not accept) gets a row in the findings sheet saying so.
    """
    name = FINDINGS_SHEET[lang]
    names = [s.name for s in book.sheets]
    problems: list[list[str]] = []
    if name in names:
        sheet = book.sheets[name]
        problems += _clear_highlights(book, sheet, lang)
        sheet.clear()
    else:
        sheet = book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])
    cells = dict(extra_cells or {})
    cells.update(cells_to_highlight(findings, path))
    for (sheet_name, cell), severity in cells.items():
        if sheet_name in names:
            try:
                book.sheets[sheet_name][cell].color = HIGHLIGHT.get(severity, HIGHLIGHT[WARNING])
            except Exception as exc:  # COM and AppleScript errors share no type: reported, not hidden
                problems.append(problem_row("ribbon.highlight_failed", lang, sheet_name, cell, exc))
    rows = findings_rows(findings, lang) + problems
    write_text(sheet, rows)
    sheet["A1"].expand("right").font.bold = True
    try:
        sheet.autofit("c")
    except Exception as exc:  # reported below the table
        write_text(sheet, [problem_row("ribbon.autofit_failed", lang, name, "", exc)], first_row=len(rows) + 1)


def problem_row(key: str, lang: str, sheet: str, cell: str, exc: BaseException) -> list[str]:
    """A row of the findings sheet for something Excel refused to do (severity warning, no code)."""
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if key == "ribbon.highlight_failed":
        reason += render("ribbon.protected_hint", lang)
    message = render(key, lang, sheet=sheet, cell=cell, reason=reason)
    return [severity_label(WARNING, lang), "", sheet, cell, message, "", ""]


def write_text(sheet, rows: list[list], first_row: int = 1) -> None:
    """Write ``rows`` from column A of ``first_row`` as text: formatted "@" first, so Excel parses nothing.

    Without it Excel reads the strings as if typed: manager id 001234 becomes 1234 and a message
    beginning with = + - @ becomes a formula (or a COM error).
    """
    if not rows:
        return
    width = max(len(row) for row in rows)
    values = [["" if v is None else str(v) for v in row] + [""] * (width - len(row)) for row in rows]
    target = sheet[f"A{first_row}"].resize(len(values), width)
    target.number_format = "@"
    target.value = values


def _clear_highlights(book, findings_sheet, lang: str) -> list[list[str]]:
    """Un-colour the cells an earlier run highlighted (only if they still carry our colour).

    Returns a findings-sheet row for each cell Excel would not un-colour.
    """
    values = findings_sheet.used_range.value or []
    ours = set(HIGHLIGHT.values())
    names = {s.name for s in book.sheets}
    problems = []
    for row in values[1:] if isinstance(values, list) else []:
        if not isinstance(row, list) or len(row) < 4 or not row[2] or not row[3] or row[2] not in names:
            continue
        try:
            target = book.sheets[row[2]][str(row[3])]
            if target.color in ours:
                target.color = None
        except Exception as exc:  # COM and AppleScript errors share no type: reported, not hidden
            problems.append(problem_row("ribbon.clear_failed", lang, row[2], str(row[3]), exc))
    return problems
