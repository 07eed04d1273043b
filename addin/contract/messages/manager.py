"""Texts about each manager of a consolidation: the reason a manager was left out, which of
two files was kept,. (The shown status
values, 已评分 / 已拒绝 / 缺失, are the team workbook's: area ``team``, ``status_*``.)"""

TEXTS: dict[str, tuple[str, str]] = {
    # tblManagers.reason of a manager who is not scored
    "reason.missing": ("没有收到考核表文件（花名册第 {row} 行）", "no scorecard file received (roster row {row})"),
    "blank": ("（空）", "(blank)"),
    # when a file says it was saved (DUPLICATE_MANAGER)
    "saved.workbook": ("保存于 {time}", "saved {time}"),
    "saved.file": ("文件时间 {time}", "file time {time}"),
    "saved.unknown": ("保存时间不详", "saving time unknown"),
}
