"""Interval arithmetic over printed figures (XBRL Calculations 1.1, round-to-nearest).

A figure printed to ``d`` decimals stands for every true value within half a unit of its last place:
``9,909.15`` is ``[9909.145, 9909.155]``. Sums and differences of such figures carry the sum of
the radii; a relation between two sides *holds exactly* when the printed values satisfy it, is
*explained by rounding* when some choice of true values inside the intervals satisfies it, and
*fails* otherwise. :class:`Interval` keeps the printed (point) value and the bounds together, so one
evaluation answers all three questions.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum

from xlplugin.core.amounts import Amount

ZERO = Decimal(0)


class Verdict(IntEnum):
    """Outcome of a relation, ordered worst first so that ``min`` is "and" and ``max`` is "or"."""

    FAIL = 0
    ROUNDING = 1
    PASS = 2


@dataclass(frozen=True, slots=True)
class Interval:
    """A printed value ``point`` and the closed range ``[low, high]`` of true values it allows."""

    point: Decimal
    low: Decimal
    high: Decimal

    @classmethod
    def exact(cls, value: Decimal) -> Interval:
        return cls(value, value, value)

    @classmethod
    def of(cls, amount: Amount) -> Interval:
        low, high = amount.interval()
        return cls(amount.value, low, high)

    @property
    def radius(self) -> Decimal:
        return (self.high - self.low) / 2

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.point + other.point, self.low + other.low, self.high + other.high)

    def __sub__(self, other: Interval) -> Interval:
        return Interval(self.point - other.point, self.low - other.high, self.high - other.low)

    def __neg__(self) -> Interval:
        return Interval(-self.point, -self.high, -self.low)

    def __mul__(self, other: Interval) -> Interval:
        products = [self.low * other.low, self.low * other.high, self.high * other.low, self.high * other.high]
        return Interval(self.point * other.point, min(products), max(products))

    def __truediv__(self, other: Interval) -> Interval:
        if other.low <= ZERO <= other.high:
            raise ZeroDivisionError("divisor interval contains zero")
        quotients = [self.low / other.low, self.low / other.high, self.high / other.low, self.high / other.high]
        return Interval(self.point / other.point, min(quotients), max(quotients))

    def intersects(self, other: Interval) -> bool:
        return self.low <= other.high and other.low <= self.high


def total(intervals) -> Interval:
    """Sum of intervals (``Interval.exact(0)`` for none)."""
    result = Interval.exact(ZERO)
    for interval in intervals:
        result = result + interval
    return result


def compare(left: Interval, op: str, right: Interval, tolerance: Decimal | None = None) -> Verdict:
    """Judge ``left op right``.

    ``tolerance=None`` is the rounding policy (intervals); a Decimal is a fixed absolute tolerance
    (``0`` = strict) — then "explained by rounding" never applies: within tolerance passes, beyond fails.
    """
    if op in ("==", "="):
        if left.point == right.point:
            return Verdict.PASS
        if tolerance is not None:
            return Verdict.PASS if abs(left.point - right.point) <= tolerance else Verdict.FAIL
        return Verdict.ROUNDING if left.intersects(right) else Verdict.FAIL
    if op == "!=":
        if tolerance is not None:
            return Verdict.PASS if abs(left.point - right.point) > tolerance else Verdict.FAIL
        return Verdict.PASS if left.point != right.point else Verdict.FAIL
    strict = op in ("<", ">")
    if op in (">", ">="):
        left, right = right, left
    holds = left.point < right.point if strict else left.point <= right.point
    if holds:
        return Verdict.PASS
    if tolerance is not None:
        return Verdict.PASS if left.point - right.point <= tolerance and not strict else Verdict.FAIL
    possible = left.low < right.high if strict else left.low <= right.high
    return Verdict.ROUNDING if possible else Verdict.FAIL
