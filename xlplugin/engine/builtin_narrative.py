"""The arithmetic check every pack gets: :mod:`xlplugin.engine.arithmetic` run over the 情况说明.

A figure a pack's own rules already judged is left to them (its span is covered). The rest become
findings ``NARR.arithmetic``: a wrong rate, completion or share, a total that is not the sum of its
listed parts, a change that is not the difference of the two levels printed with it (增减额), a change that is not the sum of its parts' or reasons' changes, shares of a complete
list that do not add up to 100 % — each a 警告 by default (the reader knows the sentence's arithmetic,
not the pack's intent, so it raises an error only where a pack says ``arithmetic: {severity: 错误}``;
``arithmetic: {enabled: false}`` turns it off); a figure truncated or rounded twice, a
change from a zero base or shares of a zero whole is a 提示 that says so. Every figure a claim used
counts as checked in the narrative's coverage.
"""

from __future__ import annotations

from decimal import Decimal

from xlplugin.core import codes
from xlplugin.core.findings import INFO, WARNING, Finding, Operand
from xlplugin.core.printed import PRINTING_NOTES, Printing
from xlplugin.engine.arithmetic import Claim, read_claims
from xlplugin.engine.arithmetic_later import LATER

__all__ = ["ARITHMETIC", "arithmetic_findings"]

#: the rule id of the built-in check's findings
ARITHMETIC = "NARR.arithmetic"
_WHAT = {
    "change": "增减率",
    "completion": "完成率",
    "share": "占比",
    "sum": "合计",
    "composition": "构成",
    "reasons": "原因合计",
    "shares": "占比合计",
    "difference": "增减额",
}
#: how many paragraphs back the reader sees: a change's current figure and a named whole are looked
#: for in the last few (:data:`xlplugin.engine.arithmetic.NEAR`), a list's heading past its items and
#: the whole it names in its section further back; a bound, so a long document stays linear
_LOOK_BACK = 40


def arithmetic_findings(context, severity: str = WARNING) -> list[Finding]:
    """Findings of the built-in arithmetic check over ``context``'s paragraphs (skipped sections
    excluded), a wrong figure at ``severity`` (the pack's ``arithmetic: {severity: …}``); marks the
    figures it used as covered."""
    findings = []
    for position, paragraph in enumerate(context.paragraphs):
        if paragraph.cell in context.skipped_cells:
            continue
        covered = context.covered.get(id(paragraph), set())
        # a change may name only its subject, whose figure a paragraph or two before it stated; an
        # item of a list over paragraphs is a share of the whole its heading names, stated before it
        earlier = context.paragraphs[max(0, position - _LOOK_BACK) : position]
        # a change's current figure may come after it (the 三公 changes before the year's figures)
        later = context.paragraphs[position + 1 : position + 1 + LATER]
        for claim in read_claims(paragraph, earlier, later):
            start, end = claim.span
            if any(start < e and s < end for s, e in covered):
                continue  # the pack's own rule judged this figure
            for span in claim.spans:
                context.cover(paragraph, span)
            finding = _finding(paragraph, claim, severity)
            if finding is not None:
                findings.append(finding)
    return findings


def _finding(paragraph, claim: Claim, wrong: str = WARNING) -> Finding | None:
    what = _WHAT[claim.kind]
    if claim.printing is None:
        severity, verdict = INFO, claim.note
    elif claim.printing is Printing.WRONG and claim.kind == "difference":
        severity, verdict = wrong, f"按所写数字应为 {_terms(claim)} = {_shown(claim)}"
    elif claim.printing is Printing.WRONG:
        severity, verdict = wrong, f"{_basis(claim)}应为 {_shown(claim)}"
    elif claim.printing in PRINTING_NOTES:
        severity, verdict = INFO, f"{PRINTING_NOTES[claim.printing]}（{_basis(claim)}为 {_shown(claim)}）"
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
        message=f"“{quote}”中{_subject(claim)}：{verdict}。",
        explanation=codes.fix(ARITHMETIC),
        span=(start, end),
        quote=quote,
    )


def _subject(claim: Claim) -> str:
    """What the sentence states: ``合计写为 57.55万元``, ``各项占比之和为 129.03%``."""
    if claim.kind == "shares":
        total = f"{claim.computed.point.normalize():f}%" if claim.computed else ""
        return f"各项占比 {_terms(claim)} 之和为 {total}" if claim.computed else "各项占比"
    name = {"sum": "合计", "composition": "合计", "reasons": "增减额"}.get(claim.kind, _WHAT[claim.kind])
    name = "相差" if claim.unit == "个百分点" else name  # a gap between two rates
    return f"{name}写为 {claim.printed.text}"


def _basis(claim: Claim) -> str:
    """What the expected figure is computed from."""
    if claim.kind in ("sum", "composition"):
        return f"按所列各项 {_terms(claim)} "
    if claim.kind == "reasons":
        return f"按所列原因 {_terms(claim)} "
    if claim.kind == "shares":
        return ""
    return "按所写数字"


def _terms(claim: Claim) -> str:
    """The operands as written, joined by their signs: ``12.5万元+45.2万元``, ``−0.05万元+0.46万元``."""
    signs = claim.signs or (1,) * len(claim.operands)
    text = "".join(("+" if sign > 0 else "−") + q.text for sign, q in zip(signs, claim.operands))
    return text[1:] if text.startswith("+") else text


def _shown(claim: Claim) -> str:
    """The computed figure with its unit: a rate to two more places than printed; a total to the
    places of the most precise figure, in the unit the total is written in (元、万元、亿元)."""
    if claim.kind == "shares":
        return "100%"
    if claim.unit in ("%", "个百分点"):
        places = claim.printed.decimals + 2
        return f"{claim.computed.point.quantize(Decimal(1).scaleb(-places))}{claim.unit}"
    return _money(claim.computed.point, claim.printed, claim.operands)


def _money(value: Decimal, printed, operands) -> str:
    """``value`` (万元) written in ``printed``'s unit with as many places as its most precise figure."""
    unit = printed.text.lstrip("0123456789.,")
    scale = {"元": Decimal(10000), "亿元": Decimal("0.0001")}.get(unit, Decimal(1))
    shift = {"元": 4, "亿元": -4}.get(unit, 0)  # a Quantity's decimals are counted in 万元
    places = max(0, max(q.decimals for q in (printed, *operands)) - shift)
    return f"{(value * scale).quantize(Decimal(1).scaleb(-places))}{unit}"
