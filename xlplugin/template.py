"""Draw official workbooks from a :class:`~xlplugin.layout.Layout`.

:func:`write_workbook` produces the blank official template (``bodies=None``: fixed row labels, ``—``
in not-applicable cells, empty value cells) or a filled workbook when given each table's body lines as
printed text (the bundled sample is built this way from its transcription). Either way the title,
公开部门 / 年度 / 表号 / 单位 lines, the merged multi-row header, borders, number formats, widths
and the 备注 line all come from the layout, so the reader and the rules see exactly what the
template shows.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping, Sequence

from xlplugin.amounts import is_dash, parse_number
from xlplugin.layout import MERGE_LEFT, MERGE_UP, Layout, TableSpec

__all__ = ["write_workbook", "header_merges", "HEADER_TOP"]

#: 0-based sheet row of the first header row (title, 表号 and the 公开部门 line come first).
HEADER_TOP = 3


def header_merges(header: Sequence[Sequence[str]]) -> list[tuple[int, int, int, int]]:
    """Merged rectangles ``(r0, c0, r1, c1)`` (0-based, inclusive) described by ``<`` and ``^``."""
    merges = []
    for r, row in enumerate(header):
        for c, text in enumerate(row):
            if text in (MERGE_LEFT, MERGE_UP):
                continue
            c1 = c
            while c1 + 1 < len(row) and row[c1 + 1] == MERGE_LEFT:
                c1 += 1
            r1 = r
            while r1 + 1 < len(header) and header[r1 + 1][c] == MERGE_UP:
                r1 += 1
            if (r1, c1) != (r, c):
                merges.append((r, c, r1, c1))
    return merges


def write_workbook(
    layout: Layout,
    path: str | os.PathLike,
    *,
    department: str = "",
    year: int | str | None = None,
    bodies: Mapping[str, Sequence[Sequence[str]]] | None = None,
    notes: Mapping[str, str] | None = None,
    titles: Mapping[str, str] | None = None,
    narrative: Sequence[str] | None = None,
) -> Path:
    """Write the layout's workbook to ``path`` and return it.

    ``bodies`` maps a table id to its body lines (lists of cell texts as printed, one per sheet
    column); tables without a body get the template's blank body. ``notes`` and ``titles`` override
    the layout's texts where a published workbook words them differently.
    """
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in layout.tables:
        sheet = workbook.create_sheet(spec.sheet)
        body = (bodies or {}).get(spec.id)
        _write_table(sheet, spec, department, year, body, (notes or {}).get(spec.id), (titles or {}).get(spec.id))
    _write_narrative(workbook.create_sheet(layout.narrative_sheet), narrative or [])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="000000")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "title": Font(name="宋体", size=18, bold=True),
        "bold": Font(name="宋体", size=10, bold=True),
        "plain": Font(name="宋体", size=10),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "left": Alignment(horizontal="left", vertical="center", wrap_text=True),
        "right": Alignment(horizontal="right", vertical="center"),
        "header_fill": PatternFill("solid", fgColor="F2F2F2"),
    }


def _write_table(sheet, spec: TableSpec, department, year, body, note, title) -> None:
    from openpyxl.utils import get_column_letter

    style = _styles()
    width = spec.width
    last = get_column_letter(width)
    for index, column_width in enumerate(spec.widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = column_width

    sheet["A1"] = title or spec.title
    sheet["A1"].font, sheet["A1"].alignment = style["title"], style["center"]
    sheet.merge_cells(f"A1:{last}1")
    sheet.row_dimensions[1].height = 32
    sheet.cell(2, width, spec.id).alignment = style["right"]
    sheet.cell(3, 1, f"公开部门：{department}").alignment = style["left"]
    middle = max(2, (width + 1) // 2)
    if middle - 1 > 1:
        sheet.merge_cells(start_row=3, start_column=1, end_row=3, end_column=middle - 1)
    sheet.cell(3, middle, f"{year if year is not None else '    '}年度").alignment = style["center"]
    sheet.cell(3, width, spec.unit_text).alignment = style["right"]

    for r, row in enumerate(spec.header):
        for c, text in enumerate(row):
            cell = sheet.cell(HEADER_TOP + r + 1, c + 1)
            if text not in (MERGE_LEFT, MERGE_UP):
                cell.value = text
            cell.font, cell.alignment, cell.border, cell.fill = style["bold"], style["center"], style["border"], style["header_fill"]
    for r0, c0, r1, c1 in header_merges(spec.header):
        sheet.merge_cells(start_row=HEADER_TOP + r0 + 1, start_column=c0 + 1, end_row=HEADER_TOP + r1 + 1, end_column=c1 + 1)

    first_body = HEADER_TOP + len(spec.header) + 1  # 1-based sheet row of body line 1
    lines = body if body is not None else _template_body(spec)
    row_decimals = _row_decimals(spec)
    value_columns = {spec.column_offset(b.id) + i for b in spec.blocks for i, c in enumerate(b.columns) if c.role == "value"}
    for line_index, line in enumerate(lines):
        for c in range(width):
            text = line[c] if c < len(line) else ""
            cell = sheet.cell(first_body + line_index, c + 1)
            cell.border, cell.font = style["border"], style["plain"]
            if c in value_columns:
                decimals = row_decimals.get((line_index + 1, c), spec.decimals)
                cell.number_format = "#,##0" if decimals == 0 else "#,##0." + "0" * decimals
                cell.alignment = style["right"]
                if text and not is_dash(text):
                    cell.value = parse_number(text, decimals).value
                elif text:
                    cell.value, cell.alignment = text, style["center"]
            else:
                cell.alignment = style["left"]
                cell.value = text or None
    for cell_spec in spec.cells:
        if cell_spec.at is None:
            continue
        label_column = spec.column_offset(cell_spec.label_block or cell_spec.block) + 1
        value_column = spec.column_offset(cell_spec.block) + 1 + [c.id for c in spec.block(cell_spec.block).columns].index(cell_spec.column)
        row = first_body + cell_spec.at - 1
        if value_column - 1 > label_column:
            sheet.merge_cells(start_row=row, start_column=label_column, end_row=row, end_column=value_column - 1)
        sheet.cell(row, label_column).alignment = style["center"]

    note_row = first_body + len(lines)
    sheet.cell(note_row, 1, note if note is not None else spec.note).alignment = style["left"]
    sheet.merge_cells(start_row=note_row, start_column=1, end_row=note_row, end_column=width)
    sheet.row_dimensions[note_row].height = 30
    sheet.freeze_panes = sheet.cell(first_body, 1)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_TOP + 1}:{HEADER_TOP + len(spec.header)}"


def _row_decimals(spec: TableSpec) -> dict[tuple[int, int], int]:
    """(body line, 0-based column) → decimals, for fixed rows that override the table's precision."""
    result = {}
    for block in spec.blocks:
        offset = spec.column_offset(block.id)
        for row in block.rows:
            for i, column in enumerate(block.columns):
                decimals = row.decimals if row.decimals is not None else column.decimals
                if column.role == "value" and decimals is not None:
                    result[(row.at, offset + i)] = decimals
    return result


def _template_body(spec: TableSpec) -> list[list[str]]:
    """The blank template's body lines: fixed labels, ``—`` marks, keyed blocks' 合计 line."""
    lines = [["" for _ in range(spec.width)] for _ in range(spec.body_lines)]
    for block in spec.blocks:
        offset = spec.column_offset(block.id)
        ids = [c.id for c in block.columns]
        label_at = ids.index(block.label_column.id) if block.label_column else None
        code_at = ids.index(block.code_column.id) if block.code_column else None
        if block.keyed:
            if block.total and label_at is not None:
                lines[0][offset + label_at] = block.total
            continue
        for row in block.rows:
            line = lines[row.at - 1]
            if code_at is not None and row.code is not None:
                line[offset + code_at] = row.code
            if label_at is not None:
                line[offset + label_at] = row.label
            for column_id in row.na:
                line[offset + ids.index(column_id)] = "—"
    for cell in spec.cells:
        if cell.at is not None:
            lines[cell.at - 1][spec.column_offset(cell.label_block or cell.block)] = cell.label
    return lines


def _write_narrative(sheet, paragraphs: Sequence[str]) -> None:
    style = _styles()
    sheet.column_dimensions["A"].width = 110
    for index, paragraph in enumerate(paragraphs, start=1):
        cell = sheet.cell(index, 1, paragraph)
        cell.alignment = style["left"]
        cell.font = style["bold"] if index <= 2 else style["plain"]
