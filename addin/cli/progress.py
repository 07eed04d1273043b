"""A small progress bar on stderr, shown only on a terminal."""

from __future__ import annotations

import sys
import time

from addin.contract.messages import render


class ProgressBar:
    """Callable(done, total) drawing ``[#####.....] 512/1000 files`` (``个文件`` in zh) at most 10 times a second."""

    def __init__(self, lang: str, stream=None, min_total: int = 50):
        self.stream = stream or sys.stderr
        self.label = render("cli.progress_unit", lang)
        self.min_total = min_total
        self.last = 0.0

    @staticmethod
    def wanted(disabled: bool = False, stream=None) -> bool:
        stream = stream or sys.stderr
        return not disabled and hasattr(stream, "isatty") and stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        if total < self.min_total:
            return
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        width = 30
        filled = int(width * done / max(total, 1))
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {self.label}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
