"""Reading never crashes and never reads silently: huge or non-finite amounts (in cells and in the
narrative), error values (#REF!, #DIV/0!, #N/A) on both read paths, and note rows inside a table body
are reading findings, built from copies of the shipped sample."""

from __future__ import annotations

import copy
import re
import zipfile

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import copy_to, edit_workbook, insert_rows
from xlplugin.api import check
from xlplugin.core.amounts import AmountOutOfRange, parse_number
from xlplugin.core.findings import ERROR, WARNING
from xlplugin.packs.load import load_pack
from xlplugin.packs.resolve import find_pack
from xlplugin.workbook.book import CellError
from xlplugin.workbook.narrative import Paragraph, find_quantities
from xlplugin.workbook.readers import read_book

# 公开01表 D13 is the 决算数 of 208 (社会保障和就业支出): an amount cell every rule of 01 reads.
AMOUNT_SHEET, AMOUNT_CELL, AMOUNT_AT = "公开01表", "D13", (12, 3)


@pytest.fixture(scope="module")
def pack():
    return load_pack(find_pack("cq-2021"))


@pytest.fixture(scope="module")
def sample_book(sample_path):
    return read_book(sample_path)


def _findings(checked, rule):
    return [f for f in checked.report.findings if f.rule == rule]


def _with_cell(book, value, sheet=AMOUNT_SHEET, at=AMOUNT_AT):
    edited = copy.deepcopy(book)
    row, col = at
    edited.sheet(sheet).rows[row][col] = value
    return edited


# ---------------------------------------------------------------------------------------------
# 1. amounts out of range


@pytest.mark.parametrize(
    "raw", [1e300, -1e300, 10**27, 1e16, float("inf"), float("nan"), "123456789012345678901234567890"]
)
def test_an_amount_beyond_any_budget_is_refused_not_crashed_on(raw):
    with pytest.raises(AmountOutOfRange):
        parse_number(raw, 2)


def test_the_largest_sane_amount_and_the_tiniest_are_read():
    assert str(parse_number("999,999,999,999,999.99", 2)) == "999999999999999.99"
    assert str(parse_number(5e-324, 2)) == "0.00"


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
@pytest.mark.parametrize("written", [1e300, "123456789012345678901234567890", -1e20])
def test_a_huge_amount_in_a_cell_is_a_reading_finding(sample_path, tmp_path, pack, engine, written):
    path = copy_to(sample_path, tmp_path)
    edit_workbook(path, lambda wb: wb[AMOUNT_SHEET].__setitem__(AMOUNT_CELL, written))
    checked = check(path, pack, engine=engine)
    found = _findings(checked, "READ.amount-out-of-range")
    assert [(f.sheet, f.cell) for f in found] == [(AMOUNT_SHEET, AMOUNT_CELL)]
    assert "超出金额的合理范围" in found[0].message


def test_a_thirty_digit_number_in_the_narrative_is_no_quantity_and_crashes_no_rule(sample_book, pack):
    assert find_quantities(Paragraph("情况说明", "A1", "收入123456789012345678901234567890万元。")) == []
    assert find_quantities(Paragraph("情况说明", "A1", "收入1,000,000,000,000,000,000亿元。")) == []
    narrative = sample_book.sheet("情况说明")
    for big in ("123456789012345678901234567890", "999,999,999,999,999.99999999", "1,000,000,000,000,000,000"):
        edited = copy.deepcopy(sample_book)
        sheet = edited.sheet("情况说明")
        for r, cells in enumerate(narrative.rows):
            for c, text in enumerate(cells):
                if isinstance(text, str):
                    sheet.rows[r][c] = re.sub(r"\d+(?:\.\d+)?(?=万元|亿元|%|个百分点)", big, text)
        check(edited, pack)  # no exception


_ODD_VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.text(max_size=80),
    st.sampled_from(
        ["#REF!", "#DIV/0!", "#N/A", "#VALUE!", "1E+300", "1e-300", "—", "（12.30）", "9,909.15", "57%", "1" * 30]
    ),
    st.builds(CellError, st.sampled_from(["#REF!", "#DIV/0!", "#N/A"])),
    st.booleans(),
    st.none(),
)


@settings(max_examples=60)
@given(value=_ODD_VALUES)
def test_no_value_in_an_amount_cell_crashes_the_check(sample_book, pack, value):
    checked = check(_with_cell(sample_book, value), pack)
    assert checked.report.rules_run > 0


# ---------------------------------------------------------------------------------------------
# 3. a note row inside a table body


def _insert_note(sheet_name, at, text="注：以下为项目支出明细。"):
    def edit(workbook):
        sheet = workbook[sheet_name]
        insert_rows(sheet, at)
        sheet.cell(at, 1).value = text

    return edit


def _serious(checked):
    return [(f.rule, f.sheet, f.cell) for f in checked.report.findings if f.severity in (ERROR, WARNING)]


@pytest.fixture(scope="module")
def sample_checked(sample_path, pack):
    return check(sample_path, pack)


@pytest.mark.parametrize(("sheet", "at"), [("公开02表", 30), ("公开03表", 40)])
def test_a_note_row_inside_a_body_is_skipped_and_reported_and_rows_below_are_read(
    sample_path, sample_checked, tmp_path, pack, sheet, at
):
    path = edit_workbook(copy_to(sample_path, tmp_path), _insert_note(sheet, at))
    checked = check(path, pack)
    before, after = sample_checked.located.tables[sheet], checked.located.tables[sheet]
    assert after.row_count == before.row_count
    assert [(b.spec.id, r.key) for b, r in after.iter_rows()] == [(b.spec.id, r.key) for b, r in before.iter_rows()]
    notes = _findings(checked, "READ.note-inside-table")
    assert [(f.sheet, f.cell, f.severity) for f in notes] == [(sheet, f"A{at}", WARNING)]

    def shifted(cell_sheet, cell):
        column, row = re.fullmatch(r"([A-Z]+)(\d+)", cell).groups()
        return f"{column}{int(row) + 1}" if cell_sheet == sheet and int(row) >= at else cell

    expected = [(rule, s, shifted(s, c) if s == sheet else c) for rule, s, c in _serious(sample_checked)]
    assert sorted(_serious(checked)) == sorted(expected + [("READ.note-inside-table", sheet, f"A{at}")])
    if sheet == "公开03表":
        assert ("CQ03-02", "公开03表", "E61") in _serious(checked)  # 229's E60, one row down


def test_a_note_at_the_real_end_still_ends_the_table(sample_path, sample_checked, tmp_path, pack):
    def edit(workbook):
        sheet = workbook["公开02表"]
        sheet.cell(sheet.max_row + 1, 1).value = "说明：本表金额单位为万元。"
        sheet.cell(sheet.max_row + 1, 1).value = "单位负责人：张三"

    checked = check(edit_workbook(copy_to(sample_path, tmp_path), edit), pack)
    assert not _findings(checked, "READ.note-inside-table")
    assert sorted(_serious(checked)) == sorted(_serious(sample_checked))
    table = checked.located.tables["公开02表"]
    assert table.body_rows == sample_checked.located.tables["公开02表"].body_rows


# ---------------------------------------------------------------------------------------------
# 2. error values on both read paths

ERRORS = ["#REF!", "#DIV/0!", "#N/A", "#VALUE!"]


def test_error_values_are_cell_errors_on_both_read_paths(tmp_path):
    path = tmp_path / "errors.xlsx"
    workbook = openpyxl.Workbook()
    for row, error in enumerate(ERRORS, start=1):
        workbook.active.cell(row, 1).value = error  # openpyxl stores these as error cells
    workbook.active["B1"] = "#REF! 是文字"
    workbook.save(path)
    # Rewrite A4 as Excel saves a formula whose result is an error: the cached value is the error.
    patched = tmp_path / "patched.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert data.count(b't="e"') == len(ERRORS)  # what the file holds: cached values t="e"
                data = re.sub(rb'<c r="A4".*?</c>', b'<c r="A4" t="e"><f>1+"a"</f><v>#VALUE!</v></c>', data)
            target.writestr(item, data)
    for engine in ("calamine", "openpyxl"):
        sheet = read_book(patched, engine=engine).sheets[0]
        assert [sheet.value(r, 0) for r in range(4)] == [CellError(e) for e in ERRORS], engine
        assert sheet.value(0, 1) == "#REF! 是文字"


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_error_values_in_amount_cells_are_reading_findings_alike_on_both_paths(sample_path, tmp_path, pack, engine):
    cells = {"公开01表": ["D13", "D14"], "公开03表": ["C60"], "公开05表": ["D19"]}

    def edit(workbook):
        for sheet, addresses in cells.items():
            for address, error in zip(addresses, ERRORS, strict=False):
                workbook[sheet][address] = error

    path = edit_workbook(copy_to(sample_path, tmp_path), edit)
    checked = check(path, pack, engine=engine)
    found = _findings(checked, "READ.error-value")
    assert sorted((f.sheet, f.cell) for f in found) == sorted((s, c) for s, cs in cells.items() for c in cs)
    assert all(f.severity == ERROR and "错误值" in f.message for f in found)
    assert not _findings(checked, "READ.not-a-number")
    assert checked.located.tables["公开01表"].value("208", "决算数").readable is False


def test_both_read_paths_give_the_same_findings_on_error_values(sample_path, tmp_path, pack):
    def edit(workbook):
        workbook["公开02表"]["C10"] = "#N/A"
        workbook["公开03表"]["D20"] = "#DIV/0!"

    path = edit_workbook(copy_to(sample_path, tmp_path), edit)
    calamine, pure = (check(read_book(path, engine=e), pack) for e in ("calamine", "openpyxl"))
    assert [(f.rule, f.sheet, f.cell, f.message) for f in calamine.report.findings] == [
        (f.rule, f.sheet, f.cell, f.message) for f in pure.report.findings
    ]
    assert len(_findings(calamine, "READ.error-value")) == 2
