"""Texts of `kpi addin install` (addin/excel/install.py): the next steps it prints."""

TEXTS: dict[str, tuple[str, str]] = {
    "windows.start": ("启动 Excel：出现“绩效考核”选项卡。如果 Excel 询问，请为 kpi_scorecard.xlam 启用宏。",
                      "Start Excel: the KPI tab (绩效考核) appears. If Excel asks, enable macros for kpi_scorecard.xlam."),
    "windows.functions": ("KPI 函数（=KPI_SCORE() 等）已导入加载项；升级 kpi-scorecard 后，请在选项卡上点一次“导入 KPI 函数”。",
                          "The KPI functions (=KPI_SCORE() ...) were imported into the add-in; after upgrading "
                          "kpi-scorecard, click 'Import KPI functions' on the tab."),
    "windows.no_functions": ("KPI 函数未导入：{reason}", "The KPI functions were not imported: {reason}"),
    "mac.restart": ("完全退出 Excel（Cmd-Q）后重新启动：出现“绩效考核”选项卡。",
                    "Quit Excel completely (Cmd-Q) and start it again: the KPI tab (绩效考核) appears."),
    "mac.macros": ("如果 Excel 询问：Excel > 偏好设置 > 安全性，允许该加载项的宏。",
                   "Excel > Preferences > Security: allow macros for the add-in if Excel asks."),
    "mac.no_udfs": ("经典 UDF（=KPI_SCORE()）需要 Windows；在 Mac 上请使用便携版考核表或 `kpi addin lite`。",
                    "Classic UDFs (=KPI_SCORE()) need Windows; on the Mac use portable scorecards or `kpi addin lite`."),
}
