"""The examples in the docstrings are true."""

import doctest
import importlib

import pytest

MODULES = ["xlplugin.core.amounts", "xlplugin.core.printed"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0


def test_relative_links_and_pictures_in_the_guides_exist():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    documents = [root / "README.md", *sorted((root / "docs").glob("*.md"))]
    checked = 0
    for document in documents:
        for target in re.findall(r"\]\(([^)#:]+)\)", document.read_text(encoding="utf-8")):
            assert (document.parent / target).exists(), f"{document.name} links to missing {target}"
            checked += 1
    assert checked >= 4
