"""A stand-in for exactly the xlwings objects the Excel door uses, since there is no Excel here.

It follows xlwings' documented behaviour where the door depends on it:

- ``Sheet.used_range`` is the smallest rectangle holding every value, fill and note (Excel counts
  formatted cells as used), and may start anywhere, not at A1;
- ``Range.value`` of one cell is a scalar, of one row or one column a flat list, of more a list of
  rows; ``options(ndim=2)`` always gives rows; numbers come back as ``float`` (Excel has no integers), empty cells as ``None``; a
  ``=HYPERLINK(link, text)`` formula reads back as its text, as Excel shows it;
- ``Range.color`` reads an ``(r, g, b)`` tuple or ``None`` and accepts ``#RRGGBB``, a tuple or
  ``None``; a multi-area address (``"A1,C3"``) colours every area;
- ``Range.note`` is ``None`` or a note with ``text`` and ``delete()``; ``Range.add_note(text)``;
- ``Sheets.add(name, after=...)`` refuses a duplicate name; ``App.alert(prompt, title=...)``;
- ``Range.set_colors(matrix)`` (xlwings 0.37.5+) colours a rectangle cell by cell: the matrix must
  match the range's shape, at most 10,000 cells, ``...`` keeps a cell's fill, ``None`` clears it.

``Book(..., lite=True)`` behaves as xlwings Lite's engine (``xlwings/pro/_xlremote.py``) does where
it differs: cell values and which cells have notes arrive with the call, but reading ``Range.color``
or ``Note.text`` raises ``NotImplementedError`` — they are fetched with ``await
Range.get_colors()`` / ``await Note.get_text()`` (counted as ``await``, a round trip each) — and a
multi-area address is not a range there; reading column widths or fonts raises too, and the used range
covers values only. Writes are queued there and sent when the script ends or before the next awaited
read: ``calls["flush"]`` counts those extra trips.

Desktop Excel's own behaviours that the door must survive are modelled too (xlwings issues and its
``_xlwindows.py`` / ``_xlmac.py``):

- Currency/Accounting-formatted cells (``Sheet.currency``) come back on Windows as ``Decimal`` with
  4 places (xlwings #65, #640); error cells (``ERROR`` values, e.g. ``#DIV/0!``) come back as ``None``
  unless ``options(err_to_str=True)``;
- Excel converts a numeric-looking string on write (``"3"`` is stored as the number 3) unless the
  cell's ``number_format`` is ``"@"`` or the string starts with an apostrophe;
- ``Book(platform="mac")``: a multi-area address is refused, a note with empty text reads as "no
  note" (``Range.note`` is ``None``) and ``add_note`` on a cell that has a note fails;
- ``Book(xlwings_version="0.33")``: ``Range.add_note`` does not exist yet (it came in 0.37).

A book is loaded from a real ``.xlsx`` (values, solid fills and comments via openpyxl, imported only
there, so that a pickled book can be used where openpyxl must not be loaded). ``calls`` counts the
door's operations by kind, which is what "in bulk" means inside Excel; ``api`` counts every xlwings
call and ``trips`` the round trips to Excel those calls make, by the per-call costs of xlwings
0.37.8's Windows engine (:data:`TRIPS`: a fill set is ``Interior`` then ``Color``, a fill read three
calls, adding a note first reads the cell's note, …).
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

_A1 = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
_HYPERLINK = re.compile(r'^=HYPERLINK\(".*?","(.*)"\)$')
_NUMERIC = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")

#: round trips to Excel per xlwings call, as xlwings 0.37.8's Windows engine makes them
TRIPS = {
    "range": 1,  # Sheet.range → Worksheet.Range(address)
    "used_range": 1,
    "sheets": 1,  # iterating Book.sheets: Worksheets, then one per sheet
    "value-read": 1,
    "value-write": 1,
    "color-read": 3,  # Interior, ColorIndex, Color
    "color-write": 2,  # Interior, Color
    "note-read": 1,
    "note-text-read": 1,
    "note-text-write": 1,
    "note-delete": 1,
    "add-note": 2,  # the cell's note is read first, then AddComment
    "format": 2,  # Font.Bold, NumberFormat, ColumnWidth…
    "sheet-add": 2,  # Worksheets.Add, then Name
    "sheet-delete": 2,  # DisplayAlerts off, Delete
    "sheet-name": 1,
    "sheet-visible": 1,
    "app": 1,  # ScreenUpdating, Calculation, alert
}
ERROR = "#DIV/0!"  # how Excel shows an error cell; see Sheet.errors


class ExcelError(str):
    """A cell whose value is an error (``#DIV/0!``, ``#REF!``…)."""


def column_index_from_string(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def get_column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str) -> tuple[int, int]:
    match = _A1.match(ref.strip().upper())
    if not match:
        raise ValueError(f"bad cell reference {ref!r}")
    return int(match.group(2)), column_index_from_string(match.group(1))


def _area(text: str) -> tuple[int, int, int, int]:
    first, _, last = text.partition(":")
    r0, c0 = _cell(first)
    r1, c1 = _cell(last) if last else (r0, c0)
    return min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)


def _rgb(color) -> tuple[int, int, int] | None:
    if color is None:
        return None
    if isinstance(color, str):
        text = color.lstrip("#")
        return tuple(int(text[i : i + 2], 16) for i in (0, 2, 4))
    return tuple(int(c) for c in color)


class App:
    def __init__(self, book: Book | None = None):
        self.alerts: list[tuple[str, str | None]] = []
        self._book = book
        self._screen_updating, self._calculation = True, "automatic"
        self.history: list[tuple[str, object]] = []  # every change of the two settings, in order

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self._touch()
        self.alerts.append((prompt, title))
        return "ok"

    @property
    def screen_updating(self) -> bool:
        self._touch()
        return self._screen_updating

    @screen_updating.setter
    def screen_updating(self, value: bool) -> None:
        self._touch()
        self.history.append(("screen_updating", value))
        self._screen_updating = bool(value)

    @property
    def calculation(self) -> str:
        self._touch()
        return self._calculation

    @calculation.setter
    def calculation(self, value: str) -> None:
        self._touch()
        self.history.append(("calculation", value))
        self._calculation = value

    def _touch(self) -> None:
        if self._book is not None:
            self._book.cost("app")


class Note:
    def __init__(self, sheet: Sheet, cell: tuple[int, int], text: str):
        self._sheet, self._cell, self._text = sheet, cell, text

    @property
    def text(self) -> str:
        if self._sheet.book.lite:
            raise NotImplementedError(
                "Reading a note's text synchronously isn't supported on this engine. "
                "Use 'await mynote.get_text()' to fetch it on demand."
            )
        self._sheet.book.cost("note-text-read")
        return self._text

    async def get_text(self) -> str:
        if not self._sheet.book.lite:
            raise NotImplementedError("get_text() is only supported in xlwings Lite")
        self._sheet.book.awaited()
        return self._text if self._sheet._notes.get(self._cell) is self else None

    @text.setter
    def text(self, value: str) -> None:
        self._sheet.book.wrote("note")
        self._sheet.book.cost("note-text-write")
        self._text = value

    def delete(self) -> None:
        self._sheet.book.wrote("note")
        self._sheet.book.cost("note-delete")
        self._sheet._notes.pop(self._cell, None)


class Font:
    def __init__(self, rng: Range):
        self._range = rng

    @property
    def bold(self):
        if self._range.sheet.book.lite:
            raise NotImplementedError("Reading font properties synchronously isn't supported on this engine.")
        return all(self._range.sheet.bold.get(c, False) for c in self._range.cells())

    @bold.setter
    def bold(self, value: bool) -> None:
        self._range.sheet.book.wrote("format")
        self._range.sheet.book.cost("format")
        for cell in self._range.cells():
            self._range.sheet.bold[cell] = bool(value)


class Range:
    def __init__(
        self, sheet: Sheet, areas: list[tuple[int, int, int, int]], ndim: int | None = None, err_to_str: bool = False
    ):
        self.sheet, self.areas, self._ndim, self._err_to_str = sheet, areas, ndim, err_to_str

    # geometry ---------------------------------------------------------------------------------
    @property
    def row(self) -> int:
        return self.areas[0][0]

    @property
    def column(self) -> int:
        return self.areas[0][1]

    @property
    def shape(self) -> tuple[int, int]:
        r0, c0, r1, c1 = self.areas[0]
        return r1 - r0 + 1, c1 - c0 + 1

    @property
    def address(self) -> str:
        def one(a):
            start = f"${get_column_letter(a[1])}${a[0]}"
            return start if a[:2] == a[2:] else f"{start}:${get_column_letter(a[3])}${a[2]}"

        return ",".join(one(a) for a in self.areas)

    def cells(self):
        for r0, c0, r1, c1 in self.areas:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    yield r, c

    def options(self, ndim=None, err_to_str=False, **_):
        return Range(self.sheet, self.areas, ndim, err_to_str)

    # value ------------------------------------------------------------------------------------
    @property
    def value(self):
        self.sheet.book.calls["read"] += 1
        self.sheet.book.cost("value-read")
        r0, c0, r1, c1 = self.areas[0]
        rows = [[self.sheet.shown(r, c, self._err_to_str) for c in range(c0, c1 + 1)] for r in range(r0, r1 + 1)]
        if self._ndim == 2:
            return rows
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        if len(rows) == 1:
            return rows[0]
        return [row[0] for row in rows] if len(rows[0]) == 1 else rows  # one column: a flat list, as xlwings gives

    @value.setter
    def value(self, data) -> None:
        self.sheet.book.wrote("write")
        self.sheet.book.cost("value-write")
        r0, c0 = self.areas[0][:2]
        if not isinstance(data, (list, tuple)):
            for cell in self.cells():
                self.sheet.enter(cell, data)
            return
        rows = data if data and isinstance(data[0], (list, tuple)) else [data]
        for i, row in enumerate(rows):
            for j, item in enumerate(row):
                self.sheet.enter((r0 + i, c0 + j), item)

    @property
    def number_format(self) -> str:
        return self.sheet.formats.get(self.areas[0][:2], "General")

    @number_format.setter
    def number_format(self, value: str) -> None:
        self.sheet.book.wrote("format")
        self.sheet.book.cost("format")
        for cell in self.cells():
            self.sheet.formats[cell] = value

    # format -----------------------------------------------------------------------------------
    @property
    def color(self):
        if self.sheet.book.lite:
            raise NotImplementedError(
                "Reading the fill color synchronously isn't supported on this engine. "
                "Use 'await myrange.get_color()' to fetch it on demand."
            )
        self.sheet.book.calls["color-read"] += 1
        self.sheet.book.cost("color-read")
        return self.sheet.colors.get(self.areas[0][:2])

    async def get_colors(self):
        if not self.sheet.book.lite:
            raise NotImplementedError("get_colors() is only supported in xlwings Lite")
        self.sheet.book.awaited()
        r0, c0, r1, c1 = self.areas[0]
        return [[self.sheet.colors.get((r, c)) for c in range(c0, c1 + 1)] for r in range(r0, r1 + 1)]

    def set_colors(self, colors) -> None:
        r0, c0, r1, c1 = self.areas[0]
        if (r1 - r0 + 1) * (c1 - c0 + 1) > 10_000:
            raise ValueError("Range.set_colors() supports at most 10,000 cells per call")
        if len(colors) != r1 - r0 + 1 or any(len(row) != c1 - c0 + 1 for row in colors):
            raise ValueError(f"Expected {r1 - r0 + 1} rows of {c1 - c0 + 1} colors")
        self.sheet.book.wrote("color")
        for i, row in enumerate(colors):
            for j, color in enumerate(row):
                if color is ...:
                    continue
                if color is None:
                    self.sheet.colors.pop((r0 + i, c0 + j), None)
                else:
                    self.sheet.colors[(r0 + i, c0 + j)] = _rgb(color)

    @color.setter
    def color(self, value) -> None:
        self.sheet.book.wrote("color")
        self.sheet.book.cost("color-write")
        rgb = _rgb(value)
        for cell in self.cells():
            if rgb is None:
                self.sheet.colors.pop(cell, None)
            else:
                self.sheet.colors[cell] = rgb

    @property
    def font(self) -> Font:
        return Font(self)

    @property
    def column_width(self):
        if self.sheet.book.lite:
            raise NotImplementedError("Reading the column width synchronously isn't supported on this engine.")
        return self.sheet.widths.get(self.column)

    @column_width.setter
    def column_width(self, value) -> None:
        self.sheet.book.wrote("format")
        self.sheet.book.cost("format")
        for _, c0, _, c1 in self.areas:
            for c in range(c0, c1 + 1):
                self.sheet.widths[c] = value

    # notes ------------------------------------------------------------------------------------
    @property
    def note(self):
        self.sheet.book.calls["note-read"] += 1
        self.sheet.book.cost("note-read")
        note = self.sheet._notes.get(self.areas[0][:2])
        if self.sheet.book.platform == "mac" and note is not None and not note._text:
            return None  # _xlmac: "No easy way to check whether there's a comment", an empty text is none
        return note

    @property
    def add_note(self):
        if self.sheet.book.xlwings_version < (0, 37):
            raise AttributeError("'Range' object has no attribute 'add_note'")
        return self._add_note

    def _add_note(self, text: str) -> Note:
        if not text:
            raise ValueError("Note text must not be empty")
        if self.note is not None:
            raise ValueError("This cell already has a note")
        if self.sheet._notes.get(self.areas[0][:2]) is not None:  # only on the Mac: an empty note
            raise RuntimeError("CommandError: Microsoft Excel got an error: the cell already has a comment")
        if not self.sheet.book.notes_supported:
            raise NotImplementedError("Notes require ExcelApi 1.18")
        self.sheet.book.wrote("note")
        self.sheet.book.cost("add-note")
        cell = self.areas[0][:2]
        self.sheet._notes[cell] = Note(self.sheet, cell, text)
        return self.sheet._notes[cell]


class Sheet:
    def __init__(self, book: Book, name: str):
        self.book, self._name = book, name
        self.values: dict[tuple[int, int], object] = {}
        self.formats: dict[tuple[int, int], str] = {}
        self.currency: set[tuple[int, int]] = set()  # Currency/Accounting-formatted cells
        self.colors: dict[tuple[int, int], tuple[int, int, int]] = {}
        self._notes: dict[tuple[int, int], Note] = {}
        self.bold: dict[tuple[int, int], bool] = {}
        self.widths: dict[int, float] = {}
        self._visible = True

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        self.book.wrote("sheet")
        self.book.cost("sheet-name")
        if any(s is not self and s.name.lower() == value.lower() for s in self.book.sheets._items):
            raise ValueError(f"Sheet named '{value}' already present in workbook")
        self._name = value

    @property
    def visible(self) -> bool:
        return self._visible

    @visible.setter
    def visible(self, value: bool) -> None:
        self.book.cost("sheet-visible")
        self._visible = bool(value)

    @property
    def notes(self) -> list[Note]:
        """The sheet's notes (``Sheet.notes``); in Lite without ExcelApi 1.18 this raises."""
        if not self.book.notes_supported:
            raise NotImplementedError("Notes require ExcelApi 1.18")
        return list(self._notes.values())

    def set(self, cell: tuple[int, int], value) -> None:
        if value is None or value == "":
            self.values.pop(cell, None)
        else:
            self.values[cell] = value

    def enter(self, cell: tuple[int, int], value) -> None:
        """A value written through ``Range.value``, converted as Excel converts what is typed."""
        if isinstance(value, str) and self.formats.get(cell) != "@":
            if value.startswith("'"):
                value = value[1:]
            elif _NUMERIC.match(value):
                value = float(value)
        self.set(cell, value)

    def shown(self, r: int, c: int, err_to_str: bool = False):
        value = self.values.get((r, c))
        if isinstance(value, ExcelError):
            return str(value) if err_to_str else None
        if (r, c) in self.currency and isinstance(value, (int, float)) and not isinstance(value, bool):
            return Decimal(repr(float(value))).quantize(Decimal("0.0001")) if self.book.platform == "win" else value
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return float(value)
        if isinstance(value, str):
            link = _HYPERLINK.match(value)
            return link.group(1) if link else value
        return value

    @property
    def used_range(self) -> Range:
        self.book.cost("used_range")
        # Excel counts formatted cells as used; xlwings Lite sends the values' extent only.
        used = set(self.values) if self.book.lite else set(self.values) | set(self.colors) | set(self._notes)
        if not used:
            return Range(self, [(1, 1, 1, 1)])
        rows, cols = [r for r, _ in used], [c for _, c in used]
        return Range(self, [(min(rows), min(cols), max(rows), max(cols))])

    def range(self, address, end=None) -> Range:
        self.book.cost("range")
        if isinstance(address, tuple):
            return Range(self, [(address[0], address[1], address[0], address[1])])
        if self.book.lite and "," in address:
            raise LookupError(f"The address/named range '{address}' doesn't exist.")
        if self.book.platform == "mac" and "," in address:
            raise NotImplementedError("multi-area ranges are not supported by xlwings on macOS")
        return Range(self, [_area(part) for part in address.split(",")])

    def __getitem__(self, address: str) -> Range:
        return self.range(address)

    def delete(self) -> None:
        self.book.wrote("sheet")
        self.book.cost("sheet-delete")
        self.book.sheets._remove(self)


class Sheets:
    def __init__(self, book: Book):
        self._book, self._items = book, []

    def __iter__(self):
        self._book.cost("sheets")
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, key):
        if isinstance(key, int):
            return self._items[key]
        for sheet in self._items:
            if sheet.name.lower() == str(key).lower():
                return sheet
        raise KeyError(key)

    def add(self, name=None, before=None, after=None) -> Sheet:
        self._book.wrote("sheet")
        self._book.cost("sheet-add")
        name = name or f"Sheet{len(self._items) + 1}"
        if any(s.name.lower() == name.lower() for s in self._items):
            raise ValueError(f"Sheet named '{name}' already present in workbook")
        sheet = Sheet(self._book, name)
        if after is not None:
            self._items.insert(self._items.index(after) + 1, sheet)
        elif before is not None:
            self._items.insert(self._items.index(before), sheet)
        else:
            self._items.insert(0, sheet)
        return sheet

    def _remove(self, sheet: Sheet) -> None:
        self._items.remove(sheet)


class Book:
    def __init__(
        self, name: str, fullname: str = "", lite: bool = False, platform: str = "win", xlwings_version=(0, 37, 8)
    ):
        self.name, self.fullname, self.lite = name, fullname or name, lite
        self.platform, self.xlwings_version = platform, tuple(xlwings_version)
        self.notes_supported = True  # False: an Excel older than ExcelApi 1.18, where Lite has no notes
        self.pending = False  # Lite: writes queued since the last round trip
        self.app = App(self)
        self.sheets = Sheets(self)
        self.calls: Counter = Counter()
        self.api = 0  # xlwings calls that reach Excel
        self.trips = 0  # round trips to Excel they make (TRIPS)

    def cost(self, kind: str) -> None:
        self.api += 1
        self.trips += TRIPS[kind]

    def wrote(self, kind: str) -> None:
        self.calls[kind] += 1
        self.pending = self.lite

    def awaited(self) -> None:
        """An awaited read: in xlwings Lite it first sends the queued writes to Excel (a flush)."""
        self.calls["await"] += 1
        if self.pending:
            self.calls["flush"] += 1
            self.pending = False

    @classmethod
    def open(cls, path, lite: bool = False, **options) -> Book:
        """The workbook as Excel would show it: cached values, solid fills, comments as notes,
        error cells as errors, Currency/Accounting-formatted numbers marked as such."""
        import openpyxl

        workbook = openpyxl.load_workbook(path, data_only=True)
        book = cls(str(path).rsplit("/", 1)[-1], str(path), lite, **options)
        for source in workbook.worksheets:
            sheet = book.sheets.add(source.title, after=book.sheets[len(book.sheets) - 1] if len(book.sheets) else None)
            sheet.visible = source.sheet_state == "visible"
            for row in source.iter_rows():
                for cell in row:
                    key = (cell.row, cell.column)
                    value = cell.value
                    if cell.data_type == "e":
                        value = ExcelError(value)
                    sheet.set(key, value)
                    if any(sign in (cell.number_format or "") for sign in ("¥", "$", "_(", "_-")):
                        sheet.currency.add(key)
                    fill = cell.fill
                    if fill is not None and fill.fill_type == "solid" and isinstance(fill.fgColor.rgb, str):
                        sheet.colors[key] = _rgb(fill.fgColor.rgb[-6:])
                    if cell.comment is not None:
                        sheet._notes[key] = Note(sheet, key, cell.comment.text)
        book.calls.clear()
        book.api = book.trips = 0
        book.pending = False
        return book

    def save_as(self, source, target) -> None:
        """Write what the door left in this book over a copy of ``source`` (the file it was opened
        from), as Excel's Save As would: values, solid fills, notes, sheets added, hidden or removed."""
        import openpyxl
        from openpyxl.comments import Comment
        from openpyxl.styles import PatternFill

        workbook = openpyxl.load_workbook(source)
        for title in [ws.title for ws in workbook.worksheets if ws.title not in {s.name for s in self.sheets}]:
            del workbook[title]
        for sheet in self.sheets:
            ws = workbook[sheet.name] if sheet.name in workbook.sheetnames else workbook.create_sheet(sheet.name)
            ws.sheet_state = "visible" if sheet.visible else "hidden"
            cells = set(sheet.values) | set(sheet.colors) | set(sheet._notes)
            for row in ws.iter_rows():
                for cell in row:
                    cells.add((cell.row, cell.column))
            for r, c in cells:
                cell = ws.cell(r, c)
                if type(cell).__name__ == "MergedCell":
                    continue  # inside a merge: Excel keeps nothing there either
                value = sheet.values.get((r, c))
                if not isinstance(value, ExcelError):
                    cell.value = value
                rgb = sheet.colors.get((r, c))
                cell.fill = PatternFill("solid", fgColor="FF{:02X}{:02X}{:02X}".format(*rgb)) if rgb else PatternFill()
                note = sheet._notes.get((r, c))
                cell.comment = Comment(note._text, "Excel") if note is not None else None
        workbook.save(target)

    def notes(self) -> dict[tuple[str, str], str]:
        """Every note, by (sheet, A1 cell): for comparing with the file door's comments."""
        return {(s.name, f"{get_column_letter(c)}{r}"): n._text for s in self.sheets for (r, c), n in s._notes.items()}

    def fills(self) -> dict[tuple[str, str], str]:
        return {
            (s.name, f"{get_column_letter(c)}{r}"): "{:02X}{:02X}{:02X}".format(*rgb)
            for s in self.sheets
            for (r, c), rgb in s.colors.items()
        }
