"""Authoring a pack from workbooks: ``xlplugin pack layout`` writes the drafted table layouts into a
folder, ``xlplugin pack base`` makes a filled, correct workbook the pack's test base.

Both check what they write: the draft must load and find its tables in the workbook it came from;
the test base must pass the pack (no 错误 or 警告) unless forced, and ``pack.yaml`` is edited as text
(one line set or added), so that its comments and order stay as the author wrote them.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from xlplugin.core.errors import PackError
from xlplugin.core.findings import ERROR, WARNING, Finding, Report
from xlplugin.core.yamlfile import load_yaml
from xlplugin.engine.run import run_pack
from xlplugin.packs.draft_layout import Draft, draft_tables, template_text
from xlplugin.packs.load import load_pack
from xlplugin.workbook.book import Book
from xlplugin.workbook.layout_load import load_layout
from xlplugin.workbook.locate import locate_book
from xlplugin.workbook.readers import read_book

__all__ = ["LayoutDraft", "BaseResult", "write_layout", "set_test_base"]


@dataclass
class LayoutDraft:
    draft: Draft
    written: list[Path] = field(default_factory=list)
    #: table id → sheet where the drafted layout found it again
    found: dict[str, str] = field(default_factory=dict)
    #: table id → why the drafted layout did not find it again
    not_found: dict[str, str] = field(default_factory=dict)


def write_layout(
    workbook: str | Path,
    folder: str | Path,
    template_id: str | None = None,
    name: str | None = None,
    force: bool = False,
) -> LayoutDraft:
    """Draft ``tables/<表号>.yaml`` and ``template.yaml`` in ``folder`` from a filled workbook, then
    load them and locate the tables in that workbook. Existing files are kept unless ``force``."""
    folder = Path(folder)
    book = read_book(workbook)
    draft = draft_tables(book)
    if not draft.tables:
        raise PackError(
            "no-tables-drafted",
            f"“{Path(workbook).name}”中没有像公开表的工作表（"
            + "；".join(f"{sheet}：{why}" for sheet, why in draft.skipped.items())
            + "）。",
        )
    old = _old_template(folder / "template.yaml")
    files = {folder / "tables" / f"{t.id}.yaml": t.text for t in draft.tables}
    files[folder / "template.yaml"] = template_text(
        draft,
        template_id or str(old.get("id") or folder.resolve().name),
        name or str(old.get("name") or f"{Path(workbook).stem}表样"),
        str(old.get("region") or ""),
        old.get("year") if isinstance(old.get("year"), int) else None,
    )
    existing = [path for path in files if path.exists()]
    if existing and not force:
        raise PackError(
            "file-exists",
            "这些文件已经存在，不会覆盖（确要覆盖请加 --force）：" + "、".join(str(p) for p in existing),
        )
    (folder / "tables").mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    result = LayoutDraft(draft, list(files))
    layout = load_layout(folder / "template.yaml")  # what we wrote must load
    located = locate_book(book, layout)
    result.found = {table_id: table.sheet.name for table_id, table in located.tables.items()}
    result.not_found = {table_id: error.message for table_id, error in located.not_found.items()}
    return result


def _old_template(path: Path) -> dict:
    try:
        data = load_yaml(path) if path.is_file() else None
    except PackError:
        return {}
    return data if isinstance(data, dict) else {}


# ---------------------------------------------------------------------------------------------
# The test base


@dataclass
class BaseResult:
    report: Report
    #: findings that refuse the workbook as a test base: 错误 and 警告
    serious: list[Finding]
    #: tables of the layout not found in the workbook
    not_found: dict[str, str]
    target: Path | None = None


def check_base(workbook: str | Path, pack_folder: str | Path) -> BaseResult:
    """Check ``workbook`` with the pack: what would keep it from being the test base."""
    pack = load_pack(pack_folder)
    book: Book = read_book(workbook)
    located = locate_book(book, pack.layout)
    report = run_pack(pack, located, str(workbook))
    serious = [f for f in report.findings if f.severity in (ERROR, WARNING)]
    return BaseResult(report, serious, {t: e.message for t, e in located.not_found.items()})


def set_test_base(workbook: str | Path, pack_folder: str | Path, force: bool = False) -> BaseResult:
    """Copy ``workbook`` into the pack as its test base and set ``test_base:`` in pack.yaml — only if
    the pack passes it (no 错误/警告, every table found) or ``force``. Refused: nothing is written."""
    folder = Path(pack_folder)
    result = check_base(workbook, folder)
    if (result.serious or result.not_found) and not force:
        return result
    target = folder / "tests" / Path(workbook).name
    target.parent.mkdir(exist_ok=True)
    if Path(workbook).resolve() != target.resolve():
        shutil.copyfile(workbook, target)
    manifest = folder / "pack.yaml"
    manifest.write_text(
        set_key(manifest.read_text(encoding="utf-8"), "test_base", target.relative_to(folder).as_posix()),
        encoding="utf-8",
    )
    load_pack(folder)  # what we wrote must load
    result.target = target
    return result


_KEY_LINE = r"^{key}[ \t]*:[^\n]*$"
_COMMENTED = r"^#[ \t]*{key}[ \t]*:[^\n]*$"


def set_key(text: str, key: str, value: str) -> str:
    """``text`` (a YAML mapping as written) with the top-level ``key`` set to ``value``: its line
    replaced (a trailing comment kept), else a commented-out ``# key: …`` line replaced, else a line
    added after ``tests:`` or at the end. Every other line stays as it was."""
    shown = value if re.fullmatch(r"[\w./\-\u4e00-\u9fff]+", value) else '"' + value.replace('"', '\\"') + '"'
    line = re.search(_KEY_LINE.format(key=re.escape(key)), text, re.MULTILINE)
    if line:
        comment = re.search(r"[ \t]+#.*$", line.group(0))
        new = f"{key}: {shown}" + (comment.group(0) if comment else "")
        return text[: line.start()] + new + text[line.end() :]
    commented = re.search(_COMMENTED.format(key=re.escape(key)), text, re.MULTILINE)
    if commented:
        return text[: commented.start()] + f"{key}: {shown}" + text[commented.end() :]
    tests = re.search(_KEY_LINE.format(key="tests"), text, re.MULTILINE)
    if tests:
        return text[: tests.end()] + f"\n{key}: {shown}" + text[tests.end() :]
    return text + ("" if text.endswith("\n") or not text else "\n") + f"{key}: {shown}\n"
