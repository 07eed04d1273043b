"""Cell values of CRM exports as numbers, dates and comparable text, a whole column at a time.

A column is a polars String Series (CSV cells, as read) or a NumPy object array (workbook
cells as calamine gives them: text, floats, booleans, datetimes, None). Every function
returns NumPy arrays of the column's length. Text is matched and parsed by polars in Rust;
Python code runs per *distinct* value (folding, the rarer number forms), never per row,
except where a workbook already hands over one Python object per cell (the type split).
No pandas: `kpi collect` starts without it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from datetime import tzinfo

import numpy as np
import polars as pl

from addin.collect.folding import fold_one, fold_values

NAT = np.datetime64("NaT", "ns")

# ------------------------------------------------------------------------------------------- text

class TextCodes:
    """A column as folded text: a dense code per row and the folded text of each code.

    ``uniques`` lists the folded texts, each once; blank cells have the code of "". A column
    whose distinct texts are all folded already (none blank) keeps them in polars until a
    caller asks for the list: a million customer names need no million Python strings.
    """

    def __init__(self, codes: np.ndarray, uniques: list[str] | None = None, plain: pl.Series | None = None) -> None:
        self.codes = codes  # int64 per row
        self._uniques = uniques
        self._plain = plain  # the distinct texts, folded already; "" has the code len(plain)

    @property
    def size(self) -> int:
        """How many distinct folded texts (blank included)."""
        return len(self._uniques) if self._uniques is not None else len(self._plain) + 1

    @property
    def uniques(self) -> list[str]:
        if self._uniques is None:
            self._uniques = [*self._plain.to_list(), ""]
        return self._uniques

    def _rows(self, hits) -> np.ndarray:
        table = np.zeros(self.size, dtype=bool)
        table[hits] = True
        return table[self.codes]

    def isin(self, values) -> np.ndarray:
        """Rows holding one of ``values`` (compared folded)."""
        wanted = set(fold_values(values))
        if self._uniques is None:
            hits = np.flatnonzero(self._plain.is_in(sorted(wanted)).to_numpy())
            return self._rows([*hits, self.size - 1] if "" in wanted else hits)
        return self._rows([i for i, u in enumerate(self.uniques) if u in wanted])

    def nonblank(self) -> np.ndarray:
        if self._uniques is None:
            return self.codes != self.size - 1
        return ~self._rows([i for i, u in enumerate(self.uniques) if u == ""])


def factorize(values) -> tuple[np.ndarray, list]:
    """(code per cell in order of first appearance, the distinct cells) of Python objects; None and NaN: -1.

    Equal values share a code the way a dict sees them (``1``, ``1.0`` and ``True`` are one).
    """
    index: dict = {}
    codes = np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int64, count=len(values))
    distinct = list(index)
    missing = [i for i, v in enumerate(distinct) if v is None or (isinstance(v, float) and v != v)]
    if missing:
        keep = np.ones(len(distinct), dtype=bool)
        keep[missing] = False
        renumber = np.full(len(distinct), -1, dtype=np.int64)
        renumber[keep] = np.arange(int(keep.sum()), dtype=np.int64)
        codes = renumber[codes]
        distinct = [v for v, k in zip(distinct, keep) if k]
    return codes, distinct


def _merge_folded(raw_codes: np.ndarray, folded: list[str]) -> TextCodes:
    """Codes over raw values + the folded text of each raw value -> codes over folded texts."""
    index = dict.fromkeys(folded)
    if len(index) == len(folded):  # no two raw values fold alike (the common case): the codes stay
        return TextCodes(raw_codes, folded if "" in index else [*folded, ""])
    position = {text: i for i, text in enumerate(index)}
    mapping = np.array([position[text] for text in folded], dtype=np.int64)
    position.setdefault("", len(position))
    return TextCodes(mapping[raw_codes], list(position))


# texts of CJK ideographs, lower-case ASCII letters and digits only are already folded
_PLAIN = r"^[\x{4e00}-\x{9fff}a-z0-9]+$"


def text_codes(column) -> TextCodes:
    """Each cell as compared: trimmed, NFKC, inner spaces collapsed, case-folded; 1.0 -> "1"; blank -> "".

    Folds each distinct value once, so a million rows of a few hundred owners or stages
    cost a few hundred Python calls. Polars columns are grouped by a 64-bit hash of the text.
    """
    if isinstance(column, pl.Series):
        filled = column.fill_null("")
        hashes = filled.hash()
        first = hashes.arg_unique().sort()  # the first row of each distinct text, in order of appearance
        raw_codes = hashes.replace_strict(hashes.gather(first), pl.int_range(len(first), dtype=pl.Int64, eager=True),
                                          return_dtype=pl.Int64).to_numpy()
        texts = filled.gather(first)
        plain = texts.str.contains(_PLAIN).to_numpy()
        if plain.all():  # folded already, and distinct: the codes stay, the texts stay in polars
            return TextCodes(raw_codes, plain=texts)
        folded = texts.to_list()
        if not plain.all():
            rest = np.flatnonzero(~plain)
            for i, text in zip(rest, fold_values([folded[i] for i in rest])):
                folded[i] = text
        return _merge_folded(raw_codes, folded)
    raw_codes, distinct = factorize(column)
    raw_codes[raw_codes < 0] = len(distinct)  # missing cells are blank
    return _merge_folded(raw_codes, fold_values(distinct) + [""])


def blank_mask(column) -> np.ndarray:
    """True where a cell is empty: missing, NaN, or only spaces."""
    if isinstance(column, pl.Series):
        return (column.is_null() | (column.str.strip_chars() == "")).to_numpy()
    codes, distinct = factorize(column)
    return np.array([fold_one(u) == "" for u in distinct] + [True], dtype=bool)[codes]


def shown(value) -> str:
    """A cell value as a finding shows it (the message quotes it in its language): cut at 40 characters."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    text = text if len(text) <= 40 else text[:39] + "…"
    return text


def object_array(values) -> np.ndarray:
    """A 1-D NumPy object array of ``values`` (never a 2-D one, whatever the cells hold)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values if not isinstance(values, pl.Series) else values.to_list()
    return out


# ---------------------------------------------------------------------------------------- numbers

_NUMBER_TEXT = re.compile(
    r"^(?P<sign>[+-])?\s*(?:[¥$€£]|RMB|CNY|USD)?\s*(?P<sign2>[+-])?\s*"
    r"(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+(?:\.\d*)?|\.\d+)\s*"
    r"(?P<suffix>%|万元|万|亿元|亿|元|千元)?$", re.I)
_SUFFIX = {"%": 0.01, "万": 1e4, "万元": 1e4, "亿": 1e8, "亿元": 1e8, "元": 1.0, "千元": 1e3, "": 1.0}


def parse_numbers(column) -> tuple[np.ndarray, np.ndarray]:
    """(numbers, unparseable) of one column.

    Numbers pass as they are; text may carry thousands separators, a currency sign
    (``¥``, ``$``, ``RMB``…), ``%`` (``60%`` = 0.6), ``万``/``亿`` (``1.2万`` = 12000) or ``元``.
    Blank cells give NaN and are not unparseable; anything else gives NaN and True.
    """
    if len(column) == 0:
        return np.empty(0), np.zeros(0, dtype=bool)
    if isinstance(column, pl.Series):
        return _polars_numbers(column)
    codes, distinct = factorize(column)  # a missing cell (-1) takes the last entry: NaN, blank
    numbers = np.array([_number_one(u) for u in distinct] + [np.nan], dtype=float)[codes]
    blank = np.array([fold_one(u) == "" for u in distinct] + [True], dtype=bool)[codes]
    return numbers, np.isnan(numbers) & ~blank


def _polars_numbers(column: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """Plain numbers cast in Rust; the rest (1,200.00, ¥, %, 万, text) through the Python rules once each."""
    numbers = column.str.strip_chars().cast(pl.Float64, strict=False)
    leftover = (numbers.is_null() & column.is_not_null()).to_numpy()
    out = numbers.to_numpy().astype(float, copy=True)
    bad = np.zeros(len(column), dtype=bool)
    if leftover.any():
        where = np.flatnonzero(leftover)
        values, wrong = parse_numbers(object_array(column.gather(where)))
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
# 2026年7月3日, each with 14:22, 14:22:10 or 14:22:10.744884, a T, a Z or +08:00 (Rust regex syntax)
_YEAR_FIRST = (
    r"(?i)^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:(?:\s+|T)(?P<H>\d{1,2})[:：](?P<M>\d{2})(?:[:：](?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?)?"
    r"\s*(?P<tz>Z|(?:UTC|GMT)?[+-]\d{2}(?::?\d{2})?)?$")
# Day-month or month-day first: 3/7/2026, 03-07-2026 14:22
_DAY_MONTH = r"^(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{4})(?:[\sT].*)?$"
_EPOCH_MS = r"^\d{13}$"
_SERIAL = r"^\d{1,7}(?:\.\d+)?$"
# formats tried first on a whole column, chosen by its first value (the common, fast case)
_FAST_FORMATS = (
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "%Y-%m-%d"),
    (re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"), "%Y-%m-%d %H:%M:%S"),
    (re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$"), "%Y-%m-%d %H:%M"),
    (re.compile(r"^\d{4}/\d{2}/\d{2}$"), "%Y/%m/%d"),
    (re.compile(r"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}$"), "%Y/%m/%d %H:%M:%S"),
    (re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"), "%Y-%m-%dT%H:%M:%S"),
)
_EXCEL_EPOCH = np.datetime64("1899-12-30T00:00:00", "us")
_MAX_SERIAL = 2958465  # 9999-12-31
# what datetime64[ns] holds (1677-09-21 .. 2262-04-11); a date outside is no date
_FIRST_NS = np.datetime64("1677-09-21T00:12:43.145225", "us")
_LAST_NS = np.datetime64("2262-04-11T23:47:16.854775", "us")


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


def _to_ns(micro: np.ndarray) -> np.ndarray:
    """datetime64[us] -> datetime64[ns]; NaT where the value is outside what nanoseconds hold."""
    out = np.full(len(micro), NAT)
    inside = ~np.isnat(micro) & (micro >= _FIRST_NS) & (micro <= _LAST_NS)
    out[inside] = micro[inside].astype("datetime64[ns]")
    return out


def _to_zone(instants: np.ndarray, tz: tzinfo | None) -> np.ndarray:
    """UTC instants (naive datetime64[ns]) as naive wall-clock times of ``tz`` (UTC when None)."""
    if tz is None or not len(instants):
        return instants
    if isinstance(tz, dt.timezone):
        offset = tz.utcoffset(None)
        return instants + np.timedelta64(int(offset.total_seconds() * 1_000_000), "us").astype("timedelta64[ns]")
    zoned = pl.Series(instants).dt.replace_time_zone("UTC").dt.convert_time_zone(str(tz))
    return zoned.dt.replace_time_zone(None).to_numpy().astype("datetime64[ns]")


def _kind(value) -> str:
    """"s" text, "n" number, "d" date/datetime, "x" other (booleans, times), "" blank."""
    if isinstance(value, str):
        return "s"
    if isinstance(value, bool) or value is None:
        return "x" if value is not None else ""
    if isinstance(value, (int, float)):
        return "n" if value == value else ""
    if isinstance(value, (dt.datetime, dt.date)):
        return "d"
    return "x"


def _from_objects(values: np.ndarray) -> np.ndarray:
    """Workbook date and datetime cells as datetime64[ns] (an aware one as its UTC time)."""
    def naive(value):
        if isinstance(value, dt.datetime):
            if value.tzinfo is not None:
                value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
            return value
        return dt.datetime(value.year, value.month, value.day)
    return _to_ns(np.array([naive(v) for v in values], dtype="datetime64[us]"))


def parse_dates(column, date_format: str | None = None, tz: tzinfo | None = None) -> Dates:
    """Every accepted date form of COLLECT.md, as naive times in ``tz``.

    Args:
        column: the cells.
        date_format: strptime format for the source's day-month orders (``%d/%m/%Y``); values
            that do not fit it are still read in the unambiguous forms.
        tz: the rules' timezone: values with an offset (``Z``, ``+08:00``) and epoch milliseconds
            are converted to it (to UTC when None); values without one are taken as they are.
    """
    n = len(column)
    out = np.full(n, NAT)
    bad = np.zeros(n, dtype=bool)
    ambiguous = np.zeros(n, dtype=bool)
    if n == 0:
        return Dates(out, bad, ambiguous)
    if isinstance(column, pl.Series):
        return _polars_dates(column, date_format, tz)
    kinds = np.array([_kind(v) for v in column], dtype=object)
    kinds[blank_mask(column)] = ""

    dates = kinds == "d"
    if dates.any():
        out[dates] = _from_objects(column[dates])
        bad[dates] = np.isnat(out[dates])  # before 1677 or after 2262: no date we can place
    numbers = kinds == "n"
    if numbers.any():
        out[numbers], bad[numbers] = _from_numbers(column[numbers].astype(float), tz)
    bad |= kinds == "x"
    texts = kinds == "s"
    if texts.any():
        index = np.flatnonzero(texts)
        parsed, not_date, day_month, both = _from_texts(
            pl.Series([str(v) for v in column[texts]], dtype=pl.String).str.strip_chars(), date_format, tz)
        out[index] = parsed
        bad[index] = not_date
        ambiguous[index] = day_month
        return Dates(out, bad, ambiguous, both)
    return Dates(out, bad, ambiguous)


def _polars_dates(column: pl.Series, date_format: str | None, tz: tzinfo | None) -> Dates:
    """Text dates parsed in Rust with the source's format or the column's own (chosen by its first value);
    whatever is left goes through the general rules of :func:`parse_dates`."""
    n = len(column)
    out = np.full(n, NAT)
    todo = column.is_not_null().to_numpy()
    first = [f for f in column.drop_nulls().head(50).str.strip_chars().to_list() if f][:1]
    for fmt in (date_format, _fast_format(first[0]) if first else None):
        if fmt and todo.any():
            parsed = column.str.to_datetime(fmt, strict=False, time_unit="ns", cache=False).to_numpy()
            hit = todo & ~np.isnat(parsed)
            out[hit] = parsed[hit]
            todo &= ~hit
    bad = np.zeros(n, dtype=bool)
    ambiguous = np.zeros(n, dtype=bool)
    both = None
    if todo.any():  # blanks, other forms, spaces around: the general rules (few rows, usually)
        where = np.flatnonzero(todo)
        texts = column.gather(where).str.strip_chars()
        filled = (texts != "").to_numpy()
        if filled.any():
            at = where[filled]
            values, unparseable, day_month, both = _from_texts(texts.filter(pl.Series(filled)), date_format, tz)
            out[at], bad[at], ambiguous[at] = values, unparseable, day_month
    return Dates(out, bad, ambiguous, both)


def _from_numbers(values: np.ndarray, tz: tzinfo | None) -> tuple[np.ndarray, np.ndarray]:
    """Numbers in a date column: 13-digit epoch milliseconds, else Excel serial day numbers."""
    out = np.full(len(values), NAT)
    epoch = (values >= 1e12) & (values < 1e13)
    serial = (values >= 1) & (values <= _MAX_SERIAL)
    if epoch.any():
        out[epoch] = _to_zone(values[epoch].astype("int64").astype("datetime64[ms]").astype("datetime64[ns]"), tz)
    if serial.any():
        microseconds = np.round(values[serial] * 86_400_000_000).astype("int64")
        out[serial] = _to_ns(_EXCEL_EPOCH + microseconds.astype("timedelta64[us]"))
    return out, ~(epoch | serial) | ((epoch | serial) & np.isnat(out))


def _fast_format(first: str) -> str | None:
    for pattern, fmt in _FAST_FORMATS:
        if pattern.match(first):
            return fmt
    return None


def _from_texts(texts: pl.Series, date_format: str | None, tz: tzinfo | None):
    """(datetimes, unparseable, day-month, both-orders example) of non-blank, trimmed text cells."""
    n = len(texts)
    out = np.full(n, NAT)
    done = np.zeros(n, dtype=bool)
    for fmt in (date_format, _fast_format(texts[0])):
        if fmt and not done.all():
            todo = np.flatnonzero(~done)
            parsed = texts.gather(todo).str.to_datetime(fmt, strict=False, time_unit="ns", cache=False).to_numpy()
            hit = ~np.isnat(parsed)
            out[todo[hit]] = parsed[hit]
            done[todo[hit]] = True
    if done.all():
        return out, np.zeros(n, dtype=bool), np.zeros(n, dtype=bool), None
    rest = np.flatnonzero(~done)
    text = texts.gather(rest)
    if not text.str.contains(r"^[\x00-\x7f]*$").all():
        text = text.str.normalize("NFKC")
    parsed, ok = _year_first(text, tz)
    out[rest[ok]] = parsed[ok]
    done[rest[ok]] = True
    rest, text = rest[~ok], text.filter(pl.Series(~ok))

    ok = text.str.contains(_EPOCH_MS).to_numpy()
    if ok.any():
        milliseconds = text.filter(pl.Series(ok)).cast(pl.Int64).to_numpy()
        out[rest[ok]] = _to_zone(milliseconds.astype("datetime64[ms]").astype("datetime64[ns]"), tz)
        done[rest[ok]] = True
    rest, text = rest[~ok], text.filter(pl.Series(~ok))

    ok = text.str.contains(_SERIAL).to_numpy().copy()
    if ok.any():
        serial, not_serial = _from_numbers(text.filter(pl.Series(ok)).cast(pl.Float64).to_numpy(), tz)
        out[rest[ok]] = serial
        ok[np.flatnonzero(ok)[not_serial]] = False
        done[rest[ok]] = True
    rest, text = rest[~ok], text.filter(pl.Series(~ok))

    day_month = np.zeros(n, dtype=bool)
    both = None
    if len(text) and not date_format:
        parts = text.str.extract_groups(_DAY_MONTH).struct.unnest()
        dm = parts["y"].is_not_null().to_numpy()
        day_month[rest[dm]] = True
        if dm.any():
            a = parts["a"].cast(pl.Int64).to_numpy()
            b = parts["b"].cast(pl.Int64).to_numpy()
            first = np.flatnonzero(dm & (a > 12))
            second = np.flatnonzero(dm & (b > 12))
            if len(first) and len(second):
                both = (text[int(first[0])], text[int(second[0])])
    unparseable = ~done & ~day_month
    return out, unparseable, day_month, both


def _year_first(text: pl.Series, tz: tzinfo | None) -> tuple[np.ndarray, np.ndarray]:
    """Year-first dates with optional time and offset; (datetimes, parsed) per cell."""
    parts = text.str.extract_groups(_YEAR_FIRST).struct.unnest()
    ok = parts["y"].is_not_null().to_numpy()
    out = np.full(len(text), NAT)
    if not ok.any():
        return out, ok

    def number(name: str) -> np.ndarray:
        return parts[name].fill_null("0").cast(pl.Int64, strict=False).fill_null(-1).to_numpy()[ok]
    year, month, day = number("y"), number("m"), number("d")
    hour, minute, second = number("H"), number("M"), number("S")
    fraction = parts["f"].fill_null("0").str.slice(0, 6).str.pad_end(6, "0").cast(pl.Int64).to_numpy()[ok]
    valid = (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31) & (year >= 0)
    valid &= (hour >= 0) & (hour <= 23) & (minute >= 0) & (minute <= 59) & (second >= 0) & (second <= 59)
    months = np.where(valid, (year - 1970) * 12 + month - 1, 0).astype("datetime64[M]")
    days = months.astype("datetime64[D]") + np.where(valid, day - 1, 0).astype("timedelta64[D]")
    valid &= days.astype("datetime64[M]") == months  # 2026-02-30 is no date
    micro = days.astype("datetime64[us]") + ((hour * 60 + minute) * 60 + second).astype("timedelta64[s]") \
        + fraction.astype("timedelta64[us]")
    micro[~valid] = np.datetime64("NaT")
    values = _to_ns(micro)
    offsets = parts["tz"].to_numpy()[ok]
    aware = np.array([o is not None for o in offsets], dtype=bool)
    if aware.any():
        minutes = {o: _offset_minutes(o) for o in set(offsets[aware])}
        shift = np.array([minutes[o] for o in offsets[aware]], dtype="int64").astype("timedelta64[m]")
        values[aware] = _to_zone(values[aware] - shift, tz)
    out[ok] = values
    parsed = np.zeros(len(text), dtype=bool)
    parsed[ok] = ~np.isnat(values)
    return out, parsed


def _offset_minutes(text: str) -> int:
    """``Z`` -> 0, ``+08:00``/``+0800``/``UTC+08`` -> 480 (once per distinct offset)."""
    value = text.upper().removeprefix("UTC").removeprefix("GMT")
    if value == "Z":
        return 0
    digits = value[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
    return -minutes if value[0] == "-" else minutes
