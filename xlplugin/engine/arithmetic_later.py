"""A change whose current figure the section states after it.

A 三公 section often gives the changes first and the year's figures in the next paragraph::

    其中：公务用车购置及运行费支出决算增加0万元，增长0%；公务接待费支出决算增加0.16万元，增长7.4%。
    二、一般公共预算财政拨款“三公”经费支出决算具体情况
    2023年度…“三公”经费支出决算中，…公务用车购置及运行维护费支出1.2万元，占33.5%；公务接待费支出2.38万元…

When nothing before a change states its subject's figure, the figure is looked for in the next
paragraphs: in the first one that names the subject, the one 决算 figure its statement (its clause,
or its sentence when that says 决算) names it with — not a budget, last year's figure, a mean or
another change; and its sentence may name no year but those the change's paragraph names, less the
ones it compares with (another year's figure is no current one). Names are compared with 运行维护费
read as 运行费 (both are written).
"""

from __future__ import annotations

import re

from xlplugin.engine.arithmetic_claim import PINYIN, budget_clause
from xlplugin.workbook.narrative import Paragraph, Quantity

__all__ = ["later_figure"]

#: how many paragraphs after a change its current figure is looked for in
LATER = 2
_DIRECTION = re.compile(r"(增加|减少|增长|下降|上升|降低|提高)(?:了|为)?$")
_NOT_CURRENT = re.compile(r"上年|去年|上一年|同期|年初|调整|计划|平均|人均|车均|预算")
_YEAR = re.compile(r"\d{4}(?=年)")
_BASE_YEAR = re.compile(r"(?:比|较|与|相较于?|对比)(\d{4})(?=年)")


def _canon(words: str) -> str:
    """A name as compared: no glosses or quotation marks, 运行维护费 as 运行费."""
    words = PINYIN.sub("", words).replace("“", "").replace("”", "").replace('"', "")
    return words.replace("运行维护费", "运行费").replace("运行维护", "运行")


def _sentence(text: str, start: int, end: int) -> str:
    low = text.rfind("。", 0, start) + 1
    highs = [p for p in (text.find(mark, end) for mark in "。") if p >= 0]
    return text[low : min(highs, default=len(text))]


def later_figure(subject: str, text: str, start: int, later) -> tuple[tuple[int, int], Quantity] | None:
    """((0, 0), figure) of ``subject`` stated in the paragraphs ``later`` (the first :data:`LATER`)
    for the change at ``start`` of ``text``; None when none is, or it is not one figure."""
    subject = _canon(subject)
    if len(subject) < 4:
        return None  # ``支出``, ``经费``: too general to be looked for in another paragraph
    years = set(_YEAR.findall(text)) - set(_BASE_YEAR.findall(text))
    for paragraph in later[:LATER]:
        found, named = set(), False
        norm: str = paragraph.norm
        for begin, end, quantity in _money(paragraph):
            statement = norm[max(norm.rfind(mark, 0, begin) for mark in ("。", ";", "；", "其中")) + 1 : begin]
            clause = norm[max(norm.rfind(mark, 0, begin) for mark in "，,;；:：。") + 1 : begin]
            here = subject in _canon(clause) or "决算" in clause and subject in _canon(statement)
            if not here:
                continue
            named = True
            if budget_clause(clause) or _NOT_CURRENT.search(clause) or _DIRECTION.search(clause):
                continue
            if not set(_YEAR.findall(_sentence(norm, begin, end))) <= years:
                continue
            found.add(quantity)
        if named:
            values = {q.value for q in found}
            return ((0, 0), next(iter(found))) if len(values) == 1 else None
    return None


def _money(paragraph: Paragraph) -> list:
    return [q for q in paragraph.quantities if q[2].kind == "money"]
