"""Reading a body row's key as printed: a 功能分类/经济分类 code in one cell or split over several
(类 | 款 | 项, ``301 | 01``), a code written in front of the name (``208 社会保障和就业支出``), and
the header lines that sit between a header and its body (``类 | 款 | 项``, ``栏次 | 1 | 2``)."""

from __future__ import annotations

import re

from xlplugin.core.amounts import normalize_text
from xlplugin.workbook.book import FormulaWithoutValue, Sheet

__all__ = ["CODE", "CodeReader", "cell_text", "is_header_line", "leading_code"]

#: a 功能分类 (3, 5 or 7 digits) or 经济分类 (3 or 5 digits) code
CODE = re.compile(r"\d{3}(?:\d{2}){0,2}")
_SEPARATED = re.compile(r"\d+(?:\s*[|｜/／]\s*\d+)+")
_LEADING = re.compile(r"^\s*\[?(\d{3}(?:\d{2}){0,2})\]?(?:\s+|(?=[^\d\s]))(\S.*)$", re.S)
_HEADER_WORDS = {"类", "款", "项"}
_NUMBERING_WORDS = ("栏次", "行次")


def cell_text(sheet: Sheet, row: int, col: int, merged: bool = True) -> str:
    """The cell's text as printed (a whole-number float as an integer), stripped; ``merged``: a cell
    inside a merged range reads its top-left value."""
    value = sheet.merged_value(row, col) if merged else sheet.value(row, col)
    if value is None or isinstance(value, FormulaWithoutValue):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def leading_code(text: str) -> tuple[str, str] | None:
    """``(code, name)`` when ``text`` is a code followed by a name (``208 社会保障和就业支出``)."""
    match = _LEADING.match(text)
    if match is None:
        return None
    return match.group(1), match.group(2).strip()


def is_header_line(texts: list[str]) -> bool:
    """True for the lines printed between a header and its body: ``类 | 款 | 项`` under a code
    header, or the column numbering line (``栏次 | 1 | 2 | 3``)."""
    words = [normalize_text(t) for t in texts if t]
    if not words:
        return False
    return words[0] in _NUMBERING_WORDS or all(w in _HEADER_WORDS for w in words)


class CodeReader:
    """Reads a block's code from its code cells, left to right. Cells merged together count once (a
    whole code merged across 类 | 款 | 项 is one code); a blank leading part of a split code is the
    part printed above it (``  | 01`` under ``301 |``)."""

    def __init__(self, sheet: Sheet, columns: tuple[int, ...]):
        self.sheet = sheet
        self.columns = columns
        self._last: list[str] = [""] * len(columns)
        self._anchor: dict[tuple[int, int], tuple[int, int]] = {}
        wanted = set(columns)
        for r0, c0, r1, c1 in sheet.merges:
            if any(c0 <= c <= c1 for c in wanted):
                for r in range(r0, r1 + 1):
                    for c in range(c0, c1 + 1):
                        self._anchor[(r, c)] = (r0, c0)

    def raw(self, row: int) -> str:
        """The first code cell's text as printed (for messages and for a code written before a name)."""
        return cell_text(self.sheet, row, self.columns[0]) if self.columns else ""

    def read(self, row: int) -> str:
        """The row's code (normalised), or the text its code cells hold when that is not a code."""
        parts: list[str] = []
        seen: set[tuple[int, int]] = set()
        for col in self.columns:
            anchor = self._anchor.get((row, col), (row, col))
            if anchor in seen or (anchor[0] == row and anchor[1] != col and anchor[1] in self.columns):
                parts.append("")  # the same merged cell as a part to its left
                continue
            seen.add(anchor)
            text = normalize_text(cell_text(self.sheet, *anchor, merged=False))
            if _SEPARATED.fullmatch(text):
                text = re.sub(r"\D", "", text)
            elif parts and len(text) == 1 and text.isdigit():
                text = "0" + text  # 款 or 项 stored as a number: 5 is 05
            parts.append(text)
        filled = [i for i, p in enumerate(parts) if p]
        if not filled:
            return ""
        if len(filled) == 1 and filled[0] == 0:
            self._last = parts
            return parts[0]
        if not all(parts[i].isdigit() for i in filled):
            return next(parts[i] for i in filled if not parts[i].isdigit())
        for i in range(filled[-1]):
            if not parts[i]:
                parts[i] = self._last[i] if i < len(self._last) else ""
        self._last = parts
        return "".join(parts[: filled[-1] + 1])
