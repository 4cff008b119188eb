"""文表一致 ``claim``: a sentence of the narrative, found by a template, must agree with the tables
(or with itself).

Parameters:

- ``template`` (text or list; required): one template or a list of alternative wordings (see
  :mod:`xlplugin.workbook.narrative`);
- ``checks`` (list; required): expressions over the template's slots ``{名称}`` and table references;
  a row may be a bound 科目 code (``公开05表[{类}].合计``); ``[]`` is refused (it would check nothing);
- ``when`` (expression; optional): a table condition under which the claim applies.

``{槽} == …`` judges a quoted figure the way a reader would: right when it is the computed value
rounded to the printed precision (``占 57%`` for 56.98%), a 提示 when only the rounding of the
tables' own figures could explain the difference, wrong otherwise. Every number a check uses counts
as covered. Examples (Chongqing pack)::

    - id: CQW-14
      name: 各类一般公共预算支出及其占比与公开05表一致
      kind: claim
      template: "{科目:类}{金额:金额},占{百分比:占比}"
      checks:
        - "{金额} == 公开05表[{类}].合计"
        - "{占比} == {金额} / 公开05表[合计].合计 * 100"

    - id: CQW-29
      name: 人均接待费等于国内公务接待费除以接待人次
      kind: claim
      template: 人均接待费{金额:人均}
      checks: ["{人均} == 公开09表[国内接待费].决算数 / 公开09表[国内公务接待人次].决算数"]

A template that matches no sentence leaves the rule "not run" (the narrative says it differently, or
not at all); a sentence whose checks cannot be computed (a row it names is not in the table, a
division by zero) is skipped and its numbers stay uncovered, and a rule none of whose sentences could
be checked is "not run" too. Placeholders: the common ones plus ``{quote}`` (the sentence) and ``{check}``.
"""

from dataclasses import dataclass

from xlplugin.core.errors import NotRunnable, ZeroDivisor
from xlplugin.core.intervals import Verdict
from xlplugin.engine.expressions import Slot, evaluate
from xlplugin.engine.kinds.base import some_checks
from xlplugin.engine.kinds.claimbase import (
    Resolver,
    condition,
    cover,
    expression,
    judge,
    matches,
    outcome,
    slot_names,
    templates,
)
from xlplugin.engine.kinds.params import Param
from xlplugin.workbook.narrative import Template

NAME = "claim"
TITLE = "文表一致"
TOPIC = "narrative"
LOCALITY = 3
PARAMS = {
    "template": Param("any", required=True, doc="句式模板，一句或几种写法的列表（第 5 节）"),
    "checks": Param(
        "list", required=True, doc="表达式，用模板的槽 `{名称}` 和表格引用；行可以用槽，如 `公开05表[{类}].合计`"
    ),
    "when": Param("expr", doc="表格条件，成立时才检查"),
}
PLACEHOLDERS = ("quote", "check", "basis")
#: ``{basis}`` is 按表格 when the check read a table cell, 按所写数字 when it used the sentence's own figures
MESSAGE = "情况说明“{quote}”：写的是 {actual}，{basis}应为 {expected}（{check}）。"


@dataclass(frozen=True)
class ClaimPrepared:
    templates: tuple[Template, ...]
    #: (the check as written, its tree) of each check
    checks: tuple[tuple[str, object], ...]
    #: the table condition, or None
    when: object
    #: the first wording as written, to name the template when no sentence matches
    wording: str


def check_params(params, where) -> None:
    """At least one check: ``checks: []`` would check nothing (yet cover the sentences it matches)."""
    some_checks(params, None, where)


def prepare(params, layout, where) -> ClaimPrepared:
    compiled = templates(params, layout, where)
    names = slot_names(compiled)
    checks = tuple((text, expression(text, layout, where, names, "checks")) for text in params["checks"])
    when = condition(params["when"], layout, where) if params.get("when") else None
    template = params["template"]
    return ClaimPrepared(tuple(compiled), checks, when, template[0] if isinstance(template, list) else template)


def check(prepared: ClaimPrepared, context):
    if prepared.when is not None and evaluate(prepared.when, context.interval).verdict is not Verdict.PASS:
        return
    found = matches(prepared.templates, context)
    if not found:
        raise NotRunnable(f"情况说明中没有与模板“{prepared.wording}”相符的句子")
    checked, reason = 0, None
    for match in found:
        results = []
        sharpened: dict = {}  # a slot one check found equal to a table figure, for the checks after it
        try:
            for text, tree in prepared.checks:
                resolver = Resolver(context, match)
                resolver.sharpened = sharpened
                try:
                    results.append((text, resolver, *judge(tree, resolver, context.tolerance)))
                except ZeroDivisor as zero:
                    results.append((text, resolver, *_zero_divisor(tree, match, resolver, zero)))
        except NotRunnable as error:
            reason = error  # e.g. a row the sentence names is not in the table: its numbers stay uncovered
            continue
        checked += 1
        cover(context, match, set().union(*(resolver.used for _, resolver, *_ in results)))
        for text, resolver, verdict, expected, actual, quoted in results:
            if verdict is not Verdict.PASS:
                yield outcome(verdict, match, resolver, expected, actual, "情况说明", quoted=quoted, check=text)
    if not checked:
        raise NotRunnable(f"情况说明中相符的句子都无法核对：{reason}")


def _zero_divisor(tree, match, resolver, zero: ZeroDivisor):
    """``{槽} == a / b`` with ``b`` exactly zero: a printed 0 (or nothing to divide) is right; any
    other printed figure (车均购置费 7 万元 with no car bought) is a quotient of nothing — wrong, and
    said so. A divisor that only may be zero, or a check of another shape, stays not computable."""
    left = getattr(tree, "left", None)
    if not zero.exact or getattr(tree, "op", None) != "==" or not isinstance(left, Slot):
        raise zero
    quoted = match.values[left.name]
    resolver.used.add(left.name)
    if quoted.value == 0:
        return Verdict.PASS, None, quoted.interval(), quoted
    return Verdict.FAIL, "0（除数为 0，无从计算）", quoted.interval(), quoted
