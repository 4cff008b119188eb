"""Number parsing: every way departments write amounts, and nothing else."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlplugin.core.amounts import Amount, NumberFormatError, is_dash, normalize_text, parse_number

FULL_WIDTH = str.maketrans("0123456789.,-()%", "０１２３４５６７８９．，－（）％")


@pytest.mark.parametrize(
    "raw, value, decimals",
    [
        ("9,909.15", "9909.15", 2),
        ("9909.15", "9909.15", 2),
        ("（12.30）", "-12.30", 2),
        ("(12.30)", "-12.30", 2),
        ("-12.3", "-12.3", 1),
        ("−12.3", "-12.3", 1),
        ("９，９０９．１５", "9909.15", 2),
        (" 1 217.20 ", "1217.20", 2),
        ("155", "155", 0),
        (".5", "0.5", 1),
        ("+3", "3", 0),
        (208, "208", 0),
        (9909.15, "9909.15", 2),
        (0.1 + 0.2, "0.30000000000000004", 17),
        (Decimal("1.50"), "1.50", 2),
    ],
)
def test_accepted_forms(raw, value, decimals):
    amount = parse_number(raw)
    assert amount.value == Decimal(value)
    assert amount.decimals == decimals
    assert not amount.percent


def test_percent():
    assert parse_number("57%") == Amount(Decimal("57"), 0, True)
    assert parse_number("１００％") == Amount(Decimal("100"), 0, True)
    assert parse_number("-0.6%") == Amount(Decimal("-0.6"), 1, True)


@pytest.mark.parametrize("raw", [None, "", "   ", "—", "-", "——", "–", "－", "/", "\u3000"])
def test_no_value_marks(raw):
    assert parse_number(raw) is None


@pytest.mark.parametrize(
    "raw",
    [
        "%",
        "()",
        "(%)",
        "+",
        "约100",
        "1,23",
        "12.3.4",
        "1,2345.00",
        "((1))",
        "-(1)",
        "1e5",
        "NaN",
        "inf",
        "12.30万元",
        "x" * 100,
        True,
        float("nan"),
    ],
)
def test_rejected_forms(raw):
    with pytest.raises(NumberFormatError):
        parse_number(raw)


def test_stated_precision_overrides_written():
    assert parse_number("155", decimals=2) == Amount(Decimal("155"), 2)
    assert parse_number(1217.2, decimals=2).decimals == 2


def test_interval_is_half_a_unit_of_the_stated_place():
    assert Amount(Decimal("9909.15"), 2).interval() == (Decimal("9909.145"), Decimal("9909.155"))
    assert Amount(Decimal("57"), 0, True).interval() == (Decimal("56.5"), Decimal("57.5"))
    assert str(Amount(Decimal("1217.2"), 2)) == "1217.20"


def test_normalize_and_dash():
    assert normalize_text("功能分类科 目编码") == "功能分类科目编码"
    assert normalize_text("（一）\u3000支出合计") == "(一)支出合计"
    assert is_dash("—") and is_dash(" - ") and not is_dash("0") and not is_dash(None)


def _written(value: Decimal, thousands: bool) -> str:
    text = f"{abs(value):,.2f}" if thousands else f"{abs(value):.2f}"
    return text


money = st.decimals(
    min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"), places=2, allow_nan=False, allow_infinity=False
)


@given(value=money, thousands=st.booleans(), brackets=st.booleans(), full_width=st.booleans(), spaces=st.booleans())
def test_round_trip_of_every_written_form(value, thousands, brackets, full_width, spaces):
    text = _written(value, thousands)
    if value < 0:
        text = f"({text})" if brackets else f"-{text}"
    if full_width:
        text = text.translate(FULL_WIDTH)
    if spaces:
        text = f" {text}\u3000"
    amount = parse_number(text)
    assert amount.value == value
    assert amount.decimals == 2


@given(value=money)
def test_float_cells_keep_their_shortest_decimal(value):
    amount = parse_number(float(value), decimals=2)
    assert amount.value == Decimal(repr(float(value)))
    assert abs(amount.value - value) < Decimal("0.000001")


@given(st.text(max_size=40))
def test_any_text_is_a_number_nothing_or_a_clear_error(text):
    try:
        result = parse_number(text)
    except NumberFormatError as error:
        assert error.text
        return
    assert result is None or isinstance(result.value, Decimal)
