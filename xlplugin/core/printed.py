"""Is a printed figure the computed one, as written? And if not, how was it most likely produced?

A figure in a 情况说明 is printed to some precision (``15.46%``, ``33.1%``, ``2343.3 万元``). It is
right *as written* when it is the computed value rounded to that precision. Real documents also
print figures that are not wrong in substance but made the wrong way, and a reader should be told
which:

- **truncated**: the digits were cut instead of rounded (38.28 for 38.2877);
- **double rounded**: rounded in two steps (33.047 → 33.05 → 33.1);
- **rounding of the inputs**: the computed value comes from rounded amounts, so it is an interval;
  the printed figure is right for some inputs inside their rounding (a 提示, not an error);
- **wrong**: none of these explain it.

:func:`judge_printed` decides; it is pure arithmetic on ``Decimal`` and :class:`Interval`, used by the
narrative rules. :func:`judge_total` is its analogue for a printed total of printed amounts (a sum
is never truncated or rounded twice: it is right, right within the rounding of its parts, or wrong).
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from enum import Enum

from xlplugin.core.intervals import Interval

__all__ = ["Printing", "judge_printed", "judge_total", "PRINTING_NOTES"]

#: how many extra places a first rounding step may have kept (33.047 → 33.05 → 33.1 is one)
_DOUBLE_ROUNDING_STEPS = 3


class Printing(Enum):
    AS_WRITTEN = "as_written"
    INPUT_ROUNDING = "input_rounding"
    TRUNCATED = "truncated"
    DOUBLE_ROUNDED = "double_rounded"
    WRONG = "wrong"


#: what a finding says about a figure printed the wrong way (Chinese, for people)
PRINTING_NOTES = {
    Printing.TRUNCATED: "所写数字是截断而非四舍五入的结果",
    Printing.DOUBLE_ROUNDED: "所写数字经过两次舍入（先保留更多位再四舍五入）",
}


def _step(decimals: int) -> Decimal:
    return Decimal(1).scaleb(-decimals)


def judge_printed(printed: Decimal, decimals: int, computed: Interval) -> Printing:
    """How ``printed`` (written with ``decimals`` places) relates to ``computed``.

    >>> from decimal import Decimal as D
    >>> judge_printed(D("15.46"), 2, Interval.exact(D("15.4604")))
    <Printing.AS_WRITTEN: 'as_written'>
    >>> judge_printed(D("38.28"), 2, Interval.exact(D("38.2877")))
    <Printing.TRUNCATED: 'truncated'>
    >>> judge_printed(D("33.1"), 1, Interval.exact(D("33.047")))
    <Printing.DOUBLE_ROUNDED: 'double_rounded'>
    >>> judge_printed(D("4.35"), 2, Interval.exact(D("4.40")))
    <Printing.WRONG: 'wrong'>
    """
    step = _step(decimals)
    point = computed.point
    if any(point.quantize(step, rounding=mode) == printed for mode in (ROUND_HALF_UP, ROUND_HALF_EVEN)):
        return Printing.AS_WRITTEN
    # a way of printing that reproduces the figure exactly from the printed inputs is the likelier
    # story than "some inputs inside their rounding would give it"
    if point.quantize(step, rounding=ROUND_DOWN) == printed:
        return Printing.TRUNCATED
    for extra in range(1, _DOUBLE_ROUNDING_STEPS + 1):
        first = point.quantize(_step(decimals + extra), rounding=ROUND_HALF_UP)
        if first.quantize(step, rounding=ROUND_HALF_UP) == printed:
            return Printing.DOUBLE_ROUNDED
    half = step / 2
    if Interval(printed, printed - half, printed + half).intersects(computed):
        return Printing.INPUT_ROUNDING
    return Printing.WRONG


def judge_total(printed: Decimal, decimals: int, computed: Interval) -> Printing:
    """How a printed total (``decimals`` places; negative for 亿元 in 万元) relates to the sum of
    its printed parts ``computed``: the sum rounded to the total's precision (as written), a sum
    some true values of the parts inside their rounding would give (input rounding), or wrong.

    >>> from decimal import Decimal as D
    >>> judge_total(D("57.7"), 1, Interval(D("57.70"), D("57.69"), D("57.71")))
    <Printing.AS_WRITTEN: 'as_written'>
    >>> judge_total(D("1000.86"), 2, Interval(D("1000.87"), D("1000.84"), D("1000.90")))
    <Printing.INPUT_ROUNDING: 'input_rounding'>
    >>> judge_total(D("57.55"), 2, Interval(D("57.7"), D("57.6"), D("57.8")))
    <Printing.WRONG: 'wrong'>
    """
    step = _step(decimals)
    if any(computed.point.quantize(step, rounding=mode) == printed for mode in (ROUND_HALF_UP, ROUND_HALF_EVEN)):
        return Printing.AS_WRITTEN
    half = step / 2
    if Interval(printed, printed - half, printed + half).intersects(computed):
        return Printing.INPUT_ROUNDING
    return Printing.WRONG
