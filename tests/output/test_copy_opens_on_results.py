"""The annotated copy opens on 校验结果 (#18 item 7): the active tab, scrolled into view, the only tab
selected, the department's sheets in their order — and clean gives the workbook view back. Each note's
box is sized to its text instead of a fixed 320 × 130 pt."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
from lxml import etree

from tests.helpers import copy_to, edit_workbook, libreoffice_convert, run_cli
from xlplugin.output.annotate import MANIFEST_SHEET, clean
from xlplugin.output.marks import RESULT_SHEET
from xlplugin.output.ooxml.note_box import MAX_SIZE, MIN_SIZE, box_size
from xlplugin.output.ooxml.views import TABS_BEFORE

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def canonical(data: bytes) -> bytes:
    return etree.tostring(etree.fromstring(data), method="c14n")


def tabs(path: Path) -> tuple[list[tuple[str, str, bool]], dict[str, str]]:
    """(name, state, tab selected) of every sheet in order, and the first workbook view's attributes."""
    contents = parts(path)
    book = etree.fromstring(contents["xl/workbook.xml"])
    rels = etree.fromstring(contents["xl/_rels/workbook.xml.rels"])
    targets = {r.get("Id"): "xl/" + r.get("Target").lstrip("/").removeprefix("xl/") for r in rels}
    found = []
    for sheet in book.iter(f"{{{MAIN}}}sheet"):
        root = etree.fromstring(contents[targets[sheet.get(f"{{{REL}}}id")]])
        view = root.find(f"{{{MAIN}}}sheetViews/{{{MAIN}}}sheetView")
        selected = view is not None and view.get("tabSelected") in ("1", "true")
        found.append((sheet.get("name"), sheet.get("state", "visible"), selected))
    view = book.find(f"{{{MAIN}}}bookViews/{{{MAIN}}}workbookView")
    return found, dict(view.attrib) if view is not None else {}


def annotate_cli(source: Path) -> Path:
    result = run_cli("check", source, "--annotate")
    assert result.exit_code == 1, result.output
    return source.with_name(f"{source.stem}.校验{source.suffix}")


def grouped(workbook):
    """The department left two tabs selected (grouped) and the fourth tab active, tabs scrolled by one."""
    workbook.active = 3
    workbook.views[0].firstSheet = 1
    for index in (3, 4):
        workbook.worksheets[index].sheet_view.tabSelected = True


def test_the_copy_opens_on_the_result_sheet(tmp_path, sample_path):
    source = edit_workbook(copy_to(sample_path, tmp_path, "单位.xlsx"), grouped)
    before, _ = tabs(source)
    assert [s for s in before if s[2]] and sum(s[2] for s in before) == 2

    annotated = annotate_cli(source)
    after, view = tabs(annotated)
    names = [name for name, _, _ in after]
    assert names == [name for name, _, _ in before] + [RESULT_SHEET, MANIFEST_SHEET]  # their order kept
    result = names.index(RESULT_SHEET)
    assert int(view["activeTab"]) == result
    assert [name for name, _, selected in after if selected] == [RESULT_SHEET]  # no grouped tabs
    first = int(view.get("firstSheet", "0"))
    visible_before = [i for i, (_, state, _) in enumerate(after[:result]) if state == "visible"]
    assert first == visible_before[-TABS_BEFORE] and after[first][1] == "visible"  # 校验结果 in view
    assert openpyxl.load_workbook(annotated).active.title == RESULT_SHEET


def test_clean_gives_the_view_back(tmp_path, sample_path):
    source = edit_workbook(copy_to(sample_path, tmp_path, "单位.xlsx"), grouped)
    original = parts(source)
    cleaned = clean(annotate_cli(source), tmp_path / "c.xlsx").path
    assert tabs(cleaned) == tabs(source)
    restored = parts(cleaned)
    for name, data in original.items():  # every sheet part and the workbook part, as they were
        if name.startswith("xl/worksheets/sheet") or name == "xl/workbook.xml":
            assert restored[name] == data or canonical(restored[name]) == canonical(data), name


def test_a_workbook_without_a_workbook_view(tmp_path, sample_path):
    def drop_views(contents):
        root = etree.fromstring(contents["xl/workbook.xml"])
        for views in root.findall(f"{{{MAIN}}}bookViews"):
            root.remove(views)
        contents["xl/workbook.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    source = copy_to(sample_path, tmp_path, "无视图.xlsx")
    contents = parts(source)
    drop_views(contents)
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    annotated = annotate_cli(source)
    _, view = tabs(annotated)
    assert view["activeTab"] == str(len(openpyxl.load_workbook(source).sheetnames))
    cleaned = clean(annotated, tmp_path / "c.xlsx").path
    assert b"bookViews" not in parts(cleaned)["xl/workbook.xml"]


def test_libreoffice_opens_it_on_the_result_sheet(tmp_path, sample_path):
    """A real spreadsheet application takes the active tab from the copy (and keeps it when saving)."""
    annotated = annotate_cli(copy_to(sample_path, tmp_path, "单位.xlsx"))
    resaved = libreoffice_convert(annotated, "xlsx", tmp_path)
    assert openpyxl.load_workbook(resaved).active.title == RESULT_SHEET


# ---------------------------------------------------------------------------------------------
# Note boxes


def test_box_size_follows_the_text():
    short = box_size("xlplugin 校验：警告 1\n[警告] CQN-01 名称")
    assert short == (MIN_SIZE[0], short[1]) and MIN_SIZE[1] <= short[1] < 100
    wide_latin, wide_cjk = box_size("a" * 90), box_size("汉" * 90)
    assert wide_cjk[0] > wide_latin[0]  # a CJK character takes two columns
    wide_latin, wide_cjk = box_size("a" * 200), box_size("汉" * 200)
    assert wide_cjk[0] == wide_latin[0] == MAX_SIZE[0] and wide_cjk[1] > wide_latin[1]  # too wide: it wraps
    assert box_size("一行\n" * 20)[1] > box_size("一行\n" * 5)[1]
    assert box_size("很长的一行" * 1000) == MAX_SIZE  # never beyond the maximum


_SHAPE = re.compile(r"<v:shape\b[^>]*style=\"[^\"]*width:([\d.]+)pt;height:([\d.]+)pt.*?</v:shape>", re.S)
_ANCHOR = re.compile(r"<x:Anchor>([^<]+)</x:Anchor>")
_CELL = re.compile(r"<x:Row>(\d+)</x:Row><x:Column>(\d+)</x:Column>")


def test_note_boxes_in_the_copy_fit_their_notes(tmp_path, sample_path):
    annotated = annotate_cli(copy_to(sample_path, tmp_path, "单位.xlsx"))
    workbook = openpyxl.load_workbook(annotated)
    contents = parts(annotated)
    sheet = workbook["公开03表"]
    drawing = next(
        data.decode("utf-8")
        for name, data in contents.items()
        if name.endswith(".vml") and b"<x:Row>21</x:Row><x:Column>2</x:Column>" in data  # 公开03表!C22
    )
    widths = _column_pixels(contents, "公开03表")
    sizes = set()
    for shape in _SHAPE.finditer(drawing):
        width, height = float(shape.group(1)), float(shape.group(2))
        row, column = map(int, _CELL.search(shape.group(0)).groups())
        text = sheet.cell(row + 1, column + 1).comment.text
        assert (width, height) == box_size(text)
        lines = text.split("\n")
        if width < MAX_SIZE[0]:  # every line fits on one line of the box
            assert height >= 12 * len(lines)
        sizes.add((width, height))
        # the anchor spans the same width over the sheet's own column widths (pixels: 4/3 of a point)
        left, left_offset, _, _, right, right_offset, _, _ = map(
            int, _ANCHOR.search(shape.group(0)).group(1).split(",")
        )
        pixels = sum(widths.get(c, 64) for c in range(left, right)) - left_offset + right_offset
        assert abs(pixels - width * 4 / 3) <= 1
    assert len(sizes) > 1  # not one fixed size


def _column_pixels(contents: dict[str, bytes], name: str) -> dict[int, int]:
    """Widths in pixels (as Excel draws them) of the columns sheet ``name`` sets, by 0-based index."""
    book = etree.fromstring(contents["xl/workbook.xml"])
    rels = etree.fromstring(contents["xl/_rels/workbook.xml.rels"])
    rel_id = next(s.get(f"{{{REL}}}id") for s in book.iter(f"{{{MAIN}}}sheet") if s.get("name") == name)
    target = next(r.get("Target") for r in rels if r.get("Id") == rel_id)
    root = etree.fromstring(contents["xl/" + target.lstrip("/").removeprefix("xl/")])
    widths = {}
    for column in root.iter(f"{{{MAIN}}}col"):
        for index in range(int(column.get("min")) - 1, int(column.get("max"))):
            widths[index] = int(float(column.get("width")) * 7 + 5)
    return widths
