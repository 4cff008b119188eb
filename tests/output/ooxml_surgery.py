"""Package surgery for the test corpus: read and write a workbook's parts, add relationships,
content types, drawings — what openpyxl cannot write (threaded comments, x14 extensions, shapes,
custom XML, external links) is put in by editing the package's XML."""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

from lxml import etree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
THREADED = "http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"


def read_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_parts(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def xml_of(parts, name):
    return etree.fromstring(parts[name])


def put_xml(parts, name, root):
    parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _rels_name(part: str) -> str:
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def add_rel(parts, source: str, rel_type: str, target: str, external: bool = False) -> str:
    name = _rels_name(source)
    root = xml_of(parts, name) if name in parts else etree.Element(f"{{{PKG_REL}}}Relationships", nsmap={None: PKG_REL})
    taken = {r.get("Id") for r in root}
    rel_id = next(f"rId{n}" for n in range(1, 999) if f"rId{n}" not in taken)
    rel = etree.SubElement(root, f"{{{PKG_REL}}}Relationship", Id=rel_id, Type=rel_type, Target=target)
    if external:
        rel.set("TargetMode", "External")
    put_xml(parts, name, root)
    return rel_id


def add_type(parts, part: str | None = None, content_type: str = "", extension: str | None = None) -> None:
    root = xml_of(parts, "[Content_Types].xml")
    if extension is not None:
        if not any(d.get("Extension") == extension for d in root):
            root.insert(0, etree.Element(f"{{{TYPES}}}Default", Extension=extension, ContentType=content_type))
    else:
        etree.SubElement(root, f"{{{TYPES}}}Override", PartName="/" + part, ContentType=content_type)
    put_xml(parts, "[Content_Types].xml", root)


def drop_part(parts, part: str) -> None:
    """Remove a part with the relationships to it and its content type."""
    del parts[part]
    parts.pop(_rels_name(part), None)
    for name in [n for n in parts if n.endswith(".rels")]:
        root = xml_of(parts, name)
        for rel in list(root):
            if rel.get("Target", "").lstrip("/").split("/")[-1] == part.split("/")[-1]:
                root.remove(rel)
        put_xml(parts, name, root)
    types = xml_of(parts, "[Content_Types].xml")
    for override in list(types):
        if override.get("PartName") == "/" + part:
            types.remove(override)
    put_xml(parts, "[Content_Types].xml", types)


def sheet_part(parts, sheet: str) -> str:
    book = xml_of(parts, "xl/workbook.xml")
    rel_id = next(s.get(f"{{{REL}}}id") for s in book.iter(f"{{{MAIN}}}sheet") if s.get("name") == sheet)
    rels = xml_of(parts, "xl/_rels/workbook.xml.rels")
    target = next(r.get("Target") for r in rels if r.get("Id") == rel_id)
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def insert_in_sheet(root, element, before=("legacyDrawing", "legacyDrawingHF", "picture", "tableParts", "extLst")):
    """Put ``element`` into a worksheet in schema order (before the first of ``before`` present)."""
    for name in before:
        follower = root.find(f"{{{MAIN}}}{name}")
        if follower is not None:
            follower.addprevious(element)
            return
    root.append(element)


def png_image() -> bytes:
    """A 2×2 red PNG, made here (no imaging library needed)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def add_drawing(parts, sheet: str, anchor_xml: str, extra_rels=()) -> None:
    """Give ``sheet`` a DrawingML drawing holding ``anchor_xml`` (twoCellAnchor elements)."""
    drawing = next(f"xl/drawings/drawing{n}.xml" for n in range(1, 99) if f"xl/drawings/drawing{n}.xml" not in parts)
    parts[drawing] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xdr:wsDr xmlns:xdr="{XDR}" xmlns:a="{A}" '
        f'xmlns:r="{REL}">{anchor_xml}</xdr:wsDr>'
    ).encode()
    for rel_type, target in extra_rels:
        add_rel(parts, drawing, rel_type, target)
    add_type(parts, drawing, "application/vnd.openxmlformats-officedocument.drawing+xml")
    part = sheet_part(parts, sheet)
    rel_id = add_rel(parts, part, f"{REL}/drawing", "../drawings/" + drawing.rsplit("/", 1)[1])
    root = xml_of(parts, part)
    element = etree.Element(f"{{{MAIN}}}drawing")
    element.set(f"{{{REL}}}id", rel_id)
    insert_in_sheet(root, element)
    put_xml(parts, part, root)


def anchor(col: int, row: int, body: str) -> str:
    return (
        f'<xdr:twoCellAnchor editAs="oneCell"><xdr:from><xdr:col>{col}</xdr:col><xdr:colOff>0</xdr:colOff>'
        f"<xdr:row>{row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>{col + 3}</xdr:col>"
        f"<xdr:colOff>0</xdr:colOff><xdr:row>{row + 4}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>{body}"
        "<xdr:clientData/></xdr:twoCellAnchor>"
    )
