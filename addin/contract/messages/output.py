"""Texts of the one output-path check (:mod:`addin.xlsx.output`) and of writing outputs
(:mod:`addin.xlsx.atomic`). They name the path and what is wrong, never a command-line flag."""

TEXTS: dict[str, tuple[str, str]] = {
    "is_folder": ("{path} 是文件夹；请给出文件名，如 {example}", "{path} is a folder; give a file name such as {example}"),
    "folder_in_the_way": ("{path} 是文件夹，占着要写的文件的位置；请把它移走，或换一个输出文件夹",
                          "{path} is a folder where a file is to be written: move it away or choose another "
                          "output folder"),
    "folder_is_file": ("{path} 是文件，不是文件夹；请给出文件夹", "{path} is a file, not a folder; give a folder"),
    "not_a_file": ("{path} 不是普通文件（{kind}），不会写入", "{path} is not a regular file ({kind}); nothing is written there"),
    "wrong_suffix": ("{path}：输出文件的扩展名应为 {suffixes}（如 {example}）",
                     "{path}: the output must be a {suffixes} file (such as {example})"),
    "below_a_file": ("无法写入 {path}：{file} 是文件，不能在其下创建文件夹",
                     "cannot write {path}: {file} is a file, so no folder can be created there"),
    "not_writable": ("无法写入 {path}：文件夹 {folder} 不可写", "cannot write {path}: the folder {folder} is not writable"),
    "is_input": ("{path} 是输入文件之一；输入文件从不被覆盖，请写到别的文件",
                 "{path} is one of the input files; inputs are never replaced: write to another file"),
    "inside_inputs": ("{path} 位于输入文件夹 {folder} 中，下次运行会被当作输入读取；请写到该文件夹之外",
                      "{path} lies inside the input folder {folder}, where the next run would read it as an input; "
                      "write it outside that folder"),
    "same_as_other": ("{path} 同时被指定为本次运行的另一个输出；请给不同的文件名",
                      "{path} is also another output of this run; give each output its own file"),
    "exists": ("{path} 已存在；不会覆盖它", "{path} already exists; it is not replaced"),
    "exists_not_ours": ("{path} 已存在，且不是 kpi 写的；不会覆盖它",
                        "{path} already exists and was not written by kpi; it is not replaced"),
    "exist_many": ("{folder} 中已有 {count} 个同名文件（{files}）；没有覆盖任何文件",
                   "{folder} already holds {count} of the files ({files}); none of them is replaced"),
    "demo_foreign": ("{path} 不是 kpi demo 写的；demo 不会替换或删除它。请换一个空的或新的文件夹",
                     "{path} was not written by kpi demo, which never replaces or removes it: choose an empty or new "
                     "folder"),
    "write_failed": ("无法写入 {path}：{error}；原有文件未改动，也没有留下临时文件",
                     "cannot write {path}: {error}; any earlier file is unchanged and no temporary file is left"),
    "replace_failed": ("无法替换 {path}（是否在 Excel 中打开？）：{error}",
                       "cannot replace {path} (is it open in Excel?): {error}"),
    "disk_full": ("磁盘已满", "the disk is full"),
    "too_big": ("超出了文件大小上限", "the file size limit was exceeded"),
    "quota": ("超出了磁盘配额", "the disk quota was exceeded"),
    "read_only": ("文件系统为只读", "the file system is read-only"),
    "kind_fifo": ("命名管道", "a named pipe"),
    "kind_device": ("设备", "a device"),
    "kind_socket": ("套接字", "a socket"),
    "kind_other": ("特殊文件", "a special file"),
}
