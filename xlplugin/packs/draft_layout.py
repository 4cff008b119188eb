"""``xlplugin pack layout``: draft a pack's table layouts from a filled official workbook.

For every sheet that looks like an official table, :func:`draft_tables` reads, without guessing at
anything the sheet does not show:

- the title (the first text above the header that is not a 公开部门/年度/表号/单位 line), the 表号
  (``公开03表``, else the sheet name) and the unit (``单位：万元``);
- the header rows, from the first row under those lines down to the first body row, with merged
  cells written as the layout writes them (``<`` merged with the cell to the left, ``^`` with the
  cell above) and each column's header path (the texts above it, top to bottom);
- the role of each column: code (3/5/7-digit codes, or 编码 in its header), label (text) or value;
- blocks side by side (a new block starts where a code or label column follows a value column):
  ``keyed: code`` when the block has a code column and a 合计 row, else fixed rows with their
  labels (and codes), ``at`` where rows skip lines, ``na`` for cells printed ``—``, counts (``（辆）``)
  with their own unit and no decimals, and labelled totals below a coded block as ``cells``;
- the stated precision (``decimals``) from the values and the note line (备注/注).

The result is YAML text for the author to edit — ids, aliases, widths are suggestions. 绩效自评表 and
sheets without a table (情况说明) are skipped with the reason.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

import yaml

from xlplugin.core.amounts import NumberFormatError, is_dash, normalize_text, parse_number
from xlplugin.workbook.book import Book, Sheet
from xlplugin.workbook.layout import MERGE_LEFT, MERGE_UP, label_body

__all__ = ["Draft", "DraftTable", "draft_tables", "template_text"]

_TABLE_NO = re.compile(r"^\S*?\d{1,3}表$")
_META = re.compile(r"公开部门|单位[:：]|^\d{4}年度?$|^\S*?\d{1,3}表$|^编制单位|^填报单位")
_UNIT = re.compile(r"(?:金额)?单位[:：]\s*(\S+)")
_YEAR = re.compile(r"(\d{4})年度?")
_NOTE = re.compile(r"^(备注|注|说明)[:：]")
_CODE = re.compile(r"\d{3}(?:\d{2}){0,2}")
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d+[.、．])")
_COUNT_UNIT = re.compile(r"[（(]([^（）()]{1,4})[)）]$")
_TOTALS = ("合计", "总计")
_MONEY = ("万元", "元", "亿元")


@dataclass
class DraftTable:
    id: str
    sheet: str
    text: str  # the tables/<id>.yaml


@dataclass
class Draft:
    tables: list[DraftTable] = field(default_factory=list)
    #: sheet → why it was not drafted
    skipped: dict[str, str] = field(default_factory=dict)
    year: int | None = None
    narrative_sheet: str | None = None


def draft_tables(book: Book) -> Draft:
    draft = Draft()
    for sheet in book.sheets:
        if "情况说明" in sheet.name:
            draft.narrative_sheet = draft.narrative_sheet or sheet.name
            draft.skipped[sheet.name] = "文字说明，不是表格"
            continue
        reason, table = _draft_sheet(sheet, [t.id for t in draft.tables])
        if table is None:
            draft.skipped[sheet.name] = reason
            continue
        draft.tables.append(table)
        draft.year = draft.year or _year(reason)
    return draft


def template_text(draft: Draft, template_id: str, name: str, region: str = "", year: int | None = None) -> str:
    """A template.yaml listing the drafted tables."""
    lines = [
        "# 由 xlplugin pack layout 按工作簿起草：请核对表名、年度、地区，再检查 tables/ 下每张表。",
        f"id: {_q(template_id)}",
        f"name: {_q(name)}",
    ]
    year = year or draft.year
    if year:
        lines.append(f"year: {year}")
    lines += [f"region: {_q(region or '（填写地区）')}", "version: 0.1.0", "narrative:"]
    lines.append(f"  sheet: {_q(draft.narrative_sheet or '情况说明')}")
    lines.append("tables:")
    lines += [f"  - {_q('tables/' + t.id + '.yaml')}" for t in draft.tables]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# One sheet


def _clean(text: str) -> str:
    """The text as printed, without line breaks and runs of spaces (full-width characters kept)."""
    return re.sub(r" {2,}", " ", re.sub(r"\s*\n\s*", "", text)).strip()


def _texts(cells: list[object]) -> list[str]:
    return [_clean(str(v)) for v in cells if isinstance(v, str) and v.strip()]


def _year(meta: str) -> int | None:
    match = _YEAR.search(meta)
    return int(match.group(1)) if match else None


def _draft_sheet(sheet: Sheet, taken: list[str]) -> tuple[str, DraftTable | None]:
    top = [(r, _texts(sheet.rows[r])) for r in range(min(sheet.height, 12))]
    title = next((texts[0] for r, texts in top if texts and not _META.search(texts[0])), "")
    if not title:
        return "找不到表名", None
    if "绩效自评" in title:
        return "绩效自评表（另有写法，见 docs/规则编写指南.md 的绩效自评表一节）", None
    title_row = next(r for r, texts in top if title in texts)
    meta_rows = [r for r, texts in top if r > title_row and texts and all(_META.search(t) for t in texts)]
    meta_texts = [t for r, texts in top if r <= (meta_rows[-1] if meta_rows else title_row) for t in texts]
    header_top = (meta_rows[-1] if meta_rows else title_row) + 1
    while header_top < sheet.height and not _texts(sheet.rows[header_top]):
        header_top += 1
    body = next((r for r in range(header_top, sheet.height) if _body_like(sheet.rows[r])), None)
    if body is None or body == header_top:
        return "找不到表头和表体（没有数字、编码或“一、”这样的行）", None
    header_bottom = max(
        [body - 1] + [m[2] for m in sheet.merges if header_top <= m[0] < body and m[2] < sheet.height - 1]
    )
    body = header_bottom + 1
    width = _width(sheet, header_top, header_bottom)
    if width < 2:
        return "只有一列，不像表格", None
    end = next((r for r in range(body, sheet.height) if _NOTE.match(_first_text(sheet.rows[r]))), sheet.height)
    note = _first_text(sheet.rows[end]) if end < sheet.height else ""
    header = _header(sheet, header_top, header_bottom, width)
    paths = [_path(sheet, header_top, header_bottom, c) for c in range(width)]
    roles = [_role(sheet, c, body, end, paths[c]) for c in range(width)]
    if "value" not in roles or not ({"label", "code"} & set(roles)):
        return "没有名称列或数值列，不像表格", None
    table_no = next((t for t in meta_texts if _TABLE_NO.match(t)), "")
    table_id = _word(table_no or sheet.name)
    while table_id in taken:
        table_id += "_"
    unit_match = next((m for m in map(_UNIT.search, meta_texts) if m), None)
    unit = unit_match.group(1) if unit_match else "万元"
    meta = " ".join(meta_texts)
    lines = [f"id: {_q(table_id)}", f"title: {_q(title)}"]
    if sheet.name != table_id:
        lines.append(f"sheet: {_q(sheet.name)}")
    lines.append(f"unit: {_q(unit)}")
    if unit_match and unit_match.group(0) != f"单位：{unit}":
        lines.append(f"unit_text: {_q(unit_match.group(0))}")
    lines.append(f"decimals: {_decimals(sheet, roles, body, end)}")
    if note:
        lines.append(f"note: {_q(note)}")
    lines.append("header:")
    lines += ["  - [" + ", ".join(_q(t) for t in row) + "]" for row in header]
    lines.append("widths: [" + ", ".join(str(w) for w in _widths(sheet, header_top, end, width)) + "]")
    lines.append("blocks:")
    spans = _blocks(roles)
    block_ids = _block_ids(spans, paths)
    cells: list[str] = []
    for (first, last), block_id in zip(spans, block_ids):
        lines += _block(sheet, block_id, first, last, roles, paths, body, end, spans, block_ids, cells)
    if cells:
        lines.append("cells:")
        lines += cells
    return meta, DraftTable(table_id, sheet.name, "\n".join(lines) + "\n")


def _first_text(cells: list[object]) -> str:
    texts = _texts(cells)
    return texts[0] if texts else ""


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _is_code(value: object) -> bool:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return isinstance(value, str) and bool(_CODE.fullmatch(normalize_text(value)))


def _body_like(cells: list[object]) -> bool:
    if any(_is_number(v) or _is_code(v) or (isinstance(v, str) and is_dash(v)) for v in cells):
        return True
    first = _first_text(cells)
    return bool(first) and (first in _TOTALS or bool(_ORDINAL.match(first)))


def _width(sheet: Sheet, top: int, bottom: int, start: int = 0) -> int:
    last = -1
    for r in range(top, bottom + 1):
        for c, value in enumerate(sheet.rows[r]):
            if value is not None and value != "":
                last = max(last, c)
    for r0, _, r1, c1 in sheet.merges:
        if top <= r0 <= bottom or top <= r1 <= bottom:
            last = max(last, c1)
    return last + 1


def _header(sheet: Sheet, top: int, bottom: int, width: int) -> list[list[str]]:
    rows = []
    for r in range(top, bottom + 1):
        row = []
        for c in range(width):
            anchor = next(((r0, c0) for r0, c0, r1, c1 in sheet.merges if r0 <= r <= r1 and c0 <= c <= c1), None)
            if anchor and anchor != (r, c):
                row.append(MERGE_UP if anchor[0] < r and anchor[1] == c else MERGE_LEFT if c > 0 else MERGE_UP)
                continue
            value = sheet.value(r, c)
            if value is None or value == "":
                row.append(MERGE_UP if r > top else MERGE_LEFT if c > 0 else "")
            else:
                row.append(_clean(str(value)))
        rows.append(row)
    return rows


def _path(sheet: Sheet, top: int, bottom: int, col: int) -> list[str]:
    path: list[str] = []
    for r in range(top, bottom + 1):
        value = sheet.merged_value(r, col)
        if isinstance(value, str) and value.strip() and (not path or path[-1] != _clean(value)):
            path.append(_clean(value))
    return path


def _role(sheet: Sheet, col: int, body: int, end: int, path: list[str]) -> str:
    values = [sheet.value(r, col) for r in range(body, end)]
    values = [v for v in values if v is not None and v != ""]
    codes = sum(1 for v in values if isinstance(v, str) and _is_code(v))
    if path and "编码" in path[-1] or (values and codes * 2 > len(values) and codes >= 2):
        return "code"
    texts = sum(1 for v in values if isinstance(v, str) and not is_dash(v) and not _parses(v))
    return "label" if values and texts * 2 > len(values) else "value"


def _parses(text: str) -> bool:
    try:
        return parse_number(text) is not None
    except NumberFormatError:
        return False


def _decimals(sheet: Sheet, roles: list[str], body: int, end: int) -> int:
    places = 0
    for r in range(body, end):
        for c, role in enumerate(roles):
            value = sheet.value(r, c)
            if role == "value" and _is_number(value):
                exponent = Decimal(str(round(float(value), 6))).normalize().as_tuple().exponent
                places = max(places, -exponent if isinstance(exponent, int) else 0)
    return places or 2


def _widths(sheet: Sheet, top: int, end: int, width: int) -> list[int]:
    result = []
    for c in range(width):
        texts = [str(sheet.value(r, c)) for r in range(top, end) if isinstance(sheet.value(r, c), str)]
        longest = max((sum(2 if ord(ch) > 255 else 1 for ch in t) for t in texts), default=8)
        result.append(max(10, min(46, longest + 2)))
    return result


def _blocks(roles: list[str]) -> list[tuple[int, int]]:
    spans, start = [], 0
    for c in range(1, len(roles)):
        if roles[c] in ("code", "label") and roles[c - 1] == "value":
            spans.append((start, c - 1))
            start = c
    spans.append((start, len(roles) - 1))
    return spans


def _block_ids(spans: list[tuple[int, int]], paths: list[list[str]]) -> list[str]:
    ids: list[str] = []
    for first, last in spans:
        tops = {paths[c][0] for c in range(first, last + 1) if len(paths[c]) > 1}
        name = _word(tops.pop()) if len(tops) == 1 and len(spans) > 1 else ""
        name = name if name and name not in ("项目",) else f"区块{len(ids) + 1}"
        while name in ids:
            name += "2"
        ids.append(name)
    return ids


def _column_ids(first: int, last: int, roles: list[str], paths: list[list[str]]) -> list[str]:
    ids: list[str] = []
    for c in range(first, last + 1):
        text = paths[c][-1] if paths[c] else f"列{c + 1}"
        if roles[c] == "code":
            name = "编码"
        elif roles[c] == "label" and any(roles[k] == "code" for k in range(first, last + 1)):
            name = "科目名称"
        else:
            name = _word(re.sub(r"^其中[:：]", "", text)) or f"列{c + 1}"
        if name in ids:
            name = _word("".join(paths[c][-2:])) or f"列{c + 1}"
        while name in ids:
            name += "2"
        ids.append(name)
    return ids


def _block(sheet, block_id, first, last, roles, paths, body, end, spans, block_ids, cells) -> list[str]:
    column_ids = _column_ids(first, last, roles, paths)
    code_col = next((c for c in range(first, last + 1) if roles[c] == "code"), None)
    label_col = next((c for c in range(first, last + 1) if roles[c] == "label"), None)
    lines = [f"  - id: {_q(block_id)}"]
    rows = []
    for r in range(body, end):
        code = _clean(str(sheet.value(r, code_col) or "")) if code_col is not None else ""
        label = _clean(str(sheet.value(r, label_col) or "")) if label_col is not None else ""
        if code_col is not None and code and not _CODE.fullmatch(code):
            _cell(sheet, r, code_col, code, block_id, spans, block_ids, roles, paths, cells)
        elif code or label in _TOTALS or (label and code_col is None):
            rows.append((r, code, label))
    keyed = code_col is not None and any(not code and label in _TOTALS for _, code, label in rows)
    if keyed:
        total = next(label for _, code, label in rows if not code and label in _TOTALS)
        lines += ["    keyed: code", f"    total: {_q(total)}"]
    lines.append("    columns:")
    for c, column_id in zip(range(first, last + 1), column_ids):
        role = "" if roles[c] == "value" else f", role: {roles[c]}"
        header = "[" + ", ".join(_q(t) for t in paths[c]) + "]"
        lines.append(f"      - {{id: {_q(column_id)}{role}, header: {header}}}")
    if keyed:
        return lines
    if not rows:
        return lines + ["    rows: []   # 没有找到行：请列出固定行，或改为 keyed: code"]
    lines.append("    rows:")
    values = [(c, column_id) for c, column_id in zip(range(first, last + 1), column_ids) if roles[c] == "value"]
    ids: set[str] = set()
    next_at = 1
    for r, code, label in rows:
        at = r - body + 1
        parts = [f"label: {_q(label or code)}"]
        if code:
            parts.insert(0, f"code: {_q(code)}")
        row_id = code or label_body(label)
        if row_id in ids:
            row_id = f"{row_id}.{at}"
            parts.append(f"id: {_q(row_id)}")
        ids.add(row_id)
        if at != next_at:
            parts.append(f"at: {at}")
        na = [column_id for c, column_id in values if isinstance(sheet.value(r, c), str) and is_dash(sheet.value(r, c))]
        if na:
            parts.append("na: [" + ", ".join(_q(n) for n in na) + "]")
        unit = _COUNT_UNIT.search(label)
        if unit and unit.group(1) not in _MONEY and not unit.group(1).startswith("按"):
            parts += ["decimals: 0", f"unit: {_q(re.sub(r'[，,、]', '', unit.group(1)))}"]
        lines.append("      - {" + ", ".join(parts) + "}")
        next_at = at + 1
    return lines


def _cell(sheet, r, col, label, block_id, spans, block_ids, roles, paths, cells) -> None:
    """A labelled total below a coded block (人员经费合计): its value is the first amount right of the label."""
    merge = next((m for m in sheet.merges if m[0] == r and m[1] == col), None)
    start = (merge[3] if merge else col) + 1
    target = next((c for c in range(start, len(roles)) if roles[c] == "value"), None)
    if target is None:
        return
    index = next(i for i, (a, b) in enumerate(spans) if a <= target <= b)
    column_id = _column_ids(*spans[index], roles, paths)[target - spans[index][0]]
    where = f"{block_ids[index]}.{column_id}"
    label_in = f", label_in: {_q(block_id)}" if block_ids[index] != block_id else ""
    cells.append(f"  - {{label: {_q(label)}, value: {_q(where)}{label_in}}}")


def _word(text: str) -> str:
    """Only what a reference accepts in an id: letters, digits, _ and （）."""
    return "".join(ch for ch in _clean(text) if ch.isalnum() or ch == "_" or ch in "（）")


def _q(text: str) -> str:
    """``text`` as a YAML flow scalar: plain when that reads back as the same text, else quoted."""
    text = str(text)
    plain = not re.search(r"[,\[\]{}#:&*!|>'\"%@`]|^[-?\s]|\s$", text) and text != ""
    if plain:
        try:
            plain = yaml.safe_load(text) == text
        except yaml.YAMLError:
            plain = False
    return text if plain else json.dumps(text, ensure_ascii=False)
