"""Texts of the errors that stop a job (:mod:`addin.contract.errors`), by error key.

``UsageError("cli_not_xlsx", path=...)`` renders ``errors.cli_not_xlsx``. Texts of library
errors name the thing that is wrong, never a command-line flag (the library is also
called by the ribbon); keys prefixed ``cli_`` are raised by ``addin.cli`` and may.
"""

TEXTS: dict[str, tuple[str, str]] = {
    "cli_not_xlsx": ("{path}：输出必须是 .xlsx 文件（使用 --roster 时为文件夹）",
                     "{path}: the output must be an .xlsx file (or a folder with --roster)"),
    "cli_output_is_folder": ("{path} 是文件夹；请给出文件名，如 scorecard.xlsx",
                             "{path} is a folder; give a file name such as scorecard.xlsx"),
}
