"""xlplugin: validation of 部门决算公开 (final-accounts disclosure) workbooks.

Layers, dependencies pointing one way (doors → engine → model):

- :mod:`xlplugin.core.amounts` — cell text to exact ``Decimal`` with its stated precision.
- :mod:`xlplugin.workbook.book` — a workbook as grids of raw cell values (fast calamine path, openpyxl path).
- :mod:`xlplugin.workbook.layout` — the declarative table layouts (one source of truth for templates,
  reader and rule packs).
- :mod:`xlplugin.workbook.locate` — finds each layout's table in a :class:`~xlplugin.workbook.book.Book`.
- :mod:`xlplugin.doors.cli` — the ``xlplugin`` command.
"""

__version__ = "0.1.0"
