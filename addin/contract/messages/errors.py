"""Texts of the errors that stop a job (:mod:`addin.contract.errors`), by error key.

``UsageError("cli_not_xlsx", path=...)`` renders ``errors.cli_not_xlsx``. Texts of library
errors name the thing that is wrong, never a command-line flag (the library is also
called by the ribbon); keys prefixed ``cli_`` are raised by ``addin.cli`` and may.
"""

TEXTS: dict[str, tuple[str, str]] = {
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
    # result cards (`kpi cards`)
    "cards_folder_is_file": ("{path} 是文件；结果确认单要写入一个文件夹", "{path} is a file; result cards go into a folder"),
    "cards_exist": ("{folder} 中已有 {count} 个同名文件（{files}）；没有覆盖任何文件",
                    "{folder} already holds {count} of the files ({files}); nothing was overwritten"),
    "cards_unknown_managers": ("团队汇总表 {path} 中没有这些已评分的客户经理：{ids}",
                               "the team workbook {path} has no scored manager {ids}"),
    "cards_no_managers": ("团队汇总表 {path} 中没有已评分的客户经理，无法生成结果确认单",
                          "the team workbook {path} has no scored manager: no result card to make"),
    "cli_cards_exist": ("{folder} 中已有 {count} 个同名文件（{files}）；没有覆盖任何文件。要替换它们请加 --force",
                        "{folder} already holds {count} of the files ({files}); nothing was overwritten. "
                        "Add --force to replace them"),
    "pdf_needs_libreoffice": ("生成 PDF 需要 LibreOffice，但本机没有找到 soffice。请安装 LibreOffice 软件包"
                              "（Debian/Ubuntu：sudo apt-get install libreoffice-calc；macOS：brew install --cask "
                              "libreoffice；Windows：winget install TheDocumentFoundation.LibreOffice），"
                              "或只生成 .xlsx 结果确认单。",
                              "PDFs need LibreOffice, and soffice was not found. Install the LibreOffice package "
                              "(Debian/Ubuntu: sudo apt-get install libreoffice-calc; macOS: brew install --cask "
                              "libreoffice; Windows: winget install TheDocumentFoundation.LibreOffice), or make the "
                              ".xlsx result cards only."),
    "pdf_failed": ("LibreOffice 没有把 {files} 转成 PDF：{detail}", "LibreOffice did not print {files} to PDF: {detail}"),
    "previous_has_no_scores": ("上期团队汇总表 {path} 中没有已评分的客户经理",
                               "the previous team workbook {path} has no scored manager"),
    "cli_not_xlsx": ("{path}：输出必须是 .xlsx 文件（使用 --roster 时为文件夹）",
                     "{path}: the output must be an .xlsx file (or a folder with --roster)"),
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
