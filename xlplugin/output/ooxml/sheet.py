"""A worksheet part: find or create cells in ``sheetData`` and change their style index.

Rows and cells are kept in order; a cell that did not exist is created empty. Nothing else in the
sheet (values, formulas, merges, validations, conditional formats, drawings) is touched.

Every text xlplugin writes into a ``<t>`` (cells, comments) goes through :func:`xml_text`.
"""

from __future__ import annotations

import re

from lxml import etree

from xlplugin.core.cells import a1, parse_a1
from xlplugin.output.ooxml.package import MAIN, NS, Package

# Characters XML 1.0 cannot hold (C0 controls but tab/LF/CR, U+FFFE/U+FFFF, lone surrogates), and a
# literal text that would read as an escape.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LOOKS_ESCAPED = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")


def xml_text(text: str) -> str:
    """``text`` as OOXML string content (ST_Xstring): a character XML 1.0 cannot hold becomes
    ``_xHHHH_``, and a literal ``_xHHHH_`` gets its underscore escaped as ``_x005F_``.

    This is the escape Excel itself writes for such characters, so Excel, calamine and openpyxl
    read the original text back exactly (a message that quotes a cell pasted from Word with a
    vertical tab shows that cell's text). Replacing the characters (U+FFFD, a space) would lose
    them for good and make a quoted text differ from the cell it quotes."""
    text = _LOOKS_ESCAPED.sub("_x005F_", text)
    return _NOT_XML.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


def plain_text(text: str) -> str:
    """The inverse of :func:`xml_text`: ``_xHHHH_`` escapes decoded."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


#: Worksheet children that must come after <legacyDrawing> (CT_Worksheet sequence).
AFTER_LEGACY_DRAWING = (
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
)


class SheetXml:
    """One worksheet's XML with an index of its rows and cells."""

    def __init__(self, root: etree._Element):
        self.root = root
        self.data = root.find("m:sheetData", NS)
        self.rows: dict[int, etree._Element] = {}
        self.cells: dict[tuple[int, int], etree._Element] = {}
        implicit_row = 0
        for row in self.data.findall("m:row", NS):
            number = int(row.get("r")) - 1 if row.get("r") else implicit_row
            implicit_row = number + 1
            self.rows[number] = row
            implicit_col = 0
            for cell in row.findall("m:c", NS):
                position = parse_a1(cell.get("r")) if cell.get("r") else (number, implicit_col)
                implicit_col = position[1] + 1
                self.cells[position] = cell

    def cell(self, ref: str, create: bool = False) -> etree._Element | None:
        row, col = parse_a1(ref)
        found = self.cells.get((row, col))
        if found is not None or not create:
            return found
        row_element = self.rows.get(row)
        if row_element is None:
            row_element = etree.Element(f"{{{MAIN}}}row", r=str(row + 1))
            later = [r for number, r in self.rows.items() if number > row]
            if later:
                min(later, key=lambda r: int(r.get("r"))).addprevious(row_element)
            else:
                self.data.append(row_element)
            self.rows[row] = row_element
        cell = etree.Element(f"{{{MAIN}}}c", r=a1(row, col))
        later_cells = [(c, e) for (r, c), e in self.cells.items() if r == row and c > col]
        if later_cells:
            min(later_cells, key=lambda item: item[0])[1].addprevious(cell)
        else:
            row_element.append(cell)
        self.cells[(row, col)] = cell
        return cell

    def style_of(self, ref: str) -> int:
        """The cell's style index; a missing cell falls back to its row's, then the column's style."""
        cell = self.cell(ref)
        if cell is not None and cell.get("s"):
            return int(cell.get("s"))
        row, col = parse_a1(ref)
        row_element = self.rows.get(row)
        if row_element is not None and row_element.get("customFormat") == "1" and row_element.get("s"):
            return int(row_element.get("s"))
        for column in self.root.findall("m:cols/m:col", NS):
            if int(column.get("min")) <= col + 1 <= int(column.get("max")) and column.get("style"):
                return int(column.get("style"))
        return 0

    def remove_if_empty(self, ref: str) -> None:
        """Drop a cell element with no value, formula or style (one xlplugin created), and its row
        if that is left as a bare ``<row r="…"/>``."""
        cell = self.cell(ref)
        if cell is not None and len(cell) == 0 and set(cell.attrib) <= {"r"}:
            row = cell.getparent()
            row.remove(cell)
            del self.cells[parse_a1(ref)]
            if len(row) == 0 and set(row.attrib) <= {"r"}:
                row.getparent().remove(row)
                self.rows = {n: r for n, r in self.rows.items() if r is not row}

    def set_legacy_drawing(self, rel_id: str | None) -> None:
        """Point the sheet at a VML drawing (or remove the pointer with ``None``)."""
        existing = self.root.find("m:legacyDrawing", NS)
        if rel_id is None:
            if existing is not None:
                self.root.remove(existing)
            return
        if existing is not None:
            existing.set(f"{{{NS['r']}}}id", rel_id)
            return
        element = etree.Element(f"{{{MAIN}}}legacyDrawing")
        element.set(f"{{{NS['r']}}}id", rel_id)
        for name in AFTER_LEGACY_DRAWING:
            follower = self.root.find(f"m:{name}", NS)
            if follower is not None:
                follower.addprevious(element)
                return
        self.root.append(element)

    def legacy_drawing_id(self) -> str | None:
        element = self.root.find("m:legacyDrawing", NS)
        return element.get(f"{{{NS['r']}}}id") if element is not None else None


def build_sheet(
    rows: list[list[tuple[object, int] | None]],
    widths: list[float],
    *,
    freeze_rows: int = 0,
    autofilter: str | None = None,
    hyperlinks: list[tuple[str, str]] = (),
    heights: dict[int, float] | None = None,
    tab_color: str | None = None,
    merges: list[str] = (),
    printable: bool = False,
    selected: bool = False,
) -> etree._Element:
    """A worksheet written by xlplugin: ``rows`` of ``(value, style index)`` cells (``None`` for an
    empty cell); strings are inline, numbers plain; ``hyperlinks`` are (cell, location in the book);
    ``printable`` sets A4 landscape, one page wide; ``selected`` makes its tab the selected one (the
    workbook view must make it the active tab too, see :mod:`xlplugin.output.ooxml.views`)."""
    root = etree.Element(f"{{{MAIN}}}worksheet", nsmap={None: MAIN, "r": NS["r"]})
    if tab_color or printable:
        properties = etree.SubElement(root, f"{{{MAIN}}}sheetPr")
        if tab_color:
            etree.SubElement(properties, f"{{{MAIN}}}tabColor", rgb=tab_color)
        if printable:
            etree.SubElement(properties, f"{{{MAIN}}}pageSetUpPr", fitToPage="1")
    last = a1(max(len(rows) - 1, 0), max(len(widths) - 1, 0))
    etree.SubElement(root, f"{{{MAIN}}}dimension", ref=f"A1:{last}")
    views = etree.SubElement(root, f"{{{MAIN}}}sheetViews")
    view = etree.SubElement(views, f"{{{MAIN}}}sheetView", workbookViewId="0")
    if selected:
        view.set("tabSelected", "1")
    if freeze_rows:
        etree.SubElement(
            view,
            f"{{{MAIN}}}pane",
            ySplit=str(freeze_rows),
            topLeftCell=f"A{freeze_rows + 1}",
            activePane="bottomLeft",
            state="frozen",
        )
        etree.SubElement(
            view,
            f"{{{MAIN}}}selection",
            pane="bottomLeft",
            activeCell=f"A{freeze_rows + 1}",
            sqref=f"A{freeze_rows + 1}",
        )
    etree.SubElement(root, f"{{{MAIN}}}sheetFormatPr", defaultRowHeight="15")
    cols = etree.SubElement(root, f"{{{MAIN}}}cols")
    for index, width in enumerate(widths, start=1):
        etree.SubElement(cols, f"{{{MAIN}}}col", min=str(index), max=str(index), width=str(width), customWidth="1")
    data = etree.SubElement(root, f"{{{MAIN}}}sheetData")
    for r, cells in enumerate(rows):
        row = etree.SubElement(data, f"{{{MAIN}}}row", r=str(r + 1))
        if heights and r in heights:
            row.set("ht", str(heights[r]))
            row.set("customHeight", "1")
        for c, cell in enumerate(cells):
            if cell is None:
                continue
            value, style = cell
            element = etree.SubElement(row, f"{{{MAIN}}}c", r=a1(r, c))
            if style:
                element.set("s", str(style))
            if value is None or value == "":
                continue
            if isinstance(value, (int, float)) or (hasattr(value, "is_finite") and not isinstance(value, str)):
                etree.SubElement(element, f"{{{MAIN}}}v").text = (
                    format(value, "f") if not isinstance(value, int) else str(value)
                )
            else:
                element.set("t", "inlineStr")
                inline = etree.SubElement(element, f"{{{MAIN}}}is")
                t = etree.SubElement(inline, f"{{{MAIN}}}t")
                t.text = xml_text(str(value))
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    if autofilter:
        etree.SubElement(root, f"{{{MAIN}}}autoFilter", ref=autofilter)
    if merges:
        merged = etree.SubElement(root, f"{{{MAIN}}}mergeCells", count=str(len(merges)))
        for ref in merges:
            etree.SubElement(merged, f"{{{MAIN}}}mergeCell", ref=ref)
    if hyperlinks:
        links = etree.SubElement(root, f"{{{MAIN}}}hyperlinks")
        for ref, location in hyperlinks:
            etree.SubElement(links, f"{{{MAIN}}}hyperlink", ref=ref, location=location, display=location)
    etree.SubElement(
        root, f"{{{MAIN}}}pageMargins", left="0.4", right="0.4", top="0.5", bottom="0.5", header="0.3", footer="0.3"
    )
    if printable:
        etree.SubElement(
            root, f"{{{MAIN}}}pageSetup", paperSize="9", orientation="landscape", fitToWidth="1", fitToHeight="0"
        )
    return root


def read_values(root: etree._Element, shared_strings: list[str]) -> list[list[str]]:
    """The text of every cell of a sheet xlplugin wrote (inline, shared or plain values), as a grid."""
    sheet = SheetXml(root)
    height = max((r for r, _ in sheet.cells), default=-1) + 1
    grid = [[] for _ in range(height)]
    for (r, c), cell in sorted(sheet.cells.items()):
        kind = cell.get("t")
        if kind == "inlineStr":
            text = plain_text("".join(t.text or "" for t in cell.iter(f"{{{MAIN}}}t")))
        elif kind == "s":
            value = cell.find("m:v", NS)
            text = shared_strings[int(value.text)] if value is not None else ""
        else:
            value = cell.find("m:v", NS)
            text = value.text if value is not None and value.text else ""
        row = grid[r]
        row.extend([""] * (c + 1 - len(row)))
        row[c] = text
    return grid


def shared_strings(package: Package) -> list[str]:
    """The workbook's shared strings as plain text (an empty list when it has none)."""
    related = package.related(
        package.workbook_part, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    )
    if not related or related[0] not in package:
        return []
    root = package.xml(related[0])
    return [plain_text("".join(t.text or "" for t in item.iter(f"{{{MAIN}}}t"))) for item in root.findall("m:si", NS)]


def sheet_grid(package: Package, name: str, strings: list[str] | None = None) -> list[list[str]] | None:
    """The text of every cell of worksheet ``name`` (see :func:`read_values`); ``None`` when there is
    no such worksheet (or the sheet of that name is a chart sheet)."""
    part = package.sheet_part(name)
    if part is None or part not in package:
        return None
    root = package.xml(part)
    if root.tag != f"{{{MAIN}}}worksheet" or root.find("m:sheetData", NS) is None:
        return None
    return read_values(root, shared_strings(package) if strings is None else strings)
