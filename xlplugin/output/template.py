"""Draw official workbooks from a :class:`~xlplugin.workbook.layout.Layout`.

:func:`write_workbook` produces the blank official template (``bodies=None``: fixed row labels, ``—``
in not-applicable cells, empty value cells) or a filled workbook when given each table's body lines as
printed text (the bundled sample is built this way from its transcription). Either way the title,
公开部门 / 年度 / 表号 / 单位 lines, the merged multi-row header, borders, number formats, widths
and the 备注 line all come from the layout, so the reader and the rules see exactly what the
template shows.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from xlplugin.core.amounts import is_dash, parse_number
from xlplugin.core.display import display_width
from xlplugin.output.print_setup import page_setup
from xlplugin.output.selfeval_sheet import write_selfeval_sheet
from xlplugin.workbook.layout import MERGE_LEFT, MERGE_UP, Layout, TableSpec

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
    selfeval: Sequence[tuple[str, str, dict | None]] | None = None,
) -> Path:
    """Write the layout's workbook to ``path`` and return it.

    ``bodies`` maps a table id to its body lines (lists of cell texts as printed, one per sheet
    column); tables without a body get the template's blank body. ``notes`` and ``titles`` override
    the layout's texts where a published workbook words them differently. ``selfeval`` lists the
    绩效自评表 to draw as (kind, sheet name, data or ``None`` for blank); by default one blank table
    of each kind the layout has.
    """
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in layout.tables:
        sheet = workbook.create_sheet(spec.sheet)
        body = (bodies or {}).get(spec.id)
        _write_table(sheet, spec, department, year, body, (notes or {}).get(spec.id), (titles or {}).get(spec.id))
    if layout.selfeval is not None:
        tables = selfeval if selfeval is not None else [(k.name, k.sheet, None) for k in layout.selfeval.kinds]
        for kind, sheet_name, data in tables:
            write_selfeval_sheet(workbook, layout.selfeval, kind, sheet_name, data)
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
        "amount": Alignment(horizontal="right", vertical="center", indent=1),
        "meta": Font(name="宋体", size=10),
        "heading": Font(name="宋体", size=11, bold=True),
        "narrative_title": Font(name="宋体", size=16, bold=True),
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
    # 公开部门 over the left half, 年度 centred over the middle, 单位 over the last column(s).
    half = max(1, width // 2)
    unit_from = width - 1 if width >= 5 else width
    sheet.cell(3, 1, f"公开部门：{department}").alignment = style["left"]
    sheet.cell(3, half + 1, f"{year if year is not None else '    '}年度").alignment = style["center"]
    sheet.cell(3, unit_from, spec.unit_text).alignment = style["right"]
    for first, last in ((1, half), (half + 1, unit_from - 1), (unit_from, width)):
        if last > first:
            sheet.merge_cells(start_row=3, start_column=first, end_row=3, end_column=last)
    for column in range(1, width + 1):
        for row in (2, 3):
            sheet.cell(row, column).font = style["meta"]

    for r, row in enumerate(spec.header):
        for c, text in enumerate(row):
            cell = sheet.cell(HEADER_TOP + r + 1, c + 1)
            if text not in (MERGE_LEFT, MERGE_UP):
                cell.value = text
            cell.font, cell.alignment, cell.border, cell.fill = (
                style["bold"],
                style["center"],
                style["border"],
                style["header_fill"],
            )
    for r0, c0, r1, c1 in header_merges(spec.header):
        sheet.merge_cells(
            start_row=HEADER_TOP + r0 + 1, start_column=c0 + 1, end_row=HEADER_TOP + r1 + 1, end_column=c1 + 1
        )
    for r, height in enumerate(_header_heights(spec)):
        sheet.row_dimensions[HEADER_TOP + r + 1].height = height

    first_body = HEADER_TOP + len(spec.header) + 1  # 1-based sheet row of body line 1
    lines = body if body is not None else _template_body(spec)
    row_decimals = _row_decimals(spec)
    value_columns = {
        spec.column_offset(b.id) + i for b in spec.blocks for i, c in enumerate(b.columns) if c.role == "value"
    }
    totals = {b.total for b in spec.blocks if b.keyed and b.total}
    for line_index, line in enumerate(lines):
        for c in range(width):
            text = line[c] if c < len(line) else ""
            cell = sheet.cell(first_body + line_index, c + 1)
            cell.border, cell.font = style["border"], style["plain"]
            if c in value_columns:
                decimals = row_decimals.get((line_index + 1, c), spec.decimals)
                cell.number_format = "#,##0" if decimals == 0 else "#,##0." + "0" * decimals
                cell.alignment = style["amount"]
                if text and not is_dash(text):
                    cell.value = parse_number(text, decimals).value
                elif text:
                    cell.value, cell.alignment = text, style["center"]
            elif text in totals:
                cell.value, cell.font, cell.alignment = text, style["bold"], style["center"]
            else:
                cell.alignment = style["left"]
                cell.value = text or None
    for cell_spec in spec.cells:
        if cell_spec.at is None:
            continue
        label_column = spec.column_offset(cell_spec.label_block or cell_spec.block) + 1
        value_column = (
            spec.column_offset(cell_spec.block)
            + 1
            + [c.id for c in spec.block(cell_spec.block).columns].index(cell_spec.column)
        )
        row = first_body + cell_spec.at - 1
        if value_column - 1 > label_column:
            sheet.merge_cells(start_row=row, start_column=label_column, end_row=row, end_column=value_column - 1)
        sheet.cell(row, label_column).alignment = style["center"]

    note_row = first_body + len(lines)
    sheet.cell(note_row, 1, note if note is not None else spec.note).alignment = style["left"]
    sheet.merge_cells(start_row=note_row, start_column=1, end_row=note_row, end_column=width)
    sheet.row_dimensions[note_row].height = 30
    sheet.freeze_panes = sheet.cell(first_body, 1)
    # A4 landscape, one page wide; tables with fixed rows print on one page, as published.
    fixed_only = not any(b.keyed for b in spec.blocks)
    page_setup(sheet, "landscape", fit_height=1 if fixed_only else 0)
    sheet.print_title_rows = f"{HEADER_TOP + 1}:{HEADER_TOP + len(spec.header)}"


def _lines_needed(text: str, width: float) -> int:
    """Wrapped lines a cell of ``width`` (Excel character units) needs: a CJK character takes ~2."""
    usable = max(1.0, width - 1)
    return max(1, -(-int(display_width(text) * 1.05) // int(usable)))


def _header_heights(spec: TableSpec) -> list[float]:
    """Row heights that let every header text wrap without spilling over its neighbours."""
    heights = [15.0] * len(spec.header)
    for r0, c0, r1, c1 in _cells_with_spans(spec.header):
        text = spec.header[r0][c0]
        lines = _lines_needed(text, sum(spec.widths[c0 : c1 + 1]))
        needed = 14.0 * lines + 4
        rows = r1 - r0 + 1
        if needed > 15.0 * rows:  # spread what a vertically merged cell needs over its rows
            for r in range(r0, r1 + 1):
                heights[r] = max(heights[r], needed / rows)
    return heights


def _cells_with_spans(header: Sequence[Sequence[str]]) -> list[tuple[int, int, int, int]]:
    merged = {(r0, c0): (r0, c0, r1, c1) for r0, c0, r1, c1 in header_merges(header)}
    return [
        merged.get((r, c), (r, c, r, c))
        for r, row in enumerate(header)
        for c, text in enumerate(row)
        if text not in (MERGE_LEFT, MERGE_UP)
    ]


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
            # the 合计 line as printed: first or last of the block's lines, its label in the label
            # column, or in the (first) code column of a block printed without one
            name_at = label_at if label_at is not None else code_at
            if block.total and name_at is not None:
                lines[0 if block.total_at == "top" else block.template_rows][offset + name_at] = block.total
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


_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")
NARRATIVE_WIDTH = 88


def _write_narrative(sheet, paragraphs: Sequence[str]) -> None:
    """One paragraph per row, wrapped, heights set so that nothing overprints; A4 portrait."""
    from openpyxl.styles import Alignment

    style = _styles()
    sheet.column_dimensions["A"].width = NARRATIVE_WIDTH
    for index, paragraph in enumerate(paragraphs, start=1):
        cell = sheet.cell(index, 1, paragraph)
        if index <= 2:
            cell.font, cell.alignment = style["narrative_title"], style["center"]
            sheet.row_dimensions[index].height = 24
            continue
        short_heading = _HEADING.match(paragraph) and len(paragraph) <= 40
        cell.font = style["heading"] if short_heading else style["plain"]
        cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        sheet.row_dimensions[index].height = 14.5 * _lines_needed(paragraph, NARRATIVE_WIDTH) + 3
    page_setup(sheet, "portrait", fit_height=0)
