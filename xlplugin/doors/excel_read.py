"""Reading a workbook through xlwings into the engine's :class:`~xlplugin.workbook.book.Book`, as the
Excel doors see it: one call per sheet, values as the file door would read them, within the same bounds."""

from __future__ import annotations

from decimal import Decimal

from xlplugin.core.cells import a1
from xlplugin.core.findings import INFO
from xlplugin.workbook.book import MAX_COLS, MAX_ROWS, Book, Notice, Sheet, clean_row, whole_numbers_as_int

__all__ = ["read_book"]


def read_book(book, names=None) -> Book:
    """The workbook as the engine sees it: every sheet's used range (or only ``names``), one call per sheet.

    Error cells come as their text (``#DIV/0!``), which the engine reports as unreadable, as the file
    door does; Currency-formatted amounts, which Windows Excel hands over as ``Decimal`` with four
    places, lose the trailing zeros (``10.7900`` → ``10.79``). As in the file door only A1:CV20000 is
    read: a used range reaching further (one stray value, or formatting down to row 1,048,576) is
    clipped and said in a 提示, never read whole."""
    sheets, notices = [], []
    for sheet in book.sheets:
        if names is not None and sheet.name not in names:
            continue
        used = sheet.used_range
        top, left = used.row - 1, used.column - 1  # the used range need not start at A1
        height, width = used.shape
        bottom, right = min(top + height, MAX_ROWS), min(left + width, MAX_COLS)
        if (bottom, right) != (top + height, left + width):
            notices.append(_clipped(sheet.name, a1(top + height - 1, left + width - 1)))
            used = (
                sheet.range(f"{a1(top, left)}:{a1(bottom - 1, right - 1)}") if top < bottom and left < right else None
            )
        values = (used.options(ndim=2, err_to_str=True).value if used is not None else None) or [[None]]
        rows = [[None] * (left + len(values[0]))] * top + [
            [None] * left + whole_numbers_as_int([_plain(v) for v in r]) for r in values
        ]
        sheets.append(Sheet(sheet.name, [clean_row(r) for r in rows], [], bool(sheet.visible)))
    return Book(sheets, str(getattr(book, "fullname", "") or book.name), notices)


def _clipped(sheet: str, last: str) -> Notice:
    return Notice(
        "far-cell",
        INFO,
        sheet,
        last,
        f"工作表“{sheet}”的已用区域延伸到 {last}，超出 A1:{a1(MAX_ROWS - 1, MAX_COLS - 1)}（前 {MAX_ROWS} 行、"
        f"前 {MAX_COLS} 列）的部分没有读取。那里若有误输入的内容请删除；若只是格式，可以不管。",
    )


def _plain(value):
    """A Currency cell's ``Decimal('10.7900')`` as ``Decimal('10.79')`` (never in exponent form)."""
    if isinstance(value, Decimal) and value.is_finite():
        reduced = value.normalize()
        return reduced.quantize(Decimal(1)) if reduced.as_tuple().exponent > 0 else reduced
    return value
