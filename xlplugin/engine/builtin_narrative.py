"""The arithmetic check every pack gets: :mod:`xlplugin.engine.arithmetic` run over the 情况说明.

A figure a pack's own rules already judged is left to them (its span is covered). The rest become
findings ``NARR.arithmetic``: a wrong rate, completion or share is a 警告 — the reader knows the
sentence's arithmetic, not the pack's intent, so it never raises an error on its own — and a figure
truncated or rounded twice, or a change from a zero base, is a 提示 that says so. Every figure a
claim used counts as checked in the narrative's coverage.
"""

from __future__ import annotations

from decimal import Decimal

from xlplugin.core import codes
from xlplugin.core.findings import INFO, WARNING, Finding, Operand
from xlplugin.core.printed import PRINTING_NOTES, Printing
from xlplugin.engine.arithmetic import Claim, read_claims

__all__ = ["ARITHMETIC", "arithmetic_findings"]

#: the rule id of the built-in check's findings
ARITHMETIC = "NARR.arithmetic"
_WHAT = {"change": "增减率", "completion": "完成率", "share": "占比"}
#: how many paragraphs back a change's current figure is looked for
_LOOK_BACK = 3


def arithmetic_findings(context) -> list[Finding]:
    """Findings of the built-in arithmetic check over ``context``'s paragraphs (skipped sections
    excluded); marks the figures it used as covered."""
    findings = []
    for position, paragraph in enumerate(context.paragraphs):
        if paragraph.cell in context.skipped_cells:
            continue
        covered = context.covered.get(id(paragraph), set())
        # a change may name only its subject, whose figure a paragraph or two before it stated
        earlier = context.paragraphs[max(0, position - _LOOK_BACK) : position]
        for claim in read_claims(paragraph, earlier):
            start, end = claim.span
            if any(start < e and s < end for s, e in covered):
                continue  # the pack's own rule judged this figure
            for span in claim.spans:
                context.cover(paragraph, span)
            finding = _finding(paragraph, claim)
            if finding is not None:
                findings.append(finding)
    return findings


def _finding(paragraph, claim: Claim) -> Finding | None:
    what = _WHAT[claim.kind]
    if claim.printing is None:
        severity, verdict = INFO, claim.note
    elif claim.printing is Printing.WRONG:
        severity, verdict = WARNING, f"按所写数字应为 {_shown(claim)}"
    elif claim.printing in PRINTING_NOTES:
        severity, verdict = INFO, f"{PRINTING_NOTES[claim.printing]}（按所写数字为 {_shown(claim)}）"
    else:
        return None
    start, end = paragraph.span(*claim.span)
    quote = paragraph.sentence(*claim.span)
    return Finding(
        rule=ARITHMETIC,
        name=codes.title(ARITHMETIC),
        severity=severity,
        sheet=paragraph.sheet,
        cell=paragraph.cell,
        table=paragraph.sheet,
        row=paragraph.cell,
        column=what,
        expected=claim.computed.point.quantize(Decimal("0.0001")) if claim.computed else None,
        actual=claim.printed.value,
        difference=None,
        operands=[
            Operand(q.text, paragraph.sheet, paragraph.cell, q.value, q.text) for q in (*claim.operands, claim.printed)
        ],
        message=f"“{quote}”中{what}写为 {claim.printed.text}：{verdict}。",
        explanation=codes.fix(ARITHMETIC),
        span=(start, end),
        quote=quote,
    )


def _shown(claim: Claim) -> str:
    """The computed figure to two more places than printed, with its unit."""
    places = claim.printed.decimals + 2
    return f"{claim.computed.point.quantize(Decimal(1).scaleb(-places))}%"
