"""Annotated workbooks: findings on the cells, a result sheet, idempotent, cleanable, nothing lost."""

import datetime
import hashlib
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from lxml import etree
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from tests.helpers import copy_to, libreoffice_convert
from xlplugin.core.findings import ERROR, Finding, Report
from xlplugin.doors.cli import cli
from xlplugin.engine.run import run_pack
from xlplugin.output.annotate import MANIFEST_SHEET, annotate, clean
from xlplugin.output.marks import EXPLANATIONS_SHEET, FILLS, RESULT_SHEET, cell_marks, read_explanations
from xlplugin.packs.load import load_pack
from xlplugin.packs.resolve import find_pack
from xlplugin.workbook.locate import locate_book
from xlplugin.workbook.readers import read_book

WHEN = datetime.datetime(2022, 9, 1, 9, 30)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@pytest.fixture(scope="module")
def pack():
    return load_pack(find_pack("cq-2021"))


def check(pack, path, name="工作簿.xlsx"):
    book = read_book(path)
    return run_pack(pack, locate_book(book, pack.layout), name), book


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def canonical(data: bytes) -> bytes:
    try:
        return etree.tostring(etree.fromstring(data), method="c14n")
    except etree.XMLSyntaxError:
        return data


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture
def hard_workbook(tmp_path, sample_path) -> Path:
    """The sample with the hard parts added: user comments (one on a cell that gets findings), data
    validation, conditional formatting, a chart, defined names, a hidden sheet, a print area."""
    workbook = openpyxl.load_workbook(sample_path)
    t03 = workbook["公开03表"]
    t03["C60"].comment = Comment("请财务科复核 229 的分列。", "张会计")
    t03["B7"].comment = Comment("类级科目，勿改名称。", "李科长")
    validation = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", showErrorMessage=True)
    t03.add_data_validation(validation)
    validation.add("D7:H65")
    t03.conditional_formatting.add(
        "C7:C65",
        CellIsRule(operator="lessThan", formula=["0"], fill=openpyxl.styles.PatternFill("solid", fgColor="FF9999")),
    )
    t01 = workbook["公开01表"]
    chart = BarChart()
    chart.add_data(Reference(t01, min_col=4, min_row=6, max_row=31))
    t01.add_chart(chart, "F5")
    workbook.defined_names["收入总计"] = DefinedName("收入总计", attr_text="'公开01表'!$B$35")
    t01.print_area = "A1:D36"
    hidden = workbook.create_sheet("内部底稿")
    hidden["A1"] = "仅供内部使用"
    hidden.sheet_state = "hidden"
    path = tmp_path / "难样本.xlsx"
    workbook.save(path)
    return path


# ---------------------------------------------------------------------------------------------
# What the copy shows


def test_cli_annotated_copy_beside_the_input(tmp_path, sample_path):
    source = copy_to(sample_path, tmp_path)
    before = digest(source)
    result = CliRunner().invoke(cli, ["check", str(source), "--annotate", "--level", "error"])
    assert result.exit_code == 1
    target = tmp_path / f"{source.stem}.校验.xlsx"
    assert target.exists() and digest(source) == before
    assert "已写入标注副本" in result.stderr and "27 个单元格" in result.stderr

    workbook = openpyxl.load_workbook(target)
    cell = workbook["公开03表"]["C22"]
    assert cell.value == 10.79 and cell.fill.fgColor.rgb == FILLS[ERROR]
    assert cell.comment.author == "xlplugin"
    text = cell.comment.text
    assert "[错误] CQ03-01 本年支出合计等于各类支出之和" in text and "应为 0.00；实际 10.79；差 10.79" in text
    # a cell with several findings has one comment holding them all
    headings = {
        (sheet.title, c.coordinate): re.findall(r"(?:错误|警告|提示) (\d+)", c.comment.text.splitlines()[0])
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for c in row
        if c.comment is not None and c.comment.text.startswith("xlplugin 校验：")
    }
    shared = [(place, sum(map(int, counts))) for place, counts in headings.items() if sum(map(int, counts)) > 1]
    assert shared
    for (sheet, ref), count in shared:
        assert len(re.findall(r"^\[(?:错误|警告|提示)\] ", workbook[sheet][ref].comment.text, re.M)) == count
    # a difference within rounding is a 提示 in 校验结果 but colours no cell (XLPLUGIN_MARK_INFO=1 to colour it)
    assert workbook["公开01表"]["D13"].fill.fgColor.rgb != FILLS["提示"]
    assert any(r[1] == "提示" and r[5] == "公开01表!D13" for r in workbook[RESULT_SHEET].iter_rows(values_only=True))

    results = workbook[RESULT_SHEET]
    assert workbook.sheetnames[-2:] == [RESULT_SHEET, MANIFEST_SHEET]
    assert workbook[MANIFEST_SHEET].sheet_state == "veryHidden"
    assert results["B2"].value.startswith("不通过：13 个错误")
    assert results["B6"].value == "错误 13 · 警告 13 · 提示 43 · 未执行规则 0"
    assert [c.value for c in results[9]] == [
        "序号",
        "级别",
        "规则",
        "规则名称",
        "表",
        "位置",
        "问题",
        "应为",
        "实际",
        "差额",
        "说明",
        "建议值",
    ]
    rows = list(results.iter_rows(min_row=10, max_row=84, values_only=True))
    assert len([r for r in rows if r[0]]) == 69
    assert [r[1] for r in rows[:13]] == [ERROR] * 13  # errors first
    first = rows[0]
    assert first[2] == "CQ03-01" and first[5] == "公开03表!C22" and first[8] == Decimal("10.79") or first[8] == 10.79
    assert results["F10"].hyperlink.location == "'公开03表'!C22"
    assert results.freeze_panes == "A10" and results.auto_filter.ref == "A9:L78"
    # a narrative finding marks its paragraph and the table cell it was compared with
    paragraph = workbook["情况说明"]["A27"]
    assert paragraph.fill.fgColor.rgb == FILLS[ERROR] and "CQW-50" in paragraph.comment.text


def test_annotate_to_and_refusing_to_overwrite_the_input(tmp_path, sample_path):
    source = copy_to(sample_path, tmp_path)
    before = digest(source)
    target = tmp_path / "out" / "标注.xlsx"
    result = CliRunner().invoke(cli, ["check", str(source), "--annotate-to", str(target)])
    assert result.exit_code == 1 and target.exists() and digest(source) == before
    result = CliRunner().invoke(cli, ["check", str(source), "--annotate-to", str(source)])
    assert result.exit_code == 2 and "不能覆盖原文件" in result.output and digest(source) == before


def test_in_place_keeps_a_backup(tmp_path, sample_path):
    source = copy_to(sample_path, tmp_path)
    before = digest(source)
    result = CliRunner().invoke(cli, ["check", str(source), "--in-place"])
    assert result.exit_code == 1
    backup = tmp_path / f"{source.stem}.备份.xlsx"
    assert digest(backup) == before and digest(source) != before
    assert RESULT_SHEET in openpyxl.load_workbook(source).sheetnames


# ---------------------------------------------------------------------------------------------
# Nothing lost


def _cells(root):
    return {c.get("r"): c for c in root.iter(f"{{{MAIN}}}c")}


def assert_only_our_additions(original: Path, annotated: Path, marked: dict[str, set[str]]):
    """Every part the annotation does not own is byte-identical; the ones it edits differ only by
    our cell styles, our comments and our sheets."""
    before, after = parts(original), parts(annotated)
    assert set(before) <= set(after)
    with zipfile.ZipFile(original) as archive:
        sheet_parts = {}
        workbook = etree.fromstring(archive.read("xl/workbook.xml"))
        rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): "xl/" + r.get("Target").lstrip("/").removeprefix("xl/") for r in rels}
        for sheet in workbook.iter(f"{{{MAIN}}}sheet"):
            sheet_parts[
                targets[sheet.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")]
            ] = sheet.get("name")
    for name, data in before.items():
        if data == after[name]:
            continue
        if name in sheet_parts:
            old_root, new_root = etree.fromstring(data), etree.fromstring(after[name])
            ours = marked.get(sheet_parts[name], set())
            old_cells, new_cells = _cells(old_root), _cells(new_root)
            for ref, cell in old_cells.items():
                copy = new_cells[ref]
                attributes = dict(copy.attrib)
                if ref in ours:
                    attributes.pop("s", None)
                    expected = {k: v for k, v in cell.attrib.items() if k != "s"}
                else:
                    expected = dict(cell.attrib)
                assert attributes == expected, (name, ref)
                assert [etree.tostring(c, method="c14n") for c in copy] == [
                    etree.tostring(c, method="c14n") for c in cell
                ], (name, ref)
            for ref in set(new_cells) - set(old_cells):
                assert ref in ours and len(new_cells[ref]) == 0, (name, ref)
            skip = (f"{{{MAIN}}}sheetData", f"{{{MAIN}}}legacyDrawing")
            old_rest = [etree.tostring(e, method="c14n") for e in old_root if e.tag not in skip]
            new_rest = [etree.tostring(e, method="c14n") for e in new_root if e.tag not in skip]
            assert old_rest == new_rest, name
            old_drawing = old_root.find(f"{{{MAIN}}}legacyDrawing")
            if old_drawing is not None:  # the user's comments drawing is kept, not replaced
                assert etree.tostring(new_root.find(f"{{{MAIN}}}legacyDrawing")) == etree.tostring(old_drawing)
        elif name == "xl/styles.xml":
            old_root, new_root = etree.fromstring(data), etree.fromstring(after[name])
            for old_collection, new_collection in zip(old_root, new_root):
                old_items = [etree.tostring(i, method="c14n") for i in old_collection]
                assert [etree.tostring(i, method="c14n") for i in new_collection][: len(old_items)] == old_items
        elif name == "xl/workbook.xml":
            old_sheets = [dict(s.attrib) for s in etree.fromstring(data).iter(f"{{{MAIN}}}sheet")]
            new_sheets = [dict(s.attrib) for s in etree.fromstring(after[name]).iter(f"{{{MAIN}}}sheet")]
            assert new_sheets[: len(old_sheets)] == old_sheets
            assert [s["name"] for s in new_sheets[len(old_sheets) :]] == [RESULT_SHEET, MANIFEST_SHEET]
        elif name.endswith(".rels") or name == "[Content_Types].xml":
            old_items = {etree.tostring(e, method="c14n") for e in etree.fromstring(data)}
            assert old_items <= {etree.tostring(e, method="c14n") for e in etree.fromstring(after[name])}, name
        elif name.startswith("xl/comments"):
            continue  # user comments: checked below by reading them back
        elif name.endswith(".vml"):  # the user's comment shapes are all still there
            text = after[name].decode("utf-8")
            for shape in re.finditer(r"<((?:\w+:)?)shape\b.*?</\1shape>", data.decode("utf-8"), re.S):
                assert shape.group(0) in text, name
        else:
            raise AssertionError(f"{name} changed")


def _marked(report: Report) -> dict[str, set[str]]:
    """The cells an annotation colours: those of the findings a department should look at."""
    sheets = {f.sheet for f in report.findings} | {place[0] for f in report.findings for place in f.also_mark}
    return {sheet: set(cells) for sheet, cells in cell_marks(report, sheets).items()}


def _cells_marked(report: Report) -> int:
    return sum(len(cells) for cells in _marked(report).values())


def test_fidelity_on_the_sample(tmp_path, pack, sample_path):
    report, _ = check(pack, sample_path)
    target = annotate(sample_path, report, tmp_path / "a.xlsx", checked_at=WHEN).path
    assert_only_our_additions(sample_path, target, _marked(report))


def test_fidelity_with_the_hard_parts(tmp_path, pack, hard_workbook):
    report, _ = check(pack, hard_workbook)
    before = digest(hard_workbook)
    target = annotate(hard_workbook, report, tmp_path / "a.xlsx", checked_at=WHEN).path
    assert digest(hard_workbook) == before
    assert_only_our_additions(hard_workbook, target, _marked(report))
    workbook = openpyxl.load_workbook(target)
    t03 = workbook["公开03表"]
    assert t03["B7"].comment.text == "类级科目，勿改名称。" and t03["B7"].comment.author == "李科长"
    shared = t03["C60"].comment
    assert shared.author == "张会计" and shared.text.startswith("请财务科复核 229 的分列。")
    assert "—— xlplugin 校验 ——" in shared.text and "CQ03-01" in shared.text
    assert str(t03.data_validations.dataValidation[0].sqref) == "D7:H65"
    assert len(t03.conditional_formatting) == 1
    assert workbook["内部底稿"].sheet_state == "hidden"
    assert "收入总计" in workbook.defined_names
    with zipfile.ZipFile(target) as archive:
        assert any(name.startswith("xl/charts/chart") for name in archive.namelist())


def test_vba_of_an_xlsm_survives(tmp_path):
    import xlwings

    source = copy_to(Path(xlwings.__file__).parent / "quickstart.xlsm", tmp_path)
    sheet = openpyxl.load_workbook(source, keep_vba=True).sheetnames[0]
    finding = Finding(
        "T-01", "测试", ERROR, sheet, "B2", sheet, "x", "值", Decimal(1), Decimal(2), Decimal(1), [], "测试问题"
    )
    report = Report("quickstart.xlsm", "test", "1", [finding])
    target = annotate(source, report, tmp_path / "quickstart.校验.xlsm", checked_at=WHEN).path
    before, after = parts(source), parts(target)
    vba = [name for name in before if name.endswith("vbaProject.bin")]
    assert vba and all(after[name] == before[name] for name in vba)
    types = etree.fromstring(after["[Content_Types].xml"])
    assert any("macroEnabled" in (o.get("ContentType") or "") for o in types)
    assert openpyxl.load_workbook(target, keep_vba=True)[sheet]["B2"].comment is not None
    cleaned = clean(target, tmp_path / "clean.xlsm").path
    assert {n: canonical(d) for n, d in parts(cleaned).items()} == {n: canonical(d) for n, d in before.items()}


# ---------------------------------------------------------------------------------------------
# Idempotence, 说明, clean


def test_annotating_three_times_equals_annotating_once(tmp_path, pack, sample_path):
    report, _ = check(pack, sample_path)
    once = annotate(sample_path, report, tmp_path / "1.xlsx", checked_at=WHEN).path
    current = once
    for round_number in (2, 3):
        again, _ = check(pack, current)
        assert again.flatten() == report.flatten()
        current = annotate(current, again, tmp_path / f"{round_number}.xlsx", checked_at=WHEN).path
    assert parts(current) == parts(once)


def test_clean_restores_the_input(tmp_path, pack, hard_workbook):
    report, _ = check(pack, hard_workbook)
    annotated = annotate(hard_workbook, report, tmp_path / "a.xlsx", checked_at=WHEN).path
    before = digest(annotated)
    result = CliRunner().invoke(cli, ["clean", str(annotated), "-o", str(tmp_path / "c.xlsx")])
    assert (
        result.exit_code == 0
        and f"恢复 {_cells_marked(report)} 个单元格" in result.output
        and digest(annotated) == before
    )
    original = {n: canonical(d) for n, d in parts(hard_workbook).items()}
    assert {n: canonical(d) for n, d in parts(tmp_path / "c.xlsx").items()} == original


def test_explanations_are_kept_when_another_program_saved_in_between(tmp_path, pack, sample_path):
    report, _ = check(pack, sample_path)
    annotated = annotate(sample_path, report, tmp_path / "a.xlsx", checked_at=WHEN).path
    workbook = openpyxl.load_workbook(annotated)  # the department edits and saves (styles renumbered)
    results = workbook[RESULT_SHEET]
    row = next(
        r for r in range(10, 50) if results.cell(r, 6).value == "公开03表!C60" and results.cell(r, 3).value == "CQ03-01"
    )
    results.cell(row, 11).value = "229 已与项目支出核对，将补填分列。"
    edited = tmp_path / "edited.xlsx"
    workbook.save(edited)

    again, book = check(pack, edited)
    notes = read_explanations(book)
    assert notes == {("CQ03-01", "公开03表!C60"): "229 已与项目支出核对，将补填分列。"}
    second = annotate(edited, again, tmp_path / "b.xlsx", explanations=notes, checked_at=WHEN).path
    workbook = openpyxl.load_workbook(second)
    assert workbook.sheetnames.count(RESULT_SHEET) == 1
    results = workbook[RESULT_SHEET]
    kept = [
        results.cell(r, 11).value
        for r in range(10, 50)
        if results.cell(r, 6).value == "公开03表!C60" and results.cell(r, 3).value == "CQ03-01"
    ]
    assert kept == ["229 已与项目支出核对，将补填分列。"]
    assert workbook["公开03表"]["C60"].comment.text.count("xlplugin 校验：") == 1

    cleaned = clean(second, tmp_path / "c.xlsx").path
    original, restored = openpyxl.load_workbook(sample_path), openpyxl.load_workbook(cleaned)
    assert restored.sheetnames == original.sheetnames + [EXPLANATIONS_SHEET]  # the 说明 travel on
    for sheet, refs in _marked(report).items():
        for ref in refs:
            old, new = original[sheet][ref].fill, restored[sheet][ref].fill
            assert (new.patternType, new.fgColor.rgb, new.bgColor.rgb) == (
                old.patternType,
                old.fgColor.rgb,
                old.bgColor.rgb,
            ), (sheet, ref)
            assert restored[sheet][ref].comment is None


# ---------------------------------------------------------------------------------------------
# A real spreadsheet application, atomic writes


def test_libreoffice_opens_and_resaves_the_annotated_copy(tmp_path, pack, sample_path):
    report, _ = check(pack, sample_path)
    annotated = annotate(sample_path, report, tmp_path / "a.xlsx", checked_at=WHEN).path
    resaved = libreoffice_convert(annotated, "xlsx", tmp_path)
    workbook = openpyxl.load_workbook(resaved)
    assert workbook["公开03表"]["C22"].comment.text.startswith("xlplugin 校验：错误 1")
    assert workbook["公开03表"]["C22"].fill.fgColor.rgb == FILLS[ERROR]
    assert workbook[RESULT_SHEET]["F10"].hyperlink.location == "'公开03表'!C22"
    # …and what LibreOffice wrote can still be cleaned, even though it dropped the comment authors
    cleaned = openpyxl.load_workbook(clean(resaved, tmp_path / "c.xlsx").path)
    assert RESULT_SHEET not in cleaned.sheetnames and MANIFEST_SHEET not in cleaned.sheetnames
    assert cleaned["公开03表"]["C22"].comment is None


def test_a_failed_write_leaves_no_file(tmp_path, pack, sample_path, monkeypatch):
    report, _ = check(pack, sample_path)
    target = tmp_path / "a.xlsx"

    def broken(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", broken)
    with pytest.raises(OSError):
        annotate(sample_path, report, target, checked_at=WHEN)
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_rounding_and_coverage_notes_colour_cells_only_when_asked(tmp_path, sample_path, monkeypatch):
    """A department's copy colours the cells of errors, warnings and their consequences; the 提示
    that a difference is within rounding and the list of numbers no rule checked stay in 校验结果.
    ``XLPLUGIN_MARK_INFO=1`` (for pack authors) colours those cells too."""
    source = copy_to(sample_path, tmp_path)
    quiet = CliRunner().invoke(cli, ["check", str(source), "--annotate-to", str(tmp_path / "默认.xlsx")])
    monkeypatch.setenv("XLPLUGIN_MARK_INFO", "1")
    loud = CliRunner().invoke(cli, ["check", str(source), "--annotate-to", str(tmp_path / "全部.xlsx")])
    assert "（27 个单元格" in quiet.stderr and "（66 个单元格" in loud.stderr
    assert openpyxl.load_workbook(tmp_path / "全部.xlsx")["公开01表"]["D13"].fill.fgColor.rgb == FILLS["提示"]
