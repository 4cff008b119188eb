"""条件 ``conditional``: when one relation holds, another must hold too.

Parameters:

- ``when`` (expression; required): the condition (see ``expression``);
- ``then`` (expression; required): what must hold when it does.

``then`` is checked only when ``when`` holds exactly (a rounding-only ``when`` is not enough to
demand anything). Example (公开09表)::

    - id: CQ09-09
      name: 无因公出国（境）费用则无团组和人次
      kind: conditional
      when: 公开09表[因公出国（境）费].决算数 == 0
      then: 公开09表[因公出国（境）团组数].决算数 == 0 and 公开09表[因公出国（境）人次].决算数 == 0

Placeholders: the common ones plus ``{when}``, ``{then}`` and ``{relation}``.
"""

from dataclasses import dataclass

from xlplugin.core.intervals import Verdict
from xlplugin.engine.expressions import evaluate
from xlplugin.engine.kinds.expression import compile_condition, relation_outcome
from xlplugin.engine.kinds.params import Param

NAME = "conditional"
TITLE = "条件"
TOPIC = "table"
LOCALITY = 3
PARAMS = {
    "when": Param("expr", required=True, doc="条件"),
    "then": Param("expr", required=True, doc="条件成立时必须成立的关系"),
}
PLACEHOLDERS = ("when", "then", "relation")
MESSAGE = "因为 {when}，所以应有 {then}；但左边为 {actual}，右边为 {expected}。"


@dataclass(frozen=True)
class ConditionalPrepared:
    when: object
    then: object
    #: both as written
    when_text: str
    then_text: str


def prepare(params, layout, where) -> ConditionalPrepared:
    return ConditionalPrepared(
        compile_condition(params["when"], layout, where, "when"),
        compile_condition(params["then"], layout, where, "then"),
        params["when"],
        params["then"],
    )


def check(prepared: ConditionalPrepared, context):
    if evaluate(prepared.when, context.interval, None).verdict is not Verdict.PASS:
        return
    result = evaluate(prepared.then, context.interval, context.tolerance)
    if result.verdict is not Verdict.PASS:
        found = relation_outcome(result, context, prepared.then_text)
        found.details.update(when=prepared.when_text, then=prepared.then_text)
        yield found
