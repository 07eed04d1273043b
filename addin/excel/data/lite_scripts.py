# ----------------------------------------------------------------------------- workbook scripts
# (from addin/excel/data/lite_scripts.py; this part runs after the embedded engine above.)
# The xlwings Lite editor shows a Run button per @script. Each script reads the active scorecard
# through its Excel tables and defined names (FORMAT.md), checks or recomputes it with the
# engine, writes a result sheet, highlights cells and shows a short summary.

import math as _math

HIGHLIGHT = {"error": "#FFC7CE", "warning": "#FFEB9C", "info": "#DDEBF7"}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
RESULT_COLUMNS = ("severity", "code", "sheet", "cell", "message")
# Every word shown comes from the catalog (TEXTS above, addin/contract/messages): _text(key, lang).


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip()) or \
        (isinstance(value, float) and _math.isnan(value))


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and not _blank(value)


def column_letter(index):
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def finding(code, lang, sheet="", cell="", **details):
    """A finding as a dict: code, severity, message from the FORMAT.md template, sheet, cell."""
    severity, en, zh = FINDING_CODES[code]
    template = zh if lang == "zh" else en
    try:
        message = template.format(**details)
    except (KeyError, ValueError, IndexError):
        message = template
    return {"code": code, "severity": severity, "message": message, "sheet": sheet, "cell": cell}


def table_rows(table, lang="zh"):
    """Rows of a table read from Excel as dicts keyed by column key, with '_cells' {key: A1}.

    ``table`` is {"sheet", "top" (1-based row of the header), "left" (1-based column),
    "header" [texts], "body" [[values]]}: what ``read_table`` gets from the workbook.
    """
    spec = TABLES[table["name"]]
    lookup = {}
    for key, zh, en in spec:
        for text in (key, zh, en):
            lookup[" ".join(str(text).split()).casefold()] = key
    keys = [lookup.get(" ".join(str(h).split()).casefold()) if h is not None else None for h in table["header"]]
    rows = []
    for i, values in enumerate(table["body"]):
        if all(_blank(v) for v in values):
            continue
        row = {"_row": table["top"] + 1 + i, "_cells": {}}
        for j, key in enumerate(keys):
            if key:
                row[key] = values[j] if j < len(values) else None
                row["_cells"][key] = f"{column_letter(table['left'] + j)}{table['top'] + 1 + i}"
        rows.append(row)
    return rows


def _label(table_name, key, lang):
    for k, zh, en in TABLES[table_name]:
        if k == key:
            return zh if lang == "zh" else en
    return key


def _settings_rows(tables, name):
    table = tables.get(name)
    if not table:
        return None
    rows = [[v for k, v in row.items() if not k.startswith("_")] for row in table_rows(table)]
    return [r[:2] for r in rows if len(r) >= 2 and not _blank(r[0])] or None


def check(names, tables, lang="zh"):
    """Findings of one scorecard: required fields, numbers, enumerations, weights, actuals, ratings.

    ``names`` maps defined names (kpi_manager_id ...) to values, ``tables`` table names to
    what ``read_table`` returns. The full rule set runs in `kpi validate`; this is its
    workbook-only part for xlwings Lite.
    """
    out = []
    if "tblKPI" not in tables:
        return [finding("NOT_A_SCORECARD", lang, reason=_text("files.no_kpi_table", lang))]
    if _blank(names.get("kpi_manager_id")):
        out.append(finding("MISSING_FIELD", lang, field=HEADER_LABELS["kpi_manager_id"][lang == "en"]))
    kpi = tables["tblKPI"]
    sheet = kpi["sheet"]
    weights = []
    for row in table_rows(kpi, lang):
        cells = row["_cells"]
        bad_row = False
        for key in REQUIRED_KPI:
            if key != "actual" and key in cells and _blank(row.get(key)):
                out.append(finding("MISSING_FIELD", lang, sheet, cells[key], field=_label("tblKPI", key, lang)))
                bad_row = True
        for key in NUMBER_KPI:
            value = row.get(key)
            if key in cells and not _blank(value) and not _is_number(value):
                out.append(finding("NON_NUMERIC", lang, sheet, cells[key], field=_label("tblKPI", key, lang), value=value))
                bad_row = True
        for key, enum in ENUM_KPI.items():
            value = row.get(key)
            if key in cells and not _blank(value) and enum.try_parse(value) is None:
                out.append(finding("INVALID_VALUE", lang, sheet, cells[key], field=_label("tblKPI", key, lang),
                                   problem=enum.error(value).render(lang)))
                bad_row = True
        if "actual" in cells and _blank(row.get("actual")):
            out.append(finding("MISSING_ACTUAL", lang, sheet, cells["actual"], indicator=row.get("indicator") or ""))
        weights.append(row.get("weight") if _is_number(row.get("weight")) else 0.0)
        if not bad_row and not _blank(row.get("actual")):
            target = row.get("adjusted_target") if _is_number(row.get("adjusted_target")) else row.get("target")
            _, _, errors = engine.score_rows([row.get("actual")], [target], [row.get("threshold")],
                                             [row.get("stretch")], [row.get("direction") or "higher"],
                                             [row.get("method") or "linear"], None)
            for _, argument, error in errors:
                cell = cells.get({"target": "target", "threshold": "threshold", "stretch": "stretch"}.get(argument, "actual"), "")
                out.append(finding("INVALID_VALUE", lang, sheet, cell, field=_label("tblKPI", argument, lang),
                                   problem=error.render(lang)))
    if weights:
        try:
            engine.normalise_weights(weights)
        except KpiInputError:
            total = sum(weights)
            shown = f"{total:g}" if total > 1.5 else f"{total:.1%}"
            cell = ""
            rows = table_rows(kpi, lang)
            if rows and "weight" in rows[0]["_cells"]:
                cell = rows[0]["_cells"]["weight"]
            out.append(finding("WEIGHTS_NOT_100", lang, sheet, cell, total=shown))
    review = tables.get("tblReview")
    if review:
        for row in table_rows(review, lang):
            rating = row.get("rating")
            if "rating" in row["_cells"] and not _blank(rating) and (not _is_number(rating) or not 1 <= rating <= 5):
                shown = f"{rating:g}" if _is_number(rating) else rating
                out.append(finding("INVALID_VALUE", lang, review["sheet"], row["_cells"]["rating"],
                                   field=_label("tblReview", "rating", lang),
                                   problem=_text("checks.rating_range", lang, value=shown)))
    return sorted(out, key=lambda f: (SEVERITY_ORDER[f["severity"]], f["sheet"], f["cell"]))


def recompute(names, tables):
    """Engine scores of one scorecard: per indicator, Q, Qual, Final and grade (SCORING.md)."""
    kpi = table_rows(tables["tblKPI"])
    bands = _settings_rows(tables, "tblBands")
    cap = names.get(CAP_NAME) if _is_number(names.get(CAP_NAME)) else engine.DEFAULT_CAP
    indicators, scores, weights, vetoed = [], [], [], False
    for row in kpi:
        target = row.get("adjusted_target") if _is_number(row.get("adjusted_target")) else row.get("target")
        method = row.get("method") or "linear"
        param = (bands or None) if METHOD.try_parse(method) == "band" else row.get("param")
        try:
            score = engine.kpi_score(row.get("actual"), target, row.get("threshold"), row.get("stretch"),
                                     row.get("direction") or "higher", method, param, cap)
        except KpiInputError:
            score = None
        indicators.append({"indicator": row.get("indicator"), "stored": row.get("score"), "score": score,
                           "cell": row["_cells"].get("score", ""), "row": row["_row"]})
        scores.append(score if score is not None else 0.0)
        weights.append(row.get("weight") if _is_number(row.get("weight")) else 0.0)
        # a veto indicator scoring 0 vetoes whatever its weight; a blank actual only where it is weighed
        if VETO.try_parse(row.get("veto")) == "yes" and (score or 0.0) <= 0.0 and (
                weights[-1] > 0 or not _blank(row.get("actual"))):
            vetoed = True
    quant = engine.kpi_weighted(scores, weights)
    qual = None
    if tables.get("tblReview"):
        reviews = [r for r in table_rows(tables["tblReview"]) if _is_number(r.get("rating"))]
        if reviews:
            qual = engine.kpi_review([r["rating"] for r in reviews], [r.get("role") for r in reviews],
                                     _settings_rows(tables, "tblRoleWeights"))
    share = names.get("kpi_quant_weight")
    final = engine.kpi_final(quant, qual, share if _is_number(share) else engine.DEFAULT_QUANT_WEIGHT)
    grade = engine.kpi_grade(final, _settings_rows(tables, "tblGrades"), vetoed)
    return {"indicators": indicators, "quant": quant, "qual": qual, "final": final, "grade": grade, "veto": vetoed}


def summary(findings, lang="zh"):
    counts = {s: sum(1 for f in findings if f["severity"] == s) for s in SEVERITY_ORDER}
    if not findings:
        head = _text("lite.summary.clean", lang)
    else:
        head = _text("lite.summary.counts", lang, errors=_counted("n_errors", counts["error"], lang),
                     warnings=_counted("n_warnings", counts["warning"], lang),
                     infos=_counted("n_infos", counts["info"], lang), sheet=_text("results_sheet", lang))
    lines = [head] + [f"- {f['code']} {f['sheet']}!{f['cell']}: {f['message']}" for f in findings[:3]]
    return "\n".join(lines)


# ----------------------------------------------------------------------------- Excel side (xlwings Lite)

def read_table(book, name):
    """{"name", "sheet", "top", "left", "header", "body"} of an Excel table, or None."""
    for sheet in book.sheets:
        for table in sheet.tables:
            if table.name == name:
                header = table.header_row_range.value
                body = table.data_body_range.value if table.data_body_range is not None else []
                if body and not isinstance(body[0], list):
                    body = [body]
                return {"name": name, "sheet": sheet.name, "top": table.range.row, "left": table.range.column,
                        "header": header, "body": body or []}
    return None


def read_book(book):
    names = {}
    for name in HEADER_LABELS:
        try:
            names[name] = book.names[name].refers_to_range.value
        except Exception:  # a missing name is a finding, not a crash
            names[name] = None
    try:
        names[CAP_NAME] = book.names[CAP_NAME].refers_to_range.value
    except Exception:  # no cap setting: the default cap
        names[CAP_NAME] = None
    tables = {}
    for name in TABLES:
        table = read_table(book, name)
        if table:
            tables[name] = table
    return names, tables


def book_lang(tables):
    """zh when the KPI table has Chinese headers, else en."""
    header = (tables.get("tblKPI") or {}).get("header") or []
    return "zh" if any(h == "指标" or h == "权重" for h in header) else "en"


def _text(key, lang, **values):
    zh, en = TEXTS[key]
    return (zh if lang == "zh" else en).format(**values)


def _counted(key, count, lang):
    """"1 error", "2 errors": the text ``key_one`` for exactly one when there is one (as the catalog's counted())."""
    return _text(key + "_one" if count == 1 and key + "_one" in TEXTS else key, lang, count=count)


def _result_sheet(book, name, rows, text_columns=None):
    """Replace the sheet ``name`` with ``rows``. Text columns (all by default) are formatted as text
    before the values arrive, so Excel parses nothing: id 001234 stays 001234, "=..." stays text."""
    if name in [s.name for s in book.sheets]:
        sheet = book.sheets[name]
        sheet.clear()
    else:
        sheet = book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])
    width = max(len(row) for row in rows)
    columns = range(width) if text_columns is None else text_columns
    rows = [[("" if v is None else str(v)) if j in columns else v for j, v in enumerate(row)] for row in rows]
    for j in columns:
        sheet[f"{column_letter(j + 1)}1:{column_letter(j + 1)}{len(rows)}"].number_format = "@"
    sheet["A1"].value = rows
    return sheet


def _highlight(book, sheet_name, cell, color, lang):
    """Colour one cell; a result-sheet row saying why when Excel refuses (a protected sheet), else None."""
    try:
        book.sheets[sheet_name][cell].color = color
    except Exception as error:  # Office.js errors share no type: reported in the result sheet, never hidden
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0] + _text("protected_hint", lang)
        return [_text("cli.severity.warning", lang), "", sheet_name, cell,
                _text("highlight_failed", lang, sheet=sheet_name, cell=cell, reason=reason)]
    return None


def _tell(book, text, lang):
    print(text)
    try:
        book.app.alert(text, title=_text("tab", lang))
    except Exception as error:  # alerts are not available everywhere: the output pane has the text and why
        print(_text("alert_failed", lang, reason=error))


@script
def validate(book: xw.Book):
    """检查本表 / Validate: check this scorecard and list the findings in a sheet."""
    names, tables = read_book(book)
    lang = book_lang(tables)
    findings = check(names, tables, lang)
    header = [_text(f"results.{c}", lang) for c in RESULT_COLUMNS]
    rows = [header] + [[_text(f"cli.severity.{f['severity']}", lang), f["code"], f["sheet"],
                        f["cell"], f["message"]] for f in findings]
    for f in findings:
        if f["sheet"] and f["cell"]:
            problem = _highlight(book, f["sheet"], f["cell"], HIGHLIGHT[f["severity"]], lang)
            if problem:
                rows.append(problem)
    _result_sheet(book, _text("results_sheet", lang), rows)
    _tell(book, summary(findings, lang), lang)


@script
def refresh_scores(book: xw.Book):
    """刷新得分 / Refresh scores: recompute every score with the engine and compare with the workbook."""
    names, tables = read_book(book)
    lang = book_lang(tables)
    if "tblKPI" not in tables:
        _tell(book, _text("lite.not_a_scorecard", lang), lang)
        return
    try:
        result = recompute(names, tables)
    except KpiInputError as error:  # weights not 100 %, bad role weights or grade bands: say so, no traceback
        _tell(book, _text("lite.cannot_total", lang, reason=error.render(lang)), lang)
        return
    header = [_text(f"lite.score.{c}", lang) for c in ("indicator", "stored", "engine", "difference")]
    rows, differ, problems = [header], 0, []
    for item in result["indicators"]:
        stored, score = item["stored"], item["score"]
        diff = stored - score if _is_number(stored) and _is_number(score) else None
        rows.append([item["indicator"], stored, score, diff])
        if diff is not None and abs(diff) > 1e-6:
            differ += 1
            if item["cell"]:
                problem = _highlight(book, tables["tblKPI"]["sheet"], item["cell"], HIGHLIGHT["warning"], lang)
                if problem:
                    problems.append([problem[4], None, None, None])
    labels = [_text(f"lite.score.{c}", lang) for c in ("quant", "qual", "final", "grade")]
    rows += [[None] * 4] + [[label, None, value, None] for label, value in
                            zip(labels, (result["quant"], result["qual"], result["final"], result["grade"]))]
    rows += [[None] * 4] + problems if problems else []
    _result_sheet(book, _text("lite.score_sheet", lang), rows, text_columns=[0])
    text = _text("lite.engine_check", lang, final=result["final"], grade=result["grade"], differ=differ)
    _tell(book, text, lang)
