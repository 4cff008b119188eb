"""前后一致 ``claim_consistent``: the same quantity, wherever the narrative quotes it, has one value.

Parameters:

- ``template`` (wordings; required): wording(s) binding ``{金额:值}`` (or another number slot
  named ``值``) and, when the value is a change, ``{方向:方向}`` (so that 减少 2343.3 and 下降 2343.3
  are the same −2343.3). A wording may be ``{template: …, when: …}``: it counts only while its own
  table condition holds — 支出合计 moves with 支出总计 only when there is no 结转结余, 财政拨款收支总计
  with 收入总计 only when every income is 财政拨款. Where the condition cannot be evaluated (a 情况说明
  checked without its tables) the wording is left out, never guessed;
- ``when`` (expression; optional): a table condition under which the quotes must agree.

The value most sentences quote is taken as right and every other sentence is a finding that names
where the right value is quoted; without a majority every quote is a finding. Values agree when their printed intervals meet
(2343.3 and 2343.30 are one value). Example::

    - id: CQW-60
      name: 收入总计与支出总计的增减额一致
      kind: claim_consistent
      template:
        - "收入总计{金额},较上年决算数{方向:方向}{金额:值}"
        - "收支较上年决算数{方向:方向}{金额:值}"
        - template: "支出合计{金额},较上年决算数{方向:方向}{金额:值}"
          when: 公开01表[收入/年初结转和结余].决算数 == 0 and 公开01表[支出/年末结转和结余].决算数 == 0

Placeholders: the common ones plus ``{quote}`` and ``{others}``.
"""

from collections import Counter
from dataclasses import dataclass

from xlplugin.core.errors import NotRunnable
from xlplugin.core.intervals import Interval, Verdict
from xlplugin.engine.expressions import evaluate
from xlplugin.engine.kinds.claimbase import condition, cover, matches, outcome, slot_names, templates
from xlplugin.engine.kinds.params import Param
from xlplugin.workbook.narrative import NUMBER_SLOTS, Template

NAME = "claim_consistent"
TITLE = "前后一致"
TOPIC = "narrative"
LOCALITY = 3
PARAMS = {
    "template": Param(
        "wordings",
        required=True,
        doc="句式模板（通常是几种写法的列表）；每种写法都要有名为 `值` 的数字槽，如 `{金额:值}`；是增减额时再加 "
        "`{方向:方向}`，这样“减少 2343.3”与“下降 2343.3”是同一个 −2343.3。只在一定条件下才应一致的写法写成 "
        "`{template: 写法, when: 表格条件}`（条件无法判断时，如只有情况说明，这种写法不参与比较）",
    ),
    "when": Param("expr", doc="表格条件，成立时才要求一致"),
}
PLACEHOLDERS = ("quote", "others")
MESSAGE = "情况说明“{quote}”写的是 {actual}，而{others}写的是 {expected}，同一数字前后不一致。"
_DOWN = ("减少", "下降", "降低")


@dataclass(frozen=True)
class ClaimConsistentPrepared:
    templates: tuple[Template, ...]
    #: the table condition, or None
    when: object
    #: each wording's own table condition (None: always counts), aligned with ``templates``
    conditions: tuple[object, ...] = ()


def prepare(params, layout, where) -> ClaimConsistentPrepared:
    wordings = params["template"] if isinstance(params["template"], list) else [params["template"]]
    texts, conditions = [], []
    for wording in wordings:
        if isinstance(wording, dict):  # {template, when}: params checked its keys, both present
            texts.append(wording["template"])
            conditions.append(condition(wording["when"], layout, where))
        else:
            texts.append(wording)
            conditions.append(None)
    compiled = templates({"template": texts}, layout, where)
    if not set(NUMBER_SLOTS) >= slot_names(compiled).get("值", {"无"}):
        raise where.error("bad-template", "每个模板都要有名为“值”的数字槽，如 {金额:值}。")
    when = condition(params["when"], layout, where) if params.get("when") else None
    return ClaimConsistentPrepared(tuple(compiled), when, tuple(conditions))


def _holding(prepared: ClaimConsistentPrepared, context) -> list[Template]:
    """The wordings that count here: those without a condition, and those whose condition holds."""
    kept = []
    for template, when in zip(prepared.templates, prepared.conditions or (None,) * len(prepared.templates)):
        if when is not None:
            try:
                if evaluate(when, context.interval).verdict is not Verdict.PASS:
                    continue
            except NotRunnable:
                continue
        kept.append(template)
    return kept


def _signed(match) -> Interval:
    interval = match.values["值"].interval()
    return -interval if match.values.get("方向") in _DOWN else interval


def _text(match) -> str:
    direction = match.values.get("方向")
    return (direction or "") + match.values["值"].text


def check(prepared: ClaimConsistentPrepared, context):
    if prepared.when is not None and evaluate(prepared.when, context.interval).verdict is not Verdict.PASS:
        return
    found = matches(_holding(prepared, context), context)
    if not found:
        raise NotRunnable("情况说明中没有与模板相符的句子")
    if len(found) < 2:
        return
    values = [_signed(m) for m in found]
    votes = Counter()
    for index, value in enumerate(values):
        votes[index] = sum(1 for other in values if other.intersects(value))
    best = max(votes.values())
    leaders = [i for i, v in votes.items() if v == best]
    right = values[leaders[0]]
    tie = any(not values[i].intersects(right) for i in leaders)
    for match, value in zip(found, values):
        cover(context, match, {"值"})
        if tie:  # no majority: every quote is in doubt; point each to the others
            disagreeing = [(m, v) for m, v in zip(found, values) if not v.intersects(value)]
            if disagreeing:
                other, other_value = disagreeing[0]
                yield outcome(
                    Verdict.FAIL,
                    match,
                    None,
                    _text(other),
                    _text(match),
                    "前后一致",
                    others=f"{other.paragraph.cell}处",
                )
        elif not value.intersects(right):
            agreeing = [m for m, v in zip(found, values) if v.intersects(right)]
            yield outcome(
                Verdict.FAIL,
                match,
                None,
                _text(agreeing[0]),
                _text(match),
                "前后一致",
                others="、".join(m.paragraph.cell for m in agreeing[:3]) + "处",
            )
