"""Finding a table's columns by their header paths: the last text of a path must be a header cell,
and each earlier text must sit above it with a span (merge, or up to the next filled cell) that
covers it; blocks are taken left to right, so repeated headers resolve in order."""

from __future__ import annotations

from xlplugin.core.amounts import normalize_text
from xlplugin.core.errors import TableNotFound
from xlplugin.workbook.book import Sheet
from xlplugin.workbook.layout import TableSpec

__all__ = ["HEADER_SEARCH_ROWS", "locate_columns"]


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


def locate_columns(sheet: Sheet, spec: TableSpec) -> tuple[dict[str, dict[str, int]], int, int]:
    headers = _header_cells(sheet)
    located: dict[str, dict[str, int]] = {}
    header_rows: list[int] = []
    bottoms: list[int] = []
    left_limit = -1
    for block in spec.blocks:
        located[block.id] = {}
        previous = left_limit
        for column in block.columns:
            hit = _find_column(sheet, headers, column.header, column.aliases, previous)
            if hit is not None:
                header_rows.append(hit[2])
            if hit is None:
                path = " / ".join(column.header)
                raise TableNotFound(
                    "header-not-found",
                    f"在工作表“{sheet.name}”中找到了{spec.id}（{spec.title}），但找不到表头“{path}”"
                    f"（区块“{block.id}”的列“{column.id}”）。请确认表头文字未被改动、列未被删除。",
                )
            row, col, _ = hit
            located[block.id][column.id] = col
            merge = sheet.merge_at(row, col)
            bottoms.append(merge[2] if merge else row)
            previous = col
        left_limit = previous
    return located, min(header_rows), max(bottoms)


def _find_column(sheet, headers, path, aliases, after: int) -> tuple[int, int, int] | None:
    """(row, col, top row of its header path) of the first matching column right of ``after``."""
    last_texts = [normalize_text(path[-1])] + [normalize_text(a) for a in aliases]
    candidates = sorted({pos for text in last_texts for pos in headers.get(text, [])}, key=lambda p: (p[1], p[0]))
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
