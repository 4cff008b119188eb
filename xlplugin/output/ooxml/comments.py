"""Cell comments (Excel "notes"): a sheet's comments part and its VML drawing, ours marked so that
they can be replaced or removed later and the user's own comments are never lost.

Our comments carry the author ``xlplugin``. When a cell already has someone else's comment, our text
is appended after a separator line (:data:`xlplugin.output.marks.SEPARATOR`) instead of replacing it; removing our
annotations cuts the comment back at that separator. The VML drawing (which Excel needs to show a
comment) is edited as text: its shapes are appended before ``</xml>`` and removed by cell, because
Excel's own VML is not always well-formed XML.
"""

from __future__ import annotations

import re

from lxml import etree

from xlplugin.core.cells import parse_a1
from xlplugin.output.marks import HEADING, SEPARATOR
from xlplugin.output.ooxml.package import MAIN, NS, REL_COMMENTS, REL_VML, TYPE_COMMENTS, TYPE_VML, Package
from xlplugin.output.ooxml.sheet import SheetXml, plain_text, xml_text

__all__ = ["SheetComments", "AUTHOR", "comment_text"]

AUTHOR = "xlplugin"
# VML written by Excel uses the prefixes v:, o:, x:; other programs use their own (ns0:…), so the
# patterns accept any prefix.
_SHAPE = re.compile(r"<(\w+:)?shape\b[^>]*>.*?</\1shape>", re.S)
_SHAPE_CELL = re.compile(r"<(?:\w+:)?Row>\s*(\d+)\s*</(?:\w+:)?Row>\s*<(?:\w+:)?Column>\s*(\d+)\s*</(?:\w+:)?Column>")
_SHAPE_NUMBER = re.compile(r"_x0000_s(\d+)")
_IDMAP = re.compile(r'<(?:\w+:)?idmap\b[^>]*data=["\']([\d,\s]+)["\']')
_VML_NAMESPACES = (
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:x="urn:schemas-microsoft-com:office:excel"'
)


def _run(text: str, bold: bool = False) -> etree._Element:
    run = etree.Element(f"{{{MAIN}}}r")
    properties = etree.SubElement(run, f"{{{MAIN}}}rPr")
    if bold:
        etree.SubElement(properties, f"{{{MAIN}}}b")
    etree.SubElement(properties, f"{{{MAIN}}}sz", val="9")
    etree.SubElement(properties, f"{{{MAIN}}}rFont", val="宋体")
    etree.SubElement(properties, f"{{{MAIN}}}charset", val="134")
    t = etree.SubElement(run, f"{{{MAIN}}}t")
    t.text = xml_text(text)
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


def comment_text(element: etree._Element) -> str:
    return plain_text("".join(t.text or "" for t in element.iter(f"{{{MAIN}}}t")))


class SheetComments:
    """Read, add and remove xlplugin's comments on one worksheet."""

    def __init__(self, package: Package, sheet_part: str, sheet: SheetXml):
        self.package, self.sheet_part, self.sheet = package, sheet_part, sheet
        comments = package.related(sheet_part, REL_COMMENTS)
        vml = package.related(sheet_part, REL_VML)
        self.comments_part = comments[0] if comments else None
        self.vml_part = vml[0] if vml else None
        self.root = package.xml(self.comments_part) if self.comments_part else None
        self.vml = package.read(self.vml_part).decode("utf-8") if self.vml_part else None
        self._blocks: list[int] | None = None  # the drawing's shape-id blocks, once read
        self._own: list[int] = []  # those of them no other drawing claims
        self.dirty = False

    # -- reading ------------------------------------------------------------------------------

    def _comments(self) -> list[etree._Element]:
        return self.root.findall("m:commentList/m:comment", NS) if self.root is not None else []

    def _authors(self) -> list[str]:
        return [a.text or "" for a in self.root.findall("m:authors/m:author", NS)] if self.root is not None else []

    # -- removing -----------------------------------------------------------------------------

    def remove_ours(self) -> None:
        """Remove our comments (and our part of shared ones); drop parts left empty."""
        if self.root is None:
            return
        authors = self._authors()
        ours = authors.index(AUTHOR) if AUTHOR in authors else None
        removed_cells = []
        for comment in self._comments():
            # ours by author; or by our heading, for programs that drop authors when they re-save
            if (
                ours is not None
                and int(comment.get("authorId", "0")) == ours
                or comment_text(comment).startswith(HEADING)
            ):
                comment.getparent().remove(comment)
                removed_cells.append(comment.get("ref"))
                self.dirty = True
            elif self._cut_at_separator(comment):
                self.dirty = True
        if ours is not None and not any(int(c.get("authorId", "0")) == ours for c in self._comments()):
            self._drop_author(ours)
        if self.vml is not None and removed_cells:
            cells = {parse_a1(ref) for ref in removed_cells}
            self.vml = _SHAPE.sub(lambda m: "" if _shape_cell(m.group(0)) in cells else m.group(0), self.vml)

    @staticmethod
    def _cut_at_separator(comment: etree._Element) -> bool:
        text = comment.find("m:text", NS)
        runs = text.findall("m:r", NS) if text is not None else []
        for index, run in enumerate(runs):
            if SEPARATOR in comment_text(run):
                for later in runs[index:]:
                    text.remove(later)
                return True
        return False

    def _drop_author(self, index: int) -> None:
        authors = self.root.find("m:authors", NS)
        authors.remove(authors.findall("m:author", NS)[index])
        for comment in self._comments():
            author_id = int(comment.get("authorId", "0"))
            if author_id > index:
                comment.set("authorId", str(author_id - 1))

    # -- adding -------------------------------------------------------------------------------

    def add(self, ref: str, heading: str, body: str) -> None:
        """Put our text on ``ref``: a new comment, or appended to someone else's."""
        self.dirty = True
        if self.root is None:
            self.root = etree.Element(f"{{{MAIN}}}comments", nsmap={None: MAIN})
            etree.SubElement(self.root, f"{{{MAIN}}}authors")
            etree.SubElement(self.root, f"{{{MAIN}}}commentList")
        existing = next((c for c in self._comments() if c.get("ref") == ref), None)
        if existing is not None:
            text = existing.find("m:text", NS)
            text.append(_run(f"\n\n{SEPARATOR}\n"))
            text.append(_run(heading, bold=True))
            text.append(_run("\n" + body))
            return
        authors = self._authors()
        if AUTHOR not in authors:
            etree.SubElement(self.root.find("m:authors", NS), f"{{{MAIN}}}author").text = AUTHOR
            authors.append(AUTHOR)
        comment = etree.Element(f"{{{MAIN}}}comment", ref=ref, authorId=str(authors.index(AUTHOR)))
        text = etree.SubElement(comment, f"{{{MAIN}}}text")
        text.append(_run(heading, bold=True))
        text.append(_run("\n" + body))
        listing = self.root.find("m:commentList", NS)
        later = [c for c in listing if parse_a1(c.get("ref")) > parse_a1(ref)]
        if later:
            min(later, key=lambda c: parse_a1(c.get("ref"))).addprevious(comment)
        else:
            listing.append(comment)
        self._add_shape(ref)

    def _add_shape(self, ref: str) -> None:
        if self.vml is None:
            self.vml = _new_vml(max(_used_blocks(self.package)) + 1)
        row, col = parse_a1(ref)
        number = self._next_shape_number()
        shape = (
            f'<v:shape {_VML_NAMESPACES} id="_x0000_s{number}" type="#_x0000_t202" style="position:absolute;margin-left:60pt;margin-top:2pt;'
            f'width:320pt;height:130pt;z-index:{number % 1024};visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">'
            '<v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
            '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
            '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
            f"<x:Anchor>{col + 1}, 15, {max(row - 1, 0)}, 2, {col + 6}, 15, {row + 8}, 4</x:Anchor>"
            f"<x:AutoFill>False</x:AutoFill><x:Row>{row}</x:Row><x:Column>{col}</x:Column></x:ClientData></v:shape>"
        )
        closing = self.vml.rfind("</xml>")
        self.vml = self.vml[:closing] + shape + self.vml[closing:]

    def _next_shape_number(self) -> int:
        """A shape id inside this drawing's id blocks: the idmap's blocks own ids ``1024 × block``
        to ``1024 × block + 1023``. Our shapes go in a block no other drawing of the workbook claims
        (openpyxl, for one, gives every sheet block 1); when there is none, or it is full (past 1,023
        notes), a free block is added to the idmap, as Excel does, so no two shapes share an id."""
        idmap = _IDMAP.search(self.vml)
        if self._blocks is None:  # a drawing without a readable idmap: Excel takes it as block 1
            self._blocks = [int(n) for n in re.findall(r"\d+", idmap.group(1))] if idmap else [1]
            others = _used_blocks(self.package, skip=self.vml_part)
            self._own = [block for block in self._blocks if block not in others]
        numbers = [int(n) for n in _SHAPE_NUMBER.findall(self.vml)]
        for block in self._own:
            number = max([n for n in numbers if n // 1024 == block] + [block * 1024]) + 1
            if number // 1024 == block:
                return number
        block = max(_used_blocks(self.package) + self._blocks) + 1
        self._blocks.append(block)
        self._own.append(block)
        if idmap:
            start, end = idmap.span(1)
            self.vml = self.vml[:start] + ",".join(map(str, self._blocks)) + self.vml[end:]
        return block * 1024 + 1

    # -- saving -------------------------------------------------------------------------------

    def save(self) -> None:
        """Write the parts back; create or drop parts, relationships and content types as needed."""
        if not self.dirty:
            return
        package = self.package
        has_comments = bool(self._comments())
        if has_comments:
            if self.comments_part is None:
                self.comments_part = package.free_name("xl/comments{}.xml")
                package.add_relationship(self.sheet_part, REL_COMMENTS, self.comments_part)
                package.set_content_type(self.comments_part, TYPE_COMMENTS)
            package.write(self.comments_part, self.root)
        elif self.comments_part is not None:
            package.remove_relationship(self.sheet_part, package.relationship_id(self.sheet_part, self.comments_part))
            package.drop_content_type(self.comments_part)
            package.remove(self.comments_part)
            self.comments_part = None
        if self.vml is None:
            return
        if _SHAPE.search(self.vml):
            if self.vml_part is None:
                self.vml_part = package.free_name("xl/drawings/vmlDrawing{}.vml")
                rel_id = package.add_relationship(self.sheet_part, REL_VML, self.vml_part)
                package.ensure_default_type("vml", TYPE_VML)
                self.sheet.set_legacy_drawing(rel_id)
            package.write(self.vml_part, self.vml.encode("utf-8"))
        elif self.vml_part is not None:  # only our shapes were in it
            rel_id = package.relationship_id(self.sheet_part, self.vml_part)
            if self.sheet.legacy_drawing_id() == rel_id:
                self.sheet.set_legacy_drawing(None)
            package.remove_relationship(self.sheet_part, rel_id)
            package.remove(self.vml_part)
            self.vml_part = None


def _shape_cell(shape: str) -> tuple[int, int] | None:
    match = _SHAPE_CELL.search(shape)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _used_blocks(package: Package, skip: str | None = None) -> list[int]:
    """The shape-id blocks the workbook's drawings (but ``skip``) claim in their idmaps (and 0)."""
    used = [0]
    for name in package.names:
        if name.endswith(".vml") and name != skip:
            for match in _IDMAP.finditer(package.read(name).decode("utf-8", "replace")):
                used += [int(n) for n in re.findall(r"\d+", match.group(1))]
    return used


def _new_vml(idmap: int) -> str:
    return (
        f"<xml {_VML_NAMESPACES}>"
        f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{idmap}"/></o:shapelayout>'
        '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
        '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
        "</xml>"
    )
