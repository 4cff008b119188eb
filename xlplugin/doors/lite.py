"""The 校验 button in xlwings Lite: Excel 365 and Excel on the web, without a local Python.

xlwings Lite runs Python (Pyodide) inside the Excel add-in and calls a workbook's ``@script``
functions with the workbook; ``workbooks/excel/lite/main.py`` is that script file, three lines per
button::

    @script(name="校验", button="[xlplugin_check]公开01表!F2", show_taskpane=True)
    async def check(book: xw.Book):
        await lite.validate(book)

The steps are the desktop door's (:mod:`xlplugin.doors.excel`): the same reading, pack, engine, marks,
notes, 校验结果 sheet and state sheet, so both doors leave the same workbook. What differs is the
surface (:class:`LiteSurface`): xlwings Lite sends the cell values and which cells have notes
along with the call, but fills and note texts only on request (``await``), and it colours cells
through a colour matrix over one rectangle (``Range.set_colors``) rather than multi-area
addresses. Column widths are in points there.

Which pack: as on the desktop (``XLPLUGIN_PACK`` set in xlwings Lite's environment variables, the
workbook's ``xlplugin.conf`` sheet, else the template decides), looked up among the packs bundled
in the xlplugin wheel. This path imports xlplugin and PyYAML (built for Pyodide) only: not lxml,
which only the file door needs, and not the file reader python-calamine, which is not installed
there. ``tests/test_lite_door.py`` runs it in Pyodide.
"""

from __future__ import annotations

from xlplugin.core.cells import a1, parse_a1
from xlplugin.core.errors import XlpluginError
from xlplugin.core.findings import Report
from xlplugin.doors.excel import Surface, check_book, clear_book, fill_hex
from xlplugin.doors.excel import show_pack as _show_pack

# Pyodide has no HiGHS build: there the localizer finds no solver, and the findings come without 建议修改
# (consequences are then folded by the same-cell, same-amount heuristic).

__all__ = ["validate", "clear", "show_pack", "boxes", "LiteSurface", "LITE"]

#: ``Range.set_colors`` takes at most this many cells in one call.
MAX_CELLS = 10_000


async def validate(book, pack: str | None = None) -> Report | None:
    """校验: check ``book`` (the workbook xlwings Lite passes to the script) and mark what is wrong."""
    return await check_book(book, pack, LITE)


async def clear(book) -> int:
    """清除标注: remove our marks, notes and sheets, restoring the original fills."""
    return await clear_book(book, LITE)


async def show_pack(book) -> str | None:
    """规则包: say which pack 校验 uses, and offer the ``xlplugin.conf`` sheet to choose another."""
    return _show_pack(book, LITE)


class LiteSurface(Surface):
    """xlwings Lite: fills and note texts are fetched on demand, one rectangle of cells at a time."""

    def ready(self, book):
        try:
            len(book.sheets[0].notes)  # xlwings Lite raises here when this Excel has no notes API
        except NotImplementedError as error:
            raise XlpluginError(
                "excel-without-notes",
                "这个版本的 Excel 不能由加载项添加批注（需要 ExcelApi 1.18，Microsoft 365 和 Excel 网页版的当前版本都有）。"
                "请更新 Excel，或改用桌面版的“校验”按钮。",
            ) from error

    def say(self, book, text, title):
        super().say(book, text, title)
        print(f"【xlplugin {title}】{text}")  # xlwings Lite's output pane keeps it after the box is closed

    async def fills(self, sheet, refs):
        found = {}
        for address, cells in boxes(refs):
            colors = await sheet.range(address).get_colors()
            found.update({ref: fill_hex(colors[row][col]) for ref, row, col in cells})
        return found

    def paint(self, sheet, colors):
        for address, cells in boxes(list(colors)):
            height = max(row for _, row, _ in cells) + 1
            width = max(col for _, _, col in cells) + 1
            matrix = [[...] * width for _ in range(height)]  # ...: leave that cell's fill alone
            for ref, row, col in cells:
                matrix[row][col] = colors[ref] or None
            sheet.range(address).set_colors(matrix)

    async def note_text(self, cell):
        note = cell.note  # which cells have notes came with the call; their texts did not
        return None if note is None else (await note.get_text() or "")

    def column_width(self, characters):
        # Excel's default font is 7 px a character plus 5 px of padding, and a pixel is 0.75 pt.
        return round((characters * 7 + 5) * 0.75, 2)


LITE = LiteSurface()


def boxes(refs: list[str], limit: int = MAX_CELLS) -> list[tuple[str, list[tuple[str, int, int]]]]:
    """Group cells into rectangles of at most ``limit`` cells, top to bottom: each rectangle's
    address and its cells as (ref, row, column) relative to the rectangle's top-left corner."""
    bands: list[list] = []  # [top, left, right, [(row, col, ref), ...]]
    for row, col, ref in sorted((*parse_a1(ref), ref) for ref in refs):
        if bands:
            top, left, right, cells = bands[-1]
            left, right = min(left, col), max(right, col)
            if (row - top + 1) * (right - left + 1) <= limit:
                bands[-1][1:3] = left, right
                cells.append((row, col, ref))
                continue
        bands.append([row, col, col, [(row, col, ref)]])
    result = []
    for top, left, right, cells in bands:
        bottom = cells[-1][0]
        address = a1(top, left) if (top, left) == (bottom, right) else f"{a1(top, left)}:{a1(bottom, right)}"
        result.append((address, [(ref, row - top, col - left) for row, col, ref in cells]))
    return result
