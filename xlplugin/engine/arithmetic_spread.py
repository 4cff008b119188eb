"""A whole and its known parts stated over several paragraphs.

Only wholes whose parts are known are read this way — the “三公” total (因公出国（境）费, 公务用车购置及
运行维护费 or its two halves, 公务接待费), 公务用车购置及运行维护费 (购置 + 运行维护), 基本支出 (人员经费 +
公用经费) and 一般公共预算收入 (税收收入 + 非税收入) — in three shapes:

- **a paragraph that ends with 其中：** (``2.公务用车购置及运行维护费支出4.02万元。其中：``): its last item
  is the whole, and the paragraphs after it state the parts, one or more each;
- **a paragraph that starts with 其中：** (``其中：因公出国（境）费……``): the whole is the one item of the
  paragraph before that names it (``“三公”经费支出 15905.91 万元``);
- **paragraphs that start with the parts** without a 其中 (``税收收入完成 1237.5 亿元…；非税收入完成
  271.8 亿元…`` after ``一般公共预算收入完成 1509.3 亿元``): the whole is the one item so named in the
  paragraph before; nothing says these paragraphs list its parts, so the sums are only confirmed.

The claims are made at the paragraph that states the last missing part (once: a part stated twice
ends the reading). Levels are matched by their facet (the whole's 预算 with the parts' 预算…) and
changes by their comparison, as for a list in one sentence
(:func:`xlplugin.engine.arithmetic_judge.check_items`); an item that is no part among the parts
(会议费) makes the sums confirmed only. Figures of earlier paragraphs have the span ``(0, 0)``.
"""

from __future__ import annotations

import dataclasses
import re

from xlplugin.engine.arithmetic_claim import Claim, sangong_part
from xlplugin.engine.arithmetic_entries import Entry, Reading, items_of
from xlplugin.engine.arithmetic_judge import check_items

__all__ = ["spread_lists"]

#: how many paragraphs a list over paragraphs may take, its opener's included
_REACH = 5
_ENDS_WITH_OPENER = re.compile(r"其中[:：,，]?$")
_STARTS_WITH_OPENER = re.compile(r"^(?:[(（]?[一二三四五六七八九十\d]{1,2}[)）、.．])?其中[:：,，]")
_NUMBERING = re.compile(r"^(?:[(（][一二三四五六七八九十\d]{1,2}[)）]|[一二三四五六七八九十\d]{1,2}[、.．])")


def _kind(label: str) -> str | None:
    """Which whole with known parts a label names: ``sangong``, ``vehicles``, ``basic``, ``revenue``."""
    label = label.replace("“", "").replace("”", "").replace('"', "")
    if "三公" in label:
        return "sangong"
    if sangong_part(label) == "vehicles":
        return "vehicles"
    if "基本支出" in label:
        return "basic"
    if "一般公共预算收入" in label and "税" not in label:
        return "revenue"
    return None


def _part(kind: str, label: str) -> str | None:
    """Which part of a ``kind`` whole a label names (None: no part of it)."""
    if kind in ("sangong", "vehicles"):
        part = sangong_part(label)
        return part if kind == "sangong" or part in ("purchase", "running") else None
    if kind == "basic":
        return "staff" if "人员经费" in label else "office" if "公用经费" in label else None
    if "非税收入" in label:
        return "nontax"
    return "tax" if re.search(r"^(?:[^，,。；;]{0,6})税收收入", label) else None


def _parts(kind: str, found: dict) -> list[str] | None:
    """The parts of a ``kind`` whole, in order, when ``found`` has them all (the 三公 car costs as
    one item or as its two halves); None when some are missing."""
    if kind == "sangong":
        cars = ["vehicles"] if "vehicles" in found else ["purchase", "running"]
        needed = ["abroad", *cars, "reception"]
    else:
        needed = {"vehicles": ["purchase", "running"], "basic": ["staff", "office"], "revenue": ["tax", "nontax"]}[kind]
    return needed if all(p in found for p in needed) else None


def _reading(paragraph) -> Reading:
    """The paragraph's :class:`Reading`, made once (a paragraph is read again by the ones after it)."""
    cached = paragraph.__dict__.get("_spread_reading")
    if cached is None:
        cached = paragraph.__dict__["_spread_reading"] = Reading(paragraph)
    return cached


def _items(reading: Reading) -> list[list[Entry]]:
    return items_of([e for e in reading.entries if e.depth == 0])


def _moved(item: list[Entry]) -> list[Entry]:
    """An earlier paragraph's entries: spans ``(0, 0)``, no share (a share is judged where it stands)."""
    return [dataclasses.replace(e, start=0, end=0, share=None) for e in item]


def _any_part(label: str) -> bool:
    return any(_part(kind, label) for kind in ("sangong", "basic", "revenue"))


def spread_lists(paragraph, earlier) -> list[Claim]:
    """The claims of a whole in an earlier paragraph whose known parts this ``paragraph`` completes."""
    current = _reading(paragraph)
    if not any(_any_part(item[0].label) for item in _items(current)):
        return []
    readings = [current]  # from this paragraph back to the list's opener
    for back in range(min(_REACH, len(earlier) + 1)):
        reading = readings[-1]
        ending = _ENDS_WITH_OPENER.search(reading.flat.rstrip("。 ")) if back else None
        if ending:  # ``…支出4.02万元。其中：``: the whole is its last item, the list the paragraphs after
            wholes = [item for item in _items(reading) if item[0].start < ending.start()]
            return _judge(wholes[-1] if wholes else [], readings[:-1][::-1], certain=True)
        if _STARTS_WITH_OPENER.match(reading.flat):  # ``其中：因公出国（境）费…``: the whole stands before
            return _named_before(earlier[len(earlier) - back - 1] if back < len(earlier) else None, readings[::-1])
        if back < len(earlier):
            readings.append(_reading(earlier[-back - 1]))
    if earlier and _starts_with_part(current):
        return _named_before(earlier[-1], [current], certain=False)
    return []


def _starts_with_part(reading: Reading) -> bool:
    """Whether a paragraph opens with a part of 基本支出 or 一般公共预算收入 (``税收收入完成…``)."""
    first = _items(reading)[0][0]
    lead = _NUMBERING.sub("", reading.flat[: first.start])
    return len(lead) <= 12 and any(_part(kind, first.label) for kind in ("basic", "revenue"))


def _named_before(paragraph, readings: list[Reading], certain: bool = True) -> list[Claim]:
    """The whole of a list whose first paragraph is ``readings[0]``: the one item of ``paragraph`` (the
    paragraph before) that names a whole of the kind its first part is of."""
    if paragraph is None:
        return []
    first = _items(readings[0])[0][0].label
    kinds = {kind for kind in ("sangong", "vehicles", "basic", "revenue") if _part(kind, first)}
    wholes = [item for item in _items(_reading(paragraph)) if _kind(item[0].label) in kinds]
    if len({item[0].quantity.value for item in wholes}) != 1:
        return []
    return _judge(wholes[0], readings, certain)


def _judge(whole: list[Entry], readings: list[Reading], certain: bool) -> list[Claim]:
    """``whole`` (an earlier paragraph's item) against the parts the ``readings`` state, the last of
    them the current paragraph: when that one completes them."""
    kind = _kind(whole[0].label) if whole else None
    if kind is None or not readings:
        return []
    found: dict[str, list[Entry]] = {}
    extra = False
    for position, reading in enumerate(readings):
        last = position == len(readings) - 1
        for item in _items(reading):
            part = _part(kind, item[0].label)
            if part is None:
                extra = extra or bool(item[0].label) and any(e.role == "level" for e in item)
                continue
            if kind == "sangong" and part in ("purchase", "running") and "vehicles" in found:
                continue  # the halves of the car costs, inside its own statement
            if part in found:
                return []  # a part stated twice: not one list
            found[part] = item if last else _moved(item)
    needed = _parts(kind, found)
    if needed is None:
        return []
    if _parts(kind, {p: i for p, i in found.items() if i[0].span == (0, 0)}) is not None:
        return []  # complete before this paragraph: judged there
    return check_items(_moved(whole), [found[p] for p in needed], complete=True, certain=certain and not extra)
