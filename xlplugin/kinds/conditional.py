"""条件 ``conditional``: when one relation holds, another must hold too.

Parameters: ``when`` and ``then``, both expressions (see ``expression``). ``then`` is checked only when
``when`` holds exactly (a rounding-only ``when`` is not enough to demand anything). Example (公开09表)::

    - id: CQ09-09
      name: 无因公出国（境）费用则无团组和人次
      kind: conditional
      when: 公开09表[因公出国（境）费].决算数 == 0
      then: 公开09表[因公出国（境）团组数].决算数 == 0 and 公开09表[因公出国（境）人次].决算数 == 0

Placeholders: the common ones plus ``{when}``, ``{then}`` and ``{relation}``.
"""
from xlplugin.expressions import evaluate
from xlplugin.intervals import Verdict
from xlplugin.kinds.expression import compile_condition, relation_outcome

NAME = "conditional"
TITLE = "条件"
LOCALITY = 3
PARAMS = {"when": ("expr", True), "then": ("expr", True)}
PLACEHOLDERS = ("when", "then", "relation")
MESSAGE = "因为 {when}，所以应有 {then}；但左边为 {actual}，右边为 {expected}。"


def prepare(params, layout, where):
    return {
        "when": compile_condition(params["when"], layout, where, "when"),
        "then": compile_condition(params["then"], layout, where, "then"),
        "when_text": str(params["when"]),
        "then_text": str(params["then"]),
    }


def check(prepared, context):
    if evaluate(prepared["when"], context.interval, None).verdict is not Verdict.PASS:
        return
    result = evaluate(prepared["then"], context.interval, context.tolerance)
    if result.verdict is not Verdict.PASS:
        found = relation_outcome(result, context, prepared["then_text"])
        found.details.update(when=prepared["when_text"], then=prepared["then_text"])
        yield found
