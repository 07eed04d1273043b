"""Texts of the errors that stop a job (:mod:`addin.contract.errors`), by error key."""

TEXTS: dict[str, tuple[str, str]] = {
    "output_exists": ("{path} 已存在；加 --force 覆盖它，或换一个输出位置",
                      "{path} already exists; add --force to replace it, or choose another output"),
    "output_is_folder": ("{path} 是文件夹；请删除它或换一个输出位置",
                         "{path} is a folder; remove it or choose another output"),
    "output_dir_is_file": ("{path} 是文件；-o 需要一个文件夹", "{path} is a file; -o expects a folder"),
}
