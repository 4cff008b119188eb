"""说明事项 ``narrative_statement``: when the tables say something, the narrative must say it too —
e.g. an empty 公开08表 needs the sentence that the department has no such spending.

Parameters: ``when`` (a table condition) and ``template`` (the wording(s) that must appear, without
slots or with them). Example::

    - id: CQW-80
      name: 公开08表为空时情况说明须写明无国有资本经营预算支出
      kind: narrative_statement
      when: 公开08表[合计].合计 == 0
      template: [无国有资本经营预算财政拨款支出, 未使用国有资本经营预算财政拨款]

Placeholders: the common ones plus ``{statement}``.
"""
from xlplugin.expressions import evaluate
from xlplugin.findings import Outcome
from xlplugin.intervals import Verdict
from xlplugin.kinds.claimbase import condition, matches, templates

NAME = "narrative_statement"
TITLE = "说明事项"
LOCALITY = 3
PARAMS = {"when": ("expr", True), "template": ("any", True)}
PLACEHOLDERS = ("statement",)
MESSAGE = "表格显示应有说明“{statement}”，但情况说明中没有这样的句子。"


def prepare(params, layout, where):
    texts = params["template"] if isinstance(params["template"], list) else [params["template"]]
    return {"when": condition(params["when"], layout, where), "templates": templates(params, layout, where), "statement": str(texts[0])}


def check(prepared, context):
    context.require_narrative()
    if evaluate(prepared["when"], context.interval).verdict is not Verdict.PASS:
        return
    if matches(prepared["templates"], context):
        return
    paragraph = context.paragraphs[0]
    yield Outcome(Verdict.FAIL, paragraph.sheet, "", paragraph.sheet, "", "说明事项", expected=prepared["statement"], actual="（无）",
                  details={"statement": prepared["statement"]})
