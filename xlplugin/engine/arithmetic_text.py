"""The paragraph the arithmetic readers see: pinyin glosses gone, every money figure with the
precision it was published to — and the way back to the paragraph's own text.

- **glosses**: mirror sites print pinyin after characters (``增長(cháng)``、``萬(wàn)元``); the readers
  match words (``、增长``), so they read a copy without the glosses, and the spans of what they find
  are mapped back to the paragraph's normalised text (:func:`restored`);
- **precision** (see :mod:`xlplugin.engine.arithmetic`): a 万元 or 元 amount is published to 0.01 of
  its unit — ``18万元`` is 18.00 with its zeros dropped, so it stands for ± 0.005 万元, not ± 0.5; a
  亿元 statistic is rounded to its last printed digit (``34993.1亿元`` ± 0.05 亿元), and a whole 亿元
  figure printed among one-decimal ones is read as x.0 (``328亿元`` next to ``75.2亿元``).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

from xlplugin.engine.arithmetic_claim import PINYIN, Claim
from xlplugin.workbook.narrative import Paragraph, Quantity

__all__ = ["prepared", "restored", "published"]

_YI = re.compile(r"亿元$")
_BOUND_AFTER = re.compile(r"以上|以下|以内|左右|上下|之多|多|余|强|弱")
_BOUND_BEFORE = re.compile(r"(?:超过|超|近|接近|不足|不到|逾|高于|低于|大于|小于|至少|最多)$")


def published(text: str, quantities: list[tuple[int, int, Quantity]]) -> list[tuple[int, int, Quantity]]:
    """``quantities`` with each money figure's decimals set to the precision it was published to
    (counted in 万元, like :class:`Quantity`): 万元 to 0.01, 元 to 0.01 元, 亿元 to its last digit —
    a whole 亿元 figure to 0.1 when another 亿元 figure of the paragraph has one decimal. A percent
    that states a bound (``99%以上``、``超过 30%``、``10%左右``) is no figure to judge: it is left out."""
    quantities = [q for q in quantities if not _bound(text, q)]
    tenths = any(q.kind == "money" and _YI.search(q.text) and q.decimals == -3 for _, _, q in quantities)
    adjusted = []
    for start, end, quantity in quantities:
        if quantity.kind == "money":
            if _YI.search(quantity.text):
                decimals = -3 if tenths and quantity.decimals == -4 else quantity.decimals
            elif quantity.text.endswith("万元"):
                decimals = max(quantity.decimals, 2)
            else:  # 元
                decimals = max(quantity.decimals, 6)
            quantity = dataclasses.replace(quantity, decimals=decimals)
        adjusted.append((start, end, quantity))
    return adjusted


def _bound(text: str, found: tuple[int, int, Quantity]) -> bool:
    """A percent that states a bound, not a value (``占 99%以上``、``超过 30%``, ``10%左右``)."""
    start, end, quantity = found
    if quantity.kind != "percent":
        return False
    return bool(_BOUND_AFTER.match(text, end) or _BOUND_BEFORE.search(text, max(0, start - 3), start))


def prepared(paragraph: Paragraph) -> tuple[Paragraph, list[int] | None]:
    """The paragraph to read (glosses removed, figures at their published precision) and, when it
    differs from ``paragraph``'s normalised text, the map of its positions to that text's. Made once
    per paragraph (a paragraph is read again as the earlier text of the ones after it)."""
    cached = paragraph.__dict__.get("_arithmetic_prepared")
    if cached is None:
        cached = paragraph.__dict__["_arithmetic_prepared"] = _prepare(paragraph)
    return cached


def _prepare(paragraph: Paragraph) -> tuple[Paragraph, list[int] | None]:
    clean, back = paragraph, None
    if PINYIN.search(paragraph.norm):
        keep = [i for i in range(len(paragraph.text)) if i not in _glossed(paragraph.text)]
        text = "".join(paragraph.text[i] for i in keep)
        clean = Paragraph(paragraph.sheet, paragraph.cell, text)
        first = {}  # an original character → its first position in the normalised text
        for position, original in enumerate(paragraph.origin):
            first.setdefault(original, position)
        back = [first.get(keep[original], 0) for original in clean.origin] + [len(paragraph.norm)]
    else:
        clean = Paragraph(paragraph.sheet, paragraph.cell, paragraph.text)
    # the quantities are computed once per paragraph object: set them on this private copy
    clean.__dict__["quantities"] = published(clean.norm, clean.quantities)
    return clean, back


def _glossed(text: str) -> set[int]:
    """The positions of ``text``'s pinyin glosses (matched on its NFKC form: ``（wàn）`` too)."""
    folded = "".join(unicodedata.normalize("NFKC", ch)[:1] or ch for ch in text)
    return {i for match in PINYIN.finditer(folded) for i in range(match.start(), match.end())}


def restored(claims: list[Claim], back: list[int] | None) -> list[Claim]:
    """``claims`` with spans in the original paragraph's normalised text (``(0, 0)`` — a figure of an
    earlier paragraph — stays)."""
    if back is None:
        return claims

    def span(pair: tuple[int, int]) -> tuple[int, int]:
        if pair == (0, 0):
            return pair
        start, end = pair
        return back[start], back[end - 1] + 1 if end > start else back[start]

    return [dataclasses.replace(c, span=span(c.span), spans=tuple(span(s) for s in c.spans)) for c in claims]
