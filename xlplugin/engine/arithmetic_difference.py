"""A change printed next to both of its levels: the difference itself, whether or not a rate follows.

The rate readers (:mod:`xlplugin.engine.arithmetic`, :mod:`xlplugin.engine.arithmetic_changes`)
judge ``增加 C，增长 r%`` through r. When a sentence prints the current level X, the earlier level P
and the change C, C itself must be |X − P| — as written, each money figure ± half a unit of its
last digit (万元 to 0.01), a printed 0 exact. Three shapes are read:

- **the prior printed after a comparison** (:func:`_prior_printed`): ``公务接待费 8 万元，比上年（预算）
  12.5 万元减少 4.35 万元``, ``决算数为 X，比 2014 年度预算数减少 C1，比 2013 年度决算数 P 减少 C``,
  ``X，与上年决算数 P 相比，增加 C`` — P is introduced by 比/较/与 and named 上年、去年、预算、年初、
  同期 or a year; X is the level right before the comparison, or the statement's level further back
  past its other changes and rates;
- **two labelled levels** (:func:`_two_levels`): ``公务接待费 2016 年预算 8 万元，2015 年预算 12.5 万元；
  对比减少 4.35 万元``, ``本年支出 X 万元，上年支出 P 万元，增加 C 万元`` — the same words after the
  year (或 本年/上年), the earlier year the later one's predecessor, the change right after P;
- **the two years stated before** (:func:`_years_before`): ``2022 年“三公”经费决算数相较于上年增加 C``
  after ``2022 年的“三公”经费决算数合计为 X……2021 年的三公经费决算数合计为 P`` — one figure of the
  subject for each year, each opening a sentence of its own.

The direction word must agree with the sign of X − P (``增加`` where X < P is a wording slip, not
arithmetic this reader judges); anything else in between — another figure, a parenthesis, a new
sentence — and the reader stays silent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from xlplugin.core.intervals import Interval
from xlplugin.core.printed import judge_total
from xlplugin.engine.arithmetic_changes import current_further_back
from xlplugin.engine.arithmetic_claim import PINYIN, Claim, not_actual
from xlplugin.workbook.narrative import Quantity

__all__ = ["differences"]

_UP = ("增加", "增长", "上升", "提高", "增收", "增支", "多收", "多支")
_DOWN = ("减少", "下降", "降低", "减收", "减支", "少收", "少支")
_WORD = "|".join(_UP + _DOWN)
#: between P and C after ``比/较 … P``: the direction word alone
_AFTER_PRIOR = re.compile(rf"^[，,]?({_WORD})(?:了)?$")
#: between P and C after ``与 … P``: ``相比，减少``
_AFTER_WITH = re.compile(rf"^(?:相比|相较|比较)[，,]?({_WORD})(?:了)?$")
#: the comparison that introduces P, and the words naming what P is
_PRIOR_LEAD = re.compile(r"(比|较|与|相较于?)((?:\d{4}年度?)?[^，,。；;:：\d%]{0,20})$")
_PRIOR_NAME = re.compile(r"^\d{4}年|上年|去年|上一年|预算|年初|同期")
#: words a comparison's name may not carry: a mean, another unit's figure
_PRIOR_REFUSED = re.compile(r"均|全省|全市|全国|全区|全县|其中|分别|各")
_STATEMENT_ENDS = "。；;"
#: a fund's name says 预算 without naming a budget figure (``比一般公共预算财政拨款 P``)
_FUND = re.compile(r"(?:一般公共|政府性基金|国有资本经营|社会保险基金)预算")


def differences(text: str, quantities, earlier: Sequence = ()) -> list[Claim]:
    """Every change of ``text`` printed next to both its levels, judged as X − P (money and
    percent ``quantities`` of the paragraph, in order); ``earlier`` are the few paragraphs before
    it, where a year's two levels may be stated (:func:`_years_before`)."""
    claims = []
    for index in range(len(quantities)):
        if quantities[index][2].kind != "money":
            continue
        if index >= 2:
            found = _prior_printed(text, quantities, index) or _two_levels(text, quantities, index)
            if found:
                claims += found
                continue
        claims += _years_before(text, quantities, index, earlier)
    return claims


def _prior_printed(text: str, quantities, index: int) -> list[Claim]:
    """``X，比上年（预算）P 减少 C`` with C at ``index`` and P right before it."""
    (s1, e1, prior), (s2, e2, change) = quantities[index - 1], quantities[index]
    if prior.kind != "money":
        return []
    low = quantities[index - 2][1]
    lead = _PRIOR_LEAD.search(text[max(low, s1 - 30) : s1])
    name = _FUND.sub("", lead.group(2)) if lead else ""
    if lead is None or not _PRIOR_NAME.search(name) or _PRIOR_REFUSED.search(name):
        return []
    between = text[e1:s2]
    direction = (_AFTER_WITH if lead.group(1) == "与" else _AFTER_PRIOR).match(between)
    if direction is None:
        return []
    (s0, e0, current) = quantities[index - 2]
    gap = text[e0:s1]
    adjacent = current.kind == "money" and re.fullmatch(r"[，,]?(?:同比)?", gap[: len(gap) - len(lead.group(0))])
    if adjacent and _is_level(text, s0, low=quantities[index - 3][1] if index >= 3 else 0):
        found = (s0, e0), current
    else:
        # past the statement's other changes and rates: ``决算数为 X，比预算数减少 C1，比上年决算数 P 减少 C``
        found = current_further_back(text, quantities, index - 1)
        if found is None or not _is_level(text, found[0][0], strict=True):
            return []
    (s0, e0), current = found
    return _judged(text, current, (s0, e0), prior, (s1, e1), change, (s2, e2), direction.group(1))


#: the label of a level: a year, or 本年/上年 — and what follows it up to the figure
_LATER_LABEL = re.compile(r"(?:(\d{4})年度?|(本年度?|今年|当年))([^，,。；;:：\d%]{0,10})$")
_EARLIER_LABEL = re.compile(r"^[，,、;；](?:(\d{4})年度?|(上年度?|去年|上一年度?))([^，,。；;:：\d%]{0,10})$")
_AFTER_LEVELS = re.compile(
    rf"^[，,;；]?(?:(?:与|较|比)(?:上年|去年|\d{{4}}年度?))?(?:对比|相比|比较|同比)?[，,]?({_WORD})(?:了|额为|为)?$"
)
#: words around a label that say nothing about what the figure is
_FILLER = re.compile(r"^(?:的)|(?:为|是|共计|合计|共)+$")


def _two_levels(text: str, quantities, index: int) -> list[Claim]:
    """``2016 年预算 X，2015 年预算 P；对比减少 C`` (or 本年 X，上年 P，增加 C) with C at ``index``."""
    (s0, e0, current), (s1, e1, prior), (s2, e2, change) = quantities[index - 2 : index + 1]
    if current.kind != "money" or prior.kind != "money":
        return []
    low = quantities[index - 3][1] if index >= 3 else 0
    later = _LATER_LABEL.search(text[max(low, s0 - 30) : s0])
    earlier = _EARLIER_LABEL.match(text[e0:s1])
    direction = _AFTER_LEVELS.match(text[e1:s2])
    if not (later and earlier and direction):
        return []
    if later.group(1) and earlier.group(1):
        if int(later.group(1)) != int(earlier.group(1)) + 1:
            return []
    elif earlier.group(1):
        return []  # 2021 年 X，上年 P is one comparison; 本年 X，2020 年 P is not clear
    if _FILLER.sub("", later.group(3)) != _FILLER.sub("", earlier.group(3)):
        return []  # not clearly the same item
    if _DIRECTION_IN.search(later.group(3)):
        return []
    return _judged(text, current, (s0, e0), prior, (s1, e1), change, (s2, e2), direction.group(1))


_DIRECTION_IN = re.compile(rf"{_WORD}|减|增")
#: a sentence that gives a reason: its figures are no level of the subject
_REASON = re.compile(r"^(?:主要)?原因|^主要是|^[一二三四五六七八九十]是")


def _is_level(text: str, start: int, low: int = 0, strict: bool = False) -> bool:
    """Whether the figure at ``start`` is a level of its own, not a change or a figure of a reason;
    ``strict`` (found walking back): not a budget or last year's figure either, unless it is a
    completion's actual (``完成``)."""
    clause = text[max(low, max(text.rfind(mark, 0, start) for mark in "，,;；:：。") + 1) : start]
    if _DIRECTION_IN.search(clause) or "均" in clause:
        return False
    if not strict:
        return True
    sentence = text[max(text.rfind(mark, 0, start) for mark in _STATEMENT_ENDS) + 1 : start]
    return not (_REASON.search(sentence) or not_actual(clause) and "完成" not in clause)


def _interval(quantity: Quantity) -> Interval:
    # a printed zero is nothing at all (无此项支出), not “less than half a unit”
    return Interval.exact(Decimal(0)) if quantity.value == 0 else quantity.interval()


def _judged(text, current, current_at, prior, prior_at, change, change_at, word: str, across=False) -> list[Claim]:
    """The claim that ``change`` is |current − prior|, its direction given by ``word``; none when
    the word contradicts the sign (a wording slip) or — unless the levels are ``across`` sentences
    by design — a figure lies between them in a new sentence."""
    if not across and "。" in text[current_at[1] : change_at[0]]:
        return []
    up = word in _UP
    difference = _interval(current) - _interval(prior)
    if up and difference.high < 0 or not up and difference.low > 0:
        return []
    computed = difference if up else -difference
    larger, smaller = ((current, current_at), (prior, prior_at)) if up else ((prior, prior_at), (current, current_at))
    printing = judge_total(change.value, change.decimals, computed)
    return [
        Claim(
            "difference",
            change,
            change_at,
            computed,
            printing,
            (larger[0], smaller[0]),
            (larger[1], smaller[1], change_at),
            unit="万元",
            signs=(1, -1),
        )
    ]


#: ``2022年“三公”经费决算数相较于上年增加 C``: a year, a subject, a comparison with the year before
_YEAR_CHANGE = re.compile(
    rf"^(?:\d{{1,2}}[、.．])?(\d{{4}})年度?的?([^，,。；;:：\d%]{{2,30}}?)(?:相较于?|较|比)(上年|去年|(\d{{4}})年度?)"
    rf"(?:同期)?[，,]?({_WORD})(?:了|额为|为)?$"
)
_SUBJECT_NOISE = re.compile(
    r"^(?:一般公共预算财政拨款|财政拨款|本部门|本单位)+|(?:支出|决算|数|合计|总额|金额|共计|的)+$"
)
_YEAR = re.compile(r"(\d{4})年")


def _plain(words: str) -> str:
    return PINYIN.sub("", words).replace("“", "").replace("”", "").replace('"', "")


def _years_before(text: str, quantities, index: int, earlier: Sequence) -> list[Claim]:
    """``2022 年“三公”经费决算数相较于上年增加 C`` — a sentence with no figure before C, whose two
    levels an earlier sentence of the paragraph or of the ones before it states, one sentence for
    each year (``2022 年的“三公”经费决算数合计为 X``…``2021 年的三公经费决算数合计为 P``): the year's and
    the year before's figure of the subject, each the only one there is."""
    start = quantities[index][0]
    sentence_start = max(text.rfind(mark, 0, start) for mark in _STATEMENT_ENDS) + 1
    if index and quantities[index - 1][1] > sentence_start:
        return []  # a figure of the sentence's own before the change
    match = _YEAR_CHANGE.match(_plain(text[sentence_start:start]))
    if match is None:
        return []
    year = int(match.group(1))
    if match.group(4) and int(match.group(4)) != year - 1:
        return []
    subject = match.group(2)
    for _ in range(3):
        subject = _SUBJECT_NOISE.sub("", subject)
    if len(subject) < 2 or not_actual(subject):
        return []
    sources = [(text[:sentence_start], quantities[:index], True)]
    sources += [(p.norm, [q for q in p.quantities if q[2].kind == "money"], False) for p in earlier]
    levels: dict[int, set] = {year: set(), year - 1: set()}
    for source, found, own in sources:
        for at in _year_levels(source, found, subject):
            if at[0] in levels:
                levels[at[0]].add(((at[1] if own else (0, 0)), at[2]))
    if any(len({q.value for _, q in found}) != 1 for found in levels.values()):
        return []
    (current_at, current), (prior_at, prior) = (min(levels[year]), min(levels[year - 1]))
    end = quantities[index][1]
    change = quantities[index][2]
    return _judged(text, current, current_at, prior, prior_at, change, (start, end), match.group(5), across=True)


def _year_levels(source: str, found, subject: str):
    """(year, span, quantity) of each figure of ``source`` that opens a sentence naming one year
    and ``subject``: the first money figure of its sentence, before any 其中, no change, budget or
    last year's figure."""
    previous_end = 0
    for start, end, quantity in found:
        sentence_start = max(source.rfind(mark, 0, start) for mark in _STATEMENT_ENDS) + 1
        first = previous_end <= sentence_start
        previous_end = end
        if quantity.kind != "money" or not first:
            continue
        sentence = _plain(source[sentence_start:start])
        years = set(_YEAR.findall(sentence))
        if len(years) != 1 or subject not in sentence or "其中" in sentence or "均" in sentence:
            continue
        if not_actual(sentence) or _DIRECTION_IN.search(sentence):
            continue
        yield int(years.pop()), (start, end), quantity
