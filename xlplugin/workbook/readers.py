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

Every sheet is read within :data:`~xlplugin.workbook.book.MAX_ROWS` ×
:data:`~xlplugin.workbook.book.MAX_COLS` (A1:CV20000), whatever its used range: an .xlsx reaching
further is given to either reader without what lies beyond (:mod:`xlplugin.workbook.bounds`; the far
cells that held something become :attr:`Book.notices <xlplugin.workbook.book.Book.notices>`), an .ods
or .xls with content beyond is refused before calamine allocates its dense grid
(:mod:`xlplugin.workbook.legacy_scan`), and merged ranges too large to be a table's are taken out
and reported in every format.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from xlplugin.core.cells import parse_a1
from xlplugin.core.errors import WorkbookError
from xlplugin.workbook.book import (
    MAX_COLS,
    MAX_ROWS,
    Book,
    CellError,
    FormulaWithoutValue,
    Sheet,
    clean_row,
    whole_numbers_as_int,
)
from xlplugin.workbook.bounds import bound_package, huge_merges, sheet_parts
from xlplugin.workbook.legacy_scan import Marks, scan_ods, scan_xls
from xlplugin.workbook.sniff import ODS, XLS, XLSX, sniff_workbook

__all__ = ["read_book"]

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#: the extensions calamine's ``from_path`` reads as each format (others are given as bytes: it sniffs)
_CALAMINE_SUFFIXES = {XLSX: (".xlsx", ".xlsm"), XLS: (".xls",), ODS: (".ods",), "xlsb": (".xlsb",)}


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
    # Every sheet is read within MAX_ROWS x MAX_COLS (xlplugin.workbook.bounds): an .xlsx is given
    # to the readers without what lies beyond, another format with such content is refused.
    source: Path | io.BytesIO = path
    far: dict = {}
    marks: dict = {}
    if sniffed.format == XLSX:
        bounded, far = bound_package(path)
        source = bounded or path
    elif sniffed.format in (ODS, XLS):
        marks, beyond = scan_ods(path) if sniffed.format == ODS else scan_xls(path)
        if beyond is not None:
            raise _beyond_bounds(path, sniffed.description, *beyond)
    if engine == "calamine":
        sheets = _read_calamine(path, sniffed.format, sniffed.description, source)
    else:
        sheets = _read_openpyxl(path, source)
    _apply(sheets, _xlsx_marks(source) if sniffed.format == XLSX else marks)
    for sheet in sheets:
        if sheet.name not in far:
            far[sheet.name] = huge_merges(sheet)  # an .xlsx has lost them already, with the far cells
    return Book(sheets, str(path), [n for s in sheets if s.name in far for n in far[s.name].notices(s.name)])


def _beyond_bounds(path: Path, description: str, sheet: str, cell: str) -> WorkbookError:
    return WorkbookError(
        "far-content",
        f"“{path.name}”的工作表“{sheet}”在 {cell} 有内容，远在表格区域之外（xlplugin 只读取每张工作表的"
        f"前 {MAX_ROWS} 行、前 {MAX_COLS} 列）；{description}无法略过它读取。请删除该处的内容后保存，"
        "或另存为 .xlsx 后再校验（.xlsx 中这样的单元格会被略过并报告）。",
    )


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


def _read_calamine(
    path: Path, fmt: str = XLSX, description: str = "", source: Path | io.BytesIO | None = None
) -> list[Sheet]:
    """Read with calamine: the file at ``path``, or ``source`` (the package cut to the bounds)."""
    import python_calamine as calamine

    try:
        if isinstance(source, io.BytesIO):
            workbook = calamine.CalamineWorkbook.from_filelike(source)
        elif path.suffix.lower() in _CALAMINE_SUFFIXES.get(fmt, ()):
            workbook = calamine.CalamineWorkbook.from_path(str(path))
        else:  # an .et, or a workbook under a wrong extension: calamine tells the format from the bytes
            with path.open("rb") as handle:
                workbook = calamine.CalamineWorkbook.from_filelike(handle)
        sheets = []
        for meta in workbook.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue
            data = workbook.get_sheet_by_name(meta.name)
            grid = data.to_python(skip_empty_area=False, nrows=MAX_ROWS)
            merges = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (data.merged_cell_ranges or [])]
            visible = meta.visible == calamine.SheetVisibleEnum.Visible
            rows = [clean_row(whole_numbers_as_int(r[:MAX_COLS])) for r in grid[:MAX_ROWS]]
            sheets.append(Sheet(meta.name, rows, merges, visible))
        workbook.close()
        return sheets
    except calamine.PasswordError:
        raise WorkbookError(
            "encrypted-workbook", f"“{path.name}”设置了密码，无法读取。请清除密码后另存再校验。"
        ) from None
    except (calamine.CalamineError, calamine.ZipError, calamine.XmlError, ValueError, OSError) as exc:
        raise _unreadable(path, exc, fmt, description) from None


def _read_openpyxl(path: Path, source: Path | io.BytesIO | None = None) -> list[Sheet]:
    """Read with openpyxl: the file at ``path``, or ``source`` (the package cut to the bounds)."""
    import openpyxl

    # openpyxl refuses a package by its extension; given the bytes, it reads any .xlsx/.xlsm
    if not isinstance(source, io.BytesIO):
        source = path if path.suffix.lower() in (".xlsx", ".xlsm") else io.BytesIO(path.read_bytes())
    try:
        workbook = openpyxl.load_workbook(source, data_only=True, read_only=False)
    except Exception as exc:  # openpyxl raises many unrelated types for broken input
        raise _unreadable(path, exc, XLSX) from None
    sheets = []
    for worksheet in workbook.worksheets:
        merges = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in worksheet.merged_cells.ranges]
        sheets.append(Sheet(worksheet.title, _openpyxl_grid(worksheet), merges, worksheet.sheet_state == "visible"))
    workbook.close()
    return sheets


def _openpyxl_grid(worksheet) -> list[list[object]]:
    """The sheet's values from A1 to its last cell holding a value, within the bounds.

    Built from the cells the file holds: iterating openpyxl's rectangle up to ``max_row`` ×
    ``max_column`` would create a cell object for every empty position (and a cell with a style
    only, far out, makes that rectangle the whole sheet)."""
    filled = [
        (row - 1, col - 1, cell.value)
        # openpyxl keeps the cells of the file in _cells, keyed by (row, column): a sparse store
        for (row, col), cell in worksheet._cells.items()
        if cell.value is not None and row <= MAX_ROWS and col <= MAX_COLS
    ]
    height = max((r for r, _, _ in filled), default=-1) + 1
    width = max((c for _, c, _ in filled), default=-1) + 1
    grid: list[list[object]] = [[None] * width for _ in range(height)]
    for row, col, value in filled:
        grid[row][col] = value
    return [clean_row(cells) for cells in grid]


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
            if row >= MAX_ROWS or col >= MAX_COLS:
                continue  # beyond what is read (an .xlsx's far cells are reported from its rewriting)
            while len(sheet.rows) <= row:
                sheet.rows.append([])
            cells = sheet.rows[row]
            while len(cells) <= col:
                cells.append(None)
            cells[col] = marked


def _xlsx_marks(source: Path | io.BytesIO) -> dict[str, Marks]:
    """Cells whose formula has no cached value (:class:`FormulaWithoutValue`) and cells holding an
    error value (:class:`CellError`), by sheet."""
    found = {}
    with zipfile.ZipFile(source) as package:
        names = set(package.namelist())
        for name, part in sheet_parts(package)[0].items():
            if part not in names:
                continue
            xml = package.read(part)
            if b"<f" not in xml and b":f" not in xml and b't="e"' not in xml and b"t='e'" not in xml:
                continue  # no formulas and no errors: the common case costs a few substring searches
            found[name] = _unreadable_cells(xml)
    return found


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
