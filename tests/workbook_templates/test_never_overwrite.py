"""`kpi new` never loses a user's work (issue 10 §1).

* ``kpi new -o FILE`` refuses an existing file (exit 2, naming it) unless ``--force``;
* ``kpi new --roster R -o DIR`` writes only the managers without a scorecard in DIR, found
  by the manager id read from the files (not their names), leaves every existing file byte
  for byte as it was, and says which it kept and which it added.
"""

from __future__ import annotations

import hashlib

import openpyxl
from support.paths import run_kpi

from addin.demo.team import set_cell
from addin.xlsx.reader import read_scorecard
from workbook_templates.roster_workbooks import write_roster


def _digests(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def _roster(path, ids):
    lines = ["工号,姓名,部门,直属上级,销售额目标"] + [f"{i},经理{i[-1]},华东一组,李经理,{1000 + n}" for n, i in enumerate(ids)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def test_kpi_new_refuses_an_existing_file_without_force(tmp_path):
    target = tmp_path / "张伟.xlsx"
    target.write_bytes(b"filled by hand")
    for lang, words in (("en", "already exists"), ("zh", "已存在")):
        result = run_kpi("new", "-o", target, "--lang", lang)
        assert result.returncode == 2, result.stderr
        assert str(target) in result.stderr and words in result.stderr and "--force" in result.stderr
        assert "Traceback" not in result.stderr
    assert target.read_bytes() == b"filled by hand"
    result = run_kpi("new", "-o", target, "--force", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert read_scorecard(target).ok


def test_force_does_not_go_with_a_roster(tmp_path):
    roster = _roster(tmp_path / "r.csv", ["AM001"])
    result = run_kpi("new", "--roster", roster, "-o", tmp_path / "out", "--force", "--lang", "en")
    assert result.returncode == 2 and "--force" in result.stderr
    assert not (tmp_path / "out").exists()


def test_rerunning_a_roster_keeps_every_filled_scorecard_and_adds_the_new_hire(tmp_path):
    out = tmp_path / "2026Q3"
    first = run_kpi("new", "--roster", _roster(tmp_path / "r.csv", ["AM001", "AM002"]), "-o", out, "--lang", "en")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Wrote 2 workbooks")
    # the managers fill their files; one is renamed by hand; the folder gets a note
    files = sorted(out.glob("*.xlsx"))
    card = read_scorecard(files[0])
    table = card.tables["tblKPI"]
    set_cell(files[0], table.sheet, table.cell(0, "actual"), 1234)
    renamed = out / "张三 修改版.xlsx"
    files[1].rename(renamed)
    (out / "notes.txt").write_text("x")
    before = _digests(out)

    second = run_kpi("new", "--roster", _roster(tmp_path / "r.csv", ["AM001", "AM002", "AM003"]), "-o", out,
                     "--lang", "en")
    assert second.returncode == 0, second.stderr
    after = _digests(out)
    assert {k: after[k] for k in before} == before  # every existing file byte for byte
    added = sorted(set(after) - set(before))
    assert len(added) == 1 and "_AM003_" in added[0]
    lines = second.stdout.splitlines()
    assert lines[0] == f"Wrote 1 workbook (medium, en, portable) to {out}"
    assert f"  added AM003: {added[0]}" in lines
    assert "Kept 2 existing scorecards (left untouched):" in lines
    assert "  kept AM002: 张三 修改版.xlsx" in lines  # found by the id inside, not by the file name
    assert any(line.startswith("  kept AM001: ") for line in lines)

    third = run_kpi("new", "--roster", tmp_path / "r.csv", "-o", out, "--lang", "zh")
    assert third.returncode == 0 and third.stdout.startswith("没有新的考核表")
    assert _digests(out) == after


def test_a_file_in_the_way_of_a_new_name_is_never_written_over(tmp_path):
    roster = _roster(tmp_path / "r.csv", ["AM001", "AM002"])
    out = tmp_path / "out"
    out.mkdir()
    in_the_way = out / "华东一组_AM002_经理2.xlsx"  # a name a new workbook would take, holding another id
    write_roster(_roster(tmp_path / "other.csv", ["AM009"]), tmp_path / "other", "small", "zh")
    (tmp_path / "other" / "华东一组_AM009_经理9.xlsx").rename(in_the_way)
    digest = hashlib.sha256(in_the_way.read_bytes()).hexdigest()
    result = write_roster(roster, out, "small", "zh")
    assert [p.name for p in result.written] == ["华东一组_AM001_经理1.xlsx", "华东一组_AM002_经理2_2.xlsx"]
    assert result.kept == [] and hashlib.sha256(in_the_way.read_bytes()).hexdigest() == digest


def test_files_that_are_nobodys_scorecard_are_listed_with_the_reason_and_left_alone(tmp_path):
    """A damaged or password-protected file of a manager cannot be read: the manager gets a new
    workbook beside it, and the run says which files it could not read and why (never silent)."""
    roster = _roster(tmp_path / "r.csv", ["AM001", "AM002"])
    out = tmp_path / "out"
    out.mkdir()
    (out / "张伟-已填.xlsx").write_bytes(b"\x00garbage" * 50)  # unreadable (damaged, or encrypted by Excel)
    no_id = run_kpi("new", "-o", out / "blank.xlsx", "--lang", "en")  # a template nobody put an id in
    assert no_id.returncode == 0, no_id.stderr
    (out / "~$张伟-已填.xlsx").write_bytes(b"lock")  # Excel's lock file: not worth a word
    before = _digests(out)

    result = run_kpi("new", "--roster", roster, "-o", out, "--lang", "en")
    assert result.returncode == 0, result.stderr
    after = _digests(out)
    assert {k: after[k] for k in before} == before and len(after) == len(before) + 2
    lines = result.stdout.splitlines()
    assert lines[0] == f"Wrote 2 workbooks (medium, en, portable) to {out}"
    assert any(line.startswith("  added AM001: ") for line in lines)  # the new files are named then
    assert "2 other files in the folder are not scorecards kpi can read (left untouched, nobody's scorecard):" in lines
    assert "  not read blank.xlsx: the scorecard has no manager id" in lines
    assert any(line.startswith("  not read 张伟-已填.xlsx: ") and len(line) > 30 for line in lines)
    assert lines[-1].startswith("If one of them is a listed manager's scorecard, check")
    assert "~$" not in result.stdout and "Traceback" not in result.stderr

    again = run_kpi("new", "--roster", roster, "-o", out, "--lang", "zh")
    assert again.returncode == 0, again.stderr
    assert "文件夹中另有 2 个文件不是可识别的考核表（未作任何改动，不算任何人的考核表）：" in again.stdout
    assert "考核表中没有客户经理编号" in again.stdout and "请核对" not in again.stdout  # nothing new: no hint
    assert _digests(out) == after


def test_roster_made_workbooks_carry_the_reviewer_into_the_review_rows(tmp_path):
    (path,) = write_roster(_roster(tmp_path / "r.csv", ["AM001"]), tmp_path / "out", "large", "zh").written
    wb = openpyxl.load_workbook(path)
    card = read_scorecard(path)
    reviews = card.tables["tblReview"]
    by_role = {}
    for i in range(len(reviews.rows)):
        by_role.setdefault(reviews.value(i, "role"), set()).add(reviews.value(i, "reviewer"))
    assert by_role["上级"] == {"李经理"} and by_role["自评"] == {"经理1"}
    assert by_role["互评"] == {None}  # peers are not in the roster
    assert wb  # the file opens


def test_reviewers_from_the_roster_make_lenient_and_severe_reviewers_visible(tmp_path):
    """The roster's reviewer reaches the 上级 rows, so LENIENT_REVIEWER / SEVERE_REVIEWER fire for roster-made files."""
    from addin.validation.validate import validate_paths

    targets = "销售额,客户拜访次数,客户满意度,跟进及时率,投诉处理时长"
    lines = [f"工号,姓名,直属上级,{targets}"] + [f"AM00{i},经理{i},{'李经理' if i <= 3 else '周经理'},1000,40,4.5,95%,24"
                                                for i in range(1, 7)]
    roster = tmp_path / "r.csv"
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    paths = write_roster(roster, tmp_path / "out", "small", "zh").written
    for path in paths:
        card = read_scorecard(path)
        reviews = card.tables["tblReview"]
        for i in range(len(reviews.rows)):
            if reviews.value(i, "role") == "上级":
                rating = 5 if reviews.value(i, "reviewer") == "李经理" else 3
                set_cell(path, reviews.sheet, reviews.cell(i, "rating"), rating)
    report = validate_paths([tmp_path / "out"], lang="en")
    found = {f.code: f.details["reviewer"] for f in report.findings if f.code.endswith("_REVIEWER")}
    assert found == {"LENIENT_REVIEWER": "李经理", "SEVERE_REVIEWER": "周经理"}
