"""Finding a table's columns by their header paths: the last text of a path must be a header cell,
and each earlier text must sit above it with a span (merge, or up to the next filled cell) that
covers it; blocks are taken left to right, so repeated headers resolve in order.

A column may be identified by several paths (its own, its ``aliases``); the leftmost match wins. A
code column whose header cell is merged over several sheet columns (功能分类科目编码 over 类 | 款 | 项)
reads its code from all of them."""

from __future__ import annotations

from dataclasses import dataclass

from xlplugin.core.amounts import normalize_text
from xlplugin.core.errors import TableNotFound
from xlplugin.workbook.book import Sheet
from xlplugin.workbook.layout import ColumnSpec, TableSpec

__all__ = ["HEADER_SEARCH_ROWS", "HeaderMatch", "locate_columns", "match_header"]


HEADER_SEARCH_ROWS = 30


def _header_cells(sheet: Sheet) -> dict[str, list[tuple[int, int]]]:
    """Normalised text → positions, for string cells in the header search zone."""
    found: dict[str, list[tuple[int, int]]] = {}
    for r, cells in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        for c, value in enumerate(cells):
            if isinstance(value, str) and value.strip():
                found.setdefault(normalize_text(value), []).append((r, c))
    return found


def _span(sheet: Sheet, row: int, col: int) -> tuple[int, int]:
    """Columns covered by the header cell at (row, col): its merge, else up to the next filled cell."""
    merge = sheet.merge_at(row, col)
    if merge:
        return merge[1], merge[3]
    end = col
    cells = sheet.rows[row]
    while end + 1 < len(cells) and (cells[end + 1] is None or cells[end + 1] == ""):
        end += 1
    return col, end


@dataclass
class HeaderMatch:
    """Where a table's header is: each block's columns, the header's first and last rows, the last
    header row of each block (its body may start higher than the table's: a header line of one block
    is a data line of another), and each block's code cells (several for a split code)."""

    columns: dict[str, dict[str, int]]
    top: int
    bottom: int
    block_bottoms: dict[str, int]
    code_columns: dict[str, tuple[int, ...]]


def locate_columns(sheet: Sheet, spec: TableSpec) -> tuple[dict[str, dict[str, int]], int, int]:
    match = match_header(sheet, spec)
    return match.columns, match.top, match.bottom


def match_header(sheet: Sheet, spec: TableSpec) -> HeaderMatch:
    """Find every column of ``spec`` in ``sheet``; raise :class:`TableNotFound` naming the first
    column whose header is not there."""
    headers = _header_cells(sheet)
    located: dict[str, dict[str, int]] = {}
    header_rows: list[int] = []
    bottoms: list[int] = []
    block_bottoms: dict[str, int] = {}
    code_spans: dict[str, tuple[int, ...]] = {}
    left_limit = -1
    for block in spec.blocks:
        located[block.id] = {}
        previous = left_limit
        block_bottom = -1
        code_hits: list[tuple[int, int]] = []
        for column in block.columns:
            hit = _find_column(sheet, headers, column, previous)
            if hit is None and column.role == "other":
                continue  # printed only (行次): a sheet may leave it out
            if hit is None:
                path = " / ".join(column.header)
                raise TableNotFound(
                    "header-not-found",
                    f"在工作表“{sheet.name}”中找到了{spec.id}（{spec.title}），但找不到表头“{path}”"
                    f"（区块“{block.id}”的列“{column.id}”）。请确认表头文字未被改动、列未被删除。",
                )
            row, col, top = hit
            header_rows.append(top)
            located[block.id][column.id] = col
            merge = sheet.merge_at(row, col)
            bottom = merge[2] if merge else row
            bottoms.append(bottom)
            block_bottom = max(block_bottom, bottom)
            if column.role == "code":
                code_hits.append((row, col))
            previous = col
        left_limit = previous
        block_bottoms[block.id] = block_bottom
        others = {c for cid, c in located[block.id].items() if block.column(cid).role != "code"}
        code_spans[block.id] = _code_span(sheet, code_hits, others)
    return HeaderMatch(located, min(header_rows), max(bottoms), block_bottoms, code_spans)


def _code_span(sheet: Sheet, hits: list[tuple[int, int]], others: set[int]) -> tuple[int, ...]:
    """Sheet columns a block's code is read from: each code header cell's horizontal merge, cut short
    of any other column of the block."""
    columns: list[int] = []
    for row, col in hits:
        merge = sheet.merge_at(row, col)
        last = merge[3] if merge else col
        for c in range(col, last + 1):
            if c != col and c in others:
                break
            if c not in columns:
                columns.append(c)
    return tuple(columns)


def _find_column(sheet, headers, column: ColumnSpec, after: int) -> tuple[int, int, int] | None:
    """(row, col, top row of its header path) of the leftmost column right of ``after`` that one of
    the column's header paths identifies."""
    hits = [hit for path in column.header_paths if (hit := _find_path(sheet, headers, path, after)) is not None]
    return min(hits, key=lambda h: (h[1], h[0])) if hits else None


def _find_path(sheet, headers, path, after: int) -> tuple[int, int, int] | None:
    candidates = sorted(headers.get(normalize_text(path[-1]), []), key=lambda p: (p[1], p[0]))
    for row, col in candidates:
        if col <= after:
            continue
        top = _ancestors_cover(sheet, headers, path[:-1], row, col)
        if top is not None:
            return row, col, top
    return None


def _ancestors_cover(sheet, headers, ancestors, row: int, col: int) -> int | None:
    """The row of the topmost ancestor if every ancestor text spans ``col`` above ``row``, else None."""
    below = row
    for text in reversed(ancestors):
        options = [(r, c) for r, c in headers.get(normalize_text(text), []) if r < below]
        hit = next(
            ((r, c) for r, c in sorted(options, reverse=True) if _span(sheet, r, c)[0] <= col <= _span(sheet, r, c)[1]),
            None,
        )
        if hit is None:
            return None
        below = hit[0]
    return below
