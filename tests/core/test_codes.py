"""The catalogue of problem codes: every code the package raises is in it, nothing in it is dead,
and docs/问题代码.md is its rendering."""

from __future__ import annotations

import ast
from pathlib import Path

from xlplugin.core import codes

PACKAGE = Path(__file__).resolve().parents[2] / "xlplugin"
#: calls whose first argument is a problem code
RAISERS = {"PackError", "WorkbookError", "TableNotFound", "XlpluginError", "error", "Problem", "_reading_finding"}


def _codes_in_package() -> dict[str, set[str]]:
    """code → the modules that give it, from every call of a raiser and every ``code=`` keyword."""
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            literals = []
            if name in RAISERS and node.args and isinstance(node.args[0], ast.Constant):
                literals.append(node.args[0].value)
            literals += [
                k.value.value for k in node.keywords if k.arg in ("code", "rule") and isinstance(k.value, ast.Constant)
            ]
            for literal in literals:
                if isinstance(literal, str) and literal:
                    found.setdefault(literal, set()).add(str(path.relative_to(PACKAGE)))
    return found


def test_every_code_the_package_gives_is_catalogued():
    missing = {code: sorted(where) for code, where in _codes_in_package().items() if code not in codes.CODES}
    assert not missing, f"not in xlplugin.core.codes: {missing}"


def test_every_catalogued_code_is_given_somewhere():
    used = set(_codes_in_package())
    source = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py") if p.name != "codes.py")
    dead = [code for code in codes.CODES if code not in used and f'"{code}"' not in source]
    assert not dead, f"catalogued but never given: {dead}"


def test_every_entry_has_a_chinese_title_and_a_known_family():
    for entry in codes.CODES.values():
        assert entry.family in codes.FAMILIES
        assert any("\u4e00" <= ch <= "\u9fff" for ch in entry.title), entry


def test_titles_and_fixes_by_code_with_or_without_the_read_prefix():
    assert codes.title("READ.not-a-number") == codes.title("not-a-number") == "单元格内容不是数字"
    assert "保存" in codes.fix("READ.no-cached-value")
    assert codes.title("no-such-code") == "no-such-code" and codes.fix("no-such-code") == ""


def test_the_documentation_page_is_the_catalogue():
    page = PACKAGE.parent / "docs" / "问题代码.md"
    assert page.read_text(encoding="utf-8") == codes.render_markdown(), (
        "run: python -c 'from xlplugin.core import codes; print(codes.render_markdown(), end=\"\")' > docs/问题代码.md"
    )
