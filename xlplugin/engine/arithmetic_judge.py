"""Judging a whole against its parts: which figure of each part matches the whole's (its 决算, its
预算, its change against the same base), the sum as written, and which verdicts a list may give.

A list whose end the words show is ``certain``; one whose parts are known to make the whole (the
three “三公” parts, 人员经费 + 公用经费…) or whose sum was confirmed is ``complete``. Parts that exceed a
certain list's whole are wrong; a sum short of it is wrong only when the list is also complete; an
uncertain list is only ever confirmed.
"""

from __future__ import annotations

from decimal import Decimal

from xlplugin.core.intervals import Interval
from xlplugin.core.printed import Printing, judge_total
from xlplugin.engine.arithmetic_claim import Claim
from xlplugin.engine.arithmetic_entries import Entry
from xlplugin.workbook.narrative import Quantity

__all__ = ["judged", "shares_claim", "pick_levels", "pick_changes", "check_items", "HUNDRED"]

HUNDRED = Quantity(Decimal(100), 0, "%", "percent", "100%")


def judged(kind, whole: Entry | Quantity, span, parts, signs=None, *, faults: str = "any") -> list[Claim]:
    """The claim that ``whole`` (printed at ``span``) is the signed sum of ``parts`` (entries or
    (span, quantity) pairs). ``faults`` says which verdicts may stand: ``any``, ``over`` (only
    parts exceeding the whole are wrong: the list may be partial) or ``none`` (only confirmed)."""
    printed = whole.quantity if isinstance(whole, Entry) else whole
    pairs = [(p.span, p.quantity) if isinstance(p, Entry) else p for p in parts]
    signs = tuple(signs or (1,) * len(pairs))
    computed = Interval.exact(Decimal(0))
    for sign, (_, quantity) in zip(signs, pairs):
        # a printed zero is nothing at all (无此项支出), not “less than half a unit”
        interval = Interval.exact(Decimal(0)) if quantity.value == 0 else quantity.interval()
        computed = computed + interval if sign > 0 else computed - interval
    money = printed.kind == "money"
    printing = judge_total(printed.value, printed.decimals if money else 8, computed)
    if printing is Printing.WRONG and (
        faults == "none" or faults == "over" and not (computed.low > printed.value + _half(printed))
    ):
        return []
    return [
        Claim(
            kind,
            printed,
            span,
            computed,
            printing,
            tuple(q for _, q in pairs),
            (*(s for s, _ in pairs), span),
            unit="万元" if money else "%",
            signs=signs,
        )
    ]


def _half(quantity: Quantity) -> Decimal:
    return Decimal(1).scaleb(-quantity.decimals) / 2


def shares_claim(items: list[list[Entry]], faults: str) -> list[Claim]:
    """Σ of the shares printed for every item = 100 %; a list of zeros has no shares to add."""
    entries = [next(e for e in item if e.share) for item in items]
    last = entries[-1].share
    span = (last[0], last[1])
    if all(e.quantity.value == 0 for e in entries):
        note = "各项金额均为零，占比无从计算"
        return [Claim("shares", HUNDRED, span, None, None, (), tuple(e.share[:2] for e in entries), note, "%")]
    pairs = [((e.share[0], e.share[1]), e.share[2]) for e in entries]
    return judged("shares", HUNDRED, span, pairs, faults=faults)


def _fits(whole: tuple[str, str], part: tuple[str, str], strict: tuple[bool, bool]) -> bool:
    for index in (0, 1):
        if whole[index] and part[index] and whole[index] != part[index]:
            return False
        if strict[index] and not part[index]:
            return False
    return True


def pick_levels(whole: Entry, wholes: list[Entry], items: list[list[Entry]]) -> list[Entry] | None:
    """For each item, its one level that matches ``whole``'s facet (None if some item has none or
    several): with several wholes (预算 and 决算, two years) a part must say which it is."""
    strict = tuple(len({w.facet[i] for w in wholes if w.facet[i]}) > 1 for i in (0, 1))
    picks = []
    for item in items:
        levels = [e for e in item if e.role == "level" and _fits(whole.facet, e.facet, strict)]
        if len(levels) > 1 and len({e.quantity.value for e in levels}) == 1:
            levels = levels[:1]  # one figure stated twice (``7万元……共计7万元``)
        if len(levels) > 1:
            levels = [e for e in levels if e.facet == whole.facet]
        if len(levels) != 1:
            return None
        picks.append(levels[0])
    return picks


def pick_changes(whole: Entry, wholes: list[Entry], items: list[list[Entry]]) -> list[Entry] | None:
    """For each item, its one change against what ``whole`` is compared with."""
    several = len({w.key for w in wholes}) > 1
    picks = []
    for item in items:
        changes = [e for e in item if e.role == "change" and (e.key == whole.key or e.key is None and not several)]
        if len(changes) != 1:
            return None
        picks.append(changes[0])
    return picks


def check_items(
    whole_item: list[Entry], items: list[list[Entry]], complete: bool, certain: bool, kind: str = "composition"
) -> list[Claim]:
    """Levels, changes and shares of ``items`` against the whole's: wrong sums stand only when the
    list is ``certain`` (its extent is clear), and short ones only when it is also ``complete``."""
    if len(items) < 2:
        return []
    claims: list[Claim] = []
    levels = [e for e in whole_item if e.role == "level"]
    confirmed = complete
    for whole in levels:
        picks = pick_levels(whole, levels, items)
        if picks is not None:
            found = judged(
                kind, whole, whole.span, picks, faults="none" if not certain else "any" if complete else "over"
            )
            confirmed = confirmed or any(c.printing is not Printing.WRONG for c in found)
            claims += found
    changes = [e for e in whole_item if e.role == "change"]
    # the items that state a change: a part whose change is left out (``比上年减少 万元``) leaves the others'
    # sum a partial one, only ever confirmed
    stated = [item for item in items if any(e.role == "change" for e in item)]
    for whole in changes:
        picks = pick_changes(whole, changes, items)
        faults = "any" if certain and confirmed else "none"
        if picks is None and 2 <= len(stated) < len(items):
            picks, faults = pick_changes(whole, changes, stated), "none"
        if picks is not None:
            signs = [whole.sign * p.sign for p in picks]
            claims += judged("sum", whole, whole.span, picks, signs, faults=faults)
    if all(any(e.share for e in item) for item in items):
        claims += shares_claim(items, "any" if certain and confirmed else "none")
    return claims
