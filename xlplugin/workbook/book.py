"""A workbook as plain grids of cell values: the input of everything else.

A :class:`Book` is what every door builds (a file today, live Excel through xlwings later): an
ordered list of :class:`Sheet` objects, each a rectangular grid of raw cell values (``None``, ``str``,
``float``, ``int``, ``bool``, ``datetime``, :class:`FormulaWithoutValue` or :class:`CellError`) with its
merged ranges.
Coordinates are 0-based ``(row, col)``; :func:`a1` turns them into the ``B7`` people read.

:func:`xlplugin.workbook.readers.read_book` reads one from a file; the Excel doors build one from live
cells with :meth:`Book.from_grids`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = ["MAX_COLS", "MAX_MERGE_CELLS", "MAX_ROWS", "Book", "CellError", "FormulaWithoutValue", "Notice", "Sheet"]

#: The most rows and columns of a sheet xlplugin reads (A1:CV20000). The widest official table has
#: 10 columns and the longest a few thousand rows; memory is bounded by this, not by how far out the
#: last filled cell lies (:mod:`xlplugin.workbook.bounds`). Layouts wider than this are refused.
MAX_ROWS = 20_000
MAX_COLS = 100
#: A merged range of more cells than this is no table's merge (a printed table merges a title, a
#: header or a note row: a few dozen cells); readers take it out and report it.
MAX_MERGE_CELLS = 4096


@dataclass(frozen=True, slots=True)
class FormulaWithoutValue:
    """A formula cell whose file holds no computed value (never to be read as blank)."""

    formula: str


@dataclass(frozen=True, slots=True)
class CellError:
    """An error value (``#REF!``, ``#DIV/0!``, ``#N/A`` …) stored in the cell (never to be read as blank)."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the reader met in a sheet outside any table (a far cell it did not read): reported
    with the findings, never dropped silently. ``severity`` is 错误/警告/提示."""

    code: str
    severity: str
    sheet: str
    cell: str
    message: str


@dataclass
class Sheet:
    """One worksheet: a rectangular grid of raw values plus merged ranges.

    ``merges`` holds ``(first_row, first_col, last_row, last_col)`` tuples, inclusive, 0-based.
    """

    name: str
    rows: list[list[object]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    visible: bool = True
    _merge_lookup: tuple[dict, dict, list] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def height(self) -> int:
        return len(self.rows)

    def value(self, row: int, col: int) -> object:
        """The raw value at (row, col); ``None`` outside the grid or for an empty cell."""
        if 0 <= row < len(self.rows):
            cells = self.rows[row]
            if 0 <= col < len(cells):
                return cells[col]
        return None

    def merged_value(self, row: int, col: int) -> object:
        """Like :meth:`value`, but a cell inside a merged range reads its top-left value."""
        _, covered, large = self._merge_index()
        anchor = covered.get((row, col))
        if anchor is None and large:
            anchor = next(((r0, c0) for r0, c0, r1, c1 in large if r0 <= row <= r1 and c0 <= col <= c1), None)
        return self.value(*anchor) if anchor else self.value(row, col)

    def merge_at(self, row: int, col: int) -> tuple[int, int, int, int] | None:
        """The merged range whose top-left cell is (row, col), if any."""
        return self._merge_index()[0].get((row, col))

    def _merge_index(self) -> tuple[dict, dict, list]:
        # Built on first use (merges do not change after reading): top-left → range, and every
        # covered cell → its top-left. A range of more than MAX_MERGE_CELLS cells (a whole column
        # merged, A1:XFD1048576) is kept apart and searched instead: the index grows with the
        # merged ranges of a printed table, never with a range's area.
        if self._merge_lookup is None:
            tops, covered, large = {}, {}, []
            for merge in self.merges:
                r0, c0, r1, c1 = merge
                tops[(r0, c0)] = merge
                if (r1 - r0 + 1) * (c1 - c0 + 1) > MAX_MERGE_CELLS:
                    large.append(merge)
                    continue
                for r in range(r0, r1 + 1):
                    for c in range(c0, c1 + 1):
                        covered[(r, c)] = (r0, c0)
            self._merge_lookup = (tops, covered, large)
        return self._merge_lookup


@dataclass
class Book:
    """An ordered collection of sheets, from one source."""

    sheets: list[Sheet]
    source: str = ""
    #: what the reader met outside the tables (far cells it did not read), by sheet
    notices: list[Notice] = field(default_factory=list)

    def sheet(self, name: str) -> Sheet | None:
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        return None

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    @classmethod
    def from_grids(cls, grids: dict[str, Sequence[Sequence[object]]], source: str = "", merges=None) -> Book:
        """Build a book from in-memory grids (the live-Excel door and tests use this)."""
        merges = merges or {}
        sheets = [Sheet(name, [clean_row(r) for r in rows], list(merges.get(name, []))) for name, rows in grids.items()]
        return cls(sheets, source)


def clean_row(cells: Iterable[object]) -> list[object]:
    # Readers disagree on empty cells ('' vs None); the model says None.
    return [None if c == "" else c for c in cells]


def whole_numbers_as_int(cells: list[object]) -> list[object]:
    # calamine returns every number as float; 208.0 is the code 208, not a measurement. Amounts are
    # unaffected: parse_number gives an int and a float the same exact Decimal.
    return [int(c) if isinstance(c, float) and c.is_integer() and abs(c) < 2**53 else c for c in cells]
