"""必须为空 ``must_be_empty``: the listed cells must be blank, ``—`` or zero (cells the template
marks not applicable, or tables a department must leave empty).

Parameter:

- ``cells`` (list; required): references ``表[行].列``.

Example (公开09表: 预算数 has no meaning for counts)::

    - id: CQ09-18
      name: 表样标“—”的预算数不填
      kind: must_be_empty
      cells: [公开09表[公务用车保有量].预算数, 公开09表[国内公务接待批次].预算数]

Placeholders: the common ones plus ``{ref}``.
"""

from xlplugin.engine.kinds.params import Param
from xlplugin.engine.kinds.required import CellsPrepared, cell_outcome, prepare  # noqa: F401 (prepare: the same cells)

NAME = "must_be_empty"
TITLE = "必须为空"
TOPIC = "table"
LOCALITY = 1
PARAMS = {"cells": Param("list", required=True, doc="单元格引用（`表[行].列`）")}
PLACEHOLDERS = ("ref",)
MESSAGE = "{table}“{row}”的{column}（{cell}）应为空或“—”，实际填了 {actual}。"


def check(prepared: CellsPrepared, context):
    for ref in prepared.refs:
        resolved = context.resolve(ref)
        if resolved.operand.value is not None and resolved.operand.value != 0:
            yield cell_outcome(resolved, ref, "空或“—”")
