"""The narrative (情况说明): paragraphs, normalised text, quoted quantities, and claim templates.

**Sources.** The workbook's 情况说明 sheet (one paragraph per row), or a ``.docx``, ``.txt`` or ``.md``
file. Text files are joined the way PDF-to-text breaks them: a line that does not end a sentence
continues on the next line (``…会`` / ``同有关部门…`` is one paragraph).

**Normalisation.** Matching runs on a normalised copy of each paragraph — NFKC (full-width digits,
letters and punctuation become half-width), the traditional characters of finance writing read as
simplified ones (萬元、減少、增長、預算、決算…, one character for one), all whitespace removed
(``9909.15 万元`` and ``98.\\n1%`` read as ``9909.15万元`` and ``98.1%``) — with a map back to the original characters,
so that a finding can quote and locate the sentence exactly as written. Numbers are read from a
variant in which a full-width comma stays ``，``: only a comma typed half-width can separate
thousands (``项目1，200万元`` is 1 and 200 万元, not 1,200 万元).

**Quantities.** ``万元``/``元``/``亿元`` amounts are converted exactly to 万元 (``96.52 元`` is
0.009652 万元, stated to 6 decimals; ``1.5 亿元`` is 15000 万元 stated to −3 decimals, ± 500 万元); ``%`` and ``个百分点`` are percentages; counts keep their unit.

**Templates.** Claim rules describe sentences with typed slots instead of regular expressions::

    {金额:本年}，较[上年决算数|上年]{方向:方向}{金额:变动}[，|、]{方向}{百分比:幅度}

``{类型:名称}`` is a slot (名称 optional): ``金额``, ``百分比``, ``百分点``, ``数``, ``年度``,
``方向`` (增加/减少/增长/下降/上升/降低/持平), ``科目`` (any 功能分类 类 of the layout, binding its
code; the narrative's 社会保障与就业支出 is matched through the pack's aliases), ``文字`` (a short
phrase). ``[a|b]`` is a choice of literal texts, ``…`` a short gap inside one sentence, ``……`` a
longer one that may cross sentences of the same paragraph. Literal text is
normalised like the narrative and may name labels that have aliases. Every part of the compiled
pattern is bounded, so matching is linear in the paragraph length.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from xlplugin.core.amounts import Amount
from xlplugin.core.intervals import Interval
from xlplugin.workbook.narrative_files import narrative_texts
from xlplugin.workbook.number_lists import WAN, comma_lists, in_wan, listed

__all__ = [
    "Paragraph",
    "Quantity",
    "Template",
    "TemplateError",
    "paragraphs_from_sheet",
    "read_narrative_file",
    "find_quantities",
]

# Bounded (no unbounded repetition for template gaps to backtrack into) and whole: a number never
# starts or ends inside a run of digits, so two adjacent number slots cannot split one number.
# At most 15 integer digits (like cell amounts, xlplugin.core.amounts.MAX_INTEGER_DIGITS): a longer
# run of digits is no quantity at all, so no rule ever computes with a number beyond Decimal's precision.
_NUMBER = r"(?<!\d)(?<!\d[.,])(?:\d{1,3}(?:,\d{3}){1,4}(?!,\d)|\d{1,15})(?:\.\d{1,8})?(?!\d)"
_MONEY = {"万元": Decimal(1), "元": Decimal("0.0001"), "亿元": Decimal(10000)}
_MONEY_SHIFT = {"万元": 0, "元": 4, "亿元": -4}
COUNT_UNITS = ("人次", "批次", "团组", "辆", "个", "人", "台", "套", "户", "名", "项", "次")
DIRECTIONS = ("增加", "减少", "增长", "下降", "上升", "降低", "持平")
_QUANTITY = re.compile(rf"(?<![\d.])({_NUMBER})(万元|亿元|元|个百分点|%|{'|'.join(COUNT_UNITS)})?")


@dataclass(frozen=True)
class Quantity:
    """A number quoted in the narrative, in its canonical unit (万元 for money, percent for % and
    个百分点), with the precision it was printed with; ``text`` is what was written."""

    value: Decimal
    decimals: int
    unit: str
    kind: str  # money, percent, points, count, number
    text: str

    def interval(self) -> Interval:
        return Interval.of(Amount(self.value, self.decimals, exact=self.kind == "count"))

    def show(self, value: Decimal) -> str:
        """``value`` (canonical unit) written like this quantity: same unit, two more decimals than
        printed at most — how a reader compares 96.52 元 with 96.53 元."""
        unit = self.text.lstrip("0123456789.,")
        scale = {"元": Decimal(10000), "亿元": Decimal("0.0001")}.get(unit, Decimal(1))
        printed = len(self.text[: len(self.text) - len(unit)].partition(".")[2])
        shown = (value * scale).quantize(Decimal(1).scaleb(-(printed + 2))).normalize()
        text = format(shown, "f")
        if printed and "." not in text:
            text += "." + "0" * printed
        return text + unit


def quantity(number: str, unit: str | None) -> Quantity:
    digits = number.replace(",", "")
    value = Decimal(digits)
    decimals = len(digits.partition(".")[2])
    if unit in _MONEY:
        # 亿元 may give negative decimals: "1.5亿元" is 15000 万元 to the nearest 1000 (± 500 万元)
        return Quantity(value * _MONEY[unit], decimals + _MONEY_SHIFT[unit], "万元", "money", number + unit)
    if unit in ("%", "个百分点"):
        return Quantity(value, decimals, unit, "percent" if unit == "%" else "points", number + unit)
    if unit:
        return Quantity(value, decimals, unit, "count", number + unit)
    return Quantity(value, decimals, "", "number", number)


#: the marks that end a quoted sentence
_QUOTE_ENDS = "。；！？"
#: the most characters a quote reaches beyond what it quotes, on either side
QUOTE_REACH = 200


#: traditional characters of finance writing → simplified, one character for one (spans stay put)
_TRADITIONAL_CHARS = "萬億減長預決總計費經撥數與較為實際務車輛購運維護財餘結轉門項資產業採區縣鎮鄉額單會議訓國辦處佔於關機員類衛體況說補貼點個專節約規應對據無變開劃標準執績層級構離勞險醫療從來這們時間當續進題問調條網電話郵訊設備發織團組隊傳種廳屬練統籌爲"
_SIMPLIFIED_CHARS = "万亿减长预决总计费经拨数与较为实际务车辆购运维护财余结转门项资产业采区县镇乡额单会议训国办处占于关机员类卫体况说补贴点个专节约规应对据无变开划标准执绩层级构离劳险医疗从来这们时间当续进题问调条网电话邮讯设备发织团组队传种厅属练统筹为"
TRADITIONAL = str.maketrans(dict(zip(_TRADITIONAL_CHARS, _SIMPLIFIED_CHARS, strict=True)))


@dataclass
class Paragraph:
    """One paragraph: where it is, its original text, and the normalised text matching runs on."""

    sheet: str
    cell: str
    text: str
    norm: str = field(init=False)
    origin: list[int] = field(init=False, repr=False)  # norm index → original index
    numeric: str = field(init=False, repr=False)  # norm, but a comma not typed half-width stays "，"

    def __post_init__(self):
        whole = unicodedata.normalize("NFKC", self.text).translate(TRADITIONAL)
        if len(whole) == len(self.text):  # the usual case: one character for one (full-width → half-width)
            origin = [i for i, ch in enumerate(whole) if not ch.isspace()]
            self.norm, self.origin = "".join(whole[i] for i in origin), origin
            self.numeric = self._numeric()
            return
        characters, origin = [], []
        for index, char in enumerate(self.text):
            for piece in unicodedata.normalize("NFKC", char).translate(TRADITIONAL):
                if not piece.isspace():
                    characters.append(piece)
                    origin.append(index)
        self.norm, self.origin = "".join(characters), origin
        self.numeric = self._numeric()

    def _numeric(self) -> str:
        """The normalised text with every comma that was not typed as "," (a full-width "，") kept
        as "，", index for index: numbers are read from it, so only a half-width comma separates
        thousands."""
        if "," not in self.norm:
            return self.norm
        return "".join("，" if ch == "," and self.text[self.origin[i]] != "," else ch for i, ch in enumerate(self.norm))

    @functools.cached_property
    def quantities(self) -> list[tuple[int, int, Quantity]]:
        """:func:`find_quantities` of this paragraph, found once (several rules and the coverage read them)."""
        return find_quantities(self)

    @functools.cached_property
    def quantity_starts(self) -> list[int]:
        """Where each of :attr:`quantities` starts, ascending: a bisect finds the quantities of a span
        (a reader of a long paragraph must not walk all of them for every sentence)."""
        return [start for start, _, _ in self.quantities]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original character span of a normalised span."""
        if start >= len(self.origin):
            return len(self.text), len(self.text)
        return self.origin[start], (self.origin[end - 1] + 1) if end > start else self.origin[start]

    def sentence(self, start: int, end: int) -> str:
        """The sentence (in original text) that contains the normalised span.

        A quote reaches at most :data:`QUOTE_REACH` characters beyond the span on either side (cut
        ends marked ``…``): every finding carries its quote, and a paragraph with no sentence end —
        or a 100,000-character one — must cost each finding a few hundred characters, not the whole
        paragraph (which made the findings of one long paragraph quadratic in time and memory)."""
        begin, finish = self.span(start, end)
        low, high = max(0, begin - QUOTE_REACH), min(len(self.text), finish + QUOTE_REACH)
        left = max(self.text.rfind(mark, low, begin) for mark in _QUOTE_ENDS)
        left = left + 1 if left >= 0 else low
        rights = [r for r in (self.text.find(mark, finish, high) for mark in _QUOTE_ENDS) if r >= 0]
        right = min(rights) + 1 if rights else high
        quote = self.text[left:right].strip()
        return ("…" if left == low > 0 else "") + quote + ("…" if right == high < len(self.text) else "")


def paragraphs_from_sheet(sheet: str, cells: list[tuple[str, str]]) -> list[Paragraph]:
    return [Paragraph(sheet, cell, text) for cell, text in cells]


def read_narrative_file(path: str | Path) -> list[Paragraph]:
    """Paragraphs of a .docx (body and tables), .txt or .md narrative (UTF-8, GB18030, or UTF-16 with a
    byte-order mark): :func:`xlplugin.workbook.narrative_files.narrative_texts`; cells read ``第 N 段``."""
    texts = narrative_texts(Path(path))
    return [Paragraph(Path(path).name, f"第 {index} 段", text) for index, text in enumerate(texts, start=1)]


def find_quantities(paragraph: Paragraph) -> list[tuple[int, int, Quantity]]:
    """Every quoted quantity in a paragraph's normalised text: (start, end, quantity); not years, dates, list
    markers (``2021年``, ``12月31日``, ``(1)``, ``1.``). Read through pinyin glosses (``35萬(wàn)元``); a figure that
    the words around it read (``1000.86万``, ``各减少300,200万元``): :mod:`xlplugin.workbook.number_lists`."""
    glossed = {i for match in _GLOSS.finditer(paragraph.norm) for i in range(match.start(), match.end())}
    keep = [i for i in range(len(paragraph.norm)) if i not in glossed]
    numeric, norm = ("".join(text[i] for i in keep) for text in (paragraph.numeric, paragraph.norm))
    found, inside, bare_wan = [], set(), []  # inside: where a figure after 万 starts (``3万4993.1亿元``)
    for match in _TEN_THOUSANDS.finditer(numeric):
        value = Decimal(match.group(1)) * 10000 + Decimal(match.group(2))
        found.append((match.start(), match.end(), replace(quantity(format(value, "f"), "亿元"), text=match.group())))
        inside.add(match.start(2))
    found += comma_lists(numeric, quantity)  # ``各减少300,200万元``: read before 300,200 could be one number
    inside |= {start for start, _, _ in found}
    for match in _QUANTITY.finditer(numeric):
        number, unit = match.group(1), match.group(2)
        after, before = norm[match.end(1) : match.end(1) + 1], norm[max(0, match.start() - 1) : match.start()]
        dated = after and after in "年月日号)〕]." or before and before in "(〔[第"  # ("" is in every string)
        if match.start() in inside or dated and not unit:
            continue  # read already, a date or a list marker
        if not unit and WAN.match(numeric, match.end(1)):
            bare_wan.append(match)  # 万元 or not: told by the other amounts of its sentence
        elif unit or "." in number:  # a bare integer is a label, a count word follows or a phone number
            found.append((match.start(), match.end(), quantity(number, unit)))
    found += in_wan(numeric, bare_wan, found, quantity)
    return [(keep[s], keep[e - 1] + 1, q) for s, e, q in listed(numeric, found, quantity)]


_GLOSS = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,8}\)")
_TEN_THOUSANDS = re.compile(r"(?<![\d.])(\d{1,4})万((?!\d{5})\d{1,4}(?:\.\d{1,8})?)亿元")


# ---------------------------------------------------------------------------------------------
# Templates


class TemplateError(ValueError):
    """A template that cannot be compiled; the message says where."""


#: slot types whose value is a number (a Quantity) and so may take part in checks
NUMBER_SLOTS = ("金额", "百分比", "百分点", "数")
#: slot type → (pattern of the value, pattern of its unit)
_SLOT_PATTERNS = {
    "金额": (_NUMBER, "万元|亿元|元"),
    "百分比": (_NUMBER, "%"),
    "百分点": (_NUMBER, "个百分点"),
    "数": (_NUMBER, ""),
    "年度": (r"\d{4}", ""),
    "方向": ("|".join(DIRECTIONS), ""),
    "文字": (r"[^。;!?:,，、]{1,30}?", ""),
}
_TOKEN = re.compile(r"\{([^{}:]{1,10})(?::([^{}]{1,20}))?\}|\[([^\[\]]{1,200})\]|……|…")


@dataclass
class Template:
    """A compiled claim template: ``match(paragraph)`` yields the slots of every occurrence."""

    text: str
    pattern: re.Pattern
    slots: list[tuple[str, str]]  # (group name, slot type) in order
    names: dict[str, str]  # group name → slot name
    subjects: dict[str, str]  # matched 科目 label (normalised) → code
    required: str = ""  # a literal every match contains: paragraphs without it are not searched

    @classmethod
    def compile(cls, text: str, aliases: dict[str, list[str]], subjects: dict[str, str]) -> Template:
        _check_bounds(text)
        pieces, slots, names, position = [], [], {}, 0
        plain: list[str] = []
        for match in _TOKEN.finditer(text):
            plain.append(text[position : match.start()])
            pieces.append(_literal(text[position : match.start()], aliases))
            position = match.end()
            kind, name, choice = match.group(1), match.group(2), match.group(3)
            if match.group(0) == "…":
                pieces.append(r"[^。;!?]{0,40}?")
            elif match.group(0) == "……":
                pieces.append(r".{0,300}?")
            elif choice is not None:
                options = list(choice.split("|"))
                pieces.append("(?:" + "|".join(_literal(o, aliases) for o in options) + ")")
            else:
                group = f"s{len(slots)}"
                if kind == "科目":
                    if not subjects:
                        raise TemplateError("{科目} 需要表样中有功能分类科目")
                    labels = sorted(subjects, key=len, reverse=True)
                    pieces.append(f"(?P<{group}>" + "|".join(re.escape(label) for label in labels) + ")")
                elif kind in _SLOT_PATTERNS:
                    value, unit = _SLOT_PATTERNS[kind]
                    pieces.append(f"(?P<{group}>{value})(?P<{group}u>{unit})")
                else:
                    raise TemplateError(f"未知的槽类型“{kind}”（可用：{'、'.join([*_SLOT_PATTERNS, '科目'])}）")
                slots.append((group, kind))
                names[group] = name or kind
        pieces.append(_literal(text[position:], aliases))
        plain.append(text[position:])
        _check_cost(text)
        used = [names[g] for g, _ in slots]
        duplicates = {n for n in used if used.count(n) > 1}
        if duplicates:
            raise TemplateError(
                f"槽名重复：{'、'.join(sorted(duplicates))}（给同类型的槽写上不同的名字，如 {{方向:方向2}}）"
            )
        return cls(text, re.compile("".join(pieces)), slots, names, subjects, _required(plain, aliases))

    def match(self, paragraph: Paragraph):
        """Yield (start, end, slots) for every occurrence; slots map names to values: Quantity for
        numbers, the word for 方向/文字, the code for 科目; ``spans`` the normalised span of each."""
        if self.required and self.required not in paragraph.norm:
            return
        for found in self.pattern.finditer(paragraph.numeric):
            values, spans = {}, {}
            for group, kind in self.slots:
                name = self.names[group]
                spans[name] = found.span(group)
                raw = found.group(group)
                if kind == "数" and "." not in raw:
                    # a whole number in a 数 slot counts things (车辆 9 辆, 接待 33 批次): exact, not ±0.5
                    values[name] = replace(quantity(raw, None), kind="count")
                elif kind in NUMBER_SLOTS:
                    values[name] = quantity(raw, found.group(group + "u") or None)
                elif kind == "科目":
                    values[name] = self.subjects[raw]
                else:
                    values[name] = raw
            yield found.start(), found.end(), values, spans


MAX_TEMPLATE = 300
MAX_SLOTS = 12
MAX_GAPS = 4  # … and …… together: each bounded gap multiplies the work a failed match can do
#: free pieces (``{文字}``, …, ……) in a row with no literal word between them: each more one
#: multiplies the ways a failed match can split the same characters
MAX_ADJACENT_FREE = 2
#: the longest text each free piece may take (the bounds of its compiled pattern)
_FREE_LENGTH = {"文字": 30, "…": 40, "……": 300}
#: product of the free pieces' lengths: the work one failed match can do at one position
MAX_COST = 40 * 30 * 30  # e.g. …… with one more, or {文字}{文字} with one …: about 1 s on 2,000 hostile characters


def _check_bounds(text: str) -> None:
    """Refuse templates whose matching could grow faster than the paragraph: too long, too many
    slots, or too many gaps (nested bounded gaps make matching polynomial in the gap length)."""
    if len(text) > MAX_TEMPLATE:
        raise TemplateError(f"模板超过 {MAX_TEMPLATE} 个字符")
    if text.count("{") > MAX_SLOTS:
        raise TemplateError(f"模板中的槽超过 {MAX_SLOTS} 个")
    gaps = text.count("……") + text.replace("……", "").count("…")
    if gaps > MAX_GAPS:
        raise TemplateError(f"模板中的间隔（…、……）超过 {MAX_GAPS} 个，匹配可能极慢；请把句子拆成几条规则")
    if text.count("……") > 2:
        raise TemplateError("模板中的段内间隔（……）不能超过 2 个")


def _check_cost(text: str) -> None:
    """Refuse templates whose failed matches could backtrack through too many splits: a stray
    bracket (an unclosed ``{金额:人均`` would silently be literal text), more than
    :data:`MAX_ADJACENT_FREE` free pieces with no literal word between them, or free pieces whose
    lengths multiply beyond :data:`MAX_COST` (a literal between them may recur in the paragraph)."""
    position, run, cost = 0, 0, 1
    for match in _TOKEN.finditer(text):
        _check_literal(text[position : match.start()])
        if text[position : match.start()].strip():
            run = 0
        position = match.end()
        token, kind, choice = match.group(0), match.group(1), match.group(3)
        if choice is not None:
            if all(option.strip() for option in choice.split("|")):
                run = 0  # every option is a word: an anchor like literal text
            continue
        free = token if token in ("…", "……") else kind if kind == "文字" else None
        if free is None:
            if kind in ("方向", "科目"):
                run = 0  # a word from a fixed list anchors like literal text
            continue  # numbers and years cannot split one another and are short
        run += 1
        cost *= _FREE_LENGTH[free]
        if run > MAX_ADJACENT_FREE:
            raise TemplateError(
                f"模板中有 {run} 个相邻的 {{文字}}/…/……，中间没有文字隔开，匹配可能极慢；"
                f"最多 {MAX_ADJACENT_FREE} 个相邻，请在它们之间写上原文中的文字"
            )
        if cost > MAX_COST:
            raise TemplateError("模板中的 {文字}、…、…… 太多，匹配可能极慢；请减少它们或把句子拆成几条规则")
    _check_literal(text[position:])


def _check_literal(piece: str) -> None:
    for mark, name in (("{", "花括号"), ("}", "花括号"), ("[", "方括号"), ("]", "方括号")):
        if mark in piece:
            raise TemplateError(
                f"“{mark}”没有配成一个槽或选项（{name}不成对，或其中的写法有误，如“{{金额:名称}}”“[上年|年初]”）"
            )


def _required(pieces: list[str], aliases: dict[str, list[str]]) -> str:
    """The longest literal piece that no alias can replace (a fast pre-filter for paragraphs)."""
    labels = ["".join(unicodedata.normalize("NFKC", label).split()) for label in aliases]
    candidates = []
    for piece in pieces:
        norm = "".join(ch for ch in unicodedata.normalize("NFKC", piece) if not ch.isspace())
        if norm and not any(label in norm for label in labels):
            candidates.append(norm)
    return max(candidates, key=len, default="")


def _literal(text: str, aliases: dict[str, list[str]]) -> str:
    """Normalised, escaped literal text; known labels become a choice of their aliases."""
    norm = "".join(ch for ch in unicodedata.normalize("NFKC", text) if not ch.isspace())
    if not norm:
        return ""
    for label in sorted(aliases, key=len, reverse=True):
        key = "".join(unicodedata.normalize("NFKC", label).split())
        if key in norm:
            before, _, after = norm.partition(key)
            options = [key] + ["".join(unicodedata.normalize("NFKC", a).split()) for a in aliases[label]]
            return (
                _literal(before, aliases)
                + "(?:"
                + "|".join(_escape(o) for o in options)
                + ")"
                + _literal(after, aliases)
            )
    return _escape(norm)


def _escape(text: str) -> str:
    """A literal for patterns run on ``Paragraph.numeric``: a comma matches either kind."""
    return re.escape(text).replace(",", "[,，]")
