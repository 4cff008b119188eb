"""必须为空 ``must_be_empty``: the listed cells must be blank, ``—`` or zero (cells the template
marks not applicable, or tables a department must leave empty).

Parameter: ``cells`` — references ``表[行].列``. Example (公开09表: 预算数 has no meaning for counts)::

    - id: CQ09-18
      name: 表样标“—”的预算数不填
      kind: must_be_empty
      cells: [公开09表[公务用车保有量].预算数, 公开09表[国内公务接待批次].预算数]

Placeholders: the common ones plus ``{ref}``.
"""
from xlplugin.kinds.required import cell_outcome, parse_refs

NAME = "must_be_empty"
TITLE = "必须为空"
LOCALITY = 1
PARAMS = {"cells": ("list", True)}
PLACEHOLDERS = ("ref",)
MESSAGE = "{table}“{row}”的{column}（{cell}）应为空或“—”，实际填了 {actual}。"


def prepare(params, layout, where):
    return {"refs": parse_refs(params["cells"], layout, where)}


def check(prepared, context):
    for ref in prepared["refs"]:
        value = context.resolve(ref).operand.value
        if value is not None and value != 0:
            yield cell_outcome(context, ref, "空或“—”")
