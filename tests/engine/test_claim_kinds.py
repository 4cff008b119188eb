"""What the claim kinds share (claimbase): a quoted 亿元 figure compared with a computed amount, and
slot types checked in every wording of a template."""

from decimal import Decimal

import pytest

from tests.helpers import StubWhere as _Where
from xlplugin.core.intervals import Interval, Verdict
from xlplugin.engine.kinds.claimbase import quoted_compare
from xlplugin.packs.load import load_pack
from xlplugin.packs.resolve import find_pack
from xlplugin.workbook.narrative import quantity


@pytest.mark.parametrize(
    "quoted, computed, verdict",
    [
        (("1.52", "亿元"), Decimal("15234.56"), Verdict.PASS),  # 1.523456 亿元 rounds to 1.52
        (("1.5", "亿元"), Decimal("15234.56"), Verdict.PASS),
        (("1.53", "亿元"), Decimal("15234.56"), Verdict.FAIL),  # 1.5235 亿元 would have to be 1.52
        (("2", "亿元"), Decimal("15234.56"), Verdict.PASS),
        (("1", "亿元"), Decimal("15234.56"), Verdict.FAIL),
    ],
)
def test_quoted_yi_yuan_figures(quoted, computed, verdict):
    assert quoted_compare(quantity(*quoted), Interval.exact(computed)) is verdict


@pytest.mark.parametrize(
    "kind_name, params, code",
    [
        # an optional slot with the wrong type in one wording only
        (
            "claim_change",
            {
                "template": [
                    "{科目:类}较上年{方向:方向}{金额:变动}。",
                    "{科目:类}较上年{方向:方向}{金额:变动},{方向:方向2}{文字:幅度}",
                ],
                "current": "公开05表[{类}].合计",
            },
            "bad-template",
        ),
        (
            "claim_change",
            {
                "template": ["较上年{文字:方向}{金额:变动}", "较上年{方向:方向}{金额:变动}"],
                "current": "公开05表[合计].合计",
            },
            "bad-template",
        ),
        # a slot a check computes with is text in one wording
        (
            "claim",
            {"template": ["培训费支出{金额:值}", "培训费{文字:值}"], "checks": ["{值} == 公开09表[培训费].决算数"]},
            "text-slot",
        ),
    ],
)
def test_slot_types_are_checked_in_every_wording(kind_name, params, code):
    import importlib

    kind = importlib.import_module(f"xlplugin.engine.kinds.{kind_name}")
    with pytest.raises(ValueError, match=code):
        kind.prepare(params, load_pack(find_pack("cq-2021")).layout, _Where())
