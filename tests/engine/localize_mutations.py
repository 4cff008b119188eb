"""Single-cell errors injected into a workbook's relations, and whether the localizer finds them.

Used by ``test_localize.py`` and ``benchmarks/localize_bench.py``. A mutation changes the printed
value of one cell (or, for a value moved to the neighbouring column, of two) in a copy of the
relations the rules stated on a clean workbook; the localizer then runs on the copy.
"""

from __future__ import annotations

import copy
import random
import re
from dataclasses import dataclass
from decimal import Decimal

from xlplugin.engine.localize import localize
from xlplugin.engine.relations import Relations

KINDS = ("plus", "minus", "times10", "div10", "swap", "blank", "move")
CENT = Decimal("0.01")


@dataclass
class Mutation:
    kind: str
    #: (sheet, cell) → (original, mutated)
    changes: dict


def _swap_digits(value: Decimal, rng: random.Random) -> Decimal | None:
    text = format(value, "f")
    spots = [i for i in range(len(text) - 1) if text[i].isdigit() and text[i + 1].isdigit() and text[i] != text[i + 1]]
    if not spots:
        return None
    i = rng.choice(spots)
    return Decimal(text[:i] + text[i + 1] + text[i] + text[i + 2 :])


def _neighbour(relations: Relations, key):
    sheet, cell = key
    letters, row = re.match(r"([A-Z]+)(\d+)", cell).groups()
    right = chr(ord(letters[-1]) + 1) if letters[-1] != "Z" else None
    candidate = (sheet, f"{letters[:-1]}{right}{row}") if right else None
    return candidate if candidate in relations.cells else None


def mutate(relations: Relations, key, kind: str, rng: random.Random) -> Mutation | None:
    """A mutation of ``kind`` at ``key`` of size ≥ 1.00, or None when it does not apply."""
    value = relations.cells[key].value
    if kind == "move":
        other = _neighbour(relations, key)
        if other is None or relations.cells[other].table != relations.cells[key].table:
            return None
        moved = relations.cells[other].value + value
        return Mutation(kind, {key: (value, Decimal(0)), other: (relations.cells[other].value, moved)})
    new = {
        "plus": lambda: value + Decimal(rng.randint(100, 50000)) / 100,
        "minus": lambda: value - Decimal(rng.randint(100, 50000)) / 100,
        "times10": lambda: value * 10,
        "div10": lambda: (value / 10).quantize(CENT),
        "swap": lambda: _swap_digits(value, rng),
        "blank": lambda: Decimal(0),
    }[kind]()
    if new is None or abs(new - value) < 1:
        return None
    return Mutation(kind, {key: (value, new)})


def apply(relations: Relations, mutation: Mutation) -> Relations:
    mutated = copy.copy(relations)
    mutated.cells = dict(relations.cells)
    for key, (_, new) in mutation.changes.items():
        info = copy.copy(relations.cells[key])
        info.value = new
        info.blank = new == 0 and mutation.kind in ("blank", "move")
        mutated.cells[key] = info
    return mutated


def restored(localization, mutation: Mutation, alternatives: bool = False, within: Decimal = CENT) -> bool:
    """True when a suggestion puts every mutated cell back to its original value, ``within`` one
    unit of the last printed place by default (where the clean workbook itself only adds up within
    rounding, the value that adds up exactly is as right as the printed one)."""
    found = {(s.sheet, s.cell): s.suggested for s in localization.suggestions}
    if alternatives:
        for s in localization.suggestions:
            for sheet, cell, value in s.alternatives:
                found.setdefault((sheet, cell), value)
    return all(key in found and abs(found[key] - original) <= within for key, (original, _) in mutation.changes.items())


def mutation_rate(relations: Relations, count: int, seed: int = 2021) -> dict:
    """Localize ``count`` random mutations of cells whose value is at least 1.00."""
    rng = random.Random(seed)
    keys = sorted(k for k, info in relations.cells.items() if abs(info.value) >= 1 and _in_relation(relations, k))
    results = {
        "cases": 0,
        "restored": 0,
        "exact": 0,
        "with_alternatives": 0,
        "by_kind": {},
        "seconds": 0.0,
        "misses": [],
    }
    while results["cases"] < count:
        key, kind = rng.choice(keys), rng.choice(KINDS)
        mutation = mutate(relations, key, kind, rng)
        if mutation is None:
            continue
        localization = localize(apply(relations, mutation))
        results["cases"] += 1
        results["seconds"] += localization.seconds
        hit = restored(localization, mutation)
        results["restored"] += hit
        results["exact"] += restored(localization, mutation, within=Decimal(0))
        results["with_alternatives"] += hit or restored(localization, mutation, alternatives=True)
        tally = results["by_kind"].setdefault(kind, [0, 0])
        tally[0] += hit
        tally[1] += 1
        if not hit:
            results["misses"].append(
                (kind, key, localization.status, [(s.cell, s.suggested) for s in localization.suggestions])
            )
    return results


def _in_relation(relations: Relations, key) -> bool:
    return key in _related_keys(relations)


_RELATED: dict[int, set] = {}


def _related_keys(relations: Relations) -> set:
    if id(relations) not in _RELATED:
        _RELATED[id(relations)] = {k for r in relations.relations for _, k in r.terms}
    return _RELATED[id(relations)]
