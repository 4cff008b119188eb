"""The sentence shapes the arithmetic reader learnt to generalise: shares of a named whole and paired
lists, changes whose figures stand apart, 亿元 statistics, pinyin glosses and bounds — each read when
its shape is unambiguous, and left alone when it is not."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xlplugin.core.printed import Printing
from xlplugin.engine.arithmetic import read_claims
from xlplugin.workbook.narrative import Paragraph, find_quantities


def claims(*texts: str):
    paragraphs = [Paragraph("情况说明", f"A{i + 1}", text) for i, text in enumerate(texts)]
    return read_claims(paragraphs[-1], paragraphs[:-1])


def judged(*texts: str) -> set[tuple[str, str, Printing | None]]:
    return {(c.kind, c.printed.text, c.printing) for c in claims(*texts)}


# ---------------------------------------------------------------------------------------------
# reading figures


def test_a_pinyin_gloss_between_a_number_and_its_unit_is_read_through():
    paragraph = Paragraph("情况说明", "A1", "公务接待费35萬(wàn)元，增長(cháng)5%。")
    (start, end, amount), (_, _, rate) = find_quantities(paragraph)
    assert (amount.value, amount.kind, amount.text) == (Decimal(35), "money", "35万元")
    assert paragraph.norm[start:end] == "35万(wàn)元"  # the span covers what was written
    assert paragraph.text[slice(*paragraph.span(start, end))] == "35萬(wàn)元"
    assert rate.value == Decimal(5)


def test_a_figure_written_with_wan_inside_its_yi_is_one_figure():
    found = find_quantities(Paragraph("情况说明", "A1", "规模为3万4993.1亿元，其中1万301.5亿元"))
    assert [(q.value, q.text) for _, _, q in found] == [
        (Decimal("349931000.0"), "3万4993.1亿元"),
        (Decimal("103015000.0"), "1万301.5亿元"),
    ]


def test_spans_of_a_glossed_paragraph_point_at_its_own_text():
    text = "经费12.5萬(wàn)元，較上年增加2.5萬(wàn)元，增長(cháng)25%。"
    (claim,) = [c for c in claims(text) if c.kind == "change"]
    paragraph = Paragraph("情况说明", "A1", text)
    assert paragraph.norm[slice(*claim.span)] == "25%"
    assert [paragraph.norm[slice(*s)] for s in claim.spans] == ["12.5万(wàn)元", "2.5万(wàn)元", "25%"]
    assert claim.printing is Printing.AS_WRITTEN


def test_a_bound_is_no_figure_to_judge():
    text = "全年采购金额1142.75亿元，国内产品1141.94亿元，占采购金额的99%以上。"
    assert not [c for c in claims(text) if c.printed.text == "99%"]


# ---------------------------------------------------------------------------------------------
# what a printed amount stands for


def test_yi_statistics_are_rounded_to_their_last_digit_and_wanyuan_to_a_fen():
    # 85.8 ÷ (503.7 − 85.8) = 20.53 %: with 亿元 read to ± 0.05 no rounding explains 20.6
    assert ("change", "20.6%", Printing.WRONG) in judged("收入完成503.7亿元，比上年增加85.8亿元，增长20.6%。")
    # 328 among one-decimal figures is 328.0: 75.2 ÷ 252.8 = 29.75 → 29.7 (29.8 only by rounding twice)
    assert ("change", "29.8%", Printing.DOUBLE_ROUNDED) in judged("支出完成328亿元，同比增加75.2亿元，增长29.8%。")
    # 18万元 is 18.00: 6.28 ÷ 18 = 34.89 %; read as 18 ± 0.5 it would excuse 34.79
    assert ("completion", "34.79%", Printing.WRONG) in judged("预算为18万元，支出决算为6.28万元，完成预算的34.79%。")


# ---------------------------------------------------------------------------------------------
# shares of a named whole


def test_a_share_of_the_whole_the_sentence_names():
    found = judged(
        "一般公共预算收入完成151亿元，同比增加21亿元。其中：税收收入完成95.1亿元，增长19.9%，"
        "占一般公共预算收入的63%；非税收入完成55.9亿元，增长10.4%，占一般公共预算收入的37%。"
    )
    assert ("share", "63%", Printing.AS_WRITTEN) in found
    assert ("share", "37%", Printing.AS_WRITTEN) in found
    assert ("composition", "151亿元", Printing.AS_WRITTEN) in found  # the shares add up: the parts make it


def test_a_wrong_share_of_a_named_whole_is_caught():
    found = judged("全省一般公共预算支出2149.9亿元。其中，民生支出1702.7亿元，占全省一般公共预算支出的72.2%。")
    assert ("share", "72.2%", Printing.WRONG) in found  # 1702.7 ÷ 2149.9 = 79.20 %


def test_the_named_whole_of_an_earlier_paragraph():
    first = "2020年全国政府采购规模为36970.6亿元，较上年增加3903.6亿元、增长11.8%。"
    second = "中央预算单位、地方预算单位政府采购规模分别为2853.0亿元和34117.6亿元，占全国政府采购规模的7.7%和92.3%。"
    found = judged(first, second)
    assert ("share", "7.7%", Printing.AS_WRITTEN) in found and ("share", "92.3%", Printing.AS_WRITTEN) in found
    assert ("shares", "100%", Printing.AS_WRITTEN) in found
    assert ("composition", "36970.6亿元", Printing.AS_WRITTEN) in found


@pytest.mark.parametrize(
    "texts",
    [
        # two figures carry the name: which one is meant is not sure
        ("一般公共预算收入100亿元，一般公共预算收入120亿元，税收收入80亿元，占一般公共预算收入的10%。",),
        # the part's own name ends like the whole's: 集中采购金额 is its sibling, not its whole
        ("集中采购金额达到772.87亿元，占采购总金额的67.6%；部门集中采购金额66.07亿元，占采购金额的5.8%。",),
        # the paragraph states its own subject's figures: an earlier paragraph's whole may be another's
        ("全省一般公共预算支出1000亿元。", "某市支出执行128.9亿元，民生支出104.6亿元，占一般公共预算支出的81.1%。"),
        # no figure carries the name
        ("税收收入420.6亿元，占全国一般公共预算收入总额的2.05%。",),
    ],
)
def test_a_named_whole_that_is_not_sure_is_left_alone(texts):
    assert not [c for c in claims(*texts) if c.kind == "share" and c.printing is not None]


# ---------------------------------------------------------------------------------------------
# changes whose figures stand apart


def test_the_current_figure_further_back_in_its_statement():
    found = judged(
        "“三公”经费财政拨款支出决算为62.07万元，完成全年预算84.82万元的73.2%，比上年决算数增加38.97万元，"
        "增长168.7%；比2019年决算数减少24.87万元，降低28.6%。"
    )
    assert ("change", "168.7%", Printing.AS_WRITTEN) in found
    assert ("change", "28.6%", Printing.AS_WRITTEN) in found
    assert ("completion", "73.2%", Printing.AS_WRITTEN) in found


def test_a_statement_with_a_subject_of_its_own_does_not_lend_its_figure():
    found = judged("公务接待费决算为22.59万元。公务用车运行维护费比上年增加6.32万元，增长29.9%。")
    assert not [c for c in found if c[0] == "change"]


def test_a_change_in_a_new_sentence_that_starts_with_its_comparison():
    found = judged("公务用车购置及运行费决算数为3961.06万元。较2013年度决算数减少1836.94万元，降低31.68%。")
    assert ("change", "31.68%", Printing.AS_WRITTEN) in found


def test_the_base_printed_in_the_comparison():
    found = judged("因公出国（境）费决算数为7926.14万元，比2013年度决算数8750.27万元减少824.13万元，下降9.42%。")
    assert ("change", "9.42%", Printing.AS_WRITTEN) in found


def test_the_rate_before_the_amount():
    found = judged(
        "全省一般公共预算收入完成1509.3亿元，比上年增长36.6%，增收404.5亿元。非税收入完成271.8亿元，下降3%，减收8.3亿元。"
    )
    assert ("change", "36.6%", Printing.AS_WRITTEN) in found and ("change", "3%", Printing.AS_WRITTEN) in found
    assert ("change", "38.6%", Printing.WRONG) in judged("收入完成1509.3亿元，比上年增长38.6%，增收404.5亿元。")


def test_percentage_points_are_no_rate():
    assert not judged("收入完成1509.3亿元，比上年提高2.1个百分点，增收404.5亿元。")


def test_a_completion_of_a_budget_named_at_length():
    found = judged("区级一般公共预算收入预计完成39.1亿元，完成区人大常委会批准收入调整预算37.5亿元的104.3%。")
    assert ("completion", "104.3%", Printing.AS_WRITTEN) in found
    assert ("completion", "26%", Printing.AS_WRITTEN) in judged("全省财政总收入823.3亿元，为年初计划3165亿元的26%。")


def test_a_gap_between_two_rates_in_points():
    assert ("sum", "2.7个百分点", Printing.AS_WRITTEN) in judged(
        "收入增长20.6%，比全省平均水平（17.9%）高2.7个百分点。"
    )
    assert ("sum", "29.3个百分点", Printing.AS_WRITTEN) in judged(
        "科技支出增长30.7%，高于支出增幅（1.4%）29.3个百分点。"
    )
    assert ("sum", "3.7个百分点", Printing.WRONG) in judged("收入增长20.6%，比全省平均水平（17.9%）高3.7个百分点。")
    assert not judged("收入增长5%，增幅比上年回落2个百分点。")  # one rate: nothing to subtract


# ---------------------------------------------------------------------------------------------
# a change printed next to both its levels: the difference itself


def differences(*texts: str) -> set[tuple[str, Printing, Decimal]]:
    return {(c.printed.text, c.printing, c.computed.point) for c in claims(*texts) if c.kind == "difference"}


def test_two_labelled_levels_and_their_change():
    text = (
        "2016年三公经费预算拨入33万元,2015年三公经费预算拨入57.55万元,与上年对比减少24.55万元。"
        "其中:1、公务接待费2016年预算8万元,2015年预算12.5万元;对比减少4.35万元;减少率35.22%。"
    )
    found = differences(text)
    assert ("24.55万元", Printing.AS_WRITTEN, Decimal("24.55")) in found
    assert ("4.35万元", Printing.WRONG, Decimal("4.5")) in found  # 12.5 − 8, whether or not a rate follows
    assert ("35.22%", Printing.WRONG) in {(c.printed.text, c.printing) for c in claims(text)}  # the rate still judged
    assert ("5.2万元", Printing.AS_WRITTEN, Decimal("5.20")) in differences(
        "本年支出20.2万元，上年支出15万元，增加5.2万元。"
    )


def test_the_prior_printed_after_its_comparison():
    assert ("4.35万元", Printing.WRONG, Decimal("4.50")) in differences(
        "公务接待费8万元，比上年（预算）12.5万元减少4.35万元。"
    )
    assert ("2万元", Printing.AS_WRITTEN, Decimal("2")) in differences(
        "公务接待费10万元，与上年决算数8万元相比，增加2万元。"
    )
    # past the statement's other change: 8750.27 − 7926.14, next to the rate the reader judges too
    found = claims(
        "因公出国（境）费决算数为7926.14万元，比2014年度预算数减少1485.38万元，比2013年度决算数8750.27万元减少824.13万元，下降9.42%。"
    )
    assert {(c.kind, c.printed.text, c.printing) for c in found} >= {
        ("difference", "824.13万元", Printing.AS_WRITTEN),
        ("change", "9.42%", Printing.AS_WRITTEN),
    }


def test_the_two_years_stated_in_the_paragraph_before():
    first = (
        '鄂城区2022年的“三公"经费决算数合计为1000.86万,其中:因公出国(境)费0万元、公务用车购置费399.25万元。'
        "2021年的三公经费决算数合计为807.95万,其中:因公出国(境)费0万元、公务用车购置费272.53万元。"
    )
    found = differences(first, '2022年“三公"经费决算数相较于上年增加275.76万元,主要原因是:')
    assert found == {("275.76万元", Printing.WRONG, Decimal("192.91"))}
    assert differences(first, '2022年“三公"经费决算数相较于上年增加192.91万元。') == {
        ("192.91万元", Printing.AS_WRITTEN, Decimal("192.91"))
    }


def test_a_difference_within_the_rounding_of_its_levels_is_no_error():
    (found,) = differences("本年支出20.2万元，上年支出15.01万元，增加5.2万元。")
    assert found[1] is Printing.INPUT_ROUNDING  # 20.2 − 15.01 = 5.19, each ± 0.005


@pytest.mark.parametrize(
    "texts",
    [
        # the direction word contradicts the sign: a wording slip, not arithmetic
        ("公务接待费8万元，比上年12.5万元增加4.35万元。",),
        ("本年支出20.2万元，上年支出15万元，减少5.2万元。",),
        # not clearly the same item
        ("本年支出20.2万元，上年收入15万元，增加6万元。",),
        ("2016年预算8万元，2014年预算12.5万元；对比减少4万元。",),
        ("本年支出20.2万元，2020年支出15万元，增加6万元。",),
        # a comparison with something else than last year's or the budget's figure
        ("公务接待费8万元，比全省平均12.5万元减少4万元。",),
        ("公务接待费8万元，比人均12.5万元减少4万元。",),
        # something between the comparison's figure and the change
        ("公务接待费8万元，比上年12.5万元（调整后）减少4万元。",),
        # two figures of the year before: which one is meant is not sure
        (
            "2022年三公经费决算数为100万元。2021年三公经费决算数为80万元。2021年三公经费决算数为70万元。",
            "2022年三公经费决算数比上年增加25万元。",
        ),
        # a budget of the year is no level of its 决算
        ("2022年三公经费预算为100万元。2021年三公经费决算数为80万元。", "2022年三公经费决算数比上年增加25万元。"),
    ],
)
def test_a_difference_that_is_not_sure_is_left_alone(texts):
    assert not [c for c in claims(*texts) if c.kind == "difference" and c.printing is Printing.WRONG]


def test_a_wrong_difference_is_a_finding_that_shows_the_subtraction():
    from types import SimpleNamespace

    from xlplugin.engine.builtin_narrative import arithmetic_findings

    paragraph = Paragraph("情况说明", "A1", "公务接待费8万元，比上年（预算）12.5万元减少4.35万元。")
    context = SimpleNamespace(paragraphs=[paragraph], skipped_cells=set(), covered={}, cover=lambda *_: None)
    (finding,) = arithmetic_findings(context)
    assert finding.column == "增减额" and finding.actual == Decimal("4.35")
    assert "增减额写为 4.35万元" in finding.message and "应为 12.5万元−8万元 = 4.50万元" in finding.message
