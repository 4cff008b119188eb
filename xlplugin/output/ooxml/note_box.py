"""The size of a note's box: wide enough for its longest line, tall enough for all its lines.

A note (a legacy comment) is drawn in a VML shape: Excel sizes and places it by the shape's anchor
(columns and rows, with offsets in pixels), LibreOffice and older readers by the width and height in
its style. Both are computed here from the text, in the font our notes are written in (宋体 9 pt,
:mod:`xlplugin.output.ooxml.comments`): a CJK character is 9 pt wide, any other half that (so CJK
counts double; so do the "ambiguous" characters — “”、—— — which a CJK font draws full width), a
line is 12 pt high; a line wider than the box wraps. The box stays between :data:`MIN_SIZE` and :data:`MAX_SIZE`; beyond that the
note scrolls in Excel and can be resized by hand.
"""

from __future__ import annotations

import unicodedata

from xlplugin.output.ooxml.package import NS
from xlplugin.output.ooxml.sheet import SheetXml

__all__ = ["box_size", "anchor", "MIN_SIZE", "MAX_SIZE"]

#: (width, height) in points
MIN_SIZE = (150.0, 48.0)
MAX_SIZE = (440.0, 620.0)
_HALF_WIDTH = 4.6  # points per display column: 9 pt 宋体 is 4.5, with a little room for bold and digits
_LINE = 12.0
_PADDING = (18.0, 14.0)  # the text box's insets, left + right and top + bottom, and a margin
# Excel's default column (8.43 characters) and row (15 pt), in pixels; 7 px is the maximum digit width
# of the default body font, by which column widths are counted.
_DEFAULT_COLUMN_WIDTH, _DIGIT = 8.43, 7
_DEFAULT_ROW_POINTS = 15.0
_LEFT_OFFSET, _TOP_OFFSET = 15, 2  # pixels from the anchor cell's corner, as Excel places a new note


def _columns(text: str) -> int:
    """Half-width columns ``text`` takes in a CJK font."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def box_size(text: str) -> tuple[float, float]:
    """(width, height) in points of a box that shows ``text`` whole."""
    lines = text.replace("\r\n", "\n").split("\n")
    widest = max((_columns(line) for line in lines), default=0)
    width = min(MAX_SIZE[0], max(MIN_SIZE[0], widest * _HALF_WIDTH + _PADDING[0]))
    columns = max(1, int((width - _PADDING[0]) // _HALF_WIDTH))
    shown = sum(max(1, -(-_columns(line) // columns)) for line in lines)
    height = min(MAX_SIZE[1], max(MIN_SIZE[1], shown * _LINE + _PADDING[1]))
    return round(width, 1), round(height, 1)


def _column_pixels(sheet: SheetXml) -> tuple[dict[int, int], int]:
    """Widths in pixels of the columns a sheet sets (0-based), and of any other column."""
    properties = sheet.root.find("m:sheetFormatPr", NS)
    default_pixels = _pixels(_DEFAULT_COLUMN_WIDTH)
    default = _DEFAULT_COLUMN_WIDTH
    try:
        if properties is not None and properties.get("defaultColWidth"):
            default = float(properties.get("defaultColWidth"))
            default_pixels = _pixels(default)
        elif properties is not None and properties.get("baseColWidth"):
            # base characters, 5 pixels of padding and gridline, rounded up to whole 8 pixels as Excel does
            default_pixels = -(-(int(properties.get("baseColWidth")) * _DIGIT + 5) // 8) * 8
    except ValueError:
        pass
    widths: dict[int, int] = {}
    for column in sheet.root.findall("m:cols/m:col", NS):
        try:
            low, high = int(column.get("min")), int(column.get("max"))
            pixels = 0 if column.get("hidden") in ("1", "true") else _pixels(float(column.get("width", default)))
        except (TypeError, ValueError):
            continue
        for index in range(low - 1, min(high, low + 200)):  # a range to the last column: the first 200 do
            widths[index] = pixels
    return widths, default_pixels


def _pixels(width: float) -> int:
    return int(width * _DIGIT + 5) if width > 0 else 0


def _row_pixels(sheet: SheetXml, row: int, default: float) -> int:
    element = sheet.rows.get(row)
    if element is not None and element.get("hidden") in ("1", "true"):
        return 0
    points = element.get("ht") if element is not None else None
    try:
        return round(float(points or default) * 4 / 3)
    except ValueError:
        return round(default * 4 / 3)


def anchor(sheet: SheetXml, row: int, col: int, size: tuple[float, float]) -> str:
    """The ``x:Anchor`` of a note on cell (row, col), 0-based, of ``size`` points: from the column to
    the right of the cell, a row above it, to where the width and height run out over the sheet's
    own column widths and row heights."""
    widths, default_width = _column_pixels(sheet)
    properties = sheet.root.find("m:sheetFormatPr", NS)
    try:
        default_row = float(properties.get("defaultRowHeight", _DEFAULT_ROW_POINTS)) if properties is not None else 15
    except ValueError:
        default_row = _DEFAULT_ROW_POINTS
    left, top = col + 1, max(row - 1, 0)
    right, right_offset = _walk(lambda c: widths.get(c, default_width), left, _LEFT_OFFSET + round(size[0] * 4 / 3))
    bottom, bottom_offset = _walk(
        lambda r: _row_pixels(sheet, r, default_row), top, _TOP_OFFSET + round(size[1] * 4 / 3)
    )
    return f"{left}, {_LEFT_OFFSET}, {top}, {_TOP_OFFSET}, {right}, {right_offset}, {bottom}, {bottom_offset}"


def _walk(pixels_of, start: int, length: int) -> tuple[int, int]:
    """The cell index and the offset into it at which ``length`` pixels from the start of cell
    ``start`` end (hidden cells, 0 pixels wide, are stepped over)."""
    index = start
    for _ in range(2000):  # a sheet of hairline rows: stop somewhere sensible
        size = pixels_of(index)
        if size and length <= size:
            return index, length
        length -= size
        index += 1
    return index, 0
