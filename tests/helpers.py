"""Workbook surgery for tests: real .xlsx files derived from the committed sample."""
from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
from openpyxl.worksheet.cell_range import CellRange


def copy_to(source: Path, directory: Path, name: str | None = None) -> Path:
    target = directory / (name or source.name)
    shutil.copyfile(source, target)
    return target


def edit_workbook(path: Path, edit, output: Path | None = None) -> Path:
    """Load with openpyxl, apply ``edit(workbook)``, save to ``output`` (default: in place)."""
    workbook = openpyxl.load_workbook(path)
    edit(workbook)
    output = output or path
    workbook.save(output)
    return output


def insert_rows(sheet, index: int, amount: int = 1) -> None:
    """Insert rows at 1-based ``index`` and shift merged ranges with them (openpyxl does not)."""
    merged = [CellRange(str(r)) for r in sheet.merged_cells.ranges]
    for cell_range in merged:
        sheet.unmerge_cells(str(cell_range))
    sheet.insert_rows(index, amount)
    for cell_range in merged:
        if cell_range.min_row >= index:
            cell_range.shift(row_shift=amount)
        sheet.merge_cells(cell_range.coord)


def find_cell(sheet, text: str):
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell
    raise LookupError(text)
