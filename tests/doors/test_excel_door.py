"""The Excel door against the file door: same findings, same marks, same clean-up.

There is no Excel here, so the door runs against ``tests/xlwings_standin.py``, a stand-in of exactly
the xlwings objects it uses; the file door runs for real (``xlplugin check --annotate-to``) and its
annotated copy is read back with openpyxl.
"""

from __future__ import annotations

import json
import shutil

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.comments import Comment

from tests.xlwings_standin import Book
from xlplugin.doors import excel
from xlplugin.doors.cli import cli
from xlplugin.output.annotate import MANIFEST_SHEET
from xlplugin.output.marks import RESULT_SHEET, SEPARATOR

OUR_SHEETS = {RESULT_SHEET, f"{RESULT_SHEET}（xlplugin）", MANIFEST_SHEET, excel.STATE_SHEET}


def file_door(path, tmp_path):
    """Findings (JSON) and the annotated copy's comments and fills, as the CLI leaves them."""
    report, annotated = tmp_path / "report.json", tmp_path / "annotated.xlsx"
    result = CliRunner().invoke(
        cli, ["check", str(path), "--format", "json", "-o", str(report), "--annotate-to", str(annotated)]
    )
    assert result.exit_code in (0, 1), result.output
    workbook = openpyxl.load_workbook(annotated)
    notes, fills = {}, {}
    for sheet in workbook.worksheets:
        if sheet.title in OUR_SHEETS:
            continue
        for row in sheet.iter_rows():
            for cell in row:
                if cell.comment is not None:
                    notes[(sheet.title, cell.coordinate)] = cell.comment.text
                if cell.fill.fill_type == "solid" and isinstance(cell.fill.fgColor.rgb, str):
                    fills[(sheet.title, cell.coordinate)] = cell.fill.fgColor.rgb[-6:]
    return json.loads(report.read_text(encoding="utf-8"))["findings"], notes, fills


def excel_door(path):
    book = Book.open(path)
    report = excel.validate(book)
    assert report is not None, book.app.alerts
    notes = {key: text for key, text in book.notes().items() if key[0] not in OUR_SHEETS}
    fills = {key: rgb for key, rgb in book.fills().items() if key[0] not in OUR_SHEETS}
    return book, report, notes, fills


@pytest.fixture
def commented_sample(sample_path, tmp_path):
    """The sample with a department's own comment and fill on a cell that gets a finding."""
    copy = tmp_path / "带批注.xlsx"
    shutil.copy(sample_path, copy)
    workbook = openpyxl.load_workbook(copy)
    sheet = workbook["公开03表"]
    sheet["C22"].comment = Comment("财务科：此数已与总账核对", "张会计")
    workbook.save(copy)
    return copy


@pytest.mark.parametrize("which", ["sample_path", "corrected_path", "commented_sample"])
def test_both_doors_give_identical_findings_and_equivalent_marks(which, request, tmp_path):
    path = request.getfixturevalue(which)
    findings, file_notes, file_fills = file_door(path, tmp_path)
    book, report, notes, fills = excel_door(path)
    assert [f.as_dict() for f in report.findings] == findings
    assert notes == file_notes
    assert fills == file_fills
    assert book.app.alerts[-1][1] == "xlplugin 校验完成"
    assert f"结论：{report.verdict}" in book.app.alerts[-1][0]


def test_a_departments_own_note_is_kept_above_ours(commented_sample):
    book, report, notes, _ = excel_door(commented_sample)
    assert any(f.sheet == "公开03表" and f.cell == "C22" for f in report.findings), (
        "the sample has an error on 公开03表!C22"
    )
    mine, _, ours = notes[("公开03表", "C22")].partition(f"\n\n{SEPARATOR}\n")
    assert mine == "财务科：此数已与总账核对" and ours.startswith("xlplugin 校验：")
    excel.clear(book)
    assert book.notes()[("公开03表", "C22")] == "财务科：此数已与总账核对"


def test_the_sample_is_marked_and_listed(sample_path):
    book, report, notes, fills = excel_door(sample_path)
    assert report.count("错误") == 13 and not report.valid
    result = book.sheets[RESULT_SHEET]
    rows = result.used_range.options(ndim=2).value
    assert rows[0][0] == "校验结果" and rows[1][:2] == ["结论", report.verdict]
    header = next(i for i, row in enumerate(rows) if row[0] == "序号")
    listed = rows[header + 1 : header + 1 + len(report.findings)]
    assert [row[1] for row in listed] == sorted(
        (f.severity for f in report.findings), key=["错误", "警告", "提示"].index
    )
    first = listed[0]
    assert first[5] == next(
        f"{f.sheet}!{f.cell}" for f in report.findings if f.severity == "错误" and f.rule == first[2] and f.cell
    )
    assert not book.sheets[excel.STATE_SHEET].visible


def test_rerunning_replaces_our_marks_and_keeps_the_explanations(sample_path):
    book = Book.open(sample_path)
    excel.validate(book)
    first_notes, first_fills, sheets = book.notes(), book.fills(), [s.name for s in book.sheets]
    result = book.sheets[RESULT_SHEET]
    rows = result.used_range.options(ndim=2).value
    header = next(i for i, row in enumerate(rows) if row[0] == "序号")
    result.range((header + 2, 11)).value = "已与财政局确认，属四舍五入差异"
    rule, location = rows[header + 1][2], rows[header + 1][5]

    excel.validate(book)

    assert [s.name for s in book.sheets] == sheets
    assert {k: v for k, v in book.notes().items() if k[0] != RESULT_SHEET} == {
        k: v for k, v in first_notes.items() if k[0] != RESULT_SHEET
    }
    assert {k: v for k, v in book.fills().items() if k[0] not in OUR_SHEETS} == {
        k: v for k, v in first_fills.items() if k[0] not in OUR_SHEETS
    }
    rows = book.sheets[RESULT_SHEET].used_range.options(ndim=2).value
    again = next(row for row in rows[header + 1 :] if row[2] == rule and row[5] == location)
    assert again[10] == "已与财政局确认，属四舍五入差异"


def test_clear_restores_the_original_look(sample_path):
    book = Book.open(sample_path)
    before = (book.notes(), book.fills(), [s.name for s in book.sheets])
    excel.validate(book)
    restored = excel.clear(book)
    assert restored > 0
    assert (book.notes(), book.fills(), [s.name for s in book.sheets]) == before
    assert book.app.alerts[-1] == (f"已清除 {restored} 个单元格的标注和“{RESULT_SHEET}”表。", "xlplugin 清除标注")
    assert excel.clear(book) == 0  # nothing of ours left


def test_marks_are_written_in_bulk(sample_path):
    book = Book.open(sample_path)
    report = excel.validate(book)
    sheets = len(book.sheets)
    marked = len({(f.sheet, f.cell) for f in report.findings if f.cell})
    assert book.calls["read"] <= sheets + 2  # one read per sheet, plus our own state
    assert book.calls["write"] == 2  # the result sheet and the state sheet, each in one call
    assert book.calls["color"] <= 3 * sheets + 5  # per sheet and severity, not per cell
    assert marked > book.calls["color"]


def test_a_workbook_of_no_known_template_gets_a_message_not_a_traceback():
    book = Book("随便.xlsx")
    sheet = book.sheets.add("Sheet1")
    sheet.range("A1").value = [["名称", "金额"], ["办公费", 12]]
    assert excel.validate(book) is None
    message, title = book.app.alerts[-1]
    assert title == "xlplugin 无法校验" and "规则包" in message and "Traceback" not in message
    assert [s.name for s in book.sheets] == ["Sheet1"]


def test_a_missing_pack_is_named_in_the_message(sample_path):
    book = Book.open(sample_path)
    assert excel.validate(book, pack="no-such-pack") is None
    assert "找不到规则包“no-such-pack”" in book.app.alerts[-1][0]
    assert RESULT_SHEET not in [s.name for s in book.sheets]


def test_the_pack_comes_from_env_then_the_config_sheet_then_the_user_file(sample_path, monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv(excel.CONFIG_KEY, raising=False)
    book = Book.open(sample_path)
    assert excel.pack_spec(book) is None
    (tmp_path / ".xlwings").mkdir()
    (tmp_path / ".xlwings" / "xlwings.conf").write_text(
        '"INTERPRETER","python"\n"XLPLUGIN_PACK","cq-2021@1.2.0"\n', encoding="utf-8"
    )
    assert excel.pack_spec(book) == "cq-2021@1.2.0"
    conf = book.sheets.add(excel.CONFIG_SHEET, after=book.sheets[len(book.sheets) - 1])
    conf.range("A1").value = [["XLPLUGIN_PACK", "rules/chongqing-2021"]]
    assert excel.pack_spec(book) == "rules/chongqing-2021"
    monkeypatch.setenv(excel.CONFIG_KEY, "cq-2021")
    assert excel.pack_spec(book) == "cq-2021"
    assert excel.validate(book) is not None


def test_the_used_range_need_not_start_at_a1():
    book = Book("偏移.xlsx")
    sheet = book.sheets.add("表")
    sheet.range("C4").value = [["a", 1], [None, 2.5]]
    model = excel.read_book(book)
    assert model.sheets[0].rows[3][2:] == ["a", 1] and model.sheets[0].rows[4][2:] == [None, 2.5]
    assert model.sheets[0].rows[0] == [None] * 4


def test_a_departments_own_result_sheet_is_left_alone(sample_path):
    book = Book.open(sample_path)
    theirs = book.sheets.add(RESULT_SHEET, after=book.sheets[len(book.sheets) - 1])
    theirs.range("A1").value = [["本单位自查记录"], ["已核对"]]
    excel.validate(book)
    names = [s.name for s in book.sheets]
    assert RESULT_SHEET in names and f"{RESULT_SHEET}（xlplugin）" in names
    assert book.sheets[RESULT_SHEET].range("A1:A2").value == ["本单位自查记录", "已核对"]
    assert book.sheets[f"{RESULT_SHEET}（xlplugin）"].range("A1").value == "校验结果"
    excel.validate(book)  # again: still one sheet of ours
    assert [s.name for s in book.sheets] == names
    excel.clear(book)
    assert book.sheets[RESULT_SHEET].range("A1:A2").value == ["本单位自查记录", "已核对"]
    assert f"{RESULT_SHEET}（xlplugin）" not in [s.name for s in book.sheets]


def test_our_result_sheet_is_recognised_even_without_its_state(sample_path):
    book = Book.open(sample_path)
    excel.validate(book)
    book.sheets[excel.STATE_SHEET].delete()  # someone unhid and deleted it
    excel.validate(book)
    assert [s.name for s in book.sheets].count(RESULT_SHEET) == 1
    assert f"{RESULT_SHEET}（xlplugin）" not in [s.name for s in book.sheets]
