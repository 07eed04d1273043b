"""Texts of the input files' statuses and reasons (tblFiles of the team workbook, `kpi validate`)."""

TEXTS: dict[str, tuple[str, str]] = {
    "lock_file": ("Excel 锁定文件（~$）：该工作簿正在 Excel 中打开，已跳过",
                  "Excel lock file (~$): the workbook is open in Excel; skipped"),
    "identical": ("与 {other} 内容完全相同，已跳过", "identical to {other} (same SHA-256); skipped"),
    "rejected_at": ("{message}（{sheet}!{cell}）", "{message} ({sheet}!{cell})"),
    "not_computable": ("无法计算得分", "scores cannot be computed"),
}
