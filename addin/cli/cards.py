"""`kpi cards`: one result card (个人绩效考核结果确认单) per scored manager of a team workbook."""

from __future__ import annotations

import argparse

from addin.cli.console import force_hint
from addin.contract.messages import render
from addin.reports.cards import write_cards
from addin.reports.cards.pdf import require_soffice


def run(args: argparse.Namespace, lang: str) -> int:
    """Write the cards (and PDFs); exit 0 once written."""
    if args.pdf:
        require_soffice()  # before anything is read or written
    with force_hint():  # the folder and every card are checked before the first is written
        result = write_cards(args.team, args.output, lang=args.lang, managers=args.manager, pdf=args.pdf,
                             force=args.force)
    line = render("cli.cards.wrote", lang, count=len(result.cards), folder=result.folder)
    if result.pdfs:
        line += render("cli.cards.wrote_pdf", lang, count=len(result.pdfs))
    print(line)
    return 0
