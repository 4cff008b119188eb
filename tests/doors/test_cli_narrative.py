"""``xlplugin check 情况说明.txt|.docx|.md``: a 情况说明 checked on its own, by the command line and
in a batch — table-bound rules not run (never compared with blank cells), the pack chosen by the
region the text names, the built-in arithmetic for every text, coverage per number."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl

from tests.helpers import copy_to, run_cli
from xlplugin.core.findings import TEXT_ONLY

#: a 情况说明 of a region without a bundled pack: one rate wrong (2.50 of 8.00 is 31.25 %, not 30 %)
#: and one share right (6.00 of 10.50 is 57.14 %)
OTHER_REGION = (
    "某县文化馆2023年度部门决算情况说明\n"
    "一、“三公”经费支出情况\n"
    "2023年度“三公”经费财政拨款支出决算为10.50万元,其中:公务接待费6.00万元,占57.14%。"
    "“三公”经费支出决算较上年增加2.50万元,增长30%。\n"
)


def _narrative(sample_path: Path, corrected: bool = False) -> Path:
    stem = sample_path.stem + ("-更正版" if corrected else "")
    return sample_path.with_name(f"{stem}-情况说明.txt")


def _json(result) -> dict:
    return json.loads(result.output)


def test_the_corrected_narrative_alone_passes_with_the_table_rules_not_run(sample_path):
    result = run_cli("check", _narrative(sample_path, corrected=True), "--format", "json")
    report = _json(result)
    assert result.exit_code == 0, result.output
    assert report["mode"] == "narrative" and report["pack"]["id"] == "cq-2021"
    assert report["summary"]["errors"] == report["summary"]["warnings"] == 0
    assert "只校验了情况说明" in report["summary"]["verdict"]
    not_run = {n["rule"]: n["reason"] for n in report["not_run"]}
    assert TEXT_ONLY in not_run["CQ01-01"] and TEXT_ONLY in not_run["CQW-01"]  # a table rule, a text-vs-table rule
    # nothing was compared with a blank table
    assert not any("按表格" in f["message"] for f in report["findings"])


def test_the_sample_narrative_alone_still_finds_its_own_contradictions(sample_path):
    result = run_cli("check", _narrative(sample_path), "--format", "json")
    report = _json(result)
    assert result.exit_code == 1
    errors = {(f["rule"], f["cell"]) for f in report["findings"] if f["severity"] == "error"}
    # 收入总计 减少 1863.3 against 2343.3 everywhere else; the rate 15.80% of that sentence
    assert ("CQW-60", "第 27 段") in errors and ("CQW-50", "第 27 段") in errors
    assert not any("按表格" in f["message"] for f in report["findings"])


def test_every_number_says_which_rules_checked_it(sample_path):
    report = _json(run_cli("check", _narrative(sample_path), "--format", "json"))
    numbers = report["narrative"]["numbers"]
    assert len(numbers) == report["summary"]["narrative_numbers"]
    assert sum(1 for n in numbers if n["checked_by"]) == report["summary"]["narrative_checked"]
    by_text = {(n["paragraph"], n["text"]): n for n in numbers}
    # 收支较上年决算数减少 2343.3 万元: compared across the narrative by CQW-60
    assert "CQW-60" in by_text[("第 26 段", "2343.3万元")]["checked_by"]
    # 收入总计 9909.15: the pack's rule against the tables could not run; the built-in arithmetic used it
    # as the current figure of 收支…下降 19.1% (收支 = 收入总计 = 支出总计)
    assert by_text[("第 26 段", "9909.15万元")]["checked_by"] == ["NARR.arithmetic"]
    # 人员经费用途……: a paragraph's number no rule used stays unchecked
    assert any(not n["checked_by"] for n in numbers)
    paragraph = Path(_narrative(sample_path)).read_text(encoding="utf-8").splitlines()[25]
    number = by_text[("第 26 段", "2343.3万元")]
    start, end = number["span"]
    assert paragraph[start:end].replace(" ", "") == "2343.3万元"


def test_a_text_from_a_region_without_a_pack_gets_the_built_in_checks(tmp_path):
    path = tmp_path / "情况说明.txt"
    path.write_text(OTHER_REGION, encoding="utf-8")
    result = run_cli("check", path, "--format", "json")
    report = _json(result)
    assert result.exit_code == 0  # the built-in arithmetic warns, it never makes an error on its own
    assert report["pack"]["id"] == "builtin"
    assert "只做情况说明自身的算术核对" in report["pack"]["notices"][0]
    wrong = [f for f in report["findings"] if f["rule"] == "NARR.arithmetic" and f["severity"] == "warning"]
    assert len(wrong) == 1 and wrong[0]["actual"] == "30" and wrong[0]["expected"].startswith("31.25")
    share = next(n for n in report["narrative"]["numbers"] if n["text"] == "57.14%")
    assert share["checked_by"] == ["NARR.arithmetic"]
    text = run_cli("check", path).output
    assert "规则包：builtin" in text and "只校验了情况说明" in text
    assert "下一步：按每条结果下的“怎么改”修改情况说明" in text and "“校验结果”表" not in text


def test_a_named_pack_is_used_for_any_text(tmp_path):
    path = tmp_path / "情况说明.txt"
    path.write_text(OTHER_REGION, encoding="utf-8")
    report = _json(run_cli("check", path, "--pack", "cq-2021", "--format", "json"))
    assert report["pack"]["id"] == "cq-2021"
    assert report["summary"]["rules_run"] > 0


def test_a_docx_narrative_is_read_like_the_text(sample_path):
    docx_path = _narrative(sample_path).with_suffix(".docx")
    from_docx = _json(run_cli("check", docx_path, "--format", "json"))
    from_text = _json(run_cli("check", _narrative(sample_path), "--format", "json"))
    assert from_docx["mode"] == "narrative"
    rules = lambda r: sorted((f["rule"], f["severity"]) for f in r["findings"])
    assert rules(from_docx) == rules(from_text)


def test_a_file_without_numbers_is_refused_not_passed(tmp_path):
    path = tmp_path / "通知.md"
    path.write_text("# 关于报送部门决算的通知\n\n请各单位按时报送。\n", encoding="utf-8")
    result = run_cli("check", path, "--format", "json")
    assert result.exit_code == 2
    assert _json(result)["error"]["code"] == "no-narrative-numbers"


def test_narrative_options_that_make_no_sense_are_refused(sample_path, tmp_path):
    narrative = copy_to(_narrative(sample_path), tmp_path)
    result = run_cli("check", narrative, "--narrative", narrative)
    assert result.exit_code == 64 and "去掉 --narrative" in result.output
    before = narrative.read_bytes()
    result = run_cli("check", narrative, "--in-place")
    assert result.exit_code == 2 and "不能直接标注" in result.output
    assert narrative.read_bytes() == before


def test_annotating_a_text_narrative_writes_a_marked_page(tmp_path):
    path = tmp_path / "情况说明.txt"
    path.write_text(OTHER_REGION, encoding="utf-8")
    before = path.read_bytes()
    result = run_cli("check", path, "--annotate")
    page = tmp_path / "情况说明.校验.html"
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert "30%" in html and "31.25" in html
    assert path.read_bytes() == before


def test_annotating_a_docx_narrative_writes_comments_on_a_copy(sample_path, tmp_path):
    source = copy_to(_narrative(sample_path).with_suffix(".docx"), tmp_path)
    before = source.read_bytes()
    result = run_cli("check", source, "--annotate")
    assert result.exit_code == 1, result.output
    copy = source.with_name(source.stem + ".校验.docx")
    comments = [c.text for c in docx.Document(str(copy)).comments]
    assert any("CQW-60" in c or "前后一致" in c for c in comments)
    assert source.read_bytes() == before


def test_a_batch_checks_lone_narratives_and_leaves_a_workbooks_companion_to_it(sample_path, tmp_path):
    folder = tmp_path / "收件"
    folder.mkdir()
    copy_to(sample_path, folder)
    copy_to(_narrative(sample_path), folder)  # the workbook's companion: not a unit of its own
    (folder / "某县文化馆情况说明.txt").write_text(OTHER_REGION, encoding="utf-8")
    out = tmp_path / "结果"
    done = subprocess.run(
        [sys.executable, "-m", "xlplugin", "batch", str(folder), "--out", str(out), "-j", "1", "--annotate"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    summaries = [json.loads(line) for line in (out / "汇总.jsonl").read_text(encoding="utf-8").splitlines()]
    files = {s["file"]: s for s in summaries}
    assert set(files) == {sample_path.name, "某县文化馆情况说明.txt"}
    lone = files["某县文化馆情况说明.txt"]
    assert lone["pack"]["id"] == "builtin" and lone["warnings"] == 1
    assert (out / lone["annotated"]).suffix == ".html"
    report = json.loads((out / lone["report"]).read_text(encoding="utf-8"))
    assert report["mode"] == "narrative"


def test_a_narrative_of_another_year_is_told_the_packs_year(tmp_path):
    path = tmp_path / "情况说明.txt"
    path.write_text("重庆市某区某局2023年度部门决算情况说明\n" + OTHER_REGION.split("\n", 1)[1], encoding="utf-8")
    report = _json(run_cli("check", path, "--format", "json"))
    assert report["pack"]["id"] == "cq-2021"
    assert any("2023 年度" in n and "2021 年度" in n for n in report["pack"]["notices"])


def _without_narrative_sheet(sample_path: Path, target: Path) -> Path:
    """The sample without its 情况说明 sheet: a workbook whose 情况说明 comes as a separate file."""
    workbook = openpyxl.load_workbook(sample_path)
    del workbook["情况说明"]
    workbook.save(target)
    return target


def test_a_workbook_without_its_narrative_sheet_is_checked_with_its_companion(sample_path, tmp_path):
    folder = tmp_path / "收件"
    folder.mkdir()
    workbook = _without_narrative_sheet(sample_path, folder / "某局.xlsx")
    shutil.copyfile(_narrative(sample_path), folder / "某局-情况说明.txt")
    (folder / "某局-函.txt").write_text("关于报送2021年度部门决算的函，共3页。\n", encoding="utf-8")
    (folder / "某局二分局2021年度决算情况说明.txt").write_text(OTHER_REGION, encoding="utf-8")
    report = _json(run_cli("check", workbook, "--format", "json"))
    assert report["summary"]["narrative_numbers"] == 177  # the companion, not the letter
    assert any("情况说明取自同名文件“某局-情况说明.txt”" in n for n in report["pack"]["notices"])
    from xlplugin.doors.batch_files import discover

    # the letter is no narrative; 二分局's narrative is not 某局's (no separator after the name): checked alone
    assert sorted(p.name for p in discover([folder])) == ["某局.xlsx", "某局二分局2021年度决算情况说明.txt"]
    given_one_by_one = discover(sorted(folder.iterdir()))  # a shell's 收件/*: the companion is still the workbook's
    assert "某局-情况说明.txt" not in {p.name for p in given_one_by_one}


def test_an_unreadable_companion_leaves_the_tables_checked(sample_path, tmp_path):
    workbook = _without_narrative_sheet(sample_path, tmp_path / "某局.xlsx")
    (tmp_path / "某局-情况说明.docx").write_bytes(b"not a word document")
    report = _json(run_cli("check", workbook, "--format", "json"))
    assert report["summary"]["errors"] > 0 and report["summary"]["rules_run"] > 0
    assert any("同名的情况说明文件无法读取，只校验了表格" in n for n in report["pack"]["notices"])


def test_a_batch_checks_again_when_only_the_companion_changed(sample_path, tmp_path):
    from xlplugin.doors.batch import run_batch
    from xlplugin.packs.resolve import find_pack

    folder, out = tmp_path / "收件", tmp_path / "结果"
    folder.mkdir()
    _without_narrative_sheet(sample_path, folder / "某局.xlsx")
    companion = folder / "某局-情况说明.txt"
    shutil.copyfile(_narrative(sample_path), companion)
    first = run_batch([folder], out, find_pack(None))
    again = run_batch([folder], out, find_pack(None))
    assert (first.checked, again.skipped) == (1, 1)
    shutil.copyfile(_narrative(sample_path, corrected=True), companion)
    assert run_batch([folder], out, find_pack(None)).checked == 1


def test_the_most_specific_region_named_chooses_the_pack(tmp_path):
    from tests.layout_fit_helpers import install_small_pack

    target = install_small_pack("wansheng-2021")
    manifest = target / "pack.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("region: 重庆市", "region: 重庆市万盛经开区"), encoding="utf-8"
    )
    path = tmp_path / "情况说明.txt"
    path.write_text("重庆市万盛经开区某局2021年度部门决算情况说明\n" + OTHER_REGION.split("\n", 1)[1], encoding="utf-8")
    assert _json(run_cli("check", path, "--format", "json"))["pack"]["id"] == "wansheng-2021"


def test_a_word_97_narrative_is_told_to_save_as_docx(tmp_path):
    path = tmp_path / "情况说明.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    result = run_cli("check", path)
    assert result.exit_code == 2 and "另存为 .docx" in result.output and "Excel" not in result.output
