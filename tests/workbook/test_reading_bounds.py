"""Reading is bounded by what a table can occupy, not by how far out the last filled cell lies
(#19 item 6): one value at J1048576, CV1048576 or XFD10000 written into a copy of the sample cost
0.7 GB, 5 GB and a native abort; on the openpyxl path tens of gigabytes. Now every sheet is read
within A1:CV20000 on both engines, a far cell that held something is a READ.far-cell warning naming
it, a merged range too large to be a table's is a READ.huge-merge notice, and an .ods or .xls with
far content is refused in one sentence before calamine allocates anything."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers import copy_to, edit_workbook, run_cli
from tools.build_workbooks import LAYOUT
from xlplugin.core.errors import PackError, WorkbookError
from xlplugin.core.findings import INFO, WARNING
from xlplugin.workbook.book import MAX_COLS, MAX_ROWS
from xlplugin.workbook.layout_load import load_layout
from xlplugin.workbook.locate import locate_book
from xlplugin.workbook.readers import read_book

ROOT = Path(__file__).resolve().parents[2]
ENGINES = ("calamine", "openpyxl")
#: the address space a check of a workbook with one far cell may use (the sample needs about 0.5 GB
#: of it, 60 MB resident); before the bounds, these workbooks needed 0.7 GB to 24 GB resident
ADDRESS_SPACE = 1 << 30
#: resident memory such a check may reach (the sample's check: about 55 MB calamine, 65 MB openpyxl)
PEAK_RSS_KB = 300 * 1024

# A command run under an address-space limit that writes its own peak resident size (KB) to a file:
# a reader that tries to allocate gigabytes fails here instead of swapping the machine. The peak is
# the process's own (VmHWM): Linux carries ru_maxrss over exec, so a child of a big test process
# would report the parent's size.
_MEASURED = """
import atexit, resource, runpy, sys
limit, report = int(sys.argv[1]), sys.argv[2]
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
def peak():
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
atexit.register(lambda: open(report, "w").write(str(peak())))
sys.argv = ["xlplugin", *sys.argv[3:]]
runpy.run_module("xlplugin", run_name="__main__")
"""


def _far_copy(sample: Path, directory: Path, cell: str, value: object = 1, sheet: str = "公开01表") -> Path:
    def edit(workbook):
        workbook[sheet][cell] = value

    return edit_workbook(copy_to(sample, directory, f"远处-{cell}.xlsx"), edit)


def _replace_in_sheet(source: Path, target: Path, part: str, old: bytes, new: bytes) -> Path:
    """A copy of the package with one piece of one part's XML replaced (what openpyxl cannot write)."""
    with zipfile.ZipFile(source) as package, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in package.infolist():
            data = package.read(info)
            if info.filename == part:
                assert old in data
                data = data.replace(old, new, 1)
            out.writestr(info, data)
    return target


def _measured_check(workbook: Path, engine: str, tmp_path: Path):
    report = tmp_path / f"peak-{engine}.txt"
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, str(ADDRESS_SPACE), str(report), "check", str(workbook)]
        + ["--engine", engine, "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_COLOR": "1"},
    )
    peak = int(report.read_text()) if report.exists() else None
    return done, peak


@pytest.mark.parametrize(("cell", "engine"), [("XFD10000", "calamine"), ("CV1048576", "calamine")])
def test_one_far_value_costs_no_memory_and_is_reported(sample_path, tmp_path, cell, engine):
    workbook = _far_copy(sample_path, tmp_path, cell)
    done, peak = _measured_check(workbook, engine, tmp_path)
    assert done.returncode == 1, done.stderr[-2000:]
    assert peak is not None and peak < PEAK_RSS_KB, f"peak {peak} KB"
    report = json.loads(done.stdout)
    assert report["summary"]["errors"] == 13  # the sample's own errors, no more, no fewer
    far = [f for f in report["findings"] if f["rule"] == "READ.far-cell"]
    assert len(far) == 1 and far[0]["cell"] == cell and far[0]["severity"] == "warning"
    assert f"{cell}（“1”）" in far[0]["message"] and "没有读取" in far[0]["message"]


def test_the_openpyxl_path_is_bounded_too(sample_path, tmp_path):
    workbook = _far_copy(sample_path, tmp_path, "J1048576")
    done, peak = _measured_check(workbook, "openpyxl", tmp_path)
    assert done.returncode == 1, done.stderr[-2000:]
    assert peak is not None and peak < PEAK_RSS_KB, f"peak {peak} KB"
    report = json.loads(done.stdout)
    assert report["summary"]["errors"] == 13
    assert [f["cell"] for f in report["findings"] if f["rule"] == "READ.far-cell"] == ["J1048576"]


@pytest.fixture(scope="module")
def far_text_book(sample_path, tmp_path_factory):
    """公开03表 with text at ZZ5 (beyond the columns), a formula at B30000 and a number at B20001
    (beyond the rows), and a number at CV20000 (the last cell read)."""

    def edit(workbook):
        sheet = workbook["公开03表"]
        sheet["ZZ5"] = "误输入的一段很长很长很长很长很长很长的文字"
        sheet["B30000"] = "=SUM(A1:A2)"
        sheet["B20001"] = 7
        sheet["CV20000"] = 3

    return edit_workbook(copy_to(sample_path, tmp_path_factory.mktemp("far"), "远处文字.xlsx"), edit)


@pytest.mark.parametrize("engine", ENGINES)
def test_far_cells_are_named_with_what_they_hold_and_the_rest_is_read(far_text_book, layout, engine):
    book = read_book(far_text_book, engine=engine)
    sheet = book.sheet("公开03表")
    assert sheet.height == MAX_ROWS and all(len(row) <= MAX_COLS for row in sheet.rows)
    assert sheet.value(MAX_ROWS - 1, MAX_COLS - 1) == 3  # CV20000 is the last cell read
    [notice] = book.notices
    assert (notice.code, notice.severity, notice.sheet, notice.cell) == ("far-cell", WARNING, "公开03表", "ZZ5")
    assert "有 3 个单元格" in notice.message
    assert "ZZ5（“误输入的一段很长很长很长很长很长很长的文" in notice.message  # quoted, cut
    assert "B30000（“=SUM(A1:A2)”）" in notice.message and "B20001（“7”）" in notice.message
    located = locate_book(book, layout)
    table = located.tables["公开03表"]
    assert [p.code for p in table.problems if p.code == "far-cell"] == ["far-cell"]  # the table's sheet


def test_the_tables_command_lists_a_far_cell_as_a_reading_problem(far_text_book):
    result = run_cli("tables", far_text_book)
    assert result.exit_code == 0, result.output
    assert "[警告] 公开03表!ZZ5" in result.output and "远在表格区域之外" in result.output


@pytest.mark.parametrize("engine", ENGINES)
def test_a_far_cell_on_a_sheet_without_a_table_is_reported_for_the_book(sample_path, tmp_path, layout, engine):
    def edit(workbook):
        workbook.create_sheet("草稿")["XFD3"] = "草稿"

    workbook = edit_workbook(copy_to(sample_path, tmp_path), edit)
    located = locate_book(read_book(workbook, engine=engine), layout)
    [problem] = [p for p in located.problems if p.code == "far-cell"]
    assert (problem.sheet, problem.cell, problem.table) == ("草稿", "XFD3", "")


@pytest.mark.parametrize("engine", ENGINES)
def test_a_style_without_a_value_far_out_is_nothing_to_report(sample_path, tmp_path, engine):
    far = _replace_in_sheet(
        sample_path,
        tmp_path / "样式.xlsx",
        "xl/worksheets/sheet1.xml",
        b"</sheetData>",
        b'<row r="1048576" ht="30" customHeight="1"><c r="XFD1048576" s="2"/></row></sheetData>',
    )
    book = read_book(far, engine=engine)
    assert book.notices == [] and book.sheet("公开01表").height == 36


@pytest.mark.parametrize("engine", ENGINES)
def test_a_merge_or_hyperlink_over_the_whole_sheet_is_not_built_cell_by_cell(sample_path, tmp_path, layout, engine):
    merged = _replace_in_sheet(
        sample_path,
        tmp_path / "合并.xlsx",
        "xl/worksheets/sheet2.xml",
        b"</mergeCells>",
        b'<mergeCell ref="M1:XFD1048576"/></mergeCells>',
    )
    linked = _replace_in_sheet(
        merged,
        tmp_path / "合并和链接.xlsx",
        "xl/worksheets/sheet1.xml",
        b"<printOptions",
        b'<hyperlinks><hyperlink ref="A1:XFD1048576" location="\xe5\x85\xac\xe5\xbc\x8002\xe8\xa1\xa8!A1"/>'
        b"</hyperlinks><printOptions",
    )
    book = read_book(linked, engine=engine)
    [notice] = book.notices
    assert (notice.code, notice.severity, notice.sheet) == ("huge-merge", INFO, "公开02表")
    assert "M1:XFD1048576" in notice.message and "已按未合并读取" in notice.message
    assert all(r1 - r0 < 100 for r0, _, r1, _ in book.sheet("公开02表").merges)
    located = locate_book(book, layout)
    assert not located.not_found  # the tables read as they do without the stray ranges
    assert (
        located.tables["公开02表"].row_count == locate_book(read_book(sample_path), layout).tables["公开02表"].row_count
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_cells_that_do_not_say_where_they_are_are_placed_like_excel_places_them(sample_path, tmp_path, engine):
    # A row and cells without r="…": each follows the previous one (a writer may leave them out).
    written = _replace_in_sheet(
        sample_path,
        tmp_path / "无引用.xlsx",
        "xl/worksheets/sheet1.xml",
        b"</sheetData>",
        b'<row r="40"><c t="inlineStr"><is><t>x</t></is></c><c><v>5</v></c></row><row><c r="C41"><v>6</v></c>'
        b"<c><v>8</v></c></row></sheetData>",
    )
    sheet = read_book(written, engine=engine).sheet("公开01表")
    assert [sheet.value(39, 0), sheet.value(39, 1), sheet.value(40, 2), sheet.value(40, 3)] == ["x", 5, 6, 8]


def test_far_cells_without_references_are_found_by_counting(sample_path, tmp_path):
    cells = b"".join(b"<c><v>1</v></c>" for _ in range(MAX_COLS + 2))
    written = _replace_in_sheet(
        sample_path,
        tmp_path / "一行.xlsx",
        "xl/worksheets/sheet1.xml",
        b"</sheetData>",
        b"<row>" + cells + b"</row></sheetData>",
    )
    for engine in ENGINES:
        book = read_book(written, engine=engine)
        [notice] = book.notices
        assert notice.cell == "CW37" and "有 2 个单元格" in notice.message  # row 37, columns 101 and 102


def test_a_sheet_with_a_doctype_is_refused_as_damaged(sample_path, tmp_path):
    hostile = _replace_in_sheet(
        sample_path,
        tmp_path / "dtd.xlsx",
        "xl/worksheets/sheet1.xml",
        b"<worksheet ",
        b'<!DOCTYPE worksheet [<!ENTITY a "aaaa">]><worksheet ',
    )
    # the DTD is only looked at when the sheet also reaches far out (the ordinary sheet is not parsed here)
    hostile = _replace_in_sheet(
        hostile, tmp_path / "dtd2.xlsx", "xl/worksheets/sheet1.xml", b"</sheetData>", b'<row r="30000"/></sheetData>'
    )
    with pytest.raises(WorkbookError) as raised:
        read_book(hostile)
    assert raised.value.code == "corrupt-workbook" and "公开01表" in raised.value.message


def test_a_layout_wider_than_the_columns_read_is_refused(tmp_path):
    copy = tmp_path / "layout"
    shutil.copytree(LAYOUT, copy)
    table = copy / "tables" / "公开05表.yaml"
    text = table.read_text(encoding="utf-8")
    last = "      - {id: 项目支出, header: [本年支出, 项目支出]}\n"
    extra = "".join(f"      - {{id: 列{i}, header: [列{i}]}}\n" for i in range(46))
    table.write_text(text.replace(last, last + extra, 1), encoding="utf-8")
    with pytest.raises(PackError) as raised:
        load_layout(copy)
    assert (
        raised.value.code == "bad-layout"
        and "51 列" in raised.value.message
        and f"前 {MAX_COLS} 列" in raised.value.message
    )
