"""A1 cell references: 0-based (row, col) to ``B7`` and back."""

from __future__ import annotations

import re

__all__ = ["a1", "column_letter", "parse_a1"]


def column_letter(col: int) -> str:
    """0-based column index to Excel letters: 0 → A, 27 → AB."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def a1(row: int, col: int) -> str:
    """0-based (row, col) to an A1 reference."""
    return f"{column_letter(col)}{row + 1}"


_A1 = re.compile(r"([A-Z]+)(\d+)")


def parse_a1(ref: str) -> tuple[int, int]:
    """An A1 reference to 0-based (row, col)."""
    match = _A1.fullmatch(ref.replace("$", ""))
    if not match:
        raise ValueError(ref)
    col = 0
    for char in match.group(1):
        col = col * 26 + ord(char) - 64
    return int(match.group(2)) - 1, col - 1
