"""The model's vocabulary, shared by every layer: exact amounts and their intervals, findings and
reports, errors and their codes, YAML with line numbers, and text width for CJK output.

Nothing here knows about workbooks, rules or doors."""
