"""Rule kinds: one small module each, registered in :data:`KINDS`.

Every kind module is a :class:`KindModule`: it defines ``NAME`` (the ``kind:`` a pack writes),
``TITLE`` (its Chinese name, shown by ``xlplugin pack show`` and heading its section of the guide),
``TOPIC`` (what it reads: ``table``, ``narrative`` or ``selfeval``; the engine counts the
narrative's coverage only when a narrative kind ran), ``LOCALITY`` (1 = one row, 2 = one table's
totals, 3 = across tables; the engine keeps the most local of several findings with one cause),
``PARAMS`` (its parameters as :class:`~xlplugin.engine.kinds.params.Param` declarations, applied in
one place by :func:`~xlplugin.engine.kinds.params.validate_params`; a kind whose parameters depend
on each other adds ``check_params(params, where)``, called with what a rule writes before the
defaults are filled in), ``MESSAGE`` (the default message template;
``{placeholders}`` named in ``PLACEHOLDERS``), ``prepare(params, layout, where)`` (meaning checks
against the layout at load time, returning the frozen dataclass ``check`` needs) and
``check(prepared, context)`` (yields :class:`~xlplugin.core.findings.Outcome` for every relation that
does not hold exactly). The module docstring is the kind's documentation, with an example from the
Chongqing pack. Kinds never choose severities, words or output: the engine does.
"""

from __future__ import annotations

from xlplugin.engine.kinds import (
    catalogue,
    claim,
    claim_change,
    claim_consistent,
    claim_reasons,
    code_rollup,
    column_total,
    conditional,
    expression,
    must_be_empty,
    narrative_statement,
    narrative_wording,
    required,
    row_total,
    same_amount,
    same_name,
    selfeval_funds,
    selfeval_indicators,
    selfeval_totals,
    template_labels,
)
from xlplugin.engine.kinds.params import KindModule

__all__ = ["KINDS", "TOPICS", "KindModule", "kinds_of_topic"]

#: what a kind reads → its Chinese name
TOPICS = {"table": "表格", "narrative": "情况说明", "selfeval": "绩效自评表"}


KINDS: dict[str, KindModule] = {
    module.NAME: module
    for module in (
        row_total,
        column_total,
        code_rollup,
        expression,
        conditional,
        required,
        must_be_empty,
        same_amount,
        same_name,
        template_labels,
        claim,
        claim_change,
        claim_consistent,
        claim_reasons,
        narrative_wording,
        narrative_statement,
        selfeval_funds,
        selfeval_indicators,
        selfeval_totals,
        catalogue,
    )
}


def kinds_of_topic(topic: str) -> frozenset[str]:
    """The names of the kinds that read ``topic`` (a key of :data:`TOPICS`)."""
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r} (topics: {', '.join(TOPICS)})")
    return frozenset(name for name, module in KINDS.items() if topic == module.TOPIC)
