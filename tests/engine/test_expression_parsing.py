"""Parsing rule expressions: characters that only look like digits, and the bound on operator chains."""

from __future__ import annotations

import pytest

from xlplugin.core.intervals import Verdict
from xlplugin.engine.expressions import MAX_OPERATORS, ExpressionError, evaluate, parse


@pytest.mark.parametrize("text", ["² == 1", "①+1 == 2", "1２ == 12"])
def test_characters_that_only_look_like_digits_are_an_expression_error(text):
    with pytest.raises(ExpressionError):
        parse(text)


def test_operator_chains_are_bounded_and_the_bound_is_usable():
    with pytest.raises(ExpressionError, match="运算符"):
        parse("1+" * (MAX_OPERATORS + 1) + "1 == 1")
    longest = parse("1+" * (MAX_OPERATORS - 1) + "1 == " + str(MAX_OPERATORS))
    assert evaluate(longest, lambda ref: None).verdict is Verdict.PASS
