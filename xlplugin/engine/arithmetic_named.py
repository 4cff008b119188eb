"""Shares of a whole the sentence names: ``A 万元，占一般公共预算收入的 p%``, and paired lists
``货物、工程、服务分别为 a、b 和 c 亿元，占全国政府采购规模的 x%、y% 和 z%``.

The whole is not printed next to the share; the sentence names it. It is the money figure stated
earlier — in the paragraph before the part, else in the nearest earlier paragraph of the section
that states one — whose own words end with that name (``2020年全国政府采购规模为 36970.6 亿元`` for
``全国政府采购规模``; region and period words such as 全省、本年、2020年 and verbs such as 完成、为 are
peeled off both). A scope that names two different figures so is ambiguous and the share is left
alone. When the part's own words end with the same name (``部门集中采购金额`` against
``采购金额``), a figure named ``集中采购金额`` is its sibling, not its whole: the whole's words must
then be the name exactly.

A paired list is judged item by item against the named whole; its shares adding up to 100 % are
confirmed, and so is the whole against the sum of the parts — both may be faulted only when the
shares add up and every share agrees with the whole (the list is then evidently complete and the
whole the right one). With no whole found, shares that add up to 100 % make the parts the whole.
"""

from __future__ import annotations

import re
from decimal import Decimal

from xlplugin.core.printed import Printing
from xlplugin.engine.arithmetic_claim import Claim, ratio_claims
from xlplugin.engine.arithmetic_judge import HUNDRED, judged
from xlplugin.workbook.narrative import Paragraph

__all__ = ["read_named_shares"]

#: ``占…的 p%`` words before a share (the name in between), up to the share
_NAMED = re.compile(
    r"(?:^|[，,])(?:约|分别)?占(?:了|到)?(?P<name>[^，,。；;:：%]{2,30}?)的?(?:比重|比例|份额|比)?(?:分别)?(?:为|是|达到|达)?[，,]?$"
)
_PEEL_FRONT = re.compile(
    r"^(?:全省|全国|全市|全区|全县|全州|本级|我省|我市|我区|我县|当期|同期|本年度?|当年|今年|去年|全年|年度|实际|"
    r"\d{4}年度?|\d{1,2}[-—～~至]\d{1,2}月份?|[一二三四]季度|上半年|\d{1,2}月份?)+"
)
_PEEL_BACK = re.compile(r"(?:完成|实现|达到|达|为|爲|是|共计|累计|预计|共|执行|(?<=[算计])数)+$")
#: 合计 and 总计 are kept: 支出合计 (this year's) is not 支出总计 (with the balances carried over)
_TOTALS = re.compile(r"(?:合计|总计)$")
#: how many paragraphs back a 合计 / 总计 whole is looked for (it is stated once, sections before)
_TOTALS_REACH = 12
#: the figures a list's items may be separated by
_JOINED = re.compile(r"^(?:[、,，]|和|及|与|以及|、和)$")
_DIRECTION = re.compile(r"(增加|减少|增长|下降|上升|降低|提高|增收|减收|增支|减支)[了为]?$")
_BREAKS = "。；;"


def _core(words: str) -> str:
    """A name with its region, period and verb words peeled off: ``2020年全国政府采购规模为`` →
    ``政府采购规模``."""
    words = words.replace("“", "").replace("”", "").replace('"', "")
    for _ in range(3):
        words = _PEEL_BACK.sub("", _PEEL_FRONT.sub("", words))
    return words


def _money(paragraph: Paragraph) -> list:
    return [q for q in paragraph.quantities if q[2].kind in ("money", "percent")]


def _label(text: str, quantities: list, index: int) -> str:
    """The words right before figure ``index``: back to its clause's start or the figure before."""
    start = quantities[index][0]
    low = _clause_start(text, start, "，,;；:：。、")
    if index:
        low = max(low, quantities[index - 1][1])
    return text[low:start]


def read_named_shares(paragraph: Paragraph, earlier: tuple[Paragraph, ...], wide=()) -> list[Claim]:
    """Every share of a named whole, single or in a paired list, in ``paragraph``; a whole named
    ``…合计`` or ``…总计`` (``占本年支出合计的 p%``) is also looked for in ``wide``, the paragraphs of
    the sections before."""
    quantities = _money(paragraph)
    claims: list[Claim] = []
    singles: list[tuple] = []  # (whole, part, share, agrees) of the single shares, in order
    for run, positions, name in _named(paragraph):
        found = _judge(paragraph, earlier, quantities, run, positions, name, wide)
        claims += found
        if len(run) == 1 and found and found[0].printing is not None:
            whole = (found[0].spans[0], found[0].operands[1])
            agrees = found[0].printing is not Printing.WRONG
            singles.append((whole, quantities[positions[0]], quantities[run[0]], agrees))
    return claims + _partitions(singles)


def _partitions(singles: list[tuple]) -> list[Claim]:
    """Consecutive single shares of one whole whose shares add up to 100 % (``税收收入 A，占一般公共
    预算收入的 p%；非税收入 B，占 q%``) divide it: the whole must be the sum of their parts. A
    mismatch is reported only when every share agrees with the whole."""
    claims: list[Claim] = []
    group: list[tuple] = []
    for single in singles:
        if group and single[0][1].value != group[0][0][1].value:
            group = []
        group.append(single)
        total = sum(s[2][2].value for s in group)
        if total > 100 + Decimal("0.5") * len(group):
            group = [single]
            continue
        pairs = [(s[2][:2], s[2][2]) for s in group]
        if len(group) < 2 or not judged("shares", HUNDRED, group[-1][2][:2], pairs, faults="none"):
            continue
        found = judged("shares", HUNDRED, group[-1][2][:2], pairs, faults="none")
        if found[0].printing is Printing.WRONG:
            continue
        whole_span, whole = group[0][0]
        parts = [(s[1][:2], s[1][2]) for s in group]
        claims += judged("composition", whole, whole_span, parts, faults="any" if all(s[3] for s in group) else "none")
        group = []
    return claims


def _named(paragraph: Paragraph) -> list[tuple[list[int], list[int], str]]:
    """(the shares, their parts, the whole's name) of each named share or paired list of
    ``paragraph`` — found once per paragraph (later paragraphs look back at it for siblings)."""
    cached = paragraph.__dict__.get("_named_shares")
    if cached is not None:
        return cached
    text, quantities = paragraph.norm, _money(paragraph)
    found, index = [], 0
    while index < len(quantities):
        run = _percent_run(text, quantities, index)
        if not run:
            index += 1
            continue
        index = run[-1] + 1
        positions = _parts(text, quantities, run[0], len(run))
        start = quantities[run[0]][0]
        low = max(_clause_start(text, start, _BREAKS), quantities[run[0] - 1][1])
        name = _core(_NAMED.search(text[low:start]).group("name"))
        if positions is not None and len(name) >= 2:
            found.append((run, positions, name))
    paragraph.__dict__["_named_shares"] = found
    return found


def _clause_start(text: str, position: int, marks: str) -> int:
    """Where the clause ending at ``position`` starts (looked for no more than 200 characters back:
    a long paragraph without punctuation must not be scanned to its start for every figure)."""
    low = max(0, position - 200)
    return max(max(text.rfind(mark, low, position) for mark in marks) + 1, low)


def _percent_run(text: str, quantities: list, index: int) -> list[int]:
    """The percents from ``index`` on joined only by 、/和 (one percent is a run of one), if the
    first is a share of a named whole."""
    if quantities[index][2].kind != "percent" or not index:
        return []
    start = quantities[index][0]
    low = max(_clause_start(text, start, _BREAKS), quantities[index - 1][1])
    if not _NAMED.search(text[low:start]):
        return []
    run = [index]
    while run[-1] + 1 < len(quantities):
        following = run[-1] + 1
        if quantities[following][2].kind != "percent":
            break
        if not _JOINED.match(text[quantities[run[-1]][1] : quantities[following][0]]):
            break
        run.append(following)
    return run


def _parts(text: str, quantities: list, first: int, count: int) -> list[int] | None:
    """The ``count`` money figures a run of shares starting at ``first`` belongs to."""
    share_start = quantities[first][0]
    clause = text[:share_start]
    name_at = clause.rfind("占")
    if count == 1:
        # ``A 万元，（增长 x%，占调整预算 y%，）占…的 p%``: the last money figure of the sentence, with
        # only percents (rates) between it and the share
        position = first - 1
        while position >= 0 and quantities[position][2].kind == "percent":
            position -= 1
        if position < 0 or quantities[position][2].kind != "money":
            return None
        between = text[quantities[position][1] : name_at]
        if any(mark in between for mark in _BREAKS) or "其中" in between or len(between) > 40:
            return None
        if _DIRECTION.search(_label(text, quantities, position)):
            return None  # a change is no part of a level
        return [position]
    positions = list(range(first - count, first))
    if positions[0] < 0 or any(quantities[p][2].kind != "money" for p in positions):
        return None
    for left, right in zip(positions, positions[1:]):
        if not _JOINED.match(text[quantities[left][1] : quantities[right][0]]):
            return None
    between = text[quantities[positions[-1]][1] : name_at]
    if any(mark in between for mark in _BREAKS) or len(between) > 12:
        return None
    previous = positions[0] - 1
    joined = previous >= 0 and _JOINED.match(text[quantities[previous][1] : quantities[positions[0]][0]])
    if joined and quantities[previous][2].kind == "money":
        return None  # more amounts than shares: not a paired list
    return positions


def _judge(paragraph: Paragraph, earlier, quantities: list, run: list[int], positions: list[int], name: str, wide=()):
    """The claims of one named share or paired list: each share against the named whole, and a
    paired list's shares adding up and its parts making the whole."""
    text = paragraph.norm
    sibling = _core(_label(text, quantities, positions[0])).endswith(name) if len(positions) == 1 else False
    whole = _whole(paragraph, earlier, name, quantities[positions[0]][0], sibling)
    if whole is None and _TOTALS.search(name) and not sibling:
        whole = _total(wide[-_TOTALS_REACH:], name)
    parts = [quantities[p] for p in positions]
    shares = [quantities[r] for r in run]
    claims: list[Claim] = []
    agree = whole is not None
    if whole is not None:
        whole_span, whole_quantity = whole
        if whole_quantity.value <= 0 or any(p[2].value > whole_quantity.value for p in parts):
            return []
        for part, share in zip(parts, shares):
            found = ratio_claims(
                "share",
                share[2],
                part[2].interval(),
                whole_quantity.interval(),
                (part[2], whole_quantity),
                (whole_span, part[:2], share[:2]),
                "合计为零，占比无从计算",
            )
            agree = agree and all(c.printing not in (Printing.WRONG, None) for c in found)
            claims += found
    if len(run) < 2:
        return claims
    pairs = [(s[:2], s[2]) for s in shares]
    added = judged("shares", HUNDRED, shares[-1][:2], pairs, faults="none")
    complete = bool(added) and added[0].printing is not Printing.WRONG
    claims += judged("shares", HUNDRED, shares[-1][:2], pairs, faults="any" if complete and agree else "none")
    if whole is not None and complete:
        claims += judged(
            "composition", whole[1], whole[0], [(p[:2], p[2]) for p in parts], faults="any" if agree else "none"
        )
    elif whole is None and complete:
        total = sum((p[2].interval() for p in parts[1:]), parts[0][2].interval())
        if total.point > 0:
            for part, share in zip(parts, shares):
                claims += ratio_claims(
                    "share", share[2], part[2].interval(), total, (part[2],), (part[:2], share[:2]), ""
                )
    return claims


def _total(paragraphs, name: str):
    """(span ``(0, 0)``, quantity) of the one figure of ``paragraphs`` whose words are exactly
    ``name`` (``2021年度本年支出合计`` for ``本年支出合计``: both peel to ``支出合计``); None when none or
    two different figures are named so."""
    found: dict[Decimal, tuple] = {}
    for source in paragraphs:
        text, quantities = source.norm, _money(source)
        for index, (_, _, quantity) in enumerate(quantities):
            label = _label(text, quantities, index)
            if quantity.kind == "money" and _core(label) == name and not _DIRECTION.search(label):
                found.setdefault(quantity.value, ((0, 0), quantity))
    return next(iter(found.values())) if len(found) == 1 else None


def _whole(paragraph: Paragraph, earlier, name: str, before: int, sibling: bool):
    """(span, quantity) of the one money figure named ``name`` before position ``before`` of
    ``paragraph`` — or, when the paragraph states no amount before it, in the nearest earlier
    paragraph that names one (span ``(0, 0)``). None when none is; when a scope names two different
    figures so; or when the nearest figure of the same kind (its words ending like the name:
    ``…支出``) is not the named one — another subject's figure must not stand in for it."""
    head = name[-2:]
    scopes = [(paragraph, before, True)] + [(p, len(p.norm), False) for p in reversed(earlier)]
    for source, limit, own in scopes:
        text, quantities = source.norm, _money(source)
        found: dict[Decimal, tuple] = {}
        # the parts of shares of the same whole are its siblings, never it
        siblings = {p for _, positions, named in _named(source) if named == name for p in positions}
        levels = [
            i for i, (start, _, q) in enumerate(quantities) if start < limit and q.kind == "money" and i not in siblings
        ]
        for index in reversed(levels):
            start, end, quantity = quantities[index]
            label = _label(text, quantities, index)
            if _DIRECTION.search(label) or "均" in label:
                continue
            core = _core(label)
            if core == name or not sibling and core.endswith(name):
                found.setdefault(quantity.value, ((start, end) if own else (0, 0), quantity))
            elif core.endswith(head) and not found:
                return None
        if len(found) > 1:
            return None
        if found:
            return next(iter(found.values()))
        if own and levels:
            return None  # the paragraph's own subject: an earlier paragraph's figure may be another's
    return None
