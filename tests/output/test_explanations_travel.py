"""说明 that travel (#18): a department's 说明 survive clean in a small 校验说明 sheet, come back into
校验结果 when the workbook is checked again (the 校验说明 sheet is replaced, nothing piles up), and are
taken over from an annotated copy that a new ``check --annotate`` overwrites."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from tests.helpers import copy_to, edit_workbook, run_cli
from xlplugin.output.annotate import MANIFEST_SHEET, clean, clean_message
from xlplugin.output.marks import (
    EXPLANATION_HEADINGS,
    EXPLANATIONS_SHEET,
    RESULT_SHEET,
    read_explanations,
)
from xlplugin.workbook.book import Book
from xlplugin.workbook.readers import read_book

HEADER_ROW = 9  # 校验结果: the headings are in row 9, findings below


def annotate_cli(source: Path) -> Path:
    result = run_cli("check", source, "--annotate")
    assert result.exit_code == 1, result.output  # the sample has errors
    target = source.with_name(f"{source.stem}.校验{source.suffix}")
    assert target.exists()
    return target


def type_explanations(path: Path, wanted: dict[str, str]) -> dict[tuple[str, str], str]:
    """Type a 说明 into the 校验结果 row of the first finding of each severity in ``wanted`` (severity →
    text), as a department does in Excel (here: openpyxl, which rewrites the file); return them by
    (rule, location)."""
    typed = {}

    def edit(workbook):
        sheet = workbook[RESULT_SHEET]
        headings = [c.value for c in sheet[HEADER_ROW]]
        severity, rule, where, note = (headings.index(h) + 1 for h in ("级别", "规则", "位置", "说明"))
        for row in range(HEADER_ROW + 1, sheet.max_row + 1):
            level = sheet.cell(row, severity).value
            if level in wanted and level not in {k for k, _ in typed.values()}:
                sheet.cell(row, note).value = wanted[level]
                typed[(sheet.cell(row, rule).value, sheet.cell(row, where).value)] = (level, wanted[level])

    edit_workbook(path, edit)
    assert len(typed) == len(wanted)
    return {key: text for key, (_, text) in typed.items()}


def explanations_sheet_rows(path: Path) -> list[list[str]]:
    sheet = openpyxl.load_workbook(path)[EXPLANATIONS_SHEET]
    rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(rows) if row[:5] == EXPLANATION_HEADINGS)
    return rows[header + 1 :]


NOTES = {"错误": "2080599 已与财政核对，基本支出漏填，将补填。", "警告": "科目名称按财政下达的文件填写。"}


def test_clean_keeps_the_explanations_in_a_small_sheet(tmp_path, sample_path):
    source = copy_to(sample_path, tmp_path, "单位.xlsx")
    annotated = annotate_cli(source)
    typed = type_explanations(annotated, NOTES)

    done = clean(annotated, tmp_path / "送财政局.xlsx")
    assert (done.explanations, done.kept) == ("written", 2)
    assert "2 条说明保留在“校验说明”表中" in clean_message(done)
    workbook = openpyxl.load_workbook(done.path)
    original = openpyxl.load_workbook(source)
    assert workbook.sheetnames == original.sheetnames + [EXPLANATIONS_SHEET]
    assert workbook[EXPLANATIONS_SHEET].sheet_state == "visible"
    rows = explanations_sheet_rows(done.path)
    assert {(r[0], r[1]): r[4] for r in rows} == typed
    assert all(r[2] and r[3] for r in rows)  # 表 and 问题 say which finding it was
    # the marks are gone; what the bureau reads is the 说明
    assert not any(c.comment is not None for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row)
    assert read_explanations(read_book(done.path)) == typed


def test_clean_through_the_command_line_keeps_them_too(tmp_path, sample_path):
    annotated = annotate_cli(copy_to(sample_path, tmp_path, "单位.xlsx"))
    typed = type_explanations(annotated, {"警告": "已按文件填写。"})
    result = run_cli("clean", annotated, "-o", tmp_path / "c.xlsx")
    assert result.exit_code == 0, result.output
    assert "1 条说明保留在“校验说明”表中" in result.output
    assert read_explanations(read_book(tmp_path / "c.xlsx")) == typed

    dropped = run_cli("clean", annotated, "-o", tmp_path / "d.xlsx", "--drop-explanations")
    assert dropped.exit_code == 0 and "说明" not in dropped.output, dropped.output
    assert read_explanations(read_book(tmp_path / "d.xlsx")) == {}
    assert EXPLANATIONS_SHEET not in openpyxl.load_workbook(tmp_path / "d.xlsx").sheetnames


def test_drop_explanations_removes_them(tmp_path, sample_path):
    source = copy_to(sample_path, tmp_path, "单位.xlsx")
    annotated = annotate_cli(source)
    type_explanations(annotated, NOTES)
    done = clean(annotated, tmp_path / "c.xlsx", keep_explanations=False)
    assert done.explanations == "" and clean_message(done).startswith("已清除标注：")
    assert openpyxl.load_workbook(done.path).sheetnames == openpyxl.load_workbook(source).sheetnames
    assert read_explanations(read_book(done.path)) == {}


def test_no_explanations_no_sheet(tmp_path, sample_path):
    source = copy_to(sample_path, tmp_path, "单位.xlsx")
    done = clean(annotate_cli(source), tmp_path / "c.xlsx")
    assert done.explanations == "" and "说明" not in clean_message(done)
    assert openpyxl.load_workbook(done.path).sheetnames == openpyxl.load_workbook(source).sheetnames


def test_checking_again_carries_them_back_and_replaces_the_sheet(tmp_path, sample_path):
    source = copy_to(sample_path, tmp_path, "单位.xlsx")
    typed = type_explanations(annotate_cli(source), NOTES)
    submitted = clean(source.with_name("单位.校验.xlsx"), tmp_path / "报送.xlsx").path

    again = annotate_cli(submitted)
    workbook = openpyxl.load_workbook(again)
    original = openpyxl.load_workbook(source).sheetnames
    assert workbook.sheetnames == original + [RESULT_SHEET, MANIFEST_SHEET]  # 校验说明 replaced, not piled up
    assert read_explanations(read_book(again)) == typed

    # and round again: clean, check, clean — still one sheet of 说明, the same 说明
    second = clean(again, tmp_path / "报送2.xlsx").path
    assert openpyxl.load_workbook(second).sheetnames == original + [EXPLANATIONS_SHEET]
    assert read_explanations(read_book(second)) == typed


def test_clean_leaves_a_submission_alone_unless_told(tmp_path, sample_path):
    source = copy_to(sample_path, tmp_path, "单位.xlsx")
    typed = type_explanations(annotate_cli(source), NOTES)
    submitted = clean(source.with_name("单位.校验.xlsx"), tmp_path / "报送.xlsx").path

    kept = clean(submitted, tmp_path / "再清除.xlsx")
    assert (kept.explanations, kept.kept) == ("kept", 2) and "单位报送的内容，保留" in clean_message(kept)
    assert read_explanations(read_book(kept.path)) == typed

    dropped = clean(submitted, tmp_path / "删除说明.xlsx", keep_explanations=False)
    assert dropped.explanations == "dropped" and "已删除“校验说明”表" in clean_message(dropped)
    assert openpyxl.load_workbook(dropped.path).sheetnames == openpyxl.load_workbook(source).sheetnames


def test_a_sheet_of_the_departments_own_called_like_ours_is_never_touched(tmp_path, sample_path):
    def own_sheet(workbook):
        sheet = workbook.create_sheet(EXPLANATIONS_SHEET)
        sheet["A1"] = "本单位的编制说明"
        sheet["A2"] = "决算数据经党组会审议。"

    source = edit_workbook(copy_to(sample_path, tmp_path, "单位.xlsx"), own_sheet)
    typed = type_explanations(annotate_cli(source), {"错误": "已核对。"})
    done = clean(source.with_name("单位.校验.xlsx"), tmp_path / "c.xlsx")
    workbook = openpyxl.load_workbook(done.path)
    ours = f"{EXPLANATIONS_SHEET}（xlplugin）"
    assert workbook.sheetnames[-2:] == [EXPLANATIONS_SHEET, ours]
    assert workbook[EXPLANATIONS_SHEET]["A2"].value == "决算数据经党组会审议。"
    assert read_explanations(read_book(done.path)) == typed

    again = annotate_cli(done.path)  # ours is replaced by 校验结果, theirs stays
    names = openpyxl.load_workbook(again).sheetnames
    assert EXPLANATIONS_SHEET in names and ours not in names
    assert read_explanations(read_book(again)) == typed


def test_the_result_sheet_wins_over_the_explanations_sheet():
    headings = ["序号", "级别", "规则", "规则名称", "表", "位置", "问题", "应为", "实际", "差额", "说明", "建议值"]
    result = (
        [[RESULT_SHEET]] + [[]] * 7 + [headings, [1, "错误", "CQ03-01", "", "", "公开03表!C22", "", "", "", "", ""]]
    )
    explanations = [[EXPLANATIONS_SHEET], ["…"], EXPLANATION_HEADINGS, ["CQ03-01", "公开03表!C22", "", "", "旧说明"]]
    both = Book.from_grids({RESULT_SHEET: result, EXPLANATIONS_SHEET: explanations})
    assert read_explanations(both) == {}  # struck out in 校验结果: it does not come back
    only = Book.from_grids({EXPLANATIONS_SHEET: explanations})
    assert read_explanations(only) == {("CQ03-01", "公开03表!C22"): "旧说明"}


# ---------------------------------------------------------------------------------------------
# An annotated copy about to be overwritten


def test_annotating_again_keeps_the_explanations_typed_into_the_copy(tmp_path, sample_path):
    source = copy_to(sample_path, tmp_path, "单位.xlsx")
    annotated = annotate_cli(source)
    typed = type_explanations(annotated, NOTES)

    result = run_cli("check", source, "--annotate")  # the department checks again after a fix
    assert result.exit_code == 1, result.output
    assert "沿用了被替换的副本中单位写的 2 条说明" in result.output
    assert read_explanations(read_book(annotated)) == typed
    assert openpyxl.load_workbook(annotated).sheetnames.count(RESULT_SHEET) == 1


def test_a_copy_that_cannot_be_read_is_not_overwritten(tmp_path, sample_path):
    source = copy_to(sample_path, tmp_path, "单位.xlsx")
    copy = source.with_name("单位.校验.xlsx")
    copy.write_bytes(b"PK\x03\x04 not really a workbook")
    result = run_cli("check", source, "--annotate")
    assert result.exit_code == 2, result.output
    assert "无法读取" in result.output and "没有覆盖它" in result.output and "Traceback" not in result.output
    assert copy.read_bytes() == b"PK\x03\x04 not really a workbook"
