"""表样行名 ``template_labels``: fixed rows are printed with the template's names.

Parameter:

- ``tables`` (list; required): table ids with fixed rows.

Each row the reader matched to the layout (even by a near match such as a wrong ordinal) must print
the layout's label (compared without spaces and full-width differences). Example::

    - id: CQN-02
      name: 固定行名称与表样一致
      kind: template_labels
      tables: [公开01表, 公开04表, 公开06表, 公开09表]

finds 公开04表 “二、一般公共预算财政拨款” (表样：一、…) and 公开01表 “十四、资源勘探信息等支出” in the
published sample. Placeholders: the common ones.
"""

from dataclasses import dataclass

from xlplugin.core.cells import a1
from xlplugin.core.findings import Operand, Outcome
from xlplugin.core.intervals import Verdict
from xlplugin.engine.kinds.base import table_spec
from xlplugin.engine.kinds.params import Param

NAME = "template_labels"
TITLE = "表样行名"
TOPIC = "table"
LOCALITY = 1
PARAMS = {"tables": Param("list", required=True, doc="有固定行的表 id")}
PLACEHOLDERS = ()
MESSAGE = "{table}第 {cell} 格的行名为“{actual}”，表样为“{expected}”。"


@dataclass(frozen=True)
class TemplateLabelsPrepared:
    tables: tuple[str, ...]


def prepare(params, layout, where) -> TemplateLabelsPrepared:
    return TemplateLabelsPrepared(tuple(table_spec(layout, t, where).id for t in params["tables"]))


def check(prepared: TemplateLabelsPrepared, context):
    for table_id in prepared.tables:
        table = context.located.tables.get(table_id)
        if table is None:
            continue
        for block, row in table.iter_rows():
            if row.spec is None or row.label_matches_layout:
                continue
            column = block.spec.label_column or block.spec.code_column
            cell = a1(row.sheet_row, block.columns[column.id])
            yield Outcome(
                Verdict.FAIL,
                table.sheet.name,
                cell,
                table.id,
                row.spec.code or row.spec.id,
                "行名",
                expected=row.spec.label,
                actual=row.label,
                operands=[Operand(f"{table.id}[{row.spec.id}]", table.sheet.name, cell, None, row.label)],
            )
