"""The arithmetic a 情况说明 states about itself, read without per-phrasing templates.

Every 情况说明 states the same few kinds of arithmetic, whatever its region's wording. This reader
finds them from the shape of a sentence — the quantities in it and the words between them — and
judges each printed figure "as written" (:mod:`xlplugin.core.printed`):

- **change** — ``X 万元，较上年（同比、比 2020 年度、与上年相比…）增加 C 万元，增长 r%``: the base
  is X − C (X + C for 减少/下降), and r must be C ÷ base; a zero base is reported, not divided by.
  X may stand further back in the same statement (``决算为 Z，完成预算 B 的 p%，比上年增加 C，增长
  r%``), the base may be printed (``比上年决算数 P 减少 C，下降 r%``), the rate may come first
  (``完成 X，比上年增长 r%，增收 C``): :mod:`xlplugin.engine.arithmetic_changes`. ``增长 x 个百分点``
  is a difference of rates, never a rate;
- **completion** — ``年初预算为 B 万元，支出决算为 Z 万元，完成年初预算的 p%``,
  ``决算为 Z 万元，完成全年预算 B 万元的 p%`` or ``收入 Z，为年初计划 B 的 p%``: p must be Z ÷ B;
- **share of a printed whole** — ``W 万元，其中：A 万元，占 p%``: p must be A ÷ W; and of a **named**
  whole (``A，占一般公共预算收入的 p%``, ``分别为 a、b 和 c，占全国政府采购规模的 x%、y% 和 z%``):
  :mod:`xlplugin.engine.arithmetic_named`;
- totals, compositions, change = Σ reasons: :mod:`xlplugin.engine.arithmetic_sums`;
- **difference** — a change printed next to both its levels (``8 万元，比上年 12.5 万元减少 C``, ``本年 X，
  上年 P，增加 C``), rate or not: C must be |X − P| (:mod:`xlplugin.engine.arithmetic_difference`);
- the standard 部门决算 sections, where a statement leans on its paragraph (a sentence without a
  subject of its own, 收支 as 收入总计 and 支出总计, a 类 list over paragraphs under its heading):
  :mod:`xlplugin.engine.arithmetic_sections`.

**What a printed amount stands for** (:mod:`xlplugin.engine.arithmetic_text`), as both corpora of
real excerpts state it (``tests/narrative_corpus/README.md``, ``tests/narrative_holdout/README.md``):

- 万元 and 元 are money published to 0.01 of the unit: ``18万元`` and ``12.5万元`` are 18.00 and 12.50
  with their zeros dropped, so each stands for ± 0.005 万元 (元: ± 0.005 元); a more precise figure
  keeps its own half unit, and a printed 0 is nothing at all (exact);
- 亿元 figures are statistics rounded to their last printed digit: ``34993.1亿元`` is ± 0.05 亿元,
  ``489亿元`` ± 0.5 亿元 — except that a whole figure printed among one-decimal ones (``支出完成 328
  亿元，同比增加 75.2 亿元``) was rounded to 0.1 too and its zero dropped (± 0.05). Reading 亿元 to
  0.01 would turn ordinary rounding of statistics into errors; reading 万元 to its printed digit
  would let a ``18万元`` hide a 0.4 万元 mistake.

A percent that states a bound (``99%以上``、``超过 30%``、``10%左右``) is not judged. Pinyin glosses of
mirror sites (``增長(cháng)``) are read through.

It is deliberately conservative: a sentence is judged only when its shape leaves no doubt about
which figure is which (no other quantity in between, the direction word right before the change;
a named whole only when exactly one figure carries the name). No false alarm is the first
requirement: a reader that is unsure stays silent.
Traditional characters (萬元、減少、增長) read as simplified ones: the paragraph's normalised text has them so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from functools import cached_property

from xlplugin.core.intervals import Interval
from xlplugin.engine.arithmetic_changes import (
    continues,
    current_further_back,
    prior_printed,
    rate_first,
    rate_gap,
    two_years,
)
from xlplugin.engine.arithmetic_claim import PINYIN as _PINYIN
from xlplugin.engine.arithmetic_claim import Claim, budget_clause, not_actual, sangong_part
from xlplugin.engine.arithmetic_claim import ratio_claims as _ratio
from xlplugin.engine.arithmetic_difference import differences
from xlplugin.engine.arithmetic_entries import MASK, depths, masked
from xlplugin.engine.arithmetic_later import LATER, later_figure
from xlplugin.engine.arithmetic_named import read_named_shares
from xlplugin.engine.arithmetic_sections import (
    income_and_expense,
    list_shares,
    paired_changes,
    subject_current,
    subject_whole,
)
from xlplugin.engine.arithmetic_spread import spread_lists
from xlplugin.engine.arithmetic_sums import read_sum_claims
from xlplugin.engine.arithmetic_text import prepared, restored
from xlplugin.workbook.narrative import Paragraph, Quantity

__all__ = ["Claim", "read_claims"]

_INCREASE = ("增加", "增长", "上升", "提高", "增幅")
_DECREASE = ("减少", "下降", "降低", "减")
#: words that make a change a comparison with an earlier figure
_COMPARED = re.compile(r"(较|比|同比|与|相较于?|对比)")
_DIRECTION = re.compile(r"(增加|减少|增长|下降|上升|降低|提高)$")
_RATE_GAP = re.compile(
    r"^[，,、；;]?(?:同比)?(增长|下降|降低|上升|增加|减少|提高|增幅|降幅|减幅)(?:了|幅度为|率为|比例为|率|为|达)?$"
)
_COMPLETION = re.compile(r"完成(?:全年|年初|年度)?预算(?:数)?的?$")
_DIRECTION_BEFORE = re.compile(r"(增加|减少|增长|下降|上升|降低|提高)(?:了|为)?$")
#: ``，完成区人大常委会批准收入调整预算`` / ``，为年初计划``: the words between an amount and its budget
_FOR_BUDGET = re.compile(r"^[，,](?:预计)?(?:完成|为)[^，,。；;\d%]{0,30}?(?:预算|计划)数?$")
_COMPLETION_BUDGET = re.compile(r"完成[^，,。；;]{0,12}预算(?:数)?$")
_COMPLETION_WITH_BUDGET = re.compile(r"完成(?:全年|年初|年度)?预算(?:数)?$")
_SHARE = re.compile(r"^[，,]?(?:占|约占)(?:比|比例为|比重为)?$")
#: a share of the whole the sentence itself lists: ``…费 A 万元，占 p%`` or ``…占总支出决算的 p%``
#: a list of a whole's uses in place of 其中: ``支出 W 万元，主要用于以下方面：A，占 p%；…``
_LIST_OPENER = re.compile(r"主要用于(?:以下|如下)[^，,。；;:：]{0,6}[:：]")
_LISTED_SHARE = re.compile(r"^[，,]?(?:占|约占)(?:[^，,。;；\d]{0,8}的)?(?:比|比例为|比重为)?[，,]?$")


def _interval(quantity: Quantity) -> Interval:
    return quantity.interval()


#: how many paragraphs back a subject's figure or a named whole is looked for (a list over
#: paragraphs looks further: :func:`xlplugin.engine.arithmetic_sections.list_shares`)
NEAR = 3


def read_claims(
    paragraph: Paragraph, earlier: Sequence[Paragraph] = (), later: Sequence[Paragraph] = ()
) -> list[Claim]:
    """Every change, completion and share claim of ``paragraph`` whose shape is unambiguous. Spans
    are in the paragraph's normalised text (:attr:`Paragraph.norm`). ``earlier`` are the paragraphs
    before it in its section: the last :data:`NEAR` of them may state a change's current figure or a
    named whole; a list's heading and the whole it names may stand further back. ``later`` are the
    paragraphs after it: the first of them may state a change's current figure that nothing before
    it states (:mod:`xlplugin.engine.arithmetic_later`)."""
    clean, back = prepared(paragraph)
    after = tuple(prepared(p)[0] for p in later[:LATER])
    return restored(_read(clean, tuple(prepared(p)[0] for p in earlier), after), back)


def _read(paragraph: Paragraph, section: tuple[Paragraph, ...], later: tuple[Paragraph, ...] = ()) -> list[Claim]:
    text = paragraph.norm
    before = section[-NEAR:] if NEAR else ()
    quantities = _money_and_percent(paragraph)
    outside = _Outside(text, quantities)  # the bracket depths, once per paragraph (not per figure)
    claims: list[Claim] = list_shares(paragraph, section)
    claims += paired_changes(text, paragraph.quantities, before)
    for index in range(len(quantities)):
        claims += (
            _change(text, quantities, index, before, later)
            or two_years(text, quantities, index)
            or _change_after_aside(outside, index, before)
            or rate_first(text, quantities, index)
        )
        claims += _completion(text, quantities, index)
        claims += _share(text, quantities, index)
    rates = [q for q in paragraph.quantities if q[2].kind in ("percent", "points")]
    claims += [c for index in range(len(rates)) for c in rate_gap(text, rates, index)]
    claims = _first_per_figure(claims)
    judged = {claim.span for claim in claims}
    claims += [c for c in _sangong_shares(text, quantities) if c.span not in judged]
    judged = {(claim.kind, claim.span) for claim in claims}
    claims += [c for c in read_sum_claims(paragraph, before) if (c.kind, c.span) not in judged]
    judged = {(claim.kind, claim.span) for claim in claims}
    claims += [c for c in read_named_shares(paragraph, before, section) if (c.kind, c.span) not in judged]
    # a whole of an earlier paragraph (span (0, 0)), told apart by its figure
    judged = {(claim.kind, claim.printed.value) for claim in claims if claim.span == (0, 0)}
    claims += [c for c in spread_lists(paragraph, section) if (c.kind, c.printed.value) not in judged]
    # a change printed next to both its levels: the difference itself, rate or not
    return claims + differences(text, quantities, before)


class _Outside:
    """A paragraph's figures outside parentheses: its bracket depths, read once per paragraph, and
    the text with its asides masked, made when a figure first needs it — never once per figure,
    which made a long paragraph take quadratic time (3,000 change sentences: 66 s)."""

    def __init__(self, text: str, quantities: list) -> None:
        self.text, self.quantities = text, quantities
        self.depth = depths(text)

    @cached_property
    def flat(self) -> str:
        return masked(self.text, self.depth, 0)

    @cached_property
    def kept(self) -> list:
        """The figures outside parentheses (those of :attr:`flat`)."""
        return [q for q in self.quantities if not self.depth[q[0]]]

    @cached_property
    def position(self) -> dict[int, int]:
        """Index in :attr:`quantities` → index in :attr:`kept`."""
        kept = (i for i, q in enumerate(self.quantities) if not self.depth[q[0]])
        return {index: position for position, index in enumerate(kept)}


def _change_after_aside(outside: _Outside, index: int, earlier) -> list[Claim]:
    """A change whose figure stands before an aside in parentheses: ``公务用车购置及运行费500.00万元
    （购置费100.00万元，比上年增加0万元；运行维护费400.00万元。）比上年增加0万元，增长0%`` — read with
    the aside masked, so the figure before it is the one right before the comparison."""
    quantities, depth = outside.quantities, outside.depth
    if not index or depth[quantities[index][0]] or not depth[quantities[index - 1][0]]:
        return []
    return _change(outside.flat, outside.kept, outside.position[index], earlier)


def _first_per_figure(claims: list[Claim]) -> list[Claim]:
    """The first claim on each printed figure (a paired change is also a change of its own)."""
    seen: set[tuple[int, int]] = set()
    kept = []
    for claim in claims:
        if claim.span not in seen:
            seen.add(claim.span)
            kept.append(claim)
    return kept


def _between(text: str, quantities, left: int, right: int) -> str:
    """The words between quantity ``left`` and quantity ``right`` (no quantity may lie between)."""
    return text[quantities[left][1] : quantities[right][0]]


def _change(text: str, quantities, index: int, earlier: tuple[Paragraph, ...] = (), later=()) -> list[Claim]:
    """``X …较上年增加 C，增长 r%`` with the change C at ``index``. X is the money figure right before
    the comparison, or — when the sentence names only its subject (``“三公”经费支出决算数比上年减少
    C``) — that subject's 决算 figure stated earlier in the paragraph or in the ones before it (or,
    when none of them does, in the ones after it: ``later``)."""
    if index + 1 >= len(quantities) or index == 0 and not earlier and not later:
        return []
    (s1, e1, change), (s2, e2, rate) = quantities[index], quantities[index + 1]
    if change.kind != "money" or rate.kind != "percent":
        return []
    second = _RATE_GAP.match(_between(text, quantities, index, index + 1))
    clause_start = max(text.rfind(mark, 0, s1) for mark in "，,;；:：。") + 1
    previous_end = quantities[index - 1][1] if index else 0
    words = text[max(previous_end, clause_start) : s1]
    direction = _DIRECTION.search(text[previous_end:s1])
    if second is None or direction is None:
        return []
    up = direction.group(1) in _INCREASE
    if (second.group(1) in _INCREASE) != up:
        return []  # "增加 C，下降 r%" contradicts itself: a wording check says so, not arithmetic
    before = _between(text, quantities, index - 1, index).replace(MASK, "") if index else ""
    previous = quantities[index - 1][2] if index else None
    breaks = any(ch in before for ch in "。；;")
    if (
        previous is not None
        and previous.kind == "money"
        and len(before) <= 30
        and _COMPARED.search(before)
        and not breaks
    ):
        current_at, current = quantities[index - 1][:2], previous
        also = ()
    else:
        if previous is not None and previous.kind == "money":
            printed = prior_printed(text, quantities, index)  # 比上年决算数 P 减少 C: the base is P
            if printed:
                return printed
        # past the rates, a completion's budget and the figure's other changes (``决算为 Z，完成预算 B
        # 的 p%，比上年增加 C``), else the subject's figure stated before
        # (over ``。`` too, into a statement that starts with its comparison: ``X。较上年减少 C``)
        walk = index and (_skips(text, quantities, index) or breaks and previous.kind == "money" and continues(before))
        found = current_further_back(text, quantities, index) if walk else None
        if found is not None and not _level_of_subject(text, found[0][0]):
            found = None
        found = found or _paragraph_current(words, text, quantities, index, earlier)
        found = found or _subject_figure(words, text, quantities, index, earlier)
        if found is None and later and not _subject_named_before(words, text, quantities, index, earlier):
            found = later_figure(_subject(words), text, s1, later)
        if found is None:
            return []
        current_at, current = found[:2]
        also = found[2:]  # 收支: the 支出总计 the 收入总计 stands for too
    base = _interval(current) - _interval(change) if up else _interval(current) + _interval(change)
    spans = (*also, current_at, (s1, e1), (s2, e2))
    return _ratio("change", rate, _interval(change), base, (current, change), spans, "上年数为零，增减率无从计算")


_SUBJECT_NOISE = re.compile(
    r"^\d{4}年度?|^[（(]?[一二三四五六七八九十\d]+[)）、.]|一般公共预算财政拨款|财政拨款|[“”\"'‘’]|"
    r"(?:支出|决算|预算|数|总额|合计|金额|为|共计|的)+$"
)


def _skips(text: str, quantities, index: int) -> bool:
    """Whether the figure right before the change at ``index`` is one a walk back passes over: a
    rate, a completion's budget or another change (not a level of its own)."""
    start, _, quantity = quantities[index - 1]
    lead = text[max(0, start - 30) : start]
    return quantity.kind == "percent" or bool(_DIRECTION_BEFORE.search(lead) or _COMPLETION_BUDGET.search(lead))


def _subject(words: str) -> str:
    """The thing a change is about: ``2023年度一般公共预算财政拨款“三公”经费支出决算数比2022年减少`` →
    ``三公经费``."""
    comparison = _COMPARED.search(words)
    subject = _PINYIN.sub("", words[: comparison.start()] if comparison else _DIRECTION.sub("", words))
    for _ in range(4):  # the noise is peeled from both ends, a piece at a time
        subject = _SUBJECT_NOISE.sub("", subject)
    return subject


#: a sentence that gives a reason: its figures are no level of the subject (``主要原因是新增 500 万元``)
_REASON = re.compile(r"^(?:主要)?原因|^主要是|^[一二三四五六七八九十]是")


def _level_of_subject(text: str, start: int) -> bool:
    """Whether the figure at ``start``, found walking back from a change, can be its current level:
    not a budget or last year's figure, not a figure of a reason."""
    sentence = text[max(text.rfind(mark, 0, start) for mark in "。；;") + 1 : start]
    clause = text[max(text.rfind(mark, 0, start) for mark in "，,;；:：。") + 1 : start]
    return not (_REASON.search(sentence) or not_actual(clause) and "完成" not in clause)


def _paragraph_current(words: str, text: str, quantities, index: int, earlier):
    """The current figure of a change whose sentence names no subject of its own (the paragraph's
    subject figure), or whose subject is 收支 — 收入总计 and 支出总计, when they are one figure (then
    with the 支出总计's span after it: both figures are used)."""
    found = subject_current(text, quantities, index)
    if found is not None:
        return found
    comparison = _COMPARED.search(words)
    pair = income_and_expense(
        words[: comparison.start()] if comparison else _DIRECTION.sub("", words), text, quantities, index, earlier
    )
    if pair is None or pair[0][1].value != pair[1][1].value:
        return None
    (income_at, income), (expense_at, _) = pair
    return (income_at, income) if expense_at in ((0, 0), income_at) else (income_at, income, expense_at)


def _subject_figure(words: str, text: str, quantities, index: int, earlier) -> tuple[tuple[int, int], Quantity] | None:
    """The 决算 money figure stated for the subject of ``words``: last in this paragraph before the
    change, else in the nearest earlier paragraph. Its statement (its sentence, or its item of a
    list) up to it must name the subject, and its own clause say 决算, not 预算."""
    subject = _subject(words)
    if len(subject) < 2:
        return None
    candidates = [(text, quantities[:index], True)] + [
        (p.norm, _money_and_percent(p), False) for p in reversed(earlier)
    ]
    for source, found, own in candidates:
        refused = False
        for start, end, quantity in reversed(found):
            if quantity.kind != "money":
                continue
            # the figure's own statement: its sentence, or its item of a list (…；…；)
            sentence = source[max(source.rfind(mark, 0, start) for mark in ("。", ";", "；", "其中")) + 1 : start]
            clause = source[max(source.rfind(mark, 0, start) for mark in "，,;；:：。") + 1 : start]
            named = subject in _unquoted(sentence)
            # an unqualified figure of a 决算 document is the 决算 — when its own clause names the
            # subject (``收入总计 X，支出总计 Y`` names 收入 in Y's sentence, not in Y's clause); one
            # said to be a 预算 never is
            if "决算" not in clause:
                named = subject in _unquoted(clause)
            if named and not budget_clause(clause) and not _DIRECTION.search(clause) and not _PRIOR.search(clause):
                return ((start, end) if own else (0, 0)), quantity
            refused = refused or named and "决算" not in clause and not _DIRECTION.search(clause)
        if refused:
            return None  # the paragraph names the subject's budget or last year's figure, not its 决算
    return None


def _subject_named_before(words: str, text: str, quantities, index: int, earlier) -> bool:
    """Whether the subject of the change at ``index`` is named before its own clause — in the
    paragraph or the ones before it: then its figure there was not the current one, and one stated
    after the change is not looked for."""
    subject = _subject(words)
    start = quantities[index][0]
    clause_start = max(text.rfind(mark, 0, start) for mark in "，,;；:：。") + 1
    return subject in _unquoted(text[:clause_start]) or any(subject in _unquoted(p.norm) for p in earlier)


#: words of a figure that is not this year's 决算 though it names the subject
_PRIOR = re.compile(r"上年|去年|上一年|同期|年初|调整|计划|平均|人均|车均")


def _unquoted(words: str) -> str:
    return _PINYIN.sub("", words).replace("“", "").replace("”", "").replace('"', "")


def _money_and_percent(paragraph: Paragraph) -> list:
    return [q for q in paragraph.quantities if q[2].kind in ("money", "percent")]


def _completion(text: str, quantities, index: int) -> list[Claim]:
    """``预算 B … 决算 Z … 完成预算的 p%`` or ``决算 Z，完成预算 B 的 p%`` ending at ``index``."""
    s2, e2, rate = quantities[index]
    if rate.kind != "percent" or index < 2:
        return []
    (s0, e0, first), (s1, e1, second) = quantities[index - 2], quantities[index - 1]
    if first.kind != "money" or second.kind != "money":
        return []
    before_rate = _between(text, quantities, index - 1, index)
    between = _between(text, quantities, index - 2, index - 1)
    lead = text[max(0, s0 - 12) : s0]
    if _COMPLETION.search(before_rate.rstrip("，,")) and "预算" in lead and "决算" in between and len(between) <= 20:
        budget, actual = first, second  # 预算为 B，决算为 Z，完成预算的 p%
    elif before_rate in ("的", "") and _COMPLETION_WITH_BUDGET.search(between.rstrip("，,")) and "决算" in lead:
        actual, budget = first, second  # 决算为 Z，完成预算 B 的 p%
    elif before_rate == "的" and _FOR_BUDGET.match(between) and not _DIRECTION_BEFORE.search(lead):
        actual, budget = first, second  # 收入 Z，完成（…批准的）调整预算 B 的 p% / 为年初计划 B 的 p%
    else:
        return []
    if any(ch in between + before_rate for ch in "。；;"):
        return []
    spans = ((s0, e0), (s1, e1), (s2, e2))
    return _ratio(
        "completion", rate, _interval(actual), _interval(budget), (actual, budget), spans, "预算数为零，完成率无从计算"
    )


def _share(text: str, quantities, index: int) -> list[Claim]:
    """``W …其中：… A，占 p%`` with the share p at ``index``: A right before it, W before 其中."""
    s2, e2, share = quantities[index]
    if share.kind != "percent" or index < 2:
        return []
    s1, e1, part = quantities[index - 1]
    if part.kind != "money" or not _SHARE.match(_between(text, quantities, index - 1, index)):
        return []
    # 其中 (or a list's opener) in the sentence of the share: an opening before its 。 is refused,
    # so none is looked for there (not over the whole paragraph for every share)
    low = text.rfind("。", 0, s1) + 1
    opening = max([text.rfind("其中", low, s1)] + [m.start() for m in _LIST_OPENER.finditer(text, low, s1)])
    if opening < 0:
        return []
    # the whole: the last money figure before the opening
    wholes = (i for i in range(index - 2, -1, -1) if quantities[i][1] <= opening and quantities[i][2].kind == "money")
    whole_at = next(wholes, None)
    if whole_at is None:
        return []
    s0, e0, whole = quantities[whole_at]
    if text[e0:opening].strip("，,：:（）() "):
        # not right before 其中: the paragraph's subject, when 其中 opens a sentence after its reasons
        found = subject_whole(text, quantities, opening)
        if found is None:
            return []
        (s0, e0), whole = found
    spans = ((s0, e0), (s1, e1), (s2, e2))
    return _ratio("share", share, _interval(part), _interval(whole), (part, whole), spans, "合计为零，占比无从计算")


# ---------------------------------------------------------------------------------------------
# Shares of the “三公” total: its three parts are the same everywhere, so a sentence that lists all
# three with their shares states its own whole (因公出国（境）费 + 公务用车购置及运行费 + 公务接待费).


#: how far before an amount its label is looked for (a clause is shorter; a paragraph without
#: punctuation must not be sliced to its start for every amount)
_LABEL_REACH = 100


def _sangong_shares(text: str, quantities) -> list[Claim]:
    """Each ``…费 A 万元，占 p%`` of a sentence that lists all three 三公 parts, judged as A ÷ the
    three parts' sum (公务用车 either as one item or as 购置 + 运行)."""
    claims = []
    for sentence in _sentences(text, quantities):
        items: dict[str, tuple[int, Quantity, tuple | None]] = {}
        for position, index in enumerate(sentence):
            start, _, quantity = quantities[index]
            if quantity.kind != "money":
                continue
            # the label before the amount, back to the clause's start but no further than _LABEL_REACH
            low = max(0, start - _LABEL_REACH)
            boundary = max(max(text.rfind(mark, low, start) for mark in "，,;；:：。"), low - 1)
            part = sangong_part(text[boundary + 1 : start])
            following = sentence[position + 1] if position + 1 < len(sentence) else None
            share = None
            if (
                following is not None
                and quantities[following][2].kind == "percent"
                and _LISTED_SHARE.match(_between(text, quantities, index, following))
            ):
                share = quantities[following]
            if part is not None and part not in items:
                items[part] = (index, quantity, share)
        cars = ["vehicles"] if "vehicles" in items else ["purchase", "running"]
        parts = ["abroad", *cars, "reception"]
        if not all(p in items for p in parts) or not any(items[p][2] for p in parts):
            continue
        whole = Interval.exact(Decimal(0))
        for p in parts:
            whole = whole + _interval(items[p][1])
        for p in parts:
            index, amount, share = items[p]
            if share is None:
                continue
            s1, e1, _ = quantities[index]
            s2, e2, printed = share
            spans = ((s1, e1), (s2, e2))
            claims += _ratio(
                "share", printed, _interval(amount), whole, (amount,), spans, "三公经费合计为零，占比无从计算"
            )
    return claims


def _sentences(text: str, quantities) -> list[list[int]]:
    """Indexes of the quantities, grouped by sentence (。 ends one)."""
    groups: list[list[int]] = []
    previous = None
    for index, (start, _, _) in enumerate(quantities):
        if previous is None or "。" in text[previous:start]:
            groups.append([])
        groups[-1].append(index)
        previous = start
    return groups
