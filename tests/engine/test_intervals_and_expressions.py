"""Interval arithmetic and the expression language: exact, honest about rounding, never eval."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlplugin.core.amounts import Amount
from xlplugin.core.errors import NotRunnable
from xlplugin.core.intervals import Interval, Verdict, compare, total
from xlplugin.engine.expressions import ExpressionError, Ref, evaluate, parse, refs_of, value_of


def iv(text, decimals=2):
    return Interval.of(Amount(D(text), decimals))


def test_sum_of_rounded_parts_against_rounded_total():
    parts = [iv("5557.64"), iv("3039.92"), iv("400.00"), iv("659.60"), iv("96.98"), iv("35.00"), iv("120.00")]
    assert total(parts).point == D("9909.14")
    assert compare(iv("9909.15"), "==", total(parts)) is Verdict.ROUNDING
    assert compare(iv("9909.25"), "==", total(parts)) is Verdict.FAIL  # 0.11 > 8 × 0.005
    assert compare(iv("9909.14"), "==", total(parts)) is Verdict.PASS


def test_tolerance_modes():
    assert compare(iv("10.01"), "==", iv("10.00"), D(0)) is Verdict.FAIL
    assert compare(iv("10.01"), "==", iv("10.00"), D("0.01")) is Verdict.PASS
    assert compare(iv("10.02"), "<=", iv("10.00"), D("0.01")) is Verdict.FAIL


def test_inequalities_and_counts():
    assert compare(iv("10.00"), "<=", iv("10.01")) is Verdict.PASS
    assert compare(iv("10.01"), "<=", iv("10.00")) is Verdict.ROUNDING
    assert compare(iv("10.02"), "<=", iv("10.00")) is Verdict.FAIL
    count = Interval.of(Amount(D(2), 0, exact=True))
    assert compare(count, "==", Interval.of(Amount(D(1), 0, exact=True))) is Verdict.FAIL
    assert compare(Interval.exact(D(0)), ">", Interval.exact(D(0))) is Verdict.FAIL


def test_per_capita_figure_judged_from_printed_precision():
    # 公务接待费 2.78 万元 over 288 人次: the printed 96.52 元 is consistent (exact 96.527…)
    per_head = iv("2.78") * Interval.exact(D(10000)) / Interval.of(Amount(D(288), 0, exact=True))
    assert compare(iv("96.52"), "==", per_head) is Verdict.ROUNDING
    assert compare(iv("97.52"), "==", per_head) is Verdict.FAIL


@given(st.lists(st.decimals(min_value=0, max_value=100000, places=2), min_size=1, max_size=30))
def test_correctly_rounded_totals_are_never_failures(values):
    """Round true values to cents; the printed total never FAILs against its printed parts."""
    true_values = [v + D("0.004") for v in values]  # each part's true value within its interval
    printed_total = sum(true_values).quantize(D("0.01"))
    parts = [iv(str(v)) for v in values]
    assert compare(iv(str(printed_total)), "==", total(parts)) in (Verdict.PASS, Verdict.ROUNDING)


def test_parse_references():
    tree = parse("公开01表[收入/总计].决算数 == 公开01表[支出/总计].决算数")
    assert refs_of(tree) == [Ref("公开01表", "总计", "决算数", "收入"), Ref("公开01表", "总计", "决算数", "支出")]
    assert str(refs_of(parse("公开06表[人员经费合计] > 0"))[0]) == "公开06表[人员经费合计]"
    assert refs_of(parse("公开09表[国（境）外接待费].决算数 = 0"))[0].row == "国（境）外接待费"


def test_evaluation_with_functions_and_logic():
    values = {"a": iv("1.00"), "b": iv("2.00"), "c": iv("-3.00")}

    def resolve(ref):
        return values[ref.row]

    assert value_of(parse("sum(T[a].x, T[b].x, 1)"), resolve).point == D("4.00")
    assert value_of(parse("abs(T[c].x) - max(T[a].x, T[b].x)"), resolve).point == D("1.00")
    assert evaluate(parse("T[a].x + T[b].x == 3 and not T[c].x > 0"), resolve).verdict is Verdict.PASS
    assert evaluate(parse("T[a].x == 2 or T[b].x == 2"), resolve).verdict is Verdict.PASS
    result = evaluate(parse("T[a].x == 2 and T[b].x == 2"), resolve)
    assert result.verdict is Verdict.FAIL and result.left.point == D("1.00") and result.right.point == 2
    with pytest.raises(NotRunnable):
        value_of(parse("T[a].x / 0"), resolve)


@pytest.mark.parametrize(
    "text, position",
    [
        ("1 +", 3),
        ("公开01表[收入", 5),
        ("__import__('os')", 11),
        ("open(1)", 0),
        ("T[a].x == 1 2", 12),
        ("T[a].x ; 1", 7),
        ("(" * 100 + "1" + ")" * 100, None),
        ("T[]. x", 1),
    ],
)
def test_syntax_errors_are_positioned_and_nothing_is_executed(text, position):
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    if position is not None:
        assert caught.value.position == position


def test_size_limit():
    with pytest.raises(ExpressionError):
        parse("1 + " * 2000 + "1")
