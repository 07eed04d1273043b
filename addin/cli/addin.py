"""`kpi addin build | install | uninstall | lite`: the Excel add-in and its xlwings Lite edition."""

from __future__ import annotations

import argparse

from addin.cli.console import force_hint
from addin.contract.messages import render
from addin.excel.build import build_addin
from addin.excel.install import install, uninstall
from addin.excel.lite import write_lite


def run(args: argparse.Namespace, lang: str) -> int:
    return _ACTIONS[args.action](args, lang)


def _build(args: argparse.Namespace, lang: str) -> int:
    with force_hint():
        path = build_addin(args.output, lang, force=args.force)
    print(render("cli.addin.build.wrote", lang, path=path))
    print(render("cli.addin.build.next", lang))
    return 0


def _install(args: argparse.Namespace, lang: str) -> int:
    result = install(lang, com_import=args.com_import)
    print(render("cli.addin.install.done", lang, path=result.addin))
    for path in result.created:
        if path != result.addin:
            print(render("cli.addin.install.also", lang, path=path))
    print(render("cli.addin.install.next", lang))
    for number, step in enumerate(result.next_steps, start=1):
        print(render("cli.addin.install.step", lang, number=number, step=step))
    return 0


def _uninstall(args: argparse.Namespace, lang: str) -> int:
    removed = uninstall()
    if not removed:
        print(render("cli.addin.uninstall.none", lang))
        return 0
    for path in removed:
        print(render("cli.addin.uninstall.removed", lang, path=path))
    print(render("cli.addin.uninstall.restart", lang))
    return 0


def _lite(args: argparse.Namespace, lang: str) -> int:
    with force_hint():
        written = write_lite(args.output, force=args.force)
    for path in written:
        print(render("cli.addin.lite.wrote", lang, path=path))
    print(render("cli.addin.lite.paste", lang))
    return 0


_ACTIONS = {"build": _build, "install": _install, "uninstall": _uninstall, "lite": _lite}
