"""Texts of the result cards (`kpi cards`, 个人绩效考核结果确认单): one printed page per manager."""

TEXTS: dict[str, tuple[str, str]] = {
    "title": ("个人绩效考核结果确认单", "Performance appraisal result card"),
    "subtitle": ("考核期间 {period}", "Period {period}"),
    "sheet": ("结果确认单", "Result card"),

    # header
    "name": ("姓名", "Name"),
    "manager_id": ("员工编号", "ID"),
    "team": ("团队", "Team"),
    "region": ("区域", "Region"),
    "period": ("考核期间", "Period"),
    "reviewer": ("考核人", "Reviewer"),

    # indicators
    "indicators": ("一、指标完成情况", "1. Indicators"),
    "dimension": ("维度", "Dimension"),
    "indicator": ("指标", "Indicator"),
    "weight": ("权重", "Weight"),
    "target": ("目标值", "Target"),
    "actual": ("实际值", "Actual"),
    "source": ("数据来源", "Source"),
    "achievement": ("达成率", "Achieved"),
    "score": ("得分", "Score"),
    "weighted": ("加权得分", "Weighted"),
    "team_average": ("团队平均", "Team average"),
    "me": ("本人得分", "My score"),
    "chart_title": ("各指标得分与团队平均", "Score per indicator against the team average"),
    "adjusted": ("* {indicator}：目标由 {target} 调整为 {adjusted}，原因：{reason}",
                 "* {indicator}: target adjusted from {target} to {adjusted}; reason: {reason}"),
    "no_reason": ("（未填写）", "(none given)"),
    "veto_mark": ("（否决项）", " (veto)"),

    # results
    "results": ("二、考核结果", "2. Result"),
    "quant": ("定量得分", "Quantitative"),
    "qual": ("定性得分", "Qualitative"),
    "final": ("综合得分", "Final score"),
    "roles": ("按评价角色", "By reviewer role"),
    "role_score": ("{role} {score}（{count} 项）", "{role} {score} ({count} ratings)"),
    "no_reviews": ("无评价", "no reviews"),
    "grade": ("绝对等级", "Absolute grade"),
    "forced_grade": ("强制分布等级", "Forced grade"),
    "team_forced_grade": ("团队内强制分布", "Team forced grade"),
    "rank": ("全体排名", "Rank"),
    "team_rank": ("团队内排名", "Team rank"),
    "team_mean": ("团队平均综合得分", "Team average"),
    "coefficient": ("奖金系数", "Coefficient"),
    "bonus": ("奖金", "Bonus"),
    "bonus_basis": ("奖金按强制分布等级的系数计算", "the bonus follows the forced grade's coefficient"),
    "veto": ("否决", "Veto"),
    "veto_note": ("有否决项得分为 0，等级为最低等级", "a veto indicator scored 0: the lowest grade"),
    "previous": ("上期（{period}）", "Previous quarter ({period})"),
    "previous_value": ("{score} 分 · 等级 {grade} · 强制分布 {forced}", "{score} · grade {grade} · forced {forced}"),
    "change": ("与上期相比", "Change"),
    "new": ("本期新增，无上期结果", "new this quarter: no previous result"),

    # comments and findings
    "comments": ("三、评语", "3. Reviewers' comments"),
    "comment_line": ("{role}·{reviewer}（{competency}）：{comment}", "{role} · {reviewer} ({competency}): {comment}"),
    "no_comments": ("无", "None"),
    "more_comments": ("……另有 {count} 条评语，见团队汇总表“评价明细”", "… {count} more in the team workbook's Reviews sheet"),
    "findings": ("四、需要说明的情况", "4. Points to note"),
    "no_findings": ("无", "None"),
    "more_findings": ("……另有 {count} 条，见团队汇总表“问题清单”", "… {count} more in the team workbook's Findings sheet"),

    # sign-off
    "signoff": ("五、确认签字", "5. Sign-off"),
    "signoff_note": ("本人已知悉以上考核结果。", "I have seen the result above."),
    "employee": ("被考核人", "Employee"),
    "manager": ("上级", "Manager"),
    "hr": ("HR", "HR"),
    "signature": ("签字", "Signature"),
    "date": ("日期", "Date"),
    "appeal": ("申诉", "Appeal"),
    "appeal_text": ("{route}申诉期限：{deadline}。", "{route} Deadline: {deadline}."),
    "made_from": ("根据团队汇总表 {file} 生成", "made from the team workbook {file}"),

    # kpi cards results
    "wrote": ("已生成 {count} 张结果确认单：{folder}", "wrote {count} result cards to {folder}"),
    "wrote_pdf": ("及 {count} 个 PDF", "and {count} PDFs"),
}
