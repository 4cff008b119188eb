"""A workbook as plain grids of cell values: the input of everything else.

A :class:`Book` is what every door builds (a file today, live Excel through xlwings later): an
ordered list of :class:`Sheet` objects, each a rectangular grid of raw cell values (``None``, ``str``,
``float``, ``int``, ``bool``, ``datetime`` or :class:`FormulaWithoutValue`) with its merged ranges.
Coordinates are 0-based ``(row, col)``; :func:`a1` turns them into the ``B7`` people read.

:meth:`Book.open` reads an .xlsx/.xlsm with python-calamine (Rust, fast) by default, or with openpyxl
(``engine="openpyxl"``, pure Python, for environments without calamine). Both paths also scan the
sheet XML for formulas that carry no cached value — files written by tools that do not calculate —
and mark those cells, so that they are reported instead of being read as blank.
"""
from __future__ import annotations

import io
import os
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence
from xml.etree import ElementTree

from xlplugin.errors import WorkbookError
from xlplugin.sniff import check_workbook_file

__all__ = ["Book", "Sheet", "FormulaWithoutValue", "a1", "column_letter"]

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass(frozen=True, slots=True)
class FormulaWithoutValue:
    """A formula cell whose file holds no computed value (never to be read as blank)."""

    formula: str


def column_letter(col: int) -> str:
    """0-based column index to Excel letters: 0 → A, 27 → AB."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def a1(row: int, col: int) -> str:
    """0-based (row, col) to an A1 reference."""
    return f"{column_letter(col)}{row + 1}"


_A1 = re.compile(r"([A-Z]+)(\d+)")


def parse_a1(ref: str) -> tuple[int, int]:
    """An A1 reference to 0-based (row, col)."""
    match = _A1.fullmatch(ref.replace("$", ""))
    if not match:
        raise ValueError(ref)
    col = 0
    for char in match.group(1):
        col = col * 26 + ord(char) - 64
    return int(match.group(2)) - 1, col - 1


@dataclass
class Sheet:
    """One worksheet: a rectangular grid of raw values plus merged ranges.

    ``merges`` holds ``(first_row, first_col, last_row, last_col)`` tuples, inclusive, 0-based.
    """

    name: str
    rows: list[list[object]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    visible: bool = True
    _merge_lookup: tuple[dict, dict] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def height(self) -> int:
        return len(self.rows)

    def value(self, row: int, col: int) -> object:
        """The raw value at (row, col); ``None`` outside the grid or for an empty cell."""
        if 0 <= row < len(self.rows):
            cells = self.rows[row]
            if 0 <= col < len(cells):
                return cells[col]
        return None

    def merged_value(self, row: int, col: int) -> object:
        """Like :meth:`value`, but a cell inside a merged range reads its top-left value."""
        anchor = self._merge_index()[1].get((row, col))
        return self.value(*anchor) if anchor else self.value(row, col)

    def merge_at(self, row: int, col: int) -> tuple[int, int, int, int] | None:
        """The merged range whose top-left cell is (row, col), if any."""
        return self._merge_index()[0].get((row, col))

    def _merge_index(self) -> tuple[dict, dict]:
        # Built on first use (merges do not change after reading): top-left → range, and every
        # covered cell → its top-left.
        if self._merge_lookup is None:
            tops, covered = {}, {}
            for merge in self.merges:
                r0, c0, r1, c1 = merge
                tops[(r0, c0)] = merge
                for r in range(r0, r1 + 1):
                    for c in range(c0, c1 + 1):
                        covered[(r, c)] = (r0, c0)
            self._merge_lookup = (tops, covered)
        return self._merge_lookup


@dataclass
class Book:
    """An ordered collection of sheets, from one source."""

    sheets: list[Sheet]
    source: str = ""

    def sheet(self, name: str) -> Sheet | None:
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        return None

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    @classmethod
    def from_grids(cls, grids: dict[str, Sequence[Sequence[object]]], source: str = "", merges=None) -> "Book":
        """Build a book from in-memory grids (the live-Excel door and tests use this)."""
        merges = merges or {}
        sheets = [Sheet(name, [_clean_row(r) for r in rows], list(merges.get(name, []))) for name, rows in grids.items()]
        return cls(sheets, source)

    @classmethod
    def open(cls, path: str | os.PathLike, engine: str = "auto") -> "Book":
        """Read an .xlsx/.xlsm file. ``engine`` is ``"calamine"``, ``"openpyxl"`` or ``"auto"``."""
        path = check_workbook_file(path)
        if engine == "auto":
            engine = "calamine" if _has_calamine() else "openpyxl"
        reader = {"calamine": _read_calamine, "openpyxl": _read_openpyxl}.get(engine)
        if reader is None:
            raise ValueError(f"unknown engine {engine!r}")
        sheets = reader(path)
        _mark_uncached_formulas(path, sheets)
        return cls(sheets, str(path))


def _has_calamine() -> bool:
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return False
    return True


def _clean_row(cells: Iterable[object]) -> list[object]:
    # Readers disagree on empty cells ('' vs None); the model says None.
    return [None if c == "" else c for c in cells]


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
            sheets.append(Sheet(meta.name, [_clean_row(_whole_numbers_as_int(r)) for r in grid], merges, visible))
        workbook.close()
        return sheets
    except calamine.PasswordError:
        raise WorkbookError("encrypted-workbook", f"“{path.name}”设置了密码，无法读取。请清除密码后另存再校验。") from None
    except (calamine.CalamineError, calamine.ZipError, calamine.XmlError, ValueError, OSError) as exc:
        raise _unreadable(path, exc) from None


def _whole_numbers_as_int(cells: list[object]) -> list[object]:
    # calamine returns every number as float; 208.0 is the code 208, not a measurement. Amounts are
    # unaffected: parse_number gives an int and a float the same exact Decimal.
    return [int(c) if isinstance(c, float) and c.is_integer() and abs(c) < 2**53 else c for c in cells]


def _read_openpyxl(path: Path) -> list[Sheet]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, data_only=True, read_only=False)
    except Exception as exc:  # openpyxl raises many unrelated types for broken input
        raise _unreadable(path, exc) from None
    sheets = []
    for worksheet in workbook.worksheets:
        grid = [_clean_row(row) for row in worksheet.iter_rows(values_only=True)]
        merges = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in worksheet.merged_cells.ranges]
        sheets.append(Sheet(worksheet.title, grid, merges, worksheet.sheet_state == "visible"))
    workbook.close()
    return sheets


def _mark_uncached_formulas(path: Path, sheets: list[Sheet]) -> None:
    """Replace cells whose formula has no cached value with :class:`FormulaWithoutValue`."""
    by_name = {s.name: s for s in sheets}
    with zipfile.ZipFile(path) as package:
        for name, part in _sheet_parts(package).items():
            sheet = by_name.get(name)
            if sheet is None or part not in package.namelist():
                continue
            xml = package.read(part)
            if b"<f" not in xml and b":f" not in xml:
                continue  # no formulas at all: the common case costs one substring search
            for (row, col), formula in _uncached_cells(xml):
                while len(sheet.rows) <= row:
                    sheet.rows.append([])
                cells = sheet.rows[row]
                while len(cells) <= col:
                    cells.append(None)
                cells[col] = FormulaWithoutValue(formula)


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


def _uncached_cells(xml: bytes) -> list[tuple[tuple[int, int], str]]:
    found = []
    for _, element in ElementTree.iterparse(io.BytesIO(xml), events=("end",)):
        if element.tag != f"{{{_MAIN_NS}}}c":
            continue
        formula = element.find(f"{{{_MAIN_NS}}}f")
        if formula is not None:
            value = element.find(f"{{{_MAIN_NS}}}v")
            inline = element.find(f"{{{_MAIN_NS}}}is")
            # Excel and LibreOffice store a formula's empty-text result as t="str" with an empty
            # <v>; an empty <v> on a number cell (what openpyxl writes) means "never calculated".
            cached_text = element.get("t") in ("str", "s", "inlineStr") and value is not None
            if (value is None or value.text is None) and inline is None and not cached_text:
                found.append((parse_a1(element.get("r", "A1")), "=" + (formula.text or "")))
        element.clear()
    return found

