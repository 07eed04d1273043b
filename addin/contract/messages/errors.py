"""Texts of the errors that stop a job (:mod:`addin.contract.errors`), by error key.

``UsageError("demo_managers", managers=...)`` renders ``errors.demo_managers``. Texts of library
errors name the thing that is wrong, never a command-line flag (the library is also
called by the ribbon); keys prefixed ``cli_`` are raised by ``addin.cli`` and may. Where an
output may not be written is said by the one output check, in the area ``output``.
"""

TEXTS: dict[str, tuple[str, str]] = {
    # a roster that cannot be used (the problems are texts of area "roster")
    "roster_problems": ("{file}：{problems}。未写入任何内容。", "{file}: {problems}. Nothing was written."),
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
    "cards_unknown_managers": ("团队汇总表 {path} 中没有这些已评分的客户经理：{ids}",
                               "the team workbook {path} has no scored manager {ids}"),
    "cards_no_managers": ("团队汇总表 {path} 中没有已评分的客户经理，无法生成结果确认单",
                          "the team workbook {path} has no scored manager: no result card to make"),
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
    # amounts and periods (consolidation, validation)
    "amount_not_money": ("{amount}必须是金额（实际为 {value!r}）", "the {amount} must be an amount of money (got {value!r})"),
    "amount_negative": ("{amount}必须是 0 或更大的金额（实际为 {value!r}）",
                        "the {amount} must be an amount of 0 or more (got {value!r})"),
    "amount.bonus_pool": ("奖金总额", "bonus pool"),
    "amount.base_bonus": ("基础奖金", "base bonus"),
    "period_invalid": ("{period!r} 不是考核期间，应如 2026Q3、2026H2 或 2026",
                       "{period!r} is not an assessment period such as 2026Q3, 2026H2 or 2026"),
    # the team workbook's path (kpi consolidate, the ribbon)
    "cannot_write": ("无法写入 {path}：{reason}", "cannot write {path}: {reason}"),
    # kpi demo, kpi new
    "demo_managers": ("演示团队至少要有 1 位客户经理（实际为 {managers}）",
                      "the demo team needs at least 1 manager (got {managers})"),
    "cli_force_with_roster": ("--force 不能与 --roster 一起使用：文件夹中已有的考核表总是保留，只为缺少考核表的客户经理生成",
                              "--force does not go with --roster: scorecards already in the folder are always "
                              "kept, and only managers without one get a new workbook"),
    # the Excel add-in (addin/excel)
    "addin_unsupported_platform": (
        "Excel 加载项需要 Windows 或 macOS 上的桌面版 Excel；本机是 {platform}。\n替代办法：\n"
        "  * `kpi new --mode portable -o scorecard.xlsx` 生成使用 Excel 原生公式的考核表（任何 Excel、LibreOffice）；\n"
        "  * `kpi validate` 和 `kpi consolidate` 在这里完成功能区按钮的工作；\n"
        "  * `kpi addin lite -o DIR` 生成 xlwings Lite 版（网页版 Excel、Windows、macOS）；\n"
        "  * 在 Windows 或 macOS 电脑上：pip install kpi-scorecard，然后 `kpi addin install`。",
        "the Excel add-in needs desktop Excel on Windows or macOS; this machine runs {platform}.\nInstead:\n"
        "  * `kpi new --mode portable -o scorecard.xlsx` writes scorecards with native Excel formulas "
        "(any Excel, LibreOffice);\n"
        "  * `kpi validate` and `kpi consolidate` do here what the ribbon buttons do;\n"
        "  * `kpi addin lite -o DIR` writes the xlwings Lite edition (Excel on the web, Windows, macOS);\n"
        "  * on a Windows or macOS machine: pip install kpi-scorecard, then `kpi addin install`."),
    "addin_cannot_remove": ("无法删除 {path}：请退出 Excel 后再运行 `kpi addin uninstall`",
                            "cannot remove {path}: quit Excel and run `kpi addin uninstall` again"),
    "addin_in_use": ("无法写入 {path}：请退出 Excel（它占用着加载项）后重试",
                     "cannot write {path}: quit Excel (it keeps the add-in open) and try again"),
    "addin_cannot_write": ("无法写入 {path}：{reason}", "cannot write {path}: {reason}"),
    "addin_no_vba_access": (
        "Excel 不允许访问加载项的 VBA 工程。在 Excel 中：文件 > 选项 > 信任中心 > 信任中心设置 > 宏设置，"
        "勾选“信任对 VBA 工程对象模型的访问”，关闭 Excel，然后重新运行 `kpi addin install`（或在选项卡上点“导入 KPI 函数”）。",
        "Excel does not allow access to the add-in's VBA project. In Excel: File > Options > Trust Center > "
        "Trust Center Settings > Macro Settings, tick 'Trust access to the VBA project object model', close Excel, "
        "then run `kpi addin install` again (or click 'Import KPI functions' on the KPI tab)."),
    "quickstart_missing": ("xlwings 包中缺少 {name}（{folder}）；请重新安装 xlwings（pip install --force-reinstall xlwings）",
                           "{name} is missing from the xlwings package at {folder}; reinstall xlwings "
                           "(pip install --force-reinstall xlwings)"),
    "quickstart_layout": ("xlwings 的 quickstart 加载项与预期不同（{problem}）；是否安装了 xlwings 0.37.8？",
                          "the xlwings quickstart add-in is not laid out as expected ({problem}); "
                          "is xlwings 0.37.8 installed?"),
    "lite_udfs": ("无法收集 udfs 包的源代码：{problem}", "cannot collect the source of the udfs package: {problem}"),
    "lite_udfs.cycle": ("{name} 处有循环导入", "an import cycle at {name}"),
    "lite_udfs.missing": ("缺少 udfs/{name}.py", "udfs/{name}.py is missing"),
    "lite_udfs.no_functions": ("udfs/excel_functions.py 中没有 @func 函数", "udfs/excel_functions.py defines no @func functions"),
    "ribbon_unknown_button": ("未知的功能区按钮 {button}", "unknown ribbon button {button}"),
    "ribbon_not_a_folder": ("不是文件夹：{path}", "not a folder: {path}"),
    "ribbon_garbled_path": ("Excel 传来的路径已损坏；请重新选择", "the path from Excel is garbled; please pick it again"),
    "ribbon_no_scorecards": ("工作簿所在文件夹中没有考核表：{folder}", "no scorecards in this workbook's folder: {folder}"),
    "ribbon_no_xlsx": ("文件夹中没有 .xlsx 考核表：{folder}", "no .xlsx scorecards in {folder}"),
    "ribbon_save_first": ("请先把工作簿保存为 .xlsx 文件", "save the workbook as an .xlsx file first"),
    "addin_vba_project": ("无法把功能区的 VBA 模块写入 {path} 的 VBA 工程：{reason}；请重新安装 xlwings",
                          "cannot add the ribbon's VBA module to the VBA project of {path}: {reason}; "
                          "reinstall xlwings"),
}
