"""Texts of the team workbook (`kpi consolidate`): the summary sheet, values shown in cells, print headers."""

TEXTS: dict[str, tuple[str, str]] = {
    # sheet and title
    "summary_sheet": ("汇总", "Summary"),
    "title": ("客户经理绩效考核 · 团队汇总", "Account manager appraisal · team summary"),
    "subtitle": ("考核期间 {period} · 生成于 {made_at}", "Period {period} · made {made_at}"),
    "page_footer": ("第 &P 页，共 &N 页", "Page &P of &N"),

    # about this workbook
    "about": ("本表信息", "About this workbook"),
    "period": ("考核期间", "Period"),
    "made_at": ("生成时间", "Made"),
    "inputs": ("数据来源", "Made from"),
    "previous": ("上期对比", "Compared with"),
    "previous_file": ("{file}（考核期间 {period}）", "{file} (period {period})"),
    "no_period": ("（未填写）", "(blank)"),

    # key figures
    "figures": ("关键数字", "Key figures"),
    "files": ("文件", "Files"),
    "files_note": ("已合并 {merged}，已拒绝 {rejected}，重复 {duplicate}",
                   "{merged} merged, {rejected} rejected, {duplicate} duplicate"),
    "managers": ("客户经理", "Managers"),
    "managers_note": ("已评分 {scored}，已拒绝 {rejected}，缺失 {missing}",
                      "{scored} scored, {rejected} rejected, {missing} missing"),
    "mean_final": ("平均综合得分", "Mean final score"),
    "findings": ("问题", "Findings"),
    "findings_note": ("错误 {error}，警告 {warning}，提示 {info}", "{error} errors, {warning} warnings, {info} info"),
    "pool": ("奖金池", "Bonus pool"),
    "no_pool": ("未设定（每人按奖金基数 {base} × 奖金系数）", "none (each manager: base {base} × coefficient)"),
    "pool_note": ("按强制分布等级的奖金系数分配给已评分的客户经理",
                  "shared among the scored managers by their forced grade's coefficient"),
    "paid": ("实发奖金合计", "Total paid"),
    "paid_note": ("{count} 人", "{count} managers"),
    "basis": ("奖金依据", "Bonus follows"),
    "basis_value": ("全体强制分布等级 × 奖金系数", "the overall forced grade × its coefficient"),

    # left out of the bonus
    "left_out": ("未计奖金的人员与文件", "Left out of the bonus"),
    "left_out_none": ("无：所有文件均已合并。", "Nobody: every file was merged."),
    "left_out_more": ("……另有 {count} 项，见“文件清单”工作表", "… and {count} more: see the Files sheet"),
    "who": ("客户经理 / 文件", "Manager / file"),
    "status": ("状态", "Status"),
    "reason": ("原因", "Reason"),

    # grade mix against the quota
    "grades": ("等级分布与配额", "Grade mix against the quota"),
    "grade": ("等级", "Grade"),
    "absolute": ("绝对等级人数", "Absolute grade"),
    "forced": ("强制分布人数", "Forced grade"),
    "quota": ("配额人数", "Quota headcount"),
    "quota_share": ("配额比例", "Quota share"),
    "coefficient": ("奖金系数", "Bonus coefficient"),

    # teams
    "teams": ("各团队", "Teams"),
    "no_team": ("（未分组）", "(no team)"),

    # histogram and dimensions
    "chart_data": ("图表数据", "Chart data"),
    "histogram": ("综合得分分布", "Final score histogram"),
    "range": ("得分区间", "Score range"),
    "count": ("人数", "Managers"),
    "dimensions": ("各团队分维度平均得分", "Average score per dimension per team"),
    "team": ("团队", "Team"),
    "score_axis": ("平均得分", "Average score"),

    # this quarter against the last
    "movers": ("得分变化最大的客户经理", "Biggest movers"),
    "movers_none": ("本期与上期没有共同的客户经理。", "No manager is in both quarters."),
    "name": ("姓名", "Name"),
    "previous_score": ("上期得分", "Previous"),
    "final_score": ("本期得分", "This period"),
    "change": ("变化", "Change"),
    "movement": ("升降", "Movement"),
    "left": ("上期在册、本期无结果的客户经理", "In the previous quarter, not in this one"),
    "left_none": ("无", "None"),
    "new_count": ("本期新增 {count} 人", "{count} new this period"),

    # settings the result cards print
    "card_settings": ("结果确认单设置（可修改；生成结果确认单时读取）",
                      "Result card settings (edit them; the result cards print them)"),
    "appeal_route": ("申诉途径", "Appeal route"),
    "appeal_deadline": ("申诉期限", "Appeal deadline"),
    "appeal_route_default": ("如对考核结果有异议，请向人力资源部提交书面申诉。",
                             "If you disagree with this result, send a written appeal to HR."),
    "previous_period": ("上期考核期间", "Previous period"),
    "appeal_deadline_default": ("签字后 5 个工作日内", "within 5 working days of signing"),

    # values shown in cells
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "severity_error": ("错误", "error"),
    "severity_warning": ("警告", "warning"),
    "severity_info": ("提示", "info"),
    "status_merged": ("已合并", "merged"),
    "status_rejected": ("已拒绝", "rejected"),
    "status_duplicate": ("重复", "duplicate"),
    "status_scored": ("已评分", "scored"),
    "status_missing": ("缺失", "missing"),
    "movement_new": ("新增", "new"),
    "movement_up": ("上升", "up"),
    "movement_down": ("下降", "down"),
    "movement_same": ("持平", "same"),
}
