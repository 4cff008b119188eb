"""A pack's own test cases: every rule proves it passes on good data and fails on bad data.

``tests/cases.yaml`` maps each rule id to ``pass`` and ``fail`` lists. A case is either the word
``基准`` (the pack's base workbook unchanged: a known-good filled workbook, ``test_base`` in
``pack.yaml``) or a mapping with a ``name``, cell changes under ``set`` (reference → new content:
a number, ``""`` for blank, or any text) and, for failing cases, optionally the cell that must be
flagged under ``expect`` (``公开03表!E60``); ``narrative`` replaces text in 情况说明 (``原文: 新文``, the original
occurring exactly once); ``cells`` sets cells by address (``部门整体绩效自评表!E4: 90``), for tables
such as the 绩效自评表 that references do not reach::

    CQ03-01:
      pass: [基准]
      fail:
        - name: 229 行只填了合计
          set:
            公开03表[229].项目支出: ""
          expect: 公开03表!C60

A passing case may produce 提示 (rounding) but no 错误/警告 from the rule and must not leave it
"not run"; a failing case must produce at least one finding at the rule's own severity.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal

from xlplugin.core.amounts import NumberFormatError, parse_number
from xlplugin.core.cells import a1, parse_a1
from xlplugin.core.errors import NotRunnable, PackError
from xlplugin.core.findings import ERROR, WARNING
from xlplugin.core.yamlfile import line_of, load_yaml
from xlplugin.engine.context import Context
from xlplugin.engine.expressions import ExpressionError, Ref, parse
from xlplugin.engine.model import Pack
from xlplugin.engine.run import run_pack
from xlplugin.workbook.book import Book
from xlplugin.workbook.locate import locate_book
from xlplugin.workbook.readers import read_book

BASE = "基准"


@dataclass(frozen=True)
class CaseResult:
    rule: str
    case: str
    expect: str  # "pass" or "fail"
    ok: bool
    detail: str


def load_cases(pack: Pack) -> dict:
    """The cases, checked: known rule ids, pass/fail lists, well-formed cases. A derived pack uses
    the cases of the packs it extends (skipping rules it disabled) and adds its own."""
    files = [(path, True) for path in pack.inherited_tests] + ([(pack.tests, False)] if pack.tests else [])
    if not files:
        raise PackError("no-tests", "pack.yaml 没有指定 tests（用例文件）。", str(pack.path / "pack.yaml"))
    merged: dict = {}
    for file, inherited in files:
        data = load_yaml(file) or {}
        path = str(file)
        if not isinstance(data, dict):
            raise PackError("bad-cases", "用例文件应为“规则 id: {pass: […], fail: […]}”的映射。", path)
        for rule_id, cases in data.items():
            if pack.rule(str(rule_id)) is None:
                if inherited:
                    continue  # disabled in this pack
                raise PackError("unknown-rule", f"用例中的规则“{rule_id}”不在规则包中。", path, line_of(data, rule_id))
            if not isinstance(cases, dict) or set(cases) - {"pass", "fail"}:
                raise PackError(
                    "bad-cases", f"规则 {rule_id} 的用例只能有 pass 和 fail 两个列表。", path, line_of(data, rule_id)
                )
            own = merged.setdefault(str(rule_id), {})
            for expect in ("pass", "fail"):
                own[expect] = list(own.get(expect) or []) + list(cases.get(expect) or [])
    return merged


@dataclass(frozen=True)
class Case:
    """One case of one rule: ``entry`` is ``基准`` or the case mapping (``None``: the rule has none)."""

    rule: str
    expect: str
    entry: object

    @property
    def name(self) -> str:
        if self.entry is None:
            return "—"
        return BASE if self.entry == BASE else str(self.entry.get("name"))


def iter_cases(pack: Pack) -> list[Case]:
    """Every case in pack order; a rule lacking a passing or failing case yields a ``None`` case."""
    cases = load_cases(pack)
    result = []
    for rule in pack.rules:
        own = cases.get(rule.id) or {}
        for expect in ("pass", "fail"):
            entries = own.get(expect) or [None]
            result.extend(Case(rule.id, expect, entry) for entry in entries)
    return result


class CaseRunner:
    """Runs cases against the pack's base workbook, read and located once."""

    def __init__(self, pack: Pack):
        if pack.test_base is None:
            raise PackError(
                "no-test-base", "pack.yaml 没有指定 test_base（基准工作簿）。", str(pack.path / "pack.yaml")
            )
        self.pack = pack
        self.base = read_book(pack.test_base)
        self.base_located = locate_book(self.base, pack.layout)

    def run(self, case: Case) -> CaseResult:
        if case.entry is None:
            missing = "通过" if case.expect == "pass" else "不通过"
            return CaseResult(case.rule, "—", case.expect, False, f"缺少{missing}用例")
        name, book, wanted_cell = _case_book(case.entry, self.base, self.base_located, self.pack)
        return _run_case(self.pack, self.pack.rule(case.rule), book, name, case.expect, wanted_cell)


def run_cases(pack: Pack) -> list[CaseResult]:
    """Run every case of every rule; a rule without a passing and a failing case is itself a failure."""
    runner = CaseRunner(pack)
    return [runner.run(case) for case in iter_cases(pack)]


def _case_book(entry, base: Book, base_located, pack: Pack):
    if entry == BASE:
        return BASE, base, None
    if not isinstance(entry, dict) or "name" not in entry:
        raise PackError(
            "bad-cases", f"用例应为“{BASE}”或含 name 的映射。", str(pack.tests or pack.path), line_of(entry)
        )
    book = Book([copy.copy(sheet) for sheet in base.sheets], base.source)
    copied: set[str] = set()
    context = Context(base_located)
    for ref_text, content in (entry.get("set") or {}).items():
        try:
            ref = parse(str(ref_text))
        except ExpressionError as error:
            raise PackError(
                "bad-cases",
                f"用例“{entry['name']}”中的“{ref_text}”不是引用：{error}",
                str(pack.tests or pack.path),
                line_of(entry.get("set"), ref_text),
            ) from None
        if not isinstance(ref, Ref):
            raise PackError(
                "bad-cases",
                f"用例“{entry['name']}”中的“{ref_text}”不是单元格引用。",
                str(pack.tests or pack.path),
                line_of(entry.get("set"), ref_text),
            )
        sheet_name, cell = _cell_of(context, ref)
        if not cell:
            raise PackError(
                "bad-cases",
                f"用例“{entry['name']}”：{ref_text} 在基准工作簿中找不到单元格。",
                str(pack.tests or pack.path),
                line_of(entry.get("set"), ref_text),
            )
        sheet = next(s for s in book.sheets if s.name == sheet_name)
        if sheet.name not in copied:
            sheet.rows = [list(row) for row in sheet.rows]
            copied.add(sheet.name)
        row, col = parse_a1(cell)
        while len(sheet.rows[row]) <= col:
            sheet.rows[row].append(None)
        sheet.rows[row][col] = _raw(content)
    for where, content in (entry.get("cells") or {}).items():
        sheet_name, _, ref = str(where).rpartition("!")
        sheet = next((s for s in book.sheets if s.name == sheet_name), None)
        if sheet is None:
            raise PackError(
                "bad-cases",
                f"用例“{entry['name']}”：没有工作表“{sheet_name}”。",
                str(pack.tests or pack.path),
                line_of(entry.get("cells"), where),
            )
        if sheet_name not in copied:
            sheet.rows = [list(row) for row in sheet.rows]
            copied.add(sheet_name)
        row, col = parse_a1(ref)
        while len(sheet.rows) <= row:
            sheet.rows.append([])
        while len(sheet.rows[row]) <= col:
            sheet.rows[row].append(None)
        sheet.rows[row][col] = _raw(content)
    edits = entry.get("narrative") or {}
    if edits:
        sheet = next((s for s in book.sheets if s.name == base_located.narrative_sheet), None)
        if sheet is None:
            raise PackError(
                "bad-cases",
                f"用例“{entry['name']}”要改情况说明，但基准工作簿没有情况说明表。",
                str(pack.tests or pack.path),
                line_of(entry, "narrative"),
            )
        sheet.rows = [list(row) for row in sheet.rows]
        for old, new in edits.items():
            cells = [
                (r, c)
                for r, row in enumerate(sheet.rows)
                for c, v in enumerate(row)
                if isinstance(v, str) and str(old) in v
            ]
            if len(cells) != 1 or sum(sheet.rows[r][c].count(str(old)) for r, c in cells) != 1:
                raise PackError(
                    "bad-cases",
                    f"用例“{entry['name']}”：情况说明中“{old}”出现 {len(cells)} 处，须恰好 1 处。",
                    str(pack.tests or pack.path),
                    line_of(edits, old),
                )
            r, c = cells[0]
            sheet.rows[r][c] = sheet.rows[r][c].replace(str(old), str(new))
    return str(entry["name"]), book, entry.get("expect")


def _cell_of(context: Context, ref: Ref) -> tuple[str, str]:
    """(sheet, A1) of a reference; label and code columns too, so that cases can change names."""
    try:
        operand = context.resolve(ref).operand
        return operand.sheet, operand.cell
    except NotRunnable:
        table = context.located.tables.get(ref.table)
        hit = table.find_row(ref.row, ref.block) if table else None
        if hit is None or ref.column not in hit[0].columns:
            return "", ""
        block, row = hit
        return table.sheet.name, a1(row.sheet_row, block.columns[ref.column])


def _raw(content) -> object:
    if content is None or content == "":
        return None
    if isinstance(content, (int, float)) and not isinstance(content, bool):
        return Decimal(str(content))
    try:
        amount = parse_number(str(content))
    except NumberFormatError:
        return str(content)
    return str(content) if amount is None else amount.value


def _run_case(pack: Pack, rule, book: Book, name: str, expect: str, wanted_cell: str | None) -> CaseResult:
    single = copy.copy(pack)
    single.rules = [rule]
    report = run_pack(single, locate_book(book, pack.layout))
    own = [f for f in report.findings if f.rule == rule.id]
    not_run = next((n for n in report.not_run if n.rule == rule.id), None)
    if not_run is not None:
        return CaseResult(rule.id, name, expect, False, f"规则未执行：{not_run.reason}")
    serious = [f for f in own if f.severity in (ERROR, WARNING)]
    if expect == "pass":
        if serious:
            return CaseResult(
                rule.id, name, expect, False, "；".join(f"{f.sheet}!{f.cell} {f.message}" for f in serious)
            )
        return CaseResult(rule.id, name, expect, True, f"通过（{len(own)} 条四舍五入提示）" if own else "通过")
    hits = [f for f in own if f.severity == rule.severity]
    if wanted_cell:
        hits = [f for f in hits if f"{f.sheet}!{f.cell}" == wanted_cell]
    where = "、".join(f"{f.sheet}!{f.cell}" for f in own) or "无"
    detail = f"报告了 {where}" + (f"，期望 {wanted_cell}" if wanted_cell and not hits else "")
    return CaseResult(rule.id, name, expect, bool(hits), detail)
