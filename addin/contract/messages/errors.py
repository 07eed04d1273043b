"""Texts of the errors that stop a job (:mod:`addin.contract.errors`), by error key.

``UsageError("cli_not_xlsx", path=...)`` renders ``errors.cli_not_xlsx``. Texts of library
errors name the thing that is wrong, never a command-line flag (the library is also
called by the ribbon); keys prefixed ``cli_`` are raised by ``addin.cli`` and may.
"""

TEXTS: dict[str, tuple[str, str]] = {
    # a roster that cannot be used (the problems are texts of area "roster")
    "roster_problems": ("{file}：{problems}。未写入任何内容。", "{file}: {problems}. Nothing was written."),
    # workbook outputs (workbook_templates)
    "output_exists": ("{path} 已存在，未作改动（没有写入任何内容）",
                      "{path} already exists and was left as it is (nothing was written)"),
    "output_is_folder": ("{path} 是文件夹；请给出文件名，如 scorecard.xlsx",
                         "{path} is a folder; give a file name such as scorecard.xlsx"),
    "output_below_file": ("无法写入 {path}：{blocking} 是文件，不是文件夹",
                          "cannot write {path}: {blocking} is a file, not a folder"),
    # team workbooks read back (result cards; the previous quarter of `kpi consolidate`)
    "team_workbook_missing": ("找不到团队汇总表 {path}", "no such team workbook: {path}"),
    "team_workbook_unreadable": ("无法读取团队汇总表 {path}：{reason}", "cannot read the team workbook {path}: {reason}"),
    "not_a_team_workbook": ("{path} 不是 kpi consolidate 生成的团队汇总表（缺少 {missing}）",
                            "{path} is not a team workbook made by kpi consolidate (it lacks {missing})"),
    "previous_workbook_missing": ("找不到上期团队汇总表 {path}", "no such previous team workbook: {path}"),
    "previous_workbook_unreadable": ("无法读取上期团队汇总表 {path}：{reason}",
                                     "cannot read the previous team workbook {path}: {reason}"),
    "previous_not_a_team_workbook": ("上期文件 {path} 不是 kpi consolidate 生成的团队汇总表（缺少 {missing}）",
                                     "the previous quarter's file {path} is not a team workbook made by kpi "
                                     "consolidate (it lacks {missing})"),
    "previous_has_no_scores": ("上期团队汇总表 {path} 中没有已评分的客户经理",
                               "the previous team workbook {path} has no scored manager"),
    "cli_not_xlsx": ("{path}：输出必须是 .xlsx 文件（使用 --roster 时为文件夹）",
                     "{path}: the output must be an .xlsx file (or a folder with --roster)"),
    "cli_output_exists": ("{path} 已存在，未作改动；要替换它请加 --force",
                          "{path} already exists and was left as it is; add --force to replace it"),
    "cli_force_with_roster": ("--force 不能与 --roster 一起使用：文件夹中已有的考核表总是保留，只为缺少考核表的客户经理生成",
                              "--force does not go with --roster: scorecards already in the folder are always "
                              "kept, and only managers without one get a new workbook"),
    "cli_output_is_folder": ("{path} 是文件夹；请给出文件名，如 scorecard.xlsx",
                             "{path} is a folder; give a file name such as scorecard.xlsx"),
    "cli_output_exists": ("{path} 已存在；加 --force 覆盖它，或换一个输出位置",
                          "{path} already exists; add --force to replace it, or choose another output"),
    "addin_vba_project": ("无法把功能区的 VBA 模块写入 {path} 的 VBA 工程：{reason}；请重新安装 xlwings",
                          "cannot add the ribbon's VBA module to the VBA project of {path}: {reason}; "
                          "reinstall xlwings"),
    "output_exists": ("{path} 已存在，未被覆盖；请换一个输出位置", "{path} already exists and was left as it is; "
                      "choose another output"),
    "output_is_folder": ("{path} 是文件夹；请删除它或换一个输出位置",
                         "{path} is a folder; remove it or choose another output"),
    "output_dir_is_file": ("{path} 是文件；输出需要一个文件夹", "{path} is a file; the output must be a folder"),
}
