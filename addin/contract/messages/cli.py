"""Texts of the `kpi` command line: help, reports, progress, error lines.

Keys are ``<command>.<text>`` for a command's own texts (``new.help`` is the line in
``kpi --help``, ``new.description`` the head of ``kpi new --help``, ``new.<option>`` the
help of an option) and bare names for texts every command shares. A new command adds
its texts here under its own prefix (or in an area module of its own).
"""

TEXTS: dict[str, tuple[str, str]] = {
    # shared by every command
    "description": ("kpi-scorecard：在 Excel 中做客户经理绩效考核。",
                    "kpi-scorecard: account manager performance appraisal (客户经理绩效考核) in Excel."),
    "commands": ("命令", "commands"),
    "options": ("选项", "options"),
    "positionals": ("位置参数", "positional arguments"),
    "usage": ("用法：", "usage: "),
    "help": ("显示本帮助并退出", "show this help message and exit"),
    "version": ("显示版本号并退出", "show the version and exit"),
    "lang": ("输出语言：zh 中文，en 英文（默认取环境变量 KPI_LANG，否则 zh）",
             "language of the output: zh or en (default: the KPI_LANG environment variable, else zh)"),
    "error": ("错误：{message}", "Error: {message}"),
    # argparse's own words: the English is argparse's message id (its gettext msgid, %-style), the
    # Chinese its translation (addin.cli.parsing); an id a newer Python words otherwise stays English
    "argparse.argument": ("参数 %(argument_name)s：%(message)s", "argument %(argument_name)s: %(message)s"),
    "argparse.unrecognized": ("无法识别的参数：%s", "unrecognized arguments: %s"),
    "argparse.not_allowed": ("不能与参数 %s 同时使用", "not allowed with argument %s"),
    "argparse.explicit": ("此选项不接受取值：%r", "ignored explicit argument %r"),
    "argparse.required": ("缺少必需的参数：%s", "the following arguments are required: %s"),
    "argparse.one_of": ("参数 %s 须提供其中之一", "one of the arguments %s is required"),
    "argparse.one": ("需要一个值", "expected one argument"),
    "argparse.at_most_one": ("最多一个值", "expected at most one argument"),
    "argparse.at_least_one": ("至少需要一个值", "expected at least one argument"),
    "argparse.count": ("需要 %s 个值", "expected %s argument"),
    "argparse.count_many": ("需要 %s 个值", "expected %s arguments"),
    "argparse.ambiguous": ("选项 %(option)s 有歧义，可能是：%(matches)s", "ambiguous option: %(option)s could match %(matches)s"),
    "argparse.unexpected": ("不应出现的选项：%s", "unexpected option string: %s"),
    "argparse.invalid_value": ("%(value)r 不是有效的数值", "invalid %(type)s value: %(value)r"),
    "argparse.invalid_choice": ("无效的取值 %(value)r（可选：%(choices)s）", "invalid choice: %(value)r (choose from %(choices)s)"),
    "argparse.unknown_parser": ("无效的取值 %(parser_name)r（可选：%(choices)s）",
                                "unknown parser %(parser_name)r (choices: %(choices)s)"),
    "force": ("替换已存在的文件（文件夹、设备、输入文件从不替换）",
              "replace an existing file (a folder, a device or an input never is)"),
    "force_ours": ("；本命令先前写的、之后没有人保存过的输出不加此项也会更新",
                   "; an earlier output of this command that nobody has saved since is updated without it"),
    "force_hint": ("{refusal}。如要替换它，请加 --force", "{refusal}: add --force to replace it"),
    "force_hint_many": ("{refusal}。如要替换它们，请加 --force", "{refusal}: add --force to replace them"),
    "interrupted": ("已中断；没有留下写了一半的输出文件。", "Interrupted; no output was left half-written."),
    "progress_unit": ("个文件", "files"),
    "path_reason": ("{path}：{reason}", "{path}: {reason}"),
    "size.small": ("小型团队", "small"),
    "size.medium": ("中型团队", "medium"),
    "size.large": ("大型团队", "large"),
    "lang.zh": ("中文", "zh"),
    "lang.en": ("英文", "en"),
    "mode.addin": ("加载项公式", "addin"),
    "mode.portable": ("原生公式", "portable"),
    "table.file": ("文件", "file"),
    "table.sheet": ("工作表", "sheet"),
    "table.cell": ("单元格", "cell"),
    "table.code": ("代码", "code"),
    "table.severity": ("严重程度", "severity"),
    "table.message": ("说明", "message"),
    "severity.error": ("错误", "error"),
    "severity.warning": ("警告", "warning"),
    "severity.info": ("提示", "info"),

    # kpi new
    "new.help": ("生成标准考核表（或按名单每位客户经理一份）",
                 "write a standard assessment workbook (or one per manager of a roster)"),
    "new.description": ("按团队规模和语言生成标准考核表。",
                        "Write the standard assessment workbook of a team size and language."),
    "new.size": ("模板的团队规模（默认 medium）", "team size of the template (default medium)"),
    "new.lang": ("表内标签、说明和输出的语言：zh 或 en（默认取 KPI_LANG，否则 zh）",
                 "language of labels, instructions and output: zh or en (default: KPI_LANG, else zh)"),
    "new.mode": ("portable（默认）：Excel 原生公式，在 Excel（Windows、Mac、网页版）、WPS 和 LibreOffice 中无需插件即可计算；"
                 "addin：单元格调用 =KPI_SCORE() 等函数，仅适合每位使用者都装有插件的情况",
                 "portable (default): native Excel formulas that compute in Excel (Windows, Mac, web), WPS and "
                 "LibreOffice without the add-in; addin: cells call =KPI_SCORE() etc., only where everyone has "
                 "the add-in"),
    "new.force": ("；不用于 --roster：文件夹中已有的考核表总是保留", "; not with --roster: scorecards in the folder are always kept"),
    "new.roster": ("花名册 .xlsx 或 .csv：为每位还没有考核表的客户经理生成一份预填、锁定 HR 单元格的考核表，"
                   "文件夹中已有的考核表（按文件中的客户经理编号识别）保持不变（列：工号/员工编号/客户经理编号、"
                   "姓名、部门/团队、大区/区域、直属上级/考核人、考核期间）；以模板指标命名的列（销售额、销售额目标、"
                   "目标：销售额、Sales revenue target 或 'target: Sales revenue'）设定该客户经理的目标（空单元格留空；"
                   "接受 1,200，百分比指标也接受 95%%）",
                   "roster .xlsx or .csv: a pre-filled workbook with locked HR cells for every manager who has no "
                   "scorecard in the folder yet; scorecards already there (found by the manager id inside) are left "
                   "untouched (columns 工号/manager_id, name, team/department, region, reviewer/直属上级, period); "
                   "a column headed with an indicator of the template (销售额, 销售额目标, 目标：销售额, "
                   "Sales revenue target or 'target: Sales revenue') sets that manager's target (blank cell = left "
                   "blank; 1,200 and, for %% indicators, 95%% are accepted)"),
    "new.period": ("考核期间，如 2026Q3（名单中的行可覆盖）",
                   "assessment period such as 2026Q3 (roster rows may override)"),
    "new.output": ("输出的 .xlsx 文件；使用 --roster 时为文件夹", "output .xlsx file, or a folder with --roster"),
    "new.wrote": ("已生成 {path}（{size}，{language}，{mode}）", "Wrote {path} ({size}, {language}, {mode})"),
    "new.wrote_roster": ("已生成 {count} 份考核表（{size}，{language}，{mode}）：{folder}",
                         "Wrote {count} workbooks ({size}, {language}, {mode}) to {folder}"),
    "new.wrote_roster_one": ("已生成 1 份考核表（{size}，{language}，{mode}）：{folder}",
                             "Wrote 1 workbook ({size}, {language}, {mode}) to {folder}"),
    "new.wrote_none": ("没有新的考核表：名单中每位客户经理在 {folder} 中都已有考核表",
                       "No new workbook: every roster manager already has a scorecard in {folder}"),
    "new.added_item": ("  新增 {manager_id}：{file}", "  added {manager_id}: {file}"),
    "new.kept": ("保留已有的考核表 {count} 份（未作任何改动）：", "Kept {count} existing scorecards (left untouched):"),
    "new.kept_one": ("保留已有的考核表 {count} 份（未作任何改动）：", "Kept {count} existing scorecard (left untouched):"),
    "new.kept_item": ("  保留 {manager_id}：{file}", "  kept {manager_id}: {file}"),
    "new.unknown": ("文件夹中另有 {count} 个文件不是可识别的考核表（未作任何改动，不算任何人的考核表）：",
                    "{count} other files in the folder are not scorecards kpi can read (left untouched, nobody's "
                    "scorecard):"),
    "new.unknown_one": ("文件夹中另有 {count} 个文件不是可识别的考核表（未作任何改动，不算任何人的考核表）：",
                        "{count} other file in the folder is not a scorecard kpi can read (left untouched, nobody's "
                        "scorecard):"),
    "new.unknown_hint": ("若其中有名单上某位客户经理的考核表，请核对：此人刚才另得了一份新表。",
                         "If one of them is a listed manager's scorecard, check: that manager has just been given "
                         "a new one as well."),
    "new.unknown_item": ("  未识别 {file}：{reason}", "  not read {file}: {reason}"),
    "new.warning": ("警告：{message}", "Warning: {message}"),

    # kpi validate
    "validate.help": ("检查考核表并列出问题", "check scorecard workbooks and print their findings"),
    "validate.description": ("检查考核表；没有错误级问题时退出码为 0，否则为 1。",
                             "Validate scorecard workbooks; exit 0 when no finding is an error, 1 otherwise."),
    "validate.json": ("以 JSON 输出报告", "print the report as JSON"),
    "validate.master": ("用于比对设置的主模板", "master template to compare settings with"),
    "validate.period": ("期望的考核期间，如 2026Q3", "expected period, e.g. 2026Q3"),
    "validate.roster": ("花名册 .xlsx 或 .csv（与 kpi new --roster 相同）：列出其中没有考核表的客户经理（MISSING_SCORECARD）、"
                        "不在花名册中的考核表（NOT_IN_ROSTER）和与花名册目标不一致的目标值（TARGET_CHANGED）",
                        "roster .xlsx or .csv (as for kpi new --roster): report roster managers without a scorecard "
                        "(MISSING_SCORECARD), scorecards of managers not in it (NOT_IN_ROSTER) and targets that differ "
                        "from its target columns (TARGET_CHANGED)"),
    "validate.missing": ("花名册中 {count} 位客户经理没有考核表", "{count} roster managers have no scorecard"),
    "validate.missing_one": ("花名册中 {count} 位客户经理没有考核表", "{count} roster manager has no scorecard"),
    "validate.summary": ("{files} 个文件：{merged} 个可合并，{rejected} 个将被拒绝，{duplicate} 个重复；"
                         "错误 {errors}，警告 {warnings}，提示 {infos}",
                         "files {files}: {merged} can be merged, {rejected} rejected, {duplicate} duplicate; "
                         "errors {errors}, warnings {warnings}, info {infos}"),

    # kpi consolidate
    "consolidate.help": ("把每位客户经理的考核表合并成一份团队汇总表",
                         "merge per-manager workbooks into one team workbook"),
    "consolidate.description": ("检查、重新计算并把考核表合并成团队汇总表。",
                                "Validate, recompute and merge scorecards into a team workbook."),
    "consolidate.output_option": ("要写出的团队汇总表 .xlsx", "the team workbook (.xlsx) to write"),
    "consolidate.period": ("期望的考核期间；其他期间会被标出", "expected period; other periods are flagged"),
    "consolidate.lang": ("团队汇总表和输出的语言：zh 或 en（默认取 KPI_LANG，否则 zh）",
                         "language of the team workbook and the output: zh or en (default: KPI_LANG, else zh)"),
    "consolidate.bonus_pool": ("奖金总额：按比例缩放奖金使合计等于该预算",
                               "scale bonuses to sum to this budget"),
    "consolidate.base_bonus": ("乘以等级系数之前的每人基础奖金（默认 10000）",
                               "base bonus per manager before the grade coefficient (default 10000)"),
    "consolidate.json": ("同时把报告写成 JSON 文件", "also write the report as JSON"),
    "consolidate.pool_unpaid": ("奖金总额 {pool} 未发放：所有已合并的客户经理系数均为 0（一票否决或 D 等级）",
                                "bonus pool {pool} not paid: every merged manager's coefficient is 0 (vetoed or grade D)"),
    "consolidate.pool_unpaid_none": ("奖金总额 {pool} 未发放：没有已评分的客户经理",
                                     "bonus pool {pool} not paid: no manager was scored"),
    "consolidate.json_failed": ("团队汇总表已写好，但 JSON 报告未能写入：{error}",
                                "the team workbook is written, but the JSON report is not: {error}"),
    "consolidate.strict": ("只要有错误级问题，退出码即为 1", "exit 1 when any finding is an error"),
    "consolidate.no_progress": ("不显示进度条", "no progress bar"),
    "consolidate.files": ("文件 {files} 个：合并 {merged}，拒绝 {rejected}，重复 {duplicate}",
                          "files {files}: merged {merged}, rejected {rejected}, duplicate {duplicate}"),
    "consolidate.managers": ("客户经理 {total} 人：已评分 {scored}，已拒绝 {rejected}，缺失 {missing}",
                             "managers {total}: scored {scored}, rejected {rejected}, missing {missing}"),
    "consolidate.left_out": ("未评分、不参与奖金分配的客户经理 {count} 人：", "left out of the scores and the bonus pool ({count}):"),
    "consolidate.left_out_item": ("  {who}（{status}）：{reason}", "  {who} ({status}): {reason}"),
    "consolidate.left_out_more": ("  ……另有 {count} 人，见团队汇总表", "  … and {count} more: see the team workbook"),
    "consolidate.roster": ("花名册 .xlsx 或 .csv（与 kpi new --roster 相同）：名单上每位客户经理都列入经理汇总，"
                           "并注明已评分、已拒绝或缺失；另检查缺少的考核表、名单外的考核表和被改动的目标值",
                           "roster .xlsx or .csv (as for kpi new --roster): every manager on it gets a tblManagers row "
                           "(scored, rejected or missing); missing scorecards, scorecards not on it and changed targets "
                           "are findings"),
    "consolidate.findings": ("问题：错误 {errors}，警告 {warnings}，提示 {infos}",
                             "findings: errors {errors}, warnings {warnings}, info {infos}"),
    "consolidate.grades": ("绝对等级 {grades}", "grades {grades}"),
    "consolidate.forced_grades": ("强制分布 {grades}", "forced grades {grades}"),
    "consolidate.output": ("团队汇总表：{path}", "team workbook: {path}"),

    "consolidate.previous": ("上期的团队汇总表：对比本期与上期（上期得分、等级、变化、新增与离开的人员）",
                             "last quarter's team workbook: compare this quarter with it (previous score, grade, "
                             "change, who is new and who left)"),
    "consolidate.compared": ("与上期 {period}（{path}）对比：共同 {both} 人，新增 {new} 人，离开 {left} 人",
                             "compared with {period} ({path}): {both} in both, {new} new, {left} left"),
    "consolidate.same_period": ("注意：上期团队汇总表的考核期间也是 {period}，请确认 --previous 给的是上一期的文件",
                                "note: the previous team workbook is of {period} too; check that --previous names "
                                "last quarter's file"),

    # kpi cards
    "cards.help": ("为每位已评分的客户经理生成一页“个人绩效考核结果确认单”",
                   "write a one-page result card for each scored manager"),
    "cards.description": ("从团队汇总表为每位已评分的客户经理生成个人绩效考核结果确认单（每人一个 .xlsx，A4 一页），"
                          "可同时生成 PDF。",
                          "Write a result card for each scored manager of a team workbook: one .xlsx each, one A4 "
                          "page, optionally a PDF beside it."),
    "cards.team": ("kpi consolidate 生成的团队汇总表", "the team workbook made by kpi consolidate"),
    "cards.output": ("结果确认单所在的文件夹（会自动创建）", "folder for the cards (created)"),
    "cards.pdf": ("同时用 LibreOffice 把每张确认单打印成 PDF", "also print each card to a PDF with LibreOffice"),
    "cards.lang": ("确认单的语言：zh 或 en（默认与团队汇总表相同）",
                   "language of the cards: zh or en (default: the team workbook's)"),
    "cards.manager": ("只为这些客户经理编号生成", "only these manager ids"),
    "cards.wrote": ("已生成 {count} 张结果确认单：{folder}", "wrote {count} to {folder}"),
    "cards.n_cards": ("{count}", "{count} result cards"),
    "cards.n_cards_one": ("{count}", "{count} result card"),
    "cards.wrote_pdf": ("（另有 {count} 个 PDF）", " (and {count})"),
    "cards.n_pdfs": ("{count}", "{count} PDFs"),
    "cards.n_pdfs_one": ("{count}", "{count} PDF"),
    "cards.unscored": ("未评分、没有结果确认单的客户经理 {count} 人：{managers}",
                       "no card for {count}, not scored: {managers}"),
    "cards.n_managers": ("{count}", "{count} managers"),
    "cards.n_managers_one": ("{count}", "{count} manager"),
    "cards.unscored_one": ("{id} {name}（{status}）", "{id} {name} ({status})"),

    # kpi demo
    "demo.help": ("生成一个虚拟团队，填好考核表并合并（完整流程演示）",
                  "make a synthetic team, fill it, consolidate it (the main job)"),
    "demo.description": ("生成带预置问题的逼真虚拟团队并合并。",
                         "Write a realistic synthetic team with planted problems and consolidate it."),
    "demo.output": ("输出文件夹（默认 ./kpi-demo）", "output folder (default ./kpi-demo)"),
    "demo.managers": ("客户经理人数（默认 24）", "number of managers (default 24)"),
    "demo.size": ("团队规模（默认 medium）", "team size (default medium)"),
    "demo.lang": ("考核表、团队汇总表和输出的语言：zh 或 en（默认取 KPI_LANG，否则 zh）",
                  "language of the workbooks and the output: zh or en (default: KPI_LANG, else zh)"),
    "demo.seed": ("随机数种子（默认 7）", "random seed (default 7)"),
    "demo.wrote": ("已生成 {count} 份客户经理考核表：{folder}（名单 {roster}）",
                   "wrote {count} manager scorecards to {folder} (roster {roster})"),
    "demo.planted": ("预置问题：{problems}", "planted problems: {problems}"),
    "demo.separator": ("；", "; "),
    "demo.lenient_reviewer": ("评价偏宽松的上级 {who}", "lenient reviewer {who}"),
    "demo.weights": ("{who} 权重合计 95%", "{who} weights sum to 95%"),
    "demo.overwritten": ("{who} 得分公式被手工数值覆盖", "{who} score formula overwritten"),
    "demo.missing_actual": ("{who} 缺少实际值", "{who} actual missing"),
    "demo.codes": ("问题代码：{codes}", "finding codes: {codes}"),

    # kpi addin
    "addin.help": ("构建、安装或移除 Excel 加载项；生成 xlwings Lite 版",
                   "build, install or remove the Excel add-in; write the xlwings Lite edition"),
    "addin.description": ("Excel 加载项（KPI 功能区）及其 xlwings Lite 版。",
                          "The Excel add-in (KPI ribbon) and its xlwings Lite edition."),
    "addin.actions": ("操作", "actions"),
    "addin.build.help": ("生成带 KPI 功能区的 kpi_scorecard.xlam", "write kpi_scorecard.xlam with the KPI ribbon"),
    "addin.build.output": ("输出文件夹（默认当前文件夹）", "output folder (default: the current folder)"),
    "addin.build.lang": ("功能区和输出的语言：zh 或 en（默认取 KPI_LANG，否则 zh）",
                         "language of the ribbon and the output: zh or en (default: KPI_LANG, else zh)"),
    "addin.build.wrote": ("已生成 {path}", "Wrote {path}"),
    "addin.build.next": ("用 `kpi addin install` 把它安装到 Excel（Windows、macOS）；见 docs/excel-addin.md。",
                         "Install it into Excel with `kpi addin install` (Windows, macOS); see docs/excel-addin.md."),
    "addin.install.com_import": ("Windows 备用方案：另外通过 Excel 导入功能区的 VBA 模块（需要信任对 VBA 工程对象模型的访问）",
                                 "Windows fallback: also import the ribbon's VBA module through Excel "
                                 "(needs trust access to the VBA project object model)"),
    "addin.install.help": ("把加载项安装到 Excel（Windows、macOS）", "install the add-in into Excel (Windows, macOS)"),
    "addin.install.done": ("已安装 KPI 加载项：{path}", "Installed the KPI add-in: {path}"),
    "addin.install.also": ("  另外写入了 {path}", "  also wrote {path}"),
    "addin.install.next": ("接下来：", "Next:"),
    "addin.install.step": ("  {number}. {step}", "  {number}. {step}"),
    "addin.uninstall.help": ("从 Excel 移除加载项", "remove the add-in from Excel"),
    "addin.uninstall.none": ("KPI 加载项未安装；无需移除。", "The KPI add-in is not installed; nothing to remove."),
    "addin.uninstall.removed": ("已删除 {path}", "Removed {path}"),
    "addin.uninstall.restart": ("重启 Excel 后 KPI 选项卡即消失。", "Restart Excel to remove the KPI tab."),
    "addin.lite.help": ("生成 xlwings Lite 用的 main.py 和 requirements.txt",
                        "write main.py and requirements.txt for xlwings Lite"),
    "addin.lite.output": ("输出文件夹（默认 ./kpi-lite）", "output folder (default ./kpi-lite)"),
    "addin.lite.wrote": ("已生成 {path}", "Wrote {path}"),
    "addin.lite.paste": ("在 Excel 中：打开 xlwings Lite 加载项，把 main.py 粘贴到它的 main.py 标签页，"
                         "把 requirements.txt 粘贴到 requirements.txt 标签页。",
                         "In Excel: open the xlwings Lite add-in, paste main.py into its main.py tab and "
                         "requirements.txt into its requirements.txt tab."),
}
