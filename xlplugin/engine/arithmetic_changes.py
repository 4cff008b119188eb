"""The changes whose figures do not stand side by side: where :mod:`xlplugin.engine.arithmetic`
finds the current figure and the base of ``增加 C，增长 r%`` when it is not the amount right before.

- **further back** (:func:`current_further_back`): ``决算为 Z，完成全年预算 B 的 p%，比上年决算数增加
  C，增长 r%`` — Z is the last level stated before C in its statement, past the rates, the budget
  of a completion (``完成预算 B 的``) and the other changes of the same figure (``比上年增加 C1，增长
  r1%；比 2019 年减少 C2，降低 r2%``). The statement may run on over ``；`` or ``。`` only into a
  clause that starts with a comparison (``。较 2013 年度决算数减少 C，降低 r%``): one that starts with
  anything else has a subject of its own;
- **the prior printed** (:func:`prior_printed`): ``比 2013 年度决算数 P 减少 C，下降 r%`` — the base is
  P itself;
- **rate first** (:func:`rate_first`): ``收入完成 X，比上年增长 r%，增收 C`` — the base is X − C
  (X + C for 下降…减收);
- **a gap between two rates** (:func:`rate_gap`): ``增长 a%，比全省平均水平（b%）高 g 个百分点`` or
  ``增长 a%，高于支出增幅（b%）g 个百分点`` — g must be a − b (b − a for 低/慢), a sum kept in points.
"""

from __future__ import annotations

import re

from xlplugin.core.printed import judge_total
from xlplugin.engine.arithmetic_claim import Claim
from xlplugin.engine.arithmetic_claim import ratio_claims as _ratio

__all__ = ["continues", "current_further_back", "prior_printed", "rate_first", "rate_gap", "two_years"]

_UP = ("增加", "增长", "上升", "提高", "增收", "增支", "多收", "多支")
_DIRECTION = re.compile(r"(增加|减少|增长|下降|上升|降低|提高|增收|减收|增支|减支|多收|少收)(?:了|为|额为|额)?$")
_COMPARISON = re.compile(r"^(?:[，,、]?(?:同比|比|较|与|相较于?|对比))")
_COMPLETION_BUDGET = re.compile(r"完成[^，,。；;]{0,12}预算(?:数)?$")
_STATEMENT_ENDS = "。；;"
#: the most figures a change's statement is walked back over
_REACH = 8
_RATE_AFTER = re.compile(r"^[，,、](?:同比|比上年|较上年)?(增收|减收|增支|减支|增加|减少|多收|少收)(?:了)?$")
_RATE_WORDS = re.compile(r"(?:^|[，,、])[^，,。；;\d%]{0,24}?(增长|下降|上升|降低|减少|增加)(?:了)?$")
_PRIOR = re.compile(r"(?:比|较|与)[^，,。；;]{0,16}(?:决算|预算)数?为?$")


def _lead(text: str, quantities, index: int) -> str:
    start = quantities[index][0]
    low = quantities[index - 1][1] if index else max(0, start - 60)
    return text[max(low, start - 60) : start]


def continues(gap: str) -> bool:
    """Whether the words ``gap`` between two figures keep to one statement: no ``。；`` in them, or
    the clause after the last one starts with a comparison (``。较 2013 年度决算数减少``)."""
    cut = max(gap.rfind(mark) for mark in _STATEMENT_ENDS)
    return cut < 0 or bool(_COMPARISON.match(gap[cut + 1 :]))


def current_further_back(text: str, quantities, index: int):
    """(span, quantity) of the level a change at ``index`` is the change of, walking back over
    rates, completion budgets and the same figure's other changes; None when its statement does
    not show it."""
    position = index
    for _ in range(_REACH):
        gap_end = quantities[position][0]
        position -= 1
        if position < 0:
            return None
        start, end, quantity = quantities[position]
        if not continues(text[end:gap_end]):
            return None  # a new statement with a subject of its own
        lead = _lead(text, quantities, position)
        if quantity.kind != "money":
            continue
        if _DIRECTION.search(lead) or _COMPLETION_BUDGET.search(lead):
            continue  # another change of the same figure, or the budget it completes
        if "均" in lead:
            return None
        return (start, end), quantity
    return None


def prior_printed(text: str, quantities, index: int) -> list[Claim]:
    """``比 … 决算数 P 减少 C，下降 r%`` with the change C at ``index`` and r right after it."""
    if index < 1 or index + 1 >= len(quantities):
        return []
    (s0, e0, prior), (s1, e1, change), (s2, e2, rate) = quantities[index - 1 : index + 2]
    if prior.kind != "money" or change.kind != "money" or rate.kind != "percent":
        return []
    direction = _DIRECTION.match(text[e0:s1])
    second = re.match(r"^[，,、](增长|下降|上升|降低|增加|减少)(?:了)?$", text[e1:s2])
    if not (direction and second and _PRIOR.search(_lead(text, quantities, index - 1))):
        return []
    if (direction.group(1) in _UP) != (second.group(1) in _UP):
        return []
    spans = ((s0, e0), (s1, e1), (s2, e2))
    return _ratio(
        "change", rate, change.interval(), prior.interval(), (prior, change), spans, "上年数为零，增减率无从计算"
    )


_LATER_YEAR = re.compile(r"(\d{4})年度?[^，,。；;\d]{0,8}$")
_EARLIER_YEAR = re.compile(r"^[，,、](\d{4})年度?[^，,。；;\d]{0,8}$")
_AGAINST = re.compile(
    r"^[，,;；]?(?:与上年|与\d{4}年度?)?(?:对比|相比|比较|同比|较上年|比上年)[，,]?(增加|减少|增长|下降|上升|降低)(?:了|额为|为)?$"
)
_RATE_NEXT = re.compile(r"^[，,;；、]?(增长|下降|上升|降低|增加|减少|增幅|降幅|减幅)(?:了|率为|率|幅度为|为)?$")


def two_years(text: str, quantities, index: int) -> list[Claim]:
    """``2016年预算 A，2015年预算 P；对比减少 C；减少率 r%`` with the change C at ``index``: both years'
    figures are printed, the earlier one right before the comparison, so r must be C ÷ P."""
    if index < 2 or index + 1 >= len(quantities):
        return []
    (s0, e0, current), (s1, e1, prior) = quantities[index - 2], quantities[index - 1]
    (s2, e2, change), (s3, e3, rate) = quantities[index], quantities[index + 1]
    if [q.kind for q in (current, prior, change, rate)] != ["money", "money", "money", "percent"]:
        return []
    later = _LATER_YEAR.search(text[max(0, s0 - 20) : s0])
    earlier = _EARLIER_YEAR.match(text[e0:s1])
    direction, second = _AGAINST.match(text[e1:s2]), _RATE_NEXT.match(text[e2:s3])
    if not (later and earlier and direction and second) or int(later.group(1)) != int(earlier.group(1)) + 1:
        return []
    if (direction.group(1) in _UP) != (second.group(1) in _UP):
        return []
    spans = ((s1, e1), (s2, e2), (s3, e3))
    return _ratio(
        "change", rate, change.interval(), prior.interval(), (prior, change), spans, "上年数为零，增减率无从计算"
    )


def rate_first(text: str, quantities, index: int) -> list[Claim]:
    """``X，比上年增长 r%，增收 C`` with the rate r at ``index``: r must be C ÷ (X − C)."""
    if index < 1 or index + 1 >= len(quantities):
        return []
    (s1, e1, rate), (s2, e2, change) = quantities[index], quantities[index + 1]
    if rate.kind != "percent" or change.kind != "money":
        return []
    after = _RATE_AFTER.match(text[e1:s2])
    words = _RATE_WORDS.search(text[quantities[index - 1][1] : s1])
    if not (after and words) or (after.group(1) in _UP) != (words.group(1) in _UP):
        return []
    position = index - 1
    while position >= 0 and quantities[position][2].kind == "percent":
        position -= 1
    if position < 0:
        return []
    s0, e0, current = quantities[position]
    between = text[e0:s1]
    if current.kind != "money" or any(mark in between for mark in _STATEMENT_ENDS) or len(between) > 40:
        return []
    if _DIRECTION.search(_lead(text, quantities, position)) or "其中" in between:
        return []
    up = after.group(1) in _UP
    base = current.interval() - change.interval() if up else current.interval() + change.interval()
    spans = ((s0, e0), (s2, e2), (s1, e1))
    return _ratio("change", rate, change.interval(), base, (current, change), spans, "上年数为零，增减率无从计算")


_GAP_FIRST = re.compile(r"^[，,](比|高于|低于|快于|慢于)[^，,。；;%\d]{0,30}?[(（]?$")
_GAP_SECOND = re.compile(r"^[)）]?[，,]?(高|低|快|慢)?(出|了)?$")


def rate_gap(text: str, quantities, index: int) -> list[Claim]:
    """``a%，比…（b%）高 g 个百分点`` with a at ``index``: g must be a − b (b − a for 低、慢)."""
    if index + 2 >= len(quantities):
        return []
    (s0, e0, first), (s1, e1, second), (s2, e2, gap) = quantities[index : index + 3]
    if first.kind != "percent" or second.kind != "percent" or gap.kind != "points":
        return []
    comparison, after = _GAP_FIRST.match(text[e0:s1]), _GAP_SECOND.match(text[e1:s2])
    if not (comparison and after) or (comparison.group(1) == "比") == (after.group(1) is None):
        return []  # 比 … 高 g, or 高于 … g: one direction word, never none or two
    word = after.group(1) or comparison.group(1)[0]
    higher = word in ("高", "快")
    computed = first.interval() - second.interval() if higher else second.interval() - first.interval()
    printing = judge_total(gap.value, gap.decimals, computed)
    signs = (1, -1) if higher else (-1, 1)
    return [
        Claim(
            "sum",
            gap,
            (s2, e2),
            computed,
            printing,
            (first, second),
            ((s0, e0), (s1, e1), (s2, e2)),
            "",
            "个百分点",
            signs,
        )
    ]
