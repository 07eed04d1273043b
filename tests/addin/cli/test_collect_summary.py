"""The summary line of `kpi collect` reads naturally in both languages: "1 file", "2 files", never "1 files"."""

from __future__ import annotations

from addin.cli.collect import summary_line
from addin.contract.messages import counted


def _counts(n: int, **extra: int) -> dict[str, int]:
    return {"actuals": n, "managers": n, "rules": n, "files": n, "rows": n, "errors": 0, "warnings": 1, "infos": 2,
            **extra}


def test_one_of_each_is_singular_and_more_are_plural():
    assert summary_line(_counts(1), "en") == ("collected 1 actual (1 manager × 1 rule) from 1 row in 1 file; "
                                              "findings: errors 0, warnings 1, info 2")
    assert summary_line(_counts(2), "en") == ("collected 2 actuals (2 managers × 2 rules) from 2 rows in 2 files; "
                                              "findings: errors 0, warnings 1, info 2")
    assert summary_line(_counts(0), "en").startswith("collected 0 actuals (0 managers × 0 rules) from 0 rows in 0 files")


def test_chinese_has_its_measure_words_and_no_plural():
    assert summary_line(_counts(1), "zh") == ("已采集 1 个实际值（1 位客户经理 × 1 条规则），读取 1 个文件，共 1 行；"
                                              "问题：错误 0，警告 1，提示 2")
    assert summary_line(_counts(3), "zh").startswith("已采集 3 个实际值（3 位客户经理 × 3 条规则），读取 3 个文件，共 3 行")


def test_counted_falls_back_to_the_plural_text_without_a_singular_one():
    assert counted("collect.n_files", 1).render("en") == "1 file"
    assert counted("collect.n_files", 1).key == "collect.n_files_one"
    assert counted("cli.progress_unit", 1).key == "cli.progress_unit"  # no "_one" text: the only text
