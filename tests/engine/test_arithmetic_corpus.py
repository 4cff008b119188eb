"""The built-in arithmetic reader on the development corpus of real 情况说明 excerpts
(tests/narrative_corpus, verdicts computed by hand; none from the regions reserved for acceptance).

Prints what it evaluated, what it caught and its false alarms, and holds the line: no false alarm,
and at least the coverage measured when the reader was written."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from xlplugin.core.printed import Printing
from xlplugin.engine.arithmetic import read_claims
from xlplugin.workbook.narrative import Paragraph

CORPUS = Path(__file__).resolve().parents[1] / "narrative_corpus"
KINDS = {"change": "rate", "completion": "rate", "share": "share"}
JUDGED = {"ok", "wrong", "truncated", "double_rounded"}
MISPRINTED = {"wrong", "truncated", "double_rounded"}
FLAGGED = {Printing.WRONG, Printing.TRUNCATED, Printing.DOUBLE_ROUNDED}


def _excerpts():
    return [
        yaml.safe_load(path.read_text(encoding="utf-8")) | {"file": path.name} for path in sorted(CORPUS.glob("*.yaml"))
    ]


def _printed(claim: dict) -> Decimal | None:
    value = (claim.get("figures") or {}).get(KINDS[claim["kind"]])
    try:
        return abs(Decimal(str(value)))
    except (ArithmeticError, ValueError, TypeError):
        return None


@pytest.fixture(scope="module")
def score():
    counts = {"claims": 0, "evaluated": 0, "misprinted": 0, "caught": 0, "false_alarms": 0}
    alarms, missed = [], []
    for excerpt in _excerpts():
        paragraphs = [Paragraph("x", "A1", line) for line in excerpt["text"].splitlines() if line.strip()]
        found = [c for i, paragraph in enumerate(paragraphs) for c in read_claims(paragraph, paragraphs[:i])]
        wanted = [c for c in excerpt.get("claims") or [] if c["kind"] in KINDS]
        by_figure = {}
        for claim in wanted:
            printed = _printed(claim)
            if printed is not None:
                by_figure.setdefault((claim["kind"], printed), claim)
            if claim["verdict"] in JUDGED:
                counts["claims"] += 1
                counts["misprinted"] += claim["verdict"] in MISPRINTED
        for claim in found:
            truth = by_figure.get((claim.kind, abs(claim.printed.value)))
            verdict = truth["verdict"] if truth else None
            if claim.printing in FLAGGED and verdict not in MISPRINTED:
                counts["false_alarms"] += 1
                alarms.append((excerpt["file"], claim.kind, claim.printed.text, claim.printing, verdict))
            if verdict in JUDGED and claim.printing is not None:
                counts["evaluated"] += 1
                if verdict in MISPRINTED and claim.printing in FLAGGED:
                    counts["caught"] += 1
        for claim in wanted:
            if claim["verdict"] in MISPRINTED and not any(
                (f.kind, abs(f.printed.value)) == (claim["kind"], _printed(claim)) for f in found
            ):
                missed.append((excerpt["file"], claim["says"]))
    print(f"\n情况说明语料：{counts}")
    for alarm in alarms:
        print("误报", *alarm)
    for miss in missed:
        print("漏报", *miss)
    return counts, alarms


def test_no_false_alarm_on_real_excerpts(score):
    counts, alarms = score
    assert counts["false_alarms"] == 0, alarms


def test_coverage_and_catches_hold(score):
    counts, _ = score
    assert counts["evaluated"] >= 80  # of 113 checkable
    assert counts["caught"] >= 8  # of 15 misprinted (the others need figures from elsewhere)
