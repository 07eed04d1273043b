"""Texts of `kpi collect` / `kpi fill`: rules problems, the actuals workbook, rules in words, CLI lines.

``ERRORS`` are registered under the area ``errors`` (the errors that stop a job, exit 2);
``TEXTS`` under the area ``collect``.
"""

ERRORS: dict[str, tuple[str, str]] = {
    "collect_period": ("考核期间“{period}”无法识别；可写 2026Q3、2026H1、2026、2026-07 或 2026-07-01..2026-09-30",
                       "period \"{period}\" is not understood; write 2026Q3, 2026H1, 2026, 2026-07 or "
                       "2026-07-01..2026-09-30"),
    "collect_period_reversed": ("考核期间“{period}”的结束日早于开始日", "period \"{period}\" ends before it starts"),
    "collect_rules_invalid": ("规则文件 {file} 有 {count} 处问题，未写出任何文件：",
                              "the rules file {file} has {count} problem(s); nothing was written:"),
    "collect_rules_missing": ("找不到规则文件 {file}", "rules file {file} not found"),
    "collect_rules_kind": ("规则文件 {file} 必须是 .toml 文件或 .xlsx 规则工作簿",
                           "the rules file {file} must be a .toml file or an .xlsx rules workbook"),
    "collect_rules_unreadable": ("无法读取规则工作簿 {file}：{reason}", "cannot read the rules workbook {file}: {reason}"),
    "collect_data_missing": ("数据文件夹 {folder} 不存在", "the data folder {folder} does not exist"),
    "collect_roster": ("名单 {file}：{reason}", "roster {file}: {reason}"),
    "collect_actuals_unreadable": ("无法读取实际值工作簿 {file}：{reason}", "cannot read the actuals workbook {file}: {reason}"),
    "collect_no_scorecards": ("{path} 中没有考核表（.xlsx）", "no scorecards (.xlsx) in {path}"),
    "collect_arguments": ("kpi collect 缺少参数：{missing}（或用 --init 写出规则工作簿）",
                          "kpi collect needs {missing} (or --init to write a rules workbook)"),
    "collect_actuals_needs_roster": ("--actuals 需要与 --roster 一起使用（按名单逐人填入实际值）",
                                     "--actuals needs --roster (actuals are filled per roster manager)"),
    "collect_not_a_scorecard": ("{file} 不是考核表：{reason}", "{file} is not a scorecard: {reason}"),
    "collect_scorecard_header": ("{file}：请先填写客户经理编号和考核期间，再导入实际值",
                                 "{file}: fill in the manager id and the period before importing actuals"),
    "collect_pick_rules": ("请选择规则工作簿（kpi collect --init 可生成一份）",
                           "choose the rules workbook (kpi collect --init writes one)"),
}

TEXTS: dict[str, tuple[str, str]] = {
    # rules problems: "<place>: <text>"
    "toml_syntax": ("TOML 语法错误：{reason}", "TOML syntax error: {reason}"),
    "missing": ("缺少必填项", "required, but missing"),
    "unknown_key": ("未知的键（拼写错误？）", "unknown key (a typo?)"),
    "not_one_of": ("{value} 不是允许的值；应为 {allowed} 之一", "{value} is not allowed; use one of {allowed}"),
    "not_text": ("{value} 应为文本", "{value} should be text"),
    "not_number": ("{value} 应为数字", "{value} should be a number"),
    "not_table": ("{value} 应为表（键 = 值）", "{value} should be a table (key = value)"),
    "not_list": ("{value} 应为列表", "{value} should be a list"),
    "invalid": ("无效：{reason}", "invalid: {reason}"),
    "bad_timezone": ("时区 {value} 无法识别；可写 +08:00 或 Asia/Shanghai",
                     "timezone {value} is not understood; write +08:00 or Asia/Shanghai"),
    "no_sources": ("没有定义数据源", "no sources are declared"),
    "no_rules": ("没有定义规则", "no rules are declared"),
    "no_files": ("没有文件模式", "no file pattern"),
    "bad_date_format": ("日期格式 {value} 应使用 %d、%m、%Y 等占位符（如 \"%d/%m/%Y\"）",
                        "date format {value} should use %d, %m, %Y… (e.g. \"%d/%m/%Y\")"),
    "indicator_twice": ("该指标已由 {first} 计算；每个指标只能有一条规则",
                        "this indicator is already computed by {first}; one rule per indicator"),
    "unknown_source": ("数据源 {value} 未定义；已定义：{known}", "source {value} is not declared; declared: {known}"),
    "needs_value": ("{measure} 需要 value（要汇总的列）", "{measure} needs value (the column aggregated)"),
    "needs_numerator": ("ratio 需要 numerator（分子条件）", "ratio needs numerator (the filter of the numerator)"),
    "only_ratio": ("numerator 只用于 ratio", "numerator is only used by ratio"),
    "needs_duration": ("{measure} 需要 start、end 和 unit", "{measure} needs start, end and unit"),
    "only_duration": ("start、end、unit 只用于 duration_mean / duration_median",
                      "start, end and unit are only used by duration_mean / duration_median"),
    "value_unused": ("{measure} 不使用 value；请删除它或换一种计算方式",
                     "{measure} does not use value; remove it or choose another measure"),
    "empty_list": ("值列表为空，任何行都不会匹配", "the list of values is empty, so no row would match"),
    "empty_map": ("映射为空", "the map is empty"),
    "no_table": ("规则工作簿中没有这个表", "the rules workbook has no table of this name"),
    "unknown_header": ("列标题 {value} 无法识别；可用：{allowed}", "header {value} is not known; use: {allowed}"),
    "source_without_name": ("数据源行缺少名称（source）", "a source row without a name (source)"),
    "bad_filter": ("{value} 应写成“列 = 值1|值2”，多个条件用分号分隔",
                   "{value} should read \"column = value1|value2\", conditions separated by semicolons"),
    "alias_incomplete": ("别名行需要 owner 和 manager_id 两项", "an alias row needs both owner and manager_id"),
    "unknown_setting": ("未知的设置 {value}（可用：timezone）", "unknown setting {value} (known: timezone)"),

    "not_found": ("找不到文件", "not found"),
    "actuals_lack_columns": ("tblActuals 缺少列：{columns}", "tblActuals lacks the columns {columns}"),
    "no_actuals_table": ("没有 tblActuals 表（这是 kpi collect 写出的实际值工作簿吗？）",
                         "no table tblActuals (is it an actuals workbook written by kpi collect?)"),

    # values of the actuals workbook (zh values are Chinese)
    "measure_count": ("计数", "count"),
    "measure_sum": ("求和", "sum"),
    "measure_mean": ("平均值", "mean"),
    "measure_median": ("中位数", "median"),
    "measure_distinct": ("去重计数", "distinct"),
    "measure_ratio": ("比率", "ratio"),
    "measure_duration_mean": ("平均时长", "duration_mean"),
    "measure_duration_median": ("时长中位数", "duration_median"),
    "scope_individual": ("个人", "individual"),
    "scope_team": ("团队", "team"),
    "scope_company": ("公司", "company"),
    "unit_minutes": ("分钟", "minutes"),
    "unit_hours": ("小时", "hours"),
    "unit_days": ("天", "days"),
    "status_ok": ("已采集", "collected"),
    "status_no_rows": ("无数据", "no rows"),
    "status_source_error": ("数据源有错误，未出数", "source error, no value"),
    "file_read": ("已读取", "read"),
    "file_missing": ("无匹配文件", "no file matched"),
    "file_unreadable": ("无法读取", "unreadable"),
    "file_columns_missing": ("缺少列", "columns missing"),
    "file_no_rows": ("没有数据行", "no data rows"),
    "file_dates_ambiguous": ("日期顺序不明", "ambiguous dates"),
    "reason_not_in_roster": ("不在名单中", "not in the roster"),
    "reason_alias_target": ("别名指向的编号 {manager_id} 不在名单中", "alias to {manager_id}, not in the roster"),
    "reason_ambiguous": ("名单中有 {count} 人同名", "{count} roster managers have this name"),
    "reason_blank": ("负责人为空", "owner is blank"),
    "blank_owner": ("（空）", "(blank)"),
    "via_alias": ("（别名指向 {manager_id}）", " (its alias points to {manager_id})"),
    "both_orders": ("；该列同时含有两种顺序（{first} 和 {second}）", "; the column holds both orders ({first} and {second})"),
    "no_data_rows": ("表头（第 {row} 行）下没有数据行", "no data rows under the header (row {row})"),
    "more_rows": ("另有 {count} 行有同样的问题（{code}），未逐行列出", "{count} more rows with the same problem ({code}), not listed one by one"),

    # the rule in words
    "rule_count": ("计数", "count of rows"),
    "rule_value": ("{measure}（{value}）", "{measure} of {value}"),
    "rule_ratio": ("比率：满足 {numerator} 的行数 ÷ 行数", "ratio: rows with {numerator} ÷ rows"),
    "rule_ratio_value": ("比率：满足 {numerator} 的 {value} 之和 ÷ {value} 之和",
                         "ratio: sum of {value} with {numerator} ÷ sum of {value}"),
    "rule_duration": ("{measure}（{end} − {start}，{unit}）", "{measure} of {end} − {start} in {unit}"),
    "rule_where": ("，条件 {filters}", " where {filters}"),
    "rule_where_not": ("，排除 {filters}", " excluding {filters}"),
    "rule_map": ("，映射 {pairs}", ", mapped {pairs}"),
    "rule_scale": ("，× {scale}", ", × {scale}"),
    "rule_scope_team": ("，按团队合计", ", over the manager's team"),
    "rule_scope_company": ("，按全公司合计", ", over the company"),
    "rule_period": ("，{period}", ", {period}"),
    "filter_and": ("且", " and "),
    "source_cell": ("{source}（{files}，{rows} 行）：{rule}", "{source} ({files}, {rows} rows): {rule}"),

    # the starting rules workbook (kpi collect --init)
    "preset_sheet_rules": ("规则", "Rules"),
    "preset_sheet_sources": ("数据源", "Sources"),
    "preset_sheet_settings": ("设置", "Settings"),
    "preset_sheet_aliases": ("别名", "Aliases"),
    "preset_sheet_help": ("说明", "Help"),
    "preset_setting": ("设置", "setting"),
    "preset_value": ("值", "value"),
    "preset_hint_measure": ("count 计数、sum 求和、mean 平均值、median 中位数、distinct 去重计数、ratio 比率、"
                            "duration_mean 平均时长、duration_median 时长中位数",
                            "count, sum, mean, median, distinct, ratio, duration_mean, duration_median"),
    "preset_hint_scope": ("个人：本人的行；团队：同一团队所有人的行；公司：名单上所有人的行",
                          "individual: the manager's rows; team: rows of the manager's roster team; "
                          "company: rows of every roster manager"),
    "preset_hint_unit": ("时长单位：分钟、小时或天", "duration unit: minutes, hours or days"),
    "preset_help_title": ("{preset} 导出文件的起步规则：请按贵公司的导出列名调整", "Starting rules for {preset} exports: "
                          "adjust them to your export's column names"),
    "preset_help_files": ("数据源表：files 是相对于规则文件所在文件夹（或 --data）的文件模式，多个用 | 分隔；owner 是负责人列，"
                          "date 是决定该行属于哪个考核期间的日期列；日/月顺序的日期请填 date_format（如 %d/%m/%Y）。",
                          "Sources: files are patterns relative to the rules file's folder (or --data), several "
                          "separated by |; owner is the column naming the manager, date the column that places a row "
                          "in the period; set date_format for day/month dates (e.g. %d/%m/%Y)."),
    "preset_help_where": ("筛选条件写成“列 = 值1|值2”，多个条件用分号分隔，例如：商机阶段 = 成功|赢单; 类型 = 新签。"
                          "排除条件写法相同；ratio 的分子条件也一样。比较时忽略首尾空格、全角半角和大小写。",
                          "Filters read 'column = value1|value2', several separated by semicolons, e.g. "
                          "Stage = Closed Won; Type = New Customer. where_not and a ratio's numerator use the same "
                          "form. Text compares without surrounding spaces, width or case."),
    "preset_help_map": ("映射把文字变成数字后再汇总，例如：很满意=5; 满意=4; 一般=3。",
                        "map turns text into numbers before aggregating, e.g. 很满意=5; 满意=4; 一般=3."),
    "preset_help_scale": ("倍数乘在结果上，例如 0.0001 把元换算成万元。", "scale multiplies the result, e.g. 0.0001 turns "
                          "CNY into 10k CNY."),
    "preset_help_scope": ("范围：个人（默认）、团队（同一团队所有人的行之和）、公司（名单上所有人的行）。",
                          "scope: individual (default), team (rows of the manager's team), company (rows of every "
                          "roster manager)."),
    "preset_help_manual": ("没有列出的指标（如公司利润、合规违规次数、CRM记录完整率）不在 CRM 导出中，实际值仍需手工填写。",
                           "Indicators not listed (company profit, compliance incidents, CRM record completeness) "
                           "are not in CRM exports; their actuals stay manual."),
    "preset_help_trace": ("运行：kpi collect 规则.xlsx --roster 名单.xlsx --period 2026Q3 -o 实际值.xlsx；"
                          "实际值工作簿的 tblSources 列出每个文件及其 SHA-256 和行数，tblActuals 的“规则”列用文字写出每个值的算法。",
                          "Run: kpi collect rules.xlsx --roster roster.xlsx --period 2026Q3 -o actuals.xlsx; the "
                          "actuals workbook's tblSources lists every file with its SHA-256 and row counts, and "
                          "tblActuals' rule column says in words how each value was computed."),

    # sheets and headers of the actuals workbook
    "sheet_actuals": ("实际值", "Actuals"),
    "sheet_matrix": ("实际值一览", "Actuals by manager"),
    "sheet_sources": ("数据源", "Sources"),
    "sheet_unmatched": ("未匹配", "Unmatched"),
    "sheet_findings": ("问题清单", "Findings"),
    "matrix_title": ("实际值一览（{period}，{rules} 条规则，{managers} 位客户经理）",
                     "Actuals by manager ({period}, {rules} rules, {managers} managers)"),
    "matrix_note": ("空白 = 没有数据或数据源有错误；每个数值的来源见“实际值”表",
                    "blank = no rows or a source error; where each value comes from: see the Actuals table"),

    # the command line
    "summary": ("已采集 {actuals}（{managers} × {rules}），读取 {files}，共 {rows}；问题：错误 {errors}，警告 {warnings}，"
                "提示 {infos}",
                "collected {actuals} ({managers} × {rules}) from {rows} in {files}; findings: errors {errors}, "
                "warnings {warnings}, info {infos}"),
    # counted nouns of the summary (addin.contract.messages.counted): "_one" is the text for exactly 1
    "n_actuals": ("{count} 个实际值", "{count} actuals"),
    "n_actuals_one": ("{count} 个实际值", "{count} actual"),
    "n_managers": ("{count} 位客户经理", "{count} managers"),
    "n_managers_one": ("{count} 位客户经理", "{count} manager"),
    "n_rules": ("{count} 条规则", "{count} rules"),
    "n_rules_one": ("{count} 条规则", "{count} rule"),
    "n_files": ("{count} 个文件", "{count} files"),
    "n_files_one": ("{count} 个文件", "{count} file"),
    "n_rows": ("{count} 行", "{count} rows"),
    "n_rows_one": ("{count} 行", "{count} row"),
    "wrote": ("已写出 {path}", "wrote {path}"),
    "wrote_json": ("已写出报告 {path}", "wrote report {path}"),
    "filled": ("{file}：填入 {count} 个实际值 → {output}", "{file}: {count} actuals filled -> {output}"),
    "fill_skipped": ("{file}：没有对应的客户经理 {manager_id} 的实际值，已跳过",
                     "{file}: no actuals for manager {manager_id}; skipped"),
    "fill_unreadable": ("{file}：{reason}", "{file}: {reason}"),
    "fill_other_kind": ("{file}：只为 .xlsx/.xlsm 考核表填写副本，已跳过", "{file}: only .xlsx/.xlsm scorecards are filled; skipped"),
    "init_wrote": ("已写出规则工作簿 {path}（{preset}，{rules} 条规则）", "wrote the rules workbook {path} ({preset}, {rules} rules)"),
}

# help texts and lines of `kpi collect` / `kpi fill` (registered under the area ``cli``)
CLI: dict[str, tuple[str, str]] = {
    "collect.help": ("按规则从 CRM 导出文件（商机、拜访、工单……）计算实际值",
                     "compute actuals from CRM exports (deals, visits, tickets…) with a rules file"),
    "collect.description": ("读取 CRM 导出文件，按规则为每位客户经理的每个指标算出一个实际值，每个值都能追溯到导出行"
                            "（COLLECT.md）。`kpi collect --init 规则.xlsx` 写出一份起步用的规则工作簿。",
                            "Read CRM exports, apply the rules, write one actual per manager and indicator, each "
                            "traceable to its export rows (COLLECT.md). `kpi collect --init RULES.xlsx` writes a "
                            "starting rules workbook."),
    "collect.rules": ("规则：.toml 文件或 .xlsx 规则工作簿", "rules: a .toml file or an .xlsx rules workbook"),
    "collect.roster": ("名单 .xlsx 或 .csv（客户经理编号、姓名、团队、区域、考核人）",
                       "roster .xlsx or .csv (manager_id, name, team, region, reviewer)"),
    "collect.period": ("考核期间：2026Q3、2026H1、2026、2026-07 或 2026-07-01..2026-09-30（含首尾）",
                       "2026Q3, 2026H1, 2026, 2026-07 or 2026-07-01..2026-09-30 (inclusive)"),
    "collect.output": ("要写出的实际值工作簿", "the actuals workbook to write"),
    "collect.data": ("规则中文件模式所相对的文件夹（默认：规则文件所在文件夹）",
                     "folder the rules' file patterns are relative to (default: the rules file's folder)"),
    "collect.lang": ("工作簿和输出的语言：zh 或 en（默认取 KPI_LANG，否则 zh）",
                     "language of the workbook and output: zh or en (default KPI_LANG, else zh)"),
    "collect.json": ("同时把结果写成 JSON 文件", "also write the result as JSON"),
    "collect.strict": ("只要有错误级问题，退出码即为 1", "exit 1 when any finding is an error"),
    "collect.init": ("不采集，改为写出一份起步用的规则工作簿", "write a starting rules workbook instead of collecting"),
    "collect.preset": ("与 --init 一起用：要对应的导出格式（默认 cordys）",
                       "with --init: the export shape to map (default cordys)"),
    "collect.size": ("与 --init 一起用：对应哪个规模模板的指标（默认 medium）",
                     "with --init: the template size whose indicators are mapped (default medium)"),
    "collect.more_findings": ("……另有 {count} 个问题，见实际值工作簿的“问题清单”",
                              "… {count} more findings: see the Findings sheet of the actuals workbook"),
    "collect.actuals_in_workbook": ("{count} 位客户经理的实际值见实际值工作簿的“实际值一览”",
                                    "the actuals of the {count} managers: see the Actuals by manager sheet of the "
                                    "actuals workbook"),
    "collect.table.manager_id": ("客户经理编号", "manager_id"),
    "collect.table.name": ("姓名", "name"),
    "collect.table.file": ("文件", "file"),
    "collect.table.source": ("数据源", "source"),
    "collect.table.row": ("行", "row"),
    "collect.table.column": ("列", "column"),
    "collect.table.code": ("代码", "code"),
    "collect.table.severity": ("严重程度", "severity"),
    "collect.table.message": ("说明", "message"),
    "fill.help": ("把采集到的实际值填入考核表（副本写入输出文件夹，原文件不动）",
                  "copy collected actuals into scorecards (copies in OUT_DIR; inputs untouched)"),
    "fill.description": ("在每份考核表的副本中填写对应指标的实际值和数据来源；工作簿的其他内容一概不变。",
                         "Set the actual and source cells of matching indicators in a copy of each scorecard; "
                         "nothing else in the workbook changes."),
    "fill.actuals": ("kpi collect 写出的实际值工作簿", "the actuals workbook `kpi collect` wrote"),
    "fill.output": ("放填好副本的文件夹", "folder for the filled copies"),
    "fill.lang": ("输出和数据来源单元格的语言：zh 或 en（默认取 KPI_LANG，否则 zh）",
                  "language of the output and the source cells: zh or en (default KPI_LANG, else zh)"),
    "actuals_option": ("kpi collect 写出的实际值工作簿", "the actuals workbook `kpi collect` wrote"),
}
