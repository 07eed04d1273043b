"""The `kpi` command line: argument parsing, the commands, and the only place errors become exit codes."""

from addin.cli.main import main

__all__ = ["main"]
