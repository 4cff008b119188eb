"""The 增减变化 claim (claim_change): sentences that cannot be checked are skipped, the others still judged."""

import pytest

from tests.helpers import StubNarrativeContext as _Context
from tests.helpers import StubWhere as _Where
from xlplugin.core.errors import NotRunnable
from xlplugin.core.intervals import Verdict
from xlplugin.engine.kinds import claim_change
from xlplugin.packs.load import load_pack
from xlplugin.packs.resolve import find_pack


@pytest.fixture(scope="module")
def pack():
    return load_pack(find_pack("cq-2021"))


@pytest.fixture()
def change_rule(pack):
    params = {
        "template": "{科目:类}较上年{方向:方向}{金额:变动},{方向:方向2}{百分比:幅度}",
        "current": "公开05表[{类}].合计",
    }
    return claim_change.prepare(params, pack.layout, _Where())


def test_claim_change_keeps_the_sentences_it_could_check(change_rule):
    """A sentence whose row is missing is skipped; the wrong rate before it is still reported."""
    context = _Context(
        [
            "社会保障和就业支出较上年增加10万元，增长20%。",  # 10 ÷ 100 = 10%
            "一般公共服务支出较上年增加5万元，增长5%。",
        ]
    )
    outcomes = list(claim_change.check(change_rule, context))
    assert [(o.cell, o.verdict) for o in outcomes] == [("A1", Verdict.FAIL)]
    assert context.covered and set(context.covered) == {"A1"}


def test_claim_change_with_no_sentence_it_could_check_is_not_run(change_rule):
    with pytest.raises(NotRunnable, match="都无法核对"):
        list(claim_change.check(change_rule, _Context(["一般公共服务支出较上年增加5万元，增长5%。"])))
