"""Texts of the errors that stop a job (:mod:`addin.contract.errors`), by error key."""

TEXTS: dict[str, tuple[str, str]] = {
    # a roster that cannot be used (the problems are texts of area "roster")
    "roster_problems": ("{file}：{problems}。未写入任何内容。", "{file}: {problems}. Nothing was written."),
    # workbook outputs (workbook_templates)
    "output_exists": ("{path} 已存在，未作改动（没有写入任何内容）",
                      "{path} already exists and was left as it is (nothing was written)"),
    "output_is_folder": ("{path} 是文件夹；请给出文件名，如 scorecard.xlsx",
                         "{path} is a folder; give a file name such as scorecard.xlsx"),
    "output_below_file": ("无法写入 {path}：{blocking} 是文件，不是文件夹",
                          "cannot write {path}: {blocking} is a file, not a folder"),
}
