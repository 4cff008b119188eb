"""The Excel door's writes: every cell's change planned from what was read, then made all at once,
and taken back if anything fails half-way.

A run of 校验 or 清除标注 first reads everything it needs (values, the state of a previous run, the
fills and note texts of every cell it will touch), checks, and plans the final fill and note of
each cell (:func:`plan_cells`). Only then does it write (:class:`Journal`): new sheets under
temporary names, fills in blocks, notes cell by cell, and last the old sheets removed and the new
ones renamed. Each write records how to undo it; a failure rolls back every write made so far, so a
workbook is never left half-annotated, and 说明 typed into the old 校验结果 survive a failed run.

Texts are written into cells formatted as text (``@``): Excel would otherwise turn a sheet named
``3`` or a code like ``2080506`` into a number on the way in.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from decimal import Decimal

from xlplugin.core.cells import a1, parse_a1
from xlplugin.core.findings import Report
from xlplugin.output.marks import (
    FILLS,
    HEADINGS,
    RESULT_SHEET,
    WIDTHS,
    Mark,
    fill_for_verdict,
    merge_note,
    result_rows,
    result_summary,
    strip_note,
)

__all__ = [
    "file_door_state",
    "CellChange",
    "Journal",
    "plan_cells",
    "blocks",
    "areas",
    "text_value",
    "ResultSheet",
    "result_sheet",
    "write_result_sheet",
]

_RGB = re.compile(r'<(?:\w+:)?fgColor\b[^>]*\brgb="[0-9A-Fa-f]{2}([0-9A-Fa-f]{6})"')
MAX_ADDRESS = 250  # Excel refuses multi-area addresses longer than 255 characters
#: 校验结果 columns that hold text which Excel would otherwise read as a number or a date
_TEXT_COLUMNS = (("C", "E"), ("G", "G"), ("K", "L"))


@dataclass
class CellChange:
    """One cell: its fill and note as read, and as they are to be; ``original`` is its fill before
    any run of ours (what 清除标注 restores)."""

    sheet: str
    ref: str
    fill_now: str
    note_now: str | None
    original: str
    fill_to: str
    note_to: str | None
    cell: object = None  # the xlwings Range it was read through, reused for the writes


def plan_cells(
    old: dict[tuple[str, str], str],
    marks: dict[str, dict[str, Mark]],
    fills: dict[tuple[str, str], str],
    notes: dict[tuple[str, str], tuple[object, str | None]],
) -> list[CellChange]:
    """The change of every cell a previous run marked (``old``: cell → its original fill) or this
    run marks (``marks``), from their current ``fills`` and ``notes`` (cell → its Range and note text)."""
    changes = []
    marked = {(sheet, ref): mark for sheet, cells in marks.items() for ref, mark in cells.items()}
    for key in sorted(set(old) | set(marked)):
        (cell, note), now = notes[key], fills[key]
        original = old.get(key, now)
        mark = marked.get(key)
        if mark is None:
            fill_to, note_to = original, None if note is None else strip_note(note)
        else:
            fill_to, note_to = fill_of(mark.severity), merge_note(note, mark.text)
        changes.append(CellChange(*key, now, note, original, fill_to, note_to, cell))
    return changes


def fill_of(severity: str) -> str:
    """The ``#RRGGBB`` fill of a cell marked with ``severity``."""
    return "#" + FILLS[severity][2:]


class Journal:
    """The writes of one run, each with its undo; :meth:`rollback` undoes them, newest first."""

    def __init__(self, book, surface, hidden_notes: bool = False):
        self.book, self.surface, self.hidden_notes = book, surface, hidden_notes
        self._undo: list = []
        #: cells whose note could not be written: on a Mac an empty note reads as none, and adding a
        #: second one fails (``hidden_notes``); the department's empty note is left as it is
        self.skipped_notes: list[tuple[str, str]] = []

    def add_sheet(self, name: str):
        sheet = self.book.sheets.add(name, after=self.book.sheets[len(self.book.sheets) - 1])
        self._undo.append(sheet.delete)
        return sheet

    def write_cells(self, changes: list[CellChange]) -> None:
        """Fills in blocks per sheet and colour, then each note that changes."""
        by_sheet: dict[str, list[CellChange]] = {}
        for change in changes:
            by_sheet.setdefault(change.sheet, []).append(change)
        for sheet_name, cells in by_sheet.items():
            sheet = self.book.sheets[sheet_name]
            before = {c.ref: c.fill_now for c in cells if c.fill_now != c.fill_to}
            self._undo.append(lambda sheet=sheet, before=before: self.surface.paint(sheet, before))
            self.surface.paint(sheet, {c.ref: c.fill_to for c in cells if c.fill_now != c.fill_to})
            for change in cells:
                if change.note_to != change.note_now:
                    self._set_note(sheet, change)

    def _set_note(self, sheet, change: CellChange) -> None:
        cell = change.cell if change.cell is not None else sheet.range(change.ref)
        if change.note_now is None and change.note_to is not None:
            try:
                cell.add_note(change.note_to)
            except Exception:
                if not self.hidden_notes:
                    raise
                self.skipped_notes.append((change.sheet, change.ref))
                return
            self._undo.append(lambda: cell.note.delete())
        elif change.note_to is None:
            cell.note.delete()
            self._undo.append(lambda: cell.add_note(change.note_now or " "))
        else:
            cell.note.text = change.note_to
            self._undo.append(lambda: _set_text(cell, change.note_now))

    def rollback(self) -> None:
        """Undo every write, newest first; an undo that fails does not stop the others."""
        for undo in reversed(self._undo):
            try:
                undo()
            except Exception:  # best effort: restore as much as can be restored
                continue
        self._undo.clear()


def _set_text(cell, text: str | None) -> None:
    note = cell.note
    if note is None:
        cell.add_note(text or " ")
    else:
        note.text = text or ""


def blocks(refs: list[str]) -> list[str]:
    """The cells as rectangles (``D5:D9``): runs down a column, runs of equal height side by side joined."""
    runs: list[list[int]] = []  # [top, bottom, left, right], 0-based
    for col, row in sorted((col, row) for row, col in map(parse_a1, refs)):
        if runs and runs[-1][2] == col and runs[-1][1] == row - 1:
            runs[-1][1] = row
        else:
            runs.append([row, row, col, col])
    merged: list[list[int]] = []
    for top, bottom, left, right in sorted(runs, key=lambda r: (r[0], r[1], r[2])):
        if merged and merged[-1][:2] == [top, bottom] and merged[-1][3] == left - 1:
            merged[-1][3] = right
        else:
            merged.append([top, bottom, left, right])
    return [
        a1(top, left) if (top, left) == (bottom, right) else f"{a1(top, left)}:{a1(bottom, right)}"
        for top, bottom, left, right in merged
    ]


def areas(refs: list[str]) -> list[str]:
    """Comma-joined multi-area addresses, each short enough for Excel: one call colours many cells."""
    areas, current = [], ""
    for ref in refs:
        if current and len(current) + 1 + len(ref) > MAX_ADDRESS:
            areas.append(current)
            current = ""
        current = f"{current},{ref}" if current else ref
    return areas + ([current] if current else [])


def file_door_state(rows) -> tuple[list[list], str]:
    """The file door's manifest rows as the Excel door's state: (sheet, cell, original fill, ``''``)
    per marked cell, and the result sheet's name. A cell row carries the original fill as the XML of
    a ``<fill>``: a solid one with an RGB colour is that colour; anything else (no fill, a pattern, a
    theme colour the door cannot name) is restored as no fill."""
    state, result_name = [], RESULT_SHEET
    for row in rows[1:]:
        values = [text_value(v) for v in (list(row) + [None] * 5)[:5]]
        sheet, ref, _, fill, _ = values
        if sheet == "styles" and all(v.isdigit() for v in values[1:5]):
            continue  # the style counts row, as the file door reads it
        if sheet == "result" and ref:
            result_name = ref
        elif fill and sheet and ref:
            solid = 'patternType="solid"' in fill and _RGB.search(fill)
            state.append([sheet, ref, "#" + solid.group(1).upper() if solid else "", ""])
    return state, result_name


def text_value(value) -> str:
    """A value read back from a cell we wrote as text: ``3.0`` (written before cells were text) is ``"3"``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


# ---------------------------------------------------------------------------------------------
# The 校验结果 sheet


@dataclass
class ResultSheet:
    """The 校验结果 sheet to write: its rows, the row of the headings (1-based) and its fills."""

    rows: list[list]
    header: int
    fills: dict[str, str]


def result_sheet(report: Report, pack_name: str, titles: dict[str, str], explanations) -> ResultSheet:
    """The summary, a blank row, the headings, one row per finding (its 级别 cell in its colour)."""
    summary = result_summary(report, pack_name, _dt.datetime.now())
    width = len(HEADINGS)
    rows = [["校验结果"] + [None] * (width - 1)]
    rows += [[label, value] + [None] * (width - 2) for label, value in summary]
    rows += [[None] * width, list(HEADINGS)]
    fills = {"B2": "#" + fill_for_verdict(report)[2:]}
    for finding, values in result_rows(report, titles, explanations):
        if finding.cell:  # a link to the cell, as the file door's 校验结果 has
            values[5] = f'=HYPERLINK("#\'{finding.sheet.replace(chr(39), chr(39) * 2)}\'!{finding.cell}","{values[5]}")'
        fills[f"B{len(rows) + 1}"] = fill_of(finding.severity)
        rows.append([_cell_value(v) for v in values])
    return ResultSheet(rows, len(summary) + 3, fills)


def write_result_sheet(sheet, surface, result: ResultSheet) -> None:
    """Write 校验结果: its text columns formatted as text first, the values in one call, then formats."""
    header, last = result.header, max(len(result.rows), result.header + 1)
    for first, final in _TEXT_COLUMNS:
        sheet.range(f"{first}{header + 1}:{final}{last}").number_format = "@"
    sheet.range("A1").value = result.rows
    sheet.range(f"A1:A{header}").font.bold = True
    sheet.range(f"A{header}:L{header}").font.bold = True
    sheet.range(f"A{header}:L{header}").color = "#D9D9D9"
    surface.paint(sheet, result.fills)
    for index, width in enumerate(WIDTHS):
        sheet.range((1, index + 1)).column_width = surface.column_width(width)


def _cell_value(value):
    # Excel holds numbers as doubles; Decimal is not among the types xlwings converts.
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
