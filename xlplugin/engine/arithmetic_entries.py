"""Every money figure of a paragraph, read for what it is: a level, a change, a budget — with its
item's name, the comparison a change is against and the share printed after it.

The sum readers (:mod:`xlplugin.engine.arithmetic_sums`) work on these entries, never on phrasings:

- **role** — ``change`` when a direction word (增加、减少、增长、下降、增收…) stands right before the
  amount; ``other`` for per-head figures (人均、车均、``3.5万元/人``); ``level`` otherwise (a 完成预算 B 的 budget
  is a level of facet 预算);
- **facet** — which level of its item a level is: ``(year, "B" | "D" | "")`` from the words before
  it (``2016年预算8万元`` → 2016, 预算; ``支出决算为`` → 决算); a list's parts are matched to its
  whole by facet;
- **key** — what a change compares with: ``budget`` (预算), ``year:2019`` (an explicit year) or
  ``prior`` (上年、同比); None when the item does not say (it inherits its whole's);
- **label** — the item's name with numbering, years and facet words peeled off; empty when the
  entry continues the item before it (``，完成预算 B 的``, ``，比上年增加 C``).

Figures inside parentheses are read too (``depth``), but a list only counts those at its own depth:
``113566 万元（其中：抗疫特别国债 7691 万元）`` is one part, not two. Text inside parentheses is
masked (``○``) when reading the words before a figure outside them.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from xlplugin.engine.arithmetic_claim import PINYIN, budget_clause
from xlplugin.workbook.narrative import Paragraph, Quantity

__all__ = ["Entry", "Reading", "read_entries", "items_of", "same_item", "sentences", "MASK"]

MASK = "○"
_OPEN, _CLOSE = "(（[〔", ")）]〕"
#: a direction right before an amount makes it a change (``增加了``、``减少额为``)
_DIRECTION = re.compile(
    r"(增加|减少|增长|下降|上升|降低|提高|增收|减收|增支|减支|节约|追加|追减)(?:了|为|额为|额|金额为|幅度为)?$"
)
_UP = ("增加", "增长", "上升", "提高", "增收", "增支", "追加")
#: the last comparison before a change: what it compares with
#: the second and later of numbered reasons (…主要原因一是…；二是…；三是…)
_ORDINAL = re.compile(r"[二三四五六七八九十]是|其[二三四五六七八九十]")
_COMPARED = re.compile(r"(较|比|同比|与|相较于?|对比)")
_YEAR = re.compile(r"(\d{4})年")
#: how far before a figure its words are read
_REACH = 200
#: an entry's words end at these marks (or at the figure before it)
_BOUNDARY = "，,;；:：。!?！？"
#: explanations inside an item: figures after these are not parts of the list
EXPLANATION = re.compile(r"主要用于|主要原因|原因是|原因为|主要是|主要包括|具体是|用于")
#: funds whose names say 预算 without being a budget figure (一般公共预算财政拨款…支出决算)
_FUNDS = re.compile(r"(?:一般公共|政府性基金|国有资本经营|社会保险基金)预算")
_SHARE = re.compile(r"^[，,]?(?:占|约占)(?:[^，,。;；\d]{0,12}的)?(?:比|比例为|比重为)?[，,]?$")
_NOISE = re.compile(
    r"^(?:[\d一二三四五六七八九十]{1,4}[、.．]|其中|加上?|分别为|分别是|包括|是|为|\d{4}年度?|本年度|本年|上年|当年|年度)+"
)
_TOTAL = re.compile(r"合计|总计|小计|结转|结余")
#: words that name no item: what remains of a label once these are gone decides whether it is one
_FILLER = re.compile(
    r"\d{4}年度?|年初|全年|年度|调整后|预算|决算|支出|收入|数|为|的|完成|较|比|同比|相比|与|对比|上年|共计|合计|总额|"
    r"金额|拨入|安排|达到|实际|执行|是|了|[“”\"'‘’(（)）、·]"
)


@dataclass
class Entry:
    """One money figure of a paragraph and what the words before it make of it."""

    start: int
    end: int
    quantity: Quantity
    depth: int
    role: str  # level | change | other
    sign: int = 1  # a change's direction: +1 增加, −1 减少
    key: str | None = None  # a change's comparison: prior | budget | year:YYYY; None: not stated
    facet: tuple[str, str] = ("", "")  # a level's (year, B|D|"")
    label: str = ""  # the item's name; "" continues the item before
    lead: str = ""  # the words before it back to its clause's start (masked)
    share: tuple[int, int, Quantity] | None = None  # the ``占 p%`` printed right after it
    explained: bool = False  # it stands in an explanation (主要用于…、原因是…), not a list
    span: tuple[int, int] = field(init=False)

    def __post_init__(self):
        self.span = (self.start, self.end)


def depths(text: str) -> list[int]:
    """The parenthesis depth of every character (a closing mark belongs to the inside)."""
    found, depth = [], 0
    for char in text:
        if char in _OPEN:
            depth += 1
        found.append(depth)
        if char in _CLOSE and depth:
            depth -= 1
    return found


def masked(text: str, depth: list[int], level: int) -> str:
    """``text`` with every character deeper than ``level`` (and the marks around it) as :data:`MASK`."""
    return "".join(MASK if d > level else ch for ch, d in zip(text, depth))


def sentences(flat: str) -> list[tuple[int, int]]:
    """Sentence spans of a masked text: 。！？ and a full stop that is no decimal point end one."""
    spans, begin = [], 0
    for index, char in enumerate(flat):
        ends = char in "。!?！？" or (
            char == "." and not (index and flat[index - 1].isdigit() and flat[index + 1 : index + 2].isdigit())
        )
        if ends:
            spans.append((begin, index + 1))
            begin = index + 1
    if begin < len(flat):
        spans.append((begin, len(flat)))
    return spans


def label_of(lead: str) -> str:
    """The item a lead names: ``1、公务接待费2016年预算`` → ``公务接待费``; "" for a lead naming nothing
    (``，完成预算``、``，2015年预算``、``比上年决算数增加``)."""
    words = PINYIN.sub("", lead).replace(MASK, "")
    words = _DIRECTION.sub("", words)
    comparison = _COMPARED.search(words)
    if comparison:
        words = words[: comparison.start()]
    words = _NOISE.sub("", words)
    if _TOTAL.search(words):
        return words  # 本年收入合计、年初结转和结余: a total or a balance is an item of its own
    core = _FILLER.sub("", words)
    return words if len(core) >= 2 else ""


def read_entries(paragraph: Paragraph) -> list[Entry]:
    """Every money figure of ``paragraph`` as an :class:`Entry`, in order."""
    text = paragraph.norm
    depth = depths(text)
    views = {0: masked(text, depth, 0)}
    quantities = [q for q in paragraph.quantities if q[2].kind in ("money", "percent")]
    entries: list[Entry] = []
    previous_end = {}  # per depth: where the figure before ends
    for position, (start, end, quantity) in enumerate(quantities):
        level = depth[start]
        if quantity.kind != "money":
            previous_end[level] = end
            continue
        view = views.get(level) or views.setdefault(level, masked(text, depth, level))
        # looked for no further back than _REACH: a paragraph without punctuation must not be
        # scanned to its start for every figure
        reach = max(0, start - _REACH)
        low = max(max(view.rfind(mark, reach, start) for mark in _BOUNDARY + ("(（" if level else "")) + 1, reach)
        low = max(low, previous_end.get(level, 0))
        lead = view[low:start]
        clause = max(max(view.rfind(mark, reach, start) for mark in ";；。") + 1, reach)
        entry = Entry(start, end, quantity, level, "level", lead=lead)
        direction = _DIRECTION.search(lead)
        if direction:
            entry.role = "change"
            entry.sign = 1 if direction.group(1) in _UP else -1
            entry.key = _key(view[clause:start])
        elif "均" in lead or text.startswith("/", end):
            entry.role = "other"  # a mean: 人均、车均, ``3.5万元/人``
        else:
            words = _FUNDS.sub("", lead)
            year = _YEAR.search(words)
            kind = "B" if "预算" in words else "D" if "决算" in words else ""
            entry.facet = (year.group(1) if year else "", kind)
        entry.label = label_of(lead)
        entry.explained = bool(EXPLANATION.search(view[clause:start]) or _ORDINAL.match(view[clause:start]))
        following = quantities[position + 1] if position + 1 < len(quantities) else None
        share_words = view[end : following[0]] if following else ""
        # a share of a budget (``占基本支出预算的 p%``) is of another whole than the list's 决算
        if (
            following
            and following[2].kind == "percent"
            and _SHARE.match(share_words)
            and not budget_clause(share_words)
        ):
            entry.share = following
        entries.append(entry)
        previous_end[level] = end
    return entries


def _key(words: str) -> str | None:
    """What a change compares with, from its clause's words: None when they name no comparison."""
    words = words.replace("相比", "").replace("相较", "较")  # 与 2021 年预算相比: the words after 与 say it
    found = list(_COMPARED.finditer(words))
    if not found:
        return None
    compared = words[found[-1].end() :]
    if "预算" in compared:
        return "budget"
    year = _YEAR.search(compared)
    return f"year:{year.group(1)}" if year else "prior"


class Reading:
    """One paragraph prepared for the sum readers: its entries, masked text and sentences."""

    def __init__(self, paragraph: Paragraph):
        self.paragraph = paragraph
        self.text = paragraph.norm
        self.flat = masked(self.text, depths(self.text), 0)
        self.sentences = sentences(self.flat)
        self.entries = read_entries(paragraph)
        self._starts = [e.start for e in self.entries]
        self._sentence_starts = [start for start, _ in self.sentences]

    def sentence_of(self, position: int) -> int:
        """The index of the sentence ``position`` stands in (found by bisection: long paragraphs)."""
        return max(0, min(bisect_right(self._sentence_starts, position) - 1, len(self.sentences) - 1))

    def within(
        self, start: int, end: int, depth: int | None = 0, last: int | None = None, first: int | None = None
    ) -> list[Entry]:
        """The entries at ``depth`` (None: any) that start in ``[start, end)``, only among the ``last``
        ones before ``end`` or the ``first`` ones after ``start``: every reader looks a bounded
        number of figures away, so a paragraph of thousands of figures costs linear time."""
        low, high = bisect_left(self._starts, start), bisect_left(self._starts, end)
        low = max(low, high - last) if last else low
        high = min(high, low + first) if first else high
        return [e for e in self.entries[low:high] if depth is None or e.depth == depth]


def same_item(label: str, other: str) -> bool:
    """Two labels of one item (``2016年三公经费预算拨入`` and ``2015年三公经费预算拨入``)."""
    strip = lambda words: re.sub(r"\d{4}年度?|预算|决算|数|为|的|支出|" + MASK, "", words)
    return bool(label) and strip(label) == strip(other)


def items_of(entries: list[Entry]) -> list[list[Entry]]:
    """Entries grouped into items: a labelled entry starts one, an unlabelled one continues it."""
    items: list[list[Entry]] = []
    for entry in entries:
        if entry.role == "other" or entry.explained:
            continue
        if not items or entry.label and not same_item(entry.label, items[-1][0].label):
            items.append([entry])
        else:
            items[-1].append(entry)
    return items
