"""The rules of `kpi collect`: which export files to read and how each indicator's actual is computed.

Rules come from a TOML file or from an xlsx rules workbook (tables ``tblSources`` and
``tblRules``, optional ``tblAliases`` and ``tblSettings``; list values separated by ``|``).
Both load into the same validated :class:`Rules` model. Every problem is collected and
named by its place (``rules[2].measure``, 0-based like the TOML array; the xlsx workbook
adds the cell), and :class:`RulesError` carries them all: the command exits 2 and
writes nothing.
"""

from __future__ import annotations

import json
import math
import re
import sys
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from xlsxwriter.utility import xl_rowcol_to_cell

from addin.contract.errors import UsageError
from addin.contract.messages import render
from addin.xlsx.guard import safe_workbook
from addin.xlsx.safety import UnsafeFile
from addin.xlsx.values import value_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

MEASURES = ("count", "sum", "mean", "median", "distinct", "ratio", "duration_mean", "duration_median")
VALUE_MEASURES = ("sum", "mean", "median", "distinct")
DURATION_MEASURES = ("duration_mean", "duration_median")
SCOPES = ("individual", "team", "company")
UNITS = ("minutes", "hours", "days")

Scalar = str | int | float | bool
Filter = dict[str, Scalar | list[Scalar]]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Source(_Strict):
    """``[sources.NAME]``: where the rows of one kind of export come from."""

    files: list[str]
    sheet: str | None = None
    owner: str
    date: str
    date_format: str | None = None
    key: str | None = None

    @field_validator("files", mode="before")
    @classmethod
    def _one_pattern(cls, value):
        return [value] if isinstance(value, str) else value


class Rule(_Strict):
    """``[[rules]]``: one indicator's actual, computed from one source."""

    indicator: str
    source: str
    measure: Literal["count", "sum", "mean", "median", "distinct", "ratio", "duration_mean", "duration_median"]
    value: str | None = None
    where: Filter = {}
    where_not: Filter = {}
    numerator: Filter | None = None
    start: str | None = None
    end: str | None = None
    unit: Literal["minutes", "hours", "days"] | None = None
    map: dict[str, float] | None = None
    scale: float | None = None
    scope: Literal["individual", "team", "company"] = "individual"

    def columns(self) -> list[str]:
        """Every export column the rule reads, in the order a reader expects them."""
        out = [self.value, self.start, self.end, *self.where, *self.where_not, *(self.numerator or {})]
        return [c for c in out if c]


class Rules(_Strict):
    """A whole rules file."""

    timezone: str | None = None
    aliases: dict[str, str] = {}
    sources: dict[str, Source]
    rules: list[Rule]

    def source_columns(self, name: str) -> list[str]:
        """Every column the rules use in source ``name``: owner, date, key, then the rules' columns."""
        source = self.sources[name]
        columns = [source.owner, source.date, *([source.key] if source.key else [])]
        for rule in self.rules:
            if rule.source == name:
                columns.extend(rule.columns())
        return list(dict.fromkeys(columns))

    def tz(self) -> tzinfo | None:
        return parse_timezone(self.timezone) if self.timezone else None


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a rules file: where (``rules[2].measure``), and what (a message key and values)."""

    place: str
    key: str
    values: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str) -> str:
        return f"{self.place}: {render('collect.' + self.key, lang, **self.values)}"


class RulesError(UsageError):
    """A rules file that cannot be used; every problem is named by its place (exit 2, nothing written)."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        super().__init__("collect_rules_invalid", file=path, count=len(problems))
        self.path = path
        self.problems = problems

    def render(self, lang: str) -> str:
        head = super().render(lang)
        return "\n".join([head, *(f"  {p.render(lang)}" for p in self.problems)])


_OFFSET = re.compile(r"(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?", re.I)


def parse_timezone(text: str) -> tzinfo:
    """``+08:00``, ``UTC+8``, ``Z``/``UTC`` or an IANA name such as ``Asia/Shanghai``; ValueError otherwise."""
    value = text.strip()
    if value.upper() in ("Z", "UTC", "GMT"):
        return timezone.utc
    if match := _OFFSET.fullmatch(value):
        hours, minutes = int(match[2]), int(match[3] or 0)
        if hours > 14 or minutes >= 60:
            raise ValueError(value)
        delta = timedelta(hours=hours, minutes=minutes)
        return timezone(-delta if match[1] == "-" else delta)
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(value) from None


# -------------------------------------------------------------------------------------------- loading

def load_rules(path) -> Rules:
    """The rules of a ``.toml`` file or an ``.xlsx`` rules workbook, validated.

    Raises:
        UsageError: the file is missing or of another kind.
        RulesError: the file holds invalid rules (every problem with its place).
    """
    path = Path(path)
    if not path.is_file():
        raise UsageError("collect_rules_missing", file=str(path))
    suffix = path.suffix.lower()
    if suffix == ".toml":
        try:
            data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise RulesError(str(path), [Problem(path.name, "toml_syntax", {"reason": str(exc)})]) from None
        cells: Mapping[tuple, str] = {}
    elif suffix in (".xlsx", ".xlsm"):
        data, cells = _read_rules_workbook(path)
    else:
        raise UsageError("collect_rules_kind", file=str(path))
    return validate_rules(data, str(path), cells)


def validate_rules(data: dict, path: str = "rules", cells: Mapping[tuple, str] | None = None) -> Rules:
    """``data`` (as TOML gives it) as :class:`Rules`; RulesError with every problem otherwise.

    ``cells`` maps a place (``("rules", 2, "measure")``) to the cell it came from, for messages.
    """
    cells = cells or {}
    try:
        rules = Rules.model_validate(data)
    except ValidationError as exc:
        problems = [_pydantic_problem(error, data, cells) for error in exc.errors()]
        raise RulesError(path, problems) from None
    problems = _cross_checks(rules, cells)
    if problems:
        raise RulesError(path, problems)
    return rules


def _place(loc: tuple, cells: Mapping[tuple, str], data: Any = None) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif text:
            text += "." + (part if re.fullmatch(r"[\w]+", part) else f'"{part}"')
        else:
            text = part
    text = text or "rules"
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int) and isinstance(data, dict):
        try:
            indicator = data["rules"][loc[1]].get("indicator")
        except (KeyError, IndexError, TypeError, AttributeError):
            indicator = None
        if indicator:
            text += f" ({indicator})"
    for n in range(len(loc), 0, -1):
        cell = cells.get(tuple(loc[:n]))
        if cell:
            return f"{text} [{cell}]"
    return text


_PYDANTIC_KEYS = {
    "missing": "missing", "extra_forbidden": "unknown_key", "literal_error": "not_one_of",
    "string_type": "not_text", "float_parsing": "not_number", "float_type": "not_number",
    "dict_type": "not_table", "list_type": "not_list", "finite_number": "not_number",
}


def _pydantic_problem(error: dict, data: dict, cells: Mapping[tuple, str]) -> Problem:
    loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith(("list[", "str", "int",
                                                                                                    "float", "bool"))))
    key = _PYDANTIC_KEYS.get(error["type"], "")
    values: dict[str, Any] = {}
    if key == "not_one_of":
        values["allowed"] = error.get("ctx", {}).get("expected", "").replace("'", "")
    if key in ("not_one_of", "not_text", "not_number", "not_table", "not_list"):
        values["value"] = _shown(error.get("input"))
    if not key:
        key, values = "invalid", {"reason": error.get("msg", "")}
    if key == "missing" and error["loc"][:1] == ("sources",) and len(error["loc"]) == 3:
        values = {}
    return Problem(_place(loc, cells, data), key, values)


def _shown(value) -> str:
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 60 else text[:59] + "…"


def _cross_checks(rules: Rules, cells: Mapping[tuple, str]) -> list[Problem]:  # noqa: C901 - one check per line
    """What pydantic cannot see: names that refer to each other, fields a measure needs, numbers."""
    problems: list[Problem] = []
    data = {"rules": [r.model_dump() for r in rules.rules]}

    def add(loc: tuple, key: str, **values) -> None:
        problems.append(Problem(_place(loc, cells, data), key, values))

    if rules.timezone:
        try:
            parse_timezone(rules.timezone)
        except ValueError:
            add(("timezone",), "bad_timezone", value=_shown(rules.timezone))
    if not rules.sources:
        add(("sources",), "no_sources")
    if not rules.rules:
        add(("rules",), "no_rules")
    for name, source in rules.sources.items():
        if not source.files or not all(p.strip() for p in source.files):
            add(("sources", name, "files"), "no_files")
        for key in ("owner", "date"):
            if not getattr(source, key):
                add(("sources", name, key), "missing")
        if source.date_format and "%" not in source.date_format:
            add(("sources", name, "date_format"), "bad_date_format", value=_shown(source.date_format))
    seen: dict[str, int] = {}
    for i, rule in enumerate(rules.rules):
        if not rule.indicator:
            add(("rules", i, "indicator"), "missing")
        folded = fold(rule.indicator)
        if folded in seen:
            add(("rules", i, "indicator"), "indicator_twice", first=f"rules[{seen[folded]}]")
        seen.setdefault(folded, i)
        if rule.source not in rules.sources:
            add(("rules", i, "source"), "unknown_source", value=_shown(rule.source),
                known=", ".join(rules.sources) or "-")
        if rule.measure in VALUE_MEASURES and not rule.value:
            add(("rules", i, "value"), "needs_value", measure=rule.measure)
        if rule.measure == "ratio" and not rule.numerator:
            add(("rules", i, "numerator"), "needs_numerator")
        if rule.measure != "ratio" and rule.numerator:
            add(("rules", i, "numerator"), "only_ratio")
        if rule.measure in DURATION_MEASURES:
            for key in ("start", "end", "unit"):
                if not getattr(rule, key):
                    add(("rules", i, key), "needs_duration", measure=rule.measure)
        elif rule.start or rule.end or rule.unit:
            add(("rules", i, "start" if rule.start else "end" if rule.end else "unit"), "only_duration")
        if rule.measure in ("count", *DURATION_MEASURES) and rule.value:
            add(("rules", i, "value"), "value_unused", measure=rule.measure)
        if rule.scale is not None and not math.isfinite(rule.scale):
            add(("rules", i, "scale"), "not_number", value=_shown(rule.scale))
        for key in ("where", "where_not", "numerator"):
            for column, allowed in (getattr(rule, key) or {}).items():
                if isinstance(allowed, list) and not allowed:
                    add(("rules", i, key, column), "empty_list")
        if rule.map is not None and not rule.map:
            add(("rules", i, "map"), "empty_map")
    return problems


def fold(text) -> str:
    """Text as compared: NFKC, trimmed, inner spaces collapsed, case-folded."""
    return " ".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()


# ------------------------------------------------------------------------------- the rules workbook

# table -> {field: accepted header texts (compared folded)}
SOURCE_FIELDS = {
    "source": ("source", "name", "数据源", "来源", "名称"),
    "files": ("files", "file", "文件", "文件模式"),
    "sheet": ("sheet", "工作表"),
    "owner": ("owner", "负责人列", "负责人"),
    "date": ("date", "日期列", "日期"),
    "date_format": ("date_format", "日期格式"),
    "key": ("key", "唯一键", "编号列"),
    "note": ("note", "说明", "备注"),
}
RULE_FIELDS = {
    "indicator": ("indicator", "指标"),
    "source": ("source", "数据源", "来源"),
    "measure": ("measure", "计算方式", "度量"),
    "value": ("value", "取值列", "数值列"),
    "where": ("where", "筛选条件", "条件"),
    "where_not": ("where_not", "排除条件"),
    "numerator": ("numerator", "分子条件"),
    "start": ("start", "开始列", "开始时间列"),
    "end": ("end", "结束列", "结束时间列"),
    "unit": ("unit", "单位"),
    "map": ("map", "映射", "文本映射"),
    "scale": ("scale", "倍数", "换算系数"),
    "scope": ("scope", "范围", "口径"),
    "note": ("note", "说明", "备注"),
}
ALIAS_FIELDS = {"owner": ("owner", "crm负责人", "负责人", "别名"), "manager_id": ("manager_id", "客户经理编号", "编号")}
SETTING_FIELDS = {"setting": ("setting", "设置", "项目"), "value": ("value", "值")}
_FILTERS = ("where", "where_not", "numerator")
# measure, scope and unit as the zh rules workbook's drop-downs show them -> their keys
_WORDS = {
    field_name: {fold(render(f"collect.{field_name}_{key}", lang)): key for key in keys for lang in ("zh", "en")}
    for field_name, keys in (("measure", MEASURES), ("scope", SCOPES), ("unit", UNITS))
}
_LISTS = ("files",)


def _table_records(book, name: str, fields: dict[str, tuple[str, ...]], problems: list[Problem],
                   required: bool) -> list[tuple[dict[str, Any], dict[str, str]]]:
    """[(field -> raw cell value, field -> A1 cell)] of one table; unknown headers are problems."""
    if name.casefold() not in {n.casefold() for n in book.table_names}:
        if required:
            problems.append(Problem(name, "no_table"))
        return []
    actual = next(n for n in book.table_names if n.casefold() == name.casefold())
    table = book.get_table_by_name(actual)
    lookup = {fold(text): key for key, texts in fields.items() for text in texts}
    first_row, first_col = table.start
    header_row = first_row - 1
    columns: dict[int, str] = {}
    for index, header in enumerate(table.columns):
        key = lookup.get(fold(header))
        if key is None:
            problems.append(Problem(f"{name}!{xl_rowcol_to_cell(header_row, first_col + index)}", "unknown_header",
                                    {"value": _shown(str(header)), "allowed": ", ".join(fields)}))
        elif key not in columns.values():
            columns[index] = key
    records = []
    for r, values in enumerate(table.to_python()):
        if not any(value_text(v) for v in values):
            continue
        record, where = {}, {}
        for index, key in columns.items():
            value = values[index] if index < len(values) else ""
            if value_text(value) == "":
                continue
            record[key] = value
            where[key] = f"{name}!{xl_rowcol_to_cell(first_row + r, first_col + index)}"
        records.append((record, where))
    return records


def _inline(text: str):
    """A cell written the way the TOML of COLLECT.md writes the field (``{ "商机阶段" = ["成功", "赢单"] }``,
    ``["a.xlsx", "b.xlsx"]``) or as JSON (``{"商机阶段": "成功"}``): its value; None for any other text.

    Raises ValueError naming the text when it starts like one but is neither.
    """
    text = text.strip()
    if not text or text[0] not in "{[":
        return None
    try:
        return tomllib.loads("value = " + text)["value"]
    except tomllib.TOMLDecodeError:
        pass
    try:
        return json.loads(text)
    except ValueError:
        raise ValueError(text) from None


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and (text[0] == text[-1] and text[0] in "\"'" or (text[0], text[-1]) == ("“", "”")):
        return text[1:-1].strip()
    return text


def parse_list(text: str) -> list[str]:
    """``a.xlsx|b.xlsx`` (or ``["a.xlsx", "b.xlsx"]`` as in the TOML) -> ["a.xlsx", "b.xlsx"]."""
    inline = _inline(text)
    if inline is not None:
        items = inline if isinstance(inline, list) else [inline]
        return [str(v).strip() for v in items if str(v).strip()]
    return [_unquote(p) for p in text.split("|") if p.strip()]


def _dict_of(text: str):
    inline = _inline(text)
    if inline is None:
        return None
    if not isinstance(inline, dict):
        raise ValueError(text.strip())
    return inline


def parse_filter(text: str) -> dict[str, list[str]]:
    """``商机阶段 = 成功|赢单; 类型 = 新签`` -> {"商机阶段": ["成功", "赢单"], "类型": ["新签"]}; the TOML
    form ``{ "商机阶段" = ["成功", "赢单"] }`` (or JSON) gives the same.

    Raises ValueError naming the part without ``=``.
    """
    inline = _dict_of(text)
    if inline is not None:
        return {str(k).strip(): [str(x).strip() for x in (v if isinstance(v, list) else [v])]
                for k, v in inline.items()}
    out: dict[str, list[str]] = {}
    for part in re.split(r"[;；\n]", text):
        part = part.strip()
        if not part:
            continue
        match = re.fullmatch(r"(.+?)\s*[=＝]\s*(.*)", part, re.S)
        if not match:
            raise ValueError(part)
        out[_unquote(match[1])] = [_unquote(v) for v in match[2].split("|")]
    return out


def parse_map(text: str) -> dict[str, Any]:
    """``很满意=5; 满意=4`` -> {"很满意": "5", "满意": "4"} (pydantic checks the numbers); the TOML form
    ``{ "很满意" = 5, "满意" = 4 }`` (or JSON) gives the same."""
    inline = _dict_of(text)
    if inline is not None:
        return {str(k).strip(): v for k, v in inline.items()}
    out: dict[str, Any] = {}
    for part in re.split(r"[;；|\n]", text):
        if not part.strip():
            continue
        if not re.search(r"[=＝]", part):
            raise ValueError(part.strip())
        key, value = re.split(r"\s*[=＝]\s*", part.strip(), maxsplit=1)
        out[_unquote(key)] = _unquote(value)
    return out


def _read_rules_workbook(path: Path) -> tuple[dict, dict[tuple, str]]:  # noqa: C901 - one branch per table
    try:
        book = safe_workbook(path, load_tables=True)
    except UnsafeFile as exc:  # a far-away cell, a reader panic: its own reason
        raise UsageError("collect_rules_unreadable", file=str(path), reason=exc.reason.message()) from None
    except Exception as exc:  # noqa: BLE001 - calamine raises several kinds on a bad file
        raise UsageError("collect_rules_unreadable", file=str(path), reason=f"{type(exc).__name__}: {exc}") from None
    problems: list[Problem] = []
    cells: dict[tuple, str] = {}
    data: dict[str, Any] = {"sources": {}, "rules": []}
    try:
        for record, where in _table_records(book, "tblSources", SOURCE_FIELDS, problems, True):
            name = _unquote(value_text(record.pop("source", "")))
            if not name:
                problems.append(Problem(next(iter(where.values()), "tblSources"), "source_without_name"))
                continue
            entry = {key: _unquote(value_text(v)) for key, v in record.items() if key != "note"}
            if "files" in entry:
                try:
                    entry["files"] = parse_list(entry["files"])  # type: ignore[assignment]
                except ValueError as exc:
                    problems.append(Problem(f"sources.{name}.files [{where.get('files', '')}]", "bad_filter",
                                            {"value": _shown(str(exc))}))
            data["sources"][name] = entry
            for key, cell in where.items():
                cells[("sources", name, key)] = cell
            cells[("sources", name)] = where.get("source", "")
        for i, (record, where) in enumerate(_table_records(book, "tblRules", RULE_FIELDS, problems, True)):
            entry = {}
            for key, value in record.items():
                text = value_text(value)
                if key == "note":
                    continue
                if key in _WORDS:
                    text = _WORDS[key].get(fold(text), text)
                try:
                    if key in _FILTERS:
                        entry[key] = parse_filter(text)
                    elif key == "map":
                        entry[key] = parse_map(text)
                    elif key == "scale" and isinstance(value, (int, float)) and not isinstance(value, bool):
                        entry[key] = value
                    else:
                        entry[key] = _unquote(text)  # "金额" copied from the TOML reads 金额
                except ValueError as exc:
                    problems.append(Problem(f"rules[{i}].{key} [{where[key]}]", "bad_filter",
                                            {"value": _shown(str(exc))}))
            data["rules"].append(entry)
            for key, cell in where.items():
                cells[("rules", i, key)] = cell
            cells[("rules", i)] = next(iter(where.values()), "tblRules")
        for record, where in _table_records(book, "tblAliases", ALIAS_FIELDS, problems, False):
            owner, manager = value_text(record.get("owner")), value_text(record.get("manager_id"))
            if owner and manager:
                data.setdefault("aliases", {})[owner] = manager
                cells[("aliases", owner)] = where.get("manager_id", "")
            else:
                problems.append(Problem(next(iter(where.values())), "alias_incomplete"))
        for record, where in _table_records(book, "tblSettings", SETTING_FIELDS, problems, False):
            setting, value = fold(value_text(record.get("setting"))), value_text(record.get("value"))
            if setting in ("timezone", "时区"):
                if value:
                    data["timezone"] = value
                    cells[("timezone",)] = where.get("value", "")
            elif setting:
                problems.append(Problem(where.get("setting", "tblSettings"), "unknown_setting",
                                        {"value": _shown(setting)}))
    except Exception as exc:  # noqa: BLE001 - a damaged table part
        raise UsageError("collect_rules_unreadable", file=str(path), reason=f"{type(exc).__name__}: {exc}") from None
    finally:
        book.close()
    if problems:
        raise RulesError(str(path), problems)
    return data, cells
