"""The built-in arithmetic reader on the wordings real 情况说明 use: each kind of claim, the
subject's figure from an earlier paragraph, the three-part 三公 shares, traditional characters,
and the shapes it must leave alone."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xlplugin.core.printed import Printing
from xlplugin.engine.arithmetic import read_claims
from xlplugin.workbook.narrative import Paragraph


def claims(*texts: str):
    paragraphs = [Paragraph("情况说明", f"A{i + 1}", text) for i, text in enumerate(texts)]
    return read_claims(paragraphs[-1], paragraphs[:-1])


def judged(*texts: str):
    return [(c.kind, c.printed.text, c.printing) for c in claims(*texts)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023年度收入总计434.72万元，较上年增加58.21万元，增长15.46%。", ("change", "15.46%", Printing.AS_WRITTEN)),
        ("本年支出155万元，较上年决算数减少4345万元，下降96.5%。", ("change", "96.5%", Printing.TRUNCATED)),
        ("公务接待费5.21万元，与2021年度预算相比，减少0.1万元，下降0.006%。", ("change", "0.006%", Printing.WRONG)),
        ("支出预算为49.9万元，支出决算为7.69万元，完成预算的15.41%。", ("completion", "15.41%", Printing.AS_WRITTEN)),
        ("支出决算为62.07万元，完成全年预算84.82万元的73.2%。", ("completion", "73.2%", Printing.AS_WRITTEN)),
        ("本年支出合计1000万元，其中：基本支出600万元，占61%。", ("share", "61%", Printing.WRONG)),
        ("公務接待費5.21萬元，較上年減少0.1萬元，下降1.88%。", ("change", "1.88%", Printing.AS_WRITTEN)),
    ],
)
def test_each_kind_of_claim(text, expected):
    assert expected in judged(text)


def test_a_change_naming_only_its_subject_uses_the_subjects_figure_stated_before():
    found = claims(
        "“三公”经费支出预算为24.5万元，支出决算为11.96万元。其中：公务用车购置及运行费支出决算为4.02万元；公务接待费支出决算为7.94万元。",
        "“三公”经费支出决算数比2022年减少0.41万元，下降3.34%。其中：公务用车购置及运行费支出决算增加0.05万元，增长1.26%。",
    )
    by_rate = {c.printed.text: c for c in found}
    assert [q.value for q in by_rate["1.26%"].operands] == [Decimal("4.02"), Decimal("0.05")]  # not 公务接待费's 7.94
    assert by_rate["1.26%"].printing is Printing.AS_WRITTEN
    assert by_rate["3.34%"].operands[0].value == Decimal("11.96")  # the 决算, not the 预算 24.5


def test_the_three_sangong_parts_state_their_own_whole():
    # 塘子街道 2023: the shares are the completion rates copied in (4.02 + 7.94 = 11.96)
    found = judged(
        "决算中，因公出国(境)费支出0万元，占0.00%；公务用车购置及运行维护费支出4.02万元，占89.33%；公务接待费支出7.94万元，占39.7%。"
    )
    assert ("share", "89.33%", Printing.WRONG) in found and ("share", "39.7%", Printing.WRONG) in found


def test_what_it_leaves_alone():
    assert claims("同比增长10.85%。") == []  # a rate with nothing to compute it from
    assert claims("中小企业5915.87万元，占政府采购支出总额的20.5%。") == []  # a whole it was not given
    assert (
        claims("因公出国(境)费支出决算为0万元。", "因公出国(境)费比上年增加0万元，增长0%。") == []
    )  # nothing from nothing
    # a change from a zero base is reported, not divided by
    (zero,) = claims("因公出国(境)费支出决算为12.02万元。", "因公出国(境)费比上年决算数增加12.02万元，增长100%。")
    assert zero.printing is None and "为零" in zero.note
