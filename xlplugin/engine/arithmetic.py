"""The arithmetic a 情况说明 states about itself, read without per-phrasing templates.

Every 情况说明 states the same few kinds of arithmetic, whatever its region's wording. This reader
finds them from the shape of a sentence — the quantities in it and the words between them — and
judges each printed figure "as written" (:mod:`xlplugin.core.printed`):

- **change** — ``X 万元，较上年（同比、比 2020 年度、与上年相比…）增加 C 万元，增长 r%``: the base
  is X − C (X + C for 减少/下降), and r must be C ÷ base; a zero base is reported, not divided by;
- **completion** — ``年初预算为 B 万元，支出决算为 Z 万元，完成年初预算的 p%`` or
  ``决算为 Z 万元，完成全年预算 B 万元的 p%``: p must be Z ÷ B;
- **share of a printed whole** — ``W 万元，其中：A 万元，占 p%``: p must be A ÷ W.

It is deliberately conservative: a sentence is judged only when its shape leaves no doubt about
which figure is which (no other quantity in between, the direction word right before the change).
Traditional characters (萬元、減少、增長) read as simplified ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from xlplugin.core.intervals import Interval
from xlplugin.core.printed import Printing, judge_printed
from xlplugin.workbook.narrative import Paragraph, Quantity

__all__ = ["Claim", "read_claims"]

# one character for one, so that spans stay put
_TRADITIONAL = str.maketrans(
    dict(
        zip(
            "萬億減長預決總計費經撥數與較為實際務車輛購運維護財餘結轉門項資產業採區縣鎮鄉額單會議訓",
            "万亿减长预决总计费经拨数与较为实际务车辆购运维护财余结转门项资产业采区县镇乡额单会议训",
        )
    )
)
_INCREASE = ("增加", "增长", "上升", "提高")
_DECREASE = ("减少", "下降", "降低", "减")
#: words that make a change a comparison with an earlier figure
_COMPARED = re.compile(r"(较|比|同比|与|相较于?|对比)")
_DIRECTION = re.compile(r"(增加|减少|增长|下降|上升|降低|提高)$")
_RATE_GAP = re.compile(r"^[，,、；;]?(?:同比)?(增长|下降|降低|上升|增加|减少|提高)(?:了|幅度为|率为|比例为)?$")
_COMPLETION = re.compile(r"完成(?:全年|年初|年度)?预算(?:数)?的?$")
_COMPLETION_WITH_BUDGET = re.compile(r"完成(?:全年|年初|年度)?预算(?:数)?$")
_SHARE = re.compile(r"^[，,]?(?:占|约占)(?:比|比例为|比重为)?$")


@dataclass(frozen=True)
class Claim:
    """One arithmetic statement found and judged: ``printed`` is the figure it judges (its text and
    span in the paragraph's normalised text), ``computed`` what the other printed figures give."""

    kind: str  # change | completion | share
    printed: Quantity
    span: tuple[int, int]
    computed: Interval | None
    printing: Printing | None  # None: not judged (a zero base)
    operands: tuple[Quantity, ...]
    spans: tuple[tuple[int, int], ...]
    note: str = ""


def _interval(quantity: Quantity) -> Interval:
    return quantity.interval()


def _percent(part: Interval, whole: Interval) -> Interval | None:
    try:
        return part / whole * Interval.exact(Decimal(100))
    except ZeroDivisionError:
        return None


def read_claims(paragraph: Paragraph) -> list[Claim]:
    """Every change, completion and share claim of ``paragraph`` whose shape is unambiguous. Spans
    are in the paragraph's normalised text (:attr:`Paragraph.norm`)."""
    translated = paragraph.text.translate(_TRADITIONAL)
    if translated != paragraph.text:  # one character for one: the spans are the paragraph's own
        paragraph = Paragraph(paragraph.sheet, paragraph.cell, translated)
    text = paragraph.norm
    quantities = [q for q in paragraph.quantities if q[2].kind in ("money", "percent")]
    claims: list[Claim] = []
    for index in range(len(quantities)):
        claims += _change(text, quantities, index)
        claims += _completion(text, quantities, index)
        claims += _share(text, quantities, index)
    return claims


def _between(text: str, quantities, left: int, right: int) -> str:
    """The words between quantity ``left`` and quantity ``right`` (no quantity may lie between)."""
    return text[quantities[left][1] : quantities[right][0]]


def _change(text: str, quantities, index: int) -> list[Claim]:
    """``X …较上年增加 C，增长 r%`` with X at ``index``."""
    if index + 2 >= len(quantities):
        return []
    (s0, e0, current), (s1, e1, change), (s2, e2, rate) = quantities[index : index + 3]
    if current.kind != "money" or change.kind != "money" or rate.kind != "percent":
        return []
    words = _between(text, quantities, index, index + 1)
    direction = _DIRECTION.search(words)
    if len(words) > 30 or not _COMPARED.search(words) or direction is None or any(ch in words for ch in "。；;"):
        return []
    gap = _between(text, quantities, index + 1, index + 2)
    second = _RATE_GAP.match(gap)
    if second is None:
        return []
    up = direction.group(1) in _INCREASE
    if (second.group(1) in _INCREASE) != up:
        return []  # "增加 C，下降 r%" contradicts itself: a wording check says so, not arithmetic
    base = _interval(current) - _interval(change) if up else _interval(current) + _interval(change)
    spans = ((s0, e0), (s1, e1), (s2, e2))
    return _ratio("change", rate, _interval(change), base, (current, change), spans, "上年数为零，增减率无从计算")


def _completion(text: str, quantities, index: int) -> list[Claim]:
    """``预算 B … 决算 Z … 完成预算的 p%`` or ``决算 Z，完成预算 B 的 p%`` ending at ``index``."""
    s2, e2, rate = quantities[index]
    if rate.kind != "percent" or index < 2:
        return []
    (s0, e0, first), (s1, e1, second) = quantities[index - 2], quantities[index - 1]
    if first.kind != "money" or second.kind != "money":
        return []
    before_rate = _between(text, quantities, index - 1, index)
    between = _between(text, quantities, index - 2, index - 1)
    lead = text[max(0, s0 - 12) : s0]
    if _COMPLETION.search(before_rate.rstrip("，,")) and "预算" in lead and "决算" in between and len(between) <= 20:
        budget, actual = first, second  # 预算为 B，决算为 Z，完成预算的 p%
    elif before_rate in ("的", "") and _COMPLETION_WITH_BUDGET.search(between.rstrip("，,")) and "决算" in lead:
        actual, budget = first, second  # 决算为 Z，完成预算 B 的 p%
    else:
        return []
    if any(ch in between + before_rate for ch in "。；;"):
        return []
    spans = ((s0, e0), (s1, e1), (s2, e2))
    return _ratio(
        "completion", rate, _interval(actual), _interval(budget), (actual, budget), spans, "预算数为零，完成率无从计算"
    )


def _share(text: str, quantities, index: int) -> list[Claim]:
    """``W …其中：… A，占 p%`` with the share p at ``index``: A right before it, W before 其中."""
    s2, e2, share = quantities[index]
    if share.kind != "percent" or index < 2:
        return []
    s1, e1, part = quantities[index - 1]
    if part.kind != "money" or not _SHARE.match(_between(text, quantities, index - 1, index)):
        return []
    opening = text.rfind("其中", 0, s1)
    if opening < 0 or any(ch in text[opening:s1] for ch in "。"):
        return []
    wholes = [i for i in range(index - 1) if quantities[i][1] <= opening and quantities[i][2].kind == "money"]
    if not wholes:
        return []
    s0, e0, whole = quantities[wholes[-1]]
    if text[e0:opening].strip("，,：:（）() "):
        return []  # the whole must stand right before 其中
    spans = ((s0, e0), (s1, e1), (s2, e2))
    return _ratio("share", share, _interval(part), _interval(whole), (part, whole), spans, "合计为零，占比无从计算")


def _ratio(kind: str, printed: Quantity, part: Interval, whole: Interval, operands, spans, zero: str) -> list[Claim]:
    """The claim that ``printed`` is ``part ÷ whole`` in percent, judged as written; a zero whole
    is reported with the note ``zero`` instead of divided by."""
    if whole.point == 0:
        return [Claim(kind, printed, spans[-1], None, None, operands, spans, zero)]
    computed = _percent(part, whole)
    if computed is None:  # the whole's rounding interval reaches zero
        return []
    return [
        Claim(
            kind,
            printed,
            spans[-1],
            computed,
            judge_printed(printed.value, printed.decimals, computed),
            operands,
            spans,
        )
    ]
