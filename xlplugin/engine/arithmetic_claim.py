"""What the narrative arithmetic readers produce (:class:`Claim`) and the few word lists they share.

Two readers find claims: :mod:`xlplugin.engine.arithmetic` (rates: changes, completions, shares)
and :mod:`xlplugin.engine.arithmetic_sums` (totals of parts, 其中 lists, changes that are the sum of
their parts' or reasons' changes, shares adding up to 100 %). Both speak :class:`Claim`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from xlplugin.core.intervals import Interval
from xlplugin.core.printed import Printing, judge_printed
from xlplugin.workbook.narrative import Quantity

__all__ = ["Claim", "PINYIN", "budget_clause", "not_actual", "ratio_claims", "sangong_part"]

#: pinyin some mirror sites print after characters: ``公務(wù)`` (never inside a real document's words)
PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
#: a fund's name that says 预算 without being a budget figure
_FUND = re.compile(r"(?:一般公共|政府性基金|国有资本经营|社会保险基金)预算")
#: words of a figure that is not this year's 决算 (a budget, last year's, a mean)
_NOT_ACTUAL = re.compile(r"预算|上年|去年|上一年|同期|年初|调整|计划|平均|人均|车均|均为|各")


@dataclass(frozen=True)
class Claim:
    """One arithmetic statement found and judged: ``printed`` is the figure it judges (its text and
    span in the paragraph's normalised text), ``computed`` what the other printed figures give.

    ``kind`` is ``change``, ``completion`` or ``share`` (a rate, in %), or ``sum`` (a total of
    listed amounts), ``composition`` (a whole and the parts its 其中 list names), ``reasons`` (a
    change and the changes its reasons state) or ``shares`` (the shares of a complete list adding
    up to 100 %), or ``difference`` (a change and the two levels printed with it). ``unit`` is
    how the printed and computed figures read (``%`` or ``万元``);
    ``signs`` gives each operand's sign in a sum (empty: all added). A span of ``(0, 0)`` is a
    figure read from an earlier paragraph."""

    kind: str
    printed: Quantity
    span: tuple[int, int]
    computed: Interval | None
    printing: Printing | None  # None: not judged (a zero base)
    operands: tuple[Quantity, ...]
    spans: tuple[tuple[int, int], ...]
    note: str = ""
    unit: str = "%"
    signs: tuple[int, ...] = ()


def budget_clause(clause: str) -> bool:
    """Whether ``clause`` (the words before a figure) makes the figure a budget, not the 决算."""
    return "预算" in _FUND.sub("", clause)


def not_actual(clause: str) -> bool:
    """Whether ``clause`` makes its figure something else than this year's 决算: a budget, last
    year's figure, a mean."""
    return bool(_NOT_ACTUAL.search(_FUND.sub("", clause)))


def sangong_part(label: str) -> str | None:
    """Which part of the “三公” total a label names: ``abroad`` (因公出国（境）费), ``vehicles``
    (公务用车购置及运行维护费), ``purchase``/``running`` (its two halves) or ``reception``
    (公务接待费); None for anything else."""
    label = PINYIN.sub("", label)
    if "因公出国" in label or "出国(境)" in label:
        return "abroad"
    if "公务接待" in label:
        return "reception"
    if "购置" in label and "运行" in label:  # 公务用车购置及运行维护费, or after 公务用车保有量 N 辆，购置及运行费
        return "vehicles"
    if "公务用车" in label or "公车" in label or "公务车" in label:
        return "purchase" if "购置" in label else "running" if "运行" in label else None
    return None


def ratio_claims(kind, printed, part, whole, operands, spans, zero) -> list[Claim]:
    """The claim that ``printed`` is ``part ÷ whole`` in percent, judged as written; a zero whole
    is reported with the note ``zero`` instead of divided by."""
    if whole.point == 0:
        if part.point == 0:
            return []  # nothing from nothing: whatever rate is written, no figure is wrong
        return [Claim(kind, printed, spans[-1], None, None, operands, spans, zero)]
    try:
        computed = part / whole * Interval.exact(Decimal(100))
    except ZeroDivisionError:  # the whole's rounding interval reaches zero
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
