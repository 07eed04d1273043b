"""`kpi addin build | install | uninstall | lite`: call the library, print, return the exit code."""

from __future__ import annotations

import sys

from addin.excel.build import build_addin
from addin.excel.install import install, uninstall
from addin.excel.lite import write_lite


def run_build(args) -> int:

    path = build_addin(args.output, args.lang, force=args.force)
    print(f"Wrote {path}")
    print("Install it into Excel with `kpi addin install` (Windows, macOS); see docs/excel-addin.md.")
    return 0


def run_install(args) -> int:

    result = install(args.lang, com_import=args.com_import)
    print(f"Installed the KPI add-in: {result.addin}")
    for path in result.created:
        if path != result.addin:
            print(f"  also wrote {path}")
    print("Next:")
    for number, step in enumerate(result.next_steps, start=1):
        print(f"  {number}. {step}")
    return 0


def run_uninstall(args) -> int:

    removed = uninstall()
    if not removed:
        print("The KPI add-in is not installed; nothing to remove.")
        return 0
    for path in removed:
        print(f"Removed {path}")
    print("Restart Excel to remove the KPI tab.")
    return 0


def run_lite(args) -> int:

    written = write_lite(args.output, force=args.force)
    for path in written:
        print(f"Wrote {path}")
    print("In Excel: open the xlwings Lite add-in, paste main.py into its main.py tab and "
          "requirements.txt into its requirements.txt tab.")
    return 0


if __name__ == "__main__":  # pragma: no cover
    from addin.cli.main import main

    sys.exit(main(["addin", *sys.argv[1:]]))
