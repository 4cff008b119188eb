"""说明事项 ``narrative_statement``: when the tables say something, the narrative must say it too —
e.g. an empty 公开08表 needs the sentence that the department has no such spending.

Parameters:

- ``when`` (expression; required): a table condition;
- ``template`` (text or list; required): the wording(s) one of which must appear then, with or
  without slots.

Example::

    - id: CQW-80
      name: 公开08表为空时情况说明须写明无国有资本经营预算支出
      kind: narrative_statement
      when: 公开08表[合计].合计 == 0
      template: [无国有资本经营预算财政拨款支出, 未使用国有资本经营预算财政拨款]

Placeholders: the common ones plus ``{statement}``.
"""

from dataclasses import dataclass

from xlplugin.core.findings import Outcome
from xlplugin.core.intervals import Verdict
from xlplugin.engine.expressions import evaluate
from xlplugin.engine.kinds.claimbase import condition, matches, templates
from xlplugin.engine.kinds.params import Param
from xlplugin.workbook.narrative import Template

NAME = "narrative_statement"
TITLE = "说明事项"
TOPIC = "narrative"
LOCALITY = 3
PARAMS = {
    "when": Param("expr", required=True, doc="表格条件"),
    "template": Param("any", required=True, doc="必须出现的说法（一句或几种说法的列表；可以不含槽）"),
}
PLACEHOLDERS = ("statement",)
MESSAGE = "表格显示应有说明“{statement}”，但情况说明中没有这样的句子。"


@dataclass(frozen=True)
class NarrativeStatementPrepared:
    when: object
    templates: tuple[Template, ...]
    #: the first wording as written: the statement the finding asks for
    statement: str


def prepare(params, layout, where) -> NarrativeStatementPrepared:
    when = condition(params["when"], layout, where)
    compiled = templates(params, layout, where)
    template = params["template"]
    return NarrativeStatementPrepared(when, tuple(compiled), template[0] if isinstance(template, list) else template)


def check(prepared: NarrativeStatementPrepared, context):
    context.require_narrative()
    if evaluate(prepared.when, context.interval).verdict is not Verdict.PASS:
        return
    if matches(prepared.templates, context):
        return
    paragraph = context.paragraphs[0]
    yield Outcome(
        Verdict.FAIL,
        paragraph.sheet,
        "",
        paragraph.sheet,
        "",
        "说明事项",
        expected=prepared.statement,
        actual="（无）",
        details={"statement": prepared.statement},
    )
