"""Plain-text tables for a terminal where Chinese characters are two columns wide."""

from __future__ import annotations

import unicodedata


def display_width(text: str) -> int:
    """Terminal columns ``text`` occupies (East Asian wide/full-width characters count two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` columns (nothing added if it is already wider)."""
    return text + " " * max(0, width - display_width(text))


def clip(text: str, width: int) -> str:
    """The longest start of ``text`` that fits in ``width`` columns; a wide character that would
    straddle the edge is left out whole, so the result may be one column short."""
    used = 0
    for index, ch in enumerate(text):
        used += display_width(ch)
        if used > width:
            return text[:index]
    return text


def render_table(headings: list[str], rows: list[list[str]]) -> str:
    """Left-aligned columns separated by two spaces, widths measured in display columns."""
    widths = [max(display_width(str(r[i])) for r in [headings, *rows]) for i in range(len(headings))]
    lines = ["  ".join(pad(str(cell), w) for cell, w in zip(line, widths)).rstrip() for line in [headings, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
