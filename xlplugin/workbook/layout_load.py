"""Reading a layout from its YAML files, checking everything the reader and the rules will rely on;
every error names file and line. The format is described in :mod:`xlplugin.workbook.layout` (that of
the 绩效自评表 file at :func:`load_selfeval`). A value of the wrong type under any key — a list where
a mapping belongs, a word where a number does — is refused here with the key's line, never left to
fail later as a Python error."""

from __future__ import annotations

from pathlib import Path

from xlplugin.core.amounts import normalize_text
from xlplugin.core.errors import PackError
from xlplugin.core.yamlfile import YDict, check_keys, line_of, load_yaml
from xlplugin.workbook.book import MAX_COLS
from xlplugin.workbook.layout import MERGE_LEFT, MERGE_UP, Layout, TableSpec
from xlplugin.workbook.layout_blocks import read_block, read_cell
from xlplugin.workbook.layout_values import mapping as _mapping
from xlplugin.workbook.layout_values import non_negative_int as _int
from xlplugin.workbook.layout_values import strings as _strings
from xlplugin.workbook.layout_values import text as _text
from xlplugin.workbook.selfeval import KindSpec, SelfEvalSpec

__all__ = ["load_layout", "load_selfeval"]

#: the 绩效指标 columns the selfeval rule kinds read
INDICATOR_COLUMNS = ("序号", "指标名称", "指标值", "指标性质", "指标权重", "全年完成值", "指标得分")


def load_layout(path: str | Path) -> Layout:
    """Load ``template.yaml`` (or a folder holding one) and every table file it lists."""
    path = Path(path)
    if path.is_dir():
        path = path / "template.yaml"
    data = _mapping(load_yaml(path), str(path), None, "模板定义")
    check_keys(
        data,
        {"id", "name", "year", "region", "version", "narrative", "tables", "selfeval"},
        {"id", "name", "tables"},
        "模板定义",
    )
    narrative = data.get("narrative")
    if narrative is None:
        narrative = YDict(sheet="情况说明")
    narrative = _mapping(narrative, str(path), line_of(data, "narrative"), "narrative")
    check_keys(narrative, {"sheet", "aliases", "labels", "skip_sections"}, {"sheet"}, "narrative")
    labels = narrative.get("labels") or {}
    if not isinstance(labels, dict):
        raise PackError(
            "bad-layout",
            "narrative.labels 必须是“表中名称: [情况说明中的写法…]”。",
            str(path),
            line_of(narrative, "labels"),
        )
    tables_list = data["tables"]
    if not isinstance(tables_list, list) or not tables_list:
        raise PackError("bad-layout", "tables 必须是表格定义文件的列表。", str(path), line_of(data, "tables"))
    tables = []
    for index, name in enumerate(tables_list):
        table_path = path.parent / str(name)
        if not table_path.resolve().is_relative_to(path.parent.resolve()):
            raise PackError("path-escape", f"表格文件“{name}”不在模板目录内。", str(path), line_of(tables_list, index))
        if not table_path.is_file():
            raise PackError("missing-file", f"找不到表格定义文件“{name}”。", str(path), line_of(tables_list, index))
        tables.append(_table(load_yaml(table_path), str(table_path)))
    ids = [t.id for t in tables]
    for table, table_id in zip(tables, ids):
        if ids.count(table_id) > 1:
            raise PackError("duplicate-id", f"表格 id“{table_id}”重复。", table.source)
    selfeval = None
    selfeval_name = _text(data, "selfeval", "")
    if selfeval_name:
        selfeval_path = path.parent / selfeval_name
        if not selfeval_path.resolve().is_relative_to(path.parent.resolve()) or not selfeval_path.is_file():
            raise PackError(
                "missing-file", f"找不到绩效自评表定义“{selfeval_name}”。", str(path), line_of(data, "selfeval")
            )
        selfeval = load_selfeval(selfeval_path)
    return Layout(
        selfeval=selfeval,
        id=_text(data, "id"),
        name=_text(data, "name"),
        year=_int(data, "year") or 0,
        region=_text(data, "region", ""),
        version=_text(data, "version", ""),
        narrative_sheet=_text(narrative, "sheet"),
        narrative_aliases=_strings(narrative.get("aliases"), narrative, "aliases"),
        narrative_labels={str(k): _strings(v, labels, k) for k, v in labels.items()},
        narrative_skip=_strings(narrative.get("skip_sections"), narrative, "skip_sections"),
        tables=tuple(tables),
        source=str(path),
    )


def _table(data: object, path: str) -> TableSpec:
    data = _mapping(data, path, None, "表格定义")
    allowed = {
        "id",
        "title",
        "sheet",
        "sheet_aliases",
        "unit",
        "unit_text",
        "decimals",
        "note",
        "header",
        "widths",
        "blocks",
        "cells",
    }
    check_keys(data, allowed, {"id", "title", "header", "blocks"}, "表格定义")
    table_id = str(data["id"])
    header = data["header"]
    if not isinstance(header, list) or not header or not all(isinstance(r, list) for r in header):
        raise PackError("bad-layout", "header 必须是若干行、每行若干格的列表。", path, line_of(data, "header"))
    header_rows = tuple(tuple("" if c is None else str(c) for c in row) for row in header)
    blocks_data = data["blocks"]
    if not isinstance(blocks_data, list) or not blocks_data:
        raise PackError("bad-layout", "blocks 必须是至少一个区块的列表。", path, line_of(data, "blocks"))
    blocks = tuple(
        read_block(_mapping(b, path, line_of(blocks_data, i), "区块"), table_id) for i, b in enumerate(blocks_data)
    )
    width = sum(len(b.columns) for b in blocks)
    if width > MAX_COLS // 2:  # a table must fit, with room to spare, in the columns every sheet is read within
        raise PackError(
            "bad-layout",
            f"表格共有 {width} 列，超过 {MAX_COLS // 2} 列：xlplugin 只读取每张工作表的前 {MAX_COLS} 列。",
            path,
            line_of(data, "blocks"),
        )
    for index, row in enumerate(header_rows):
        if len(row) != width:
            raise PackError(
                "bad-layout",
                f"header 第 {index + 1} 行有 {len(row)} 格，但各区块共有 {width} 列。",
                path,
                line_of(header, index),
            )
    _check_merges(header_rows, path, line_of(data, "header"))
    widths = data.get("widths", [14] * width)
    if not isinstance(widths, list) or len(widths) != width or not all(isinstance(w, (int, float)) for w in widths):
        raise PackError("bad-layout", f"widths 必须是 {width} 个数字。", path, line_of(data, "widths"))
    block_ids = [b.id for b in blocks]
    if len(set(block_ids)) != len(block_ids):
        raise PackError("duplicate-id", "区块 id 重复。", path, line_of(data, "blocks"))
    cells = tuple(
        read_cell(_mapping(c, path, line_of(data.get("cells"), i), "cells"), blocks)
        for i, c in enumerate(data.get("cells") or [])
    )
    unit = str(data.get("unit", "万元"))
    return TableSpec(
        id=table_id,
        title=str(data["title"]),
        sheet=str(data.get("sheet", table_id)),
        sheet_aliases=_strings(data.get("sheet_aliases"), data, "sheet_aliases"),
        unit=unit,
        unit_text=str(data.get("unit_text", f"单位：{unit}")),
        decimals=_int(data, "decimals", 2),
        note=str(data.get("note", "")),
        header=header_rows,
        widths=tuple(float(w) for w in widths),
        blocks=blocks,
        cells=cells,
        source=path,
    )


def _check_merges(header: tuple[tuple[str, ...], ...], path: str, line: int | None) -> None:
    for r, row in enumerate(header):
        for c, text in enumerate(row):
            if text == MERGE_LEFT and c == 0:
                raise PackError("bad-layout", f"header 第 {r + 1} 行第 1 格不能是“<”。", path, line)
            if text == MERGE_UP and r == 0:
                raise PackError("bad-layout", f"header 第 1 行第 {c + 1} 格不能是“^”。", path, line)


# ---------------------------------------------------------------------------------------------
# 绩效自评表


def load_selfeval(path: str | Path) -> SelfEvalSpec:
    """Load the 绩效自评表 definition (``tables/绩效自评表.yaml``, named by ``selfeval`` in
    ``template.yaml``)::

        kinds:                       # one entry per kind of table, at least one
          项目:
            sheet: 项目绩效自评表      # sheet name in a blank template (default: the kind's name)
            titles: [项目绩效自评表]   # the titles that identify a table of this kind (in no other kind)
            fields: [[项目名称, 实施单位, 自评总分]]   # rows of field labels; values are right of them
            targets: [年初绩效目标]    # 绩效目标 labels; texts are below them
        funds: {label: 资金情况(万元), columns: [年初预算数, …]}   # labels; values are below them
        indicators:
          label: 绩效指标
          columns: [序号, 指标类别, 指标名称, …]     # must include the columns the rules read
          aliases: {指标得分: [指标得分(分)]}         # other wordings of a column's header
          template_rows: 20                         # blank indicator rows in a template
        widths: [8, 12, 40, …]       # one positive number per indicator column

    Every key is checked for its type; an error names the file and the line of the key."""
    path = Path(path)
    shown = str(path)
    data = _mapping(load_yaml(path), shown, None, "绩效自评表定义")
    check_keys(data, {"kinds", "funds", "indicators", "widths"}, {"kinds", "funds", "indicators"}, "绩效自评表定义")
    kinds_data = data["kinds"]
    if not isinstance(kinds_data, dict) or not kinds_data:
        raise PackError(
            "bad-layout",
            "kinds 必须是“种类名: 定义”的映射，至少一种，如“项目: {titles: [项目绩效自评表], fields: [[项目名称]]}”。",
            shown,
            line_of(data, "kinds"),
        )
    kinds: list[KindSpec] = []
    owner: dict[str, str] = {}
    for name, item in kinds_data.items():
        kind = _kind(str(name), _mapping(item, shown, line_of(kinds_data, name), f"绩效自评表种类“{name}”"))
        for title in kind.titles:
            same = normalize_text(title)  # as the reader compares titles: full- and half-width alike
            if same in owner:
                raise PackError(
                    "duplicate-id",
                    f"标题“{title}”同时属于“{owner[same]}”和“{kind.name}”两种绩效自评表，无法区分。",
                    shown,
                    line_of(item, "titles"),
                )
            owner[same] = kind.name
        kinds.append(kind)
    funds = _mapping(data["funds"], shown, line_of(data, "funds"), "funds（资金情况）")
    check_keys(funds, {"label", "columns"}, {"columns"}, "资金情况")
    indicators = _mapping(data["indicators"], shown, line_of(data, "indicators"), "indicators（绩效指标）")
    check_keys(indicators, {"label", "columns", "aliases", "template_rows"}, {"columns"}, "绩效指标")
    columns = _labels(indicators, "columns", "绩效指标的列")
    for required in INDICATOR_COLUMNS:
        if required not in columns:
            raise PackError("bad-layout", f"绩效指标的列必须包括“{required}”。", shown, line_of(indicators, "columns"))
    template_rows = _int(indicators, "template_rows")
    return SelfEvalSpec(
        kinds=tuple(kinds),
        funds_label=_text(funds, "label", "资金情况(万元)"),
        funds=_labels(funds, "columns", "资金情况的列"),
        indicators_label=_text(indicators, "label", "绩效指标"),
        indicators=columns,
        aliases=_aliases(indicators, columns),
        widths=_widths(data, len(columns)),
        template_rows=20 if template_rows is None else template_rows,
    )


def _kind(name: str, item: YDict) -> KindSpec:
    check_keys(item, {"sheet", "titles", "fields", "targets"}, {"titles", "fields"}, f"绩效自评表“{name}”")
    fields = item["fields"]
    if not isinstance(fields, list) or not fields or not all(isinstance(row, list) and row for row in fields):
        raise PackError(
            "bad-layout",
            f"绩效自评表“{name}”的 fields 必须是若干行、每行若干标签的列表，如 [[主管部门, 联系人, 联系电话]]。",
            item.path,
            line_of(item, "fields"),
        )
    return KindSpec(
        name=name,
        sheet=_text(item, "sheet", name),
        titles=_labels(item, "titles", f"绩效自评表“{name}”的标题"),
        fields=tuple(_strings(row, fields, index, f"fields 第 {index + 1} 行") for index, row in enumerate(fields)),
        targets=_strings(item.get("targets"), item, "targets"),
    )


def _labels(data: YDict, key: str, what: str) -> tuple[str, ...]:
    """``data[key]``: one or more labels, all different."""
    labels = _strings(data[key], data, key)
    if not labels:
        raise PackError("bad-layout", f"{what}不能为空。", data.path, line_of(data, key))
    repeated = next((label for index, label in enumerate(labels) if label in labels[:index]), None)
    if repeated is not None:
        raise PackError("duplicate-id", f"{what}中“{repeated}”重复出现。", data.path, line_of(data, key))
    return labels


def _aliases(indicators: YDict, columns: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """``indicators.aliases``: column → other wordings of its header, for columns that exist."""
    aliases = indicators.get("aliases")
    if aliases is None:
        return {}
    if not isinstance(aliases, dict):
        raise PackError(
            "bad-layout",
            "aliases 必须是“列名: [表中的其他写法…]”的映射，如 {指标得分: [指标得分(分)]}。",
            indicators.path,
            line_of(indicators, "aliases"),
        )
    for column in aliases:
        if str(column) not in columns:
            raise PackError(
                "unknown-column",
                f"aliases 中的“{column}”不是绩效指标的列（{'、'.join(columns)}）。",
                aliases.path,
                line_of(aliases, column),
            )
    return {str(column): _strings(other, aliases, column) for column, other in aliases.items()}


def _widths(data: YDict, count: int) -> tuple[float, ...]:
    """``widths``: one positive number per indicator column (default 12 each)."""
    widths = data.get("widths")
    if widths is None:
        return (12.0,) * count
    if (
        not isinstance(widths, list)
        or len(widths) != count
        or not all(isinstance(w, (int, float)) and not isinstance(w, bool) and w > 0 for w in widths)
    ):
        raise PackError(
            "bad-layout", f"widths 必须是 {count} 个正数（每个绩效指标列一个）。", data.path, line_of(data, "widths")
        )
    return tuple(float(w) for w in widths)
