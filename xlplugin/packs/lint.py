"""``xlplugin pack lint``: every problem of a pack in one run, and what its author still has to fill in.

:func:`lint` loads the pack gathering problems (:func:`~xlplugin.packs.load.gather_pack`: each rule
file and each rule on its own), walks the table files one by one when the layout did not load, and
checks the case files entry by entry — without running anything. It counts only the cases that are
written, and lists as *to do* (not errors) what a new pack still lacks: a passing or a failing case,
the test base workbook, and values left as placeholders (``（填写…）``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from xlplugin.core.errors import PackError
from xlplugin.core.yamlfile import line_of, load_yaml
from xlplugin.engine.expressions import ExpressionError, Ref, parse
from xlplugin.engine.model import Pack
from xlplugin.packs.load import gather_pack
from xlplugin.workbook import layout_load

__all__ = ["LintReport", "lint", "PLACEHOLDER"]

#: how a scaffolded pack marks a value its author must replace
PLACEHOLDER = "（填写"
BASE = "基准"
#: the table of the skeleton ``pack new --extends none`` writes
EXAMPLE_TABLE = "示例表"
CASE_KEYS = {"name", "set", "cells", "narrative", "expect"}


@dataclass
class LintReport:
    pack: Pack | None
    problems: list[PackError] = field(default_factory=list)
    #: cases written in the case files (for rules of the pack)
    cases: int = 0
    #: rules lacking a passing or a failing case
    missing: list[str] = field(default_factory=list)
    #: what the author still has to fill in (``file:line: …``)
    todo: list[str] = field(default_factory=list)


def lint(path: str | Path) -> LintReport:
    pack, problems = gather_pack(path)
    report = LintReport(pack, problems)
    folder = Path(path) if Path(path).is_dir() else Path(path).parent
    if any(_is_layout_problem(p) for p in problems):
        _walk_tables(folder, report)
    report.todo.extend(_placeholders(folder))
    if pack is None:
        return report
    _lint_cases(pack, report)
    written = _manifest(folder)
    if "year" not in written and "extends" not in written and not pack.layout.year:
        report.todo.append(f"{pack.path / 'pack.yaml'}: 没有写 year（年度，如 year: 2022）。")
    if pack.layout.table(EXAMPLE_TABLE) is not None:
        report.todo.append(
            f"{pack.layout.source}: 表样还是示例表“{EXAMPLE_TABLE}”：用 xlplugin pack layout 填好的工作簿.xlsx "
            f"-o {pack.path} --force 按工作簿起草表样，再改写引用示例表的规则和用例。"
        )
    if pack.test_base is None and "test_base" not in written and (pack.tests or pack.inherited_tests):
        report.todo.append(
            f"{pack.path / 'pack.yaml'}: 没有 test_base（测试底稿）：用 xlplugin pack base 一份填好且正确的工作簿.xlsx "
            f"--pack {pack.path} 设定，之后才能运行 xlplugin pack test。"
        )
    return report


def _manifest(folder: Path) -> dict:
    try:
        data = load_yaml(folder / "pack.yaml")
    except PackError:
        return {}
    return data if isinstance(data, dict) else {}


def _is_layout_problem(problem: PackError) -> bool:
    return problem.code in ("bad-layout", "unknown-column", "unknown-block", "duplicate-id") or (
        problem.code in ("missing-key", "unknown-key", "missing-file", "bad-yaml")
        and bool(problem.path)
        and Path(problem.path).name != "pack.yaml"
        and "rules" not in Path(problem.path).parts
    )


def _walk_tables(folder: Path, report: LintReport) -> None:
    """The layout stops at its first problem: check each table file listed in template.yaml on its own."""
    folder = folder.resolve()
    template = folder / "template.yaml"
    try:
        data = load_yaml(template)
    except PackError:
        return
    tables = data.get("tables") if isinstance(data, dict) else None
    if not isinstance(tables, list):
        return
    seen = {(p.code, str(Path(p.path).resolve()) if p.path else "", p.line) for p in report.problems}
    for index, name in enumerate(tables):
        table_path = folder / str(name)
        if not table_path.resolve().is_relative_to(folder.resolve()) or not table_path.is_file():
            error = PackError("missing-file", f"找不到表格定义文件“{name}”。", str(template), line_of(tables, index))
        else:
            try:
                layout_load._table(load_yaml(table_path), str(table_path))
                continue
            except PackError as caught:
                error = caught
        key = (error.code, str(Path(error.path).resolve()) if error.path else "", error.line)
        if key not in seen:
            seen.add(key)
            report.problems.append(error)


def _placeholders(folder: Path) -> list[str]:
    """Top-level values of pack.yaml and template.yaml still reading ``（填写…）``."""
    found = []
    for name in ("pack.yaml", "template.yaml"):
        path = folder / name
        try:
            data = load_yaml(path) if path.is_file() else None
        except PackError:
            continue
        if not isinstance(data, dict):
            continue
        for key, value in data.items():
            if isinstance(value, str) and PLACEHOLDER in value:
                found.append(f"{path}:{line_of(data, key)}: {key} 还是占位文字“{value}”，请填写。")
    return found


def _lint_cases(pack: Pack, report: LintReport) -> None:
    files = [(path, True) for path in pack.inherited_tests] + ([(pack.tests, False)] if pack.tests else [])
    if not files and "tests" not in _manifest(pack.path):
        report.todo.append(f"{pack.path / 'pack.yaml'}: 没有 tests（用例文件），每条规则都缺少用例。")
    written: dict[str, set[str]] = {}
    for file, inherited in files:
        try:
            data = load_yaml(file) or {}
        except PackError as error:
            report.problems.append(error)
            continue
        path = str(file)
        if not isinstance(data, dict):
            report.problems.append(
                PackError("bad-cases", "用例文件应为“规则 id: {pass: […], fail: […]}”的映射。", path)
            )
            continue
        for rule_id, cases in data.items():
            line = line_of(data, rule_id)
            if pack.rule(str(rule_id)) is None:
                if not inherited:
                    report.problems.append(
                        PackError("unknown-rule", f"用例中的规则“{rule_id}”不在规则包中。", path, line)
                    )
                continue
            if not isinstance(cases, dict) or set(cases) - {"pass", "fail"}:
                report.problems.append(
                    PackError("bad-cases", f"规则 {rule_id} 的用例只能有 pass 和 fail 两个列表。", path, line)
                )
                continue
            for expect in ("pass", "fail"):
                entries = cases.get(expect) or []
                if not isinstance(entries, list):
                    report.problems.append(
                        PackError("bad-cases", f"规则 {rule_id} 的 {expect} 必须是列表。", path, line_of(cases, expect))
                    )
                    continue
                for index, entry in enumerate(entries):
                    problem = _case_problem(entry, path, line_of(entries, index))
                    if problem is not None:
                        report.problems.append(problem)
                        continue
                    report.cases += 1
                    written.setdefault(str(rule_id), set()).add(expect)
    report.missing = [r.id for r in pack.rules if written.get(r.id, set()) != {"pass", "fail"}]


def _case_problem(entry: object, path: str, line: int | None) -> PackError | None:
    """What is wrong with one case entry as written (without running it), if anything."""
    if entry == BASE:
        return None
    if not isinstance(entry, dict) or "name" not in entry:
        return PackError("bad-cases", f"用例应为“{BASE}”或含 name 的映射。", path, line)
    unknown = sorted(str(k) for k in set(entry) - CASE_KEYS)
    if unknown:
        return PackError(
            "bad-cases",
            f"用例“{entry['name']}”中有未知的键“{'、'.join(unknown)}”（可用：{'、'.join(sorted(CASE_KEYS))}）。",
            path,
            line,
        )
    changes = entry.get("set") or {}
    if not isinstance(changes, dict):
        return PackError("bad-cases", f"用例“{entry['name']}”的 set 必须是“引用: 新内容”的映射。", path, line)
    for ref_text in changes:
        try:
            ref = parse(str(ref_text))
        except ExpressionError as error:
            return PackError(
                "bad-cases", f"用例“{entry['name']}”中的“{ref_text}”不是引用：{error}", path, line_of(changes, ref_text)
            )
        if not isinstance(ref, Ref):
            return PackError(
                "bad-cases", f"用例“{entry['name']}”中的“{ref_text}”不是单元格引用。", path, line_of(changes, ref_text)
            )
    return None
