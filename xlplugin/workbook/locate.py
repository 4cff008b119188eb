"""Find the layout's tables in a :class:`~xlplugin.workbook.book.Book`: by text, never by fixed address.

For each :class:`~xlplugin.workbook.layout.TableSpec` the locator

1. picks the sheet: by name (or alias), else by the 表号 printed in the sheet's top rows (公开03表),
   else by the exact title — so a renamed or reordered sheet is still found;
2. finds every column by its header path (``[事业收入, 小计]``): the last text must be a header cell
   and each earlier text must sit above it with a span (merge, or up to the next filled cell) that
   covers it; blocks are taken left to right, so repeated headers (06's three 金额) resolve in order;
3. reads the body from below the header down to the 备注/注 line: keyed blocks row by row by
   功能分类/经济分类 code, fixed blocks by code where the sheet shows codes, else by aligning the
   sheet's labels with the layout's (an optimal alignment, so inserted rows, a typo'd ordinal such as
   04's ``二、一般公共预算财政拨款`` or a reworded label still match the right row);
4. parses every value cell into a :class:`Value` (exact ``Decimal`` with its stated precision, its A1
   cell, and how it was stored), collecting reading problems — text that is not a number, formulas
   without cached values, rows missing from the layout — as :class:`Problem` records.

Text comparison uses :func:`~xlplugin.core.amounts.normalize_text`, so stray spaces, full-width
characters and line breaks inside headers do not matter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xlplugin.core.amounts import (
    NumberFormatError,
    is_dash,
    normalize_text,
    parse_number,
)
from xlplugin.core.cells import a1
from xlplugin.core.errors import TableNotFound, WorkbookError
from xlplugin.core.findings import ERROR, INFO, WARNING
from xlplugin.workbook.book import Book, CellError, FormulaWithoutValue, Sheet
from xlplugin.workbook.headers import match_header
from xlplugin.workbook.layout import Layout, TableSpec
from xlplugin.workbook.located import LocatedBook, Problem, Table, Value, read_value
from xlplugin.workbook.rows import read_block
from xlplugin.workbook.selfeval import locate_selfeval

__all__ = ["locate_book", "locate_table"]

_NOTE = re.compile(r"^(备注|注|说明)[:：]")
_META = {
    # 公开部门：… (Chongqing), 部门：… / 编制部门：… / 单位名称：… (national prints, often a half-width colon)
    # (a printed "单位：万元" is the money unit, not the unit's name; a unit printed after the name is cut)
    "department": re.compile(r"(?:(?:公开|编制)?部门(?:名称)?|单位名称)[:：]\s*(.*?)(?:(?:金额)?单位[:：].*)?$"),
    "year": re.compile(r"(\d{4})年度?"),
    "table_no": re.compile(r"公开\d{2}表"),
    "unit": re.compile(r"单位[:：](\S+)"),
}


def locate_book(book: Book, layout: Layout) -> LocatedBook:
    """Locate every table of ``layout`` in ``book``; tables that cannot be found are reported in
    ``not_found`` (never silently skipped). Raises :class:`WorkbookError` if no table is found at all
    (the workbook is not of this template)."""
    tables: dict[str, Table] = {}
    not_found: dict[str, TableNotFound] = {}
    taken: set[str] = set()
    for spec in layout.tables:
        try:
            table = locate_table(book, spec, exclude=taken)
        except TableNotFound as exc:
            not_found[spec.id] = exc
            continue
        tables[spec.id] = table
        taken.add(table.sheet.name)
    if not tables:
        raise WorkbookError(
            "not-this-template",
            f"“{_book_name(book)}”中找不到任何“{layout.name}”的表格（工作表：{'、'.join(book.sheet_names) or '无'}）。"
            "请确认提交的是部门决算公开表，且使用的是对应年度的表样。",
        )
    narrative_sheet = _find_narrative_sheet(book, layout, taken)
    narrative = None
    if narrative_sheet is not None:
        narrative = [(a1(r, c), str(text).strip()) for r, c, text in _paragraphs(narrative_sheet)]
    selfeval = []
    if layout.selfeval is not None:
        selfeval = locate_selfeval(book, layout.selfeval)
    located = LocatedBook(
        layout, book, tables, not_found, narrative, narrative_sheet.name if narrative_sheet else None, selfeval
    )
    _report_notices(located)
    return located


def _report_notices(located: LocatedBook) -> None:
    """What the reader met outside the tables (:attr:`Book.notices`: far cells it did not read) joins
    the reading problems: of the table on that sheet, else of the book."""
    by_sheet = {table.sheet.name: table for table in located.tables.values()}
    for notice in located.book.notices:
        table = by_sheet.get(notice.sheet)
        problem = Problem(
            notice.code, notice.severity, notice.sheet, notice.cell, table.id if table else "", notice.message
        )
        (table.problems if table else located.sheet_problems).append(problem)


def _book_name(book: Book) -> str:
    return book.source.replace("\\", "/").rsplit("/", 1)[-1] or "工作簿"


def _paragraphs(sheet: Sheet) -> Iterator[tuple[int, int, object]]:
    for r, cells in enumerate(sheet.rows):
        for c, value in enumerate(cells):
            if isinstance(value, str) and value.strip():
                yield r, c, value
                break


def _find_narrative_sheet(book: Book, layout: Layout, taken: set[str]) -> Sheet | None:
    names = {normalize_text(n) for n in (layout.narrative_sheet, *layout.narrative_aliases)}
    for sheet in book.sheets:
        if sheet.name not in taken and normalize_text(sheet.name) in names:
            return sheet
    return None


# ---------------------------------------------------------------------------------------------
# One table


def locate_table(book: Book, spec: TableSpec, exclude: set[str] | frozenset = frozenset()) -> Table:
    """Locate one table; raise :class:`TableNotFound` saying what was looked for and where."""
    sheet = _find_sheet(book, spec, exclude)
    header = match_header(sheet, spec)
    starts = {block_id: bottom + 1 for block_id, bottom in header.block_bottoms.items()}
    body_first = min(starts.values())
    body_last, inner_notes = _body_end(sheet, body_first)
    meta = _read_meta(sheet, header.top)
    table = Table(spec, sheet, (header.top, header.bottom), (body_first, body_last), meta, {}, {})
    _report_inner_notes(table, inner_notes)
    claimed = _locate_cells(table, header.columns, body_first, body_last) | set(inner_notes)
    for block_spec in spec.blocks:
        table.blocks[block_spec.id] = read_block(
            table,
            block_spec,
            header.columns[block_spec.id],
            header.code_columns[block_spec.id],
            starts[block_spec.id],
            body_last,
            claimed,
        )
    _check_meta(table)
    _summarise_text_numbers(table)
    return table


def _find_sheet(book: Book, spec: TableSpec, exclude) -> Sheet:
    candidates = [s for s in book.sheets if s.name not in exclude]
    names = {normalize_text(n) for n in (spec.sheet, spec.id, *spec.sheet_aliases)}
    for sheet in candidates:
        if normalize_text(sheet.name) in names:
            return sheet
    table_no, title = normalize_text(spec.id), normalize_text(spec.title)
    for wanted in (table_no, title):
        for sheet in candidates:
            if any(wanted == normalize_text(str(v)) for row in sheet.rows[:8] for v in row if isinstance(v, str)):
                return sheet
    raise TableNotFound(
        "table-not-found",
        f"找不到{spec.id}（{spec.title}）：没有名为“{spec.sheet}”的工作表，其他工作表的表头也没有写“{spec.id}”或“{spec.title}”。"
        f"现有工作表：{'、'.join(s.name for s in book.sheets) or '无'}。",
    )


def _first_text(cells: list[object]) -> str:
    for value in cells:
        if isinstance(value, str) and value.strip():
            return normalize_text(value)
        if value is not None and value != "":
            return ""
    return ""


def _body_end(sheet: Sheet, first: int) -> tuple[int, list[int]]:
    """The last body row, and the note rows (备注/注/说明) inside the body.

    A note row ends the table only when no table data (a number, a dash, a code) follows it: a note
    typed between body rows is skipped (and reported), never a silent end of the table."""
    notes = [r for r in range(first, sheet.height) if _NOTE.match(_first_text(sheet.rows[r]))]
    noted = set(notes)
    last_data = max((r for r in range(first, sheet.height) if r not in noted and _has_data(sheet.rows[r])), default=-1)
    inner = [r for r in notes if r < last_data]
    end = next((r for r in notes if r > last_data), sheet.height)
    last = first - 1
    for r in range(first, end):
        if r not in noted and any(v is not None and v != "" for v in sheet.rows[r]):
            last = r
    return last, inner


def _has_data(cells: list[object]) -> bool:
    """True if a row holds what only a table row holds: a number, a formula, a dash or numeric text."""
    for value in cells:
        if isinstance(value, bool) or value is None:
            continue
        if not isinstance(value, str):
            if isinstance(value, (int, float, FormulaWithoutValue, CellError)):
                return True
            continue
        if is_dash(value):
            return True
        try:
            if parse_number(value) is not None:
                return True
        except NumberFormatError:
            continue
    return False


def _report_inner_notes(table: Table, rows: list[int]) -> None:
    for r in rows:
        col = next((c for c, v in enumerate(table.sheet.rows[r]) if isinstance(v, str) and v.strip()), 0)
        text = _first_text(table.sheet.rows[r])
        shown = text if len(text) <= 20 else text[:20] + "…"
        table.problems.append(
            Problem(
                "note-inside-table",
                WARNING,
                table.sheet.name,
                a1(r, col),
                table.id,
                f"{table.id}第 {r + 1} 行是说明文字（“{shown}”），但其下方仍有表格数据：该行已跳过，"
                "下方各行照常读取。请把说明移到表格末尾。",
            )
        )


def _read_meta(sheet: Sheet, header_top: int) -> dict[str, str]:
    meta: dict[str, str] = {}
    for cells in sheet.rows[:header_top]:
        for value in cells:
            if not isinstance(value, str):
                continue
            text = normalize_text(value)
            for key, pattern in _META.items():
                match = pattern.search(text)
                if match and key not in meta:
                    meta[key] = match.group(1) if pattern.groups else match.group(0)
    return {k: v for k, v in meta.items() if v}


def _check_meta(table: Table) -> None:
    unit = table.meta.get("unit")
    if unit and normalize_text(unit) != normalize_text(table.spec.unit):
        table.problems.append(
            Problem(
                "unit-mismatch",
                ERROR,
                table.sheet.name,
                "",
                table.id,
                f"{table.id}的单位写的是“{unit}”，表样要求“{table.spec.unit}”；金额会差若干数量级，请按表样单位填报。",
            )
        )


# ---------------------------------------------------------------------------------------------
# Rows and values


def _locate_cells(table: Table, columns, first: int, last: int) -> set[int]:
    """Read the table's labelled cells; return the sheet rows they occupy (kept out of the blocks)."""
    claimed: set[int] = set()
    for cell in table.spec.cells:
        wanted = normalize_text(cell.label)
        position = next(
            (
                (r, c)
                for r in range(first, last + 1)
                for c, v in enumerate(table.sheet.rows[r])
                if isinstance(v, str) and normalize_text(v) == wanted
            ),
            None,
        )
        if position is None:
            table.problems.append(
                Problem(
                    "row-missing", WARNING, table.sheet.name, "", table.id, f"{table.id}中找不到“{cell.label}”这一行。"
                )
            )
            table.cells[cell.id] = Value(None, "", "missing")
            continue
        claimed.add(position[0])
        table.cells[cell.id] = read_value(table, position[0], columns[cell.block][cell.column], table.spec.decimals)
    return claimed


def _summarise_text_numbers(table: Table) -> None:
    cells = [v.cell for _, row in table.iter_rows() for v in row.values.values() if v.status == "text-number"]
    cells += [v.cell for v in table.cells.values() if v.status == "text-number"]
    if cells:
        shown = "、".join(cells[:5]) + (" 等" if len(cells) > 5 else "")
        table.problems.append(
            Problem(
                "number-as-text",
                INFO,
                table.sheet.name,
                cells[0],
                table.id,
                f"{table.id}有 {len(cells)} 个数字以文本形式存储（{shown}），已按数字读取；建议改为数值格式。",
            )
        )
