"""`kpi demo`: build a synthetic team, consolidate it, print the summary."""

from __future__ import annotations

import argparse
from pathlib import Path

from addin.cli.output import print_summary
from addin.consolidation.consolidate import consolidate
from addin.contract.messages import render
from addin.demo.team import PERIOD, build_team

_PLANTED = ("lenient_reviewer", "weights", "overwritten", "missing_actual")


def run(args: argparse.Namespace, lang: str) -> int:
    """Build the team, consolidate it, print what was planted and what was found."""
    folder = Path(args.output)
    paths, planted = build_team(folder, args.managers, args.size, lang, args.seed)
    result = consolidate([folder / "scorecards"], folder / "team.xlsx", period=PERIOD, lang=lang)
    print(render("cli.demo.wrote", lang, count=len(paths), folder=folder / "scorecards", roster=folder / "roster.csv"))
    problems = [render(f"cli.demo.{key}", lang, who=getattr(planted, key)) for key in _PLANTED if getattr(planted, key)]
    print(render("cli.demo.planted", lang, problems=render("cli.demo.separator", lang).join(problems)))
    print()
    print_summary(result, lang)
    codes = result.summary["findings_by_code"]
    print(render("cli.demo.codes", lang, codes=", ".join(f"{k} {v}" for k, v in codes.items())))
    return 0
