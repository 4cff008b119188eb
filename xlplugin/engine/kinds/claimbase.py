"""What the narrative claim kinds share: templates compiled against the layout, matches over the
narrative's paragraphs, values of slots and table references, and located outcomes."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from xlplugin.core.findings import Operand, Outcome
from xlplugin.core.intervals import Interval, Verdict
from xlplugin.core.printed import PRINTING_NOTES, judge_printed
from xlplugin.engine.expressions import ExpressionError, Ref, Slot, evaluate, is_condition, parse, refs_of, value_of
from xlplugin.engine.kinds.base import check_refs
from xlplugin.workbook.narrative import NUMBER_SLOTS, Paragraph, Quantity, Template, TemplateError


def templates(params: dict, layout, where, key: str = "template") -> list[Template]:
    """``template`` may be one text or a list of alternative wordings."""
    texts = params[key] if isinstance(params[key], list) else [params[key]]
    if not texts:
        raise where.error("bad-template", f"{key} 至少要写一种句式。")
    subjects = layout.subjects()
    aliases = {label: list(others) for label, others in layout.narrative_labels.items()}
    compiled = []
    for text in texts:
        try:
            compiled.append(Template.compile(str(text), aliases, subjects))
        except TemplateError as error:
            raise where.error("bad-template", f"模板“{text}”有误：{error}") from None
    return compiled


def expression(text: str, layout, where, slots: dict[str, set[str]], key: str):
    """Parse a check over slots (name → slot types, from :func:`slot_names`) and table references;
    ``表[{类}]`` rows take a bound 科目 code. A slot used as a value must hold a number in every wording."""
    try:
        tree = parse(str(text))
    except ExpressionError as error:
        raise where.error("bad-expression", f"{key}“{text}”写法有误：{error}") from None
    unknown = [s.name for s in refs_of(tree, Slot) if s.name not in slots]
    if unknown:
        raise where.error(
            "unknown-slot",
            f"{key}“{text}”用到了模板中没有的槽：{'、'.join(unknown)}（模板有：{'、'.join(sorted(slots)) or '无'}）",
        )
    words = sorted(
        {
            f"{{{s.name}}}（{'、'.join(sorted(slots[s.name] - set(NUMBER_SLOTS)))}）"
            for s in refs_of(tree, Slot)
            if not slots[s.name] <= set(NUMBER_SLOTS)
        }
    )
    if words:
        raise where.error(
            "text-slot",
            f"{key}“{text}”把不是数字的槽当作数值：{'、'.join(words)}。只有"
            f"{'、'.join(NUMBER_SLOTS)}槽能参与计算；科目、文字槽可以写在行的位置，如 公开05表[{{类}}].合计。",
        )
    check_refs([r for r in map(_sample, refs_of(tree)) if r is not None], layout, where)
    return tree


def _sample(ref: Ref) -> Ref | None:
    """A reference with a bound row (``{类}``, ``{种类}用车``) is checked when it is resolved; a bound
    code row is checked here with a real code."""
    if "{" not in ref.row:
        return ref
    return Ref(ref.table, "201", ref.column, ref.block) if ref.row.startswith("{") and ref.row.endswith("}") else None


def slot_types(compiled: list[Template]) -> dict[str, set[str]]:
    """Every slot any wording has, name → the types it has across the wordings."""
    types: dict[str, set[str]] = {}
    for template in compiled:
        for group, kind in template.slots:
            types.setdefault(template.names[group], set()).add(kind)
    return types


def slot_names(compiled: list[Template]) -> dict[str, set[str]]:
    """The slots every wording has (the ones a check may use), name → their types."""
    return {
        name: kinds for name, kinds in slot_types(compiled).items() if all(name in t.names.values() for t in compiled)
    }


def wrong_types(compiled: list[Template], wanted: dict[str, set[str]]) -> list[str]:
    """``{类型:名}`` of each slot, in any wording, whose type is not one ``wanted`` allows for its name."""
    return [
        f"{{{kind}:{name}}}"
        for name, kinds in slot_types(compiled).items()
        if name in wanted
        for kind in sorted(kinds)
        if kind not in wanted[name]
    ]


@dataclass
class Match:
    """One sentence a template matched: where, and the values it bound."""

    paragraph: Paragraph
    start: int
    end: int
    values: dict
    spans: dict

    @property
    def quote(self) -> str:
        return self.paragraph.sentence(self.start, self.end)

    @property
    def span(self) -> tuple[int, int]:
        return self.paragraph.span(self.start, self.end)


def matches(compiled: list[Template], context) -> list[Match]:
    """Every occurrence of any of the templates, in paragraph order (overlaps: first template wins)."""
    found: list[Match] = []
    for paragraph in context.require_narrative():
        if _skipped(paragraph, context):
            continue
        # the spans taken, sorted by start; they do not overlap, so their ends are sorted too and
        # one look-up finds the only span that can overlap a new one (linear, not quadratic, in
        # the number of matches of a long paragraph)
        starts: list[int] = []
        ends: list[int] = []
        here: list[Match] = []
        for template in compiled:
            for start, end, values, spans in template.match(paragraph):
                index = bisect_left(starts, end)
                if index and ends[index - 1] > start:
                    continue
                starts.insert(index, start)
                ends.insert(index, end)
                here.append(Match(paragraph, start, end, values, spans))
        found.extend(sorted(here, key=lambda m: m.start))  # paragraphs are already in order
    return found


def _skipped(paragraph: Paragraph, context) -> bool:
    """Inside a section the layout says holds no table figures?"""
    return paragraph.cell in context.skipped_cells


class Resolver:
    """Values for one match: slots from the sentence, references from the tables (``{类}`` rows
    filled with the bound code); every table operand is remembered for the finding, and every slot
    read in ``used`` (only those numbers count as checked)."""

    def __init__(self, context, match: Match):
        self.context, self.match = context, match
        self.operands: list[Operand] = []
        self.cells: list[tuple[str, str]] = []
        self.used: set[str] = set()
        #: slots a check found equal to a table figure: later checks use the table's precision
        #: (a sentence's 6 万元 that is the table's 6.00 stands for 6.00, not 5.5 to 6.5)
        self.sharpened: dict[str, Interval] = {}

    def ref(self, ref: Ref) -> Ref:
        if "{" not in ref.row:
            return ref
        row = ref.row
        for name, value in self.match.values.items():
            row = row.replace("{" + name + "}", str(value))
        return Ref(ref.table, row, ref.column, ref.block)

    def __call__(self, node) -> Interval:
        if isinstance(node, Slot):
            value = self.match.values[node.name]
            if not isinstance(value, Quantity):
                raise ValueError(f"slot {node.name} is not a number")
            self.used.add(node.name)
            return self.sharpened.get(node.name) or value.interval()
        resolved = self.context.resolve(self.ref(node))
        if resolved.operand not in self.operands:
            self.operands.append(resolved.operand)
            if resolved.operand.cell:
                self.cells.append((resolved.operand.sheet, resolved.operand.cell))
        return resolved.interval


def quoted_compare(quoted: Quantity, computed: Interval) -> Verdict:
    """A printed figure against what it should be: right if it is the computed value rounded to the
    printed precision (half up or half even); explained by rounding if the computed interval allows
    it; wrong otherwise."""
    step = Decimal(1).scaleb(-quoted.decimals)
    for rounding in (ROUND_HALF_UP, ROUND_HALF_EVEN):
        if computed.point.quantize(step, rounding=rounding) == quoted.value:
            return Verdict.PASS
    return Verdict.ROUNDING if quoted.interval().intersects(computed) else Verdict.FAIL


def judge(tree, resolver: Resolver, tolerance) -> tuple[Verdict, Interval | None, Interval | None, Quantity | None]:
    """Evaluate a check; ``{槽} == …`` uses the quoted-figure rule (and returns the quoted figure),
    anything else intervals."""
    left = getattr(tree, "left", None)
    if getattr(tree, "op", None) == "==" and isinstance(left, Slot) and tolerance is None:
        quoted = resolver.match.values[left.name]
        computed = value_of(tree.right, resolver)
        resolver.used.add(left.name)
        verdict = quoted_compare(quoted, computed)
        if verdict is Verdict.PASS and resolver.operands and computed.radius < quoted.interval().radius:
            resolver.sharpened[left.name] = computed
        return verdict, computed, quoted.interval(), quoted
    result = evaluate(tree, resolver, tolerance)
    return result.verdict, result.right, result.left, None


def slot_operands(match: Match) -> list[Operand]:
    return [
        Operand(
            "{" + name + "}",
            match.paragraph.sheet,
            match.paragraph.cell,
            value.value if isinstance(value, Quantity) else None,
            value.text if isinstance(value, Quantity) else str(value),
        )
        for name, value in match.values.items()
    ]


def outcome(
    verdict: Verdict,
    match: Match,
    resolver: Resolver | None,
    expected,
    actual,
    column: str,
    quoted: Quantity | None = None,
    **details,
) -> Outcome:
    """An outcome placed on the paragraph, quoting the sentence; the table cells are marked too.
    With ``quoted`` (the figure the sentence printed) both values are shown in its unit, and a
    percentage that was truncated or rounded twice (:mod:`xlplugin.core.printed`) is a 提示 that
    says so (detail ``printing``) instead of an error."""
    paragraph = match.paragraph
    if verdict is not Verdict.PASS and quoted is not None and quoted.kind in ("percent", "points"):
        # a rate cut or rounded twice is made the wrong way, not wrong in substance: say which
        printing = judge_printed(quoted.value, quoted.decimals, expected) if isinstance(expected, Interval) else None
        if printing in PRINTING_NOTES:
            verdict, details = Verdict.ROUNDING, {**details, "printing": PRINTING_NOTES[printing]}
    operands = slot_operands(match) + (resolver.operands if resolver else [])
    expected_value = expected.point if isinstance(expected, Interval) else expected
    actual_value = actual.point if isinstance(actual, Interval) else actual
    if quoted is not None:
        actual_value = quoted.text
        if isinstance(expected_value, Decimal):
            expected_value = quoted.show(expected_value)
    return Outcome(
        verdict,
        paragraph.sheet,
        paragraph.cell,
        paragraph.sheet,
        paragraph.cell,
        column,
        expected=expected_value,
        actual=actual_value,
        operands=operands,
        details={
            "quote": match.quote,
            "basis": "按表格" if resolver is not None and resolver.operands else "按所写数字",
            **{k: str(v) for k, v in details.items()},
        },
        expected_interval=expected if isinstance(expected, Interval) else None,
        actual_interval=actual if isinstance(actual, Interval) else None,
        span=match.span,
        quote=match.quote,
        also_mark=list(resolver.cells) if resolver else [],
    )


def cover(context, match: Match, names) -> None:
    """Record the quoted numbers of the slots ``names`` of a match as checked (for the coverage
    report): only the ones a check used — a figure a template merely captured was not checked."""
    for name, span in match.spans.items():
        if name in names and isinstance(match.values.get(name), Quantity):
            context.cover(match.paragraph, span)


def condition(text, layout, where, key="when"):
    tree = expression(text, layout, where, {}, key)
    if not is_condition(tree):
        raise where.error("bad-expression", f"{key} 必须是比较。")
    return tree
