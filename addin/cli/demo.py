"""`kpi demo`: build a synthetic team, consolidate it, print the summary."""

from __future__ import annotations

import argparse
from pathlib import Path

from addin.cli.output import print_summary
from addin.cli.parsing import add_lang, command
from addin.consolidation.consolidate import consolidate
from addin.contract.messages import render
from addin.contract.schema import SIZES
from addin.demo.team import PERIOD, build_team

_PLANTED = ("lenient_reviewer", "weights", "overwritten", "missing_actual")


def register(subparsers, lang: str) -> argparse.ArgumentParser:
    p = command(subparsers, "demo", lang)
    p.add_argument("-o", "--output", default="kpi-demo", metavar="DIR", help=render("cli.demo.output", lang))
    p.add_argument("--managers", type=int, default=24, help=render("cli.demo.managers", lang))
    p.add_argument("--size", choices=SIZES, default="medium", help=render("cli.demo.size", lang))
    add_lang(p, lang, "cli.demo.lang")
    p.add_argument("--seed", type=int, default=7, help=render("cli.demo.seed", lang))
    return p


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
