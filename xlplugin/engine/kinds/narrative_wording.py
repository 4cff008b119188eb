"""措辞 ``narrative_wording``: the checks finance bureaus' own checklists carry, on every paragraph,
and the wordings a bureau forbids, written as data.

Parameters (at least one of them):

- ``checks`` (list of ``contradiction`` ``leftovers`` ``unit_slip`` ``explained`` ``percent_sign``;
  optional): the built-in checks made (``[]`` is refused unless ``forbidden`` is given), any of

  - ``contradiction`` — a direction word that contradicts its number or the sentence:
    ``增加 0.00 万元，与年初预算持平``, ``减少 5 万元，与上年持平``, ``增长 -3%``;
  - ``leftovers`` — template leftovers: ``XX``, ``×××``, ``***``, a truncated year such as ``202 年度``;
  - ``unit_slip`` — an amount written in 元 whose number is a 万元 figure of the tables (元 written
    for 万元; figures under 1 and zero are ignored);
  - ``explained`` — a year-on-year or budget change with no reason (原因、主要是、由于、主要用于…) before it
    in its sentence or anywhere after it in its paragraph;
  - ``percent_sign`` — a share or rate written without ``%``: a number of at most three integer
    digits right after 占 (占比、占…的), 增长/下降 (增长率…), 增幅/降幅, 比重为/比例为 or 完成…的/完成率,
    ending its clause (a punctuation mark or the paragraph's end follows), as in ``占 76.23，``.
    Conservative: anything written after the number (``%``, ``个百分点``, ``倍``, a unit such as
    ``万元`` or ``平方米``, a digit), a year, an item number (``1.``) or a list of figures sharing
    one unit (``分别占 16.6、83.4%``) is not reported;

- ``forbidden`` (text or list; optional): phrases that must never appear (``减增加``, ``大小于``,
  ``增加减少``): plain text — no pattern language — of at most 50 characters, matched on each
  paragraph's normalised text (full-width and half-width folded, whitespace ignored); every
  occurrence is a finding quoting its sentence, its problem "出现了不应有的说法…" (a rule's own
  ``message`` rewords it). An item may be ``{phrase: 短语, say: 说明}``: ``say`` becomes the problem.

Example::

    - id: CQW-90
      name: 措辞自相矛盾、单位写错、增减未说明原因
      kind: narrative_wording
      checks: [contradiction, unit_slip, explained]

finds the sample's “费用支出较年初预算数增加 0.00 万元，与年初预算持平”; and::

    - id: W-01
      name: 自相矛盾的说法
      kind: narrative_wording
      checks: [percent_sign]
      forbidden: [减增加, 大小于, 支出收入, 增加减少]

finds “较上年减增加 5 万元” and “占 76.23，”. Placeholders: the common ones plus ``{quote}`` and
``{problem}``. ``leftovers``, ``explained`` and ``percent_sign`` skip the layout's
``skip_sections``; ``forbidden`` reads every paragraph.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from xlplugin.core.findings import Operand, Outcome
from xlplugin.core.intervals import Verdict
from xlplugin.core.yamlfile import line_of
from xlplugin.engine.kinds.base import some_checks
from xlplugin.engine.kinds.params import Param
from xlplugin.workbook.narrative import Paragraph

NAME = "narrative_wording"
TITLE = "措辞"
TOPIC = "narrative"
LOCALITY = 1
CHECKS = ("contradiction", "leftovers", "unit_slip", "explained", "percent_sign")
PARAMS = {
    # optional and without a default: a rule of forbidden phrases alone makes no built-in check
    "checks": Param("list", choices=CHECKS, noun="检查", doc="做哪些内置检查，见下表；与 `forbidden` 至少写一个"),
    "forbidden": Param(
        "items",
        doc="不得出现的说法：一个或一组短语（原样比对，不是正则；每个不超过 50 字，全角半角、空格不计）；"
        "与 `checks` 至少写一个",
    ),
}
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


#: a share or rate that lacks its "%": the word that introduces it (占, 占比, 占…的, 增长, 下降率, 增幅,
#: 比重为, 完成…的, 完成率 …), then a number of at most three integer digits (years and amounts have
#: more) that ends its clause. Every repetition is bounded; the gap of 占…的 holds no digit, no
#: clause mark and no "%" (占地 100 平方米 is no share: 地 is followed by a digit, not by 的).
_PERCENT_MISSING = re.compile(
    r"(?:占(?:比|[^。;,、!?:\d%]{1,20}?的(?:比重|比例)?)?"
    r"|(?:增长|下降)率?|增幅|降幅|比重为|比例为"
    r"|完成(?:率|[^。;,、!?:\d%]{1,20}?的(?:比重|比例)?))"
    r"(?:为|是|达到|达)?"
    r"(\d{1,3}(?:\.\d{1,4})?)"
    r"(?=[,;。、)!?]|$)"
)
#: marks after which a further figure may share the last one's unit (分别占 16.6、83.4%)
_LIST_MARKS = (",", "、")

#: the longest forbidden phrase (a phrase is a wording, not a paragraph) and the most phrases a rule
#: may list: the search is a plain substring search per phrase and paragraph
MAX_PHRASE = 50
MAX_PHRASES = 200
#: the keys of a ``{phrase: 短语, say: 说明}`` item, and the longest ``say``
_PHRASE_KEYS = ("phrase", "say")
MAX_SAY = 200


@dataclass(frozen=True)
class Forbidden:
    """A forbidden phrase: as written, as matched (normalised like :attr:`Paragraph.norm`), and the
    problem its findings state (``say``, or a default naming the phrase)."""

    written: str
    norm: str
    say: str


@dataclass(frozen=True)
class NarrativeWordingPrepared:
    checks: frozenset[str]
    forbidden: tuple[Forbidden, ...] = ()


def check_params(params, where) -> None:
    """``checks`` or ``forbidden``: a rule must check something; ``checks: []`` counts only with
    phrases. The phrases themselves are checked here too (see :func:`phrase_items`)."""
    if "checks" not in params and "forbidden" not in params:
        raise where.error("missing-param", f"规则类型 {NAME} 需要参数“checks”或“forbidden”（至少写一个）。")
    some_checks(params, CHECKS, where, unless="forbidden")
    if "forbidden" in params:
        phrase_items(params["forbidden"], where)


def phrase_items(value, where) -> tuple[Forbidden, ...]:
    """The forbidden phrases of ``value`` (a phrase, or a list of phrases and ``{phrase: 短语,
    say: 说明}`` mappings), each normalised like the narrative; duplicates (after normalising) once.
    Refused (``bad-param``): no phrase at all, too many, an empty or too long phrase, a mapping with
    keys other than ``phrase`` and ``say`` or without ``phrase``, a ``say`` that is not text."""
    items = value if isinstance(value, list) else [value]
    if not items:
        raise where.error("bad-param", "forbidden 至少写一个短语。")
    if len(items) > MAX_PHRASES:
        raise where.error("bad-param", f"forbidden 最多写 {MAX_PHRASES} 个短语（写了 {len(items)} 个）。")
    found: dict[str, Forbidden] = {}
    for position, item in enumerate(items, start=1):
        what = f"forbidden 的第 {position} 项" if isinstance(value, list) else "forbidden 的短语"
        # the item's own line when the list is still the loaded one (else the rule's)
        line = line_of(value, position - 1) if isinstance(value, list) else None
        phrase, say = _phrase_item(item, what, where, line)
        written = str(phrase).strip()
        norm = Paragraph("", "", written).norm
        if not norm:
            raise where.error("bad-param", f"{what}是空的：请写出不得出现的短语。", line)
        if len(written) > MAX_PHRASE:
            raise where.error(
                "bad-param",
                f"{what}“{written[:20]}…”有 {len(written)} 个字，超过 {MAX_PHRASE} 个：请只写不得出现的短语本身。",
                line,
            )
        found.setdefault(norm, Forbidden(written, norm, say or f"出现了不应有的说法“{written}”。"))
    return tuple(found.values())


def _phrase_item(item, what: str, where, line: int | None) -> tuple[object, str | None]:
    """(phrase, say) of one item: a text, or a ``{phrase, say}`` mapping (checked)."""
    if not isinstance(item, dict):
        if item is None or isinstance(item, (bool, list)):
            raise where.error("bad-param", f"{what}应为短语（文字）。", line)
        return item, None
    unknown = [str(key) for key in item if key not in _PHRASE_KEYS]
    if unknown or "phrase" not in item:
        problem = f"有未知的键“{'、'.join(unknown)}”" if unknown else "缺少 phrase"
        raise where.error("bad-param", f"{what}{problem}：映射只能写 {{phrase: 短语, say: 说明}}。", line)
    phrase, say = item["phrase"], item.get("say")
    if phrase is None or isinstance(phrase, (bool, list, dict)):
        raise where.error("bad-param", f"{what}的 phrase 应为短语（文字）。", line)
    if say is not None and (not isinstance(say, str) or not say.strip() or len(say) > MAX_SAY):
        raise where.error("bad-param", f"{what}的 say 应为一句说明（不超过 {MAX_SAY} 个字）。", line)
    return phrase, say.strip() if say is not None else None


def prepare(params, layout, where) -> NarrativeWordingPrepared:
    forbidden = phrase_items(params["forbidden"], where) if "forbidden" in params else ()
    return NarrativeWordingPrepared(frozenset(params.get("checks") or ()), forbidden)


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
        if "percent_sign" in checks and paragraph.cell not in context.skipped_cells:
            problems += _percent_missing(norm)
        problems += _forbidden(prepared.forbidden, norm)
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


def _percent_missing(norm: str) -> list[tuple[tuple[int, int], str]]:
    """The shares and rates of a paragraph's normalised text written without "%" (see
    :data:`_PERCENT_MISSING`); a figure followed by a list mark and another digit is one of several
    that share the last one's unit, and is left alone."""
    problems = []
    for match in _PERCENT_MISSING.finditer(norm):
        end = match.end(1)
        if norm[end : end + 1] in _LIST_MARKS and norm[end + 1 : end + 2].isdigit():
            continue
        number = match.group(1)
        problems.append((match.span(), f"比例或增减幅度 {number} 后面缺少“%”（应写“{number}%”）。"))
    return problems


def _forbidden(phrases: tuple[Forbidden, ...], norm: str) -> list[tuple[tuple[int, int], str]]:
    """Every occurrence of each forbidden phrase (a plain substring search: a phrase is never a
    pattern)."""
    problems = []
    for phrase in phrases:
        start = norm.find(phrase.norm)
        while start != -1:
            end = start + len(phrase.norm)
            problems.append(((start, end), phrase.say))
            start = norm.find(phrase.norm, end)
    return problems


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
