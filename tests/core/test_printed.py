"""How a printed figure relates to the computed one: as written, explained by the inputs' rounding,
truncated, double rounded, or wrong — on figures real 情况说明 print."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlplugin.core.intervals import Interval
from xlplugin.core.printed import Printing, judge_printed


def ratio(part: str, whole: str, places: int = 2) -> Interval:
    """part / whole × 100 for two amounts printed with ``places`` decimals (so intervals)."""
    half = D(1).scaleb(-places) / 2
    a, b = D(part), D(whole)
    return Interval(a, a - half, a + half) / Interval(b, b - half, b + half) * Interval.exact(D(100))


@pytest.mark.parametrize(
    ("printed", "decimals", "computed", "expected"),
    [
        # 58.21 / 376.51 = 15.4604…%: right as written
        ("15.46", 2, ratio("58.21", "376.51"), Printing.AS_WRITTEN),
        # half-even rounding is also as written
        ("0.12", 2, Interval.exact(D("0.125")), Printing.AS_WRITTEN),
        # 38.2877 printed 38.28: cut, not rounded
        ("38.28", 2, Interval.exact(D("38.2877")), Printing.TRUNCATED),
        # 33.047 → 33.05 → 33.1
        ("33.1", 1, Interval.exact(D("33.047")), Printing.DOUBLE_ROUNDED),
        # 4.40 printed as 4.35: wrong
        ("4.35", 2, Interval.exact(D("4.40")), Printing.WRONG),
        # a rate from two small rounded amounts: 0.05 / 0.15 is anything from 0.045/0.155 to 0.055/0.145
        ("35", 0, ratio("0.05", "0.15"), Printing.INPUT_ROUNDING),
        # negative figures truncate toward zero
        ("-12.3", 1, Interval.exact(D("-12.38")), Printing.TRUNCATED),
    ],
)
def test_real_printings(printed, decimals, computed, expected):
    assert judge_printed(D(printed), decimals, computed) is expected


@given(
    st.decimals(min_value=-(10**6), max_value=10**6, places=6, allow_nan=False, allow_infinity=False), st.integers(0, 3)
)
def test_a_figure_rounded_half_up_is_always_as_written(value, decimals):
    printed = value.quantize(D(1).scaleb(-decimals), rounding="ROUND_HALF_UP")
    assert judge_printed(printed, decimals, Interval.exact(value)) is Printing.AS_WRITTEN


@given(st.decimals(min_value=0, max_value=10**4, places=4, allow_nan=False, allow_infinity=False))
def test_a_figure_one_unit_off_beyond_every_explanation_is_wrong(value):
    printed = value.quantize(D("0.01"), rounding="ROUND_HALF_UP") + D("0.05")
    assert judge_printed(printed, 2, Interval.exact(value)) is Printing.WRONG
