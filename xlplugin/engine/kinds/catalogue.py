"""科目目录 ``catalogue``: codes and names as in the official 政府收支分类科目.

Parameters:

- ``catalogue`` (text; required): the catalogue, a path inside the pack folder
  (``catalogues/功能分类-2023.yaml``) or the name of a bundled one (``功能分类-2021``,
  ``经济分类-2021``; see ``rules/catalogues/README.md`` for what they cover);
- ``tables`` (list; required): table ids whose rows carry a code and a name (keyed blocks, or fixed
  rows with codes in the layout);
- ``checks`` (list of ``名称`` ``未知编码``; default ``[名称]``): ``名称`` — a name that is neither the
  catalogue's name for the row's code nor one of its aliases; ``未知编码`` — a code the catalogue does
  not have.

Names are compared without ordinals, spaces or full-width differences. A wrong name is reported with
the official one and, when the name written is the official name of another code of the same level
(the nearest ones), with that code: the code may be the mistake. A catalogue that is not complete
would make ``未知编码`` noise, so it is not checked unless asked; a pack grades it apart by a second
rule (the engine stamps one severity per rule)::

    - id: CQN-03
      name: 科目名称与《政府收支分类科目》一致
      kind: catalogue
      severity: 警告
      catalogue: 功能分类-2021
      tables: [公开02表, 公开03表, 公开05表, 公开07表, 公开08表]
    - id: CQN-04
      name: 科目编码在《政府收支分类科目》中
      kind: catalogue
      severity: 提示
      catalogue: 功能分类-2021
      tables: [公开02表, 公开03表, 公开05表, 公开07表, 公开08表]
      checks: [未知编码]

The catalogue is read when the pack loads: a missing or malformed one is a load error with its file
and line. Placeholders: the common ones plus ``{code}``, ``{official}`` (the catalogue's name, empty
for an unknown code), ``{catalogue}`` (its name) and ``{problem}`` (what is wrong, in a sentence).
"""

from dataclasses import dataclass
from pathlib import Path

from xlplugin.core.cells import a1
from xlplugin.core.errors import PackError
from xlplugin.core.findings import Operand, Outcome
from xlplugin.core.intervals import Verdict
from xlplugin.engine.catalogues import Catalogue, find_catalogue, load_catalogue
from xlplugin.engine.kinds.base import table_spec
from xlplugin.engine.kinds.params import Param, filled
from xlplugin.workbook.layout import label_body

NAME = "catalogue"
TITLE = "科目目录"
TOPIC = "table"
LOCALITY = 1
CHECKS = ("名称", "未知编码")
PARAMS = {
    "catalogue": Param("str", required=True, doc="目录：规则包内的相对路径，或随附目录的名称（如 `功能分类-2021`）"),
    "tables": Param("list", required=True, doc="表 id（有科目编码和名称的表）"),
    "checks": Param("list", default=("名称",), choices=CHECKS, doc="做哪些检查，见下", noun="检查"),
}
PLACEHOLDERS = ("code", "official", "catalogue", "problem")
MESSAGE = "{table}科目 {code}“{actual}”：{problem}"


@dataclass(frozen=True)
class CataloguePrepared:
    catalogue: Catalogue
    tables: tuple[str, ...]
    checks: frozenset[str]


@filled(PARAMS)
def prepare(params, layout, where) -> CataloguePrepared:
    tables = tuple(table_spec(layout, t, where).id for t in params["tables"])
    try:
        catalogue = load_catalogue(find_catalogue(params["catalogue"], Path(where.folder) if where.folder else None))
    except PackError as error:
        if error.path:  # a problem inside the catalogue file: its own file and line
            shown = f"{error.path}:{error.line}: " if error.line else f"{error.path}: "
            problem = error.message.removeprefix(shown)
            raise PackError(error.code, f"规则 {where.rule} 的目录有误：{problem}", error.path, error.line) from None
        raise where.error(error.code, error.message) from None
    return CataloguePrepared(catalogue, tables, frozenset(params["checks"]))


def check(prepared: CataloguePrepared, context):
    catalogue = prepared.catalogue
    for table_id in prepared.tables:
        table = context.located.tables.get(table_id)
        if table is None:
            continue  # a missing table is reported by itself
        for block, row in table.iter_rows():
            label_column = block.spec.label_column
            if not (row.code and row.code.isdigit() and label_body(row.label or "") and label_column is not None):
                continue
            cell = a1(row.sheet_row, block.columns[label_column.id])
            name = label_body(row.label)
            official = catalogue.official(row.code)
            if official is None:
                if "未知编码" in prepared.checks:
                    problem = f"{catalogue.name} 中没有编码 {row.code}"
                    yield _outcome(table, row, cell, "编码", "", problem + _owned(catalogue, name, row.code), catalogue)
                continue
            if "名称" in prepared.checks and not catalogue.accepts(row.code, name):
                problem = f"{catalogue.name} 中的名称为“{official}”"
                yield _outcome(
                    table, row, cell, "名称", official, problem + _owned(catalogue, name, row.code), catalogue
                )


def _owned(catalogue: Catalogue, name: str, code: str) -> str:
    """The end of the sentence: whose official name the written one is, if anyone's."""
    owners = catalogue.owners(name, code)
    if not owners:
        return "。"
    return f"；名称与科目 {'、'.join(owners)} 的名称相同，编码可能写错。"


def _outcome(table, row, cell: str, column: str, official: str, problem: str, catalogue: Catalogue) -> Outcome:
    return Outcome(
        Verdict.FAIL,
        table.sheet.name,
        cell,
        table.id,
        row.code,
        column,
        expected=official or None,
        actual=row.label,
        operands=[Operand(f"{table.id}[{row.code}]", table.sheet.name, cell, None, row.label)],
        details={"code": row.code, "official": official, "catalogue": catalogue.name, "problem": problem},
    )
