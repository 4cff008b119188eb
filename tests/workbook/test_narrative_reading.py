"""Reading the 情况说明: 亿元 quantities and how they are shown, bounded number patterns in templates,
quantities at paragraph edges, and full-width commas."""

from decimal import Decimal

from xlplugin.core.amounts import Amount
from xlplugin.core.intervals import Interval
from xlplugin.workbook.narrative import Paragraph, Template, find_quantities, quantity


def quantities(text):
    return [(q.text, q.value) for _, _, q in find_quantities(Paragraph("x", "A1", text))]


# ---------------------------------------------------------------------------------------------
# 亿元


def test_yi_yuan_amounts_keep_their_precision():
    """“1.5亿元” is 15000 万元 give or take 500 万元, not give or take 0.5 万元."""
    amount = quantity("1.5", "亿元")
    assert amount.value == Decimal("15000") and amount.decimals == -3
    assert amount.interval() == Interval.of(Amount(Decimal("15000"), -3))
    assert amount.interval().low == Decimal("14500") and amount.interval().high == Decimal("15500")
    assert quantity("1.52", "亿元").decimals == -2 and quantity("3", "亿元").decimals == -4
    assert quantity("96.52", "元").decimals == 6 and quantity("9909.15", "万元").decimals == 2


def test_yi_yuan_shown_in_its_own_unit():
    assert quantity("1.52", "亿元").show(Decimal("15234.56")) == "1.5235亿元"
    assert quantity("2", "亿元").show(Decimal("15234.56")) == "1.52亿元"


# ---------------------------------------------------------------------------------------------
# Bounded number patterns


def test_adjacent_number_slots_on_a_long_digit_run_finish():
    """Four adjacent number slots on 200 digits backtracked for minutes; a number now neither starts
    nor ends inside a run of digits, so the match fails at once."""
    template = Template.compile("{数:a}{数:b}{数:c}{数:d}元x", {}, {})
    assert list(template.match(Paragraph("x", "A1", "元x" + "1" * 200 + "y"))) == []


def test_adjacent_number_slots_cannot_split_one_number():
    template = Template.compile("{数:a}{数:b}", {}, {})
    assert list(template.match(Paragraph("x", "A1", "合计12.5"))) == []
    assert list(template.match(Paragraph("x", "A1", "1,234.5"))) == []
    [(_, _, values, _)] = list(Template.compile("增长{百分比:幅度}", {}, {}).match(Paragraph("x", "A1", "增长19.1%")))
    assert values["幅度"].value == Decimal("19.1")


# ---------------------------------------------------------------------------------------------
# Quantities at the edges of a paragraph, full-width commas


def test_unitless_decimals_at_the_start_and_end_of_a_paragraph_are_quantities():
    assert quantities("12.5 增长到 13.5") == [("12.5", Decimal("12.5")), ("13.5", Decimal("13.5"))]
    assert quantities("（12.5）") == []  # a list marker stays excluded
    assert quantities("截至2021.12") == [("2021.12", Decimal("2021.12"))]


def test_a_full_width_comma_does_not_separate_thousands():
    """NFKC turns “，” into “,”: “项目1，200万元” is 1 and 200 万元, not 1,200 万元."""
    assert quantities("项目1，200万元") == [("200万元", Decimal("200"))]
    assert quantities("项目1,200万元") == [("1,200万元", Decimal("1200"))]
    template = Template.compile("项目{金额:值}", {}, {})
    assert [v["值"].value for _, _, v, _ in template.match(Paragraph("x", "A1", "项目1，200万元"))] == []
    assert [v["值"].value for _, _, v, _ in template.match(Paragraph("x", "A1", "项目1,200万元"))] == [Decimal("1200")]


def test_a_template_comma_still_matches_a_full_width_comma():
    template = Template.compile("共计{数:团组}个团组,{数:人次}人", {}, {})
    [(_, _, values, _)] = list(template.match(Paragraph("x", "A1", "因公出国（境）共计 3 个团组，12 人。")))
    assert values["团组"].value == Decimal(3) and values["人次"].value == Decimal(12)


def test_traditional_characters_read_as_simplified_with_spans_on_the_original():
    """萬元 is a unit and 減少/增長 are directions for every rule, not only the arithmetic reader:
    the normalised text reads them as simplified, one character for one, so quotes stay exact."""
    text = "2021年度收入總計 9909.15 萬元，較上年決算數減少1863.3萬元，下降15.83%。"
    paragraph = Paragraph("情况说明", "A1", text)
    assert "收入总计9909.15万元,较上年决算数减少1863.3万元" in paragraph.norm
    amounts = [(q.value, q.unit) for _, _, q in paragraph.quantities if q.unit == "万元"]
    assert [str(v) for v, _ in amounts] == ["9909.15", "1863.3"]
    assert text[paragraph.origin[paragraph.norm.index("万")]] == "萬"  # a quote maps back to what was written


def test_two_listed_figures_share_the_unit_written_after_the_second():
    """``各减少4125.49,4143.91万元``: both are 万元 (a comma after decimals is no thousands separator);
    a thousands separator and a full-width comma before an integer still read as before."""

    def read(text):
        paragraph = Paragraph("情况说明", "A1", text)
        return [(paragraph.norm[a:b], str(q.value), q.unit) for a, b, q in paragraph.quantities]

    assert read("收、支总计各减少4125.49,4143.91万元。")[:2] == [
        ("4125.49", "4125.49", "万元"),
        ("4143.91万元", "4143.91", "万元"),
    ]
    assert read("分别为3.5、4.25万元")[0][2] == "万元"
    assert read("合计1,234.56万元") == [("1,234.56万元", "1234.56", "万元")]
    assert read("人均12.5,共3人")[0][2] == ""  # no unit after the second: nothing shared
