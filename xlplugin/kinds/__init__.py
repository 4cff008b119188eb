"""Rule kinds: one small module each, registered in :data:`KINDS`.

Every kind module defines ``NAME`` (the ``kind:`` a pack writes), ``TITLE`` (its Chinese name),
``LOCALITY`` (1 = one row, 2 = one table's totals, 3 = across tables; the engine keeps the most
local of several findings with one cause), ``PARAMS`` (its parameters, validated in one place by :mod:`xlplugin.pack`), ``MESSAGE`` (the default
message template; ``{placeholders}`` named in ``PLACEHOLDERS``), ``prepare(params, layout, where)``
(meaning checks against the layout at load time, returning what ``check`` needs) and
``check(prepared, context)`` (yields :class:`~xlplugin.findings.Outcome` for every relation that does
not hold exactly). The module docstring is the kind's documentation, with an example from the
Chongqing pack. Kinds never choose severities, words or output: the engine does.
"""
from xlplugin.kinds import (
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

KINDS = {
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
    )
}
