"""Annotating and cleaning workbooks off the beaten track: control characters in cell text, chart
sheets, no styles part, a department's own sheet called 校验结果."""

import datetime
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from click.testing import CliRunner
from lxml import etree
from openpyxl.chart import BarChart, Reference

from tests.helpers import copy_to, edit_workbook
from xlplugin.core.findings import ERROR, Finding, Report
from xlplugin.doors.cli import cli
from xlplugin.output.annotate import MANIFEST_SHEET, annotate, clean
from xlplugin.output.marks import FILLS, RESULT_SHEET
from xlplugin.output.ooxml.sheet import plain_text, xml_text

WHEN = datetime.datetime(2022, 9, 1, 9, 30)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rewrite(path: Path, change) -> Path:
    """Rewrite the zip at ``path`` with ``change(parts)`` applied (a dict name → bytes, edited in place)."""
    contents = parts(path)
    change(contents)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    return path


def calamine_rows(path: Path, sheet: str) -> list[list]:
    return python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def sheet_names(path: Path) -> list[str]:
    root = etree.fromstring(parts(path)["xl/workbook.xml"])
    return [s.get("name") for s in root.iter(f"{{{MAIN}}}sheet")]


def annotate_cli(source: Path):
    result = CliRunner().invoke(cli, ["check", str(source), "--annotate"])
    assert result.exit_code == 1, result.output  # the sample has errors
    assert "内部错误" not in result.output
    target = source.with_name(f"{source.stem}.校验{source.suffix}")
    assert target.exists()
    return target


def clean_cli(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / "cleaned.xlsx"
    result = CliRunner().invoke(cli, ["clean", str(source), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.exists()
    return target


# ---------------------------------------------------------------------------------------------
# Control characters


def test_text_escape_round_trips():
    for text in [
        "约100\x08",
        "a\x0bb\x00c\x1f",
        "tab\tnew\nline\r",
        "_x0041_ stays literal",
        "_x00_ _xZZZZ_",
        "\ufffe\uffff",
        "普通文本",
    ]:
        escaped = xml_text(text)
        etree.Element("t").text = escaped  # lxml accepts it: XML 1.0 can hold every character left
        assert plain_text(escaped) == text
    assert xml_text("约100\x08") == "约100_x0008_"
    assert xml_text("_x0041_") == "_x005F_x0041_"
    assert xml_text("tab\tnew\nline") == "tab\tnew\nline"


def test_a_control_character_in_a_cell_does_not_break_annotate(tmp_path, sample_path):
    source = copy_to(sample_path, tmp_path, "ctrl.xlsx")
    # openpyxl will not write a raw control character; this is the escape Excel writes for \x08
    edit_workbook(source, lambda wb: wb["公开01表"].__setitem__("B6", "约100_x0008_"))
    target = annotate_cli(source)

    quoted = [row for row in calamine_rows(target, RESULT_SHEET) if any("约100" in str(v) for v in row)]
    assert quoted and all("约100\x08" in row[6] for row in quoted)  # Excel / calamine read the character back
    workbook = openpyxl.load_workbook(target)
    cell = workbook["公开01表"]["B6"]
    assert cell.fill.fgColor.rgb == FILLS[ERROR] and "约100_x0008_" in cell.comment.text  # stored escaped

    cleaned = clean_cli(target, tmp_path)
    assert RESULT_SHEET not in sheet_names(cleaned) and MANIFEST_SHEET not in sheet_names(cleaned)
    assert openpyxl.load_workbook(cleaned)["公开01表"]["B6"].comment is None


def test_awkward_text_in_findings_round_trips(tmp_path, sample_path):
    """Messages, values and sheet names with control characters or a literal ``_xHHHH_`` are written
    and read back exactly, in the result sheet, the comment and the manifest."""
    message = "内容“a\x0bb\x01”与 _x0041_ 不符"
    finding = Finding(
        "T-01", "测试\x0c", ERROR, "公开01表", "B6", "公开01表", "x", "值", "a\x0bb", Decimal(2), None, [], message
    )
    report = Report("ctrl.xlsx", "test", "1", [finding])
    target = annotate(sample_path, report, tmp_path / "a.xlsx", checked_at=WHEN).path
    rows = calamine_rows(target, RESULT_SHEET)
    row = next(r for r in rows if r[2] == "T-01")
    assert row[3] == "测试\x0c" and row[6] == message and row[7] == "a\x0bb"
    comment = etree.fromstring(next(data for name, data in parts(target).items() if name.startswith("xl/comments")))
    text = "".join(t.text or "" for t in comment.iter(f"{{{MAIN}}}t"))
    assert plain_text(text).count(message) == 1 and "_x005F_x0041_" in text

    # annotating again replaces, and cleaning restores, through the escaped texts
    again = annotate(target, report, tmp_path / "b.xlsx", checked_at=WHEN).path
    assert [r[2] for r in calamine_rows(again, RESULT_SHEET)].count("T-01") == 1
    cleaned = clean(again, tmp_path / "c.xlsx").path
    restored = openpyxl.load_workbook(cleaned)
    assert restored.sheetnames == openpyxl.load_workbook(sample_path).sheetnames
    assert restored["公开01表"]["B6"].comment is None


# ---------------------------------------------------------------------------------------------
# Chart sheets


def _add_chartsheet(workbook):
    chart = BarChart()
    chart.add_data(Reference(workbook["公开01表"], min_col=2, min_row=6, max_row=12))
    workbook.create_chartsheet("收入图").add_chart(chart)


def test_a_chart_sheet_survives_annotate_and_clean(tmp_path, sample_path):
    source = edit_workbook(sample_path, _add_chartsheet, tmp_path / "chart.xlsx")
    chart_part = next(name for name in parts(source) if name.startswith("xl/chartsheets/sheet"))
    original = parts(source)[chart_part]

    target = annotate_cli(source)
    assert "收入图" in sheet_names(target) and parts(target)[chart_part] == original
    workbook = openpyxl.load_workbook(target)
    assert workbook["公开03表"]["C22"].fill.fgColor.rgb == FILLS[ERROR]
    assert len(workbook["收入图"]._charts) == 1

    cleaned = clean_cli(target, tmp_path)
    assert sheet_names(cleaned) == sheet_names(source)
    assert parts(cleaned)[chart_part] == original
    assert openpyxl.load_workbook(cleaned)["公开03表"]["C60"].comment is None


# ---------------------------------------------------------------------------------------------
# No styles part


def _drop_styles(contents: dict[str, bytes]) -> None:
    del contents["xl/styles.xml"]
    rels = etree.fromstring(contents["xl/_rels/workbook.xml.rels"])
    for rel in list(rels):
        if rel.get("Type", "").endswith("/styles"):
            rels.remove(rel)
    contents["xl/_rels/workbook.xml.rels"] = etree.tostring(
        rels, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    types = etree.fromstring(contents["[Content_Types].xml"])
    for override in list(types):
        if override.get("PartName") == "/xl/styles.xml":
            types.remove(override)
    contents["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True)
    # with no styles, no cell can refer to one
    for name in [n for n in contents if n.startswith("xl/worksheets/sheet")]:
        root = etree.fromstring(contents[name])
        for element in root.iter(f"{{{MAIN}}}c", f"{{{MAIN}}}row", f"{{{MAIN}}}col"):
            for attribute in ("s", "style", "customFormat"):
                element.attrib.pop(attribute, None)
        contents[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _styles_part(path: Path) -> str:
    rels = etree.fromstring(parts(path)["xl/_rels/workbook.xml.rels"])
    found = [r.get("Target") for r in rels if r.get("Type", "").endswith("/styles")]
    assert len(found) == 1
    return "xl/" + found[0].lstrip("/").removeprefix("xl/")


def test_a_workbook_without_styles_can_be_annotated_and_cleaned(tmp_path, sample_path):
    source = rewrite(copy_to(sample_path, tmp_path, "nostyles.xlsx"), _drop_styles)
    assert "xl/styles.xml" not in parts(source)

    target = annotate_cli(source)
    part = _styles_part(target)
    assert part in parts(target)
    types = etree.fromstring(parts(target)["[Content_Types].xml"])
    assert any(o.get("PartName") == "/" + part and o.get("ContentType", "").endswith("styles+xml") for o in types)
    workbook = openpyxl.load_workbook(target)
    assert workbook["公开03表"]["C22"].fill.fgColor.rgb == FILLS[ERROR]
    assert workbook[RESULT_SHEET]["A9"].value == "序号"
    assert calamine_rows(target, "公开03表")  # calamine reads it too

    cleaned = clean_cli(target, tmp_path)
    restored = openpyxl.load_workbook(cleaned)
    assert restored["公开03表"]["C60"].fill.patternType is None and restored["公开03表"]["C60"].comment is None
    assert RESULT_SHEET not in restored.sheetnames


def test_missing_style_collections_are_created(tmp_path, sample_path):
    def strip(contents):
        root = etree.fromstring(contents["xl/styles.xml"])
        for name in ("fills", "borders", "cellStyleXfs"):
            for element in root.findall(f"{{{MAIN}}}{name}"):
                root.remove(element)
        for xf in root.iter(f"{{{MAIN}}}xf"):  # what is left must still be consistent
            xf.set("fillId", "0")
            xf.set("borderId", "0")
            xf.attrib.pop("xfId", None)
        contents["xl/styles.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    source = rewrite(copy_to(sample_path, tmp_path, "nofills.xlsx"), strip)
    target = annotate_cli(source)
    root = etree.fromstring(parts(target)["xl/styles.xml"])
    order = [etree.QName(e).localname for e in root]
    assert (
        order.index("fonts")
        < order.index("fills")
        < order.index("borders")
        < order.index("cellStyleXfs")
        < order.index("cellXfs")
    )
    fills = root.find(f"{{{MAIN}}}fills")
    assert [f.find(f"{{{MAIN}}}patternFill").get("patternType") for f in fills][:2] == ["none", "gray125"]
    assert openpyxl.load_workbook(target)["公开03表"]["C22"].fill.fgColor.rgb == FILLS[ERROR]
    clean_cli(target, tmp_path)


# ---------------------------------------------------------------------------------------------
# A sheet of the department's own called 校验结果


def _own_result_sheet(workbook):
    sheet = workbook.create_sheet(RESULT_SHEET)
    sheet["A1"], sheet["B1"] = "自查项目", "结果"
    sheet["A2"], sheet["B2"] = "三公经费", "已核对"


def test_clean_keeps_a_sheet_of_theirs_called_like_ours(tmp_path, sample_path):
    source = edit_workbook(sample_path, _own_result_sheet, tmp_path / "own.xlsx")
    cleaned = clean_cli(source, tmp_path)
    assert sheet_names(cleaned) == sheet_names(source)
    assert openpyxl.load_workbook(cleaned)[RESULT_SHEET]["B2"].value == "已核对"


def test_annotate_beside_a_sheet_of_theirs_called_like_ours(tmp_path, sample_path):
    source = edit_workbook(sample_path, _own_result_sheet, tmp_path / "own.xlsx")
    target = annotate_cli(source)
    names = sheet_names(target)
    ours = f"{RESULT_SHEET}（xlplugin）"
    assert len(names) == len(set(names)) and names[-2:] == [ours, MANIFEST_SHEET]
    workbook = openpyxl.load_workbook(target)
    assert workbook[RESULT_SHEET]["B2"].value == "已核对" and workbook[ours]["A9"].value == "序号"

    # again: still one result sheet of ours, theirs untouched; and 说明 carried over from ours
    edited = tmp_path / "edited.xlsx"
    row = next(r for r in range(10, 90) if workbook[ours].cell(r, 3).value == "CQ03-01")
    workbook[ours].cell(row, 11).value = "已核对。"
    workbook.save(edited)
    result = CliRunner().invoke(cli, ["check", str(edited), "--annotate"])
    assert result.exit_code == 1, result.output
    again = openpyxl.load_workbook(tmp_path / "edited.校验.xlsx")
    assert again.sheetnames.count(ours) == 1 and again[RESULT_SHEET]["B2"].value == "已核对"
    assert [again[ours].cell(r, 11).value for r in range(10, 90) if again[ours].cell(r, 3).value == "CQ03-01"][
        0
    ] == "已核对。"

    cleaned = clean_cli(target, tmp_path)
    assert sheet_names(cleaned) == sheet_names(source)
    assert openpyxl.load_workbook(cleaned)[RESULT_SHEET]["B2"].value == "已核对"


def test_our_result_sheet_without_the_manifest_is_still_removed(tmp_path, sample_path):
    """A 校验结果 laid out as ours (the Excel door writes no _xlplugin manifest) is ours to remove."""
    annotated = annotate_cli(copy_to(sample_path, tmp_path))
    workbook = openpyxl.load_workbook(annotated)
    del workbook[MANIFEST_SHEET]
    stripped = tmp_path / "no-manifest.xlsx"
    workbook.save(stripped)
    cleaned = clean_cli(stripped, tmp_path)
    assert RESULT_SHEET not in sheet_names(cleaned)


# ---------------------------------------------------------------------------------------------
# More comments on one sheet than one shape-id block holds


def _with_their_comments(sample_path, tmp_path, quote):
    """The sample with a department's note on 公开03表 and 公开01表 (openpyxl's VML: block 1 on both),
    its idmap attribute quoted with ``quote``."""
    import re
    import shutil as _shutil

    from openpyxl.comments import Comment

    def add(workbook):
        workbook["公开03表"]["A1"].comment = Comment("财务科备注", "张会计")
        workbook["公开01表"]["A1"].comment = Comment("财务科备注", "张会计")

    path = edit_workbook(copy_to(sample_path, tmp_path, "带批注.xlsx"), add)
    if quote == "'":
        rewritten = tmp_path / "单引号.xlsx"
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename.endswith(".vml"):
                    data = re.sub(rb'data="([\d,]+)"', rb"data='\1'", data)
                target.writestr(item, data)
        _shutil.move(rewritten, path)
    return path


@pytest.mark.parametrize("start", ["ours", 'theirs"', "theirs'"])
def test_more_than_1023_comments_on_a_sheet_get_ids_of_their_own(tmp_path, sample_path, start):
    """A drawing's idmap blocks own 1,024 shape ids each: past 1,023 notes the sheet claims another
    block no other drawing uses, so the new shape ids are unique and inside their drawing's blocks
    (Excel repairs the file otherwise) — in a drawing of ours, and in one another program wrote,
    however it quotes its idmap."""
    import re

    source = sample_path if start == "ours" else _with_their_comments(sample_path, tmp_path, start[-1])
    findings = [
        Finding(
            "T-01",
            "测试",
            ERROR,
            "公开03表",
            f"M{row}",
            "公开03表",
            "x",
            "值",
            Decimal(1),
            Decimal(2),
            None,
            [],
            "测试",
        )
        for row in range(1, 1101)
    ]
    findings.append(
        Finding(
            "T-02", "测试", ERROR, "公开01表", "B6", "公开01表", "x", "值", Decimal(1), Decimal(2), None, [], "测试"
        )
    )
    report = Report("many.xlsx", "test", "1", findings)
    target = annotate(source, report, tmp_path / "a.xlsx", checked_at=WHEN).path
    drawings = {name: data.decode() for name, data in parts(target).items() if name.endswith(".vml")}
    assert len(drawings) == 2
    # the department's own shapes keep their ids (openpyxl gives the first shape on every sheet the same one)
    theirs = {
        int(n)
        for name, data in parts(source).items()
        if name.endswith(".vml")
        for n in re.findall(rb'id="_x0000_s(\d+)"', data)
    }
    owned, ours = {}, []
    for name, vml in drawings.items():
        blocks = [int(b) for b in re.search(r"idmap\b[^>]*data=[\"']([\d,]+)", vml).group(1).split(",")]
        ids = [int(n) for n in re.findall(r'id="_x0000_s(\d+)"', vml)]
        assert all(i // 1024 in blocks for i in ids) and len(ids) == len(set(ids)), name
        owned[name] = blocks
        ours += [i for i in ids if i not in theirs]
    assert len(ours) == len(set(ours))
    # ours: block 1 and one more for the notes past 1,023; theirs: block 1 is shared, so ours come after
    assert sorted(len(b) for b in owned.values()) == ([1, 2] if start == "ours" else [2, 3])
    book = openpyxl.load_workbook(target)
    notes = sum(1 for row in book["公开03表"].iter_rows() for c in row if c.comment is not None)
    assert notes == 1100 + (start != "ours")

    cleaned = clean(target, tmp_path / "b.xlsx").path
    assert len([name for name in parts(cleaned) if name.endswith(".vml")]) == (0 if start == "ours" else 2)
