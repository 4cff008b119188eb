"""说明事项 ``narrative_statement``: when the tables say something — or always — the narrative must
say it too; e.g. an empty 公开08表 needs the sentence that the department has no such spending, and
every 情况说明 must give the 国内公务接待 批次 and 人次.

Parameters (``template`` or ``all``, or both):

- ``when`` (expression; optional): a table condition; without it the statement is required of
  every narrative;
- ``template`` (text or list; optional): the wording(s) one of which must appear, with or without
  slots;
- ``all`` (list; optional): phrases that must all appear in one paragraph, in any order (plain
  text, at most 50 characters each, matched on the normalised text like ``narrative_wording``'s
  ``forbidden``). The statement is there when any wording of ``template`` matches or one
  paragraph holds every phrase of ``all``.

Paragraphs of the layout's ``skip_sections`` do not count. A missing statement is one finding on the
narrative as a whole (no cell).

Example::

    - id: CQW-80
      name: 公开08表为空时情况说明须写明无国有资本经营预算支出
      kind: narrative_statement
      when: 公开08表[合计].合计 == 0
      template: [无国有资本经营预算财政拨款支出, 未使用国有资本经营预算财政拨款]

and, unconditionally::

    - id: W-82
      name: 写明国内公务接待的批次和人次
      kind: narrative_statement
      all: [国内公务接待, 批次, 人次]

Placeholders: the common ones plus ``{statement}`` (the first wording, or the phrases of ``all``
joined by ``……``) and ``{basis}`` (表格显示 with ``when``, 按规则要求 without).
"""

from dataclasses import dataclass

from xlplugin.core.findings import Outcome
from xlplugin.core.intervals import Verdict
from xlplugin.engine.expressions import evaluate
from xlplugin.engine.kinds.claimbase import condition, matches, templates
from xlplugin.engine.kinds.params import Param
from xlplugin.workbook.narrative import Paragraph, Template

NAME = "narrative_statement"
TITLE = "说明事项"
TOPIC = "narrative"
LOCALITY = 3
PARAMS = {
    "when": Param("expr", doc="表格条件；不写则每份情况说明都必须有这一说明"),
    "template": Param("any", doc="必须出现的说法（一句或几种说法的列表；可以不含槽）；与 `all` 至少写一个"),
    "all": Param(
        "list",
        doc="必须在同一段中全部出现的短语，次序不限（原样比对，每个不超过 50 字）；与 `template` 至少写一个",
    ),
}
PLACEHOLDERS = ("statement", "basis")
MESSAGE = "{basis}应有说明“{statement}”，但情况说明中没有这样的句子。"

#: the longest phrase of ``all`` and the most phrases: a statement names a few words, not a paragraph
MAX_PHRASE = 50
MAX_PHRASES = 20


@dataclass(frozen=True)
class NarrativeStatementPrepared:
    #: the table condition, or None: the statement is always required
    when: object
    templates: tuple[Template, ...]
    #: the phrases of ``all``, normalised like the narrative (empty without ``all``)
    phrases: tuple[str, ...]
    #: the first wording as written (or the phrases of ``all``): the statement the finding asks for
    statement: str


def check_params(params, where) -> None:
    """A statement to look for: ``template`` or ``all``."""
    if "template" not in params and "all" not in params:
        raise where.error("missing-param", f"规则类型 {NAME} 需要参数“template”或“all”（至少写一个）。")


def prepare(params, layout, where) -> NarrativeStatementPrepared:
    when = condition(params["when"], layout, where) if "when" in params else None
    compiled = templates(params, layout, where) if "template" in params else []
    written = _phrases(params["all"], where) if "all" in params else []
    if "template" in params:
        template = params["template"]
        statement = template[0] if isinstance(template, list) else template
    else:
        statement = "……".join(written)
    phrases = tuple(dict.fromkeys(Paragraph("", "", phrase).norm for phrase in written))
    return NarrativeStatementPrepared(when, tuple(compiled), phrases, statement)


def _phrases(value: list[str], where) -> list[str]:
    """The phrases of ``all``, as written (stripped); refused when there are none or too many, or
    one is empty or too long."""
    if not value:
        raise where.error("bad-param", "all 至少写一个短语。")
    if len(value) > MAX_PHRASES:
        raise where.error("bad-param", f"all 最多写 {MAX_PHRASES} 个短语（写了 {len(value)} 个）。")
    phrases = []
    for position, text in enumerate(value, start=1):
        phrase = text.strip()
        if not Paragraph("", "", phrase).norm:
            raise where.error("bad-param", f"all 的第 {position} 项是空的：请写出必须出现的短语。")
        if len(phrase) > MAX_PHRASE:
            raise where.error(
                "bad-param",
                f"all 的第 {position} 项“{phrase[:20]}…”有 {len(phrase)} 个字，超过 {MAX_PHRASE} 个：请只写短语本身。",
            )
        phrases.append(phrase)
    return phrases


def check(prepared: NarrativeStatementPrepared, context):
    paragraphs = context.require_narrative()
    if prepared.when is not None and evaluate(prepared.when, context.interval).verdict is not Verdict.PASS:
        return
    if prepared.phrases and any(
        paragraph.cell not in context.skipped_cells and all(phrase in paragraph.norm for phrase in prepared.phrases)
        for paragraph in paragraphs
    ):
        return
    if prepared.templates and matches(prepared.templates, context):
        return
    paragraph = paragraphs[0]
    yield Outcome(
        Verdict.FAIL,
        paragraph.sheet,
        "",
        paragraph.sheet,
        "",
        "说明事项",
        expected=prepared.statement,
        actual="（无）",
        details={"statement": prepared.statement, "basis": "表格显示" if prepared.when is not None else "按规则要求"},
    )
