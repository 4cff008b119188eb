"""Cell comments (Excel "notes"): a sheet's comments part and its VML drawing, ours marked so that
they can be replaced or removed later and nobody else's text is ever lost.

Our block (:func:`xlplugin.output.marks.note_block`: heading, findings, an end marker with the
block's digest) is a comment of its own (author ``xlplugin``), or is appended to someone else's
comment after a separator line (:data:`xlplugin.output.marks.SEPARATOR`). Removing our annotations
cuts out only the blocks still exactly as we wrote them (:func:`xlplugin.output.marks.note_spans`),
run by run, so a reply a department typed into our comment, a line above our heading, text below our
block in their comment, or a block of ours they edited all stay. The VML drawing (which Excel needs
to show a comment) is edited as text: its shapes are appended before ``</xml>`` and removed by cell,
because Excel's own VML is not always well-formed XML.
"""

from __future__ import annotations

import re

from lxml import etree

from xlplugin.core.cells import parse_a1
from xlplugin.output.marks import SEPARATOR, end_marker, note_spans
from xlplugin.output.ooxml.note_box import anchor, box_size
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
_VML_ROOT = re.compile(r"<xml\b[^>]*>")
# The idmap we give a drawing that has none (its own namespaces: the root may declare none).
_SHAPELAYOUT = (
    '<o:shapelayout xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:v="urn:schemas-microsoft-com:vml" '
    'v:ext="edit"><o:idmap v:ext="edit" data="{}"/></o:shapelayout>'
)
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


def _pieces(text: etree._Element) -> list[tuple[etree._Element, str]]:
    """The ``<t>`` elements that make up a comment's visible text, in order, with their plain text
    (a ``<t>`` of its own, then the runs; phonetic runs are not shown and not counted)."""
    found = []
    for child in text:
        tag = etree.QName(child).localname if isinstance(child.tag, str) else ""
        t = child if tag == "t" else child.find("m:t", NS) if tag == "r" else None
        if t is not None:
            found.append((t, plain_text(t.text or "")))
    return found


def _cut(pieces: list[tuple[etree._Element, str]], spans: list[tuple[int, int]]) -> None:
    """Take the characters in ``spans`` out of the comment text made of ``pieces``: a piece wholly
    inside goes (with its run), a piece partly inside keeps the rest, every other piece keeps its
    bytes and its formatting."""
    offset = 0
    for t, plain in pieces:
        start, stop = offset, offset + len(plain)
        offset = stop
        kept = "".join(
            plain[max(a, start) - start : min(b, stop) - start]
            for a, b in _complement(spans, start, stop)
            if min(b, stop) > max(a, start)
        )
        if kept == plain:
            continue
        if kept:
            t.text = xml_text(kept)
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            continue
        element = t.getparent() if etree.QName(t.getparent()).localname == "r" else t
        element.getparent().remove(element)


def _complement(spans: list[tuple[int, int]], start: int, stop: int) -> list[tuple[int, int]]:
    """The parts of ``[start, stop)`` outside every span."""
    parts, position = [], start
    for a, b in sorted(spans):
        if a > position:
            parts.append((position, min(a, stop)))
        position = max(position, b)
    if position < stop:
        parts.append((position, stop))
    return parts


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
        #: the idmap of a drawing of theirs before we added a block to it ("" for none), else None
        self.idmap_before: str | None = None
        self.dirty = False

    # -- reading ------------------------------------------------------------------------------

    def _comments(self) -> list[etree._Element]:
        return self.root.findall("m:commentList/m:comment", NS) if self.root is not None else []

    def _authors(self) -> list[str]:
        return [a.text or "" for a in self.root.findall("m:authors/m:author", NS)] if self.root is not None else []

    # -- removing -----------------------------------------------------------------------------

    def remove_ours(self) -> None:
        """Remove our blocks from the notes (:func:`~xlplugin.output.marks.note_spans`): a note that
        held only ours goes, with its shape; in any other note only our unedited blocks are cut, so
        whatever a department typed in it, above, below or into our block, stays."""
        if self.root is None:
            return
        removed_cells = []
        for comment in self._comments():
            text = comment.find("m:text", NS)
            pieces = _pieces(text) if text is not None else []
            spans, only_ours = note_spans("".join(plain for _, plain in pieces))
            if not spans:
                continue
            self.dirty = True
            if only_ours:
                comment.getparent().remove(comment)
                removed_cells.append(comment.get("ref"))
            else:
                _cut(pieces, spans)
        authors = self._authors()
        ours = authors.index(AUTHOR) if AUTHOR in authors else None
        if ours is not None and not any(int(c.get("authorId", "0")) == ours for c in self._comments()):
            self._drop_author(ours)
            self.dirty = True
        if self.vml is not None and removed_cells:
            cells = {parse_a1(ref) for ref in removed_cells}
            self.vml = _SHAPE.sub(lambda m: "" if _shape_cell(m.group(0)) in cells else m.group(0), self.vml)

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
        block = f"{heading}\n{body}"
        if existing is not None:  # theirs (our old block was removed before): ours goes below it
            text = existing.find("m:text", NS)
            if text is None:
                text = etree.SubElement(existing, f"{{{MAIN}}}text")
            text.append(_run(f"\n\n{SEPARATOR}\n"))
            text.append(_run(heading, bold=True))
            text.append(_run(f"\n{body}\n{end_marker(block)}"))
            return
        authors = self._authors()
        if AUTHOR not in authors:
            etree.SubElement(self.root.find("m:authors", NS), f"{{{MAIN}}}author").text = AUTHOR
            authors.append(AUTHOR)
        comment = etree.Element(f"{{{MAIN}}}comment", ref=ref, authorId=str(authors.index(AUTHOR)))
        text = etree.SubElement(comment, f"{{{MAIN}}}text")
        text.append(_run(heading, bold=True))
        text.append(_run(f"\n{body}\n{end_marker(block)}"))
        listing = self.root.find("m:commentList", NS)
        later = [c for c in listing if parse_a1(c.get("ref")) > parse_a1(ref)]
        if later:
            min(later, key=lambda c: parse_a1(c.get("ref"))).addprevious(comment)
        else:
            listing.append(comment)
        self._add_shape(ref, f"{block}\n{end_marker(block)}")

    def _add_shape(self, ref: str, text: str) -> None:
        """The note's VML shape, its box sized to ``text`` (:mod:`~xlplugin.output.ooxml.note_box`)."""
        if self.vml is None:
            self.vml = _new_vml(max(_used_blocks(self.package)) + 1)
        row, col = parse_a1(ref)
        number = self._next_shape_number()
        width, height = box_size(text)
        shape = (
            f'<v:shape {_VML_NAMESPACES} id="_x0000_s{number}" type="#_x0000_t202" style="position:absolute;margin-left:60pt;margin-top:2pt;'
            f'width:{width:g}pt;height:{height:g}pt;z-index:{number % 1024};visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">'
            '<v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
            '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
            '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
            f"<x:Anchor>{anchor(self.sheet, row, col, (width, height))}</x:Anchor>"
            f"<x:AutoFill>False</x:AutoFill><x:Row>{row}</x:Row><x:Column>{col}</x:Column></x:ClientData></v:shape>"
        )
        closing = self.vml.rfind("</xml>")
        self.vml = self.vml[:closing] + shape + self.vml[closing:]

    def _next_shape_number(self) -> int:
        """A shape id inside this drawing's id blocks: the idmap's blocks own ids ``1024 × block``
        to ``1024 × block + 1023``. Our shapes go in a block no other drawing of the workbook claims
        (openpyxl, for one, gives every sheet block 1; a drawing without an idmap, as LibreOffice
        writes them, is taken as block 1); when there is none, or it is full (past 1,023 notes), a
        free block is added to the idmap (or an idmap is added), as Excel does, so that no two shapes
        of the workbook share an id. What the idmap was is kept in :attr:`idmap_before`."""
        idmap = _IDMAP.search(self.vml)
        if self._blocks is None:
            self._blocks = [int(n) for n in re.findall(r"\d+", idmap.group(1))] if idmap else []
            others = _used_blocks(self.package, skip=self.vml_part)
            self._own = [block for block in self._blocks if block not in others]
        numbers = [int(n) for n in _SHAPE_NUMBER.findall(self.vml)]
        for block in self._own:
            number = max([n for n in numbers if n // 1024 == block] + [block * 1024]) + 1
            if number // 1024 == block:
                return number
        block = max(_used_blocks(self.package) + self._blocks) + 1
        if self.idmap_before is None and self.vml_part is not None:
            self.idmap_before = idmap.group(1) if idmap else ""
        self._blocks.append(block)
        self._own.append(block)
        data = ",".join(map(str, self._blocks))
        if idmap:
            start, end = idmap.span(1)
            self.vml = self.vml[:start] + data + self.vml[end:]
        else:
            root = _VML_ROOT.search(self.vml)
            at = root.end() if root else 0
            self.vml = self.vml[:at] + _SHAPELAYOUT.format(data) + self.vml[at:]
        return block * 1024 + 1

    def restore_idmap(self, before: str) -> None:
        """Put the idmap of a drawing of theirs back as it was before we added blocks to it (``""``:
        it had none), once no shape is left in the blocks we added."""
        idmap = _IDMAP.search(self.vml) if self.vml is not None else None
        if idmap is None or idmap.group(1) == before:
            return
        added = set(map(int, re.findall(r"\d+", idmap.group(1)))) - set(map(int, re.findall(r"\d+", before)))
        if any(int(n) // 1024 in added for n in _SHAPE_NUMBER.findall(self.vml)):
            return  # a shape still uses them
        if before:
            start, end = idmap.span(1)
            self.vml = self.vml[:start] + before + self.vml[end:]
        else:
            inserted = _SHAPELAYOUT.format(idmap.group(1))
            if inserted not in self.vml:
                return  # another program rewrote the drawing since: its idmap is its own
            self.vml = self.vml.replace(inserted, "", 1)
        self.dirty = True

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
                if not package.has_default_type("vml"):  # no Default to add (and leave behind)
                    package.set_content_type(self.vml_part, TYPE_VML)
                self.sheet.set_legacy_drawing(rel_id)
            package.write(self.vml_part, self.vml.encode("utf-8"))
        elif self.vml_part is not None:  # only our shapes were in it
            rel_id = package.relationship_id(self.sheet_part, self.vml_part)
            if self.sheet.legacy_drawing_id() == rel_id:
                self.sheet.set_legacy_drawing(None)
            package.remove_relationship(self.sheet_part, rel_id)
            package.drop_content_type(self.vml_part)
            package.remove(self.vml_part)
            self.vml_part = None


def _shape_cell(shape: str) -> tuple[int, int] | None:
    match = _SHAPE_CELL.search(shape)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _used_blocks(package: Package, skip: str | None = None) -> list[int]:
    """The shape-id blocks the workbook's drawings (but ``skip``) claim in their idmaps (and 0); a
    drawing without an idmap is taken as claiming block 1."""
    used = [0]
    for name in package.names:
        if name.endswith(".vml") and name != skip:
            found = [
                int(n)
                for m in _IDMAP.finditer(package.read(name).decode("utf-8", "replace"))
                for n in re.findall(r"\d+", m.group(1))
            ]
            used += found or [1]
    return used


def _new_vml(idmap: int) -> str:
    return (
        f"<xml {_VML_NAMESPACES}>"
        f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{idmap}"/></o:shapelayout>'
        '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
        '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
        "</xml>"
    )
