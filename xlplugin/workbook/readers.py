"""Reading a workbook file into a :class:`~xlplugin.workbook.book.Book`.

:func:`read_book` reads an .xlsx/.xlsm with python-calamine (Rust, fast) by default, or with openpyxl
(``engine="openpyxl"``, pure Python, for environments without calamine). Both paths also scan the
sheet XML for formulas that carry no cached value — files written by tools that do not calculate —
and for error values (``t="e"``: ``#REF!``, ``#DIV/0!``, ``#N/A`` …, which calamine reads as blank and
openpyxl as text), and mark those cells (:class:`FormulaWithoutValue`, :class:`CellError`), so that
both paths report them the same way instead of reading them as blank.

The other formats :func:`~xlplugin.workbook.sniff.sniff_workbook` recognises are read by calamine
only (openpyxl cannot read them): Excel 97-2003 .xls and WPS .et (BIFF8 in an OLE2 container;
calamine gives their merged ranges; it reads error values as blank, so the BIFF records are scanned
for them here; a BIFF formula always stores its result, so "no cached value" does not arise),
OpenDocument .ods (calamine gives no merged ranges, so ``content.xml`` is scanned for spans, error
values and formulas without a value) and .xlsb (values only: no merges, errors read as blank).
"""

from __future__ import annotations

import io
import os
import posixpath
import struct
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from xlplugin.core.cells import parse_a1
from xlplugin.core.errors import WorkbookError
from xlplugin.workbook.book import Book, CellError, FormulaWithoutValue, Sheet, clean_row, whole_numbers_as_int
from xlplugin.workbook.sniff import ODS, XLS, XLSX, sniff_workbook

__all__ = ["read_book"]

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
#: the extensions calamine's ``from_path`` reads as each format (others are given as bytes: it sniffs)
_CALAMINE_SUFFIXES = {XLSX: (".xlsx", ".xlsm"), XLS: (".xls",), ODS: (".ods",), "xlsb": (".xlsb",)}

Marks = list[tuple[tuple[int, int], "FormulaWithoutValue | CellError"]]


def read_book(path: str | os.PathLike, engine: str = "auto") -> Book:
    """Read a workbook (.xlsx/.xlsm, .xls/.et, .ods, .xlsb — by content, see
    :func:`~xlplugin.workbook.sniff.sniff_workbook`). ``engine`` is ``"calamine"``, ``"openpyxl"`` or
    ``"auto"``; openpyxl reads only .xlsx/.xlsm."""
    sniffed = sniff_workbook(path)
    path = sniffed.path
    if engine not in ("auto", "calamine", "openpyxl"):
        raise ValueError(f"unknown engine {engine!r}")
    if engine == "auto":
        engine = "calamine" if _has_calamine() else "openpyxl"
    if engine == "openpyxl" and not sniffed.is_xlsx:
        needs = "请使用默认的读取引擎（去掉 --engine openpyxl）" if _has_calamine() else "请安装 python-calamine"
        raise WorkbookError(
            "legacy-format",
            f"“{path.name}”是 {sniffed.description}，openpyxl 只能读取 .xlsx/.xlsm；"
            f"这种格式由 python-calamine 读取，{needs}，或在 Excel、WPS 中另存为 .xlsx 后再校验。",
        )
    if engine == "calamine":
        sheets = _read_calamine(path, sniffed.format, sniffed.description)
    else:
        sheets = _read_openpyxl(path)
    marks = {XLSX: _xlsx_marks, ODS: _ods_marks, XLS: _xls_marks}.get(sniffed.format)
    if marks is not None:
        _apply(sheets, marks(path))
    return Book(sheets, str(path))


def _has_calamine() -> bool:
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return False
    return True


def _unreadable(path: Path, exc: Exception, fmt: str, description: str = "") -> WorkbookError:
    if fmt != XLSX:  # a zip the sniffer accepted, or an OLE container with a workbook stream: damaged inside
        return WorkbookError(
            "corrupt-workbook",
            f"“{path.name}”是 {description}，但已损坏，无法读取（{exc}）。"
            "请重新获取原文件，或在 Excel、WPS 中打开并另存为 .xlsx 后再校验。",
        )
    return WorkbookError(
        "unreadable-workbook",
        f"“{path.name}”无法读取（{type(exc).__name__}: {exc}）。文件可能已损坏；请在 Excel 中打开并另存后再校验。",
    )


def _read_calamine(path: Path, fmt: str = XLSX, description: str = "") -> list[Sheet]:
    import python_calamine as calamine

    try:
        if path.suffix.lower() in _CALAMINE_SUFFIXES.get(fmt, ()):
            workbook = calamine.CalamineWorkbook.from_path(str(path))
        else:  # an .et, or a workbook under a wrong extension: calamine tells the format from the bytes
            with path.open("rb") as handle:
                workbook = calamine.CalamineWorkbook.from_filelike(handle)
        sheets = []
        for meta in workbook.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue
            data = workbook.get_sheet_by_name(meta.name)
            grid = data.to_python(skip_empty_area=False)
            merges = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (data.merged_cell_ranges or [])]
            visible = meta.visible == calamine.SheetVisibleEnum.Visible
            sheets.append(Sheet(meta.name, [clean_row(whole_numbers_as_int(r)) for r in grid], merges, visible))
        workbook.close()
        return sheets
    except calamine.PasswordError:
        raise WorkbookError(
            "encrypted-workbook", f"“{path.name}”设置了密码，无法读取。请清除密码后另存再校验。"
        ) from None
    except (calamine.CalamineError, calamine.ZipError, calamine.XmlError, ValueError, OSError) as exc:
        raise _unreadable(path, exc, fmt, description) from None


def _read_openpyxl(path: Path) -> list[Sheet]:
    import openpyxl

    # openpyxl refuses a package by its extension; given the bytes, it reads any .xlsx/.xlsm
    source = path if path.suffix.lower() in (".xlsx", ".xlsm") else io.BytesIO(path.read_bytes())
    try:
        workbook = openpyxl.load_workbook(source, data_only=True, read_only=False)
    except Exception as exc:  # openpyxl raises many unrelated types for broken input
        raise _unreadable(path, exc, XLSX) from None
    sheets = []
    for worksheet in workbook.worksheets:
        grid = [clean_row(row) for row in worksheet.iter_rows(values_only=True)]
        merges = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in worksheet.merged_cells.ranges]
        sheets.append(Sheet(worksheet.title, grid, merges, worksheet.sheet_state == "visible"))
    workbook.close()
    return sheets


def _apply(sheets: list[Sheet], marks: dict[str, Marks | tuple[Marks, list]]) -> None:
    """Put the cells found unreadable (by sheet name) into the grids; a scan that also found merged
    ranges (.ods) gives ``(marks, merges)``, which replace calamine's (it gives none for .ods)."""
    by_name = {s.name: s for s in sheets}
    for name, found in marks.items():
        sheet = by_name.get(name)
        if sheet is None:
            continue
        if isinstance(found, tuple):
            found, merges = found
            sheet.merges = merges or sheet.merges
        for (row, col), marked in found:
            while len(sheet.rows) <= row:
                sheet.rows.append([])
            cells = sheet.rows[row]
            while len(cells) <= col:
                cells.append(None)
            cells[col] = marked


def _xlsx_marks(path: Path) -> dict[str, Marks]:
    """Cells whose formula has no cached value (:class:`FormulaWithoutValue`) and cells holding an
    error value (:class:`CellError`), by sheet."""
    found = {}
    with zipfile.ZipFile(path) as package:
        names = set(package.namelist())
        for name, part in _sheet_parts(package).items():
            if part not in names:
                continue
            xml = package.read(part)
            if b"<f" not in xml and b":f" not in xml and b't="e"' not in xml and b"t='e'" not in xml:
                continue  # no formulas and no errors: the common case costs a few substring searches
            found[name] = _unreadable_cells(xml)
    return found


def _sheet_parts(package: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → part name inside the package, from workbook.xml and its relationships."""
    workbook = ElementTree.fromstring(package.read("xl/workbook.xml"))
    try:
        rels = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        return {}
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{{{_PKG_REL_NS}}}Relationship")}
    parts = {}
    for sheet in workbook.iter(f"{{{_MAIN_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{_REL_NS}}}id"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        parts[sheet.get("name")] = part
    return parts


def _unreadable_cells(xml: bytes) -> list[tuple[tuple[int, int], FormulaWithoutValue | CellError]]:
    found: list[tuple[tuple[int, int], FormulaWithoutValue | CellError]] = []
    for _, element in ElementTree.iterparse(io.BytesIO(xml), events=("end",)):
        if element.tag != f"{{{_MAIN_NS}}}c":
            continue
        formula = element.find(f"{{{_MAIN_NS}}}f")
        value = element.find(f"{{{_MAIN_NS}}}v")
        if element.get("t") == "e":
            text = (value.text or "").strip() if value is not None else ""
            found.append((parse_a1(element.get("r", "A1")), CellError(text or "#错误")))
        elif formula is not None:
            inline = element.find(f"{{{_MAIN_NS}}}is")
            # Excel and LibreOffice store a formula's empty-text result as t="str" with an empty
            # <v>; an empty <v> on a number cell (what openpyxl writes) means "never calculated".
            cached_text = element.get("t") in ("str", "s", "inlineStr") and value is not None
            if (value is None or value.text is None) and inline is None and not cached_text:
                found.append((parse_a1(element.get("r", "A1")), FormulaWithoutValue("=" + (formula.text or ""))))
        element.clear()
    return found


# ---------------------------------------------------------------------------------------------
# OpenDocument (.ods): merged ranges, error values and formulas without a value, from content.xml

_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_CALCEXT_NS = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
_ERROR_TEXTS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}
_MAX_REPEAT = 1024  # a cell repeated more often than this is the blank filler to the sheet's edge


def _ods_marks(path: Path) -> dict[str, tuple[Marks, list]]:
    """Per sheet: the unreadable cells, and the merged ranges (``number-columns-spanned``/``-rows-``)."""
    table, row_tag, cell, covered = (
        f"{{{_TABLE_NS}}}{t}" for t in ("table", "table-row", "table-cell", "covered-table-cell")
    )

    def number(element, attribute: str) -> int:
        return max(1, int(element.get(f"{{{_TABLE_NS}}}{attribute}") or 1))

    found: dict[str, tuple[Marks, list]] = {}
    marks: Marks = []
    merges: list = []
    row = col = depth = 0
    pending: tuple[list[tuple[int, int]], str | None] | None = None
    with zipfile.ZipFile(path) as package, package.open("content.xml") as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            tag = element.tag
            if tag == table:
                depth += 1 if event == "start" else -1
                if event == "start" and depth == 1:  # a sheet (a table inside a cell is not one)
                    marks, merges, row = [], [], 0
                    found[element.get(f"{{{_TABLE_NS}}}name", "")] = (marks, merges)
            elif depth != 1:
                continue
            elif event == "start" and tag == row_tag:
                col = 0
            elif event == "start" and tag in (cell, covered):
                repeat = number(element, "number-columns-repeated")
                if tag == cell:
                    across, down = number(element, "number-columns-spanned"), number(element, "number-rows-spanned")
                    if across > 1 or down > 1:
                        merges.append((row, col, row + down - 1, col + across - 1))
                    formula = element.get(f"{{{_TABLE_NS}}}formula")
                    if formula is not None or element.get(f"{{{_CALCEXT_NS}}}value-type") == "error":
                        pending = ([(row, col + i) for i in range(min(repeat, _MAX_REPEAT))], formula)
                col += repeat
            elif event == "end" and tag == cell and pending is not None:
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
                row += number(element, "number-rows-repeated")
                element.clear()
    return found


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


def _xls_marks(path: Path) -> dict[str, Marks]:
    """Cells holding an error value (BOOLERR records, and FORMULA records whose result is an error),
    by sheet. Anything this small scan cannot follow (BIFF5, a damaged container) finds nothing: the
    values themselves come from calamine, which has read the file already."""
    try:
        stream = _ole_stream(path.read_bytes(), "Workbook")
        return _biff_errors(stream) if stream else {}
    except (struct.error, IndexError, ValueError, UnicodeDecodeError):
        return {}


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


def _biff_errors(stream: bytes) -> dict[str, Marks]:
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
            return {}  # not BIFF8
        if kind == 0x0085 and body[5] == 0:  # BOUNDSHEET of a worksheet: where its records start, its name
            count, wide = body[6], body[7] & 1
            text = body[8 : 8 + count * (2 if wide else 1)]
            sheets[struct.unpack_from("<I", body, 0)[0]] = text.decode("utf-16-le" if wide else "latin-1")
    found: dict[str, Marks] = {}
    for offset, name in sheets.items():
        marks: Marks = []
        for kind, body in records(offset):
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
    return found
