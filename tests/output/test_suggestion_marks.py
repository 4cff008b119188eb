"""建议修改 in every sink: the text report, the cell notes and the 校验结果 sheet's 建议值 column."""

import pytest

from xlplugin.engine.run import run_pack
from xlplugin.output.marks import HEADINGS, cell_marks, result_rows
from xlplugin.output.render import render_text
from xlplugin.packs.load import load_pack
from xlplugin.packs.resolve import find_pack
from xlplugin.workbook.locate import locate_book
from xlplugin.workbook.readers import read_book


@pytest.fixture(scope="module")
def report(sample_path):
    pack = load_pack(find_pack("cq-2021"))
    return run_pack(pack, locate_book(read_book(sample_path), pack.layout))


def test_notes_say_what_to_change(report):
    marks = cell_marks(report, {"公开05表", "公开03表"})
    # a blank cell with no finding on it is named in the notes of the findings computed from it
    assert "公开05表!D21 建议改为 65.19（使 1 条关系成立）" in marks["公开05表"]["D19"].text
    assert marks["公开05表"]["E21"].text.split("\n")[1] == "建议改为 0.00（使 2 条关系成立）"
    assert "公开03表!D22 建议改为 10.79" in marks["公开03表"]["C22"].text


def test_result_sheet_has_suggested_values(report):
    assert HEADINGS[-1] == "建议值"
    rows = {(f.sheet, f.cell, f.rule): values for f, values in result_rows(report, {}, {})}
    assert "公开05表!D21 改为 65.19" in rows[("公开05表", "D19", "CQ05-02")][-1]
    assert all(len(values) == len(HEADINGS) for values in rows.values())


def test_text_report_has_a_section(report):
    text = render_text(report, {}, "", 0)
    section = text.split("建议修改", 1)[1]
    assert "公开05表!D21" in section and "空 → 建议改为 65.19" in section
    assert "改这 4 个格" in section
