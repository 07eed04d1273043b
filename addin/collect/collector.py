"""`kpi collect`: rules + roster + period + CRM exports -> one actual per manager and rule, traceable.

The steps, per source: find its files, read each (a bad file costs that file and is
reported), drop repeated keys, place each row in the period by its date, credit it to a
roster manager; then per rule: filter, aggregate, scale, spread over the scope. Every
export row ends in exactly one count of tblSources; every problem is a finding with the
file, source, 1-based export row and column.
"""

from __future__ import annotations

import glob
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from addin.collect import measures
from addin.collect.columns import Columns, cell
from addin.collect.exports import Export, ExportUnreadable, read_export
from addin.collect.owners import ALIAS_TARGET, AMBIGUOUS, BLANK, MATCHED, Manager, OwnerIndex, load_managers
from addin.collect.period import Period, parse_period
from addin.collect.rules import DURATION_MEASURES, Rule, Rules, load_rules
from addin.collect.values import Dates, parse_dates, shown, text_codes
from addin.collect.wording import rule_in_words
from addin.contract import findings as F
from addin.contract.errors import UsageError
from addin.contract.messages import render
from addin.xlsx.discovery import InputFile, classify, real_path
from addin.xlsx.values import value_text

ROW_FINDINGS_PER_FILE = 100  # past this many of one code in one file, one finding counts the rest
OK, NO_ROWS, SOURCE_ERROR = "ok", "no_rows", "source_error"
READ, MISSING, UNREADABLE, COLUMNS_MISSING, EMPTY, AMBIGUOUS_DATES = (
    "read", "missing", "unreadable", "columns_missing", "no_rows", "dates_ambiguous")


@dataclass
class SourceFile:
    """One row of tblSources: one file of one source and what became of its rows."""

    source: str
    file: str
    sha256: str = ""
    sheet: str = ""
    header_row: int = 0
    rows_read: int = 0
    rows_in_period: int = 0
    rows_matched: int = 0
    rows_unmatched: int = 0
    rows_skipped: int = 0
    rows_out_of_period: int = 0
    rows_duplicate: int = 0
    footer_rows: int = 0
    status: str = READ
    letters: dict[str, str] = field(default_factory=dict, repr=False)  # header -> column letter (links; not a column)


@dataclass
class Actual:
    """One row of tblActuals: one roster manager × one rule."""

    manager_id: str
    name: str
    team: str
    indicator: str
    actual: float | None
    rows: int
    measure: str
    scope: str
    source: str
    rule: str
    rows_excluded: int = 0
    files: str = ""
    status: str = OK


@dataclass
class Unmatched:
    """One row of tblUnmatched: an owner value of a source that credits nobody."""

    source: str
    owner: str
    rows: int
    reason: str


@dataclass
class CollectResult:
    """Everything `kpi collect` found; the actuals workbook and ``--json`` are views of it."""

    period: Period
    rules: Rules
    managers: list[Manager]
    actuals: list[Actual]
    sources: list[SourceFile]
    unmatched: list[Unmatched]
    findings: list[F.Finding]
    lang: str
    inputs: list[Path] = field(default_factory=list)
    folder: Path | None = None  # the data folder the files of tblSources are relative to

    @property
    def has_errors(self) -> bool:
        return F.has_errors(self.findings)

    def counts(self) -> dict[str, int]:
        by = {sev: sum(1 for f in self.findings if f.severity == sev) for sev in (F.ERROR, F.WARNING, F.INFO)}
        return {
            "managers": len(self.managers), "rules": len(self.rules.rules),
            "actuals": sum(1 for a in self.actuals if a.actual is not None),
            "files": sum(1 for s in self.sources if s.status != MISSING),
            "rows": sum(s.rows_read for s in self.sources),
            "errors": by[F.ERROR], "warnings": by[F.WARNING], "infos": by[F.INFO],
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": {"text": self.period.text, "first": self.period.first.isoformat(),
                       "last": self.period.last.isoformat()},
            "summary": self.counts(),
            "actuals": [asdict(a) for a in self.actuals],
            "sources": [{k: v for k, v in asdict(s).items() if k != "letters"} for s in self.sources],
            "unmatched": [asdict(u) for u in self.unmatched],
            "findings": [f.as_dict() for f in self.findings],
        }


# ------------------------------------------------------------------------------------- findings

class FindingSink:
    """Collects findings; row-level ones are listed up to 100 per code and file, then counted."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.findings: list[F.Finding] = []
        self._listed: dict[tuple[str, str], int] = {}
        self._more: dict[tuple[str, str], tuple[int, str]] = {}

    def add(self, code: str, **details) -> None:
        self.findings.append(F.make(code, self.lang, **details))

    def add_text(self, code: str, message: str, **position) -> None:
        self.findings.append(F.Finding(code=code, message=message, **position))

    def rows(self, code: str, files: list[str], source: str, column: str, file_of: np.ndarray,
             row_of: np.ndarray, details) -> None:
        """Row findings for positions grouped by file; ``details(i)`` gives the template values of position i."""
        for f in np.unique(file_of):
            positions = np.flatnonzero(file_of == f)
            key = (code, files[f])
            room = max(ROW_FINDINGS_PER_FILE - self._listed.get(key, 0), 0)
            for i in positions[:room]:
                self.add(code, file=files[f], source=source, row=int(row_of[i]), column=column, **details(i))
            self._listed[key] = self._listed.get(key, 0) + min(room, len(positions))
            extra = len(positions) - min(room, len(positions))
            if extra:
                count, _ = self._more.get(key, (0, source))
                self._more[key] = (count + extra, source)

    def finish(self) -> list[F.Finding]:
        for (code, file), (count, source) in self._more.items():
            message = render("collect.more_rows", self.lang, count=count, code=code)
            self.add_text(code, message, file=file, source=source)
        return self.findings


# ------------------------------------------------------------------------------------- sources

@dataclass
class _SourceData:
    """The rows of one source's readable files, after the period and the owners."""

    name: str
    files: list[SourceFile]
    error: bool = False
    frame: Columns = field(default_factory=lambda: Columns({}, 0))  # rows in the period credited to a manager
    file_names: list[str] = field(default_factory=list)  # the readable files, as file_of counts them
    dates: np.ndarray | None = None  # the parsed date column of those rows (reused by durations)
    manager: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    file_of: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    row_of: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


def _shown_path(path: Path, folder: Path) -> str:
    """The path as the user finds it in the folder: a link by its own name, not its target's."""
    try:
        return (path.parent.resolve() / path.name).relative_to(folder.resolve()).as_posix()
    except ValueError:
        return str(path)


def _expand(pattern: str, folder: Path, exclude: set[Path]) -> list[InputFile]:
    """Files a pattern matches, by the one input-file policy (:func:`addin.xlsx.discovery.classify`):
    folders, Office lock files, litter and our own outputs left out; a FIFO, a device or a link to
    nothing is kept, with the reason it is never opened (``unreadable``)."""
    full = pattern if os.path.isabs(pattern) else os.path.join(folder, pattern)
    found = {Path(p) for p in glob.glob(full, recursive=True)}
    items = []
    for path in sorted(found, key=str):
        if path.is_dir() or path.name.startswith(".~lock"):  # LibreOffice's lock file
            continue
        item = classify(path)
        if item.skip is None and real_path(path) not in exclude:
            items.append(item)
    return items


def _read_files(name: str, rules: Rules, folder: Path, sink: FindingSink, lang: str,
                inputs: list[Path], exclude: set[Path]) -> tuple[list[SourceFile], list[Export], bool]:
    """tblSources rows and the readable exports of one source; True when any file failed."""
    source = rules.sources[name]
    wanted = rules.source_columns(name)
    entries: list[SourceFile] = []
    exports: list[Export] = []
    failed = False
    seen: set[Path] = set()
    for pattern in source.files:
        items = _expand(pattern, folder, exclude)
        if not items:
            failed = True
            entries.append(SourceFile(name, pattern, status=MISSING))
            sink.add("SOURCE_FILE_MISSING", file=pattern, source=name, pattern=pattern, folder=str(folder))
            continue
        for item in items:
            path = item.path
            real = real_path(path)
            if real in seen:
                continue
            seen.add(real)
            inputs.append(path)
            shown_name = _shown_path(path, folder)
            entry = SourceFile(name, shown_name)
            entries.append(entry)
            if item.unreadable is not None:  # a FIFO or a device would hang or harm the run: never opened
                failed = True
                entry.status = UNREADABLE
                sink.add("FILE_UNREADABLE", file=shown_name, source=name, reason=item.unreadable.render(lang))
                continue
            try:
                export = read_export(path, shown_name, wanted, source.sheet)
            except ExportUnreadable as exc:
                failed = True
                entry.status = UNREADABLE
                sink.add("FILE_UNREADABLE", file=shown_name, source=name, reason=exc.reason(lang))
                continue
            entry.sha256, entry.sheet, entry.header_row = export.sha256, export.sheet, export.header_row
            entry.letters = export.letters
            if export.missing:
                failed = True
                entry.status = COLUMNS_MISSING
                has = ", ".join(export.columns) or render("collect.blank_owner", lang)
                for column in export.missing:
                    sink.add("COLUMN_MISSING", file=shown_name, source=name, column=column, columns=has,
                             row=export.header_row or None)
                continue
            entry.rows_read, entry.footer_rows = len(export.rows), int(export.footer_rows)
            if not len(export.rows):
                entry.status = EMPTY
                sink.add_text("NO_ROWS", render("collect.no_data_rows", lang, row=export.header_row),
                              file=shown_name, source=name, row=export.header_row)
            exports.append(export)
    return entries, exports, failed


def _ambiguous(sink: FindingSink, dates: Dates, column_values, source: str, column: str,
               files: list[str], file_of: np.ndarray, row_of: np.ndarray, lang: str) -> None:
    first = int(np.flatnonzero(dates.ambiguous)[0])
    orders = ""
    if dates.both_orders:
        orders = render("collect.both_orders", lang, first=dates.both_orders[0], second=dates.both_orders[1])
    sink.add("DATE_AMBIGUOUS", file=files[file_of[first]], source=source, row=int(row_of[first]), column=column,
             example=str(cell(column_values, first)).strip(), orders=orders)


def _prepare_source(name: str, rules: Rules, folder: Path, period: Period, owners: OwnerIndex,
                    sink: FindingSink, lang: str, unmatched: list[Unmatched], inputs: list[Path],
                    exclude: set[Path]) -> _SourceData:
    source = rules.sources[name]
    entries, exports, failed = _read_files(name, rules, folder, sink, lang, inputs, exclude)
    data = _SourceData(name, entries, failed)
    entry_of = [next(e for e in entries if e.file == x.file) for x in exports]
    files = [x.file for x in exports]
    if not exports:
        return data
    frame = Columns.concat([x.data for x in exports], rules.source_columns(name))
    file_of = np.concatenate([np.full(len(x.rows), i, dtype=np.int64) for i, x in enumerate(exports)])
    row_of = np.concatenate([x.rows for x in exports])
    keep = np.ones(len(frame), dtype=bool)

    if source.key:
        keys = text_codes(frame[source.key])
        present = keys.nonblank()
        codes = keys.codes
        first = np.full(keys.size, len(codes), dtype=np.int64)
        np.minimum.at(first, codes, np.arange(len(codes), dtype=np.int64))
        first_of_code = first[codes]  # the row where each row's key first appears
        duplicate = present & (first_of_code != np.arange(len(codes)))
        if duplicate.any():
            raw = frame[source.key]
            sink.rows("DUPLICATE_ROW", files, name, source.key, file_of[duplicate], row_of[duplicate],
                      _dup_details(raw, duplicate, first_of_code, files, file_of, row_of))
            keep &= ~duplicate
            for i, entry in enumerate(entry_of):
                entry.rows_duplicate = int((duplicate & (file_of == i)).sum())

    dates = parse_dates(frame[source.date], source.date_format, rules.tz())
    if dates.is_ambiguous:
        _ambiguous(sink, dates, frame[source.date], name, source.date, files, file_of, row_of, lang)
        data.error = True
        for i, entry in enumerate(entry_of):
            entry.status = AMBIGUOUS_DATES
            entry.rows_skipped = int((keep & (file_of == i)).sum())
        return data
    bad_date = keep & dates.unparseable
    if bad_date.any():
        raw = frame[source.date]
        positions = np.flatnonzero(bad_date)
        sink.rows("DATE_UNPARSEABLE", files, name, source.date, file_of[positions], row_of[positions],
                  lambda i: {"value": shown(cell(raw, positions[i]))})
    has_date = ~np.isnat(dates.values)
    first = np.datetime64(period.first.isoformat(), "ns")
    after = np.datetime64(period.last.isoformat(), "ns") + np.timedelta64(1, "D")
    in_period = keep & has_date & (dates.values >= first) & (dates.values < after)

    manager, codes, resolutions = owners.credit(text_codes(frame[source.owner]))
    credited = in_period & (manager >= 0)
    for i, entry in enumerate(entry_of):
        mine = file_of == i
        entry.rows_skipped = int((keep & ~has_date & mine).sum())
        entry.rows_in_period = int((in_period & mine).sum())
        entry.rows_out_of_period = int((keep & has_date & ~in_period & mine).sum())
        entry.rows_matched = int((credited & mine).sum())
        entry.rows_unmatched = entry.rows_in_period - entry.rows_matched
    _report_unmatched(name, source.owner, frame[source.owner], in_period & (manager < 0), codes, resolutions,
                      owners, files, file_of, row_of, sink, lang, unmatched)

    data.frame = frame.filter(credited)
    data.manager = manager[credited]
    data.file_of = file_of[credited]
    data.row_of = row_of[credited]
    data.file_names = files
    data.dates = dates.values[credited]
    return data


def _dup_details(raw, duplicate: np.ndarray, first_of_code: np.ndarray, files: list[str],
                 file_of: np.ndarray, row_of: np.ndarray):
    positions = np.flatnonzero(duplicate)

    def details(i: int) -> dict:
        at = positions[i]
        first = first_of_code[at]
        return {"value": shown(cell(raw, at)), "first_row": int(row_of[first]), "first_file": files[file_of[first]]}
    return details


def _groups(keys: np.ndarray, positions: np.ndarray):
    """(key, its positions in order) for each distinct key, keys ascending."""
    order = np.argsort(keys, kind="stable")
    keys, positions = keys[order], positions[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    for start, end in zip(starts, [*starts[1:], len(keys)]):
        yield int(keys[start]), positions[start:end]


def _report_unmatched(name: str, column: str, raw, mask: np.ndarray, codes: np.ndarray,
                      resolutions: list, owners: OwnerIndex, files: list[str], file_of: np.ndarray,
                      row_of: np.ndarray, sink: FindingSink, lang: str, unmatched: list[Unmatched]) -> None:
    """tblUnmatched rows and one finding per file and owner value (listed, never dropped)."""
    if not mask.any():
        return
    positions = np.flatnonzero(mask)
    for code, group in _groups(codes[positions], positions):
        resolution = resolutions[code]
        first = int(group[0])
        value = cell(raw, first)
        owner_text = value_text(value) if resolution.status != BLANK else render("collect.blank_owner", lang)
        if resolution.status == AMBIGUOUS:
            people = [owners.managers[i] for i in resolution.candidates]
            reason = render("collect.reason_ambiguous", lang, count=len(people))
        elif resolution.status == ALIAS_TARGET:
            reason = render("collect.reason_alias_target", lang, manager_id=resolution.alias_to)
        elif resolution.status == BLANK:
            reason = render("collect.reason_blank", lang)
        else:
            reason = render("collect.reason_not_in_roster", lang)
        unmatched.append(Unmatched(name, owner_text, len(group), reason))
        for f, in_file in _groups(file_of[group], group):
            at = int(in_file[0])
            position = {"file": files[f], "source": name, "row": int(row_of[at]), "column": column}
            if resolution.status == AMBIGUOUS:
                listed = ", ".join(f"{p.manager_id} {p.name}" for p in people)
                sink.add("AMBIGUOUS_OWNER", owner=owner_text, count=len(people), managers=listed, rows=len(in_file),
                         **position)
            else:
                via = render("collect.via_alias", lang, manager_id=resolution.alias_to) \
                    if resolution.status == ALIAS_TARGET else ""
                sink.add("UNMATCHED_OWNER", owner=owner_text, via=via, rows=len(in_file), **position)


# --------------------------------------------------------------------------------------- rules

def _durations(rule: Rule, data: _SourceData, rules: Rules, sink: FindingSink, lang: str) -> np.ndarray | None:
    """end − start in seconds per row (NaN where either is blank or not a date); None when ambiguous."""
    source = rules.sources[rule.source]
    files = data.file_names
    parsed = {}
    for column in (rule.start or "", rule.end or ""):
        if column == source.date and data.dates is not None:  # parsed already, and checked
            parsed[column] = data.dates
            continue
        dates = parse_dates(data.frame[column], source.date_format, rules.tz())
        if dates.is_ambiguous:
            _ambiguous(sink, dates, data.frame[column], rule.source, column, files, data.file_of, data.row_of, lang)
            return None
        if dates.unparseable.any():
            positions = np.flatnonzero(dates.unparseable)
            raw = data.frame[column]
            sink.rows("DATE_UNPARSEABLE", files, rule.source, column, data.file_of[positions],
                      data.row_of[positions], lambda i, raw=raw, positions=positions: {"value": shown(cell(raw, positions[i]))})
        parsed[column] = dates.values
    delta = (parsed[rule.end or ""] - parsed[rule.start or ""]).astype("timedelta64[us]")
    seconds = delta.astype("float64") / 1e6
    seconds[np.isnat(delta)] = np.nan
    return seconds


def _report_bad_rows(bad: measures.Bad, rule: Rule, data: _SourceData, sink: FindingSink) -> None:
    """Findings for the rows one rule left out (unparseable values, negative durations)."""
    positions = bad.positions
    if bad.code == "NEGATIVE_DURATION":
        start, end = data.frame[rule.start or ""], data.frame[rule.end or ""]

        def details(i: int) -> dict:
            return {"indicator": rule.indicator, "start_column": rule.start, "end_column": rule.end,
                    "start": shown(cell(start, positions[i])), "end": shown(cell(end, positions[i]))}
    else:
        raw = data.frame[bad.column]

        def details(i: int) -> dict:
            return {"indicator": rule.indicator, "value": shown(cell(raw, positions[i]))}
    sink.rows(bad.code, data.file_names, rule.source, bad.column, data.file_of[positions], data.row_of[positions],
              details)


def _rule_actuals(rule: Rule, data: _SourceData, rules: Rules, managers: list[Manager], period: Period,
                  sink: FindingSink, lang: str, cache: dict) -> list[Actual]:
    words = rule_in_words(rule, str(period), lang)
    measure = render(f"collect.measure_{rule.measure}", lang)
    scope = render(f"collect.scope_{rule.scope}", lang)
    used = [f for f in data.files if f.status not in (MISSING,)]
    files_text = ", ".join(f.file for f in used)

    def blank_rows(status: str) -> list[Actual]:
        return [Actual(m.manager_id, m.name, m.team, rule.indicator, None, 0, measure, scope, rule.source, words,
                       0, files_text, status) for m in managers]

    if data.error:
        return blank_rows(SOURCE_ERROR)
    durations = None
    if rule.measure in DURATION_MEASURES:
        durations = _durations(rule, data, rules, sink, lang)
        if durations is None:
            return blank_rows(SOURCE_ERROR)
    groups = measures.scope_groups(rule.scope, [m.team for m in managers])
    outcome = measures.compute(rule, data.frame, data.manager, groups, durations, cache)
    for bad in outcome.bad:
        _report_bad_rows(bad, rule, data, sink)
    out, empty = [], []
    always_number = rule.measure in ("count", "sum", "distinct")
    for i, m in enumerate(managers):
        value = float(outcome.actual[i])
        rows = int(outcome.rows[i])
        if always_number and rows == 0:
            value = 0.0
        if np.isnan(value):
            empty.append(m)
            out.append(Actual(m.manager_id, m.name, m.team, rule.indicator, None, rows, measure, scope, rule.source,
                              words, int(outcome.excluded[i]), files_text, NO_ROWS))
        else:
            out.append(Actual(m.manager_id, m.name, m.team, rule.indicator, value, rows, measure, scope, rule.source,
                              words, int(outcome.excluded[i]), files_text, OK))
    if empty:
        names = ", ".join(f"{m.manager_id} {m.name}".strip() for m in empty[:10]) + (" …" if len(empty) > 10 else "")
        sink.add("NO_ROWS", source=rule.source, indicator=rule.indicator, count=len(empty), managers=names)
    return out


def collect(rules_path, roster, period: str, data_dir=None, lang: str = "zh", exclude=()) -> CollectResult:
    """Compute every rule's actual for every roster manager from the CRM exports.

    Args:
        rules_path: the ``.toml`` rules file or ``.xlsx`` rules workbook.
        roster: the roster file (format of `kpi new --roster`), or the managers themselves
            (a list of :class:`~addin.collect.owners.Manager`, e.g. the one of an open scorecard).
        period: ``2026Q3``, ``2026H1``, ``2026``, ``2026-07`` or ``2026-07-01..2026-09-30``.
        data_dir: folder the file patterns are relative to (default: the rules file's folder).
        lang: language of messages and of the workbook's values.
        exclude: files never read as exports (the outputs of this run, when a pattern matches them).

    Raises:
        UsageError: bad period, roster or folder; RulesError (a UsageError): invalid rules.
    """
    rules = load_rules(rules_path)
    the_period = parse_period(period)
    managers = list(roster) if isinstance(roster, list) else load_managers(roster)
    folder = Path(data_dir) if data_dir is not None else Path(rules_path).resolve().parent
    if not folder.is_dir():
        raise UsageError("collect_data_missing", folder=str(folder))
    owners = OwnerIndex(managers, rules.aliases)
    sink = FindingSink(lang)
    unmatched: list[Unmatched] = []
    inputs: list[Path] = [Path(rules_path)] + ([] if isinstance(roster, list) else [Path(roster)])
    sources: dict[str, _SourceData] = {}
    used = list(dict.fromkeys(rule.source for rule in rules.rules))
    for name in [*used, *(n for n in rules.sources if n not in used)]:
        sources[name] = _prepare_source(name, rules, folder, the_period, owners, sink, lang, unmatched, inputs,
                                        {real_path(p) for p in exclude})
    actuals: list[Actual] = []
    caches: dict[str, dict] = {name: {} for name in sources}
    for rule in rules.rules:
        actuals.extend(_rule_actuals(rule, sources[rule.source], rules, managers, the_period, sink, lang,
                                     caches[rule.source]))
    table_files = [entry for name in rules.sources for entry in sources[name].files]
    result_findings = sorted(sink.finish(), key=lambda f: (
        f.file, F.SEVERITY_ORDER[f.severity], f.source, f.code, f.row if f.row is not None else 1 << 40, f.column,
        f.message))
    return CollectResult(the_period, rules, managers, actuals, table_files, unmatched, result_findings, lang, inputs,
                         folder.resolve())


__all__ = ["Actual", "CollectResult", "SourceFile", "Unmatched", "collect", "MATCHED"]
