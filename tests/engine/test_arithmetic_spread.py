"""Shapes the reader learnt last: figures the words around them read (``1000.86万``, ``各减少300,200万元``),
balances and totals written without 合计, changes whose figures stand across an aside, two years or
paragraphs, and a whole whose known parts are stated over several paragraphs — each judged when its
shape is unambiguous, confirmed only when its extent is not, and left alone otherwise (sentences
written for these tests in the style of real 情况说明)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xlplugin.core.printed import Printing
from xlplugin.engine.arithmetic import read_claims
from xlplugin.workbook.narrative import Paragraph, find_quantities

OK = (Printing.AS_WRITTEN, Printing.INPUT_ROUNDING)


def claims(*texts: str, at: int = -1):
    """The claims of paragraph ``at`` of ``texts``, with the paragraphs before and after it."""
    paragraphs = [Paragraph("情况说明", f"A{i + 1}", text) for i, text in enumerate(texts)]
    at = at % len(paragraphs)
    return read_claims(paragraphs[at], paragraphs[:at], paragraphs[at + 1 :])


def verdicts(*texts: str, at: int = -1) -> dict[tuple[str, str], Printing | None]:
    return {(c.kind, c.printed.text): c.printing for c in claims(*texts, at=at)}


def figures(text: str) -> list[tuple[str, Decimal]]:
    return [(q.text, q.value) for _, _, q in find_quantities(Paragraph("情况说明", "A1", text))]


# ---------------------------------------------------------------------------------------------
# figures read by the words around them


def test_wan_without_yuan_is_wanyuan_where_the_sentence_says_so():
    found = figures("“三公”经费决算数合计为1000.86万，其中：因公出国（境）费0万元、公务接待费43.77万元。")
    assert found[0] == ("1000.86万元", Decimal("1000.86"))
    assert figures("全年接待12.5万，人均0.5元。")[0] == ("12.5", Decimal("12.5"))  # other amounts in 元: not read
    assert figures("服务群众12.5万，满意度98%。") == [("12.5", Decimal("12.5")), ("98%", Decimal(98))]
    assert figures("共计12万人次。") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("收、支总计各减少300,200万元，下降16.67%、13.5%。", ["300万元", "200万元", "16.67%", "13.5%"]),
        ("收入、支出总计各减少300,200万元。", ["300万元", "200万元"]),
        ("收、支总计各减少1,200万元，下降5%。", ["1,200万元", "5%"]),  # one change each, one rate
        ("收入1,200万元，增长5%、6%。", ["1,200万元", "5%", "6%"]),  # one name: one figure
        ("收、支总计各增加1,000万元。", ["1,000万元"]),  # 000 is a thousands group
        ("支出12,000.00元。", ["12,000.00元"]),
    ],
)
def test_a_comma_separates_a_list_only_where_the_words_prove_one(text, expected):
    assert [text for text, _ in figures(text)] == expected


# ---------------------------------------------------------------------------------------------
# balances and totals


def test_a_bare_expenditure_after_the_income_total_is_the_expenditure_total():
    text = "全区政府性基金上年结余26.38亿元，上级补助收入14.78亿元，收入合计42.5亿元，支出19.43亿元，年终结余{}亿元。"
    assert verdicts(text.format("23.07"))[("sum", "23.07亿元")] in OK
    assert verdicts(text.format("24.07"))[("sum", "24.07亿元")] is Printing.WRONG
    # a 支出 that is no total (one of several) only confirms
    other = "收入合计42.5亿元，一般公共预算支出10亿元，上解支出9.43亿元，年终结余24.07亿元。"
    assert ("sum", "24.07亿元") not in verdicts(other)


def test_an_added_list_ends_with_its_total_income_and_skips_a_completions_budget():
    text = (
        "一般公共预算收入预计完成39.1亿元，完成调整预算37.5亿元的104.3%。加上转移支付27.23亿元，上年结转5.45亿元，"
        "一般公共预算总收入预计为{}亿元。"
    )
    assert verdicts(text.format("71.78"))[("sum", "71.78亿元")] in OK
    assert verdicts(text.format("72.78"))[("sum", "72.78亿元")] is Printing.WRONG


def test_a_sangong_total_that_counts_meeting_and_training_costs_is_not_faulted():
    text = (
        "“三公”经费决算数合计为1000.86万，其中：因公出国（境）费0万元、公务用车购置费399.25万元、"
        "公务用车运行维护费472.38万元、公务接待费43.77万元、会议费34.10万元、培训费51.37万元。"
    )
    assert verdicts(text)[("composition", "1000.86万元")] in OK
    assert ("composition", "1000.86万元") not in verdicts(text.replace("51.37", "41.37"))  # a 其中 list may be partial


def test_a_list_after_specifically_is_read():
    text = "公务接待费支出决算4,895.00元，具体是国内接待费支出决算4,895.00元，国（境）外接待费支出决算0元。"
    assert verdicts(text)[("composition", "4,895.00元")] in OK


# ---------------------------------------------------------------------------------------------
# changes


def test_a_change_after_an_aside_in_parentheses_is_of_the_figure_before_it():
    text = (
        "公务用车购置及运行费500.00万元（公务用车购置费100.00万元，比上年增加0万元；公务用车运行维护费400.00万元。）"
        "比上年减少20万元，下降{}%。"
    )
    assert verdicts(text.format("3.85"))[("change", "3.85%")] in OK  # 20 / 520
    assert verdicts(text.format("4.85"))[("change", "4.85%")] is Printing.WRONG


def test_a_change_between_two_printed_years_is_of_the_earlier_one():
    text = "公务接待费2016年预算8万元，2015年预算12.5万元；对比减少4.5万元；减少率{}%。"
    assert verdicts(text.format("36"))[("change", "36%")] in OK  # 4.5 / 12.5
    assert verdicts(text.format("35.22"))[("change", "35.22%")] is Printing.WRONG
    assert not verdicts("公务接待费2016年预算8万元，2014年预算12.5万元；对比减少4.5万元；减少率36%。")


def test_a_change_whose_current_figure_the_next_paragraph_states():
    changes = (
        "2023年度“三公”经费支出决算数比2022年增加0.16万元。"
        "其中：公务用车购置及运行费支出决算增加0万元，增长0%；公务接待费支出决算增加0.16万元，增长{}%。"
    )
    figures_after = "2023年度“三公”经费支出决算中，公务用车购置及运行维护费支出1.2万元；公务接待费支出2.38万元。"
    found = verdicts(changes.format("7.2"), figures_after, at=0)
    assert found[("change", "7.2%")] in OK and found[("change", "0%")] in OK
    assert verdicts(changes.format("9.2"), figures_after, at=0)[("change", "9.2%")] is Printing.WRONG
    # another year's figure is no current one
    other_year = figures_after.replace("2023年度", "2022年度")  # the year compared with
    assert ("change", "7.2%") not in verdicts(changes.format("7.2"), other_year, at=0)


def test_a_part_without_its_change_leaves_the_others_confirmed_only():
    text = (
        "“三公”经费支出合计35万元，比上年减少{}万元。其中：因公出国（境）费0万元，比上年减少 万元；"
        "公务用车购置及运行维护费5万元，比上年减少0.28万元；公务接待费30万元，比上年减少2万元。"
    )
    assert verdicts(text.format("2.28"))[("sum", "2.28万元")] in OK
    assert ("sum", "3.28万元") not in verdicts(text.format("3.28"))


# ---------------------------------------------------------------------------------------------
# a whole and its known parts over several paragraphs


def test_a_list_opened_at_a_paragraphs_end_is_judged_where_its_last_part_stands():
    texts = (
        "2.公务用车购置及运行维护费支出4.02万元。其中：",
        "公务用车购置支出0万元，购置车辆0辆。",
        "公务用车运行维护支出{}万元，公务用车保有量为7辆。",
    )
    assert verdicts(*texts[:2], texts[2].format("4.02"))[("composition", "4.02万元")] in OK
    assert verdicts(*texts[:2], texts[2].format("0"))[("composition", "4.02万元")] is Printing.WRONG
    assert not verdicts(*texts[:2], texts[2].format("0"), at=1)  # not complete before its last part


def test_a_list_opened_at_a_paragraphs_start_takes_its_whole_from_the_paragraph_before():
    texts = (
        "中国科学院2014年“三公”经费支出15905.91万元，较2014年预算减少5818.9万元。",
        "其中：因公出国（境）费2014年财政拨款支出决算数为7926.14万元，比2013年度决算数8750.27万元减少824.13万元。",
        "公务用车购置及运行费2014年财政拨款决算数为3961.06万元。",
        "公务接待费2014年财政拨款决算数为{}万元。",
    )
    assert verdicts(*texts[:3], texts[3].format("4018.71"))[("composition", "15905.91万元")] in OK
    assert verdicts(*texts[:3], texts[3].format("4118.71"))[("composition", "15905.91万元")] is Printing.WRONG


def test_parts_without_an_opener_are_only_confirmed():
    first = "全省一般公共预算收入完成1509.3亿元，比上年增长36.6%，增收404.5亿元。"
    second = "税收收入完成1237.5亿元，增长50.1%，增收412.8亿元；非税收入完成{}亿元，下降3%，减收8.3亿元。"
    found = verdicts(first, second.format("271.8"))
    assert found[("composition", "1509.3亿元")] in OK and found[("sum", "404.5亿元")] in OK
    assert ("composition", "1509.3亿元") not in verdicts(first, second.format("281.8"))
