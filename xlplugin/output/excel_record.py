"""The Excel button's record of what it marked, read by ``xlplugin clean``: a workbook marked in Excel
and sent on is cleaned by the command line as one marked by the command line is."""

from __future__ import annotations

import re
from collections import defaultdict

from xlplugin.output.marks import EXCEL_STATE_SHEET, RESULT_SHEET
from xlplugin.output.ooxml.package import NS, Package, parse_xml
from xlplugin.output.ooxml.sheet import SheetXml, sheet_grid
from xlplugin.output.ooxml.styles import Styles, solid_fill

__all__ = ["excel_door_record", "restore_excel_cell"]


def excel_door_record(package: Package) -> tuple[dict[str, list[tuple[str, str]]], str | None]:
    """The Excel button's record (:data:`EXCEL_STATE_SHEET`: sheet, cell, original fill ``#RRGGBB``
    or ``''``, …, and a ``#result`` row naming its 校验结果): the marked cells by sheet, and the
    result sheet's name (``None`` without a record)."""
    grid = sheet_grid(package, EXCEL_STATE_SHEET)
    if grid is None:
        return {}, None
    cells: dict[str, list[tuple[str, str]]] = defaultdict(list)
    result_name = RESULT_SHEET
    for row in grid[1:]:
        sheet, ref, original = (list(row) + ["", "", ""])[:3]
        if sheet == "#result" and ref:
            result_name = ref
        elif sheet and ref:
            cells[sheet].append((ref, original))
    return cells, result_name


def restore_excel_cell(sheet: SheetXml, styles: Styles, ref: str, original: str, is_ours) -> bool:
    """Give a cell the Excel button marked its original fill back (the button records colours only)."""
    cell = sheet.cell(ref)
    if cell is None:
        return False
    current = int(cell.get("s", "0"))
    if not is_ours(styles.fill_of(current)):
        return False  # the department changed this cell's fill since: theirs now
    fill = solid_fill("FF" + original[1:].upper()) if re.fullmatch(r"#[0-9A-Fa-f]{6}", original) else _NO_FILL
    cell.set("s", str(styles.with_fill(current, parse_xml(fill) if isinstance(fill, bytes) else fill)))
    return True


_NO_FILL = f'<fill xmlns="{NS["m"]}"><patternFill patternType="none"/></fill>'.encode()
