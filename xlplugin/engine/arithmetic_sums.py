"""Totals a 情况说明 states about itself: a whole and its listed parts, read by sentence shape.

- **a whole and its 其中 list** (``W 万元，其中：A a 万元，B b 万元`` / ``包括`` / ``分别为`` /
  ``分项情况是：``): each level of the whole (its 决算, its 预算, each year's) must be the sum of its
  parts' matching levels, its change the sum of their changes, and their shares add up to 100 %;
- **the “三公” total** (:func:`read_sangong`): 因公出国（境）费 + 公务用车购置及运行维护费 (or 购置 +
  运行维护) + 公务接待费, wherever in the paragraph the parts are stated, for 决算 and 预算 alike,
  and 公务用车购置及运行维护费 = 购置 + 运行维护.

A list is judged **as written** (:func:`xlplugin.core.printed.judge_total`): the printed total at its
precision must be the parts' sum, within the rounding of every figure. Because a 其中 list may name
only some parts, a sum short of its whole is reported only when the list is evidently complete:
the three 三公 parts, 人员经费 + 公用经费, 合计 + 结转结余, 购置 + 运行, a list introduced by 分别 or
分项, or one whose shares add up to 100 %. Parts that exceed their whole are wrong whatever the list.
A list with a list nested in it whose end the words do not show is only confirmed, never faulted.
"""

from __future__ import annotations

import dataclasses
import re

from xlplugin.core.printed import Printing
from xlplugin.engine.arithmetic_claim import Claim, sangong_part
from xlplugin.engine.arithmetic_entries import EXPLANATION, Entry, Reading, items_of
from xlplugin.engine.arithmetic_judge import check_items, judged, shares_claim
from xlplugin.engine.arithmetic_totals import read_totals
from xlplugin.workbook.narrative import Paragraph

__all__ = ["read_sum_claims"]

_OPENER = re.compile(
    r"其中[:：，,]?|分项情况(?:是|为|如下)?[:：]?|(?<!主要)包括[:：]?|分别(?:为|是)[:：]?|具体(?:是|为)[:：]?"
)
_CLOSED_OPENER = ("分别", "分项")
_ADDED = re.compile(r"(?<=[，,;；])加")
_TOTALS = re.compile(r"合计|总计|共计")
#: the most figures before a list its whole's item is looked for among (an item has a few)
_HEAD_REACH = 24
_ENUMERATED = re.compile(r"(?:\d{1,2}[、.．]|[一二三四五六七八九十]{1,3}、|[(（○][一二三四五六七八九十\d]{1,3}[)）○])")


def read_sum_claims(paragraph: Paragraph, earlier=()) -> list[Claim]:
    """Every total, composition, change sum, reasons sum and shares-add-up claim of ``paragraph``
    (``earlier``: the paragraphs before it in its section, where a balance's totals may stand)."""
    reading = Reading(paragraph)
    claims = read_sangong(reading, earlier) + read_lists(reading) + read_totals(reading, earlier)
    seen, unique = set(), []
    for claim in claims:  # one claim per printed figure: the first reader that judged it knew most
        key = (claim.kind == "share", claim.span)
        if key not in seen:
            seen.add(key)
            unique.append(claim)
    return unique


# ---------------------------------------------------------------------------------------------
# 其中 lists


def _complete(whole_label: str, items: list[list[Entry]]) -> bool:
    """Lists whose parts are known to make the whole."""
    labels = [item[0].label for item in items]
    named = lambda *words: all(any(w in label for label in labels) for w in words)
    if "基本支出" in whole_label and named("人员经费", "公用经费") and len(items) == 2:
        return True
    if "总计" in whole_label and (named("合计") or named("本年")) and named("结"):
        return True
    kinds = {sangong_part(label) for label in labels}
    return sangong_part(whole_label) == "vehicles" and kinds == {"purchase", "running"}


def read_lists(reading: Reading) -> list[Claim]:
    """Each 其中 / 包括 / 分别为 / 分项情况 list judged against the whole right before it."""
    claims: list[Claim] = []
    openers = list(_OPENER.finditer(reading.flat))
    extents = [_extent(reading, opener.end()) for opener in openers]
    reach = 0  # how far the lists opened so far reach
    for index, opener in enumerate(openers):
        inside, reach = opener.start() < reach, max(reach, extents[index])
        whole_item = _head(reading, opener.start())
        if not whole_item:
            continue
        end = extents[index]
        added = _ADDED.search(reading.flat, opener.end(), min(end, opener.end() + 600))
        end = added.start() if added else end  # ``其中 A，…；加 B，…，收入合计 T``: 加 starts another list
        following = openers[index + 1].start() if index + 1 < len(openers) else end
        nested = following < end  # openers are in order: only the next one can open a list inside this one
        stop = following if nested else end
        items = items_of(_listed_entries(reading, opener, stop))
        # a list inside another one (its whole an item of the outer list) may end anywhere: so may
        # the outer one after it
        certain = not nested and not inside
        if any(_TOTALS.search(item[0].label) for item in items) and "总计" not in whole_item[0].label:
            certain = False  # a total among the parts: the list goes on beyond this whole's parts
        complete = opener.group(0).startswith(_CLOSED_OPENER) or _complete(whole_item[0].label, items)
        if items and all(any(e.share for e in item) for item in items):
            shares = shares_claim(items, "none")
            complete = complete or any(c.printing is not Printing.WRONG for c in shares if c.printing)
        claims += check_items(whole_item, items, complete, certain)
    return claims


def _listed_entries(reading: Reading, opener: re.Match, stop: int) -> list[Entry]:
    """The entries of a list from its opener to ``stop``. After ``具体是`` (a word that also opens
    explanations) an entry is a part unless another explanation stands between it and the opener."""
    entries = reading.within(opener.end(), stop, first=_HEAD_REACH)
    if not opener.group(0).startswith("具体"):
        return entries
    return [
        dataclasses.replace(e, explained=False) if not EXPLANATION.search(reading.flat, opener.end(), e.start) else e
        for e in entries
    ]


def _head(reading: Reading, position: int) -> list[Entry]:
    """The item a list belongs to: the last item before ``position`` in its sentence, else in the
    nearest sentence before it that states an amount (one of 主要原因… without any is skipped)."""
    sentence = reading.sentence_of(position)
    start = reading.sentences[sentence][0]
    items = items_of(reading.within(start, position, last=_HEAD_REACH))
    if items or reading.flat[start:position].strip("○0123456789、.．()（） "):
        return items[-1] if items else []  # a sentence that says something before its 其中 is its own head
    for back in range(sentence - 1, max(-1, sentence - 3), -1):
        start, end = reading.sentences[back]
        if reading.within(start, end):
            items = items_of(reading.within(start, end, last=_HEAD_REACH))
            return items[-1] if items else []
    return []


def _extent(reading: Reading, position: int) -> int:
    """Where a list that starts at ``position`` ends: its sentence's end, or — when its first item
    is numbered (1、…) — the end of the last following sentence that is numbered too."""
    sentence = reading.sentence_of(position)
    end = reading.sentences[sentence][1]
    if not _ENUMERATED.match(reading.flat, position):  # (the normalised text has no whitespace)
        return end
    for start, finish in reading.sentences[sentence + 1 :]:
        if not _ENUMERATED.match(reading.flat, start, finish):
            break
        end = finish
    return end


# ---------------------------------------------------------------------------------------------
# “三公”: the parts are known, wherever the paragraph states them


def read_sangong(reading: Reading, earlier=()) -> list[Claim]:
    """The “三公” total against its three parts, the 公务用车 figure against 购置 + 运行, and their
    shares adding up to 100 %, per group of sentences that a “三公” total opens. Parts listed
    before any total (``“三公”经费支出决算中，因公出国（境）费…``) are confirmed against the one 三公
    决算 total of the nearest earlier paragraph that states one (never faulted: it may be another
    year's or fund's)."""
    claims: list[Claim] = []
    for position, group in enumerate(_groups(reading)):
        wholes, parts, extra = group
        cars = ["vehicles"] if "vehicles" in parts else ["purchase", "running"]
        order = ["abroad", *cars, "reception"]
        if all(p in parts for p in order):
            items = [parts[p] for p in order]
            if not extra and wholes:
                claims += check_items(wholes, items, complete=True, certain=True, kind="sum")
            elif not extra and earlier and position == 0:
                claims += _earlier_total(earlier, items)
            elif all(any(e.share for e in item) for item in items):
                claims += shares_claim(items, "any")
        if all(p in parts for p in ("vehicles", "purchase", "running")):
            claims += check_items(parts["vehicles"], [parts["purchase"], parts["running"]], True, True)
    return claims


def _earlier_total(earlier, items: list[list[Entry]]) -> list[Claim]:
    """The parts' 决算 figures against the one “三公” 决算 total of the nearest earlier paragraph."""
    for paragraph in reversed(earlier):
        before = Reading(paragraph)
        totals = {
            e.quantity.value: e
            for e in before.entries
            if e.role == "level"
            and e.depth == 0
            and e.facet[1] == "D"
            and _names_sangong(before.text[max(0, e.start - 200) : e.start])
        }
        if len(totals) > 1:
            return []
        if totals:
            whole = next(iter(totals.values()))
            picks = [[e for e in item if e.role == "level" and e.facet[1] in ("D", "")] for item in items]
            if any(len(p) != 1 for p in picks):
                return []
            return judged("sum", whole.quantity, (0, 0), [p[0] for p in picks], faults="none")
    return []


def _groups(reading: Reading):
    """(whole item, {part: item}, whether other items stand among the parts) for each run of
    sentences that a sentence stating a “三公” total starts (and the run before the first)."""
    groups, wholes, parts, labelled = [], [], {}, []
    for start, end in reading.sentences:
        own = [e for e in reading.within(start, end, None) if not e.explained and e.role != "other"]
        whole = [e for e in own if e.depth == 0 and _names_sangong(reading.text[max(start, e.start - 200) : e.start])]
        if whole and (wholes or parts):
            groups.append((wholes, parts, _extra(reading, labelled, parts)))
            wholes, parts, labelled = [], {}, []
        wholes += whole
        current: dict[int, str | None] = {}  # per depth: the part whose figures follow
        totals = {id(e) for e in whole}
        for entry in own:
            if id(entry) in totals:
                continue
            kind = sangong_part(entry.label) if entry.label else None
            if kind is not None:
                current[entry.depth] = kind if kind not in parts else None
                if kind not in parts:
                    parts[kind] = [entry]
            elif entry.label:
                current[entry.depth] = None
                labelled.append(entry)
            elif current.get(entry.depth):
                parts[current[entry.depth]].append(entry)
    groups.append((wholes, parts, _extra(reading, labelled, parts)))
    return groups


def _names_sangong(words: str) -> bool:
    """A “三公” total: its words name 三公 and no part after it (``“三公”经费支出决算中，因公出国…``
    introduces parts)."""
    last = words.rfind("三公")
    return last >= 0 and all(sangong_part(piece) is None for piece in re.split(r"[，,;；:：、]", words[last:]))


def _extra(reading: Reading, labelled: list[Entry], parts: dict) -> bool:
    """Whether an item that is no 三公 part (会议费, 培训费) stands among the parts, or after the last
    of them in its sentence (``…公务接待费43.77万元、会议费34.10万元``): the total then counts it too."""
    if not parts:
        return False
    starts = [item[0].start for item in parts.values()]
    last = reading.sentence_of(max(starts))
    return any(
        e.depth == 0
        and e.role == "level"
        and min(starts) < e.start
        and (e.start < max(starts) or reading.sentence_of(e.start) == last)
        and not e.explained
        for e in labelled
    )
