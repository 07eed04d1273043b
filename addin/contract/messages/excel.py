"""Texts of the Excel add-in's installation: the next steps `kpi addin install` lists."""

TEXTS: dict[str, tuple[str, str]] = {
    "trust_steps": ("在 Excel 中：文件 > 选项 > 信任中心 > 信任中心设置 > 宏设置，勾选“信任对 VBA 工程对象模型的访问”，"
                    "关闭 Excel，然后再次运行 `kpi addin install`（或点击 KPI 选项卡上的“导入 KPI 函数”）。",
                    "In Excel: File > Options > Trust Center > Trust Center Settings > Macro Settings, tick "
                    "'Trust access to the VBA project object model', close Excel, then run `kpi addin install` again "
                    "(or click 'Import KPI functions' on the KPI tab)."),
    "not_imported": ("KPI 函数未导入：{reason}", "The KPI functions were not imported: {reason}"),
    "win_start": ("启动 Excel：出现“绩效考核”选项卡。如果 Excel 询问，请为 kpi_scorecard.xlam 启用宏。",
                  "Start Excel: the KPI tab (绩效考核) appears. If Excel asks, enable macros for kpi_scorecard.xlam."),
    "win_imported": ("KPI 函数（=KPI_SCORE() …）已导入加载项；升级 kpi-scorecard 后，请点击选项卡上的“导入 KPI 函数”。",
                     "The KPI functions (=KPI_SCORE() ...) were imported into the add-in; after upgrading "
                     "kpi-scorecard, click 'Import KPI functions' on the tab."),
    "mac_restart": ("完全退出 Excel（Cmd-Q）后重新启动：出现“绩效考核”选项卡。",
                    "Quit Excel completely (Cmd-Q) and start it again: the KPI tab (绩效考核) appears."),
    "mac_macros": ("Excel > 偏好设置 > 安全性：如果 Excel 询问，请允许加载项的宏。",
                   "Excel > Preferences > Security: allow macros for the add-in if Excel asks."),
    "mac_udfs": ("传统的 KPI 函数（=KPI_SCORE()）需要 Windows；在 Mac 上请使用原生公式考核表或 `kpi addin lite`。",
                 "Classic UDFs (=KPI_SCORE()) need Windows; on the Mac use portable scorecards or `kpi addin lite`."),
}
