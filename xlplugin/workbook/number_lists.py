"""Figures that the words around them read, for :func:`xlplugin.workbook.narrative.find_quantities`
(which passes its quantity builder in):

- **two figures sharing one unit** (``4125.49,4143.91万元``、``2343.3、2343.3万元``): the first takes
  the second's unit (a decimal point first: no thousands separator);
- **万 without 元** (``合计为1000.86万，其中：…0万元、…399.25万元``): the writer dropped 元, so the figure
  is 万元 — but only where every other money figure of its sentence is 万元 (and there is one); elsewhere
  ``万`` may be people, tonnes or a slip for another unit, and the figure stays a bare number;
- **a list written with a half-width comma** (``收、支总计各减少300,200万元，下降16.67%、13.5%``): two
  figures, not 300200 — only where the words prove a list: as many names before the figures, and
  as many rates right after them or 各/分别 right before them with no single rate after
  (``各减少1,200万元，下降5%`` is 1200 each). Everywhere else a comma separates thousands
  (``12,000.00元`` is one figure); a group that starts with 0 (``1,000``) always does.
"""

from __future__ import annotations

import re

__all__ = ["comma_lists", "WAN", "in_wan", "listed"]

#: ``1000.86万，`` — a 万 that ends the figure (not 万人、万吨, nor the 万 inside ``3万4993.1亿元``)
WAN = re.compile(r"万(?=$|[，,。；;、：:)）])")
_SENTENCE_MARKS = "。；;！？!?"
#: figures joined by half-width commas that may be one number with thousands separators
_COMMA_RUN = re.compile(r"(?<![\d.,])(\d+(?:,\d+)+(?:\.\d+)?)(万元|亿元|元|个百分点|%)")
#: a list announced right before the figures: ``各减少``、``分别为``
_LIST_WORD = re.compile(r"(?:各|分别)(?:为|是|达到|达|增加|减少|增长|下降|上升|降低|提高)?了?$")
_CLAUSE_MARKS = re.compile(r"[，,。；;：:]")
_NAME_JOINS = re.compile(r"、|和|与|及")
_DIRECTION = r"[，,]?(?:各|分别)?(?:同比)?(?:增长|下降|增加|减少|上升|降低|提高)了?"
_PERCENT = r"\d+(?:\.\d+)?%"
_END_OF_LIST = r"(?![\d.%]|[、和]\d)"


def in_wan(numeric: str, matches: list[re.Match], found: list, quantity) -> list:
    """The bare figures ``matches`` (each followed by 万) as (start, end, quantity): 万元 where every
    other money figure of its sentence among ``found`` is 万元 and there is one (the span takes in
    the 万; the text names the unit in full, as every 万元 figure's does), else a bare number when it
    has decimals, else nothing (a bare integer)."""
    money = [(start, q.text) for start, _, q in found if q.kind == "money"]
    read = []
    for match in matches:
        low = max(numeric.rfind(mark, 0, match.start()) for mark in _SENTENCE_MARKS) + 1
        ends = [p for p in (numeric.find(mark, match.end()) for mark in _SENTENCE_MARKS) if p >= 0]
        texts = [text for position, text in money if low <= position < min(ends, default=len(numeric))]
        if texts and all(text.endswith("万元") and "万" not in text[:-2] for text in texts):
            read.append((match.start(), match.end(1) + 1, quantity(match.group(1), "万元")))
        elif "." in match.group(1):
            read.append((match.start(), match.end(), quantity(match.group(1), None)))
    return read


def comma_lists(numeric: str, quantity) -> list:
    """(start, end, quantity) of every figure of a comma-joined run that the words prove a list;
    the last figure's span takes in the unit, and every figure has it."""
    figures = []
    for run in _COMMA_RUN.finditer(numeric):
        pieces, unit = run.group(1).split(","), run.group(2)
        if any(len(piece.split(".")[0]) > 1 and piece.startswith("0") for piece in pieces[1:]):
            continue  # ``1,000``: a group of a thousands number, never a figure of its own
        if not _proven(numeric, run, len(pieces)):
            continue
        position = run.start()
        for index, piece in enumerate(pieces):
            end = position + len(piece) + (len(unit) if index == len(pieces) - 1 else 0)
            figures.append((position, end, quantity(piece, unit)))
            position += len(piece) + 1
    return figures


def _proven(numeric: str, run: re.Match, count: int) -> bool:
    """Whether the words around ``run`` make its ``count`` pieces a list: as many names before it
    (``收、支总计``), and as many rates right after it (``，增长15.75%、23.66%``) or 各/分别 right
    before it with no single rate after."""
    rest = numeric[run.end() : run.end() + 80]
    lead = numeric[max(0, run.start() - 40) : run.start()]
    word = _LIST_WORD.search(lead)
    names = _CLAUSE_MARKS.split(lead[: word.start()] if word else lead)[-1]
    if len(_NAME_JOINS.split(names)) != count:
        return False
    if re.match(rf"{_DIRECTION}{_PERCENT}(?:[、和]{_PERCENT}){{{count - 1}}}{_END_OF_LIST}", rest):
        return True
    if word is None or re.match(r"[、,，]\d", rest):
        return False  # no list word, or the list goes on after the unit (its pieces are thousands)
    return not re.match(rf"{_DIRECTION}{_PERCENT}{_END_OF_LIST}", rest)


# two figures sharing one unit: "4125.49,4143.91万元", "各减少2343.3、2343.3万元" (a decimal point first: no thousands)
_LISTED = re.compile(r"(?<![\d.,])(\d+\.\d+)[,，、](\d+(?:\.\d+)?)(万元|亿元|元|个百分点|%)")


def listed(numeric: str, found: list, quantity) -> list:
    """``found`` in order, the first of two listed figures given the second's unit, and the second
    read where a comma hid it."""
    by_start = {start: index for index, (start, _, _) in enumerate(found)}
    for match in _LISTED.finditer(numeric):
        unit, first = match.group(3), by_start.get(match.start(1))
        if first is not None and not found[first][2].unit:
            found[first] = (match.start(1), match.end(1), quantity(match.group(1), unit))
        if match.start(2) not in by_start:
            found.append((match.start(2), match.end(3), quantity(match.group(2), unit)))
    return sorted(found, key=lambda item: item[0])
