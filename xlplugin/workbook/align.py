"""Matching a sheet's row labels with a layout's rows: an optimal alignment, so inserted rows, a
typo'd ordinal or a reworded label still match the right row."""

from __future__ import annotations

import difflib

from xlplugin.core.amounts import normalize_text
from xlplugin.workbook.layout import RowSpec, label_body

__all__ = ["align_rows"]


def _similarities(rows: tuple[RowSpec, ...], texts: list[str]) -> list[list[float]]:
    """How well each printed label matches each layout row: 3 exact, 2 the same words under
    another ordinal, up to 1.5 for a close rewording, 0 for no match.

    The fuzzy comparison only runs between rows and labels that found no exact or same-words partner
    at all, which keeps it off the common path."""
    exact = [{normalize_text(t) for t in (r.label, *r.aliases)} for r in rows]
    bodies = [{label_body(t) for t in (r.label, *r.aliases)} for r in rows]
    printed = [normalize_text(t) for t in texts]
    printed_bodies = [label_body(t) for t in texts]
    scores = [
        [3.0 if printed[j] in exact[i] else 2.0 if printed_bodies[j] in bodies[i] else 0.0 for j in range(len(texts))]
        for i in range(len(rows))
    ]
    lonely_rows = [i for i in range(len(rows)) if not any(scores[i])]
    lonely_texts = [j for j in range(len(texts)) if not any(scores[i][j] for i in range(len(rows)))]
    for i in lonely_rows:
        for j in lonely_texts:
            for wanted in bodies[i]:
                matcher = difflib.SequenceMatcher(None, printed_bodies[j], wanted)
                if (
                    matcher.real_quick_ratio() >= 0.75
                    and matcher.quick_ratio() >= 0.75
                    and (ratio := matcher.ratio()) >= 0.75
                ):
                    scores[i][j] = max(scores[i][j], 0.5 + ratio)
    return scores


def align_rows(rows: tuple[RowSpec, ...], texts: list[str]) -> list[tuple[int, int]]:
    """Order-preserving alignment of layout rows with printed labels maximising total similarity."""
    n, m = len(rows), len(texts)
    similarity = _similarities(rows, texts)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best = max(score[i + 1][j], score[i][j + 1])
            if similarity[i][j]:
                best = max(best, similarity[i][j] + score[i + 1][j + 1])
            score[i][j] = best
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if similarity[i][j] and score[i][j] == similarity[i][j] + score[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif score[i][j] == score[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs
