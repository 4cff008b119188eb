"""The reader locates every table of the committed workbooks and reads every value exactly as
published; it keeps doing so when rows are inserted, sheets reordered or renamed, headers shifted or
respelled."""

import subprocess
import sys
from decimal import Decimal

import pytest

from tests.helpers import copy_to, edit_workbook, find_cell, insert_rows
from xlplugin.core.amounts import is_dash, parse_number
from xlplugin.workbook.book import Book
from xlplugin.workbook.locate import locate_book
from xlplugin.workbook.readers import read_book


def assert_matches_source(located, layout, source):
    """Every located value equals the transcription, and every printed number was located."""
    covered = {}
    for spec in layout.tables:
        table = located.tables[spec.id]
        body = source.bodies[spec.id]
        first = table.body_rows[0]
        assert table.meta["department"] == source.department
        assert table.meta["year"] == str(source.year)
        for block, row in table.iter_rows():
            line = body[row.sheet_row - first]
            offset = spec.column_offset(block.spec.id)
            for index, column in enumerate(block.spec.columns):
                text = line[offset + index]
                covered[(spec.id, row.sheet_row - first, offset + index)] = True
                if column.role == "value":
                    value = row.values[column.id]
                    expected = None if is_dash(text) else parse_number(text)
                    assert (value.amount.value if value.amount else None) == (expected.value if expected else None), (
                        spec.id,
                        row.key,
                        column.id,
                    )
                    assert value.status == ("dash" if is_dash(text) else "number" if text else "blank")
                elif column.role == "label":
                    assert row.label == text
                elif column.role == "code" and row.code:
                    assert row.code == text
        for cell in spec.cells:
            value = table.cells[cell.id]
            line_index = next(i for i, line in enumerate(body) if cell.label in line)
            column = spec.column_offset(cell.block) + [c.id for c in spec.block(cell.block).columns].index(cell.column)
            assert value.amount.value == parse_number(body[line_index][column]).value
            covered[(spec.id, line_index, column)] = True
        for line_index, line in enumerate(body):
            for column, text in enumerate(line):
                if text and parse_number_or_none(text) is not None:
                    assert (spec.id, line_index, column) in covered, (spec.id, line_index + 1, column, text)


def parse_number_or_none(text):
    try:
        return parse_number(text)
    except ValueError:
        return None


def test_sample_values_are_exactly_as_published(located_sample, layout, sample_source):
    assert not located_sample.not_found
    assert_matches_source(located_sample, layout, sample_source)
    assert list(located_sample.problems) == []


def test_corrected_values_are_the_corrected_source(corrected_path, layout, corrected_source):
    located = locate_book(read_book(corrected_path), layout)
    assert_matches_source(located, layout, corrected_source)


def test_both_engines_read_the_same(sample_path, layout):
    fast = locate_book(read_book(sample_path, engine="calamine"), layout)
    slow = locate_book(read_book(sample_path, engine="openpyxl"), layout)
    for table_id, table in fast.tables.items():
        other = slow.tables[table_id]
        assert [(r.key, r.label, r.values) for _, r in table.iter_rows()] == [
            (r.key, r.label, r.values) for _, r in other.iter_rows()
        ]
    assert fast.narrative == slow.narrative


def test_the_template_locates_completely(template_path, layout):
    located = locate_book(read_book(template_path), layout)
    assert set(located.tables) == {t.id for t in layout.tables}
    assert located.problems == []
    for table in located.tables.values():
        for block in table.blocks.values():
            assert block.missing == []
            assert all(row.label_matches_layout for row in block.rows)
    assert located.tables["公开09表"].value("三公经费", "预算数").status == "dash"


def test_published_label_typos_still_match_their_rows(located_sample):
    t04 = located_sample.tables["公开04表"]
    first = t04.blocks["收入"].row("一般公共预算财政拨款")
    assert first.label == "二、一般公共预算财政拨款" and not first.label_matches_layout
    assert first.values["决算数"].amount.value == Decimal("9754.15")
    carry = t04.blocks["收入"].row("年初结转.一般公共预算财政拨款")
    assert carry.label == "一、一般公共预算财政拨款" and carry.values["决算数"].status == "blank"
    assert t04.value("201", "小计", block="支出").status == "blank"
    t01 = located_sample.tables["公开01表"]
    mining = t01.blocks["支出"].row("215")
    assert mining.label == "十四、资源勘探信息等支出" and not mining.label_matches_layout


def test_lookup_by_label_code_and_cells(located_sample):
    t01 = located_sample.tables["公开01表"]
    assert t01.value("208", "决算数").amount.value == Decimal("5557.64")
    assert t01.value("八、社会保障和就业支出", "决算数").cell == "D13"
    with pytest.raises(KeyError):
        t01.value("总计", "决算数")  # in both blocks: must say which
    assert t01.value("总计", "决算数", block="收入").amount.value == Decimal("9909.15")
    t06 = located_sample.tables["公开06表"]
    assert t06.cells["人员经费合计"].amount.value == Decimal("1217.2")
    assert t06.value("30231", "金额").amount.value == 6
    t09 = located_sample.tables["公开09表"]
    count = t09.value("国内公务接待人次", "决算数")
    assert count.amount.value == 288 and count.amount.decimals == 0
    assert t09.value("不存在的行", "决算数").status == "missing"


def test_rows_inserted_everywhere(tmp_path, sample_path, layout, sample_source):
    def mangle(workbook):
        insert_rows(workbook["公开01表"], 1, 2)  # shifts title and header
        sheet = workbook["公开02表"]
        insert_rows(sheet, find_cell(sheet, "20802").row, 1)  # a blank row in the body
        sheet = workbook["公开09表"]
        row = find_cell(sheet, "(一) 行政单位").row
        insert_rows(sheet, row, 1)
        sheet.cell(row, 4).value = "（备查）本行为单位自加说明"  # an extra, unknown row
        sheet = workbook["公开06表"]
        insert_rows(sheet, 5, 1)  # between header rows

    path = edit_workbook(copy_to(sample_path, tmp_path), mangle)
    located = locate_book(read_book(path), layout)
    assert not located.not_found
    t01 = located.tables["公开01表"]
    assert t01.header_rows[0] == 5 and t01.value("总计", "决算数", block="收入").cell == "B37"
    assert located.tables["公开02表"].value("2080201", "本年收入合计").amount.value == Decimal("24.16")
    t09 = located.tables["公开09表"]
    assert t09.value("参照公务员法管理事业单位", "决算数").amount.value == Decimal("203.06")
    assert any(p.code == "unexpected-row" and "自加说明" in p.message for p in t09.problems)
    assert located.tables["公开06表"].value("30101", "金额").amount.value == Decimal("422.18")


def test_sheets_reordered_renamed_and_respelled(tmp_path, sample_path, layout, sample_source):
    def mangle(workbook):
        workbook.move_sheet("公开09表", offset=-8)
        workbook.move_sheet("情况说明", offset=-9)
        workbook["公开03表"].title = "支出决算表"  # recognised by its 表号 cell
        workbook["公开07表"].title = "基金"
        find_cell(workbook["基金"], "公开07表").value = None  # recognised by its title
        sheet = workbook["公开02表"]
        find_cell(sheet, "本年收入合计").value = "本年收入 合计"
        find_cell(sheet, "功能分类科目编码").value = "功能分类科目\n编码"
        find_cell(sheet, "合计").value = "合\u3000计"
        find_cell(sheet, "2080101").value = " 2080101 "

    path = edit_workbook(copy_to(sample_path, tmp_path), mangle)
    located = locate_book(read_book(path), layout)
    assert not located.not_found
    assert located.tables["公开03表"].sheet.name == "支出决算表"
    assert located.tables["公开07表"].sheet.name == "基金"
    t02 = located.tables["公开02表"]
    assert t02.value("合计", "本年收入合计").amount.value == Decimal("9909.15")
    assert t02.value("2080101", "本年收入合计").amount.value == Decimal("906.84")
    assert len(located.narrative) == len(sample_source.narrative)


def test_grids_without_merges_locate_too(sample_path, layout):
    """The live-Excel door hands over plain grids; header spans then come from filled cells."""
    book = read_book(sample_path)
    bare = Book.from_grids({s.name: s.rows for s in book.sheets})
    located = locate_book(bare, layout)
    assert not located.not_found
    assert located.tables["公开04表"].value("本年支出合计", "政府性基金预算财政拨款").amount.value == 155


def test_unit_mismatch_is_an_error(tmp_path, sample_path, layout):
    path = edit_workbook(
        copy_to(sample_path, tmp_path), lambda wb: setattr(find_cell(wb["公开05表"], "单位：万元"), "value", "单位：元")
    )
    table = locate_book(read_book(path), layout).tables["公开05表"]
    assert any(p.code == "unit-mismatch" and p.severity == "错误" for p in table.problems)


def test_frame_for_analysts(located_sample):
    frame = located_sample.tables["公开03表"].to_frame()
    assert list(frame.columns[:5]) == ["区块", "行键", "编码", "名称", "行号"]
    assert len(frame) == 60
    row = frame.set_index("行键").loc["2080199"]
    assert str(row["基本支出"]) == "81.71" and row["名称"] == "其他人力资源和社会保障管理事务支出"


def test_reading_does_not_import_pandas(sample_path):
    code = (
        "import sys; from xlplugin.workbook.readers import read_book; from xlplugin.workbook.layout_load import load_layout;"
        "from xlplugin.workbook.locate import locate_book; from tools.build_workbooks import LAYOUT;"
        f"locate_book(read_book({str(sample_path)!r}), load_layout(LAYOUT));"
        "print('pandas' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=str(sample_path.parents[2]))
    assert done.stdout.strip() == "False", done.stderr
