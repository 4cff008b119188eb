"""The standard sections of a 部门决算 情况说明, where a statement leans on the paragraph it stands in.

The national sections (收入支出决算总体情况、收入决算、支出决算、财政拨款收入支出决算总体情况、一般公共预算
财政拨款支出决算情况、基本支出、“三公”经费、机关运行经费…) open each paragraph with its subject and
one figure, ``<主语> X 万元``, and then say more about it in sentences of their own:

- **the paragraph's subject** (:func:`subject_index`): ``一般公共预算财政拨款收入 9754.15 万元，较上年
  决算数增加 C1，增长 r1%。主要原因……。较年初预算数增加 C2，增长 r2%`` — the second sentence has no
  subject of its own (or only a generic one: ``费用支出较年初预算数减少``), so its current figure is the
  paragraph's subject figure; a ``。其中：A 万元，占 p%`` sentence after the reasons is a share of it.
  Only when every money figure between the subject and the statement is a change (the reasons'
  ``人员经费减少 326.25 万元``): another level stated in between could be the one meant;
- **收支** (:func:`income_and_expense`): ``收入总计 X，支出总计 X。收支较上年减少 C，下降 r%`` — the
  subject 收支 is 收入总计 and 支出总计, one figure when they are equal (never a guess when they differ);
  paired (:func:`paired_changes`): ``收入、支出总计各增加 C1、C2 万元，增长 r1%、r2%`` — the i-th change
  with the i-th rate and the i-th total;
- **a list over paragraphs** (:func:`list_shares`): ``一般公共预算财政拨款支出主要用于以下几个方面：`` then
  one paragraph per item, ``（1）社会保障与就业支出 A 万元，占 p%…``: p is a share of the figure the
  heading names, stated in the section before it (or in the heading) — judged only when exactly one
  figure there carries that name.

In a 决算 document an unqualified figure is the 决算: a subject's figure whose clause says neither
决算 nor 预算 is its 决算; one that says 预算 (other than in a fund's name, 一般公共预算) never is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from xlplugin.core.printed import Printing
from xlplugin.engine.arithmetic_claim import PINYIN, Claim, budget_clause, not_actual, ratio_claims
from xlplugin.engine.arithmetic_judge import HUNDRED, judged
from xlplugin.workbook.narrative import Quantity

__all__ = [
    "income_and_expense",
    "list_shares",
    "paired_changes",
    "subject_current",
    "subject_index",
    "subject_whole",
]

_DIRECTION = re.compile(r"(增加|减少|增长|下降|上升|降低|提高|增收|减收|增支|减支)(?:了|为)?$")
_COMPARISON = re.compile(r"^(?:同比|较|比|与|相较于?|对比|相比)")
#: a subject that names nothing but the paragraph's own (``费用支出较年初预算数减少``)
_GENERIC = re.compile(r"^(?:该项|此项|上述|本项|其)?(?:费用|经费|支出|费用支出|经费支出|支出决算数?|决算数?)?$")
_HEADING = re.compile(r"^[^。]{0,20}。")
_LEVELS = "。；;"


def _clause(text: str, start: int, low: int = 0) -> str:
    return text[max(low, max(text.rfind(mark, 0, start) for mark in "，,;；:：。") + 1) : start]


def _is_change(text: str, quantities, index: int) -> bool:
    start = quantities[index][0]
    low = quantities[index - 1][1] if index else 0
    return bool(_DIRECTION.search(text[max(low, start - 40) : start]))


def subject_index(text: str, quantities) -> int | None:
    """Index (in ``quantities``) of the paragraph's subject figure: its first money figure, in its
    first sentence (a short heading ``2.收入情况。`` aside), this year's figure (not a change, budget
    or last year's) and the only level that sentence states. None when the paragraph has none."""
    first = next((i for i, q in enumerate(quantities) if q[2].kind == "money"), None)
    if first is None:
        return None
    start, end, _ = quantities[first]
    lead = _HEADING.sub("", text[:start], count=1)
    if any(mark in lead for mark in _LEVELS) or "其中" in lead:
        return None
    clause = _plain(_clause(text, start))
    if _DIRECTION.search(clause) or not_actual(clause) or len(clause) < 2:
        return None
    # the sentence's levels up to its end or its 其中 list (whose parts are the subject's)
    stop = min((p for p in (text.find(m, end) for m in (*_LEVELS, "其中")) if p >= 0), default=len(text))
    for index in range(first + 1, len(quantities)):
        if quantities[index][0] >= stop:
            break
        if quantities[index][2].kind == "money" and not _is_change(text, quantities, index):
            return None  # 收入总计 X，支出总计 Y：two subjects
    return first


def _plain(words: str) -> str:
    """``words`` without pinyin glosses and quotation marks."""
    return PINYIN.sub("", words).replace("“", "").replace("”", "").replace('"', "")


def _only_changes(text: str, quantities, first: int, last: int, until: int) -> bool:
    """Whether every money figure strictly between ``first`` and ``last`` is a change (the reasons'
    ``人员经费减少 C``), with no 其中 or 分别 list before ``until``: no other level could be meant."""
    between = text[quantities[first][1] : until]
    if "其中" in between or "分别" in between:
        return False
    return all(quantities[i][2].kind != "money" or _is_change(text, quantities, i) for i in range(first + 1, last))


def subject_current(text: str, quantities, index: int):
    """(span, quantity) of the paragraph's subject figure for the change at ``index`` when the
    change's sentence has no subject of its own — it starts with its comparison (``。较年初预算数
    增加 C``, ``。与2019年相比，减少 C``) or names only a generic one (``。费用支出较…``); None
    otherwise."""
    start = quantities[index][0]
    sentence_start = text.rfind("。", 0, start) + 1
    if sentence_start == 0 or index and quantities[index - 1][1] > sentence_start:
        return None  # the paragraph's first sentence, or a figure of the sentence's own before the change
    words = _plain(text[sentence_start:start])
    comparison = re.search(r"同比|较|比|与|相较于?|对比", words)
    if comparison is None or not _GENERIC.match(words[: comparison.start()]):
        return None
    subject = subject_index(text, quantities)
    if subject is None or subject >= index or not _only_changes(text, quantities, subject, index, sentence_start):
        return None
    s, e, quantity = quantities[subject]
    return (s, e), quantity


def subject_whole(text: str, quantities, opening: int):
    """(span, quantity) of the whole of a ``其中：A，占 p%`` list at ``opening`` that follows the
    paragraph's subject and its change (``X 万元，较上年增加 C，增长 r%，其中：``) or the reasons for
    it (``。其中：``): the subject figure; None otherwise, or when A is a change (a part of C)."""
    if opening == 0 or text[opening - 1] not in "。，,":
        return None
    following = next((i for i, q in enumerate(quantities) if q[0] >= opening), None)
    subject = subject_index(text, quantities)
    if following is None or subject is None or subject >= following or _is_change(text, quantities, following):
        return None
    if not _only_changes(text, quantities, subject, following, opening):
        return None
    s, e, quantity = quantities[subject]
    return (s, e), quantity


# ---------------------------------------------------------------------------------------------
# 收支: 收入总计 and 支出总计 as one subject, or as a pair.

_INCOME_EXPENSE = re.compile(
    r"^(?P<scope>[^，,。；;]{0,12}?)(?:收支|收、支|收入、支出|收入支出|收入和支出|收入与支出)(?:总计|总额)?(?:均|各)?$"
)
_TOTAL_LABEL = re.compile(
    r"(?P<scope>[^，,。；;:：]{0,20}?)(?P<what>收入|支出|收、支|收支)(?:总计|总额)(?:均|各)?(?:为|是)?$"
)


def _scope(words: str) -> str:
    """The fund a 收支 subject or total is of: ``财政拨款`` in ``财政拨款收、支总计``, else nothing."""
    return "财政拨款" if "财政拨款" in words else ""


def income_and_expense(subject: str, text: str, quantities, index: int, earlier: Sequence) -> tuple | None:
    """(income, expense) of a 收支 subject: each a (span, quantity) of the 收入总计 / 支出总计 (one
    figure twice for ``收、支总计 X``) stated in this paragraph before ``index``, else in the nearest
    earlier paragraph that states them; None when ``subject`` is no 收支 or they are not found."""
    found = _INCOME_EXPENSE.match(_plain(subject))
    if found is None:
        return None
    scope = _scope(found.group("scope"))
    sources = [(text, quantities[:index], True)] + [(p.norm, _money(p), False) for p in reversed(earlier)]
    for source, figures, own in sources:
        totals: dict[str, dict] = {"收入": {}, "支出": {}}
        for position, (start, end, quantity) in enumerate(figures):
            if quantity.kind != "money":
                continue
            low = figures[position - 1][1] if position else 0
            words = _plain(text_before(source, start, low))
            label = _TOTAL_LABEL.search(words)
            if label is None or _scope(words) != scope or _DIRECTION.search(words) or budget_clause(words):
                continue
            at = ((start, end) if own else (0, 0), quantity)
            both = label.group("what") in ("收、支", "收支") or "收入" in words and "支出" in words
            for what in ("收入", "支出") if both else (label.group("what"),):
                totals[what].setdefault(quantity.value, at)
        if totals["收入"] or totals["支出"]:
            if len(totals["收入"]) != 1 or len(totals["支出"]) != 1:
                return None
            return next(iter(totals["收入"].values())), next(iter(totals["支出"].values()))
    return None


def text_before(text: str, start: int, low: int) -> str:
    """The words of a figure's clause, back to its start or the figure before (``low``)."""
    return _clause(text, start, low)


def _money(paragraph) -> list:
    return [q for q in paragraph.quantities if q[2].kind in ("money", "percent")]


_PAIR = re.compile(r"^[、,，和及]$")
_PAIRED_RATES = re.compile(r"^[，,](?:各|分别)?(增长|下降|增加|减少|上升|降低)(?:了)?$")
_PAIRED_CHANGES = re.compile(r"(?:各|分别)(增加|减少|增长|下降|上升|降低)(?:了)?$")
_UP = ("增加", "增长", "上升")


def paired_changes(text: str, found, earlier: Sequence) -> list[Claim]:
    """``收入、支出总计各增加 C1、C2 万元，增长 r1%、r2%``: r_i must be C_i ÷ (T_i ∓ C_i), T the
    收入总计 and 支出总计 stated before. ``found`` are all the paragraph's quantities: C1 may be printed
    without its unit (``300、200 万元``)."""
    quantities = _with_shared_unit(text, found)
    claims: list[Claim] = []
    for index in range(len(quantities) - 3):
        four = quantities[index : index + 4]
        if [q.kind for _, _, q in four] != ["money", "money", "percent", "percent"]:
            continue
        (s1, e1, c1), (s2, e2, c2), (s3, e3, r1), (s4, e4, r2) = four
        if not (_PAIR.match(text[e1:s2]) and _PAIR.match(text[e3:s4])):
            continue
        rates = _PAIRED_RATES.match(text[e2:s3])
        clause = _clause(text, s1, quantities[index - 1][1] if index else 0)
        changes = _PAIRED_CHANGES.search(clause)
        if not (rates and changes) or (rates.group(1) in _UP) != (changes.group(1) in _UP):
            continue
        subject = re.split(r"同比|较|比|与", clause[: changes.start()])[-1]
        money = [q for q in quantities[:index] if q[2].kind in ("money", "percent")]
        totals = income_and_expense(subject, text, money, len(money), earlier)
        if totals is None:
            continue
        up = changes.group(1) in _UP
        for (at, total), (cs, ce, change), (rs, re_, rate) in zip(
            totals, ((s1, e1, c1), (s2, e2, c2)), ((s3, e3, r1), (s4, e4, r2))
        ):
            base = total.interval() - change.interval() if up else total.interval() + change.interval()
            spans = (at, (cs, ce), (rs, re_))
            claims += ratio_claims("change", rate, change.interval(), base, (total, change), spans, _ZERO_BASE)
    return claims


_ZERO_BASE = "上年数为零，增减率无从计算"


_BARE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)[、,，]$")


def _with_shared_unit(text: str, found) -> list:
    """The money and percent figures of ``found``, a bare number right before ``、 X 万元`` read as
    万元 too (``300、200 万元``), at the precision 万元 are published to (0.01)."""
    kept: list = []
    for start, end, quantity in found:
        if quantity.kind == "money" and quantity.text.endswith("万元"):
            bare = _BARE.search(text, max(0, start - 20), start)
            if bare and (not kept or kept[-1][1] <= bare.start()) and not any(q[0] == bare.start() for q in found):
                number = bare.group(1)
                decimals = len(number.split(".")[1]) if "." in number else 0
                shared = Quantity(Decimal(number), max(decimals, 2), "万元", "money", number + "万元")
                kept.append((bare.start(), bare.start() + len(number), shared))
        if quantity.kind in ("money", "percent"):
            kept.append((start, end, quantity))
    return kept


# ---------------------------------------------------------------------------------------------
# A list over paragraphs: a heading ``…主要用于以下几个方面：`` and one paragraph per item.

_ITEM = re.compile(r"^(?:[(（](?:\d{1,2}|[一二三四五六七八九十]{1,3})[)）]|\d{1,2}[.、．](?!\d))")
_SECTION = re.compile(r"^(?:[(（][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．])")
_ITEM_SHARE = re.compile(r"^[，,](?:约)?占(?:比|比例为|比重为)?$")
#: a list's heading: ``…主要用于以下几个方面：``, ``…具体情况如下：``
_HEAD = re.compile(r"(?:主要)?用于(?:以下|如下)?[^，,。；;:：\d]{0,8}?[:：]|(?:具体|支出)情况如下[:：]")
_NAME_FRONT = re.compile(r"^(?:本部门|本单位|我部门|我单位|本局|我局|本委|我委|本级|全年|本年度?|\d{4}年度?|[，,])+")
_NAME_BACK = re.compile(r"(?:决算数?|实际|合计|共计|总额|为|是|的|数)+$")
#: how many paragraphs before a list's heading its section is searched for the named whole
_SECTION_REACH = 12


def _name(words: str) -> str:
    words = _plain(words)
    for _ in range(3):
        words = _NAME_BACK.sub("", _NAME_FRONT.sub("", words))
    return words


def list_shares(paragraph, earlier: Sequence) -> list[Claim]:
    """Each ``<类> A 万元，占 p%`` item of a list under a heading ``<W 的名称>主要用于以下几个方面：``
    — items after the heading in its own paragraph, or in the paragraphs after it, each starting
    with its number ``（n）``: p must be A ÷ W, W the heading's own figure or the one figure so named
    in its section before it. Once the items' shares add up to 100 %, the list is complete and its
    amounts are confirmed to make W (never faulted: the shares say the list is whole, not that
    every amount was printed right)."""
    text = paragraph.norm
    head = _head(text)
    if head is not None:
        whole = _heading_whole(paragraph, head, earlier[-_SECTION_REACH:])
        items = _items(paragraph, head.end(), whole, own=True)
        return _judged_items(items, whole)
    marker = _ITEM.match(text)
    if marker is None:
        return []
    style = _style(marker.group(0))
    position = len(earlier) - 1
    while position >= 0 and (found := _ITEM.match(earlier[position].norm)) and _style(found.group(0)) == style:
        if _head(earlier[position].norm):
            return []  # an item that opens a list of its own
        position -= 1
    if position < 0:
        return []
    heading = earlier[position]
    head = _head(heading.norm)
    if head is None:
        return []
    rest = heading.norm[head.end() :]
    if rest and not ((found := _ITEM.match(rest)) and _style(found.group(0)) == style):
        return []  # the heading's list is not this one
    whole = _heading_whole(heading, head, earlier[max(0, position - _SECTION_REACH) : position])
    before = _items(heading, head.end(), whole) + [
        item for source in earlier[position + 1 :] for item in _items(source, 0, whole)
    ]
    return _judged_items(_items(paragraph, 0, whole, own=True), whole, before)


def _head(text: str):
    """The last list heading ``…主要用于以下几个方面：`` of ``text``, as a match."""
    heads = list(_HEAD.finditer(text))
    return heads[-1] if heads else None


def _items(paragraph, start: int, whole, own: bool = False) -> list[tuple]:
    """The items ``A 万元，占 p%`` after ``start`` in ``paragraph`` — not a change, budget or last
    year's figure, nor a part of a 其中 list inside an item: ((span, A), (span, p)) each, the spans
    ``(0, 0)`` unless ``own``. None of them when one exceeds ``whole`` (it is not the list's whole)."""
    if whole is None or whole.value <= 0:
        return []
    text, quantities = paragraph.norm, _money(paragraph)
    items = []
    for index in range(len(quantities) - 1):
        (s1, e1, part), (s2, e2, share) = quantities[index], quantities[index + 1]
        if s1 < start or part.kind != "money" or share.kind != "percent" or not _ITEM_SHARE.match(text[e1:s2]):
            continue
        sentence = text[max(start, max(text.rfind(mark, 0, s1) for mark in "。；;") + 1) : s1]
        label = _clause(text, s1, quantities[index - 1][1] if index else 0)
        if "其中" in sentence or "分别" in sentence or _DIRECTION.search(label) or not_actual(label):
            continue
        if part.value > whole.value:
            return []
        items.append((((s1, e1) if own else (0, 0), part), ((s2, e2) if own else (0, 0), share)))
    return items


def _judged_items(items: list[tuple], whole, before: Sequence = ()) -> list[Claim]:
    """Each of ``items``' shares against ``whole``; and, when with the items ``before`` them their
    shares add up to 100 %, the amounts against the whole (confirmed only)."""
    claims: list[Claim] = []
    for (part_at, part), (share_at, share) in items:
        spans = ((0, 0), part_at, share_at)
        claims += ratio_claims("share", share, part.interval(), whole.interval(), (part, whole), spans, "")
    every = [*before, *items]
    if items and len(every) >= 2:
        added = judged("shares", HUNDRED, items[-1][1][0], [share for _, share in every], faults="none")
        if added and added[0].printing is not Printing.WRONG:
            claims += judged("composition", whole, (0, 0), [part for part, _ in every], faults="none")
    return claims


def _style(marker: str) -> str:
    """An enumeration marker's kind: ``（1）`` and ``（2）`` are one list, ``1.`` another."""
    return re.sub(r"\d+|[一二三四五六七八九十]+", "n" if re.search(r"\d", marker) else "c", marker)


def _heading_whole(heading, head, section: Sequence):
    """The whole a list heading names: its own figure (``支出 W 万元，主要用于以下方面：``), else the one
    figure named so before it in its paragraph or section (back to the section's heading)."""
    text = heading.norm
    sentence_start = text.rfind("。", 0, head.start()) + 1
    figures = [q for q in _money(heading) if sentence_start <= q[0] < head.start() and q[2].kind == "money"]
    if len(figures) > 1:
        return None
    if figures:
        start, _, quantity = figures[0]
        label = _clause(text, start)
        return None if _DIRECTION.search(label) or not_actual(label) else quantity
    name = _name(text[sentence_start : head.start()])
    if len(name) < 4:
        return None
    found: dict = {}
    for source, limit in [(heading, sentence_start)] + [(p, len(p.norm)) for p in reversed(section)]:
        figures = _money(source)
        for index, (start, _, quantity) in enumerate(figures):
            if quantity.kind != "money" or start >= limit:
                continue
            label = _clause(source.norm, start, figures[index - 1][1] if index else 0)
            if _DIRECTION.search(label) or not_actual(label):
                continue
            if _name(_HEADING.sub("", label, count=1)) == name:
                found.setdefault(quantity.value, quantity)
        if _SECTION.match(source.norm):
            break
    return next(iter(found.values())) if len(found) == 1 else None
