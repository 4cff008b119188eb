"""绩效指标 ``selfeval_indicators``: every indicator row of every 绩效自评表 is filled in and scored
as its target, its nature (≥ / ≤ / =) and its completion say.

Parameters:

- ``kinds`` (list; optional): only these kinds of 绩效自评表, as for ``selfeval_funds``;
- ``checks`` (list of ``blank`` ``within_weight`` ``marks`` ``text_vs_number``; default all), at
  least one (``[]`` would check nothing):
  ``blank`` — 全年完成值 and 指标得分 are filled in;
  ``within_weight`` — 指标得分 ≤ 指标权重;
  ``marks`` — a numeric completion that meets the target earns the full weight, one that falls short
  earns the proportional part (≥ and = below the target: 权重 × 完成值 ÷ 指标值; ≤, and = above the
  target with ``equal_exceeded: partial``: 权重 × 指标值 ÷ 完成值), judged as
  printed (``0.99`` for 8.4 of 8.5 is right); a text completion equal to a text target (``规定要求``)
  earns the full weight;
  ``text_vs_number`` — a text completion against a numeric target cannot be scored;
- ``equal_exceeded`` (one of ``full`` ``partial``; default ``full``): how ``=`` treats a completion
  above the target — ``full``: achieved (the full weight); ``partial``: scored in proportion to how
  far it overshoots, 权重 × 指标值 ÷ 完成值 (never above the weight: 7 against 21 with weight 1
  earns 0.33).

Example::

    - id: CQP-10
      name: 指标完成值、得分已填写且得分不超过权重
      kind: selfeval_indicators
      severity: 错误
      checks: [blank, within_weight]

finds the sample's 部门整体 row 95 (完成值 and 得分 both blank). Placeholders: the common ones plus
``{problem}`` and ``{name}`` (the indicator's name).
"""

from dataclasses import dataclass
from decimal import Decimal

from xlplugin.core.amounts import normalize_text
from xlplugin.core.findings import Operand, Outcome
from xlplugin.core.intervals import Interval, Verdict
from xlplugin.engine.kinds.base import SELFEVAL_KINDS, selfeval_kinds, some_checks
from xlplugin.engine.kinds.claimbase import quoted_compare
from xlplugin.engine.kinds.params import Param, checks_param, filled
from xlplugin.engine.kinds.selfeval_funds import quoted

NAME = "selfeval_indicators"
TITLE = "绩效指标"
TOPIC = "selfeval"
LOCALITY = 1
CHECKS = ("blank", "within_weight", "marks", "text_vs_number")
PARAMS = {
    "kinds": SELFEVAL_KINDS,
    "checks": checks_param(CHECKS, "做哪些检查，见下表"),
    "equal_exceeded": Param(
        "str",
        default="full",
        choices=("full", "partial"),
        doc="指标性质为“=”而完成值超过指标值时：`full` 算达到，`partial` 按比例得分（权重 × 指标值 ÷ 完成值，不超过权重）",
    ),
}
PLACEHOLDERS = ("problem", "name")
MESSAGE = "{table}第 {row} 项“{name}”：{problem}"
_NATURE = {"≥": ">=", ">=": ">=", "＞": ">", ">": ">", "≤": "<=", "<=": "<=", "<": "<", "＜": "<", "=": "=", "＝": "="}


@dataclass(frozen=True)
class SelfevalIndicatorsPrepared:
    #: the kinds of 绩效自评表 checked; empty: all
    kinds: tuple[str, ...]
    checks: frozenset[str]
    #: ``full`` or ``partial``
    exceeded: str


def check_params(params, where) -> None:
    """At least one check: ``checks: []`` would check nothing."""
    some_checks(params, CHECKS, where)


@filled(PARAMS)
def prepare(params, layout, where) -> SelfevalIndicatorsPrepared:
    kinds = selfeval_kinds(params.get("kinds"), layout, where)
    return SelfevalIndicatorsPrepared(kinds, frozenset(params["checks"]), params["equal_exceeded"])


def check(prepared: SelfevalIndicatorsPrepared, context):
    checks = prepared.checks
    for table in context.selfeval(prepared.kinds):
        table.require("序号", "指标名称", "指标值", "全年完成值", "指标权重", "指标得分", "指标性质")
        for indicator in table.indicators:
            values = indicator.values
            number, name = values["序号"].text, values["指标名称"].text
            target, done, weight, score = values["指标值"], values["全年完成值"], values["指标权重"], values["指标得分"]
            operands = [
                Operand(
                    f"{table.name}[{number}].{column}",
                    table.sheet,
                    values[column].cell,
                    values[column].amount.value if values[column].amount else None,
                    values[column].text,
                )
                for column in ("指标值", "指标性质", "指标权重", "全年完成值", "指标得分")
                if column in values
            ]

            def found(entry, column, problem, expected=None, actual=None, verdict=Verdict.FAIL):
                return Outcome(
                    verdict,
                    table.sheet,
                    entry.cell,
                    table.name,
                    number,
                    column,
                    expected=expected,
                    actual=actual if actual is not None else (entry.text or "（空）"),
                    operands=operands,
                    details={"problem": problem, "name": name},
                )

            if "blank" in checks:
                for entry, column in ((done, "全年完成值"), (score, "指标得分")):
                    if entry.blank:
                        yield found(entry, column, f"{column}为空。", expected="应填写")
            if score.amount is None or weight.amount is None:
                continue
            if "within_weight" in checks and score.amount.value > weight.amount.value:
                yield found(
                    score,
                    "指标得分",
                    f"得分 {score.text} 超过权重 {weight.text}。",
                    expected=weight.amount.value,
                    actual=score.amount.value,
                )
            if done.blank:
                continue
            if target.amount is not None and done.amount is None:
                if "text_vs_number" in checks:
                    yield found(
                        done,
                        "全年完成值",
                        f"指标值是数字（{target.text}），完成值却是文字，无法据此计算得分。",
                        expected="数字",
                    )
                continue
            if "marks" not in checks:
                continue
            expected = _expected(target, done, weight, values.get("指标性质"), prepared.exceeded)
            if expected is None:
                continue
            verdict = quoted_compare(quoted(score), expected)
            if verdict is not Verdict.PASS:
                yield found(
                    score,
                    "指标得分",
                    f"指标值 {target.text}（{values['指标性质'].text}）、完成值 {done.text}，得分应为 {expected.point:.2f}，写的是 {score.text}。",
                    expected=expected.point.quantize(Decimal("0.01")),
                    actual=score.amount.value,
                    verdict=verdict,
                )


def _expected(target, done, weight, nature, exceeded) -> Interval | None:
    """The score the completion earns, or None where it cannot be judged."""
    full = Interval.of(weight.amount)
    if target.amount is None or done.amount is None:  # text against text
        if target.amount is None and done.amount is None and normalize_text(target.text) == normalize_text(done.text):
            return full
        return None
    relation = _NATURE.get(normalize_text(nature.text) if nature else "")
    goal, value = target.amount.value, done.amount.value
    if relation is None or goal == 0:
        return None
    achieved = {
        ">=": value >= goal,
        ">": value > goal,
        "<=": value <= goal,
        "<": value < goal,
        "=": value == goal or (exceeded == "full" and value > goal),
    }[relation]
    if achieved:
        return full
    if relation in ("<=", "<") or (relation == "=" and value > goal):  # over the mark: never above the weight
        return full * Interval.exact(goal / value) if value else None
    return full * Interval.exact(value / goal)
