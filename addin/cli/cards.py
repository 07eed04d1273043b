"""`kpi cards`: one result card (个人绩效考核结果确认单) per scored manager of a team workbook."""

from __future__ import annotations

import argparse

from addin.cli.console import force_hint, visible
from addin.contract.messages import CATALOG, counted, render
from addin.reports.cards import write_cards
from addin.reports.cards.pdf import require_soffice

UNSCORED_SHOWN = 10  # managers named on the line; the team workbook lists them all


def run(args: argparse.Namespace, lang: str) -> int:
    """Write the cards (and PDFs); exit 0 once written."""
    if args.pdf:
        require_soffice()  # before anything is read or written
    with force_hint():  # the folder and every card are checked before the first is written
        result = write_cards(args.team, args.output, lang=args.lang, managers=args.manager, pdf=args.pdf,
                             force=args.force)
    line = render("cli.cards.wrote", lang, count=counted("cli.cards.n_cards", len(result.cards)), folder=result.folder)
    if result.pdfs:
        line += render("cli.cards.wrote_pdf", lang, count=counted("cli.cards.n_pdfs", len(result.pdfs)))
    print(line)
    if result.unscored:
        shown = [render("cli.cards.unscored_one", lang, id=visible(m.manager_id), name=visible(m.name),  # shown, never obeyed
                        status=render(f"team.status_{m.status}", lang) if f"team.status_{m.status}" in CATALOG
                        else m.status) for m in result.unscored[:UNSCORED_SHOWN]]
        if len(result.unscored) > UNSCORED_SHOWN:
            shown.append("…")
        print(render("cli.cards.unscored", lang, count=counted("cli.cards.n_managers", len(result.unscored)),
                     managers=("、" if lang == "zh" else ", ").join(shown)))
    return 0
