"""`kpi demo`: a realistic synthetic team, filled, with planted problems, consolidated.

The demo writes into ``DIR``:

* ``roster.csv``: the team roster (manager id, name, team, region, reviewer, period),
  the input of ``kpi new --roster``;
* ``scorecards/``: one workbook per manager, as ``kpi new --roster`` makes them (same
  roster reader, header fields and file names), filled with plausible quarter data
  (targets, actuals, reviews) drawn from ``--seed``;
* ``team.xlsx``: the team workbook of ``kpi consolidate``.

Planted problems (each becomes a finding the summary reports): a lenient reviewer,
a manager whose weights sum to 95 %, a score cell overwritten with a typed number,
and a missing actual.
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import random
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from addin.contract import schema
from addin.contract.errors import UsageError
from addin.contract.standard import default_reviews, default_rows, review_roles
from addin.roster.reader import read_roster
from addin.xlsx.atomic import atomic_path
from addin.xlsx.output import check_output_files, check_output_folder
from addin.xlsx.reader import read_scorecard
from addin.xlsx.recalc import ask_to_recalculate
from addin.xlsx.xml_text import cell_text, needs_preserve
from workbook_templates.generator import write_template
from workbook_templates.roster_workbooks import file_name

PERIOD = "2026Q3"

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
_GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "丽", "强",
          "平", "刚", "桂英", "建华", "晓东", "海燕"]
_EN_FIRST = ["Alice", "Ben", "Chen", "Diana", "Eric", "Fiona", "George", "Hannah", "Ivan", "Julia", "Kevin", "Lily",
             "Martin", "Nina", "Oscar", "Paula", "Quinn", "Rosa", "Sam", "Tina", "Victor", "Wendy", "Xavier", "Yara"]
_EN_LAST = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu"]
_TEAMS = {"zh": ["华东一组", "华东二组", "华南一组", "华北一组", "西南一组", "华中一组"],
          "en": ["East 1", "East 2", "South 1", "North 1", "Southwest 1", "Central 1"]}
_REGIONS = {"zh": ["华东", "华东", "华南", "华北", "西南", "华中"], "en": ["East", "East", "South", "North", "Southwest", "Central"]}
_LEADERS = {"zh": ["周建国", "吴晓梅", "郑海涛", "冯丽华", "蒋志强", "韩雪"],
            "en": ["Grace Zhou", "Henry Wu", "Iris Zheng", "Jack Feng", "Kate Jiang", "Leo Han"]}

# Plausible quarterly targets per indicator (keyed by the English default name).
_TARGETS = {
    "Sales revenue": (500.0, 0.14), "New customers": (20.0, 0.2), "Renewal rate": (90.0, 0.06),
    "Team sales": (4000.0, 0.0), "Company profit": (12000.0, 0.0), "Customer visits": (60.0, 0.15),
    "Follow-up timeliness": (95.0, 0.03), "CRM record completeness": (95.0, 0.04),
    "Customer satisfaction": (90.0, 0.05), "Complaint handling time": (24.0, 0.25),
    "Compliance incidents": (0.0, 0.0),
}


# A reviewer's comment on the first competency, by rating (no random draw: the figures stay those of the seed).
_COMMENTS = {
    "zh": ((4.5, "客户关系维护出色，季度业绩突出，可以承担更多重点客户。"), (3.5, "工作主动，沟通顺畅；新客户开拓还可以加强。"),
           (2.5, "完成了基本目标，客户跟进的及时性需要提升。"), (0.0, "业绩与过程指标均有差距，下季度需要制定改进计划。")),
    "en": ((4.5, "Excellent customer relationships and a strong quarter; ready for more key accounts."),
           (3.5, "Proactive and communicates well; can do more to win new customers."),
           (2.5, "Met the basic targets; follow-ups need to be more timely."),
           (0.0, "Behind on results and process; needs an improvement plan for next quarter.")),
}
_ADJUST_REASON = {"zh": "新接手区域，客户基数小，经销售总监批准下调目标", "en": "took over a new territory with few customers; "
                  "lowered with the sales director's approval"}


def _comment(rating: float, lang: str) -> str:
    return next(text for floor, text in _COMMENTS[lang] if rating >= floor)


@dataclass
class Planted:
    """The problems planted in the demo, by manager id, for the summary."""

    lenient_reviewer: str = ""
    weights: str = ""
    overwritten: str = ""
    missing_actual: str = ""
    notes: list[str] = field(default_factory=list)


def _names(n: int, lang: str, rnd: random.Random) -> list[str]:
    seen, out = set(), []
    while len(out) < n:
        if lang == "zh":
            name = rnd.choice(_SURNAMES) + rnd.choice(_GIVEN)
        else:
            name = f"{rnd.choice(_EN_FIRST)} {rnd.choice(_EN_LAST)}"
        if name in seen:
            name = f"{name}{len(out) + 1}"
        seen.add(name)
        out.append(name)
    return out


def make_roster(n: int, lang: str, seed: int) -> list[dict]:
    """The synthetic team: id, name, team, region, reviewer (team leader), period."""
    rnd = random.Random(seed)
    teams = max(1, min(len(_TEAMS[lang]), math.ceil(n / 8)))
    names = _names(n, lang, rnd)
    roster = []
    for i in range(n):
        t = i % teams
        roster.append({"manager_id": f"AM{i + 1:03d}", "manager_name": names[i], "team": _TEAMS[lang][t],
                       "region": _REGIONS[lang][t], "reviewer": _LEADERS[lang][t], "period": PERIOD})
    return roster


def _write_roster_csv(path: Path, roster: list[dict]) -> None:
    with atomic_path(path) as temp, open(temp, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(roster[0]))
        writer.writeheader()
        writer.writerows(roster)


def _quarter_rows(size: str, lang: str, ability: float, rnd: random.Random, team_actuals: dict) -> list[dict]:

    rows = []
    for en in default_rows(size, "en"):
        target, spread = _TARGETS.get(en["indicator"], (100.0, 0.1))
        direction = en["direction"]
        if en["indicator"] == "Compliance incidents":
            actual = float(rnd.choices([0, 0, 0, 0, 0, 1, 2], k=1)[0])
        elif en["tier"] in ("team", "company"):
            # one figure for the whole team / company, reported identically by everyone
            actual = team_actuals.setdefault((en["tier"], en["indicator"]), round(target * rnd.uniform(0.9, 1.1), 1))
        elif direction == "lower":
            actual = round(max(1.0, target * rnd.gauss(2 - ability, spread)), 1)
        else:
            actual = round(max(0.0, target * rnd.gauss(ability, spread)), 1)
            if en["unit"] == "%":
                actual = min(actual, 100.0)
        rows.append({"target": target, "actual": actual})
    return rows


def _reviews(size: str, lang: str, person: dict, ability: float, rnd: random.Random, leniency: float,
             peers: list[str]) -> list[dict]:

    reviews = []
    base = 3.2 + (ability - 1.0) * 5
    competencies = [r["competency"] for r in default_reviews(size, lang)][:4]
    roles = review_roles(size)
    for role in roles:
        if role == "self":
            raters = [person["manager_name"]]
            bias = 0.4
        elif role == "peer":
            raters = peers[:2]
            bias = 0.1
        else:
            raters = [person["reviewer"]]
            bias = leniency
        for rater in raters:
            for competency in competencies:
                rating = round(min(5.0, max(1.0, rnd.gauss(base + bias, 0.55))) * 2) / 2
                review = {"role": schema.REVIEW.column("role").enum.label(role, lang), "reviewer": rater,
                          "competency": competency, "rating": rating}
                if role == "manager" and competency == competencies[0]:
                    review["comment"] = _comment(rating, lang)
                reviews.append(review)
    return reviews


def build_team(folder: Path, managers: int = 24, size: str = "medium", lang: str = "zh", seed: int = 7):
    """Write the roster and the filled scorecards; returns (paths, planted problems)."""

    if managers < 1:
        raise UsageError("demo_managers", managers=managers)
    check_output_folder(folder)
    # a folder or a device where the demo writes is refused as every command refuses it; whether an
    # existing file may be replaced is the manifest's to say (_refuse_foreign)
    check_output_files([folder / ROSTER, folder / TEAM], force=True)
    ours = _refuse_foreign(folder)
    rnd = random.Random(seed)
    roster = make_roster(managers, lang, seed)
    cards = folder / "scorecards"
    cards.mkdir(parents=True, exist_ok=True)
    _write_manifest(folder, ours | {ROSTER, TEAM})
    _write_roster_csv(folder / ROSTER, roster)
    headers = _roster_headers(folder / ROSTER)
    written = {ROSTER, TEAM} | {f"{CARDS}/{name}" for _, name in headers.values()}
    _write_manifest(folder, ours | written)  # before the files: an interrupted run leaves only known files

    planted = Planted()
    lenient_team = roster[0]["team"]
    planted.lenient_reviewer = roster[0]["reviewer"]
    weights_idx = 1 if managers > 3 else None
    overwrite_idx = 2 if managers > 3 else None
    missing_idx = 3 if managers > 3 else None
    adjusted_idx = 5 if managers > 5 else None
    company_actuals: dict = {}
    team_actuals: dict[str, dict] = {}
    paths = []
    for i, person in enumerate(roster):
        ability = min(1.35, max(0.6, rnd.gauss(1.0, 0.11)))
        shared = team_actuals.setdefault(person["team"], {})
        shared.update({k: v for k, v in company_actuals.items()})
        rows = _quarter_rows(size, lang, ability, rnd, shared)
        company_actuals.update({k: v for k, v in shared.items() if k[0] == "company"})
        if i == weights_idx:
            rows[0]["weight"] = _default_weight(size, lang, 0) - 0.05
            planted.weights = person["manager_id"]
        if i == missing_idx:
            rows[min(3, len(rows) - 1)]["actual"] = None
            planted.missing_actual = person["manager_id"]
        if i == adjusted_idx:  # an agreed target cut, with its reason (TARGET_ADJUSTED, shown on the card)
            rows[0]["adjusted_target"] = round(rows[0]["target"] * 0.8, 1)
            rows[0]["adjust_reason"] = _ADJUST_REASON[lang]
        peers = [p["manager_name"] for p in roster if p["team"] == person["team"] and p is not person]
        leniency = 1.0 if person["team"] == lenient_team else 0.0
        reviews = _reviews(size, lang, person, ability, rnd, leniency, peers)
        header, name = headers[person["manager_id"]]
        path = write_template(cards / name, size=size, lang=lang, header=header, rows=rows,
                              reviews=reviews, force=True)  # ours: _refuse_foreign checked it
        if i == overwrite_idx:
            _type_over_formula(path, row_index=0, key="score", value=100)
            planted.overwritten = person["manager_id"]
        paths.append(path)
    for stale in sorted(ours - written):  # scorecards of an earlier run with more managers: ours to remove
        with contextlib.suppress(FileNotFoundError):
            (folder / stale).unlink()
    _write_manifest(folder, written)
    return paths, planted


# Files of the demo folder: what a run writes, and the list of what it wrote (never anything else
# is replaced or removed; a folder holding other files there is refused).
ROSTER, TEAM, CARDS, MANIFEST = "roster.csv", "team.xlsx", "scorecards", ".kpi-demo.json"


def _manifest(folder: Path) -> set[str]:
    """The files (relative, "/"-separated) earlier demo runs wrote into ``folder``."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    files = data.get("files") if isinstance(data, dict) else None
    return {f for f in files if isinstance(f, str) and _demo_file(f)} if isinstance(files, list) else set()


def _demo_file(name: str) -> bool:
    """A name a demo run writes: roster.csv, team.xlsx or scorecards/<file> (never anything else)."""
    if name in (ROSTER, TEAM):
        return True
    head, _, tail = name.partition("/")
    return head == CARDS and tail not in ("", ".", "..") and "/" not in tail and "\\" not in tail


def _write_manifest(folder: Path, files: set[str]) -> None:
    with atomic_path(folder / MANIFEST) as temp:
        temp.write_text(json.dumps({"written_by": "kpi demo", "files": sorted(files)}, indent=1), encoding="utf-8")


def _refuse_foreign(folder: Path) -> set[str]:
    """The files earlier demo runs wrote; UsageError when the folder holds a file where the demo
    writes (roster.csv, team.xlsx, anything in scorecards/) that no demo run wrote."""
    ours = _manifest(folder)
    found = [folder / ROSTER, folder / TEAM]
    if (folder / CARDS).is_dir():
        found += sorted(p for p in (folder / CARDS).rglob("*") if not p.is_dir())
    elif (folder / CARDS).exists():
        found.append(folder / CARDS)
    for path in found:
        if (path.exists() or path.is_symlink()) and path.relative_to(folder).as_posix() not in ours:
            raise UsageError("output.demo_foreign", path=str(path), folder=str(folder))
    return ours


def _roster_headers(roster_csv: Path) -> dict[str, tuple[dict, str]]:
    """Header fields and file name per manager id, exactly as `kpi new --roster` derives them
    (the same roster reader and file naming); the demo then fills each workbook with data."""

    out = {}
    for row in read_roster(roster_csv):
        header = {k: row.get(k) or None for k in ("manager_id", "manager_name", "team", "region", "reviewer")}
        header["period"] = row.get("period") or PERIOD
        out[row["manager_id"]] = (header, file_name(row, header["period"]))
    return out


def _default_weight(size: str, lang: str, index: int) -> float:
    return float(default_rows(size, lang)[index]["weight"])


def _type_over_formula(path: Path, row_index: int, key: str, value: float) -> None:
    """Replace the formula of one tblKPI cell by a typed number, as a hurried user would."""

    table = read_scorecard(path).tables["tblKPI"]
    set_cell(path, table.sheet, table.cell(row_index, key), value)


def set_cell(path: Path, sheet: str, cell: str, value) -> None:
    """Replace one existing cell of a saved workbook by a typed value (a number, text, or
    None for blank), keeping its style; its formula, if any, is gone. The cached formula
    results no longer fit the inputs, so the workbook asks to be recalculated on load
    (``fullCalcOnLoad``) and readers no longer take those results for computed ones."""
    with zipfile.ZipFile(path) as z:
        members = [(info, z.read(info.filename)) for info in z.infolist()]
        workbook = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    sheet_rid = re.search(rf'<sheet [^>]*name="{re.escape(sheet)}"[^>]*r:id="(rId\d+)"', workbook).group(1)
    target = re.search(rf'Id="{sheet_rid}"[^>]*Target="([^"]+)"', rels) or \
        re.search(rf'Target="([^"]+)"[^>]*Id="{sheet_rid}"', rels)
    part = "xl/" + target.group(1).lstrip("/").removeprefix("xl/")
    pattern = re.compile(rb'<c r="%s"([^>]*?)(?:/>|>.*?</c>)' % cell.encode(), re.S)

    def typed(match):
        attrs, ref = re.sub(rb'\s+t="[^"]*"', b"", match.group(1)), cell.encode()
        if value is None:
            return b'<c r="%s"%s/>' % (ref, attrs)
        if isinstance(value, str):
            space = b' xml:space="preserve"' if needs_preserve(value) else b""
            return b'<c r="%s"%s t="inlineStr"><is><t%s>%s</t></is></c>' % (ref, attrs, space, cell_text(value).encode())
        return b'<c r="%s"%s><v>%s</v></c>' % (ref, attrs, repr(float(value)).encode())

    with atomic_path(path) as temp, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            if info.filename == part:
                data, count = pattern.subn(typed, data, count=1)
                if not count:
                    raise ValueError(f"cell {sheet}!{cell} is not in {path}")
            elif info.filename == "xl/workbook.xml":
                data = ask_to_recalculate(data)
            z.writestr(info, data)
