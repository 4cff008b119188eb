"""措辞 ``narrative_wording``: the checks finance bureaus' own checklists carry, on every paragraph.

Parameter:

- ``checks`` (list of ``contradiction`` ``leftovers`` ``unit_slip`` ``explained``; required): the
  checks made (at least one: ``[]`` is refused), any of

  - ``contradiction`` — a direction word that contradicts its number or the sentence:
    ``增加 0.00 万元，与年初预算持平``, ``减少 5 万元，与上年持平``, ``增长 -3%``;
  - ``leftovers`` — template leftovers: ``XX``, ``×××``, ``***``, a truncated year such as ``202 年度``;
  - ``unit_slip`` — an amount written in 元 whose number is a 万元 figure of the tables (元 written
    for 万元; figures under 1 and zero are ignored);
  - ``explained`` — a year-on-year or budget change with no reason (原因、主要是、由于、主要用于…) before it
    in its sentence or anywhere after it in its paragraph.

Example::

    - id: CQW-90
      name: 措辞自相矛盾、单位写错、增减未说明原因
      kind: narrative_wording
      checks: [contradiction, unit_slip, explained]

finds the sample's “费用支出较年初预算数增加 0.00 万元，与年初预算持平”. Placeholders: the common
ones plus ``{quote}`` and ``{problem}``.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from xlplugin.core.findings import Operand, Outcome
from xlplugin.core.intervals import Verdict
from xlplugin.engine.kinds.base import some_checks
from xlplugin.engine.kinds.params import checks_param

NAME = "narrative_wording"
TITLE = "措辞"
TOPIC = "narrative"
LOCALITY = 1
CHECKS = ("contradiction", "leftovers", "unit_slip", "explained")
PARAMS = {"checks": checks_param(CHECKS, "做哪些检查，见下表", required=True)}
PLACEHOLDERS = ("quote", "problem")
MESSAGE = "情况说明“{quote}”：{problem}"

_CHANGE_THEN_FLAT = re.compile(
    r"(增加|减少|增长|下降|上升|降低)((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?:万元|元|%)?[^。;]{0,24}?(持平|无变化|没有变化)"
)
_NEGATIVE_GROWTH = re.compile(r"(增加|增长|上升|减少|下降|降低)-\d")
_LEFTOVER = re.compile(r"[Xx×]{2,}|\*{3,}|(?<!\d)\d{3}年度|(?<!\d)20[Xx]{2}|\?{3,}")
_CHANGE = re.compile(
    r"较(?:上年|年初预算|年初)[^。;]{0,12}?(增加|减少|增长|下降)((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)"
)
#: what introduces a reason in real 情况说明 — not only 原因: 主要是、主要系、由于、因为、得益于、受…影响,
#: 主要用于 (what the money went to is how an increase is explained)
_REASON = re.compile(r"原因|主要(?:是|系|由于|因为|用于)|由于|因为|系因|得益于|受[^。;]{1,12}影响|用于")
#: a reason written before its change (由于…，较上年减少…); what the money is used for, said before a
#: change, describes the item, not the change
_REASON_BEFORE = re.compile(r"原因|由于|因为|系因|得益于|受[^。;]{1,12}影响")


@dataclass(frozen=True)
class NarrativeWordingPrepared:
    checks: frozenset[str]


def check_params(params, where) -> None:
    """At least one check: ``checks: []`` would check nothing."""
    some_checks(params, CHECKS, where)


def prepare(params, layout, where) -> NarrativeWordingPrepared:
    return NarrativeWordingPrepared(frozenset(params["checks"]))


def check(prepared: NarrativeWordingPrepared, context):
    checks = prepared.checks
    paragraphs = context.require_narrative()
    table_figures = _table_figures(context) if "unit_slip" in checks else set()
    for paragraph in paragraphs:
        norm = paragraph.norm
        problems = []
        if "contradiction" in checks:
            for m in _CHANGE_THEN_FLAT.finditer(norm):
                if Decimal(m.group(2).replace(",", "")) == 0:
                    problems.append(
                        (m.span(), f"“{m.group(1)}”的数额为 0，却又说“{m.group(3)}”；应直接写“{m.group(3)}”。")
                    )
                else:
                    problems.append((m.span(), f"说“{m.group(1)} {m.group(2)}”，又说“{m.group(3)}”，自相矛盾。"))
            problems += [
                (m.span(), f"“{m.group(1)}”后面跟的是负数，方向与数字矛盾。") for m in _NEGATIVE_GROWTH.finditer(norm)
            ]
        if "leftovers" in checks and paragraph.cell not in context.skipped_cells:
            problems += [
                (m.span(), f"“{m.group(0)}”像是模板里没有替换掉的占位内容。") for m in _LEFTOVER.finditer(norm)
            ]
        if "unit_slip" in checks:
            for start, end, quantity in paragraph.quantities:
                if quantity.kind != "money" or quantity.text.endswith(("万元", "亿元")):
                    continue  # only an amount written in 元 can be a 万元 figure with the wrong unit
                number = Decimal(quantity.text[:-1].replace(",", ""))
                if number >= 1 and number in table_figures:
                    problems.append(
                        ((start, end), f"“{quantity.text}”的数字与表中的 {number} 万元相同，可能把“万元”写成了“元”。")
                    )
        if "explained" in checks and paragraph.cell not in context.skipped_cells:
            for match in _CHANGE.finditer(norm):
                if Decimal(match.group(2).replace(",", "")) == 0:
                    continue
                # the reasons often come after every change of the paragraph is stated ("收入增加…；支出增加
                # …；主要原因是…"): the rest of the paragraph counts, as far as _REASON_REACH
                window_end = min(len(norm), match.end() + _REASON_REACH)
                if not _REASON_BEFORE.search(norm[max(0, match.start() - 60) : match.end()]) and not _REASON.search(
                    norm[match.end() : window_end]
                ):
                    problems.append(
                        (match.span(), "这一增减变化后面没有找到说明原因的文字（如“主要原因是……”“主要用于……”）。")
                    )
        for (start, end), problem in problems:
            context.cover(paragraph, (start, end))
            begin, finish = paragraph.span(start, end)
            words = paragraph.text[begin:finish]
            yield Outcome(
                Verdict.FAIL,
                paragraph.sheet,
                paragraph.cell,
                paragraph.sheet,
                paragraph.cell,
                "措辞",
                expected=None,
                actual=words,
                details={"quote": paragraph.sentence(start, end), "problem": problem},
                operands=[
                    Operand(
                        f"{paragraph.sheet}!{paragraph.cell}[{begin}:{finish}]",
                        paragraph.sheet,
                        paragraph.cell,
                        None,
                        words,
                    )
                ],
                span=(begin, finish),
                quote=paragraph.sentence(start, end),
            )


#: how far after a change its reasons are looked for: the rest of its paragraph, but no further than
#: this (a paragraph without sentence ends must not be searched to its end for every change)
_REASON_REACH = 1000


def _table_figures(context) -> set[Decimal]:
    figures = set()
    for table in context.located.tables.values():
        for _, row in table.iter_rows():
            for value in row.values.values():
                if value.amount is not None and value.amount.value >= 1 and not value.amount.exact:
                    figures.add(value.amount.value.normalize())
    return set(figures) | {f.quantize(Decimal("0.01")) for f in figures}
