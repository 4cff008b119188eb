"""Workbooks as data: sniffing a file, reading it into a :class:`~xlplugin.workbook.book.Book`, the
declarative table layouts, locating each table in a book, the 情况说明 narrative and the 绩效自评表.

Knows nothing of rules, output or doors."""
