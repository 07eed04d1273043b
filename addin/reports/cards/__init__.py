"""Result cards (个人绩效考核结果确认单): one printed page per scored manager, from the team workbook alone.

:func:`write_cards` reads the team workbook of `kpi consolidate` (:mod:`.model`), writes
one card per manager as its own .xlsx (:mod:`.sheet`) and, when asked, a PDF beside each
through LibreOffice (:mod:`.pdf`). The folder and every card (and PDF) path go through the
one output check (:mod:`addin.xlsx.output`) before the first card is written: a user's file is
replaced only with ``force``; a folder, a device or the team workbook itself never.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from addin.consolidation.team_workbook import TeamWorkbook, read_team_workbook
from addin.contract.errors import UsageError
from addin.contract.messages import render
from addin.reports.cards.model import Card, build_cards
from addin.reports.cards.pdf import find_soffice, require_soffice, to_pdf
from addin.reports.cards.sheet import Settings, write_card
from addin.xlsx.atomic import atomic_path
from addin.xlsx.output import check_output_files, check_output_folder, safe_file_name
from addin.xlsx.values import value_text


@dataclass
class CardsResult:
    """What :func:`write_cards` made."""

    folder: Path
    lang: str
    cards: list[Path] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    unscored: list[Unscored] = field(default_factory=list)  # the team's managers without a card, and why


@dataclass(frozen=True)
class Unscored:
    """A manager of tblManagers who gets no card: not scored (rejected, missing)."""

    manager_id: str
    name: str
    status: str  # a key: rejected | missing | …


def card_name(card: Card) -> str:
    """The file name of a card (without suffix): period, id and name, safe on every system."""
    parts = [p for p in (card.period, card.manager_id, card.name) if p]
    name = safe_file_name("_".join(parts), 120)
    return name or "card"


def plan(team, folder, lang: str | None = None, managers=None, pdf: bool = False):
    """Read the team workbook and decide the cards: (book, lang, cards, targets).

    Raises UsageError for an output folder the one output check refuses, an unreadable team
    workbook, or unknown ids.
    """
    folder = check_output_folder(folder, inputs=[team])
    book = read_team_workbook(team)
    lang = lang if lang in ("zh", "en") else book.lang
    cards = build_cards(book, str(book.settings.get("previous_period") or ""), lang)
    if managers:
        wanted = {str(m).strip().upper() for m in managers}
        unknown = sorted(wanted - {c.manager_id.upper() for c in cards})
        if unknown:
            raise UsageError("cards_unknown_managers", path=str(team), ids=", ".join(unknown))
        cards = [c for c in cards if c.manager_id.upper() in wanted]
    if not cards:
        raise UsageError("cards_no_managers", path=str(team))
    targets = [folder / f"{card_name(c)}.xlsx" for c in cards]
    return book, lang, cards, targets


def write_cards(team, folder, lang: str | None = None, managers=None, pdf: bool = False,
                force: bool = False) -> CardsResult:
    """Write one result card per scored manager of the team workbook ``team`` into ``folder``.

    Args:
        team: the team workbook of `kpi consolidate`.
        folder: where the cards go (created).
        lang: "zh" or "en"; None for the team workbook's language.
        managers: manager ids to make cards for (None: every scored manager).
        pdf: also print each card to a PDF beside it (needs LibreOffice).
        force: replace cards (and PDFs) that already exist.

    Raises:
        UsageError (nothing written): LibreOffice missing with ``pdf``, an unreadable team workbook,
        unknown ids, or an output the one output check refuses (:func:`addin.xlsx.output.check_output_files`:
        the folder or a card's path a file, folder or device, the team workbook itself, existing
        files without ``force``). OutputError when a file cannot be written.
    """
    soffice = require_soffice() if pdf else None
    book, lang, cards, targets = plan(team, folder, lang, managers, pdf)
    check_output_files(targets + ([t.with_suffix(".pdf") for t in targets] if pdf else []), inputs=[team],
                       force=force)
    settings = _settings(book, lang, Path(team))
    result = CardsResult(folder=Path(folder), lang=lang, unscored=[] if managers else unscored(book))
    for card, target in zip(cards, targets):
        with atomic_path(target) as temp:
            write_card(temp, card, settings)
        result.cards.append(target)
    if soffice:
        result.pdfs = to_pdf(result.cards, soffice)
    return result


def unscored(book: TeamWorkbook) -> list[Unscored]:
    """The managers of the team workbook who get no card (no final score), in the workbook's order."""
    made = {c.manager_id for c in build_cards(book)}
    return [Unscored(value_text(row.get("manager_id")), value_text(row.get("name")),
                     value_text(row.get("status")) or "rejected")
            for row in book.rows("tblManagers")
            if value_text(row.get("manager_id")) and value_text(row.get("manager_id")) not in made]


def _settings(book: TeamWorkbook, lang: str, team: Path) -> Settings:
    route = _setting(book, "appeal_route", lang)
    deadline = _setting(book, "appeal_deadline", lang)
    return Settings(appeal_route=str(route), appeal_deadline=_deadline(deadline), lang=lang, team_file=team.name,
                    previous_period=str(book.settings.get("previous_period") or ""))


def _setting(book: TeamWorkbook, key: str, lang: str):
    """A setting of tblSettings; the default text of the other language becomes this language's."""
    value = book.settings.get(key)
    defaults = {render(f"team.{key}_default", lang_) for lang_ in ("zh", "en")}
    if value is None or (isinstance(value, str) and (not value.strip() or value in defaults)):
        return render(f"team.{key}_default", lang)
    return value


def _deadline(value) -> str:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return value_text(value)


__all__ = ["write_cards", "CardsResult", "Unscored", "unscored", "card_name", "plan", "find_soffice", "build_cards"]
