"""The built-in arithmetic reader on the development corpus of real 情况说明 excerpts
(tests/narrative_corpus, verdicts computed by hand; none from the regions reserved for acceptance).

:func:`score` scores any folder of excerpts in that format (the lead scores a held-out folder with
it too): every judged claim of every kind is matched to what the reader found — by kind family
(rates; totals: sum, composition, reasons, shares adding to 100 %; a change printed without a rate
is keyed by its change figure and matched with the reader's differences |X − P|) and printed figure — and it
prints what was evaluated, what was caught and the false alarms, per kind. The tests hold the
line: no false alarm, and at least the coverage measured when the reader was last extended."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from xlplugin.core.printed import Printing
from xlplugin.engine.arithmetic import read_claims
from xlplugin.workbook.narrative import Paragraph

CORPUS = Path(__file__).resolve().parents[1] / "narrative_corpus"
#: written by someone who never saw the reader; the even-numbered files are never read to tune it
HOLDOUT = Path(__file__).resolve().parents[1] / "narrative_holdout"
#: corpus kind → (family, the figure that identifies the claim)
FIGURES = {
    "change": ("rate", "rate"),
    "completion": ("rate", "rate"),
    "share": ("share", "share"),
    "sum": ("total", "total"),
    "composition": ("total", "total"),
    "reasons": ("total", "total"),
}
#: a change printed without a rate is keyed by its change figure, matched with the reader's differences
RATELESS_CHANGE = ("difference", "change")
#: the reader's kind → family
FAMILY = {
    "change": "rate",
    "completion": "rate",
    "share": "share",
    "sum": "total",
    "composition": "total",
    "reasons": "total",
    "shares": "total",
    "difference": "difference",
}
JUDGED = {"ok", "wrong", "truncated", "double_rounded"}
MISPRINTED = {"wrong", "truncated", "double_rounded"}
FLAGGED = {Printing.WRONG, Printing.TRUNCATED, Printing.DOUBLE_ROUNDED}


def _excerpts(folder: Path):
    return [
        yaml.safe_load(path.read_text(encoding="utf-8")) | {"file": path.name} for path in sorted(folder.glob("*.yaml"))
    ]


def _key(claim: dict) -> tuple[str, Decimal | None]:
    """(family, figure) a corpus claim is matched by: a change by its rate, or — printed without
    one — by its change figure, against the reader's difference claims."""
    family, field = FIGURES[claim["kind"]]
    figures = claim.get("figures") or {}
    if claim["kind"] == "change" and figures.get("rate") in (None, ""):
        family, field = RATELESS_CHANGE
    return family, _figure(figures.get(field))


def _figure(value) -> Decimal | None:
    try:
        return abs(Decimal(str(value).replace(",", "")))
    except (ArithmeticError, ValueError, TypeError):
        return None


def _found_figure(claim) -> Decimal:
    """The printed figure in the unit the corpus writes it: a total of 元 amounts stays in 元."""
    text = claim.printed.text
    if claim.unit == "万元" and text.endswith("元") and not text.endswith(("万元", "亿元")):
        return abs(Decimal(text[:-1].replace(",", "")))
    if text.endswith("亿元"):  # (``3万4993.1亿元`` too: the value, in 万元, read back in 亿元)
        return abs(claim.printed.value / 10000).normalize()
    return abs(claim.printed.value)


def score(folder: Path = CORPUS, show: bool = True, parity: int | None = None) -> dict:
    """Score the reader on every excerpt of ``folder``: per kind, the judged claims, how many were
    evaluated (a verdict given), misprinted, caught; and the false alarms (a flagged figure the
    corpus does not call misprinted). Prints the table and every false alarm and miss (with
    ``show``). ``parity`` 1 or 0 scores only the odd- or even-numbered files (``001.yaml``…)."""
    per_kind: dict[str, Counter] = {}
    alarms, missed = [], []
    for excerpt in _excerpts(folder):
        if parity is not None and int(excerpt["file"].split(".")[0]) % 2 != parity:
            continue
        paragraphs = [
            Paragraph("x", f"A{i + 1}", line) for i, line in enumerate(excerpt["text"].splitlines()) if line.strip()
        ]
        found = [
            c
            for i, paragraph in enumerate(paragraphs)
            for c in read_claims(paragraph, paragraphs[:i], paragraphs[i + 1 :])
        ]
        wanted = [c for c in excerpt.get("claims") or [] if c["kind"] in FIGURES]
        truth: dict[tuple, list[dict]] = {}
        for claim in wanted:
            truth.setdefault(_key(claim), []).append(claim)
        matched: dict[int, list] = {}
        for claim in found:
            candidates = truth.get((FAMILY[claim.kind], _found_figure(claim)), [])
            if not candidates:
                if claim.printing in FLAGGED:
                    alarms.append((excerpt["file"], claim.kind, claim.printed.text, claim.printing, None))
                continue
            # one found claim per corpus claim where the figure repeats (收入合计 = 支出合计 = 196.3)
            target = next((c for c in candidates if id(c) not in matched), candidates[0])
            matched.setdefault(id(target), []).append(claim)
            if claim.printing in FLAGGED and target["verdict"] not in MISPRINTED:
                alarms.append((excerpt["file"], claim.kind, claim.printed.text, claim.printing, target["verdict"]))
        for claim in wanted:
            counts = per_kind.setdefault(claim["kind"], Counter())
            if claim["verdict"] not in JUDGED:
                continue
            hits = matched.get(id(claim), [])
            counts["judged"] += 1
            counts["evaluated"] += any(h.printing is not None for h in hits)
            if claim["verdict"] in MISPRINTED:
                counts["misprinted"] += 1
                caught = any(h.printing in FLAGGED for h in hits)
                counts["caught"] += caught
                if not caught:
                    missed.append((excerpt["file"], claim["kind"], claim["says"]))
    total = sum(per_kind.values(), Counter())
    result = {"kinds": per_kind, "total": total, "false_alarms": len(alarms), "alarms": alarms, "missed": missed}
    if show:
        print(f"\n情况说明语料（{folder.name}）：")
        for kind, counts in sorted(per_kind.items()) + [("合计", total)]:
            print(
                f"  {kind:12} 判定 {counts['evaluated']:3}/{counts['judged']:3}  "
                f"抓到 {counts['caught']:2}/{counts['misprinted']:2}"
            )
        print(f"  误报 {len(alarms)}")
        for alarm in alarms:
            print("  误报", *alarm)
        for miss in missed:
            print("  漏报", *miss)
    return result


def _line(name: str, result: dict) -> str:
    total = result["total"]
    return (
        f"{name}：判定 {total['evaluated']}/{total['judged']}，抓到 {total['caught']}/{total['misprinted']}，"
        f"误报 {result['false_alarms']}"
    )


@pytest.fixture(scope="module")
def scored():
    return score(CORPUS)


@pytest.fixture(scope="module")
def held_out():
    """The whole held-out folder, and its odd and even halves (the even half only ever counted)."""
    whole = score(HOLDOUT, show=False)
    odd, even = score(HOLDOUT, show=False, parity=1), score(HOLDOUT, show=False, parity=0)
    print("\n" + _line("保留集（奇数号，可读）", odd) + "\n" + _line("保留集（偶数号，只计数）", even))
    print(_line("保留集（全部）", whole))
    return whole


def test_no_false_alarm_on_real_excerpts(scored):
    print("\n" + _line("开发语料", scored))
    assert scored["false_alarms"] == 0, scored["alarms"]


def test_coverage_and_catches_hold(scored):
    total, kinds = scored["total"], scored["kinds"]
    assert total["judged"] == 190  # every judged claim of every kind is scored
    # 94.7 %; among the 10 left: 2 changes whose levels stand in another paragraph's list (010), totals
    # that are never written, a wrong share of a list missing a part (035: never faulted). 176 evaluated
    # and 15 caught before a change printed without a rate was judged by its difference (014, 010)
    assert total["evaluated"] >= 180
    assert total["caught"] >= 17  # of 18 misprinted
    assert kinds["sum"]["evaluated"] >= 66 and kinds["sum"]["caught"] >= 2  # of 69 judged, 2 misprinted
    assert kinds["composition"]["evaluated"] >= 7 and kinds["composition"]["caught"] >= 1
    assert kinds["reasons"]["evaluated"] >= 1
    assert kinds["change"]["evaluated"] >= 43 and kinds["share"]["evaluated"] >= 40
    assert kinds["share"]["caught"] >= 5 and kinds["change"]["caught"] >= 6 and kinds["completion"]["caught"] >= 3


def test_held_out_excerpts(held_out):
    """The held-out folder: no false alarm, and the coverage reached (115 of 155 when this was written —
    odd files 78 of 91, even 37 of 64; 112 before changes printed without a rate were judged by their
    difference, 104 before the reader read wholes over several paragraphs,
    102 before it knew the standard 部门决算 sections, 33 before it read named wholes, 亿元
    statistics and changes stated further back)."""
    total = held_out["total"]
    assert held_out["false_alarms"] == 0, held_out["alarms"]
    assert total["judged"] == 155
    assert total["evaluated"] >= 115
    assert total["caught"] >= 5  # of 6 misprinted
