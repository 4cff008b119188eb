"""增减变化 ``claim_change``: a year-on-year or budget comparison in the narrative is arithmetically
and verbally consistent: ``较上年决算数增加/减少 X 万元，增长/下降 Y%``.

Parameters:

- ``template`` (text or list; required): wording(s) binding ``{金额:变动}`` (X), ``{方向:方向}`` (the
  word before X) and optionally ``{百分比:幅度}`` (Y), ``{方向:方向2}`` (the word before Y),
  ``{金额:本年}`` (the current figure in the same sentence);
- ``current`` (expression; optional): where the current figure comes from when the sentence does not
  repeat it (over tables and slots); required when a wording has no ``{金额:本年}``;
- ``checks`` (list of ``direction`` ``rate`` ``zero_base``; default all): the checks made, so that a
  pack can grade them differently (``[]`` is refused: it would check nothing).

Checks, in order: the two direction words agree (``direction``: ``减少 … 增长`` contradicts itself);
then the base (上年 or 年初预算) is ``current − X`` after an increase, ``current + X`` after a
decrease; a base of zero makes a growth rate meaningless (``zero_base``: ``增长 100%`` from nothing);
otherwise Y must be X ÷ base (``rate``), rounded as printed (interval arithmetic decides rounding
cases). A sentence whose figures cannot be
computed (a row not in the table) is skipped and stays uncovered; the rule is "not run" only when no
matching sentence could be checked. Example::

    - id: CQW-50
      name: 增减额与增减率一致
      kind: claim_change
      template: "{金额:本年},较[上年决算数|上年支出数|上年|年初预算数|年初预算]{方向:方向}{金额:变动}[,|、]{方向:方向2}{百分比:幅度}"

finds the sample's “较上年决算数减少 1863.3 万元、下降 15.80%” (1863.3 ÷ 11772.45 = 15.83%).
Placeholders: the common ones plus ``{quote}`` and ``{problem}``.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from xlplugin.core.errors import NotRunnable
from xlplugin.core.intervals import ZERO, Interval, Verdict
from xlplugin.engine.expressions import Slot, value_of
from xlplugin.engine.kinds.base import some_checks
from xlplugin.engine.kinds.claimbase import (
    Resolver,
    cover,
    expression,
    matches,
    outcome,
    quoted_compare,
    slot_names,
    templates,
    wrong_types,
)
from xlplugin.engine.kinds.params import Param, checks_param, filled
from xlplugin.workbook.narrative import NUMBER_SLOTS, Template

NAME = "claim_change"
TITLE = "增减变化"
TOPIC = "narrative"
LOCALITY = 3
CHECKS = ("direction", "rate", "zero_base")
PARAMS = {
    "template": Param(
        "any",
        required=True,
        doc="句式模板。必须有 `{金额:变动}`（X）和 `{方向:方向}`（X 前的方向词）；可以有 `{百分比:幅度}`（Y）、"
        "`{方向:方向2}`（Y 前的方向词）、`{金额:本年}`（同句中的本年数）",
    ),
    "current": Param("expr", doc="本年数从哪里来（表达式，可引用表格和槽）；模板没有 `{金额:本年}` 时必填"),
    "checks": checks_param(CHECKS, "做哪些检查，见下"),
}
PLACEHOLDERS = ("quote", "problem")
MESSAGE = "情况说明“{quote}”：{problem}"
UP, DOWN = ("增加", "增长", "上升"), ("减少", "下降", "降低")


@dataclass(frozen=True)
class ClaimChangePrepared:
    templates: tuple[Template, ...]
    #: where the current figure comes from when the sentence does not say it, or None
    current: object
    checks: frozenset[str]


def check_params(params, where) -> None:
    """At least one check: ``checks: []`` would check nothing (yet cover the sentences it matches)."""
    some_checks(params, CHECKS, where)


@filled(PARAMS)
def prepare(params, layout, where) -> ClaimChangePrepared:
    compiled = templates(params, layout, where)
    names = slot_names(compiled)
    for needed in ("变动", "方向"):
        if needed not in names:
            raise where.error("bad-template", f"模板必须含有 {{金额:变动}} 和 {{方向:方向}}（缺少“{needed}”）。")
    numbers, direction = set(NUMBER_SLOTS), {"方向"}
    wrong = wrong_types(
        compiled, {"变动": numbers, "本年": numbers, "幅度": numbers, "方向": direction, "方向2": direction}
    )
    if wrong:
        raise where.error(
            "bad-template",
            f"模板中 {'、'.join(wrong)} 的类型不对：变动、本年、幅度须是数字槽"
            "（如 {金额:变动}、{百分比:幅度}），方向、方向2 须是 {方向:…}。",
        )
    current = expression(params["current"], layout, where, names, "current") if params.get("current") else None
    if current is None and "本年" not in names:
        raise where.error("bad-template", "模板没有 {金额:本年} 时，必须用 current 指明本年数从哪里来。")
    return ClaimChangePrepared(tuple(compiled), current, frozenset(params["checks"]))


def check(prepared: ClaimChangePrepared, context):
    found = matches(prepared.templates, context)
    if not found:
        raise NotRunnable("情况说明中没有与模板相符的增减变化句子")
    checked, reason = 0, None
    for match in found:
        resolver = Resolver(context, match)
        try:
            outcomes = list(_judge(prepared, resolver, match))
        except NotRunnable as error:
            reason = error  # e.g. the current figure's row is not in the table: this sentence stays uncovered
            continue
        checked += 1
        cover(context, match, resolver.used)
        yield from outcomes
    if not checked:
        raise NotRunnable(f"情况说明中相符的增减变化句子都无法核对：{reason}")


def _judge(prepared: ClaimChangePrepared, resolver: Resolver, match):
    """The outcomes of one sentence; raises NotRunnable when its figures cannot be computed. The
    figures it judged are in ``resolver.used``."""
    values = match.values
    first, second = values["方向"], values.get("方向2")
    if second and (first in UP and second in DOWN or first in DOWN and second in UP):
        if "direction" in prepared.checks:
            yield outcome(
                Verdict.FAIL,
                match,
                resolver,
                None,
                None,
                "增减方向",
                problem=f"先说“{first}”，又说“{second}”，方向自相矛盾。",
            )
        return
    if "幅度" not in values or first not in UP + DOWN:
        return
    change = values["变动"].interval()
    current = resolver(Slot("本年")) if "本年" in values else value_of(prepared.current, resolver)
    base = current - change if first in UP else current + change
    rate = values["幅度"]
    if base.point == ZERO or (base.low <= ZERO <= base.high and base.radius > 0):
        if "zero_base" in prepared.checks:
            resolver.used |= {"变动", "幅度"}
            yield outcome(
                Verdict.FAIL,
                match,
                resolver,
                None,
                rate.value,
                "增减率",
                problem=f"上年（或预算）数为 {base.point}，基数为零时不能计算增减率，不应写“{second or first} {rate.text}”。",
            )
        return
    if "rate" not in prepared.checks:
        return
    resolver.used |= {"变动", "幅度"}
    expected = change / base * Interval.exact(100) if change.point >= 0 else -change / base * Interval.exact(100)
    verdict = quoted_compare(rate, expected)
    if verdict is not Verdict.PASS:
        shown = expected.point.quantize(Decimal(1).scaleb(-rate.decimals), rounding=ROUND_HALF_UP)
        problem = (
            f"{first} {values['变动'].text}，基数 {base.point}，增减率应为 "
            f"{expected.point:.{max(rate.decimals + 2, 0)}f}%（即 {format(shown, 'f')}%），写的是 {rate.text}。"
        )
        yield outcome(verdict, match, resolver, expected, rate.interval(), "增减率", quoted=rate, problem=problem)
