"""Kind-level cases: every rule kind, and every parameter it declares, shown passing and failing on
its own, independently of any pack (sqlfluff's YAML rule fixtures).

``cases/<kind>.yaml`` holds the cases of one kind of :data:`xlplugin.engine.kinds.KINDS`::

    kind: row_total
    cases:
      - name: pass_parts_add_up            # pass_… / fail_… / load_error_… / not_run_…
        rule: {table: 公开03表, total: 本年支出合计, parts: [基本支出, 项目支出]}
        expect: pass
      - name: fail_part_blank
        rule: {table: 公开03表, total: 本年支出合计, parts: [基本支出, 项目支出]}
        edit:                              # the forms of xlplugin.packs.testing, on the base workbook
          set: {公开03表[229].项目支出: ""}  # reference → new content ("" blanks the cell)
          cells: {部门整体绩效自评表!E4: 90} # sheet!A1 → new content
          narrative: {原文: 新文}            # replaces text occurring exactly once in 情况说明
        expect: fail
        cells: [公开03表!C60]               # exactly the cells flagged at `severity` (repeat a cell
        count: 1                           # flagged twice); count: how many findings at `severity`
        severity: 错误                      # default: the rule's own severity (错误 unless rule says)
        says: 项目支出                       # optional: text one of those findings' messages contains
      - name: load_error_unknown_block
        rule: {table: 公开03表, block: 收入, total: 本年支出合计, parts: [基本支出]}
        expect: load_error
        code: unknown-block                # the PackError code loading the rule must raise
      - name: not_run_no_sentence
        rule: {…}
        expect: not_run
        reason: 没有                         # optional: text the not-run reason contains

``rule`` holds the kind's parameters inline, and may add the common rule keys (``severity``,
``tolerance``, ``message``). Each rule is loaded the public way — a one-rule pack over a copy of the
Chongqing layout, through :func:`xlplugin.packs.load.load_pack` — and run on the corrected sample
workbook (edited as the case says). A passing case may leave 提示 (rounding) but no 错误/警告 and
must have run; a failing case must have run and produce exactly what it states. A case at
``severity: 提示`` states that the difference is only rounding: nothing more serious may appear.
"""

from __future__ import annotations

import copy
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from tools.build_workbooks import CORRECTED, LAYOUT
from xlplugin.core.errors import PackError
from xlplugin.core.findings import ERROR, INFO, SEVERITIES, WARNING
from xlplugin.engine.kinds import KINDS
from xlplugin.engine.run import run_pack
from xlplugin.packs.load import load_pack
from xlplugin.packs.testing import _case_book
from xlplugin.workbook.layout_load import load_layout
from xlplugin.workbook.locate import locate_book
from xlplugin.workbook.readers import read_book

CASES_DIR = Path(__file__).parent / "cases"
EXPECTS = ("pass", "fail", "load_error", "not_run")
PREFIXES = {"pass": "pass_", "fail": "fail_", "load_error": "load_error_", "not_run": "not_run_"}
CASE_KEYS = {"name", "rule", "edit", "expect", "cells", "count", "severity", "says", "code", "reason"}
EDIT_KEYS = {"set", "cells", "narrative"}
RULE_ID = "KIND-CASE"


@dataclass(frozen=True)
class KindCase:
    kind: str
    name: str
    rule: dict
    expect: str
    edit: dict = field(default_factory=dict)
    cells: tuple[str, ...] | None = None
    count: int | None = None
    severity: str | None = None
    says: str | None = None
    code: str | None = None
    reason: str | None = None
    file: str = ""
    raw: dict = field(default_factory=dict, compare=False)

    @property
    def id(self) -> str:
        return f"{self.kind}::{self.name}"

    @property
    def rule_key(self) -> str:
        return json.dumps(self.rule, ensure_ascii=False, sort_keys=True)


def _read_cases() -> tuple[dict[str, object], list[KindCase]]:
    """Every case file (kind → its raw data) and every case in it, as written."""
    files: dict[str, object] = {}
    cases: list[KindCase] = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        files[path.stem] = data
        if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
            continue  # reported by test_case_files_are_well_formed
        for entry in data["cases"]:
            if not isinstance(entry, dict):
                continue
            cells = entry.get("cells")
            cases.append(
                KindCase(
                    kind=str(data.get("kind")),
                    name=str(entry.get("name")),
                    rule=entry.get("rule") or {},
                    expect=str(entry.get("expect")),
                    edit=entry.get("edit") or {},
                    cells=tuple(str(c) for c in cells) if isinstance(cells, list) else None,
                    count=entry.get("count"),
                    severity=entry.get("severity"),
                    says=entry.get("says"),
                    code=entry.get("code"),
                    reason=entry.get("reason"),
                    file=path.name,
                    raw=entry,
                )
            )
    return files, cases


FILES, CASES = _read_cases()


# ---- the harness: one layout copy, one base workbook, one pack per distinct rule ------------------


class Harness:
    """A pack folder holding a copy of the Chongqing layout; each distinct rule becomes a one-rule
    pack in it (``case-N.yaml`` → ``rules/case-N.yaml``), loaded once."""

    def __init__(self, folder: Path):
        self.folder = folder
        shutil.copy(LAYOUT / "template.yaml", folder / "template.yaml")
        shutil.copytree(LAYOUT / "tables", folder / "tables")
        (folder / "rules").mkdir()
        self.layout = load_layout(folder / "template.yaml")
        self.base = read_book(CORRECTED)
        self.base_located = locate_book(self.base, self.layout)
        self._packs: dict[str, object] = {}

    def load(self, case: KindCase):
        """The one-rule pack of the case (a PackError is raised, and remembered, when it does not load)."""
        key = case.kind + "|" + case.rule_key
        if key not in self._packs:
            try:
                self._packs[key] = self._load(case, len(self._packs))
            except PackError as error:
                self._packs[key] = error
        loaded = self._packs[key]
        if isinstance(loaded, PackError):
            raise loaded
        return loaded

    def _load(self, case: KindCase, number: int):
        rule = {"id": RULE_ID, "name": f"{case.kind} 用例", "kind": case.kind, "severity": ERROR, **case.rule}
        rules = f"rules/case-{number}.yaml"
        (self.folder / rules).write_text(
            yaml.safe_dump({"rules": [rule]}, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        manifest = self.folder / f"case-{number}.yaml"
        manifest.write_text(
            yaml.safe_dump(
                {"id": f"kind-case-{number}", "name": "规则类型用例", "version": "1.0.0", "rules": [rules]},
                allow_unicode=True,
                sort_keys=False,
            ),
            encoding="utf-8",
        )
        return load_pack(manifest)

    def located(self, case: KindCase, pack):
        """The base workbook, located; edited first when the case says so."""
        if not case.edit:
            return self.base_located
        _, book, _ = _case_book({"name": case.name, **case.edit}, self.base, self.base_located, pack)
        return locate_book(book, self.layout)


@pytest.fixture(scope="session")
def harness(tmp_path_factory) -> Harness:
    return Harness(tmp_path_factory.mktemp("kind-cases"))


def _where(findings) -> list[str]:
    return sorted(f"{f.sheet}!{f.cell}" for f in findings)


def _shown(findings) -> str:
    return "\n".join(f"  {f.severity} {f.sheet}!{f.cell} {f.message}" for f in findings) or "  （无）"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_kind_case(case: KindCase, harness: Harness):
    if case.expect == "load_error":
        with pytest.raises(PackError) as raised:
            harness.load(case)
        assert raised.value.code == case.code, f"期望加载错误 {case.code}，实际 {raised.value.code}：{raised.value}"
        return
    pack = harness.load(case)
    report = run_pack(pack, harness.located(case, pack))
    own = [f for f in report.findings if f.rule == RULE_ID]
    not_run = [n.reason for n in report.not_run if n.rule == RULE_ID]
    if case.expect == "not_run":
        assert not_run, f"规则应未执行，却执行了，报告：\n{_shown(own)}"
        assert case.reason is None or case.reason in not_run[0], f"未执行的原因：{not_run[0]}"
        return
    assert not not_run, f"规则未执行：{not_run[0]}"
    serious = [f for f in own if f.severity in (ERROR, WARNING)]
    if case.expect == "pass":
        assert not serious, f"应通过，却报告：\n{_shown(serious)}"
        return
    severity = case.severity or pack.rules[0].severity
    hits = [f for f in own if f.severity == severity]
    assert hits, f"应在 {severity} 级报告，实际报告：\n{_shown(own)}"
    if case.cells is not None:
        assert _where(hits) == sorted(case.cells), f"报告的单元格不对：\n{_shown(hits)}"
    if case.count is not None:
        assert len(hits) == case.count, f"应报告 {case.count} 条，实际 {len(hits)} 条：\n{_shown(hits)}"
    if case.says is not None:
        assert any(case.says in f.message for f in hits), f"没有一条报告含“{case.says}”：\n{_shown(hits)}"
    if severity == INFO:
        assert not serious, f"只应是四舍五入提示，却有：\n{_shown(serious)}"


# ---- the cases themselves ------------------------------------------------------------------------


def test_case_files_are_well_formed():
    """One file per registered kind, named after it; every case complete, named for what it expects."""
    problems = []
    if set(FILES) != set(KINDS):
        problems.append(f"缺少用例文件：{sorted(set(KINDS) - set(FILES))}；多余的：{sorted(set(FILES) - set(KINDS))}")
    for stem, data in FILES.items():
        if not isinstance(data, dict) or set(data) != {"kind", "cases"} or not isinstance(data["cases"], list):
            problems.append(f"{stem}.yaml：应只有 kind 和 cases（列表）两个键")
        elif data["kind"] != stem:
            problems.append(f"{stem}.yaml：kind 是 {data['kind']}，应与文件名相同")
        elif any(not isinstance(entry, dict) for entry in data["cases"]):
            problems.append(f"{stem}.yaml：每个用例都应是映射")
    seen: set[str] = set()
    for case in CASES:
        where = f"{case.file} {case.name}"
        if case.id in seen:
            problems.append(f"{where}：名称重复")
        seen.add(case.id)
        if set(case.raw) - CASE_KEYS:
            problems.append(f"{where}：未知的键 {sorted(set(case.raw) - CASE_KEYS)}")
        if case.expect not in EXPECTS:
            problems.append(f"{where}：expect 应是 {'/'.join(EXPECTS)} 之一")
            continue
        if not case.name.startswith(PREFIXES[case.expect]):
            problems.append(f"{where}：expect {case.expect} 的用例名应以 {PREFIXES[case.expect]} 开头")
        if not isinstance(case.rule, dict) or not case.rule:
            problems.append(f"{where}：rule 应是参数的映射")
        if set(case.edit) - EDIT_KEYS:
            problems.append(f"{where}：edit 只能有 {sorted(EDIT_KEYS)}")
        if case.expect == "fail" and case.cells is None and case.count is None:
            problems.append(f"{where}：不通过的用例要写明 cells 或 count")
        if case.count is not None and (not isinstance(case.count, int) or case.count < 1):
            problems.append(f"{where}：count 应是正整数")
        if case.expect == "load_error" and not case.code:
            problems.append(f"{where}：加载错误的用例要写明 code")
        if case.severity is not None and case.severity not in SEVERITIES:
            problems.append(f"{where}：severity 只能是 {'、'.join(SEVERITIES)}")
        if case.expect != "fail" and any(v is not None for v in (case.cells, case.count, case.severity, case.says)):
            problems.append(f"{where}：cells/count/severity/says 只用于不通过的用例")
    assert not problems, "\n".join(problems)


def test_every_parameter_passes_and_fails():
    """Each kind passes and fails at least once, and each of its parameters appears in a passing case
    and in a failing (or refused-at-load) one."""
    missing = []
    for kind, module in KINDS.items():
        own = [c for c in CASES if c.kind == kind]
        for expect in ("pass", "fail"):
            if not any(c.expect == expect for c in own):
                missing.append(f"({kind}, 没有 {expect} 用例)")
        for param in module.PARAMS:
            if not any(c.expect == "pass" and param in c.rule for c in own):
                missing.append(f"({kind}, {param}: 没有通过用例)")
            if not any(c.expect in ("fail", "load_error") and param in c.rule for c in own):
                missing.append(f"({kind}, {param}: 没有不通过或加载错误用例)")
    assert not missing, "这些 (规则类型, 参数) 缺少用例：\n" + "\n".join(missing)


def test_passing_rules_can_fail():
    """A passing case is no tautology: the very same rule fails in another case (another edit)."""
    failing = {(c.kind, c.rule_key) for c in CASES if c.expect == "fail"}
    lonely = [c.id for c in CASES if c.expect == "pass" and (c.kind, c.rule_key) not in failing]
    assert not lonely, "这些通过用例的规则没有一个不通过的用例（同一 rule、不同改动）：\n" + "\n".join(lonely)


def test_edits_are_copies(harness: Harness):
    """Edited cases never change the shared base workbook."""
    before = copy.deepcopy([sheet.rows for sheet in harness.base.sheets])
    edited = [c for c in CASES if c.edit and c.expect in ("pass", "fail")][:5]
    for case in edited:
        harness.located(case, harness.load(case))
    assert [sheet.rows for sheet in harness.base.sheets] == before
