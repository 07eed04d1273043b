"""Texts of the `kpi` command line: reports, progress, prompts."""

TEXTS: dict[str, tuple[str, str]] = {
    "error_prefix": ("错误：{message}", "Error: {message}"),
    "interrupted": ("已中断；没有留下写了一半的输出文件。", "Interrupted; no output was left half-written."),
}
