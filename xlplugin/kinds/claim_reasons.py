"""原因合计 ``claim_reasons``: the amounts a change's reasons list add up to the change.

``较上年决算数减少 2343.3 万元……主要原因一是人员经费减少 326.25 万元；二是就业补助资金增加 2092.01
万元……`` — finance bureaus check that the reasons' increases and decreases sum to the change they
explain; a figure changed in one place and not in the other shows up here.

Parameters:

- ``template``: wording(s) of the change, binding ``{方向:方向}`` and ``{金额:变动}`` (as
  ``claim_change``);
- ``min_reasons`` (optional, default 2): how many amounts the reasons must list before they are
  taken as a breakdown of the change (``主要原因是……增加 50 万元`` alone is not).

The reasons are the sentence that starts at the first ``原因`` after the change, in the change's own
sentence or the next one (and before any other change the templates find); each amount in it that
follows a direction word (增加 / 减少 / 增长 / 下降 / 上升 / 降低) counts with that sign. Their sum is
compared with the change as printed, by interval arithmetic: exact → pass, a difference only the
printed precision explains → 提示, otherwise the rule's severity. The listed amounts count as
checked numbers. Example (Chongqing pack)::

    - id: CQW-64
      name: 原因所列增减额合计等于增减额
      kind: claim_reasons
      severity: 警告
      template:
        - "较[上年决算数|上年支出数|上年|年初预算数|年初预算]{方向:方向}{金额:变动}"
        - "总计各{方向:方向}{金额:变动}"

Placeholders: the common ones plus ``{quote}`` (the change's sentence) and ``{reasons}`` (the
amounts, signed).
"""
from xlplugin.expressions import NotRunnable
from xlplugin.findings import Operand
from xlplugin.intervals import Interval, Verdict, compare, total
from xlplugin.kinds.claimbase import cover, matches, outcome, slot_names, templates
from xlplugin.narrative import NUMBER_SLOTS

NAME = "claim_reasons"
TITLE = "原因合计"
LOCALITY = 3
PARAMS = {"template": ("any", True), "min_reasons": ("int", False)}
PLACEHOLDERS = ("quote", "reasons")
MESSAGE = "情况说明“{quote}”：所列原因的增减额合计 {expected}（{reasons}），与增减额 {actual} 不符；如所列并非全部原因，请在说明中注明。"
UP, DOWN = ("增加", "增长", "上升"), ("减少", "下降", "降低")


def prepare(params, layout, where):
    compiled = templates(params, layout, where)
    names = slot_names(compiled)
    if names.get("方向") != "方向" or names.get("变动") not in NUMBER_SLOTS:
        raise where.error("bad-template", "每个模板都要有 {方向:方向} 和数字槽 {金额:变动}。")
    least = params.get("min_reasons", 2)
    if least < 1:
        raise where.error("bad-param", "min_reasons 至少为 1。")
    return {"templates": compiled, "min_reasons": least}


def check(prepared, context):
    found = matches(prepared["templates"], context)
    if not found:
        raise NotRunnable("情况说明中没有与模板相符的增减变化句子")
    for index, match in enumerate(found):
        direction = match.values["方向"]
        if direction not in UP + DOWN:
            continue
        later = [m.start for m in found[index + 1:] if m.paragraph is match.paragraph]
        reasons = _reasons(match, later[0] if later else None)
        if len(reasons) < prepared["min_reasons"]:
            continue
        for start, end, _, _ in reasons:
            context.cover(match.paragraph, (start, end))
        cover(context, match, {"变动"})
        change = match.values["变动"].interval()
        change = -change if direction in DOWN else change
        summed = total(-q.interval() if word in DOWN else q.interval() for _, _, word, q in reasons)
        verdict = compare(change, "==", summed, context.tolerance)
        if verdict is Verdict.PASS:
            continue
        listed = "、".join(f"{word} {q.text}" for _, _, word, q in reasons)
        result = outcome(verdict, match, None, summed, change, "原因合计", reasons=listed)
        result.operands.extend(
            Operand(f"原因{number}", match.paragraph.sheet, match.paragraph.cell, -q.value if word in DOWN else q.value, f"{word}{q.text}")
            for number, (_, _, word, q) in enumerate(reasons, start=1)
        )
        yield result


def _reasons(match, stop: int | None) -> list[tuple[int, int, str, object]]:
    """The amounts (start, end, direction word, quantity) of the reasons that follow the change."""
    paragraph, text = match.paragraph, match.paragraph.norm
    own_end = _sentence_end(text, match.end)
    begin = text.find("原因", match.end)
    if begin < 0 or begin > _sentence_end(text, own_end + 1) or (stop is not None and begin >= stop):
        return []
    finish = _sentence_end(text, begin)
    found = []
    for start, end, quantity in paragraph.quantities:
        word = text[start - 2:start]
        if begin <= start < finish and quantity.kind == "money" and word in UP + DOWN:
            found.append((start, end, word, quantity))
    return found


def _sentence_end(text: str, start: int) -> int:
    end = text.find("。", start)
    return len(text) if end < 0 else end
