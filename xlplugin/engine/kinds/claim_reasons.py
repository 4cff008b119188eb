"""原因合计 ``claim_reasons``: the amounts a change's reasons list add up to the change.

``较上年决算数减少 2343.3 万元……主要原因一是人员经费减少 326.25 万元；二是就业补助资金增加 2092.01
万元……`` — finance bureaus check that the reasons' increases and decreases sum to the change they
explain; a figure changed in one place and not in the other shows up here.

Parameters:

- ``template`` (text or list; required): wording(s) of the change, each binding ``{方向:方向}`` and
  ``{金额:变动}``;
- ``min_reasons`` (integer; default ``2``): how many amounts (at least 1) the reasons must list
  before they are taken as a breakdown of the change (``主要原因是……增加 50 万元`` alone is not).

Which text is the reasons: from the first ``原因`` after the change to the end of that sentence
(。！？), in the change's own sentence — with no other increase or decrease of money in between —
or in the next sentence when that sentence starts with ``原因`` / ``主要原因`` / ``变动原因`` …; and
never past the next change the templates find. Each amount in it that follows a direction word
(增加 / 减少 / 增长 / 下降 / 上升 / 降低, optionally ``了``) counts with that sign; a ``其中`` clause
(up to the next ；) breaks an item down and is not counted again.

The check is made only where the reasons can be read in full: a sentence with a money amount that
does not follow a direction word, an approximate one (约 / 近 / 左右), a negated one (未减少), or
``分别`` is skipped and its numbers stay uncovered. The sum is judged as a printed figure: right
when the change is the sum rounded as printed (2343 for 2343.30), a 提示 when only the listed
amounts' own rounding explains the difference, otherwise the rule's severity. Reasons that are only
the main ones will not add up: the Chongqing pack therefore reports this as 提示. Example::

    - id: CQW-64
      name: 原因所列增减额合计等于增减额
      kind: claim_reasons
      severity: 提示
      template:
        - "较[上年决算数|上年支出数|上年|年初预算数|年初预算]{方向:方向}{金额:变动}"
        - "总计各{方向:方向}{金额:变动}"

Placeholders: the common ones plus ``{quote}`` (the change's sentence), ``{reasons}`` (the listed
amounts), ``{listed}`` (their sum, with its direction) and ``{change}`` (the change as written).
"""

import re
from bisect import bisect_left
from dataclasses import dataclass

from xlplugin.core.amounts import fmt
from xlplugin.core.errors import NotRunnable
from xlplugin.core.findings import Operand
from xlplugin.core.intervals import Verdict, total
from xlplugin.engine.kinds.claimbase import cover, matches, outcome, quoted_compare, slot_names, templates, wrong_types
from xlplugin.engine.kinds.params import Param, filled
from xlplugin.workbook.narrative import Template

NAME = "claim_reasons"
TITLE = "原因合计"
TOPIC = "narrative"
LOCALITY = 3
PARAMS = {
    "template": Param(
        "any",
        required=True,
        doc="增减变化的句式（可以是几种写法的列表），每种写法都要有 `{方向:方向}` 和 `{金额:变动}`",
    ),
    "min_reasons": Param(
        "int",
        default=2,
        doc="原因中至少列出几个金额（不小于 1）才当作增减额的分解来核对；默认 2，即“主要原因是……增加 50 万元”只有一项时不核对",
    ),
}
PLACEHOLDERS = ("quote", "reasons", "listed", "change")
MESSAGE = (
    "情况说明“{quote}”：所列原因合计{listed}（{reasons}），与所说的{change}不符；如所列并非全部原因，请在说明中注明。"
)
UP, DOWN = ("增加", "增长", "上升"), ("减少", "下降", "降低")
_SENTENCE_END = re.compile(r"[。!?]")
_NEXT_SENTENCE_REASONS = re.compile(r"(?:主要|变动|变化|增减|减少|增加)?原因")
_CHANGE_OF_MONEY = re.compile(rf"(?:{'|'.join(UP + DOWN)})了?\d[\d,]*(?:\.\d+)?(?:万元|亿元|元)")
_DIRECTED = re.compile(rf"(未|没有|不)?({'|'.join(UP + DOWN)})(了)?$")
_APPROXIMATE_BEFORE = ("约", "近", "分别")  # 约 100 万元, 分别增加 30 万元、20 万元
_APPROXIMATE_AFTER = ("左右", "以上")


@dataclass(frozen=True)
class ClaimReasonsPrepared:
    templates: tuple[Template, ...]
    min_reasons: int


def check_params(params, where) -> None:
    """A count of reasons below 1 would take any sentence for a breakdown."""
    if "min_reasons" in params and params["min_reasons"] < 1:
        raise where.error("bad-param", "min_reasons 至少为 1。")


@filled(PARAMS)
def prepare(params, layout, where) -> ClaimReasonsPrepared:
    compiled = templates(params, layout, where)
    names = slot_names(compiled)
    wrong = wrong_types(compiled, {"变动": {"金额"}, "方向": {"方向"}})
    if "方向" not in names or "变动" not in names or wrong:
        raise where.error(
            "bad-template",
            "每个模板都要有 {方向:方向} 和 {金额:变动}" + (f"（类型不对：{'、'.join(wrong)}）" if wrong else "") + "。",
        )
    return ClaimReasonsPrepared(tuple(compiled), params["min_reasons"])


def check(prepared: ClaimReasonsPrepared, context):
    found = matches(prepared.templates, context)
    if not found:
        raise NotRunnable("情况说明中没有与模板相符的增减变化句子")
    for index, match in enumerate(found):
        direction = match.values["方向"]
        if direction not in UP + DOWN:
            continue
        # matches are in paragraph order: the next one, if in this paragraph, is where reasons stop
        following = found[index + 1] if index + 1 < len(found) else None
        same = following is not None and following.paragraph is match.paragraph
        reasons = _reasons(match, following.start if same else len(match.paragraph.norm))
        if reasons is None or len(reasons) < prepared.min_reasons:
            continue
        for start, end, _, _ in reasons:
            context.cover(match.paragraph, (start, end))
        cover(context, match, {"变动"})
        change = match.values["变动"]
        summed = total(-q.interval() if word in DOWN else q.interval() for _, _, word, q in reasons)
        verdict = quoted_compare(change, -summed if direction in DOWN else summed)
        if verdict is Verdict.PASS:
            continue
        signed_change = -change.interval() if direction in DOWN else change.interval()
        listed_word = "减少" if summed.point < 0 else "增加"
        result = outcome(
            verdict,
            match,
            None,
            summed,
            signed_change,
            "原因合计",
            reasons="、".join(f"{word} {q.text}" for _, _, word, q in reasons),
            listed=f"{listed_word} {fmt(abs(summed.point))} 万元",
            change=f"{direction} {change.text}",
        )
        result.operands.extend(
            Operand(
                f"原因{number}",
                match.paragraph.sheet,
                match.paragraph.cell,
                -q.value if word in DOWN else q.value,
                f"{word}{q.text}",
            )
            for number, (_, _, word, q) in enumerate(reasons, start=1)
        )
        yield result


def _reasons(match, stop: int) -> list[tuple[int, int, str, object]] | None:
    """The amounts (start, end, direction word, quantity) the change's reasons list, ``[]`` when
    there are no reasons to check, ``None`` when they cannot be read in full."""
    paragraph, text = match.paragraph, match.paragraph.norm
    begin = _reasons_start(text, match.end, stop)
    if begin is None:
        return []
    finish = _sentence_end(text, begin, stop)
    found = []
    quantities = paragraph.quantities
    for position in range(bisect_left(paragraph.quantity_starts, begin), len(quantities)):
        start, end, quantity = quantities[position]
        if start >= finish:
            break
        if quantity.kind != "money":
            continue
        if _in_breakdown(text, begin, start):
            continue
        before = text[max(begin, start - 6) : start]
        directed = _DIRECTED.search(before)
        if (
            directed is None
            or directed.group(1)
            or any(word in text[max(begin, start - 8) : start] for word in _APPROXIMATE_BEFORE)
            or text[end : end + 2] in _APPROXIMATE_AFTER
        ):
            return None  # an amount we cannot sign for sure: do not judge the sentence
        found.append((start, end, directed.group(2), quantity))
    return found


def _reasons_start(text: str, after: int, stop: int) -> int | None:
    """Where the reasons begin: ``原因`` later in the change's sentence (no other change of money
    before it), or at the start of the next sentence; else ``None``."""
    own_end = _sentence_end(text, after, stop)
    begin = text.find("原因", after, own_end)
    if begin >= 0:  # another change of money in between: these reasons explain that one
        return None if _CHANGE_OF_MONEY.search(text, after, begin) else begin
    following = own_end + 1
    opening = _NEXT_SENTENCE_REASONS.match(text, following)
    if following >= stop or opening is None:
        return None
    return opening.end() - 2


def _in_breakdown(text: str, begin: int, position: int) -> bool:
    """Inside a ``其中`` clause (which runs to the next ；): a breakdown of the item before it."""
    clause_start = max(text.rfind("；", begin, position), text.rfind(";", begin, position), begin)
    return "其中" in text[clause_start:position]


def _sentence_end(text: str, start: int, stop: int) -> int:
    """Where the sentence from ``start`` ends, looking no further than ``stop`` (``stop`` if it does
    not end before): a paragraph without sentence ends is not searched to its end for every change."""
    end = _SENTENCE_END.search(text, start, stop)
    return stop if end is None else end.start()
