"""The built-in arithmetic reader on the standard sections of a 部门决算 情况说明 (收入支出决算总体情况、
收入决算、支出决算、财政拨款收入支出决算总体情况、一般公共预算财政拨款支出决算情况 with its 类 list、
基本支出、“三公”经费、机关运行经费), in the wording real documents use: a statement that leans on its
paragraph's subject, 收支 as one subject or a pair, a list over paragraphs, the comparison phrasings
— and the shapes where the reader must stay silent."""

from __future__ import annotations

import pytest

from xlplugin.core.printed import Printing
from xlplugin.engine.arithmetic import read_claims
from xlplugin.workbook.narrative import Paragraph

OK, WRONG = Printing.AS_WRITTEN, Printing.WRONG


def document(*texts: str) -> list[tuple[str, str, Printing | None]]:
    """(kind, printed figure, verdict) of every claim of every paragraph, each read with all the
    paragraphs before it (as the engine passes them)."""
    paragraphs = [Paragraph("情况说明", f"A{i + 1}", text) for i, text in enumerate(texts)]
    return [
        (c.kind, c.printed.text, c.printing)
        for i, paragraph in enumerate(paragraphs)
        for c in read_claims(paragraph, paragraphs[:i])
    ]


def flagged(*texts: str) -> list[tuple[str, str]]:
    return [(kind, text) for kind, text, printing in document(*texts) if printing not in (OK, Printing.INPUT_ROUNDING)]


# --- comparison phrasings: each is read ------------------------------------------------------


@pytest.mark.parametrize(
    "comparison",
    [
        "同比",
        "较上年同期",
        "较2020年度决算数",
        "较2020年决算数",
        "与2019年相比，",
        "与2019年度相比，",
        "比上年",
        "比2020年度",
        "较上年支出数",
    ],
)
@pytest.mark.parametrize(("rate", "verdict"), [("6.4%", OK), ("6.8%", WRONG)])
def test_each_comparison_phrasing_is_read(comparison, rate, verdict):
    text = f"2021年度本部门机关运行经费支出150.11万元，{comparison}减少10.23万元，下降{rate}，主要原因是厉行节约。"
    assert ("change", rate, verdict) in document(text)


def test_traditional_characters():
    assert ("change", "6.8%", WRONG) in document(
        "2021年度本部門機關運行經費支出150.11萬元，較上年同期減少10.23萬元，下降6.8%。"
    )
    found = document(
        "本年收入合計1520.18萬元。較上年決算數增加120.5萬元，增長8.6%。其中：財政撥款收入1380.26萬元，佔91.8%。"
    )
    assert ("change", "8.6%", OK) in found and ("share", "91.8%", WRONG) in found


# --- 收支: 收入总计 and 支出总计 -------------------------------------------------------------------


def test_income_and_expense_as_one_subject():
    found = document(
        "1.总体情况。2021年度收入总计9909.15万元，支出总计9909.15万元。收支较上年决算数减少2343.3万元、下降19.1%，主要原因是政策调整。"
    )
    assert ("change", "19.1%", OK) in found
    assert ("change", "19.8%", WRONG) in document(
        "2021年度收入总计9909.15万元，支出总计9909.15万元。收支较上年决算数减少2343.3万元、下降19.8%。"
    )


def test_income_and_expense_that_differ_are_no_one_subject():
    assert document("2021年度收入总计1650.32万元，支出总计1600.32万元。收支较上年决算数增加212.45万元，增长99%。") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2021年度收入总计10384.9万元，支出总计10783.04万元，与2020年相比，收入、支出总计各增加1412.7、2062.79万元，"
            "增长15.75%、23.66%。",
            [("change", "15.75%", OK), ("change", "23.66%", OK)],
        ),
        (
            "2021年度收入总计1500万元，支出总计1400万元。与2020年相比，收、支总计各减少300、200万元，各下降16.67%、13.5%。",
            [("change", "16.67%", OK), ("change", "13.5%", WRONG)],
        ),
        (
            "2021年度收入总计1500.5万元，支出总计1400.5万元。与2020年相比，收、支总计各减少300.5,200.5万元，各下降16.69%、12.52%。",
            [("change", "16.69%", OK), ("change", "12.52%", OK)],
        ),
    ],
)
def test_paired_changes_of_income_and_expense(text, expected):
    found = document(text)
    assert all(claim in found for claim in expected), found


def test_funds_income_and_expense():
    found = document(
        "（二）财政拨款收入支出决算总体情况说明。",
        "2021年度财政拨款收、支总计9909.15万元。与2020年相比，财政拨款收、支总计各下降2343.3万元，下降19.1%。",
    )
    assert ("change", "19.1%", OK) in found


# --- a sentence that leans on its paragraph's subject ------------------------------------------

_REASONS = (
    "主要原因一是工资政策调整，人员经费减少326.25万元；二是就业补助资金增加2092.01万元，“三支一扶”、创业担保贷款贴息等"
    "减少1878.72万元；三是医疗救助、离休干部医疗费等民生支出增加2114.66万元。"
)


@pytest.mark.parametrize(("rate", "verdict"), [("1%", OK), ("1.0%", OK), ("1.1%", WRONG)])
def test_a_comparison_without_subject_after_the_reasons(rate, verdict):
    text = (
        "1.收入情况。2021年度一般公共预算财政拨款收入9754.15万元，较上年决算数增加2001.7万元，增长25.8%。"
        f"{_REASONS}较年初预算数增加96.7万元，增长{rate}。主要原因是中途追加城乡医疗救助及就业补助资金。"
    )
    assert ("change", rate, verdict) in document(text)


def test_a_generic_subject_is_the_paragraphs():
    text = (
        "公务接待费2.78万元，主要用于接待上级部门人员检查工作。费用支出较年初预算数减少5.22万元，下降65.3%，主要原因是"
        "新冠肺炎疫情。较上年支出数增加1.08万元，增长64.5%，主要原因是试点工作。"
    )
    found = document(text)
    assert ("change", "65.3%", OK) in found and ("change", "64.5%", WRONG) in found


def test_an_unqualified_figure_is_the_decision():
    found = document(
        "2021年度本部门机关运行经费支出430.82万元，机关运行经费主要用于开支办公费、印刷费、水费、电费。"
        "机关运行经费较上年决算数增加99.8万元，增长31.1%，主要原因是在职人员增加。"
    )
    assert ("change", "31.1%", WRONG) in found


def test_a_share_after_the_reasons_is_of_the_subject():
    found = document(
        f"2.收入情况。2021年度收入总计9909.15万元，较上年决算数减少2343.3万元、下降19.1%，{_REASONS}"
        "其中：财政拨款收入9909.15万元，占99%。"
    )
    assert ("share", "99%", WRONG) in found


def test_income_and_expense_sections_with_their_shares():
    found = document(
        "二、收入决算情况说明",
        "2021年度本年收入合计1520.18万元，较上年决算数增加120.5万元，增长8.6%，其中：财政拨款收入1380.26万元，占90.8%；"
        "上级补助收入0万元，占0%；事业收入100.00万元，占6.6%；其他收入39.92万元，占3.6%。",
        "三、支出决算情况说明",
        "2021年度本年支出合计1498.55万元，较上年决算数增加100万元，增长7.2%。主要原因是人员增加。其中：基本支出1012.34万元，"
        "占67.6%；项目支出486.21万元，占32.4%。",
    )
    assert ("share", "3.6%", WRONG) in found
    assert ("share", "90.8%", OK) in found and ("share", "6.6%", OK) in found
    assert ("share", "67.6%", OK) in found and ("share", "32.4%", OK) in found


def test_share_of_the_years_expenditure_named_sections_before():
    found = document(
        "三、支出决算情况说明",
        "2021年度本年支出合计1498.55万元，其中：基本支出1012.34万元，占67.6%；项目支出486.21万元，占32.4%。",
        "四、财政拨款收入支出决算总体情况说明",
        "2021年度财政拨款收、支总计1420.66万元。与2020年相比，财政拨款收、支总计各增加180.12万元，增长14.5%。",
        "五、一般公共预算财政拨款支出决算情况说明",
        "（一）一般公共预算财政拨款支出决算总体情况",
        "2021年度一般公共预算财政拨款支出1350.48万元，占本年支出合计的91.1%，与2020年相比，一般公共预算财政拨款支出"
        "增加150.22万元，增长12.5%。",
    )
    assert ("share", "91.1%", WRONG) in found and ("change", "12.5%", OK) in found


def test_share_of_the_basic_expenditure():
    found = document(
        "2021年度一般公共预算财政拨款基本支出1000.22万元，其中：人员经费850.11万元，占基本支出的85%，主要包括基本工资；"
        "公用经费150.11万元，占基本支出的16%，主要包括办公费。"
    )
    assert ("share", "85%", OK) in found and ("share", "16%", WRONG) in found


# --- the 类 list over paragraphs ----------------------------------------------------------------

_SECTION = (
    "（三）一般公共预算财政拨款收入支出决算情况说明。",
    "1.收入情况。2021年度一般公共预算财政拨款收入9754.15万元，较上年决算数增加2001.7万元，增长25.8%。",
    "2.支出情况。2021年度一般公共预算财政拨款支出9754.15万元，较上年决算数增加2001.7万元，增长25.8%。",
    "3.结转结余情况。2021年度年末结转和结余0万元，较上年决算数无变化。",
)
_ITEMS = (
    "（1）社会保障与就业支出5557.65万元，占57%，较年初预算数增加1024.99万元，增长22.6%，主要原因是促进就业补助增加。",
    "（2）卫生健康支出3039.92万元，占31.2%，较年初预算数减少1048.22万元，下降25.6%，主要原因是医保补助由财政决算。",
    "（3）节能环保支出400万元，占4.1%，较年初预算数增加400万元（年初预算数为0），主要原因是增加了医疗救助支出。",
    "（4）农林水支出659.59万元，占6.8%，较年初预算数减少280.48万元，下降29.84%，主要原因是“三支一扶”人员减少。",
    "（5）住房保障支出96.98万元，占{}，较年初预算数增加0.4万元，增长0.4%，主要原因公积金基数调整。",
)
_HEADING = "4.比较情况。本部门2021年度一般公共预算财政拨款支出主要用于以下几个方面："


@pytest.mark.parametrize("joined", [False, True])
def test_a_list_over_paragraphs_is_of_the_whole_its_heading_names(joined):
    items = [*_ITEMS[:-1], _ITEMS[-1].format("1%")]
    heading = [_HEADING + items[0]] if joined else [_HEADING, items[0]]
    found = document(*_SECTION, *heading, *items[1:])
    for share in ("57%", "31.2%", "4.1%", "6.8%", "1%"):
        assert ("share", share, OK) in found, share
    wrong = document(*_SECTION, *heading, *items[1:-1], _ITEMS[-1].format("1.5%"))
    assert ("share", "1.5%", WRONG) in wrong


def test_a_list_in_its_headings_paragraph():
    found = document(
        "2021年度一般公共预算财政拨款支出1350.48万元，主要用于以下方面：一般公共服务（类）支出900.12万元，占66.7%；"
        "社会保障和就业（类）支出300.24万元，占22.2%；卫生健康（类）支出100.06万元，占7.4%；住房保障（类）支出50.06万元，占3.9%。"
    )
    assert ("share", "66.7%", OK) in found and ("share", "3.9%", WRONG) in found


# --- where the reader stays silent -----------------------------------------------------------


@pytest.mark.parametrize(
    "texts",
    [
        # another level between the subject and the subjectless comparison
        (
            "2021年度一般公共预算财政拨款收入9754.15万元，较上年决算数增加2001.7万元，增长25.8%。主要原因是新增项目资金500万元。"
            "较年初预算数增加96.7万元，增长9%。",
        ),
        # the figure before is a budget
        ("2021年度预算数为100万元，主要用于办公。较上年增加10万元，增长50%。",),
        # the paragraph states last year's figure of the subject, not this year's
        ("上年机关运行经费160万元。机关运行经费较上年决算数减少9.89万元，下降50%。",),
        # a 其中 list nested in the subject's sentence: its parts, not the subject, may be meant
        (
            "2021年度收入总计1650.32万元，较上年决算数增加212.45万元，增长14.8%。其中：本年收入1500万元，较上年增加100万元；"
            "年初结转和结余150.32万元。其中：财政拨款收入1000万元，占10%。",
        ),
        # two figures carry the heading's name in its section
        (
            "（三）一般公共预算财政拨款支出决算情况说明。",
            "2021年度一般公共预算财政拨款支出9754.15万元。",
            "2020年度一般公共预算财政拨款支出7752.45万元。",
            "本部门一般公共预算财政拨款支出主要用于以下几个方面：",
            "（1）社会保障与就业支出5557.65万元，占99%。",
        ),
        # no figure carries the heading's name (a different whole)
        (
            "（三）一般公共预算财政拨款支出决算情况说明。",
            "2021年度一般公共预算财政拨款基本支出1648.02万元。",
            "本部门一般公共预算财政拨款支出主要用于以下几个方面：",
            "（1）社会保障与就业支出5557.65万元，占99%。",
        ),
        # 支出总计 is not 支出合计
        (
            "2021年度收入总计1500万元、支出总计1500万元。",
            "2021年度一般公共预算财政拨款支出900万元，占本年支出合计的75%。",
        ),
        # shares of a change are not shares of the subject
        ("2021年度本年支出合计1498.55万元，较上年增加100万元，增长7.2%，其中：基本支出增加60万元，占50%。",),
    ],
)
def test_silent_where_the_whole_or_the_subject_is_not_certain(texts):
    assert flagged(*texts) == []


def test_a_complete_list_is_confirmed_to_make_its_whole():
    items = [*_ITEMS[:-1], _ITEMS[-1].format("1%")]
    found = document(*_SECTION, _HEADING, *items)
    assert ("composition", "9754.15万元", Printing.INPUT_ROUNDING) in found  # 9754.14 within the rounding
    # the shares say the list is whole, not that every amount was printed right: never faulted
    off = document(*_SECTION, _HEADING, *items[:-1], items[-1].replace("96.98万元", "196.98万元"))
    assert not [c for c in off if c[0] == "composition"]
