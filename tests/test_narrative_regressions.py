"""情况说明: regressions — 亿元 amounts, bounded number patterns, quantities at paragraph edges,
full-width commas, and sentences of a 增减变化 rule that cannot be checked."""
import subprocess
import sys
from decimal import Decimal

import pytest

from xlplugin.amounts import Amount
from xlplugin.context import Resolved
from xlplugin.expressions import NotRunnable
from xlplugin.findings import Operand
from xlplugin.intervals import Interval, Verdict
from xlplugin.kinds import claim_change
from xlplugin.kinds.claimbase import quoted_compare
from xlplugin.narrative import Paragraph, Template, find_quantities, quantity
from xlplugin.pack import find_pack, load_pack


@pytest.fixture(scope="module")
def pack():
    return load_pack(find_pack("cq-2021"))


def quantities(text):
    return [(q.text, q.value) for _, _, q in find_quantities(Paragraph("x", "A1", text))]


# ---------------------------------------------------------------------------------------------
# 亿元


def test_a_narrative_with_yi_yuan_does_not_crash_check(tmp_path, corrected_path):
    """The 元-written-as-万元 check used to read “1.5亿元” as the number “1.5亿” (InvalidOperation)."""
    source = corrected_path.with_name(corrected_path.stem + "-情况说明.txt")
    path = tmp_path / "情况说明.txt"
    path.write_text(source.read_text(encoding="utf-8").rstrip("\n") + "\n本年度共安排资金1.5亿元。\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "xlplugin", "check", str(corrected_path), "--narrative", str(path)],
                          capture_output=True, text=True)
    assert "内部错误" not in done.stdout + done.stderr
    assert done.returncode == 0, done.stderr


def test_yi_yuan_amounts_keep_their_precision():
    """“1.5亿元” is 15000 万元 give or take 500 万元, not give or take 0.5 万元."""
    amount = quantity("1.5", "亿元")
    assert amount.value == Decimal("15000") and amount.decimals == -3
    assert amount.interval() == Interval.of(Amount(Decimal("15000"), -3))
    assert amount.interval().low == Decimal("14500") and amount.interval().high == Decimal("15500")
    assert quantity("1.52", "亿元").decimals == -2 and quantity("3", "亿元").decimals == -4
    assert quantity("96.52", "元").decimals == 6 and quantity("9909.15", "万元").decimals == 2


@pytest.mark.parametrize("quoted, computed, verdict", [
    (("1.52", "亿元"), Decimal("15234.56"), Verdict.PASS),  # 1.523456 亿元 rounds to 1.52
    (("1.5", "亿元"), Decimal("15234.56"), Verdict.PASS),
    (("1.53", "亿元"), Decimal("15234.56"), Verdict.FAIL),  # 1.5235 亿元 would have to be 1.52
    (("2", "亿元"), Decimal("15234.56"), Verdict.PASS),
    (("1", "亿元"), Decimal("15234.56"), Verdict.FAIL),
])
def test_quoted_yi_yuan_figures(quoted, computed, verdict):
    assert quoted_compare(quantity(*quoted), Interval.exact(computed)) is verdict


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


# ---------------------------------------------------------------------------------------------
# 增减变化: one sentence that cannot be checked


class _Where:
    def error(self, code, message, line=None):
        return ValueError(f"{code}: {message}")


class _Context:
    """A narrative and a table in which row 201 is missing."""

    tolerance = None
    skipped_cells: set = set()

    def __init__(self, texts):
        self.paragraphs = [Paragraph("情况说明", f"A{i}", text) for i, text in enumerate(texts, start=1)]
        self.covered = []

    def require_narrative(self):
        return self.paragraphs

    def cover(self, paragraph, span):
        self.covered.append(paragraph.cell)

    def resolve(self, ref):
        if ref.row != "208":
            raise NotRunnable(f"{ref.table}中找不到行：{ref.row}")
        return Resolved(Interval.of(Amount(Decimal("110.00"), 2)), Operand(str(ref), "公开05表", "B7", Decimal("110.00")), None, None, "合计")


@pytest.fixture()
def change_rule(pack):
    params = {"template": "{科目:类}较上年{方向:方向}{金额:变动},{方向:方向2}{百分比:幅度}", "current": "公开05表[{类}].合计"}
    return claim_change.prepare(params, pack.layout, _Where())


def test_claim_change_keeps_the_sentences_it_could_check(change_rule):
    """A sentence whose row is missing is skipped; the wrong rate before it is still reported."""
    context = _Context([
        "社会保障和就业支出较上年增加10万元，增长20%。",  # 10 ÷ 100 = 10%
        "一般公共服务支出较上年增加5万元，增长5%。",
    ])
    outcomes = list(claim_change.check(change_rule, context))
    assert [(o.cell, o.verdict) for o in outcomes] == [("A1", Verdict.FAIL)]
    assert context.covered and set(context.covered) == {"A1"}


def test_claim_change_with_no_sentence_it_could_check_is_not_run(change_rule):
    with pytest.raises(NotRunnable, match="都无法核对"):
        list(claim_change.check(change_rule, _Context(["一般公共服务支出较上年增加5万元，增长5%。"])))


# ---------------------------------------------------------------------------------------------
# 原因合计: which amounts are a change's reasons


def _reasons_rule(**extra):
    from xlplugin.kinds import claim_reasons

    params = {"template": "较[上年决算数|上年|年初预算数]{方向:方向}{金额:变动}", **extra}
    return claim_reasons, claim_reasons.prepare(params, load_pack(find_pack("cq-2021")).layout, _Where())


def test_reasons_in_the_next_sentence_belong_to_the_change_before_them():
    kind, rule = _reasons_rule()
    context = _Context(["收入较上年决算数增加100万元，增长10%。主要原因一是甲增加60万元；二是乙增加30万元。"
                        "较年初预算数增加20万元，主要原因是中途追加。"])
    outcomes = list(kind.check(rule, context))
    assert [(o.cell, o.verdict, o.expected, o.actual) for o in outcomes] == [("A1", Verdict.FAIL, Decimal("90"), Decimal("100"))]
    assert outcomes[0].details["reasons"] == "增加 60万元、增加 30万元"
    assert [o.ref for o in outcomes[0].operands][-2:] == ["原因1", "原因2"]


def test_reasons_further_away_or_after_another_change_are_not_taken():
    kind, rule = _reasons_rule()
    assert list(kind.check(rule, _Context(["较上年减少50万元。另有说明。主要原因一是甲减少20万元；二是乙减少20万元。"]))) == []
    # the second change's reasons are not the first one's
    context = _Context(["较上年增加10万元，较年初预算数增加30万元，主要原因一是甲增加20万元；二是乙增加10万元。"])
    assert list(kind.check(rule, context)) == []


def test_one_reason_is_not_a_breakdown_unless_the_rule_says_so():
    text = ["较上年增加100万元，主要原因是甲增加60万元。"]
    kind, rule = _reasons_rule()
    assert list(kind.check(rule, _Context(text))) == []
    kind, rule = _reasons_rule(min_reasons=1)
    assert [o.verdict for o in kind.check(rule, _Context(text))] == [Verdict.FAIL]


@pytest.mark.parametrize("text, verdicts", [
    # the change is the sum rounded as printed: right; only the amounts' own rounding explains it: 提示
    ("较上年增加100万元，主要原因一是甲增加60.45万元；二是乙增加39.6万元。", []),
    ("较上年增加100.05万元，主要原因一是甲增加60.4万元；二是乙增加39.6万元。", [Verdict.ROUNDING]),
    ("较上年减少100万元，主要原因一是甲减少60万元；二是乙减少30万元。", [Verdict.FAIL]),
    ("较上年减少100万元，主要原因一是甲减少了60万元；二是乙减少40万元。", []),
    # a 其中 clause breaks an item down and is not counted again
    ("较上年减少200万元，主要原因一是基本支出减少150万元，其中人员经费减少100万元、公用经费减少50万元；二是项目支出减少50万元。", []),
    # the reasons end with the sentence, also at ！
    ("较上年减少100万元，主要原因一是甲减少60万元；二是乙减少40万元！另外丙增加30万元。", []),
])
def test_reasons_are_summed_as_printed(text, verdicts):
    kind, rule = _reasons_rule()
    assert [o.verdict for o in kind.check(rule, _Context([text]))] == verdicts


@pytest.mark.parametrize("text", [
    # two changes in one sentence: each has its own reasons
    "收入较上年减少100万元，主要原因是甲减少50万元，乙减少50万元，支出较上年减少100万元，主要原因是丙减少60万元、丁减少40万元。",
    # the reasons explain another figure (a sub-item, or a figure the templates do not know)
    "收入较上年减少200万元，其中财政拨款收入增加50万元，主要原因是甲增加30万元，乙增加20万元。",
    "结转较上年减少200万元。财政拨款收入800万元，增加50万元，主要原因是甲增加30万元，乙增加20万元。",
    # amounts that cannot be signed for sure: approximate, 分别, negated
    "较上年减少100万元，主要原因一是甲减少约20万元；二是乙减少40万元；三是丙减少30万元。",
    "较上年增加50万元，主要原因是甲、乙分别增加30万元、20万元，丙增加5万元，丁增加5万元。",
    "较上年减少100万元，主要原因一是甲未减少40万元；二是乙减少40万元；三是丙减少60万元。",
])
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


@pytest.mark.parametrize("template", ["较上年{金额:变动}", "较上年{方向:方向}{百分比:变动}",
                                      ["较上年{方向:方向}{金额:变动}", "较年初预算{方向:方向}{数:变动}"]])
def test_a_reasons_template_needs_direction_and_a_money_change_in_every_wording(template):
    from xlplugin.kinds import claim_reasons

    with pytest.raises(ValueError, match="bad-template"):
        claim_reasons.prepare({"template": template}, load_pack(find_pack("cq-2021")).layout, _Where())


@pytest.mark.parametrize("kind_name, params, code", [
    # an optional slot with the wrong type in one wording only
    ("claim_change", {"template": ["{科目:类}较上年{方向:方向}{金额:变动}。", "{科目:类}较上年{方向:方向}{金额:变动},{方向:方向2}{文字:幅度}"],
                      "current": "公开05表[{类}].合计"}, "bad-template"),
    ("claim_change", {"template": ["较上年{文字:方向}{金额:变动}", "较上年{方向:方向}{金额:变动}"], "current": "公开05表[合计].合计"}, "bad-template"),
    # a slot a check computes with is text in one wording
    ("claim", {"template": ["培训费支出{金额:值}", "培训费{文字:值}"], "checks": ["{值} == 公开09表[培训费].决算数"]}, "text-slot"),
])
def test_slot_types_are_checked_in_every_wording(kind_name, params, code):
    import importlib

    kind = importlib.import_module(f"xlplugin.kinds.{kind_name}")
    with pytest.raises(ValueError, match=code):
        kind.prepare(params, load_pack(find_pack("cq-2021")).layout, _Where())
