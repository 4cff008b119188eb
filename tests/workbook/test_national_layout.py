"""The national 9-table layout, located in workbooks laid out as such tables are printed (see
national_book.py): merged 合计 in the code column, split codes, a one-row “三公” table without row
labels, header variants, totals at the top or the bottom, a header line that is also a data line;
the code ↔ label fallbacks; a table whose header does not match is not found on its own."""

from decimal import Decimal

import openpyxl
import pytest

from tests.helpers import find_cell
from tests.workbook.national_book import build, national_layout
from xlplugin.workbook.locate import locate_book
from xlplugin.workbook.readers import read_book

VARIANTS = [
    {},
    {"01": "one-line-header", "05": "total-at-bottom", "06": "one-cell-codes", "07": "运行维护费"},
]


def locate(path, engine="calamine"):
    return locate_book(read_book(path, engine=engine), national_layout())


def amount(table, row, column, block=None):
    value = table.value(row, column, block)
    return value.amount.value if value.amount is not None else None


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
@pytest.mark.parametrize("variant", VARIANTS, ids=["as-printed", "variants"])
def test_every_table_is_located_with_no_reading_problem(tmp_path, engine, variant):
    located = locate(build(tmp_path / "national.xlsx", variant), engine)
    assert located.not_found == {}
    assert [(p.code, p.table, p.cell) for p in located.problems] == []
    layout = national_layout()
    for spec in layout.tables:
        table = located.tables[spec.id]
        for block in spec.blocks:
            assert located.tables[spec.id].blocks[block.id].missing == [], (spec.id, block.id)
        assert table.row_count > 0


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    return locate(build(tmp_path_factory.mktemp("national") / "national.xlsx"))


def test_total_label_in_the_code_cell_merged_over_code_and_name(national):
    for table_id, column in (("公开02表", "本年收入合计"), ("公开03表", "本年支出合计"), ("公开05表", "合计")):
        table = national.tables[table_id]
        assert amount(table, "合计", column) == Decimal("300.00"), table_id
        total = table.find_row("合计")[1]
        assert total.label == "合计" and total.code is None


def test_total_at_the_top_and_at_the_bottom(tmp_path, national):
    assert [r.key for _, r in national.tables["公开05表"].iter_rows()][0] == "合计"
    assert [r.key for _, r in national.tables["公开09表"].iter_rows()][-1] == "合计"
    bottom = locate(build(tmp_path / "bottom.xlsx", {"05": "total-at-bottom"}))
    table = bottom.tables["公开05表"]
    assert [r.key for _, r in table.iter_rows()][-1] == "合计"
    assert amount(table, "合计", "基本支出") == Decimal("250.00")


def test_codes_split_over_kind_section_item_columns(national):
    expected = ["合计", "201", "20103", "2010301", "208", "20805", "2080505"]
    # 02: one 科目编码 header cell merged over 类|款|项, every part printed
    assert [r.key for _, r in national.tables["公开02表"].iter_rows()] == expected
    # 05: three role: code columns; a 款/项 line prints only its own part (5 stored as a number)
    table = national.tables["公开05表"]
    assert [r.key for _, r in table.iter_rows()] == expected
    assert table.find_row("2080505")[1].label == "机关事业单位基本养老保险缴费支出"
    assert table.blocks["支出"].code_columns == (0, 1, 2)


@pytest.mark.parametrize("variant", [{}, {"06": "one-cell-codes"}], ids=["301|01", "30101"])
def test_economic_codes_split_as_class_and_section(tmp_path, variant):
    table = locate(build(tmp_path / "06.xlsx", variant)).tables["公开06表"]
    staff = table.blocks["人员经费"]
    assert [r.key for r in staff.rows][:3] == ["301", "30101", "30102"]
    assert staff.missing == []
    assert table.cells["人员经费合计"].amount.value == Decimal("27.00")
    assert table.cells["公用经费合计"].amount.value == Decimal("61.00")
    assert amount(table, "30101", "决算数") == Decimal("1.00")


def test_one_row_table_without_row_labels_is_read_by_position(national):
    table = national.tables["公开07表"]
    assert amount(table, "三公经费", "合计", "决算数") == Decimal("10.50")
    assert amount(table, "三公经费", "公务用车运行费", "预算数") == Decimal("3.00")
    row = table.blocks["决算数"].rows[0]
    assert row.label_matches_layout and row.sheet_row == table.body_rows[0]


def test_header_alternatives_given_as_paths(tmp_path):
    located = locate(build(tmp_path / "v.xlsx", {"01": "one-line-header", "07": "运行维护费"}))
    total = located.tables["公开01表"]
    assert amount(total, "一般公共预算财政拨款收入", "决算数") == Decimal("100.00")
    assert amount(total, "201", "决算数") == Decimal("10.00")
    assert amount(located.tables["公开07表"], "三公经费", "公务用车购置及运行费", "决算数") == Decimal("7.00")


def test_header_line_that_is_also_a_data_line(national):
    table = national.tables["公开04表"]
    income, spending = table.blocks["收入"], table.blocks["支出"]
    first = income.rows[0]
    assert first.key == "一般公共预算财政拨款" and amount(table, first.key, "决算数", "收入") == Decimal("50.00")
    assert first.sheet_row < spending.rows[0].sheet_row
    assert income.missing == [] and spending.missing == []


def _edit(path, sheet_name, edit):
    workbook = openpyxl.load_workbook(path)
    edit(workbook[sheet_name])
    workbook.save(path)
    return path


def test_code_falls_back_to_label_when_the_code_does_not_match(tmp_path):
    def garble(sheet):
        cell = find_cell(sheet, "基本工资")  # its code cells: "301" | "01"
        sheet.cell(cell.row, cell.column - 1).value = "0l"  # a typo'd code
        cell = find_cell(sheet, "津贴补贴")
        sheet.cell(cell.row, cell.column - 2).value = None
        sheet.cell(cell.row, cell.column - 1).value = None

    path = _edit(build(tmp_path / "n.xlsx"), "6基本支出决算明细表", garble)
    located = locate(path)
    staff = located.tables["公开06表"].blocks["人员经费"]
    assert staff.missing == []
    assert staff.row("30101").label == "基本工资" and staff.row("30102").label == "津贴补贴"
    assert [p for p in located.problems if p.table == "公开06表"] == []


def test_label_falls_back_to_a_code_printed_before_the_name(tmp_path):
    def recode(sheet):
        find_cell(sheet, "八、社会保障和就业支出").value = "208 社保就业"  # reworded, but coded

    path = _edit(build(tmp_path / "n.xlsx"), "1收入支出决算总表", recode)
    table = locate(path).tables["公开01表"]
    assert table.blocks["支出"].missing == []
    assert table.find_row("208", "支出")[1].sheet_row == find_row_of(path, "1收入支出决算总表", "208 社保就业")


def find_row_of(path, sheet_name, text):
    return find_cell(openpyxl.load_workbook(path)[sheet_name], text).row - 1


def test_keyed_row_with_the_code_in_front_of_its_name(tmp_path):
    def merge_code_and_name(sheet):
        cell = find_cell(sheet, "行政运行")
        sheet.cell(cell.row, cell.column - 1).value = None
        cell.value = "2010301 行政运行"

    path = _edit(build(tmp_path / "n.xlsx"), "3支出决算表", merge_code_and_name)
    located = locate(path)
    row = located.tables["公开03表"].find_row("2010301")[1]
    assert row.label == "行政运行" and row.code == "2010301"
    assert [p for p in located.problems if p.table == "公开03表"] == []


def test_a_table_whose_header_does_not_match_is_not_found_alone(tmp_path):
    path = _edit(
        build(tmp_path / "n.xlsx"), "5一般公共预算财政拨款支出决算表", lambda s: _rename(s, "基本支出", "人员公用")
    )
    located = locate(path)
    assert list(located.not_found) == ["公开05表"]
    assert located.not_found["公开05表"].code == "header-not-found"
    assert "基本支出" in located.not_found["公开05表"].message
    assert len(located.tables) == 8 and located.problems == []


def _rename(sheet, old, new):
    find_cell(sheet, old).value = new


def test_blank_national_template_locates_with_no_reading_problem(tmp_path):
    from xlplugin.output.template import write_workbook

    layout = national_layout()
    path = write_workbook(layout, tmp_path / "blank.xlsx")
    located = locate_book(read_book(path), layout)
    assert located.not_found == {} and located.problems == []
    # 公开09表 prints its 合计 last (total_at: bottom): the template draws it there, after the blank rows
    sheet = openpyxl.load_workbook(path)["公开09表"]
    body = find_cell(sheet, "科目编码").row + 1
    totals = [cell.row for row in sheet.iter_rows(min_row=body) for cell in row if cell.value == "合计"]
    assert totals == [body + layout.table("公开09表").blocks[0].template_rows]
    assert located.tables["公开07表"].value("三公经费", "合计", "决算数").status == "blank"
