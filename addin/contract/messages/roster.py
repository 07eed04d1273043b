"""Texts about rosters (`kpi new --roster`, `--roster` of validate and consolidate), by key.

A roster that cannot be used stops the job with one message (area ``errors``, key
``roster_problems``) listing every problem; the problems are the ``problem_*`` texts here.
"""

TEXTS: dict[str, tuple[str, str]] = {
    # a whole roster that cannot be read
    "not_found": ("{file}：找不到花名册文件", "{file}: roster file not found"),
    "legacy_xls": ("{file}：无法读取旧版 .xls 花名册；请在 Excel 中打开并另存为 .xlsx 或 CSV",
                   "{file}: legacy .xls rosters cannot be read; open it in Excel and save it as .xlsx or as CSV"),
    "not_a_roster_file": ("{file}：花名册须为 .xlsx 或 .csv 文件", "{file}: a roster must be an .xlsx or .csv file"),
    "unreadable": ("{file}：无法读取花名册（{reason}）", "{file}: cannot read the roster ({reason})"),
    "csv_encoding": ("{file}：无法识别 CSV 的编码（请在 Excel 中另存为“CSV UTF-8”）",
                     "{file}: cannot decode the CSV (save it as \"CSV UTF-8\" in Excel)"),
    "empty": ("{file}：花名册是空的", "{file}: the roster is empty"),
    "no_id_column": ("{file}：前 {rows} 行中没有客户经理编号列（表头如 工号、员工编号、客户经理编号 或 manager_id）",
                     "{file}: no manager id column (a header such as manager_id, 工号 or 客户经理编号) "
                     "in the first {rows} rows"),
    "no_managers": ("{file}：花名册中没有客户经理", "{file}: the roster has no managers"),
    # problems listed in one message (errors.roster_problems)
    "problem_missing_ids": ("{rows}缺少客户经理编号", "missing manager id in {rows}"),
    "problem_duplicate_ids": ("客户经理编号重复：{items}", "duplicate manager id {items}"),
    "duplicate_id_item": ("{shown}（第 {first} 行和第 {second} 行）", "{shown} (rows {first} and {second})"),
    "problem_bad_cells": ("{column}：{kinds}", "{column}: {kinds}"),
    "cells_kind": ("{rows}{kind}", "{kind} in {rows}"),
    "kind_number": ("不是数字", "not a number"),
    "kind_percent": ("是百分比，但该指标不以 % 计量", "a percentage, but this indicator is not measured in %"),
    "kind_positive": ("须大于 0（达成率 = 实际值 ÷ 目标值）", "must be > 0 (achievement is actual ÷ target)"),
    "kind_points": ("是百分点数，但该指标以 % 计量（写作 90% 或 0.9，不要写 90）",
                    "percent points, but this indicator is measured in % (write 90% or 0.9, not 90)"),
    "kind_negative": ("须不小于 0（扣分前允许的次数）", "must be ≥ 0 (incidents allowed before deducting)"),
    "rows_one": ("{rows}", "row {rows}"),
    "rows_many": ("{rows}", "rows {rows}"),
    "row_plain": ("第 {row} 行", "{row}"),
    "row_value": ("第 {row} 行（{value}）", "{row} ({value})"),
    "column": ("列 {header}（{letter}）", "column {header} ({letter})"),
    "column_bare": ("{header}（{letter}）", "{header} ({letter})"),
    "other_size": ("（{sizes} 模板的指标）", " (an indicator of the {sizes} template)"),
    "problem_unknown_targets_one": ("目标列 {columns} 不是 {size} 模板的指标；该模板的指标为：{known}",
                                    "target column {columns} names no indicator of the {size} template, "
                                    "whose indicators are: {known}"),
    "problem_unknown_targets_many": ("目标列 {columns} 不是 {size} 模板的指标；该模板的指标为：{known}",
                                     "target columns {columns} name no indicator of the {size} template, "
                                     "whose indicators are: {known}"),
    "problem_unknown_targets_any_one": ("目标列 {columns} 不是任何模板的指标；指标为：{known}",
                                        "target column {columns} names no indicator of any template, "
                                        "whose indicators are: {known}"),
    "problem_unknown_targets_any_many": ("目标列 {columns} 不是任何模板的指标；指标为：{known}",
                                         "target columns {columns} name no indicator of any template, "
                                         "whose indicators are: {known}"),
    "problem_same_indicator": ("{first} 和 {second} 都设定了 {zh} / {en} 的目标",
                               "{first} and {second} both set the target of {zh} / {en}"),
    # a file in the output folder of `kpi new --roster` that is nobody's scorecard
    "file_without_id": ("考核表中没有客户经理编号", "the scorecard has no manager id"),
    # columns that set nothing (a warning, never a silent drop)
    "why_unknown": ("既不是花名册字段，也不是指标的目标", "it is neither a roster field nor an indicator's target"),
    "why_repeated": ("与前面的列含义相同（{field}）", "it repeats an earlier column ({field})"),
    "ignored_unknown": ("{file}：列 '{header}'（{letter}）不是已知的花名册列或指标目标，未使用",
                        "{file}: column '{header}' ({letter}) is neither a roster field nor an indicator's target; "
                        "it was not used"),
    "ignored_repeated": ("{file}：列 '{header}'（{letter}）与前面的列含义相同（{field}），未使用",
                         "{file}: column '{header}' ({letter}) repeats an earlier column ({field}); it was not used"),
}
