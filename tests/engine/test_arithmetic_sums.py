"""Totals the narrative states about itself: each shape right and wrong, the lists that must not be
judged, zero wholes, mixed units, and totals that legitimately differ (sentences written for these
tests in the style of real 情况说明, not taken from the corpus)."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from xlplugin.core.findings import INFO, WARNING
from xlplugin.core.printed import Printing
from xlplugin.engine.arithmetic import read_claims
from xlplugin.engine.builtin_narrative import arithmetic_findings
from xlplugin.workbook.narrative import Paragraph

TOTALS = {"sum", "composition", "reasons", "shares"}
OK = (Printing.AS_WRITTEN, Printing.INPUT_ROUNDING)


def claims(*texts: str):
    paragraphs = [Paragraph("情况说明", f"A{i + 1}", text) for i, text in enumerate(texts)]
    return read_claims(paragraphs[-1], paragraphs[:-1])


def totals(*texts: str) -> dict[str, Printing | None]:
    """Printed total → verdict, for the claims about totals."""
    return {c.printed.text: c.printing for c in claims(*texts) if c.kind in TOTALS}


SANGONG = (
    "本单位2022年度“三公”经费支出决算为21.34万元，较上年减少0.8万元。其中：因公出国（境）费支出决算为0万元；"
    "公务用车购置及运行维护费支出决算为15.2万元，较上年增加0.5万元；公务接待费支出决算为{reception}万元，较上年减少1.3万元。"
)


def test_the_sangong_total_is_its_three_parts_and_its_change_theirs():
    # no change printed for 出国: the others' changes are confirmed (−0.8 = 0.5 − 1.3), never faulted
    assert totals(SANGONG.format(reception="6.14")) == {
        "21.34万元": Printing.AS_WRITTEN,
        "0.8万元": Printing.AS_WRITTEN,
    }
    assert totals(SANGONG.format(reception="6.14").replace("减少0.8万元", "减少0.9万元")) == {
        "21.34万元": Printing.AS_WRITTEN
    }
    found = totals(SANGONG.format(reception="6.14").replace("支出决算为0万元；", "支出决算为0万元，较上年增加0万元；"))
    assert found == {"21.34万元": Printing.AS_WRITTEN, "0.8万元": Printing.AS_WRITTEN}  # −0.8 = 0 + 0.5 − 1.3
    assert totals(SANGONG.format(reception="6.41"))["21.34万元"] is Printing.WRONG


def test_budget_and_actual_totals_are_each_judged_against_their_own_parts():
    text = (
        "2023年度“三公”经费财政拨款支出预算为40万元，支出决算为31.5万元。其中：因公出国（境）费支出预算为5万元，支出决算为4.5万元；"
        "公务用车购置及运行维护费支出预算为25万元，支出决算为20万元；公务接待费支出预算为10万元，支出决算为7万元。"
    )
    assert totals(text) == {"40万元": Printing.AS_WRITTEN, "31.5万元": Printing.AS_WRITTEN}
    assert totals(text.replace("支出决算为7万元", "支出决算为9万元")) == {
        "40万元": Printing.AS_WRITTEN,
        "31.5万元": Printing.WRONG,  # 4.5 + 20 + 9 = 33.5
    }


def test_the_vehicles_figure_is_purchase_plus_running():
    text = "公务用车购置及运行维护费支出15.2万元，其中：公务用车购置费0万元，公务用车运行维护费{running}万元。"
    assert totals(text.format(running="15.2")) == {"15.2万元": Printing.AS_WRITTEN}
    assert totals(text.format(running="12.5")) == {"15.2万元": Printing.WRONG}  # short: 购置 + 运行 is complete


def test_a_qizhong_list_short_of_its_whole_may_be_partial_but_may_not_exceed_it():
    assert totals("本年支出合计800万元，其中：工资福利支出300万元，商品和服务支出200万元。") == {}
    assert totals("本年支出合计400万元，其中：工资福利支出300万元，商品和服务支出200万元。") == {
        "400万元": Printing.WRONG
    }
    assert totals("本年支出合计500万元，其中：工资福利支出300万元，商品和服务支出200万元。") == {
        "500万元": Printing.AS_WRITTEN
    }
    assert totals("本年支出合计800万元，分别为：工资福利支出300万元，商品和服务支出200万元。") == {
        "800万元": Printing.WRONG  # 分别 closes the list
    }


def test_open_lists_are_not_judged():
    assert totals("一般公共预算财政拨款支出500万元，主要用于：教育支出200万元，卫生健康支出400万元等。") == {}
    assert totals("项目支出300万元，主要用于设备购置120万元、信息化建设260万元。") == {}


def test_shares_of_a_complete_list_add_up_to_100():
    text = "2022年度“三公”经费支出决算中，因公出国（境）费支出0万元，占0%；公务用车购置及运行维护费支出12万元，占{car}%；公务接待费支出8万元，占40%。"
    assert totals(text.format(car="60"))["100%"] is Printing.AS_WRITTEN
    assert totals(text.format(car="65"))["100%"] is Printing.WRONG


def test_shares_of_a_zero_whole_are_reported_not_summed():
    text = "因公出国（境）费支出0万元，占0%；公务用车购置及运行维护费支出0万元，占0%；公务接待费支出0万元，占0%。"
    (zero,) = [c for c in claims(text) if c.kind == "shares"]
    assert zero.printing is None and "为零" in zero.note


def test_shares_that_add_up_make_the_listed_amounts_the_whole():
    found = {c.printed.text: c.printing for c in claims("会议费支出1万元，占33.33%；培训费支出2万元，占66.66%。")}
    assert found["66.66%"] is Printing.TRUNCATED  # 2 ÷ 3 = 66.667%
    swapped = {c.printed.text: c.printing for c in claims("会议费支出1万元，占70%；培训费支出2.33万元，占30%。")}
    assert swapped["70%"] is Printing.WRONG and swapped["30%"] is Printing.WRONG


def test_mixed_units_are_converted_not_compared_raw():
    text = "“三公”经费支出决算为1.52万元。其中：因公出国（境）费0元，公务用车购置及运行维护费8,000.00元，公务接待费7,200.00元。"
    assert totals(text) == {"1.52万元": Printing.AS_WRITTEN}
    added = "全年一般公共预算收入12.35亿元，加上级补助收入3.1亿元，调入资金500万元，收入合计{total}亿元。"
    assert totals(added.format(total="15.5")) == {"15.5亿元": Printing.AS_WRITTEN}
    assert totals(added.format(total="15.7")) == {"15.7亿元": Printing.WRONG}


def test_totals_that_legitimately_differ_are_never_equated():
    text = (
        "2022年度收入总计1,250.60万元，其中：本年收入合计1,100.60万元，年初结转和结余150万元。"
        "支出总计1,250.60万元，其中：本年支出合计1,180.20万元，年末结转和结余70.40万元。"
    )
    assert totals(text) == {"1,250.60万元": Printing.AS_WRITTEN}  # both 总计 (one figure text), each right
    assert len([c for c in claims(text) if c.kind in TOTALS]) == 2
    assert totals("年初结转和结余150万元，本年收入合计100万元，本年支出合计180.2万元。") == {}
    wrong = "收入总计1,250.60万元，其中：本年收入合计1,100.60万元，年初结转和结余140万元。"
    assert totals(wrong) == {"1,250.60万元": Printing.WRONG}  # 合计 + 结转结余 is the whole


def test_a_change_is_the_sum_of_its_reasons_when_they_net_out():
    text = "本年支出较上年减少100万元，主要原因一是人员经费减少50万元；二是项目支出增加20万元；三是设备购置减少{last}万元。"
    assert totals(text.format(last="70")) == {"100万元": Printing.AS_WRITTEN}
    assert totals(text.format(last="60")) == {"100万元": Printing.WRONG}
    # main reasons only, all one way: a partial list is confirmed when it adds up, never faulted
    assert totals("本年支出较上年增加100万元，主要原因是人员经费增加50万元，专项业务费增加30万元。") == {}


def test_a_balance_is_income_less_spending():
    text = "收入合计120.5万元，支出合计100.3万元，年终结余{rest}万元。"
    assert totals(text.format(rest="20.2")) == {"20.2万元": Printing.AS_WRITTEN}
    assert totals(text.format(rest="22.2")) == {"20.2万元": Printing.WRONG} or totals(text.format(rest="22.2")) == {
        "22.2万元": Printing.WRONG
    }


def _findings(*texts):
    paragraphs = [Paragraph("情况说明", f"A{i + 1}", text) for i, text in enumerate(texts)]
    covered = []
    context = SimpleNamespace(
        paragraphs=paragraphs, skipped_cells=set(), covered={}, cover=lambda p, span: covered.append(span)
    )
    return arithmetic_findings(context), covered


def test_findings_say_which_figure_to_fix_and_to_what():
    text = "2016年三公经费预算拨入57.55万元。其中：公务接待费预算12.5万元，公务车辆运行费预算45.2万元。"
    (finding,), covered = _findings(text)
    assert finding.severity == WARNING and finding.column == "构成"
    assert "合计写为 57.55万元：按所列各项 12.5万元+45.2万元 应为 57.70万元" in finding.message
    assert finding.expected == Decimal("57.7000") and finding.actual == Decimal("57.55")
    assert len(covered) == 3  # the total and both parts count as checked
    found, _ = _findings(
        "因公出国（境）费支出0万元，占0%；公务用车购置及运行维护费支出4万元，占90%；公务接待费支出6万元，占40%。"
    )
    (shares,) = [f for f in found if f.column == "占比合计"]
    assert "之和为 130%" in shares.message and "应为 100%" in shares.message
    assert {f.actual for f in found if f.column == "占比"} == {Decimal(90), Decimal(40)}  # each share of 10万元
    (zero,), _ = _findings("因公出国（境）费0万元，占0%；公务用车购置及运行维护费0万元，占0%；公务接待费0万元，占0%。")
    assert zero.severity == INFO and "为零" in zero.message


@pytest.mark.parametrize(
    "text",
    [
        "本单位共有车辆2辆，车均运行维护费3万元，人均接待费96.52元。",  # per-head figures are no parts
        "上级补助收入113566万元（其中：抗疫特别国债7691万元），收入合计113566万元。",  # a part inside parentheses
    ],
)
def test_what_it_never_faults(text):
    assert all(c.printing is not Printing.WRONG for c in claims(text) if c.kind in TOTALS)
