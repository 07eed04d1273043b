"""Texts of the KPI ribbon (addin/excel/ribbon.py): tab, groups, buttons and their screen tips, results sheet.

A button's label is keyed by its id (``kpiValidate``) and its screen tip by ``<id>.tip``; a group's
label by the group id. Adding a button adds its two texts here.
"""

TEXTS: dict[str, tuple[str, str]] = {
    "tab": ("绩效考核", "KPI"),
    # groups
    "kpiGroupTemplates": ("新建考核表", "New scorecard"),
    "kpiGroupCheck": ("检查", "Check"),
    "kpiGroupTeam": ("团队", "Team"),
    "kpiGroupFunctions": ("函数", "Functions"),
    "kpiGroupHelp": ("帮助", "Help"),
    # buttons
    "kpiNewSmall": ("小型团队", "Small team"),
    "kpiNewSmall.tip": ("新建小型团队（约 10 人以内）的标准考核表：5 个经典指标，仅上级评价。",
                        "New standard scorecard for a small team (up to about 10 managers): five classic indicators, "
                        "manager review only."),
    "kpiNewMedium": ("中型团队", "Medium team"),
    "kpiNewMedium.tip": ("新建中型团队（约 10–50 人）的标准考核表：三个维度的指标，自评与上级评价。",
                         "New standard scorecard for a medium team (about 10-50 managers): indicators in all three "
                         "dimensions, self and manager reviews."),
    "kpiNewLarge": ("大型团队", "Large team"),
    "kpiNewLarge.tip": ("新建大型团队（50 人以上或多个团队）的标准考核表：含团队与公司层级指标、区域、360 度评价。",
                        "New standard scorecard for a large team (50+ or several teams): team and company tier "
                        "indicators, regions, self/peer/manager reviews."),
    "kpiValidate": ("检查本表", "Validate"),
    "kpiValidate.tip": ("保存并检查当前考核表：权重、缺失值、非法取值、被覆盖的公式等。问题写入“检查结果”工作表并标出单元格。",
                        "Save and check this scorecard: weights, blanks, invalid values, overwritten formulas... "
                        "Findings go to the 'Check results' sheet and the cells are highlighted."),
    "kpiRefresh": ("刷新得分", "Refresh scores"),
    "kpiRefresh.tip": ("重新计算当前工作簿，并用评分引擎复核得分与等级。",
                       "Recalculate this workbook and re-check its scores and grade with the scoring engine."),
    "kpiAnomalies": ("异常标记", "Flag anomalies"),
    "kpiAnomalies.tip": ("对当前工作簿所在文件夹的全部考核表做统计检查（极端达成率、离群得分、评价宽严等），标出异常。",
                         "Run the statistical checks over all scorecards in this workbook's folder (extreme "
                         "achievement, outlier scores, lenient or severe reviewers...) and flag the anomalies."),
    "kpiImportActuals": ("从CRM导入实际值", "Import actuals from CRM"),
    "kpiImportActuals.tip": ("选择规则工作簿（kpi collect --init 可生成），按本表的客户经理和考核期间从 CRM 导出文件计算实际值并填入，"
                             "每个值注明数据来源；问题写入“检查结果”工作表。",
                             "Pick the rules workbook (kpi collect --init writes one): the actuals of this scorecard's "
                             "manager and period are computed from the CRM exports and filled in, each with its source; "
                             "findings go to the 'Check results' sheet."),
    "actuals_imported": ("已从 CRM 导入 {count} 个实际值（规则：{rules}）。", "Imported {count} actuals from the CRM "
                         "(rules: {rules})."),
    "kpiConsolidate": ("汇总文件夹", "Consolidate folder"),
    "kpiConsolidate.tip": ("选择存放各客户经理考核表的文件夹，校验、重算、排名、强制分布并生成团队汇总工作簿。",
                           "Pick the folder with the managers' scorecards: validate, recompute, rank, force grades "
                           "and write the team workbook."),
    "kpiCards": ("结果确认单", "Result cards"),
    "kpiCards.tip": ("为当前团队汇总表中每位已评分的客户经理生成一页“个人绩效考核结果确认单”（放在旁边的新文件夹中；"
                     "装有 LibreOffice 时同时生成 PDF）。",
                     "Write a one-page result card for each scored manager of this team workbook (in a new folder "
                     "beside it; PDFs too when LibreOffice is installed)."),
    "cards_folder": ("结果确认单", "result-cards"),
    "cards_done": ("已生成 {count} 张结果确认单（PDF {pdfs} 个）：{folder}",
                   "Wrote {count} result cards ({pdfs} PDFs) to {folder}"),
    "kpiImportFunctions": ("导入 KPI 函数", "Import KPI functions"),
    "kpiImportFunctions.tip": ("把 =KPI_SCORE() 等考核函数导入本加载项（Windows 桌面版 Excel）。",
                               "Import =KPI_SCORE() and the other KPI functions into this add-in (Windows desktop Excel)."),
    "kpiHelp": ("帮助", "Help"),
    "kpiHelp.tip": ("各按钮的说明。", "What each button does."),
    # message boxes (counts: addin.contract.messages.counted; "_one" is the text for exactly 1)
    "summary.clean": ("检查了 {checked}，未发现问题。", "Checked {checked}: no findings."),
    "summary.counts": ("检查了 {checked}：{errors}，{warnings}，{infos}。详见“{sheet}”工作表。",
                       "Checked {checked}: {errors}, {warnings}, {infos}. See the '{sheet}' sheet."),
    "n_files": ("{count} 个文件", "{count} files"),
    "n_files_one": ("{count} 个文件", "{count} file"),
    "n_errors": ("错误 {count} 个", "{count} errors"),
    "n_errors_one": ("错误 {count} 个", "{count} error"),
    "n_warnings": ("警告 {count} 个", "{count} warnings"),
    "n_warnings_one": ("警告 {count} 个", "{count} warning"),
    "n_infos": ("提示 {count} 个", "{count} info"),
    "n_managers": ("客户经理 {count} 人", "{count} managers"),
    "n_managers_one": ("客户经理 {count} 人", "{count} manager"),
    "summary.more": ("…", "..."),
    "engine_check": ("引擎复核 {manager_id}：定量 {quant:.2f}，综合得分 {final}，等级 {grade}{veto}",
                     "Engine check {manager_id}: quantitative {quant:.2f}, final score {final}, grade {grade}{veto}"),
    "engine_check.veto": ("（单项否决）", " (veto)"),
    "team_written": ("团队汇总已生成：{name}\n文件：合并 {merged} 个，拒收 {rejected} 个，重复 {duplicate} 个；"
                     "{managers}。\n问题：{errors}，{warnings}，{infos}（见“{sheet}”工作表）。",
                     "Team workbook written: {name}\nFiles: {merged} merged, {rejected} rejected, {duplicate} duplicate; "
                     "{managers}.\nFindings: {errors}, {warnings}, {infos} (see the '{sheet}' sheet)."),
    "help.title": ("绩效考核加载项：各按钮的作用", "KPI add-in: what each button does"),
    "help.line": ("• {label}：{tip}", "• {label}: {tip}"),
    "help.details": ("详细说明见 docs/excel-addin.md。", "Details: docs/excel-addin.md."),
    "new_scorecard": ("已新建考核表：{path}", "New scorecard: {path}"),
    "consolidating": ("正在汇总 {count}…", "Consolidating {count}…"),
    "cannot_finish": ("无法完成：{reason}", "Cannot finish: {reason}"),
    # the results sheet (the ribbon's and the Lite scripts'), and what the add-in could not do in Excel (never hidden)
    "results_sheet": ("检查结果", "Check results"),
    "results.severity": ("严重程度", "Severity"),
    "results.code": ("代码", "Code"),
    "results.sheet": ("工作表", "Sheet"),
    "results.cell": ("单元格", "Cell"),
    "results.message": ("说明", "Message"),
    "results.manager_id": ("客户经理编号", "Manager ID"),
    "results.file": ("文件", "File"),
    # output names of the buttons
    "team_prefix": ("团队汇总", "team"),
    "template_prefix": ("考核表", "scorecard"),
    "size.small": ("小型", "small"),
    "size.medium": ("中型", "medium"),
    "size.large": ("大型", "large"),
    # what KPIRibbon.bas shows before Python runs (built into the VBA as UTF-16 hex: addin/excel/build.py)
    "vba.title": ("绩效考核", "KPI"),
    "vba.mac_no_udfs": ("Mac 版 Excel 不支持经典 UDF（=KPI_SCORE()）：请用“便携”模式的考核表（原生公式），或 xlwings Lite 版"
                        "（kpi addin lite）。其他按钮在 Mac 上均可使用。",
                        "Excel for Mac has no classic UDFs (=KPI_SCORE()). Use portable scorecards (native formulas) "
                        "or the xlwings Lite edition (kpi addin lite). All other buttons work on the Mac."),
    "vba.udfs_imported": ("KPI 函数已导入本加载项。在任意单元格中输入 =KPI_SCORE( 即可使用。",
                          "The KPI functions are imported into this add-in. Type =KPI_SCORE( in any cell."),
    "vba.pick_folder": ("选择存放各客户经理考核表的文件夹", "Folder with the managers' scorecards"),
    "vba.no_folder_picker": ("无法打开文件夹选择框。是否汇总当前工作簿所在的文件夹？",
                             "Cannot open a folder picker. Consolidate the folder of the active workbook?"),
    "vba.pick_file": ("选择文件", "Choose the file"),
    "vba.use_last": ("使用上次选择的文件吗？（“否”：另选一个文件）", "Use the file you picked last time? (No: pick another one)"),
    # the xlwings Lite scripts (addin/excel/data/lite_scripts.py; main.py carries these texts)
    "lite.summary.clean": ("未发现问题。", "No findings."),
    "lite.summary.counts": ("{errors}，{warnings}，{infos}。详见“{sheet}”工作表。", "{errors}, {warnings}, {infos}. "
                            "See '{sheet}'."),
    "lite.not_a_scorecard": ("不是绩效考核表（没有 tblKPI 表）", "Not a scorecard (no tblKPI table)"),
    "lite.cannot_total": ("无法计算总分：{reason}（请先运行“检查本表”）", "Cannot compute the totals: {reason} (run Validate first)"),
    "lite.score_sheet": ("得分复核", "Score check"),
    "lite.score.indicator": ("指标", "Indicator"),
    "lite.score.stored": ("表中得分", "Stored score"),
    "lite.score.engine": ("引擎得分", "Engine score"),
    "lite.score.difference": ("差异", "Difference"),
    "lite.score.quant": ("定量得分", "Quantitative"),
    "lite.score.qual": ("定性得分", "Qualitative"),
    "lite.score.final": ("综合得分", "Final"),
    "lite.score.grade": ("等级", "Grade"),
    "lite.engine_check": ("引擎复核：综合得分 {final:.2f}，等级 {grade}；与表中不一致的得分：{differ} 个。",
                          "Engine check: final score {final:.2f}, grade {grade}; stored scores that differ: {differ}."),
    "highlight_failed": ("无法标出单元格 {sheet}!{cell}：{reason}", "Cannot highlight {sheet}!{cell}: {reason}"),
    "clear_failed": ("无法清除单元格 {sheet}!{cell} 的旧标记：{reason}",
                     "Cannot clear the earlier highlight of {sheet}!{cell}: {reason}"),
    "autofit_failed": ("无法调整“{sheet}”的列宽：{reason}", "Cannot fit the column widths of '{sheet}': {reason}"),
    "alert_failed": ("（无法显示消息框：{reason}）", "(no message box: {reason})"),
    "protected_hint": ("（工作表受保护且不允许设置单元格格式？）", " (is the sheet protected without 'Format cells'?)"),
}
