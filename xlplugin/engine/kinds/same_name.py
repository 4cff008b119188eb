"""科目名称一致 ``same_name``: a code carries the same name in every listed table.

Parameter:

- ``tables`` (list; required): table ids (blocks with a code column or coded layout rows).

Names are compared without ordinals, spaces or full-width differences. For each code printed with
different names, the name most tables use is taken as right and every other occurrence is a finding
(ties: the first table listed wins). Example::

    - id: CQN-01
      name: 同一科目编码在各表中名称一致
      kind: same_name
      tables: [公开02表, 公开03表, 公开05表, 公开07表, 公开08表]

finds 公开02表 2080110 “劳动关系的维权” (公开03、05表: “劳动关系和维权”) in the published sample.
Placeholders: the common ones plus ``{code}`` and ``{others}`` (where the expected name is used).
"""

from collections import Counter
from dataclasses import dataclass

from xlplugin.core.cells import a1
from xlplugin.core.findings import Operand, Outcome
from xlplugin.core.intervals import Verdict
from xlplugin.engine.kinds.base import table_spec
from xlplugin.engine.kinds.params import Param
from xlplugin.workbook.layout import label_body

NAME = "same_name"
TITLE = "科目名称一致"
TOPIC = "table"
LOCALITY = 3
PARAMS = {"tables": Param("list", required=True, doc="表 id（有科目编码的表）")}
PLACEHOLDERS = ("code", "others")
MESSAGE = "{table}科目 {row} 的名称为“{actual}”，{others}为“{expected}”。"


@dataclass(frozen=True)
class SameNamePrepared:
    #: in the order written (the first wins a tie)
    tables: tuple[str, ...]


def prepare(params, layout, where) -> SameNamePrepared:
    return SameNamePrepared(tuple(table_spec(layout, t, where).id for t in params["tables"]))


def check(prepared: SameNamePrepared, context):
    by_code: dict[str, list] = {}
    for table_id in prepared.tables:
        table = context.located.tables.get(table_id)
        if table is None:
            continue  # a missing table is reported by itself; the others can still be compared
        for block, row in table.iter_rows():
            label_column = block.spec.label_column
            if row.code and row.code.isdigit() and row.label and label_column is not None:
                cell = a1(row.sheet_row, block.columns[label_column.id])
                by_code.setdefault(row.code, []).append((table, row, cell))
    for code, places in by_code.items():
        names = [label_body(row.label) for _, row, _ in places]
        if len(set(names)) < 2:
            continue
        counts = Counter(names)
        best = max(counts.values())
        expected = next(n for n in names if counts[n] == best)
        expected_text = next(row.label for (_, row, _), n in zip(places, names) if n == expected)
        others = "、".join(t.id for (t, _, _), n in zip(places, names) if n == expected)
        for (table, row, cell), name in zip(places, names):
            if name != expected:
                operands = [Operand(f"{t.id}[{code}]", t.sheet.name, c, None, r.label) for t, r, c in places]
                yield Outcome(
                    Verdict.FAIL,
                    table.sheet.name,
                    cell,
                    table.id,
                    code,
                    "名称",
                    expected=expected_text,
                    actual=row.label,
                    operands=operands,
                    details={"code": code, "others": others},
                )
