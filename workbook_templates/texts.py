"""Every text a template shows, in Chinese and English.

Labels of tables and defined names come from ``addin.contract.schema``; this module holds
the rest: titles, sheet names, helper columns, validation messages, the error
texts portable formulas show, and the instructions sheet.
"""

from __future__ import annotations

T = {
    "zh": {
        "sheet_kpi": "考核表", "sheet_review": "评价", "sheet_settings": "设置", "sheet_help": "填写说明",
        "title": "客户经理绩效考核表",
        "legend": "黄色单元格由客户经理填写（实际值、调整原因、备注、评价）；白色单元格由 HR 设定（表头、指标、权重、目标、设置）；"
                  "灰色单元格为公式，已锁定。得分在目标值和实际值填好之前显示“待填写”。填写方法与计分规则见「填写说明」工作表。",
        "legend_locked": "只需填写黄色单元格：实际值、调整原因、备注，以及「评价」工作表。其余内容由 HR 设定并已锁定；"
                         "灰色单元格为公式。得分在实际值填好之前显示“待填写”。填写方法与计分规则见「填写说明」工作表。",
        "page_footer": "&C第 &P 页，共 &N 页",
        "review_title": "定性评价（评分 1–5 分）",
        "review_who": ("客户经理：", "　　考核期间："),
        "review_legend": "每行一项评分：选择角色，填写评价人和 1–5 分（可有小数）。缺少的角色，其权重按比例分给其他角色。",
        "settings_title": "考核设置（HR 维护；修改后各表得分随之变化）",
        "help_title": "填写说明",
        "effective_target": "有效目标", "achievement": "达成率",
        "weight_total": "权重合计", "veto_count": "否决项得0分个数", "cap": "单项得分上限",
        "role_block": ("角色", "权重", "评分数", "平均分"), "qual": "定性得分",
        "size_label": {"small": "小型团队", "medium": "中型团队", "large": "大型团队"},
        "bands_note": "分档：达成率达到某档最低值即得该档分数（取达到的最高档）。",
        "quotas_note": "强制分布比例：汇总时按综合得分排序分配等级。",
        # data validation: (title, message)
        "dv_list": ("请从列表选择", "请从下拉列表中选择。"),
        "dv_list_error": ("无效的值", "只能选择下拉列表中的值。"),
        "dv_weight": ("权重", "填写 0%–100% 之间的比例，例如 25%。全部指标合计须为 100%。"),
        "dv_weight_error": ("权重无效", "权重须为 0%–100% 之间的数字。"),
        "dv_number": ("数值", "请填写数字（不要填写单位或文字）。"),
        "dv_number_error": ("须为数字", "这里只能填写数字。单位写在“单位”列，说明写在“备注”列。"),
        "dv_actual": ("实际值", "填写本期实际完成的数字；扣分制填写事件次数。留空按 0 分计。"),
        "dv_target": ("目标值", "HR 填写的本期目标；线性/分档/达标制须大于 0，扣分制为允许的次数。"),
        "dv_param": ("参数", "扣分制：每超出一次扣的分数（默认 10）。其他方式可留空。"),
        "dv_param_error": ("参数无效", "参数须为不小于 0 的数字。"),
        "dv_rating": ("评分", "填写 1–5 分（5 分最好，可有小数）。"),
        "dv_rating_error": ("评分无效", "评分须为 1 到 5 之间的数字。"),
        "dv_share": ("比例", "填写 0%–100% 之间的比例。"),
        "dv_share_error": ("比例无效", "须为 0%–100% 之间的数字。"),
        "dv_cap": ("得分上限", "单项指标的最高得分，不小于 100（默认 120）。"),
        "dv_cap_error": ("上限无效", "上限须为不小于 100 的数字。"),
        "dv_text": ("说明", "调整目标时请写明原因。"),
        "todo": "待填写",
        "err": {  # short: they show in narrow score cells
            "direction": "错误：方向无效", "method": "错误：计分方式无效", "number": "错误：数值栏有文字",
            "target_blank": "错误：缺目标值", "target_pos": "错误：目标须>0",
            "target_neg": "错误：允许次数<0", "actual_neg": "错误：次数<0", "param_neg": "错误：参数<0",
            "cap": "错误：上限<100", "threshold": "错误：门槛值", "stretch": "错误：挑战值", "bands": "错误：分档表",
            "weights": "错误：权重≠100%", "scores": "错误：见指标得分", "ratings": "错误：评分须1–5",
            "roles": "错误：角色无效", "role_weights": "错误：角色权重", "quant_weight": "错误：定量占比",
            "veto": "错误：否决项", "grades": "错误：等级表",
        },
        "help": [
            ("h", "一、这张表做什么"),
            ("p", "每位客户经理每个考核期一张表。定量部分（考核表）按指标的目标与实际值自动计分，"
                  "定性部分（评价）按 1–5 分评分折算，两者加权得到综合得分和等级。"),
            ("h", "二、谁填写什么"),
            ("p", "HR（白色单元格）：表头信息、每项指标的权重、目标值（必要时门槛值、挑战值、参数）、数据来源，以及「设置」工作表。"
                  "按花名册生成的考核表中，这些单元格已锁定，以花名册为准。"),
            ("p", "客户经理（黄色单元格）：实际值、调整原因、备注（或由系统导入实际值）。评价人：「评价」工作表中的角色、评价人和评分。"),
            ("p", "灰色单元格是公式，已锁定，不要改动。方向、计分方式、否决项、角色等请用下拉列表选择。"),
            ("p", "百分比指标（单位为 %）的目标值和实际值按百分比显示：输入 95 即为 95%。"),
            ("p", "目标中途调整时，由 HR 在“调整后目标”填写新目标，并在“调整原因”写明原因，得分按调整后目标计算。"),
            ("h", "三、单项指标怎么计分（达成率 r）"),
            ("p", "越高越好：r = 实际值 ÷ 目标值；越低越好：r = 2 − 实际值 ÷ 目标值（超出目标 10% 即 r = 0.9）。"),
            ("p", "线性：得分 = 100 × r，最低 0 分，最高为上限（默认 120）。填写门槛值时，未达到门槛得 0 分；"
                  "填写挑战值时，超过目标的部分按 100 到上限之间线性计分，达到挑战值得上限分。"),
            ("p", "分档：按「设置」中的分档表，达成率达到的最高一档的分数（默认 ≥100% 得 100，≥90% 得 80，≥80% 得 60，否则 0）。"),
            ("p", "达标制：达成率 ≥ 100% 得 100 分，否则 0 分。"),
            ("p", "扣分制：实际值填写事件次数，目标值填写允许次数（常为 0），每超出一次扣“参数”分（默认 10），最低 0 分。"),
            ("p", "否决项：标为“是”的指标得 0 分时，无论总分多少，等级为最低等级（D）。"),
            ("p", "目标值或实际值尚未填写时，得分显示灰色的“待填写”，总分和等级在全部填好后显示（汇总时空的实际值按 0 分计）。"
                  "输入有误时得分单元格显示“错误：…”（例如“错误：目标须>0”），请按提示修改该行。"),
            ("h", "四、总分与等级"),
            ("p", "定量得分 = Σ 权重 × 单项得分（权重合计须为 100%，不是 100% 时“权重合计”变红）。"),
            ("p", "定性得分 = 20 × Σ 角色权重 × 该角色平均分（5 分对应 100 分）；缺少的角色的权重按比例分给其他角色。"),
            ("p", "综合得分 = 定量占比 × 定量得分 +（1 − 定量占比）× 定性得分；没有评价时综合得分 = 定量得分。"),
            ("p", "等级按「设置」中的等级表（默认 S ≥ 110，A ≥ 95，B ≥ 80，C ≥ 60，其余 D）。"
                  "团队内的强制分布与奖金系数在汇总（kpi consolidate）时计算。"),
            ("h", "五、保护与公式"),
            ("p", "工作表已保护但没有密码：需要增加指标行或修改格式时，点击「审阅」→「撤销工作表保护」即可，改完请重新保护。"),
            ("p", "便携模式（默认）只用 Excel 原生公式，无需插件，在 Windows、Mac、网页版 Excel、WPS 和 LibreOffice 中都能计算。"
                  "插件模式的得分单元格调用 KPI_SCORE 等函数，只适合所有人都安装了 kpi-scorecard 插件的情况，否则显示 #NAME?。"),
            ("p", "请不要删除或重命名表格（tblKPI、tblReview 等）和表头，汇总程序按表名和表头读取数据；可以调整列宽、颜色和列的顺序。"),
        ],
    },
    "en": {
        "sheet_kpi": "Scorecard", "sheet_review": "Reviews", "sheet_settings": "Settings",
        "sheet_help": "Instructions",
        "title": "Account Manager Performance Scorecard",
        "legend": "Yellow cells are the manager's (actuals, adjustment reasons, comments, reviews); white cells are "
                  "set by HR (header, indicators, weights, targets, settings); grey cells are locked formulas. "
                  "Scores show \"to fill\" until the target and the actual are typed. See the Instructions sheet.",
        "legend_locked": "Fill in the yellow cells only: actuals, adjustment reasons, comments and the Reviews sheet. "
                         "Everything else is set by HR and locked; grey cells are formulas. Scores show \"to fill\" "
                         "until the actual is typed. See the Instructions sheet.",
        "page_footer": "&CPage &P of &N",
        "review_title": "Qualitative reviews (ratings 1–5)",
        "review_who": ("Manager: ", "    Period: "),
        "review_legend": "One rating per row: pick the role, enter the reviewer and a rating from 1 to 5 "
                         "(decimals allowed). A missing role's weight is shared out to the roles present.",
        "settings_title": "Settings (maintained by HR; scores update when you change them)",
        "help_title": "Instructions",
        "effective_target": "Effective target", "achievement": "Achievement",
        "weight_total": "Weight total", "veto_count": "Veto indicators at 0", "cap": "Indicator score cap",
        "role_block": ("Role", "Weight", "Ratings", "Mean"), "qual": "Qualitative score",
        "size_label": {"small": "Small team", "medium": "Medium team", "large": "Large team"},
        "bands_note": "Bands: an indicator scores the band with the highest minimum its achievement reaches.",
        "quotas_note": "Forced distribution quotas: applied when the team is consolidated.",
        "dv_list": ("Pick from the list", "Choose a value from the drop-down list."),
        "dv_list_error": ("Invalid value", "Only the values of the drop-down list are allowed."),
        "dv_weight": ("Weight", "A share between 0% and 100%, e.g. 25%. All indicators must total 100%."),
        "dv_weight_error": ("Invalid weight", "The weight must be a number between 0% and 100%."),
        "dv_number": ("Number", "Enter a number (no units or words)."),
        "dv_number_error": ("Number required", "Only a number is allowed here. Put units in the Unit column "
                                              "and notes in the Comment column."),
        "dv_actual": ("Actual", "The actual result of the period; for deduction, the number of incidents. "
                                "Blank scores 0."),
        "dv_target": ("Target", "Set by HR; must be > 0 for linear, band and binary; for deduction, "
                                "the incidents allowed."),
        "dv_param": ("Parameter", "Deduction: points deducted per incident beyond the target (default 10). "
                                  "Leave blank for other methods."),
        "dv_param_error": ("Invalid parameter", "The parameter must be a number of at least 0."),
        "dv_rating": ("Rating", "A rating from 1 to 5 (5 is best; decimals allowed)."),
        "dv_rating_error": ("Invalid rating", "The rating must be a number between 1 and 5."),
        "dv_share": ("Share", "A share between 0% and 100%."),
        "dv_share_error": ("Invalid share", "Must be a number between 0% and 100%."),
        "dv_cap": ("Score cap", "The highest score of one indicator, at least 100 (default 120)."),
        "dv_cap_error": ("Invalid cap", "The cap must be a number of at least 100."),
        "dv_text": ("Reason", "Say why the target was adjusted."),
        "todo": "to fill",
        "err": {  # short: they show in narrow score cells
            "direction": "Error: direction", "method": "Error: method", "number": "Error: not a number",
            "target_blank": "Error: no target", "target_pos": "Error: target<=0",
            "target_neg": "Error: target<0", "actual_neg": "Error: actual<0", "param_neg": "Error: param<0",
            "cap": "Error: cap<100", "threshold": "Error: threshold", "stretch": "Error: stretch",
            "bands": "Error: bands", "weights": "Error: weights≠100%", "scores": "Error: see scores",
            "ratings": "Error: rating 1-5", "roles": "Error: role", "role_weights": "Error: role weights",
            "quant_weight": "Error: quant share", "veto": "Error: veto", "grades": "Error: grades",
        },
        "help": [
            ("h", "1. What this workbook is for"),
            ("p", "One workbook per account manager and period. The quantitative part (Scorecard sheet) scores "
                  "each indicator from its target and actual; the qualitative part (Reviews sheet) turns 1–5 "
                  "ratings into a score; both are weighted into the final score and grade."),
            ("h", "2. Who fills in what"),
            ("p", "HR (white cells): the header, each indicator's weight and target (threshold, stretch, parameter "
                  "when needed), the data source and the Settings sheet. In workbooks made from a roster these "
                  "cells are locked: the roster is what counts."),
            ("p", "The manager (yellow cells): actuals, adjustment reasons, comments (or actuals imported). "
                  "Reviewers: role, reviewer and rating on the Reviews sheet."),
            ("p", "Grey cells are locked formulas. Use the drop-down lists for direction, method, veto and role."),
            ("p", "Indicators measured in % show targets and actuals as percentages: typing 95 gives 95%."),
            ("p", "When a target is revised mid-period, HR enters the new one in Adjusted target and the reason in "
                  "Adjustment reason: the score then uses the adjusted target."),
            ("h", "3. How one indicator is scored (achievement r)"),
            ("p", "Higher is better: r = actual / target. Lower is better: r = 2 − actual / target "
                  "(10% over target gives r = 0.9)."),
            ("p", "Linear: score = 100 × r, at least 0 and at most the cap (default 120). With a threshold, "
                  "missing it scores 0. With a stretch goal, beating the target scores linearly from 100 up "
                  "to the cap, reached at the stretch goal."),
            ("p", "Band: the score of the highest band of the Settings bands table that r reaches "
                  "(default ≥100% → 100, ≥90% → 80, ≥80% → 60, else 0)."),
            ("p", "Binary: 100 when r ≥ 100%, else 0."),
            ("p", "Deduction: actual = number of incidents, target = incidents allowed (often 0); each "
                  "incident beyond the target costs Parameter points (default 10), down to 0."),
            ("p", "Veto: an indicator marked yes that scores 0 makes the grade the lowest (D), whatever the total."),
            ("p", "Until the target and the actual are typed, the score shows a grey \"to fill\"; the totals and the "
                  "grade appear once every row is filled (consolidation scores a blank actual 0). Invalid input "
                  "shows \"Error: …\" in the score cell (e.g. \"Error: target<=0\"): fix what it names on that row."),
            ("h", "4. Totals and grade"),
            ("p", "Quantitative score = Σ weight × score (weights must total 100%; Weight total turns red otherwise)."),
            ("p", "Qualitative score = 20 × Σ role weight × mean rating of the role (5 → 100); the weight of a "
                  "missing role is shared out to the roles present."),
            ("p", "Final score = share × quantitative + (1 − share) × qualitative; without reviews it is the "
                  "quantitative score."),
            ("p", "Grade from the Settings grades table (default S ≥ 110, A ≥ 95, B ≥ 80, C ≥ 60, else D). "
                  "Forced distribution and bonus coefficients are applied when the team is consolidated."),
            ("h", "5. Protection and formulas"),
            ("p", "The sheets are protected without a password: to add indicator rows or restyle, use "
                  "Review → Unprotect Sheet, then protect it again."),
            ("p", "Portable mode (the default): native Excel formulas only, no add-in; they compute in Excel for "
                  "Windows, Mac and the web, WPS and LibreOffice. Add-in mode: score cells call KPI_SCORE and "
                  "friends, for teams where everyone has the kpi-scorecard add-in (elsewhere they show #NAME?)."),
            ("p", "Do not delete or rename the tables (tblKPI, tblReview, …) or their headers: consolidation "
                  "finds data by table name and header. Widths, colours and column order are yours to change."),
        ],
    },
}


def text(lang: str, key: str):
    """The text ``key`` in ``lang`` ("zh" or "en")."""
    return T[lang][key]
