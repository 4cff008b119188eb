"""The 原因合计 claim (claim_reasons): which amounts are a change's reasons, how they are summed and
reported, and what its template must contain."""

from decimal import Decimal

import pytest

from tests.helpers import StubNarrativeContext as _Context
from tests.helpers import StubWhere as _Where
from xlplugin.core.intervals import Verdict
from xlplugin.packs.load import load_pack
from xlplugin.packs.resolve import find_pack


def _reasons_rule(**extra):
    from xlplugin.engine.kinds import claim_reasons

    params = {"template": "较[上年决算数|上年|年初预算数]{方向:方向}{金额:变动}", **extra}
    return claim_reasons, claim_reasons.prepare(params, load_pack(find_pack("cq-2021")).layout, _Where())


def test_reasons_in_the_next_sentence_belong_to_the_change_before_them():
    kind, rule = _reasons_rule()
    context = _Context(
        [
            "收入较上年决算数增加100万元，增长10%。主要原因一是甲增加60万元；二是乙增加30万元。"
            "较年初预算数增加20万元，主要原因是中途追加。"
        ]
    )
    outcomes = list(kind.check(rule, context))
    assert [(o.cell, o.verdict, o.expected, o.actual) for o in outcomes] == [
        ("A1", Verdict.FAIL, Decimal("90"), Decimal("100"))
    ]
    assert outcomes[0].details["reasons"] == "增加 60万元、增加 30万元"
    assert [o.ref for o in outcomes[0].operands][-2:] == ["原因1", "原因2"]


def test_reasons_further_away_or_after_another_change_are_not_taken():
    kind, rule = _reasons_rule()
    assert (
        list(kind.check(rule, _Context(["较上年减少50万元。另有说明。主要原因一是甲减少20万元；二是乙减少20万元。"])))
        == []
    )
    # the second change's reasons are not the first one's
    context = _Context(["较上年增加10万元，较年初预算数增加30万元，主要原因一是甲增加20万元；二是乙增加10万元。"])
    assert list(kind.check(rule, context)) == []


def test_one_reason_is_not_a_breakdown_unless_the_rule_says_so():
    text = ["较上年增加100万元，主要原因是甲增加60万元。"]
    kind, rule = _reasons_rule()
    assert list(kind.check(rule, _Context(text))) == []
    kind, rule = _reasons_rule(min_reasons=1)
    assert [o.verdict for o in kind.check(rule, _Context(text))] == [Verdict.FAIL]


@pytest.mark.parametrize(
    "text, verdicts",
    [
        # the change is the sum rounded as printed: right; only the amounts' own rounding explains it: 提示
        ("较上年增加100万元，主要原因一是甲增加60.45万元；二是乙增加39.6万元。", []),
        ("较上年增加100.05万元，主要原因一是甲增加60.4万元；二是乙增加39.6万元。", [Verdict.ROUNDING]),
        ("较上年减少100万元，主要原因一是甲减少60万元；二是乙减少30万元。", [Verdict.FAIL]),
        ("较上年减少100万元，主要原因一是甲减少了60万元；二是乙减少40万元。", []),
        # a 其中 clause breaks an item down and is not counted again
        (
            "较上年减少200万元，主要原因一是基本支出减少150万元，其中人员经费减少100万元、公用经费减少50万元；二是项目支出减少50万元。",
            [],
        ),
        # the reasons end with the sentence, also at ！
        ("较上年减少100万元，主要原因一是甲减少60万元；二是乙减少40万元！另外丙增加30万元。", []),
    ],
)
def test_reasons_are_summed_as_printed(text, verdicts):
    kind, rule = _reasons_rule()
    assert [o.verdict for o in kind.check(rule, _Context([text]))] == verdicts


@pytest.mark.parametrize(
    "text",
    [
        # two changes in one sentence: each has its own reasons
        "收入较上年减少100万元，主要原因是甲减少50万元，乙减少50万元，支出较上年减少100万元，主要原因是丙减少60万元、丁减少40万元。",
        # the reasons explain another figure (a sub-item, or a figure the templates do not know)
        "收入较上年减少200万元，其中财政拨款收入增加50万元，主要原因是甲增加30万元，乙增加20万元。",
        "结转较上年减少200万元。财政拨款收入800万元，增加50万元，主要原因是甲增加30万元，乙增加20万元。",
        # amounts that cannot be signed for sure: approximate, 分别, negated
        "较上年减少100万元，主要原因一是甲减少约20万元；二是乙减少40万元；三是丙减少30万元。",
        "较上年增加50万元，主要原因是甲、乙分别增加30万元、20万元，丙增加5万元，丁增加5万元。",
        "较上年减少100万元，主要原因一是甲未减少40万元；二是乙减少40万元；三是丙减少60万元。",
    ],
)
def test_reasons_that_do_not_break_this_change_down_are_not_judged(text):
    kind, rule = _reasons_rule()
    assert list(kind.check(rule, _Context([text]))) == []


def test_a_reported_sum_reads_like_the_sentence():
    kind, rule = _reasons_rule()
    context = _Context(["较上年减少100万元，主要原因一是甲减少60万元；二是乙减少30万元。"])
    (result,) = kind.check(rule, context)
    assert result.details["listed"] == "减少 90.00 万元" and result.details["change"] == "减少 100万元"
    assert result.details["reasons"] == "减少 60万元、减少 30万元"
    assert len(context.covered) == 3  # the change and both reasons count as checked


@pytest.mark.parametrize(
    "template",
    [
        "较上年{金额:变动}",
        "较上年{方向:方向}{百分比:变动}",
        ["较上年{方向:方向}{金额:变动}", "较年初预算{方向:方向}{数:变动}"],
    ],
)
def test_a_reasons_template_needs_direction_and_a_money_change_in_every_wording(template):
    from xlplugin.engine.kinds import claim_reasons

    with pytest.raises(ValueError, match="bad-template"):
        claim_reasons.prepare({"template": template}, load_pack(find_pack("cq-2021")).layout, _Where())
