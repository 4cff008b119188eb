"""An .xlsx/.xlsm package edited part by part, everything else kept byte for byte.

openpyxl rewrites a whole workbook from its own model and silently drops what it does not model
(charts, images, shapes, slicers, x14 extensions, threaded comments, custom ribbons). xlplugin never
round-trips a user's workbook through it: :class:`Package` reads the zip, lets the annotator replace
or add the few parts it owns (a sheet's XML for fill styles, styles.xml, comments, the result sheet)
and writes every other part back with its original bytes, order and compression. Writes are atomic:
a temporary file in the target folder, then a rename.
"""

from __future__ import annotations

import io
import os
import posixpath
import tempfile
import zipfile
from pathlib import Path

from lxml import etree

from xlplugin.core.errors import WorkbookError
from xlplugin.core.files import file_mode

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
NS = {"m": MAIN, "r": REL, "p": PKG_REL, "ct": CONTENT_TYPES}

REL_WORKSHEET = f"{REL}/worksheet"
REL_COMMENTS = f"{REL}/comments"
REL_VML = f"{REL}/vmlDrawing"
TYPE_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
TYPE_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
TYPE_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
#: the main namespace of Strict Open XML workbooks, which are not edited here
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"
# Content types of the parts a workbook commonly holds, for a package that lost its
# [Content_Types].xml: (folder prefix, name prefix, extension) → type. The first match wins.
_KNOWN_TYPES = (
    ("xl/", "workbook", ".xml", f"{_SPREADSHEET}.sheet.main+xml"),
    ("xl/worksheets/", "sheet", ".xml", f"{_SPREADSHEET}.worksheet+xml"),
    ("xl/chartsheets/", "sheet", ".xml", f"{_SPREADSHEET}.chartsheet+xml"),
    ("xl/", "styles", ".xml", f"{_SPREADSHEET}.styles+xml"),
    ("xl/", "sharedStrings", ".xml", f"{_SPREADSHEET}.sharedStrings+xml"),
    ("xl/", "calcChain", ".xml", f"{_SPREADSHEET}.calcChain+xml"),
    ("xl/", "comments", ".xml", f"{_SPREADSHEET}.comments+xml"),
    ("xl/theme/", "theme", ".xml", "application/vnd.openxmlformats-officedocument.theme+xml"),
    ("xl/drawings/", "drawing", ".xml", "application/vnd.openxmlformats-officedocument.drawing+xml"),
    ("xl/charts/", "chart", ".xml", "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"),
    ("docProps/", "core", ".xml", "application/vnd.openxmlformats-package.core-properties+xml"),
    ("docProps/", "app", ".xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml"),
)
_DEFAULT_TYPES = {
    "rels": "application/vnd.openxmlformats-package.relationships+xml",
    "xml": "application/xml",
    "vml": TYPE_VML,
    "png": "image/png",
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "emf": "image/x-emf",
    "bin": "application/vnd.ms-office.vbaProject",
}


def parse_xml(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False)
    return etree.fromstring(data, parser)


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def rels_path(part: str) -> str:
    """The relationships part of ``part``: xl/workbook.xml → xl/_rels/workbook.xml.rels."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve(source_part: str, target: str) -> str:
    """A relationship target, relative to its source part, as a part name."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def relative(source_part: str, part: str) -> str:
    return posixpath.relpath(part, posixpath.dirname(source_part))


class Package:
    """The parts of one OOXML package, in their original order, with their zip metadata."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        with zipfile.ZipFile(self.path) as archive:
            self._infos = {info.filename: info for info in archive.infolist()}
            self._parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
        self._changed: set[str] = set()
        if "[Content_Types].xml" not in self._parts:
            # some exporters leave it out; Excel needs it, and the copy we write gets one
            self.write("[Content_Types].xml", _content_types(self._parts))
        if self.workbook_part in self._parts and _namespace(self._parts[self.workbook_part]) == STRICT_MAIN:
            raise WorkbookError(
                "strict-workbook",
                f"“{self.path.name}”是“Strict Open XML”格式的工作簿，xlplugin 能校验它，但不能在其中写标注。"
                "请在 Excel 中“另存为”普通的“Excel 工作簿(*.xlsx)”后再标注。",
            )

    # -- parts --------------------------------------------------------------------------------

    def __contains__(self, part: str) -> bool:
        return part in self._parts

    @property
    def names(self) -> list[str]:
        return list(self._parts)

    def read(self, part: str) -> bytes:
        return self._parts[part]

    def xml(self, part: str) -> etree._Element:
        try:
            return parse_xml(self._parts[part])
        except etree.XMLSyntaxError as error:
            raise WorkbookError(
                "corrupt-workbook",
                f"“{self.path.name}”中的部件 {part} 不是完整的 XML（{error}），文件可能已损坏；"
                "请在 Excel 中打开并另存后再试。",
            ) from None

    def write(self, part: str, data: bytes | etree._Element) -> None:
        if not isinstance(data, bytes):
            data = serialize(data)
        if self._parts.get(part) != data:
            self._parts[part] = data
            self._changed.add(part)

    def remove(self, part: str) -> None:
        if part in self._parts:
            del self._parts[part]
            self._infos.pop(part, None)
            self._changed.add(part)

    def free_name(self, pattern: str) -> str:
        """The first ``pattern.format(n)`` (n = 1, 2, …) that is not a part yet."""
        number = 1
        while pattern.format(number) in self._parts:
            number += 1
        return pattern.format(number)

    # -- relationships and content types ------------------------------------------------------

    def relationships(self, part: str) -> list[dict[str, str]]:
        path = rels_path(part)
        if path not in self._parts:
            return []
        return [dict(rel.attrib) for rel in self.xml(path).findall("p:Relationship", NS)]

    def related(self, part: str, rel_type: str) -> list[str]:
        return [
            resolve(part, r["Target"])
            for r in self.relationships(part)
            if r.get("Type") == rel_type and r.get("TargetMode") != "External"
        ]

    def add_relationship(self, part: str, rel_type: str, target_part: str) -> str:
        """Add a relationship from ``part`` to ``target_part``; return its new rId."""
        path = rels_path(part)
        root = (
            self.xml(path)
            if path in self._parts
            else etree.Element(f"{{{PKG_REL}}}Relationships", nsmap={None: PKG_REL})
        )
        taken = {rel.get("Id") for rel in root}
        number = 1
        while f"rId{number}" in taken:
            number += 1
        rel_id = f"rId{number}"
        etree.SubElement(
            root, f"{{{PKG_REL}}}Relationship", Id=rel_id, Type=rel_type, Target=relative(part, target_part)
        )
        self.write(path, root)
        return rel_id

    def remove_relationship(self, part: str, rel_id: str) -> None:
        path = rels_path(part)
        if path not in self._parts:
            return
        root = self.xml(path)
        for rel in root.findall("p:Relationship", NS):
            if rel.get("Id") == rel_id:
                root.remove(rel)
        if len(root):
            self.write(path, root)
        else:
            self.remove(path)

    def relationship_id(self, part: str, target_part: str) -> str | None:
        for rel in self.relationships(part):
            if resolve(part, rel.get("Target", "")) == target_part:
                return rel.get("Id")
        return None

    def set_content_type(self, part: str, content_type: str) -> None:
        root = self.xml("[Content_Types].xml")
        name = "/" + part
        for override in root.findall("ct:Override", NS):
            if override.get("PartName") == name:
                override.set("ContentType", content_type)
                break
        else:
            etree.SubElement(root, f"{{{CONTENT_TYPES}}}Override", PartName=name, ContentType=content_type)
        self.write("[Content_Types].xml", root)

    def has_default_type(self, extension: str) -> bool:
        root = self.xml("[Content_Types].xml")
        return any(d.get("Extension", "").lower() == extension for d in root.findall("ct:Default", NS))

    def ensure_default_type(self, extension: str, content_type: str) -> None:
        root = self.xml("[Content_Types].xml")
        if not any(d.get("Extension", "").lower() == extension for d in root.findall("ct:Default", NS)):
            default = etree.Element(f"{{{CONTENT_TYPES}}}Default", Extension=extension, ContentType=content_type)
            root.insert(0, default)
            self.write("[Content_Types].xml", root)

    def drop_default_type(self, extension: str) -> None:
        root = self.xml("[Content_Types].xml")
        for default in root.findall("ct:Default", NS):
            if default.get("Extension", "").lower() == extension:
                root.remove(default)
                self.write("[Content_Types].xml", root)

    def drop_content_type(self, part: str) -> None:
        root = self.xml("[Content_Types].xml")
        found = [o for o in root.findall("ct:Override", NS) if o.get("PartName") == "/" + part]
        for override in found:
            root.remove(override)
        if found:  # else the part stays as it was, byte for byte
            self.write("[Content_Types].xml", root)

    # -- workbook -----------------------------------------------------------------------------

    @property
    def workbook_part(self) -> str:
        for rel in self.relationships(""):
            if rel.get("Type", "").endswith("/officeDocument"):
                return resolve("", rel["Target"])
        return "xl/workbook.xml"

    def sheets(self) -> list[tuple[str, str, etree._Element]]:
        """(name, part, <sheet> element) for every sheet, in workbook order."""
        workbook = self.workbook_part
        targets = {r["Id"]: resolve(workbook, r["Target"]) for r in self.relationships(workbook)}
        root = self.xml(workbook)
        return [
            (s.get("name"), targets.get(s.get(f"{{{REL}}}id"), ""), s) for s in root.findall("m:sheets/m:sheet", NS)
        ]

    def sheet_part(self, name: str) -> str | None:
        return next((part for sheet_name, part, _ in self.sheets() if sheet_name == name), None)

    def add_sheet(self, name: str, root: etree._Element, state: str | None = None) -> str:
        """Append a worksheet (after all others); ``state`` may be ``hidden`` or ``veryHidden``."""
        workbook = self.workbook_part
        part = self.free_name("xl/worksheets/sheet{}.xml")
        self.write(part, root)
        self.set_content_type(part, TYPE_WORKSHEET)
        rel_id = self.add_relationship(workbook, REL_WORKSHEET, part)
        book = self.xml(workbook)
        sheets = book.find("m:sheets", NS)
        sheet_id = 1 + max((int(s.get("sheetId", "0")) for s in sheets), default=0)
        element = etree.SubElement(sheets, f"{{{MAIN}}}sheet", name=name, sheetId=str(sheet_id))
        if state:
            element.set("state", state)
        element.set(f"{{{REL}}}id", rel_id)
        self.write(workbook, book)
        return part

    def remove_sheet(self, name: str) -> bool:
        """Remove a worksheet with its part, relationships and content type; keep defined names,
        the active tab and the first visible tab pointing at the same sheets as before."""
        workbook = self.workbook_part
        book = self.xml(workbook)
        sheets = book.find("m:sheets", NS)
        elements = list(sheets)
        index = next((i for i, s in enumerate(elements) if s.get("name") == name), None)
        if index is None:
            return False
        rel_id = elements[index].get(f"{{{REL}}}id")
        part = next((resolve(workbook, r["Target"]) for r in self.relationships(workbook) if r["Id"] == rel_id), None)
        sheets.remove(elements[index])
        for defined in book.findall("m:definedNames/m:definedName", NS):
            local = defined.get("localSheetId")
            if local is not None and int(local) == index:
                defined.getparent().remove(defined)
            elif local is not None and int(local) > index:
                defined.set("localSheetId", str(int(local) - 1))
        names = book.find("m:definedNames", NS)
        if names is not None and len(names) == 0:
            book.remove(names)
        for view in book.findall("m:bookViews/m:workbookView", NS):
            for attribute in ("activeTab", "firstSheet"):
                value = view.get(attribute)
                if value is not None and int(value) >= index and int(value) > 0:
                    view.set(attribute, str(int(value) - 1))
        self.write(workbook, book)
        self.remove_relationship(workbook, rel_id)
        if part:
            for related in self.relationships(part):
                target = resolve(part, related.get("Target", ""))
                if related.get("TargetMode") != "External" and target in self._parts:
                    self.drop_content_type(target)
                    self.remove(target)
            self.remove(rels_path(part))
            self.drop_content_type(part)
            self.remove(part)
        return True

    # -- output -------------------------------------------------------------------------------

    def save(self, target: str | os.PathLike) -> Path:
        """Write atomically: a temporary file beside ``target``, then a rename over it. The file gets
        the permissions ``target`` already had (so ``--in-place`` changes none), or those of a newly
        created file (0666 less the umask) — not the 0600 of a temporary file."""
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=".xlplugin-", suffix=target.suffix, dir=target.parent)
        os.close(descriptor)
        try:
            os.chmod(temporary, file_mode(target))
            with open(temporary, "wb") as handle, zipfile.ZipFile(handle, "w") as archive:
                for name, data in self._parts.items():
                    info = self._infos.get(name)
                    if info is None or name in self._changed:
                        fresh = zipfile.ZipInfo(name, date_time=info.date_time if info else (1980, 1, 1, 0, 0, 0))
                        fresh.compress_type = zipfile.ZIP_DEFLATED
                        archive.writestr(fresh, data)
                    else:
                        archive.writestr(_copy_info(info), data)
                archive.close()
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
        return target


def _copy_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    copy.compress_type = info.compress_type
    copy.external_attr = info.external_attr
    copy.create_system = info.create_system
    copy.comment = info.comment
    copy.extra = info.extra
    return copy


def _namespace(xml: bytes) -> str:
    """The namespace of a part's root element, read from its first tag (no full parse)."""
    try:
        for _, element in etree.iterparse(io.BytesIO(xml), events=("start",)):
            return etree.QName(element).namespace or ""
    except etree.XMLSyntaxError:
        return ""
    return ""


def _content_types(parts: dict[str, bytes]) -> bytes:
    """A [Content_Types].xml for the parts a package holds: defaults by extension, overrides for
    the workbook parts Excel requires by name."""
    root = etree.Element(f"{{{CONTENT_TYPES}}}Types", nsmap={None: CONTENT_TYPES})
    extensions = {name.rsplit(".", 1)[-1].lower() for name in parts if "." in name.rsplit("/", 1)[-1]}
    for extension in sorted(extensions & set(_DEFAULT_TYPES)):
        etree.SubElement(
            root, f"{{{CONTENT_TYPES}}}Default", Extension=extension, ContentType=_DEFAULT_TYPES[extension]
        )
    macro = "xl/vbaProject.bin" in parts
    for name in sorted(parts):
        folder, _, base = name.rpartition("/")
        for prefix, stem, suffix, content_type in _KNOWN_TYPES:
            if folder + "/" == prefix and base.startswith(stem) and base.endswith(suffix):
                if macro and stem == "workbook":
                    content_type = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
                etree.SubElement(root, f"{{{CONTENT_TYPES}}}Override", PartName="/" + name, ContentType=content_type)
                break
    return serialize(root)
