"""Formulas of the template's computed cells, in add-in mode and in portable mode.

Add-in mode calls the UDFs of ``udfs.excel_functions`` (KPI_SCORE, KPI_WEIGHTED,
KPI_REVIEW, KPI_FINAL, KPI_GRADE). Portable mode spells SCORING.md out in native
formulas that Excel 2010+ and LibreOffice 7.4 both compute, with the same
numbers as ``udfs.engine`` (the recalculation tests hold them to 1e-6):

* no LET/XLOOKUP/FILTER/SORT/LAMBDA/IFS/SWITCH/MAXIFS, no ``[@Col]`` shorthand;
  row references are ``tblKPI[[#This Row],[Col]]``;
* enumeration cells are compared with both the English key and the Chinese label
  (Excel's ``=`` ignores case);
* invalid input gives an error text ("错误：…" / "Error: …"), never a wrong number;
* an input not typed yet (a blank target or actual) gives the grey placeholder
  "待填写" / "to fill" in the score and in the totals that need it, never an error text;
* the band and grade lookups take "the largest minimum reached within 1e-9" as
  ``LARGE(mins, COUNTIF(mins, ">"&(x+1E-9)) + 1)``.

Every builder takes a :class:`Refs` (the header texts of the workbook's language,
the addresses of helper cells) and returns the formula text starting with "=".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from addin.contract.schema import BANDS, CAP_NAME, GRADES, KPI, REVIEW, ROLE_WEIGHTS
from udfs.engine import DEFAULT_DEDUCTION_POINTS, DEFAULT_QUANT_WEIGHT, TOLERANCE
from udfs.enums import DIRECTION, METHOD, ROLE, VETO
from workbook_templates.texts import T

EPS = "1E-9"
assert float(EPS) == TOLERANCE


def _q(text: str) -> str:
    """A formula string literal."""
    return '"' + text.replace('"', '""') + '"'


def _is(cell: str, enum, key: str) -> str:
    """cell equals the key or the zh label of ``key`` (case-insensitive in Excel and LibreOffice)."""
    return f"OR({cell}={_q(key)},{cell}={_q(enum.labels[key])})"


def _trimmed(cell: str) -> str:
    """An enumeration cell with its spaces trimmed, as the engine reads it (" higher " = higher).

    TRIM knows only the ASCII space: a full-width space (U+3000) around a label gives an
    error text here while the engine accepts it. SUBSTITUTE-ing it away would push the score
    formula past Excel's 8,192-character limit (the drop-downs never produce one)."""
    return f"TRIM({cell})"


def _one_of(cell: str, enum, keys=None) -> str:
    """cell is blank (the engine's default) or one of the keys / zh labels."""
    keys = keys or enum.keys
    parts = [f'{cell}=""']
    for key in keys:
        parts += [f"{cell}={_q(key)}", f"{cell}={_q(enum.labels[key])}"]
    return "OR(" + ",".join(parts) + ")"


def _array(values) -> str:
    """An inline array constant: texts quoted, booleans as TRUE/FALSE, numbers as they are."""
    def item(v):
        if isinstance(v, bool):
            return "TRUE" if v else "FALSE"
        return f"{v:g}" if isinstance(v, (int, float)) else _q(v)
    return "{" + ",".join(item(v) for v in values) + "}"


# every veto spelling the engine accepts (VETO): a pasted TRUE or 1 bypasses the dropdown,
# and a formula that rejected it would disagree with `kpi validate` / `kpi consolidate`
VETO_YES = ("yes", "是", "y", "true", "1", True, 1)
VETO_ALL = VETO_YES + ("no", "否", "n", "false", "0", False, 0)
assert all(VETO.try_parse(v) == "yes" for v in VETO_YES)
assert all(VETO.try_parse(v) in ("yes", "no") for v in VETO_ALL)


@dataclass(frozen=True)
class Refs:
    """What a formula needs to know about the workbook it lives in."""

    lang: str
    eff_header: str            # helper column: effective target
    ach_header: str            # helper column: achievement
    veto_cell: str             # count of veto indicators scoring 0 (absolute, sheet-qualified)
    role_cells: tuple          # per role (key): (weight, count, sum) cell addresses, sheet-qualified

    def col(self, key: str) -> str:
        """Whole column of tblKPI."""
        return f"tblKPI[{self._h(key)}]"

    def row(self, key: str) -> str:
        """This row's cell of tblKPI."""
        return f"tblKPI[[#This Row],[{self._h(key)}]]"

    def _h(self, key: str) -> str:
        if key == "effective_target":
            return self.eff_header
        if key == "achievement":
            return self.ach_header
        return KPI.column(key).label(self.lang)

    def review(self, key: str) -> str:
        return f"tblReview[{REVIEW.column(key).label(self.lang)}]"

    @staticmethod
    def setting(table, key: str, lang: str) -> str:
        return f"{table.name}[{table.column(key).label(lang)}]"

    def err(self, key: str) -> str:
        return _q(T[self.lang]["err"][key])

    @property
    def todo(self) -> str:
        """The placeholder of a cell whose inputs are not typed yet, as a formula literal."""
        return _q(T[self.lang]["todo"])


def _weight_forms(w: str) -> tuple[str, str, str]:
    """Conditions on a weights range, as ``engine.normalise_weights`` reads it: (not numbers
    or negative, fractions summing to 1 ±0.001, percent points summing to 100 ±0.1)."""
    unreadable = f'OR(COUNTA({w})<>COUNT({w}),COUNTIF({w},"<0")>0)'
    fractions = f"ABS(SUM({w})-1)<=0.001+{EPS}"
    percent = f'AND(COUNTIFS({w},">0",{w},"<1")=0,ABS(SUM({w})-100)<=0.1+{EPS})'
    return unreadable, fractions, percent


def _blank_or_number(cell: str) -> str:
    return f"OR({cell}=\"\",ISNUMBER({cell}))"


# --------------------------------------------------------------------------- row formulas

def effective_target(r: Refs) -> str:
    """Adjusted target when given, else the target (blank stays blank)."""
    adj, t = r.row("adjusted_target"), r.row("target")
    return f'=IF({adj}="",IF({t}="","",{t}),{adj})'


def score(r: Refs, mode: str) -> str:
    """Score of this indicator row (SCORING.md §1)."""
    a, T_, F, S, P = (r.row(k) for k in ("actual", "effective_target", "threshold", "stretch", "param"))
    raw_d, raw_m = r.row("direction"), r.row("method")
    d, m = _trimmed(raw_d), _trimmed(raw_m)
    band = _is(m, METHOD, "band")
    if mode == "addin":
        call = f"KPI_SCORE({a},{T_},{F},{S},{raw_d},{raw_m},IF({band},tblBands,{P}),{CAP_NAME})"
        # a blank actual scores 0 for the UDF; the cell shows the placeholder once the inputs check out
        return (f'=IF({T_}="",{r.todo},IF({a}="",IF(ISNUMBER({call}),{r.todo},{call}),{call}))')
    t, adj = r.row("target"), r.row("adjusted_target")
    hi = f'OR({d}="",{_is(d, DIRECTION, "higher")})'  # blank direction = higher
    ded = _is(m, METHOD, "deduction")
    binary = _is(m, METHOD, "binary")
    C = CAP_NAME
    bm, bs = Refs.setting(BANDS, "min_achievement", r.lang), Refs.setting(BANDS, "score", r.lang)
    numbers_ok = "AND(" + ",".join(_blank_or_number(c) for c in (a, t, adj, F, S)) + \
        f",OR({band},{_blank_or_number(P)}))"
    both = f"ISNUMBER({bm})*ISNUMBER({bs})"
    bands_bad = (f"OR(COUNTA({bm})<>COUNT({bm}),COUNTA({bs})<>COUNT({bs}),COUNT({bm})=0,"
                 f"SUMPRODUCT(--(ISNUMBER({bm})<>ISNUMBER({bs})))>0,COUNTIF({bs},\"<0\")>0,"
                 # the same minimum twice with different scores, or a higher minimum scoring less
                 f"SUMPRODUCT({both}*COUNTIFS({bm},{bm},{bs},\"<>\"&{bs}))>0,"
                 f"SUMPRODUCT({both}*COUNTIFS({bm},\">\"&{bm},{bs},\"<\"&{bs}))>0)")
    ratio = f"IF({hi},{a}/{T_},2-{a}/{T_})"
    pct = f"({ratio})*100+{EPS}"
    band_score = (f"IF(COUNTIF({bm},\"<=\"&({pct}))=0,0,"
                  f"MIN({C},INDEX({bs},MATCH(LARGE({bm},COUNTIF({bm},\">\"&({pct}))+1),{bm},0))))")
    linear = (f"IF(AND({S}<>\"\",IF({hi},{a}>{T_},{a}<{T_})),"
              f"MIN({C},100+({C}-100)*IF({hi},({a}-{T_})/({S}-{T_}),({T_}-{a})/({T_}-{S}))),"
              f"MIN({C},MAX(0,100*({ratio}))))")
    deduction = (f"IF({T_}<0,{r.err('target_neg')},IF({a}<0,{r.err('actual_neg')},"
                 f"IF(N({P})<0,{r.err('param_neg')},IF({C}<100,{r.err('cap')},"
                 f"IF({a}=\"\",{r.todo},MAX(0,100-IF({P}=\"\",{DEFAULT_DEDUCTION_POINTS:g},{P})*MAX(0,{a}-{T_})))))))")
    ratio_methods = (
        f"IF({T_}<=0,{r.err('target_pos')},IF({C}<100,{r.err('cap')},"
        f"IF(AND({F}<>\"\",IF({hi},{F}>={T_},{F}<={T_})),{r.err('threshold')},"
        f"IF(AND({S}<>\"\",IF({hi},{S}<={T_},{S}>={T_})),{r.err('stretch')},"
        f"IF(AND({band},{bands_bad}),{r.err('bands')},"
        f"IF({a}=\"\",{r.todo},"
        f"IF({binary},IF({ratio}>=1-{EPS},100,0),"
        f"IF(AND({F}<>\"\",IF({hi},{a}<{F}-{EPS},{a}>{F}+{EPS})),0,"
        f"IF({band},{band_score},{linear})))))))))"
    )
    return (f"=IF({T_}=\"\",{r.todo},"
            f"IF(NOT({_one_of(d, DIRECTION)}),{r.err('direction')},"
            f"IF(NOT({_one_of(m, METHOD)}),{r.err('method')},"
            f"IF(NOT({numbers_ok}),{r.err('number')},"
            f"IF({ded},{deduction},{ratio_methods})))))")


def achievement(r: Refs) -> str:
    """Achievement ratio for display: a/T, 2 − a/T, or score/100 for deduction; blank when not scored."""
    a, T_, s = (r.row(k) for k in ("actual", "effective_target", "score"))
    d, m = _trimmed(r.row("direction")), _trimmed(r.row("method"))
    return (f'=IF(OR(NOT(ISNUMBER({s})),{a}=""),"",IF({_is(m, METHOD, "deduction")},{s}/100,'
            f'IF(OR({d}="",{_is(d, DIRECTION, "higher")}),{a}/{T_},2-{a}/{T_})))')


def weighted(r: Refs) -> str:
    """weight × score for display (weights in percent points are divided by 100)."""
    s, w = r.row("score"), r.row("weight")
    return (f'=IF(ISNUMBER({s}),IF(N({w})>0,{s}*N({w})/IF(SUM({r.col("weight")})>1.5,100,1),0),"")')


# --------------------------------------------------------------------------- summary formulas

def veto_count(r: Refs) -> str:
    """Number of veto indicators scoring 0 (an error text when a veto cell is not yes/no)."""
    v, s = r.col("veto"), r.col("score")
    # ({v}<>"") keeps a blank cell from matching the 0/FALSE of the array (blank = no veto)
    return (f"=IF(COUNTA({v})<>SUMPRODUCT(({v}<>\"\")*ISNUMBER(MATCH({v},{_array(VETO_ALL)},0))),{r.err('veto')},"
            f"SUMPRODUCT(ISNUMBER(MATCH({v},{_array(VETO_YES)},0))*({s}=0)))")


def quant_score(r: Refs, mode: str) -> str:
    """Q = Σ w·score (SCORING.md §2)."""
    w, s = r.col("weight"), r.col("score")
    if mode == "addin":
        return f"=IF(COUNTIF({s},{r.todo})>0,{r.todo},KPI_WEIGHTED({s},{w}))"
    unreadable, fractions, percent = _weight_forms(w)
    # errors first, then the placeholder of a weighted row not filled in yet (a weight-0 row's
    # placeholder counts for nothing, as in the engine)
    return (f'=IF({unreadable},{r.err("weights")},'
            f"IF(NOT(OR({fractions},{percent})),{r.err('weights')},"
            f"IF(COUNT({s})+COUNTIF({s},{r.todo})<ROWS({s}),{r.err('scores')},"
            f'IF(COUNTIFS({s},{r.todo},{w},">0")>0,{r.todo},'
            f"SUMPRODUCT(({w}>0)*{w},{s})/IF({fractions},1,100)))))")


def role_weight(r: Refs, role: str) -> str:
    rr, rw = Refs.setting(ROLE_WEIGHTS, "role", r.lang), Refs.setting(ROLE_WEIGHTS, "weight", r.lang)
    return f"=SUMIF({rr},{_q(role)},{rw})+SUMIF({rr},{_q(ROLE.labels[role])},{rw})"


def role_count(r: Refs, role: str) -> str:
    rr, rt = r.review("role"), r.review("rating")
    return (f'=COUNTIFS({rr},{_q(role)},{rt},">=1",{rt},"<=5")'
            f'+COUNTIFS({rr},{_q(ROLE.labels[role])},{rt},">=1",{rt},"<=5")')


def role_mean(r: Refs, role: str, count_cell: str) -> str:
    rr, rt = r.review("role"), r.review("rating")
    return (f'=IF({count_cell}>0,(SUMIFS({rt},{rr},{_q(role)},{rt},">=1",{rt},"<=5")'
            f'+SUMIFS({rt},{rr},{_q(ROLE.labels[role])},{rt},">=1",{rt},"<=5"))/{count_cell},"")')


def qual_score(r: Refs, mode: str) -> str:
    """Qualitative score 20 · Σ w'·mean over the roles present (SCORING.md §3); "" without reviews."""
    rr, rt = r.review("role"), r.review("rating")
    if mode == "addin":
        return f"=KPI_REVIEW({rt},{rr},tblRoleWeights)"
    rw = Refs.setting(ROLE_WEIGHTS, "weight", r.lang)
    roles = ROLE.keys
    counts = "+".join(r.role_cells[k][1] for k in roles)
    num = "+".join(f"IF({r.role_cells[k][1]}>0,{r.role_cells[k][0]}*{r.role_cells[k][2]},0)" for k in roles)
    den = "+".join(f"IF({r.role_cells[k][1]}>0,{r.role_cells[k][0]},0)" for k in roles)
    rwr = Refs.setting(ROLE_WEIGHTS, "role", r.lang)
    all_roles = _array([x for k in roles for x in (k, ROLE.labels[k])])
    twice = "OR(" + ",".join(f"COUNTIF({rwr},{_q(k)})+COUNTIF({rwr},{_q(ROLE.labels[k])})>1" for k in roles) + ")"
    unreadable, fractions, percent = _weight_forms(rw)
    return (f'=IF(OR(COUNTA({rt})<>COUNT({rt}),COUNTIF({rt},"<1")+COUNTIF({rt},">5")>0),{r.err("ratings")},'
            f"IF(COUNT({rt})<>{counts},{r.err('roles')},"
            f'IF(COUNT({rt})=0,"",'
            # separate IFs: LibreOffice gives #VALUE! for SUMPRODUCT(MATCH(range, {…})) nested in OR()
            f"IF(COUNTA({rwr})<>SUMPRODUCT(--ISNUMBER(MATCH({rwr},{all_roles},0))),{r.err('role_weights')},"
            f"IF({twice},{r.err('role_weights')},"
            f'IF({unreadable},{r.err("role_weights")},'
            f"IF(NOT(OR({fractions},{percent})),{r.err('role_weights')},"
            f"IF(({den})<=0,{r.err('role_weights')},"
            f"20*({num})/({den})))))))))")


def final_score(r: Refs, mode: str) -> str:
    """Final = k·Q + (1−k)·Qual, or Q without reviews (SCORING.md §4)."""
    q, v, k = "kpi_quant_score", "kpi_qual_score", "kpi_quant_weight"
    if mode == "addin":
        return f"=IF({q}={r.todo},{r.todo},KPI_FINAL({q},{v},{k}))"
    kk = f'IF({k}="",{DEFAULT_QUANT_WEIGHT:g},{k})'
    return (f"=IF(NOT(ISNUMBER({q})),{q},"
            f'IF(NOT(OR({v}="",ISNUMBER({v}))),{v},'
            f"IF(NOT({_blank_or_number(k)}),{r.err('quant_weight')},"
            f"IF(OR(N({k})<0,N({k})>1),{r.err('quant_weight')},"
            f'IF({v}="",{q},{kk}*{q}+(1-{kk})*{v})))))')


def grade(r: Refs, mode: str) -> str:
    """Grade from tblGrades on the unrounded final score; a veto indicator at 0 gives the lowest grade."""
    f, veto = "kpi_final_score", r.veto_cell
    if mode == "addin":  # veto: the count of veto indicators at 0
        return f"=IF({f}={r.todo},{r.todo},KPI_GRADE({f},tblGrades,{veto}))"
    gg, gm = Refs.setting(GRADES, "grade", r.lang), Refs.setting(GRADES, "min_score", r.lang)
    lowest = f"INDEX({gg},MATCH(MIN({gm}),{gm},0))"
    return (f"=IF(NOT(ISNUMBER({f})),{f},IF(NOT(ISNUMBER({veto})),{veto},"
            f"IF(OR(COUNT({gm})=0,COUNTA({gm})<>COUNT({gm}),COUNTA({gg})<>COUNT({gm})),{r.err('grades')},"
            f"IF(OR({veto}>0,COUNTIF({gm},\"<=\"&({f}+{EPS}))=0),{lowest},"
            f"INDEX({gg},MATCH(LARGE({gm},COUNTIF({gm},\">\"&({f}+{EPS}))+1),{gm},0))))))")


@cache
def all_formulas(refs: Refs, mode: str) -> dict[str, str]:
    """Every formula of a template, keyed by the cell's role (cached per language and mode)."""
    out = {
        "effective_target": effective_target(refs),
        "score": score(refs, mode),
        "achievement": achievement(refs),
        "weighted": weighted(refs),
        "veto_count": veto_count(refs),
        "kpi_quant_score": quant_score(refs, mode),
        "kpi_qual_score": qual_score(refs, mode),
        "kpi_final_score": final_score(refs, mode),
        "kpi_grade": grade(refs, mode),
        "weight_total": f"=SUM({refs.col('weight')})",
    }
    for role in ROLE.keys:
        w, n, s = refs.role_cells[role]
        out[f"role_weight_{role}"] = role_weight(refs, role)
        out[f"role_count_{role}"] = role_count(refs, role)
        out[f"role_mean_{role}"] = role_mean(refs, role, n)
    return out
