"""Totals stated after their parts, balances, change = Σ reasons, and shares of a list with no whole.

- **加 … 合计** (``A 万元，加上级补助收入 B 万元，…，收入合计 T 万元``): the list is closed by its
  own words, T = A + B + …; a total after a list without 加 (``…，支出合计 T``, or a sentence of
  its own after the sentences that list the parts) is only confirmed, never faulted: nothing says
  where its list starts;
- **balances**: ``收入合计 R，支出合计 E，年终结余 B`` — B = R − E, faulted when the three stand in
  one sentence; ``上述收支相抵，年终结余 B`` is confirmed against the totals or the incomes and
  expenditures stated before it;
- **reasons**: ``较上年减少 C 万元，主要原因一是 … 减少 a 万元；二是 … 增加 b 万元`` — C = Σ the
  reasons' signed changes. A reason list may name only the main reasons, so a mismatch is
  reported only when the list is closed: its reasons offset each other (some 增加, some 减少 — the
  writer is netting them), or it says 分别/合计/共计; otherwise the sum is only confirmed;
- **shares of a list with no whole** (``“三公”经费支出决算中，A 万元，占 p%；B 万元，占 q%``): when the
  shares add up to 100 % the listed amounts are the whole, and each share is judged against it.
"""

from __future__ import annotations

import re

from xlplugin.engine.arithmetic_claim import Claim, ratio_claims
from xlplugin.engine.arithmetic_entries import MASK, Entry, Reading, items_of, read_entries
from xlplugin.engine.arithmetic_judge import judged, shares_claim

__all__ = ["read_totals"]

_ADD = re.compile(r"(?:^|(?<=[，,;；。]))加上?")
_TOTAL_LABEL = re.compile(r"合计|总计|共计")
#: the total a 加… list ends with: ``收入合计``, ``总收入``
_ADDED_TOTAL = re.compile(r"合计|总计|共计|总收入|总支出|收入总额|支出总额")
_COMPLETED = re.compile(r"完成[^，,。；;]{0,40}?(?:预算|计划)数?$")
_BARE_SPENDING = re.compile(r"^[，,]?支出(?:为|是)?$")
#: the most figures a list, a total or a reason run is read over
_REACH = 24
_REASONS = re.compile(r"主要原因(?:是|为|有)?|原因(?:是|为|主要是)|主要是|主要由于|主要用于")
_CLOSED_REASONS = re.compile(r"分别|合计|共计")
_BALANCE = re.compile(r"(?:年终|年末)?(?:滚存)?结余|结转下年")
_INCOME = re.compile(r"收入|结余|补助|调入|转贷|动用")
_SPENDING = re.compile(r"支出|调出|上解|还本|安排")


def read_totals(reading: Reading, earlier=()) -> list[Claim]:
    """Totals after their parts, balances, reasons sums and share lists of one paragraph."""
    return (
        _added(reading) + _trailing(reading) + _balances(reading, earlier) + _reasons(reading) + _share_lists(reading)
    )


def _levels(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if e.role == "level" and e.depth == 0 and not e.explained]


def _added(reading: Reading) -> list[Claim]:
    """``A，加 B，C，…，收入合计 T``: T = A + B + C + …"""
    claims = []
    for match in _ADD.finditer(reading.flat):
        sentence = reading.sentence_of(match.start())
        low = reading.sentences[max(0, sentence - 1)][0]
        # the budget a completion rate is of (``完成调整预算 B 的 p%。加上…``) is no part
        before = [e for e in _levels(reading.within(low, match.start(), last=_REACH)) if not _COMPLETED.search(e.lead)]
        end = reading.sentences[sentence][1]
        after = _levels(reading.within(match.end(), end, first=_REACH))
        total = next((i for i, e in enumerate(after) if _ADDED_TOTAL.search(e.label)), None)
        if not before or not total:
            continue
        parts = [before[-1], *after[:total]]
        claims += judged("sum", after[total], after[total].span, parts)
    return claims


def _is_total(levels: list[Entry], position: int) -> bool:
    """Whether level ``position`` of a sentence is a total: named so (合计、总计、共计), or a bare 支出
    right after the sentence's 收入合计 (``收入合计 R，支出 E，年终结余 B``: the 支出 is 支出合计)."""
    entry = levels[position]
    if _TOTAL_LABEL.search(entry.label):
        return True
    bare = not entry.label and _BARE_SPENDING.match(entry.lead.replace(MASK, ""))
    return bool(bare) and any("收入" in e.label and _TOTAL_LABEL.search(e.label) for e in levels[:position])


def _trailing(reading: Reading) -> list[Claim]:
    """A 合计 after the parts of its sentence, or after a sentence before it that lists them: only
    confirmed (the words do not say where the list starts)."""
    claims = []
    for index, (start, end) in enumerate(reading.sentences):
        levels = _levels(reading.within(start, end))
        for position, total in enumerate(levels):
            if not _is_total(levels, position) or "本年" in total.label:
                continue
            candidates = [[e for e in levels[max(0, position - _REACH) : position] if not _TOTAL_LABEL.search(e.label)]]
            for back in range(index - 1, max(-1, index - 4), -1):
                low, high = reading.sentences[back]
                figures = _levels(reading.within(low, high, last=_REACH))
                candidates.append([e for e in figures if not _TOTAL_LABEL.search(e.label)])
            for parts in candidates:
                if len(parts) >= 2:
                    found = judged("sum", total, total.span, parts, faults="none")
                    if found:
                        claims += found
                        break
    return claims


def _balances(reading: Reading, earlier) -> list[Claim]:
    """年终结余 B = 收入合计 R − 支出合计 E (or the incomes stated before it less the expenditures)."""
    claims = []
    for index, (start, end) in enumerate(reading.sentences):
        levels = _levels(reading.within(start, end))
        for position, balance in enumerate(levels):
            words = balance.label
            if not _BALANCE.search(words) or re.search("上年|年初|累计", words):
                continue
            low = max(0, position - _REACH)
            before = levels[low:position]
            income = [e for e in before if "收入" in e.label and _TOTAL_LABEL.search(e.label)]
            spending = [i for i in range(low, position) if "支出" in levels[i].label or _is_total(levels, i)]
            if income and spending:  # 收入合计 R，支出合计 E，年终结余 B: one sentence
                # a 支出 that is no total (上解支出) may be one of several: then the balance is only confirmed
                faults = "any" if _is_total(levels, spending[-1]) else "none"
                parts = [income[-1], levels[spending[-1]]]
                claims += judged("sum", balance, balance.span, parts, (1, -1), faults=faults)
                continue
            if "相抵" not in reading.flat[max(start, balance.start - 200) : balance.start]:
                continue
            for parts, signs in _balance_candidates(reading, index, earlier):
                found = judged("sum", balance, balance.span, parts, signs, faults="none")
                if found:
                    claims += found
                    break
    return claims


def _balance_candidates(reading: Reading, index: int, earlier):
    """What a ``收支相抵`` balance may be computed from: the sentence before it (or the previous
    paragraph) as incomes less expenditures, or the last 收入合计 less the last 支出合计."""
    pools = []
    if index:
        low, high = reading.sentences[index - 1]
        pools.append([(e.span, e.quantity, e.label) for e in _levels(reading.within(low, high, last=_REACH))])
    previous = [_levels(read_entries(p))[-_REACH:] for p in earlier[-2:]]
    if previous:
        pools.append([((0, 0), e.quantity, e.label) for e in previous[-1]])
    for pool in pools:
        signs = [
            1 if _INCOME.search(label) and "支出" not in label else -1 if _SPENDING.search(label) else 0
            for *_, label in pool
        ]
        if pool and all(signs) and 1 in signs and -1 in signs:
            yield [(span, quantity) for span, quantity, _ in pool], signs
    totals = [((0, 0), e.quantity, e.label) for entries in previous for e in entries]
    start = reading.sentences[index][0]
    totals += [(e.span, e.quantity, e.label) for e in _levels(reading.within(0, start, last=_REACH))]
    income = [t for t in totals if "收入" in t[2] and _TOTAL_LABEL.search(t[2])]
    spending = [t for t in totals if "支出" in t[2] and _TOTAL_LABEL.search(t[2])]
    if income and spending:
        yield [income[-1][:2], spending[-1][:2]], (1, -1)


def _reasons(reading: Reading) -> list[Claim]:
    """A change and the signed changes its reasons state, in the same sentence or the next one."""
    claims = []
    changes = [e for e in reading.entries if e.role == "change" and e.depth == 0]
    for head in changes:  # (each looks at most _REACH figures and 200 characters ahead)
        if head.explained:
            continue
        sentence = reading.sentence_of(head.start)
        start, end = reading.sentences[sentence]
        marker = _REASONS.search(reading.flat, head.end, min(end, head.end + 200))
        if marker is None and sentence + 1 < len(reading.sentences):
            start, end = reading.sentences[sentence + 1]
            marker = _REASONS.match(reading.flat, start)
        if marker is None or "用于" in marker.group(0):
            continue
        end = _reasons_end(reading.flat, marker.end(), end)
        between = [e for e in reading.within(head.end, marker.start(), first=_REACH) if e.role == "change"]
        reasons = [e for e in reading.within(marker.end(), end, first=_REACH) if e.role == "change"]
        if between or len(reasons) < 2 or any(e.key not in (None, head.key) for e in reasons):
            continue
        run = reading.flat[marker.start() : end]
        closed = len({e.sign for e in reasons}) == 2 or bool(_CLOSED_REASONS.search(run))
        signs = [head.sign * e.sign for e in reasons]
        claims += judged("reasons", head, head.span, reasons, signs, faults="any" if closed else "none")
    return claims


_NEXT_REASON = re.compile(
    r"[二三四五六七八九十]是|其[二三四五六七八九十]|\d[、.．]|[(（]\d[)）]|[(（][二三四五六七八九十][)）]"
)


def _reasons_end(flat: str, start: int, end: int) -> int:
    """Where a run of reasons ends: at the first ； that no numbered reason (二是、2、) follows."""
    end = min(end, start + 600)  # reasons are a few clauses, not a page
    for index in range(start, end):
        if flat[index] in ";；" and not _NEXT_REASON.match(flat, index + 1):
            return index
    return end


def _share_lists(reading: Reading) -> list[Claim]:
    """Each sentence whose items all print a share and no whole: shares adding up to 100 % make
    the listed amounts the whole, and each share is then judged against their sum."""
    claims = []
    for start, end in reading.sentences:
        entries = [e for e in reading.within(start, end) if e.role == "level"]
        items = items_of(entries)
        if len(items) < 2 or not all(item[0].share for item in items):
            continue
        if len(items) != len([e for e in entries if e.share]):
            continue  # amounts without a share among them: some other list
        found = shares_claim(items, "none")
        if not found or found[0].printing is None:
            continue
        claims += found
        whole = sum((item[0].quantity.interval() for item in items[1:]), items[0][0].quantity.interval())
        if whole.point == 0:
            continue
        for item in items:
            share = item[0].share
            claims += ratio_claims(
                "share",
                share[2],
                item[0].quantity.interval(),
                whole,
                (item[0].quantity,),
                (item[0].span, share[:2]),
                "合计为零，占比无从计算",
            )
    return claims
