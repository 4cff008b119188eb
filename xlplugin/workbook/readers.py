"""Reading a workbook file into a :class:`~xlplugin.workbook.book.Book`.

:func:`read_book` reads an .xlsx/.xlsm with python-calamine (Rust, fast) by default, or with openpyxl
(``engine="openpyxl"``, pure Python, for environments without calamine). Both paths also scan the
sheet XML for formulas that carry no cached value — files written by tools that do not calculate —
and for error values (``t="e"``: ``#REF!``, ``#DIV/0!``, ``#N/A`` …, which calamine reads as blank and
openpyxl as text), and mark those cells (:class:`FormulaWithoutValue`, :class:`CellError`), so that
both paths report them the same way instead of reading them as blank.
"""

from __future__ import annotations

import io
import os
import posixpath
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from xlplugin.core.cells import parse_a1
from xlplugin.core.errors import WorkbookError
from xlplugin.workbook.book import Book, CellError, FormulaWithoutValue, Sheet, clean_row, whole_numbers_as_int
from xlplugin.workbook.sniff import check_workbook_file

__all__ = ["read_book"]

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def read_book(path: str | os.PathLike, engine: str = "auto") -> Book:
    """Read an .xlsx/.xlsm file. ``engine`` is ``"calamine"``, ``"openpyxl"`` or ``"auto"``."""
    path = check_workbook_file(path)
    if engine == "auto":
        engine = "calamine" if _has_calamine() else "openpyxl"
    reader = {"calamine": _read_calamine, "openpyxl": _read_openpyxl}.get(engine)
    if reader is None:
        raise ValueError(f"unknown engine {engine!r}")
    sheets = reader(path)
    _mark_unreadable_cells(path, sheets)
    return Book(sheets, str(path))


def _has_calamine() -> bool:
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return False
    return True


def _unreadable(path: Path, exc: Exception) -> WorkbookError:
    return WorkbookError(
        "unreadable-workbook",
        f"“{path.name}”无法读取（{type(exc).__name__}: {exc}）。文件可能已损坏；请在 Excel 中打开并另存后再校验。",
    )


def _read_calamine(path: Path) -> list[Sheet]:
    import python_calamine as calamine

    try:
        workbook = calamine.CalamineWorkbook.from_path(str(path))
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
        raise _unreadable(path, exc) from None


def _read_openpyxl(path: Path) -> list[Sheet]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, data_only=True, read_only=False)
    except Exception as exc:  # openpyxl raises many unrelated types for broken input
        raise _unreadable(path, exc) from None
    sheets = []
    for worksheet in workbook.worksheets:
        grid = [clean_row(row) for row in worksheet.iter_rows(values_only=True)]
        merges = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in worksheet.merged_cells.ranges]
        sheets.append(Sheet(worksheet.title, grid, merges, worksheet.sheet_state == "visible"))
    workbook.close()
    return sheets


def _mark_unreadable_cells(path: Path, sheets: list[Sheet]) -> None:
    """Replace cells whose formula has no cached value with :class:`FormulaWithoutValue`, and cells
    holding an error value with :class:`CellError`."""
    by_name = {s.name: s for s in sheets}
    with zipfile.ZipFile(path) as package:
        for name, part in _sheet_parts(package).items():
            sheet = by_name.get(name)
            if sheet is None or part not in package.namelist():
                continue
            xml = package.read(part)
            if b"<f" not in xml and b":f" not in xml and b't="e"' not in xml and b"t='e'" not in xml:
                continue  # no formulas and no errors: the common case costs a few substring searches
            for (row, col), marked in _unreadable_cells(xml):
                while len(sheet.rows) <= row:
                    sheet.rows.append([])
                cells = sheet.rows[row]
                while len(cells) <= col:
                    cells.append(None)
                cells[col] = marked


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
