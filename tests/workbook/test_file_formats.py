"""Workbooks in the formats departments really send: Excel 97-2003 .xls (most 部门决算 software exports
it), WPS .et and OpenDocument .ods are read like .xlsx — recognised by content, the same grid, the same
merged ranges, the same error values, the same findings as their .xlsx twin (made by LibreOffice)."""

from __future__ import annotations

import shutil
import struct
import zipfile

import openpyxl
import pytest

from tests.format_twins import convert, sample_twins
from xlplugin.api import check
from xlplugin.core.errors import WorkbookError
from xlplugin.core.findings import ERROR
from xlplugin.workbook.book import CellError, FormulaWithoutValue
from xlplugin.workbook.readers import read_book
from xlplugin.workbook.sniff import ODS, XLS, XLSB, XLSX, sniff_workbook

FORMATS = ["xls", "et", "ods"]


@pytest.fixture(scope="session")
def twins(tmp_path_factory):
    return sample_twins(tmp_path_factory)


def _grid(book):
    """Every non-empty cell, the merged ranges and the visibility of every sheet."""
    return {
        sheet.name: (
            {(r, c): v for r, row in enumerate(sheet.rows) for c, v in enumerate(row) if v is not None},
            sorted(sheet.merges),
            sheet.visible,
        )
        for sheet in book.sheets
    }


def _findings(path, **options):
    report = check(path, **options).report
    return [(f.rule, f.severity, f.sheet, f.cell, str(f.expected), str(f.actual)) for f in report.findings]


def test_formats_are_told_by_content(twins, tmp_path):
    assert {fmt: sniff_workbook(twins[fmt]).format for fmt in twins} == {
        "xlsx": XLSX,
        "xls": XLS,
        "et": XLS,
        "ods": ODS,
    }
    assert "WPS 表格" in sniff_workbook(twins["et"]).description
    # under the wrong extension a workbook is still what its bytes are, and is read as that
    for fmt, wrong in (("xls", "报表.xlsx"), ("ods", "报表.xls"), ("xlsx", "报表.et")):
        misnamed = tmp_path / wrong
        shutil.copyfile(twins[fmt], misnamed)
        assert sniff_workbook(misnamed).format == sniff_workbook(twins[fmt]).format
        assert _grid(read_book(misnamed)) == _grid(read_book(twins[fmt]))


def test_an_xlsb_package_is_recognised(tmp_path):
    path = tmp_path / "binary.xlsb"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("xl/workbook.bin", b"\x83\x01\x00")
    assert sniff_workbook(path).format == XLSB


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_cells_merges_and_sheets_as_the_xlsx(twins, fmt):
    expected = _grid(read_book(twins["xlsx"]))
    assert sum(len(merges) for _, merges, _ in expected.values()) > 100  # the sample is full of merged headers
    assert _grid(read_book(twins[fmt])) == expected


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_findings_as_the_xlsx(twins, fmt):
    expected = _findings(twins["xlsx"])
    assert len([f for f in expected if f[1] == ERROR]) == 13
    assert _findings(twins[fmt]) == expected


@pytest.mark.parametrize("fmt", FORMATS)
def test_openpyxl_cannot_read_them_and_says_so(twins, fmt):
    with pytest.raises(WorkbookError) as caught:
        read_book(twins[fmt], engine="openpyxl")
    assert caught.value.code == "legacy-format"
    assert "openpyxl 只能读取 .xlsx/.xlsm" in caught.value.message and "--engine openpyxl" in caught.value.message


@pytest.fixture(scope="module")
def troubled(tmp_path_factory):
    """A workbook with error values, a hidden sheet and a merged range, calculated and saved by
    LibreOffice as .xlsx, .xls and .ods."""
    out = tmp_path_factory.mktemp("troubled")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "表"
    sheet.append(["项目", "=1/0", "=NA()", 5, "=D1*2", "=#REF!+1", "#N/A"])
    sheet["G1"].data_type = "s"  # text that reads like an error value
    sheet["A3"] = "合并"
    sheet.merge_cells("A3:C4")
    workbook.create_sheet("隐藏").sheet_state = "hidden"
    workbook["隐藏"]["A1"] = 1
    source = out / "source.xlsx"
    workbook.save(source)  # openpyxl does not calculate: LibreOffice does, converting
    made = {fmt: convert(source, fmt, out) for fmt in ("xls", "ods")}
    (out / "calculated").mkdir()
    made["xlsx"] = convert(source, "xlsx", out / "calculated")
    return made


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_error_values_are_read_as_errors_not_blank(troubled, fmt):
    book = read_book(troubled[fmt])
    assert _grid(book) == _grid(read_book(troubled["xlsx"]))
    sheet = book.sheet("表")
    assert sheet.rows[0][:7] == [
        "项目",
        CellError("#DIV/0!"),
        CellError("#N/A"),
        5,
        10,
        CellError("#REF!"),
        "#N/A",  # typed text stays text
    ]
    assert sheet.merges == [(2, 0, 3, 2)] and not book.sheet("隐藏").visible


def test_an_ods_formula_without_a_value_is_reported_not_blank(troubled, tmp_path):
    # a program that writes .ods without calculating leaves the value out of the formula cell
    source = troubled["ods"]
    path = tmp_path / "uncalculated.ods"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w") as copy:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "content.xml":
                text = data.decode("utf-8")
                cached = 'office:value-type="float" office:value="10" calcext:value-type="float"><text:p>10</text:p>'
                assert cached in text
                data = text.replace(cached, ">").encode("utf-8")
            copy.writestr(info, data)
    assert read_book(path).sheet("表").rows[0][4] == FormulaWithoutValue("=[.D1]*2")


def _with_record_after_bof(data: bytes, kind: int) -> bytes:
    """The .xls with the record after the workbook's BOF turned into ``kind`` (same length)."""
    data = bytearray(data)
    bof = data.find(bytes.fromhex("0908100000060500"))  # BOF, BIFF8, workbook globals
    assert bof > 0
    struct.pack_into("<H", data, bof + 4 + 16, kind)
    return bytes(data)


def test_a_password_protected_xls_is_refused(twins, tmp_path):
    # Excel marks an encrypted .xls with a FILEPASS record right after the BOF; the reader stops there
    path = tmp_path / "加密.xls"
    path.write_bytes(_with_record_after_bof(twins["xls"].read_bytes(), 0x002F))
    with pytest.raises(WorkbookError) as caught:
        read_book(path)
    assert caught.value.code == "encrypted-workbook" and "密码" in caught.value.message


def test_a_damaged_xls_is_refused(twins, tmp_path):
    data = bytearray(twins["xls"].read_bytes())
    first_fat_sector = struct.unpack_from("<I", data, 76)[0]
    data[(first_fat_sector + 1) * 512 : (first_fat_sector + 2) * 512] = b"\x07" * 512  # the allocation table
    path = tmp_path / "损坏.xls"
    path.write_bytes(bytes(data))
    with pytest.raises(WorkbookError) as caught:
        read_book(path)
    assert caught.value.code == "corrupt-workbook"
    assert "Excel 97-2003" in caught.value.message and "已损坏" in caught.value.message
    half = tmp_path / "半截.xls"
    half.write_bytes(twins["xls"].read_bytes()[:40_000])  # a download cut short
    with pytest.raises(WorkbookError) as caught:
        read_book(half)
    assert caught.value.code in ("corrupt-workbook", "legacy-format") and "损坏" in caught.value.message
