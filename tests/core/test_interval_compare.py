"""Comparing intervals: `!=` with a fixed tolerance."""

from __future__ import annotations

from decimal import Decimal as D

from xlplugin.core.amounts import Amount
from xlplugin.core.intervals import Interval, Verdict, compare


def iv(text: str) -> Interval:
    return Interval.of(Amount(D(text), 2))


def test_not_equal_respects_a_fixed_tolerance():
    assert compare(iv("1.00"), "!=", iv("1.01"), D("0.01")) is Verdict.FAIL
    assert compare(iv("1.00"), "!=", iv("1.02"), D("0.01")) is Verdict.PASS
    assert compare(iv("1.00"), "!=", iv("1.01")) is Verdict.PASS
