"""How well a pack's layout describes a workbook: the :class:`~xlplugin.core.findings.Fit` of a
located book.

Tables: those of the layout found, out of all of them. Rows, over the tables found: placed rows
(layout rows matched, keyed rows read, labelled cells found) out of all rows considered — placed
rows, layout rows not found (``row-missing``) and rows that could not be placed (``unexpected-row``,
``bad-row-key``). A workbook of another template finds few tables, or finds a sheet by its name and
then places few of its rows; either makes the fit poor (below
:data:`~xlplugin.core.findings.MIN_TABLE_SHARE` / :data:`~xlplugin.core.findings.MIN_ROW_SHARE`).
"""

from __future__ import annotations

from xlplugin.core.findings import Fit
from xlplugin.workbook.layout import Layout
from xlplugin.workbook.located import LocatedBook

__all__ = ["measure_fit", "no_fit"]

#: reading problems that are rows of the sheet the layout could not place
_UNPLACED = {"unexpected-row", "bad-row-key"}


def measure_fit(located: LocatedBook, pack_id: str, pack_name: str) -> Fit:
    """The fit of ``located``'s layout (the pack ``pack_id``, called ``pack_name``) on its book."""
    layout = located.layout
    placed = unplaced = missing = 0
    for table in located.tables.values():
        placed += table.row_count + sum(1 for v in table.cells.values() if v.status != "missing")
        for problem in table.problems:
            if problem.code == "row-missing":
                missing += 1
            elif problem.code in _UNPLACED:
                unplaced += 1
    return Fit(
        pack_id,
        pack_name,
        len(layout.tables),
        tuple(t.id for t in layout.tables if t.id in located.tables),
        tuple(t.id for t in layout.tables if t.id not in located.tables),
        placed + unplaced + missing,
        placed,
    )


def no_fit(layout: Layout, pack_id: str, pack_name: str) -> Fit:
    """The fit of a layout none of whose tables is in the workbook."""
    return Fit(pack_id, pack_name, len(layout.tables), (), tuple(t.id for t in layout.tables))
