"""Cell values of CRM exports as numbers, dates and comparable text, a whole column at a time.

Every function takes a pandas Series (one export column, as read: text from a CSV; text,
floats, booleans and datetimes from a workbook) and returns NumPy arrays of the same
length. Python code runs per *distinct* value or per column, never per row, except
where a workbook already hands over one Python object per cell (the type split).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from datetime import tzinfo

import numpy as np
import pandas as pd
import polars as pl

from addin.collect.folding import fold_one, fold_values

# ------------------------------------------------------------------------------------------- text

@dataclass
class TextCodes:
    """A column as folded text: a dense code per row and the folded text of each code."""

    codes: np.ndarray   # int64 per row
    uniques: list[str]  # folded texts, each once; blank cells have the code of ""

    def isin(self, values) -> np.ndarray:
        """Rows holding one of ``values`` (compared folded)."""
        wanted = set(fold_values(values))
        hits = [i for i, u in enumerate(self.uniques) if u in wanted]
        return np.isin(self.codes, hits) if hits else np.zeros(len(self.codes), dtype=bool)

    def nonblank(self) -> np.ndarray:
        blank = [i for i, u in enumerate(self.uniques) if u == ""]
        return ~np.isin(self.codes, blank) if blank else np.ones(len(self.codes), dtype=bool)


def _merge_folded(raw_codes: np.ndarray, folded: list[str]) -> TextCodes:
    """Codes over raw values + the folded text of each raw value -> codes over folded texts."""
    codes, uniques = pd.factorize(np.array(folded + [""], dtype=object))
    merged = codes.astype(np.int64)[raw_codes] if len(raw_codes) else np.zeros(0, dtype=np.int64)
    return TextCodes(merged, [str(u) for u in uniques])


def text_codes(column) -> TextCodes:
    """Each cell as compared: trimmed, NFKC, inner spaces collapsed, case-folded; 1.0 -> "1"; blank -> "".

    Folds each distinct value once, so a million rows of a few hundred owners or stages
    cost a few hundred Python calls. Polars columns are grouped by a 64-bit hash of the text.
    """
    if isinstance(column, pl.Series):
        filled = column.fill_null("")
        hashes = filled.hash().to_numpy()
        raw_codes, _ = pd.factorize(hashes)
        first = np.full(int(raw_codes.max(initial=-1)) + 1, len(raw_codes), dtype=np.int64)
        np.minimum.at(first, raw_codes, np.arange(len(raw_codes), dtype=np.int64))
        texts = filled.gather(first) if len(first) else pl.Series([], dtype=pl.String)
        # texts of CJK ideographs, lower-case ASCII letters and digits only are already folded
        plain = texts.str.contains(r"^[\x{4e00}-\x{9fff}a-z0-9]+$").to_numpy()
        folded = texts.to_list()
        if not plain.all():
            rest = np.flatnonzero(~plain)
            for i, text in zip(rest, fold_values([folded[i] for i in rest])):
                folded[i] = text
        return _merge_folded(raw_codes.astype(np.int64), folded)
    raw_codes, uniques = pd.factorize(column, use_na_sentinel=True)
    raw = raw_codes.astype(np.int64)
    raw[raw < 0] = len(uniques)
    return _merge_folded(raw, fold_values(list(uniques)) + [""])


def blank_mask(column) -> np.ndarray:
    """True where a cell is empty: missing, NaN, or only spaces."""
    if isinstance(column, pl.Series):
        return (column.is_null() | (column.str.strip_chars() == "")).to_numpy()
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    blank = np.array([fold_one(u) == "" for u in uniques] + [True], dtype=bool)
    return blank[codes]


def shown(value) -> str:
    """A cell value as a finding shows it: quoted text, cut at 40 characters."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    text = text if len(text) <= 40 else text[:39] + "…"
    return f"\"{text}\""


# ---------------------------------------------------------------------------------------- numbers

_NUMBER_TEXT = re.compile(
    r"^(?P<sign>[+-])?\s*(?:[¥$€£]|RMB|CNY|USD)?\s*(?P<sign2>[+-])?\s*"
    r"(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+(?:\.\d*)?|\.\d+)\s*"
    r"(?P<suffix>%|万元|万|亿元|亿|元|千元)?$", re.I)
_SUFFIX = {"%": 0.01, "万": 1e4, "万元": 1e4, "亿": 1e8, "亿元": 1e8, "元": 1.0, "千元": 1e3, "": 1.0}


def parse_numbers(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(numbers, unparseable) of one column.

    Numbers pass as they are; text may carry thousands separators, a currency sign
    (``¥``, ``$``, ``RMB``…), ``%`` (``60%`` = 0.6), ``万``/``亿`` (``1.2万`` = 12000) or ``元``.
    Blank cells give NaN and are not unparseable; anything else gives NaN and True.
    """
    n = len(column)
    if n == 0:
        return np.empty(0), np.zeros(0, dtype=bool)
    if isinstance(column, pl.Series):
        return _polars_numbers(column)
    if pd.api.types.is_bool_dtype(column.dtype):
        return np.full(n, np.nan), np.ones(n, dtype=bool)
    if pd.api.types.is_numeric_dtype(column.dtype):
        numbers = column.to_numpy(dtype=float, na_value=np.nan)
        bad = ~np.isfinite(numbers) & ~np.isnan(numbers)
        return np.where(bad, np.nan, numbers), bad
    blank = blank_mask(column)
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    parsed = np.array([_number_one(u) for u in uniques] + [np.nan], dtype=float)
    numbers = parsed[codes]
    bad = np.isnan(numbers) & ~blank
    return numbers, bad


def _polars_numbers(column: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """Plain numbers cast in Rust; the rest (1,200.00, ¥, %, 万, text) through the Python rules once each."""
    numbers = column.str.strip_chars().cast(pl.Float64, strict=False)
    leftover = (numbers.is_null() & column.is_not_null()).to_numpy()
    out = numbers.to_numpy().astype(float, copy=True)
    bad = np.zeros(len(column), dtype=bool)
    if leftover.any():
        where = np.flatnonzero(leftover)
        rest = pd.Series(column.gather(where).to_list(), dtype=object)
        values, wrong = parse_numbers(rest)
        out[where] = values
        bad[where] = wrong
    bad |= ~np.isfinite(out) & ~np.isnan(out)
    out[~np.isfinite(out)] = np.nan
    return out, bad


def _number_one(value) -> float:
    if isinstance(value, bool):
        return np.nan
    if isinstance(value, (int, float)):
        number = float(value)
        return number if np.isfinite(number) else np.nan
    if not isinstance(value, str):
        return np.nan
    text = unicodedata.normalize("NFKC", value).strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return np.nan
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    match = _NUMBER_TEXT.match(text)
    if not match:
        return np.nan
    number = float(match["digits"].replace(",", "")) * _SUFFIX[match["suffix"] or ""]
    if match["sign"] == "-" or match["sign2"] == "-":
        number = -number
    return -number if negative else number


# ------------------------------------------------------------------------------------------ dates

# A year-first date, an optional time, an optional offset: 2026-07-03, 2026/7/3, 2026.07.03,
# 2026年7月3日, each with 14:22, 14:22:10 or 14:22:10.744884, a T, a Z or +08:00
_YEAR_FIRST = re.compile(
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:(?:\s+|T)(?P<H>\d{1,2})[:：](?P<M>\d{2})(?:[:：](?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?)?"
    r"\s*(?P<tz>Z|(?:UTC|GMT)?[+-]\d{2}(?::?\d{2})?)?$", re.I)
# Day-month or month-day first: 3/7/2026, 03-07-2026 14:22
_DAY_MONTH = re.compile(r"^(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{4})(?:[\sT].*)?$")
_EPOCH_MS = re.compile(r"^\d{13}$")
_SERIAL = re.compile(r"^\d{1,7}(?:\.\d+)?$")
# formats tried first on a whole column, chosen by its first value (the common, fast case)
_FAST_FORMATS = (
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "%Y-%m-%d"),
    (re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"), "%Y-%m-%d %H:%M:%S"),
    (re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$"), "%Y-%m-%d %H:%M"),
    (re.compile(r"^\d{4}/\d{2}/\d{2}$"), "%Y/%m/%d"),
    (re.compile(r"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}$"), "%Y/%m/%d %H:%M:%S"),
    (re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"), "%Y-%m-%dT%H:%M:%S"),
)
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_MAX_SERIAL = 2958465  # 9999-12-31


@dataclass
class Dates:
    """A parsed date column: naive wall-clock times in the rules' timezone (NaT where none)."""

    values: np.ndarray        # datetime64[ns]
    unparseable: np.ndarray   # bool: non-blank and not a date (DATE_UNPARSEABLE)
    ambiguous: np.ndarray     # bool: day-month order without a date_format
    both_orders: tuple[str, str] | None = None  # two values proving the column holds both orders

    @property
    def is_ambiguous(self) -> bool:
        return bool(self.ambiguous.any())


def _to_zone(instants: pd.Series, tz: tzinfo | None) -> np.ndarray:
    """UTC instants as naive wall-clock times of ``tz`` (UTC when None)."""
    if tz is not None:
        instants = instants.dt.tz_convert(tz)
    return instants.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")


def _kinds(column: pd.Series) -> np.ndarray:
    """Per cell: "s" text, "n" number, "d" date/datetime, "x" other (booleans, times), "" blank.

    CSV columns are all text (no Python call); workbook columns hold Python objects already.
    """
    inferred = pd.api.types.infer_dtype(column, skipna=True)
    if inferred in ("string", "empty"):  # a C loop over the cells: no Python call per row
        return np.full(len(column), "s", dtype=object)
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
        return np.full(len(column), "n", dtype=object)
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return np.full(len(column), "d", dtype=object)

    def kind(value) -> str:
        if isinstance(value, str):
            return "s"
        if isinstance(value, bool) or value is None:
            return "x" if value is not None else ""
        if isinstance(value, (int, float)):
            return "n" if value == value else ""
        if isinstance(value, (dt.datetime, dt.date, pd.Timestamp)):
            return "d"
        return "x"
    return column.map(kind).to_numpy(dtype=object)


def parse_dates(column: pd.Series, date_format: str | None = None, tz: tzinfo | None = None) -> Dates:
    """Every accepted date form of COLLECT.md, as naive times in ``tz``.

    Args:
        column: the cells.
        date_format: strptime format for the source's day-month orders (``%d/%m/%Y``); values
            that do not fit it are still read in the unambiguous forms.
        tz: the rules' timezone: values with an offset (``Z``, ``+08:00``) and epoch milliseconds
            are converted to it (to UTC when None); values without one are taken as they are.
    """
    n = len(column)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    bad = np.zeros(n, dtype=bool)
    ambiguous = np.zeros(n, dtype=bool)
    if n == 0:
        return Dates(out, bad, ambiguous)
    if isinstance(column, pl.Series):
        return _polars_dates(column, date_format, tz)
    column = column.reset_index(drop=True)
    kinds = _kinds(column)
    blank = blank_mask(column)
    kinds[blank] = ""

    dates = kinds == "d"
    if dates.any():
        out[dates] = pd.to_datetime(column[dates], errors="coerce").to_numpy(dtype="datetime64[ns]")
    numbers = kinds == "n"
    if numbers.any():
        values = column[numbers].astype(float).to_numpy()
        out[numbers], bad[numbers] = _from_numbers(values, tz)
    bad |= kinds == "x"
    texts = kinds == "s"
    if texts.any():
        index = np.flatnonzero(texts)
        parsed, not_date, day_month, both = _from_texts(column[texts].astype(str).str.strip(), date_format, tz)
        out[index] = parsed
        bad[index] = not_date
        ambiguous[index] = day_month
        return Dates(out, bad, ambiguous, both)
    return Dates(out, bad, ambiguous)


def _polars_dates(column: pl.Series, date_format: str | None, tz: tzinfo | None) -> Dates:
    """Text dates parsed in Rust with the source's format or the column's own (chosen by its first value);
    whatever is left goes through the general rules of :func:`parse_dates`."""
    n = len(column)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    todo = column.is_not_null().to_numpy()
    first = column.filter(pl.Series(todo)).head(50).str.strip_chars().to_list()
    first = [f for f in first if f][:1]
    for fmt in (date_format, _fast_format(pd.Series(first, dtype=object)) if first else None):
        if fmt and todo.any():
            parsed = column.str.to_datetime(fmt, strict=False, time_unit="ns").to_numpy()
            hit = todo & ~np.isnat(parsed)
            out[hit] = parsed[hit]
            todo &= ~hit
    bad = np.zeros(n, dtype=bool)
    ambiguous = np.zeros(n, dtype=bool)
    both = None
    if todo.any():  # blanks, other forms, spaces around: the general rules (few rows, usually)
        where = np.flatnonzero(todo)
        rest = parse_dates(pd.Series(column.gather(where).to_list(), dtype=object), date_format, tz)
        out[where], bad[where], ambiguous[where], both = rest.values, rest.unparseable, rest.ambiguous, rest.both_orders
    return Dates(out, bad, ambiguous, both)


def _from_numbers(values: np.ndarray, tz: tzinfo | None) -> tuple[np.ndarray, np.ndarray]:
    """Numbers in a date column: 13-digit epoch milliseconds, else Excel serial day numbers."""
    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[ns]")
    epoch = (values >= 1e12) & (values < 1e13)
    serial = (values >= 1) & (values <= _MAX_SERIAL)
    if epoch.any():
        instants = pd.Series(pd.to_datetime(values[epoch].astype("int64"), unit="ms", utc=True))
        out[epoch] = _to_zone(instants, tz)
    if serial.any():
        microseconds = np.round(values[serial] * 86_400_000_000).astype("int64")
        out[serial] = (_EXCEL_EPOCH + pd.to_timedelta(microseconds, unit="us")).to_numpy(dtype="datetime64[ns]")
    return out, ~(epoch | serial)


def _fast_format(texts: pd.Series) -> str | None:
    first = texts.iloc[0]
    for pattern, fmt in _FAST_FORMATS:
        if pattern.match(first):
            return fmt
    return None


def _from_texts(texts: pd.Series, date_format: str | None, tz: tzinfo | None):
    """(datetimes, unparseable, day-month, both-orders example) of non-blank text cells."""
    n = len(texts)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    done = np.zeros(n, dtype=bool)
    for fmt in (date_format, _fast_format(texts)):
        if fmt and not done.all():
            todo = np.flatnonzero(~done)
            parsed = pd.to_datetime(texts.iloc[todo], format=fmt, errors="coerce").to_numpy(dtype="datetime64[ns]")
            hit = ~np.isnat(parsed)
            out[todo[hit]] = parsed[hit]
            done[todo[hit]] = True
    if done.all():
        return out, np.zeros(n, dtype=bool), np.zeros(n, dtype=bool), None
    rest = np.flatnonzero(~done)
    text = texts.iloc[rest]
    if any(not s.isascii() for s in pd.unique(text)):
        text = text.str.normalize("NFKC")
    parsed, ok = _year_first(text, tz)
    out[rest[ok]] = parsed[ok]
    done[rest[ok]] = True
    rest, text = rest[~ok], text[~ok]

    ok = text.str.match(_EPOCH_MS).to_numpy(dtype=bool)
    if ok.any():
        instants = pd.Series(pd.to_datetime(text[ok].astype("int64"), unit="ms", utc=True))
        out[rest[ok]] = _to_zone(instants, tz)
        done[rest[ok]] = True
    rest, text = rest[~ok], text[~ok]

    ok = text.str.match(_SERIAL).to_numpy(dtype=bool).copy()
    if ok.any():
        serial, not_serial = _from_numbers(text[ok].astype(float).to_numpy(), tz)
        out[rest[ok]] = serial
        ok[np.flatnonzero(ok)[not_serial]] = False
        done[rest[ok]] = True
    rest, text = rest[~ok], text[~ok]

    day_month = np.zeros(n, dtype=bool)
    both = None
    if len(text) and not date_format:
        parts = text.str.extract(_DAY_MONTH)
        dm = parts["y"].notna().to_numpy(dtype=bool)
        day_month[rest[dm]] = True
        if dm.any():
            a, b = parts["a"][dm].astype(int), parts["b"][dm].astype(int)
            first, second = text[dm][(a > 12).to_numpy()], text[dm][(b > 12).to_numpy()]
            if len(first) and len(second):
                both = (first.iloc[0], second.iloc[0])
    unparseable = ~done & ~day_month
    return out, unparseable, day_month, both


def _year_first(text: pd.Series, tz: tzinfo | None) -> tuple[np.ndarray, np.ndarray]:
    """Year-first dates with optional time and offset; (datetimes, parsed) per cell."""
    parts = text.str.extract(_YEAR_FIRST)
    ok = parts["y"].notna().to_numpy(dtype=bool)
    out = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[ns]")
    if not ok.any():
        return out, ok
    p = parts[ok]
    fraction = p["f"].fillna("0").str.slice(0, 6).str.ljust(6, "0").astype(int)
    frame = pd.DataFrame({
        "year": p["y"].astype(int), "month": p["m"].astype(int), "day": p["d"].astype(int),
        "hour": p["H"].fillna("0").astype(int), "minute": p["M"].fillna("0").astype(int),
        "second": p["S"].fillna("0").astype(int), "microsecond": fraction,
    })
    bad_time = ((frame["hour"] > 23) | (frame["minute"] > 59) | (frame["second"] > 59)).to_numpy()
    wall = pd.to_datetime(frame, errors="coerce")
    wall[bad_time] = pd.NaT
    offsets = p["tz"]
    aware = offsets.notna().to_numpy(dtype=bool)
    values = wall.to_numpy(dtype="datetime64[ns]")
    if aware.any():
        minutes = offsets[aware].map(_offset_minutes).to_numpy(dtype="int64")
        instants = pd.Series(wall[aware].to_numpy(dtype="datetime64[ns]")
                             - minutes.astype("timedelta64[m]")).dt.tz_localize("UTC")
        values[aware] = _to_zone(instants, tz)
    out[ok] = values
    parsed = np.zeros(len(text), dtype=bool)
    parsed[ok] = ~np.isnat(values)
    return out, parsed


def _offset_minutes(text: str) -> int:
    """``Z`` -> 0, ``+08:00``/``+0800``/``UTC+08`` -> 480 (once per distinct offset via map on few values)."""
    value = text.upper().removeprefix("UTC").removeprefix("GMT")
    if value == "Z":
        return 0
    digits = value[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
    return -minutes if value[0] == "-" else minutes
