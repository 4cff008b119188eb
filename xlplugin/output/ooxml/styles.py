"""styles.xml, edited by appending: fonts, fills, borders and cell formats are found or added, never
renumbered, so every existing cell keeps its look and re-annotating reuses what it added before."""

from __future__ import annotations

import copy

from lxml import etree

from xlplugin.output.ooxml.package import MAIN, NS, Package

REL_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
TYPE_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
# Elements made here carry the main namespace as default, as in styles.xml, so that they compare
# equal (canonical()) to the ones read from the file.
_NSMAP = {None: MAIN}
_COLLECTIONS = {"font": "fonts", "fill": "fills", "border": "borders", "xf": "cellXfs"}
# CT_Stylesheet's children, in schema order (a created collection goes in its place).
_ORDER = (
    "numFmts",
    "fonts",
    "fills",
    "borders",
    "cellStyleXfs",
    "cellXfs",
    "cellStyles",
    "dxfs",
    "tableStyles",
    "colors",
    "extLst",
)
# What a missing collection starts with: the entries Excel itself writes into a new workbook and
# that index 0 (and fill 1) refer to, so that a cell without a style still has one to look up.
_DEFAULTS = {
    "fonts": '<font><sz val="11"/><name val="宋体"/><charset val="134"/></font>',
    "fills": '<fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>',
    "borders": "<border><left/><right/><top/><bottom/><diagonal/></border>",
    "cellStyleXfs": '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>',
    "cellXfs": '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
    "cellStyles": '<cellStyle name="Normal" xfId="0" builtinId="0"/>',
}


def canonical(element: etree._Element) -> bytes:
    """Element identity: exclusive C14N, so that namespaces merely in scope do not matter."""
    return etree.tostring(element, method="c14n", exclusive=True)


def heading_format(styles: Styles) -> int:
    """The cell format of a table's heading row on the sheets we add: bold, grey, bordered, centred."""
    return styles.cell_format(
        font=font(bold=True),
        fill=solid_fill("FFD9D9D9"),
        border=True,
        wrap=True,
        horizontal="center",
        vertical="center",
    )


def solid_fill(rgb: str) -> etree._Element:
    """A solid fill of an ARGB colour such as ``FFFFC7CE``."""
    fill = etree.Element(f"{{{MAIN}}}fill", nsmap=_NSMAP)
    pattern = etree.SubElement(fill, f"{{{MAIN}}}patternFill", patternType="solid")
    etree.SubElement(pattern, f"{{{MAIN}}}fgColor", rgb=rgb)
    etree.SubElement(pattern, f"{{{MAIN}}}bgColor", indexed="64")
    return fill


class Styles:
    """The workbook's style sheet, loaded once, saved back by :meth:`save`."""

    def __init__(self, package: Package):
        self.package = package
        related = package.related(package.workbook_part, REL_STYLES)
        self.part = related[0] if related else None  # a workbook without styles: made on save if needed
        if self.part is not None and self.part in package:
            self.root = package.xml(self.part)
        else:
            self.root = etree.Element(f"{{{MAIN}}}styleSheet", nsmap=_NSMAP)
        self.dirty = False
        for name in ("fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles"):
            self._ensure(name)

    def _ensure(self, name: str) -> etree._Element:
        """The collection ``name``, created with Excel's defaults where it is missing (or empty, for
        the ones index 0 must exist in). Creating it alone does not make the styles need saving."""
        found = self.root.find(f"m:{name}", NS)
        if found is None:
            found = etree.Element(f"{{{MAIN}}}{name}", nsmap=_NSMAP)
            later = [self.root.find(f"m:{n}", NS) for n in _ORDER[_ORDER.index(name) + 1 :]]
            follower = next((e for e in later if e is not None), None)
            if follower is not None:
                follower.addprevious(found)
            else:
                self.root.append(found)
        if len(found) == 0 and name in _DEFAULTS:
            for item in etree.fromstring(f'<x xmlns="{MAIN}">{_DEFAULTS[name]}</x>'):
                found.append(item)
            found.set("count", str(len(found)))
        return found

    def _collection(self, tag: str) -> etree._Element:
        return self.root.find(f"m:{_COLLECTIONS[tag]}", NS)

    def item(self, tag: str, index: int) -> etree._Element:
        """Entry ``index`` of a collection; the default entry 0 for an index the collection does not
        have (cells of a workbook whose styles part is missing or short still name their old index)."""
        items = self._collection(tag).findall(f"m:{tag}", NS)
        return items[index] if 0 <= index < len(items) else items[0]

    def find(self, tag: str, element: etree._Element) -> int | None:
        """Index of an element equal to ``element`` in its collection, if there is one."""
        wanted = canonical(element)
        for index, item in enumerate(self._collection(tag).findall(f"m:{tag}", NS)):
            if canonical(item) == wanted:
                return index
        return None

    def find_or_add(self, tag: str, element: etree._Element) -> int:
        """Index of an element equal to ``element`` in its collection, appending it if absent."""
        found = self.find(tag, element)
        if found is not None:
            return found
        collection = self._collection(tag)
        items = collection.findall(f"m:{tag}", NS)
        collection.append(element)
        collection.set("count", str(len(items) + 1))
        self.dirty = True
        return len(items)

    def fill_of(self, xf_index: int) -> etree._Element:
        xf = self.item("xf", xf_index)
        return self.item("fill", int(xf.get("fillId", "0")))

    def with_fill(self, xf_index: int, fill: etree._Element) -> int:
        """A cell format like ``xf_index`` but with ``fill`` (found or added)."""
        xf = copy.deepcopy(self.item("xf", xf_index))
        xf.set("fillId", str(self.find_or_add("fill", copy.deepcopy(fill))))
        xf.set("applyFill", "1")
        return self.find_or_add("xf", xf)

    def is_variant(self, original: int, current: int) -> bool:
        """True if ``current`` is exactly ``original`` with another fill (what :meth:`with_fill` makes)."""
        formats = self._collection("xf").findall("m:xf", NS)
        if not (0 <= original < len(formats) and 0 <= current < len(formats)):
            return False
        candidate = copy.deepcopy(formats[original])
        candidate.set("fillId", formats[current].get("fillId", "0"))
        candidate.set("applyFill", "1")
        return canonical(candidate) == canonical(formats[current])

    def cell_format(
        self,
        *,
        font: etree._Element,
        fill: etree._Element | None = None,
        border: bool = False,
        wrap: bool = False,
        horizontal: str | None = None,
        vertical: str = "top",
        number_format: int = 0,
    ) -> int:
        """A cell format for sheets xlplugin writes itself (``number_format``: a built-in id, e.g.
        3 = ``#,##0``, 4 = ``#,##0.00``)."""
        xf = etree.Element(f"{{{MAIN}}}xf", numFmtId=str(number_format), xfId="0", nsmap=_NSMAP)
        if number_format:
            xf.set("applyNumberFormat", "1")
        xf.set("fontId", str(self.find_or_add("font", font)))
        xf.set("fillId", str(self.find_or_add("fill", fill)) if fill is not None else "0")
        xf.set("borderId", str(self.find_or_add("border", thin_border())) if border else "0")
        xf.set("applyFont", "1")
        if fill is not None:
            xf.set("applyFill", "1")
        if border:
            xf.set("applyBorder", "1")
        xf.set("applyAlignment", "1")
        alignment = etree.SubElement(xf, f"{{{MAIN}}}alignment", vertical=vertical)
        if horizontal:
            alignment.set("horizontal", horizontal)
        if wrap:
            alignment.set("wrapText", "1")
        return self.find_or_add("xf", xf)

    def counts(self) -> dict[str, int]:
        return {tag: len(self._collection(tag).findall(f"m:{tag}", NS)) for tag in _COLLECTIONS}

    def trim(self, counts: dict[str, int], used_formats: set[int]) -> None:
        """Drop entries appended after ``counts`` were taken, if nothing uses them any more.

        ``used_formats`` are the cell format indices the worksheets still refer to."""
        if not counts or any(index >= counts.get("xf", 0) for index in used_formats):
            return
        self._truncate("xf", counts["xf"])
        formats = self._collection("xf").findall("m:xf", NS) + self.root.findall("m:cellStyleXfs/m:xf", NS)
        for tag, attribute in (("font", "fontId"), ("fill", "fillId"), ("border", "borderId")):
            if all(int(xf.get(attribute, "0")) < counts.get(tag, 0) for xf in formats):
                self._truncate(tag, counts[tag])

    def _truncate(self, tag: str, count: int) -> None:
        collection = self._collection(tag)
        items = collection.findall(f"m:{tag}", NS)
        if len(items) > count:
            for extra in items[count:]:
                collection.remove(extra)
            collection.set("count", str(count))
            self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        package = self.package
        if self.part is None:
            self.part = "xl/styles.xml" if "xl/styles.xml" not in package else package.free_name("xl/styles{}.xml")
            package.add_relationship(package.workbook_part, REL_STYLES, self.part)
        if self.part not in package or self.part not in self._overrides():
            package.set_content_type(self.part, TYPE_STYLES)
        package.write(self.part, self.root)

    def drop(self) -> None:
        """Remove the styles part with its relationship and content type (clean, for a workbook that
        had none before we made one)."""
        package = self.package
        if self.part is None or self.part not in package:
            return
        rel_id = package.relationship_id(package.workbook_part, self.part)
        if rel_id is not None:
            package.remove_relationship(package.workbook_part, rel_id)
        package.drop_content_type(self.part)
        package.remove(self.part)
        self.part = None

    def _overrides(self) -> set[str]:
        root = self.package.xml("[Content_Types].xml")
        return {o.get("PartName", "").lstrip("/") for o in root.findall("ct:Override", NS)}


def font(
    size: int = 10, bold: bool = False, underline: bool = False, rgb: str | None = None, name: str = "宋体"
) -> etree._Element:
    element = etree.Element(f"{{{MAIN}}}font", nsmap=_NSMAP)
    if bold:
        etree.SubElement(element, f"{{{MAIN}}}b")
    if underline:
        etree.SubElement(element, f"{{{MAIN}}}u")
    etree.SubElement(element, f"{{{MAIN}}}sz", val=str(size))
    if rgb:
        etree.SubElement(element, f"{{{MAIN}}}color", rgb=rgb)
    etree.SubElement(element, f"{{{MAIN}}}name", val=name)
    etree.SubElement(element, f"{{{MAIN}}}charset", val="134")
    return element


def thin_border() -> etree._Element:
    border = etree.Element(f"{{{MAIN}}}border", nsmap=_NSMAP)
    for side in ("left", "right", "top", "bottom"):
        edge = etree.SubElement(border, f"{{{MAIN}}}{side}", style="thin")
        etree.SubElement(edge, f"{{{MAIN}}}color", rgb="FFBFBFBF")
    etree.SubElement(border, f"{{{MAIN}}}diagonal")
    return border
