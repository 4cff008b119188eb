"""What calamine does not tell about .ods and .xls files, scanned from the files themselves before it
reads them: error values, formulas without a value, merged ranges (.ods), and content beyond the
bounds every sheet is read within (:data:`~xlplugin.workbook.book.MAX_ROWS` ×
:data:`~xlplugin.workbook.book.MAX_COLS`).

calamine builds each sheet as a dense rectangle from A1 to its last filled cell, so one value far out
in an .ods or .xls would cost hundreds of megabytes to gigabytes before anything could be cut. These
formats cannot be rewritten without the far cell the way an .xlsx is
(:mod:`xlplugin.workbook.bounds`), so :func:`scan_ods` and :func:`scan_xls` find such content first
and the workbook is refused in one sentence that names the sheet and the cell.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from xlplugin.core.cells import a1
from xlplugin.workbook.book import MAX_COLS, MAX_ROWS, CellError, FormulaWithoutValue

__all__ = ["Marks", "scan_ods", "scan_xls"]

Marks = list[tuple[tuple[int, int], "FormulaWithoutValue | CellError"]]

# ---------------------------------------------------------------------------------------------
# OpenDocument (.ods): merged ranges, error values and formulas without a value, from content.xml

_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_CALCEXT_NS = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ERROR_TEXTS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}
_MAX_REPEAT = 1024  # a cell repeated more often than this is the blank filler to the sheet's edge


def scan_ods(path: Path) -> tuple[dict[str, tuple[Marks, list]], tuple[str, str] | None]:
    """Per sheet: the unreadable cells, and the merged ranges (``number-columns-spanned``/``-rows-``);
    and the first cell beyond the bounds that holds something, as (sheet, A1), or ``None``."""
    table, row_tag, cell, covered = (
        f"{{{_TABLE_NS}}}{t}" for t in ("table", "table-row", "table-cell", "covered-table-cell")
    )
    value_types = (f"{{{_OFFICE_NS}}}value-type", f"{{{_CALCEXT_NS}}}value-type")
    paragraph = f"{{{_TEXT_NS}}}p"  # a cell's text (a comment in it, office:annotation, is not its content)

    def number(element, attribute: str) -> int:
        return max(1, int(element.get(f"{{{_TABLE_NS}}}{attribute}") or 1))

    found: dict[str, tuple[Marks, list]] = {}
    marks: Marks = []
    merges: list = []
    name = ""
    row = col = depth = 0
    row_filled = False  # the current row holds something (it matters if the row is repeated past the bounds)
    pending: tuple[list[tuple[int, int]], str | None] | None = None
    far_at: tuple[int, int] | None = None  # the far cell being read, if it turns out to hold something
    with zipfile.ZipFile(path) as package, package.open("content.xml") as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            tag = element.tag
            if tag == table:
                depth += 1 if event == "start" else -1
                if event == "start" and depth == 1:  # a sheet (a table inside a cell is not one)
                    marks, merges, row = [], [], 0
                    name = element.get(f"{{{_TABLE_NS}}}name", "")
                    found[name] = (marks, merges)
            elif depth != 1:
                continue
            elif event == "start" and tag == row_tag:
                col, row_filled = 0, False
            elif event == "start" and tag in (cell, covered):
                repeat = number(element, "number-columns-repeated")
                if row >= MAX_ROWS or col + repeat > MAX_COLS:
                    far_at = (row, max(col, MAX_COLS) if row < MAX_ROWS else col)
                if tag == cell:
                    across, down = number(element, "number-columns-spanned"), number(element, "number-rows-spanned")
                    if across > 1 or down > 1:
                        merges.append((row, col, row + down - 1, col + across - 1))
                    formula = element.get(f"{{{_TABLE_NS}}}formula")
                    if formula is not None or element.get(f"{{{_CALCEXT_NS}}}value-type") == "error":
                        pending = ([(row, col + i) for i in range(min(repeat, _MAX_REPEAT))], formula)
                col += repeat
            elif event == "end" and tag in (cell, covered):
                filled = any(element.get(v) is not None for v in value_types) or any(
                    child.tag == paragraph and "".join(child.itertext()) for child in element
                )
                row_filled = row_filled or filled
                if far_at is not None and filled:
                    return found, (name, a1(*far_at))
                far_at = None
                if pending is None:
                    continue
                where, formula = pending
                pending = None
                text = "".join(element.itertext()).strip()
                if element.get(f"{{{_CALCEXT_NS}}}value-type") == "error" or text in _ERROR_TEXTS:
                    marked: FormulaWithoutValue | CellError = CellError(text or "#错误")
                elif formula is not None and element.get(f"{{{_OFFICE_NS}}}value-type") is None:
                    marked = FormulaWithoutValue(
                        "=" + formula.partition(":")[2].lstrip("=") if formula.startswith("of:") else formula
                    )
                else:
                    continue
                marks.extend((at, marked) for at in where)
            elif event == "end" and tag == row_tag:
                repeat = number(element, "number-rows-repeated")
                if row_filled and row < MAX_ROWS < row + repeat:  # a filled row repeated past the bounds
                    return found, (name, a1(MAX_ROWS, 0))
                row += repeat
                element.clear()
    return found, None


# ---------------------------------------------------------------------------------------------
# Excel 97-2003 (.xls, WPS .et): error values, from the BIFF8 records in the OLE2 container

_BIFF_ERRORS = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
}
_END_OF_CHAIN = 0xFFFFFFFA  # this and above: end of chain, free, FAT and DIFAT sectors
#: BIFF8 records of one cell holding something, its row and column first: NUMBER, RK, LABELSST,
#: LABEL, RSTRING, BOOLERR, FORMULA (BLANK and MULBLANK hold nothing)
_CELL_RECORDS = frozenset({0x0203, 0x027E, 0x00FD, 0x0204, 0x00D6, 0x0205, 0x0006})
_MULRK = 0x00BD  # several RK values in one row: row, first column, …, last column


def scan_xls(path: Path) -> tuple[dict[str, Marks], tuple[str, str] | None]:
    """Cells holding an error value (BOOLERR records, and FORMULA records whose result is an error),
    by sheet; and the first cell beyond the bounds that holds something, as (sheet, A1), or ``None``.
    Anything this small scan cannot follow (BIFF5, a damaged container) finds nothing: the values
    themselves come from calamine, which refuses a damaged file in its own words."""
    try:
        stream = _ole_stream(path.read_bytes(), "Workbook")
        return _biff_scan(stream) if stream else ({}, None)
    except (struct.error, IndexError, ValueError, UnicodeDecodeError):
        return {}, None


def _ole_stream(data: bytes, wanted: str) -> bytes | None:
    """The stream called ``wanted`` in an OLE2 compound file (MS-CFB), or ``None``."""
    sector_size, mini_size = 1 << struct.unpack_from("<H", data, 30)[0], 1 << struct.unpack_from("<H", data, 32)[0]
    fat_count, directory_start, _, cutoff, minifat_start, _, difat_start = struct.unpack_from("<7I", data, 44)

    def sector(number: int) -> bytes:
        return data[(number + 1) * sector_size : (number + 2) * sector_size]

    def words(raw: bytes) -> list[int]:
        return list(struct.unpack(f"<{len(raw) // 4}I", raw))

    difat = [n for n in words(data[76:512]) if n < _END_OF_CHAIN]
    next_difat, hops = difat_start, 0
    while next_difat < _END_OF_CHAIN and hops < 10_000:
        entries = words(sector(next_difat))
        difat += [n for n in entries[:-1] if n < _END_OF_CHAIN]
        next_difat, hops = entries[-1], hops + 1
    fat = [n for s in difat[:fat_count] for n in words(sector(s))]

    def chain(start: int, table: list[int]) -> list[int]:
        found: list[int] = []
        while start < min(_END_OF_CHAIN, len(table)) and len(found) <= len(table):
            found.append(start)
            start = table[start]
        return found

    directory = b"".join(sector(s) for s in chain(directory_start, fat))
    entries = [directory[i : i + 128] for i in range(0, len(directory) - 127, 128)]
    for entry in entries:
        name_length = struct.unpack_from("<H", entry, 64)[0]
        if entry[66] != 2 or entry[: max(0, name_length - 2)].decode("utf-16-le") != wanted:
            continue
        start, size = struct.unpack_from("<II", entry, 116)
        if size >= cutoff:
            return b"".join(sector(s) for s in chain(start, fat))[:size]
        root = entries[0]
        mini_stream = b"".join(sector(s) for s in chain(struct.unpack_from("<I", root, 116)[0], fat))
        minifat = [n for s in chain(minifat_start, fat) for n in words(sector(s))]
        return b"".join(mini_stream[s * mini_size : (s + 1) * mini_size] for s in chain(start, minifat))[:size]
    return None


def _biff_scan(stream: bytes) -> tuple[dict[str, Marks], tuple[str, str] | None]:
    def records(position: int):
        while position + 4 <= len(stream):
            kind, length = struct.unpack_from("<HH", stream, position)
            yield kind, stream[position + 4 : position + 4 + length]
            if kind == 0x000A:  # EOF: the end of this substream
                return
            position += 4 + length

    sheets: dict[int, str] = {}
    for index, (kind, body) in enumerate(records(0)):
        if index == 0 and (kind != 0x0809 or struct.unpack_from("<H", body, 0)[0] != 0x0600):
            return {}, None  # not BIFF8
        if kind == 0x0085 and body[5] == 0:  # BOUNDSHEET of a worksheet: where its records start, its name
            count, wide = body[6], body[7] & 1
            text = body[8 : 8 + count * (2 if wide else 1)]
            sheets[struct.unpack_from("<I", body, 0)[0]] = text.decode("utf-16-le" if wide else "latin-1")
    found: dict[str, Marks] = {}
    for offset, name in sheets.items():
        marks: Marks = []
        for kind, body in records(offset):
            if kind in _CELL_RECORDS and len(body) >= 4 or kind == _MULRK and len(body) >= 6:
                row, col = struct.unpack_from("<HH", body, 0)
                last = struct.unpack_from("<H", body, len(body) - 2)[0] if kind == _MULRK else col
                if row >= MAX_ROWS or last >= MAX_COLS:
                    return found, (name, a1(row, max(col, MAX_COLS) if row < MAX_ROWS else col))
            if kind == 0x0205 and len(body) >= 8 and body[7] == 1:  # BOOLERR holding an error
                code = body[6]
            elif kind == 0x0006 and len(body) >= 14 and body[6] == 2 and body[12:14] == b"\xff\xff":
                code = body[8]  # FORMULA whose cached result is an error
            else:
                continue
            row, col = struct.unpack_from("<HH", body, 0)
            marks.append(((row, col), CellError(_BIFF_ERRORS.get(code, "#错误"))))
        if marks:
            found[name] = marks
    return found, None
