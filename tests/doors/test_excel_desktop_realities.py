"""What real desktop Excel does that a naive door trips over, modelled by the stand-in
(``tests/xlwings_standin.py``): an xlwings too old for notes, Currency cells as four-place
``Decimal``, error cells as ``None``, a Mac's multi-area refusal and invisible empty notes, and
Excel turning numeric-looking text into numbers on the way in."""

from __future__ import annotations

import openpyxl
import pytest

from tests.xlwings_standin import Book
from xlplugin.doors import excel
from xlplugin.output.marks import RESULT_SHEET

MAC = excel.Desktop(mac=True)


def snapshot(book: Book):
    return book.notes(), book.fills(), [s.name for s in book.sheets]


def test_an_xlwings_too_old_for_notes_is_refused_before_anything_is_written(sample_path, monkeypatch):
    import xlwings

    monkeypatch.setattr(xlwings, "__version__", "0.33.15")
    book = Book.open(sample_path, xlwings_version=(0, 33, 15))
    before = snapshot(book)
    assert excel.validate(book) is None
    message, title = book.app.alerts[-1]
    assert title == "xlplugin 无法校验" and "0.33.15" in message and 'pip install -U "xlwings>=0.37' in message
    assert snapshot(book) == before
    assert not {"write", "color", "note", "sheet", "format"} & set(book.calls)  # not one write


def test_currency_cells_read_as_decimals_give_the_same_findings_and_notes(sample_path, tmp_path):
    plain = Book.open(sample_path)
    report = excel.validate(plain)
    workbook = openpyxl.load_workbook(sample_path)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, float):
                    cell.number_format = "¥#,##0.00"
    currency = tmp_path / "货币格式.xlsx"
    workbook.save(currency)
    book = Book.open(currency)
    assert book.sheets["公开05表"].currency  # the stand-in hands these over as Decimal('…0000')
    assert excel.validate(book).findings == report.findings
    assert book.notes() == plain.notes()
    assert not any("0000" in text for text in book.notes().values())


def test_error_cells_are_reported_as_unreadable_not_read_as_blank(sample_path, tmp_path):
    workbook = openpyxl.load_workbook(sample_path)
    sheet = workbook["公开05表"]
    target = next(c for row in sheet.iter_rows(min_row=8) for c in row if isinstance(c.value, float))
    target.value = "#DIV/0!"
    target.data_type = "e"
    broken = tmp_path / "错误值.xlsx"
    workbook.save(broken)
    report = excel.validate(Book.open(broken))
    flagged = [f for f in report.findings if f.sheet == "公开05表" and f.cell == target.coordinate]
    assert any(f.rule.startswith("READ.") for f in flagged), [(f.rule, f.message) for f in flagged]


def test_on_a_mac_every_rectangle_is_painted_by_itself_and_the_run_matches_windows(sample_path):
    windows, mac = Book.open(sample_path), Book.open(sample_path, platform="mac")
    assert excel.validate(windows) is not None
    assert excel.validate(mac, surface=MAC) is not None, mac.app.alerts
    assert (mac.notes(), mac.fills()) == (windows.notes(), windows.fills())
    assert excel.clear(mac, surface=MAC) > 0
    assert snapshot(mac) == snapshot(Book.open(sample_path, platform="mac"))


def test_on_a_mac_a_departments_empty_note_is_left_alone(sample_path):
    book = Book.open(sample_path, platform="mac")
    report = excel.validate(Book.open(sample_path))
    first = next(f for f in report.findings if f.cell and f.sheet.startswith("公开") and not f.rounding)
    sheet = book.sheets[first.sheet]
    from tests.xlwings_standin import Note, _cell

    key = _cell(first.cell)
    sheet._notes[key] = Note(sheet, key, "")  # typed and emptied again: the Mac reads it as no note
    assert excel.validate(book, surface=MAC) is not None, book.app.alerts
    assert sheet._notes[key]._text == ""  # not overwritten, no failed run
    assert book.fills()[first.sheet, first.cell]  # the cell is still coloured
    excel.clear(book, surface=MAC)
    assert sheet._notes[key]._text == ""


def test_a_sheet_named_like_a_number_is_rerun_and_cleared_without_stacking(sample_path):
    book = Book.open(sample_path)
    book.sheets["公开05表"].name = "3"
    before = snapshot(book)
    excel.validate(book, pack="cq-2021")
    once = book.notes()
    excel.validate(book, pack="cq-2021")
    assert book.notes() == once  # our note replaced, not stacked twice
    state = book.sheets[excel.STATE_SHEET]
    assert any(state.values.get((r, 1)) == "3" for r in range(1, 500))  # stored as text, not 3.0
    excel.clear(book)
    assert snapshot(book) == before


def test_screen_updating_and_calculation_are_off_while_writing_and_restored(sample_path):
    book = Book.open(sample_path)
    book.app.calculation = "semiautomatic"
    book.app.history.clear()
    excel.validate(book)
    assert book.app.history[:2] == [("screen_updating", False), ("calculation", "manual")]
    assert book.app.history[-2:] == [("screen_updating", True), ("calculation", "semiautomatic")]
    assert book.app.screen_updating is True and book.app.calculation == "semiautomatic"


@pytest.mark.parametrize("platform", ["win", "mac"])
def test_a_rerun_reads_no_fill_it_painted_itself(sample_path, platform):
    """The state records the fill each cell was given: a re-run reads notes, not fills."""
    book = Book.open(sample_path, platform=platform)
    surface = excel.Desktop(mac=platform == "mac")
    excel.validate(book, surface=surface)
    book.calls.clear()
    excel.validate(book, surface=surface)
    assert book.calls["color-read"] == 0
    assert RESULT_SHEET in [s.name for s in book.sheets]


def test_the_buttons_clear_a_copy_annotated_by_the_command_line(sample_path, tmp_path):
    """A copy a bureau sends back from ``batch --annotate``: 清除标注 restores every fill and note
    and removes the 校验结果 and the file door's hidden record."""
    from tests.helpers import run_cli

    annotated = tmp_path / "样例.校验.xlsx"
    assert run_cli("check", sample_path, "--annotate-to", annotated).exit_code == 1
    book = Book.open(annotated)
    assert RESULT_SHEET in [s.name for s in book.sheets] and "_xlplugin" in [s.name for s in book.sheets]
    restored = excel.clear(book)
    assert restored == 27 and "已清除" in book.app.alerts[-1][0]
    assert snapshot(book) == snapshot(Book.open(sample_path))
    again = Book.open(annotated)  # and 校验 on such a copy replaces the file door's marks
    excel.validate(again)
    assert "_xlplugin" not in [s.name for s in again.sheets]
    assert [s.name for s in again.sheets].count(RESULT_SHEET) == 1
    excel.clear(again)
    assert snapshot(again) == snapshot(Book.open(sample_path))


def test_a_stray_value_far_out_is_not_read_and_is_said(sample_path):
    """Excel's used range reaches any formatted or stray cell (row 1,048,576 at worst): the door reads
    only A1:CV20000, as the file door does, and says what it left out."""
    book = Book.open(sample_path)
    book.sheets["公开05表"].set((600_000, 300), "误输入")
    book.calls.clear()
    report = excel.validate(book)
    notes = [f for f in report.findings if f.rule == "READ.far-cell"]
    assert [(f.sheet, f.cell) for f in notes] == [("公开05表", "KN600000")]
    assert "没有读取" in notes[0].message
    assert book.calls["read"] <= len(book.sheets) + 2


def test_clearing_keeps_the_departments_explanations_and_checking_brings_them_back(sample_path):
    """清除标注 leaves the findings the department explained in a 校验说明 sheet (what travels to the
    bureau, as ``xlplugin clean`` leaves it); 校验 reads them back into 校验结果 and removes it."""
    from xlplugin.output.marks import EXPLANATIONS_SHEET, HEADINGS

    book = Book.open(sample_path)
    excel.validate(book)
    result = book.sheets[RESULT_SHEET]
    header = next(r for r in range(1, 20) if result.values.get((r, 1)) == HEADINGS[0])
    explain = HEADINGS.index("说明") + 1
    result.values[(header + 1, explain)] = "职业年金按财政局口径列支"
    result.values[(header + 2, explain)] = "3"  # a 说明 that looks like a number stays text
    excel.clear(book)
    assert "2 条说明保留在“校验说明”表中" in book.app.alerts[-1][0]
    kept = book.sheets[EXPLANATIONS_SHEET]
    assert kept.values[(1, 1)] == EXPLANATIONS_SHEET and kept.values[(3, 5)] == "说明"
    assert [kept.values[(r, 5)] for r in (4, 5)] == ["职业年金按财政局口径列支", "3"]
    assert book.notes() == Book.open(sample_path).notes()  # every mark of ours is gone
    excel.validate(book)
    assert EXPLANATIONS_SHEET not in [s.name for s in book.sheets]
    texts = [book.sheets[RESULT_SHEET].values.get((r, explain)) for r in range(header + 1, header + 3)]
    assert texts == ["职业年金按财政局口径列支", "3"]


def test_the_command_line_cleans_a_workbook_marked_by_the_button(sample_path, tmp_path):
    """The reverse: a workbook marked in Excel and saved, cleaned by ``xlplugin clean`` — every fill
    the button gave back to the original, our notes and sheets (the hidden record too) gone."""
    from tests.helpers import run_cli

    book = Book.open(sample_path)
    excel.validate(book)
    marked = tmp_path / "按钮标注后保存.xlsx"
    book.save_as(sample_path, marked)
    result = run_cli("clean", marked, "-o", tmp_path / "已清除.xlsx")
    assert result.exit_code == 0 and "恢复 27 个单元格的底色" in result.output
    cleaned, original = Book.open(tmp_path / "已清除.xlsx"), Book.open(sample_path)
    assert snapshot(cleaned) == snapshot(original)
