"""The examples in the docstrings are true."""
import doctest
import importlib

import pytest

MODULES = ["xlplugin.amounts"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
