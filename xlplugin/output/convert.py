"""An annotated .xlsx copy of a workbook that is not an .xlsx (.xls, WPS .et, .ods, .xlsb).

:mod:`xlplugin.output.annotate` edits an Office Open XML package part by part, so that nothing of
the department's workbook is lost. An .xls or .ods has no such package: :func:`write_annotated_copy`
first writes the book as it was read to a plain .xlsx (:func:`write_values`: every sheet in order,
hidden ones hidden, values as typed — numbers as numbers, text as text, even text that looks like a
formula —, merged ranges, error values as errors, formulas that had no value as those formulas,
column widths to fit the text, since the readers do not give the original widths), then annotates
that. Formatting, charts, images and macros of the original are not carried over; the original
file is only read.
"""

from __future__ import annotations

import datetime as _dt
import os
import tempfile
from pathlib import Path

from xlplugin.core.display import display_width
from xlplugin.core.findings import Report
from xlplugin.engine.model import Pack
from xlplugin.output.annotate import Annotation, write_annotated
from xlplugin.workbook.book import Book, CellError, FormulaWithoutValue

__all__ = ["annotated_xlsx_name", "write_annotated_copy", "write_values"]

_MIN_WIDTH, _MAX_WIDTH = 8.0, 60.0


def annotated_xlsx_name(path: str | Path) -> Path:
    """``报表.xls`` → ``报表.校验.xlsx``: the annotated copy of a workbook that is not an .xlsx."""
    path = Path(path)
    return path.with_name(f"{path.stem}.校验.xlsx")


def write_values(book: Book, target: str | Path) -> Path:
    """Write ``book``'s sheets (values, merges, visibility) to a new plain .xlsx at ``target``."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for sheet in book.sheets:
        worksheet = workbook.create_sheet(sheet.name)
        covered = {(r, c) for r0, c0, r1, c1 in sheet.merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {
            (r0, c0) for r0, c0, _, _ in sheet.merges
        }
        widths: dict[int, float] = {}
        merged_tops = {(r0, c0) for r0, c0, r1, c1 in sheet.merges if c1 > c0}
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if value is None or (r, c) in covered:
                    continue
                cell = worksheet.cell(r + 1, c + 1)
                _set(cell, value)
                if (r, c) not in merged_tops:  # a title spread over several columns does not widen one
                    widths[c] = max(widths.get(c, 0.0), float(display_width(str(cell.value))) + 2)
        for r0, c0, r1, c1 in sheet.merges:
            if (r0, c0) != (r1, c1):
                worksheet.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
        for c, width in widths.items():
            worksheet.column_dimensions[get_column_letter(c + 1)].width = min(_MAX_WIDTH, max(_MIN_WIDTH, width))
        if not sheet.visible:
            worksheet.sheet_state = "hidden"
    if not book.sheets:
        workbook.create_sheet("Sheet1")
    if all(ws.sheet_state != "visible" for ws in workbook.worksheets):
        workbook.worksheets[0].sheet_state = "visible"  # a workbook needs one visible sheet
    workbook.active = next(i for i, ws in enumerate(workbook.worksheets) if ws.sheet_state == "visible")
    target = Path(target)
    workbook.save(target)
    return target


def _set(cell, value: object) -> None:
    if isinstance(value, CellError):
        cell.value = value.text
        cell.data_type = "e"
    elif isinstance(value, FormulaWithoutValue):
        cell.value = value.formula  # still without a value: read back, it is reported the same way
    elif isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # control characters an .xlsx cannot hold

        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"  # text as text, even "=…" or "#N/A"
    elif isinstance(value, (bool, int, float, _dt.datetime, _dt.date, _dt.time, _dt.timedelta)):
        cell.value = value
    else:
        cell.value = str(value)
        cell.data_type = "s"


def write_annotated_copy(book: Book, target: str | Path, report: Report, pack: Pack) -> Annotation:
    """Write ``target`` (an .xlsx): ``book``'s values with ``report``'s findings marked. The plain
    copy is made next to ``target`` and removed afterwards; ``book``'s file is never touched."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, plain = tempfile.mkstemp(prefix=".xlplugin-", suffix=".xlsx", dir=target.parent)
    os.close(handle)
    try:
        write_values(book, plain)
        return write_annotated(plain, target, report, pack, book)
    finally:
        Path(plain).unlink(missing_ok=True)
