"""Read only the part of a sheet a table can occupy: one value far out must not cost gigabytes.

Readers build a sheet's grid densely, from A1 to its last filled cell. calamine allocates 32 bytes for
every cell of that rectangle — a single value at XFD10000 asks for 5 GB, and a failed allocation
aborts the whole process — and openpyxl creates an object for every cell it iterates over and for
every cell of a merged range. What a layout needs is small (the widest official table has 10
columns, the longest a few thousand rows), so every sheet is read within :data:`MAX_ROWS` ×
:data:`MAX_COLS` (:mod:`xlplugin.workbook.book`).

For .xlsx/.xlsm, :func:`bound_package` looks at each sheet's XML before any reader does. A few
regular-expression scans (in C) clear an ordinary sheet: no cell, row, merged range or hyperlink
reference beyond the bounds, no cell without its reference. Otherwise the sheet's XML is streamed
through expat (names, prefixes and attribute order kept as they are) and written again without the
cells and rows beyond the bounds, with merged ranges, hyperlinks and the dimension clipped to them;
both readers are then given the rewritten package, in memory. Every far cell that held something
(a value or a formula) is kept as a :class:`FarCell`, so that the reader can report it
(``READ.far-cell``): nothing is dropped silently.

The other formats cannot be rewritten this way; :mod:`xlplugin.workbook.readers` scans them for far
content before calamine reads them and refuses such a workbook in one sentence.
"""

from __future__ import annotations

import io
import posixpath
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree
from xml.parsers import expat

from xlplugin.core.cells import a1, column_letter
from xlplugin.core.errors import WorkbookError
from xlplugin.core.findings import INFO, WARNING
from xlplugin.workbook.book import MAX_COLS, MAX_MERGE_CELLS, MAX_ROWS, Notice, Sheet

__all__ = ["MAX_COLS", "MAX_ROWS", "Dropped", "FarCell", "bound_package", "huge_merges", "sheet_parts"]

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
#: the far cells a notice names (the rest are counted)
_SHOWN = 5
#: the far cells kept per sheet (a sheet can hold millions: memory stays bounded)
_KEPT = 100
#: how much of a far cell's content a notice quotes
_QUOTE = 20

# An r= or ref= attribute whose value could reach beyond the bounds: two or more column letters
# (AA…), five or more row digits (10000…) or a range. Only these few are parsed in Python (and only
# those of an attribute named exactly r or ref: the character before must be a space).
_WIDE_REFERENCE = re.compile(rb"""r(?:ef)?\s*=\s*(["'])(?:[A-Za-z]{2}|[A-Za-z]?[0-9]{5}|[^"'<>]*:)""")
# A cell or row without its own reference: its place follows the previous one, so only a full
# reading can tell where it is.
_UNPLACED = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:c|row)(?=[\s/>])(?![^>]*\sr\s*=)[^>]*>")
_TOKEN = re.compile(r"([A-Za-z]{0,3})([0-9]+)")
# The range of a merged cell or a hyperlink: a few per sheet, each checked for its area.
_RANGE = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?(?:mergeCell|hyperlink)\s[^>]*?\bref\s*=\s*(?:"([^"]*)"|'([^']*)')""")


@dataclass(frozen=True)
class FarCell:
    """A cell beyond the bounds that held something: where it is and what it held (quoted)."""

    row: int
    col: int
    text: str

    @property
    def cell(self) -> str:
        return a1(self.row, self.col)


@dataclass
class Dropped:
    """What was left out of one sheet: the far cells that held something (the first
    :data:`_KEPT`, and how many there were) and the merged ranges too large to be a table's."""

    cells: list[FarCell] = field(default_factory=list)
    count: int = 0
    merges: list[str] = field(default_factory=list)

    def add(self, cell: FarCell) -> None:
        self.count += 1
        if len(self.cells) < _KEPT:
            self.cells.append(cell)

    def notices(self, sheet: str) -> list[Notice]:
        """The reading notices for this sheet: far cells (警告: content not read), huge merges (提示)."""
        found = []
        if self.count:
            shown = "、".join(f"{c.cell}（“{c.text}”）" for c in self.cells[:_SHOWN])
            limit = a1(MAX_ROWS - 1, MAX_COLS - 1)
            found.append(
                Notice(
                    "far-cell",
                    WARNING,
                    sheet,
                    self.cells[0].cell,
                    f"工作表“{sheet}”有 {self.count} 个单元格远在表格区域之外：{shown}"
                    f"{' 等' if self.count > _SHOWN else ''}。xlplugin 只读取每张工作表的 A1:{limit}"
                    f"（前 {MAX_ROWS} 行、前 {MAX_COLS} 列，即 A 至 {column_letter(MAX_COLS - 1)} 列），"
                    "这些单元格没有读取；它们往往是误输入，请核对后删除。",
                )
            )
        if self.merges:
            shown = "、".join(self.merges[:_SHOWN]) + (" 等" if len(self.merges) > _SHOWN else "")
            found.append(
                Notice(
                    "huge-merge",
                    INFO,
                    sheet,
                    self.merges[0].split(":")[0],
                    f"工作表“{sheet}”的合并区域 {shown} 超过 {MAX_MERGE_CELLS} 个单元格，不是表格中的合并，"
                    "已按未合并读取；请核对后取消合并。",
                )
            )
        return found


def bound_package(path: Path) -> tuple[io.BytesIO | None, dict[str, Dropped]]:
    """The package at ``path`` with every sheet cut to the bounds — ``None`` when no sheet reaches
    beyond them (read the file itself) — and, by sheet name, what was left out that held something."""
    replaced: dict[str, bytes] = {}
    far: dict[str, Dropped] = {}
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            parts, strings_part = sheet_parts(package)
            for sheet, part in parts.items():
                if part not in names:
                    continue
                xml = package.read(part)
                if _within_bounds(xml):
                    continue
                rewriter = _SheetRewriter()
                try:
                    rewritten = rewriter.rewrite(xml)
                except (expat.ExpatError, ValueError) as error:
                    raise WorkbookError(
                        "corrupt-workbook",
                        f"“{path.name}”已损坏：工作表“{sheet}”的内容无法读取（{error}）。"
                        "请在 Excel 中打开并另存后再校验。",
                    ) from None
                if rewriter.changed:
                    replaced[part] = rewritten
                if rewriter.dropped.count or rewriter.dropped.merges:
                    _quote_shared_strings(package, strings_part, rewriter)
                    far[sheet] = rewriter.dropped
            if not replaced:
                return None, far
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
                for info in package.infolist():
                    if info.filename in replaced:
                        target.writestr(info, replaced[info.filename], zipfile.ZIP_DEFLATED, 1)
                        continue
                    with package.open(info) as source, target.open(info, "w") as sink:
                        shutil.copyfileobj(source, sink, 1 << 20)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, EOFError):
        return None, {}  # what cannot be taken apart here is for the reader to refuse in its own words
    buffer.seek(0)
    return buffer, far


def sheet_parts(package: zipfile.ZipFile) -> tuple[dict[str, str], str]:
    """Sheet name → part name inside the package, from workbook.xml and its relationships; and the
    shared strings part (``""`` if none)."""
    workbook = ElementTree.fromstring(package.read("xl/workbook.xml"))
    try:
        rels = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        return {}, ""
    targets, strings = {}, ""
    for rel in rels.iter(f"{{{_PKG_REL_NS}}}Relationship"):
        part = _part(rel.get("Target", ""))
        targets[rel.get("Id")] = part
        if rel.get("Type", "").endswith("/sharedStrings"):
            strings = part
    parts = {}
    for sheet in workbook.iter(f"{{{_MAIN_NS}}}sheet"):
        parts[sheet.get("name")] = targets.get(sheet.get(f"{{{_REL_NS}}}id"), "")
    return parts, strings


def _part(target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _within_bounds(xml: bytes) -> bool:
    """True if no reference in the sheet's XML reaches beyond the bounds and every cell and row
    says where it is (the common case, decided by scans in C)."""
    if _UNPLACED.search(xml):
        return False
    for match in _RANGE.finditer(xml):
        value = (match.group(1) or match.group(2)).decode("ascii", "replace")
        if _area(value) > MAX_MERGE_CELLS:  # too large for a table (cut or left out when read in full)
            return False
    for match in _WIDE_REFERENCE.finditer(xml):
        if xml[match.start() - 1 : match.start()] not in (b" ", b"\t", b"\n", b"\r"):
            continue  # sqref=, ptr=…: not a cell's place
        value = xml[match.end(1) : xml.find(match.group(1), match.end(1))].decode("ascii", "replace")
        if any(_beyond(letters, digits) for letters, digits in _TOKEN.findall(value)):
            return False
    return True


def _beyond(letters: str, digits: str) -> bool:
    return int(digits) > MAX_ROWS or (bool(letters) and _column(letters) >= MAX_COLS)


def _column(letters: str) -> int:
    col = 0
    for char in letters.upper():
        col = col * 26 + ord(char) - 64
    return col - 1


def _place(reference: str) -> tuple[int | None, int | None]:
    """0-based (row, col) of a cell reference; ``None`` for a part it does not give."""
    match = _TOKEN.fullmatch(reference.strip().replace("$", ""))
    if match is None:
        raise ValueError(f"单元格引用“{reference}”无效")
    letters, digits = match.groups()
    return int(digits) - 1, (_column(letters) if letters else None)


def _clip(reference: str) -> str | None:
    """A range (``A1:XFD1048576``) or cell cut to the bounds; ``None`` if it starts beyond them."""
    ends = reference.strip().split(":")
    if not all(_TOKEN.fullmatch(end.replace("$", "")) for end in ends):
        return reference  # not a plain range (several ranges, a name): left as written
    (top, left), (bottom, right) = _place(ends[0]), _place(ends[-1])
    if top >= MAX_ROWS or (left or 0) >= MAX_COLS:
        return None
    if bottom < MAX_ROWS and (right or 0) < MAX_COLS:
        return reference
    bottom, right = min(bottom, MAX_ROWS - 1), min(right if right is not None else MAX_COLS - 1, MAX_COLS - 1)
    clipped = f"{a1(top, left or 0)}:{a1(bottom, right)}"
    return clipped if len(ends) > 1 else a1(top, left or 0)


def _area(reference: str) -> int:
    """How many cells a plain range covers (1 for a cell; 0 for what is not a plain range)."""
    ends = reference.strip().replace("$", "").split(":")
    if not all(_TOKEN.fullmatch(end) for end in ends):
        return 0
    (top, left), (bottom, right) = _place(ends[0]), _place(ends[-1])
    return (abs(bottom - top) + 1) * (abs((right or 0) - (left or 0)) + 1)


_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
)


class _SheetRewriter:
    """One sheet's XML written again within the bounds (see the module's description)."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.dropped = Dropped()
        self.changed = False
        self.row = self.col = -1
        self.in_data = False
        self.row_dropped = False
        self.skip = 0  # depth inside an element left out (with everything in it)
        self.cell: dict | None = None  # the far cell being read: its type, texts, open elements
        self.shared: set[int] = set()  # far cells (by position) whose text is a shared-string index

    def rewrite(self, xml: bytes) -> bytes:
        parser = expat.ParserCreate()  # no namespace processing: names and prefixes pass through as written
        parser.ordered_attributes = True
        parser.buffer_text = True
        parser.XmlDeclHandler = self._declaration
        parser.StartDoctypeDeclHandler = self._doctype
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        parser.Parse(xml, True)
        return "".join(self.out).encode("utf-8")

    def _declaration(self, version, _encoding, standalone) -> None:
        alone = {1: ' standalone="yes"', 0: ' standalone="no"'}.get(standalone, "")
        self.out.append(f'<?xml version="{version or "1.0"}" encoding="UTF-8"{alone}?>')

    def _doctype(self, *_args) -> None:
        raise ValueError("工作表中有 DOCTYPE 声明（Excel 从不写它）")

    def _start(self, name: str, attributes: list[str]) -> None:
        if self.cell is not None:
            self.cell["open"].append(name.rpartition(":")[2])
            return
        if self.skip:
            self.skip += 1
            return
        local = name.rpartition(":")[2]
        pairs = dict(zip(attributes[::2], attributes[1::2]))
        if self.row_dropped and local != "c":
            self.skip = 1
            return
        if local == "sheetData":
            self.in_data = True
        elif local == "row" and self.in_data:
            reference = pairs.get("r", "").strip()
            self.row = int(reference) - 1 if reference.isdigit() else self.row + 1
            self.col = -1
            if self.row >= MAX_ROWS:
                self.row_dropped = self.changed = True
                return
        elif local == "c" and self.in_data:
            row, col = _place(pairs["r"]) if pairs.get("r") else (self.row, None)
            self.col = col if col is not None else self.col + 1
            row = self.row if row is None else row
            if self.row_dropped or row >= MAX_ROWS or self.col >= MAX_COLS:
                self.changed = True
                self.cell = {
                    "row": row,
                    "col": self.col,
                    "type": pairs.get("t", "n"),
                    "open": [],
                    "v": "",
                    "t": "",
                    "f": "",
                }
                return
        elif local in ("mergeCell", "hyperlink", "dimension") and "ref" in pairs:
            clipped = _clip(pairs["ref"])
            if local != "dimension" and clipped is not None and _area(clipped) > MAX_MERGE_CELLS:
                if local == "mergeCell":
                    self.dropped.merges.append(pairs["ref"])
                clipped = None  # openpyxl makes an object of every cell of a merge or a hyperlink's range
            if clipped != pairs["ref"]:
                # a dimension only says how large the sheet is: clipping it alone changes no reading
                self.changed = self.changed or local != "dimension"
                if clipped is None:
                    self.skip = 1
                    return
                pairs["ref"] = clipped
        written = "".join(f' {k}="{v.translate(_ATTRIBUTE_ESCAPES)}"' for k, v in pairs.items())
        self.out.append(f"<{name}{written}>")

    def _end(self, name: str) -> None:
        if self.cell is not None:
            if self.cell["open"]:
                self.cell["open"].pop()
                return
            self._keep_far_cell(self.cell)
            self.cell = None
            return
        if self.skip:
            self.skip -= 1
            return
        local = name.rpartition(":")[2]
        if self.row_dropped:  # the end of a row left out (its other children were skipped)
            self.row_dropped = False
            return
        if local == "sheetData":
            self.in_data = False
        self.out.append(f"</{name}>")

    def _text(self, data: str) -> None:
        if self.cell is not None:
            part = self.cell["open"][-1] if self.cell["open"] else ""
            if part in ("v", "t", "f") and len(self.cell[part]) < 200:
                self.cell[part] += data
            return
        if not self.skip and not self.row_dropped:
            self.out.append(data.translate(_TEXT_ESCAPES))

    def _keep_far_cell(self, cell: dict) -> None:
        value, kind = cell["v"].strip(), cell["type"]
        if not (value or cell["t"] or cell["f"]):
            return  # a cell with a style only: nothing was there to read
        if kind == "inlineStr":
            text = cell["t"]
        elif kind == "b":
            text = "TRUE" if value == "1" else "FALSE"
        elif kind == "s":
            text = value  # an index into the shared strings, looked up afterwards
        else:
            text = value or ("=" + cell["f"] if cell["f"] else "")
        if kind == "s" and value.isdigit() and len(self.dropped.cells) < _KEPT:
            self.shared.add(len(self.dropped.cells))
        self.dropped.add(FarCell(cell["row"], cell["col"], text))


def _quote_shared_strings(package: zipfile.ZipFile, strings_part: str, rewriter: _SheetRewriter) -> None:
    """The sheet's far cells with shared-string indices replaced by their text, each cut for quoting."""
    cells = rewriter.dropped.cells
    wanted = {int(cells[i].text) for i in rewriter.shared}
    texts: dict[int, str] = {}
    if wanted and strings_part:
        try:
            with package.open(strings_part) as stream:
                index = 0
                for _, element in ElementTree.iterparse(stream):
                    if element.tag == f"{{{_MAIN_NS}}}si":
                        if index in wanted:
                            texts[index] = "".join(element.itertext())
                        index += 1
                        element.clear()
                        if index > max(wanted):
                            break
        except (KeyError, ElementTree.ParseError):
            pass
    for position, cell in enumerate(cells):
        text = texts.get(int(cell.text), "") if position in rewriter.shared else cell.text
        text = " ".join(text.split())
        cells[position] = FarCell(cell.row, cell.col, text if len(text) <= _QUOTE else text[:_QUOTE] + "…")


def huge_merges(sheet: Sheet) -> Dropped:
    """Take the merged ranges too large to be a table's out of a sheet read from another format
    (calamine lists them; an .xlsx loses them in :func:`bound_package`), so that every format reads
    such a sheet alike."""
    dropped = Dropped()
    kept = []
    for merge in sheet.merges:
        r0, c0, r1, c1 = merge
        if (r1 - r0 + 1) * (c1 - c0 + 1) > MAX_MERGE_CELLS:
            dropped.merges.append(f"{a1(r0, c0)}:{a1(r1, c1)}")
        else:
            kept.append(merge)
    sheet.merges = kept
    return dropped
