"""Every kind of bad input gets its own clear Chinese message and exit status 2, never a traceback."""

import io
import subprocess
import sys
import zipfile

import msoffcrypto
import pytest
from click.testing import CliRunner

from tests.helpers import copy_to, edit_workbook, find_cell
from xlplugin.core.errors import EXIT_CANNOT_CHECK, WorkbookError
from xlplugin.doors.cli import cli
from xlplugin.workbook.locate import locate_book
from xlplugin.workbook.readers import read_book

OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _encrypt(source, target):
    with open(source, "rb") as handle:
        office = msoffcrypto.OfficeFile(handle)
        office.load_key(password="secret")
        # msoffcrypto's OOXML encryption: the same container Excel writes for "Encrypt with Password".
        from msoffcrypto.format.ooxml import OOXMLFile

        output = io.BytesIO()
        handle.seek(0)
        OOXMLFile(handle).encrypt("secret", output)
    target.write_bytes(output.getvalue())


def make_missing(tmp_path, sample):
    return tmp_path / "不存在.xlsx"


def make_directory(tmp_path, sample):
    (tmp_path / "folder.xlsx").mkdir()
    return tmp_path / "folder.xlsx"


def make_empty(tmp_path, sample):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    return path


def make_xls(tmp_path, sample):
    # An OLE2 signature and a Workbook stream name, but no container behind them: a broken .xls.
    # (Real .xls, .et and .ods files are read: tests/workbook/test_file_formats.py.)
    path = tmp_path / "old.xls"
    path.write_bytes(OLE_HEADER + b"\0" * 1024 + "Workbook\0".encode("utf-16-le"))
    return path


def make_et(tmp_path, sample):
    path = tmp_path / "wps.et"
    path.write_bytes(OLE_HEADER + b"\0" * 1024)
    return path


def make_doc(tmp_path, sample):
    path = tmp_path / "renamed.xls"
    path.write_bytes(OLE_HEADER + b"\0" * 1024 + "WordDocument\0".encode("utf-16-le"))
    return path


def make_encrypted_ods(tmp_path, sample):
    path = tmp_path / "locked.ods"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("content.xml", b"\x8f\x12 encrypted bytes")
        package.writestr("META-INF/manifest.xml", '<manifest:encryption-data manifest:checksum-type="SHA1/1K"/>')
    return path


def make_encrypted(tmp_path, sample):
    path = tmp_path / "locked.xlsx"
    _encrypt(sample, path)
    return path


def make_csv(tmp_path, sample):
    path = tmp_path / "table.csv"
    path.write_text("项目,决算数\n合计,9909.15\n", encoding="utf-8")
    return path


def make_truncated(tmp_path, sample):
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(sample.read_bytes()[: sample.stat().st_size // 2])
    return path


def make_docx(tmp_path, sample):
    return copy_to(sample.with_name(sample.stem + "-情况说明.docx"), tmp_path, "narrative.xlsx")


def make_bad_crc(tmp_path, sample):
    data = bytearray(sample.read_bytes())
    with zipfile.ZipFile(sample) as package:
        info = package.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 10] ^= 0xFF  # flip a byte inside the compressed sheet
    path = tmp_path / "flipped.xlsx"
    path.write_bytes(bytes(data))
    return path


def make_plain_zip(tmp_path, sample):
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("readme.txt", "not a workbook")
    return path


CASES = [
    (make_missing, "file-not-found", "找不到文件"),
    (make_directory, "is-directory", "文件夹"),
    (make_empty, "empty-file", "空文件"),
    (make_xls, "corrupt-workbook", "Excel 97-2003"),
    (make_et, "legacy-format", "WPS 表格"),
    (make_encrypted, "encrypted-workbook", "密码"),
    (make_csv, "csv-not-workbook", "CSV"),
    (make_truncated, "corrupt-workbook", "已损坏"),
    (make_bad_crc, "corrupt-workbook", "已损坏"),
    (make_docx, "not-a-workbook", "Word 文档"),
    (make_plain_zip, "not-a-workbook", "不是 Excel 工作簿"),
    (make_doc, "not-a-workbook", "Word 97-2003 文档"),
    (make_encrypted_ods, "encrypted-workbook", "密码"),
]


@pytest.mark.parametrize("make, code, words", CASES, ids=[c[1] + "-" + c[0].__name__ for c in CASES])
def test_bad_files(tmp_path, sample_path, make, code, words):
    path = make(tmp_path, sample_path)
    with pytest.raises(WorkbookError) as caught:
        read_book(path)
    assert caught.value.code == code
    assert words in caught.value.message
    result = CliRunner().invoke(cli, ["tables", str(path)], standalone_mode=False)
    assert isinstance(result.exception, WorkbookError)


@pytest.mark.parametrize("make, code, words", CASES[:8:3], ids=[c[1] for c in CASES[:8:3]])
def test_bad_files_through_the_real_command(tmp_path, sample_path, make, code, words):
    path = make(tmp_path, sample_path)
    done = subprocess.run([sys.executable, "-m", "xlplugin", "tables", str(path)], capture_output=True, text=True)
    assert done.returncode == EXIT_CANNOT_CHECK
    assert words in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_sheet_renamed_beyond_recognition(tmp_path, sample_path, layout):
    def rename(workbook):
        sheet = workbook["公开05表"]
        sheet.title = "Sheet5"
        find_cell(sheet, "公开05表").value = None
        sheet["A1"] = "支出表"

    path = edit_workbook(copy_to(sample_path, tmp_path), rename)
    located = locate_book(read_book(path), layout)
    assert "公开05表" not in located.tables and len(located.tables) == 8
    message = located.not_found["公开05表"].message
    assert "找不到公开05表（一般公共预算财政拨款支出决算表）" in message and "Sheet5" in message
    done = subprocess.run([sys.executable, "-m", "xlplugin", "tables", str(path)], capture_output=True, text=True)
    assert done.returncode == EXIT_CANNOT_CHECK
    assert "找不到公开05表" in done.stderr
    assert "公开04表" in done.stdout  # the other tables are still listed


def test_header_that_cannot_be_found_says_what_was_looked_for(tmp_path, sample_path, layout):
    path = edit_workbook(
        copy_to(sample_path, tmp_path), lambda wb: setattr(find_cell(wb["公开03表"], "基本支出"), "value", "基本")
    )
    located = locate_book(read_book(path), layout)
    message = located.not_found["公开03表"].message
    assert "找不到表头“基本支出”" in message and "区块“支出”的列“基本支出”" in message


def test_workbook_of_another_kind(tmp_path, layout):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "员工花名册"
    path = tmp_path / "roster.xlsx"
    workbook.save(path)
    with pytest.raises(WorkbookError) as caught:
        locate_book(read_book(path), layout)
    assert caught.value.code == "not-this-template"


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_formula_without_cached_value_is_reported_not_blank(tmp_path, sample_path, layout, engine):
    def add_formula(workbook):
        find_cell(workbook["公开05表"], "2101102").offset(column=2).value = "=D50+E50"

    path = edit_workbook(copy_to(sample_path, tmp_path), add_formula)  # openpyxl never computes
    table = locate_book(read_book(path, engine=engine), layout).tables["公开05表"]
    value = table.value("2101102", "合计")
    assert value.status == "no-cached-value" and value.amount is None and not value.readable
    problem = next(p for p in table.problems if p.code == "no-cached-value")
    assert problem.severity == "错误" and problem.cell == value.cell and "=D50+E50" in problem.message


def test_text_in_number_cells(tmp_path, sample_path, layout):
    def write_text(workbook):
        sheet = workbook["公开02表"]
        row = find_cell(sheet, "2080101").row
        sheet.cell(row, 3).value = "9,06.84"  # not a number
        sheet.cell(row, 4).value = "（906.84）"
        row = find_cell(sheet, "2080102").row
        sheet.cell(row, 3).value = "４０．００"
        sheet.cell(row, 4).value = "—"

    path = edit_workbook(copy_to(sample_path, tmp_path), write_text)
    table = locate_book(read_book(path), layout).tables["公开02表"]
    bad = table.value("2080101", "本年收入合计")
    assert bad.status == "invalid" and bad.raw == "9,06.84"
    assert any(p.code == "not-a-number" and p.cell == bad.cell and "9,06.84" in p.message for p in table.problems)
    assert str(table.value("2080101", "财政拨款收入").amount.value) == "-906.84"
    assert table.value("2080102", "本年收入合计").amount.value == 40
    assert table.value("2080102", "本年收入合计").status == "text-number"
    assert table.value("2080102", "财政拨款收入").status == "dash"
    assert any(p.code == "number-as-text" and p.severity == "提示" for p in table.problems)
