"""`kpi demo`: build a synthetic team, consolidate it, print the summary."""

from __future__ import annotations

from pathlib import Path

from addin.cli.check import print_summary
from addin.consolidation.consolidate import consolidate
from addin.demo.team import PERIOD, build_team

_TEXTS = {
    "zh": {"wrote": "已生成 {n} 份客户经理考核表：{folder}（名单 {roster}）", "planted": "预置问题：", "sep": "；",
           "lenient_reviewer": "评价偏宽松的上级 {}", "weights": "{} 权重合计 95%",
           "overwritten": "{} 得分公式被手工数值覆盖", "missing_actual": "{} 缺少实际值", "codes": "问题代码："},
    "en": {"wrote": "wrote {n} manager scorecards to {folder} (roster {roster})", "planted": "planted problems: ",
           "sep": "; ", "lenient_reviewer": "lenient reviewer {}", "weights": "{} weights sum to 95%",
           "overwritten": "{} score formula overwritten", "missing_actual": "{} actual missing",
           "codes": "finding codes: "},
}


def run(args) -> int:
    """`kpi demo`: build the team, consolidate it, print the summary."""
    folder = Path(args.output)
    lang = args.lang
    paths, planted = build_team(folder, args.managers, args.size, lang, args.seed)
    output = folder / "team.xlsx"
    result = consolidate([folder / "scorecards"], output, period=PERIOD, lang=lang)
    t = _TEXTS[lang]
    print(t["wrote"].format(n=len(paths), folder=folder / "scorecards", roster=folder / "roster.csv"))
    print(t["planted"] + t["sep"].join(t[key].format(getattr(planted, key)) for key in (
        "lenient_reviewer", "weights", "overwritten", "missing_actual") if getattr(planted, key)))
    print()
    print_summary(result, lang)
    codes = result.summary["findings_by_code"]
    print(t["codes"] + ", ".join(f"{k} {v}" for k, v in codes.items()))
    return 0
